//! Who may call the organiser API: the one extractor, [`OrganiserToken`], that every organiser
//! operation takes with the scope it needs (`OrganiserToken<RegistrationsRead>`), so that the
//! scope of an operation is said once, in its signature.
//!
//! Only `Authorization: Bearer` (RFC 6750 §2.1) authenticates here: no cookie does, so a
//! signed-in organiser's browser gets nothing from `/api`, and there is nothing for CSRF to
//! abuse. Refusals follow RFC 6750 §3: no credentials, a 401 with a bare `Bearer` challenge;
//! an unknown, expired or revoked token, a 401 with `error="invalid_token"`; a token without
//! the scope, a 403 with `error="insufficient_scope"` and the scope needed. Each is also an
//! RFC 9457 problem document.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};

use crate::db;
use crate::db::api_tokens::ApiToken;
use crate::domain::ApiScope;
use crate::i18n::I18n;
use crate::web::api::problem::Problem;
use crate::web::chrome::language_of;
use crate::web::state::{AppState, run_db};

/// The realm of the challenges.
const REALM: &str = "Convoca organiser API";

/// The scope an operation needs, as a type.
pub trait Scope {
    const SCOPE: ApiScope;
}

macro_rules! scopes {
    ($($name:ident),* $(,)?) => {
        $(
            #[doc = concat!("The `", stringify!($name), "` scope, as a type.")]
            pub struct $name;
            impl Scope for $name {
                const SCOPE: ApiScope = ApiScope::$name;
            }
        )*
    };
}

scopes!(RegistrationsRead, AttendanceWrite, SessionsRead, SessionsWrite);

/// A live token holding the scope `S`, from the request's `Authorization: Bearer` header.
pub struct OrganiserToken<S: Scope> {
    pub token: ApiToken,
    scope: PhantomData<S>,
}

/// Why a request was turned away: the problem document and its challenge.
#[derive(Debug)]
pub struct Refusal {
    problem: Problem,
    challenge: String,
}

impl Refusal {
    fn new(i18n: I18n, status: StatusCode, error: Option<&str>, title_key: &str, detail_key: &str) -> Self {
        let detail = i18n.t(detail_key);
        let challenge = match error {
            // RFC 6750 §3: a request without credentials gets no error code.
            None => format!("Bearer realm=\"{REALM}\""),
            Some(code) => format!(
                "Bearer realm=\"{REALM}\", error=\"{code}\", error_description=\"{}\"",
                quoted(&detail)
            ),
        };
        Self { problem: Problem::status(i18n, status, title_key, detail_key), challenge }
    }

    /// No token, or another scheme.
    pub fn no_token(i18n: I18n) -> Self {
        Self::new(
            i18n,
            StatusCode::UNAUTHORIZED,
            None,
            "api-token-problem-title",
            "api-token-problem-missing",
        )
    }

    /// A token this app does not know, or no longer accepts.
    pub fn invalid(i18n: I18n, detail_key: &str) -> Self {
        Self::new(
            i18n,
            StatusCode::UNAUTHORIZED,
            Some("invalid_token"),
            "api-token-problem-title",
            detail_key,
        )
    }

    /// A live token without the scope asked for.
    pub fn insufficient(i18n: I18n, scope: ApiScope) -> Self {
        let mut refusal = Self::new(
            i18n,
            StatusCode::FORBIDDEN,
            Some("insufficient_scope"),
            "api-token-problem-scope-title",
            "api-token-problem-scope",
        );
        refusal.challenge.push_str(&format!(", scope=\"{scope}\""));
        refusal
    }

    /// The database (or anything below) failed: no challenge, the API's usual problem.
    fn failed(problem: Problem) -> Self {
        Self { problem, challenge: String::new() }
    }
}

/// Text inside a quoted-string of a challenge (RFC 9110 §5.6.4): no quote, no backslash, no
/// control character, ASCII only (RFC 6750 §3 limits `error_description` to that).
fn quoted(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii() && !c.is_ascii_control() && !matches!(c, '"' | '\\')).collect()
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.problem.fmt(f)
    }
}

impl ResponseError for Refusal {
    fn status_code(&self) -> StatusCode {
        self.problem.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = self.problem.response();
        if !self.challenge.is_empty()
            && let Ok(value) = header::HeaderValue::from_str(&self.challenge)
        {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        res
    }
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in any case, RFC 9110
/// §11.1); `None` for no header, another scheme, or more than one header.
fn bearer(req: &HttpRequest) -> Option<String> {
    let mut values = req.headers().get_all(header::AUTHORIZATION);
    let value = values.next()?.to_str().ok()?;
    if values.next().is_some() {
        return None;
    }
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

impl<S: Scope + 'static> FromRequest for OrganiserToken<S> {
    type Error = Refusal;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Refusal>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let i18n = I18n::new(language_of(req));
        let secret = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state = state.ok_or_else(|| {
                Refusal::failed(Problem::from_app(i18n, anyhow::anyhow!("no app state").into()))
            })?;
            let secret = secret.ok_or_else(|| Refusal::no_token(i18n))?;
            if !db::api_tokens::looks_like_secret(&secret) {
                return Err(Refusal::invalid(i18n, "api-token-problem-unknown"));
            }
            let found = run_db(&state, move |conn| db::api_tokens::by_secret(conn, &secret))
                .await
                .map_err(|e| Refusal::failed(Problem::from_app(i18n, e)))?;
            let now = state.clock.now();
            let token = match found {
                None => return Err(Refusal::invalid(i18n, "api-token-problem-unknown")),
                Some(t) if t.revoked_at.is_some() => {
                    return Err(Refusal::invalid(i18n, "api-token-problem-revoked"));
                }
                Some(t) if t.expires_at <= now => {
                    return Err(Refusal::invalid(i18n, "api-token-problem-expired"));
                }
                Some(t) => t,
            };
            if !token.has(S::SCOPE) {
                return Err(Refusal::insufficient(i18n, S::SCOPE));
            }
            if db::api_tokens::use_is_stale(&token, now) {
                let id = token.id.clone();
                run_db(&state, move |conn| db::api_tokens::note_use(conn, &id, now))
                    .await
                    .map_err(|e| Refusal::failed(Problem::from_app(i18n, e)))?;
            }
            Ok(OrganiserToken { token, scope: PhantomData })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_bearer_header_names_a_token() {
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "bearer  cvk_abc "))
            .to_http_request();
        assert_eq!(bearer(&req).as_deref(), Some("cvk_abc"));
        let basic = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "Basic dXNlcjpwYXNz"))
            .to_http_request();
        assert_eq!(bearer(&basic), None);
        assert_eq!(bearer(&actix_web::test::TestRequest::default().to_http_request()), None);
    }

    #[test]
    fn descriptions_stay_inside_their_quotes() {
        assert_eq!(quoted("a \"b\" \\ c\u{e9}\n"), "a b  c");
    }
}
