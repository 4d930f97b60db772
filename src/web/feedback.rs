//! What the manage link opens after a session: its feedback survey (one answer per
//! registration, changeable while the survey is open) and the certificate of attendance (a PDF
//! for a registration marked attended). The manage token authenticates; the survey's form
//! carries a CSRF token; the GETs change nothing.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

use super::chrome::{Chrome, CsrfSeed, Link, MessagePage, html, html_with_status, see_other};
use super::errors::AppError;
use super::forms::FieldErrors;
use super::links::{ManageLink, private};
use super::state::{AppState, run_db};
use crate::certificate::Certificate;
use crate::db;
use crate::db::feedback::{AnswerOutcome, StoredAnswer, SurveySettings, SurveyTexts};
use crate::db::models::{Registration, Session};
use crate::domain::survey::{Score, SurveyForm, SurveyPhase, may_answer};
use crate::domain::{Language, RegistrationStatus};
use crate::i18n::{I18n, in_zone};

/// The registrant's routes under their manage link.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/{token}/survey", web::get().to(survey_page))
        .route("/manage/{token}/survey", web::post().to(answer_survey))
        .route("/manage/{token}/certificate.pdf", web::get().to(certificate));
}

/// Whether the registration has a certificate: confirmed and marked attended.
pub fn has_certificate(registration: &Registration) -> bool {
    registration.status == RegistrationStatus::Confirmed && registration.attended == Some(true)
}

/// The survey's words in one language: the organiser's where given, else the defaults.
pub struct SurveyWords {
    pub intro: String,
    pub thanks: String,
    pub rating: String,
    pub usefulness: String,
    pub comment: String,
    pub topics: String,
}

impl SurveyWords {
    pub fn of(i18n: I18n, texts: Option<&SurveyTexts>) -> Self {
        let pick = |own: Option<&String>, key: &str| match own.filter(|t| !t.trim().is_empty()) {
            Some(own) => own.clone(),
            None => i18n.t(key),
        };
        Self {
            intro: pick(texts.map(|t| &t.intro), "survey-intro-default"),
            thanks: pick(texts.map(|t| &t.thanks), "survey-thanks-default"),
            rating: pick(texts.map(|t| &t.rating_question), "survey-rating-default"),
            usefulness: pick(texts.map(|t| &t.usefulness_question), "survey-usefulness-default"),
            comment: pick(texts.map(|t| &t.comment_question), "survey-comment-default"),
            topics: pick(texts.map(|t| &t.topics_question), "survey-topics-default"),
        }
    }
}

#[derive(Template)]
#[template(path = "pages/survey.html")]
struct SurveyPage {
    i18n: I18n,
    chrome: Chrome,
    token: String,
    csrf_token: String,
    session_title: String,
    words: SurveyWords,
    /// The thank-you, after a submission.
    thanked: bool,
    /// When the person answered before, and until when they may change it.
    answered_on: Option<String>,
    closes_on: String,
    rating: String,
    usefulness: String,
    comment: String,
    topics: String,
    errors: FieldErrors,
    scores: [u8; 5],
}

#[derive(serde::Deserialize)]
pub struct SurveyQuery {
    done: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct SurveyPost {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    form: SurveyForm,
}

/// What the survey's page rests on, read in one go.
struct Situation {
    session: Session,
    survey: SurveySettings,
    answer: Option<StoredAnswer>,
}

async fn situation(
    state: &AppState,
    link: &ManageLink,
    language: &'static str,
) -> Result<Situation, AppError> {
    let (mut session, registration_id) = (link.session.clone(), link.registration.id.clone());
    run_db(state, move |conn| {
        db::catalogue::localize(conn, &mut session, language)?;
        let survey = db::feedback::settings(conn, &session.id)?;
        let answer = db::feedback::answer_of(conn, &registration_id)?;
        Ok(Situation { session, survey, answer })
    })
    .await
}

fn day(i18n: I18n, at: chrono::NaiveDateTime, zone: &str) -> String {
    i18n.date(&in_zone(at, zone))
}

/// A page that explains why there is nothing to fill in, with the way back.
fn explained(
    i18n: I18n,
    chrome: Chrome,
    token: &str,
    heading: &str,
    paragraph: String,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    html_with_status(
        MessagePage {
            heading: i18n.t(heading),
            paragraphs: vec![paragraph],
            back_link: Some(Link { href: format!("/manage/{token}"), label: i18n.t("manage-title") }),
            i18n,
            chrome,
        },
        status,
    )
    .map(private)
}

/// Refuses, with the reason, what the registration's situation does not allow: a survey that
/// is off (404), a registration that may not answer (403), a survey not open yet or closed.
fn refusal(
    i18n: I18n,
    chrome: Chrome,
    link: &ManageLink,
    situation: &Situation,
    now: chrono::NaiveDateTime,
) -> Option<Result<HttpResponse, AppError>> {
    let (token, registration) = (&link.token, &link.registration);
    let zone = registration.timezone.as_deref().unwrap_or(&situation.session.timezone).to_owned();
    if !situation.survey.enabled || situation.session.is_cancelled() {
        return Some(explained(
            i18n,
            chrome,
            token,
            "survey-none-title",
            i18n.t("survey-none-body"),
            StatusCode::NOT_FOUND,
        ));
    }
    if !may_answer(registration.status, registration.attended) {
        let reason = if registration.status == RegistrationStatus::Confirmed {
            "survey-absent-body"
        } else {
            "survey-not-allowed-body"
        };
        return Some(explained(
            i18n,
            chrome,
            token,
            "survey-not-allowed-title",
            i18n.t(reason),
            StatusCode::FORBIDDEN,
        ));
    }
    let window = situation.survey.window(&situation.session);
    match window.phase(now) {
        SurveyPhase::Open => None,
        SurveyPhase::NotYet => Some(explained(
            i18n,
            chrome,
            token,
            "survey-not-yet-title",
            i18n.t1("survey-not-yet-body", "date", day(i18n, window.opens_at, &zone)),
            StatusCode::CONFLICT,
        )),
        SurveyPhase::Closed => {
            let key =
                if situation.answer.is_some() { "survey-closed-answered-body" } else { "survey-closed-body" };
            Some(explained(
                i18n,
                chrome,
                token,
                "survey-closed-title",
                i18n.t1(key, "date", day(i18n, window.closes_at, &zone)),
                StatusCode::GONE,
            ))
        }
    }
}

fn page(
    state: &AppState,
    seed: &CsrfSeed,
    i18n: I18n,
    chrome: Chrome,
    link: &ManageLink,
    situation: &Situation,
) -> SurveyPage {
    let zone = link.registration.timezone.as_deref().unwrap_or(&situation.session.timezone);
    let window = situation.survey.window(&situation.session);
    let answer = situation.answer.as_ref();
    SurveyPage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        token: link.token.clone(),
        session_title: situation.session.title.clone(),
        words: SurveyWords::of(i18n, situation.survey.texts_in(i18n.code())),
        thanked: false,
        answered_on: answer.map(|a| day(i18n, a.updated_at, zone)),
        closes_on: day(i18n, window.closes_at, zone),
        rating: answer.map(|a| a.rating.to_string()).unwrap_or_default(),
        usefulness: answer.map(|a| a.usefulness.to_string()).unwrap_or_default(),
        comment: answer.map(|a| a.comment.clone()).unwrap_or_default(),
        topics: answer.map(|a| a.topics.clone()).unwrap_or_default(),
        errors: FieldErrors::default(),
        scores: Score::ALL,
        i18n,
        chrome,
    }
}

/// The survey, with the person's earlier answer filled in; after a submission, the thanks.
pub async fn survey_page(
    state: web::Data<AppState>,
    link: ManageLink,
    query: web::Query<SurveyQuery>,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let situation = situation(&state, &link, i18n.code()).await?;
    if let Some(refused) = refusal(i18n, chrome.clone(), &link, &situation, state.clock.now()) {
        return refused;
    }
    let mut page = page(&state, &seed, i18n, chrome, &link, &situation);
    page.thanked = query.done.as_deref() == Some("saved");
    html(page).map(private)
}

/// Stores the answer, or replaces the earlier one; mistakes come back by their fields with
/// what was typed, and nothing is stored.
pub async fn answer_survey(
    state: web::Data<AppState>,
    link: ManageLink,
    seed: CsrfSeed,
    form: web::Form<SurveyPost>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    seed.check(&state, &form.csrf_token)?;
    let SurveyPost { form, .. } = form.into_inner();
    let situation = situation(&state, &link, i18n.code()).await?;
    if let Some(refused) = refusal(i18n, chrome.clone(), &link, &situation, state.clock.now()) {
        return refused;
    }
    let answer = match form.parse() {
        Ok(answer) => answer,
        Err(errors) => {
            let mut page = page(&state, &seed, i18n, chrome, &link, &situation);
            page.errors = FieldErrors::from_domain(&errors, i18n);
            page.rating = form.rating.trim().to_owned();
            page.usefulness = form.usefulness.trim().to_owned();
            page.comment = form.comment;
            page.topics = form.topics;
            return html_with_status(page, StatusCode::UNPROCESSABLE_ENTITY).map(private);
        }
    };
    let (registration_id, now) = (link.registration.id.clone(), state.clock.now());
    let outcome =
        run_db(&state, move |conn| db::feedback::save_answer(conn, &registration_id, &answer, now)).await?;
    match outcome {
        AnswerOutcome::Saved | AnswerOutcome::Updated => {
            Ok(private(see_other(&format!("/manage/{}/survey?done=saved#thanks", link.token))))
        }
        // Changed between the page and the submission (it closed that moment, an organiser
        // switched it off, the registration was cancelled): nothing was stored.
        AnswerOutcome::Closed => explained(
            i18n,
            chrome,
            &link.token,
            "survey-closed-title",
            i18n.t("survey-closed-now-body"),
            StatusCode::CONFLICT,
        ),
        AnswerOutcome::NotAllowed => explained(
            i18n,
            chrome,
            &link.token,
            "survey-not-allowed-title",
            i18n.t("survey-not-allowed-body"),
            StatusCode::FORBIDDEN,
        ),
    }
}

/// The certificate of attendance, in the registrant's language; someone not marked attended
/// is told why there is none (403), with the way back.
pub async fn certificate(
    state: web::Data<AppState>,
    link: ManageLink,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let ManageLink { token, registration, mut session } = link;
    if !has_certificate(&registration) {
        let key = match (registration.status, registration.attended) {
            (RegistrationStatus::Confirmed, Some(false)) => "certificate-absent-body",
            (RegistrationStatus::Confirmed, None) => "certificate-not-marked-body",
            _ => "certificate-not-confirmed-body",
        };
        return explained(i18n, chrome, &token, "certificate-none-title", i18n.t(key), StatusCode::FORBIDDEN);
    }
    let language = Language::parse(&registration.language).unwrap_or(Language::En);
    let (registration, session, organisation) = run_db(&state, move |conn| {
        db::catalogue::localize(conn, &mut session, language.code())?;
        let organisation = db::registrations::organisation_name(conn, &registration)?;
        Ok((registration, session, organisation))
    })
    .await?;
    let certificate = Certificate::of(
        I18n::new(language),
        &state.settings.certificate,
        &registration,
        &session,
        &organisation,
    );
    let pdf = web::block(move || certificate.pdf())
        .await
        .map_err(|e| AppError::Unexpected(e.into()))?
        .map_err(AppError::Unexpected)?;
    Ok(private(
        HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "application/pdf"))
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"certificate-of-attendance.pdf\"",
            ))
            .body(pdf),
    ))
}
