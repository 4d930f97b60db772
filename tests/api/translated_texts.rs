//! Series and announcements in every language (issue 20), and announcements to the focal points
//! of member governments (issue 23): what visitors, registrants and focal points read.

use chrono::Duration;
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp};
use crate::on_both_engines;

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// A public page as a visitor reading `language` sees it.
async fn page_in(app: &TestApp, path: &str, language: &str) -> String {
    let res = reqwest::Client::new()
        .get(app.url(path))
        .header("accept-language", language)
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("body")
}

/// Puts the session in a new series created through the organiser's form.
async fn create_series(app: &TestApp, client: &reqwest::Client, form: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_for(client, "/admin/series").await;
    let mut pairs = fields(form);
    pairs.push(("csrf_token".into(), token));
    client.post(app.url("/admin/series")).form(&pairs).send().await.expect("post series")
}

async fn put_in_series(app: &TestApp, session_id: &str, title: &str) -> String {
    let (session_id, title) = (session_id.to_owned(), title.to_owned());
    app.db(move |conn| {
        use convoca::db::schema::{series, sessions};
        let id: String =
            series::table.filter(series::title.eq(title)).select(series::id).first(conn).expect("series");
        diesel::update(sessions::table.find(session_id))
            .set(sessions::series_id.eq(Some(id.clone())))
            .execute(conn)
            .expect("session in series");
        id
    })
    .await
}

async fn a_series_translated_in_three_languages_is_shown_in_each_and_the_fallback_is_marked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("cities", 50, 10).await;
    let client = app.sign_in("organiser").await;

    // A translation without a title is refused next to its field, with everything kept.
    let res = create_series(
        &app,
        &client,
        &[
            ("title", "Cities abroad"),
            ("language", "en"),
            ("title_fr", "Les villes à l'international"),
            ("description_es", "Las ciudades actúan fuera"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("page");
    assert!(page.contains("id=\"title_es-error\""), "the message is beside the Spanish title");
    assert!(page.contains("Les villes à l&#39;international"), "the French title typed is kept");
    assert!(page.contains("Las ciudades actúan fuera"), "the Spanish description typed is kept");
    let none: i64 =
        app.db(|conn| convoca::db::schema::series::table.count().get_result(conn).expect("count")).await;
    assert_eq!(none, 0, "nothing stored");

    let res = create_series(
        &app,
        &client,
        &[
            ("title", "Cities abroad"),
            ("description", "International action of cities."),
            ("language", "en"),
            ("title_fr", "Les villes à l'international"),
            ("description_fr", "L'action internationale des villes."),
            ("title_es", "Ciudades en el mundo"),
            ("description_es", "La acción internacional de las ciudades."),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let series_id = put_in_series(&app, session.id.as_ref(), "Cities abroad").await;

    let en = page_in(&app, "/", "en").await;
    assert!(en.contains("<h3 class=\"series-title\" lang=\"en\">Cities abroad</h3>"), "{en}");
    let fr = page_in(&app, "/", "fr").await;
    assert!(
        fr.contains("<h3 class=\"series-title\" lang=\"fr\">Les villes à l&#39;international</h3>"),
        "{fr}"
    );
    assert!(!fr.contains("series-fallback"), "nothing to mark when translated");
    let es = page_in(&app, "/", "es").await;
    assert!(es.contains("<h3 class=\"series-title\" lang=\"es\">Ciudades en el mundo</h3>"));
    let session_page = page_in(&app, "/sessions/cities", "es").await;
    assert!(session_page.contains("<span lang=\"es\">Ciudades en el mundo</span>"), "the breadcrumb");
    let api =
        reqwest::get(app.url("/api/v1/series/cities-abroad")).await.expect("api").text().await.expect("json");
    let api: serde_json::Value = serde_json::from_str(&api).expect("json");
    assert_eq!(api["language"], "en");
    assert_eq!(api["titles"]["fr"], "Les villes à l'international");
    assert_eq!(api["descriptions"]["es"], "La acción internacional de las ciudades.");
    let session_api =
        reqwest::get(app.url("/api/v1/sessions/cities")).await.expect("api").text().await.expect("json");
    let session_api: serde_json::Value = serde_json::from_str(&session_api).expect("json");
    assert_eq!(session_api["series"]["titles"]["es"], "Ciudades en el mundo");
    let feed = page_in(&app, &format!("/series/{}.ics?lang=fr", "cities-abroad"), "fr").await;
    assert!(feed.contains("Les villes à l'international"), "the series feed's name: {feed}");

    // The Spanish translation removed (the organiser's form, keeping the French): Spanish
    // visitors see the English title, marked as such in Spanish.
    let token = app.csrf_for(&client, "/admin/series").await;
    let res = client
        .post(app.url(&format!("/admin/series/{series_id}")))
        .form(&fields(&[
            ("csrf_token", &token),
            ("title", "Cities abroad"),
            ("description", "International action of cities."),
            ("language", "en"),
            ("title_fr", "Les villes à l'international"),
        ]))
        .send()
        .await
        .expect("update");
    assert_eq!(res.status(), 303);
    let es = page_in(&app, "/", "es").await;
    assert!(es.contains("<h3 class=\"series-title\" lang=\"en\">Cities abroad</h3>"), "{es}");
    assert!(es.contains("se muestra en inglés"), "the fallback is said in Spanish");
    let fr = page_in(&app, "/", "fr").await;
    assert!(fr.contains("lang=\"fr\">Les villes à l&#39;international</h3>"), "French kept");
    let admin = client.get(app.url("/admin/series")).send().await.expect("series page");
    let admin = admin.text().await.expect("body");
    assert!(admin.contains(&format!("id=\"title_fr-{series_id}\"")), "each form has its own ids");
}

/// A registrant of the session reading `language`, confirmed.
async fn registrant(app: &TestApp, session_id: &str, language: &str) -> String {
    app.insert_confirmed(session_id, 1, language, Duration::days(1)).await.remove(0)
}

/// Previews the announcement to read its id, then sends it.
async fn announce(app: &TestApp, client: &reqwest::Client, session_id: &str, form: &[(&str, &str)]) {
    let path = format!("/admin/sessions/{session_id}/announcements");
    let token = app.csrf_for(client, &path).await;
    let mut pairs = fields(form);
    pairs.push(("csrf_token".into(), token));
    let mut preview = pairs.clone();
    preview.push(("action".into(), "preview".into()));
    let res = client.post(app.url(&path)).form(&preview).send().await.expect("preview");
    let status = res.status();
    let page = res.text().await.expect("page");
    assert_eq!(status, 200, "{page}");
    let marker = "name=\"announcement_id\" value=\"";
    let start = page.find(marker).expect("an announcement id") + marker.len();
    pairs.push(("announcement_id".into(), page[start..start + 36].to_owned()));
    pairs.push(("action".into(), "send".into()));
    let res = client.post(app.url(&path)).form(&pairs).send().await.expect("send");
    assert_eq!(res.status(), 303);
    app.deliver_mail().await;
}

async fn an_announcement_in_three_languages_reaches_each_registrant_in_theirs(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("trilingual", 50, 10).await;
    let sid = session.id.to_string();
    let (en, fr, es) = (
        registrant(&app, &sid, "en").await,
        registrant(&app, &sid, "fr").await,
        registrant(&app, &sid, "es").await,
    );
    let client = app.sign_in("organiser").await;

    // The form says how many recipients read each language.
    let (_, page) = {
        let res =
            client.get(app.url(&format!("/admin/sessions/{sid}/announcements"))).send().await.expect("page");
        (res.status(), res.text().await.expect("body"))
    };
    assert!(page.contains("English (the session&#39;s language, required)"), "{page}");
    assert_eq!(page.matches("1 registrant and 0 focal points read this language").count(), 3);

    announce(
        &app,
        &client,
        &sid,
        &[
            ("subject", "Slides online"),
            ("body", "The slides are online."),
            ("subject_fr", "Diapositives en ligne"),
            ("body_fr", "Les diapositives sont en ligne."),
            ("subject_es", "Diapositivas disponibles"),
            ("body_es", "Las diapositivas están disponibles."),
            ("recipients", "confirmed"),
        ],
    )
    .await;
    for (email, subject, body) in [
        (&en, "Slides online", "The slides are online."),
        (&fr, "Diapositives en ligne", "Les diapositives sont en ligne."),
        (&es, "Diapositivas disponibles", "Las diapositivas están disponibles."),
    ] {
        let mails = app.mail().to(email);
        assert_eq!(mails.len(), 1, "{email}");
        assert_eq!(mails[0].subject(), subject);
        assert!(mails[0].text().contains(body), "{}", mails[0].text());
        assert!(!mails[0].text().contains("not written in your language"), "nothing to mark");
        assert!(!mails[0].text().contains("pas été rédigé"));
    }
}

async fn an_announcement_written_only_in_the_session_language_reaches_everyone_marked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("english-only", 50, 10).await;
    let sid = session.id.to_string();
    let (en, fr, es) = (
        registrant(&app, &sid, "en").await,
        registrant(&app, &sid, "fr").await,
        registrant(&app, &sid, "es").await,
    );
    let client = app.sign_in("organiser").await;
    announce(
        &app,
        &client,
        &sid,
        &[("subject", "Room change"), ("body", "We meet in another room."), ("recipients", "confirmed")],
    )
    .await;
    for email in [&en, &fr, &es] {
        let mails = app.mail().to(email);
        assert_eq!(mails.len(), 1, "{email}");
        assert_eq!(mails[0].subject(), "Room change");
        assert!(mails[0].text().contains("We meet in another room."));
    }
    assert!(!app.mail().to(&en)[0].text().contains("not written in your language"));
    let fr_text = app.mail().to(&fr)[0].text();
    assert!(
        fr_text.contains("Ce message n'a pas été rédigé dans votre langue ; il est affiché en anglais."),
        "{fr_text}"
    );
    let es_text = app.mail().to(&es)[0].text();
    assert!(es_text.contains("Este mensaje no se redactó en su idioma; se muestra en inglés."), "{es_text}");
}

/// An organisation with a focal point reading `language`.
async fn member_with_focal_point(app: &TestApp, name: &str, email: &str, language: &str) -> String {
    let id = app.create_member(name, "FR").await;
    let (row, email, language, focal) =
        (id.clone(), email.to_owned(), language.to_owned(), format!("Focal {name}"));
    app.db(move |conn| {
        use convoca::db::schema::organisations::dsl as o;
        diesel::update(o::organisations.find(row))
            .set((o::focal_email.eq(Some(email)), o::focal_language.eq(language), o::focal_name.eq(focal)))
            .execute(conn)
            .expect("focal point");
    })
    .await;
    id
}

async fn focal_points_of_chosen_members_receive_the_announcement_in_their_language(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("invite-members", 50, 10).await;
    let sid = session.id.to_string();
    let lyon = member_with_focal_point(&app, "Lyon", "focal@lyon.example.org", "fr").await;
    let madrid = member_with_focal_point(&app, "Madrid", "focal@madrid.example.org", "es").await;
    let _quito = member_with_focal_point(&app, "Quito", "focal@quito.example.org", "es").await;
    let registered = registrant(&app, &sid, "en").await;
    let client = app.sign_in("organiser").await;

    // An unknown member is refused beside the choice, the texts kept.
    let path = format!("/admin/sessions/{sid}/announcements");
    let token = app.csrf_for(&client, &path).await;
    let res = client
        .post(app.url(&path))
        .form(&fields(&[
            ("csrf_token", &token),
            ("action", "preview"),
            ("subject", "Join us"),
            ("body", "Please register."),
            ("recipients", "focal_points"),
            ("members", "01a20000-0000-7000-8000-000000000000"),
        ]))
        .send()
        .await
        .expect("preview");
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("page");
    assert!(page.contains("one of them has no focal point&#39;s address"), "{page}");
    assert!(page.contains("value=\"Join us\""));

    announce(
        &app,
        &client,
        &sid,
        &[
            ("subject", "Join the webinar"),
            ("body", "Please share the registration link."),
            ("subject_fr", "Rejoignez le webinaire"),
            ("body_fr", "Merci de diffuser le lien d'inscription."),
            ("recipients", "focal_points"),
            ("members", &lyon),
            ("members", &madrid),
        ],
    )
    .await;
    let register = format!("{}/sessions/invite-members/register", app.address);
    let lyon_mail = app.mail().to("focal@lyon.example.org");
    assert_eq!(lyon_mail.len(), 1);
    assert_eq!(lyon_mail[0].subject(), "Rejoignez le webinaire");
    let text = lyon_mail[0].text();
    assert!(text.contains("Bonjour Focal Lyon") || text.contains("Focal Lyon"), "{text}");
    assert!(text.contains("Merci de diffuser le lien d'inscription."));
    assert!(text.contains(&register), "the registration link: {text}");
    assert!(text.contains("point focal de Lyon"), "says why they receive it");
    assert!(!text.contains("/manage/"), "no manage link: a focal point is no registrant");
    assert!(lyon_mail[0].header("List-Unsubscribe").is_none());

    let madrid_mail = app.mail().to("focal@madrid.example.org");
    assert_eq!(madrid_mail.len(), 1);
    assert_eq!(madrid_mail[0].subject(), "Join the webinar", "no Spanish text: the session's");
    let text = madrid_mail[0].text();
    assert!(text.contains("Este mensaje no se redactó en su idioma; se muestra en inglés."), "{text}");
    assert!(text.contains(&register));
    assert!(app.mail().to("focal@quito.example.org").is_empty(), "not chosen");
    assert!(app.mail().to(&registered).is_empty(), "registrants were not chosen");

    // The organiser sees each focal point's delivery on the page.
    let res = client.get(app.url(&path)).send().await.expect("page");
    let page = res.text().await.expect("body");
    assert!(page.contains("focal@lyon.example.org") && page.contains("Focal Madrid (Madrid)"), "{page}");
    assert_eq!(app.outbox_statuses("focal_point_announcement").await, vec!["sent", "sent"]);
}

async fn the_form_refuses_a_missing_subject_or_body_in_the_session_language_keeping_the_text(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("refused", 50, 10).await;
    let sid = session.id.to_string();
    registrant(&app, &sid, "fr").await;
    let client = app.sign_in("organiser").await;
    let path = format!("/admin/sessions/{sid}/announcements");
    let token = app.csrf_for(&client, &path).await;
    for (subject, body, field) in [("", "Only a body", "subject"), ("Only a subject", "", "body")] {
        let res = client
            .post(app.url(&path))
            .form(&fields(&[
                ("csrf_token", &token),
                ("action", "send"),
                ("subject", subject),
                ("body", body),
                ("subject_fr", "Un objet"),
                ("body_fr", "Un message en français."),
                ("recipients", "confirmed"),
            ]))
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 422);
        let page = res.text().await.expect("page");
        assert!(page.contains(&format!("id=\"{field}-error\"")), "the message is beside {field}");
        assert!(page.contains("Un message en français."), "the French text typed is kept");
        assert!(page.contains("value=\"Un objet\""));
    }
    // A second language with a subject but no message is refused too.
    let res = client
        .post(app.url(&path))
        .form(&fields(&[
            ("csrf_token", &token),
            ("action", "preview"),
            ("subject", "Subject"),
            ("body", "Body"),
            ("subject_es", "Asunto"),
            ("recipients", "confirmed"),
        ]))
        .send()
        .await
        .expect("preview");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("page").contains("id=\"body_es-error\""));
    assert!(app.outbox_statuses("announcement").await.is_empty(), "nothing queued");
}

on_both_engines!(
    a_series_translated_in_three_languages_is_shown_in_each_and_the_fallback_is_marked,
    an_announcement_in_three_languages_reaches_each_registrant_in_theirs,
    an_announcement_written_only_in_the_session_language_reaches_everyone_marked,
    focal_points_of_chosen_members_receive_the_announcement_in_their_language,
    the_form_refuses_a_missing_subject_or_body_in_the_session_language_keeping_the_text,
);
