//! Organiser area: removing the demo data (administrators; a ticked box; audited). What goes
//! and what stays is in [`crate::db::demo_removal`].

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::demo_removal::DemoRows;
use crate::web::chrome::html_with_status;
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

#[derive(Template)]
#[template(path = "admin/demo.html")]
struct DemoPage {
    admin: AdminChrome,
    rows: DemoRows,
    errors: FieldErrors,
}

async fn page(cx: &AdminContext, errors: FieldErrors, status: StatusCode) -> Result<HttpResponse, AppError> {
    let rows = cx.read(db::demo_removal::preview).await?;
    html_with_status(DemoPage { admin: cx.chrome("sessions"), rows, errors }, status)
}

pub async fn form(cx: AdminContext) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    page(&cx, FieldErrors::default(), StatusCode::OK).await
}

pub async fn remove(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    if form.get("confirm") != "yes" {
        let mut errors = FieldErrors::default();
        errors.add("confirm", cx.i18n().t("admin-demo-confirm-missing"));
        return page(&cx, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let mail_dir = cx.state.settings.mail_dir();
    cx.write(move |conn, actor, now| db::demo_removal::remove(conn, &mail_dir, actor, now)).await?;
    Ok(done("/admin", "demo-removed"))
}

/// Whether the sessions list shows the way here.
pub fn any_demo(rows: &[super::sessions::SessionRow]) -> bool {
    rows.iter().any(|r| r.is_demo)
}
