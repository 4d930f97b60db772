//! Emailed-link tokens: one gate for every route an emailed link opens.
//!
//! A token is checked for its shape before the database is touched; a client network that has
//! guessed wrong too often lately is refused before its token is even looked up; a lookup
//! that finds nothing counts as a guess. Every refusal answers the same page ("this link does
//! not work", and where to go next): 404 for a malformed, unknown or expired link, 429 with
//! `Retry-After` while the guesses are exhausted.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Duration, NaiveDateTime};

use super::chrome::{Chrome, html_with_status, language_of};
use super::client::rate_key;
use super::errors::AppError;
use super::state::{AppState, run_db};
use crate::db;
use crate::db::models::{Registration, Session};
use crate::domain::TokenPurpose;
use crate::i18n::I18n;
use crate::security::looks_like_token;

/// Wrong links allowed per client network (IPv4 address, IPv6 /64) in [`GUESS_WINDOW_SECONDS`].
pub const GUESSES_PER_WINDOW: i64 = 30;
pub const GUESS_WINDOW_SECONDS: i64 = 600;

/// The `{token}` of an emailed link's path, well formed, from a client that has guesses left;
/// not yet looked up. Routes take [`ManageLink`] or [`ConfirmLink`], which look it up for their
/// purpose.
struct LinkToken {
    token: String,
    key: String,
    i18n: I18n,
    chrome: Chrome,
    /// Where the refusal page sends the person for a new link, when there is such a page.
    again: Option<&'static str>,
}

impl LinkToken {
    async fn check_with(req: &HttpRequest, again: Option<&'static str>) -> Result<Self, actix_web::Error> {
        let state = app_state(req)?;
        let i18n = I18n::new(language_of(req));
        let link = LinkToken {
            token: req.match_info().get("token").unwrap_or_default().to_owned(),
            key: rate_key("token", req, &state.settings),
            i18n,
            chrome: Chrome::new(req, i18n),
            again,
        };
        let (key, now) = (link.key.clone(), state.clock.now());
        let window = Duration::seconds(GUESS_WINDOW_SECONDS);
        let exhausted =
            run_db(&state, move |conn| db::rate::exceeded(conn, &key, window, GUESSES_PER_WINDOW, now))
                .await?;
        if exhausted {
            let route = req.match_pattern().unwrap_or_default();
            crate::web::admin::security_log::note(
                &state,
                crate::domain::SecurityEvent::LinkGuessRefused,
                &route,
            )
            .await;
            return Err(into_error(link.page(StatusCode::TOO_MANY_REQUESTS)));
        }
        if !looks_like_token(&link.token) {
            return Err(into_error(link.refused(&state).await));
        }
        Ok(link)
    }

    /// The lookup found nothing: counts the guess against this client and answers the page.
    async fn refused(&self, state: &AppState) -> Result<HttpResponse, AppError> {
        let (key, now) = (self.key.clone(), state.clock.now());
        run_db(state, move |conn| db::rate::record(conn, &key, now)).await?;
        self.page(StatusCode::NOT_FOUND)
    }

    fn page(&self, status: StatusCode) -> Result<HttpResponse, AppError> {
        let wait = status == StatusCode::TOO_MANY_REQUESTS;
        let page = LinkInvalidPage { i18n: self.i18n, chrome: self.chrome.clone(), wait, again: self.again };
        let mut res = private(html_with_status(page, status)?);
        if wait {
            // No guess is counted while refused, so the window is the longest wait there is.
            res.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(GUESS_WINDOW_SECONDS));
        }
        Ok(res)
    }
}

/// Checks the `{token}` of the request's path ([`LinkToken::check_with`]) and looks it up with
/// `lookup` (token, now); a token that finds nothing counts as a guess and answers the refusal
/// page, which sends the person to `again` for a new link when there is such a page.
async fn open_with<T, F>(
    req: &HttpRequest,
    again: Option<&'static str>,
    lookup: F,
) -> Result<(LinkToken, T), actix_web::Error>
where
    F: FnOnce(&mut db::AnyConnection, &str, NaiveDateTime) -> diesel::QueryResult<Option<T>> + Send + 'static,
    T: Send + 'static,
{
    let link = LinkToken::check_with(req, again).await?;
    let state = app_state(req)?;
    let (token, now) = (link.token.clone(), state.clock.now());
    match run_db(&state, move |conn| lookup(conn, &token, now)).await? {
        Some(found) => Ok((link, found)),
        None => Err(into_error(link.refused(&state).await)),
    }
}

/// A registration's link for `purpose`: the registration and session it opens.
async fn open(
    req: &HttpRequest,
    purpose: TokenPurpose,
) -> Result<(LinkToken, Registration, Session), actix_web::Error> {
    let (link, (registration, session)) =
        open_with(req, None, move |conn, token, now| db::tokens::lookup(conn, token, purpose, now)).await?;
    Ok((link, registration, session))
}

/// A live manage link: its token, and the registration and session it opens.
pub struct ManageLink {
    pub token: String,
    pub registration: Registration,
    pub session: Session,
}

impl FromRequest for ManageLink {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (link, registration, session) = open(&req, TokenPurpose::Manage).await?;
            Ok(ManageLink { token: link.token, registration, session })
        })
    }
}

/// A live confirmation link, with the registration and session it is for.
pub struct ConfirmLink {
    link: LinkToken,
    pub registration: Registration,
    pub session: Session,
}

impl ConfirmLink {
    pub fn token(&self) -> &str {
        &self.link.token
    }

    /// The link stopped working between its lookup and its use: the refusal page.
    pub async fn refused(&self, state: &AppState) -> Result<HttpResponse, AppError> {
        self.link.refused(state).await
    }
}

impl FromRequest for ConfirmLink {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (link, registration, session) = open(&req, TokenPurpose::Confirm).await?;
            Ok(ConfirmLink { link, registration, session })
        })
    }
}

/// "This link does not work", with the way on; `wait` adds "wait before trying again".
#[derive(Template)]
#[template(path = "pages/link_invalid.html")]
struct LinkInvalidPage {
    i18n: I18n,
    chrome: Chrome,
    wait: bool,
    again: Option<&'static str>,
}

/// Pages and files opened by an emailed link: never stored by a cache, and the link (which
/// is the key to the registration) never sent on as a referrer.
pub fn private(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    res.headers_mut().insert(header::REFERRER_POLICY, header::HeaderValue::from_static("no-referrer"));
    res
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("the application state is not registered")))
}

/// An extractor's refusal: the rendered page as the error's response.
fn into_error(page: Result<HttpResponse, AppError>) -> actix_web::Error {
    match page {
        Ok(res) => actix_web::error::InternalError::from_response("emailed link refused", res).into(),
        Err(e) => e.into(),
    }
}

/// A live link that confirms a new email address (mailed to that address), with the
/// registration and session it is for.
pub struct EmailChangeLink {
    link: LinkToken,
    pub registration: Registration,
    pub session: Session,
}

impl EmailChangeLink {
    pub fn token(&self) -> &str {
        &self.link.token
    }

    /// The link stopped working between its lookup and its use: the refusal page.
    pub async fn refused(&self, state: &AppState) -> Result<HttpResponse, AppError> {
        self.link.refused(state).await
    }
}

impl FromRequest for EmailChangeLink {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (link, registration, session) = open(&req, TokenPurpose::EmailChange).await?;
            Ok(EmailChangeLink { link, registration, session })
        })
    }
}

/// A live organiser password reset link (`/admin/reset/{token}`), with the account it opens.
/// Refused like every emailed link, the page pointing to where a new one is asked for.
pub struct ResetLink {
    link: LinkToken,
    pub organiser: crate::db::organisers::Organiser,
}

/// Where an organiser asks for a reset link.
pub const RESET_REQUEST_PATH: &str = "/admin/reset";

impl ResetLink {
    pub fn token(&self) -> &str {
        &self.link.token
    }

    /// The link stopped working between its lookup and its use: the refusal page.
    pub async fn refused(&self, state: &AppState) -> Result<HttpResponse, AppError> {
        self.link.refused(state).await
    }
}

impl FromRequest for ResetLink {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (link, organiser) =
                open_with(&req, Some(RESET_REQUEST_PATH), db::password_reset::live).await?;
            Ok(ResetLink { link, organiser })
        })
    }
}

/// join: a live personal join link (`/join/{token}`), with the registration and session it
/// is for. Refused like every emailed link.
pub struct JoinLink {
    link: LinkToken,
    pub registration: Registration,
    pub session: Session,
}

impl JoinLink {
    pub fn token(&self) -> &str {
        &self.link.token
    }
}

impl FromRequest for JoinLink {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (link, registration, session) = open(&req, TokenPurpose::Join).await?;
            Ok(JoinLink { link, registration, session })
        })
    }
}

/// A live speaker's private link (`/speaker/{token}`): the speaker and the session whose
/// panel they are on. Refused like every emailed link ("this link does not work") when it is
/// unknown, replaced by a newer one, or its session is over.
pub struct SpeakerLink {
    link: LinkToken,
    pub speaker: crate::db::models::Speaker,
    pub session: Session,
}

impl SpeakerLink {
    pub fn token(&self) -> &str {
        &self.link.token
    }

    /// The link stopped working between its lookup and its use: the refusal page.
    pub async fn refused(&self, state: &AppState) -> Result<HttpResponse, AppError> {
        self.link.refused(state).await
    }
}

impl FromRequest for SpeakerLink {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (link, (speaker, session)) = open_with(&req, None, db::speaker_invitations::lookup).await?;
            Ok(SpeakerLink { link, speaker, session })
        })
    }
}

/// A focal point's private link (`/focal/{token}`), with the organisation and session it opens.
/// An unknown token is refused like every emailed link; an expired one (the session started)
/// is still found, so that its page can say so and change nothing.
pub struct FocalLink {
    link: LinkToken,
    pub scope: crate::db::focal_approval::Scope,
}

impl FocalLink {
    pub fn token(&self) -> &str {
        &self.link.token
    }
}

impl FromRequest for FocalLink {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (link, scope) = open_with(&req, None, db::focal_approval::lookup).await?;
            Ok(FocalLink { link, scope })
        })
    }
}
