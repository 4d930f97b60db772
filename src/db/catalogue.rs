//! Read queries behind the public pages. Each page loads in a fixed number of queries.

use std::collections::HashMap;

use diesel::prelude::*;

use super::AnyConnection;
use super::models::{Organisation, PanelEntry, Series, Session, SessionDocument, Speaker};
use super::schema::{
    organisations, panel_entries, registrations, series, session_documents, sessions, speakers,
};

/// A session with what the catalogue shows next to it.
#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    pub session: Session,
    pub series: Option<Series>,
    pub confirmed: i64,
}

/// Published and cancelled sessions (drafts stay private), oldest first, with seat counts.
pub fn catalogue(conn: &mut AnyConnection) -> QueryResult<Vec<CatalogueEntry>> {
    let rows: Vec<(Session, Option<Series>)> = sessions::table
        .left_join(series::table)
        .filter(sessions::status.ne("draft"))
        .order((sessions::starts_at.asc(), sessions::id.asc()))
        .select((Session::as_select(), Option::<Series>::as_select()))
        .load(conn)?;
    let counts = confirmed_counts(conn)?;
    Ok(rows
        .into_iter()
        .map(|(session, series)| {
            let confirmed = counts.get(&session.id).copied().unwrap_or(0);
            CatalogueEntry { session, series, confirmed }
        })
        .collect())
}

fn confirmed_counts(conn: &mut AnyConnection) -> QueryResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = registrations::table
        .filter(registrations::status.eq("confirmed"))
        .group_by(registrations::session_id)
        .select((registrations::session_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn confirmed_count(conn: &mut AnyConnection, session_id: &str) -> QueryResult<i64> {
    registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq("confirmed"))
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
}

/// A public (non-draft) session by slug.
pub fn session_by_slug(conn: &mut AnyConnection, slug: &str) -> QueryResult<Option<SessionDetail>> {
    let found: Option<(Session, Option<Series>)> = sessions::table
        .left_join(series::table)
        .filter(sessions::slug.eq(slug))
        .filter(sessions::status.ne("draft"))
        .select((Session::as_select(), Option::<Series>::as_select()))
        .first(conn)
        .optional()?;
    let Some((session, series)) = found else {
        return Ok(None);
    };
    let panel = panel_entries::table
        .inner_join(speakers::table)
        .filter(panel_entries::session_id.eq(&session.id))
        .order((panel_entries::position.asc(), panel_entries::id.asc()))
        .select((PanelEntry::as_select(), Speaker::as_select()))
        .load(conn)?;
    let documents = documents(conn, &session.id)?;
    let confirmed = confirmed_count(conn, &session.id)?;
    Ok(Some(SessionDetail { session, series, panel, documents, confirmed }))
}

pub fn documents(conn: &mut AnyConnection, session_id: &str) -> QueryResult<Vec<SessionDocument>> {
    session_documents::table
        .filter(session_documents::session_id.eq(session_id))
        .order((session_documents::position.asc(), session_documents::id.asc()))
        .select(SessionDocument::as_select())
        .load(conn)
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
