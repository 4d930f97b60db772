//! Organiser area: one registration's details and the life of every email sent to it.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext};
use crate::db;
use crate::db::models::{OutboxMessage, Registration, Session};
use crate::domain::{MessageKind, OutboxStatus, RegistrationId, RegistrationStatus, SessionId};
use crate::web::chrome::html;
use crate::web::errors::AppError;

#[derive(Template)]
#[template(path = "admin/registration.html")]
struct RegistrationPage {
    admin: AdminChrome,
    session: Session,
    registration: Registration,
    organisation: String,
    messages: Vec<OutboxMessage>,
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
    let (registration, session, organisation, messages) = cx
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
            Ok(Some((registration, session, organisation, messages)))
        })
        .await?;
    html(RegistrationPage { admin: cx.chrome("sessions"), session, registration, organisation, messages })
}
