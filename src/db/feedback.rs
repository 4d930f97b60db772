//! Feedback surveys: a session's survey settings and texts (set by organisers), and the one
//! answer each registration may give and change while the survey is open.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::{Registration, Session};
use super::schema::{registrations, session_surveys, sessions, survey_answers, survey_texts};
use super::{AnyConnection, seats, write_tx};
use crate::domain::survey::{SURVEY_CLOSE_DAYS_DEFAULT, SurveyAnswer, SurveyPhase, SurveyWindow, may_answer};
use crate::domain::{Language, RegistrationId, SessionId};

/// An organiser's own wording in one language; an empty text means the default wording.
#[derive(Debug, Clone, Default, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = survey_texts)]
pub struct SurveyTexts {
    pub session_id: SessionId,
    pub language: String,
    pub intro: String,
    pub thanks: String,
    pub rating_question: String,
    pub usefulness_question: String,
    pub comment_question: String,
    pub topics_question: String,
}

/// A session's survey: on or off, how long it stays open, its texts by language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveySettings {
    pub enabled: bool,
    pub close_days: i32,
    /// One per language of [`Language::ALL`], in that order.
    pub texts: Vec<SurveyTexts>,
}

impl SurveySettings {
    pub fn texts_in(&self, language: &str) -> Option<&SurveyTexts> {
        self.texts.iter().find(|t| t.language == language)
    }

    pub fn window(&self, session: &Session) -> SurveyWindow {
        SurveyWindow::after(session.ends_at(), self.close_days)
    }

    /// Open for answers at `now`: switched on, and between the end and the closing day.
    pub fn is_open(&self, session: &Session, now: NaiveDateTime) -> bool {
        self.enabled && self.window(session).phase(now) == SurveyPhase::Open
    }
}

/// The settings of a session's survey; a session never set up has it off, with the defaults.
pub fn settings(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<SurveySettings> {
    let row: Option<(bool, i32)> = session_surveys::table
        .find(session_id)
        .select((session_surveys::enabled, session_surveys::close_days))
        .first(conn)
        .optional()?;
    let stored: Vec<SurveyTexts> = survey_texts::table
        .filter(survey_texts::session_id.eq(session_id))
        .select(SurveyTexts::as_select())
        .load(conn)?;
    let texts = Language::ALL
        .iter()
        .map(|language| {
            stored.iter().find(|t| t.language == language.code()).cloned().unwrap_or_else(|| SurveyTexts {
                session_id: session_id.clone(),
                language: language.code().into(),
                ..SurveyTexts::default()
            })
        })
        .collect();
    let (enabled, close_days) = row.unwrap_or((false, SURVEY_CLOSE_DAYS_DEFAULT));
    Ok(SurveySettings { enabled, close_days, texts })
}

/// Replaces a session's survey settings and texts in one transaction, audited. `None` when
/// there is no such session.
pub fn save_settings(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    survey: &SurveySettings,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<()>> {
    write_tx(conn, |conn| {
        let title: Option<String> =
            sessions::table.find(session_id).select(sessions::title).first(conn).optional()?;
        let Some(title) = title else { return Ok(None) };
        diesel::delete(session_surveys::table.find(session_id)).execute(conn)?;
        diesel::insert_into(session_surveys::table)
            .values((
                session_surveys::session_id.eq(session_id),
                session_surveys::enabled.eq(survey.enabled),
                session_surveys::close_days.eq(survey.close_days),
                session_surveys::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::delete(survey_texts::table.filter(survey_texts::session_id.eq(session_id))).execute(conn)?;
        for texts in &survey.texts {
            let texts = SurveyTexts { session_id: session_id.clone(), ..texts.clone() };
            diesel::insert_into(survey_texts::table).values(&texts).execute(conn)?;
        }
        let details =
            format!("survey {}, open {} days", if survey.enabled { "on" } else { "off" }, survey.close_days);
        audit::record(conn, actor, "survey_settings", &title, &details, now)?;
        Ok(Some(()))
    })
}

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = survey_answers)]
pub struct StoredAnswer {
    pub registration_id: RegistrationId,
    pub session_id: SessionId,
    pub rating: i32,
    pub usefulness: i32,
    pub comment: String,
    pub topics: String,
    pub answered_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn answer_of(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
) -> QueryResult<Option<StoredAnswer>> {
    survey_answers::table.find(registration_id).select(StoredAnswer::as_select()).first(conn).optional()
}

/// What became of a submitted answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerOutcome {
    /// The first answer of this registration.
    Saved,
    /// An earlier answer was replaced (a change, or the same form sent twice).
    Updated,
    /// The survey is off, not open yet, or closed: nothing was stored.
    Closed,
    /// This registration may not answer (see [`may_answer`]): nothing was stored.
    NotAllowed,
}

/// Stores a registration's answer, or replaces its earlier one, when the registration may
/// answer and the survey is open at `now`; everything is checked again under the session's
/// lock, so two submissions at once store one answer (the primary key is the registration).
pub fn save_answer(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    answer: &SurveyAnswer,
    now: NaiveDateTime,
) -> QueryResult<AnswerOutcome> {
    write_tx(conn, |conn| {
        let session_id: SessionId =
            registrations::table.find(registration_id).select(registrations::session_id).first(conn)?;
        seats::lock(conn, &session_id)?;
        let registration: Registration =
            registrations::table.find(registration_id).select(Registration::as_select()).first(conn)?;
        let session: Session = sessions::table.find(&session_id).select(Session::as_select()).first(conn)?;
        if !may_answer(registration.status, registration.attended) {
            return Ok(AnswerOutcome::NotAllowed);
        }
        if session.is_cancelled() || !settings(conn, &session_id)?.is_open(&session, now) {
            return Ok(AnswerOutcome::Closed);
        }
        let rating = i32::from(answer.rating.get());
        let usefulness = i32::from(answer.usefulness.get());
        let updated = diesel::update(survey_answers::table.find(registration_id))
            .set((
                survey_answers::rating.eq(rating),
                survey_answers::usefulness.eq(usefulness),
                survey_answers::comment.eq(&answer.comment),
                survey_answers::topics.eq(&answer.topics),
                survey_answers::updated_at.eq(now),
            ))
            .execute(conn)?;
        if updated > 0 {
            return Ok(AnswerOutcome::Updated);
        }
        diesel::insert_into(survey_answers::table)
            .values((
                survey_answers::registration_id.eq(registration_id),
                survey_answers::session_id.eq(&session_id),
                survey_answers::rating.eq(rating),
                survey_answers::usefulness.eq(usefulness),
                survey_answers::comment.eq(&answer.comment),
                survey_answers::topics.eq(&answer.topics),
                survey_answers::answered_at.eq(now),
                survey_answers::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(AnswerOutcome::Saved)
    })
}

/// Erasure and retention, inside their transaction: the free texts, which may name people, are
/// blanked; the two scores stay, attached to the anonymous registration, for the averages.
pub fn forget(conn: &mut AnyConnection, registration_id: &RegistrationId) -> QueryResult<usize> {
    diesel::update(survey_answers::table.find(registration_id))
        .set((survey_answers::comment.eq(""), survey_answers::topics.eq("")))
        .execute(conn)
}

/// The answer as the person's data download shows it.
pub fn export_answer(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
) -> QueryResult<Option<serde_json::Value>> {
    let time = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    Ok(answer_of(conn, registration_id)?.map(|a| {
        serde_json::json!({
            "overall_rating": a.rating, "usefulness": a.usefulness, "comment": a.comment,
            "topics_wished_for": a.topics, "answered_at": time(a.answered_at), "changed_at": time(a.updated_at),
        })
    }))
}
