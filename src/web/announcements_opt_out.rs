//! Stopping and restarting the organisers' announcements to one registration: the one-click
//! link of every announcement (RFC 8058, either form encoding), the page a mail client without
//! one-click support opens, and the manage page's toggle.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;

use actix_multipart::form::{Limits, MultipartCollect, MultipartForm, State};
use actix_multipart::{Field, MultipartError};
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use askama::Template;

use super::chrome::{Chrome, CsrfSeed};
use super::errors::AppError;
use super::registration::{Link, MessagePage};
use super::{AppState, html, html_with_status, run_db};
use crate::db;
use crate::db::models::{Registration, Session};
use crate::domain::TokenPurpose;
use crate::i18n::I18n;
use crate::security::looks_like_token;

/// The only fields read from a posted form; anything longer is not one of ours.
const FIELD_MAX_BYTES: usize = 256;
const FIELDS_MAX: usize = 16;

#[derive(Template)]
#[template(path = "pages/announcements_off.html")]
struct AnnouncementsOffPage {
    i18n: I18n,
    chrome: Chrome,
    token: String,
    csrf_token: String,
    session_title: String,
}

/// Where a mail client without one-click support sends the person: a page with a button.
pub async fn announcements_off_page(
    state: web::Data<AppState>,
    token: web::Path<String>,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let Some((_, session)) = registration_for(&state, &token).await? else {
        return invalid_link_page(i18n, chrome).map(private);
    };
    html(AnnouncementsOffPage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        session_title: session.title,
        token,
        i18n,
        chrome,
    })
    .map(private)
}

/// Stops announcements: a mail client's one-click POST (`List-Unsubscribe=One-Click`, urlencoded
/// or multipart, no cookie), or the page's button (with its CSRF token).
pub async fn announcements_off(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    seed: CsrfSeed,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let fields = form_fields(&req, payload).await?;
    set_announcements(state, token.into_inner(), seed, fields, true).await
}

/// Restarts announcements, from the manage page.
pub async fn announcements_on(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    seed: CsrfSeed,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let fields = form_fields(&req, payload).await?;
    set_announcements(state, token.into_inner(), seed, fields, false).await
}

/// The manage token authenticates; a form of ours also carries a CSRF token, while a one-click
/// POST may only stop announcements, never restart them.
async fn set_announcements(
    state: web::Data<AppState>,
    token: String,
    seed: CsrfSeed,
    form: Vec<(String, String)>,
    opt_out: bool,
) -> Result<HttpResponse, AppError> {
    let one_click = form.iter().any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click");
    let csrf_ok = form
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .is_some_and(|(_, v)| state.settings.secret_key.verify("csrf", &seed.0, v));
    if !(csrf_ok || (one_click && opt_out)) {
        return Err(AppError::Forbidden);
    }
    let (registration, _) = registration_for(&state, &token).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    run_db(&state, move |conn| db::announcements::set_opt_out(conn, &registration.id, opt_out, now)).await?;
    if one_click && !csrf_ok {
        return Ok(private(HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("OK")));
    }
    Ok(private(
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/manage/{token}?done=choices#announcements")))
            .finish(),
    ))
}

/// A posted form's fields, whichever encoding RFC 8058 allows the mail client:
/// `application/x-www-form-urlencoded` or `multipart/form-data`.
async fn form_fields(req: &HttpRequest, payload: web::Payload) -> Result<Vec<(String, String)>, AppError> {
    let mut payload = payload.into_inner();
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    if multipart {
        let form = MultipartForm::<TextFields>::from_request(req, &mut payload)
            .await
            .map_err(|_| AppError::BadRequest)?;
        return Ok(form.into_inner().0);
    }
    // The app's FormConfig applies: its size limit and its error answers.
    let form = web::Form::<Vec<(String, String)>>::from_request(req, &mut payload)
        .await
        .map_err(|_| AppError::BadRequest)?;
    Ok(form.into_inner())
}

/// The short text fields of a multipart form (at most [`FIELDS_MAX`]); files and long values
/// are drained and left out.
struct TextFields(Vec<(String, String)>);

struct Read(Option<(String, String)>);

impl MultipartCollect for TextFields {
    fn limit(_field_name: &str) -> Option<usize> {
        None
    }

    fn handle_field<'t>(
        _req: &'t HttpRequest,
        mut field: Field,
        _limits: &'t mut Limits,
        state: &'t mut State,
    ) -> Pin<Box<dyn Future<Output = Result<(), MultipartError>> + 't>> {
        Box::pin(async move {
            let name = field.name().unwrap_or_default().to_owned();
            let value = match field.bytes(FIELD_MAX_BYTES).await {
                Ok(Ok(bytes)) => String::from_utf8(bytes.to_vec()).ok(),
                Ok(Err(e)) => return Err(e),
                Err(_) => None,
            };
            if state.len() < FIELDS_MAX
                && let Some(value) = value
            {
                let key = format!("{}:{name}", state.len());
                state.insert(key, Box::new(Read(Some((name, value)))) as Box<dyn Any>);
            }
            Ok(())
        })
    }

    fn from_state(mut state: State) -> Result<Self, MultipartError> {
        let mut fields: Vec<(usize, (String, String))> = state
            .drain()
            .filter_map(|(key, value)| {
                let order = key.split(':').next()?.parse().ok()?;
                value.downcast::<Read>().ok()?.0.map(|field| (order, field))
            })
            .collect();
        fields.sort_by_key(|(order, _)| *order);
        Ok(Self(fields.into_iter().map(|(_, field)| field).collect()))
    }
}

async fn registration_for(
    state: &AppState,
    token: &str,
) -> Result<Option<(Registration, Session)>, AppError> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let now = state.clock.now();
    let token = token.to_owned();
    run_db(state, move |conn| db::tokens::lookup(conn, &token, TokenPurpose::Manage, now)).await
}

fn invalid_link_page(i18n: I18n, chrome: Chrome) -> Result<HttpResponse, AppError> {
    html_with_status(
        MessagePage {
            heading: i18n.t("link-invalid-title"),
            paragraphs: vec![i18n.t("link-invalid-body")],
            back_link: Some(Link { href: "/".into(), label: i18n.t("back-to-catalogue") }),
            i18n,
            chrome,
        },
        StatusCode::NOT_FOUND,
    )
}

/// Pages under a manage link are the person's own: never cached, never in a Referer.
fn private(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    res.headers_mut().insert(header::REFERRER_POLICY, header::HeaderValue::from_static("no-referrer"));
    res
}
