//! An organiser builds a three-speaker panel by inviting the speakers from the panel page, and
//! the page loads and clicks it takes are counted (issue 20 counted 29 and 38 before).

use convoca::domain::Language;

use crate::browser::Browser;
use crate::helpers::{Engine, TestApp};
use crate::organiser::sign_in;
use crate::words;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organiser_builds_a_three_speaker_panel_by_inviting_from_the_panel_page() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let en = words(Language::En);
    let session = app.create_session("three-speakers", 40, 20).await;
    let Some(browser) = Browser::start(&app.address, 1000, 800, "Europe/Paris").await else { return };
    sign_in(&app, &browser, "Sara Secretariat", false).await;
    // Counted from the sessions list the organiser lands on: each followed link or pressed
    // button is one click and one page load; choosing in a list is one click.
    let (mut loads, mut clicks) = (0, 0);
    browser.click_link(&session.title).await;
    browser.click_link(&en("admin-session-panel")).await;
    (loads, clicks) = (loads + 2, clicks + 2);
    assert!(browser.main_text().await.contains(&en("admin-panel-empty")));
    for (name, email, language) in [
        ("Ana Arjona", "ana@example.org", "speaker-texts-in-es"),
        ("Ian Klaus", "ian@example.org", "speaker-texts-in-en"),
        ("Elham Fakhari", "elham@example.org", "speaker-texts-in-fr"),
    ] {
        browser.fill(&en("admin-invite-name"), name).await;
        browser.fill(&en("admin-invite-email"), email).await;
        browser.choose(&en("admin-invite-language"), &en(language)).await;
        browser.press(&en("admin-invite-submit")).await;
        // Two clicks into the fields, one choice, one button; one page load.
        (loads, clicks) = (loads + 1, clicks + 4);
        assert_eq!(browser.text("main [role=status]").await, en("admin-flash-speaker-invited"));
    }
    let rows = browser.text("table.data tbody").await;
    for name in ["Ana Arjona", "Ian Klaus", "Elham Fakhari"] {
        assert!(rows.contains(name), "{name} is on the panel: {rows}");
    }
    assert!(rows.contains(&en("admin-speaker-state-invited")));
    app.deliver_mail().await;
    assert_eq!(app.mail().to("ana@example.org").len(), 1, "each speaker is mailed");
    assert!(app.mail().to("ana@example.org")[0].subject().starts_with("Le invitamos a intervenir"));
    assert_eq!((loads, clicks), (5, 14), "the counts the note reports");
    println!("three-speaker panel from the sessions list: {loads} page loads, {clicks} clicks");
}
