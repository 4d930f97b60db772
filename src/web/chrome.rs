//! What every page shares: the language, the switcher, asset links, the CSRF seed, the
//! response a page is sent in, the plain message page, and the friendly page for an error.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, body::MessageBody};
use askama::Template;
use std::future::{Ready, ready};

use super::assets;
use super::errors::AppError;
use super::state::AppState;
use crate::domain::Language;
use crate::i18n::I18n;

pub const LANGUAGE_COOKIE: &str = "convoca_lang";
pub const CSRF_COOKIE: &str = "convoca_csrf";

/// Marks a request whose response depends on the negotiated language (see [`vary_on_language`]).
#[derive(Debug, Clone, Copy)]
struct LanguageNegotiated;

/// The visitor's language: their explicit choice (cookie), else `Accept-Language`, else English.
/// The response then varies with both headers, which [`vary_on_language`] tells caches.
pub fn language_of(req: &HttpRequest) -> Language {
    req.extensions_mut().insert(LanguageNegotiated);
    if let Some(lang) = req.cookie(LANGUAGE_COOKIE).and_then(|c| Language::parse(c.value())) {
        return lang;
    }
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::negotiate)
        .unwrap_or(Language::En)
}

impl FromRequest for I18n {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(I18n::new(language_of(req))))
    }
}

#[derive(Debug, Clone)]
pub struct LanguageChoice {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

/// The parts of the layout that do not depend on the page.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub css_url: &'static str,
    pub js_url: &'static str,
    pub icon_url: &'static str,
    pub languages: Vec<LanguageChoice>,
}

impl Chrome {
    pub fn new(req: &HttpRequest, i18n: I18n) -> Self {
        let here = match req.uri().path_and_query() {
            Some(pq) => pq.as_str().to_owned(),
            None => "/".into(),
        };
        let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
        Self {
            css_url: assets::css_url(),
            js_url: assets::js_url(),
            icon_url: assets::icon_url(),
            languages: Language::ALL
                .iter()
                .map(|lang| LanguageChoice {
                    code: lang.code(),
                    name: lang.native_name(),
                    href: format!("/language/{}?next={next}", lang.code()),
                    current: *lang == i18n.lang,
                })
                .collect(),
        }
    }
}

impl FromRequest for Chrome {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(Chrome::new(req, I18n::new(language_of(req)))))
    }
}

/// The random value behind this visitor's CSRF tokens (kept in an HttpOnly cookie).
#[derive(Debug, Clone)]
pub struct CsrfSeed(pub String);

impl FromRequest for CsrfSeed {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let seed = req.extensions().get::<CsrfSeed>().cloned();
        ready(seed.ok_or_else(|| actix_web::error::ErrorInternalServerError("CSRF middleware missing")))
    }
}

impl CsrfSeed {
    /// Whether `token` is this visitor's form token (`sign(seed)`).
    pub fn accepts(&self, state: &AppState, token: &str) -> bool {
        state.settings.secret_key.verify("csrf", &self.0, token)
    }

    /// The same, as the answer a form without a valid token gets: 403.
    pub fn check(&self, state: &AppState, token: &str) -> Result<(), AppError> {
        if self.accepts(state, token) { Ok(()) } else { Err(AppError::Forbidden) }
    }
}

/// Gives every visitor a CSRF seed cookie; forms carry `sign(seed)`, checked on POST.
pub async fn csrf_seed(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let existing = req
        .cookie(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| crate::security::looks_like_token(v));
    let secure =
        req.app_data::<actix_web::web::Data<AppState>>().is_some_and(|state| state.settings.is_https());
    let (seed, fresh) = match existing {
        Some(seed) => (seed, false),
        None => (crate::security::new_token(), true),
    };
    req.extensions_mut().insert(CsrfSeed(seed.clone()));
    // The JSON API has no forms, and its answers are kept by shared caches: no cookie there.
    let api = super::api::problem::is_api_path(req.path());
    let mut res = next.call(req).await?;
    if fresh && !api {
        let cookie = Cookie::build(CSRF_COOKIE, seed)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .finish();
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

/// Adds `Vary: Accept-Language, Cookie` to every response whose content used [`language_of`]
/// (RFC 9110 §12.5.5), so a shared cache never serves one visitor's language to another.
pub async fn vary_on_language(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let mut res = next.call(req).await?;
    if res.request().extensions().contains::<LanguageNegotiated>() {
        let headers = res.headers_mut();
        headers.append(header::VARY, header::HeaderValue::from_static("Accept-Language"));
        headers.append(header::VARY, header::HeaderValue::from_static("Cookie"));
    }
    Ok(res)
}

/// A page as a 200 response.
pub fn html<T: Template>(page: T) -> Result<HttpResponse, AppError> {
    html_with_status(page, StatusCode::OK)
}

/// A page as a response with `status`.
pub fn html_with_status<T: Template>(page: T, status: StatusCode) -> Result<HttpResponse, AppError> {
    let body =
        page.render().map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("rendering a page")))?;
    Ok(HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body))
}

/// The answer to a successful POST (post/redirect/get), or a redirect to the next page.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location.to_owned())).finish()
}

/// A heading, a few paragraphs and where to go next.
#[derive(Template)]
#[template(path = "pages/message.html")]
pub struct MessagePage {
    pub i18n: I18n,
    pub chrome: Chrome,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub back_link: Option<Link>,
}

pub struct Link {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage {
    i18n: I18n,
    chrome: Chrome,
    heading: String,
    message: String,
    back_href: &'static str,
    back_label: String,
}

/// Replaces the body of an error response that has no page of its own with a friendly page
/// in the visitor's language. Responses that already carry HTML (a form with its errors) pass.
pub fn render_error_page<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_html = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.starts_with("text/html")
            || v.starts_with("text/calendar")
            || v.starts_with("application/json")
            || v.starts_with(super::api::problem::PROBLEM_JSON)
            || v.starts_with("text/plain")
    });
    if is_html {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let i18n = I18n::new(language_of(res.request()));
    let chrome = Chrome::new(res.request(), i18n);
    let (heading, message) = match status {
        StatusCode::NOT_FOUND => ("error-not-found-title", "error-not-found"),
        StatusCode::FORBIDDEN => ("error-forbidden-title", "error-forbidden"),
        StatusCode::METHOD_NOT_ALLOWED => ("error-not-found-title", "error-not-found"),
        StatusCode::PAYLOAD_TOO_LARGE => ("error-bad-request-title", "error-too-large"),
        StatusCode::TOO_MANY_REQUESTS => ("error-too-many-title", "error-too-many"),
        StatusCode::SERVICE_UNAVAILABLE => ("error-unavailable-title", "error-unavailable"),
        s if s.is_client_error() => ("error-bad-request-title", "error-bad-request"),
        _ => ("error-internal-title", "error-internal"),
    };
    let administrators_only = status == StatusCode::FORBIDDEN
        && res.response().extensions().get::<crate::web::errors::AdministratorsOnly>().is_some();
    let (heading, message, back_href, back_label) = if administrators_only {
        ("admin-forbidden-title", "admin-forbidden", "/admin", "admin-forbidden-back")
    } else {
        (heading, message, "/", "back-to-catalogue")
    };
    let page = ErrorPage {
        heading: i18n.t(heading),
        message: i18n.t(message),
        back_href,
        back_label: i18n.t(back_label),
        i18n,
        chrome,
    };
    let body = page.render().unwrap_or_else(|_| i18n.t(message));
    let (req, res) = res.into_parts();
    let mut res = res.set_body(body);
    res.headers_mut()
        .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/html; charset=utf-8"));
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    let res = ServiceResponse::new(req, res).map_into_boxed_body().map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}
