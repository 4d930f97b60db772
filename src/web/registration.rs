//! The attendee's path: the form, the emailed confirmation link, and the manage page.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::chrome::{Chrome, CsrfSeed};
use super::errors::AppError;
use super::view::{SessionTexts, When};
use super::{AppState, TOKEN_FAILURES_PER_10_MINUTES, client_address, html, html_with_status, run_db};
use crate::db;
use crate::db::catalogue::SessionDetail;
use crate::db::models::Organisation;
use crate::db::models::Session;
use crate::db::registrations::{CancelOutcome, ConfirmOutcome, RateLimit, Submission, SubmitOutcome};
use crate::domain::{FieldError, Language, RegistrationForm, RegistrationStatus, TokenPurpose};
use crate::i18n::{I18n, in_zone};
use crate::security::looks_like_token;

pub struct FieldErrorView {
    pub field: &'static str,
    pub message: String,
}

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
    errors: Vec<FieldErrorView>,
    form_problem: Option<String>,
    csrf_token: String,
    members: Vec<Organisation>,
    partners: Vec<Organisation>,
    countries: Vec<String>,
    language_choices: Vec<LanguageOption>,
    timezones: Vec<&'static str>,
}

impl RegisterPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

#[derive(Template)]
#[template(path = "pages/message.html")]
pub struct MessagePage {
    pub i18n: I18n,
    pub chrome: Chrome,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub back_link: Option<Link>,
}

pub struct Link {
    pub href: String,
    pub label: String,
}

struct FormContext {
    detail: SessionDetail,
    organisations: Vec<Organisation>,
}

async fn load_form_context(state: &AppState, slug: String, i18n: I18n) -> Result<FormContext, AppError> {
    let language = i18n.code();
    let (detail, organisations) = run_db(state, move |conn| {
        let detail = db::catalogue::session_by_slug(conn, &slug, language)?;
        let organisations = db::catalogue::organisations(conn)?;
        Ok((detail, organisations))
    })
    .await?;
    let detail = detail.ok_or(AppError::NotFound)?;
    Ok(FormContext { detail, organisations })
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
    form_problem: Option<String>,
) -> RegisterPage {
    let session = &ctx.detail.session;
    let chosen_language = Language::parse(&form.language).unwrap_or(i18n.lang);
    let mut countries: Vec<String> = ctx.organisations.iter().map(|o| o.country.clone()).collect();
    countries.sort();
    countries.dedup();
    let (members, partners): (Vec<_>, Vec<_>) = ctx.organisations.into_iter().partition(|o| o.is_member());
    RegisterPage {
        slug: session.slug.clone(),
        session_title: SessionTexts::of(i18n, session, ctx.detail.translation.as_ref()).title,
        when: When::of(i18n, session),
        waitlist: ctx.detail.confirmed >= i64::from(session.capacity),
        errors: errors
            .iter()
            .map(|e| FieldErrorView {
                field: e.field,
                message: match e.limit {
                    Some(limit) => i18n.t1(e.message, "max", limit),
                    None => i18n.t(e.message),
                },
            })
            .collect(),
        form_problem,
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        members,
        partners,
        countries,
        language_choices: Language::ALL
            .iter()
            .map(|l| LanguageOption { code: l.code(), name: l.native_name(), current: *l == chosen_language })
            .collect(),
        timezones: chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect(),
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
    let form = RegistrationForm { language: i18n.lang.code().into(), ..Default::default() };
    html(register_page(&state, ctx, i18n, chrome, &seed, form, &[], None))
}

/// The registration form shown again, with what was typed and why it was not accepted.
struct FormAgain<'a> {
    state: &'a AppState,
    slug: String,
    i18n: I18n,
    chrome: Chrome,
    seed: &'a CsrfSeed,
}

impl FormAgain<'_> {
    async fn show(
        self,
        form: RegistrationForm,
        errors: &[FieldError],
        problem: Option<String>,
        status: StatusCode,
    ) -> Result<HttpResponse, AppError> {
        let ctx = load_form_context(self.state, self.slug, self.i18n).await?;
        let page = register_page(self.state, ctx, self.i18n, self.chrome, self.seed, form, errors, problem);
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
    let form = RegistrationForm::from_pairs(form.into_inner());
    let slug = slug.into_inner();
    // The session alone on the way in (one query); the form's page with its lists of
    // organisations and zones is loaded only when it has to be shown again.
    let lookup = slug.clone();
    let session = run_db(&state, move |conn| db::catalogue::public_session(conn, &lookup))
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    if !session.registration_open(now) {
        return closed_page(i18n, chrome, &session, StatusCode::CONFLICT);
    }
    let again = FormAgain { state: &state, slug, i18n, chrome, seed: &seed };
    if !state.settings.secret_key.verify("csrf", &seed.0, &form.csrf_token) {
        // An expired or missing token: keep everything typed and ask to send it again.
        let problem = Some(i18n.t("error-form-expired"));
        return again.show(form, &[], problem, StatusCode::FORBIDDEN).await;
    }
    if form.is_bot() {
        tracing::info!("honeypot field filled; request dropped");
        return Ok(see_other(&format!("/sessions/{}/registered", session.slug)));
    }
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => return again.show(form, &errors, None, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    // Per client address, shared by all instances: many officials of one city hall may sit
    // behind one address, so the limit is generous (CONVOCA_REGISTRATION_LIMIT an hour).
    let key = format!("register:{}", client_address(&req, &state.settings));
    let limit = state.settings.registration_limit;
    let session_id = session.id.clone();
    let limit = RateLimit { key, window: chrono::Duration::hours(1), max: limit };
    let outcome = match &state.registration_queue {
        Some(queue) => queue.submit(Submission { session_id, input, limit: Some(limit), now }).await?,
        None => {
            run_db(&state, move |conn| {
                db::registrations::submit_within_limit(conn, &session_id, &input, Some(&limit), now)
            })
            .await?
        }
    };
    match outcome {
        None => {
            let problem = Some(i18n.t("error-too-many-registrations"));
            again.show(form, &[], problem, StatusCode::TOO_MANY_REQUESTS).await
        }
        Some(SubmitOutcome::Accepted) => {
            state.wake_worker();
            Ok(see_other(&format!("/sessions/{}/registered", session.slug)))
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
pub async fn registration_received(
    state: web::Data<AppState>,
    slug: web::Path<String>,
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
        paragraphs: vec![i18n.t1("received-body", "title", &title), i18n.t("received-spam")],
        back_link: Some(Link {
            href: format!("/sessions/{}", detail.session.slug),
            label: i18n.t("manage-back-to-session"),
        }),
        i18n,
        chrome,
    })
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location.to_owned())).finish()
}

fn invalid_link_page(i18n: I18n, chrome: Chrome) -> Result<HttpResponse, AppError> {
    html_with_status(
        MessagePage {
            heading: i18n.t("link-invalid-title"),
            paragraphs: vec![i18n.t("link-invalid-body")],
            back_link: Some(Link { href: "/".into(), label: i18n.t("back-to-catalogue") }),
            i18n,
            chrome,
        },
        StatusCode::NOT_FOUND,
    )
}

/// Whether this client address has guessed at too many links lately.
async fn token_attempts_exhausted(state: &AppState, key: &str) -> Result<bool, AppError> {
    let (key, now) = (key.to_owned(), state.clock.now());
    run_db(state, move |conn| {
        db::rate::exceeded(conn, &key, chrono::Duration::minutes(10), TOKEN_FAILURES_PER_10_MINUTES, now)
    })
    .await
}

async fn record_token_failure(state: &AppState, key: String) -> Result<(), AppError> {
    let now = state.clock.now();
    run_db(state, move |conn| db::rate::record(conn, &key, now)).await
}

fn too_many_attempts_page(i18n: I18n, chrome: Chrome) -> Result<HttpResponse, AppError> {
    html_with_status(
        MessagePage {
            heading: i18n.t("error-too-many-title"),
            paragraphs: vec![i18n.t("error-too-many")],
            back_link: Some(Link { href: "/".into(), label: i18n.t("back-to-catalogue") }),
            i18n,
            chrome,
        },
        StatusCode::TOO_MANY_REQUESTS,
    )
}

/// The emailed confirmation link. Idempotent: a second click changes nothing and sends nothing.
pub async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let key = format!("token:{}", client_address(&req, &state.settings));
    if token_attempts_exhausted(&state, &key).await? {
        return too_many_attempts_page(i18n, chrome);
    }
    if !looks_like_token(&token) {
        record_token_failure(&state, key).await?;
        return invalid_link_page(i18n, chrome);
    }
    let now = state.clock.now();
    let outcome = run_db(&state, move |conn| db::registrations::confirm(conn, &token, now)).await?;
    let (manage_token, done) = match outcome {
        ConfirmOutcome::Invalid => {
            record_token_failure(&state, key).await?;
            return invalid_link_page(i18n, chrome);
        }
        ConfirmOutcome::SessionUnavailable => {
            return html_with_status(
                MessagePage {
                    heading: i18n.t("registration-closed"),
                    paragraphs: vec![i18n.t("confirm-session-unavailable")],
                    back_link: Some(Link { href: "/".into(), label: i18n.t("back-to-catalogue") }),
                    i18n,
                    chrome,
                },
                StatusCode::CONFLICT,
            );
        }
        ConfirmOutcome::Confirmed { manage_token } => {
            state.wake_worker();
            (manage_token, "confirmed")
        }
        ConfirmOutcome::Waitlisted { manage_token } => {
            state.wake_worker();
            (manage_token, "waitlisted")
        }
        ConfirmOutcome::AwaitingApproval { manage_token } => {
            state.wake_worker();
            (manage_token, "awaiting")
        }
        ConfirmOutcome::Unchanged { manage_token, .. } => (manage_token, "unchanged"),
    };
    Ok(see_other(&format!("/manage/{manage_token}?done={done}")))
}

#[derive(Template)]
#[template(path = "pages/manage.html")]
struct ManagePage {
    i18n: I18n,
    chrome: Chrome,
    token: String,
    csrf_token: String,
    flash: Option<String>,
    status: String,
    status_text: String,
    session_title: String,
    slug: String,
    when: When,
    local_when: Option<String>,
    join_url: Option<String>,
    show_calendar: bool,
    can_cancel: bool,
    name: String,
    email: String,
    organisation: String,
    position: String,
    country: String,
    language_label: String,
    needs: String,
    reminders_on: bool,
    show_reminders: bool,
    announcements_on: bool,
    can_choose: bool,
    newsletter: bool,
    listed: bool,
}

#[derive(serde::Deserialize)]
pub struct ManageQuery {
    done: Option<String>,
}

fn private(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    res.headers_mut().insert(header::REFERRER_POLICY, header::HeaderValue::from_static("no-referrer"));
    res
}

pub async fn manage(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    query: web::Query<ManageQuery>,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let key = format!("token:{}", client_address(&req, &state.settings));
    if token_attempts_exhausted(&state, &key).await? {
        return too_many_attempts_page(i18n, chrome).map(private);
    }
    if !looks_like_token(&token) {
        record_token_failure(&state, key).await?;
        return invalid_link_page(i18n, chrome).map(private);
    }
    let now = state.clock.now();
    let language = i18n.code();
    let lookup = token.clone();
    let found = run_db(&state, move |conn| {
        let Some((registration, mut session)) = db::tokens::lookup(conn, &lookup, TokenPurpose::Manage, now)?
        else {
            return Ok(None);
        };
        db::catalogue::localize(conn, &mut session, language)?;
        let organisation = db::registrations::organisation_name(conn, &registration)?;
        Ok(Some((registration, session, organisation)))
    })
    .await?;
    let Some((registration, session, organisation)) = found else {
        record_token_failure(&state, key).await?;
        return invalid_link_page(i18n, chrome).map(private);
    };
    let status = registration.status;
    let session_cancelled = session.is_cancelled();
    let status_text = if session_cancelled {
        i18n.t("session-cancelled")
    } else {
        i18n.t(&format!("status-{}", status.as_str()))
    };
    let flash = match query.done.as_deref() {
        Some("confirmed") => Some(i18n.t("flash-confirmed")),
        Some("waitlisted") => Some(i18n.t("flash-waitlisted")),
        Some("awaiting") => Some(i18n.t("flash-awaiting")),
        Some("unchanged") => Some(i18n.t("flash-unchanged")),
        Some("cancelled") => Some(i18n.t("flash-cancelled")),
        Some("reminders-off") => Some(i18n.t("flash-reminders-off")),
        Some("reminders-on") => Some(i18n.t("flash-reminders-on")),
        Some("erase-unconfirmed") => Some(i18n.t("flash-erase-unconfirmed")),
        Some("choices") => Some(i18n.t("flash-choices-saved")),
        _ => None,
    };
    let active = status.holds_place();
    let can_cancel_status = status.is_active();
    let upcoming = now < session.ends_at() && !session_cancelled;
    let local_when = registration.timezone.as_deref().filter(|tz| *tz != session.timezone).map(|tz| {
        let at = in_zone(session.starts_at, tz);
        format!("{} {} ({})", i18n.date(&at), i18n.time(&at), tz)
    });
    let page = ManagePage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        flash,
        status: status.as_str().into(),
        status_text,
        session_title: session.title.clone(),
        slug: session.slug.clone(),
        when: When::of(i18n, &session),
        local_when,
        // The private join link is for confirmed registrants only.
        join_url: session.join_url.clone().filter(|_| status == RegistrationStatus::Confirmed && upcoming),
        show_calendar: active && upcoming,
        can_cancel: can_cancel_status && upcoming,
        name: registration.name,
        email: registration.email,
        organisation,
        position: registration.position,
        country: registration.country,
        language_label: i18n.language_name(&registration.language),
        needs: registration.needs,
        reminders_on: !registration.reminders_opt_out,
        announcements_on: !registration.announcements_opt_out,
        show_reminders: status == RegistrationStatus::Confirmed
            && now < session.starts_at
            && !session_cancelled,
        can_choose: !matches!(status, RegistrationStatus::Declined),
        newsletter: registration.newsletter,
        listed: registration.listed,
        token,
        i18n,
        chrome,
    };
    html(page).map(private)
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

pub async fn cancel(
    state: web::Data<AppState>,
    token: web::Path<String>,
    seed: CsrfSeed,
    form: web::Form<CsrfForm>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !state.settings.secret_key.verify("csrf", &seed.0, &form.csrf_token) {
        return Err(AppError::Forbidden);
    }
    if !looks_like_token(&token) {
        return invalid_link_page(i18n, chrome).map(private);
    }
    let now = state.clock.now();
    let lookup = token.clone();
    let outcome = run_db(&state, move |conn| {
        let Some((registration, _)) = db::tokens::lookup(conn, &lookup, TokenPurpose::Manage, now)? else {
            return Ok(None);
        };
        db::registrations::cancel(conn, &registration.id, now).map(Some)
    })
    .await?;
    match outcome {
        None => invalid_link_page(i18n, chrome).map(private),
        Some(CancelOutcome::Cancelled) => {
            state.wake_worker();
            Ok(private(see_other(&format!("/manage/{token}?done=cancelled"))))
        }
        Some(CancelOutcome::AlreadyCancelled) => Ok(private(see_other(&format!("/manage/{token}")))),
    }
}

/// The calendar entry for a confirmed or waitlisted registration.
pub async fn calendar(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !looks_like_token(&token) {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let lookup = token.clone();
    let (registration, session) =
        run_db(&state, move |conn| db::tokens::lookup(conn, &lookup, TokenPurpose::Manage, now))
            .await?
            .ok_or(AppError::NotFound)?;
    if !registration.status.holds_place() {
        return Err(AppError::NotFound);
    }
    let i18n = I18n::new(Language::parse(&registration.language).unwrap_or(Language::En));
    let manage_link = state.settings.link(&format!("/manage/{token}"));
    let ics = crate::email::ics::calendar(
        &state.settings,
        i18n,
        &registration,
        &session,
        &manage_link,
        crate::domain::CalendarMethod::Publish,
    );
    Ok(private(
        HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
            .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"webinar.ics\""))
            .body(ics),
    ))
}

#[derive(Template)]
#[template(path = "pages/reminders_off.html")]
struct RemindersOffPage {
    i18n: I18n,
    chrome: Chrome,
    token: String,
    csrf_token: String,
    session_title: String,
}

/// Where a mail client without one-click support sends the person: a page with a button.
pub async fn reminders_off_page(
    state: web::Data<AppState>,
    token: web::Path<String>,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let Some((_, session)) = registration_for_manage_token(&state, &token).await? else {
        return invalid_link_page(i18n, chrome).map(private);
    };
    html(RemindersOffPage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        session_title: session.title,
        token,
        i18n,
        chrome,
    })
    .map(private)
}

async fn registration_for_manage_token(
    state: &AppState,
    token: &str,
) -> Result<Option<(crate::db::models::Registration, crate::db::models::Session)>, AppError> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let now = state.clock.now();
    let token = token.to_owned();
    run_db(state, move |conn| db::tokens::lookup(conn, &token, TokenPurpose::Manage, now)).await
}

/// Stops or restarts reminders. The manage token authenticates; the page's forms also carry a
/// CSRF token, and mail clients may post `List-Unsubscribe=One-Click` (RFC 8058) without one.
async fn set_reminders(
    state: web::Data<AppState>,
    token: String,
    seed: CsrfSeed,
    form: Vec<(String, String)>,
    opt_out: bool,
) -> Result<HttpResponse, AppError> {
    let one_click = form.iter().any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click");
    let csrf_ok = form
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .is_some_and(|(_, v)| state.settings.secret_key.verify("csrf", &seed.0, v));
    if !(csrf_ok || (one_click && opt_out)) {
        return Err(AppError::Forbidden);
    }
    let (registration, _) = registration_for_manage_token(&state, &token).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    run_db(&state, move |conn| {
        db::registrations::set_reminders_opt_out(conn, &registration.id, opt_out, now)
    })
    .await?;
    if one_click && !csrf_ok {
        return Ok(private(HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("OK")));
    }
    let done = if opt_out { "reminders-off" } else { "reminders-on" };
    Ok(private(see_other(&format!("/manage/{token}?done={done}"))))
}

pub async fn reminders_off(
    state: web::Data<AppState>,
    token: web::Path<String>,
    seed: CsrfSeed,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    set_reminders(state, token.into_inner(), seed, form.into_inner(), true).await
}

pub async fn reminders_on(
    state: web::Data<AppState>,
    token: web::Path<String>,
    seed: CsrfSeed,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    set_reminders(state, token.into_inner(), seed, form.into_inner(), false).await
}

/// The person's optional consents (newsletter, being listed), changed from the manage page.
pub async fn set_choices(
    state: web::Data<AppState>,
    token: web::Path<String>,
    seed: CsrfSeed,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if !state.settings.secret_key.verify("csrf", &seed.0, field("csrf_token").unwrap_or("")) {
        return Err(AppError::Forbidden);
    }
    let newsletter = field("newsletter").is_some();
    let listed = field("listed").is_some();
    let token = token.into_inner();
    let (registration, _) = registration_for_manage_token(&state, &token).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    run_db(&state, move |conn| db::privacy::set_choices(conn, &registration.id, newsletter, listed, now))
        .await?;
    Ok(private(see_other(&format!("/manage/{token}?done=choices#choices"))))
}

/// The person's data as JSON, from their manage link.
pub async fn download_data(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (registration, _) = registration_for_manage_token(&state, &token).await?.ok_or(AppError::NotFound)?;
    let data = run_db(&state, move |conn| db::privacy::export(conn, &registration.id)).await?;
    let body = serde_json::to_string_pretty(&data).map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(private(
        HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "application/json; charset=utf-8"))
            .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"my-registration.json\""))
            .body(body),
    ))
}

/// Erases the person's data at their request (after they tick the confirmation box).
pub async fn erase_data(
    state: web::Data<AppState>,
    token: web::Path<String>,
    seed: CsrfSeed,
    form: web::Form<Vec<(String, String)>>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("");
    if !state.settings.secret_key.verify("csrf", &seed.0, field("csrf_token")) {
        return Err(AppError::Forbidden);
    }
    let token = token.into_inner();
    let (registration, _) = registration_for_manage_token(&state, &token).await?.ok_or(AppError::NotFound)?;
    if field("confirm") != "yes" {
        return Ok(private(see_other(&format!("/manage/{token}?done=erase-unconfirmed#your-data"))));
    }
    let now = state.clock.now();
    run_db(&state, move |conn| db::privacy::erase(conn, &registration.id, now)).await?;
    state.wake_worker();
    html(MessagePage {
        heading: i18n.t("erased-title"),
        paragraphs: vec![i18n.t("erased-body")],
        back_link: Some(Link { href: "/".into(), label: i18n.t("back-to-catalogue") }),
        i18n,
        chrome,
    })
    .map(private)
}
