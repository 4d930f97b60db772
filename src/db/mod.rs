//! The only place that knows diesel and the two backends.
//!
//! SQLite is the embedded default, PostgreSQL the production engine. Both are reached through
//! one [`AnyConnection`] and one portable schema; the few places where they differ are here,
//! each with the reason.

pub mod address_fix;
pub mod admin_registrations;
pub mod announcement_history;
pub mod announcements;
pub mod answers;
pub mod api_tokens;
pub mod attendance_import;
pub mod audit;
pub mod bounces;
pub mod catalogue;
pub mod consents;
pub mod content_watch;
pub mod country_migration;
pub mod decisions;
pub mod demo;
pub mod demo_removal;
pub mod export_lines;
pub mod feedback;
pub mod feedback_results;
pub mod feeds;
pub mod focal_approval;
pub mod focal_digest;
pub mod focal_points;
pub mod group_commit;
pub mod interpretation;
pub mod invitations;
pub mod models;
pub mod newsletter;
pub mod organisations;
pub mod organisers;
pub mod outbox;
pub mod panels;
// pgbatch: statements for PostgreSQL alone (few round trips for registration writes).
pub mod password_reset;
mod pg_statements;
mod pool;
pub mod privacy;
pub mod public_api;
pub mod question_report;
pub mod questions;
pub mod quotas;
pub mod rate;
pub mod registrations;
pub mod reports;
pub mod schedule;
pub mod schema;
pub mod seats;
pub mod series;
pub mod session_changes;
pub mod sessions;
pub mod sign_in_throttle;
pub mod speaker_consent;
pub mod speaker_invitations;
pub mod speaker_profiles;
pub mod speakers;
mod sql_types;
// pgbatch: registration requests from the public form, in batches.
pub mod submissions;
pub mod task_refusals;
pub mod tasks;
pub mod tokens;
pub mod two_factor;
// join: joins through personal join links.
pub mod joins;
// webhooks: endpoints, events, deliveries and their attempts.
mod webhook_delivery;
pub mod webhook_endpoints;
pub mod webhooks;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use anyhow::Context;

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub use pool::{AnyManager, DbConnection, DbPool, PoolSettings, build_pool, build_watched_pool};

pub const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Applies pending migrations; returns the versions applied.
pub fn run_migrations(conn: &mut AnyConnection) -> anyhow::Result<Vec<String>> {
    let applied = match conn {
        AnyConnection::Postgresql(c) => c.run_pending_migrations(PG_MIGRATIONS),
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("applying migrations: {e}"))?;
    let mut applied: Vec<String> = applied.iter().map(|v| v.to_string()).collect();
    // Data migrations written in Rust, after the SQL ones they depend on.
    let now = chrono::Utc::now().naive_utc();
    applied
        .extend(country_migration::run(conn, now).map_err(|e| anyhow::anyhow!("migrating countries: {e}"))?);
    Ok(applied)
}

/// Runs `f` in a transaction that holds the write lock from its first statement.
///
/// SQLite: diesel's `transaction` issues a deferred `BEGIN`, and a read-then-write inside it
/// fails at once with SQLITE_BUSY instead of waiting (busy_timeout does not apply to the
/// upgrade), so writers start with `BEGIN IMMEDIATE`. PostgreSQL: a plain `BEGIN`; rows that
/// must be serialised are locked with [`seats::lock`]. Called inside another `write_tx`,
/// it joins that transaction, so changes compose into one commit.
pub fn write_tx<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    // Already inside a write transaction (a caller composing several changes): join it.
    if in_transaction(conn) {
        return f(conn);
    }
    // SQLite has one writer at a time. Writers of this process queue on their database's lock
    // and each one is woken the moment the previous one commits, instead of polling the file
    // lock through the busy handler's growing sleeps (which cut registration throughput several
    // times over). The busy timeout still covers writers in other processes (`convoca worker`,
    // backups).
    let writer = match conn {
        AnyConnection::Sqlite(c) => writer_lock(c)?,
        AnyConnection::Postgresql(_) => None,
    };
    let _writer = writer.as_ref().map(|lock| lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    match conn {
        AnyConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(err) => {
            // The original error matters more than a failed rollback (which marks the
            // connection broken, so the pool discards it).
            let _ = <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn);
            Err(err)
        }
    }
}

/// The writers' queue of the SQLite database `conn` is open on (see [`write_tx`]): one per
/// database file, so that pools of different databases in one process (tests, benchmarks) do
/// not wait for each other. A private in-memory database has no other writer and no queue.
fn writer_lock(conn: &mut diesel::SqliteConnection) -> QueryResult<Option<Arc<Mutex<()>>>> {
    #[derive(QueryableByName)]
    struct MainFile {
        #[diesel(sql_type = diesel::sql_types::Text)]
        file: String,
    }
    static WRITERS: LazyLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> = LazyLock::new(Default::default);
    let main = diesel::sql_query("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .get_result::<MainFile>(conn)?;
    if main.file.is_empty() {
        return Ok(None);
    }
    let mut writers = WRITERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok(Some(writers.entry(main.file).or_default().clone()))
}

fn in_transaction(conn: &mut AnyConnection) -> bool {
    let depth = match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
        }
        AnyConnection::Postgresql(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
        }
    };
    matches!(depth, Ok(Some(_)))
}

pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(err, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}

/// Whether the error means the database went away under the statement (a restart, a
/// shutdown, a lost connection), so the request may simply be tried again: the connection
/// closed or unusable, or PostgreSQL ending the session itself ("terminating connection due to
/// administrator command", class 57: diesel reports those as errors of no particular kind).
pub fn connection_lost(err: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind as Kind, Error};
    match err {
        Error::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, _) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            message.starts_with("terminating connection")
                || message.starts_with("the database system is shutting down")
                || message.starts_with("server closed the connection")
        }
        _ => false,
    }
}

/// Keeps the query planner's statistics current: `PRAGMA optimize` on SQLite (cheap, it
/// analyses only what changed enough); PostgreSQL's autovacuum does this itself. The ANALYZE
/// it may run writes, so it takes its turn in the writers' queue: run bare, its read-then-write
/// met a writer of this process and failed at once with "database is locked".
pub fn optimize(conn: &mut AnyConnection) -> QueryResult<()> {
    match conn {
        AnyConnection::Sqlite(_) => {
            write_tx(conn, |conn| diesel::sql_query("PRAGMA optimize").execute(conn).map(|_| ()))
        }
        AnyConnection::Postgresql(_) => Ok(()),
    }
}

/// Checks that the database answers; used by `/healthz`.
pub fn ping(conn: &mut AnyConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

pub fn backend_name(conn: &AnyConnection) -> &'static str {
    match conn {
        AnyConnection::Postgresql(_) => "postgresql",
        AnyConnection::Sqlite(_) => "sqlite",
    }
}

/// Writes a consistent copy of a SQLite database into a new file while others keep writing
/// (`VACUUM INTO` reads one snapshot). PostgreSQL is backed up with `pg_dump` instead.
pub fn backup_sqlite(conn: &mut AnyConnection, path: &std::path::Path) -> anyhow::Result<()> {
    if path.exists() {
        anyhow::bail!("{} already exists: choose a new file name", path.display());
    }
    let AnyConnection::Sqlite(sqlite) = conn else {
        anyhow::bail!(
            "the database is PostgreSQL: back it up with pg_dump, e.g. pg_dump --format=custom --file=convoca.dump \"$DATABASE_URL\""
        );
    };
    let target = path.to_str().ok_or_else(|| anyhow::anyhow!("the backup path is not valid UTF-8"))?;
    // VACUUM INTO writes into an empty file it is given, keeping its mode: the copy is
    // private from its first byte.
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        crate::files::create_private_dir_all(parent)
            .with_context(|| format!("creating the folder of {}", path.display()))?;
    }
    crate::files::create_private_file(path).with_context(|| format!("creating {}", path.display()))?;
    diesel::sql_query("VACUUM INTO ?").bind::<diesel::sql_types::Text, _>(target).execute(sqlite).map_err(
        |e| {
            let _ = std::fs::remove_file(path);
            anyhow::anyhow!("writing the backup to {}: {e}", path.display())
        },
    )?;
    Ok(())
}

/// The database server's own version (`convoca check`).
pub fn server_version(conn: &mut AnyConnection) -> QueryResult<String> {
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
    }
    // Each engine names its version function differently.
    let query = match conn {
        AnyConnection::Postgresql(_) => "SELECT current_setting('server_version') AS version",
        AnyConnection::Sqlite(_) => "SELECT sqlite_version() AS version",
    };
    diesel::sql_query(query).get_result::<Version>(conn).map(|v| v.version)
}

/// The versions of the migrations not applied yet (`convoca check`; `serve` and `migrate`
/// apply them).
pub fn pending_migrations(conn: &mut AnyConnection) -> anyhow::Result<Vec<String>> {
    let pending = match conn {
        AnyConnection::Postgresql(c) => {
            c.pending_migrations(PG_MIGRATIONS).map(|m| m.iter().map(|m| m.name().to_string()).collect())
        }
        AnyConnection::Sqlite(c) => {
            c.pending_migrations(SQLITE_MIGRATIONS).map(|m| m.iter().map(|m| m.name().to_string()).collect())
        }
    };
    pending.map_err(|e| anyhow::anyhow!("reading the applied migrations: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_writers_queue_per_database_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
        let open = |p: &str| diesel::SqliteConnection::establish(p).expect("open");
        let (mut a1, mut a2, mut b) = (open(&path("a.db")), open(&path("a.db")), open(&path("b.db")));
        let lock = |c: &mut diesel::SqliteConnection| writer_lock(c).expect("query").expect("a file");
        let (a1, a2, b) = (lock(&mut a1), lock(&mut a2), lock(&mut b));
        assert!(Arc::ptr_eq(&a1, &a2), "two connections to one file share its writers' queue");
        assert!(!Arc::ptr_eq(&a1, &b), "another database does not wait for this one");
        let mut memory = open(":memory:");
        assert!(writer_lock(&mut memory).expect("query").is_none());
    }
}
