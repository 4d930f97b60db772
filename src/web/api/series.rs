//! `GET /api/v1/series` and `GET /api/v1/series/{slug}`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::model::{Series, SeriesList};
use super::params::{Query, SeriesQuery, decode_series_cursor, series_cursor};
use super::problem::Problem;
use super::{ApiRequest, json, with_next};
use crate::db;
use crate::web::state::{AppState, run_db};

/// Public series, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/series",
    tag = "series",
    params(SeriesQuery),
    responses(
        (status = 200, description = "A page of public series", body = SeriesList,
            headers(
                ("Link" = String, description = "The next page, rel=\"next\", when there is one"),
                ("ETag" = String, description = "The version of this answer, for If-None-Match"),
            )),
        (status = 304, description = "Not modified: the If-None-Match tag still holds"),
        (status = 400, description = "A query parameter was refused", body = Problem,
            content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let api = ApiRequest::of(&req, &state);
    let mut query = Query::parse(req.query_string());
    let limit = query.limit();
    let after = query.cursor(decode_series_cursor);
    if !query.errors.is_empty() {
        return Err(Problem::invalid(api.i18n(), &api.base, &query.errors));
    }
    let (found, more) =
        run_db(&state, move |conn| db::public_api::series_page(conn, after.as_deref(), limit))
            .await
            .map_err(|e| Problem::from_app(api.i18n(), e))?;
    let next = found.last().filter(|_| more).map(|(s, _)| api.next_page(&req, &series_cursor(&s.slug)));
    let items = found.into_iter().map(|s| Series::of(s, &api.base)).collect();
    Ok(with_next(json(&req, &SeriesList { items, next: next.clone() }), next.as_deref()))
}

/// One public series.
#[utoipa::path(
    get,
    path = "/api/v1/series/{slug}",
    tag = "series",
    params(("slug" = String, Path, description = "The series' slug")),
    responses(
        (status = 200, description = "The series", body = Series,
            headers(("ETag" = String, description = "The version of this answer, for If-None-Match"))),
        (status = 304, description = "Not modified: the If-None-Match tag still holds"),
        (status = 404, description = "No public series has this slug", body = Problem,
            content_type = "application/problem+json"),
    )
)]
pub async fn one(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let api = ApiRequest::of(&req, &state);
    let slug =
        api.slug(&req).ok_or_else(|| Problem::not_found(api.i18n(), "api-problem-series-not-found"))?;
    let found = run_db(&state, move |conn| db::public_api::series_by_slug(conn, &slug))
        .await
        .map_err(|e| Problem::from_app(api.i18n(), e))?
        .ok_or_else(|| Problem::not_found(api.i18n(), "api-problem-series-not-found"))?;
    Ok(json(&req, &Series::of(found, &api.base)))
}
