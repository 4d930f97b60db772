//! Organiser area: who attended a session, marked by hand on the registrations list or read
//! from the video platform's attendance file.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done, page_number};
use super::registrations::{RegistrationsPage, back_from, filters_of, load_list, status_label};
use crate::db;
use crate::db::admin_registrations::{Filters, ImportReport};
use crate::db::models::Session;
use crate::domain::{RegistrationStatus, SessionId};
use crate::web::chrome::{html, html_with_status};
use crate::web::csv::{CsvProblem, parse_attendance};
use crate::web::errors::AppError;
use crate::web::multipart::{self, Upload};

/// The largest attendance file accepted.
pub const MAX_ATTENDANCE_FILE: usize = 5 * 1024 * 1024;
/// The most rows one bulk attendance form may tick.
const MAX_BULK: usize = 1000;

/// Marks the ticked (confirmed) registrations as attended or absent.
pub async fn bulk_attendance(
    cx: AdminContext,
    path: web::Path<SessionId>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    let attended = match form.get("attended") {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest),
    };
    let ids: Vec<String> = form.all("registration").into_iter().map(str::to_owned).take(MAX_BULK).collect();
    let back = back_from(&session_id, &form);
    if ids.is_empty() {
        let page = page_number(Some(form.get("page")));
        let (data, filters) = load_list(&cx, session_id, filters_of(&form), page).await?;
        let mut page = RegistrationsPage::new(cx.chrome("sessions"), data, filters, page);
        page.errors.add("attendance-selection", cx.i18n().t("admin-reg-error-select"));
        return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    cx.change(move |conn, actor, now| {
        let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
            return Ok(false);
        };
        db::admin_registrations::set_attendance(conn, &session, &ids, attended, actor, now)?;
        Ok(true)
    })
    .await?;
    Ok(done(&back, "attendance-saved"))
}

/// The attendance upload: the CSRF token, the file, and whether to mark the others absent.
/// A larger file is still read to its end (up to twice the limit), so that the page can say why.
const ATTENDANCE_FORM: multipart::Limits = multipart::Limits {
    max_parts: 6,
    max_body_bytes: 2 * MAX_ATTENDANCE_FILE,
    max_text_bytes: 4096,
    files: &[("file", MAX_ATTENDANCE_FILE)],
};

#[derive(Template)]
#[template(path = "admin/registrations_import.html")]
struct ImportPage {
    admin: AdminChrome,
    session: Session,
    report: ImportReport,
    others_absent: bool,
}

impl ImportPage {
    fn status_label(&self, status: RegistrationStatus) -> String {
        status_label(self.admin.i18n, status)
    }
}

/// Records attendance from the video platform's CSV, then shows what matched and what did not.
pub async fn import_attendance(
    cx: AdminContext,
    path: web::Path<SessionId>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let mut upload = multipart::read_signed(&cx.req, payload.into_inner(), &ATTENDANCE_FORM).await?;
    let others_absent = !upload.text("others_absent").is_empty();
    let session_id = path.into_inner();
    let i18n = cx.i18n();
    let parsed = match upload.take_file("file") {
        Upload::Missing => Err(i18n.t("admin-import-error-no-file")),
        Upload::TooLarge => Err(i18n.t1("admin-import-error-too-large", "max", 5)),
        Upload::File(bytes) => {
            parse_attendance(&bytes).map(|lines| (lines, bytes)).map_err(|problem| match problem {
                CsvProblem::NoEmailColumn => i18n.t("admin-import-error-no-email-column"),
                CsvProblem::Unreadable => i18n.t("admin-import-error-unreadable"),
            })
        }
    };
    let (lines, bytes) = match parsed {
        Ok(parsed) => parsed,
        Err(message) => {
            let (data, filters) = load_list(&cx, session_id, Filters::default(), 1).await?;
            let mut page = RegistrationsPage::new(cx.chrome("sessions"), data, filters, 1);
            page.errors.add("attendance-file", message);
            page.others_absent = others_absent;
            return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    // longwork: a long file is recorded by the worker, with a progress page; a session that has
    // not started is refused before anything is stored.
    if lines.len() > super::tasks::SYNC_IMPORT_ROWS {
        let lookup = session_id.clone();
        let session = cx.find(move |conn| db::admin_registrations::session(conn, &lookup)).await?;
        if cx.state.clock.now() < session.starts_at {
            return refuse_before_start(&cx, session_id, others_absent).await;
        }
        return super::tasks::queue_import(&cx, session_id, &bytes, lines.len(), others_absent).await;
    }
    let target = session_id.clone();
    let imported = cx
        .change(move |conn, actor, now| {
            let Some(session) = db::admin_registrations::session(conn, &target)? else {
                return Ok(None);
            };
            // Nobody has attended a session that has not started: a file now is the wrong one.
            if now < session.starts_at {
                return Ok(Some(None));
            }
            let report = db::admin_registrations::import_attendance(
                conn,
                &session,
                &lines,
                others_absent,
                actor,
                now,
            )?;
            Ok(Some(Some((session, report))))
        })
        .await?;
    let Some((session, report)) = imported else {
        return refuse_before_start(&cx, session_id, others_absent).await;
    };
    html(ImportPage { admin: cx.chrome("sessions"), session, report, others_absent })
}

/// The list again, with "the session has not started" beside the file field.
async fn refuse_before_start(
    cx: &AdminContext,
    session_id: SessionId,
    others_absent: bool,
) -> Result<HttpResponse, AppError> {
    let (data, filters) = load_list(cx, session_id, Filters::default(), 1).await?;
    let mut page = RegistrationsPage::new(cx.chrome("sessions"), data, filters, 1);
    page.errors.add("attendance-file", cx.i18n().t("admin-import-error-not-started"));
    page.others_absent = others_absent;
    html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY)
}
