//! A session's time in words and instants, for pages and emails alike (so email does not
//! depend on the web layer).

use chrono::NaiveDateTime;

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
