//! A registrant changes their own details from the manage link: the same checks as the
//! registration form, a confirmation mail in the new language, a new address confirmed by its
//! own mailbox before it replaces the old one, and never a change of seat or status.

use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, csrf_token};
use crate::on_both_engines;

/// The stored row of a registration, by its current address.
async fn row(app: &TestApp, email: &str) -> convoca::db::models::Registration {
    let email = email.to_lowercase();
    app.db(move |conn| {
        use convoca::db::schema::registrations::dsl as r;
        r::registrations
            .filter(r::email_normalized.eq(email))
            .select(convoca::db::models::Registration::as_select())
            .first(conn)
            .expect("registration")
    })
    .await
}

/// The details form of a manage page, as a list of fields to post (with its CSRF token).
async fn details_form(
    client: &reqwest::Client,
    manage: &str,
    language: &str,
) -> (u16, String, Vec<(String, String)>) {
    let url = format!("{}/details", manage.split('?').next().expect("url"));
    let res = client.get(&url).header("accept-language", language).send().await.expect("details form");
    let status = res.status().as_u16();
    let html = res.text().await.expect("body");
    let fields = vec![("csrf_token".to_owned(), csrf_token(&html))];
    (status, html, fields)
}

fn fields(pairs: &[(&str, &str)], base: &[(String, String)]) -> Vec<(String, String)> {
    let mut all = base.to_vec();
    all.extend(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    all
}

async fn post_details(
    client: &reqwest::Client,
    manage: &str,
    language: &str,
    form: &[(String, String)],
) -> reqwest::Response {
    let url = format!("{}/details", manage.split('?').next().expect("url"));
    client.post(&url).header("accept-language", language).form(form).send().await.expect("post details")
}

async fn a_registrant_changes_their_details_in_each_language(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("self-edit", 10, 14).await;
    let accra = app.create_member("Accra", "Ghana").await;
    for (language, subject, manage_word) in [
        ("en", "Your details were changed", "Change your details"),
        ("fr", "Vos informations ont été modifiées", "Modifier vos informations"),
        ("es", "Sus datos se modificaron", "Modificar sus datos"),
    ] {
        let email = format!("amina-{language}@accra.gov.gh");
        let manage = app.register_and_confirm("self-edit", "Amina Diallo", &email, &accra).await;
        let client = app.client();
        let page = client.get(&manage).header("accept-language", language).send().await.expect("manage");
        assert!(page.text().await.expect("body").contains(manage_word), "the manage page links to the form");
        let (status, html, base) = details_form(&client, &manage, language).await;
        assert_eq!(status, 200);
        assert!(html.contains("value=\"Amina Diallo\""), "the form holds what is stored");
        let confirmed_before = app.count_registrations(session.id.as_str(), "confirmed").await;
        let form = fields(
            &[
                ("name", "Amina Diallo-Mensah"),
                ("email", &email),
                ("organisation", "other"),
                ("organisation_other", "Ciudad de Ejemplo"),
                ("position", "Director of international relations"),
                ("country", "MX"),
                ("language", language),
                ("timezone", "US/Central"),
                ("needs", "Spanish interpretation"),
                // Sent by a tampered form: status and seats are not part of it.
                ("status", "cancelled"),
            ],
            &base,
        );
        let res = post_details(&client, &manage, language, &form).await;
        assert_eq!(res.status(), 303, "{language}: saved");
        assert!(res.headers()["location"].to_str().expect("location").contains("done=details-saved"));
        let stored = row(&app, &email).await;
        assert_eq!(stored.name, "Amina Diallo-Mensah");
        assert_eq!((stored.country.as_str(), stored.language.as_str()), ("MX", language));
        assert_eq!(
            stored.timezone.as_deref(),
            Some("America/Chicago"),
            "an alias is stored as its canonical zone"
        );
        assert_eq!(
            (stored.organisation_id, stored.organisation_other.as_deref()),
            (None, Some("Ciudad de Ejemplo"))
        );
        assert_eq!(stored.status.as_str(), "confirmed", "the status does not change");
        assert_eq!(
            app.count_registrations(session.id.as_str(), "confirmed").await,
            confirmed_before,
            "no seat moves"
        );
        app.deliver_mail().await;
        let mails = app.mail().to(&email);
        let notice = mails
            .iter()
            .find(|m| m.subject().starts_with(subject))
            .expect("a confirmation mail in the new language");
        assert!(notice.text().contains("Amina Diallo-Mensah"), "it greets the new name");
        // The same form again changes nothing and sends nothing.
        let again = post_details(&client, &manage, language, &form).await;
        assert!(again.headers()["location"].to_str().expect("location").contains("done=details-unchanged"));
    }
    let audited: i64 = app
        .db(|conn| {
            use convoca::db::schema::audit_log::dsl as a;
            a::audit_log.filter(a::action.eq("registration.details")).count().get_result(conn).expect("audit")
        })
        .await;
    assert_eq!(audited, 3, "each change is audited once");
}

async fn a_new_address_is_used_only_once_its_mailbox_confirms_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.create_session("new-address", 10, 14).await;
    let accra = app.create_member("Accra", "Ghana").await;
    let old = "kofi@accra.gov.gh";
    let new = "Kofi.Mensah@Accra-Metro.gov.gh";
    let manage = app.register_and_confirm("new-address", "Kofi Mensah", old, &accra).await;
    let client = app.client();
    let (_, _, base) = details_form(&client, &manage, "en").await;
    let form = fields(
        &[
            ("name", "Kofi Mensah"),
            ("email", new),
            ("organisation", &accra),
            ("country", "GH"),
            ("language", "en"),
        ],
        &base,
    );
    let res = post_details(&client, &manage, "en", &form).await;
    assert!(res.headers()["location"].to_str().expect("location").contains("done=details-email-pending"));
    assert_eq!(
        row(&app, old).await.pending_email.as_deref(),
        Some(new),
        "the old address is kept until then"
    );
    app.deliver_mail().await;
    let request = app.mail().to(&new.to_lowercase());
    let link = request
        .iter()
        .find_map(|m| m.link(&format!("{}/email-change/", app.address)))
        .expect("a link was mailed to the new address");
    assert!(app.mail().to(old).iter().all(|m| m.link(&format!("{}/email-change/", app.address)).is_none()));

    // Opening the link changes nothing (link scanners open every link).
    let page = client.get(&link).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let token = csrf_token(&page.text().await.expect("body"));
    assert_eq!(row(&app, old).await.email, old);
    let res = client.post(&link).form(&[("csrf_token", token.as_str())]).send().await.expect("confirm");
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().expect("location").contains("done=email-changed"));
    let stored = row(&app, new).await;
    assert_eq!((stored.email.as_str(), stored.pending_email), (new, None));
    app.deliver_mail().await;
    let told = app.mail().to(old);
    assert!(
        told.iter().any(|m| m.subject().starts_with("Your email address was changed")),
        "the old address is told once it is done"
    );
    assert_eq!(
        client.post(&link).form(&[("csrf_token", token.as_str())]).send().await.expect("again").status(),
        404
    );
}

async fn an_invalid_or_taken_address_is_refused_beside_the_field_with_the_form_kept(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("taken", 10, 14).await;
    let accra = app.create_member("Accra", "Ghana").await;
    let manage = app.register_and_confirm("taken", "Ama Owusu", "ama@accra.gov.gh", &accra).await;
    app.register_and_confirm("taken", "Yaw Boateng", "yaw@accra.gov.gh", &accra).await;
    let client = app.client();
    let (_, _, base) = details_form(&client, &manage, "en").await;
    for (email, message) in [("not-an-address", "Enter an email address in the correct format")] {
        let form = fields(
            &[
                ("name", "Ama Owusu-Ansah"),
                ("email", email),
                ("organisation", &accra),
                ("country", "ZZ"),
                ("language", "en"),
            ],
            &base,
        );
        let res = post_details(&client, &manage, "en", &form).await;
        assert_eq!(res.status(), 422, "{email}");
        let html = res.text().await.expect("body");
        assert!(html.contains(message), "{email}: the message is shown");
        assert!(html.contains("id=\"email-error\""), "{email}: next to the field");
        assert!(html.contains("value=\"Ama Owusu-Ansah\""), "what was typed is kept");
        assert!(html.contains("Choose a country from the list"), "an unknown country code is refused");
    }
    // An address already registered for the session (in another case): refused by the
    // database check, next to the field.
    let form = fields(
        &[
            ("name", "Ama Owusu-Ansah"),
            ("email", "YAW@accra.gov.gh"),
            ("organisation", &accra),
            ("language", "en"),
        ],
        &base,
    );
    let res = post_details(&client, &manage, "en", &form).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("This address is already registered for this webinar"));
    assert!(html.contains("id=\"email-error\"") && html.contains("value=\"YAW@accra.gov.gh\""));
    let stored = row(&app, "ama@accra.gov.gh").await;
    assert_eq!((stored.name.as_str(), stored.pending_email), ("Ama Owusu", None), "nothing was written");
    assert_eq!(app.count_registrations(session.id.as_str(), "confirmed").await, 2);
}

async fn the_registration_form_offers_a_few_zones_and_a_search_instead_of_every_zone(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("zones", 10, 14).await;
    let accra = app.create_member("Accra", "Ghana").await;
    let client = app.client();
    let res = client
        .get(app.url("/sessions/zones/register"))
        .header("accept-language", "es-MX")
        .send()
        .await
        .expect("form");
    let html = res.text().await.expect("body");
    let zone_select = &html[html.find("id=\"timezone\"").expect("zone picker")..];
    let zone_select = &zone_select[..zone_select.find("</select>").expect("end")];
    let offered = zone_select.matches("<option value=\"").count();
    eprintln!(
        "registration form: {} bytes, of which the zone picker {} bytes ({offered} zones)",
        html.len(),
        zone_select.len()
    );
    assert!(offered < 60, "a short list, not every zone: {offered}");
    assert!(zone_select.contains("America/Mexico_City"), "the zones of the browser's country");
    assert!(zone_select.contains("<optgroup label=\"America\">"), "grouped by region");
    assert!(zone_select.contains("value=\"Europe/Paris\" selected"), "the session's zone preselected");
    assert!(!html.contains("US/Pacific") && !html.contains("Etc/GMT"), "no deprecated aliases");
    assert!(html.len() < 60_000, "the form is {} bytes", html.len());
    assert!(
        html.contains("Costa de Marfil") || html.contains("Côte d’Ivoire"),
        "countries in the reader's language"
    );

    // The search: the same form comes back with the zones found and everything typed kept.
    let token = csrf_token(&html);
    let mut form = crate::helpers::valid_form("Wanjiru Kamau", "wanjiru@nairobi.go.ke", &accra);
    form.retain(|(k, _)| k != "timezone");
    form.extend([
        ("timezone".to_owned(), String::new()),
        ("timezone_search".to_owned(), "nairobi".to_owned()),
        ("find_zone".to_owned(), "1".to_owned()),
        ("csrf_token".to_owned(), token),
    ]);
    let res = client.post(app.url("/sessions/zones/register")).form(&form).send().await.expect("search");
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    assert!(html.contains("value=\"Africa/Nairobi\" selected"), "the zone found is offered and chosen");
    assert!(html.contains("value=\"Wanjiru Kamau\""), "what was typed is kept");
    assert_eq!(app.status_of(session.id.as_str(), "wanjiru@nairobi.go.ke").await, None, "nothing registered");

    // An unknown country code on the registration form is refused with a message.
    let token = csrf_token(&html);
    let mut form = crate::helpers::valid_form("Wanjiru Kamau", "wanjiru@nairobi.go.ke", &accra);
    crate::helpers::set(&mut form, "country", "ZZ");
    form.push(("csrf_token".to_owned(), token));
    let res = client.post(app.url("/sessions/zones/register")).form(&form).send().await.expect("post");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("Choose a country from the list"));
}

on_both_engines!(
    a_registrant_changes_their_details_in_each_language,
    a_new_address_is_used_only_once_its_mailbox_confirms_it,
    an_invalid_or_taken_address_is_refused_beside_the_field_with_the_form_kept,
    the_registration_form_offers_a_few_zones_and_a_search_instead_of_every_zone,
);
