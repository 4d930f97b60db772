//! What the emailed links open: the confirmation link, and the manage page with its forms
//! (cancel, choices, reminders, erasure) and downloads (calendar entry, the person's data).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

use super::chrome::{Chrome, CsrfSeed, Link, MessagePage, html, html_with_status, see_other};
use super::errors::AppError;
use super::links::{ConfirmLink, ManageLink, private};
use super::one_click::{OptOutForm, set_stopped};
use super::state::{AppState, run_db};
use crate::db;
use crate::db::registrations::{CancelOutcome, ConfirmOutcome};
use crate::domain::{MailingList, RegistrationStatus};
use crate::i18n::{I18n, in_zone};
use crate::when::When;

crate::domain::text_enum! {
    /// What the manage page says it just did, named in the `done` parameter of its address.
    pub enum Notice {
        Confirmed = "confirmed",
        Waitlisted = "waitlisted",
        Awaiting = "awaiting",
        Unchanged = "unchanged",
        Cancelled = "cancelled",
        RemindersOff = "reminders-off",
        RemindersOn = "reminders-on",
        EraseUnconfirmed = "erase-unconfirmed",
        Choices = "choices",
        DetailsSaved = "details-saved",
        DetailsEmailPending = "details-email-pending",
        DetailsUnchanged = "details-unchanged",
        EmailChanged = "email-changed",
        EmailTaken = "email-taken",
    }
}

impl Notice {
    fn message_key(self) -> &'static str {
        match self {
            Notice::Confirmed => "flash-confirmed",
            Notice::Waitlisted => "flash-waitlisted",
            Notice::Awaiting => "flash-awaiting",
            Notice::Unchanged => "flash-unchanged",
            Notice::Cancelled => "flash-cancelled",
            Notice::RemindersOff => "flash-reminders-off",
            Notice::RemindersOn => "flash-reminders-on",
            Notice::EraseUnconfirmed => "flash-erase-unconfirmed",
            Notice::Choices => "flash-choices-saved",
            Notice::DetailsSaved => "flash-details-saved",
            Notice::DetailsEmailPending => "flash-details-email-pending",
            Notice::DetailsUnchanged => "flash-details-unchanged",
            Notice::EmailChanged => "flash-email-changed",
            Notice::EmailTaken => "flash-email-taken",
        }
    }
}

/// The manage page after a change, saying what was done; `anchor` scrolls to its section.
fn back_to_manage(token: &str, done: Notice, anchor: &str) -> HttpResponse {
    private(see_other(&format!("/manage/{token}?done={done}{anchor}")))
}

#[derive(Template)]
#[template(path = "pages/confirm.html")]
struct ConfirmPage {
    i18n: I18n,
    chrome: Chrome,
    token: String,
    csrf_token: String,
    session_title: String,
    when: When,
    /// Still to be confirmed (else: confirmed already, the button opens the registration).
    pending: bool,
}

/// The emailed confirmation link opens a page with one button and changes nothing: link
/// scanners, which open every link of an incoming mail, cannot confirm on the person's behalf.
pub async fn confirm_page(
    state: web::Data<AppState>,
    link: ConfirmLink,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let token = link.token().to_owned();
    let ConfirmLink { registration, mut session, .. } = link;
    let language = i18n.code();
    let session = run_db(&state, move |conn| {
        db::catalogue::localize(conn, &mut session, language)?;
        Ok(session)
    })
    .await?;
    html(ConfirmPage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        session_title: session.title.clone(),
        when: When::of(i18n, &session),
        pending: registration.status == RegistrationStatus::Pending,
        token,
        i18n,
        chrome,
    })
    .map(private)
}

/// Follows the confirmation page's button. Idempotent: a second press changes nothing and sends
/// nothing.
pub async fn confirm(
    state: web::Data<AppState>,
    link: ConfirmLink,
    seed: CsrfSeed,
    form: web::Form<CsrfForm>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    seed.check(&state, &form.csrf_token)?;
    let (token, now) = (link.token().to_owned(), state.clock.now());
    let outcome = run_db(&state, move |conn| db::registrations::confirm(conn, &token, now)).await?;
    let (manage_token, done) = match outcome {
        ConfirmOutcome::Invalid => return link.refused(&state).await,
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
            (manage_token, Notice::Confirmed)
        }
        ConfirmOutcome::Waitlisted { manage_token } => {
            state.wake_worker();
            (manage_token, Notice::Waitlisted)
        }
        ConfirmOutcome::AwaitingApproval { manage_token } => {
            state.wake_worker();
            (manage_token, Notice::Awaiting)
        }
        ConfirmOutcome::Unchanged { manage_token } => (manage_token, Notice::Unchanged),
    };
    Ok(back_to_manage(&manage_token, done, ""))
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
    announcements_on: bool,
    show_reminders: bool,
    can_choose: bool,
    newsletter: bool,
    listed: bool,
    /// feedback: the session's survey is open to this registration; its certificate exists.
    survey_open: bool,
    certificate: bool,
}

#[derive(serde::Deserialize)]
pub struct ManageQuery {
    done: Option<String>,
}

pub async fn manage(
    state: web::Data<AppState>,
    link: ManageLink,
    query: web::Query<ManageQuery>,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let language = i18n.code();
    let ManageLink { token, registration, mut session } = link;
    let (registration, session, organisation, survey) = run_db(&state, move |conn| {
        db::catalogue::localize(conn, &mut session, language)?;
        let organisation = db::registrations::organisation_name(conn, &registration)?;
        let survey = db::feedback::settings(conn, &session.id)?;
        Ok((registration, session, organisation, survey))
    })
    .await?;
    let survey_open = crate::domain::survey::may_answer(registration.status, registration.attended)
        && !session.is_cancelled()
        && survey.is_open(&session, now);
    let certificate = super::feedback::has_certificate(&registration);
    let status = registration.status;
    let country = super::manage_details::country_label(i18n, &registration);
    let session_cancelled = session.is_cancelled();
    let status_text = if session_cancelled {
        i18n.t("session-cancelled")
    } else if status == RegistrationStatus::AwaitingApproval
        && session.approval_mode == crate::domain::ApprovalMode::FocalPoint
    {
        // focal: the member's focal point (or, without one, the organisers) decides.
        i18n.t("focal-registrant-awaiting")
    } else {
        i18n.t(&format!("status-{}", status.as_str()))
    };
    let flash = query.done.as_deref().and_then(Notice::parse).map(|notice| i18n.t(notice.message_key()));
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
        // join: the personal join page (never the platform's address), for confirmed
        // registrants until the end, and after it for the recording.
        join_url: (status == RegistrationStatus::Confirmed && !session_cancelled)
            .then(|| format!("/manage/{token}/join")),
        show_calendar: active && upcoming,
        can_cancel: can_cancel_status && upcoming,
        name: registration.name,
        email: registration.email,
        organisation,
        position: registration.position,
        country,
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
        survey_open,
        certificate,
        token,
        i18n,
        chrome,
    };
    html(page).map(private)
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf_token: String,
}

pub async fn cancel(
    state: web::Data<AppState>,
    link: ManageLink,
    seed: CsrfSeed,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    seed.check(&state, &form.csrf_token)?;
    let ManageLink { token, registration, .. } = link;
    let now = state.clock.now();
    let outcome = run_db(&state, move |conn| db::registrations::cancel(conn, &registration.id, now)).await?;
    match outcome {
        CancelOutcome::Cancelled => {
            state.wake_worker();
            Ok(back_to_manage(&token, Notice::Cancelled, ""))
        }
        CancelOutcome::AlreadyCancelled => Ok(private(see_other(&format!("/manage/{token}")))),
    }
}

/// The calendar entry for a confirmed or waitlisted registration.
pub async fn calendar(
    state: web::Data<AppState>,
    link: ManageLink,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let ManageLink { token, registration, mut session } = link;
    let language = registration.language.clone();
    let now = state.clock.now();
    let (registration, session, join_token) = run_db(&state, move |conn| {
        db::catalogue::localize(conn, &mut session, &language)?;
        // join: the entry carries a personal join link, never the platform's address.
        let join_token = db::joins::mint_for(conn, &registration, &session, now)?;
        Ok((registration, session, join_token))
    })
    .await?;
    let join_link = join_token.map(|t| state.settings.link(&format!("/join/{t}")));
    // Only a seat holder has an invitation (its current SEQUENCE, in the registrant's language);
    // a person waiting for a seat is told so, with the way back.
    let Some(ics) =
        crate::email::ics::download(&state.settings, &registration, &session, join_link.as_deref())
    else {
        return html_with_status(
            MessagePage {
                heading: i18n.t("calendar-no-seat-title"),
                paragraphs: vec![i18n.t("calendar-no-seat-body")],
                back_link: Some(Link { href: format!("/manage/{token}"), label: i18n.t("manage-title") }),
                i18n,
                chrome,
            },
            StatusCode::NOT_FOUND,
        )
        .map(private);
    };
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
    link: ManageLink,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    html(RemindersOffPage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        session_title: link.session.title,
        token: link.token,
        i18n,
        chrome,
    })
    .map(private)
}

/// Stops or restarts reminders. The manage token authenticates; the page's forms also carry a
/// CSRF token, and mail clients may post `List-Unsubscribe=One-Click` (RFC 8058) without one.
async fn set_reminders(
    state: web::Data<AppState>,
    link: ManageLink,
    form: OptOutForm,
    stop: bool,
) -> Result<HttpResponse, AppError> {
    let notice = if stop { Notice::RemindersOff } else { Notice::RemindersOn };
    let back = |token: &str| back_to_manage(token, notice, "");
    set_stopped(&state, link, form, MailingList::Reminders, stop, back).await
}

pub async fn reminders_off(
    state: web::Data<AppState>,
    link: ManageLink,
    form: OptOutForm,
) -> Result<HttpResponse, AppError> {
    set_reminders(state, link, form, true).await
}

pub async fn reminders_on(
    state: web::Data<AppState>,
    link: ManageLink,
    form: OptOutForm,
) -> Result<HttpResponse, AppError> {
    set_reminders(state, link, form, false).await
}

/// The person's optional consents (newsletter, being listed), changed from the manage page.
pub async fn set_choices(
    state: web::Data<AppState>,
    link: ManageLink,
    seed: CsrfSeed,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    seed.check(&state, field("csrf_token").unwrap_or(""))?;
    let newsletter = field("newsletter").is_some();
    let listed = field("listed").is_some();
    let ManageLink { token, registration, .. } = link;
    let now = state.clock.now();
    run_db(&state, move |conn| db::privacy::set_choices(conn, &registration.id, newsletter, listed, now))
        .await?;
    Ok(back_to_manage(&token, Notice::Choices, "#choices"))
}

/// The person's data as JSON, from their manage link.
pub async fn download_data(state: web::Data<AppState>, link: ManageLink) -> Result<HttpResponse, AppError> {
    let registration = link.registration;
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
    link: ManageLink,
    seed: CsrfSeed,
    form: web::Form<Vec<(String, String)>>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("");
    seed.check(&state, field("csrf_token"))?;
    let ManageLink { token, registration, .. } = link;
    if field("confirm") != "yes" {
        return Ok(back_to_manage(&token, Notice::EraseUnconfirmed, "#your-data"));
    }
    let now = state.clock.now();
    let mail_dir = state.settings.mail_dir();
    run_db(&state, move |conn| db::privacy::erase(conn, &mail_dir, &registration.id, now)).await?;
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
