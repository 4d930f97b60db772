//! The registrations export's rows with what each person answered to the session's questions
//! and said they need to follow it: one chunk of `admin_registrations::export_chunk`, then the
//! chunk's answers, choices and interpretation needs, one query each for the whole chunk.

use std::collections::HashMap;

use diesel::prelude::*;

use super::AnyConnection;
use super::admin_registrations::{ExportRow, Filters, export_chunk};
use super::schema::{answer_choices, question_answers};
use crate::domain::SessionId;
use crate::domain::interpretation::InterpretationChoice;
use crate::domain::questions::{Answer, Question, stored_answers};

/// One registration of the export, with its answers (by question id, in the questions' order)
/// and its interpretation needs (nothing said: the default, following the spoken language).
#[derive(Debug, Clone)]
pub struct ExportLine {
    pub row: ExportRow,
    pub answers: Vec<(String, Answer)>,
    pub needs: InterpretationChoice,
}

impl ExportLine {
    /// The answer to one question, if any.
    pub fn answer(&self, question_id: &str) -> Option<&Answer> {
        self.answers.iter().find(|(id, _)| id == question_id).map(|(_, a)| a)
    }
}

/// (registration, question, value or choice id) as stored.
type Stored = (String, String, String);

/// Groups the chunk's stored rows by registration.
fn by_registration(rows: Vec<Stored>) -> HashMap<String, Vec<(String, String)>> {
    let mut grouped: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (registration, question, value) in rows {
        grouped.entry(registration).or_default().push((question, value));
    }
    grouped
}

/// The next `limit` registrations of the export after `after` (as `export_chunk` reads them),
/// each with its answers to `questions` (the session's, loaded once per export) and its needs.
pub fn chunk(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    filters: &Filters,
    after: Option<&str>,
    limit: i64,
    questions: &[Question],
) -> QueryResult<Vec<ExportLine>> {
    let rows = export_chunk(conn, session_id, filters, after, limit)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let plain: Vec<Stored> = question_answers::table
        .filter(question_answers::registration_id.eq_any(ids.clone()))
        .select((question_answers::registration_id, question_answers::question_id, question_answers::value))
        .load(conn)?;
    let picked: Vec<Stored> = answer_choices::table
        .filter(answer_choices::registration_id.eq_any(ids.clone()))
        .select((answer_choices::registration_id, answer_choices::question_id, answer_choices::choice_id))
        .load(conn)?;
    let (plain, picked) = (by_registration(plain), by_registration(picked));
    let mut needs = super::interpretation::choices_of(conn, &ids)?;
    let none: Vec<(String, String)> = Vec::new();
    Ok(rows
        .into_iter()
        .map(|row| {
            let answers = stored_answers(
                questions,
                plain.get(&row.id).unwrap_or(&none),
                picked.get(&row.id).unwrap_or(&none),
            );
            let needs = needs.remove(&row.id).unwrap_or_default();
            ExportLine { row, answers, needs }
        })
        .collect())
}
