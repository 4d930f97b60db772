//! "Forgot your password?": an organiser asks for a reset link by email (the same answer
//! whether or not the account exists), then sets a new password from that link. The link is
//! an emailed-link token ([`ResetLink`]): hashed, 30 minutes, good once, guesses counted.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Duration;

use super::context::{SignedForm, done};
use crate::db;
use crate::db::audit::Actor;
use crate::domain::password::check_new_password;
use crate::domain::{MessageKind, SecurityEvent, parse_email};
use crate::i18n::I18n;
use crate::security::hash_password;
use crate::web::chrome::{Chrome, CsrfSeed, html, html_with_status};
use crate::web::client::{client_address, rate_key};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;
use crate::web::links::{ResetLink, private};
use crate::web::state::{AppState, run_db};

/// Reset requests allowed per client network, and per account named, in [`REQUEST_WINDOW`].
pub const REQUESTS_PER_WINDOW: i64 = 5;
const REQUEST_WINDOW: Duration = Duration::hours(1);

#[derive(Template)]
#[template(path = "admin/reset_request.html")]
struct RequestPage {
    i18n: I18n,
    chrome: Chrome,
    csrf_token: String,
    email: String,
    errors: FieldErrors,
    sent: bool,
}

pub async fn request_form(
    state: web::Data<AppState>,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    html(RequestPage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        email: String::new(),
        errors: FieldErrors::default(),
        sent: false,
        i18n,
        chrome,
    })
}

/// Queues a reset mail when the address is an active account's; answers the same page
/// either way, after the same writes (the limits and the security event; the mail itself is
/// written later by the worker).
pub async fn request_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: SignedForm,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let typed = form.get("email").trim().to_owned();
    let page = |errors: FieldErrors, sent: bool, status: StatusCode| {
        html_with_status(
            RequestPage {
                csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
                email: if sent { String::new() } else { typed.clone() },
                errors,
                sent,
                i18n,
                chrome: chrome.clone(),
            },
            status,
        )
    };
    let account = match parse_email("email", &typed) {
        Ok(email) => email.to_lowercase(),
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.add_domain(&e, i18n);
            return page(errors, false, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let now = state.clock.now();
    let address_key = rate_key("password-reset", &req, &state.settings);
    let account_key = format!("password-reset-account:{account}");
    let allowed = run_db(&state, move |conn| {
        let by_address = db::rate::allow(conn, &address_key, REQUEST_WINDOW, REQUESTS_PER_WINDOW, now)?;
        Ok(by_address && db::rate::allow(conn, &account_key, REQUEST_WINDOW, REQUESTS_PER_WINDOW, now)?)
    })
    .await?;
    if !allowed {
        let mut errors = FieldErrors::default();
        errors.add_general(i18n.t("reset-too-many"));
        let mut res = page(errors, false, StatusCode::TOO_MANY_REQUESTS)?;
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(REQUEST_WINDOW.num_seconds()));
        return Ok(res);
    }
    let details = client_address(&req, &state.settings);
    run_db(&state, move |conn| {
        db::write_tx(conn, |conn| {
            let organiser = db::organisers::by_email(conn, &account)?.filter(|o| o.active);
            let actor = organiser.as_ref().map(|o| Actor { id: o.id.clone(), name: o.name.clone() });
            if let Some(organiser) = &organiser {
                // A new request ends the links sent before it.
                db::password_reset::revoke_all(conn, &organiser.id)?;
                let payload = serde_json::json!({ "organiser_id": organiser.id }).to_string();
                let key = format!(
                    "{}:{}:{}",
                    MessageKind::OrganiserPasswordReset,
                    organiser.id,
                    db::models::new_id()
                );
                db::outbox::enqueue(conn, MessageKind::OrganiserPasswordReset, None, &key, &payload, now)?;
            }
            // Who asked is logged; an address that is no account's is not kept.
            let subject = organiser.as_ref().map(|o| o.email.clone()).unwrap_or_default();
            db::audit::security(
                conn,
                SecurityEvent::PasswordResetRequested,
                actor.as_ref(),
                &subject,
                &details,
                now,
            )
        })
    })
    .await?;
    state.wake_worker();
    page(FieldErrors::default(), true, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "admin/reset_form.html")]
struct ResetPage {
    i18n: I18n,
    chrome: Chrome,
    csrf_token: String,
    token: String,
    errors: FieldErrors,
}

/// The new-password form. Opening the link changes nothing (mail scanners follow links).
pub async fn reset_form(
    state: web::Data<AppState>,
    link: ResetLink,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let page = ResetPage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        token: link.token().to_owned(),
        errors: FieldErrors::default(),
        i18n,
        chrome,
    };
    Ok(private(html(page)?))
}

/// Sets the new password: in one transaction the link is spent, the account's other links
/// end, every session of the account ends and the event is recorded. The second factor stays.
pub async fn reset(
    state: web::Data<AppState>,
    link: ResetLink,
    form: SignedForm,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let new = form.get("new").to_owned();
    let mut errors = FieldErrors::default();
    if let Err(e) = check_new_password("new", &new) {
        errors.add_domain(&e, i18n);
    }
    if form.get("confirm") != new {
        errors.add("confirm", i18n.t("admin-password-mismatch"));
    }
    if !errors.is_empty() {
        let page = ResetPage {
            csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
            token: link.token().to_owned(),
            errors,
            i18n,
            chrome,
        };
        return Ok(private(html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY)?));
    }
    let hash = web::block(move || hash_password(&new)).await?.map_err(AppError::Unexpected)?;
    let (token, now) = (link.token().to_owned(), state.clock.now());
    let changed = run_db(&state, move |conn| {
        db::write_tx(conn, |conn| {
            let Some(organiser) = db::password_reset::spend(conn, &token, now)? else {
                return Ok(false);
            };
            // Setting the password ends every session of the account.
            db::organisers::set_password(conn, &organiser.id, &hash, now)?;
            let actor = Actor { id: organiser.id.clone(), name: organiser.name.clone() };
            db::audit::security(
                conn,
                SecurityEvent::PasswordResetCompleted,
                Some(&actor),
                &organiser.email,
                "",
                now,
            )?;
            Ok(true)
        })
    })
    .await?;
    if !changed {
        return link.refused(&state).await;
    }
    Ok(done("/admin/login", "password-changed"))
}
