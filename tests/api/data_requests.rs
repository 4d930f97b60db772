//! Requests about a person's data, for administrators: find every registration of an address
//! across sessions, download them as one JSON file, erase them all; and the newsletter list.

use convoca::db::schema::{audit_log, registrations};
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, set, valid_form};
use crate::on_both_engines;

const PAGE: &str = "/admin/data-requests";

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.csrf_for(client, PAGE).await;
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    client.post(app.url(path)).form(&form).send().await.expect("post")
}

async fn an_administrator_finds_downloads_and_erases_every_registration_of_an_address(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let org = app.create_member("Ciudad de México", "Mexico").await;
    let one = app.create_session("one", 10, 5).await;
    let two = app.create_session("two", 10, 9).await;
    app.register_and_confirm("one", "Ana Torres", "Ana.Torres@cdmx.gob.mx", &org).await;
    app.register_and_confirm("two", "Ana Torres", "ana.torres@cdmx.gob.mx", &org).await;
    app.register_and_confirm("two", "Someone Else", "otra@cdmx.gob.mx", &org).await;

    let organiser = app.sign_in("organiser").await;
    assert_eq!(organiser.get(app.url(PAGE)).send().await.expect("page").status(), 403, "administrators only");
    let admin = app.sign_in("admin").await;

    // Bad input: not an address, beside the field, kept; an unknown address: none found.
    let res = post(&app, &admin, PAGE, &[("email", "ana.torres at cdmx")]).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("field-error") && html.contains("value=\"ana.torres at cdmx\""));
    let res = post(&app, &admin, PAGE, &[("email", "nobody@cdmx.gob.mx")]).await;
    assert!(res.text().await.expect("body").contains("No registration found for this address."));

    // Found across sessions, any case, exact (not a part of another address).
    let res = post(&app, &admin, PAGE, &[("email", "  ANA.TORRES@CDMX.GOB.MX ")]).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    assert!(html.contains("2 registrations") || html.contains("\u{2068}2\u{2069} registrations"), "{html}");
    assert!(html.contains("Webinar one") && html.contains("Webinar two"));

    let res =
        post(&app, &admin, "/admin/data-requests/download", &[("email", "ana.torres@cdmx.gob.mx")]).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"].to_str().expect("header").contains("attachment"));
    let json: serde_json::Value = serde_json::from_str(&res.text().await.expect("body")).expect("JSON");
    let held = json["registrations"].as_array().expect("registrations");
    assert_eq!(held.len(), 2);
    assert!(held.iter().all(|r| r["registration"]["name"] == "Ana Torres"));
    assert!(held.iter().any(|r| r["webinar"]["title"] == "Webinar two"));

    // Erasing needs the confirmation; without it nothing changes.
    let res = post(&app, &admin, "/admin/data-requests/erase", &[("email", "ana.torres@cdmx.gob.mx")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("Tick the box to confirm the erasure."));
    assert_eq!(app.status_of(&one.id, "ana.torres@cdmx.gob.mx").await.as_deref(), Some("confirmed"));
    let res = post(
        &app,
        &admin,
        "/admin/data-requests/erase",
        &[("email", "ana.torres@cdmx.gob.mx"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count_registrations(&one.id, "erased").await, 1);
    assert_eq!(app.count_registrations(&two.id, "erased").await, 1);
    assert_eq!(app.status_of(&two.id, "otra@cdmx.gob.mx").await.as_deref(), Some("confirmed"), "others stay");

    let entries: Vec<(String, String, String)> = app
        .db(|conn| {
            audit_log::table
                .filter(audit_log::action.eq("registration.erase"))
                .select((audit_log::organiser_name, audit_log::subject, audit_log::details))
                .load(conn)
                .expect("audit")
        })
        .await;
    assert_eq!(entries.len(), 2, "each erasure is audited");
    assert!(entries.iter().all(|(_, s, d)| !format!("{s}{d}").to_lowercase().contains("ana.torres")));
    let res = post(&app, &admin, PAGE, &[("email", "ana.torres@cdmx.gob.mx")]).await;
    assert!(res.text().await.expect("body").contains("No registration found for this address."));
}

async fn the_newsletter_list_has_one_line_per_address_that_opted_in_and_stayed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let org = app.create_member("Accra", "Ghana").await;
    app.create_session("one", 10, 5).await;
    app.create_session("two", 10, 9).await;
    let client = app.client();
    let opted = |name: &str, email: &str| {
        let mut form = valid_form(name, email, &org);
        set(&mut form, "newsletter", "yes");
        form
    };
    for (slug, name, email) in [
        ("one", "Kofi Mensah", "kofi@accra.gov.gh"),
        ("two", "Kofi Mensah", "Kofi@Accra.gov.gh"),
        ("one", "Ama Owusu", "ama@accra.gov.gh"),
        ("one", "Yaw Boateng", "yaw@accra.gov.gh"),
    ] {
        assert_eq!(app.submit_registration(&client, slug, &opted(name, email)).await.status(), 303);
    }
    app.submit_registration(&client, "two", &valid_form("No Thanks", "no@accra.gov.gh", &org)).await;
    // Ama withdraws; Yaw's data is erased.
    let (ama, yaw): (String, String) = app
        .db(|conn| {
            let mut id = |email: &str| {
                registrations::table
                    .filter(registrations::email_normalized.eq(email))
                    .select(registrations::id)
                    .first::<String>(conn)
                    .expect("id")
            };
            (id("ama@accra.gov.gh"), id("yaw@accra.gov.gh"))
        })
        .await;
    let (dir, now) = (app.settings.mail_dir(), app.clock.now());
    app.db(move |conn| {
        let ama = convoca::domain::RegistrationId::parse(&ama).expect("id");
        let yaw = convoca::domain::RegistrationId::parse(&yaw).expect("id");
        convoca::db::privacy::set_choices(conn, &ama, false, false, now).expect("withdraw");
        convoca::db::privacy::erase(conn, &dir, &yaw, now).expect("erase");
    })
    .await;

    let organiser = app.sign_in("organiser").await;
    let res = organiser.get(app.url("/admin/newsletter.csv")).send().await.expect("csv");
    assert_eq!(res.status(), 403, "administrators only");
    let admin = app.sign_in("admin").await;
    let res = admin.get(app.url("/admin/newsletter.csv")).send().await.expect("csv");
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().expect("type").starts_with("text/csv"));
    let body = res.bytes().await.expect("body");
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark, so Excel reads UTF-8");
    let text = String::from_utf8_lossy(&body[3..]).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Email,Name,Language,Consented (UTC),Notice version");
    assert_eq!(lines.len(), 2, "only Kofi, once: {text}");
    assert!(
        lines[1].to_lowercase().starts_with("kofi@accra.gov.gh,Kofi Mensah,English,".to_lowercase().as_str())
    );
    assert!(lines[1].ends_with(convoca::domain::CONSENT_VERSION));
}

on_both_engines!(
    an_administrator_finds_downloads_and_erases_every_registration_of_an_address,
    the_newsletter_list_has_one_line_per_address_that_opted_in_and_stayed,
);
