//! A focal point, on a phone, approves two of their government's officials and declines one
//! from the link in their digest.

use convoca::domain::Language;
use convoca::i18n::I18n;
use diesel::prelude::*;

use crate::browser::{Browser, clean};
use crate::helpers::{Engine, TestApp};
use crate::words;

const FOCAL: &str = "kofi.mensah@accra.example.org";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_focal_point_approves_two_officials_and_declines_one_on_a_phone() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let session = app.create_session("focal-phone", 10, 10).await;
    let accra = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let (sid, org) = (session.id.to_string(), accra.clone());
    app.db(move |conn| {
        use convoca::db::schema::{organisations::dsl as o, sessions::dsl as s};
        diesel::update(s::sessions.find(&sid))
            .set(s::approval_mode.eq("focal_point"))
            .execute(conn)
            .expect("mode");
        diesel::update(o::organisations.find(&org))
            .set((
                o::focal_email.eq(Some(FOCAL)),
                o::focal_name.eq("Kofi Mensah"),
                o::focal_language.eq("en"),
            ))
            .execute(conn)
            .expect("focal point");
    })
    .await;
    let officials = [
        ("Ama Owusu", "ama@accra.example.org"),
        ("Kwame Boateng", "kwame@accra.example.org"),
        ("Efua Asante", "efua@accra.example.org"),
    ];
    for (name, email) in officials {
        app.register_and_confirm("focal-phone", name, email, &accra).await;
    }
    app.deliver_mail().await;
    let digest = app.mail().to(FOCAL).into_iter().last().expect("a digest to the focal point");
    let link = digest.link(&format!("{}/focal/", app.address)).expect("the private link");
    let path = link.trim_start_matches(&app.address).to_owned();

    let en = words(Language::En);
    let i18n = I18n::new(Language::En);
    let button = |key: &str, name: &str| clean(&i18n.t1(key, "name", name));
    let Some(browser) = Browser::start(&app.address, 360, 780, "Africa/Accra").await else { return };
    browser.open(&path).await;
    assert_eq!(browser.text("h1").await, en("focal-page-title"));
    browser.assert_fits_width().await;
    let violations: Vec<String> = browser.axe().await.into_iter().map(|v| v.id).collect();
    assert!(violations.is_empty(), "axe-core finds nothing on the focal point's page: {violations:?}");

    browser.press(&button("focal-approve", "Ama Owusu")).await;
    assert!(browser.main_text().await.contains(&en("focal-done-approved")), "{}", browser.main_text().await);
    browser.press(&button("focal-approve", "Efua Asante")).await;
    browser.press(&button("focal-decline", "Kwame Boateng")).await;
    assert!(browser.main_text().await.contains(&en("focal-done-declined")));
    browser.assert_fits_width().await;

    let status = |email: &'static str| {
        let (app, sid) = (&app, session.id.to_string());
        async move { app.status_of(&sid, email).await.unwrap_or_default() }
    };
    assert_eq!(status("ama@accra.example.org").await, "confirmed");
    assert_eq!(status("efua@accra.example.org").await, "confirmed");
    assert_eq!(status("kwame@accra.example.org").await, "declined");
    let page = browser.main_text().await;
    assert!(
        page.contains(&en("focal-status-declined")) && page.contains(&en("focal-status-confirmed")),
        "{page}"
    );
}
