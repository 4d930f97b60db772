//! The connection pool: r2d2 over [`AnyConnection`], each new connection set up for its engine,
//! and a checkout that tells a busy pool from a database that is gone.
//!
//! r2d2 waits the whole connection timeout for a connection, which is right while every
//! connection is busy (a rush: one will be freed) but wrong once the database is gone (stopped,
//! restarting): its connections break and are dropped, new ones are refused, and every request
//! would hang for the timeout and then fail anyway. So [`DbPool::get`] waits in short slices
//! and gives up after a slice without a connection if the pool holds none that could be freed
//! and its latest attempt to open one failed: requests meet a database gone away with a 503
//! within about [`SLICE`], and wait for a busy one as before (also when the database refuses
//! only *more* connections than the pool already has).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool, PoolError, PooledConnection, State};

use super::{AnyConnection, content_watch};
use crate::config::DatabaseTarget;

/// How long a checkout waits before it looks whether the database refuses connections.
pub const SLICE: Duration = Duration::from_millis(100);

/// The pool; cheap to clone (the connections are shared).
#[derive(Clone)]
pub struct DbPool {
    pool: Pool<AnyManager>,
    attempts: Arc<Attempts>,
    /// The longest a checkout waits for a busy pool (`CONVOCA_DB_CONNECT_TIMEOUT`).
    wait: Duration,
}

impl std::fmt::Debug for DbPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbPool").field("state", &self.pool.state()).finish_non_exhaustive()
    }
}

/// A connection checked out of the pool (back in it when dropped).
pub type DbConnection = PooledConnection<AnyManager>;

impl DbPool {
    /// A connection: an idle one at once, else the first one freed or opened within the
    /// connection timeout; an error as soon as a slice passes without one while the pool has
    /// no connection left and the latest attempt to open one failed.
    pub fn get(&self) -> Result<DbConnection, PoolError> {
        let deadline = Instant::now() + self.wait;
        loop {
            let slice = SLICE.min(deadline.saturating_duration_since(Instant::now()));
            match self.pool.get_timeout(slice) {
                Ok(conn) => return Ok(conn),
                Err(e) if self.database_gone() || Instant::now() >= deadline => return Err(e),
                Err(_) => {}
            }
        }
    }

    /// No connection that could be freed, and none could be opened the last time it was tried.
    fn database_gone(&self) -> bool {
        self.attempts.failing() && self.pool.state().connections == 0
    }

    /// Connections open and idle (for the metrics).
    pub fn state(&self) -> State {
        self.pool.state()
    }

    pub fn max_size(&self) -> u32 {
        self.pool.max_size()
    }
}

/// Whether the pool's latest attempt to open a connection failed.
#[derive(Debug, Default)]
struct Attempts {
    failing: AtomicBool,
}

impl Attempts {
    fn record(&self, connected: bool) {
        self.failing.store(!connected, Ordering::Release);
    }

    fn failing(&self) -> bool {
        self.failing.load(Ordering::Acquire)
    }
}

/// Opens connections by the URL's scheme. diesel's derived `establish` tries each backend in
/// turn and hides the real error (a wrong password reads "invalid connection url"), so the
/// backend is chosen here and libpq's or SQLite's own message is kept.
#[derive(Debug, Clone)]
pub struct AnyManager {
    target: DatabaseTarget,
    attempts: Arc<Attempts>,
}

impl ManageConnection for AnyManager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        let conn = match &self.target {
            DatabaseTarget::Postgres(url) => {
                diesel::PgConnection::establish(url.expose()).map(AnyConnection::Postgresql)
            }
            DatabaseTarget::Sqlite(path) => {
                diesel::SqliteConnection::establish(path).map(AnyConnection::Sqlite)
            }
        };
        self.attempts.record(conn.is_ok());
        Ok(conn?)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        diesel::sql_query("SELECT 1").execute(conn).map(|_| ()).map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

/// SQLite settings are per connection, so they are applied to every new one.
#[derive(Debug)]
struct ConnectionSetup {
    statement_timeout_ms: u64,
    /// SQLite: the watch this pool's writes mark (see `content_watch`).
    content_watch: Option<std::sync::Weak<content_watch::ContentWatch>>,
}

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        let statements: Vec<String> = match conn {
            AnyConnection::Sqlite(_) => vec![
                "PRAGMA journal_mode = WAL".into(),
                "PRAGMA busy_timeout = 10000".into(),
                "PRAGMA foreign_keys = ON".into(),
                "PRAGMA synchronous = NORMAL".into(),
                // 1 MiB of page cache per connection (SQLite's default is 2 MiB): with a full
                // pool that is 16 MiB, and the hot pages come from the page cache anyway.
                "PRAGMA cache_size = -1024".into(),
            ],
            AnyConnection::Postgresql(_) => {
                vec![format!("SET statement_timeout = {}", self.statement_timeout_ms)]
            }
        };
        for sql in statements {
            diesel::sql_query(sql).execute(conn).map_err(diesel::r2d2::Error::QueryError)?;
        }
        if let (AnyConnection::Sqlite(sqlite), Some(watch)) = (conn, &self.content_watch) {
            content_watch::install_on_sqlite(sqlite, watch).map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_size: u32,
    pub connect_timeout: Duration,
    pub statement_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_size: 16,
            connect_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

pub fn build_pool(target: &DatabaseTarget, settings: &PoolSettings) -> anyhow::Result<DbPool> {
    build_watched_pool(target, settings, None)
}

/// A pool whose SQLite connections mark `watch` when they change public content (the watch's
/// TEMP trigger needs `content_version`: build it after the migrations). PostgreSQL
/// connections need nothing.
pub fn build_watched_pool(
    target: &DatabaseTarget,
    settings: &PoolSettings,
    watch: Option<&Arc<content_watch::ContentWatch>>,
) -> anyhow::Result<DbPool> {
    if let DatabaseTarget::Sqlite(path) = target {
        prepare_sqlite_file(std::path::Path::new(path))?;
    }
    let attempts = Arc::new(Attempts::default());
    let manager = AnyManager { target: target.clone(), attempts: attempts.clone() };
    let pool = Pool::builder()
        .max_size(settings.max_size)
        .min_idle(Some(1))
        .connection_timeout(settings.connect_timeout)
        .connection_customizer(Box::new(ConnectionSetup {
            statement_timeout_ms: settings.statement_timeout.as_millis() as u64,
            content_watch: watch.map(Arc::downgrade),
        }))
        .build(manager)
        .with_context(|| format!("connecting to the database ({})", target.describe()))?;
    Ok(DbPool { pool, attempts, wait: settings.connect_timeout })
}

/// Makes the SQLite database file private before SQLite opens it: a new one is created empty
/// (SQLite takes an empty file for a new database) with 0600 in folders of 0700, and an older
/// one readable by others loses that. SQLite creates the -wal and -shm files with the mode
/// of the database file, so they are private too.
fn prepare_sqlite_file(path: &std::path::Path) -> anyhow::Result<()> {
    let name = path.to_string_lossy();
    if name.is_empty() || name.starts_with(':') || name.starts_with("file:") {
        return Ok(());
    }
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        crate::files::create_private_dir_all(parent)
            .with_context(|| format!("creating the folder for the SQLite database {name}"))?;
    }
    match crate::files::create_private_file(path) {
        Ok(_) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e).with_context(|| format!("creating the SQLite database {name}")),
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{name}{suffix}"));
        if file.exists()
            && crate::files::remove_access_of_others(&file)
                .with_context(|| format!("restricting {}", file.display()))?
        {
            tracing::warn!(file = %file.display(), "the database file was readable by other users: no longer");
        }
    }
    Ok(())
}
