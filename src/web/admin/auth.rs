//! Signing in (the password step, the throttle, the device cookie), signing out, and changing
//! one's password. The second factor's steps are in [`super::two_factor`].

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

use super::context::{ADMIN_COOKIE, AdminChrome, AdminContext, SignedForm, done};
use super::two_factor_codes::{CodeCheck, check_code};
use crate::db;
use crate::db::audit::Actor;
use crate::db::organisers::{Organiser, SessionOrigin};
use crate::db::sign_in_throttle::Attempt;
use crate::domain::password::check_new_password;
use crate::domain::{SecurityEvent, SignInStage};
use crate::i18n::I18n;
use crate::security::{dummy_password_hash, hash_password, new_token, verify_password};
use crate::web::chrome::{Chrome, CsrfSeed};
use crate::web::chrome::{html, html_with_status};
use crate::web::client::{client_address, rate_key};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;
use crate::web::public::is_local_path;
use crate::web::state::{AppState, run_db};

/// The device cookie (OWASP "device cookies"): given to a browser at a successful sign-in,
/// signed with the app's secret key, it names the account and a random id under which that
/// browser's own failures are counted.
pub const DEVICE_COOKIE: &str = "convoca_device";
const DEVICE_PURPOSE: &str = "device-cookie";
const DEVICE_DAYS: i64 = 180;

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    i18n: I18n,
    chrome: Chrome,
    csrf_token: String,
    email: String,
    next: String,
    errors: FieldErrors,
    notice: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    done: Option<String>,
}

pub fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| is_local_path(n) && n.starts_with("/admin")).unwrap_or("/admin").to_owned()
}

pub async fn login_form(
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    html(LoginPage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        errors: FieldErrors::default(),
        notice: (query.done.as_deref() == Some("password-changed"))
            .then(|| i18n.t("admin-flash-password-changed")),
        i18n,
        chrome,
    })
}

/// The id in this browser's device cookie, when the cookie is genuine and names `organiser_id`.
fn device_of(req: &HttpRequest, state: &AppState, organiser_id: &str) -> Option<String> {
    let cookie = req.cookie(DEVICE_COOKIE)?;
    let mut parts = cookie.value().splitn(3, '.');
    let (owner, device, signature) = (parts.next()?, parts.next()?, parts.next()?);
    let genuine = state.settings.secret_key.verify(DEVICE_PURPOSE, &format!("{owner}.{device}"), signature);
    (genuine && owner == organiser_id).then(|| device.to_owned())
}

fn device_cookie(state: &AppState, organiser_id: &str) -> Cookie<'static> {
    let device: String = new_token().chars().take(22).collect();
    let message = format!("{organiser_id}.{device}");
    let signature = state.settings.secret_key.sign(DEVICE_PURPOSE, &message);
    Cookie::build(DEVICE_COOKIE, format!("{message}.{signature}"))
        .path("/admin/login")
        .http_only(true)
        .secure(state.settings.is_https())
        .same_site(SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::days(DEVICE_DAYS))
        .finish()
}

fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build(ADMIN_COOKIE, token)
        .path("/admin")
        .http_only(true)
        .secure(state.settings.is_https())
        .same_site(SameSite::Strict)
        .finish()
}

/// Who is trying to sign in to `account` (a normalised email) from this request.
pub fn attempt_of(
    req: &HttpRequest,
    state: &AppState,
    account: &str,
    organiser: Option<&Organiser>,
) -> Attempt {
    Attempt {
        account: account.to_owned(),
        address: rate_key("sign-in", req, &state.settings),
        device: organiser.and_then(|o| device_of(req, state, &o.id)),
    }
}

/// Where this sign-in comes from, as the organiser's session list and the log show it.
pub fn origin_of(req: &HttpRequest, state: &AppState) -> SessionOrigin {
    SessionOrigin {
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        client_address: client_address(req, &state.settings),
    }
}

fn actor_of(organiser: &Organiser) -> Actor {
    Actor { id: organiser.id.clone(), name: organiser.name.clone() }
}

/// The 429 answer to a throttled try: when to try again, in the page and in `Retry-After`.
pub fn retry_after(mut res: HttpResponse, until: NaiveDateTime, now: NaiveDateTime) -> HttpResponse {
    let seconds = (until - now).num_seconds().max(1);
    res.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    res
}

pub fn throttled_message(i18n: I18n, until: NaiveDateTime, now: NaiveDateTime) -> String {
    let minutes = ((until - now).num_seconds() + 59) / 60;
    format!(
        "{} {}",
        i18n.t1("admin-login-throttled", "minutes", minutes),
        i18n.t1("admin-login-throttled-at", "time", until.format("%H:%M UTC").to_string())
    )
}

/// The password step. Failures are counted by [`db::sign_in_throttle`]; the answer is the same
/// whether or not the account exists (an unknown account is checked against a dummy hash).
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: SignedForm,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let email = form.get("email").trim().to_owned();
    let password = form.get("password").to_owned();
    let next = safe_next(Some(form.get("next")));
    let now = state.clock.now();
    let account = email.to_lowercase();
    let page = |error: String, status: StatusCode| {
        let mut errors = FieldErrors::default();
        errors.add_general(error);
        html_with_status(
            LoginPage {
                csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
                email: email.clone(),
                next: next.clone(),
                errors,
                notice: None,
                i18n,
                chrome: chrome.clone(),
            },
            status,
        )
    };

    let lookup = account.clone();
    let organiser = run_db(&state, move |conn| db::organisers::by_email(conn, &lookup)).await?;
    let attempt = attempt_of(&req, &state, &account, organiser.as_ref());
    let address = client_address(&req, &state.settings);
    let (check, known) = (attempt.clone(), organiser.as_ref().map(actor_of));
    let (subject, details) = (known.as_ref().map(|_| account.clone()).unwrap_or_default(), address.clone());
    let waiting = run_db(&state, move |conn| {
        let until = db::sign_in_throttle::wait_until(conn, &check, now)?;
        if until.is_some() {
            db::audit::security(
                conn,
                SecurityEvent::SignInThrottled,
                known.as_ref(),
                &subject,
                &details,
                now,
            )?;
        }
        Ok(until)
    })
    .await?;
    if let Some(until) = waiting {
        let res = page(throttled_message(i18n, until, now), StatusCode::TOO_MANY_REQUESTS)?;
        return Ok(retry_after(res, until, now));
    }

    let (hash, active) = match &organiser {
        Some(o) => (o.password_hash.clone(), o.active),
        None => (dummy_password_hash().to_owned(), false),
    };
    let verified = web::block(move || verify_password(&password, &hash)).await? && active;
    let known = organiser.as_ref().map(actor_of);
    let Some(organiser) = organiser.filter(|_| verified) else {
        let subject = known.as_ref().map(|_| account.clone()).unwrap_or_default();
        run_db(&state, move |conn| {
            db::write_tx(conn, |conn| {
                db::sign_in_throttle::record_failure(conn, &attempt, now)?;
                db::audit::security(
                    conn,
                    SecurityEvent::SignInFailed,
                    known.as_ref(),
                    &subject,
                    &address,
                    now,
                )
            })
        })
        .await?;
        return page(i18n.t("admin-login-failed"), StatusCode::UNAUTHORIZED);
    };

    let stage = if organiser.has_second_factor() {
        SignInStage::SecondFactor
    } else if run_db(&state, db::two_factor::second_factor_required).await? {
        SignInStage::Enrolment
    } else {
        SignInStage::Complete
    };
    if stage == SignInStage::Complete {
        return complete_sign_in(&state, &req, &organiser, &attempt, None, &next).await;
    }
    let (id, origin) = (organiser.id.clone(), origin_of(&req, &state));
    let token =
        run_db(&state, move |conn| db::organisers::start_session(conn, &id, stage, &origin, now)).await?;
    let location = match stage {
        SignInStage::SecondFactor => format!("/admin/login/code?next={}", encode(&next)),
        _ => "/admin/two-factor".to_owned(),
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .cookie(session_cookie(&state, token))
        .finish())
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Every factor has been given: forgets this client's failures, replaces any pending session
/// with a fresh complete one (a new token once authenticated), records the sign-in, and gives
/// the browser its session cookie and a new device cookie.
pub async fn complete_sign_in(
    state: &AppState,
    req: &HttpRequest,
    organiser: &Organiser,
    attempt: &Attempt,
    pending_token: Option<String>,
    next: &str,
) -> Result<HttpResponse, AppError> {
    let (attempt, origin, now) = (attempt.clone(), origin_of(req, state), state.clock.now());
    let (actor, subject) = (actor_of(organiser), organiser.email.clone());
    let token = run_db(state, move |conn| {
        db::write_tx(conn, |conn| {
            db::sign_in_throttle::record_success(conn, &attempt)?;
            if let Some(pending) = &pending_token {
                db::organisers::end_session(conn, pending)?;
            }
            let token = db::organisers::start_session(conn, &actor.id, SignInStage::Complete, &origin, now)?;
            let details = origin.client_address.clone();
            db::audit::security(conn, SecurityEvent::SignIn, Some(&actor), &subject, &details, now)?;
            Ok(token)
        })
    })
    .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next.to_owned()))
        .cookie(session_cookie(state, token))
        .cookie(device_cookie(state, &organiser.id))
        .finish())
}

pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = req.cookie(ADMIN_COOKIE).map(|c| c.value().to_owned()) {
        let now = state.clock.now();
        run_db(&state, move |conn| {
            db::write_tx(conn, |conn| {
                if let Some((organiser, _)) = db::organisers::by_session_at_any_stage(conn, &token, now)? {
                    let actor = actor_of(&organiser);
                    db::audit::security(
                        conn,
                        SecurityEvent::SignOut,
                        Some(&actor),
                        &organiser.email,
                        "",
                        now,
                    )?;
                }
                db::organisers::end_session(conn, &token)
            })
        })
        .await?;
    }
    let mut removal = Cookie::build(ADMIN_COOKIE, "").path("/admin").finish();
    removal.make_removal();
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, "/admin/login")).cookie(removal).finish())
}

#[derive(Template)]
#[template(path = "admin/password.html")]
struct PasswordPage {
    admin: AdminChrome,
    errors: FieldErrors,
    asks_code: bool,
}

pub async fn password_form(cx: AdminContext) -> Result<HttpResponse, AppError> {
    let id = cx.organiser.id.clone();
    let account = cx.find(move |conn| db::organisers::by_id(conn, &id)).await?;
    html(PasswordPage {
        admin: cx.chrome("password"),
        errors: FieldErrors::default(),
        asks_code: account.has_second_factor(),
    })
}

/// Asks the current password again, and a second-factor code when one is enrolled
/// (re-authentication, ASVS 4.0.3 3.7.1); messages go next to `current` and `code`. Call it
/// after the form's other checks: the code is not spent when `errors` already holds some.
pub async fn reauthenticate(
    state: &AppState,
    account: &Organiser,
    form: &SignedForm,
    errors: &mut FieldErrors,
    i18n: I18n,
) -> Result<(), AppError> {
    let (current, hash) = (form.get("current").to_owned(), account.password_hash.clone());
    if !web::block(move || verify_password(&current, &hash)).await? {
        errors.add("current", i18n.t("admin-password-wrong"));
        return Ok(());
    }
    // A code is spent only by a form that is otherwise right.
    if account.has_second_factor() && errors.is_empty() {
        match check_code(state, account, form.get("code")).await? {
            CodeCheck::Accepted { .. } => {}
            other => errors.add("code", i18n.t(other.message_key())),
        }
    }
    Ok(())
}

pub async fn change_password(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    let admin = cx.chrome("password");
    let i18n = admin.i18n;
    let new = form.get("new").to_owned();
    let id = cx.organiser.id.clone();
    let account = cx.find(move |conn| db::organisers::by_id(conn, &id)).await?;
    let mut errors = FieldErrors::default();
    if let Err(e) = check_new_password("new", &new) {
        errors.add_domain(&e, i18n);
    }
    if form.get("confirm") != new {
        errors.add("confirm", i18n.t("admin-password-mismatch"));
    }
    reauthenticate(&cx.state, &account, &form, &mut errors, i18n).await?;
    if !errors.is_empty() {
        let asks_code = account.has_second_factor();
        return html_with_status(PasswordPage { admin, errors, asks_code }, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let hash = web::block(move || hash_password(&new)).await?.map_err(AppError::Unexpected)?;
    cx.write(move |conn, actor, now| {
        db::write_tx(conn, |conn| {
            db::organisers::set_password(conn, &account.id, &hash, now)?;
            db::audit::security(conn, SecurityEvent::PasswordChanged, Some(actor), &account.email, "", now)
        })
    })
    .await?;
    // Changing the password signed every session out, this one included.
    Ok(done("/admin/login", "password-changed"))
}
