//! Signing in and out, and changing one's password.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::context::{ADMIN_COOKIE, AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::i18n::I18n;
use crate::security::{dummy_password_hash, hash_password, verify_password};
use crate::web::chrome::{Chrome, CsrfSeed};
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::forms::FieldErrors;
use crate::web::public::is_local_path;
use crate::web::state::{AppState, run_db};

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

fn safe_next(next: Option<&str>) -> String {
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

/// Tried sign-ins are counted per account and per client address; after 10 failures the wait
/// doubles with each new failure. The answer is the same whether or not the account exists.
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
    let keys = vec![
        format!("account:{}", email.to_lowercase()),
        format!("address:{}", req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default()),
    ];
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

    let throttle_keys = keys.clone();
    if let Some(until) =
        run_db(&state, move |conn| db::organisers::throttled_until(conn, &throttle_keys, now)).await?
    {
        let minutes = ((until - now).num_seconds() + 59) / 60;
        return page(i18n.t1("admin-login-throttled", "minutes", minutes), StatusCode::TOO_MANY_REQUESTS);
    }

    let lookup = email.clone();
    let organiser = run_db(&state, move |conn| db::organisers::by_email(conn, &lookup)).await?;
    // Verify off the async executor; an unknown account is checked against a dummy hash so the
    // time taken does not reveal which accounts exist.
    let (hash, active) = match &organiser {
        Some(o) => (o.password_hash.clone(), o.active),
        None => (dummy_password_hash().to_owned(), false),
    };
    let verified = web::block(move || verify_password(&password, &hash)).await? && active;
    let Some(organiser) = organiser.filter(|_| verified) else {
        run_db(&state, move |conn| db::organisers::record_failure(conn, &keys, now)).await?;
        return page(i18n.t("admin-login-failed"), StatusCode::UNAUTHORIZED);
    };

    let account_key = keys[0].clone();
    let organiser_id = organiser.id.clone();
    // A fresh session token at every sign-in (no fixation).
    let token = run_db(&state, move |conn| {
        db::organisers::clear_failures(conn, &account_key)?;
        db::organisers::start_session(conn, &organiser_id, now)
    })
    .await?;
    let cookie = Cookie::build(ADMIN_COOKIE, token)
        .path("/admin")
        .http_only(true)
        .secure(state.settings.is_https())
        .same_site(SameSite::Strict)
        .finish();
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, next)).cookie(cookie).finish())
}

pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    _form: SignedForm,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = req.cookie(ADMIN_COOKIE).map(|c| c.value().to_owned()) {
        run_db(&state, move |conn| db::organisers::end_session(conn, &token)).await?;
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
}

pub async fn password_form(cx: AdminContext) -> Result<HttpResponse, AppError> {
    html(PasswordPage { admin: cx.chrome("password"), errors: FieldErrors::default() })
}

pub const MIN_PASSWORD_CHARS: usize = 12;

pub async fn change_password(cx: AdminContext, form: SignedForm) -> Result<HttpResponse, AppError> {
    let admin = cx.chrome("password");
    let i18n = admin.i18n;
    let current = form.get("current").to_owned();
    let new = form.get("new").to_owned();
    let id = cx.organiser.id.clone();
    let account = cx.find(move |conn| db::organisers::by_id(conn, &id)).await?;
    let hash = account.password_hash.clone();
    let mut errors = FieldErrors::default();
    if !web::block(move || verify_password(&current, &hash)).await? {
        errors.add("current", i18n.t("admin-password-wrong"));
    }
    if new.chars().count() < MIN_PASSWORD_CHARS {
        errors.add("new", i18n.t1("admin-password-too-short", "count", MIN_PASSWORD_CHARS));
    } else if new.chars().count() > 1000 {
        errors.add("new", i18n.t1("error-too-long", "max", 1000usize));
    }
    if form.get("confirm") != new {
        errors.add("confirm", i18n.t("admin-password-mismatch"));
    }
    if !errors.is_empty() {
        return html_with_status(PasswordPage { admin, errors }, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let hash = web::block(move || hash_password(&new)).await?.map_err(AppError::Unexpected)?;
    cx.write(move |conn, actor, now| {
        db::write_tx(conn, |conn| {
            db::organisers::set_password(conn, &account.id, &hash, now)?;
            db::audit::record(conn, actor, "password.change", &account.email, "", now)
        })
    })
    .await?;
    // Changing the password signed every session out, this one included.
    Ok(done("/admin/login", "password-changed"))
}
