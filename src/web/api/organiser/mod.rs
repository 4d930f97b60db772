//! The organiser API under `/api/v1/organiser`: a session's registrations (list and CSV
//! export, with the organiser list's filters), its attendance file, and sessions (read,
//! create, replace). Every operation takes an [`auth::OrganiserToken`] of its scope; tokens
//! are made by administrators in the organiser area (`web/admin/api_tokens.rs`) or with
//! `convoca api-token create`. No cookie authenticates here, so there is no CSRF check, and
//! nothing is cached.

pub mod attendance;
pub mod auth;
pub mod registrations;
pub mod sessions;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use futures_core::Stream;
use utoipa::Modify;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::problem::Problem;
use crate::domain::SessionId;
use crate::i18n::I18n;
use crate::web::chrome::language_of;

/// The name of the bearer security scheme in the OpenAPI document.
pub const SECURITY_SCHEME: &str = "organiser_token";

/// Adds the bearer scheme the organiser operations name.
pub struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SECURITY_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An organiser API token (`cvk_...`), made by an administrator under /admin/api-tokens \
                         or with `convoca api-token create`; the scopes an operation needs are listed with it.",
                    ))
                    .build(),
            ),
        );
    }
}

/// An answer nothing may store (personal data, or what a token alone may see).
pub fn no_store(mut res: HttpResponseBuilder) -> HttpResponseBuilder {
    res.insert_header((header::CACHE_CONTROL, "no-store"));
    res
}

/// The `{id}` of the path, when it has a session id's shape.
pub fn session_id(req: &HttpRequest) -> Option<SessionId> {
    req.match_info().get("id").and_then(SessionId::parse)
}

/// The request's body, up to `max` bytes; `Err` when it is longer (or the connection fails).
pub async fn read_body(mut payload: web::Payload, max: usize) -> Result<web::Bytes, ()> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut payload).poll_next(cx)).await {
        let chunk = chunk.map_err(|_| ())?;
        if body.len() + chunk.len() > max {
            return Err(());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// A 405 naming the methods the resource answers.
fn method_not_allowed(
    allow: &'static str,
) -> impl Fn(HttpRequest) -> std::future::Ready<HttpResponse> + Clone {
    move |req: HttpRequest| {
        let i18n = I18n::new(language_of(&req));
        let mut res = Problem::status(
            i18n,
            actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
            "api-problem-method-title",
            "api-organiser-method",
        )
        .response();
        res.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static(allow));
        std::future::ready(res)
    }
}

/// The `/organiser` scope inside `/api/v1`.
pub fn scope(path: &str) -> actix_web::Scope {
    web::scope(path)
        .service(
            web::resource("/sessions")
                .route(web::post().to(sessions::create))
                .default_service(web::to(method_not_allowed("POST"))),
        )
        .service(
            web::resource("/sessions/{id}")
                .route(web::get().to(sessions::one))
                .route(web::head().to(sessions::one))
                .route(web::put().to(sessions::update))
                .default_service(web::to(method_not_allowed("GET, HEAD, PUT"))),
        )
        .service(
            web::resource("/sessions/{id}/registrations")
                .route(web::get().to(registrations::list))
                .route(web::head().to(registrations::list))
                .default_service(web::to(method_not_allowed("GET, HEAD"))),
        )
        .service(
            web::resource("/sessions/{id}/registrations.csv")
                .route(web::get().to(registrations::export_csv))
                .default_service(web::to(method_not_allowed("GET"))),
        )
        .service(
            web::resource("/sessions/{id}/attendance")
                .route(web::post().to(attendance::upload))
                .default_service(web::to(method_not_allowed("POST"))),
        )
        .default_service(web::to(super::not_found))
}
