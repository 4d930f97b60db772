//! Removing the demo data (`db::demo`) once the real sessions begin: every row marked
//! `is_demo`, and what hangs from its sessions (registrations, their consents, tokens and mail,
//! panels, documents, translations) through the schema's `ON DELETE CASCADE`. A demo speaker
//! on a real panel, a demo organisation a real registration names, a demo series holding a
//! real session stay: deleting them would change real rows.

use std::path::Path;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::schema::{organisations, outbox, panel_entries, registrations, series, sessions, speakers};
use super::{AnyConnection, privacy, write_tx};

/// What the demo holds (before removal) or what went (after).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoRows {
    pub sessions: i64,
    pub registrations: i64,
    pub speakers: i64,
    pub organisations: i64,
    pub series: i64,
}

impl DemoRows {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

fn demo_sessions(conn: &mut AnyConnection) -> QueryResult<Vec<String>> {
    sessions::table.filter(sessions::is_demo.eq(true)).select(sessions::id).load(conn)
}

/// Demo speakers on no panel but the demo's, demo organisations no other registration names,
/// demo series holding only demo sessions.
fn removable(
    conn: &mut AnyConnection,
    demo: &[String],
) -> QueryResult<(Vec<String>, Vec<String>, Vec<String>)> {
    let real_panels =
        panel_entries::table.filter(panel_entries::session_id.ne_all(demo)).select(panel_entries::speaker_id);
    let speakers: Vec<String> = speakers::table
        .filter(speakers::is_demo.eq(true))
        .filter(speakers::id.ne_all(real_panels))
        .select(speakers::id)
        .load(conn)?;
    let named: Vec<Option<String>> = registrations::table
        .filter(registrations::session_id.ne_all(demo))
        .filter(registrations::organisation_id.is_not_null())
        .select(registrations::organisation_id)
        .distinct()
        .load(conn)?;
    let named: Vec<String> = named.into_iter().flatten().collect();
    let organisations: Vec<String> = organisations::table
        .filter(organisations::is_demo.eq(true))
        .filter(organisations::id.ne_all(&named))
        .select(organisations::id)
        .load(conn)?;
    let holding: Vec<Option<String>> = sessions::table
        .filter(sessions::id.ne_all(demo))
        .filter(sessions::series_id.is_not_null())
        .select(sessions::series_id)
        .distinct()
        .load(conn)?;
    let holding: Vec<String> = holding.into_iter().flatten().collect();
    let series: Vec<String> = series::table
        .filter(series::is_demo.eq(true))
        .filter(series::id.ne_all(&holding))
        .select(series::id)
        .load(conn)?;
    Ok((speakers, organisations, series))
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// What [`remove`] would take away now.
pub fn preview(conn: &mut AnyConnection) -> QueryResult<DemoRows> {
    let demo = demo_sessions(conn)?;
    let registrations: i64 =
        registrations::table.filter(registrations::session_id.eq_any(&demo)).count().get_result(conn)?;
    let (speakers, organisations, series) = removable(conn, &demo)?;
    Ok(DemoRows {
        sessions: count(demo.len()),
        registrations,
        speakers: count(speakers.len()),
        organisations: count(organisations.len()),
        series: count(series.len()),
    })
}

/// Deletes the demo in one transaction, audited, then the stored copies of its mail.
pub fn remove(
    conn: &mut AnyConnection,
    mail_dir: &Path,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<DemoRows> {
    let (removed, copies) = write_tx(conn, |conn| -> QueryResult<(DemoRows, Vec<String>)> {
        let demo = demo_sessions(conn)?;
        let (speakers, organisations, series) = removable(conn, &demo)?;
        let of_demo =
            registrations::table.filter(registrations::session_id.eq_any(&demo)).select(registrations::id);
        let copies: Vec<Option<String>> = outbox::table
            .filter(outbox::registration_id.eq_any(of_demo.nullable()))
            .filter(outbox::eml_file.is_not_null())
            .select(outbox::eml_file)
            .load(conn)?;
        let registrations_gone =
            diesel::delete(registrations::table.filter(registrations::session_id.eq_any(&demo)))
                .execute(conn)?;
        let removed = DemoRows {
            registrations: count(registrations_gone),
            sessions: count(
                diesel::delete(sessions::table.filter(sessions::id.eq_any(&demo))).execute(conn)?,
            ),
            speakers: count(
                diesel::delete(speakers::table.filter(speakers::id.eq_any(&speakers))).execute(conn)?,
            ),
            organisations: count(
                diesel::delete(organisations::table.filter(organisations::id.eq_any(&organisations)))
                    .execute(conn)?,
            ),
            series: count(diesel::delete(series::table.filter(series::id.eq_any(&series))).execute(conn)?),
        };
        if !removed.is_empty() {
            audit::record(
                conn,
                actor,
                "demo.remove",
                "demo data",
                &format!(
                    "sessions={} registrations={} speakers={} organisations={} series={}",
                    removed.sessions,
                    removed.registrations,
                    removed.speakers,
                    removed.organisations,
                    removed.series
                ),
                now,
            )?;
        }
        Ok((removed, copies.into_iter().flatten().collect()))
    })?;
    privacy::remove_mail_copies(mail_dir, &copies);
    Ok(removed)
}
