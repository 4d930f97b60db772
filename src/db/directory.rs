//! Queries for the organiser area's directory: speakers, session panels, organisations, and
//! the merging of organisation names typed by registrants. Every change writes its audit entry
//! in the same transaction.
//!
//! Text matching (the speaker search, the free-text organisation names) is done in Rust, not in
//! SQL: SQLite's `lower()` and `LIKE` fold ASCII letters only, so "Éric" and "éric" would match
//! on PostgreSQL and not on SQLite. These lists are small (hundreds of rows).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::{Organisation, PanelEntry, Speaker, new_id};
use super::schema::{organisations, panel_entries, registrations, sessions, speakers};
use super::{AnyConnection, is_unique_violation, write_tx};
use crate::domain::{OrganisationKind, PanelRole};

/// How text is compared when searching or merging: trimmed, case-insensitive.
pub fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

// ---------------------------------------------------------------------------------------------
// Speakers

/// A speaker's details as validated by the form.
#[derive(Debug, Clone, Default)]
pub struct SpeakerInput {
    pub name: String,
    pub honorific: String,
    pub position: String,
    pub organisation: String,
    pub bio: String,
}

/// A speaker in the directory list, with the number of panels they are on.
#[derive(Debug, Clone)]
pub struct SpeakerRow {
    pub speaker: Speaker,
    pub panels: i64,
}

/// One page of the directory, by name, keeping the speakers whose name or organisation contains
/// `query` (all of them when it is empty); also returns how many matched.
pub fn speakers_page(
    conn: &mut AnyConnection,
    query: &str,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<SpeakerRow>, i64)> {
    let needle = fold(query);
    let all: Vec<Speaker> = speakers::table
        .order((speakers::name.asc(), speakers::id.asc()))
        .select(Speaker::as_select())
        .load(conn)?;
    let matching: Vec<Speaker> = all
        .into_iter()
        .filter(|s| {
            needle.is_empty()
                || s.name.to_lowercase().contains(&needle)
                || s.organisation.to_lowercase().contains(&needle)
        })
        .collect();
    let total = i64::try_from(matching.len()).unwrap_or(i64::MAX);
    let page: Vec<Speaker> = matching
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect();
    let ids: Vec<&str> = page.iter().map(|s| s.id.as_str()).collect();
    let counts: HashMap<String, i64> = panel_entries::table
        .filter(panel_entries::speaker_id.eq_any(&ids))
        .group_by(panel_entries::speaker_id)
        .select((panel_entries::speaker_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let rows = page
        .into_iter()
        .map(|speaker| {
            let panels = counts.get(&speaker.id).copied().unwrap_or(0);
            SpeakerRow { speaker, panels }
        })
        .collect();
    Ok((rows, total))
}

/// Every speaker, by name (for choosing one for a panel).
pub fn all_speakers(conn: &mut AnyConnection) -> QueryResult<Vec<Speaker>> {
    speakers::table.order((speakers::name.asc(), speakers::id.asc())).select(Speaker::as_select()).load(conn)
}

pub fn speaker(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Speaker>> {
    speakers::table.find(id).select(Speaker::as_select()).first(conn).optional()
}

/// A session whose panel a speaker is on.
#[derive(Debug, Clone)]
pub struct SessionRef {
    pub id: String,
    pub slug: String,
    pub title: String,
}

/// The sessions whose panel this speaker is on, soonest first.
pub fn panels_of(conn: &mut AnyConnection, speaker_id: &str) -> QueryResult<Vec<SessionRef>> {
    let rows: Vec<(String, String, String)> = panel_entries::table
        .inner_join(sessions::table)
        .filter(panel_entries::speaker_id.eq(speaker_id))
        .order((sessions::starts_at.asc(), sessions::id.asc()))
        .select((sessions::id, sessions::slug, sessions::title))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, slug, title)| SessionRef { id, slug, title }).collect())
}

/// Adds a speaker to the directory; returns the new id.
pub fn create_speaker(
    conn: &mut AnyConnection,
    input: &SpeakerInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<String> {
    write_tx(conn, |conn| {
        let id = new_id();
        diesel::insert_into(speakers::table)
            .values(&Speaker {
                id: id.clone(),
                name: input.name.clone(),
                honorific: input.honorific.clone(),
                position: input.position.clone(),
                organisation: input.organisation.clone(),
                bio: input.bio.clone(),
                photo_path: None,
                is_demo: false,
                created_at: now,
            })
            .execute(conn)?;
        audit::record(conn, actor, "speaker.create", &input.name, &id, now)?;
        Ok(id)
    })
}

/// Changes a speaker's details; `false` when there is no such speaker.
pub fn update_speaker(
    conn: &mut AnyConnection,
    id: &str,
    input: &SpeakerInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let changed = diesel::update(speakers::table.find(id))
            .set((
                speakers::name.eq(&input.name),
                speakers::honorific.eq(&input.honorific),
                speakers::position.eq(&input.position),
                speakers::organisation.eq(&input.organisation),
                speakers::bio.eq(&input.bio),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Ok(false);
        }
        audit::record(conn, actor, "speaker.update", &input.name, id, now)?;
        Ok(true)
    })
}

#[derive(Debug, Clone)]
pub enum DeleteSpeaker {
    /// Gone; the photo file it had, if any, can be removed.
    Deleted {
        photo_path: Option<String>,
    },
    /// Still on these panels: nothing was deleted.
    OnPanels(Vec<SessionRef>),
    NotFound,
}

/// Deletes a speaker who is on no panel.
pub fn delete_speaker(
    conn: &mut AnyConnection,
    id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<DeleteSpeaker> {
    write_tx(conn, |conn| {
        let Some(speaker) = speaker(conn, id)? else {
            return Ok(DeleteSpeaker::NotFound);
        };
        let panels = panels_of(conn, id)?;
        if !panels.is_empty() {
            return Ok(DeleteSpeaker::OnPanels(panels));
        }
        diesel::delete(speakers::table.find(id)).execute(conn)?;
        audit::record(conn, actor, "speaker.delete", &speaker.name, id, now)?;
        Ok(DeleteSpeaker::Deleted { photo_path: speaker.photo_path })
    })
}

/// Sets (or clears) a speaker's photo. Returns the previous photo path, or `None` when there is
/// no such speaker.
pub fn set_photo(
    conn: &mut AnyConnection,
    id: &str,
    photo_path: Option<&str>,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<Option<String>>> {
    write_tx(conn, |conn| {
        let Some(speaker) = speaker(conn, id)? else {
            return Ok(None);
        };
        diesel::update(speakers::table.find(id)).set(speakers::photo_path.eq(photo_path)).execute(conn)?;
        let (action, details) = match photo_path {
            Some(path) => ("speaker.photo", path),
            None => ("speaker.photo_remove", ""),
        };
        audit::record(conn, actor, action, &speaker.name, details, now)?;
        Ok(Some(speaker.photo_path))
    })
}

/// The stored photo path of a speaker, when there is a speaker with a photo.
pub fn photo_path(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<String>> {
    Ok(speakers::table
        .find(id)
        .select(speakers::photo_path)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

// ---------------------------------------------------------------------------------------------
// Panels

/// One person on a panel, in order.
#[derive(Debug, Clone)]
pub struct PanelRow {
    pub entry: PanelEntry,
    pub speaker: Speaker,
}

/// A session and its panel in order, or `None` when there is no such session.
pub fn panel(conn: &mut AnyConnection, session_id: &str) -> QueryResult<Option<(SessionRef, Vec<PanelRow>)>> {
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

fn session_ref(conn: &mut AnyConnection, session_id: &str) -> QueryResult<Option<SessionRef>> {
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
    session_id: &str,
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
fn entries_in_order(conn: &mut AnyConnection, session_id: &str) -> QueryResult<Vec<(PanelEntry, String)>> {
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
    session_id: &str,
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
    session_id: &str,
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
    session_id: &str,
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
    session_id: &str,
    entry_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<PanelChange> {
    write_tx(conn, |conn| {
        let Some((session, entry, name)) = panel_entry(conn, session_id, entry_id)? else {
            return Ok(PanelChange::NotFound);
        };
        diesel::delete(panel_entries::table.find(&entry.id)).execute(conn)?;
        audit::record(conn, actor, "panel.remove", &session.title, &name, now)?;
        Ok(PanelChange::Done)
    })
}

// ---------------------------------------------------------------------------------------------
// Organisations

/// An organisation with the number of registrations that chose it.
#[derive(Debug, Clone)]
pub struct OrganisationRow {
    pub organisation: Organisation,
    pub registrations: i64,
}

/// Member governments first, then partners, each by name, with their registration counts.
pub fn organisations(conn: &mut AnyConnection) -> QueryResult<Vec<OrganisationRow>> {
    let list: Vec<Organisation> = organisations::table
        .order((organisations::kind.asc(), organisations::name.asc(), organisations::id.asc()))
        .select(Organisation::as_select())
        .load(conn)?;
    let counts: HashMap<Option<String>, i64> = registrations::table
        .filter(registrations::organisation_id.is_not_null())
        .group_by(registrations::organisation_id)
        .select((registrations::organisation_id, diesel::dsl::count_star()))
        .load::<(Option<String>, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(list
        .into_iter()
        .map(|organisation| {
            let registrations = counts.get(&Some(organisation.id.clone())).copied().unwrap_or(0);
            OrganisationRow { organisation, registrations }
        })
        .collect())
}

pub fn organisation(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Organisation>> {
    organisations::table.find(id).select(Organisation::as_select()).first(conn).optional()
}

/// An organisation as validated by the form.
#[derive(Debug, Clone)]
pub struct OrganisationInput {
    pub name: String,
    pub kind: OrganisationKind,
    pub country: String,
    pub focal_email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOrganisation {
    Saved(String),
    /// Another organisation has this name (compared case-insensitively).
    NameTaken,
    NotFound,
}

/// Whether an organisation other than `except` has this name, whatever the letter case.
fn name_taken(conn: &mut AnyConnection, name: &str, except: Option<&str>) -> QueryResult<bool> {
    let wanted = fold(name);
    let names: Vec<(String, String)> =
        organisations::table.select((organisations::id, organisations::name)).load(conn)?;
    Ok(names.iter().any(|(id, n)| Some(id.as_str()) != except && fold(n) == wanted))
}

pub fn create_organisation(
    conn: &mut AnyConnection,
    input: &OrganisationInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<SaveOrganisation> {
    let result = write_tx(conn, |conn| {
        if name_taken(conn, &input.name, None)? {
            return Ok(SaveOrganisation::NameTaken);
        }
        let id = new_id();
        diesel::insert_into(organisations::table)
            .values(&Organisation {
                id: id.clone(),
                name: input.name.clone(),
                kind: input.kind,
                country: input.country.clone(),
                focal_email: input.focal_email.clone(),
                is_demo: false,
                created_at: now,
            })
            .execute(conn)?;
        let details = format!("{} ({})", input.kind, input.country);
        audit::record(conn, actor, "organisation.create", &input.name, &details, now)?;
        Ok(SaveOrganisation::Saved(id))
    });
    match result {
        Err(e) if is_unique_violation(&e) => Ok(SaveOrganisation::NameTaken),
        other => other,
    }
}

pub fn update_organisation(
    conn: &mut AnyConnection,
    id: &str,
    input: &OrganisationInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<SaveOrganisation> {
    let result = write_tx(conn, |conn| {
        let Some(before) = organisation(conn, id)? else {
            return Ok(SaveOrganisation::NotFound);
        };
        if name_taken(conn, &input.name, Some(id))? {
            return Ok(SaveOrganisation::NameTaken);
        }
        diesel::update(organisations::table.find(id))
            .set((
                organisations::name.eq(&input.name),
                organisations::kind.eq(input.kind),
                organisations::country.eq(&input.country),
                organisations::focal_email.eq(&input.focal_email),
            ))
            .execute(conn)?;
        let details = if before.name == input.name {
            format!("{} ({})", input.kind, input.country)
        } else {
            format!("was \"{}\"; {} ({})", before.name, input.kind, input.country)
        };
        audit::record(conn, actor, "organisation.update", &input.name, &details, now)?;
        Ok(SaveOrganisation::Saved(id.to_owned()))
    });
    match result {
        Err(e) if is_unique_violation(&e) => Ok(SaveOrganisation::NameTaken),
        other => other,
    }
}

/// An organisation name typed by registrants, with how many registrations carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeText {
    /// The most frequent spelling (the first by sort order on a tie).
    pub text: String,
    pub count: i64,
}

/// The organisation names registrants typed, grouped trimmed and case-insensitively, most
/// frequent first.
pub fn free_text_organisations(conn: &mut AnyConnection) -> QueryResult<Vec<FreeText>> {
    let spellings: Vec<(Option<String>, i64)> = registrations::table
        .filter(registrations::organisation_other.is_not_null())
        .group_by(registrations::organisation_other)
        .select((registrations::organisation_other, diesel::dsl::count_star()))
        .order(registrations::organisation_other.asc())
        .load(conn)?;
    // key -> (total, best spelling, its count)
    let mut groups: HashMap<String, (i64, String, i64)> = HashMap::new();
    for (text, count) in spellings {
        let Some(text) = text else { continue };
        let key = fold(&text);
        if key.is_empty() {
            continue;
        }
        let spelling = text.trim().to_owned();
        let group = groups.entry(key).or_insert_with(|| (0, spelling.clone(), count));
        group.0 += count;
        if count > group.2 {
            group.1 = spelling;
            group.2 = count;
        }
    }
    let mut list: Vec<FreeText> =
        groups.into_values().map(|(count, text, _)| FreeText { text, count }).collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| fold(&a.text).cmp(&fold(&b.text))));
    Ok(list)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeOutcome {
    /// This many registrations now point at the organisation.
    Merged {
        count: usize,
        organisation: String,
    },
    NothingToMerge,
    UnknownOrganisation,
}

/// Points every registration whose typed organisation is `text` (trimmed, case-insensitive) at
/// an organisation of the list, and clears the typed text.
pub fn merge_free_text(
    conn: &mut AnyConnection,
    text: &str,
    organisation_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<MergeOutcome> {
    let key = fold(text);
    write_tx(conn, |conn| {
        let Some(target) = organisation(conn, organisation_id)? else {
            return Ok(MergeOutcome::UnknownOrganisation);
        };
        let candidates: Vec<(String, Option<String>)> = registrations::table
            .filter(registrations::organisation_other.is_not_null())
            .select((registrations::id, registrations::organisation_other))
            .load(conn)?;
        let ids: Vec<String> = candidates
            .into_iter()
            .filter(|(_, other)| !key.is_empty() && other.as_deref().is_some_and(|o| fold(o) == key))
            .map(|(id, _)| id)
            .collect();
        if ids.is_empty() {
            return Ok(MergeOutcome::NothingToMerge);
        }
        // Chunks keep each statement well under SQLite's limit on bound parameters.
        for chunk in ids.chunks(500) {
            diesel::update(registrations::table.filter(registrations::id.eq_any(chunk)))
                .set((
                    registrations::organisation_id.eq(Some(&target.id)),
                    registrations::organisation_other.eq(None::<String>),
                    registrations::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        let details = format!("\"{}\": {} registrations", text.trim(), ids.len());
        audit::record(conn, actor, "organisation.merge", &target.name, &details, now)?;
        Ok(MergeOutcome::Merged { count: ids.len(), organisation: target.name })
    })
}
