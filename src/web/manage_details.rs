//! Changing one's own details from the manage link, and the link that confirms a new email
//! address (mailed to that address; the page has one button, so link scanners change nothing).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::chrome::{Chrome, CsrfSeed, html, html_with_status, see_other};
use super::errors::AppError;
use super::forms::FieldErrors;
use super::interpretation::InterpretationFields;
use super::links::{EmailChangeLink, ManageLink, private};
use super::pickers::{CountryOption, ZoneHints, ZonePicker, country_options, posted, zone_picker};
use super::registration::{LanguageOption, language_options};
use super::state::{AppState, run_db};
use crate::db;
use crate::db::models::{Organisation, Registration};
use crate::db::registrations::{DetailsOutcome, EmailChangeOutcome};
use crate::domain::interpretation::InterpretationForm;
use crate::domain::questions::{AnswerError, AnswersForm};
use crate::domain::{CountryCode, DetailsForm, DetailsInput, FieldError, Language};
use crate::i18n::I18n;
use crate::web::question_fields::{self, QuestionField};
use crate::when::When;

#[derive(Template)]
#[template(path = "pages/details.html")]
struct DetailsPage {
    i18n: I18n,
    chrome: Chrome,
    token: String,
    csrf_token: String,
    session_title: String,
    form: DetailsForm,
    errors: FieldErrors,
    form_problem: Option<String>,
    /// A new address waiting for its mailbox's confirmation.
    pending_email: Option<String>,
    members: Vec<Organisation>,
    partners: Vec<Organisation>,
    countries: Vec<CountryOption>,
    language_choices: Vec<LanguageOption>,
    zone_picker: ZonePicker,
    interpretation: InterpretationFields,
    questions: Vec<QuestionField>,
}

/// The form filled with what is stored (a stored alias of a zone as its canonical name).
fn form_of(registration: &Registration) -> DetailsForm {
    DetailsForm {
        name: registration.name.clone(),
        email: registration.pending_email.clone().unwrap_or_else(|| registration.email.clone()),
        organisation: match &registration.organisation_id {
            Some(id) => id.clone(),
            None => "other".into(),
        },
        organisation_other: registration.organisation_other.clone().unwrap_or_default(),
        position: registration.position.clone(),
        country: registration.country.clone(),
        language: registration.language.clone(),
        timezone: registration
            .timezone
            .as_deref()
            .map(crate::domain::time_zone::display_name)
            .unwrap_or_default(),
        needs: registration.needs.clone(),
        csrf_token: String::new(),
        interpretation: InterpretationForm::default(),
        answers: AnswersForm::default(),
    }
}

/// The page's parts that do not depend on what was typed.
struct Shown<'a> {
    state: &'a AppState,
    link: ManageLink,
    i18n: I18n,
    chrome: Chrome,
    seed: &'a CsrfSeed,
    /// qforms: refused answers to the organiser's questions.
    answer_errors: Vec<AnswerError>,
}

impl Shown<'_> {
    async fn page(
        self,
        form: DetailsForm,
        errors: &[FieldError],
        problem: Option<String>,
        search: Option<String>,
        status: StatusCode,
    ) -> Result<HttpResponse, AppError> {
        let ManageLink { token, registration, mut session } = self.link;
        let language = self.i18n.code();
        let (session, organisations, offered, questions) = run_db(self.state, move |conn| {
            let offered = db::interpretation::offered(conn, &session)?;
            let questions = db::questions::of_session(conn, session.id.as_str())?;
            db::catalogue::localize(conn, &mut session, language)?;
            Ok((session, db::catalogue::organisations(conn)?, offered, questions))
        })
        .await?;
        let (members, partners): (Vec<_>, Vec<_>) = organisations.into_iter().partition(|o| o.is_member());
        let zone_picker = zone_picker(
            self.i18n,
            ZoneHints {
                chosen: &form.timezone,
                country: CountryCode::parse(&form.country),
                session_zone: &session.timezone,
                search: search.as_deref(),
            },
        );
        let chosen_language = Language::parse(&form.language).unwrap_or(self.i18n.lang);
        let page = DetailsPage {
            csrf_token: self.state.settings.secret_key.sign("csrf", &self.seed.0),
            session_title: session.title.clone(),
            errors: {
                let mut all = FieldErrors::from_domain(errors, self.i18n);
                for error in &self.answer_errors {
                    all.add(format!("q-{}", error.question_id), self.i18n.t(error.message));
                }
                all
            },
            form_problem: problem,
            pending_email: registration.pending_email.clone(),
            members,
            partners,
            countries: country_options(self.i18n, &form.country),
            language_choices: language_options(chosen_language),
            zone_picker,
            interpretation: InterpretationFields::of(self.i18n, &offered, &form.interpretation),
            questions: question_fields::fields(
                self.i18n,
                &session.language,
                &questions,
                &form.answers,
                &self.answer_errors,
            ),
            form,
            token,
            i18n: self.i18n,
            chrome: self.chrome,
        };
        html_with_status(page, status).map(private)
    }
}

/// The form to change one's details, filled with what is stored.
pub async fn details_form(
    state: web::Data<AppState>,
    link: ManageLink,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let mut form = form_of(&link.registration);
    let (registration_id, session) = (link.registration.id.clone(), link.session.clone());
    let (choice, offered, answers) = run_db(&state, move |conn| {
        let questions = db::questions::of_session(conn, session.id.as_str())?;
        Ok((
            db::interpretation::choice_of(conn, &registration_id)?,
            db::interpretation::offered(conn, &session)?,
            db::answers::answers_of(conn, &registration_id, &questions)?,
        ))
    })
    .await?;
    form.interpretation = InterpretationForm::of_choice(&choice, &offered);
    form.answers = AnswersForm::of_answers(&answers);
    Shown { state: &state, link, i18n, chrome, seed: &seed, answer_errors: Vec::new() }
        .page(form, &[], None, None, StatusCode::OK)
        .await
}

/// Saves the details (one transaction: the change, its audit entry, its mails), or shows the
/// form again with the messages beside their fields and everything typed kept.
pub async fn save_details(
    state: web::Data<AppState>,
    link: ManageLink,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let pairs = form.into_inner();
    let search = posted(&pairs, "timezone_search")
        .map(str::trim)
        .filter(|q| !q.is_empty() && posted(&pairs, "find_zone").is_some())
        .map(str::to_owned);
    let form = DetailsForm::from_pairs(pairs);
    let token = link.token.clone();
    let registration_id = link.registration.id.clone();
    let mut shown = Shown { state: &state, link, i18n, chrome, seed: &seed, answer_errors: Vec::new() };
    if !seed.accepts(&state, &form.csrf_token) {
        let problem = Some(i18n.t("error-form-expired"));
        return shown.page(form, &[], problem, None, StatusCode::FORBIDDEN).await;
    }
    if search.is_some() {
        return shown.page(form, &[], None, search, StatusCode::OK).await;
    }
    let session = shown.link.session.clone();
    let (offered, questions) = run_db(&state, move |conn| {
        Ok((
            db::interpretation::offered(conn, &session)?,
            db::questions::of_session(conn, session.id.as_str())?,
        ))
    })
    .await?;
    let input = match (form.parse(), form.interpretation.parse(&offered), form.answers.parse(&questions)) {
        (Ok(input), Ok(choice), Ok(answers)) => {
            DetailsInput { interpretation: Some(choice), answers: Some(answers), ..input }
        }
        (parsed, choice, answers) => {
            let mut errors = parsed.err().unwrap_or_default();
            errors.extend(choice.err());
            shown.answer_errors = answers.err().unwrap_or_default();
            return shown.page(form, &errors, None, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let now = state.clock.now();
    let outcome =
        run_db(&state, move |conn| db::registrations::update_details(conn, &registration_id, &input, now))
            .await?;
    let refused = |field, message| [FieldError::new(field, message)];
    let done = match outcome {
        DetailsOutcome::Saved { email_pending } => {
            state.wake_worker();
            if email_pending { "details-email-pending" } else { "details-saved" }
        }
        DetailsOutcome::Unchanged => "details-unchanged",
        DetailsOutcome::UnknownOrganisation => {
            let errors = refused("organisation", "error-organisation-unknown");
            return shown.page(form, &errors, None, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        DetailsOutcome::EmailTaken => {
            let errors = refused("email", "error-email-taken");
            return shown.page(form, &errors, None, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    Ok(private(see_other(&format!("/manage/{token}?done={done}"))))
}

#[derive(Template)]
#[template(path = "pages/email_change.html")]
struct EmailChangePage {
    i18n: I18n,
    chrome: Chrome,
    token: String,
    csrf_token: String,
    session_title: String,
    when: When,
}

/// The link mailed to a new address: a page with one button, which changes nothing.
pub async fn email_change_page(
    state: web::Data<AppState>,
    link: EmailChangeLink,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let token = link.token().to_owned();
    let mut session = link.session;
    let language = i18n.code();
    let session = run_db(&state, move |conn| {
        db::catalogue::localize(conn, &mut session, language)?;
        Ok(session)
    })
    .await?;
    html(EmailChangePage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        session_title: session.title.clone(),
        when: When::of(i18n, &session),
        token,
        i18n,
        chrome,
    })
    .map(private)
}

/// The button of that page: the new address replaces the old one, which is told.
pub async fn confirm_email_change(
    state: web::Data<AppState>,
    link: EmailChangeLink,
    seed: CsrfSeed,
    form: web::Form<super::manage::CsrfForm>,
) -> Result<HttpResponse, AppError> {
    seed.check(&state, &form.csrf_token)?;
    let (token, now) = (link.token().to_owned(), state.clock.now());
    let outcome =
        run_db(&state, move |conn| db::registrations::confirm_email_change(conn, &token, now)).await?;
    let (manage_token, done) = match outcome {
        EmailChangeOutcome::Invalid => return link.refused(&state).await,
        EmailChangeOutcome::Changed { manage_token } => {
            state.wake_worker();
            (manage_token, "email-changed")
        }
        EmailChangeOutcome::Taken { manage_token } => (manage_token, "email-taken"),
    };
    Ok(private(see_other(&format!("/manage/{manage_token}?done={done}"))))
}

/// A registration's country as the reader reads it: the code's name in their language, or
/// the text typed before countries were codes.
pub fn country_label(i18n: I18n, registration: &Registration) -> String {
    match CountryCode::parse(&registration.country) {
        Some(code) => code.name(i18n.lang).to_owned(),
        None => registration.country_unmatched.clone().unwrap_or_default(),
    }
}
