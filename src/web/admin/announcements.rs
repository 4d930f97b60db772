//! Organiser area: announcements to a session's registrants, previewed before they are sent,
//! with the delivery of each message and a way to retry the failed ones.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::announcements::{Audience, Payload, Sent};
use crate::db::models::{Session, new_id};
use crate::domain::{AudienceGroup, OutboxStatus, SessionId};
use crate::i18n::I18n;
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

pub const SUBJECT_MAX: usize = 200;
pub const BODY_MAX: usize = 5000;

/// What the registrant will read, as the page shows it before sending.
struct Preview {
    subject: String,
    paragraphs: Vec<String>,
    recipients: usize,
}

#[derive(Template)]
#[template(path = "admin/announcements.html")]
struct AnnouncementsPage {
    admin: AdminChrome,
    session: Session,
    subject: String,
    body: String,
    audience: Audience,
    /// Chosen at preview time, so that sending twice (a double click) queues nothing twice.
    announcement_id: String,
    errors: FieldErrors,
    preview: Option<Preview>,
    history: Vec<Sent>,
}

impl AnnouncementsPage {
    fn delivery_label(&self, status: OutboxStatus) -> String {
        delivery_label(self.admin.i18n, status)
    }

    fn audience_label(&self, audience: &str) -> String {
        audience_label(self.admin.i18n, audience)
    }
}

pub fn delivery_label(i18n: I18n, status: OutboxStatus) -> String {
    i18n.t(match status {
        OutboxStatus::Queued => "admin-ann-delivery-queued",
        OutboxStatus::Sending => "admin-ann-delivery-sending",
        OutboxStatus::Sent => "admin-ann-delivery-sent",
        OutboxStatus::Failed => "admin-ann-delivery-failed",
        OutboxStatus::Skipped => "admin-ann-delivery-skipped",
    })
}

/// "confirmed,absent" in words.
fn audience_label(i18n: I18n, audience: &str) -> String {
    audience
        .split(',')
        .filter_map(AudienceGroup::parse)
        .map(|group| {
            i18n.t(match group {
                AudienceGroup::Confirmed => "admin-ann-to-confirmed",
                AudienceGroup::Waitlisted => "admin-ann-to-waitlisted",
                AudienceGroup::Attended => "admin-ann-to-attended",
                AudienceGroup::Absent => "admin-ann-to-absent",
            })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Paragraphs as the email shows them: split at blank lines.
fn paragraphs(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in body.lines().map(str::trim_end).chain([""]) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    out
}

async fn session_and_history(
    cx: &AdminContext,
    session_id: SessionId,
) -> Result<(Session, Vec<Sent>), AppError> {
    cx.find(move |conn| {
        let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
            return Ok(None);
        };
        let history = db::announcements::history(conn, &session.id)?;
        Ok(Some((session, history)))
    })
    .await
}

pub async fn page(cx: AdminContext, path: web::Path<SessionId>) -> Result<HttpResponse, AppError> {
    let (session, history) = session_and_history(&cx, path.into_inner()).await?;
    html(AnnouncementsPage {
        admin: cx.chrome("sessions"),
        session,
        subject: String::new(),
        body: String::new(),
        audience: Audience { confirmed: true, ..Audience::default() },
        announcement_id: String::new(),
        errors: FieldErrors::default(),
        preview: None,
        history,
    })
}

/// Previews (`action=preview`) or sends (`action=send`) an announcement.
pub async fn submit(
    cx: AdminContext,
    path: web::Path<SessionId>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    let sending = match form.get("action") {
        "send" => true,
        "preview" => false,
        _ => return Err(AppError::BadRequest),
    };
    let admin = cx.chrome("sessions");
    let i18n = admin.i18n;
    let mut errors = FieldErrors::default();
    let subject =
        errors.line(i18n, "subject", form.get("subject"), SUBJECT_MAX, Some("admin-ann-error-subject"));
    let body = errors.text(i18n, "body", form.get("body"), BODY_MAX, Some("admin-ann-error-body"));
    let groups = form.all("recipients");
    let groups: Vec<AudienceGroup> = groups.into_iter().filter_map(AudienceGroup::parse).collect();
    let audience = Audience::of(&groups);
    if audience.is_empty() {
        errors.add("recipients-confirmed", i18n.t("admin-ann-error-recipients"));
    }
    let announcement_id = uuid::Uuid::parse_str(form.get("announcement_id"))
        .map(|id| id.hyphenated().to_string())
        .unwrap_or_else(|_| new_id());

    let (session, history, recipients) = cx
        .find(move |conn| {
            let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
                return Ok(None);
            };
            let recipients = db::announcements::recipients(conn, &session.id, audience)?.len();
            let history = db::announcements::history(conn, &session.id)?;
            Ok(Some((session, history, recipients)))
        })
        .await?;
    if errors.is_empty() && recipients == 0 {
        errors.add("recipients-confirmed", i18n.t("admin-ann-error-nobody"));
    }
    let mut page = AnnouncementsPage {
        admin,
        session,
        // Typed values come back as typed when something is wrong.
        subject: if errors.is_empty() { subject.clone() } else { form.get("subject").to_owned() },
        body: if errors.is_empty() { body.clone() } else { form.get("body").to_owned() },
        audience,
        announcement_id: announcement_id.clone(),
        errors,
        preview: None,
        history,
    };
    if !page.errors.is_empty() {
        return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    if !sending {
        page.preview = Some(Preview { subject, paragraphs: paragraphs(&body), recipients });
        return html(page);
    }
    let payload = Payload {
        announcement: announcement_id,
        subject,
        body,
        audience: audience.describe(),
        by: cx.organiser.name.clone(),
    };
    let session = page.session;
    let path = format!("/admin/sessions/{}/announcements", session.id);
    cx.write(move |conn, actor, now| db::announcements::send(conn, &session, &payload, audience, actor, now))
        .await?;
    cx.state.wake_worker();
    Ok(done(&path, "announcement-sent"))
}

/// Queues the failed messages of one announcement again.
pub async fn retry(
    cx: AdminContext,
    path: web::Path<(SessionId, String)>,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (session_id, announcement_id) = path.into_inner();
    let Ok(announcement_id) = uuid::Uuid::parse_str(&announcement_id).map(|id| id.hyphenated().to_string())
    else {
        return Err(AppError::NotFound);
    };
    let session = cx
        .change(move |conn, actor, now| {
            let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
                return Ok(None);
            };
            db::announcements::retry_failed(conn, &session, &announcement_id, actor, now)?;
            Ok(Some(session))
        })
        .await?;
    cx.state.wake_worker();
    Ok(done(&format!("/admin/sessions/{}/announcements", session.id), "announcement-retried"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_split_at_blank_lines() {
        assert_eq!(
            paragraphs("First line\nsame paragraph\n\n  \nSecond\r\n\r\nThird"),
            vec!["First line\nsame paragraph", "Second", "Third"]
        );
    }
}
