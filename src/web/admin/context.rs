//! What every organiser-area handler shares: the signed-in organiser, the CSRF-checked form,
//! the page chrome, the redirect after a change, and [`AdminContext`], which folds the steps
//! every handler repeats (the clock, the acting organiser, the database call off the executor,
//! "no such thing" as 404) into one place.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db;
use crate::db::AnyConnection;
use crate::db::audit::Actor;
use crate::domain::SecurityEvent;
use crate::i18n::I18n;
use crate::web::chrome::{Chrome, CsrfSeed};
use crate::web::errors::AppError;
use crate::web::state::{AppState, run_db};

pub const ADMIN_COOKIE: &str = "convoca_admin";

/// The signed-in organiser.
#[derive(Debug, Clone)]
pub struct CurrentOrganiser {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: crate::domain::Role,
}

impl CurrentOrganiser {
    pub fn is_admin(&self) -> bool {
        self.role == crate::domain::Role::Admin
    }

    /// Refuses (403) what only administrators may do.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.is_admin() { Ok(()) } else { Err(AppError::AdministratorsOnly) }
    }

    pub fn actor(&self) -> Actor {
        Actor { id: self.id.clone(), name: self.name.clone() }
    }
}

impl FromRequest for CurrentOrganiser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req.cookie(ADMIN_COOKIE).map(|c| c.value().to_owned());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let next =
            req.uri().path_and_query().map(|pq| pq.as_str().to_owned()).unwrap_or_else(|| "/admin".into());
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no app state")))?;
            let sign_in = AppError::SignInRequired(next);
            let Some(token) = token.filter(|t| crate::security::looks_like_token(t)) else {
                return Err(sign_in);
            };
            let now = state.clock.now();
            let found = run_db(&state, move |conn| db::organisers::by_session(conn, &token, now)).await?;
            match found {
                Some(o) => Ok(CurrentOrganiser { id: o.id, name: o.name, email: o.email, role: o.role }),
                None => Err(sign_in),
            }
        })
    }
}

/// A posted form whose CSRF token has been checked. Fields are looked up by name; a repeated
/// field keeps its first value (use [`SignedForm::all`] for lists such as checkboxes).
#[derive(Debug, Clone, Default)]
pub struct SignedForm(pub Vec<(String, String)>);

impl SignedForm {
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
}

impl FromRequest for SignedForm {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Form::<Vec<(String, String)>>::from_request(req, payload);
        let seed = req.extensions().get::<CsrfSeed>().cloned();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let path = req.match_pattern().unwrap_or_default();
        Box::pin(async move {
            let pairs = form.await?.into_inner();
            let valid = match (seed, &state) {
                (Some(seed), Some(state)) => pairs
                    .iter()
                    .find(|(k, _)| k == "csrf_token")
                    .is_some_and(|(_, token)| state.settings.secret_key.verify("csrf", &seed.0, token)),
                _ => false,
            };
            if !valid {
                if let Some(state) = &state {
                    super::security_log::note(state, SecurityEvent::CsrfRefused, &path).await;
                }
                return Err(AppError::Forbidden.into());
            }
            // No typed field holds NUL, and PostgreSQL refuses it in text (a 500 otherwise).
            if pairs.iter().any(|(k, v)| k.contains('\0') || v.contains('\0')) {
                return Err(AppError::BadRequest.into());
            }
            Ok(SignedForm(pairs))
        })
    }
}

/// A link in the organiser area's navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// What every organiser page shares: the layout, the navigation, the CSRF token.
#[derive(Debug, Clone)]
pub struct AdminChrome {
    pub i18n: I18n,
    pub chrome: Chrome,
    pub organiser_name: String,
    pub is_admin: bool,
    pub csrf_token: String,
    pub nav: Vec<NavItem>,
    pub flash: Option<String>,
}

impl AdminChrome {
    pub fn new(state: &AppState, req: &HttpRequest, organiser: &CurrentOrganiser, section: &str) -> Self {
        let i18n = I18n::new(crate::web::chrome::language_of(req));
        let seed = req.extensions().get::<CsrfSeed>().cloned().unwrap_or(CsrfSeed(String::new()));
        let mut nav = vec![
            ("/admin", "admin-nav-sessions", "sessions"),
            ("/admin/speakers", "admin-nav-speakers", "speakers"),
            ("/admin/organisations", "admin-nav-organisations", "organisations"),
            ("/admin/reports", "admin-nav-reports", "reports"),
        ];
        if organiser.is_admin() {
            nav.push(("/admin/accounts", "admin-nav-accounts", "accounts"));
            nav.push(("/admin/audit", "admin-nav-audit", "audit"));
            nav.push(("/admin/data-requests", "admin-nav-data-requests", "data-requests"));
            nav.push(("/admin/api-tokens", "admin-nav-api-tokens", "api-tokens"));
            nav.push(("/admin/webhooks", "admin-nav-webhooks", "webhooks"));
        }
        nav.push(("/admin/password", "admin-nav-password", "password"));
        nav.push(("/admin/two-factor", "admin-nav-two-factor", "two-factor"));
        nav.push(("/admin/signed-in", "admin-nav-signed-in", "signed-in"));
        nav.push(("/admin/widget", "feeds-admin-nav", "widget"));
        let flash = web::Query::<FlashQuery>::from_query(req.query_string())
            .ok()
            .and_then(|q| q.into_inner().done)
            .filter(|key| key.len() < 40 && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
            .map(|key| format!("admin-flash-{key}"))
            .filter(|key| i18n.has(key))
            .map(|key| i18n.t(&key));
        Self {
            chrome: Chrome::new(req, i18n),
            organiser_name: organiser.name.clone(),
            is_admin: organiser.is_admin(),
            csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
            nav: nav
                .into_iter()
                .map(|(href, key, id)| NavItem { href, label: i18n.t(key), current: id == section })
                .collect(),
            flash,
            i18n,
        }
    }
}

#[derive(serde::Deserialize)]
struct FlashQuery {
    done: Option<String>,
}

/// A redirect after a successful POST (post/redirect/get), with a flash message key.
pub fn done(location: &str, flash: &str) -> HttpResponse {
    let separator = if location.contains('?') { '&' } else { '?' };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{location}{separator}done={flash}")))
        .finish()
}

/// Nothing in the organiser area may be stored by a browser or proxy.
pub async fn no_store(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let mut res = next.call(req).await?;
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Page offset helpers for lists.
pub const PAGE_SIZE: i64 = 50;

pub fn page_number(raw: Option<&str>) -> i64 {
    raw.and_then(|p| p.parse::<i64>().ok()).filter(|p| *p >= 1 && *p <= 100_000).unwrap_or(1)
}

/// The start of every organiser-area handler: the app, the request and the signed-in organiser
/// (extracted like [`CurrentOrganiser`]: no organiser, the sign-in page). Its database helpers
/// run the call off the async executor; the writing ones hand the call the acting organiser
/// and the clock's time for its audit entry; `find` and `change` answer 404 when the thing
/// asked for is not there.
pub struct AdminContext {
    pub state: web::Data<AppState>,
    pub req: HttpRequest,
    pub organiser: CurrentOrganiser,
}

impl FromRequest for AdminContext {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let organiser = CurrentOrganiser::from_request(req, payload);
        let (req, state) = (req.clone(), req.app_data::<web::Data<AppState>>().cloned());
        Box::pin(async move {
            let organiser = organiser.await?;
            let state = state.ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no app state")))?;
            Ok(AdminContext { state, req, organiser })
        })
    }
}

/// What a database call returns when the thing it was about may not exist.
pub trait Found {
    type Value;
    fn found(self) -> Option<Self::Value>;
}

impl<T> Found for Option<T> {
    type Value = T;
    fn found(self) -> Option<T> {
        self
    }
}

impl Found for bool {
    type Value = ();
    fn found(self) -> Option<()> {
        self.then_some(())
    }
}

impl AdminContext {
    /// The page chrome, with `section` current in the navigation.
    pub fn chrome(&self, section: &str) -> AdminChrome {
        AdminChrome::new(&self.state, &self.req, &self.organiser, section)
    }

    /// The organiser's language.
    pub fn i18n(&self) -> I18n {
        I18n::new(crate::web::chrome::language_of(&self.req))
    }

    /// Refuses (403) what only administrators may do.
    pub fn require_admin(&self) -> Result<(), AppError> {
        self.organiser.require_admin()
    }

    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> QueryResult<T> + Send + 'static,
        T: Send + 'static,
    {
        run_db(&self.state, f).await
    }

    /// Reads what must exist: `None` (or `false`) answers 404.
    pub async fn find<T, F>(&self, f: F) -> Result<T::Value, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> QueryResult<T> + Send + 'static,
        T: Found + Send + 'static,
    {
        self.read(f).await?.found().ok_or(AppError::NotFound)
    }

    /// A change made by the signed-in organiser, now.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection, &Actor, NaiveDateTime) -> QueryResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let (actor, now) = (self.organiser.actor(), self.state.clock.now());
        run_db(&self.state, move |conn| f(conn, &actor, now)).await
    }

    /// A change to something that must exist: `None` (or `false`) answers 404.
    pub async fn change<T, F>(&self, f: F) -> Result<T::Value, AppError>
    where
        F: FnOnce(&mut AnyConnection, &Actor, NaiveDateTime) -> QueryResult<T> + Send + 'static,
        T: Found + Send + 'static,
    {
        self.write(f).await?.found().ok_or(AppError::NotFound)
    }
}
