//! View models: stored rows turned into what pages and emails show, in one language.

use chrono::NaiveDateTime;

use crate::db::catalogue::CatalogueEntry;
use crate::db::models::{Series, SeriesTranslation, Session, SessionTranslation};
use crate::i18n::{I18n, in_zone};
use crate::when::When;

/// A session's title, summary and description in the visitor's language where they were
/// given, else in the session's own language; each with the language it is in, so pages can
/// mark it (`lang`) and say when a text is not in the visitor's language.
#[derive(Debug, Clone)]
pub struct SessionTexts {
    pub title: String,
    pub title_lang: String,
    pub summary: String,
    pub summary_lang: String,
    pub description: String,
    pub description_lang: String,
    /// "This text is not available in your language; it is shown in French."
    pub fallback_note: Option<String>,
}

impl SessionTexts {
    pub fn of(i18n: I18n, session: &Session, translation: Option<&SessionTranslation>) -> Self {
        let own = session.language.as_str();
        let wanted = i18n.code();
        let pick = |translated: Option<&String>, original: &String| match translated {
            Some(text) if !text.is_empty() => (text.clone(), wanted.to_owned()),
            _ => (original.clone(), own.to_owned()),
        };
        let translation = translation.filter(|t| t.language == wanted && wanted != own);
        let (title, title_lang) = pick(translation.map(|t| &t.title), &session.title);
        let (summary, summary_lang) = pick(translation.map(|t| &t.summary), &session.summary);
        let (description, description_lang) = pick(translation.map(|t| &t.description), &session.description);
        let shown_in_other = (title_lang != wanted)
            || (!summary.is_empty() && summary_lang != wanted)
            || (!description.is_empty() && description_lang != wanted);
        let fallback_note = shown_in_other
            .then(|| i18n.t1("session-content-fallback", "language", i18n.t(&format!("in-language-{own}"))));
        Self { title, title_lang, summary, summary_lang, description, description_lang, fallback_note }
    }
}

/// A series' title and description in the visitor's language where they were given, else in
/// the series' own language, each with the language it is in (for `lang`), and a note when
/// one is not in the visitor's language.
#[derive(Debug, Clone)]
pub struct SeriesTexts {
    pub title: String,
    pub title_lang: String,
    pub description: String,
    pub description_lang: String,
    /// "This text is not available in your language; it is shown in English."
    pub fallback_note: Option<String>,
}

impl SeriesTexts {
    pub fn of(i18n: I18n, series: &Series, translation: Option<&SeriesTranslation>) -> Self {
        let own = series.language.as_str();
        let wanted = i18n.code();
        let translation = translation.filter(|t| t.language == wanted && wanted != own);
        let pick = |translated: Option<&String>, original: &String| match translated {
            Some(text) if !text.is_empty() => (text.clone(), wanted.to_owned()),
            _ => (original.clone(), own.to_owned()),
        };
        let (title, title_lang) = pick(translation.map(|t| &t.title), &series.title);
        let (description, description_lang) = pick(translation.map(|t| &t.description), &series.description);
        let shown_in_other = title_lang != wanted || (!description.is_empty() && description_lang != wanted);
        let fallback_note = shown_in_other
            .then(|| i18n.t1("session-content-fallback", "language", i18n.t(&format!("in-language-{own}"))));
        Self { title, title_lang, description, description_lang, fallback_note }
    }
}

/// The seat situation in words.
pub fn availability(i18n: I18n, session: &Session, confirmed: i64, now: NaiveDateTime) -> String {
    if session.is_cancelled() {
        return i18n.t("availability-cancelled");
    }
    if now >= session.starts_at {
        // join: from the start to the end the session is live; a recording is announced only
        // once it is over.
        if now < session.ends_at() {
            return i18n.t("availability-live");
        }
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
    pub title_lang: String,
    pub summary: String,
    pub summary_lang: String,
    pub language_code: String,
    pub language_label: String,
    pub when: When,
    pub availability: String,
    pub is_demo: bool,
}

#[derive(Debug, Clone)]
pub struct SeriesGroup {
    pub series_title: Option<String>,
    /// The language the series' title is shown in.
    pub series_title_lang: String,
    /// Said when the series' title is not in the visitor's language.
    pub series_fallback: Option<String>,
    /// For the series' calendar feed.
    pub series_slug: Option<String>,
    pub cards: Vec<Card>,
}

/// The catalogue's groups of sessions, each grouped by series in order of first appearance.
pub struct CatalogueGroups {
    /// join: started and not yet ended.
    pub live: Vec<SeriesGroup>,
    /// Not started, soonest first.
    pub upcoming: Vec<SeriesGroup>,
    /// Ended, latest first.
    pub past: Vec<SeriesGroup>,
}

/// Splits the catalogue into live, upcoming and past sessions.
pub fn catalogue_groups(i18n: I18n, entries: Vec<CatalogueEntry>, now: NaiveDateTime) -> CatalogueGroups {
    let (mut past, rest): (Vec<_>, Vec<_>) = entries.into_iter().partition(|e| e.session.ends_at() <= now);
    let (live, upcoming): (Vec<_>, Vec<_>) = rest.into_iter().partition(|e| e.session.starts_at <= now);
    past.reverse();
    let group = |entries: Vec<CatalogueEntry>| {
        let mut groups: Vec<(Option<String>, SeriesGroup)> = Vec::new();
        for entry in entries {
            let key = entry.series.as_ref().map(|s| s.id.clone());
            let texts = SessionTexts::of(i18n, &entry.session, entry.translation.as_ref());
            let card = Card {
                slug: entry.session.slug.clone(),
                title: texts.title,
                title_lang: texts.title_lang,
                summary: texts.summary,
                summary_lang: texts.summary_lang,
                language_code: entry.session.language.clone(),
                language_label: i18n.t(&format!("in-language-{}", entry.session.language)),
                when: When::of(i18n, &entry.session),
                availability: availability(i18n, &entry.session, entry.confirmed, now),
                is_demo: entry.session.is_demo,
            };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, g)) => g.cards.push(card),
                None => {
                    let texts = entry
                        .series
                        .as_ref()
                        .map(|s| SeriesTexts::of(i18n, s, entry.series_translation.as_ref()));
                    groups.push((
                        key,
                        SeriesGroup {
                            series_slug: entry.series.as_ref().map(|s| s.slug.clone()),
                            series_title_lang: texts
                                .as_ref()
                                .map(|t| t.title_lang.clone())
                                .unwrap_or_default(),
                            series_fallback: texts.as_ref().and_then(|t| t.fallback_note.clone()),
                            series_title: texts.map(|t| t.title),
                            cards: vec![card],
                        },
                    ))
                }
            }
        }
        groups.into_iter().map(|(_, g)| g).collect::<Vec<_>>()
    };
    CatalogueGroups { live: group(live), upcoming: group(upcoming), past: group(past) }
}

/// Text split into paragraphs at blank lines.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()
}
