//! Rate limits kept in the database, so that every instance counts the same requests.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::models::new_id;
use super::schema::rate_events;
use super::{AnyConnection, write_tx};

/// Records one event for `key` if fewer than `max` happened in the last `window`; returns
/// whether it was allowed. Old events are trimmed as new ones come.
pub fn allow(
    conn: &mut AnyConnection,
    key: &str,
    window: Duration,
    max: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let since = now - window;
    if let AnyConnection::Postgresql(pg) = conn {
        // The same three steps as one statement: one round trip instead of three.
        return super::pg_statements::count_and_record(pg, key, since, new_id(), now, max);
    }
    write_tx(conn, |conn| {
        let recent: i64 = rate_events::table
            .filter(rate_events::key.eq(key))
            .filter(rate_events::at.gt(since))
            .count()
            .get_result(conn)?;
        if recent >= max {
            return Ok(false);
        }
        diesel::insert_into(rate_events::table)
            .values((rate_events::id.eq(new_id()), rate_events::key.eq(key), rate_events::at.eq(now)))
            .execute(conn)?;
        diesel::delete(rate_events::table.filter(rate_events::key.eq(key)).filter(rate_events::at.le(since)))
            .execute(conn)?;
        Ok(true)
    })
}

/// Removes events older than any limit's window (a day), including those of keys (client
/// addresses) never seen again; the worker runs it daily. Returns how many were removed.
pub fn trim(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(rate_events::table.filter(rate_events::at.lt(now - Duration::days(1)))).execute(conn)
}

/// Whether `key` has reached `max` events in the last `window` (without recording one).
pub fn exceeded(
    conn: &mut AnyConnection,
    key: &str,
    window: Duration,
    max: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let recent: i64 = rate_events::table
        .filter(rate_events::key.eq(key))
        .filter(rate_events::at.gt(now - window))
        .count()
        .get_result(conn)?;
    Ok(recent >= max)
}

/// Records an event without checking (e.g. a failed token lookup).
pub fn record(conn: &mut AnyConnection, key: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(rate_events::table)
        .values((rate_events::id.eq(new_id()), rate_events::key.eq(key), rate_events::at.eq(now)))
        .execute(conn)
        .map(|_| ())
}
