//! The country list and the time zone picker of the forms a registrant fills in (registration,
//! changing one's details).
//!
//! The time zone picker sends no 25 KB list: it offers the zone already chosen (or a guess),
//! the zones of the person's country and of the session, and whatever a search found. The
//! search is a second submit button of the same form (`find_zone`), so it works without
//! JavaScript and keeps everything typed, without putting it in an address; `app.js` replaces a
//! guess with the browser's zone when it can.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::domain::country::{self, CountryCode};
use crate::domain::time_zone::{self, Zone};
use crate::i18n::I18n;

/// Most zones a search adds to the picker.
pub const SEARCH_LIMIT: usize = 25;

pub struct CountryOption {
    pub code: String,
    pub name: &'static str,
    pub selected: bool,
}

/// Every country, named and sorted in the reader's language; `selected` is a code.
pub fn country_options(i18n: I18n, selected: &str) -> Vec<CountryOption> {
    let selected = CountryCode::parse(selected);
    country::choices(i18n.lang)
        .iter()
        .map(|(code, name)| CountryOption { code: code.to_string(), name, selected: Some(*code) == selected })
        .collect()
}

pub struct ZoneOption {
    pub name: &'static str,
    pub label: String,
    pub selected: bool,
}

pub struct ZoneGroup {
    pub region: &'static str,
    pub zones: Vec<ZoneOption>,
}

/// What the picker shows.
pub struct ZonePicker {
    pub groups: Vec<ZoneGroup>,
    /// The zone preselected because nothing was chosen yet (the browser's may replace it).
    pub guessed: bool,
    /// The search typed, kept in its field.
    pub search: String,
    /// What the search found, said in words.
    pub search_note: Option<String>,
}

/// What the picker knows about the person.
pub struct ZoneHints<'a> {
    /// The zone in the form (typed, stored, or posted), canonical or not.
    pub chosen: &'a str,
    /// The country chosen in the form, or the one the browser's language names.
    pub country: Option<CountryCode>,
    pub session_zone: &'a str,
    /// A search asked for with the form's "find" button.
    pub search: Option<&'a str>,
}

pub fn zone_picker(i18n: I18n, hints: ZoneHints<'_>) -> ZonePicker {
    let chosen = time_zone::canonical(hints.chosen);
    let country_zones = hints.country.map(time_zone::of_country).unwrap_or_default();
    let session = time_zone::canonical(hints.session_zone);
    let found = hints.search.map(|q| time_zone::search(q, SEARCH_LIMIT));
    // Nothing chosen: a country with a single zone names it; else the session's own zone.
    let (selected, guessed) = match (chosen, found.as_deref()) {
        (_, Some([first, ..])) => (Some(*first), false),
        (Some(zone), _) => (Some(zone), false),
        (None, _) if country_zones.len() == 1 => (country_zones.first().copied(), true),
        (None, _) => (session, true),
    };
    let mut zones: Vec<&'static Zone> = Vec::new();
    let candidates = selected
        .into_iter()
        .chain(chosen)
        .chain(found.iter().flatten().copied())
        .chain(country_zones.iter().copied())
        .chain(session)
        .chain(time_zone::zones().first());
    for zone in candidates {
        if !zones.iter().any(|z| z.name == zone.name) {
            zones.push(zone);
        }
    }
    let mut groups: Vec<ZoneGroup> = Vec::new();
    for (region, members) in time_zone::by_region() {
        let offered: Vec<ZoneOption> = members
            .iter()
            .filter(|m| zones.iter().any(|z| z.name == m.name))
            .map(|m| ZoneOption {
                name: m.name,
                label: if m.region == "UTC" { "UTC".into() } else { m.city() },
                selected: selected.is_some_and(|s| s.name == m.name),
            })
            .collect();
        if !offered.is_empty() {
            groups.push(ZoneGroup { region, zones: offered });
        }
    }
    let search_note = found.as_ref().map(|found| match found.len() {
        0 => i18n.t("timezone-search-none"),
        n => i18n.t1("timezone-search-found", "count", n),
    });
    ZonePicker {
        groups,
        guessed: guessed && selected.is_some(),
        search: hints.search.unwrap_or_default().chars().take(64).collect(),
        search_note,
    }
}

/// The country the browser's preferred language names with a region (`es-MX` → MX), if any.
pub fn accept_language_country(req: &HttpRequest) -> Option<CountryCode> {
    let header = req.headers().get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    header.split(',').take(8).find_map(|part| {
        let tag = part.split(';').next()?.trim();
        let region = tag.split(['-', '_']).nth(1)?;
        (region.len() == 2).then(|| CountryCode::parse(region)).flatten()
    })
}

/// The value of a posted field, when the form's own parser does not know it.
pub fn posted<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}
