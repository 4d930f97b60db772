//! The organiser's session form, parsed into a clean [`SessionInput`].

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::{ApprovalMode, FieldError, Language, clean_line, clean_text};

/// The form as posted: every field is text.
#[derive(Debug, Clone, Default)]
pub struct SessionForm {
    pub title: String,
    pub series_id: String,
    pub summary: String,
    pub description: String,
    pub language: String,
    pub date: String,
    pub time: String,
    pub timezone: String,
    pub duration: String,
    pub capacity: String,
    pub opens: String,
    pub closes: String,
    pub approval: String,
    pub reminders: String,
    pub follow_up_delay: String,
    pub join_url: String,
    pub recording_url: String,
    /// The texts in each language (the session's own language is left empty).
    pub translations: Vec<TranslationForm>,
}

/// A session's texts in one more language, as posted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TranslationForm {
    pub language: Option<Language>,
    pub title: String,
    pub summary: String,
    pub description: String,
}

impl TranslationForm {
    /// One empty form per language.
    pub fn blank() -> Vec<TranslationForm> {
        Language::ALL
            .iter()
            .map(|&language| TranslationForm { language: Some(language), ..Default::default() })
            .collect()
    }

    /// The form fields of a language's texts: title, summary, description.
    pub fn field_names(language: Language) -> [&'static str; 3] {
        match language {
            Language::En => ["title_en", "summary_en", "description_en"],
            Language::Fr => ["title_fr", "summary_fr", "description_fr"],
            Language::Es => ["title_es", "summary_es", "description_es"],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.title.trim().is_empty() && self.summary.trim().is_empty() && self.description.trim().is_empty()
    }
}

/// A session's texts in a language other than its own, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct TranslationInput {
    pub language: Language,
    pub title: String,
    pub summary: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionInput {
    pub title: String,
    pub series_id: Option<String>,
    pub summary: String,
    pub description: String,
    pub language: Language,
    /// UTC.
    pub starts_at: NaiveDateTime,
    pub timezone: String,
    pub duration_minutes: i32,
    pub capacity: i32,
    pub registration_opens_at: Option<NaiveDateTime>,
    pub registration_closes_at: Option<NaiveDateTime>,
    pub approval_mode: ApprovalMode,
    /// Minutes before the start, normalised ("10080,1440,60").
    pub reminder_offsets: String,
    pub follow_up_delay_minutes: i32,
    pub join_url: Option<String>,
    pub recording_url: Option<String>,
    pub translations: Vec<TranslationInput>,
}

impl SessionForm {
    pub fn from_pairs(get: impl Fn(&str) -> String) -> Self {
        Self {
            title: get("title"),
            series_id: get("series_id"),
            summary: get("summary"),
            description: get("description"),
            language: get("language"),
            date: get("date"),
            time: get("time"),
            timezone: get("timezone"),
            duration: get("duration"),
            capacity: get("capacity"),
            opens: get("opens"),
            closes: get("closes"),
            approval: get("approval"),
            reminders: get("reminders"),
            follow_up_delay: get("follow_up_delay"),
            join_url: get("join_url"),
            recording_url: get("recording_url"),
            translations: Language::ALL
                .iter()
                .map(|&language| {
                    let [title, summary, description] = TranslationForm::field_names(language);
                    TranslationForm {
                        language: Some(language),
                        title: get(title),
                        summary: get(summary),
                        description: get(description),
                    }
                })
                .collect(),
        }
    }

    /// The texts in other languages; an empty language is no translation. A translation needs
    /// at least a title, and the session's own language has its texts in the main fields.
    fn parse_translations(
        &self,
        own: Option<Language>,
        errors: &mut Vec<FieldError>,
    ) -> Vec<TranslationInput> {
        let mut parsed = Vec::new();
        for form in &self.translations {
            let Some(language) = form.language else { continue };
            if form.is_empty() {
                continue;
            }
            let [title_field, summary_field, description_field] = TranslationForm::field_names(language);
            if own == Some(language) {
                errors.push(FieldError::new(title_field, "admin-error-translation-own-language"));
                continue;
            }
            let mut keep = |result: Result<String, FieldError>| {
                result.unwrap_or_else(|e| {
                    errors.push(e);
                    String::new()
                })
            };
            let title = keep(clean_line(title_field, &form.title, 200).and_then(|title| {
                if title.is_empty() {
                    Err(FieldError::new(title_field, "admin-error-translation-title"))
                } else {
                    Ok(title)
                }
            }));
            let summary = keep(clean_line(summary_field, &form.summary, 500));
            let description = keep(clean_text(description_field, &form.description, 10_000));
            parsed.push(TranslationInput { language, title, summary, description });
        }
        parsed
    }

    pub fn parse(&self) -> Result<SessionInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut text = |field: &'static str, raw: &str, max: usize, required: Option<&'static str>| match (
            clean_line(field, raw, max),
            required,
        ) {
            (Ok(v), Some(missing)) if v.is_empty() => {
                errors.push(FieldError::new(field, missing));
                String::new()
            }
            (Ok(v), _) => v,
            (Err(e), _) => {
                errors.push(e);
                String::new()
            }
        };
        let title = text("title", &self.title, 200, Some("admin-error-title-required"));
        let summary = text("summary", &self.summary, 500, None);
        let description = match clean_text("description", &self.description, 10_000) {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let language = Language::parse(&self.language).filter(|_| self.language.len() <= 8);
        if language.is_none() {
            errors.push(FieldError::new("language", "error-language"));
        }
        // A zone of the picker's canonical list (an alias is taken as its canonical zone).
        let zone: Option<Tz> = super::time_zone::canonical(&self.timezone).and_then(|z| z.name.parse().ok());
        if zone.is_none() {
            errors.push(FieldError::new("timezone", "admin-error-timezone"));
        }
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d").ok().filter(plausible_year);
        if date.is_none() {
            errors.push(FieldError::new("date", "admin-error-date"));
        }
        let time = NaiveTime::parse_from_str(self.time.trim(), "%H:%M").ok();
        if time.is_none() {
            errors.push(FieldError::new("time", "admin-error-time"));
        }
        let starts_at = match (date, time, zone) {
            (Some(d), Some(t), Some(z)) => match to_utc(z, d.and_time(t)) {
                Some(utc) => Some(utc),
                None => {
                    errors.push(FieldError::new("time", "admin-error-time-gap"));
                    None
                }
            },
            _ => None,
        };
        let duration = bounded_number(&self.duration, 5, 24 * 60);
        if duration.is_none() {
            errors.push(FieldError::new("duration", "admin-error-duration"));
        }
        let capacity = bounded_number(&self.capacity, 0, 100_000);
        if capacity.is_none() {
            errors.push(FieldError::new("capacity", "admin-error-capacity"));
        }
        let mut window = |field: &'static str, raw: &str| -> Option<NaiveDateTime> {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            let local = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
                .ok()
                .filter(|t| plausible_year(&t.date()));
            match (local, zone) {
                (Some(local), Some(z)) => match to_utc(z, local) {
                    Some(utc) => Some(utc),
                    None => {
                        errors.push(FieldError::new(field, "admin-error-time-gap"));
                        None
                    }
                },
                (None, _) => {
                    errors.push(FieldError::new(field, "admin-error-datetime"));
                    None
                }
                (Some(_), None) => None,
            }
        };
        let opens = window("opens", &self.opens);
        let closes = window("closes", &self.closes);
        if let (Some(o), Some(c)) = (opens, closes)
            && c <= o
        {
            errors.push(FieldError::new("closes", "admin-error-window"));
        }
        let approval_mode = match self.approval.as_str() {
            "" => ApprovalMode::Automatic,
            word => ApprovalMode::parse(word).unwrap_or_else(|| {
                errors.push(FieldError::new("approval", "admin-error-approval"));
                ApprovalMode::Automatic
            }),
        };
        let reminder_offsets = match parse_reminders(&self.reminders) {
            Some(offsets) => offsets,
            None => {
                errors.push(FieldError::new("reminders", "admin-error-reminders"));
                String::new()
            }
        };
        let follow_up_delay = if self.follow_up_delay.trim().is_empty() {
            Some(120)
        } else {
            bounded_number(&self.follow_up_delay, 0, 60 * 24 * 30)
        };
        if follow_up_delay.is_none() {
            errors.push(FieldError::new("follow_up_delay", "admin-error-follow-up"));
        }
        let join_url = optional_url("join_url", &self.join_url, &mut errors);
        let recording_url = optional_url("recording_url", &self.recording_url, &mut errors);
        let translations = self.parse_translations(language, &mut errors);
        let series_id = Some(self.series_id.trim().to_owned()).filter(|s| !s.is_empty());
        if series_id.as_ref().is_some_and(|s| s.len() > 64) {
            errors.push(FieldError::new("series_id", "admin-error-series"));
        }

        match (language, zone, starts_at, duration, capacity, follow_up_delay) {
            (
                Some(language),
                Some(zone),
                Some(starts_at),
                Some(duration),
                Some(capacity),
                Some(follow_up),
            ) if errors.is_empty() => Ok(SessionInput {
                title,
                series_id,
                summary,
                description,
                language,
                starts_at,
                timezone: zone.name().to_owned(),
                duration_minutes: duration,
                capacity,
                registration_opens_at: opens,
                registration_closes_at: closes,
                approval_mode,
                reminder_offsets,
                follow_up_delay_minutes: follow_up,
                join_url,
                recording_url,
                translations,
            }),
            _ => Err(errors),
        }
    }
}

/// Years a session can be in. Dates near the ends of chrono's range (year ±262143) would make
/// the dates derived from a session (reminders, link expiry) overflow, and years past 9999 do
/// not fit the stored timestamp text; a typo such as "20266" is caught too.
fn plausible_year(date: &NaiveDate) -> bool {
    (1970..=2999).contains(&date.year())
}

/// A wall-clock time in a zone as UTC; `None` for a time that does not exist there (the hour
/// skipped when clocks go forward). An ambiguous time (clocks going back) takes the first.
pub fn to_utc(zone: Tz, local: NaiveDateTime) -> Option<NaiveDateTime> {
    zone.from_local_datetime(&local).earliest().map(|t| t.naive_utc())
}

fn bounded_number(raw: &str, min: i32, max: i32) -> Option<i32> {
    raw.trim().parse::<i32>().ok().filter(|n| (min..=max).contains(n))
}

fn optional_url(field: &'static str, raw: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match url::Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() && raw.len() <= 500 => {
            Some(u.to_string())
        }
        _ => {
            errors.push(FieldError::new(field, "admin-error-url"));
            None
        }
    }
}

/// "7d, 1d, 1h, 30m" (or plain minutes) into "10080,1440,60,30"; empty means no reminders.
pub fn parse_reminders(raw: &str) -> Option<String> {
    let mut minutes = Vec::new();
    for part in raw.split([',', ' ', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (number, unit) = match part.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            Some((i, _)) => part.split_at(i),
            None => (part, "m"),
        };
        let n: i32 = number.parse().ok()?;
        let factor = match unit.trim().to_ascii_lowercase().as_str() {
            "m" | "min" => 1,
            "h" => 60,
            "d" | "j" => 1440,
            "w" => 10080,
            _ => return None,
        };
        let total = n.checked_mul(factor).filter(|m| *m > 0 && *m <= 60 * 24 * 60)?;
        minutes.push(total);
    }
    minutes.sort_unstable_by(|a, b| b.cmp(a));
    minutes.dedup();
    Some(minutes.iter().map(i32::to_string).collect::<Vec<_>>().join(","))
}

/// "10080,1440,60" back into "7d, 1d, 1h" for the form.
pub fn format_reminders(offsets: &[i32]) -> String {
    offsets
        .iter()
        .map(|m| {
            if m % 1440 == 0 {
                format!("{}d", m / 1440)
            } else if m % 60 == 0 {
                format!("{}h", m / 60)
            } else {
                format!("{m}m")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SessionForm {
        SessionForm {
            title: "Internationalisation des espaces métropolitains".into(),
            language: "fr".into(),
            date: "2026-03-29".into(),
            time: "15:00".into(),
            timezone: "Europe/Paris".into(),
            duration: "90".into(),
            capacity: "100".into(),
            reminders: "7d, 1d, 1h".into(),
            ..Default::default()
        }
    }

    #[test]
    fn local_time_in_the_chosen_zone_becomes_utc_across_daylight_saving() {
        let input = form().parse().expect("valid");
        // 29 March 2026: Paris is on summer time (UTC+2) from 02:00 that morning.
        assert_eq!(input.starts_at.to_string(), "2026-03-29 13:00:00");
        let mut winter = form();
        winter.date = "2026-03-28".into();
        assert_eq!(winter.parse().expect("valid").starts_at.to_string(), "2026-03-28 14:00:00");
        assert_eq!(input.reminder_offsets, "10080,1440,60");
    }

    #[test]
    fn a_time_skipped_by_the_clock_change_is_refused() {
        let mut gap = form();
        gap.time = "02:30".into();
        assert_eq!(gap.parse().expect_err("gap")[0], FieldError::new("time", "admin-error-time-gap"));
    }

    #[test]
    fn bad_values_each_get_their_message() {
        let bad = SessionForm {
            timezone: "Mars/Olympus".into(),
            duration: "0".into(),
            capacity: "-1".into(),
            reminders: "soon".into(),
            join_url: "javascript:alert(1)".into(),
            opens: "2026-03-20T10:00".into(),
            closes: "2026-03-19T10:00".into(),
            ..form()
        };
        let fields: Vec<_> = bad.parse().expect_err("invalid").iter().map(|e| e.field).collect();
        for field in ["timezone", "duration", "capacity", "reminders", "join_url"] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
    }

    #[test]
    fn reminder_schedules_read_and_write_back() {
        assert_eq!(parse_reminders("1h, 7d,30"), Some("10080,60,30".into()));
        assert_eq!(parse_reminders(""), Some(String::new()));
        assert_eq!(parse_reminders("2x"), None);
        assert_eq!(format_reminders(&[10080, 1440, 60, 30]), "7d, 1d, 1h, 30m");
    }
}
