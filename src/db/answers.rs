//! The answers registrants gave to a session's questions (`question_answers`,
//! `answer_choices`): stored with the registration, shown back, erased, downloaded.

use diesel::prelude::*;

use super::AnyConnection;
use super::questions::{Owner, of_session, owner_info};
use super::schema::{answer_choices, question_answers};
use crate::domain::RegistrationId;
use crate::domain::questions::{Answer, Question, stored_answers};

/// Stores a registration's answers inside its transaction, replacing earlier ones to the
/// questions still asked. A question removed since the form was shown is skipped: its answer
/// is ignored, with no error.
pub fn store_answers(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    session_id: &str,
    answers: &[(String, Answer)],
) -> QueryResult<()> {
    let asked: Vec<Question> = of_session(conn, session_id)?.into_iter().filter(|q| !q.retired).collect();
    for question in &asked {
        diesel::delete(
            question_answers::table
                .filter(question_answers::registration_id.eq(registration_id))
                .filter(question_answers::question_id.eq(&question.id)),
        )
        .execute(conn)?;
        diesel::delete(
            answer_choices::table
                .filter(answer_choices::registration_id.eq(registration_id))
                .filter(answer_choices::question_id.eq(&question.id)),
        )
        .execute(conn)?;
    }
    for (question_id, answer) in answers {
        let Some(question) = asked.iter().find(|q| q.id == *question_id) else { continue };
        match answer {
            Answer::Choices(ids) => {
                for id in ids.iter().filter(|id| question.live_choices().any(|c| c.id == **id)) {
                    diesel::insert_into(answer_choices::table)
                        .values((
                            answer_choices::registration_id.eq(registration_id),
                            answer_choices::question_id.eq(question_id),
                            answer_choices::choice_id.eq(id),
                        ))
                        .execute(conn)?;
                }
            }
            other => {
                if let Some(value) = other.value() {
                    diesel::insert_into(question_answers::table)
                        .values((
                            question_answers::registration_id.eq(registration_id),
                            question_answers::question_id.eq(question_id),
                            question_answers::value.eq(value),
                        ))
                        .execute(conn)?;
                }
            }
        }
    }
    Ok(())
}

/// A registration's answers, by question id (questions retired since included).
pub fn answers_of(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    questions: &[Question],
) -> QueryResult<Vec<(String, Answer)>> {
    let plain: Vec<(String, String)> = question_answers::table
        .filter(question_answers::registration_id.eq(registration_id))
        .select((question_answers::question_id, question_answers::value))
        .load(conn)?;
    let picked: Vec<(String, String)> = answer_choices::table
        .filter(answer_choices::registration_id.eq(registration_id))
        .select((answer_choices::question_id, answer_choices::choice_id))
        .load(conn)?;
    Ok(stored_answers(questions, &plain, &picked))
}

/// Erasure and retention: a person's answers go with them.
pub fn forget(conn: &mut AnyConnection, registration_id: &RegistrationId) -> QueryResult<()> {
    diesel::delete(answer_choices::table.filter(answer_choices::registration_id.eq(registration_id)))
        .execute(conn)?;
    diesel::delete(question_answers::table.filter(question_answers::registration_id.eq(registration_id)))
        .execute(conn)?;
    Ok(())
}

/// A registration's answers in words: each question's label in the session's language, the
/// answer (choices by their labels), and whether the question is retired.
pub fn labelled_answers(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    session_id: &str,
) -> QueryResult<Vec<(String, String, bool)>> {
    let Some(info) = owner_info(conn, &Owner::Session(session_id.to_owned()))? else { return Ok(Vec::new()) };
    let questions = of_session(conn, session_id)?;
    let answers = answers_of(conn, registration_id, &questions)?;
    Ok(questions
        .iter()
        .filter_map(|question| {
            let (_, answer) = answers.iter().find(|(id, _)| *id == question.id)?;
            Some((
                question.label.get(info.language).to_owned(),
                question.answer_text(answer, info.language, info.language),
                question.retired,
            ))
        })
        .collect())
}

/// A registration's answers for its data download: each question's label in the session's
/// language and the answer in words.
pub fn export_of(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    session_id: &str,
) -> QueryResult<Vec<serde_json::Value>> {
    Ok(labelled_answers(conn, registration_id, session_id)?
        .into_iter()
        .map(|(question, answer, _)| serde_json::json!({ "question": question, "answer": answer }))
        .collect())
}
