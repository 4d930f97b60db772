//! Organiser area: mail that did not arrive. Correcting a registration's address (and sending
//! again), and the addresses that bounced for good, which get no mail until cleared here.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use super::messages::load_page;
use crate::db;
use crate::db::address_fix::FixOutcome;
use crate::db::bounces::Suppressed;
use crate::domain::{RegistrationId, SessionId, parse_email};
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;

/// The field id of the new address on the person's page.
const FIELD: &str = "new-email";

/// Corrects the address of one registration and queues its mail again.
pub async fn correct_address(
    cx: AdminContext,
    path: web::Path<(SessionId, RegistrationId)>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let (session_id, registration_id) = path.into_inner();
    let typed = form.get("email").trim().to_owned();
    let i18n = cx.i18n();
    let email = match parse_email(FIELD, &typed) {
        Ok(email) => email,
        Err(error) => {
            let mut errors = FieldErrors::default();
            errors.add_domain(&error, i18n);
            let page = load_page(&cx, session_id, registration_id, errors, typed).await?;
            return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let (sid, rid, address) = (session_id.clone(), registration_id.clone(), email.clone());
    let outcome = cx
        .write(move |conn, actor, now| db::address_fix::correct(conn, &sid, &rid, &address, actor, now))
        .await?;
    let refusal = match outcome {
        FixOutcome::Changed { resent } => {
            if resent.is_some() {
                cx.state.wake_worker();
            }
            let back = format!("/admin/sessions/{session_id}/registrations/{registration_id}");
            let flash = if resent.is_some() { "bounces-fixed" } else { "bounces-fixed-nothing-to-send" };
            return Ok(done(&back, flash));
        }
        FixOutcome::NotFound => return Err(AppError::NotFound),
        FixOutcome::Same => "admin-bounces-fix-same",
        FixOutcome::Taken => "admin-bounces-fix-taken",
        FixOutcome::Suppressed => "admin-bounces-fix-suppressed",
    };
    let mut errors = FieldErrors::default();
    errors.add(FIELD, i18n.t(refusal));
    let page = load_page(&cx, session_id, registration_id, errors, typed).await?;
    html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY)
}

#[derive(Template)]
#[template(path = "admin/suppressions.html")]
struct SuppressionsPage {
    admin: AdminChrome,
    rows: Vec<Suppressed>,
}

/// Every address that bounced for good.
pub async fn suppressions(cx: AdminContext) -> Result<HttpResponse, AppError> {
    let rows = cx.read(db::bounces::suppressed).await?;
    html(SuppressionsPage { admin: cx.chrome("sessions"), rows })
}

/// Lets mail go to an address again (it was fixed at the person's end, or bounced by mistake).
pub async fn clear(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    let address = db::privacy::address_key(form.get("email"));
    if address.is_empty() {
        return Err(AppError::BadRequest);
    }
    let cleared = cx
        .write(move |conn, actor, now| {
            db::write_tx(conn, |conn| {
                let cleared = db::bounces::unsuppress(conn, &address)?;
                if cleared {
                    db::audit::record(conn, actor, "suppression.clear", &address, "mail allowed again", now)?;
                }
                Ok(cleared)
            })
        })
        .await?;
    Ok(done("/admin/suppressions", if cleared { "bounces-cleared" } else { "bounces-not-suppressed" }))
}
