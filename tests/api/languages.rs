//! Session texts in several languages with a marked fallback, and consent per purpose
//! (registration, newsletter, being listed) recorded with the notice version.

use crate::helpers::{Engine, TestApp, set, valid_form};
use crate::on_both_engines;

async fn get(client: &reqwest::Client, url: String, accept_language: &str) -> (u16, String) {
    let res = client.get(url).header("accept-language", accept_language).send().await.expect("get");
    (res.status().as_u16(), res.text().await.expect("body"))
}

async fn a_session_is_shown_in_the_visitors_language_with_a_marked_fallback(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let client = app.sign_in("organiser").await;
    let token = app.csrf_for(&client, "/admin/sessions/new").await;
    let mut fields = vec![
        ("csrf_token", token.clone()),
        ("title", "Internationalisation des espaces métropolitains".to_owned()),
        ("summary", "Deuxième session du cycle".into()),
        ("description", "Les villes agissent à l’international.".into()),
        ("language", "fr".into()),
        ("date", "2099-11-18".into()),
        ("time", "15:00".into()),
        ("timezone", "Europe/Paris".into()),
        ("duration", "90".into()),
        ("capacity", "50".into()),
        ("reminders", "7d, 1d".into()),
        ("approval", "automatic".into()),
        // A Spanish summary without a title, and French texts in the French session's own
        // translation fields: both explained next to the field, everything typed kept.
        ("summary_es", "Segunda sesión del ciclo".into()),
        ("title_fr", "Doublon".into()),
        ("title_en", "Internationalisation of metropolitan spaces".into()),
        ("summary_en", "Second session of the cycle".into()),
    ];
    let res = client.post(app.url("/admin/sessions")).form(&fields).send().await.expect("post");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("Give a title in this language"), "Spanish title required");
    assert!(html.contains("This is the session&#39;s own language") || html.contains("own language"));
    assert!(html.contains("id=\"title_es-error\""), "message next to the Spanish title");
    assert!(html.contains("value=\"Segunda sesión del ciclo\""), "Spanish summary kept");
    assert!(html.contains("value=\"Internationalisation of metropolitan spaces\""), "English title kept");

    fields.retain(|(k, _)| *k != "title_fr" && *k != "summary_es");
    let res = client.post(app.url("/admin/sessions")).form(&fields).send().await.expect("post");
    assert_eq!(res.status(), 303);
    let hub = res.headers()["location"].to_str().expect("location").to_owned();
    let session_path = hub.split('?').next().expect("path").to_owned();
    let res = client
        .post(app.url(&format!("{session_path}/status")))
        .form(&[("csrf_token", token.as_str()), ("action", "publish")])
        .send()
        .await
        .expect("publish");
    assert_eq!(res.status(), 303);

    // The edit form shows the stored translation.
    let edit = client.get(app.url(&format!("{session_path}/edit"))).send().await.expect("edit");
    let edit = edit.text().await.expect("body");
    assert!(edit.contains("value=\"Internationalisation of metropolitan spaces\""), "English title stored");

    let slug = "internationalisation-des-espaces-metropolitains";
    let visitor = app.client();
    let (status, en) = get(&visitor, app.url(&format!("/sessions/{slug}")), "en").await;
    assert_eq!(status, 200);
    assert!(en.contains("<h1 lang=\"en\">Internationalisation of metropolitan spaces</h1>"), "English title");
    assert!(en.contains("lang=\"en\">Second session of the cycle"), "English summary");
    assert!(en.contains("<dd>in French</dd>"), "the spoken language is named");
    assert!(
        en.contains("lang=\"fr\"><p>Les villes agissent à l’international.</p>"),
        "no English description: the French one, marked as French"
    );
    assert!(en.contains("it is shown in French"), "the fallback is said");

    let (_, es) = get(&visitor, app.url(&format!("/sessions/{slug}")), "es").await;
    assert!(es.contains("<h1 lang=\"fr\">Internationalisation des espaces métropolitains</h1>"));
    assert!(es.contains("<dd>en francés</dd>"));
    assert!(es.contains("se muestra en francés"), "Spanish fallback note");

    let (_, fr) = get(&visitor, app.url(&format!("/sessions/{slug}")), "fr").await;
    assert!(fr.contains("<h1 lang=\"fr\">Internationalisation des espaces métropolitains</h1>"));
    assert!(fr.contains("<dd>en français</dd>"));
    assert!(!fr.contains("n’est pas disponible dans votre langue"), "no note in the session's language");

    let (_, catalogue) = get(&visitor, app.url("/"), "en").await;
    assert!(catalogue.contains("lang=\"en\">Internationalisation of metropolitan spaces</a>"));

    // An English-speaking registrant gets the English title in the email and the invite.
    let org = app.create_member("Greater Manchester", "United Kingdom").await;
    let mut form = valid_form("Ruth Evans", "ruth@manchester.gov.uk", &org);
    set(&mut form, "language", "en");
    let registrant = app.client();
    let res = app.submit_registration(&registrant, slug, &form).await;
    assert_eq!(res.status(), 303);
    app.deliver_mail().await;
    let mail = app.mail().to("ruth@manchester.gov.uk");
    let text = mail.last().expect("mail").text();
    assert!(
        text.contains("Internationalisation of metropolitan spaces"),
        "{} / {text}",
        mail.last().expect("mail").subject()
    );
    let confirm = mail.last().and_then(|m| m.link(&format!("{}/confirm/", app.address))).expect("link");
    crate::helpers::confirm(&registrant, &confirm).await;
    app.deliver_mail().await;
    let registered = app.mail().to("ruth@manchester.gov.uk");
    let (ics, _) = registered.last().and_then(|m| m.calendar()).expect("an invite");
    assert!(ics.contains("SUMMARY:Internationalisation of metropolitan spaces"), "{ics}");
}

async fn consent_is_recorded_per_purpose_and_being_listed_can_be_withdrawn(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("listed", 20, 10).await;
    let accra = app.create_member("Accra", "Ghana").await;
    let client = app.client();
    let mut form = valid_form("Kwame Mensah", "kwame@accra.gov.gh", &accra);
    set(&mut form, "listed", "yes");
    let res = app.submit_registration(&client, "listed", &form).await;
    assert_eq!(res.status(), 303);
    // Someone who does not want to be listed.
    app.register_and_confirm("listed", "Ama Owusu", "ama@accra.gov.gh", &accra).await;

    let public = app.client();
    let (_, page) = get(&public, app.url("/sessions/listed"), "en").await;
    assert!(!page.contains("Kwame Mensah"), "not listed before confirming");

    app.deliver_mail().await;
    let confirm = app
        .mail()
        .to("kwame@accra.gov.gh")
        .last()
        .and_then(|m| m.link(&format!("{}/confirm/", app.address)))
        .expect("confirm link");
    let res = crate::helpers::confirm(&client, &confirm).await;
    let manage =
        app.url(res.headers()["location"].to_str().expect("location").split('?').next().expect("path"));

    let (_, page) = get(&public, app.url("/sessions/listed"), "en").await;
    assert!(page.contains("Participants"), "the participants section");
    assert!(page.contains("Kwame Mensah <span class=\"muted\">(Accra)</span>"), "listed with organisation");
    assert!(!page.contains("Ama Owusu"), "only those who agreed are listed");

    let (id, recorded) = {
        let session_id = session.id.clone();
        app.db(move |conn| {
            use convoca::db::schema::{consents, registrations};
            use diesel::prelude::*;
            let id: String = registrations::table
                .filter(registrations::session_id.eq(&session_id))
                .filter(registrations::email_normalized.eq("kwame@accra.gov.gh"))
                .select(registrations::id)
                .first(conn)
                .expect("registration");
            let rows: Vec<(String, bool, String)> = consents::table
                .filter(consents::registration_id.eq(&id))
                .order(consents::purpose.asc())
                .select((consents::purpose, consents::granted, consents::notice_version))
                .load(conn)
                .expect("consents");
            (id, rows)
        })
        .await
    };
    let version = convoca::domain::CONSENT_VERSION.to_owned();
    assert_eq!(
        recorded,
        vec![
            ("listed".to_owned(), true, version.clone()),
            ("registration".to_owned(), true, version.clone()),
        ],
        "the consents given; the newsletter box was left empty"
    );

    // The manage page: a proper title, and the choices form.
    let res = client.get(&manage).send().await.expect("manage");
    let html = res.text().await.expect("body");
    assert!(html.contains("<title>Your registration · Convoca</title>"), "a plain page title");
    let token = crate::helpers::csrf_token(&html);
    assert!(html.contains("id=\"listed\" name=\"listed\" type=\"checkbox\" value=\"yes\" checked"));
    let res = client
        .post(format!("{manage}/choices"))
        .form(&[("csrf_token", token.as_str()), ("newsletter", "yes")])
        .send()
        .await
        .expect("choices");
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().expect("location").contains("done=choices"));
    let (_, page) = get(&public, app.url("/sessions/listed"), "en").await;
    assert!(!page.contains("Kwame Mensah"), "withdrawn: no longer listed");

    // Without the CSRF token nothing changes.
    let res = client.post(format!("{manage}/choices")).form(&[("listed", "yes")]).send().await.expect("post");
    assert_eq!(res.status(), 403);

    let data: serde_json::Value = client
        .get(format!("{manage}/data.json"))
        .send()
        .await
        .expect("data")
        .text()
        .await
        .map(|body| serde_json::from_str(&body).expect("json"))
        .expect("body");
    let history = data["consent"]["history"].as_array().expect("history");
    let listed: Vec<bool> = history
        .iter()
        .filter(|c| c["purpose"] == "listed")
        .map(|c| c["granted"].as_bool().expect("bool"))
        .collect();
    assert_eq!(listed, vec![true, false], "given on the form, withdrawn on the manage page");
    assert!(history.iter().all(|c| c["notice_version"] == version.as_str()));
    assert_eq!(data["consent"]["newsletter"], true);
    assert_eq!(data["consent"]["listed_among_participants"], false);

    let count = app
        .db(move |conn| {
            use convoca::db::schema::consents;
            use diesel::prelude::*;
            consents::table.filter(consents::registration_id.eq(&id)).count().get_result::<i64>(conn)
        })
        .await
        .expect("count");
    assert_eq!(count, 4, "two given on the form, two changes on the manage page");

    let (_, privacy) = get(&public, app.url("/privacy"), "en").await;
    assert!(privacy.contains("Being listed (optional)"), "the notice explains each purpose");
    assert!(privacy.contains(&version), "and says its version");
}

on_both_engines!(
    a_session_is_shown_in_the_visitors_language_with_a_marked_fallback,
    consent_is_recorded_per_purpose_and_being_listed_can_be_withdrawn,
);
