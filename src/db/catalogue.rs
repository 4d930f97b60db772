//! Read queries behind the public pages. Each page loads in a fixed number of queries.

use std::collections::HashMap;

use diesel::prelude::*;

use super::AnyConnection;
use super::models::{
    Organisation, PanelEntry, Series, SeriesTranslation, Session, SessionDocument, SessionTranslation,
    Speaker,
};
use super::schema::{
    content_version, organisations, panel_entries, registrations, series, series_translations,
    session_documents, session_translations, sessions, speakers,
};
use crate::domain::{RegistrationStatus, SessionId, SessionStatus};

/// The version of what public pages show, raised by triggers on every write that changes
/// them (see the page cache). One primary-key read.
pub fn content_version(conn: &mut AnyConnection) -> QueryResult<i64> {
    content_version::table.find(1).select(content_version::version).first(conn)
}

/// A session with what the catalogue shows next to it.
#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    pub session: Session,
    pub series: Option<Series>,
    pub confirmed: i64,
    /// The session's texts in the visitor's language, when given.
    pub translation: Option<SessionTranslation>,
    /// The series' texts in the visitor's language, when given.
    pub series_translation: Option<SeriesTranslation>,
}

/// Published and cancelled sessions (drafts stay private), oldest first, with seat counts and
/// their texts (and their series') in `language`. Three queries, whatever the number of sessions.
pub fn catalogue(conn: &mut AnyConnection, language: &str) -> QueryResult<Vec<CatalogueEntry>> {
    // The series' translation comes with its row: a join on the series and the language.
    let mut rows: Vec<(Session, Option<Series>, Option<SeriesTranslation>)> = sessions::table
        .left_join(
            series::table.left_join(
                series_translations::table.on(series_translations::series_id
                    .eq(series::id)
                    .and(series_translations::language.eq(language.to_owned()))),
            ),
        )
        .filter(sessions::status.ne(SessionStatus::Draft))
        .order((sessions::starts_at.asc(), sessions::id.asc()))
        .select((
            Session::as_select(),
            Option::<Series>::as_select(),
            Option::<SeriesTranslation>::as_select(),
        ))
        .load(conn)?;
    // speakers: no "recording available" for a recording the panel has not all consented to.
    super::speaker_consent::withhold_recordings(conn, rows.iter_mut().map(|(s, _, _)| s))?;
    let counts = confirmed_counts(conn)?;
    let mut translations = translations_into(conn, language)?;
    Ok(rows
        .into_iter()
        .map(|(session, series, series_translation)| {
            let confirmed = counts.get(session.id.as_str()).copied().unwrap_or(0);
            let translation = translations.remove(session.id.as_str());
            CatalogueEntry { session, series, confirmed, translation, series_translation }
        })
        .collect())
}

pub fn confirmed_counts(conn: &mut AnyConnection) -> QueryResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = registrations::table
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .group_by(registrations::session_id)
        .select((registrations::session_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn confirmed_count(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<i64> {
    registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .count()
        .get_result(conn)
}

/// Everything the public session page shows.
#[derive(Debug, Clone)]
pub struct SessionDetail {
    pub session: Session,
    pub series: Option<Series>,
    pub panel: Vec<(PanelEntry, Speaker)>,
    pub documents: Vec<SessionDocument>,
    pub confirmed: i64,
    /// The session's texts in the visitor's language, when given.
    pub translation: Option<SessionTranslation>,
    /// The series' texts in the visitor's language, when given.
    pub series_translation: Option<SeriesTranslation>,
}

/// A public (non-draft) session by slug, with its texts (and its series') in `language`. Five
/// queries.
pub fn session_by_slug(
    conn: &mut AnyConnection,
    slug: &str,
    language: &str,
) -> QueryResult<Option<SessionDetail>> {
    let found: Option<(Session, Option<Series>, Option<SeriesTranslation>)> = sessions::table
        .left_join(
            series::table.left_join(
                series_translations::table.on(series_translations::series_id
                    .eq(series::id)
                    .and(series_translations::language.eq(language.to_owned()))),
            ),
        )
        .filter(sessions::slug.eq(slug))
        .filter(sessions::status.ne(SessionStatus::Draft))
        .select((
            Session::as_select(),
            Option::<Series>::as_select(),
            Option::<SeriesTranslation>::as_select(),
        ))
        .first(conn)
        .optional()?;
    let Some((mut session, series, series_translation)) = found else {
        return Ok(None);
    };
    // speakers: the recording is shown once every panel speaker consented to its publication.
    super::speaker_consent::withhold_recordings(conn, [&mut session])?;
    let panel = panel_entries::table
        .inner_join(speakers::table)
        .filter(panel_entries::session_id.eq(&session.id))
        .order((panel_entries::position.asc(), panel_entries::id.asc()))
        .select((PanelEntry::as_select(), Speaker::as_select()))
        .load(conn)?;
    let documents = documents(conn, &session.id)?;
    let confirmed = confirmed_count(conn, &session.id)?;
    let translation =
        if language == session.language { None } else { translation(conn, &session.id, language)? };
    Ok(Some(SessionDetail { session, series, panel, documents, confirmed, translation, series_translation }))
}

/// A participant who agreed to be listed on the session's page.
#[derive(Debug, Clone)]
pub struct ListedParticipant {
    pub name: String,
    pub organisation: String,
}

/// Confirmed registrants of a session who chose to be listed, by name. One query.
pub fn listed_participants(
    conn: &mut AnyConnection,
    session_id: &SessionId,
) -> QueryResult<Vec<ListedParticipant>> {
    let rows: Vec<(String, Option<String>, Option<String>)> = registrations::table
        .left_join(organisations::table)
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .filter(registrations::listed.eq(true))
        .order((registrations::name.asc(), registrations::id.asc()))
        .select((registrations::name, organisations::name.nullable(), registrations::organisation_other))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(name, listed, other)| ListedParticipant {
            name,
            organisation: listed.or(other).unwrap_or_default(),
        })
        .collect())
}

/// A session's texts in every other language it has been given.
pub fn translations(
    conn: &mut AnyConnection,
    session_id: &SessionId,
) -> QueryResult<Vec<SessionTranslation>> {
    session_translations::table
        .filter(session_translations::session_id.eq(session_id))
        .order(session_translations::language.asc())
        .select(SessionTranslation::as_select())
        .load(conn)
}

/// A session's texts in one language, if it has been given them.
pub fn translation(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    language: &str,
) -> QueryResult<Option<SessionTranslation>> {
    session_translations::table
        .find((session_id, language))
        .select(SessionTranslation::as_select())
        .first(conn)
        .optional()
}

/// Puts a session's texts in `language` in place of its own where they were given (for
/// emails and calendar entries in the registrant's language).
pub fn localize(conn: &mut AnyConnection, session: &mut Session, language: &str) -> QueryResult<()> {
    if session.language == language {
        return Ok(());
    }
    if let Some(t) = translation(conn, &session.id, language)? {
        translate(session, t);
    }
    Ok(())
}

/// Puts a translation's texts in place of the session's own where they were given.
pub fn translate(session: &mut Session, t: SessionTranslation) {
    session.title = t.title;
    if !t.summary.is_empty() {
        session.summary = t.summary;
    }
    if !t.description.is_empty() {
        session.description = t.description;
    }
}

/// The translations of every session into one language, by session id.
pub fn translations_into(
    conn: &mut AnyConnection,
    language: &str,
) -> QueryResult<HashMap<String, SessionTranslation>> {
    let rows: Vec<SessionTranslation> = session_translations::table
        .filter(session_translations::language.eq(language))
        .select(SessionTranslation::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|t| (t.session_id.to_string(), t)).collect())
}

pub fn documents(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<Vec<SessionDocument>> {
    session_documents::table
        .filter(session_documents::session_id.eq(session_id))
        .order((session_documents::position.asc(), session_documents::id.asc()))
        .select(SessionDocument::as_select())
        .load(conn)
}

/// A public (non-draft) session by slug, alone. One query.
pub fn public_session(conn: &mut AnyConnection, slug: &str) -> QueryResult<Option<Session>> {
    sessions::table
        .filter(sessions::slug.eq(slug))
        .filter(sessions::status.ne(SessionStatus::Draft))
        .select(Session::as_select())
        .first(conn)
        .optional()
}

pub fn session_by_id(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Session>> {
    sessions::table.find(id).select(Session::as_select()).first(conn).optional()
}

/// Member governments first, then partners, each by name.
pub fn organisations(conn: &mut AnyConnection) -> QueryResult<Vec<Organisation>> {
    organisations::table
        .order((organisations::kind.asc(), organisations::name.asc()))
        .select(Organisation::as_select())
        .load(conn)
}

pub fn organisation_exists(conn: &mut AnyConnection, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(organisations::table.find(id))).get_result(conn)
}
