//! A session's feedback survey: who may answer, when it is open, and the answer form parsed
//! into checked values (no I/O).

use chrono::{Duration, NaiveDateTime};

use super::field::{FieldError, clean_line, clean_text};
use super::status::RegistrationStatus;

/// Days a survey stays open after the session's end, unless the organiser says otherwise.
pub const SURVEY_CLOSE_DAYS_DEFAULT: i32 = 14;
/// The longest an organiser may keep a survey open after the end.
pub const SURVEY_CLOSE_DAYS_MAX: i32 = 365;
pub const SURVEY_COMMENT_MAX: usize = 2000;
pub const SURVEY_TOPICS_MAX: usize = 500;
/// An organiser's own wording of an intro or a thank-you.
pub const SURVEY_TEXT_MAX: usize = 1000;
/// An organiser's own wording of a question.
pub const SURVEY_QUESTION_MAX: usize = 200;

/// A score from 1 (lowest) to 5 (highest): the overall rating and the usefulness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score(u8);

impl Score {
    pub const ALL: [u8; 5] = [1, 2, 3, 4, 5];

    pub fn new(value: i64) -> Option<Score> {
        u8::try_from(value).ok().filter(|v| (1..=5).contains(v)).map(Score)
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// Who may answer: a confirmed registration not marked absent. A registration marked attended
/// is confirmed; one not marked either way may answer too, as many sessions never import
/// attendance. Pending, waiting, declined, cancelled and erased registrations did not take part.
pub fn may_answer(status: RegistrationStatus, attended: Option<bool>) -> bool {
    status == RegistrationStatus::Confirmed && attended != Some(false)
}

/// When a survey can be answered, from the session's end to `close_days` later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurveyWindow {
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
}

/// Where a survey stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyPhase {
    NotYet,
    Open,
    Closed,
}

impl SurveyWindow {
    pub fn after(session_ends_at: NaiveDateTime, close_days: i32) -> Self {
        Self { opens_at: session_ends_at, closes_at: session_ends_at + Duration::days(i64::from(close_days)) }
    }

    pub fn phase(&self, now: NaiveDateTime) -> SurveyPhase {
        if now < self.opens_at {
            SurveyPhase::NotYet
        } else if now < self.closes_at {
            SurveyPhase::Open
        } else {
            SurveyPhase::Closed
        }
    }
}

/// The answer form as posted: text, so that anything odd becomes a message by its field.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SurveyForm {
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub usefulness: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub topics: String,
}

/// A checked answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyAnswer {
    pub rating: Score,
    pub usefulness: Score,
    pub comment: String,
    pub topics: String,
}

fn parse_score(field: &'static str, raw: &str) -> Result<Score, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, "survey-error-score-required"));
    }
    raw.parse::<i64>().ok().and_then(Score::new).ok_or(FieldError::new(field, "survey-error-score-range"))
}

impl SurveyForm {
    /// Every field's error, in the form's order, or the checked answer.
    pub fn parse(&self) -> Result<SurveyAnswer, Vec<FieldError>> {
        let rating = parse_score("rating", &self.rating);
        let usefulness = parse_score("usefulness", &self.usefulness);
        let comment = clean_text("comment", &self.comment, SURVEY_COMMENT_MAX);
        let topics = clean_line("topics", &self.topics, SURVEY_TOPICS_MAX);
        match (rating, usefulness, comment, topics) {
            (Ok(rating), Ok(usefulness), Ok(comment), Ok(topics)) => {
                Ok(SurveyAnswer { rating, usefulness, comment, topics })
            }
            (rating, usefulness, comment, topics) => {
                Err([rating.err(), usefulness.err(), comment.err(), topics.err()]
                    .into_iter()
                    .flatten()
                    .collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(rating: &str, usefulness: &str) -> SurveyForm {
        SurveyForm { rating: rating.into(), usefulness: usefulness.into(), ..SurveyForm::default() }
    }

    #[test]
    fn scores_outside_one_to_five_are_explained_by_their_field() {
        for bad in ["0", "6", "-1", "3.5", "five", "99999999999999999999"] {
            let errors = form(bad, "3").parse().expect_err("refused");
            assert_eq!(errors, vec![FieldError::new("rating", "survey-error-score-range")], "{bad}");
        }
        let errors = form("", "").parse().expect_err("refused");
        assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["rating", "usefulness"]);
        let answer = SurveyForm { topics: "  Mobility \n and  housing ".into(), ..form(" 5 ", "1") }
            .parse()
            .expect("accepted");
        assert_eq!((answer.rating.get(), answer.usefulness.get()), (5, 1));
        assert_eq!(answer.topics, "Mobility and housing");
    }

    #[test]
    fn long_texts_are_refused_with_their_limit() {
        let long = SurveyForm { comment: "x".repeat(SURVEY_COMMENT_MAX + 1), ..form("4", "4") };
        assert_eq!(
            long.parse().expect_err("refused"),
            vec![FieldError::too_long("comment", SURVEY_COMMENT_MAX)]
        );
    }

    #[test]
    fn only_confirmed_registrations_not_marked_absent_may_answer() {
        assert!(may_answer(RegistrationStatus::Confirmed, Some(true)));
        assert!(may_answer(RegistrationStatus::Confirmed, None));
        assert!(!may_answer(RegistrationStatus::Confirmed, Some(false)));
        for status in
            [RegistrationStatus::Cancelled, RegistrationStatus::Waitlisted, RegistrationStatus::Erased]
        {
            assert!(!may_answer(status, Some(true)));
        }
    }

    #[test]
    fn the_window_opens_at_the_end_and_closes_days_later() {
        let end =
            chrono::NaiveDate::from_ymd_opt(2026, 7, 22).and_then(|d| d.and_hms_opt(16, 0, 0)).expect("date");
        let window = SurveyWindow::after(end, 14);
        assert_eq!(window.phase(end - Duration::minutes(1)), SurveyPhase::NotYet);
        assert_eq!(window.phase(end), SurveyPhase::Open);
        assert_eq!(window.phase(end + Duration::days(14)), SurveyPhase::Closed);
    }
}
