//! Organiser area: the series that group sessions (a title and a description each).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::models::Series;
use crate::domain::{clean_line, clean_text};
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

#[derive(Template)]
#[template(path = "admin/series.html")]
struct SeriesPage {
    admin: AdminChrome,
    series: Vec<Series>,
    errors: FieldErrors,
    title: String,
    description: String,
}

pub async fn list(cx: AdminContext) -> Result<HttpResponse, AppError> {
    let series = cx.read(db::sessions::all_series).await?;
    html(SeriesPage {
        admin: cx.chrome("sessions"),
        series,
        errors: FieldErrors::default(),
        title: String::new(),
        description: String::new(),
    })
}

async fn store(cx: AdminContext, form: SignedForm, id: Option<String>) -> Result<HttpResponse, AppError> {
    let title = clean_line("title", form.get("title"), 200).ok().filter(|t| !t.is_empty());
    let description = clean_text("description", form.get("description"), 2000).ok();
    let (Some(title), Some(description)) = (title, description) else {
        let series = cx.read(db::sessions::all_series).await?;
        // The summary links to the title field of the form that was sent.
        let field = match &id {
            Some(id) => format!("title-{id}"),
            None => "title".to_owned(),
        };
        let mut errors = FieldErrors::default();
        errors.add(field, cx.i18n().t("admin-error-series-title"));
        let page = SeriesPage {
            admin: cx.chrome("sessions"),
            series,
            errors,
            title: form.get("title").to_owned(),
            description: form.get("description").to_owned(),
        };
        return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
    };
    cx.change(move |conn, actor, now| {
        db::sessions::save_series(conn, id.as_deref(), &title, &description, actor, now)
    })
    .await?;
    Ok(done("/admin/series", "series-saved"))
}

pub async fn create(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    store(cx, form, None).await
}

pub async fn update(
    cx: AdminContext,
    path: web::Path<String>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    store(cx, form, Some(path.into_inner())).await
}
