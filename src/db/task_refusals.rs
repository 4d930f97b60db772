//! The rows of an attendance file that its import refused, kept beside the task for its
//! progress page and its CSV of refusals. They name an address, so they join the person's
//! data download and erasure, and go with their task at retention.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{background_task_refusals as refusals, background_tasks as tasks};
use crate::domain::RegistrationStatus;

/// How many refused rows the progress page lists (all are in the CSV).
pub const REFUSALS_SHOWN: i64 = 20;

/// One refused row of an attendance file.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = refusals)]
pub struct Refusal {
    pub task_id: String,
    pub line: i64,
    pub email: String,
    pub email_normalized: String,
    /// The state of the registration with that address, when it is not confirmed.
    pub status: Option<RegistrationStatus>,
}

/// Stores a chunk's refused rows (inside the step's transaction).
pub fn add(conn: &mut AnyConnection, refused: &[Refusal]) -> QueryResult<()> {
    // One statement each: diesel's MultiBackend has no multi-row insert (a chunk refuses at
    // most CHUNK_ROWS rows, inside one transaction).
    for refusal in refused {
        diesel::insert_into(refusals::table).values(refusal).execute(conn)?;
    }
    Ok(())
}

/// The first refused rows of a task, in file order.
pub fn of_task(conn: &mut AnyConnection, id: &str, limit: i64) -> QueryResult<Vec<Refusal>> {
    refusals::table
        .filter(refusals::task_id.eq(id))
        .order(refusals::line.asc())
        .limit(limit)
        .select(Refusal::as_select())
        .load(conn)
}

/// Refused rows that name one address, for the person's data download.
pub fn of_address(
    conn: &mut AnyConnection,
    email_normalized: &str,
) -> QueryResult<Vec<(i64, NaiveDateTime)>> {
    refusals::table
        .inner_join(tasks::table)
        .filter(refusals::email_normalized.eq(email_normalized))
        .order(tasks::created_at.asc())
        .select((refusals::line, tasks::created_at))
        .load(conn)
}

/// Erasure: refused rows naming the address go (the file's line, not the person, is what an
/// organiser needs to fix).
pub fn forget_address(conn: &mut AnyConnection, email_normalized: &str) -> QueryResult<usize> {
    diesel::delete(refusals::table.filter(refusals::email_normalized.eq(email_normalized))).execute(conn)
}

/// Retention: the refused rows of tasks being deleted.
pub fn delete_of_tasks(conn: &mut AnyConnection, task_ids: &[&String]) -> QueryResult<usize> {
    diesel::delete(refusals::table.filter(refusals::task_id.eq_any(task_ids))).execute(conn)
}
