//! The organiser's own questions (`questions`, `question_choices`) of a session or a series
//! (the answers registrants gave are in `answers.rs`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::new_id;
use super::schema::{answer_choices, question_answers, question_choices, questions, series, sessions};
use super::{AnyConnection, write_tx};
use crate::domain::Language;
use crate::domain::question_drafts::QuestionSpec;
use crate::domain::questions::{Choice, Question, QuestionKind, Texts};

/// Whose questions: a session's, or a series' default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Session(String),
    Series(String),
}

impl Owner {
    pub fn path(&self) -> String {
        match self {
            Owner::Session(id) => format!("/admin/sessions/{id}/questions"),
            Owner::Series(id) => format!("/admin/series/{id}/questions"),
        }
    }
}

/// What the page needs about the owner: its title and language (whose label is required).
#[derive(Debug, Clone)]
pub struct OwnerInfo {
    pub title: String,
    pub language: Language,
    /// A session's series, for the link to the series default.
    pub series_id: Option<String>,
}

pub fn owner_info(conn: &mut AnyConnection, owner: &Owner) -> QueryResult<Option<OwnerInfo>> {
    let row: Option<(String, String, Option<String>)> = match owner {
        Owner::Session(id) => sessions::table
            .find(id)
            .select((sessions::title, sessions::language, sessions::series_id))
            .first(conn)
            .optional()?,
        Owner::Series(id) => series::table
            .find(id)
            .select((series::title, series::language))
            .first::<(String, String)>(conn)
            .optional()?
            .map(|(title, language)| (title, language, None)),
    };
    Ok(row.map(|(title, language, series_id)| OwnerInfo {
        title,
        language: Language::parse(&language).unwrap_or(Language::En),
        series_id,
    }))
}

type QuestionRow = (
    String,
    String,
    bool,
    (String, String, String),
    (String, String, String),
    Option<i64>,
    Option<i64>,
    bool,
);

/// A choice as loaded: its question, id, words and whether retired.
type ChoiceRow = (String, String, (String, String, String), bool);

fn to_question(row: QuestionRow, choices: &[ChoiceRow]) -> Option<Question> {
    let (id, kind, required, (le, lf, ls), (he, hf, hs), min, max, retired) = row;
    let kind = QuestionKind::parse(&kind)?;
    let mine = choices
        .iter()
        .filter(|c| c.0 == id)
        .map(|(_, cid, (en, fr, es), retired)| Choice {
            id: cid.clone(),
            label: Texts { en: en.clone(), fr: fr.clone(), es: es.clone() },
            retired: *retired,
        })
        .collect();
    Some(Question {
        id,
        kind,
        required,
        label: Texts { en: le, fr: lf, es: ls },
        help: Texts { en: he, fr: hf, es: hs },
        min,
        max,
        retired,
        choices: mine,
    })
}

/// The owner's questions in order, retired ones included, each with its choices in order.
pub fn of_owner(conn: &mut AnyConnection, owner: &Owner) -> QueryResult<Vec<Question>> {
    let mut query = questions::table.into_boxed();
    query = match owner {
        Owner::Session(id) => query.filter(questions::session_id.eq(id.clone())),
        Owner::Series(id) => query.filter(questions::series_id.eq(id.clone())),
    };
    let rows: Vec<QuestionRow> = query
        .order((questions::position.asc(), questions::id.asc()))
        .select((
            questions::id,
            questions::kind,
            questions::required,
            (questions::label_en, questions::label_fr, questions::label_es),
            (questions::help_en, questions::help_fr, questions::help_es),
            questions::min_value,
            questions::max_value,
            questions::retired,
        ))
        .load(conn)?;
    if rows.is_empty() {
        // Most sessions ask nothing: no second round trip for their choices.
        return Ok(Vec::new());
    }
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let choices: Vec<ChoiceRow> = question_choices::table
        .filter(question_choices::question_id.eq_any(ids))
        .order((question_choices::position.asc(), question_choices::id.asc()))
        .select((
            question_choices::question_id,
            question_choices::id,
            (question_choices::label_en, question_choices::label_fr, question_choices::label_es),
            question_choices::retired,
        ))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|row| to_question(row, &choices)).collect())
}

/// The questions of a session.
pub fn of_session(conn: &mut AnyConnection, session_id: &str) -> QueryResult<Vec<Question>> {
    of_owner(conn, &Owner::Session(session_id.to_owned()))
}

/// One question of `owner` (`None` when it is not the owner's).
pub fn find(conn: &mut AnyConnection, owner: &Owner, question_id: &str) -> QueryResult<Option<Question>> {
    Ok(of_owner(conn, owner)?.into_iter().find(|q| q.id == question_id))
}

/// How many registrations answered the question (a choice question: picked any choice).
pub fn answer_count(conn: &mut AnyConnection, question_id: &str) -> QueryResult<i64> {
    let plain: i64 = question_answers::table
        .filter(question_answers::question_id.eq(question_id))
        .count()
        .get_result(conn)?;
    let picked: i64 =
        answer_choices::table.filter(answer_choices::question_id.eq(question_id)).count().get_result(conn)?;
    Ok(plain + picked)
}

fn insert_choice(
    conn: &mut AnyConnection,
    question_id: &str,
    position: i32,
    words: &Texts,
) -> QueryResult<()> {
    diesel::insert_into(question_choices::table)
        .values((
            question_choices::id.eq(new_id()),
            question_choices::question_id.eq(question_id),
            question_choices::position.eq(position),
            question_choices::label_en.eq(&words.en),
            question_choices::label_fr.eq(&words.fr),
            question_choices::label_es.eq(&words.es),
        ))
        .execute(conn)
        .map(|_| ())
}

fn insert_question(
    conn: &mut AnyConnection,
    owner: &Owner,
    position: i32,
    spec: &QuestionSpec,
) -> QueryResult<String> {
    let id = new_id();
    let (session_id, series_id) = match owner {
        Owner::Session(s) => (Some(s.clone()), None),
        Owner::Series(s) => (None, Some(s.clone())),
    };
    diesel::insert_into(questions::table)
        .values((
            questions::id.eq(&id),
            questions::session_id.eq(session_id),
            questions::series_id.eq(series_id),
            questions::position.eq(position),
            questions::kind.eq(spec.kind.as_str()),
            questions::required.eq(spec.required),
            questions::label_en.eq(&spec.label.en),
            questions::label_fr.eq(&spec.label.fr),
            questions::label_es.eq(&spec.label.es),
            questions::help_en.eq(&spec.help.en),
            questions::help_fr.eq(&spec.help.fr),
            questions::help_es.eq(&spec.help.es),
            questions::min_value.eq(spec.min),
            questions::max_value.eq(spec.max),
        ))
        .execute(conn)?;
    for (n, words) in spec.added.iter().enumerate() {
        insert_choice(conn, &id, i32::try_from(n).unwrap_or(i32::MAX), words)?;
    }
    Ok(id)
}

fn next_position(conn: &mut AnyConnection, owner: &Owner) -> QueryResult<i32> {
    Ok(of_owner(conn, owner)?.len().try_into().unwrap_or(i32::MAX))
}

/// Adds a question at the end, audited; `None` when the owner is gone.
pub fn add(
    conn: &mut AnyConnection,
    owner: &Owner,
    spec: &QuestionSpec,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    write_tx(conn, |conn| {
        let Some(info) = owner_info(conn, owner)? else { return Ok(None) };
        let position = next_position(conn, owner)?;
        let id = insert_question(conn, owner, position, spec)?;
        audit::record(conn, actor, "question.add", &info.title, spec.label.get(info.language), now)?;
        Ok(Some(id))
    })
}

/// Changes a question's words, requirement, range and choices, audited. A removed choice
/// that has answers is retired (kept for exports and reports), one without is deleted.
pub fn update(
    conn: &mut AnyConnection,
    owner: &Owner,
    question_id: &str,
    spec: &QuestionSpec,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let Some(info) = owner_info(conn, owner)? else { return Ok(false) };
        let Some(question) = find(conn, owner, question_id)? else { return Ok(false) };
        diesel::update(questions::table.find(question_id))
            .set((
                questions::required.eq(spec.required),
                questions::label_en.eq(&spec.label.en),
                questions::label_fr.eq(&spec.label.fr),
                questions::label_es.eq(&spec.label.es),
                questions::help_en.eq(&spec.help.en),
                questions::help_fr.eq(&spec.help.fr),
                questions::help_es.eq(&spec.help.es),
                questions::min_value.eq(spec.min),
                questions::max_value.eq(spec.max),
            ))
            .execute(conn)?;
        for (id, words) in &spec.kept {
            diesel::update(
                question_choices::table.filter(question_choices::question_id.eq(question_id)).find(id),
            )
            .set((
                question_choices::label_en.eq(&words.en),
                question_choices::label_fr.eq(&words.fr),
                question_choices::label_es.eq(&words.es),
            ))
            .execute(conn)?;
        }
        for id in &spec.removed {
            let picked: i64 =
                answer_choices::table.filter(answer_choices::choice_id.eq(id)).count().get_result(conn)?;
            let mine = question_choices::table.filter(question_choices::question_id.eq(question_id)).find(id);
            if picked > 0 {
                diesel::update(mine).set(question_choices::retired.eq(true)).execute(conn)?;
            } else {
                diesel::delete(mine).execute(conn)?;
            }
        }
        let start = i32::try_from(question.choices.len()).unwrap_or(i32::MAX);
        for (n, words) in spec.added.iter().enumerate() {
            insert_choice(
                conn,
                question_id,
                start.saturating_add(i32::try_from(n).unwrap_or(i32::MAX)),
                words,
            )?;
        }
        audit::record(conn, actor, "question.edit", &info.title, spec.label.get(info.language), now)?;
        Ok(true)
    })
}

/// Moves a question one place up (`-1`) or down (`1`), swapping with its neighbour.
pub fn shift(
    conn: &mut AnyConnection,
    owner: &Owner,
    question_id: &str,
    up: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let Some(info) = owner_info(conn, owner)? else { return Ok(false) };
        let mut ids: Vec<String> = of_owner(conn, owner)?.into_iter().map(|q| q.id).collect();
        let Some(at) = ids.iter().position(|id| id == question_id) else { return Ok(false) };
        let other = if up { at.checked_sub(1) } else { Some(at + 1).filter(|n| *n < ids.len()) };
        if let Some(other) = other {
            ids.swap(at, other);
        }
        for (n, id) in ids.iter().enumerate() {
            diesel::update(questions::table.find(id))
                .set(questions::position.eq(i32::try_from(n).unwrap_or(i32::MAX)))
                .execute(conn)?;
        }
        audit::record(conn, actor, "question.order", &info.title, question_id, now)?;
        Ok(true)
    })
}

/// What removing a question did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    Deleted,
    Retired,
}

/// Removes a question: deleted when nobody answered it, else retired (hidden from new
/// answers, kept in exports and reports). Audited; `None` when it is not the owner's.
pub fn remove(
    conn: &mut AnyConnection,
    owner: &Owner,
    question_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<Removed>> {
    write_tx(conn, |conn| {
        let Some(info) = owner_info(conn, owner)? else { return Ok(None) };
        let Some(question) = find(conn, owner, question_id)? else { return Ok(None) };
        let label = question.label.get(info.language).to_owned();
        let removed = if answer_count(conn, question_id)? == 0 {
            diesel::delete(questions::table.find(question_id)).execute(conn)?;
            audit::record(conn, actor, "question.delete", &info.title, &label, now)?;
            Removed::Deleted
        } else {
            diesel::update(questions::table.find(question_id))
                .set(questions::retired.eq(true))
                .execute(conn)?;
            audit::record(conn, actor, "question.retire", &info.title, &label, now)?;
            Removed::Retired
        };
        Ok(Some(removed))
    })
}

/// A new session of a series starts with a copy of the series' questions still asked (new
/// ids, so changing the session's copy leaves the series and its other sessions alone).
/// Called inside the transaction that creates the session.
pub fn copy_series_default(conn: &mut AnyConnection, series_id: &str, session_id: &str) -> QueryResult<()> {
    copy_asked(conn, &Owner::Series(series_id.to_owned()), session_id)
}

/// Gives the session `session_id` a copy of the questions `from` still asks, with their
/// choices still offered (new ids; no answers): a series' default, or the session a
/// duplicate is made from. Called inside the transaction that creates the session.
pub fn copy_asked(conn: &mut AnyConnection, from: &Owner, session_id: &str) -> QueryResult<()> {
    let owner = Owner::Session(session_id.to_owned());
    for (n, question) in of_owner(conn, from)?.into_iter().filter(|q| !q.retired).enumerate() {
        let spec = QuestionSpec {
            kind: question.kind,
            required: question.required,
            label: question.label.clone(),
            help: question.help.clone(),
            min: question.min,
            max: question.max,
            kept: Vec::new(),
            removed: Vec::new(),
            added: question.live_choices().map(|c| c.label.clone()).collect(),
        };
        insert_question(conn, &owner, i32::try_from(n).unwrap_or(i32::MAX), &spec)?;
    }
    Ok(())
}
