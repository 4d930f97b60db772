//! axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every public page and the organiser
//! area's main pages, on a desktop window and at 320 CSS pixels wide. A violation of "serious"
//! or "critical" impact fails the test; lesser ones are printed.

use convoca::db::demo::{ENGLISH_SLUG, FRENCH_SLUG};
use convoca::domain::Language;
use diesel::prelude::*;

use crate::browser::Browser;
use crate::helpers::{Engine, Options, TestApp};
use crate::organiser::sign_in;
use crate::words;

/// The violations found so far, page by page.
#[derive(Default)]
pub(crate) struct Audit {
    pages: Vec<String>,
    failures: Vec<String>,
}

impl Audit {
    /// Audits the page the browser shows, named `what` in the report.
    pub(crate) async fn check(&mut self, browser: &Browser, what: &str) {
        let (width, _) = browser.viewport().await;
        let page = format!("{what} ({}, {width} px)", browser.path().await);
        for violation in browser.axe().await {
            let targets: Vec<String> = violation
                .nodes
                .iter()
                .take(8)
                .map(|n| format!("      {}  {}", n.target, first_line(&n.summary)))
                .collect();
            let line = format!(
                "{page}: [{}] {}: {} ({} element{})\n{}",
                violation.impact.as_deref().unwrap_or("?"),
                violation.id,
                violation.help,
                violation.nodes.len(),
                if violation.nodes.len() == 1 { "" } else { "s" },
                targets.join("\n")
            );
            if violation.is_serious() {
                self.failures.push(line);
            } else {
                eprintln!("minor: {line}");
            }
        }
        self.pages.push(page);
    }

    pub(crate) fn finish(self) {
        eprintln!("axe-core checked {} pages:\n  {}", self.pages.len(), self.pages.join("\n  "));
        assert!(
            self.failures.is_empty(),
            "{} serious or critical accessibility violations:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

fn first_line(summary: &str) -> String {
    summary.lines().skip(1).map(str::trim).collect::<Vec<_>>().join(" / ")
}

async fn demo_app() -> TestApp {
    TestApp::spawn_with(Engine::Sqlite, Options { demo: true, ..Default::default() }).await
}

/// Walks a registration through its public pages in the browser, auditing each one.
/// With `screenshot`, the form with errors is saved for the README.
async fn audit_registration_pages(
    app: &TestApp,
    browser: &Browser,
    audit: &mut Audit,
    email: &str,
    screenshot: bool,
) {
    let en = words(Language::En);
    browser.open(&format!("/sessions/{FRENCH_SLUG}/register")).await;
    audit.check(browser, "registration form").await;

    browser.press(&en("register-submit")).await;
    assert!(browser.title().await.starts_with(&en("error-title-prefix")), "the title says there are errors");
    let focused = browser.execute("return document.activeElement.className;").await;
    assert_eq!(focused, "error-summary", "the error summary has the focus, so screen readers read it");
    assert!(browser.has(".field-error").await);
    audit.check(browser, "registration form with errors").await;
    browser.assert_fits_width().await;
    if screenshot {
        browser.screenshot("registration-errors").await;
    }

    browser.fill(&en("field-name"), "Lerato Dlamini").await;
    browser.fill(&en("field-email"), email).await;
    browser.choose(&en("field-organisation"), "Johannesburg").await;
    browser.tick(&en("field-consent")).await;
    browser.press(&en("register-submit")).await;
    assert_eq!(browser.text("h1").await, en("received-title"));
    audit.check(browser, "check your email").await;
    browser.assert_fits_width().await;

    app.deliver_mail().await;
    let mail = app.mail().to(email).pop().expect("the confirmation email");
    browser.open(&mail.link(&format!("{}/confirm/", app.address)).expect("confirm link")).await;
    assert_eq!(browser.text("h1").await, en("confirm-page-title"));
    audit.check(browser, "confirm your registration").await;
    browser.assert_fits_width().await;
    browser.press(&en("email-confirm-action")).await;
    assert_eq!(browser.text("p.status").await, en("status-confirmed"));
    audit.check(browser, "registration confirmed").await;
    browser.assert_fits_width().await;
    let manage = browser.path().await;
    let manage = manage.split('?').next().unwrap_or_default().to_owned();

    browser.open(&format!("{manage}/reminders/off")).await;
    audit.check(browser, "stop reminders").await;

    browser.open(&manage).await;
    browser.press(&en("manage-cancel")).await;
    assert_eq!(browser.text("p.status").await, en("status-cancelled"));
    audit.check(browser, "registration cancelled").await;
    browser.assert_fits_width().await;
}

/// The audit is not blind: faults put into the page on purpose are reported, with their
/// impact, and the page is as it was after a reload.
async fn the_audit_catches_known_faults(browser: &Browser) {
    browser
        .execute(
            "const main = document.querySelector('main');
             const img = document.createElement('img');
             img.src = '/static/missing.png';
             main.prepend(img);
             main.prepend(document.createElement('input'));
             const faint = document.createElement('p');
             faint.textContent = 'Faint text';
             faint.style.color = '#c8c8c8';
             main.prepend(faint);",
        )
        .await;
    let found: Vec<(String, bool)> =
        browser.axe().await.into_iter().map(|v| (v.id.clone(), v.is_serious())).collect();
    for id in ["image-alt", "label", "color-contrast"] {
        assert!(found.contains(&(id.to_owned(), true)), "axe-core reports {id} as serious: {found:?}");
    }
    browser.client.refresh().await.expect("reload");
    assert!(browser.axe().await.is_empty(), "the page is clean again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pages_have_no_serious_accessibility_violations() {
    let app = demo_app().await;
    let en = words(Language::En);
    let Some(browser) = Browser::start(&app.address, 1000, 760, "Europe/Madrid").await else { return };
    let mut audit = Audit::default();

    browser.open("/").await;
    audit.check(&browser, "catalogue").await;
    browser.screenshot("catalogue").await;
    the_audit_catches_known_faults(&browser).await;

    browser.open(&format!("/sessions/{ENGLISH_SLUG}")).await;
    audit.check(&browser, "past session with panel, documents and recording").await;
    browser.open(&format!("/sessions/{FRENCH_SLUG}")).await;
    audit.check(&browser, "upcoming session").await;
    browser.screenshot("session").await;

    audit_registration_pages(&app, &browser, &mut audit, "lerato.dlamini@joburg.example.org", true).await;

    browser.open("/privacy").await;
    audit.check(&browser, "privacy notice").await;
    browser.open("/no-such-page").await;
    assert_eq!(browser.text("h1").await, en("error-not-found-title"));
    audit.check(&browser, "page not found").await;
    browser.open(&format!("/confirm/{}", "x".repeat(43))).await;
    audit.check(&browser, "invalid confirmation link").await;

    browser.open("/admin/login").await;
    audit.check(&browser, "sign-in").await;
    browser.fill(&en("field-email"), "nobody@example.org").await;
    browser.fill(&en("admin-password"), "wrong password").await;
    browser.press(&en("admin-sign-in")).await;
    assert!(browser.has(".error-summary").await, "a wrong password is refused");
    audit.check(&browser, "sign-in refused").await;

    // The same pages in French and Spanish share their templates; one each for `lang`.
    browser.click_link("Français").await;
    browser.open("/").await;
    audit.check(&browser, "catalogue in French").await;
    browser.click_link("Español").await;
    audit.check(&browser, "catalogue in Spanish").await;
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pages_reflow_and_pass_axe_at_320_pixels() {
    let app = demo_app().await;
    let Some(browser) = Browser::start(&app.address, 320, 640, "Asia/Tehran").await else { return };
    let mut audit = Audit::default();
    for (what, path) in [
        ("catalogue", "/".to_owned()),
        ("past session", format!("/sessions/{ENGLISH_SLUG}")),
        ("upcoming session", format!("/sessions/{FRENCH_SLUG}")),
        ("privacy notice", "/privacy".to_owned()),
        ("sign-in", "/admin/login".to_owned()),
    ] {
        browser.open(&path).await;
        browser.assert_fits_width().await;
        audit.check(&browser, what).await;
    }
    audit_registration_pages(&app, &browser, &mut audit, "reza.ahmadi@tehran.example.org", false).await;
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organiser_pages_have_no_serious_accessibility_violations() {
    let app = demo_app().await;
    let en = words(Language::En);
    let (session, speaker, organisation, registration) = app
        .db(|conn| {
            use convoca::db::schema::{
                organisations as o, registrations as r, sessions as s, speakers as sp,
            };
            let session: String =
                s::table.filter(s::slug.eq(ENGLISH_SLUG)).select(s::id).first(conn).expect("demo session");
            let speaker: String = sp::table.select(sp::id).order(sp::name).first(conn).expect("a speaker");
            let organisation: String =
                o::table.select(o::id).order(o::name).first(conn).expect("an organisation");
            let registration: String = r::table
                .filter(r::session_id.eq(&session))
                .select(r::id)
                .order(r::name)
                .first(conn)
                .expect("a registration");
            (session, speaker, organisation, registration)
        })
        .await;
    let Some(browser) = Browser::start(&app.address, 1000, 760, "Europe/London").await else { return };
    sign_in(&app, &browser, "Ada Admin", true).await;
    let mut audit = Audit::default();

    let pages = [
        ("sessions", "/admin".to_owned()),
        ("session hub", format!("/admin/sessions/{session}")),
        ("session form", format!("/admin/sessions/{session}/edit")),
        ("new session form", "/admin/sessions/new".to_owned()),
        ("panel", format!("/admin/sessions/{session}/panel")),
        ("registrations", format!("/admin/sessions/{session}/registrations")),
        ("one registration", format!("/admin/sessions/{session}/registrations/{registration}")),
        ("announcements", format!("/admin/sessions/{session}/announcements")),
        ("series", "/admin/series".to_owned()),
        ("speakers", "/admin/speakers".to_owned()),
        ("new speaker", "/admin/speakers/new".to_owned()),
        ("speaker", format!("/admin/speakers/{speaker}")),
        ("organisations", "/admin/organisations".to_owned()),
        ("new organisation", "/admin/organisations/new".to_owned()),
        ("organisation", format!("/admin/organisations/{organisation}")),
        ("reports", "/admin/reports".to_owned()),
        ("session report", format!("/admin/reports?session={session}")),
        ("accounts", "/admin/accounts".to_owned()),
        ("audit log", "/admin/audit".to_owned()),
        ("password", "/admin/password".to_owned()),
    ];
    for (what, path) in &pages {
        browser.open(path).await;
        assert!(!browser.text("h1").await.is_empty(), "{what} has a heading");
        audit.check(&browser, what).await;
        if *what == "registrations" {
            browser.screenshot("organiser-registrations").await;
        }
    }

    // Forms sent back with errors.
    browser.open("/admin/sessions/new").await;
    browser.fill(&en("admin-session-title"), "").await;
    browser.press(&en("admin-save")).await;
    assert!(browser.has(".error-summary").await, "an empty title is refused");
    audit.check(&browser, "session form with errors").await;
    browser.open("/admin/speakers/new").await;
    // Spaces get past the browser's own check of the required field, not past the server's.
    browser.fill(&en("admin-speaker-name"), "   ").await;
    browser.press(&en("admin-speaker-create")).await;
    assert!(browser.has(".error-summary").await, "a speaker needs a name");
    audit.check(&browser, "speaker form with errors").await;

    // A phone: the organiser area also reflows (wide tables scroll inside their own box).
    browser.resize(320, 640).await;
    for (what, path) in [&pages[0], &pages[1], &pages[2], &pages[5]] {
        browser.open(path).await;
        browser.assert_fits_width().await;
        audit.check(&browser, what).await;
    }
    audit.finish();
}
