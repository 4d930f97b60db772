//! Sessions in the organiser area: the list, create, edit, publish, duplicate, documents and
//! series. What registrants must hear of a change is in `session_changes`.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::{PanelEntry, Series, Session, SessionDocument, SessionTranslation, new_id};
use super::schema::{
    panel_entries, registrations, series, session_documents, session_translations, sessions,
};
use super::{AnyConnection, seats, session_changes, write_tx};
use crate::domain::WebhookEvent;
use crate::domain::session::{SessionInput, TranslationInput};
use crate::domain::{RegistrationStatus, SessionId, SessionStatus};

/// A session in the organiser's list, with its registrations counted by status.
#[derive(Debug, Clone)]
pub struct SessionOverview {
    pub session: Session,
    pub series_title: Option<String>,
    pub counts: HashMap<RegistrationStatus, i64>,
}

/// Every session, newest first, with counts: two queries whatever the number of sessions.
pub fn overview(conn: &mut AnyConnection) -> QueryResult<Vec<SessionOverview>> {
    let rows: Vec<(Session, Option<String>)> = sessions::table
        .left_join(series::table)
        .order(sessions::starts_at.desc())
        .select((Session::as_select(), series::title.nullable()))
        .load(conn)?;
    let counts: Vec<(SessionId, RegistrationStatus, i64)> = registrations::table
        .group_by((registrations::session_id, registrations::status))
        .select((registrations::session_id, registrations::status, diesel::dsl::count_star()))
        .load(conn)?;
    let mut by_session: HashMap<SessionId, HashMap<RegistrationStatus, i64>> = HashMap::new();
    for (session_id, status, n) in counts {
        by_session.entry(session_id).or_default().insert(status, n);
    }
    Ok(rows
        .into_iter()
        .map(|(session, series_title)| {
            let counts = by_session.remove(&session.id).unwrap_or_default();
            SessionOverview { session, series_title, counts }
        })
        .collect())
}

/// Where a session stands in the organiser's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ListGroup {
    /// Not yet over (published or cancelled): the next one first.
    Upcoming,
    /// Not published yet, whatever its date: the earliest first.
    Draft,
    /// Over: the most recent first.
    Past,
}

impl ListGroup {
    pub fn of(session: &Session, now: NaiveDateTime) -> Self {
        if session.is_draft() {
            Self::Draft
        } else if session.ends_at() > now {
            Self::Upcoming
        } else {
            Self::Past
        }
    }
}

/// Every session in the organiser's list order: upcoming ones by date (the next first), then
/// drafts by date, then past ones (the most recent first).
pub fn in_list_order(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Vec<SessionOverview>> {
    let mut rows = overview(conn)?;
    rows.sort_by(|a, b| {
        let (ga, gb) = (ListGroup::of(&a.session, now), ListGroup::of(&b.session, now));
        let by_date = match ga {
            ListGroup::Past => b.session.starts_at.cmp(&a.session.starts_at),
            _ => a.session.starts_at.cmp(&b.session.starts_at),
        };
        ga.cmp(&gb).then(by_date).then_with(|| a.session.title.cmp(&b.session.title))
    });
    Ok(rows)
}

/// A URL-safe slug from the title, made unique with "-2", "-3"…
fn unique_slug(conn: &mut AnyConnection, title: &str, starts_at: NaiveDateTime) -> QueryResult<String> {
    let mut base = slug::slugify(title);
    base.truncate(80);
    let base = base.trim_end_matches('-').to_owned();
    let base = if base.is_empty() { format!("session-{}", starts_at.format("%Y-%m-%d")) } else { base };
    let mut candidate = base.clone();
    for n in 2.. {
        let taken: bool =
            diesel::select(diesel::dsl::exists(sessions::table.filter(sessions::slug.eq(&candidate))))
                .get_result(conn)?;
        if !taken {
            break;
        }
        candidate = format!("{base}-{n}");
    }
    Ok(candidate)
}

fn series_exists(conn: &mut AnyConnection, id: &Option<String>) -> QueryResult<bool> {
    match id {
        None => Ok(true),
        Some(id) => diesel::select(diesel::dsl::exists(series::table.find(id))).get_result(conn),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved(SessionId),
    UnknownSeries,
    NotFound,
}

/// Creates a draft session.
pub fn create(
    conn: &mut AnyConnection,
    input: &SessionInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<SaveOutcome> {
    write_tx(conn, |conn| {
        if !series_exists(conn, &input.series_id)? {
            return Ok(SaveOutcome::UnknownSeries);
        }
        let id = SessionId::new();
        let slug = unique_slug(conn, &input.title, input.starts_at)?;
        diesel::insert_into(sessions::table)
            .values(&Session {
                id: id.clone(),
                series_id: input.series_id.clone(),
                slug: slug.clone(),
                title: input.title.clone(),
                summary: input.summary.clone(),
                description: input.description.clone(),
                language: input.language.code().into(),
                starts_at: input.starts_at,
                timezone: input.timezone.clone(),
                duration_minutes: input.duration_minutes,
                capacity: input.capacity,
                registration_opens_at: input.registration_opens_at,
                registration_closes_at: input.registration_closes_at,
                status: SessionStatus::Draft,
                join_url: input.join_url.clone(),
                recording_url: input.recording_url.clone(),
                version: 1,
                is_demo: false,
                created_at: now,
                updated_at: now,
                reminder_offsets: input.reminder_offsets.clone(),
                follow_up_delay_minutes: input.follow_up_delay_minutes,
                approval_mode: input.approval_mode,
            })
            .execute(conn)?;
        save_translations(conn, &id, &input.translations)?;
        // qforms: a new session of a series starts with a copy of the series' questions.
        if let Some(series_id) = &input.series_id {
            super::questions::copy_series_default(conn, series_id, id.as_str())?;
        }
        audit::record(conn, actor, "session.create", &input.title, &slug, now)?;
        Ok(SaveOutcome::Saved(id))
    })
}

/// Replaces a session's texts in other languages with the ones given.
fn save_translations(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    translations: &[TranslationInput],
) -> QueryResult<()> {
    diesel::delete(session_translations::table.filter(session_translations::session_id.eq(session_id)))
        .execute(conn)?;
    for t in translations {
        diesel::insert_into(session_translations::table)
            .values(&SessionTranslation {
                session_id: session_id.clone(),
                language: t.language.code().into(),
                title: t.title.clone(),
                summary: t.summary.clone(),
                description: t.description.clone(),
            })
            .execute(conn)?;
    }
    Ok(())
}

/// The title a registrant reading `language` sees (as `catalogue::localize` gives it).
fn title_in<'a>(
    language: &str,
    own_language: &str,
    title: &'a str,
    translations: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> &'a str {
    if language == own_language {
        return title;
    }
    translations.into_iter().find(|(l, _)| *l == language).map_or(title, |(_, t)| t)
}

/// The languages of the session's seat holders whose calendar title differs between `before`
/// (with its stored translations) and the edit `input`.
fn languages_with_new_title(
    conn: &mut AnyConnection,
    before: &Session,
    input: &SessionInput,
) -> QueryResult<Vec<String>> {
    let old_translations = super::catalogue::translations(conn, &before.id)?;
    let languages: Vec<String> = registrations::table
        .filter(registrations::session_id.eq(&before.id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .select(registrations::language)
        .distinct()
        .load(conn)?;
    Ok(languages
        .into_iter()
        .filter(|language| {
            let old = title_in(
                language,
                &before.language,
                &before.title,
                old_translations.iter().map(|t| (t.language.as_str(), t.title.as_str())),
            );
            let new = title_in(
                language,
                input.language.code(),
                &input.title,
                input.translations.iter().map(|t| (t.language.code(), t.title.as_str())),
            );
            old != new
        })
        .collect())
}

/// Saves an edited session. Registrants hear about what concerns them, in the same
/// transaction: a new time (update with a replacing calendar entry, reminders rescheduled),
/// a new join link or a new title in their language (seat holders: an update with the
/// replacing entry; reminders stay as they are), and new seats (the waiting list moves up).
/// Nothing the calendar entry does not show (capacity, description, summary) sends an update.
pub fn update(
    conn: &mut AnyConnection,
    id: &SessionId,
    input: &SessionInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<SaveOutcome> {
    write_tx(conn, |conn| {
        seats::lock(conn, id)?;
        let Some(before) = sessions::table.find(id).select(Session::as_select()).first(conn).optional()?
        else {
            return Ok(SaveOutcome::NotFound);
        };
        if !series_exists(conn, &input.series_id)? {
            return Ok(SaveOutcome::UnknownSeries);
        }
        let moved = before.starts_at != input.starts_at || before.duration_minutes != input.duration_minutes;
        let version = if moved { before.version + 1 } else { before.version };
        // join: mail and calendar entries carry the personal join link, which stays the same
        // when the platform's address changes: that change alone tells nobody.
        let new_join = before.join_url != input.join_url;
        let new_titles = if moved || before.status != SessionStatus::Published {
            Vec::new()
        } else {
            languages_with_new_title(conn, &before, input)?
        };
        diesel::update(sessions::table.find(id))
            .set((
                sessions::series_id.eq(&input.series_id),
                sessions::title.eq(&input.title),
                sessions::summary.eq(&input.summary),
                sessions::description.eq(&input.description),
                sessions::language.eq(input.language.code()),
                sessions::starts_at.eq(input.starts_at),
                sessions::timezone.eq(&input.timezone),
                sessions::duration_minutes.eq(input.duration_minutes),
                sessions::capacity.eq(input.capacity),
                sessions::registration_opens_at.eq(input.registration_opens_at),
                sessions::registration_closes_at.eq(input.registration_closes_at),
                sessions::approval_mode.eq(input.approval_mode),
                sessions::reminder_offsets.eq(&input.reminder_offsets),
                sessions::follow_up_delay_minutes.eq(input.follow_up_delay_minutes),
                sessions::join_url.eq(&input.join_url),
                sessions::recording_url.eq(&input.recording_url),
                sessions::version.eq(version),
                sessions::updated_at.eq(now),
            ))
            .execute(conn)?;
        save_translations(conn, id, &input.translations)?;
        let mut details = Vec::new();
        if before.status == SessionStatus::Published {
            super::webhooks::raise(conn, (WebhookEvent::SessionChanged, id), now)?;
            if moved {
                let told = session_changes::tell_moved(conn, id, version, now)?;
                details.push(format!("moved; {told} registrants told"));
            } else if !new_titles.is_empty() {
                let told = session_changes::tell_changed(conn, id, version, Some(&new_titles), now)?;
                details.push(format!("new title; {told} registrants told"));
            }
            if new_join {
                details.push("new platform address; personal join links unchanged, nobody told".to_owned());
            }
        }
        if input.capacity > before.capacity {
            let promoted = seats::promote_waitlisted(conn, id, now)?;
            details.push(format!("capacity {} -> {}; {promoted} promoted", before.capacity, input.capacity));
        }
        audit::record(conn, actor, "session.update", &input.title, &details.join("; "), now)?;
        Ok(SaveOutcome::Saved(id.clone()))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Publish,
    Unpublish,
    Cancel,
}

/// Publishes, unpublishes (back to draft) or cancels (with notices to registrants).
pub fn change_status(
    conn: &mut AnyConnection,
    id: &SessionId,
    change: StatusChange,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<usize>> {
    write_tx(conn, |conn| {
        let Some(session) = sessions::table.find(id).select(Session::as_select()).first(conn).optional()?
        else {
            return Ok(None);
        };
        if change == StatusChange::Cancel {
            let told = session_changes::cancel_in_tx(conn, id, now)?;
            audit::record(
                conn,
                actor,
                "session.cancel",
                &session.title,
                &format!("{told} registrants told"),
                now,
            )?;
            return Ok(Some(told));
        }
        let (to, action) = match change {
            StatusChange::Publish => (SessionStatus::Published, "session.publish"),
            _ => (SessionStatus::Draft, "session.unpublish"),
        };
        if session.status == SessionStatus::Cancelled {
            return Ok(Some(0));
        }
        diesel::update(sessions::table.find(id))
            .set((sessions::status.eq(to), sessions::updated_at.eq(now)))
            .execute(conn)?;
        if to == SessionStatus::Published && session.status != to {
            super::webhooks::raise(conn, (WebhookEvent::SessionPublished, id), now)?;
        }
        audit::record(conn, actor, action, &session.title, "", now)?;
        Ok(Some(0))
    })
}

/// Copies a session (e.g. the French session from the English one) as a draft, with its panel,
/// documents, questions still asked and interpretation channels, but none of its registrations
/// or answers.
pub fn duplicate(
    conn: &mut AnyConnection,
    id: &SessionId,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<SessionId>> {
    write_tx(conn, |conn| {
        let Some(original) = sessions::table.find(id).select(Session::as_select()).first(conn).optional()?
        else {
            return Ok(None);
        };
        let new_session_id = SessionId::new();
        let title = format!("{} (copy)", original.title);
        let slug = unique_slug(conn, &title, original.starts_at)?;
        diesel::insert_into(sessions::table)
            .values(&Session {
                id: new_session_id.clone(),
                slug,
                title: title.clone(),
                status: SessionStatus::Draft,
                version: 1,
                is_demo: false,
                created_at: now,
                updated_at: now,
                recording_url: None,
                ..original.clone()
            })
            .execute(conn)?;
        let panel: Vec<PanelEntry> = panel_entries::table
            .filter(panel_entries::session_id.eq(id))
            .select(PanelEntry::as_select())
            .load(conn)?;
        for entry in panel {
            diesel::insert_into(panel_entries::table)
                .values(&PanelEntry { id: new_id(), session_id: new_session_id.clone(), ..entry })
                .execute(conn)?;
        }
        let documents: Vec<SessionDocument> = session_documents::table
            .filter(session_documents::session_id.eq(id))
            .select(SessionDocument::as_select())
            .load(conn)?;
        for document in documents {
            diesel::insert_into(session_documents::table)
                .values(&SessionDocument { id: new_id(), session_id: new_session_id.clone(), ..document })
                .execute(conn)?;
        }
        for translation in super::catalogue::translations(conn, id)? {
            diesel::insert_into(session_translations::table)
                .values(&SessionTranslation { session_id: new_session_id.clone(), ..translation })
                .execute(conn)?;
        }
        // The copy asks what the original still asks and offers the same languages, as a new
        // session of a series starts with the series' questions; no answer is copied.
        super::questions::copy_asked(
            conn,
            &super::questions::Owner::Session(id.as_str().to_owned()),
            new_session_id.as_str(),
        )?;
        super::interpretation::copy_booked(conn, id, &new_session_id)?;
        audit::record(conn, actor, "session.duplicate", &original.title, &title, now)?;
        Ok(Some(new_session_id))
    })
}

pub fn add_document(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    title: &str,
    url: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let exists: bool =
            diesel::select(diesel::dsl::exists(sessions::table.find(session_id))).get_result(conn)?;
        if !exists {
            return Ok(false);
        }
        let last: Option<i32> = session_documents::table
            .filter(session_documents::session_id.eq(session_id))
            .select(diesel::dsl::max(session_documents::position))
            .first(conn)?;
        diesel::insert_into(session_documents::table)
            .values(&SessionDocument {
                id: new_id(),
                session_id: session_id.to_owned(),
                title: title.to_owned(),
                url: url.to_owned(),
                position: last.unwrap_or(0) + 1,
            })
            .execute(conn)?;
        audit::record(conn, actor, "document.add", title, url, now)?;
        Ok(true)
    })
}

pub fn remove_document(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    document_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let title: Option<String> = session_documents::table
            .filter(session_documents::id.eq(document_id))
            .filter(session_documents::session_id.eq(session_id))
            .select(session_documents::title)
            .first(conn)
            .optional()?;
        let Some(title) = title else { return Ok(false) };
        diesel::delete(session_documents::table.find(document_id)).execute(conn)?;
        audit::record(conn, actor, "document.remove", &title, "", now)?;
        Ok(true)
    })
}

pub fn all_series(conn: &mut AnyConnection) -> QueryResult<Vec<Series>> {
    series::table.order(series::title.asc()).select(Series::as_select()).load(conn)
}
