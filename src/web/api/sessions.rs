//! `GET /api/v1/sessions` and `GET /api/v1/sessions/{slug}`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::model::{Session, SessionList};
use super::params::{Query, SessionQuery, SessionsQuery, SessionsRequest, session_cursor};
use super::problem::Problem;
use super::{ApiRequest, json, with_next};
use crate::db;
use crate::db::public_api::SessionPosition;
use crate::web::state::{AppState, run_db};

/// Public sessions, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/sessions",
    tag = "sessions",
    params(SessionsQuery),
    responses(
        (status = 200, description = "A page of public sessions", body = SessionList,
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
    let request = SessionsRequest::read(&mut query);
    if !query.errors.is_empty() {
        return Err(Problem::invalid(api.i18n(), &api.base, &query.errors));
    }
    let now = state.clock.now();
    let SessionsRequest { filter, lang, limit, after } = request;
    let (found, more) =
        run_db(&state, move |conn| db::public_api::sessions_page(conn, &filter, after.as_ref(), limit, now))
            .await
            .map_err(|e| Problem::from_app(api.i18n(), e))?;
    let last = found
        .last()
        .map(|s| SessionPosition { starts_at: s.session.starts_at, slug: s.session.slug.clone() });
    let next = last.filter(|_| more).map(|at| api.next_page(&req, &session_cursor(&at)));
    let items = found.into_iter().map(|s| Session::of(s, &api.base, lang, now)).collect();
    Ok(with_next(json(&req, &SessionList { items, next: next.clone() }), next.as_deref()))
}

/// One public session, with its panel.
#[utoipa::path(
    get,
    path = "/api/v1/sessions/{slug}",
    tag = "sessions",
    params(("slug" = String, Path, description = "The session's slug"), SessionQuery),
    responses(
        (status = 200, description = "The session", body = Session,
            headers(("ETag" = String, description = "The version of this answer, for If-None-Match"))),
        (status = 304, description = "Not modified: the If-None-Match tag still holds"),
        (status = 400, description = "A query parameter was refused", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No public session has this slug", body = Problem,
            content_type = "application/problem+json"),
    )
)]
pub async fn one(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let api = ApiRequest::of(&req, &state);
    let mut query = Query::parse(req.query_string());
    let lang = query.language("lang");
    if !query.errors.is_empty() {
        return Err(Problem::invalid(api.i18n(), &api.base, &query.errors));
    }
    let slug =
        api.slug(&req).ok_or_else(|| Problem::not_found(api.i18n(), "api-problem-session-not-found"))?;
    let found = run_db(&state, move |conn| db::public_api::session(conn, &slug))
        .await
        .map_err(|e| Problem::from_app(api.i18n(), e))?
        .ok_or_else(|| Problem::not_found(api.i18n(), "api-problem-session-not-found"))?;
    Ok(json(&req, &Session::of(found, &api.base, lang, state.clock.now())))
}
