//! The Atom feed of upcoming sessions (RFC 4287), one per language: `/feed?lang=xx`. Written
//! by the `atom_syndication` crate. The feed's id is a `tag:` URI (RFC 4151) of the site and
//! language; each entry's id is a `tag:` URI of the session and language, for its whole life.
//! Entries link to the public session page only.

use actix_web::{HttpRequest, HttpResponse, web};
use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{NaiveDateTime, TimeZone, Utc};

use super::calendar::listed;
use super::{FeedLinks, bad_language, cacheable, feed_language};
use crate::config::Settings;
use crate::db;
use crate::db::catalogue::CatalogueEntry;
use crate::db::feeds::Scope;
use crate::i18n::I18n;
use crate::web::errors::AppError;
use crate::web::state::{AppState, run_db};
use crate::web::view::SessionTexts;
use crate::when::When;

pub const CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";
/// The year in the `tag:` ids; fixed, since an id never changes.
const TAG_YEAR: &str = "2026";

pub async fn feed(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let Some(i18n) = feed_language(&req) else {
        return Ok(bad_language(&req));
    };
    let language = i18n.code();
    let found = run_db(&state, move |conn| db::feeds::sessions(conn, Scope::All, language))
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let upcoming: Vec<CatalogueEntry> =
        found.entries.into_iter().filter(|e| e.session.ends_at() > now && listed(e, now)).collect();
    let updated = upcoming.iter().map(|e| e.session.updated_at).max();
    let body = build(&state.settings, i18n, &upcoming, updated);
    Ok(cacheable(&req, CONTENT_TYPE, body, updated))
}

fn instant(at: NaiveDateTime) -> FixedDateTime {
    Utc.from_utc_datetime(&at).fixed_offset()
}

fn tag(settings: &Settings, specific: &str) -> String {
    let host = settings.base_url.host_str().unwrap_or("convoca.invalid");
    format!("tag:{host},{TAG_YEAR}:{specific}")
}

fn link(href: String, rel: &str, mime_type: Option<&str>, hreflang: Option<&str>) -> Link {
    Link {
        href,
        rel: rel.to_owned(),
        mime_type: mime_type.map(str::to_owned),
        hreflang: hreflang.map(str::to_owned),
        ..Link::default()
    }
}

/// The feed's XML. `updated`: the latest change of its entries (the epoch for none, so an
/// empty feed's bytes stay the same).
fn build(
    settings: &Settings,
    i18n: I18n,
    upcoming: &[CatalogueEntry],
    updated: Option<NaiveDateTime>,
) -> String {
    let organiser = settings.organizer.name.clone().unwrap_or_else(|| "Convoca".to_owned());
    let links = FeedLinks::new(settings, i18n);
    let lang = i18n.code();
    let entries = upcoming
        .iter()
        .map(|entry| {
            let session = &entry.session;
            let texts = SessionTexts::of(i18n, session, entry.translation.as_ref());
            let when = When::of(i18n, session);
            let title = if session.is_cancelled() {
                i18n.t1("feeds-cancelled-title", "title", &texts.title)
            } else {
                texts.title.clone()
            };
            let mut summary = when.line();
            if !texts.summary.is_empty() {
                summary = format!("{summary}\n\n{}", texts.summary);
            }
            let mut summary = Text::plain(summary);
            summary.lang = Some(texts.summary_lang.clone());
            let mut title = Text::plain(title);
            title.lang = Some(texts.title_lang.clone());
            Entry {
                id: tag(settings, &format!("session/{}/{lang}", session.id)),
                title,
                updated: instant(session.updated_at),
                published: Some(instant(session.created_at)),
                links: vec![link(
                    settings.link(&format!("/sessions/{}", session.slug)),
                    "alternate",
                    Some("text/html"),
                    None,
                )],
                summary: Some(summary),
                ..Entry::default()
            }
        })
        .collect();
    let feed = Feed {
        id: tag(settings, &format!("sessions/{lang}")),
        title: Text::plain(i18n.t1("feeds-atom-title", "name", &organiser)),
        subtitle: Some(Text::plain(i18n.t("feeds-atom-subtitle"))),
        updated: instant(updated.unwrap_or_default()),
        authors: vec![Person { name: organiser.clone(), ..Person::default() }],
        links: vec![
            link(links.atom(), "self", Some("application/atom+xml"), Some(lang)),
            link(
                settings.link(&format!("/language/{lang}?next=/")),
                "alternate",
                Some("text/html"),
                Some(lang),
            ),
        ],
        lang: Some(lang.to_owned()),
        entries,
        ..Feed::default()
    };
    feed.to_string()
}
