//! Time, injectable so tests drive it instead of sleeping.

use std::sync::{Arc, Mutex};

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// The current instant as naive UTC, truncated to microseconds so that values round-trip the
/// same on PostgreSQL (microseconds) and SQLite (text).
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Option<Arc<Mutex<NaiveDateTime>>>,
}

impl Clock {
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// A clock that stands still at `at` until moved with [`Clock::set`] or [`Clock::advance`].
    pub fn fixed(at: NaiveDateTime) -> Self {
        Self { fixed: Some(Arc::new(Mutex::new(at.trunc_subsecs(6)))) }
    }

    pub fn now(&self) -> NaiveDateTime {
        match &self.fixed {
            Some(at) => *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
            None => Utc::now().naive_utc().trunc_subsecs(6),
        }
    }

    pub fn set(&self, to: NaiveDateTime) {
        if let Some(at) = &self.fixed {
            *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = to.trunc_subsecs(6);
        }
    }

    pub fn advance(&self, by: chrono::Duration) {
        let now = self.now();
        self.set(now + by);
    }
}
