//! Rows as they are stored. Statuses, modes, roles and kinds are domain enums here, kept as
//! text in the database (`sql_types` maps them).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::*;
use crate::domain::{
    ApprovalMode, CONSENT_VERSION, ConsentPurpose, ConsentSource, MessageKind, OrganisationKind,
    OutboxStatus, PanelRole, RegistrationId, RegistrationInput, RegistrationStatus, SessionId, SessionStatus,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub country: String,
    pub focal_email: Option<String>,
    pub is_demo: bool,
    pub created_at: NaiveDateTime,
    /// The focal point's name (may be empty) and the language they read (`en`, `fr`, `es`).
    pub focal_name: String,
    pub focal_language: String,
}

impl Organisation {
    pub fn is_member(&self) -> bool {
        self.kind == OrganisationKind::Member
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = series)]
pub struct Series {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub is_demo: bool,
    pub created_at: NaiveDateTime,
    /// The language the title and description are written in (`en`, `fr` or `es`).
    pub language: String,
}

/// A series' title and description in a language other than its own.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = series_translations)]
pub struct SeriesTranslation {
    pub series_id: String,
    pub language: String,
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: SessionId,
    pub series_id: Option<String>,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub language: String,
    pub starts_at: NaiveDateTime,
    pub timezone: String,
    pub duration_minutes: i32,
    pub capacity: i32,
    pub registration_opens_at: Option<NaiveDateTime>,
    pub registration_closes_at: Option<NaiveDateTime>,
    pub status: SessionStatus,
    pub join_url: Option<String>,
    pub recording_url: Option<String>,
    pub version: i32,
    pub is_demo: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Minutes before the start at which reminders go out, comma-separated.
    pub reminder_offsets: String,
    pub follow_up_delay_minutes: i32,
    pub approval_mode: ApprovalMode,
}

impl Session {
    /// The reminder offsets in minutes, largest (earliest reminder) first.
    pub fn reminder_offsets(&self) -> Vec<i32> {
        parse_offsets(&self.reminder_offsets)
    }

    pub fn ends_at(&self) -> NaiveDateTime {
        self.starts_at + chrono::Duration::minutes(i64::from(self.duration_minutes))
    }

    pub fn is_published(&self) -> bool {
        self.status == SessionStatus::Published
    }

    pub fn is_draft(&self) -> bool {
        self.status == SessionStatus::Draft
    }

    pub fn is_cancelled(&self) -> bool {
        self.status == SessionStatus::Cancelled
    }

    /// An organiser (or a focal point) approves each registration.
    pub fn needs_approval(&self) -> bool {
        matches!(self.approval_mode, ApprovalMode::Manual | ApprovalMode::FocalPoint)
    }

    /// Registration is open while the session is published, has not started, and `now` is
    /// inside the registration window (when one is set).
    pub fn registration_open(&self, now: NaiveDateTime) -> bool {
        self.is_published()
            && now < self.starts_at
            && self.registration_opens_at.is_none_or(|t| now >= t)
            && self.registration_closes_at.is_none_or(|t| now < t)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = session_documents)]
pub struct SessionDocument {
    pub id: String,
    pub session_id: SessionId,
    pub title: String,
    pub url: String,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = speakers)]
pub struct Speaker {
    pub id: String,
    pub name: String,
    pub honorific: String,
    pub position: String,
    pub organisation: String,
    pub bio: String,
    pub photo_path: Option<String>,
    pub is_demo: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = panel_entries)]
pub struct PanelEntry {
    pub id: String,
    pub session_id: SessionId,
    pub speaker_id: String,
    pub role: PanelRole,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub id: RegistrationId,
    pub session_id: SessionId,
    pub status: RegistrationStatus,
    pub name: String,
    pub email: String,
    pub email_normalized: String,
    pub organisation_id: Option<String>,
    pub organisation_other: Option<String>,
    pub position: String,
    pub country: String,
    pub language: String,
    pub timezone: Option<String>,
    pub needs: String,
    pub consent_at: NaiveDateTime,
    pub consent_version: String,
    pub newsletter: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub waitlisted_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    /// Unknown (`None`) until attendance is recorded.
    pub attended: Option<bool>,
    pub reminders_opt_out: bool,
    /// Agreed to be listed among the session's participants (withdrawable).
    pub listed: bool,
    /// The SEQUENCE of the registration's calendar entry (RFC 5546): raised for every message
    /// with a calendar part, over the registration's whole life. Not personal data.
    pub calendar_sequence: i32,
    /// Stopped the organisers' announcements (takes effect on messages not yet sent).
    pub announcements_opt_out: bool,
    /// Country text typed before countries were codes that matched no code (`country` is
    /// then empty), for organisers to fix.
    pub country_unmatched: Option<String>,
    /// A new address the person asked for, until its mailbox confirms it.
    pub pending_email: Option<String>,
}

impl Registration {
    /// A new pending registration with the given details and nothing else recorded yet. Code
    /// that needs another status or date sets it with struct update syntax
    /// (`Registration { status: …, ..Registration::pending(…) }`), so a new column is added
    /// here and in [`RegistrationDetails`] only.
    pub fn pending(session_id: &SessionId, details: RegistrationDetails, now: NaiveDateTime) -> Self {
        let RegistrationDetails {
            name,
            email,
            email_normalized,
            organisation_id,
            organisation_other,
            position,
            country,
            language,
            timezone,
            needs,
            consent_at,
            consent_version,
            newsletter,
            listed,
        } = details;
        Registration {
            id: RegistrationId::new(),
            session_id: session_id.clone(),
            status: RegistrationStatus::Pending,
            name,
            email,
            email_normalized,
            organisation_id,
            organisation_other,
            position,
            country,
            language,
            timezone,
            needs,
            consent_at,
            consent_version,
            newsletter,
            created_at: now,
            updated_at: now,
            confirmed_at: None,
            waitlisted_at: None,
            cancelled_at: None,
            attended: None,
            reminders_opt_out: false,
            listed,
            calendar_sequence: 0,
            announcements_opt_out: false,
            country_unmatched: None,
            pending_email: None,
        }
    }
}

/// What the registration form sets, and a new submission of it replaces: a registration's own
/// details, with the consents given on the form.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = registrations, treat_none_as_null = true)]
pub struct RegistrationDetails {
    pub name: String,
    pub email: String,
    pub email_normalized: String,
    pub organisation_id: Option<String>,
    pub organisation_other: Option<String>,
    pub position: String,
    pub country: String,
    pub language: String,
    pub timezone: Option<String>,
    pub needs: String,
    pub consent_at: NaiveDateTime,
    pub consent_version: String,
    pub newsletter: bool,
    pub listed: bool,
}

impl RegistrationDetails {
    /// The details a form submission gives, with its organisation resolved (a listed one's id,
    /// or the typed name) and the country to record.
    pub fn from_input(
        input: &RegistrationInput,
        organisation_id: Option<String>,
        organisation_other: Option<String>,
        country: String,
        now: NaiveDateTime,
    ) -> Self {
        RegistrationDetails {
            name: input.name.clone(),
            email: input.email.clone(),
            email_normalized: input.email_normalized.clone(),
            organisation_id,
            organisation_other,
            position: input.position.clone(),
            country,
            language: input.language.code().into(),
            timezone: input.timezone.clone(),
            needs: input.needs.clone(),
            consent_at: now,
            consent_version: CONSENT_VERSION.into(),
            newsletter: input.newsletter,
            listed: input.listed,
        }
    }

    /// Whether `registration` already holds these details (the consent's time aside).
    pub fn same_as(&self, registration: &Registration) -> bool {
        // Destructured, so that a new field cannot be forgotten here.
        let RegistrationDetails {
            name,
            email,
            email_normalized,
            organisation_id,
            organisation_other,
            position,
            country,
            language,
            timezone,
            needs,
            consent_at: _,
            consent_version,
            newsletter,
            listed,
        } = self;
        *name == registration.name
            && *email == registration.email
            && *email_normalized == registration.email_normalized
            && *organisation_id == registration.organisation_id
            && *organisation_other == registration.organisation_other
            && *position == registration.position
            && *country == registration.country
            && *language == registration.language
            && *timezone == registration.timezone
            && *needs == registration.needs
            && *consent_version == registration.consent_version
            && *newsletter == registration.newsletter
            && *listed == registration.listed
    }

    /// Details for tests, benchmarks and demo data: a person at an organisation typed by name,
    /// with every optional detail empty and no optional consent.
    pub fn sample(name: &str, email: &str, now: NaiveDateTime) -> Self {
        RegistrationDetails {
            name: name.to_owned(),
            email: email.to_owned(),
            email_normalized: email.to_lowercase(),
            organisation_id: None,
            organisation_other: None,
            position: String::new(),
            country: String::new(),
            language: "en".into(),
            timezone: None,
            needs: String::new(),
            consent_at: now,
            consent_version: CONSENT_VERSION.into(),
            newsletter: false,
            listed: false,
        }
    }
}

/// A session's title, summary and description in a language other than its own.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = session_translations)]
pub struct SessionTranslation {
    pub session_id: SessionId,
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
}

/// One consent given or withdrawn, for one purpose, with the notice version shown.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consents)]
pub struct Consent {
    pub id: String,
    pub registration_id: RegistrationId,
    pub purpose: ConsentPurpose,
    pub granted: bool,
    pub notice_version: String,
    pub recorded_at: NaiveDateTime,
    pub source: ConsentSource,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxMessage {
    pub id: String,
    pub kind: MessageKind,
    pub registration_id: Option<RegistrationId>,
    pub dedupe_key: String,
    pub payload: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub message_id: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().hyphenated().to_string()
}

/// The default schedule: 7 days, 1 day and 1 hour before the start.
pub const DEFAULT_REMINDER_OFFSETS: &str = "10080,1440,60";

/// Parses "10080, 1440,60" into positive minutes, largest first, without duplicates.
pub fn parse_offsets(text: &str) -> Vec<i32> {
    let mut offsets: Vec<i32> =
        text.split(',').filter_map(|part| part.trim().parse::<i32>().ok()).filter(|m| *m > 0).collect();
    offsets.sort_unstable_by(|a, b| b.cmp(a));
    offsets.dedup();
    offsets
}
