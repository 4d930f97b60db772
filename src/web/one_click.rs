//! The posts that stop a kind of mail: a mail client's one-click unsubscribe (RFC 8058: a POST
//! of `List-Unsubscribe=One-Click`, form-urlencoded or multipart, without cookies), or the
//! button of our own page (with its CSRF token). Reminders and announcements both use it.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};

use super::chrome::CsrfSeed;
use super::errors::AppError;
use super::links::{ManageLink, private};
use super::multipart::{self, CSRF_FIELD, Limits};
use super::state::{AppState, run_db};
use crate::db;
use crate::domain::MailingList;

/// A one-click post is two short fields; anything bigger is not one.
const LIMITS: Limits = Limits { max_parts: 8, max_body_bytes: 4096, max_text_bytes: 256, files: &[] };

/// A stop (or restart) request, from a mail client or from our page.
pub struct OptOutForm {
    /// The body says `List-Unsubscribe=One-Click`.
    pub one_click: bool,
    /// It carries this visitor's valid CSRF token (our own page's button).
    pub signed: bool,
}

impl OptOutForm {
    /// A restart needs our page; a stop may come from the mail client alone.
    pub fn allows(&self, stop: bool) -> bool {
        self.signed || (self.one_click && stop)
    }

    /// The answer a mail client gets (it shows no page); `None` for our own page's button,
    /// which goes back to the manage page.
    pub fn mail_client_answer(&self) -> Option<HttpResponse> {
        (self.one_click && !self.signed)
            .then(|| HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("OK"))
    }
}

impl FromRequest for OptOutForm {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let multipart = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
            let fields: Vec<(String, String)> = if multipart {
                multipart::read_text(req.headers(), payload, &LIMITS).await?
            } else {
                web::Form::<Vec<(String, String)>>::from_request(&req, &mut payload)
                    .await
                    .map_err(|_| AppError::BadRequest)?
                    .into_inner()
            };
            let state = req.app_data::<web::Data<AppState>>().cloned();
            let seed = req.extensions().get::<CsrfSeed>().cloned();
            let signed = match (state, seed, fields.iter().find(|(k, _)| k == CSRF_FIELD)) {
                (Some(state), Some(seed), Some((_, token))) => seed.accepts(&state, token),
                _ => false,
            };
            let one_click = fields.iter().any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click");
            Ok(OptOutForm { one_click, signed })
        })
    }
}

/// Stops (or restarts) one kind of mail for the registration of a manage link; the mail
/// client gets its plain answer, our page's button goes `back` (given the manage token) to the
/// manage page.
pub async fn set_stopped(
    state: &AppState,
    link: ManageLink,
    form: OptOutForm,
    list: MailingList,
    stop: bool,
    back: impl FnOnce(&str) -> HttpResponse,
) -> Result<HttpResponse, AppError> {
    if !form.allows(stop) {
        return Err(AppError::Forbidden);
    }
    let ManageLink { token, registration, .. } = link;
    let now = state.clock.now();
    run_db(state, move |conn| db::registrations::set_stopped(conn, &registration.id, list, stop, now))
        .await?;
    Ok(private(form.mail_client_answer().unwrap_or_else(|| back(&token))))
}
