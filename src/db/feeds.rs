//! Read queries behind the public feeds (calendar, Atom) and the widget: published and
//! cancelled sessions (never drafts) with their texts in one language, in two queries.

use std::collections::HashMap;

use diesel::prelude::*;

use super::catalogue::{self, CatalogueEntry};
use super::models::{Series, SeriesTranslation, Session};
use super::schema::{series, series_translations, sessions};
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

/// Two queries (the sessions with their series and its translation, then the sessions'
/// translations), and more only when a series was asked for and has no public session (to
/// tell "empty" from "unknown").
/// `confirmed` is left at 0: feeds do not show seats (the widget uses [`with_seats`]).
pub fn sessions(
    conn: &mut AnyConnection,
    scope: Scope<'_>,
    language: &str,
) -> QueryResult<Option<FeedSessions>> {
    // The series' translation comes with its row (a join on the series and the language), so
    // a feed stays at two queries.
    let mut query = sessions::table
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
        .into_boxed::<MultiBackend>();
    match scope {
        Scope::All => {}
        Scope::Series(slug) => query = query.filter(series::slug.eq(slug.to_owned())),
        Scope::Session(slug) => query = query.filter(sessions::slug.eq(slug.to_owned())),
    }
    let rows: Vec<(Session, Option<Series>, Option<SeriesTranslation>)> = query.load(conn)?;
    let (series, series_translation) = match scope {
        Scope::Series(slug) => match rows.first() {
            Some((_, found, translation)) => (found.clone(), translation.clone()),
            None => {
                let found: Option<Series> = series::table
                    .filter(series::slug.eq(slug))
                    .select(Series::as_select())
                    .first(conn)
                    .optional()?;
                match found {
                    Some(s) => {
                        let translation = super::series::translation(conn, &s.id, language)?;
                        (Some(s), translation)
                    }
                    None => return Ok(None),
                }
            }
        },
        Scope::Session(_) if rows.is_empty() => return Ok(None),
        _ => (None, None),
    };
    let mut translations =
        if rows.is_empty() { HashMap::new() } else { catalogue::translations_into(conn, language)? };
    let entries = rows
        .into_iter()
        .map(|(session, series, series_translation)| {
            let translation = translations.remove(session.id.as_str());
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
