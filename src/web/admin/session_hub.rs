//! Organiser area: a session's own page, with what can be done to it from there (publish,
//! cancel, duplicate) and its documents.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use super::sessions::status_label;
use crate::db;
use crate::db::models::{Session, SessionDocument};
use crate::db::session_changes::CancellationNotices;
use crate::db::sessions::StatusChange;
use crate::domain::session::format_reminders;
use crate::domain::{RegistrationStatus, SessionId};
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;
use crate::when::When;

#[derive(Template)]
#[template(path = "admin/session.html")]
struct HubPage {
    admin: AdminChrome,
    session: Session,
    when: When,
    language: String,
    status_label: String,
    series_title: Option<String>,
    confirmed: i64,
    waitlisted: i64,
    awaiting: i64,
    pending: i64,
    /// Registrations whose last mail failed.
    mail_failed: i64,
    /// join: confirmed registrants who joined through their personal link, from the join
    /// window's opening on (the live count, and after the session).
    joined: Option<i64>,
    /// For a cancelled session: what became of its registrants.
    notices: Option<CancellationNotices>,
    documents: Vec<SessionDocument>,
    reminders: String,
    /// The mistakes of the document form.
    errors: FieldErrors,
    doc_title: String,
    doc_url: String,
    /// focal: awaiting approval by organisation (name, count, decided by its focal point).
    awaiting_by_organisation: Vec<(String, i64, bool)>,
}

impl HubPage {
    fn focal_mode(&self) -> bool {
        self.session.approval_mode == crate::domain::ApprovalMode::FocalPoint
    }
}

async fn hub_page(
    cx: &AdminContext,
    id: SessionId,
    errors: FieldErrors,
    doc_title: String,
    doc_url: String,
) -> Result<HubPage, AppError> {
    let admin = cx.chrome("sessions");
    let i18n = admin.i18n;
    let (opens, now) = (cx.state.settings.join_opens, cx.state.clock.now());
    let (overview, documents, notices, all_series, (mail_failed, awaiting_by_organisation), joined) = cx
        .find(move |conn| {
            let Some(overview) = db::sessions::overview(conn)?.into_iter().find(|o| o.session.id == id)
            else {
                return Ok(None);
            };
            let documents = db::catalogue::documents(conn, &overview.session.id)?;
            let notices = if overview.session.is_cancelled() {
                Some(db::session_changes::cancellation_notices(conn, &overview.session.id)?)
            } else {
                None
            };
            let failed =
                db::bounces::failed_by_session(conn)?.get(&overview.session.id).copied().unwrap_or(0);
            let session = &overview.session;
            let joined = if !session.is_cancelled() && db::joins::window(session, opens).opens_at() <= now {
                Some(db::joins::joined_count(conn, &session.id)?)
            } else {
                None
            };
            let awaiting = db::focal_approval::awaiting_by_organisation(conn, &overview.session.id)?;
            Ok(Some((
                overview,
                documents,
                notices,
                db::sessions::all_series(conn)?,
                (failed, awaiting),
                joined,
            )))
        })
        .await?;
    let count = |status: RegistrationStatus| overview.counts.get(&status).copied().unwrap_or(0);
    let session = overview.session.clone();
    Ok(HubPage {
        when: When::of(i18n, &session),
        language: i18n.language_name(&session.language),
        status_label: status_label(i18n, session.status),
        series_title: session
            .series_id
            .as_ref()
            .and_then(|sid| all_series.iter().find(|s| &s.id == sid))
            .map(|s| s.title.clone()),
        confirmed: count(RegistrationStatus::Confirmed),
        waitlisted: count(RegistrationStatus::Waitlisted),
        awaiting: count(RegistrationStatus::AwaitingApproval),
        pending: count(RegistrationStatus::Pending),
        mail_failed,
        joined,
        notices,
        reminders: format_reminders(&session.reminder_offsets()),
        documents,
        errors,
        doc_title,
        doc_url,
        awaiting_by_organisation,
        session,
        admin,
    })
}

pub async fn hub(cx: AdminContext, path: web::Path<SessionId>) -> Result<HttpResponse, AppError> {
    html(hub_page(&cx, path.into_inner(), FieldErrors::default(), String::new(), String::new()).await?)
}

pub async fn change_status(
    cx: AdminContext,
    path: web::Path<SessionId>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (change, flash) = match form.get("action") {
        "publish" => (StatusChange::Publish, "session-published"),
        "unpublish" => (StatusChange::Unpublish, "session-unpublished"),
        "cancel" => (StatusChange::Cancel, "session-cancelled"),
        _ => return Err(AppError::BadRequest),
    };
    // Cancelling emails every registrant: it takes a ticked box, not one stray click.
    if change == StatusChange::Cancel && form.get("confirm") != "yes" {
        return Ok(done(&format!("/admin/sessions/{id}"), "cancel-unconfirmed"));
    }
    let target = id.clone();
    cx.change(move |conn, actor, now| db::sessions::change_status(conn, &target, change, actor, now)).await?;
    cx.state.wake_worker();
    Ok(done(&format!("/admin/sessions/{id}"), flash))
}

pub async fn duplicate(
    cx: AdminContext,
    path: web::Path<SessionId>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let copy = cx.change(move |conn, actor, now| db::sessions::duplicate(conn, &id, actor, now)).await?;
    Ok(done(&format!("/admin/sessions/{copy}/edit"), "session-duplicated"))
}

pub async fn add_document(
    cx: AdminContext,
    path: web::Path<SessionId>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let i18n = cx.i18n();
    let mut errors = FieldErrors::default();
    let title =
        errors.line(i18n, "doc_title", form.get("doc_title"), 200, Some("admin-error-title-required"));
    let url = form.get("doc_url").trim().to_owned();
    let valid_url = url::Url::parse(&url)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        && url.len() <= 500;
    if !valid_url {
        errors.add("doc_url", i18n.t("admin-error-url"));
    }
    if !errors.is_empty() {
        let page = hub_page(&cx, id, errors, form.get("doc_title").into(), url).await?;
        return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let target = id.clone();
    cx.change(move |conn, actor, now| db::sessions::add_document(conn, &target, &title, &url, actor, now))
        .await?;
    Ok(done(&format!("/admin/sessions/{id}"), "document-added"))
}

pub async fn remove_document(
    cx: AdminContext,
    path: web::Path<(SessionId, String)>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (id, document) = path.into_inner();
    let target = id.clone();
    cx.change(move |conn, actor, now| db::sessions::remove_document(conn, &target, &document, actor, now))
        .await?;
    Ok(done(&format!("/admin/sessions/{id}"), "document-removed"))
}
