//! End-to-end tests in a real browser: the app on a random port (the integration harness of
//! tests/api), Debian's Chromium driven headless through chromedriver, the emails read from
//! the test's own SMTP server, and axe-core's accessibility audit on every page.
//!
//! Needs `chromium chromium-driver` (Debian packages) and `npm ci` in tests/browser. Set
//! `CONVOCA_SCREENSHOTS=1` to refresh the README's screenshots in docs/screenshots, and
//! `CONVOCA_AXE_INCOMPLETE=1` to print what axe-core could not decide (for a human to look at).

#[path = "../api/helpers.rs"]
mod helpers;

mod accessibility;
mod browser;
mod organiser;
mod organiser_day;
mod registration;
mod self_service;
mod widget;
// focal: a focal point decides from their digest on a phone (issue #23).
mod focal_points;

use convoca::domain::Language;
use convoca::i18n::I18n;

/// The interface's words in one language, as the pages show them.
pub fn words(lang: Language) -> impl Fn(&str) -> String {
    move |key| browser::clean(&I18n::new(lang).t(key))
}
mod speakers;
// qforms: the organiser's questions, answered on a phone
mod questions;
