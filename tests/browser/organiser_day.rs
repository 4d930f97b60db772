//! The organiser area in a browser (issue 17): every main organiser page in the three
//! languages at 1280 and 320 CSS pixels passes axe-core and fits the window; and the panel's
//! "New speaker" round trip, then the registrations export, with screenshots saved in
//! target/screenshots/ (not committed).

use std::path::Path;

use convoca::db::demo::ENGLISH_SLUG;
use convoca::domain::Language;
use diesel::prelude::*;

use crate::accessibility::Audit;
use crate::browser::Browser;
use crate::helpers::{Engine, Options, TestApp};
use crate::organiser::sign_in;
use crate::words;

/// The first skipped heading level of the page shown (axe-core's heading-order is a best
/// practice, outside the WCAG rules the audit runs), as "h1 then h3".
async fn skipped_heading(browser: &Browser) -> Option<String> {
    let found = browser
        .execute(
            "let previous = 0;
             for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
               const level = Number(h.tagName[1]);
               if (level > previous + 1) { return 'h' + previous + ' then h' + level + ': ' + h.textContent.trim(); }
               previous = level;
             }
             return null;",
        )
        .await;
    found.as_str().map(str::to_owned)
}

/// Saves what the browser shows as target/screenshots/NAME.png.
async fn snapshot(browser: &Browser, name: &str) {
    let png = browser.client.screenshot().await.expect("screenshot");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("screenshots");
    std::fs::create_dir_all(&dir).expect("target/screenshots");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organiser_pages_pass_axe_and_fit_at_1280_and_320_pixels_in_three_languages() {
    let app = TestApp::spawn_with(Engine::Sqlite, Options { demo: true, ..Default::default() }).await;
    let (session, speaker, organisation, registration) = app
        .db(|conn| {
            use convoca::db::schema::{
                organisations as o, registrations as r, sessions as s, speakers as sp,
            };
            let session: String =
                s::table.filter(s::slug.eq(ENGLISH_SLUG)).select(s::id).first(conn).expect("demo session");
            let speaker: String = sp::table.select(sp::id).order(sp::name).first(conn).expect("a speaker");
            let organisation: String =
                o::table.select(o::id).order(o::name).first(conn).expect("organisation");
            let registration: String = r::table
                .filter(r::session_id.eq(&session))
                .select(r::id)
                .order(r::name)
                .first(conn)
                .expect("a registration");
            (session, speaker, organisation, registration)
        })
        .await;
    let Some(browser) = Browser::start(&app.address, 1280, 800, "Europe/Paris").await else { return };
    sign_in(&app, &browser, "Ada Admin", true).await;
    let pages = [
        ("sessions", "/admin".to_owned()),
        ("session hub", format!("/admin/sessions/{session}")),
        ("session form", format!("/admin/sessions/{session}/edit")),
        ("panel", format!("/admin/sessions/{session}/panel")),
        ("registrations", format!("/admin/sessions/{session}/registrations")),
        ("one registration", format!("/admin/sessions/{session}/registrations/{registration}")),
        ("announcements", format!("/admin/sessions/{session}/announcements")),
        ("series", "/admin/series".to_owned()),
        ("speakers", "/admin/speakers".to_owned()),
        ("speaker", format!("/admin/speakers/{speaker}")),
        ("new speaker from the panel", format!("/admin/speakers/new?panel={session}")),
        ("organisations", "/admin/organisations".to_owned()),
        ("organisation", format!("/admin/organisations/{organisation}")),
        ("reports", "/admin/reports".to_owned()),
        ("session report", format!("/admin/reports?session={session}")),
        ("accounts", "/admin/accounts".to_owned()),
        ("audit log", "/admin/audit".to_owned()),
        ("data requests", "/admin/data-requests".to_owned()),
        ("demo data", "/admin/demo".to_owned()),
        ("password", "/admin/password".to_owned()),
        ("two-factor", "/admin/two-factor".to_owned()),
        ("signed in", "/admin/signed-in".to_owned()),
        ("bounce list", "/admin/suppressions".to_owned()),
        ("widget", "/admin/widget".to_owned()),
    ];
    let mut audit = Audit::default();
    for (lang, switch) in
        [(Language::En, None), (Language::Fr, Some("Français")), (Language::Es, Some("Español"))]
    {
        if let Some(name) = switch {
            browser.open("/admin").await;
            browser.click_link(name).await;
        }
        let t = words(lang);
        browser.open("/admin").await;
        assert_eq!(browser.text("h1").await, t("admin-nav-sessions"), "the area speaks {}", lang.code());
        for width in [1280, 320] {
            browser.resize(width, 800).await;
            for (what, path) in &pages {
                browser.open(path).await;
                assert!(!browser.text("h1").await.is_empty(), "{what} has a heading");
                browser.assert_fits_width().await;
                assert_eq!(skipped_heading(&browser).await, None, "{what}: heading levels");
                audit.check(&browser, &format!("{what} [{}]", lang.code())).await;
            }
        }
        browser.resize(1280, 800).await;
    }
    // The catalogue's cards come one level below their group's or series' heading, with
    // a session of no series among the demo's series.
    app.create_session("outside-any-series", 30, 9).await;
    browser.open("/").await;
    assert!(browser.main_text().await.contains("Webinar outside-any-series"));
    assert_eq!(skipped_heading(&browser).await, None, "catalogue: heading levels");
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_panel_flow_returns_from_new_speaker_and_the_export_downloads() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let en = words(Language::En);
    let Some(browser) = Browser::start(&app.address, 1280, 900, "Europe/Paris").await else { return };
    sign_in(&app, &browser, "Pat Organiser", false).await;

    browser.click_link(&en("admin-session-new")).await;
    browser.fill(&en("admin-session-title"), "Cities and climate finance").await;
    let day = (app.clock.now() + chrono::Duration::days(21)).date();
    browser.fill(&en("admin-session-date"), &day.format("%m%d%Y").to_string()).await;
    browser.fill(&en("admin-session-capacity"), "25").await;
    browser.press(&en("admin-save")).await;
    assert_eq!(browser.text("main [role=status]").await, en("admin-flash-session-created"));
    snapshot(&browser, "organiser-day-1-session-created").await;

    browser.click_link(&en("admin-session-panel")).await;
    let panel = browser.path().await;
    assert!(panel.ends_with("/panel"), "{panel}");
    snapshot(&browser, "organiser-day-2-empty-panel").await;
    browser.click_link(&en("admin-speakers-new")).await;
    assert!(browser.path().await.contains("/admin/speakers/new?panel="));
    assert!(browser.main_text().await.contains(&en("admin-speaker-back-to-panel")));
    browser.fill(&en("admin-speaker-name"), "Mariana Okafor").await;
    browser.fill(&en("admin-speaker-position"), "Head of climate finance").await;
    snapshot(&browser, "organiser-day-3-new-speaker").await;
    browser.press(&en("admin-speaker-create")).await;

    // Back on the panel, the new speaker already chosen: one press adds them.
    let back = browser.path().await;
    assert!(back.starts_with(&format!("{panel}?speaker=")), "{back}");
    assert_eq!(browser.text("main [role=status]").await, en("admin-flash-speaker-ready"));
    let chosen = browser
        .execute("const s = document.getElementById('speaker'); return s.options[s.selectedIndex].text;")
        .await;
    assert!(chosen.as_str().is_some_and(|t| t.contains("Mariana Okafor")), "{chosen}");
    snapshot(&browser, "organiser-day-4-back-on-the-panel").await;
    browser.press(&en("admin-panel-add")).await;
    assert_eq!(browser.text("main [role=status]").await, en("admin-flash-panel-added"));
    assert!(browser.text("table.data tbody tr").await.contains("Mariana Okafor"));
    snapshot(&browser, "organiser-day-5-speaker-on-the-panel").await;

    // The registrations list and its export link.
    browser.click_link(&en("admin-panel-back")).await;
    browser.click_link(&en("admin-session-registrations")).await;
    snapshot(&browser, "organiser-day-6-registrations").await;
    let export = browser.by_text("a", &en("export-csv-comma")).await;
    let href = export.attr("href").await.expect("href").expect("the export link has an address");
    let answer = browser
        .execute(&format!(
            "return fetch({href:?}).then(r => r.text().then(t => [r.status, r.headers.get('content-type'), t]));"
        ))
        .await;
    assert_eq!(answer[0], 200, "{answer}");
    assert!(answer[1].as_str().is_some_and(|t| t.starts_with("text/csv")), "{answer}");
    assert!(
        answer[2].as_str().is_some_and(|t| t.contains(&en("export-col-email"))),
        "a header line: {answer}"
    );
}
