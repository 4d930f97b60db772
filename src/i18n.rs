//! The one translation layer: Fluent message files under `locales/`, one folder per language.
//! Templates and emails ask for messages by key; nothing user-facing is written in code.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use unic_langid::langid;

use crate::domain::Language;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around arguments break plain-text emails and copy-paste.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static FR: LanguageIdentifier = langid!("fr");
static ES: LanguageIdentifier = langid!("es");

fn identifier(lang: Language) -> &'static LanguageIdentifier {
    match lang {
        Language::En => &EN,
        Language::Fr => &FR,
        Language::Es => &ES,
    }
}

/// A value passed to a message.
pub enum Arg<'a> {
    Str(Cow<'a, str>),
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Str(Cow::Borrowed(v))
    }
}
impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Str(Cow::Borrowed(v.as_str()))
    }
}
impl<'a> From<&&'a str> for Arg<'a> {
    fn from(v: &&'a str) -> Self {
        Arg::Str(Cow::Borrowed(v))
    }
}
impl<'a> From<&&'a String> for Arg<'a> {
    fn from(v: &&'a String) -> Self {
        Arg::Str(Cow::Borrowed(v.as_str()))
    }
}
impl From<String> for Arg<'_> {
    fn from(v: String) -> Self {
        Arg::Str(Cow::Owned(v))
    }
}
impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Num(v)
    }
}
impl From<&i64> for Arg<'_> {
    fn from(v: &i64) -> Self {
        Arg::Num(*v)
    }
}
impl From<i32> for Arg<'_> {
    fn from(v: i32) -> Self {
        Arg::Num(i64::from(v))
    }
}
impl From<&i32> for Arg<'_> {
    fn from(v: &i32) -> Self {
        Arg::Num(i64::from(*v))
    }
}
impl From<usize> for Arg<'_> {
    fn from(v: usize) -> Self {
        Arg::Num(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<&usize> for Arg<'_> {
    fn from(v: &usize) -> Self {
        Arg::from(*v)
    }
}

/// Messages in one language. Cheap to copy into every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct I18n {
    pub lang: Language,
}

impl I18n {
    pub fn new(lang: Language) -> Self {
        Self { lang }
    }

    /// The language code, for `<html lang>`.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(identifier(self.lang), key)
    }

    pub fn t1<'a>(&self, key: &str, name: &'static str, value: impl Into<Arg<'a>>) -> String {
        self.with_args(key, vec![(name, value.into())])
    }

    pub fn t2<'a, 'b>(
        &self,
        key: &str,
        name1: &'static str,
        value1: impl Into<Arg<'a>>,
        name2: &'static str,
        value2: impl Into<Arg<'b>>,
    ) -> String {
        let args: Vec<(&'static str, Arg<'_>)> =
            vec![(name1, convert(value1.into())), (name2, convert(value2.into()))];
        self.with_args(key, args)
    }

    fn with_args(&self, key: &str, args: Vec<(&'static str, Arg<'_>)>) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .into_iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Str(s) => FluentValue::from(s.into_owned()),
                    Arg::Num(n) => FluentValue::from(n),
                };
                (Cow::Borrowed(name), value)
            })
            .collect();
        LOCALES.lookup_with_args(identifier(self.lang), key, &map)
    }

    /// Whether `key` exists in this language itself (not through the fallback).
    pub fn has(&self, key: &str) -> bool {
        let args: HashMap<Cow<'static, str>, FluentValue<'static>> = [
            "count", "capacity", "max", "name", "title", "date", "zone", "time", "link", "status", "version",
            "minutes", "when", "page", "pages", "total", "members", "count2", "language", "email",
        ]
        .into_iter()
        .map(|name| (Cow::Borrowed(name), FluentValue::from(1)))
        .collect();
        LOCALES.try_lookup_with_args(identifier(self.lang), key, &args).is_some()
    }

    fn chrono_locale(&self) -> chrono::Locale {
        match self.lang {
            Language::En => chrono::Locale::en_GB,
            Language::Fr => chrono::Locale::fr_FR,
            Language::Es => chrono::Locale::es_ES,
        }
    }

    /// A date in the reader's language, e.g. "Wednesday 22 July 2020".
    pub fn date(&self, at: &DateTime<Tz>) -> String {
        at.format_localized(&self.t("format-date"), self.chrono_locale()).to_string()
    }

    /// A time of day, e.g. "16:00".
    pub fn time(&self, at: &DateTime<Tz>) -> String {
        at.format_localized(&self.t("format-time"), self.chrono_locale()).to_string()
    }

    /// The name of a language in this language ("French", "français", "francés").
    pub fn language_name(&self, code: &str) -> String {
        match Language::parse(code) {
            Some(lang) => self.t(&format!("language-{}", lang.code())),
            None => code.to_owned(),
        }
    }
}

fn convert(arg: Arg<'_>) -> Arg<'static> {
    match arg {
        Arg::Str(s) => Arg::Str(Cow::Owned(s.into_owned())),
        Arg::Num(n) => Arg::Num(n),
    }
}

/// Converts a stored UTC instant into a zone, falling back to UTC for an unknown zone name.
pub fn in_zone(at: NaiveDateTime, zone: &str) -> DateTime<Tz> {
    let tz: Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    Utc.from_utc_datetime(&at).with_timezone(&tz)
}

/// "UTC+02:00" style offset of an instant in its zone.
pub fn utc_offset(at: &DateTime<Tz>) -> String {
    let secs = chrono::Offset::fix(at.offset()).local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("UTC{sign}{:02}:{:02}", secs / 3600, (secs % 3600) / 60)
}

/// The message ids of every `.ftl` file of a language, sorted (tests compare languages).
pub fn message_ids(lang: Language) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(lang.code());
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .collect();
    files.sort();
    let text: String = files.iter().map(|f| std::fs::read_to_string(f).unwrap_or_default() + "\n").collect();
    let mut ids: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let (id, _) = line.split_once(" =")?;
            let id = id.trim();
            (!id.is_empty()
                && !line.starts_with([' ', '#', '.', '*', '['])
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .then(|| id.to_owned())
        })
        .collect();
    ids.sort();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_the_way_each_language_writes_them() {
        let at = in_zone(
            chrono::NaiveDate::from_ymd_opt(2020, 7, 22).and_then(|d| d.and_hms_opt(14, 0, 0)).expect("date"),
            "Europe/Madrid",
        );
        assert_eq!(I18n::new(Language::En).date(&at), "Wednesday 22 July 2020");
        assert_eq!(I18n::new(Language::Fr).date(&at), "mercredi 22 juillet 2020");
        assert_eq!(I18n::new(Language::Es).date(&at), "miércoles, 22 de julio de 2020");
        assert_eq!(I18n::new(Language::En).time(&at), "16:00");
        assert_eq!(utc_offset(&at), "UTC+02:00");
    }

    #[test]
    fn plural_rules_follow_the_language() {
        let en = I18n::new(Language::En);
        assert_eq!(en.t1("seats-left", "count", 1), "1 seat left");
        assert_eq!(en.t1("seats-left", "count", 5), "5 seats left");
    }

    #[test]
    fn every_language_has_exactly_the_english_messages() {
        let english = message_ids(Language::En);
        assert!(english.len() > 100, "the English file is read");
        for lang in [Language::Fr, Language::Es] {
            assert_eq!(message_ids(lang), english, "{} differs from English", lang.code());
            for id in &english {
                assert!(I18n::new(lang).has(id), "{id} does not load in {}", lang.code());
            }
        }
    }

    /// Every key named in a template or in the code exists, including the computed ones.
    #[test]
    fn every_key_used_exists() {
        let english: std::collections::HashSet<String> = message_ids(Language::En).into_iter().collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        for dir in ["templates", "src"] {
            collect_files(&root.join(dir), &mut sources);
        }
        let mut used = std::collections::BTreeSet::new();
        for file in sources {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for call in [".t(\"", ".t1(\"", ".t2(\"", "(\"error-"] {
                for piece in text.split(call).skip(1) {
                    let mut key: String =
                        piece.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                    if call.ends_with("error-") {
                        key.insert_str(0, "error-");
                    }
                    if key.contains('-') && !piece[key.len()..].starts_with('{') {
                        used.insert(key);
                    }
                }
            }
        }
        for prefix in ["role-", "status-", "in-language-", "language-"] {
            let suffixes: &[&str] = match prefix {
                "role-" => &["host", "moderator", "keynote", "speaker"],
                "status-" => {
                    &["pending", "awaiting_approval", "confirmed", "waitlisted", "declined", "cancelled"]
                }
                _ => &["en", "fr", "es"],
            };
            for suffix in suffixes {
                used.insert(format!("{prefix}{suffix}"));
            }
        }
        let missing: Vec<_> = used.iter().filter(|k| !english.contains(*k) && !k.ends_with('-')).collect();
        assert!(missing.is_empty(), "keys used but not defined: {missing:?}");
    }

    fn collect_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect_files(&path, out);
            } else {
                out.push(path);
            }
        }
    }
}
