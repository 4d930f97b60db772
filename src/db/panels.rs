//! Queries for the panel of each session: who is on it, in which order and role. Every change
//! writes its audit entry in the same transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::{PanelEntry, Speaker, new_id};
use super::schema::{panel_entries, sessions, speakers};
use super::speakers::{SessionRef, speaker};
use super::{AnyConnection, is_unique_violation, write_tx};
use crate::domain::{PanelRole, SessionId};

/// One person on a panel, in order.
#[derive(Debug, Clone)]
pub struct PanelRow {
    pub entry: PanelEntry,
    pub speaker: Speaker,
}

/// A session and its panel in order, or `None` when there is no such session.
pub fn panel(
    conn: &mut AnyConnection,
    session_id: &SessionId,
) -> QueryResult<Option<(SessionRef, Vec<PanelRow>)>> {
    let Some(session) = session_ref(conn, session_id)? else {
        return Ok(None);
    };
    let rows = panel_entries::table
        .inner_join(speakers::table)
        .filter(panel_entries::session_id.eq(session_id))
        .order((panel_entries::position.asc(), panel_entries::id.asc()))
        .select((PanelEntry::as_select(), Speaker::as_select()))
        .load::<(PanelEntry, Speaker)>(conn)?
        .into_iter()
        .map(|(entry, speaker)| PanelRow { entry, speaker })
        .collect();
    Ok(Some((session, rows)))
}

fn session_ref(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<Option<SessionRef>> {
    let row: Option<(String, String, String)> = sessions::table
        .find(session_id)
        .select((sessions::id, sessions::slug, sessions::title))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, slug, title)| SessionRef { id, slug, title }))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelChange {
    Done,
    /// The speaker is on this panel already (the unique index on session and speaker).
    AlreadyOnPanel,
    UnknownSpeaker,
    /// No such session, or no such entry on its panel.
    NotFound,
}

/// Adds a speaker at the end of a session's panel.
pub fn add_to_panel(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    speaker_id: &str,
    role: PanelRole,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<PanelChange> {
    let result = write_tx(conn, |conn| {
        let Some(session) = session_ref(conn, session_id)? else {
            return Ok(PanelChange::NotFound);
        };
        let Some(speaker) = speaker(conn, speaker_id)? else {
            return Ok(PanelChange::UnknownSpeaker);
        };
        let last: Option<i32> = panel_entries::table
            .filter(panel_entries::session_id.eq(session_id))
            .select(diesel::dsl::max(panel_entries::position))
            .first(conn)?;
        diesel::insert_into(panel_entries::table)
            .values(&PanelEntry {
                id: new_id(),
                session_id: session_id.to_owned(),
                speaker_id: speaker_id.to_owned(),
                role,
                position: last.map_or(0, |p| p + 1),
            })
            .execute(conn)?;
        audit::record(conn, actor, "panel.add", &session.title, &format!("{} ({role})", speaker.name), now)?;
        Ok(PanelChange::Done)
    });
    match result {
        // The insert failed on the unique index: the transaction is rolled back, nothing changed.
        Err(e) if is_unique_violation(&e) => Ok(PanelChange::AlreadyOnPanel),
        other => other,
    }
}

/// The entries of a panel in order, with the speaker's name, for changing them.
fn entries_in_order(
    conn: &mut AnyConnection,
    session_id: &SessionId,
) -> QueryResult<Vec<(PanelEntry, String)>> {
    panel_entries::table
        .inner_join(speakers::table)
        .filter(panel_entries::session_id.eq(session_id))
        .order((panel_entries::position.asc(), panel_entries::id.asc()))
        .select((PanelEntry::as_select(), speakers::name))
        .load(conn)
}

/// Moves an entry one place up (towards the start) or down. The panel is renumbered 0, 1, 2…
/// with the two neighbours swapped, so that entries sharing a position (older data) move too.
pub fn move_entry(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    entry_id: &str,
    up: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<PanelChange> {
    write_tx(conn, |conn| {
        let Some(session) = session_ref(conn, session_id)? else {
            return Ok(PanelChange::NotFound);
        };
        let mut entries = entries_in_order(conn, session_id)?;
        let Some(index) = entries.iter().position(|(e, _)| e.id == entry_id) else {
            return Ok(PanelChange::NotFound);
        };
        let other = if up { index.checked_sub(1) } else { Some(index + 1).filter(|i| *i < entries.len()) };
        let Some(other) = other else {
            return Ok(PanelChange::Done);
        };
        entries.swap(index, other);
        for (place, (entry, _)) in entries.iter().enumerate() {
            let place = i32::try_from(place).unwrap_or(i32::MAX);
            if entry.position != place {
                diesel::update(panel_entries::table.find(&entry.id))
                    .set(panel_entries::position.eq(place))
                    .execute(conn)?;
            }
        }
        let name = &entries[other].1;
        let details = format!("{name} {}", if up { "up" } else { "down" });
        audit::record(conn, actor, "panel.move", &session.title, &details, now)?;
        Ok(PanelChange::Done)
    })
}

/// One entry of a session's panel, with its session and speaker's name.
fn panel_entry(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    entry_id: &str,
) -> QueryResult<Option<(SessionRef, PanelEntry, String)>> {
    let Some(session) = session_ref(conn, session_id)? else {
        return Ok(None);
    };
    let found = entries_in_order(conn, session_id)?.into_iter().find(|(e, _)| e.id == entry_id);
    Ok(found.map(|(entry, name)| (session, entry, name)))
}

/// Changes the role of one entry of a panel.
pub fn set_panel_role(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    entry_id: &str,
    role: PanelRole,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<PanelChange> {
    write_tx(conn, |conn| {
        let Some((session, entry, name)) = panel_entry(conn, session_id, entry_id)? else {
            return Ok(PanelChange::NotFound);
        };
        diesel::update(panel_entries::table.find(&entry.id))
            .set(panel_entries::role.eq(role))
            .execute(conn)?;
        audit::record(conn, actor, "panel.role", &session.title, &format!("{name} ({role})"), now)?;
        Ok(PanelChange::Done)
    })
}

/// Takes one entry off a panel (the speaker stays in the directory).
pub fn remove_from_panel(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    entry_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<PanelChange> {
    write_tx(conn, |conn| {
        let Some((session, entry, name)) = panel_entry(conn, session_id, entry_id)? else {
            return Ok(PanelChange::NotFound);
        };
        diesel::delete(panel_entries::table.find(&entry.id)).execute(conn)?;
        // speakers: an invited speaker's calendar entry is cancelled.
        super::speaker_invitations::tell_removed(conn, session_id, &entry.speaker_id, now)?;
        audit::record(conn, actor, "panel.remove", &session.title, &name, now)?;
        Ok(PanelChange::Done)
    })
}
