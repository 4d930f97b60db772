//! What other systems read of the public agenda: calendar subscriptions (`calendar`), the Atom
//! feed (`atom`), link previews of session pages (`preview`) and the embeddable widget
//! (`embed`). Everything here is public and holds no private link (no join address, no
//! personal link): only session pages and the catalogue.

pub mod atom;
pub mod calendar;
pub mod embed;
pub mod preview;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, guard, web};
use chrono::{NaiveDateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::domain::Language;
use crate::i18n::I18n;
use crate::web::chrome::language_of;

/// Routes of the feeds and the widget. `/sessions/{slug}.ics` must come before the session
/// page's `/sessions/{slug}`, which would take `x.ics` for a slug.
pub fn routes(cfg: &mut web::ServiceConfig) {
    // Feed readers and link checkers also ask with HEAD.
    let get_or_head = || web::route().guard(guard::Any(guard::Get()).or(guard::Head()));
    cfg.route("/sessions.ics", get_or_head().to(calendar::all_sessions))
        .route("/sessions/{slug}.ics", get_or_head().to(calendar::one_session))
        .route("/series/{slug}.ics", get_or_head().to(calendar::one_series))
        .route("/feed", get_or_head().to(atom::feed))
        .route("/embed/sessions", get_or_head().to(embed::sessions))
        .route("/embed/widget.js", web::get().to(embed::script))
        .route("/embed/widget.css", web::get().to(embed::stylesheet));
}

/// How long a reader may keep a feed before asking again (`Cache-Control: max-age`).
pub const MAX_AGE_SECONDS: u32 = 300;

#[derive(Debug, serde::Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

/// The feed's language: `?lang=` when given (one of the interface's languages), otherwise the
/// visitor's. `None` for any other `?lang=`: answer [`bad_language`].
pub fn feed_language(req: &HttpRequest) -> Option<I18n> {
    let query = web::Query::<LangQuery>::from_query(req.query_string()).ok()?;
    match query.lang.as_deref().map(str::trim) {
        None | Some("") => Some(I18n::new(language_of(req))),
        Some(code) => {
            Language::ALL.iter().find(|l| l.code().eq_ignore_ascii_case(code)).map(|l| I18n::new(*l))
        }
    }
}

/// The 400 for a `?lang=` that is not one of the interface's languages, saying which are.
pub fn bad_language(req: &HttpRequest) -> HttpResponse {
    let i18n = I18n::new(language_of(req));
    HttpResponse::BadRequest()
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(i18n.t("feeds-bad-language"))
}

/// A feed's body as a cacheable public response: a weak `ETag` from the body itself and
/// `Last-Modified` from the latest change of what it lists; `304 Not Modified` when the
/// reader already holds it (`If-None-Match` first, else `If-Modified-Since`, RFC 9110 §13.2.2).
/// A session leaving a list by age changes the body (and the ETag) but not `Last-Modified`:
/// readers that send only `If-Modified-Since` keep that entry until something else changes.
pub fn cacheable(
    req: &HttpRequest,
    content_type: &'static str,
    body: String,
    last_modified: Option<NaiveDateTime>,
) -> HttpResponse {
    let digest = Sha256::digest(body.as_bytes());
    let etag: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    let etag = format!("W/\"{etag}\"");
    // HTTP dates have whole seconds.
    let last_modified = last_modified.map(|t| Utc.from_utc_datetime(&t).timestamp());
    let headers = req.headers();
    let not_modified = match headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(tags) => tags.split(',').map(str::trim).any(|t| t == "*" || weak_eq(t, &etag)),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
            .zip(last_modified)
            .is_some_and(|(since, modified)| modified <= since.timestamp()),
    };
    let mut res = if not_modified { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, etag.clone()))
        .insert_header((header::CACHE_CONTROL, format!("public, max-age={MAX_AGE_SECONDS}")));
    if let Some(at) = last_modified.and_then(|s| Utc.timestamp_opt(s, 0).single()) {
        res.insert_header((header::LAST_MODIFIED, at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()));
    }
    if not_modified {
        return res.finish();
    }
    res.insert_header((header::CONTENT_TYPE, content_type)).body(body)
}

/// Weak comparison of entity tags (RFC 9110 §8.8.3.2): the same opaque tag, `W/` or not.
fn weak_eq(a: &str, b: &str) -> bool {
    a.trim_start_matches("W/") == b.trim_start_matches("W/")
}

/// The feeds' addresses in one language, for the pages that announce them.
#[derive(Debug, Clone)]
pub struct FeedLinks {
    /// `webcal://host[:port]`: calendar applications subscribe on opening it.
    pub webcal_base: String,
    /// `https://host[:port]` (the configured public address).
    pub https_base: String,
    /// `?lang=xx`
    pub lang_query: String,
}

impl FeedLinks {
    pub fn new(settings: &Settings, i18n: I18n) -> Self {
        let https_base = settings.link("");
        let webcal_base = match https_base.split_once("://") {
            Some((_, rest)) => format!("webcal://{rest}"),
            None => https_base.clone(),
        };
        Self { webcal_base, https_base, lang_query: format!("?lang={}", i18n.code()) }
    }

    pub fn all_webcal(&self) -> String {
        format!("{}/sessions.ics{}", self.webcal_base, self.lang_query)
    }

    pub fn all_https(&self) -> String {
        format!("{}/sessions.ics{}", self.https_base, self.lang_query)
    }

    pub fn series_webcal(&self, slug: &str) -> String {
        format!("{}/series/{slug}.ics{}", self.webcal_base, self.lang_query)
    }

    pub fn series_https(&self, slug: &str) -> String {
        format!("{}/series/{slug}.ics{}", self.https_base, self.lang_query)
    }

    pub fn atom(&self) -> String {
        format!("{}/feed{}", self.https_base, self.lang_query)
    }
}

#[cfg(test)]
mod tests {
    use super::weak_eq;

    #[test]
    fn entity_tags_compare_weakly() {
        assert!(weak_eq("W/\"abc\"", "W/\"abc\""));
        assert!(weak_eq("\"abc\"", "W/\"abc\""));
        assert!(!weak_eq("W/\"abd\"", "W/\"abc\""));
    }
}
