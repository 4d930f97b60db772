//! Organiser area: announcements to a session's registrants, previewed before they are sent,
//! with the delivery of each message and a way to retry the failed ones.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::announcement_history::Sent;
use crate::db::announcements::{Announcement, Audience, FocalPoint, Written};
use crate::db::models::{Session, new_id};
use crate::domain::{AudienceGroup, Language, OutboxStatus, SessionId};
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
    /// Focal points it will go to.
    focal: usize,
    /// The other languages written, as their readers will read them.
    others: Vec<(String, String, Vec<String>)>,
}

/// One language's subject and body on the form, with who reads it.
struct LanguageTexts {
    code: &'static str,
    /// "French (the session's language)" or "Spanish (optional)".
    heading: String,
    /// "3 registrants and 2 focal points read Spanish."
    readers: String,
    /// The session's language: its fields are `subject` and `body`, and required.
    own: bool,
    subject_name: &'static str,
    body_name: &'static str,
    subject: String,
    body: String,
}

/// A focal point that can be chosen.
struct MemberChoice {
    id: String,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "admin/announcements.html")]
struct AnnouncementsPage {
    admin: AdminChrome,
    session: Session,
    texts: Vec<LanguageTexts>,
    members: Vec<MemberChoice>,
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

    fn members_open(&self) -> bool {
        self.members.iter().any(|m| m.checked)
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
                AudienceGroup::FocalPoints => "admin-texts-ann-to-focal-points",
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

/// The form's field names of a language's subject and body; the session's own language uses
/// `subject` and `body`.
fn field_names(language: Language, own: bool) -> (&'static str, &'static str) {
    match (own, language) {
        (true, _) => ("subject", "body"),
        (false, Language::En) => ("subject_en", "body_en"),
        (false, Language::Fr) => ("subject_fr", "body_fr"),
        (false, Language::Es) => ("subject_es", "body_es"),
    }
}

/// The session's language first, then the others.
fn languages_of(session: &Session) -> Vec<(Language, bool)> {
    let own = Language::parse(&session.language).unwrap_or(Language::En);
    std::iter::once((own, true))
        .chain(Language::ALL.into_iter().filter(|l| *l != own).map(|l| (l, false)))
        .collect()
}

fn language_texts(
    i18n: I18n,
    session: &Session,
    readers: &[(Language, usize, usize)],
    typed: impl Fn(&str) -> String,
) -> Vec<LanguageTexts> {
    languages_of(session)
        .into_iter()
        .map(|(language, own)| {
            let (subject_name, body_name) = field_names(language, own);
            let name = i18n.t(&format!("language-{}", language.code()));
            let (registrants, focal) =
                readers.iter().find(|(l, ..)| *l == language).map_or((0, 0), |(_, r, f)| (*r, *f));
            LanguageTexts {
                code: language.code(),
                heading: i18n.t1(
                    if own { "admin-texts-ann-own-language" } else { "admin-texts-ann-other-language" },
                    "language",
                    &name,
                ),
                readers: i18n.t2("admin-texts-ann-readers", "count", registrants, "count2", focal),
                own,
                subject_name,
                body_name,
                subject: typed(subject_name),
                body: typed(body_name),
            }
        })
        .collect()
}

fn member_choices(focal: &[FocalPoint], chosen: &[String]) -> Vec<MemberChoice> {
    focal
        .iter()
        .map(|f| MemberChoice {
            id: f.organisation_id.clone(),
            label: f.organisation.clone(),
            checked: chosen.contains(&f.organisation_id),
        })
        .collect()
}

struct Loaded {
    session: Session,
    history: Vec<Sent>,
    readers: Vec<(Language, usize, usize)>,
    focal: Vec<FocalPoint>,
}

async fn load(
    cx: &AdminContext,
    session_id: SessionId,
    audience: Audience,
    members: Vec<String>,
) -> Result<Loaded, AppError> {
    cx.find(move |conn| {
        let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
            return Ok(None);
        };
        let history = db::announcement_history::history(conn, &session.id)?;
        let readers = db::announcements::readers_by_language(conn, &session.id, audience, &members)?;
        let focal = db::announcements::focal_points(conn, &[])?;
        Ok(Some(Loaded { session, history, readers, focal }))
    })
    .await
}

pub async fn page(cx: AdminContext, path: web::Path<SessionId>) -> Result<HttpResponse, AppError> {
    let audience = Audience { confirmed: true, ..Audience::default() };
    let Loaded { session, history, readers, focal } =
        load(&cx, path.into_inner(), audience, Vec::new()).await?;
    let admin = cx.chrome("sessions");
    html(AnnouncementsPage {
        texts: language_texts(admin.i18n, &session, &readers, |_| String::new()),
        members: member_choices(&focal, &[]),
        admin,
        session,
        audience,
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
    let groups = form.all("recipients");
    let groups: Vec<AudienceGroup> = groups.into_iter().filter_map(AudienceGroup::parse).collect();
    let audience = Audience::of(&groups);
    let members: Vec<String> = if audience.focal_points {
        form.all("members").into_iter().map(str::to_owned).collect()
    } else {
        Vec::new()
    };
    let announcement_id = uuid::Uuid::parse_str(form.get("announcement_id"))
        .map(|id| id.hyphenated().to_string())
        .unwrap_or_else(|_| new_id());
    let Loaded { session, history, readers, focal } =
        load(&cx, session_id, audience, members.clone()).await?;

    let mut errors = FieldErrors::default();
    let mut written = Vec::new();
    for (language, own) in languages_of(&session) {
        let (subject_name, body_name) = field_names(language, own);
        let (raw_subject, raw_body) = (form.get(subject_name), form.get(body_name));
        if !own && raw_subject.trim().is_empty() && raw_body.trim().is_empty() {
            continue;
        }
        let subject = errors.line(
            i18n,
            subject_name,
            raw_subject,
            SUBJECT_MAX,
            Some(if own { "admin-ann-error-subject" } else { "admin-texts-ann-error-subject" }),
        );
        let body = errors.text(
            i18n,
            body_name,
            raw_body,
            BODY_MAX,
            Some(if own { "admin-ann-error-body" } else { "admin-texts-ann-error-body" }),
        );
        written.push(Written { language, subject, body });
    }
    if audience.is_empty() {
        errors.add("recipients-confirmed", i18n.t("admin-ann-error-recipients"));
    }
    if members.iter().any(|m| !focal.iter().any(|f| &f.organisation_id == m)) {
        errors.add("recipients-focal_points", i18n.t("admin-texts-ann-error-unknown-member"));
    }
    let recipients: usize = readers.iter().map(|(_, r, f)| r + f).sum();
    if errors.is_empty() && recipients == 0 {
        errors.add("recipients-confirmed", i18n.t("admin-ann-error-nobody"));
    }
    // Typed values come back as typed when something is wrong, cleaned when all is well.
    let texts = if errors.is_empty() {
        language_texts(i18n, &session, &readers, |name| {
            written
                .iter()
                .find_map(|w| {
                    let (s, b) = field_names(w.language, w.language.code() == session.language);
                    if s == name {
                        Some(w.subject.clone())
                    } else if b == name {
                        Some(w.body.clone())
                    } else {
                        None
                    }
                })
                .unwrap_or_default()
        })
    } else {
        language_texts(i18n, &session, &readers, |name| form.get(name).to_owned())
    };
    let mut page = AnnouncementsPage {
        admin,
        texts,
        members: member_choices(&focal, &members),
        session,
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
        let mut written = written.iter();
        if let Some(first) = written.next() {
            page.preview = Some(Preview {
                subject: first.subject.clone(),
                paragraphs: paragraphs(&first.body),
                recipients: readers.iter().map(|(_, r, _)| r).sum(),
                focal: readers.iter().map(|(_, _, f)| f).sum(),
                others: written
                    .map(|w| (w.language.code().to_owned(), w.subject.clone(), paragraphs(&w.body)))
                    .collect(),
            });
        }
        return html(page);
    }
    let announcement = Announcement {
        id: announcement_id,
        texts: written,
        audience,
        members,
        by: cx.organiser.name.clone(),
    };
    let session = page.session;
    let path = format!("/admin/sessions/{}/announcements", session.id);
    cx.write(move |conn, actor, now| db::announcements::send(conn, &session, &announcement, actor, now))
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
            db::announcement_history::retry_failed(conn, &session, &announcement_id, actor, now)?;
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
