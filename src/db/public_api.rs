//! Read queries behind the public JSON API (`web::api`): public sessions only (published or
//! cancelled, never drafts), a page at a time after a keyset position, with everything a page
//! shows in a fixed number of queries whatever its length.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::catalogue::{self, SessionDetail};
use super::models::{
    PanelEntry, Series, SeriesTranslation, Session, SessionDocument, SessionTranslation, Speaker,
};
use super::schema::{
    panel_entries, registrations, series, session_documents, session_translations, sessions, speakers,
};
use super::{AnyConnection, MultiBackend};
use crate::domain::{RegistrationStatus, SessionStatus};

/// Which public sessions a list asks for.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// `Some(true)`: not started by `now`; `Some(false)`: started by `now`.
    pub upcoming: Option<bool>,
    /// The slug of their series.
    pub series: Option<String>,
    /// The language the session is held in.
    pub language: Option<String>,
}

/// Where a page of sessions starts: after this start time and slug (the list's order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionPosition {
    pub starts_at: NaiveDateTime,
    pub slug: String,
}

/// A public session with all the API says of it.
#[derive(Debug, Clone)]
pub struct PublicSession {
    pub session: Session,
    pub series: Option<Series>,
    pub confirmed: i64,
    /// Its texts in the other languages it has been given.
    pub translations: Vec<SessionTranslation>,
    pub panel: Vec<(PanelEntry, Speaker)>,
    pub documents: Vec<SessionDocument>,
    /// Its series' texts in the other languages they have been given.
    pub series_translations: Vec<SeriesTranslation>,
}

/// One page of public sessions by start time then slug, after `after`, at most `limit`, and
/// whether more follow. Six queries.
pub fn sessions_page(
    conn: &mut AnyConnection,
    filter: &SessionFilter,
    after: Option<&SessionPosition>,
    limit: i64,
    now: NaiveDateTime,
) -> QueryResult<(Vec<PublicSession>, bool)> {
    let mut query = sessions::table
        .left_join(series::table)
        .filter(sessions::status.ne(SessionStatus::Draft))
        .order((sessions::starts_at.asc(), sessions::slug.asc()))
        .select((Session::as_select(), Option::<Series>::as_select()))
        .limit(limit + 1)
        .into_boxed::<MultiBackend>();
    match filter.upcoming {
        Some(true) => query = query.filter(sessions::starts_at.gt(now)),
        Some(false) => query = query.filter(sessions::starts_at.le(now)),
        None => {}
    }
    if let Some(slug) = &filter.series {
        query = query.filter(series::slug.eq(slug.clone()));
    }
    if let Some(language) = &filter.language {
        query = query.filter(sessions::language.eq(language.clone()));
    }
    if let Some(at) = after {
        query = query.filter(
            sessions::starts_at
                .gt(at.starts_at)
                .or(sessions::starts_at.eq(at.starts_at).and(sessions::slug.gt(at.slug.clone()))),
        );
    }
    let mut rows: Vec<(Session, Option<Series>)> = query.load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    // speakers: the recording only where every panel speaker consented to its publication.
    super::speaker_consent::withhold_recordings(conn, rows.iter_mut().map(|(s, _)| s))?;
    let ids: Vec<String> = rows.iter().map(|(s, _)| s.id.to_string()).collect();

    let counts: HashMap<String, i64> = registrations::table
        .filter(registrations::session_id.eq_any(&ids))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .group_by(registrations::session_id)
        .select((registrations::session_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let mut translations: HashMap<String, Vec<SessionTranslation>> = HashMap::new();
    for t in session_translations::table
        .filter(session_translations::session_id.eq_any(&ids))
        .order(session_translations::language.asc())
        .select(SessionTranslation::as_select())
        .load(conn)?
    {
        translations.entry(t.session_id.to_string()).or_default().push(t);
    }
    let mut panels: HashMap<String, Vec<(PanelEntry, Speaker)>> = HashMap::new();
    for (entry, speaker) in panel_entries::table
        .inner_join(speakers::table)
        .filter(panel_entries::session_id.eq_any(&ids))
        .order((panel_entries::position.asc(), panel_entries::id.asc()))
        .select((PanelEntry::as_select(), Speaker::as_select()))
        .load::<(PanelEntry, Speaker)>(conn)?
    {
        panels.entry(entry.session_id.to_string()).or_default().push((entry, speaker));
    }
    let mut documents: HashMap<String, Vec<SessionDocument>> = HashMap::new();
    for d in session_documents::table
        .filter(session_documents::session_id.eq_any(&ids))
        .order((session_documents::position.asc(), session_documents::id.asc()))
        .select(SessionDocument::as_select())
        .load(conn)?
    {
        documents.entry(d.session_id.to_string()).or_default().push(d);
    }
    let series_ids: Vec<String> = rows.iter().filter_map(|(_, s)| s.as_ref().map(|s| s.id.clone())).collect();
    let series_translations = super::series::translations_of(conn, &series_ids)?;
    let items = rows
        .into_iter()
        .map(|(session, series)| {
            let id = session.id.to_string();
            PublicSession {
                series_translations: series
                    .as_ref()
                    .and_then(|s| series_translations.get(&s.id).cloned())
                    .unwrap_or_default(),
                confirmed: counts.get(&id).copied().unwrap_or(0),
                translations: translations.remove(&id).unwrap_or_default(),
                panel: panels.remove(&id).unwrap_or_default(),
                documents: documents.remove(&id).unwrap_or_default(),
                session,
                series,
            }
        })
        .collect();
    Ok((items, more))
}

/// One public session by slug, with its texts in every language it has been given.
pub fn session(conn: &mut AnyConnection, slug: &str) -> QueryResult<Option<PublicSession>> {
    // No language asked: the catalogue's query then reads no translation of its own.
    let Some(SessionDetail { session, series, panel, documents, confirmed, .. }) =
        catalogue::session_by_slug(conn, slug, "")?
    else {
        return Ok(None);
    };
    let translations = catalogue::translations(conn, &session.id)?;
    let series_translations = match &series {
        Some(s) => super::series::translations_of(conn, std::slice::from_ref(&s.id))?
            .remove(&s.id)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(Some(PublicSession {
        session,
        series,
        confirmed,
        translations,
        panel,
        documents,
        series_translations,
    }))
}

/// The series table narrowed to public series: a series is public once one of its sessions
/// is, so one made only of drafts stays unannounced.
macro_rules! public_series {
    () => {
        series::table.filter(diesel::dsl::exists(
            sessions::table
                .filter(sessions::series_id.eq(series::id.nullable()))
                .filter(sessions::status.ne(SessionStatus::Draft)),
        ))
    };
}

/// A public series with its texts in the other languages.
pub type PublicSeries = (Series, Vec<SeriesTranslation>);

/// One page of public series by slug, after `after`, at most `limit`, and whether more follow.
/// Two queries.
pub fn series_page(
    conn: &mut AnyConnection,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<(Vec<PublicSeries>, bool)> {
    let mut query = public_series!()
        .order(series::slug.asc())
        .select(Series::as_select())
        .limit(limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(slug) = after {
        query = query.filter(series::slug.gt(slug.to_owned()));
    }
    let mut rows: Vec<Series> = query.load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let ids: Vec<String> = rows.iter().map(|s| s.id.clone()).collect();
    let mut translations = super::series::translations_of(conn, &ids)?;
    let rows = rows
        .into_iter()
        .map(|s| {
            let t = translations.remove(&s.id).unwrap_or_default();
            (s, t)
        })
        .collect();
    Ok((rows, more))
}

/// One public series by slug, with its texts in the other languages.
pub fn series_by_slug(conn: &mut AnyConnection, slug: &str) -> QueryResult<Option<PublicSeries>> {
    let found: Option<Series> =
        public_series!().filter(series::slug.eq(slug)).select(Series::as_select()).first(conn).optional()?;
    let Some(found) = found else { return Ok(None) };
    let translations = super::series::translations_of(conn, std::slice::from_ref(&found.id))?
        .remove(&found.id)
        .unwrap_or_default();
    Ok(Some((found, translations)))
}
