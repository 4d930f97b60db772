//! The second factor (RFC 6238 TOTP, ASVS 4.0.3 2.8): its step at sign-in, its enrolment with
//! a QR code and ten one-time recovery codes, and turning it off. A sign-in past the password
//! lives in a session at [`SignInStage::SecondFactor`] (or `Enrolment`, when administrators
//! require a second factor and the organiser has none) until this step completes it.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;

use super::auth::{attempt_of, complete_sign_in, reauthenticate, retry_after, safe_next, throttled_message};
use super::context::{ADMIN_COOKIE, SignedForm, done};
use super::two_factor_codes::{
    CodeCheck, RECOVERY_CODES, check_code, new_recovery_code, new_secret, open_secret, qr_svg, seal_secret,
    totp, unix_seconds,
};
use crate::db;
use crate::db::audit::Actor;
use crate::db::organisers::Organiser;
use crate::domain::{SecurityEvent, SignInStage};
use crate::i18n::I18n;
use crate::web::chrome::{Chrome, CsrfSeed, html, html_with_status, language_of};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;
use crate::web::state::{AppState, run_db};

/// A signed-in session at any stage, with the organiser behind it and its token.
pub struct SignInInProgress {
    pub organiser: Organiser,
    pub stage: SignInStage,
    pub token: String,
}

impl FromRequest for SignInInProgress {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req.cookie(ADMIN_COOKIE).map(|c| c.value().to_owned());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no app state")))?;
            let sign_in = AppError::SignInRequired("/admin".into());
            let Some(token) = token.filter(|t| crate::security::looks_like_token(t)) else {
                return Err(sign_in);
            };
            let (now, lookup) = (state.clock.now(), token.clone());
            let found =
                run_db(&state, move |conn| db::organisers::by_session_at_any_stage(conn, &lookup, now))
                    .await?;
            let (organiser, stage) = found.ok_or(sign_in)?;
            Ok(SignInInProgress { organiser, stage, token })
        })
    }
}

#[derive(Template)]
#[template(path = "admin/login_code.html")]
struct CodePage {
    i18n: I18n,
    chrome: Chrome,
    csrf_token: String,
    next: String,
    errors: FieldErrors,
}

#[derive(serde::Deserialize)]
pub struct NextOnly {
    next: Option<String>,
}

fn csrf(state: &AppState, req: &HttpRequest) -> String {
    let seed = req.extensions().get::<CsrfSeed>().map(|s| s.0.clone()).unwrap_or_default();
    state.settings.secret_key.sign("csrf", &seed)
}

/// The second step of signing in: the code from the authenticator app, or a recovery code.
pub async fn code_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    pending: SignInInProgress,
    query: web::Query<NextOnly>,
) -> Result<HttpResponse, AppError> {
    if pending.stage != SignInStage::SecondFactor {
        return Err(AppError::SignInRequired("/admin".into()));
    }
    let i18n = I18n::new(language_of(&req));
    html(CodePage {
        csrf_token: csrf(&state, &req),
        next: safe_next(query.next.as_deref()),
        errors: FieldErrors::default(),
        chrome: Chrome::new(&req, i18n),
        i18n,
    })
}

pub async fn submit_code(
    state: web::Data<AppState>,
    req: HttpRequest,
    pending: SignInInProgress,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    if pending.stage != SignInStage::SecondFactor {
        return Err(AppError::SignInRequired("/admin".into()));
    }
    let organiser = pending.organiser;
    let next = safe_next(Some(form.get("next")));
    let i18n = I18n::new(language_of(&req));
    let now = state.clock.now();
    let attempt = attempt_of(&req, &state, &organiser.email_normalized, Some(&organiser));
    let page = |errors: FieldErrors, status: StatusCode| {
        html_with_status(
            CodePage {
                csrf_token: csrf(&state, &req),
                next: next.clone(),
                errors,
                chrome: Chrome::new(&req, i18n),
                i18n,
            },
            status,
        )
    };
    let check = attempt.clone();
    if let Some(until) =
        run_db(&state, move |conn| db::sign_in_throttle::wait_until(conn, &check, now)).await?
    {
        let mut errors = FieldErrors::default();
        errors.add("code", throttled_message(i18n, until, now));
        return Ok(retry_after(page(errors, StatusCode::TOO_MANY_REQUESTS)?, until, now));
    }
    match check_code(&state, &organiser, form.get("code")).await? {
        CodeCheck::Accepted { .. } => {
            complete_sign_in(&state, &req, &organiser, &attempt, Some(pending.token), &next).await
        }
        refused => {
            let actor = Actor { id: organiser.id.clone(), name: organiser.name.clone() };
            let email = organiser.email.clone();
            run_db(&state, move |conn| {
                db::write_tx(conn, |conn| {
                    db::sign_in_throttle::record_failure(conn, &attempt, now)?;
                    db::audit::security(
                        conn,
                        SecurityEvent::SecondFactorFailed,
                        Some(&actor),
                        &email,
                        "",
                        now,
                    )
                })
            })
            .await?;
            let mut errors = FieldErrors::default();
            errors.add("code", i18n.t(refused.message_key()));
            page(errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

#[derive(Template)]
#[template(path = "admin/two_factor.html")]
struct TwoFactorPage {
    i18n: I18n,
    chrome: Chrome,
    csrf_token: String,
    /// The sign-in waits for this enrolment (administrators require a second factor).
    obliged: bool,
    enrolled: bool,
    codes_left: i64,
    secret: String,
    qr_svg: String,
    recovery_codes: Vec<String>,
    errors: FieldErrors,
}

async fn enrolment_page(
    state: &AppState,
    req: &HttpRequest,
    pending: &SignInInProgress,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let i18n = I18n::new(language_of(req));
    let organiser = &pending.organiser;
    let id = organiser.id.clone();
    if organiser.has_second_factor() {
        let codes_left = run_db(state, move |conn| db::two_factor::recovery_codes_left(conn, &id)).await?;
        return html_with_status(
            TwoFactorPage {
                csrf_token: csrf(state, req),
                obliged: false,
                enrolled: true,
                codes_left,
                secret: String::new(),
                qr_svg: String::new(),
                recovery_codes: Vec::new(),
                errors,
                chrome: Chrome::new(req, i18n),
                i18n,
            },
            status,
        );
    }
    // The same secret is shown until it is confirmed (a reload does not change it).
    let secret = match &organiser.totp_pending_secret {
        Some(stored) => open_secret(state, &organiser.id, stored)?,
        None => {
            let secret = new_secret();
            let sealed = seal_secret(state, &id, &secret)?;
            run_db(state, move |conn| db::two_factor::set_pending_secret(conn, &id, &sealed)).await?;
            secret
        }
    };
    let url = totp(&secret, &organiser.email)?
        .to_url()
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("otpauth URL: {e:?}")))?;
    html_with_status(
        TwoFactorPage {
            csrf_token: csrf(state, req),
            obliged: pending.stage == SignInStage::Enrolment,
            enrolled: false,
            codes_left: 0,
            qr_svg: qr_svg(&url)?,
            secret,
            recovery_codes: Vec::new(),
            errors,
            chrome: Chrome::new(req, i18n),
            i18n,
        },
        status,
    )
}

fn enrolment_allowed(pending: &SignInInProgress) -> Result<(), AppError> {
    match pending.stage {
        SignInStage::Complete | SignInStage::Enrolment => Ok(()),
        SignInStage::SecondFactor => Err(AppError::SignInRequired("/admin".into())),
    }
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    pending: SignInInProgress,
) -> Result<HttpResponse, AppError> {
    enrolment_allowed(&pending)?;
    enrolment_page(&state, &req, &pending, FieldErrors::default(), StatusCode::OK).await
}

/// Confirms enrolment with a code from the new secret; shows the recovery codes once. From a
/// complete session the password is asked again first (re-authentication).
pub async fn enrol(
    state: web::Data<AppState>,
    req: HttpRequest,
    pending: SignInInProgress,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    enrolment_allowed(&pending)?;
    let i18n = I18n::new(language_of(&req));
    let organiser = pending.organiser.clone();
    let mut errors = FieldErrors::default();
    if organiser.has_second_factor() {
        return Ok(done("/admin/two-factor", "two-factor-enrolled"));
    }
    if pending.stage == SignInStage::Complete {
        reauthenticate(&state, &organiser, &form, &mut errors, i18n).await?;
    }
    let Some(sealed) = organiser.totp_pending_secret.clone() else {
        return enrolment_page(&state, &req, &pending, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let secret = open_secret(&state, &organiser.id, &sealed)?;
    let code: String = form.get("code").chars().filter(|c| !c.is_whitespace()).collect();
    let step = totp(&secret, &organiser.email)?.check(&code, unix_seconds(&state));
    if step.is_none() {
        errors.add("code", i18n.t("admin-code-wrong"));
    }
    let Some(step) = step.filter(|_| errors.is_empty()) else {
        return enrolment_page(&state, &req, &pending, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let (stored, now) = (codes.clone(), state.clock.now());
    let actor = Actor { id: organiser.id.clone(), name: organiser.name.clone() };
    let (email, step) = (organiser.email.clone(), i64::try_from(step).unwrap_or(i64::MAX));
    let enabled = run_db(&state, move |conn| {
        db::write_tx(conn, |conn| {
            let enabled = db::two_factor::enable(conn, &actor.id, &sealed, step, &stored, now)?;
            if enabled {
                db::audit::security(
                    conn,
                    SecurityEvent::SecondFactorEnrolled,
                    Some(&actor),
                    &email,
                    "",
                    now,
                )?;
                if pending.stage == SignInStage::Enrolment {
                    db::organisers::set_stage(conn, &pending.token, SignInStage::Complete, now)?;
                }
            }
            Ok(enabled)
        })
    })
    .await?;
    if !enabled {
        return Ok(done("/admin/two-factor", "two-factor-enrolled"));
    }
    html(TwoFactorPage {
        csrf_token: csrf(&state, &req),
        obliged: false,
        enrolled: true,
        codes_left: i64::try_from(RECOVERY_CODES).unwrap_or(10),
        secret: String::new(),
        qr_svg: String::new(),
        recovery_codes: codes,
        errors: FieldErrors::default(),
        chrome: Chrome::new(&req, i18n),
        i18n,
    })
}

/// Turns the second factor off: the password and a code (or recovery code) are asked again.
pub async fn disable(
    state: web::Data<AppState>,
    req: HttpRequest,
    pending: SignInInProgress,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    if pending.stage != SignInStage::Complete {
        return Err(AppError::SignInRequired("/admin".into()));
    }
    let i18n = I18n::new(language_of(&req));
    let organiser = pending.organiser.clone();
    if !organiser.has_second_factor() {
        return Ok(done("/admin/two-factor", "two-factor-disabled"));
    }
    let mut errors = FieldErrors::default();
    if form.get("code").trim().is_empty() {
        errors.add("code", i18n.t("admin-code-wrong"));
    } else {
        reauthenticate(&state, &organiser, &form, &mut errors, i18n).await?;
    }
    if !errors.is_empty() {
        return enrolment_page(&state, &req, &pending, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let now = state.clock.now();
    let actor = Actor { id: organiser.id.clone(), name: organiser.name.clone() };
    let email = organiser.email.clone();
    run_db(&state, move |conn| {
        db::write_tx(conn, |conn| {
            db::two_factor::disable(conn, &actor.id, now)?;
            db::audit::security(conn, SecurityEvent::SecondFactorDisabled, Some(&actor), &email, "", now)
        })
    })
    .await?;
    Ok(done("/admin/two-factor", "two-factor-disabled"))
}
