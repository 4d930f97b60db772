//! A per-instance cache of rendered public pages (the catalogue and session pages).
//!
//! Every entry is stored under the database's content version (`content_version`, raised by
//! triggers in the same transaction as any write that changes a public page). Each request
//! takes that version from the process's content watch (`db::content_watch`: no database round
//! trip), or reads it when the watch does not know it. Pages that change with time alone
//! (registration opens or closes, the session starts or ends) carry the moment they stop being
//! valid. Each entry keeps its body in identity, gzip and brotli, compressed once when stored
//! (`web::precompressed`).
//!
//! Only requests without a query string are cached, so the number of entries is bounded by
//! the public pages that exist times the languages.

use std::collections::HashMap;
use std::sync::RwLock;

use actix_web::HttpResponse;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use chrono::{Duration, NaiveDateTime};

use super::precompressed::{Coding, Variants};
use super::state::AppState;
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
    body: Variants,
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

/// A rendered page in every coding kept, ready to be stored.
pub struct Compressed {
    body: Variants,
    valid_until: Option<NaiveDateTime>,
}

impl Rendered {
    /// Compresses the page (CPU work: call it off the async executor).
    pub fn compress(self) -> std::io::Result<Compressed> {
        Ok(Compressed { body: Variants::compress(Bytes::from(self.body))?, valid_until: self.valid_until })
    }
}

impl PageCache {
    /// The cached page for `path` in `language`, if rendered at content `version` and still
    /// valid, in `coding`.
    pub fn get(
        &self,
        path: &str,
        language: Language,
        version: i64,
        now: NaiveDateTime,
        coding: Coding,
    ) -> Option<HttpResponse> {
        let entries = self.entries.read().ok()?;
        let entry = entries.get(&Key { path: path.to_owned(), language })?;
        (entry.version == version && now < entry.valid_until).then(|| cached_response(&entry.body, coding))
    }

    /// Stores a page rendered at content `version` and answers with it in `coding`.
    pub fn put(
        &self,
        path: &str,
        language: Language,
        version: i64,
        now: NaiveDateTime,
        page: Compressed,
        coding: Coding,
    ) -> HttpResponse {
        let cap = now + Duration::seconds(MAX_AGE_SECONDS);
        let valid_until = page.valid_until.map_or(cap, |t| t.min(cap));
        let response = cached_response(&page.body, coding);
        if let Ok(mut entries) = self.entries.write() {
            // A page rendered from older data never replaces a newer one.
            let key = Key { path: path.to_owned(), language };
            if entries.get(&key).is_none_or(|e| e.version <= version) {
                entries.insert(key, Entry { version, valid_until, body: page.body });
            }
        }
        response
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }
}

/// A public page as served when not cached (the `Compress` middleware compresses it).
pub fn page_response(body: Bytes) -> HttpResponse {
    page_headers().body(body)
}

fn page_headers() -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    response
}

fn cached_response(body: &Variants, coding: Coding) -> HttpResponse {
    let mut response = page_headers();
    let body = body.answer(coding, &mut response);
    response.body(body)
}

/// After a state-changing request (not GET, HEAD or OPTIONS) has been handled, and so after its
/// commit, tells the content watch, before the answer goes out: a redirect to the changed page
/// must not find it cached (see `db::content_watch`).
pub async fn after_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let state = writes.then(|| req.app_data::<web::Data<AppState>>().cloned()).flatten();
    let res = next.call(req).await;
    if let Some(state) = state {
        state.content_watch.after_request_write();
    }
    res
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

    fn rendered(body: &str, valid_until: Option<NaiveDateTime>) -> Compressed {
        Rendered { body: body.into(), valid_until }.compress().expect("compress")
    }

    const ID: Coding = Coding::Identity;

    #[test]
    fn an_entry_serves_only_its_version_language_and_time() {
        let cache = PageCache::default();
        cache.put("/", Language::En, 7, at(0), rendered("en", Some(at(5))), ID);
        assert!(cache.get("/", Language::En, 7, at(3), ID).is_some());
        assert!(cache.get("/", Language::Fr, 7, at(3), ID).is_none(), "other language");
        assert!(cache.get("/", Language::En, 8, at(3), ID).is_none(), "content changed since");
        assert!(cache.get("/", Language::En, 7, at(5), ID).is_none(), "the page changed with time");
        assert!(cache.get("/sessions/x", Language::En, 7, at(3), ID).is_none(), "other page");
    }

    #[test]
    fn an_older_rendering_never_replaces_a_newer_one_and_age_is_capped() {
        let cache = PageCache::default();
        cache.put("/", Language::En, 9, at(0), rendered("new", None), ID);
        cache.put("/", Language::En, 8, at(0), rendered("old", None), ID);
        assert!(cache.get("/", Language::En, 9, at(0), ID).is_some(), "the newer page stays");
        assert_eq!(cache.len(), 1);
        assert!(cache.get("/", Language::En, 9, at(0) + Duration::seconds(MAX_AGE_SECONDS), ID).is_none());
    }
}
