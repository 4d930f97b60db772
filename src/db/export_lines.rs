//! The registrations export's rows with what each person answered to the session's questions
//! and said they need to follow it: one chunk of [`export_chunk`] (the registrations the list's
//! filters show, `admin_registrations::with_filters`), then the chunk's answers, choices and
//! interpretation needs, one query each for the whole chunk.

use std::collections::HashMap;

use diesel::prelude::*;

use chrono::NaiveDateTime;
use diesel::sql_types::Text;

use super::admin_registrations::{Filters, with_filters};
use super::schema::{answer_choices, organisations, question_answers, registrations};
use super::{AnyConnection, MultiBackend};
use crate::domain::interpretation::InterpretationChoice;
use crate::domain::questions::{Answer, Question, stored_answers};
use crate::domain::{RegistrationStatus, SessionId};

/// One line of the export (CSV or workbook).
#[derive(Debug, Clone, Queryable)]
pub struct ExportRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub organisation_name: Option<String>,
    pub organisation_other: Option<String>,
    pub country: String,
    pub position: String,
    pub language: String,
    pub status: RegistrationStatus,
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub attended: Option<bool>,
    pub needs: String,
    pub newsletter: bool,
    /// Agreed to be listed among the participants.
    pub listed: bool,
}

/// The next `limit` registrations of the session that the list's `filters` show, after the one
/// with id `after`, by id (ids are UUID v7, so this is registration order): keyset pagination,
/// so every chunk costs the same.
pub fn export_chunk(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    filters: &Filters,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ExportRow>> {
    // A range of the `(session_id, id)` index, as a row comparison (the first chunk is after
    // '', before every id), read in its order and cut at `limit` in a query of its own: with
    // `session_id = $1 AND id > $2 ORDER BY id` PostgreSQL walked the primary key through every
    // session's rows, and with the organisations joined in the same query it read the rest of
    // the session, joined it by hash and sorted it (80 ms a chunk of 1,000 for a session of
    // 100,000; about 3 ms now, the ids and the rows together, BENCHMARKS.md).
    let after = after.unwrap_or("");
    let range = registrations::table
        .filter(registrations::session_id.le(session_id.as_str()))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("(registrations.session_id, registrations.id) > (")
                .bind::<Text, _>(session_id.as_str())
                .sql(", ")
                .bind::<Text, _>(after)
                .sql(")"),
        )
        .into_boxed::<MultiBackend>();
    let chunk = with_filters(range, filters)
        .order((registrations::session_id.asc(), registrations::id.asc()))
        .limit(limit)
        .select(registrations::id)
        .load::<String>(conn)?;
    if chunk.is_empty() {
        return Ok(Vec::new());
    }
    registrations::table
        .left_join(organisations::table)
        .filter(registrations::id.eq_any(&chunk))
        .order(registrations::id.asc())
        .select((
            registrations::id,
            registrations::name,
            registrations::email,
            organisations::name.nullable(),
            registrations::organisation_other,
            registrations::country,
            registrations::position,
            registrations::language,
            registrations::status,
            registrations::created_at,
            registrations::confirmed_at,
            registrations::attended,
            registrations::needs,
            registrations::newsletter,
            registrations::listed,
        ))
        .load(conn)
}

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
