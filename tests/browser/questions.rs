//! An organiser builds a three-question form in the organiser area, and a registrant on a
//! phone-sized window (360 px) answers it.

use convoca::domain::Language;

use crate::browser::Browser;
use crate::helpers::{Engine, TestApp};
use crate::organiser::sign_in;
use crate::words;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organiser_builds_three_questions_and_a_registrant_answers_them_on_a_phone() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let en = words(Language::En);
    app.create_member("Accra", "Ghana").await;
    let session = app.create_session("asked", 50, 10).await;
    let Some(browser) = Browser::start(&app.address, 1000, 800, "Europe/Paris").await else { return };
    sign_in(&app, &browser, "Sara Secretariat", false).await;

    browser.open(&format!("/admin/sessions/{}", session.id)).await;
    browser.click_link(&en("admin-questions-link")).await;
    assert_eq!(browser.path().await, format!("/admin/sessions/{}/questions", session.id));

    // A choice question, required, with two choices.
    browser.choose(&en("admin-questions-kind"), &en("admin-questions-kind-one_choice")).await;
    browser.tick(&en("admin-questions-required-box")).await;
    browser.fill(&en("admin-questions-label"), "Your field").await;
    browser.fill(&en("admin-questions-new-choices"), "Climate\nHousing").await;
    browser.press(&en("admin-questions-add")).await;
    assert!(browser.main_text().await.contains(&en("admin-flash-question-added")));
    // A yes/no question, required.
    browser.choose(&en("admin-questions-kind"), &en("admin-questions-kind-yes_no")).await;
    browser.tick(&en("admin-questions-required-box")).await;
    browser.fill(&en("admin-questions-label"), "First time?").await;
    browser.press(&en("admin-questions-add")).await;
    // A number between 1 and 50; min above max is refused first, the form kept.
    browser.choose(&en("admin-questions-kind"), &en("admin-questions-kind-number")).await;
    browser.fill(&en("admin-questions-label"), "Team size").await;
    browser.fill(&en("admin-questions-min"), "60").await;
    browser.fill(&en("admin-questions-max"), "50").await;
    browser.press(&en("admin-questions-add")).await;
    assert!(browser.main_text().await.contains(&en("admin-questions-error-min-above-max")));
    browser.fill(&en("admin-questions-min"), "1").await;
    browser.press(&en("admin-questions-add")).await;
    let list = browser.text("#questions").await;
    assert!(
        list.contains("Your field") && list.contains("First time?") && list.contains("Team size"),
        "{list}"
    );

    // A registrant on a phone.
    browser.resize(360, 740).await;
    browser.open("/sessions/asked/register").await;
    browser.assert_fits_width().await;
    browser.fill(&en("field-name"), "Ama Mensah").await;
    browser.fill(&en("field-email"), "ama@accra.example.org").await;
    browser.choose(&en("field-organisation"), "Accra").await;
    browser.fill(&en("field-position"), "Planner").await;
    browser.tick(&en("field-consent")).await;
    browser.tick("Housing").await;
    browser.tick(&en("questions-yes")).await;
    browser.fill("Team size", "99").await;
    browser.press(&en("register-submit")).await;
    assert!(browser.main_text().await.contains(&en("error-question-out-of-range")), "refused by its field");
    browser.assert_fits_width().await;
    browser.fill("Team size", "4").await;
    browser.tick(&en("field-consent")).await;
    browser.press(&en("register-submit")).await;
    assert_eq!(browser.path().await, "/sessions/asked/registered");
    let answers: i64 = app
        .db(|conn| {
            use diesel::prelude::*;
            let plain: i64 =
                convoca::db::schema::question_answers::table.count().get_result(conn).expect("count");
            let picked: i64 =
                convoca::db::schema::answer_choices::table.count().get_result(conn).expect("count");
            plain + picked
        })
        .await;
    assert_eq!(answers, 3, "the three answers are stored");
}
