//! Organiser area: a session's feedback survey (on or off, how long it stays open, its texts
//! in each language) and the results of a session or a whole series, on the page and as CSV.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext, SignedForm, done};
use crate::db;
use crate::db::feedback::{SurveySettings, SurveyTexts};
use crate::db::feedback_results::{AnswerRow, Results};
use crate::db::models::Session;
use crate::domain::survey::{SURVEY_CLOSE_DAYS_MAX, SURVEY_QUESTION_MAX, SURVEY_TEXT_MAX, SurveyWindow};
use crate::domain::{Language, SessionId};
use crate::export::{ExportLabels, survey as columns};
use crate::web::chrome::{html, html_with_status};
use crate::web::errors::AppError;
use crate::web::export::{self, Separator, SeparatorQuery};
use crate::web::forms::FieldErrors;

/// The organiser's survey routes, inside the `/admin` scope.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/survey", web::get().to(page))
        .route("/sessions/{id}/survey", web::post().to(save))
        .route("/sessions/{id}/survey.csv", web::get().to(session_csv))
        .route("/series/{id}/survey", web::get().to(series_page))
        .route("/series/{id}/survey.csv", web::get().to(series_csv));
}

/// One language's texts on the form, with the field names that carry them.
struct TextFields {
    language: &'static str,
    language_name: String,
    texts: SurveyTexts,
}

/// One text field of the form: its field id, the message key of its label, its value, and
/// whether it spans several lines.
struct TextField<'a> {
    id: &'static str,
    label: &'static str,
    value: &'a str,
    long: bool,
}

impl TextFields {
    fn fields(&self) -> Vec<TextField<'_>> {
        let language = Language::parse(self.language).unwrap_or(Language::En);
        let t = &self.texts;
        [
            ("intro", "admin-feedback-intro", t.intro.as_str(), true),
            ("thanks", "admin-feedback-thanks", t.thanks.as_str(), true),
            ("rating_question", "admin-feedback-rating-question", t.rating_question.as_str(), false),
            (
                "usefulness_question",
                "admin-feedback-usefulness-question",
                t.usefulness_question.as_str(),
                false,
            ),
            ("comment_question", "admin-feedback-comment-question", t.comment_question.as_str(), false),
            ("topics_question", "admin-feedback-topics-question", t.topics_question.as_str(), false),
        ]
        .into_iter()
        .map(|(name, label, value, long)| TextField { id: field_name(name, language), label, value, long })
        .collect()
    }
}

#[derive(Template)]
#[template(path = "admin/survey.html")]
struct SurveyAdminPage {
    admin: AdminChrome,
    session: Session,
    enabled: bool,
    close_days: String,
    window: SurveyWindow,
    texts: Vec<TextFields>,
    errors: FieldErrors,
    results: Results,
}

#[derive(Template)]
#[template(path = "admin/survey_series.html")]
struct SeriesResultsPage {
    admin: AdminChrome,
    series_id: String,
    series_title: String,
    results: Results,
}

fn text_fields(admin: &AdminChrome, survey: &SurveySettings) -> Vec<TextFields> {
    Language::ALL
        .iter()
        .map(|language| TextFields {
            language: language.code(),
            language_name: admin.i18n.language_name(language.code()),
            texts: survey.texts_in(language.code()).cloned().unwrap_or_default(),
        })
        .collect()
}

async fn loaded(
    cx: &AdminContext,
    session_id: SessionId,
) -> Result<(Session, SurveySettings, Vec<AnswerRow>), AppError> {
    cx.find(move |conn| {
        let Some(session) = db::admin_registrations::session(conn, &session_id)? else {
            return Ok(None);
        };
        let survey = db::feedback::settings(conn, &session.id)?;
        let answers = db::feedback_results::session_answers(conn, &session.id)?;
        Ok(Some((session, survey, answers)))
    })
    .await
}

/// The survey's settings and the session's results.
pub async fn page(cx: AdminContext, path: web::Path<SessionId>) -> Result<HttpResponse, AppError> {
    let (session, survey, answers) = loaded(&cx, path.into_inner()).await?;
    let admin = cx.chrome("sessions");
    html(SurveyAdminPage {
        texts: text_fields(&admin, &survey),
        enabled: survey.enabled,
        close_days: survey.close_days.to_string(),
        window: survey.window(&session),
        errors: FieldErrors::default(),
        results: Results::of(&answers),
        session,
        admin,
    })
}

/// Saves the settings and texts; mistakes come back by their fields with what was typed.
pub async fn save(
    cx: AdminContext,
    path: web::Path<SessionId>,
    form: SignedForm,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    let admin = cx.chrome("sessions");
    let i18n = admin.i18n;
    let mut errors = FieldErrors::default();
    let raw_days = form.get("close_days").trim().to_owned();
    let close_days = raw_days.parse::<i32>().ok().filter(|d| (1..=SURVEY_CLOSE_DAYS_MAX).contains(d));
    if close_days.is_none() {
        errors.add("close_days", i18n.t1("admin-feedback-error-days", "max", SURVEY_CLOSE_DAYS_MAX));
    }
    let mut texts = Vec::new();
    for language in Language::ALL {
        let code = language.code();
        let mut field = |name: &'static str, max: usize, long: bool| {
            let key: &'static str = field_name(name, language);
            if long {
                errors.text(i18n, key, form.get(key), max, None)
            } else {
                errors.line(i18n, key, form.get(key), max, None)
            }
        };
        texts.push(SurveyTexts {
            session_id: session_id.clone(),
            language: code.into(),
            intro: field("intro", SURVEY_TEXT_MAX, true),
            thanks: field("thanks", SURVEY_TEXT_MAX, true),
            rating_question: field("rating_question", SURVEY_QUESTION_MAX, false),
            usefulness_question: field("usefulness_question", SURVEY_QUESTION_MAX, false),
            comment_question: field("comment_question", SURVEY_QUESTION_MAX, false),
            topics_question: field("topics_question", SURVEY_QUESTION_MAX, false),
        });
    }
    let survey = SurveySettings { enabled: form.has("enabled"), close_days: close_days.unwrap_or(0), texts };
    if !errors.is_empty() {
        let (session, stored, answers) = loaded(&cx, session_id).await?;
        // What was typed comes back as typed.
        let typed = SurveySettings {
            texts: survey
                .texts
                .iter()
                .map(|t| {
                    let lang = Language::parse(&t.language).unwrap_or(Language::En);
                    let raw = |name: &'static str| form.get(field_name(name, lang)).to_owned();
                    SurveyTexts {
                        intro: raw("intro"),
                        thanks: raw("thanks"),
                        rating_question: raw("rating_question"),
                        usefulness_question: raw("usefulness_question"),
                        comment_question: raw("comment_question"),
                        topics_question: raw("topics_question"),
                        ..t.clone()
                    }
                })
                .collect(),
            ..survey.clone()
        };
        let page = SurveyAdminPage {
            texts: text_fields(&admin, &typed),
            enabled: survey.enabled,
            close_days: raw_days,
            window: stored.window(&session),
            errors,
            results: Results::of(&answers),
            session,
            admin,
        };
        return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let id = session_id.clone();
    cx.change(move |conn, actor, now| db::feedback::save_settings(conn, &id, &survey, actor, now)).await?;
    Ok(done(&format!("/admin/sessions/{session_id}/survey"), "survey-saved"))
}

/// The form's field of a text in one language, e.g. `intro_fr`.
fn field_name(name: &'static str, language: Language) -> &'static str {
    macro_rules! names {
        ($($n:literal),*) => {
            match (name, language) {
                $(($n, Language::En) => concat!($n, "_en"), ($n, Language::Fr) => concat!($n, "_fr"), ($n, Language::Es) => concat!($n, "_es"),)*
                _ => "",
            }
        };
    }
    names!("intro", "thanks", "rating_question", "usefulness_question", "comment_question", "topics_question")
}

fn csv(
    cx: &AdminContext,
    separator: &SeparatorQuery,
    name: &str,
    rows: &[AnswerRow],
) -> Result<HttpResponse, AppError> {
    let labels = ExportLabels::new(cx.i18n().lang);
    let separator = Separator::chosen(separator, labels.language());
    let body = export::csv_file(columns::COLUMNS, &labels, rows.iter().map(columns::cells), separator)?;
    Ok(export::csv_response(name, body))
}

/// A session's answers as CSV, in the organiser's language and separator.
pub async fn session_csv(
    cx: AdminContext,
    path: web::Path<SessionId>,
    separator: web::Query<SeparatorQuery>,
) -> Result<HttpResponse, AppError> {
    let (session, _, answers) = loaded(&cx, path.into_inner()).await?;
    csv(&cx, &separator, &format!("survey-{}.csv", session.slug), &answers)
}

async fn series_answers(cx: &AdminContext, series_id: String) -> Result<(String, Vec<AnswerRow>), AppError> {
    if uuid::Uuid::try_parse(&series_id).is_err() {
        return Err(AppError::NotFound);
    }
    cx.find(move |conn| db::feedback_results::series_answers(conn, &series_id)).await
}

/// The results of every session of a series together.
pub async fn series_page(cx: AdminContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let series_id = path.into_inner();
    let (series_title, answers) = series_answers(&cx, series_id.clone()).await?;
    html(SeriesResultsPage {
        admin: cx.chrome("sessions"),
        series_id,
        series_title,
        results: Results::of(&answers),
    })
}

/// A series' answers as CSV, each with its session.
pub async fn series_csv(
    cx: AdminContext,
    path: web::Path<String>,
    separator: web::Query<SeparatorQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, answers) = series_answers(&cx, path.into_inner()).await?;
    csv(&cx, &separator, "survey-series.csv", &answers)
}
