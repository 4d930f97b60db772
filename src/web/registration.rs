//! The registration form, its POST and the page after it. What the emailed links open is in
//! `manage`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::chrome::{Chrome, CsrfSeed, Link, MessagePage, html, html_with_status, see_other};
use super::client::rate_key;
use super::errors::AppError;
use super::form_facts::Facts;
use super::forms::FieldErrors;
use super::interpretation::InterpretationFields;
use super::pickers::{
    CountryOption, ZoneHints, ZonePicker, accept_language_country, country_options, posted, zone_picker,
};
use super::state::{AppState, run_db};
use super::view::SessionTexts;
use crate::db;
use crate::db::catalogue::SessionDetail;
use crate::db::models::Organisation;
use crate::db::models::Session;
use crate::db::registrations::{RateLimit, Submission, SubmitOutcome};
use crate::domain::interpretation::{InterpretationForm, Offered};
use crate::domain::questions::{AnswerError, Question};
use crate::domain::{CountryCode, FieldError, Language, RegistrationForm, RegistrationInput};
use crate::i18n::I18n;
use crate::web::question_fields::{self, QuestionField};
use crate::when::When;

pub struct LanguageOption {
    pub code: &'static str,
    pub name: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "pages/register.html")]
struct RegisterPage {
    i18n: I18n,
    chrome: Chrome,
    slug: String,
    session_title: String,
    when: When,
    waitlist: bool,
    form: RegistrationForm,
    errors: FieldErrors,
    form_problem: Option<String>,
    csrf_token: String,
    members: Vec<Organisation>,
    partners: Vec<Organisation>,
    countries: Vec<CountryOption>,
    language_choices: Vec<LanguageOption>,
    zone_picker: ZonePicker,
    interpretation: InterpretationFields,
    questions: Vec<QuestionField>,
}

/// What the page's time zone picker starts from besides the form: the browser's country and
/// a search asked for with the form's "find" button.
#[derive(Default)]
struct ZoneRequest {
    browser_country: Option<CountryCode>,
    search: Option<String>,
}

/// The languages offered for emails, `chosen` selected.
pub fn language_options(chosen: Language) -> Vec<LanguageOption> {
    Language::ALL
        .iter()
        .map(|l| LanguageOption { code: l.code(), name: l.native_name(), current: *l == chosen })
        .collect()
}

struct FormContext {
    detail: SessionDetail,
    organisations: Vec<Organisation>,
    /// The languages the session can be followed in.
    offered: Offered,
    /// qforms: the organiser's questions.
    questions: Vec<Question>,
}

async fn load_form_context(state: &AppState, slug: String, i18n: I18n) -> Result<FormContext, AppError> {
    let language = i18n.code();
    let found = run_db(state, move |conn| {
        let Some(detail) = db::catalogue::session_by_slug(conn, &slug, language)? else {
            return Ok(None);
        };
        let organisations = db::catalogue::organisations(conn)?;
        let offered = db::interpretation::offered(conn, &detail.session)?;
        let questions = db::questions::of_session(conn, detail.session.id.as_str())?;
        Ok(Some(FormContext { detail, organisations, offered, questions }))
    })
    .await?;
    found.ok_or(AppError::NotFound)
}

#[allow(clippy::too_many_arguments)]
fn register_page(
    state: &AppState,
    ctx: FormContext,
    i18n: I18n,
    chrome: Chrome,
    seed: &CsrfSeed,
    form: RegistrationForm,
    errors: &[FieldError],
    answer_errors: &[AnswerError],
    form_problem: Option<String>,
    zones: ZoneRequest,
) -> RegisterPage {
    let session = &ctx.detail.session;
    let chosen_language = Language::parse(&form.language).unwrap_or(i18n.lang);
    let zone_picker = zone_picker(
        i18n,
        ZoneHints {
            chosen: &form.timezone,
            country: CountryCode::parse(&form.country).or(zones.browser_country),
            session_zone: &session.timezone,
            search: zones.search.as_deref(),
        },
    );
    let (members, partners): (Vec<_>, Vec<_>) = ctx.organisations.into_iter().partition(|o| o.is_member());
    RegisterPage {
        slug: session.slug.clone(),
        session_title: SessionTexts::of(i18n, session, ctx.detail.translation.as_ref()).title,
        when: When::of(i18n, session),
        waitlist: ctx.detail.confirmed >= i64::from(session.capacity),
        errors: {
            let mut all = FieldErrors::from_domain(errors, i18n);
            for error in answer_errors {
                all.add(format!("q-{}", error.question_id), i18n.t(error.message));
            }
            all
        },
        form_problem,
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        members,
        partners,
        countries: country_options(i18n, &form.country),
        language_choices: language_options(chosen_language),
        zone_picker,
        interpretation: InterpretationFields::of(i18n, &ctx.offered, &form.interpretation),
        questions: question_fields::fields(
            i18n,
            &session.language,
            &ctx.questions,
            &form.answers,
            answer_errors,
        ),
        form,
        i18n,
        chrome,
    }
}

fn closed_page(
    i18n: I18n,
    chrome: Chrome,
    session: &Session,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    html_with_status(
        MessagePage {
            heading: i18n.t("registration-closed"),
            paragraphs: vec![session.title.clone()],
            back_link: Some(Link {
                href: format!("/sessions/{}", session.slug),
                label: i18n.t("manage-back-to-session"),
            }),
            i18n,
            chrome,
        },
        status,
    )
}

pub async fn registration_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let ctx = load_form_context(&state, slug.into_inner(), i18n).await?;
    if !ctx.detail.session.registration_open(state.clock.now()) {
        return closed_page(i18n, chrome, &ctx.detail.session, StatusCode::OK);
    }
    let form = RegistrationForm {
        language: i18n.lang.code().into(),
        interpretation: InterpretationForm::preselected(&ctx.offered, i18n.code()),
        ..Default::default()
    };
    let zones = ZoneRequest { browser_country: accept_language_country(&req), search: None };
    html(register_page(&state, ctx, i18n, chrome, &seed, form, &[], &[], None, zones))
}

/// The registration form shown again, with what was typed and why it was not accepted.
struct FormAgain<'a> {
    state: &'a AppState,
    slug: String,
    i18n: I18n,
    chrome: Chrome,
    seed: &'a CsrfSeed,
    browser_country: Option<CountryCode>,
    /// qforms: refused answers to the organiser's questions.
    answer_errors: Vec<AnswerError>,
}

impl FormAgain<'_> {
    async fn show(
        self,
        form: RegistrationForm,
        errors: &[FieldError],
        problem: Option<String>,
        status: StatusCode,
    ) -> Result<HttpResponse, AppError> {
        self.show_with_search(form, errors, problem, status, None).await
    }

    async fn show_with_search(
        self,
        form: RegistrationForm,
        errors: &[FieldError],
        problem: Option<String>,
        status: StatusCode,
        search: Option<String>,
    ) -> Result<HttpResponse, AppError> {
        let ctx = load_form_context(self.state, self.slug, self.i18n).await?;
        let zones = ZoneRequest { browser_country: self.browser_country, search };
        let page = register_page(
            self.state,
            ctx,
            self.i18n,
            self.chrome,
            self.seed,
            form,
            errors,
            &self.answer_errors,
            problem,
            zones,
        );
        html_with_status(page, status)
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let pairs = form.into_inner();
    // The picker's "find" button with a search typed: the form comes back with the zones
    // found, everything typed kept, nothing registered.
    let search = posted(&pairs, "timezone_search")
        .map(str::trim)
        .filter(|q| !q.is_empty() && posted(&pairs, "find_zone").is_some())
        .map(str::to_owned);
    let form = RegistrationForm::from_pairs(pairs);
    let slug = slug.into_inner();
    // The session, its channels and questions on the way in (a second-old copy while
    // registrations keep coming: `web::form_facts`); the form's page with its lists of
    // organisations and zones is loaded only when it has to be shown again.
    // Only while the database answers the content watch: gone away, it is asked, and the
    // request answered 503 at once, as without the copy.
    let kept = state.content_watch.database_answering().then(|| state.form_facts.get(&slug)).flatten();
    let facts = match kept {
        Some(facts) => facts,
        None => {
            let lookup = slug.clone();
            let read_at = std::time::Instant::now();
            let facts = run_db(&state, move |conn| {
                let Some(session) = db::catalogue::public_session(conn, &lookup)? else {
                    return Ok(None);
                };
                let offered = db::interpretation::offered(conn, &session)?;
                let questions = db::questions::of_session(conn, session.id.as_str())?;
                Ok(Some(Facts { session, offered, questions }))
            })
            .await?
            .ok_or(AppError::NotFound)?;
            state.form_facts.put(&slug, read_at, facts)
        }
    };
    let Facts { session, offered, questions } = &*facts;
    let session = session.clone();
    let now = state.clock.now();
    if !session.registration_open(now) {
        return closed_page(i18n, chrome, &session, StatusCode::CONFLICT);
    }
    let browser_country = accept_language_country(&req);
    let mut again = FormAgain {
        state: &state,
        slug,
        i18n,
        chrome,
        seed: &seed,
        browser_country,
        answer_errors: Vec::new(),
    };
    if !seed.accepts(&state, &form.csrf_token) {
        // An expired or missing token: keep everything typed and ask to send it again.
        let problem = Some(i18n.t("error-form-expired"));
        return again.show(form, &[], problem, StatusCode::FORBIDDEN).await;
    }
    if let Some(search) = search {
        return again.show_with_search(form, &[], None, StatusCode::OK, Some(search)).await;
    }
    if form.is_bot() {
        tracing::info!("honeypot field filled; request dropped");
        return Ok(see_other(&format!("/sessions/{}/registered", session.slug)));
    }
    let input = match (form.parse(), form.interpretation.parse(offered), form.answers.parse(questions)) {
        (Ok(input), Ok(interpretation), Ok(answers)) => {
            RegistrationInput { interpretation, answers, ..input }
        }
        (parsed, interpretation, answers) => {
            let mut errors = parsed.err().unwrap_or_default();
            errors.extend(interpretation.err());
            again.answer_errors = answers.err().unwrap_or_default();
            return again.show(form, &errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    // Per client address (an IPv6 client per /64), shared by all instances: many officials of
    // one city hall may sit behind one address, so the limit is generous
    // (CONVOCA_REGISTRATION_LIMIT an hour).
    let key = rate_key("register", &req, &state.settings);
    let limit = state.settings.registration_limit;
    let session_id = session.id.clone();
    let limit = RateLimit { key, window: chrono::Duration::hours(1), max: limit };
    let outcome =
        state.registration_queue.submit(Submission { session_id, input, limit: Some(limit), now }).await?;
    match outcome {
        None => {
            let problem = Some(i18n.t("error-too-many-registrations"));
            again.show(form, &[], problem, StatusCode::TOO_MANY_REQUESTS).await
        }
        Some(SubmitOutcome::Accepted) => {
            state.wake_worker();
            Ok(see_other(&format!("/sessions/{}/registered", session.slug)))
        }
        Some(SubmitOutcome::AlreadySent) => {
            Ok(see_other(&format!("/sessions/{}/registered?sent=earlier", session.slug)))
        }
        Some(SubmitOutcome::NotFound) => Err(AppError::NotFound),
        Some(SubmitOutcome::Closed) => closed_page(i18n, again.chrome, &session, StatusCode::CONFLICT),
        Some(SubmitOutcome::UnknownOrganisation) => {
            let errors = [FieldError::new("organisation", "error-organisation-unknown")];
            again.show(form, &errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// After a submission: the same words whatever happened, so the page reveals nothing about
/// whether an address was already registered.
#[derive(serde::Deserialize)]
pub struct ReceivedQuery {
    /// `earlier`: the same form came in again soon after its mail, and nothing more was sent.
    sent: Option<String>,
}

pub async fn registration_received(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<ReceivedQuery>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let language = i18n.code();
    let detail = run_db(&state, move |conn| db::catalogue::session_by_slug(conn, &slug, language))
        .await?
        .ok_or(AppError::NotFound)?;
    let title = SessionTexts::of(i18n, &detail.session, detail.translation.as_ref()).title;
    html(MessagePage {
        heading: i18n.t("received-title"),
        paragraphs: if query.sent.as_deref() == Some("earlier") {
            vec![i18n.t1("received-earlier", "title", &title), i18n.t("received-spam")]
        } else {
            vec![i18n.t1("received-body", "title", &title), i18n.t("received-spam")]
        },
        back_link: Some(Link {
            href: format!("/sessions/{}", detail.session.slug),
            label: i18n.t("manage-back-to-session"),
        }),
        i18n,
        chrome,
    })
}
