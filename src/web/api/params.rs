//! The API's query parameters: read from the query string by hand, so that every refused one
//! is named in the problem document with its reason (serde's extractor stops at the first and
//! says it in its own words), and the cursors of its pages.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use utoipa::IntoParams;
use utoipa::openapi::schema::Object;

use super::model::languages_schema;
use crate::db::public_api::{SessionFilter, SessionPosition};
use crate::domain::Language;

/// Items per page when `limit` is not given, and the most a page holds.
pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// A refused parameter: its name and the message key of the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub name: String,
    pub reason_key: &'static str,
}

/// The query string as name and value pairs, decoded (invalid UTF-8 replaced), and the
/// parameters refused so far.
pub struct Query {
    pairs: Vec<(String, String)>,
    pub errors: Vec<Refused>,
}

impl Query {
    pub fn parse(query_string: &str) -> Self {
        let pairs = url::form_urlencoded::parse(query_string.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Self { pairs, errors: Vec::new() }
    }

    fn refuse(&mut self, name: &str, reason_key: &'static str) {
        if !self.errors.iter().any(|e| e.name == name) {
            self.errors.push(Refused { name: name.to_owned(), reason_key });
        }
    }

    /// The value of `name` when given once; a parameter given twice is refused.
    fn one(&mut self, name: &str) -> Option<String> {
        let mut values = self.pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone());
        let first = values.next();
        if values.next().is_some() {
            self.refuse(name, "api-param-repeated");
            return None;
        }
        first
    }

    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.one(name)?.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.refuse(name, "api-param-boolean");
                None
            }
        }
    }

    pub fn language(&mut self, name: &str) -> Option<Language> {
        let value = self.one(name)?;
        let found = Language::ALL.into_iter().find(|l| l.code() == value);
        if found.is_none() {
            self.refuse(name, "api-param-language");
        }
        found
    }

    pub fn text(&mut self, name: &str) -> Option<String> {
        self.one(name)
    }

    /// `limit`: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when not given.
    pub fn limit(&mut self) -> i64 {
        let Some(value) = self.one("limit") else {
            return DEFAULT_LIMIT;
        };
        match value.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                self.refuse("limit", "api-param-limit");
                DEFAULT_LIMIT
            }
        }
    }

    /// `cursor`, read by `decode`; a value it does not read is refused.
    pub fn cursor<T>(&mut self, decode: fn(&str) -> Option<T>) -> Option<T> {
        let value = self.one("cursor")?;
        let cursor = decode(&value);
        if cursor.is_none() {
            self.refuse("cursor", "api-param-cursor");
        }
        cursor
    }
}

/// The parameters of `GET /api/v1/sessions`.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionsQuery {
    /// `true`: only sessions that have not started yet; `false`: only those that have.
    /// Not given: both.
    pub upcoming: Option<bool>,
    /// Only the sessions of the series with this slug.
    pub series: Option<String>,
    #[param(schema_with = held_in)]
    pub language: Option<String>,
    #[param(schema_with = texts_in)]
    pub lang: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// Where the page starts: the `cursor` of a previous page's `next` link.
    pub cursor: Option<String>,
}

/// What a sessions list asks for, once read.
pub struct SessionsRequest {
    pub filter: SessionFilter,
    pub lang: Option<Language>,
    pub limit: i64,
    pub after: Option<SessionPosition>,
}

impl SessionsRequest {
    pub fn read(query: &mut Query) -> Self {
        let filter = SessionFilter {
            upcoming: query.boolean("upcoming"),
            series: query.text("series"),
            language: query.language("language").map(|l| l.code().to_owned()),
        };
        let lang = query.language("lang");
        let limit = query.limit();
        let after = query.cursor(decode_session_cursor);
        Self { filter, lang, limit, after }
    }
}

/// The parameters of `GET /api/v1/series`.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// Where the page starts: the `cursor` of a previous page's `next` link.
    pub cursor: Option<String>,
}

/// The parameters of one session's address.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    #[param(schema_with = texts_in)]
    pub lang: Option<String>,
}

// A parameter whose schema is given keeps no doc comment: these carry their description.
fn held_in() -> Object {
    let mut schema = languages_schema();
    schema.description = Some("Only the sessions held in this language.".into());
    schema
}

fn texts_in() -> Object {
    let mut schema = languages_schema();
    schema.description = Some(
        "Give the texts in this language only (or in the session's own language where it has \
         no translation into it). Not given: every language the texts exist in."
            .into(),
    );
    schema
}

const SESSION_CURSOR: &str = "s1";
const SERIES_CURSOR: &str = "r1";
const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// What may be a slug: not empty, not huge, no control character (PostgreSQL refuses NUL).
fn is_slug(s: &str) -> bool {
    !s.is_empty() && s.len() <= 500 && !s.chars().any(char::is_control)
}

fn decode(value: &str) -> Option<String> {
    String::from_utf8(URL_SAFE_NO_PAD.decode(value).ok()?).ok()
}

pub fn session_cursor(at: &SessionPosition) -> String {
    URL_SAFE_NO_PAD.encode(format!("{SESSION_CURSOR}|{}|{}", at.starts_at.format(CURSOR_TIME), at.slug))
}

pub fn decode_session_cursor(value: &str) -> Option<SessionPosition> {
    let text = decode(value)?;
    let mut parts = text.splitn(3, '|');
    if parts.next()? != SESSION_CURSOR {
        return None;
    }
    let starts_at = NaiveDateTime::parse_from_str(parts.next()?, CURSOR_TIME).ok()?;
    let slug = parts.next()?;
    is_slug(slug).then(|| SessionPosition { starts_at, slug: slug.to_owned() })
}

pub fn series_cursor(slug: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{SERIES_CURSOR}|{slug}"))
}

pub fn decode_series_cursor(value: &str) -> Option<String> {
    let text = decode(value)?;
    let slug = text.strip_prefix(SERIES_CURSOR)?.strip_prefix('|')?;
    is_slug(slug).then(|| slug.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(s: &str) -> Query {
        Query::parse(s)
    }

    #[test]
    fn cursors_read_back_what_they_wrote() {
        let at = SessionPosition {
            starts_at: NaiveDateTime::parse_from_str("2026-12-03T09:30:00.123456", CURSOR_TIME)
                .expect("time"),
            slug: "a-session-2026".into(),
        };
        assert_eq!(decode_session_cursor(&session_cursor(&at)), Some(at));
        assert_eq!(decode_series_cursor(&series_cursor("my-series")).as_deref(), Some("my-series"));
        for bad in
            ["", "!!", "czE", &series_cursor("x"), &URL_SAFE_NO_PAD.encode("s1|2026-01-01T00:00:00|a\0b")]
        {
            assert_eq!(decode_session_cursor(bad), None, "{bad:?}");
        }
        assert_eq!(
            decode_series_cursor(&session_cursor(&SessionPosition {
                starts_at: NaiveDateTime::default(),
                slug: "x".into()
            })),
            None
        );
    }

    #[test]
    fn every_refused_parameter_is_named_once() {
        let mut q = query("limit=0&upcoming=yes&language=de&lang=fr&lang=es&cursor=zz&series=x");
        let request = SessionsRequest::read(&mut q);
        let names: Vec<&str> = q.errors.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["upcoming", "language", "lang", "limit", "cursor"]);
        assert_eq!(request.filter.series.as_deref(), Some("x"));
    }

    #[test]
    fn limits_default_and_stay_in_bounds() {
        assert_eq!(query("").limit(), DEFAULT_LIMIT);
        assert_eq!(query("limit=100").limit(), 100);
        for bad in ["limit=101", "limit=-1", "limit=1.5", "limit=", "limit=99999999999999999999"] {
            let mut q = query(bad);
            q.limit();
            assert_eq!(q.errors.len(), 1, "{bad}");
        }
    }
}
