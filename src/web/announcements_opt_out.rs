//! Stopping and restarting the organisers' announcements to one registration: the one-click
//! link of every announcement (RFC 8058, either form encoding), the page a mail client without
//! one-click support opens, and the manage page's toggle.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::chrome::{Chrome, CsrfSeed, html, see_other};
use super::errors::AppError;
use super::links::{ManageLink, private};
use super::one_click::{OptOutForm, set_stopped};
use super::state::AppState;
use crate::domain::MailingList;
use crate::i18n::I18n;

#[derive(Template)]
#[template(path = "pages/announcements_off.html")]
struct AnnouncementsOffPage {
    i18n: I18n,
    chrome: Chrome,
    token: String,
    csrf_token: String,
    session_title: String,
}

/// Where a mail client without one-click support sends the person: a page with a button.
pub async fn announcements_off_page(
    state: web::Data<AppState>,
    link: ManageLink,
    i18n: I18n,
    chrome: Chrome,
    seed: CsrfSeed,
) -> Result<HttpResponse, AppError> {
    html(AnnouncementsOffPage {
        csrf_token: state.settings.secret_key.sign("csrf", &seed.0),
        session_title: link.session.title,
        token: link.token,
        i18n,
        chrome,
    })
    .map(private)
}

/// Stops announcements: a mail client's one-click POST, or the page's button.
pub async fn announcements_off(
    state: web::Data<AppState>,
    link: ManageLink,
    form: OptOutForm,
) -> Result<HttpResponse, AppError> {
    set_announcements(state, link, form, true).await
}

/// Restarts announcements, from the manage page.
pub async fn announcements_on(
    state: web::Data<AppState>,
    link: ManageLink,
    form: OptOutForm,
) -> Result<HttpResponse, AppError> {
    set_announcements(state, link, form, false).await
}

async fn set_announcements(
    state: web::Data<AppState>,
    link: ManageLink,
    form: OptOutForm,
    stop: bool,
) -> Result<HttpResponse, AppError> {
    let back = |token: &str| see_other(&format!("/manage/{token}?done=choices#announcements"));
    set_stopped(&state, link, form, MailingList::Announcements, stop, back).await
}
