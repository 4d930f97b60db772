//! Countries as ISO 3166-1 alpha-2 codes. The list of codes comes from `rust_iso3166`; their
//! names in English, French and Spanish, and the order a reader of each language expects,
//! from CLDR (ICU4X's compiled data). Free text typed before codes existed is matched to a
//! code by [`match_free_text`].

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorPreferences};
use icu_experimental::displaynames::multi::RegionDisplayNames;
use icu_experimental::displaynames::{DisplayNamesOptions, DisplayNamesPreferences, Style};
use icu_locale_core::Locale;
use icu_locale_core::subtags::Region;

use super::Language;
use super::field::FieldError;

/// An ISO 3166-1 alpha-2 code of a country or territory that exists in the standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// The code for two letters in any case (`ke`, ` KE `), if ISO 3166-1 assigns it.
    pub fn parse(raw: &str) -> Option<CountryCode> {
        let upper = raw.trim().to_ascii_uppercase();
        let bytes: [u8; 2] = upper.as_bytes().try_into().ok()?;
        rust_iso3166::from_alpha2(&upper).map(|_| CountryCode(bytes))
    }

    /// The two capital letters, as stored.
    pub fn as_str(&self) -> &str {
        // Only ASCII capitals are ever stored in a `CountryCode`.
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }

    /// The country's name in `language` (CLDR), or its ISO English name when CLDR has none.
    pub fn name(&self, language: Language) -> &'static str {
        names(language)
            .get(self)
            .copied()
            .unwrap_or_else(|| rust_iso3166::from_alpha2(self.as_str()).map(|c| c.name).unwrap_or(""))
    }

    /// Every code in ISO 3166-1.
    pub fn all() -> impl Iterator<Item = CountryCode> {
        rust_iso3166::ALL.iter().filter_map(|c| CountryCode::parse(c.alpha2))
    }
}

impl std::fmt::Display for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

fn locale(language: Language) -> Locale {
    language.code().parse().unwrap_or(Locale::UNKNOWN)
}

fn cldr_names(language: Language, style: Option<Style>) -> HashMap<CountryCode, &'static str> {
    let mut options = DisplayNamesOptions::default();
    options.style = style;
    let Ok(names) = RegionDisplayNames::try_new(DisplayNamesPreferences::from(&locale(language)), options)
    else {
        return HashMap::new();
    };
    // The compiled data lives for the whole program; the names are copied out once per language.
    CountryCode::all()
        .filter_map(|code| {
            let region = Region::try_from_str(code.as_str()).ok()?;
            let name: &'static str = Box::leak(names.of(region)?.to_owned().into_boxed_str());
            Some((code, name))
        })
        .collect()
}

fn names(language: Language) -> &'static HashMap<CountryCode, &'static str> {
    static NAMES: [OnceLock<HashMap<CountryCode, &'static str>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let index = Language::ALL.iter().position(|l| *l == language).unwrap_or(0);
    NAMES[index].get_or_init(|| cldr_names(language, None))
}

/// How a stored country reads in `language`: a code's name, or the stored text as it is
/// (text from before codes, or an organisation's typed country).
pub fn display(stored: &str, language: &Language) -> String {
    match CountryCode::parse(stored) {
        Some(code) => code.name(*language).to_owned(),
        None => stored.to_owned(),
    }
}

/// Every country with its name in `language`, sorted as a reader of that language expects
/// (CLDR collation: "Égypte" among the E in French).
pub fn choices(language: Language) -> &'static [(CountryCode, &'static str)] {
    static CHOICES: [OnceLock<Vec<(CountryCode, &'static str)>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let index = Language::ALL.iter().position(|l| *l == language).unwrap_or(0);
    CHOICES[index].get_or_init(|| {
        let mut list: Vec<_> = CountryCode::all().map(|code| (code, code.name(language))).collect();
        match Collator::try_new(CollatorPreferences::from(&locale(language)), CollatorOptions::default()) {
            Ok(collator) => list.sort_by(|a, b| collator.compare(a.1, b.1)),
            Err(_) => list.sort_by(|a, b| a.1.cmp(b.1)),
        }
        list
    })
}

/// Compares two names as a reader of `language` would order them.
pub fn compare_names(language: Language, a: &str, b: &str) -> Ordering {
    match Collator::try_new(CollatorPreferences::from(&locale(language)), CollatorOptions::default()) {
        Ok(collator) => collator.compare(a, b),
        Err(_) => a.cmp(b),
    }
}

/// Names people commonly type that CLDR's standard and short names do not cover.
const COMMON_NAMES: &[(&str, &str)] = &[
    ("usa", "US"),
    ("u s a", "US"),
    ("u s", "US"),
    ("america", "US"),
    ("united states of america", "US"),
    ("eeuu", "US"),
    ("ee uu", "US"),
    ("england", "GB"),
    ("great britain", "GB"),
    ("britain", "GB"),
    ("ivory coast", "CI"),
    ("cote d ivoire", "CI"),
    ("costa de marfil", "CI"),
    ("russia", "RU"),
    ("south korea", "KR"),
    ("korea", "KR"),
    ("coree du sud", "KR"),
    ("corea del sur", "KR"),
    ("north korea", "KP"),
    ("iran", "IR"),
    ("vietnam", "VN"),
    ("viet nam", "VN"),
    ("holland", "NL"),
    ("czech republic", "CZ"),
    ("turkey", "TR"),
    ("swaziland", "SZ"),
    ("burma", "MM"),
    ("macedonia", "MK"),
    ("drc", "CD"),
    ("dr congo", "CD"),
    ("palestine", "PS"),
    ("bolivia", "BO"),
    ("venezuela", "VE"),
    ("tanzania", "TZ"),
    ("syria", "SY"),
    ("laos", "LA"),
    ("moldova", "MD"),
];

/// The text reduced to what matching compares: letters and digits, accents removed, lower
/// case, one space between words; apostrophes vanish ("Côte d’Ivoire" → "cote divoire").
pub fn match_key(text: &str) -> String {
    let decomposed = icu_normalizer::DecomposingNormalizerBorrowed::new_nfd().normalize(text);
    let mut key = String::with_capacity(text.len());
    let mut space = false;
    for c in decomposed.chars() {
        if matches!(c, '\u{300}'..='\u{36F}' | '\'' | '’' | '`' | 'ʼ') {
            continue;
        }
        if c.is_alphanumeric() {
            if space && !key.is_empty() {
                key.push(' ');
            }
            space = false;
            key.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    key
}

fn free_text_index() -> &'static HashMap<String, CountryCode> {
    static INDEX: OnceLock<HashMap<String, CountryCode>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = HashMap::new();
        for code in CountryCode::all() {
            index.insert(match_key(code.as_str()), code);
            if let Some(iso) = rust_iso3166::from_alpha2(code.as_str()) {
                index.insert(match_key(iso.alpha3), code);
                index.entry(match_key(iso.name)).or_insert(code);
                // ISO's inverted names read the other way round too: "Korea (Republic of)"
                // is typed "Republic of Korea".
                let inverted =
                    iso.name.split_once(" (").map(|(head, tail)| (head, tail.trim_end_matches(')')));
                if let Some((head, tail)) = inverted.or_else(|| iso.name.split_once(", ")) {
                    index.entry(match_key(&format!("{tail} {head}"))).or_insert(code);
                }
            }
        }
        for language in Language::ALL {
            for (code, name) in cldr_names(language, Some(Style::Short)) {
                index.entry(match_key(name)).or_insert(code);
            }
            for (code, name) in names(language) {
                index.insert(match_key(name), *code);
            }
        }
        for (alias, code) in COMMON_NAMES {
            if let Some(code) = CountryCode::parse(code) {
                index.entry((*alias).to_owned()).or_insert(code);
            }
        }
        index
    })
}

/// The code that free text names, if it names one: a code (alpha-2 or alpha-3), a name in
/// English, French or Spanish (standard or short), or a common name ("USA", "Ivory Coast"),
/// in any case, with or without accents and extra spaces.
pub fn match_free_text(text: &str) -> Option<CountryCode> {
    let key = match_key(text);
    if key.is_empty() {
        return None;
    }
    free_text_index().get(&key).copied()
}

/// Longest country text a form may send (a name, when a browser fills the list by name).
pub const COUNTRY_MAX: usize = 80;

/// The country field of a form: a code from the list (or a country's name, as some browsers'
/// autofill sends), or nothing. Anything else is refused with a message.
pub fn parse_country(field: &'static str, raw: &str) -> Result<Option<CountryCode>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let unknown = || FieldError::new(field, "error-country-unknown");
    if raw.chars().count() > COUNTRY_MAX {
        return Err(unknown());
    }
    match CountryCode::parse(raw) {
        Some(code) => Ok(Some(code)),
        None if raw.chars().count() > 3 => match_free_text(raw).map(Some).ok_or_else(unknown),
        None => Err(unknown()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> CountryCode {
        CountryCode::parse(text).expect("a known code")
    }

    #[test]
    fn names_come_in_the_readers_language() {
        assert_eq!(code("CI").name(Language::En), "Côte d’Ivoire");
        assert_eq!(code("DE").name(Language::Fr), "Allemagne");
        assert_eq!(code("DE").name(Language::Es), "Alemania");
    }

    #[test]
    fn the_list_is_sorted_for_its_reader() {
        let french = choices(Language::Fr);
        let position = |name: &str| french.iter().position(|(_, n)| *n == name).expect(name);
        assert!(position("Égypte") < position("Équateur"));
        assert!(position("Égypte") > position("Dominique"), "É sorts among the E");
        assert!(choices(Language::En).len() >= 249);
    }

    #[test]
    fn messy_free_text_is_matched_to_codes() {
        for (text, expected) in [
            ("kenya ", "KE"),
            ("  KENYA", "KE"),
            ("Côte d'Ivoire", "CI"),
            ("cote d ivoire", "CI"),
            ("Ivory Coast", "CI"),
            ("USA", "US"),
            ("États-Unis", "US"),
            ("Estados Unidos", "US"),
            ("México", "MX"),
            ("mexico", "MX"),
            ("Royaume-Uni", "GB"),
            ("UK", "GB"),
            ("Allemagne", "DE"),
            ("Brasil", "BR"),
            ("Republic of Korea", "KR"),
            ("ir", "IR"),
        ] {
            assert_eq!(match_free_text(text), Some(code(expected)), "{text:?}");
        }
        for text in ["", "Atlantis", "Greater Manchester", "Kenya and Uganda"] {
            assert_eq!(match_free_text(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_form_field_takes_only_codes() {
        assert_eq!(parse_country("country", "ke"), Ok(Some(code("KE"))));
        assert_eq!(parse_country("country", ""), Ok(None));
        assert_eq!(parse_country("country", "Kenya"), Ok(Some(code("KE"))), "a name, as autofill sends");
        for bad in ["ZZ", "XX", "Atlantis", "K", "KEN", &"A".repeat(81)] {
            assert_eq!(
                parse_country("country", bad),
                Err(FieldError::new("country", "error-country-unknown")),
                "{bad:?}"
            );
        }
    }
}
