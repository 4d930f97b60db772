//! Rows as they are stored. Enums are kept as text in the database and mapped here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub focal_email: Option<String>,
    pub is_demo: bool,
    pub created_at: NaiveDateTime,
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
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: String,
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
    pub status: String,
    pub join_url: Option<String>,
    pub recording_url: Option<String>,
    pub version: i32,
    pub is_demo: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Minutes before the start at which reminders go out, comma-separated.
    pub reminder_offsets: String,
    pub follow_up_delay_minutes: i32,
    /// `automatic`, or `manual` when an organiser approves each registration.
    pub approval_mode: String,
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
        self.status == "published"
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
    pub session_id: String,
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
    pub session_id: String,
    pub speaker_id: String,
    pub role: String,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub id: String,
    pub session_id: String,
    pub status: String,
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
}

/// A session's title, summary and description in a language other than its own.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = session_translations)]
pub struct SessionTranslation {
    pub session_id: String,
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
    pub registration_id: String,
    pub purpose: String,
    pub granted: bool,
    pub notice_version: String,
    pub recorded_at: NaiveDateTime,
    pub source: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = registration_tokens)]
pub struct RegistrationToken {
    pub token_hash: String,
    pub registration_id: String,
    pub purpose: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxMessage {
    pub id: String,
    pub kind: String,
    pub registration_id: Option<String>,
    pub dedupe_key: String,
    pub payload: String,
    pub status: String,
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
