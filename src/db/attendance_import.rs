//! An attendance file recorded in chunks by the worker (a background task): each chunk marks
//! the confirmed registrations its lines name as attended and keeps the lines it refused, in
//! the same transaction as the task's progress; the last step marks the others absent when
//! asked. Marking is idempotent, so a chunk taken again after a crash changes nothing more.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::admin_registrations::{AttendanceLine, IDS_PER_STATEMENT, mark, normalise_email};
use super::schema::registrations;
use super::task_refusals::Refusal;
use crate::domain::{RegistrationStatus, SessionId};

/// Marks the confirmed registrations named by `lines` as attended; returns the lines refused
/// (no registration with that address, or one that is not confirmed).
pub fn record_chunk(
    conn: &mut AnyConnection,
    task_id: &str,
    session_id: &SessionId,
    lines: &[AttendanceLine],
    now: NaiveDateTime,
) -> QueryResult<Vec<Refusal>> {
    let emails: Vec<String> =
        lines.iter().map(|l| normalise_email(&l.email)).collect::<HashSet<_>>().into_iter().collect();
    let mut known: HashMap<String, (String, RegistrationStatus)> = HashMap::new();
    for batch in emails.chunks(IDS_PER_STATEMENT) {
        let rows: Vec<(String, String, RegistrationStatus)> = registrations::table
            .filter(registrations::session_id.eq(session_id))
            .filter(registrations::status.ne(RegistrationStatus::Erased))
            .filter(registrations::email_normalized.eq_any(batch))
            .select((registrations::id, registrations::email_normalized, registrations::status))
            .load(conn)?;
        known.extend(rows.into_iter().map(|(id, email, status)| (email, (id, status))));
    }
    let mut present = Vec::new();
    let mut refused = Vec::new();
    for line in lines {
        let email_normalized = normalise_email(&line.email);
        let status = match known.get(&email_normalized) {
            Some((id, RegistrationStatus::Confirmed)) => {
                present.push(id.clone());
                continue;
            }
            Some((_, status)) => Some(*status),
            None => None,
        };
        refused.push(Refusal {
            task_id: task_id.to_owned(),
            line: i64::try_from(line.line).unwrap_or(i64::MAX),
            email: line.email.clone(),
            email_normalized,
            status,
        });
    }
    present.sort_unstable();
    present.dedup();
    mark(conn, session_id, &present, true, now)?;
    Ok(refused)
}

/// The end of an import: how many confirmed registrations the whole file names, and (with
/// `others_absent`) every other confirmed one marked absent, with how many.
pub fn finish(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    lines: &[AttendanceLine],
    others_absent: bool,
    now: NaiveDateTime,
) -> QueryResult<(usize, usize)> {
    let in_file: HashSet<String> = lines.iter().map(|l| normalise_email(&l.email)).collect();
    let confirmed: Vec<(String, String)> = registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .select((registrations::id, registrations::email_normalized))
        .load(conn)?;
    let (found, others): (Vec<_>, Vec<_>) =
        confirmed.into_iter().partition(|(_, email)| in_file.contains(email.as_str()));
    let marked_absent = if others_absent {
        let ids: Vec<String> = others.into_iter().map(|(id, _)| id).collect();
        mark(conn, session_id, &ids, false, now)?
    } else {
        0
    };
    Ok((found.len(), marked_absent))
}
