//! The watching thread of a [`ContentWatch`]: PostgreSQL's listener, SQLite's `data_version`
//! poll. Each holds the watch weakly and stops once the app that owns it is gone.

use std::sync::Weak;
use std::time::{Duration, Instant};

use diesel::prelude::*;

use super::{CHANNEL, ContentWatch, HEALTH_CHECK, POLL, read_version};
use crate::config::DatabaseTarget;
use crate::db::schema::content_version;
use crate::db::{AnyConnection, write_tx};

/// The pause before the first reconnection; it doubles up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// The name the listening connection has in `pg_stat_activity`.
pub const APPLICATION_NAME: &str = "convoca content watch";

pub(super) fn spawn(target: DatabaseTarget, watch: Weak<ContentWatch>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("content-watch".into())
        .spawn(move || match target {
            DatabaseTarget::Postgres(url) => {
                watch_until_gone(&watch, |pause| listen(url.expose(), &watch, pause))
            }
            // A private in-memory database: no other connection sees it, the watch stays unknown.
            DatabaseTarget::Sqlite(path) if path.is_empty() || path.starts_with(':') => {}
            DatabaseTarget::Sqlite(path) => {
                watch_until_gone(&watch, |pause| poll_sqlite(&path, &watch, pause))
            }
        })
        .map(|_| ())
}

/// Runs `watch_once` again after every error, with a growing pause, the watch unknown
/// meanwhile; `watch_once` resets the pause once it is connected. Returns when the watch is gone.
fn watch_until_gone(
    watch: &Weak<ContentWatch>,
    mut watch_once: impl FnMut(&mut Duration) -> anyhow::Result<()>,
) {
    let mut pause = FIRST_PAUSE;
    loop {
        let Err(error) = watch_once(&mut pause) else { return };
        let Some(alive) = watch.upgrade() else { return };
        alive.mark_unknown();
        drop(alive);
        tracing::warn!(
            error = %format!("{error:#}"),
            retry_in_ms = pause.as_millis() as u64,
            "the content watch lost its connection: public pages ask the database per request until it is back"
        );
        std::thread::sleep(pause);
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}

/// Listens until the connection fails (an error) or the watch is gone (`Ok`).
fn listen(url: &str, watch: &Weak<ContentWatch>, pause: &mut Duration) -> anyhow::Result<()> {
    let mut conn = diesel::PgConnection::establish(url)?;
    diesel::sql_query(format!("SET application_name = '{APPLICATION_NAME}'")).execute(&mut conn)?;
    // LISTEN first, then read: a change committed in between is in the read or notified.
    diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(&mut conn)?;
    let mut last_read: Option<Instant> = None;
    loop {
        let Some(alive) = watch.upgrade() else { return Ok(()) };
        for notification in conn.notifications_iter() {
            let notification = notification?;
            if let Ok(version) = notification.payload.parse::<i64>() {
                alive.raise(version);
            }
        }
        if alive.is_unknown() || last_read.is_none_or(|at| at.elapsed() >= HEALTH_CHECK) {
            let ticket = alive.ticket();
            let version: i64 =
                content_version::table.find(1).select(content_version::version).first(&mut conn)?;
            alive.answered();
            alive.settle(ticket, version);
            last_read = Some(Instant::now());
            *pause = FIRST_PAUSE;
        }
        drop(alive);
        std::thread::sleep(POLL);
    }
}

#[derive(QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    data_version: i64,
}

/// Polls `PRAGMA data_version` until an error or until the watch is gone (`Ok`).
fn poll_sqlite(path: &str, watch: &Weak<ContentWatch>, pause: &mut Duration) -> anyhow::Result<()> {
    let mut conn = diesel::SqliteConnection::establish(path)?;
    diesel::sql_query("PRAGMA busy_timeout = 10000").execute(&mut conn)?;
    let mut conn = AnyConnection::Sqlite(conn);
    let mut seen: Option<i64> = None;
    loop {
        let Some(alive) = watch.upgrade() else { return Ok(()) };
        let ticket = alive.ticket();
        let now = diesel::sql_query("PRAGMA data_version").get_result::<DataVersion>(&mut conn)?.data_version;
        alive.answered();
        if seen != Some(now) || alive.is_unknown() {
            // Marked by a write of this process, maybe not committed yet: BEGIN IMMEDIATE waits
            // for it to end. Otherwise only committed writes of others changed data_version.
            let version = if alive.is_unknown() {
                write_tx(&mut conn, read_version)?
            } else {
                read_version(&mut conn)?
            };
            alive.settle(ticket, version);
            seen = Some(now);
            *pause = FIRST_PAUSE;
        } else {
            alive.renew(ticket);
        }
        drop(alive);
        std::thread::sleep(POLL);
    }
}
