//! Time zones as people pick them: canonical IANA identifiers only (CLDR's list, through
//! ICU4X: `Europe/Kyiv`, never the aliases `Europe/Kiev`, `US/Pacific` or `Etc/GMT+5`),
//! grouped by region, each also known to chrono-tz (which does the arithmetic). A stored
//! alias still reads as its canonical zone.

use std::sync::OnceLock;

use icu_time::zone::iana::IanaParserExtended;

use super::country::CountryCode;
use super::field::FieldError;

/// The regions of the tz database whose zones are places people live in. `Etc/…` (fixed
/// offsets with inverted signs) and the old `US/…`, `Canada/…` style names are left out.
const REGIONS: &[&str] = &[
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
];

/// One canonical zone: its IANA name and the country CLDR files it under (if any).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    pub name: &'static str,
    /// The first part of the name (`Europe`), or `UTC` for UTC itself.
    pub region: &'static str,
    country: Option<CountryCode>,
}

impl Zone {
    /// The name for people: `America/Argentina/Buenos_Aires` → `America / Argentina / Buenos Aires`.
    pub fn label(&self) -> String {
        self.name.replace('_', " ").replace('/', " / ")
    }

    /// The place part alone (`Buenos Aires`), for lists grouped by region.
    pub fn city(&self) -> String {
        self.name.split_once('/').map_or(self.name, |(_, rest)| rest).replace('_', " ").replace('/', " / ")
    }
}

/// Every canonical zone, sorted by name; `UTC` first.
pub fn zones() -> &'static [Zone] {
    static ZONES: OnceLock<Vec<Zone>> = OnceLock::new();
    ZONES.get_or_init(|| {
        let mut list = vec![Zone { name: "UTC", region: "UTC", country: None }];
        for entry in IanaParserExtended::new().iter() {
            let Some((region, _)) = entry.canonical.split_once('/') else { continue };
            let Some(region) = REGIONS.iter().find(|r| **r == region) else { continue };
            if entry.canonical.parse::<chrono_tz::Tz>().is_err() {
                continue;
            }
            let name: &'static str = Box::leak(entry.canonical.to_owned().into_boxed_str());
            // CLDR's short zone ids begin with the zone's UN/LOCODE country ("frpar", "mxmex").
            let country = entry.time_zone.as_str().get(..2).and_then(CountryCode::parse);
            list.push(Zone { name, region, country });
        }
        list[1..].sort_by_key(|z| z.name);
        list
    })
}

/// The canonical zones grouped by region, in the order of [`REGIONS`] (then `UTC`).
pub fn by_region() -> Vec<(&'static str, Vec<Zone>)> {
    let mut groups: Vec<(&'static str, Vec<Zone>)> = REGIONS.iter().map(|r| (*r, Vec::new())).collect();
    groups.push(("UTC", Vec::new()));
    for zone in zones() {
        if let Some(group) = groups.iter_mut().find(|(r, _)| *r == zone.region) {
            group.1.push(*zone);
        }
    }
    groups.retain(|(_, zones)| !zones.is_empty());
    groups
}

/// The canonical zone an identifier names, in any case, aliases included (`US/Pacific` →
/// `America/Los_Angeles`, `Asia/Calcutta` → `Asia/Kolkata`); `None` for an unknown name or a
/// zone outside the list (`Etc/GMT+5`).
pub fn canonical(name: &str) -> Option<&'static Zone> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    if name.eq_ignore_ascii_case("utc") || name.eq_ignore_ascii_case("etc/utc") {
        return zones().first();
    }
    let parsed = IanaParserExtended::new().parse(name);
    zones().iter().find(|z| z.name == parsed.canonical)
}

/// The name to show for a stored zone: its canonical name, or the stored text if unknown.
pub fn display_name(stored: &str) -> String {
    canonical(stored).map_or_else(|| stored.to_owned(), |z| z.name.to_owned())
}

/// The zones of one country (`MX` → `America/Mexico_City`, `America/Cancun`, …).
pub fn of_country(country: CountryCode) -> Vec<&'static Zone> {
    zones().iter().filter(|z| z.country == Some(country)).collect()
}

/// Zones whose name contains every word of `query` (case and `_` ignored), at most `limit`.
pub fn search(query: &str, limit: usize) -> Vec<&'static Zone> {
    let words: Vec<String> = query
        .split(|c: char| c.is_whitespace() || c == '/' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(5)
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    zones()
        .iter()
        .filter(|zone| {
            let haystack = zone.name.to_lowercase().replace('_', " ");
            words.iter().all(|w| haystack.contains(w.as_str()))
        })
        .take(limit)
        .collect()
}

/// The time zone field of a form: empty, or a zone of the list (an alias is taken as its
/// canonical zone). Stored as the canonical name.
pub fn parse_time_zone(field: &'static str, raw: &str) -> Result<Option<String>, FieldError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    canonical(raw).map(|z| Some(z.name.to_owned())).ok_or_else(|| FieldError::new(field, "error-timezone"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_zones_are_offered() {
        let names: Vec<_> = zones().iter().map(|z| z.name).collect();
        for present in ["Europe/Kyiv", "America/Mexico_City", "Africa/Accra", "Asia/Kolkata", "UTC"] {
            assert!(names.contains(&present), "{present}");
        }
        for absent in ["US/Pacific", "Etc/GMT+5", "Europe/Kiev", "Asia/Calcutta", "GMT", "EST5EDT"] {
            assert!(!names.contains(&absent), "{absent}");
        }
        assert!(names.len() > 300 && names.len() < chrono_tz::TZ_VARIANTS.len() - 100, "{}", names.len());
    }

    #[test]
    fn aliases_read_as_their_canonical_zone() {
        assert_eq!(canonical("US/Pacific").map(|z| z.name), Some("America/Los_Angeles"));
        assert_eq!(canonical("asia/calcutta").map(|z| z.name), Some("Asia/Kolkata"));
        assert_eq!(display_name("Europe/Kiev"), "Europe/Kyiv");
        assert_eq!(canonical("Mars/Olympus"), None);
        assert_eq!(canonical("Etc/GMT+5"), None);
    }

    #[test]
    fn zones_are_found_by_country_and_by_words() {
        let mexico = CountryCode::parse("MX").expect("MX");
        assert!(of_country(mexico).iter().any(|z| z.name == "America/Mexico_City"));
        assert!(search("buenos", 10).iter().any(|z| z.name == "America/Argentina/Buenos_Aires"));
        assert!(search("mexico city", 10).iter().any(|z| z.name == "America/Mexico_City"));
        assert!(search("", 10).is_empty());
    }

    #[test]
    fn groups_follow_the_regions() {
        let groups = by_region();
        assert_eq!(groups.first().map(|g| g.0), Some("Africa"));
        assert!(groups.iter().all(|(region, zones)| zones.iter().all(|z| z.region == *region)));
    }

    #[test]
    fn the_form_field_stores_the_canonical_name() {
        assert_eq!(parse_time_zone("timezone", "US/Eastern"), Ok(Some("America/New_York".into())));
        assert_eq!(parse_time_zone("timezone", " "), Ok(None));
        assert_eq!(
            parse_time_zone("timezone", "Mars/Olympus"),
            Err(FieldError::new("timezone", "error-timezone"))
        );
    }
}
