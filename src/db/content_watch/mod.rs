//! The content watch: what this process knows of the database's content version
//! (`content_version`, raised by triggers in the same transaction as any write that changes a
//! public page), so that a page-cache hit needs no database round trip.
//!
//! The watch holds either a version it knows to be the latest committed one, or "unknown";
//! when unknown, requests read the version themselves (one primary-key query, as before the
//! watch existed), which is always correct. One thread per watch learns of changes:
//!
//! - **PostgreSQL** (`listen.rs`): the triggers' function also calls `pg_notify` on
//!   [`CHANNEL`] with the new version (delivered at commit, to every instance). A dedicated
//!   connection runs `LISTEN`, *then* reads the version, then marks it known, so no change
//!   between the two is missed. It drains notifications every [`POLL`] and re-reads the version
//!   every [`HEALTH_CHECK`] (a lost notification is caught there too). An error from either
//!   marks the watch unknown, and it reconnects with a growing pause; once back, `LISTEN` then
//!   re-read again.
//! - **SQLite** (`listen.rs`): a dedicated connection reads `PRAGMA data_version` every
//!   [`POLL`]; it changes when any *other* connection, of this process or another one, commits.
//!   On a change the version is read again.
//!
//! **This process's own writes** must show at once: an organiser saves and is redirected to the
//! page, which can arrive before the watching thread's next poll. So they mark the watch unknown
//! before the writer answers, and only the watching thread marks it known again, after reading
//! a version that includes them:
//!
//! - SQLite: every pooled connection has a SQL function of its own, [`SQLITE_FUNCTION`], called
//!   by a TEMP trigger on `content_version` (created by the pool's connection customiser, so the
//!   sqlite3 shell or a `convoca worker` writing the same file have neither). It runs inside the
//!   writing transaction, before its commit. The watching thread then re-reads inside a
//!   `BEGIN IMMEDIATE` transaction (through `write_tx`, queued with this process's writers):
//!   it can only begin once the marking transaction has ended, committed or rolled back.
//! - PostgreSQL: a function cannot call into the process, so the web layer marks the watch
//!   after every state-changing request (not GET, HEAD or OPTIONS) once its handler has
//!   returned, i.e. after its commit and before its answer is sent
//!   ([`ContentWatch::after_request_write`]); the watching thread re-reads at its next poll.
//!   While writes keep coming (a rush of registrations) the cache asks the database per request,
//!   as it did before.
//!
//! **Races**, and why none leaves a stale version marked known:
//!
//! - A mark during a re-read: every mark raises a generation counter. A re-read takes the
//!   generation first ([`ContentWatch::ticket`]) and marks the version known only if no mark
//!   happened since ([`ContentWatch::settle`]), else it is simply done again.
//! - A mark and a settle at the same moment: both run under one lock; the version readers see
//!   is one atomic, so a request sees either "unknown" or a settled version.
//! - A SQLite write marked but not yet committed when the re-read starts: the re-read's
//!   `BEGIN IMMEDIATE` waits for it. A write by another process (no mark) is seen through
//!   `data_version`, only after it committed.
//! - A PostgreSQL notification: sent at commit, so its payload is committed; it raises a known
//!   version ([`ContentWatch::raise`]) and never turns "unknown" into known (only a re-read does).
//! - The watching thread stuck (a dead peer that never answers), gone, or only slow (a busy
//!   database): a known version is only trusted for [`LEASE`] after the start of the last read
//!   that confirmed it, then requests fall back. A request's own read confirms a known version
//!   too ([`ContentWatch::confirm`]), so a slow health check costs the requests of one read's
//!   time, not every request until it answers, and with the listener silently gone these reads
//!   alone keep the bound.
//! - A page rendered while the version moves: `web::public` takes the version before reading the
//!   data, so a page is never kept under a version newer than the data it shows.
//!
//! Staleness bound: a change through another instance (or process) is seen within one poll or
//! health check (PostgreSQL: a notification within milliseconds; SQLite: [`POLL`]), and in any
//! case within [`LEASE`], well inside the product's one second.

mod listen;

pub use listen::APPLICATION_NAME;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use diesel::prelude::*;

use super::AnyConnection;
use crate::config::DatabaseTarget;

/// The PostgreSQL notification channel the triggers' function notifies (payload: the new
/// version).
pub const CHANNEL: &str = "convoca_content";
/// The per-connection SQLite function the TEMP trigger calls.
pub const SQLITE_FUNCTION: &str = "convoca_content_changed";
/// How often the watching thread looks for changes.
pub const POLL: Duration = Duration::from_millis(20);
/// How often the PostgreSQL listener reads the version even without a notification (its
/// connection's health check).
pub const HEALTH_CHECK: Duration = Duration::from_millis(250);
/// How long a known version is trusted after the watching thread's last successful round trip.
pub const LEASE: Duration = Duration::from_millis(800);

/// `version` when it is not known.
const UNKNOWN: i64 = i64::MIN;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Postgres,
    Sqlite,
}

/// What the process knows of the committed content version. Shared by the app state, the
/// pool's connections (SQLite) and the watching thread (which holds it weakly and stops when
/// the rest of the app is gone).
#[derive(Debug)]
pub struct ContentWatch {
    engine: Engine,
    /// The known version, or [`UNKNOWN`]; read by every request without a lock.
    version: AtomicI64,
    /// Until when (nanoseconds after `origin`) a known version may be trusted.
    lease_until: AtomicU64,
    /// Until when (nanoseconds after `origin`) the database counts as answering: [`LEASE`]
    /// after the watching thread's last successful round trip, whatever the version.
    answered_until: AtomicU64,
    origin: Instant,
    /// Raised by every mark; changes of `version` other than `raise` happen under it.
    generation: Mutex<u64>,
}

/// Why a request had to read the version itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Never read, marked by a write, or the listening connection lost.
    Unknown,
    /// Known, but the watching thread has not confirmed it within [`LEASE`].
    Lease,
}

impl Fallback {
    pub const ALL: [Self; 2] = [Self::Unknown, Self::Lease];

    /// The metric's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Lease => "lease",
        }
    }
}

/// A read of the version in progress: the generation it began at, and when (nanoseconds after
/// the watch's origin). A read shows every commit before it began, so a lease it renews runs
/// from then, not from its answer: a slow answer never stretches the staleness bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    generation: u64,
    started: u64,
}

impl ContentWatch {
    fn new(engine: Engine) -> Self {
        Self {
            engine,
            version: AtomicI64::new(UNKNOWN),
            lease_until: AtomicU64::new(0),
            answered_until: AtomicU64::new(0),
            origin: Instant::now(),
            generation: Mutex::new(0),
        }
    }

    /// A watch for the database `target`, unknown until [`ContentWatch::start_watching`] has
    /// read the version once.
    pub fn for_database(target: &DatabaseTarget) -> Arc<Self> {
        Arc::new(Self::new(match target {
            DatabaseTarget::Postgres(_) => Engine::Postgres,
            DatabaseTarget::Sqlite(_) => Engine::Sqlite,
        }))
    }

    /// Starts the watching thread (after the migrations: it reads `content_version`).
    pub fn start_watching(self: &Arc<Self>, target: &DatabaseTarget) -> std::io::Result<()> {
        listen::spawn(target.clone(), Arc::downgrade(self))
    }

    /// The latest committed version, if known and recently confirmed; `None`: ask the database.
    pub fn current(&self) -> Option<i64> {
        let version = self.version.load(Ordering::Acquire);
        (version != UNKNOWN && self.nanos_now() < self.lease_until.load(Ordering::Acquire)).then_some(version)
    }

    /// Why [`ContentWatch::current`] just answered `None` (for the metric; racy by nature).
    pub fn fallback(&self) -> Fallback {
        if self.is_unknown() { Fallback::Unknown } else { Fallback::Lease }
    }

    /// A write of this process may have changed the content: unknown until re-read.
    pub fn mark_unknown(&self) {
        let mut generation = self.generation.lock().unwrap_or_else(PoisonError::into_inner);
        *generation += 1;
        self.version.store(UNKNOWN, Ordering::Release);
    }

    /// Called by the web layer after a state-changing request's handler returned. On SQLite the
    /// TEMP trigger marks the watch exactly when the content changed, so nothing is needed; on
    /// PostgreSQL the request may have changed it (see the module's documentation).
    pub fn after_request_write(&self) {
        if self.engine == Engine::Postgres {
            self.mark_unknown();
        }
    }

    /// Begins a read of the version.
    pub fn ticket(&self) -> Ticket {
        let generation = *self.generation.lock().unwrap_or_else(PoisonError::into_inner);
        Ticket { generation, started: self.nanos_now() }
    }

    /// Ends the watching thread's re-read that found `version`: marks it known (or keeps a
    /// higher known one), unless a mark happened since the ticket was taken. Returns whether it
    /// did.
    pub fn settle(&self, ticket: Ticket, version: i64) -> bool {
        let generation = self.generation.lock().unwrap_or_else(PoisonError::into_inner);
        if *generation != ticket.generation {
            return false;
        }
        let known = self.version.load(Ordering::Acquire);
        self.version.store(known.max(version), Ordering::Release);
        self.renew(ticket);
        drop(generation);
        true
    }

    /// Ends a request's own read of the version (its lease had run out, [`Fallback::Lease`]):
    /// the read is as good a round trip as the watching thread's, so it renews the lease (and
    /// raises the version if it found a newer one), and the requests after it are hits again
    /// instead of each asking the database until the watching thread's next answer. Only while
    /// the version is known and unmarked since the ticket: an unknown watch is made known by
    /// the watching thread alone (a notification it drained while unknown is not in this read).
    /// With the listener silently gone, these reads alone keep the staleness bound: a version
    /// is never trusted beyond [`LEASE`] after the start of a read that found it.
    pub fn confirm(&self, ticket: Ticket, version: i64) -> bool {
        let generation = self.generation.lock().unwrap_or_else(PoisonError::into_inner);
        let known = self.version.load(Ordering::Acquire);
        if *generation != ticket.generation || known == UNKNOWN {
            return false;
        }
        self.version.store(known.max(version), Ordering::Release);
        self.renew(ticket);
        drop(generation);
        true
    }

    /// A committed version heard of (a notification): raises a known version, never makes an
    /// unknown one known.
    pub fn raise(&self, version: i64) {
        let _generation = self.generation.lock().unwrap_or_else(PoisonError::into_inner);
        let known = self.version.load(Ordering::Acquire);
        if known != UNKNOWN && version > known {
            self.version.store(version, Ordering::Release);
        }
    }

    /// Whether the version must be read again before it can be trusted.
    pub fn is_unknown(&self) -> bool {
        self.version.load(Ordering::Acquire) == UNKNOWN
    }

    /// A read begun with `ticket` answered: a known version stays trusted for [`LEASE`] after
    /// that read began (never shortened by a slower read that began earlier).
    pub fn renew(&self, ticket: Ticket) {
        self.lease_until.fetch_max(ticket.started + duration_nanos(LEASE), Ordering::AcqRel);
    }

    /// The watching thread's connection answered a round trip.
    pub fn answered(&self) {
        self.answered_until.store(self.nanos_now() + duration_nanos(LEASE), Ordering::Release);
    }

    /// Whether the watching thread's connection answered within the last [`LEASE`]: the
    /// database is up (`web::form_facts` keeps its copies only then, so that requests meet a
    /// database gone away at once and are answered 503 as before).
    pub fn database_answering(&self) -> bool {
        self.nanos_now() < self.answered_until.load(Ordering::Acquire)
    }

    fn nanos_now(&self) -> u64 {
        duration_nanos(self.origin.elapsed())
    }
}

fn duration_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The committed content version (see `db::catalogue::content_version`).
fn read_version(conn: &mut AnyConnection) -> QueryResult<i64> {
    super::catalogue::content_version(conn)
}

#[diesel::declare_sql_function]
extern "SQL" {
    /// Marks the watch of this connection's pool unknown (called by the TEMP trigger).
    fn convoca_content_changed() -> diesel::sql_types::Integer;
}

/// Gives a new pooled SQLite connection the function and TEMP trigger that mark `watch`
/// unknown whenever this connection raises the content version. The watch is held weakly: a
/// connection outliving its app marks nothing.
pub fn install_on_sqlite(conn: &mut diesel::SqliteConnection, watch: &Weak<ContentWatch>) -> QueryResult<()> {
    let watch = std::panic::AssertUnwindSafe(watch.clone());
    convoca_content_changed_utils::register_nondeterministic_impl(conn, move || {
        if let Some(watch) = watch.upgrade() {
            watch.mark_unknown();
        }
        0
    })?;
    diesel::sql_query(format!(
        "CREATE TEMP TRIGGER IF NOT EXISTS convoca_content_watch AFTER UPDATE ON main.content_version \
         BEGIN SELECT {SQLITE_FUNCTION}(); END"
    ))
    .execute(conn)
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(watch: &ContentWatch, version: i64) {
        let ticket = watch.ticket();
        assert!(watch.settle(ticket, version));
    }

    #[test]
    fn a_watch_starts_unknown_and_a_reread_makes_it_known() {
        let watch = ContentWatch::new(Engine::Sqlite);
        assert_eq!(watch.current(), None);
        assert!(watch.is_unknown());
        known(&watch, 7);
        assert_eq!(watch.current(), Some(7));
        assert!(!watch.is_unknown());
    }

    #[test]
    fn a_mark_during_a_reread_keeps_the_watch_unknown() {
        let watch = ContentWatch::new(Engine::Sqlite);
        known(&watch, 7);
        let ticket = watch.ticket();
        watch.mark_unknown();
        assert!(!watch.settle(ticket, 7), "the re-read began before the write: it may not include it");
        assert_eq!(watch.current(), None);
        known(&watch, 8);
        assert_eq!(watch.current(), Some(8));
    }

    #[test]
    fn a_mark_makes_the_watch_unknown_at_once() {
        let watch = ContentWatch::new(Engine::Sqlite);
        known(&watch, 3);
        watch.mark_unknown();
        assert_eq!(watch.current(), None);
        assert!(watch.is_unknown());
        assert_eq!(watch.fallback(), Fallback::Unknown);
    }

    #[test]
    fn notifications_raise_a_known_version_only() {
        let watch = ContentWatch::new(Engine::Postgres);
        watch.raise(5);
        assert_eq!(watch.current(), None, "a notification never makes an unknown watch known");
        known(&watch, 5);
        watch.raise(9);
        assert_eq!(watch.current(), Some(9));
        watch.raise(6);
        assert_eq!(watch.current(), Some(9), "an older notification arriving late changes nothing");
        let ticket = watch.ticket();
        assert!(watch.settle(ticket, 8));
        assert_eq!(watch.current(), Some(9), "a re-read never lowers the version");
    }

    #[test]
    fn a_known_version_is_trusted_only_within_its_lease() {
        let watch = ContentWatch::new(Engine::Sqlite);
        known(&watch, 4);
        watch.lease_until.store(watch.nanos_now(), Ordering::Release);
        assert_eq!(watch.current(), None, "the watching thread stopped answering");
        assert_eq!(watch.fallback(), Fallback::Lease);
        watch.renew(watch.ticket());
        assert_eq!(watch.current(), Some(4));
    }

    #[test]
    fn a_lease_runs_from_the_start_of_the_read_that_renewed_it() {
        let watch = ContentWatch::new(Engine::Postgres);
        let slow = Ticket { generation: 0, started: 0 };
        assert!(watch.settle(slow, 4));
        assert_eq!(watch.lease_until.load(Ordering::Acquire), duration_nanos(LEASE));
        let later = Ticket { generation: 0, started: duration_nanos(LEASE) };
        watch.renew(later);
        watch.renew(slow);
        assert_eq!(
            watch.lease_until.load(Ordering::Acquire),
            2 * duration_nanos(LEASE),
            "an answer to an older read never shortens the lease"
        );
    }

    #[test]
    fn a_request_that_read_the_version_itself_renews_a_lapsed_lease() {
        let watch = ContentWatch::new(Engine::Postgres);
        known(&watch, 4);
        watch.lease_until.store(0, Ordering::Release);
        assert_eq!(watch.current(), None);
        let ticket = watch.ticket();
        assert!(watch.confirm(ticket, 6));
        assert_eq!(watch.current(), Some(6), "the read renewed the lease and raised the version");
        assert_eq!(watch.fallback(), Fallback::Lease, "known, so a lapse is the lease's");
    }

    #[test]
    fn a_request_read_never_makes_an_unknown_or_marked_watch_known() {
        let watch = ContentWatch::new(Engine::Postgres);
        let ticket = watch.ticket();
        assert!(!watch.confirm(ticket, 3), "never read by the watching thread");
        assert_eq!(watch.current(), None);
        known(&watch, 3);
        watch.lease_until.store(0, Ordering::Release);
        let ticket = watch.ticket();
        watch.mark_unknown();
        known(&watch, 3);
        watch.lease_until.store(0, Ordering::Release);
        assert!(!watch.confirm(ticket, 3), "a write was marked after the read began");
        assert_eq!(watch.current(), None);
    }

    #[test]
    fn requests_mark_the_watch_only_on_postgresql() {
        let sqlite = ContentWatch::new(Engine::Sqlite);
        known(&sqlite, 2);
        sqlite.after_request_write();
        assert_eq!(sqlite.current(), Some(2), "on SQLite the TEMP trigger marks exactly the writes");
        let postgres = ContentWatch::new(Engine::Postgres);
        known(&postgres, 2);
        postgres.after_request_write();
        assert_eq!(postgres.current(), None);
    }

    #[test]
    fn a_sqlite_write_through_a_watched_connection_marks_the_watch_before_its_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("w.db").to_string_lossy().into_owned();
        let mut conn = diesel::SqliteConnection::establish(&path).expect("open");
        diesel::sql_query("CREATE TABLE content_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)")
            .execute(&mut conn)
            .expect("table");
        diesel::sql_query("INSERT INTO content_version VALUES (1, 1)").execute(&mut conn).expect("row");
        let watch = Arc::new(ContentWatch::new(Engine::Sqlite));
        install_on_sqlite(&mut conn, &Arc::downgrade(&watch)).expect("install");
        known(&watch, 1);
        conn.transaction(|conn| {
            diesel::sql_query("UPDATE content_version SET version = version + 1").execute(conn)?;
            assert_eq!(watch.current(), None, "marked inside the transaction");
            diesel::QueryResult::Ok(())
        })
        .expect("write");
        known(&watch, 2);
        diesel::sql_query("UPDATE content_version SET id = id").execute(&mut conn).expect("touch");
        assert_eq!(watch.current(), None);
    }
}
