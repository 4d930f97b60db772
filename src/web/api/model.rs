//! What the API answers: the structs it serialises, which are also, through utoipa's derive,
//! the schemas of its OpenAPI document. Public fields only: never a join address, a
//! registrant, an organiser or an internal id.

use chrono::{NaiveDateTime, SecondsFormat, TimeZone, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use crate::db::models::{Series as SeriesRow, SeriesTranslation, SessionTranslation};
use crate::db::public_api::PublicSession;
use crate::domain::{Language, PanelRole, SessionStatus};
use crate::i18n::in_zone;

/// The interface languages (`en`, `fr`, `es`), as the schema of a value.
pub fn languages_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Language::ALL.iter().map(|l| l.code())))
        .build()
}

fn public_statuses_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            SessionStatus::ALL.iter().filter(|s| **s != SessionStatus::Draft).map(|s| s.as_str()),
        ))
        .description(Some("`cancelled` sessions stay listed; drafts never are."))
        .build()
}

fn panel_roles_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(PanelRole::ALL.iter().map(|r| r.as_str())))
        .build()
}

/// A text in each language it exists in, by language code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Texts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub es: Option<String>,
}

impl Texts {
    /// A series' own text, then each translation that gives it (an empty translated
    /// description means "not translated").
    fn of_series(
        own_language: &str,
        own: &str,
        translations: &[SeriesTranslation],
        field: fn(&SeriesTranslation) -> &str,
    ) -> Self {
        let mut all = Texts::default();
        all.set(own_language, own.to_owned());
        for t in translations.iter().filter(|t| t.language != own_language && !field(t).is_empty()) {
            all.set(&t.language, field(t).to_owned());
        }
        all
    }

    fn set(&mut self, language: &str, text: String) {
        match Language::ALL.into_iter().find(|l| l.code() == language) {
            Some(Language::En) => self.en = Some(text),
            Some(Language::Fr) => self.fr = Some(text),
            Some(Language::Es) => self.es = Some(text),
            None => {}
        }
    }

    fn has(&self, language: Language) -> bool {
        match language {
            Language::En => self.en.is_some(),
            Language::Fr => self.fr.is_some(),
            Language::Es => self.es.is_some(),
        }
    }

    /// The session's own text, then each translation that gives this field (an empty
    /// translated summary or description means "not translated"); with `only`, that language
    /// alone, or the session's own where it has no such translation.
    fn of(
        own_language: &str,
        own: &str,
        translations: &[SessionTranslation],
        field: fn(&SessionTranslation) -> &str,
        only: Option<Language>,
    ) -> Self {
        let mut all = Texts::default();
        all.set(own_language, own.to_owned());
        for t in translations.iter().filter(|t| t.language != own_language) {
            if !field(t).is_empty() {
                all.set(&t.language, field(t).to_owned());
            }
        }
        match only {
            Some(wanted) if all.has(wanted) => {
                let mut one = Texts::default();
                let text = match wanted {
                    Language::En => all.en,
                    Language::Fr => all.fr,
                    Language::Es => all.es,
                };
                one.set(wanted.code(), text.unwrap_or_default());
                one
            }
            Some(_) => {
                let mut one = Texts::default();
                one.set(own_language, own.to_owned());
                one
            }
            None => all,
        }
    }
}

/// A moment in UTC, RFC 3339.
fn utc(at: NaiveDateTime) -> String {
    Utc.from_utc_datetime(&at).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The same moment as the wall clock of `zone` shows it, RFC 3339 with that zone's offset.
fn local(at: NaiveDateTime, zone: &str) -> String {
    in_zone(at, zone).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// The series a session belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeriesRef {
    pub slug: String,
    /// In the series' own language.
    pub title: String,
    /// The title in every language it has been given, the series' own included.
    pub titles: Texts,
    /// This series in the API.
    #[schema(format = "uri")]
    pub api_url: String,
}

/// A speaker on a session's panel: the fields the session page shows, nothing else.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PanelMember {
    pub name: String,
    /// E.g. "Dr."; may be empty.
    pub honorific: String,
    pub position: String,
    pub organisation: String,
    pub bio: String,
    #[schema(schema_with = panel_roles_schema)]
    pub role: PanelRole,
    /// The speaker's photograph, when there is one.
    #[schema(format = "uri")]
    pub photo_url: Option<String>,
}

/// A document published with a session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Document {
    pub title: String,
    #[schema(format = "uri")]
    pub url: String,
}

/// A public session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Session {
    pub slug: String,
    /// The language the session is held in.
    #[schema(schema_with = languages_schema)]
    pub language: String,
    pub title: Texts,
    pub summary: Texts,
    pub description: Texts,
    pub series: Option<SeriesRef>,
    #[schema(schema_with = public_statuses_schema)]
    pub status: SessionStatus,
    /// The start, in UTC.
    #[schema(format = DateTime)]
    pub starts_at: String,
    /// The end, in UTC.
    #[schema(format = DateTime)]
    pub ends_at: String,
    /// The zone the session was planned in (IANA name).
    pub time_zone: String,
    /// The start as the planned zone's clock shows it, with its offset.
    #[schema(format = DateTime)]
    pub local_starts_at: String,
    #[schema(format = DateTime)]
    pub local_ends_at: String,
    #[schema(minimum = 0)]
    pub duration_minutes: i32,
    /// Seats in all.
    #[schema(minimum = 0)]
    pub capacity: i32,
    /// Seats not yet taken by a confirmed registration (0 when full: registering then joins
    /// the waiting list). Null for a session that is cancelled or has started.
    #[schema(minimum = 0)]
    pub seats_left: Option<i64>,
    /// Whether registration is open now.
    pub registration_open: bool,
    /// When registration opens or closes, when set (UTC).
    #[schema(format = DateTime)]
    pub registration_opens_at: Option<String>,
    #[schema(format = DateTime)]
    pub registration_closes_at: Option<String>,
    /// Demonstration data, not a real session.
    pub demo: bool,
    /// The session's public page.
    #[schema(format = "uri")]
    pub url: String,
    /// Where to register (while registration is open).
    #[schema(format = "uri")]
    pub register_url: String,
    /// This session in the API.
    #[schema(format = "uri")]
    pub api_url: String,
    /// The recording, once the session is over and when there is one.
    #[schema(format = "uri")]
    pub recording_url: Option<String>,
    pub panel: Vec<PanelMember>,
    pub documents: Vec<Document>,
}

impl Session {
    pub fn of(found: PublicSession, base: &str, only: Option<Language>, now: NaiveDateTime) -> Self {
        let PublicSession {
            session: s,
            series,
            confirmed,
            translations,
            panel,
            documents,
            series_translations,
        } = found;
        let own = s.language.as_str();
        let ends_at = s.ends_at();
        let open_for_seats = !s.is_cancelled() && now < s.starts_at;
        Session {
            title: Texts::of(own, &s.title, &translations, |t| &t.title, only),
            summary: Texts::of(own, &s.summary, &translations, |t| &t.summary, only),
            description: Texts::of(own, &s.description, &translations, |t| &t.description, only),
            series: series.map(|r| SeriesRef {
                api_url: format!("{base}/api/v1/series/{}", r.slug),
                titles: Texts::of_series(&r.language, &r.title, &series_translations, |t| &t.title),
                slug: r.slug,
                title: r.title,
            }),
            status: s.status,
            starts_at: utc(s.starts_at),
            ends_at: utc(ends_at),
            local_starts_at: local(s.starts_at, &s.timezone),
            local_ends_at: local(ends_at, &s.timezone),
            time_zone: s.timezone.clone(),
            duration_minutes: s.duration_minutes,
            capacity: s.capacity,
            seats_left: open_for_seats.then(|| (i64::from(s.capacity) - confirmed).max(0)),
            registration_open: s.registration_open(now),
            registration_opens_at: s.registration_opens_at.map(utc),
            registration_closes_at: s.registration_closes_at.map(utc),
            demo: s.is_demo,
            url: format!("{base}/sessions/{}", s.slug),
            register_url: format!("{base}/sessions/{}/register", s.slug),
            api_url: format!("{base}/api/v1/sessions/{}", s.slug),
            recording_url: s.recording_url.clone().filter(|_| now >= ends_at),
            panel: panel
                .into_iter()
                .map(|(entry, speaker)| PanelMember {
                    photo_url: speaker
                        .photo_path
                        .as_ref()
                        .map(|_| format!("{base}/speakers/{}/photo", speaker.id)),
                    name: speaker.name,
                    honorific: speaker.honorific,
                    position: speaker.position,
                    organisation: speaker.organisation,
                    bio: speaker.bio,
                    role: entry.role,
                })
                .collect(),
            documents: documents.into_iter().map(|d| Document { title: d.title, url: d.url }).collect(),
            language: s.language.clone(),
            slug: s.slug,
        }
    }
}

/// A public series (one with at least one published or cancelled session).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Series {
    pub slug: String,
    /// In the series' own language (`language`).
    pub title: String,
    pub description: String,
    /// The language `title` and `description` are written in.
    #[schema(schema_with = languages_schema)]
    pub language: String,
    /// The title in every language it has been given, the series' own included.
    pub titles: Texts,
    /// The description in every language it has been given, the series' own included.
    pub descriptions: Texts,
    /// Demonstration data, not a real series.
    pub demo: bool,
    /// This series in the API.
    #[schema(format = "uri")]
    pub api_url: String,
    /// Its sessions in the API.
    #[schema(format = "uri")]
    pub sessions_url: String,
}

impl Series {
    pub fn of((row, translations): (SeriesRow, Vec<SeriesTranslation>), base: &str) -> Self {
        Series {
            titles: Texts::of_series(&row.language, &row.title, &translations, |t| &t.title),
            descriptions: Texts::of_series(&row.language, &row.description, &translations, |t| {
                &t.description
            }),
            language: row.language.clone(),
            api_url: format!("{base}/api/v1/series/{}", row.slug),
            sessions_url: format!(
                "{base}/api/v1/sessions?series={}",
                url::form_urlencoded::byte_serialize(row.slug.as_bytes()).collect::<String>()
            ),
            slug: row.slug,
            title: row.title,
            description: row.description,
            demo: row.is_demo,
        }
    }
}

/// A page of sessions, soonest first (by start, then slug).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionList {
    pub items: Vec<Session>,
    /// The next page, or null on the last (also sent as a `Link` header, rel="next").
    #[schema(format = "uri")]
    pub next: Option<String>,
}

/// A page of series, by slug.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeriesList {
    pub items: Vec<Series>,
    /// The next page, or null on the last (also sent as a `Link` header, rel="next").
    #[schema(format = "uri")]
    pub next: Option<String>,
}
