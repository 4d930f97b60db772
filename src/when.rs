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
    /// The date of the end, when it is another day than the start (a session across
    /// midnight in this zone): a range must then name both dates.
    pub end_date: Option<String>,
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
            end_date: (end.date_naive() != start.date_naive()).then(|| i18n.date(&end)),
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
        format!("{}{} ({}, {})", self.range(), zone, self.offset, self.zone_name)
    }

    /// "date, start–end", or "date, start – end date, end" across midnight.
    pub fn range(&self) -> String {
        match &self.end_date {
            None => format!("{}, {}–{}", self.date, self.start_time, self.end_time),
            Some(end_date) => format!("{}, {} – {}, {}", self.date, self.start_time, end_date, self.end_time),
        }
    }
}

/// A session's time range in another zone (the registrant's), with the zone's name: both
/// dates when it crosses midnight there.
pub fn range_in_zone(i18n: I18n, starts_at: NaiveDateTime, duration_minutes: i32, zone: &str) -> String {
    let when = When::new(i18n, starts_at, duration_minutes, zone);
    format!("{} ({})", when.range(), when.zone_name)
}

/// A moment in a zone, with the zone's name ("Monday 1 December 2026, 14:45 (America/Lima)").
pub fn moment_in_zone(i18n: I18n, at: NaiveDateTime, zone: &str) -> String {
    let local = in_zone(at, zone);
    format!("{}, {} ({})", i18n.date(&local), i18n.time(&local), local.timezone().name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Language;

    fn utc(day: u32, hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, day).and_then(|d| d.and_hms_opt(hour, 0, 0)).expect("time")
    }

    #[test]
    fn a_range_across_midnight_names_both_dates() {
        let i18n = I18n::new(Language::En);
        // 22:00-23:30 UTC is 07:00-08:30 the next morning in Tokyo: one date.
        let tokyo = range_in_zone(i18n, utc(3, 22), 90, "Asia/Tokyo");
        assert_eq!(tokyo.matches("2026").count(), 1, "{tokyo}");
        // In Paris (UTC+1) it is 23:00 on the 3rd until 00:30 on the 4th: both dates.
        let paris = range_in_zone(i18n, utc(3, 22), 90, "Europe/Paris");
        assert!(paris.contains('3') && paris.contains('4') && paris.matches("2026").count() == 2, "{paris}");
        assert!(When::new(i18n, utc(3, 22), 90, "Europe/Paris").line().matches("2026").count() == 2);
        assert!(When::new(i18n, utc(3, 10), 90, "Europe/Paris").end_date.is_none());
    }
}
