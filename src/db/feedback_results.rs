//! What a session's or a series' survey answers add up to, for the organiser area and its CSV.
//! Answers are shown without names: the free texts are the person's words, not their identity.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{series, sessions, survey_answers};
use crate::domain::SessionId;

/// One answer with the session it is about.
#[derive(Debug, Clone, Queryable)]
pub struct AnswerRow {
    pub session_title: String,
    pub session_starts_at: NaiveDateTime,
    pub rating: i32,
    pub usefulness: i32,
    pub comment: String,
    pub topics: String,
    pub answered_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// How many gave each score, and the average.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distribution {
    /// `counts[0]` is how many gave 1, `counts[4]` how many gave 5.
    pub counts: [usize; 5],
}

impl Distribution {
    fn add(&mut self, score: i32) {
        if let Some(slot) = usize::try_from(score - 1).ok().and_then(|i| self.counts.get_mut(i)) {
            *slot += 1;
        }
    }

    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// The average score, with one decimal; `None` without answers.
    pub fn average(&self) -> Option<f64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let sum: usize = self.counts.iter().enumerate().map(|(i, n)| (i + 1) * n).sum();
        Some((sum as f64 / total as f64 * 10.0).round() / 10.0)
    }

    /// (score, count) from 5 down to 1, as the results table lists them.
    pub fn rows(&self) -> Vec<(usize, usize)> {
        (1..=5).rev().map(|score| (score, self.counts[score - 1])).collect()
    }
}

/// The results: the scores' distributions and the free texts given (blank ones left out).
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub answers: usize,
    pub rating: Distribution,
    pub usefulness: Distribution,
    pub comments: Vec<String>,
    pub topics: Vec<String>,
}

impl Results {
    pub fn of(rows: &[AnswerRow]) -> Self {
        let mut results = Results { answers: rows.len(), ..Results::default() };
        for row in rows {
            results.rating.add(row.rating);
            results.usefulness.add(row.usefulness);
            if !row.comment.is_empty() {
                results.comments.push(row.comment.clone());
            }
            if !row.topics.is_empty() {
                results.topics.push(row.topics.clone());
            }
        }
        results
    }
}

type Columns = (
    sessions::title,
    sessions::starts_at,
    survey_answers::rating,
    survey_answers::usefulness,
    survey_answers::comment,
    survey_answers::topics,
    survey_answers::answered_at,
    survey_answers::updated_at,
);

const COLUMNS: Columns = (
    sessions::title,
    sessions::starts_at,
    survey_answers::rating,
    survey_answers::usefulness,
    survey_answers::comment,
    survey_answers::topics,
    survey_answers::answered_at,
    survey_answers::updated_at,
);

/// A session's answers, the first given first.
pub fn session_answers(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<Vec<AnswerRow>> {
    survey_answers::table
        .inner_join(sessions::table)
        .filter(survey_answers::session_id.eq(session_id))
        .order((survey_answers::answered_at.asc(), survey_answers::registration_id.asc()))
        .select(COLUMNS)
        .load(conn)
}

/// A series' title and the answers of all its sessions, by session date; `None` when there is
/// no such series.
pub fn series_answers(
    conn: &mut AnyConnection,
    series_id: &str,
) -> QueryResult<Option<(String, Vec<AnswerRow>)>> {
    let title: Option<String> = series::table.find(series_id).select(series::title).first(conn).optional()?;
    let Some(title) = title else { return Ok(None) };
    let rows = survey_answers::table
        .inner_join(sessions::table)
        .filter(sessions::series_id.eq(series_id))
        .order((
            sessions::starts_at.asc(),
            survey_answers::answered_at.asc(),
            survey_answers::registration_id.asc(),
        ))
        .select(COLUMNS)
        .load(conn)?;
    Ok(Some((title, rows)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_count_each_score_and_ignore_nothing() {
        let mut d = Distribution::default();
        for score in [5, 4, 4, 1] {
            d.add(score);
        }
        assert_eq!(d.total(), 4);
        assert_eq!(d.average(), Some(3.5));
        assert_eq!(d.rows()[0], (5, 1));
        assert_eq!(Distribution::default().average(), None);
    }
}
