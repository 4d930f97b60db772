//! What the registration form's POST checks a request against before it is queued: the session,
//! the interpretation it offers and its questions, by the session's slug. Kept for one second
//! per instance, so that a rush of registrations for one session does not read the same three
//! things for every request (on PostgreSQL, four round trips with the pool's check, half of a
//! registration's statements).
//!
//! A second-old copy decides nothing that lasts: the request's transaction reads the session
//! again and refuses a closed or deleted one, keeps only the channels still offered and the
//! answers to the questions still asked (`db::submissions`, `store_choice`, `store_answers`).
//! What it can miss for that second is a question made required meanwhile; the product's
//! staleness bound between instances is one second too. Copies are used only while the
//! database answers the content watch (`ContentWatch::database_answering`): when it goes away,
//! a request asks it, and is refused with 503 at once, as it was without the copy.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::db::models::Session;
use crate::domain::interpretation::Offered;
use crate::domain::questions::Question;

/// How long a copy is used.
pub const FRESH: Duration = Duration::from_secs(1);

/// The facts a registration is checked against, read together.
#[derive(Debug)]
pub struct Facts {
    pub session: Session,
    pub offered: Offered,
    pub questions: Vec<Question>,
}

/// By slug, only for sessions that exist and are public (at most one entry per session).
#[derive(Debug)]
pub struct FormFacts<T = Facts> {
    entries: RwLock<HashMap<String, (Instant, Arc<T>)>>,
}

impl<T> Default for FormFacts<T> {
    fn default() -> Self {
        Self { entries: RwLock::default() }
    }
}

impl<T> FormFacts<T> {
    /// The session's facts if read less than [`FRESH`] ago.
    pub fn get(&self, slug: &str) -> Option<Arc<T>> {
        let entries = self.entries.read().ok()?;
        let (read_at, facts) = entries.get(slug)?;
        (read_at.elapsed() < FRESH).then(|| facts.clone())
    }

    /// Keeps facts just read, from `read_at` (taken before the read began).
    pub fn put(&self, slug: &str, read_at: Instant, facts: T) -> Arc<T> {
        let facts = Arc::new(facts);
        if let Ok(mut entries) = self.entries.write() {
            // Entries of sessions no longer asked for are dropped as others are stored.
            entries.retain(|_, (at, _)| at.elapsed() < FRESH);
            entries.insert(slug.to_owned(), (read_at, facts.clone()));
        }
        facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_used_for_one_second_then_read_again() {
        let cache = FormFacts::<String>::default();
        assert!(cache.get("city-diplomacy").is_none());
        cache.put("city-diplomacy", Instant::now(), "fresh".to_owned());
        assert_eq!(cache.get("city-diplomacy").as_deref().map(String::as_str), Some("fresh"));
        assert!(cache.get("another").is_none());
        // Read more than a second ago (the moment is taken before the read): not used.
        let old = Instant::now().checked_sub(FRESH + Duration::from_millis(10)).expect("an instant");
        cache.put("city-diplomacy", old, "old".to_owned());
        assert!(cache.get("city-diplomacy").is_none());
    }
}
