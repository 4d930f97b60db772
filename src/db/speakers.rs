//! Queries for the speaker directory: the list and its search, each speaker, their photo path,
//! and the sessions whose panel they are on. Every change writes its audit entry in the same
//! transaction.
//!
//! The search is done in Rust, not in SQL: SQLite's `lower()` and `LIKE` fold ASCII letters
//! only, so "Éric" and "éric" would match on PostgreSQL and not on SQLite. The directory is
//! small (hundreds of rows).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::{Speaker, new_id};
use super::organisations::fold;
use super::schema::{panel_entries, sessions, speakers};
use super::{AnyConnection, write_tx};

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
