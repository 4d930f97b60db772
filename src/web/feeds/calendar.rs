//! Calendar subscription feeds (RFC 5545, `METHOD:PUBLISH`): every public session
//! (`/sessions.ics`), one series (`/series/{slug}.ics`), one session (`/sessions/{slug}.ics`),
//! in the reader's language. Built with the `icalendar` crate, like the invitations.
//!
//! Each session is one VEVENT whose UID is the session's own (`session-<id>@host`), never a
//! registration's (`registration-<id>@host`, `email::ics`), so a subscribed calendar and a
//! personal invitation are two entries that do not replace each other. SEQUENCE is the
//! session's version (raised when it moves or is cancelled); DTSTAMP and LAST-MODIFIED its
//! last change, so the same data gives the same bytes (and the same ETag). Times are UTC.
//! The only link is the public session page: never the join address.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{Duration, NaiveDateTime, TimeZone, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};

use super::{bad_language, cacheable, feed_language};
use crate::config::Settings;
use crate::db;
use crate::db::catalogue::CatalogueEntry;
use crate::db::feeds::{FeedSessions, Scope};
use crate::i18n::I18n;
use crate::web::errors::AppError;
use crate::web::state::{AppState, run_db};
use crate::web::view::{SeriesTexts, SessionTexts};

/// Past sessions stay in the lists this long after they end.
pub const PAST_KEPT_DAYS: i64 = 90;
/// A cancelled session stays in the lists, as `STATUS:CANCELLED`, this long after it was
/// cancelled (so subscribed calendars remove it), then leaves them.
pub const CANCELLED_KEPT_DAYS: i64 = 30;
/// How often calendar applications are asked to fetch the feed again.
const REFRESH_HOURS: i64 = 1;

const CONTENT_TYPE: &str = "text/calendar; charset=utf-8";

/// The VEVENT UID of a session in every feed, for its whole life.
pub fn uid(settings: &Settings, session_id: &str) -> String {
    let host = settings.base_url.host_str().unwrap_or("convoca.invalid");
    format!("session-{session_id}@{host}")
}

/// Whether a list feed still shows a session at `now`.
pub fn listed(entry: &CatalogueEntry, now: NaiveDateTime) -> bool {
    let session = &entry.session;
    if session.ends_at() + Duration::days(PAST_KEPT_DAYS) <= now {
        return false;
    }
    !session.is_cancelled() || now < session.updated_at + Duration::days(CANCELLED_KEPT_DAYS)
}

pub async fn all_sessions(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    serve(req, state, None, false).await
}

pub async fn one_series(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    serve(req, state, Some(slug.into_inner()), false).await
}

pub async fn one_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    serve(req, state, Some(slug.into_inner()), true).await
}

/// `slug`: of a series, or of a session when `session` (None: every session).
async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: Option<String>,
    session: bool,
) -> Result<HttpResponse, AppError> {
    let Some(i18n) = feed_language(&req) else {
        return Ok(bad_language(&req));
    };
    let language = i18n.code();
    let for_series = slug.is_some() && !session;
    let found = run_db(&state, move |conn| {
        let scope = match (&slug, session) {
            (None, _) => Scope::All,
            (Some(slug), false) => Scope::Series(slug),
            (Some(slug), true) => Scope::Session(slug),
        };
        db::feeds::sessions(conn, scope, language)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let (body, last_modified) = calendar(&state.settings, i18n, found, for_series, !session, now);
    Ok(cacheable(&req, CONTENT_TYPE, body, last_modified))
}

/// The calendar's text and its latest change. `windowed`: drop sessions long past or long
/// cancelled (the lists; a single session's feed keeps it whatever its age).
fn calendar(
    settings: &Settings,
    i18n: I18n,
    found: FeedSessions,
    for_series: bool,
    windowed: bool,
    now: NaiveDateTime,
) -> (String, Option<NaiveDateTime>) {
    let organiser = settings.organizer.name.clone().unwrap_or_else(|| "Convoca".to_owned());
    let entries: Vec<CatalogueEntry> =
        found.entries.into_iter().filter(|e| !windowed || listed(e, now)).collect();
    let (name, zone) = match (&found.series, windowed) {
        (Some(series), true) if for_series => {
            let title = SeriesTexts::of(i18n, series, found.series_translation.as_ref()).title;
            (title, entries.first().map(|e| e.session.timezone.clone()))
        }
        (_, false) => {
            let first = entries.first();
            let title = first.map(|e| SessionTexts::of(i18n, &e.session, e.translation.as_ref()).title);
            (title.unwrap_or_else(|| organiser.clone()), first.map(|e| e.session.timezone.clone()))
        }
        _ => (i18n.t1("feeds-calendar-name", "name", &organiser), None),
    };
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Convoca//Webinars//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .name(&name)
        .description(&i18n.t1("feeds-calendar-description", "name", &organiser))
        .timezone(zone.unwrap_or_else(|| "UTC".to_owned()).as_str())
        .ttl(&Duration::hours(REFRESH_HOURS));
    let mut last_modified = found.series.as_ref().filter(|_| for_series).map(|s| s.created_at);
    for entry in &entries {
        let session = &entry.session;
        last_modified = last_modified.max(Some(session.updated_at));
        cal.push(event(settings, i18n, entry, &organiser));
    }
    (cal.done().to_string(), last_modified)
}

fn event(settings: &Settings, i18n: I18n, entry: &CatalogueEntry, organiser: &str) -> icalendar::Event {
    let session = &entry.session;
    let texts = SessionTexts::of(i18n, session, entry.translation.as_ref());
    let page = settings.link(&format!("/sessions/{}", session.slug));
    let colon = i18n.t("format-colon");
    let mut description = Vec::new();
    if session.is_cancelled() {
        description.push(i18n.t("session-cancelled"));
    }
    if !texts.summary.is_empty() {
        description.push(texts.summary.clone());
    }
    description.push(i18n.t1(
        "feeds-held-in",
        "language",
        i18n.t(&format!("in-language-{}", session.language)),
    ));
    description.push(format!("{}{colon} {page}", i18n.t("feeds-details-label")));
    let changed = Utc.from_utc_datetime(&session.updated_at);
    let mut organizer = Property::new("ORGANIZER", format!("mailto:{}", settings.organizer.email));
    organizer.add_parameter("CN", &organiser.replace('"', "'"));
    let title = if session.is_cancelled() {
        i18n.t1("feeds-cancelled-title", "title", &texts.title)
    } else {
        texts.title.clone()
    };
    icalendar::Event::new()
        .uid(&uid(settings, session.id.as_str()))
        .timestamp(changed)
        .last_modified(changed)
        .created(Utc.from_utc_datetime(&session.created_at))
        .sequence(u32::try_from(session.version.saturating_sub(1)).unwrap_or(0))
        .summary(&title)
        .description(&description.join("\n\n"))
        .starts(Utc.from_utc_datetime(&session.starts_at))
        .ends(Utc.from_utc_datetime(&session.ends_at()))
        .url(&page)
        .location(&i18n.t("email-online"))
        .status(if session.is_cancelled() { EventStatus::Cancelled } else { EventStatus::Confirmed })
        // The reader has not registered: the entry does not make them busy.
        .add_property("TRANSP", "TRANSPARENT")
        .append_property(organizer.done())
        .done()
}
