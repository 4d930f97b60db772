//! What every handler shares: the application state and the way to reach the database from a
//! request (off the async executor).

use std::sync::Arc;

use actix_web::web;
use tokio::sync::Notify;

use super::errors::AppError;
use super::form_facts::FormFacts;
use super::page_cache::PageCache;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::content_watch::ContentWatch;
use crate::db::group_commit::RegistrationQueue;
use crate::db::{AnyConnection, DbPool};

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
    pub clock: Clock,
    /// Wakes the in-process worker when a request has queued mail, so it goes out at once.
    pub outbox_signal: Arc<Notify>,
    /// Rendered public pages, checked against the database's content version.
    pub page_cache: Arc<PageCache>,
    /// The content version as this process knows it (else asked per request).
    pub content_watch: Arc<ContentWatch>,
    /// Registration requests, committed in groups by the writer threads.
    pub registration_queue: Arc<RegistrationQueue>,
    /// What the registration form's POST checks against, kept a second (`web::form_facts`).
    pub form_facts: Arc<FormFacts>,
}

impl AppState {
    pub fn wake_worker(&self) {
        self.outbox_signal.notify_one();
    }
}

/// Runs a database function on the blocking pool, with a connection from the pool.
pub async fn run_db<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> diesel::QueryResult<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || -> Result<T, AppError> {
        let mut conn = pool.get()?;
        Ok(f(&mut conn)?)
    })
    .await?
}
