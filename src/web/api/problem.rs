//! The API's errors as RFC 9457 problem details (`application/problem+json`): `type`,
//! `title`, `status`, `detail`, and for bad query parameters an `invalid-params` list naming
//! each parameter with the reason, in the reader's language.

use actix_web::body::BoxBody;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use super::params::Refused;
use crate::i18n::I18n;
use crate::web::chrome::language_of;
use crate::web::errors::AppError;

/// The media type of a problem document (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The problem type of bad query parameters: its definition is the `Problem` schema of the
/// API's own document.
pub const INVALID_PARAMETERS_TYPE: &str = "/api/v1/openapi.json#/components/schemas/Problem";

/// A problem details document (RFC 9457). `type` is `about:blank` (the status says it all)
/// except for bad query parameters, whose type adds `invalid-params`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// The problem type: `about:blank`, or this document's address for bad query parameters.
    #[serde(rename = "type")]
    #[schema(format = "uri")]
    pub kind: String,
    /// A short summary of the problem type, in the reader's language.
    pub title: String,
    /// The HTTP status code of this answer.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong this time, in the reader's language.
    pub detail: String,
    /// Each query parameter that was refused, with why (bad query parameters only).
    #[serde(rename = "invalid-params", skip_serializing_if = "Option::is_none")]
    pub invalid_params: Option<Vec<InvalidParam>>,
}

/// A refused query parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InvalidParam {
    /// The parameter's name, as given in the query string.
    pub name: String,
    /// Why its value was refused, in the reader's language.
    pub reason: String,
}

impl InvalidParam {
    pub fn new(i18n: I18n, refused: &Refused) -> Self {
        Self { name: refused.name.clone(), reason: i18n.t(refused.reason_key) }
    }
}

impl Problem {
    fn plain(i18n: I18n, status: StatusCode, title_key: &str, detail_key: &str) -> Self {
        Self {
            kind: "about:blank".into(),
            title: i18n.t(title_key),
            status: status.as_u16(),
            detail: i18n.t(detail_key),
            invalid_params: None,
        }
    }

    /// A problem of `status`, its title and detail in the reader's language.
    pub fn status(i18n: I18n, status: StatusCode, title_key: &str, detail_key: &str) -> Self {
        Self::plain(i18n, status, title_key, detail_key)
    }

    /// A request body whose fields were refused (422), each named with its reason (already in
    /// the reader's language); `base` is the site's address.
    pub fn invalid_fields(i18n: I18n, base: &str, fields: Vec<InvalidParam>) -> Self {
        Self {
            kind: format!("{base}{INVALID_PARAMETERS_TYPE}"),
            title: i18n.t("api-fields-invalid-title"),
            status: StatusCode::UNPROCESSABLE_ENTITY.as_u16(),
            detail: i18n.t("api-fields-invalid"),
            invalid_params: Some(fields),
        }
    }

    /// No public session, series or path answers to this address.
    pub fn not_found(i18n: I18n, detail_key: &str) -> Self {
        Self::plain(i18n, StatusCode::NOT_FOUND, "api-problem-not-found-title", detail_key)
    }

    pub fn method_not_allowed(i18n: I18n) -> Self {
        Self::plain(i18n, StatusCode::METHOD_NOT_ALLOWED, "api-problem-method-title", "api-problem-method")
    }

    /// Bad query parameters, each named with its reason; `base` is the site's address.
    pub fn invalid(i18n: I18n, base: &str, refused: &[Refused]) -> Self {
        let params = refused.iter().map(|r| InvalidParam::new(i18n, r)).collect();
        Self {
            kind: format!("{base}{INVALID_PARAMETERS_TYPE}"),
            title: i18n.t("api-problem-invalid-title"),
            status: StatusCode::BAD_REQUEST.as_u16(),
            detail: i18n.t("api-problem-invalid"),
            invalid_params: Some(params),
        }
    }

    /// What an `AppError` from below becomes on the API (logged as the pages log it).
    pub fn from_app(i18n: I18n, error: AppError) -> Self {
        match error {
            AppError::NotFound => Self::not_found(i18n, "api-problem-path-not-found"),
            AppError::Unavailable(e) => {
                tracing::warn!(error = %e, "database unavailable");
                Self::plain(
                    i18n,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "api-problem-unavailable-title",
                    "api-problem-unavailable",
                )
            }
            other => {
                tracing::error!(error = format!("{other:#}"), "API request failed");
                Self::plain(
                    i18n,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "api-problem-internal-title",
                    "api-problem-internal",
                )
            }
        }
    }

    pub fn response(&self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = HttpResponse::build(status);
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
            .insert_header((header::CACHE_CONTROL, "no-store"));
        if status == StatusCode::METHOD_NOT_ALLOWED {
            res.insert_header((header::ALLOW, "GET, HEAD, OPTIONS"));
        }
        match serde_json::to_string(self) {
            Ok(body) => res.body(body),
            Err(_) => res.finish(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.title, self.detail)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        self.response()
    }
}

/// Whether a request is for the API, whose errors are problem documents rather than pages.
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The 400 for a query string that holds an encoded NUL (`%00`), naming the parameters that
/// do (the app refuses NUL before any handler, see `errors::refuse_nul`).
pub fn nul_in_query(req: &HttpRequest) -> HttpResponse {
    let i18n = I18n::new(language_of(req));
    let base = req
        .app_data::<actix_web::web::Data<crate::web::state::AppState>>()
        .map(|s| s.settings.base_url.as_str().trim_end_matches('/').to_owned())
        .unwrap_or_default();
    let mut params: Vec<Refused> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
        if (name.contains('\0') || value.contains('\0')) && !params.iter().any(|p| *p.name == *name) {
            params.push(Refused { name: name.into_owned(), reason_key: "api-param-nul" });
        }
    }
    if params.is_empty() {
        // The NUL is in the path: no public session or series has such a slug.
        return Problem::not_found(i18n, "api-problem-path-not-found").response();
    }
    Problem::invalid(i18n, &base, &params).response()
}
