//! An organiser builds a session in the organiser area and sees who registered.

use convoca::domain::Language;

use crate::browser::Browser;
use crate::helpers::{Engine, ORGANISER_PASSWORD, TestApp};
use crate::words;

/// Creates an organiser account (an administrator when `admin`) and signs it in through the
/// sign-in page, as a person would: `/admin` sends them there and back.
pub async fn sign_in(app: &TestApp, browser: &Browser, name: &str, admin: bool) {
    let en = words(Language::En);
    let email = format!("{}@secretariat.example.org", name.to_lowercase().replace(' ', "."));
    let hash = convoca::security::hash_password(ORGANISER_PASSWORD).expect("hash");
    let (address, name, now) = (email.clone(), name.to_owned(), app.clock.now());
    app.db(move |conn| convoca::db::organisers::add(conn, &address, &name, &hash, admin, now).expect("add"))
        .await;
    browser.open("/admin").await;
    assert!(browser.path().await.starts_with("/admin/login"), "the organiser area asks to sign in first");
    assert_eq!(browser.text("h1").await, en("admin-login-title"));
    browser.fill(&en("field-email"), &email).await;
    browser.fill(&en("admin-password"), ORGANISER_PASSWORD).await;
    browser.press(&en("admin-sign-in")).await;
    assert_eq!(browser.path().await, "/admin", "signed in, back where they were going");
    assert_eq!(browser.text("h1").await, en("admin-nav-sessions"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organiser_builds_a_session_with_its_panel_and_sees_who_registered() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let en = words(Language::En);
    let accra = app.create_member("Accra", "Ghana").await;
    let Some(browser) = Browser::start(&app.address, 1000, 800, "Europe/Paris").await else { return };
    sign_in(&app, &browser, "Sara Secretariat", false).await;
    assert!(browser.main_text().await.contains(&en("admin-sessions-empty")), "no session yet");

    // A new session, through the form.
    let title = "Metropolitan diplomacy after the pandemic";
    let day = (app.clock.now() + chrono::Duration::days(30)).date();
    browser.click_link(&en("admin-session-new")).await;
    assert_eq!(browser.text("h1").await, en("admin-session-new"));
    browser.fill(&en("admin-session-title"), title).await;
    browser.choose(&en("admin-session-language"), &en("language-en")).await;
    browser.choose(&en("admin-session-timezone"), "Mexico City").await;
    // A date field takes the digits in the browser's order (month, day, year for en-US).
    browser.fill(&en("admin-session-date"), &day.format("%m%d%Y").to_string()).await;
    let date = browser.field(&en("admin-session-date")).await.prop("value").await.expect("value");
    assert_eq!(date.as_deref(), Some(day.format("%Y-%m-%d").to_string().as_str()), "the date was typed in");
    browser.fill(&en("admin-session-capacity"), "40").await;
    browser.press(&en("admin-save")).await;
    let hub = browser.path().await;
    assert!(hub.starts_with("/admin/sessions/") && hub.contains("done=session-created"), "{hub}");
    assert_eq!(browser.text("main [role=status]").await, en("admin-flash-session-created"));
    assert_eq!(browser.text("h1").await, format!("{title} {}", en("admin-status-draft")));

    // A speaker in the directory, then on the panel.
    browser.click_link(&en("admin-session-panel")).await;
    assert!(browser.main_text().await.contains(&en("admin-panel-empty")));
    let panel = browser.path().await;
    browser.click_link(&en("admin-speakers-new")).await;
    browser.fill(&en("admin-speaker-name"), "Ana Arjona").await;
    browser.fill(&en("admin-speaker-position"), "Director").await;
    browser.fill(&en("admin-speaker-organisation"), "AL-LAs Project").await;
    browser.press(&en("admin-speaker-create")).await;
    // From the panel, the new speaker comes back to it, chosen.
    assert_eq!(browser.text("main [role=status]").await, en("admin-flash-speaker-ready"));
    let back = browser.path().await;
    assert!(back.starts_with(&format!("{panel}?speaker=")), "{back}");
    browser.choose_containing(&en("admin-panel-speaker"), "Ana Arjona").await;
    browser.choose(&en("admin-panel-role"), &en("role-moderator")).await;
    browser.press(&en("admin-panel-add")).await;
    assert_eq!(browser.text("main [role=status]").await, en("admin-flash-panel-added"));
    let row = browser.text("table.data tbody tr").await;
    assert!(row.contains("Ana Arjona") && row.contains(&en("role-moderator")), "{row}");

    // Open to registration: publish it.
    browser.click_link(&en("admin-panel-back")).await;
    browser.press(&en("admin-session-publish")).await;
    assert_eq!(browser.text("main [role=status]").await, en("admin-flash-session-published"));
    assert_eq!(browser.text("h1").await, format!("{title} {}", en("admin-status-published")));

    // The public page shows it with its panel, open for registration.
    browser.click_link(&en("admin-session-public-page")).await;
    let slug = browser.path().await.trim_start_matches("/sessions/").to_owned();
    assert_eq!(browser.text("h1").await, title);
    assert!(browser.text("#panel-heading + ol").await.contains("Ana Arjona"), "the panel is public");
    assert_eq!(browser.text("main a.button").await, en("session-register"));

    // Someone registers and confirms (by HTTP, as the other test does it in the browser).
    app.register_and_confirm(&slug, "Kwame Mensah", "kwame.mensah@accra.example.org", &accra).await;

    // The organiser's registrations view shows them.
    browser.open("/admin").await;
    browser.click_link(title).await;
    browser.click_link(&en("admin-session-registrations")).await;
    let counts = browser.text("ul.counts").await;
    assert!(counts.starts_with(&format!("1 / 40 {}", en("admin-reg-count-confirmed"))), "{counts}");
    let row = browser.text("table.data tbody tr").await;
    for expected in ["Kwame Mensah", "kwame.mensah@accra.example.org", "Accra", "Ghana"] {
        assert!(row.contains(expected), "{expected:?} in the row: {row}");
    }
    assert!(row.contains(&en("admin-reg-status-confirmed")), "{row}");
}
