//! Organiser area: one registration's details and the life of every email sent to it.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext};
use crate::db;
use crate::db::bounces::{MailFailure, Suppressed};
use crate::db::models::{OutboxMessage, Registration, Session};
use crate::domain::{MessageKind, OutboxStatus, RegistrationId, RegistrationStatus, SessionId};
use crate::web::chrome::html;
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

#[derive(Template)]
#[template(path = "admin/registration.html")]
pub(super) struct RegistrationPage {
    admin: AdminChrome,
    session: Session,
    registration: Registration,
    organisation: String,
    messages: Vec<OutboxMessage>,
    /// The last mail failed (`db::bounces`).
    failure: Option<MailFailure>,
    /// The address bounced for good: nothing goes to it until cleared.
    suppressed: Option<Suppressed>,
    /// The correct-the-address form: its mistakes and what was typed.
    errors: FieldErrors,
    new_email: String,
    /// questions: the language followed (named) and the needs ticked, in the organiser's words.
    interpretation: Vec<String>,
    /// qforms: the answers to the session's questions (label, answer, question retired).
    answers: Vec<(String, String, bool)>,
}

impl RegistrationPage {
    fn kind_label(&self, kind: MessageKind) -> String {
        let key = format!("admin-message-kind-{kind}");
        if self.admin.i18n.has(&key) { self.admin.i18n.t(&key) } else { kind.to_string() }
    }

    fn registration_status(&self) -> String {
        super::registrations::status_label(self.admin.i18n, self.registration.status)
    }

    fn status_label(&self, status: OutboxStatus) -> String {
        self.admin.i18n.t(&format!("admin-message-status-{status}"))
    }
}

pub async fn registration_page(
    cx: AdminContext,
    path: web::Path<(SessionId, RegistrationId)>,
) -> Result<HttpResponse, AppError> {
    let (session_id, registration_id) = path.into_inner();
    html(load_page(&cx, session_id, registration_id, FieldErrors::default(), String::new()).await?)
}

/// The page, with the correct-the-address form's mistakes and what was typed.
pub(super) async fn load_page(
    cx: &AdminContext,
    session_id: SessionId,
    registration_id: RegistrationId,
    errors: FieldErrors,
    new_email: String,
) -> Result<RegistrationPage, AppError> {
    let (registration, session, organisation, messages, failure, suppressed, (interpretation, answers)) = cx
        .find(move |conn| {
            let Some((registration, session)) = db::registrations::with_session(conn, &registration_id)?
            else {
                return Ok(None);
            };
            // An erased registration is not there for organisers (404), whatever its id.
            if session.id != session_id || registration.status == RegistrationStatus::Erased {
                return Ok(None);
            }
            let organisation = db::registrations::organisation_name(conn, &registration)?;
            let messages = db::outbox::for_registration(conn, &registration.id)?;
            let failure = db::bounces::failure_of(conn, &registration.id)?;
            let suppressed = db::bounces::suppression_of(conn, &registration.email_normalized)?;
            let choice = db::interpretation::choice_of(conn, &registration.id)?;
            let offered = db::interpretation::offered(conn, &session)?;
            let answers = db::answers::labelled_answers(conn, &registration.id, session.id.as_str())?;
            Ok(Some((
                registration,
                session,
                organisation,
                messages,
                failure,
                suppressed,
                ((choice, offered), answers),
            )))
        })
        .await?;
    let (choice, offered) = interpretation;
    let i18n = cx.i18n();
    let mut interpretation = Vec::new();
    if offered.asks() || choice.follows.is_some() {
        let language = i18n.t(&format!("admin-interpretation-language-{}", offered.followed(choice.follows)));
        interpretation.push(i18n.t1("admin-interpretation-follows", "language", language));
    }
    if choice.sign_language {
        interpretation.push(i18n.t("admin-interpretation-sign"));
    }
    if choice.captions {
        interpretation.push(i18n.t("admin-interpretation-captions"));
    }
    Ok(RegistrationPage {
        interpretation,
        answers,
        admin: cx.chrome("sessions"),
        session,
        registration,
        organisation,
        messages,
        failure,
        suppressed,
        errors,
        new_email,
    })
}
