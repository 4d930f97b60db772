//! A session's report on its own questions: confirmed registrants per choice and per yes/no,
//! and the smallest, average and largest number given (retired questions and choices too).

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{answer_choices, question_answers, registrations};
use crate::domain::questions::{Answer, Question, QuestionKind};
use crate::domain::{Language, RegistrationStatus};

/// One question's summary: its label and lines of (answer, count), or the number range.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionSummary {
    pub label: String,
    pub retired: bool,
    /// Per choice (retired ones marked by the caller's words) or yes/no: label and count.
    pub counts: Vec<(String, bool, i64)>,
    /// For a number question: how many answered, smallest, average, largest.
    pub numbers: Option<(usize, i64, f64, i64)>,
    /// For a text question: how many answered.
    pub answered: i64,
}

/// The summary of every question of a session that can be counted, in order.
pub fn summary(
    conn: &mut AnyConnection,
    session_id: &str,
    yes_no: (String, String),
) -> QueryResult<Vec<QuestionSummary>> {
    let questions: Vec<Question> = super::questions::of_session(conn, session_id)?;
    let language =
        super::questions::owner_info(conn, &super::questions::Owner::Session(session_id.to_owned()))?
            .map_or(Language::En, |i| i.language);
    let picked: Vec<String> = answer_choices::table
        .inner_join(registrations::table.on(registrations::id.eq(answer_choices::registration_id)))
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .select(answer_choices::choice_id)
        .load(conn)?;
    let values: Vec<(String, String)> = question_answers::table
        .inner_join(registrations::table.on(registrations::id.eq(question_answers::registration_id)))
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .select((question_answers::question_id, question_answers::value))
        .load(conn)?;
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    Ok(questions
        .iter()
        .map(|q| {
            let mine: Vec<&str> =
                values.iter().filter(|(id, _)| *id == q.id).map(|(_, v)| v.as_str()).collect();
            let mut summary = QuestionSummary {
                label: q.label.get(language).to_owned(),
                retired: q.retired,
                counts: Vec::new(),
                numbers: None,
                answered: count(mine.len()),
            };
            match q.kind {
                QuestionKind::OneChoice | QuestionKind::SeveralChoices => {
                    summary.counts = q
                        .choices
                        .iter()
                        .map(|c| {
                            (
                                c.label.get(language).to_owned(),
                                c.retired,
                                count(picked.iter().filter(|p| **p == c.id).count()),
                            )
                        })
                        .collect();
                }
                QuestionKind::YesNo => {
                    // Stored values read back by the domain, as the registration page reads them.
                    let said = |wanted: bool| {
                        mine.iter()
                            .filter(|v| {
                                Answer::from_value(QuestionKind::YesNo, v) == Some(Answer::YesNo(wanted))
                            })
                            .count()
                    };
                    summary.counts = vec![
                        (yes_no.0.clone(), false, count(said(true))),
                        (yes_no.1.clone(), false, count(said(false))),
                    ];
                }
                QuestionKind::Number => {
                    let numbers: Vec<i64> = mine.iter().filter_map(|v| v.parse().ok()).collect();
                    if let (Some(min), Some(max)) = (numbers.iter().min(), numbers.iter().max()) {
                        #[allow(clippy::cast_precision_loss)]
                        let average = numbers.iter().map(|n| *n as f64).sum::<f64>() / numbers.len() as f64;
                        summary.numbers = Some((numbers.len(), *min, average, *max));
                    }
                }
                QuestionKind::ShortText | QuestionKind::LongText => {}
            }
            summary
        })
        .collect())
}
