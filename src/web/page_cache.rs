//! A per-instance cache of rendered public pages (the catalogue and session pages).
//!
//! Every entry is stored under the database's content version (`content_version`, raised by
//! triggers in the same transaction as any write that changes a public page), and each request
//! reads that version first: one primary-key query instead of the page's five. So a change
//! made through any instance is seen by every instance at its next request, with no message
//! between them. Pages that change with time alone (registration opens or closes, the session
//! starts or ends) carry the moment they stop being valid.
//!
//! Only requests without a query string are cached, so the number of entries is bounded by
//! the public pages that exist times the languages.

use std::collections::HashMap;
use std::sync::RwLock;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::Bytes;
use chrono::{Duration, NaiveDateTime};

use crate::db::models::Session;
use crate::domain::Language;

/// How long a cached page is kept at most, whatever else happens.
const MAX_AGE_SECONDS: i64 = 600;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    path: String,
    language: Language,
}

#[derive(Debug, Clone)]
struct Entry {
    version: i64,
    valid_until: NaiveDateTime,
    body: Bytes,
}

#[derive(Debug, Default)]
pub struct PageCache {
    entries: RwLock<HashMap<Key, Entry>>,
}

/// A rendered page and the moment it stops being valid.
pub struct Rendered {
    pub body: String,
    pub valid_until: Option<NaiveDateTime>,
}

impl PageCache {
    /// The cached page for `path` in `language`, if rendered at content `version` and still valid.
    pub fn get(
        &self,
        path: &str,
        language: Language,
        version: i64,
        now: NaiveDateTime,
    ) -> Option<HttpResponse> {
        let entries = self.entries.read().ok()?;
        let entry = entries.get(&Key { path: path.to_owned(), language })?;
        (entry.version == version && now < entry.valid_until).then(|| page_response(entry.body.clone()))
    }

    /// Stores a page rendered at content `version` and answers with it.
    pub fn put(
        &self,
        path: &str,
        language: Language,
        version: i64,
        now: NaiveDateTime,
        rendered: Rendered,
    ) -> HttpResponse {
        let body = Bytes::from(rendered.body);
        let cap = now + Duration::seconds(MAX_AGE_SECONDS);
        let valid_until = rendered.valid_until.map_or(cap, |t| t.min(cap));
        if let Ok(mut entries) = self.entries.write() {
            // A page rendered from older data never replaces a newer one.
            let key = Key { path: path.to_owned(), language };
            if entries.get(&key).is_none_or(|e| e.version <= version) {
                entries.insert(key, Entry { version, valid_until, body: body.clone() });
            }
        }
        page_response(body)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }
}

/// A public page as served, cached or not.
pub fn page_response(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

/// The first moment after `now` at which a session's public page changes by itself: its
/// registration opens or closes, it starts (registration ends) or ends (recording, "past").
pub fn next_change(session: &Session, now: NaiveDateTime) -> Option<NaiveDateTime> {
    [
        session.registration_opens_at,
        session.registration_closes_at,
        Some(session.starts_at),
        Some(session.ends_at()),
    ]
    .into_iter()
    .flatten()
    .filter(|t| *t > now)
    .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 29 November 2026 at 10:00 plus `m` minutes.
    fn at(m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 29).and_then(|d| d.and_hms_opt(10, m, 0)).expect("time")
    }

    fn rendered(body: &str, valid_until: Option<NaiveDateTime>) -> Rendered {
        Rendered { body: body.into(), valid_until }
    }

    #[test]
    fn an_entry_serves_only_its_version_language_and_time() {
        let cache = PageCache::default();
        cache.put("/", Language::En, 7, at(0), rendered("en", Some(at(5))));
        assert!(cache.get("/", Language::En, 7, at(3)).is_some());
        assert!(cache.get("/", Language::Fr, 7, at(3)).is_none(), "other language");
        assert!(cache.get("/", Language::En, 8, at(3)).is_none(), "content changed since");
        assert!(cache.get("/", Language::En, 7, at(5)).is_none(), "the page changed with time");
        assert!(cache.get("/sessions/x", Language::En, 7, at(3)).is_none(), "other page");
    }

    #[test]
    fn an_older_rendering_never_replaces_a_newer_one_and_age_is_capped() {
        let cache = PageCache::default();
        cache.put("/", Language::En, 9, at(0), rendered("new", None));
        cache.put("/", Language::En, 8, at(0), rendered("old", None));
        assert!(cache.get("/", Language::En, 9, at(0)).is_some(), "the newer page stays");
        assert_eq!(cache.len(), 1);
        assert!(cache.get("/", Language::En, 9, at(0) + Duration::seconds(MAX_AGE_SECONDS)).is_none());
    }
}
