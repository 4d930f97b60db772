//! Errors of the web layer: what the visitor is told, as a status (the friendly page that
//! shows it is rendered by `chrome::render_error_page`).

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};

/// What can go wrong in a handler, by what the visitor should be told.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// A page or action for administrators, asked for by an organiser who is not one.
    #[error("administrators only")]
    AdministratorsOnly,
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
        // The server went away under a request (a restart): the visitor may try again.
        if crate::db::connection_lost(&e) {
            return AppError::Unavailable(format!("database connection lost: {e}"));
        }
        AppError::Unexpected(anyhow::Error::new(e).context("database query"))
    }
}

impl From<crate::db::group_commit::SubmitError> for AppError {
    fn from(e: crate::db::group_commit::SubmitError) -> Self {
        use crate::db::group_commit::SubmitError;
        match e {
            SubmitError::Unavailable(why) => AppError::Unavailable(why),
            SubmitError::Request(e) => e.into(),
            e => AppError::Unexpected(e.into()),
        }
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
            AppError::Forbidden | AppError::AdministratorsOnly => StatusCode::FORBIDDEN,
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
            AppError::AdministratorsOnly => {
                let mut res = HttpResponse::build(self.status_code()).finish();
                res.extensions_mut().insert(AdministratorsOnly);
                return res;
            }
            _ => {}
        }
        HttpResponse::build(self.status_code()).finish()
    }
}

/// Marks a 403 answered because the page is for administrators, so its page says so.
#[derive(Debug, Clone, Copy)]
pub struct AdministratorsOnly;

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
        let res = if super::api::problem::is_api_path(req.path()) {
            super::api::problem::nul_in_query(req.request())
        } else {
            AppError::BadRequest.error_response()
        };
        return Ok(req.into_response(res).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}
