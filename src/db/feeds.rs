//! Read queries behind the public feeds (calendar, Atom) and the widget: published and
//! cancelled sessions (never drafts) with their texts in one language, in two queries.

use std::collections::HashMap;

use diesel::prelude::*;

use super::catalogue::{self, CatalogueEntry};
use super::models::{Series, SeriesTranslation, Session};
use super::schema::{series, sessions};
use super::{AnyConnection, MultiBackend};
use crate::domain::SessionStatus;

/// Which sessions a feed lists.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    All,
    /// The sessions of the series with this slug.
    Series(&'a str),
    /// The session with this slug.
    Session(&'a str),
}

/// What a feed shows: the series it is for (with [`Scope::Series`]) and its sessions, oldest
/// first, each with its texts in `language`. `None`: no such series or (public) session.
#[derive(Debug, Clone)]
pub struct FeedSessions {
    pub series: Option<Series>,
    /// The series' texts in `language`, when given.
    pub series_translation: Option<SeriesTranslation>,
    pub entries: Vec<CatalogueEntry>,
}

/// Three queries (the sessions with their series, then the sessions' and the series'
/// translations), and a fourth only when a series was asked for and has no public session (to
/// tell "empty" from "unknown").
/// `confirmed` is left at 0: feeds do not show seats (the widget uses [`with_seats`]).
pub fn sessions(
    conn: &mut AnyConnection,
    scope: Scope<'_>,
    language: &str,
) -> QueryResult<Option<FeedSessions>> {
    let mut query = sessions::table
        .left_join(series::table)
        .filter(sessions::status.ne(SessionStatus::Draft))
        .order((sessions::starts_at.asc(), sessions::id.asc()))
        .select((Session::as_select(), Option::<Series>::as_select()))
        .into_boxed::<MultiBackend>();
    match scope {
        Scope::All => {}
        Scope::Series(slug) => query = query.filter(series::slug.eq(slug.to_owned())),
        Scope::Session(slug) => query = query.filter(sessions::slug.eq(slug.to_owned())),
    }
    let rows: Vec<(Session, Option<Series>)> = query.load(conn)?;
    let series = match scope {
        Scope::Series(slug) => match rows.first() {
            Some((_, found)) => found.clone(),
            None => {
                let found: Option<Series> = series::table
                    .filter(series::slug.eq(slug))
                    .select(Series::as_select())
                    .first(conn)
                    .optional()?;
                match found {
                    Some(s) => Some(s),
                    None => return Ok(None),
                }
            }
        },
        Scope::Session(_) if rows.is_empty() => return Ok(None),
        _ => None,
    };
    let mut translations =
        if rows.is_empty() { HashMap::new() } else { catalogue::translations_into(conn, language)? };
    let series_translations = if rows.iter().any(|(_, s)| s.is_some()) || series.is_some() {
        super::series::translations_into(conn, language)?
    } else {
        HashMap::new()
    };
    let series_translation = series.as_ref().and_then(|s| series_translations.get(&s.id).cloned());
    let entries = rows
        .into_iter()
        .map(|(session, series)| {
            let translation = translations.remove(session.id.as_str());
            let series_translation = series.as_ref().and_then(|s| series_translations.get(&s.id).cloned());
            CatalogueEntry { session, series, confirmed: 0, translation, series_translation }
        })
        .collect();
    Ok(Some(FeedSessions { series, series_translation, entries }))
}

/// [`sessions`] with each session's confirmed seats (one more query), for the widget.
pub fn with_seats(
    conn: &mut AnyConnection,
    scope: Scope<'_>,
    language: &str,
) -> QueryResult<Option<FeedSessions>> {
    let Some(mut found) = sessions(conn, scope, language)? else {
        return Ok(None);
    };
    if !found.entries.is_empty() {
        let counts = catalogue::confirmed_counts(conn)?;
        for entry in &mut found.entries {
            entry.confirmed = counts.get(entry.session.id.as_str()).copied().unwrap_or(0);
        }
    }
    Ok(Some(found))
}
