//! Errors of the web layer and the friendly pages that show them.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::chrome::{Chrome, language_of};
use crate::i18n::I18n;

/// What can go wrong in a handler, by what the visitor should be told.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The organiser area needs a signed-in organiser: go to the sign-in page, then back here.
    #[error("sign-in required")]
    SignInRequired(String),
    #[error("bad request")]
    BadRequest,
    #[error("payload too large")]
    TooLarge,
    /// The database could not be reached in time (pool exhausted, server down).
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::Unexpected(anyhow::Error::new(e).context("database query"))
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Unexpected(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::SignInRequired(_) => StatusCode::SEE_OTHER,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body is left empty: the error-page middleware renders it in the visitor's language.
    fn error_response(&self) -> HttpResponse<BoxBody> {
        match self {
            AppError::Unexpected(e) => tracing::error!(error = format!("{e:#}"), "request failed"),
            AppError::Unavailable(e) => tracing::warn!(error = %e, "database unavailable"),
            AppError::SignInRequired(next) => {
                let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
                return HttpResponse::SeeOther()
                    .insert_header((actix_web::http::header::LOCATION, format!("/admin/login?next={next}")))
                    .finish();
            }
            _ => {}
        }
        HttpResponse::build(self.status_code()).finish()
    }
}

/// Refuses (400) a request whose path or query string holds an encoded NUL (`%00`): no link
/// of the site makes one, and PostgreSQL refuses NUL in text, so such a value would reach the
/// database only to fail there with a 500. (Organiser forms are checked in `SignedForm`; the
/// public forms clean control characters out.)
pub async fn refuse_nul<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let has_nul = |s: &str| s.as_bytes().windows(3).any(|w| w == b"%00");
    if has_nul(req.uri().path()) || req.uri().query().is_some_and(has_nul) {
        let res = AppError::BadRequest.error_response();
        return Ok(req.into_response(res).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage {
    i18n: I18n,
    chrome: Chrome,
    heading: String,
    message: String,
}

/// Replaces the body of an error response that has no page of its own with a friendly page
/// in the visitor's language. Responses that already carry HTML (a form with its errors) pass.
pub fn render_error_page<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_html = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.starts_with("text/html")
            || v.starts_with("text/calendar")
            || v.starts_with("application/json")
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
    let page = ErrorPage { heading: i18n.t(heading), message: i18n.t(message), i18n, chrome };
    let body = page.render().unwrap_or_else(|_| i18n.t(message));
    let (req, res) = res.into_parts();
    let mut res = res.set_body(body);
    res.headers_mut()
        .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/html; charset=utf-8"));
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    let res = ServiceResponse::new(req, res).map_into_boxed_body().map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}
