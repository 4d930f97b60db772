//! The embeddable widget: `/embed/sessions?series=<slug>&lang=<xx>`, a compact server-rendered
//! list of upcoming sessions (date in the session's zone, rewritten to the visitor's zone by
//! `static/embed.js`; seats left; a Register link that opens Convoca in a new tab).
//!
//! Framing: every page refuses to be framed (`frame-ancestors 'none'`, `X-Frame-Options:
//! DENY`, in `web::server`), except `/embed/*`, whose policy [`framing`] replaces with
//! `frame-ancestors 'self'` and the origins of `CONVOCA_EMBED_ORIGINS`.

use std::sync::LazyLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use sha2::{Digest, Sha256};

use super::calendar::listed;
use super::{cacheable, feed_language};
use crate::db;
use crate::db::feeds::Scope;
use crate::i18n::I18n;
use crate::web::errors::AppError;
use crate::web::state::{AppState, run_db};
use crate::web::view::{SeriesTexts, SessionTexts, availability};
use crate::when::When;

const SCRIPT: &str = include_str!("../../../static/embed.js");
const STYLESHEET: &str = include_str!("../../../static/embed.css");
/// The most sessions one widget lists.
const MAX_ITEMS: usize = 20;

fn short_hash(content: &str) -> String {
    Sha256::digest(content.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect()
}

static SCRIPT_URL: LazyLock<String> = LazyLock::new(|| format!("/embed/widget.js?v={}", short_hash(SCRIPT)));
static STYLESHEET_URL: LazyLock<String> =
    LazyLock::new(|| format!("/embed/widget.css?v={}", short_hash(STYLESHEET)));

/// The policy of the widget's responses: its own resources only, framed by this site and the
/// allowed origins.
pub fn content_security_policy(origins: &[String]) -> String {
    let mut ancestors = vec!["'self'"];
    ancestors.extend(origins.iter().map(String::as_str));
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         base-uri 'none'; form-action 'none'; frame-ancestors {}",
        ancestors.join(" ")
    )
}

/// Lets the allowed origins frame `/embed/*`, and keeps cookies out of every response that
/// shared caches may keep (`Cache-Control: public`: feeds, the widget, static files), so one
/// visitor's cookie (the CSRF seed) is never handed to another. Wrapped outside the security
/// headers.
pub async fn framing(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let origins = req
        .path()
        .starts_with("/embed/")
        .then(|| req.app_data::<web::Data<AppState>>().map(|s| s.settings.embed_origins.clone()))
        .flatten();
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if let Some(origins) = origins
        && let Ok(policy) = header::HeaderValue::from_str(&content_security_policy(&origins))
    {
        headers.remove(header::X_FRAME_OPTIONS);
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    let public = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("public"));
    if public {
        headers.remove(header::SET_COOKIE);
    }
    Ok(res)
}

pub async fn script() -> HttpResponse {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

pub async fn stylesheet() -> HttpResponse {
    asset(STYLESHEET, "text/css; charset=utf-8")
}

fn asset(body: &'static str, content_type: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(body)
}

pub struct WidgetItem {
    pub title: String,
    pub title_lang: String,
    pub page_url: String,
    pub register_url: Option<String>,
    pub when: When,
    pub availability: String,
    pub cancelled: bool,
}

#[derive(Template)]
#[template(path = "embed/sessions.html")]
struct WidgetPage {
    i18n: I18n,
    css_url: &'static str,
    js_url: &'static str,
    heading: String,
    /// A short message instead of the list (an unknown series, a bad language).
    message: Option<String>,
    items: Vec<WidgetItem>,
    catalogue_url: String,
}

#[derive(Debug, serde::Deserialize)]
struct WidgetQuery {
    series: Option<String>,
}

/// The widget. An unknown series or language gets the same compact page with one short
/// message (404 / 400), never a broken frame.
pub async fn sessions(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (i18n, bad_language) = match feed_language(&req) {
        Some(i18n) => (i18n, false),
        None => (I18n::new(crate::web::chrome::language_of(&req)), true),
    };
    let catalogue_url = state.settings.link(&format!("/language/{}?next=/", i18n.code()));
    let page = |heading: String, message: Option<String>, items: Vec<WidgetItem>| WidgetPage {
        i18n,
        css_url: STYLESHEET_URL.as_str(),
        js_url: SCRIPT_URL.as_str(),
        heading,
        message,
        items,
        catalogue_url: catalogue_url.clone(),
    };
    let short = |status: StatusCode, key: &str| -> Result<HttpResponse, AppError> {
        let body = render(page(i18n.t("feeds-widget-heading"), Some(i18n.t(key)), Vec::new()))?;
        Ok(HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(body))
    };
    if bad_language {
        return short(StatusCode::BAD_REQUEST, "feeds-widget-bad-language");
    }
    let series = web::Query::<WidgetQuery>::from_query(req.query_string())
        .map(|q| q.into_inner().series.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()))
        .unwrap_or_default();
    let language = i18n.code();
    let found = run_db(&state, move |conn| {
        let scope = match &series {
            Some(slug) => Scope::Series(slug),
            None => Scope::All,
        };
        db::feeds::with_seats(conn, scope, language)
    })
    .await?;
    let Some(found) = found else {
        return short(StatusCode::NOT_FOUND, "feeds-widget-unknown-series");
    };
    let now = state.clock.now();
    let settings = &state.settings;
    let items = found
        .entries
        .iter()
        .filter(|e| e.session.ends_at() > now && listed(e, now))
        .take(MAX_ITEMS)
        .map(|entry| {
            let session = &entry.session;
            let texts = SessionTexts::of(i18n, session, entry.translation.as_ref());
            WidgetItem {
                title: texts.title,
                title_lang: texts.title_lang,
                page_url: settings.link(&format!("/sessions/{}", session.slug)),
                register_url: session
                    .registration_open(now)
                    .then(|| settings.link(&format!("/sessions/{}/register", session.slug))),
                when: When::of(i18n, session),
                availability: availability(i18n, session, entry.confirmed, now),
                cancelled: session.is_cancelled(),
            }
        })
        .collect();
    let heading = found.series.as_ref().map_or_else(
        || i18n.t("feeds-widget-heading"),
        |s| SeriesTexts::of(i18n, s, found.series_translation.as_ref()).title,
    );
    let body = render(page(heading, None, items))?;
    Ok(cacheable(&req, "text/html; charset=utf-8", body, None))
}

fn render(page: WidgetPage) -> Result<String, AppError> {
    page.render().map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("rendering the widget")))
}
