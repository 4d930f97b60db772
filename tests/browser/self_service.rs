//! A registrant changes their language and time zone from the manage page, without
//! JavaScript's help for the zone (the picker's search), and the next reminder follows.

use chrono::Duration;
use convoca::domain::Language;

use crate::browser::{Browser, clean};
use crate::helpers::{Engine, TestApp};
use crate::words;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registrant_changes_language_and_time_zone_and_the_next_reminder_follows() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let session = app.create_session("follow-me", 20, 10).await;
    let accra = app.create_member("Accra", "Ghana").await;
    let email = "kwame@accra.gov.gh";
    let manage = app.register_and_confirm("follow-me", "Kwame Asante", email, &accra).await;
    let (en, es) = (words(Language::En), words(Language::Es));
    let Some(browser) = Browser::start(&app.address, 1024, 900, "America/Mexico_City").await else { return };

    browser.open(&manage).await;
    browser.click_link(&en("manage-details-change")).await;
    assert_eq!(browser.text("h1").await, en("details-title"));
    browser.choose(&en("field-language"), "Español").await;
    // The picker offers a few zones; another is found with the search, which keeps the form.
    browser.fill(&en("field-timezone-search"), "Mexico City").await;
    browser.press(&en("field-timezone-search-button")).await;
    let zone = browser.field(&en("field-timezone")).await.prop("value").await.expect("value");
    assert_eq!(zone.as_deref(), Some("America/Mexico_City"), "the zone found is chosen");
    let language = browser.field(&en("field-language")).await.prop("value").await.expect("value");
    assert_eq!(language.as_deref(), Some("es"), "the language picked before the search is kept");
    browser.press(&en("details-submit")).await;
    assert!(browser.main_text().await.contains(&en("flash-details-saved")), "{}", browser.main_text().await);

    // The next reminder, in Spanish, with the time in Mexico City.
    app.clock.set(session.starts_at - Duration::days(7) + Duration::minutes(1));
    app.deliver_mail().await;
    let mails = app.mail().to(email);
    let reminder =
        mails.iter().rev().find(|m| m.subject().starts_with("Recordatorio")).expect("a reminder in Spanish");
    let text = clean(&reminder.text());
    let local = session
        .starts_at
        .and_utc()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .format("%H:%M")
        .to_string();
    assert!(text.contains("America/Mexico_City") && text.contains(&local), "{local} in {text}");
    assert!(text.contains(&es("email-footer-why")), "the whole mail in Spanish");
}
