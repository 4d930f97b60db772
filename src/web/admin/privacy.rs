//! Organiser area, administrators only: requests from people about their data (find every
//! registration of an address across sessions, download them as one JSON file, erase them all)
//! and the newsletter list as CSV. The address travels in POST bodies only, never in a URL
//! (URLs end up in logs and browser histories), and the audit log never records it.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::newsletter::Subscriber;
use crate::db::privacy::HeldForAddress;
use crate::domain::{RegistrationStatus, parse_email};
use crate::export::{ExportLabels, newsletter as columns, xlsx};
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::export::{self, ExportLink, Separator, SeparatorQuery};
use crate::web::forms::FieldErrors;

#[derive(Template)]
#[template(path = "admin/data_requests.html")]
struct DataRequestPage {
    admin: AdminChrome,
    errors: FieldErrors,
    /// The address as typed.
    email: String,
    /// What was found, once an address has been looked up.
    held: Option<HeldForAddress>,
    /// The newsletter list's downloads.
    export_links: Vec<ExportLink>,
}

impl DataRequestPage {
    fn status_label(&self, status: &RegistrationStatus) -> String {
        super::registrations::status_label(self.admin.i18n, *status)
    }

    fn count(&self) -> i64 {
        self.held.as_ref().map_or(0, |h| i64::try_from(h.registrations.len()).unwrap_or(i64::MAX))
    }

    fn date(&self, at: &chrono::NaiveDateTime) -> String {
        at.format("%Y-%m-%d").to_string()
    }
}

fn page(
    cx: &AdminContext,
    email: String,
    held: Option<HeldForAddress>,
    errors: FieldErrors,
) -> DataRequestPage {
    let admin = cx.chrome("data-requests");
    let export_links = export::links(admin.i18n, "/admin/newsletter.csv", "/admin/newsletter.xlsx", "");
    DataRequestPage { admin, errors, email, held, export_links }
}

/// The address of a request, checked: a message beside the field when it is not one.
fn address_of(cx: &AdminContext, form: &SignedForm) -> Result<String, FieldErrors> {
    match parse_email("email", form.get("email")) {
        Ok(email) => Ok(email),
        Err(error) => {
            let mut errors = FieldErrors::default();
            errors.add_domain(&error, cx.i18n());
            Err(errors)
        }
    }
}

pub async fn form(cx: AdminContext) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    html(page(&cx, String::new(), None, FieldErrors::default()))
}

/// Every registration of the address, across sessions.
pub async fn find(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let email = match address_of(&cx, &form) {
        Ok(email) => email,
        Err(errors) => {
            let typed = form.get("email").to_owned();
            return html_with_status(page(&cx, typed, None, errors), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let lookup = email.clone();
    let held = cx.read(move |conn| db::privacy::find_by_address(conn, &lookup)).await?;
    html(page(&cx, email, Some(held), FieldErrors::default()))
}

/// Everything held about the address, as one JSON file; the download is audited (without the
/// address).
pub async fn download(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let email = match address_of(&cx, &form) {
        Ok(email) => email,
        Err(errors) => {
            let typed = form.get("email").to_owned();
            return html_with_status(page(&cx, typed, None, errors), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let data = cx
        .write(move |conn, actor, now| {
            let data = db::privacy::export_address(conn, &email)?;
            let count = data["registrations"].as_array().map_or(0, Vec::len);
            db::admin_registrations::record_audit(
                conn,
                actor,
                "data_request.download",
                "data request",
                &format!("registrations={count}"),
                now,
            )?;
            Ok(data)
        })
        .await?;
    let body = serde_json::to_vec_pretty(&data).map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json; charset=utf-8"))
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"personal-data.json\""))
        .body(body))
}

/// Erases every registration of the address (and its kept newsletter consent) in one
/// transaction, after the administrator ticked the confirmation.
pub async fn erase(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    cx.require_admin()?;
    let email = match address_of(&cx, &form) {
        Ok(email) => email,
        Err(errors) => {
            let typed = form.get("email").to_owned();
            return html_with_status(page(&cx, typed, None, errors), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if form.get("confirm") != "yes" {
        let lookup = email.clone();
        let held = cx.read(move |conn| db::privacy::find_by_address(conn, &lookup)).await?;
        let mut errors = FieldErrors::default();
        errors.add("confirm", cx.i18n().t("admin-data-erase-confirm-missing"));
        return html_with_status(page(&cx, email, Some(held), errors), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mail_dir = cx.state.settings.mail_dir();
    let erased = cx
        .write(move |conn, actor, now| db::privacy::erase_address(conn, &mail_dir, &email, actor, now))
        .await?;
    if erased > 0 {
        // Seats given back may promote someone from a waiting list.
        cx.state.wake_worker();
    }
    Ok(done("/admin/data-requests", "data-erased"))
}

/// Everyone who opted in to the newsletter and has not withdrawn or been erased, one line per
/// address. Personal data leaving the app: the export is audited.
async fn subscribers(cx: &AdminContext, format: &'static str) -> Result<Vec<Subscriber>, AppError> {
    cx.require_admin()?;
    cx.write(move |conn, actor, now| {
        let subscribers = db::newsletter::list(conn)?;
        db::admin_registrations::record_audit(
            conn,
            actor,
            "newsletter.export",
            "newsletter list",
            &format!("addresses={} format={format}", subscribers.len()),
            now,
        )?;
        Ok(subscribers)
    })
    .await
}

/// The newsletter list as CSV for a spreadsheet, in the administrator's language.
pub async fn newsletter_csv(
    cx: AdminContext,
    separator: web::Query<SeparatorQuery>,
) -> Result<HttpResponse, AppError> {
    let subscribers = subscribers(&cx, "csv").await?;
    let labels = ExportLabels::new(cx.i18n().lang);
    let separator = Separator::chosen(&separator, labels.language());
    let rows = subscribers.iter().map(|s| columns::cells(s, &labels));
    let body = export::csv_file(columns::COLUMNS, &labels, rows, separator)?;
    Ok(export::csv_response("newsletter.csv", body))
}

/// The newsletter list as an Excel workbook.
pub async fn newsletter_xlsx(cx: AdminContext) -> Result<HttpResponse, AppError> {
    let subscribers = subscribers(&cx, "xlsx").await?;
    let labels = ExportLabels::new(cx.i18n().lang);
    let rows = subscribers.iter().map(|s| columns::cells(s, &labels));
    let workbook = xlsx::workbook(columns::SHEET, columns::COLUMNS, &labels, rows, &mut |_| {})
        .map_err(AppError::Unexpected)?;
    Ok(export::xlsx_response("newsletter.xlsx", workbook))
}
