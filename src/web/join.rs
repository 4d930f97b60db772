//! The personal join page (`/join/{token}`, also opened from the manage page): what a
//! registrant may do about joining at this moment. Opening it changes nothing (link scanners
//! and previews open every link of a mail); only its "Join now" button, a POST, records the
//! join and sends the person on to the platform, and only inside the join window.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;

use super::chrome::{Chrome, CsrfSeed, html_with_status};
use super::errors::AppError;
use super::links::{JoinLink, ManageLink, private};
use super::manage::CsrfForm;
use super::state::{AppState, run_db};
use crate::db;
use crate::db::joins::JoinOutcome;
use crate::db::models::{Registration, Session};
use crate::domain::interpretation::ChannelLanguage;
use crate::domain::{JoinState, RegistrationStatus};
use crate::i18n::I18n;
use crate::when::{When, moment_in_zone, range_in_zone};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/join/{token}", web::get().to(join_page))
        .route("/join/{token}", web::head().to(join_page))
        .route("/join/{token}", web::post().to(join))
        .route("/manage/{token}/join", web::get().to(manage_join_page))
        .route("/manage/{token}/join", web::head().to(manage_join_page))
        .route("/manage/{token}/join", web::post().to(manage_join));
}

#[derive(Template)]
#[template(path = "pages/join.html")]
struct JoinPage {
    i18n: I18n,
    chrome: Chrome,
    csrf_token: String,
    /// Where the button posts (the link the page was opened with).
    action: String,
    session_title: String,
    slug: String,
    when: When,
    /// The session's time in the registrant's zone, when it is another zone.
    local_when: Option<String>,
    heading: String,
    paragraphs: Vec<String>,
    /// "Join now" is offered.
    open: bool,
    /// Before the window: the session's calendar entry.
    calendar_href: Option<String>,
    /// After the end: the recording, once published.
    recording_url: Option<String>,
    /// A note for this registration (e.g. the interpretation channel to choose), shown when
    /// present; filled by whoever knows it.
    note: Option<String>,
    manage_href: Option<String>,
}

/// Who opened the page, through which link.
struct Opened<'a> {
    app: &'a AppState,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
    /// The link's own path, where the button posts.
    action: String,
    /// Opened from the manage page: the way back to it.
    manage_href: Option<String>,
}

/// The page for `registration` as things stand at `state`.
/// `channel`: the interpretation channel the person follows when it is not the spoken language;
/// named while the seat is theirs and the session ahead or live.
fn page(
    opened: Opened<'_>,
    registration: &Registration,
    session: &Session,
    state: JoinState,
    channel: Option<ChannelLanguage>,
) -> JoinPage {
    let Opened { app, i18n, chrome, seed, action, manage_href } = opened;
    let zone = registration.timezone.clone().unwrap_or_else(|| session.timezone.clone());
    let (heading, paragraphs) = words(i18n, state, &zone);
    let local_when = registration
        .timezone
        .as_deref()
        .filter(|tz| *tz != session.timezone)
        .map(|tz| range_in_zone(i18n, session.starts_at, session.duration_minutes, tz));
    JoinPage {
        csrf_token: app.settings.secret_key.sign("csrf", &seed.0),
        action,
        session_title: session.title.clone(),
        slug: session.slug.clone(),
        when: When::of(i18n, session),
        local_when,
        heading,
        paragraphs,
        open: state == JoinState::Open,
        calendar_href: matches!(state, JoinState::NotYet { .. })
            .then(|| format!("/sessions/{}.ics?lang={}", session.slug, i18n.code())),
        recording_url: session.recording_url.clone().filter(|_| state == JoinState::Ended),
        note: matches!(state, JoinState::NotYet { .. } | JoinState::Open | JoinState::NoAddress)
            .then(|| crate::interpretation::channel_note(i18n, channel))
            .flatten(),
        manage_href,
        i18n,
        chrome,
    }
}

/// The heading and paragraphs of each state, in the reader's language; times in `zone`.
fn words(i18n: I18n, state: JoinState, zone: &str) -> (String, Vec<String>) {
    match state {
        JoinState::NotYet { opens_at } => (
            i18n.t("join-not-yet-title"),
            vec![
                i18n.t1("join-not-yet-body", "time", moment_in_zone(i18n, opens_at, zone)),
                i18n.t("join-not-yet-calendar"),
            ],
        ),
        JoinState::Open => (i18n.t("join-open-title"), vec![i18n.t("join-open-body")]),
        JoinState::NoAddress => (i18n.t("join-open-title"), vec![i18n.t("join-no-address")]),
        JoinState::Ended => (i18n.t("join-ended-title"), vec![i18n.t("join-ended-body")]),
        JoinState::SessionCancelled => (i18n.t("join-no-seat-title"), vec![i18n.t("join-session-cancelled")]),
        JoinState::NoSeat(status) => {
            let key = match status {
                RegistrationStatus::Pending => "join-no-seat-pending",
                RegistrationStatus::AwaitingApproval => "join-no-seat-awaiting",
                RegistrationStatus::Waitlisted => "join-no-seat-waitlisted",
                RegistrationStatus::Declined => "join-no-seat-declined",
                RegistrationStatus::Cancelled => "join-no-seat-cancelled",
                RegistrationStatus::Erased | RegistrationStatus::Confirmed => "join-no-seat-erased",
            };
            (i18n.t("join-no-seat-title"), vec![i18n.t(key)])
        }
    }
}

/// The page as a response: private (the link is a key), and allowed to post to the
/// platform's origin when it offers "Join now" (the 303 goes there).
fn respond(page: JoinPage, status: StatusCode, platform: Option<&str>) -> Result<HttpResponse, AppError> {
    let open = page.open;
    let mut res = private(html_with_status(page, status)?);
    if open && let Some(origin) = platform.and_then(origin_of) {
        let policy = super::server::content_security_policy(&format!("'self' {origin}"));
        if let Ok(value) = header::HeaderValue::from_str(&policy) {
            res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    Ok(res)
}

/// `scheme://host[:port]` of an http(s) address, for a `form-action` source.
fn origin_of(address: &str) -> Option<String> {
    let url = url::Url::parse(address).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.origin().ascii_serialization())
}

async fn show(
    opened: Opened<'_>,
    registration: Registration,
    mut session: Session,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (app, language) = (opened.app, opened.i18n.code());
    let id = registration.id.clone();
    let (session, channel) = run_db(app, move |conn| {
        db::catalogue::localize(conn, &mut session, language)?;
        // questions: the interpretation channel this person follows, if not the spoken language.
        let channel = db::interpretation::channel_of(conn, &id, &session)?;
        Ok((session, channel))
    })
    .await?;
    let state = db::joins::state_of(&registration, &session, app.settings.join_opens, app.clock.now());
    respond(page(opened, &registration, &session, state, channel), status, session.join_url.as_deref())
}

/// Records the join and sends the person on; if the state changed since the page was shown,
/// the page again as it is now (409), and nothing recorded.
async fn press(
    opened: Opened<'_>,
    form: &CsrfForm,
    registration: Registration,
) -> Result<HttpResponse, AppError> {
    let app = opened.app;
    opened.seed.check(app, &form.csrf_token)?;
    let (id, opens, now) = (registration.id.clone(), app.settings.join_opens, app.clock.now());
    let outcome = run_db(app, move |conn| db::joins::join(conn, &id, opens, now)).await?;
    match outcome.ok_or(AppError::NotFound)? {
        JoinOutcome::Go(address) => {
            Ok(private(HttpResponse::SeeOther().insert_header((header::LOCATION, address)).finish()))
        }
        JoinOutcome::Refused(found) => {
            let (registration, session) = *found;
            show(opened, registration, session, StatusCode::CONFLICT).await
        }
    }
}

pub async fn join_page(
    state: web::Data<AppState>,
    link: JoinLink,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let opened = Opened {
        app: &state,
        i18n,
        chrome,
        seed,
        action: format!("/join/{}", link.token()),
        manage_href: None,
    };
    let JoinLink { registration, session, .. } = link;
    show(opened, registration, session, StatusCode::OK).await
}

pub async fn join(
    state: web::Data<AppState>,
    link: JoinLink,
    seed: CsrfSeed,
    form: web::Form<CsrfForm>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    let opened = Opened {
        app: &state,
        i18n,
        chrome,
        seed,
        action: format!("/join/{}", link.token()),
        manage_href: None,
    };
    press(opened, &form, link.registration).await
}

pub async fn manage_join_page(
    state: web::Data<AppState>,
    link: ManageLink,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    let ManageLink { token, registration, session } = link;
    show(from_manage(&state, i18n, chrome, seed, &token), registration, session, StatusCode::OK).await
}

pub async fn manage_join(
    state: web::Data<AppState>,
    link: ManageLink,
    seed: CsrfSeed,
    form: web::Form<CsrfForm>,
    i18n: I18n,
    chrome: Chrome,
) -> Result<HttpResponse, AppError> {
    press(from_manage(&state, i18n, chrome, seed, &link.token), &form, link.registration).await
}

/// The join page opened from the manage page, with the way back to it.
fn from_manage<'a>(app: &'a AppState, i18n: I18n, chrome: Chrome, seed: CsrfSeed, token: &str) -> Opened<'a> {
    let (action, manage_href) = (format!("/manage/{token}/join"), Some(format!("/manage/{token}")));
    Opened { app, i18n, chrome, seed, action, manage_href }
}
