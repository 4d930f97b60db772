//! A person registers on a phone, in French, from the catalogue to the cancellation.

use convoca::db::demo::FRENCH_SLUG;
use convoca::domain::Language;

use crate::browser::{Browser, clean};
use crate::helpers::{Engine, Options, TestApp};
use crate::words;

const FRENCH_TITLE: &str = "Internationalisation des espaces métropolitains";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_french_speaker_registers_confirms_and_cancels_on_a_phone() {
    let app = TestApp::spawn_with(Engine::Sqlite, Options { demo: true, ..Default::default() }).await;
    let (en, fr) = (words(Language::En), words(Language::Fr));
    let email = "amelie.dupont@bruxelles.example.org";
    // A phone in Brussels whose browser asks for English.
    let Some(browser) = Browser::start(&app.address, 390, 844, "Europe/Brussels").await else { return };

    browser.open("/").await;
    assert_eq!(browser.lang().await, "en");
    assert_eq!(browser.text("h1").await, en("catalogue-title"));
    browser.assert_fits_width().await;

    // The language switcher on the page.
    browser.click_link("Français").await;
    assert_eq!(browser.path().await, "/", "the switcher comes back to the same page");
    assert_eq!(browser.lang().await, "fr");
    assert_eq!(browser.text("h1").await, fr("catalogue-title"));
    assert_eq!(browser.text("nav.languages [aria-current]").await, "Français");

    browser.click_link(FRENCH_TITLE).await;
    assert_eq!(browser.path().await, format!("/sessions/{FRENCH_SLUG}"));
    assert_eq!(browser.text("h1").await, FRENCH_TITLE);
    assert_eq!(browser.text("dl.facts dd:nth-of-type(4)").await, seats_left(100), "the seats, in French");
    // The page script shows the time in the visitor's zone (Brussels, not the session's Paris).
    let local = browser.text(".local-time").await;
    assert!(local.starts_with(&fr("session-your-time")) && local.contains("Europe/Brussels"), "{local}");
    browser.assert_fits_width().await;
    // Printed, the page is the session alone: no header, language switcher or footer.
    assert_eq!(
        browser.printed_display(&[".site-header", "nav.languages", ".site-footer", "main", "main h1"]).await,
        ["none", "none", "none", "block", "block"],
    );
    browser.open(&format!("/sessions/{FRENCH_SLUG}")).await;

    browser.click_link(&fr("session-register")).await;
    assert_eq!(browser.text("h1").await, fr("register-heading"));
    browser.assert_fits_width().await;
    // The script filled in the browser's time zone; the email language follows the page.
    assert_eq!(
        browser.field(&fr("field-timezone")).await.prop("value").await.expect("value").as_deref(),
        Some("Europe/Brussels")
    );
    browser.fill(&fr("field-name"), "Amélie Dupont").await;
    browser.fill(&fr("field-email"), email).await;
    browser.choose(&fr("field-organisation"), "Bruxelles").await;
    browser.fill(&fr("field-position"), "Chargée des relations internationales").await;
    browser.tick(&fr("field-consent")).await;
    browser.press(&fr("register-submit")).await;

    assert_eq!(browser.path().await, format!("/sessions/{FRENCH_SLUG}/registered"));
    assert_eq!(browser.lang().await, "fr");
    assert_eq!(browser.text("h1").await, fr("received-title"));
    assert!(browser.main_text().await.contains(FRENCH_TITLE), "the page names the session");
    browser.assert_fits_width().await;
    assert_eq!(app.status_of(&demo_french_session(&app).await, email).await.as_deref(), Some("pending"));

    // The confirmation email, in French, from the test's SMTP server.
    app.deliver_mail().await;
    let mails = app.mail().to(email);
    assert_eq!(mails.len(), 1, "one email so far");
    let confirmation = &mails[0];
    assert_eq!(
        clean(&confirmation.subject()),
        clean(&convoca::i18n::I18n::new(Language::Fr).t1("email-confirm-subject", "title", FRENCH_TITLE))
    );
    assert!(clean(&confirmation.text()).contains(&fr("email-confirm-body")), "{}", confirmation.text());
    let confirm_link = confirmation.link(&format!("{}/confirm/", app.address)).expect("a confirmation link");

    // The link opens a page with one button (link scanners cannot confirm); the button confirms.
    browser.open(&confirm_link).await;
    assert_eq!(browser.lang().await, "fr");
    assert_eq!(browser.text("h1").await, fr("confirm-page-title"));
    browser.assert_fits_width().await;
    browser.press(&fr("email-confirm-action")).await;
    assert!(browser.path().await.starts_with("/manage/"), "confirming leads to the registration's page");
    assert_eq!(browser.lang().await, "fr");
    assert_eq!(browser.title().await, format!("{} · Convoca", fr("manage-title")), "the tab's title");
    assert_eq!(browser.text("main [role=status]").await, fr("flash-confirmed"));
    assert_eq!(browser.text("p.status").await, fr("status-confirmed"));
    assert!(browser.main_text().await.contains("Amélie Dupont"));
    browser.assert_fits_width().await;
    assert_eq!(browser.text("dl.facts dd:nth-of-type(6)").await, fr("language-fr"), "emails in French");

    // The next email (the seat is confirmed, with the calendar invitation) has the manage link.
    app.deliver_mail().await;
    let mails = app.mail().to(email);
    assert_eq!(mails.len(), 2, "the confirmation of the seat came");
    let registered = &mails[1];
    assert_eq!(
        clean(&registered.subject()),
        clean(&convoca::i18n::I18n::new(Language::Fr).t1("email-registered-subject", "title", FRENCH_TITLE))
    );
    let manage_link = registered.link(&format!("{}/manage/", app.address)).expect("a manage link");

    // The HTML part of both mails fits a phone, 390 and 320 pixels wide: long links wrap, nothing
    // scrolls sideways.
    let mails_dir = tempfile::tempdir().expect("a folder for the mails");
    for (name, mail) in [("confirmation", &mails[0]), ("registered", registered)] {
        let file = mails_dir.path().join(format!("{name}.html"));
        std::fs::write(&file, mail.html()).expect("write the mail");
        for width in [390, 320] {
            browser.resize(width, 844).await;
            browser.open(&format!("file://{}", file.display())).await;
            browser.assert_fits_width().await;
        }
    }
    browser.resize(390, 844).await;

    browser.open(&format!("/sessions/{FRENCH_SLUG}")).await;
    assert_eq!(browser.text("dl.facts dd:nth-of-type(4)").await, seats_left(99), "one seat taken");

    browser.open(&manage_link).await;
    assert_eq!(browser.text("p.status").await, fr("status-confirmed"));
    browser.press(&fr("manage-cancel")).await;
    assert_eq!(browser.text("main [role=status]").await, fr("flash-cancelled"));
    assert_eq!(browser.text("p.status").await, fr("status-cancelled"));
    assert!(!browser.main_text().await.contains(&fr("manage-cancel")), "no cancel button once cancelled");

    // The seat is free again.
    browser.click_link(&fr("manage-back-to-session")).await;
    assert_eq!(browser.text("dl.facts dd:nth-of-type(4)").await, seats_left(100), "the seat is free again");
    assert_eq!(app.status_of(&demo_french_session(&app).await, email).await.as_deref(), Some("cancelled"));
}

/// "N places restantes sur 100", as the French session page says it.
fn seats_left(count: i64) -> String {
    clean(&convoca::i18n::I18n::new(Language::Fr).t2("seats-left-of", "count", count, "capacity", 100))
}

/// The id of the demo's open French session.
async fn demo_french_session(app: &TestApp) -> String {
    app.db(|conn| {
        use convoca::db::schema::sessions::dsl as s;
        use diesel::prelude::*;
        s::sessions.filter(s::slug.eq(FRENCH_SLUG)).select(s::id).first::<String>(conn).expect("demo session")
    })
    .await
}
