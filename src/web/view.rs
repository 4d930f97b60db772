//! View models: stored rows turned into what pages and emails show, in one language.

use chrono::NaiveDateTime;

use crate::db::catalogue::CatalogueEntry;
use crate::db::models::Session;
use crate::i18n::{I18n, in_zone, utc_offset};

/// A session's time as shown: date and times in the session's own zone, with the offset,
/// plus ISO instants for `<time datetime>` and the script that shows the visitor's zone.
#[derive(Debug, Clone)]
pub struct When {
    pub iso: String,
    pub end_iso: String,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub zone_abbrev: String,
    pub offset: String,
    pub zone_name: String,
}

impl When {
    pub fn new(i18n: I18n, starts_at: NaiveDateTime, duration_minutes: i32, zone: &str) -> Self {
        let start = in_zone(starts_at, zone);
        let end = in_zone(starts_at + chrono::Duration::minutes(i64::from(duration_minutes)), zone);
        let abbrev = start.format("%Z").to_string();
        // Zones without a letter abbreviation print an offset ("+04"): the offset says it all.
        let zone_abbrev = if abbrev.starts_with(['+', '-']) { String::new() } else { abbrev };
        Self {
            iso: start.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            end_iso: end.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            date: i18n.date(&start),
            start_time: i18n.time(&start),
            end_time: i18n.time(&end),
            zone_abbrev,
            offset: utc_offset(&start),
            zone_name: start.timezone().name().to_owned(),
        }
    }

    pub fn of(i18n: I18n, session: &Session) -> Self {
        Self::new(i18n, session.starts_at, session.duration_minutes, &session.timezone)
    }

    /// One line for emails and plain text.
    pub fn line(&self) -> String {
        let zone = if self.zone_abbrev.is_empty() { String::new() } else { format!(" {}", self.zone_abbrev) };
        format!(
            "{}, {}–{}{} ({}, {})",
            self.date, self.start_time, self.end_time, zone, self.offset, self.zone_name
        )
    }
}

/// The seat situation in words.
pub fn availability(i18n: I18n, session: &Session, confirmed: i64, now: NaiveDateTime) -> String {
    if session.status == "cancelled" {
        return i18n.t("availability-cancelled");
    }
    if now >= session.starts_at {
        return if session.recording_url.is_some() {
            i18n.t("availability-recording")
        } else {
            i18n.t("availability-past")
        };
    }
    let left = i64::from(session.capacity) - confirmed;
    if !session.registration_open(now) {
        return closed_reason(i18n, session, now);
    }
    if left <= 0 {
        i18n.t("availability-waitlist")
    } else {
        i18n.t2("seats-left-of", "count", left, "capacity", session.capacity)
    }
}

/// Why registration is not open right now.
pub fn closed_reason(i18n: I18n, session: &Session, now: NaiveDateTime) -> String {
    match session.registration_opens_at {
        Some(opens) if now < opens => {
            let at = in_zone(opens, &session.timezone);
            i18n.t1("registration-opens-on", "date", format!("{} {}", i18n.date(&at), i18n.time(&at)))
        }
        _ => i18n.t("registration-closed"),
    }
}

#[derive(Debug, Clone)]
pub struct Card {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub language_code: String,
    pub language_label: String,
    pub when: When,
    pub availability: String,
    pub is_demo: bool,
}

#[derive(Debug, Clone)]
pub struct SeriesGroup {
    pub series_title: Option<String>,
    pub cards: Vec<Card>,
}

/// Splits the catalogue into upcoming (soonest first) and past (latest first), each grouped
/// by series in order of first appearance.
pub fn catalogue_groups(
    i18n: I18n,
    entries: Vec<CatalogueEntry>,
    now: NaiveDateTime,
) -> (Vec<SeriesGroup>, Vec<SeriesGroup>) {
    let (mut past, upcoming): (Vec<_>, Vec<_>) =
        entries.into_iter().partition(|e| e.session.ends_at() <= now);
    past.reverse();
    let group = |entries: Vec<CatalogueEntry>| {
        let mut groups: Vec<(Option<String>, SeriesGroup)> = Vec::new();
        for entry in entries {
            let key = entry.series.as_ref().map(|s| s.id.clone());
            let card = Card {
                slug: entry.session.slug.clone(),
                title: entry.session.title.clone(),
                summary: entry.session.summary.clone(),
                language_code: entry.session.language.clone(),
                language_label: i18n.t(&format!("in-language-{}", entry.session.language)),
                when: When::of(i18n, &entry.session),
                availability: availability(i18n, &entry.session, entry.confirmed, now),
                is_demo: entry.session.is_demo,
            };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, g)) => g.cards.push(card),
                None => groups.push((
                    key,
                    SeriesGroup { series_title: entry.series.map(|s| s.title), cards: vec![card] },
                )),
            }
        }
        groups.into_iter().map(|(_, g)| g).collect::<Vec<_>>()
    };
    (group(upcoming), group(past))
}

/// Text split into paragraphs at blank lines.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()
}
