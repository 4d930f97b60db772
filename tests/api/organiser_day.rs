//! An organiser's day (issue 17): the next session first, a cancelled session's page, the
//! administrators' 403 page, series and translations on the forms, attendance before the
//! start, "New speaker" from a panel, removing the demo data, and the organiser's words.

use chrono::Duration;
use convoca::db::models::{Registration, RegistrationDetails, new_id};
use convoca::domain::{RegistrationStatus, SessionStatus};
use diesel::prelude::*;

use crate::helpers::{Engine, Options, TestApp, csrf_token, sid};
use crate::on_both_engines;

fn location(res: &reqwest::Response) -> String {
    res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

async fn get(client: &reqwest::Client, url: String) -> (u16, String) {
    let res = client.get(url).send().await.expect("get");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

async fn set_status(app: &TestApp, id: &str, status: SessionStatus) {
    let id = sid(id);
    app.db(move |conn| {
        use convoca::db::schema::sessions;
        diesel::update(sessions::table.find(id)).set(sessions::status.eq(status)).execute(conn)
    })
    .await
    .expect("status set");
}

/// Where `needle` first appears in `page` (panics if it does not).
fn at(page: &str, needle: &str) -> usize {
    page.find(needle).unwrap_or_else(|| panic!("{needle} is on the page"))
}

async fn the_session_list_shows_upcoming_sessions_first_then_drafts_then_past_ones(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let past_old = app.create_session("past-old", 10, -30).await;
    let past_recent = app.create_session("past-recent", 10, -2).await;
    let later = app.create_session("later", 10, 20).await;
    let next = app.create_session("next", 10, 2).await;
    let cancelled = app.create_session("cancelled-soon", 10, 5).await;
    set_status(&app, &cancelled.id, SessionStatus::Cancelled).await;
    let draft_late = app.create_session("draft-late", 10, 40).await;
    set_status(&app, &draft_late.id, SessionStatus::Draft).await;
    let draft_early = app.create_session("draft-early", 10, 1).await;
    set_status(&app, &draft_early.id, SessionStatus::Draft).await;
    let client = app.sign_in("organiser").await;
    let (status, page) = get(&client, app.url("/admin")).await;
    assert_eq!(status, 200);
    let order: Vec<usize> = [&next, &cancelled, &later, &draft_early, &draft_late, &past_recent, &past_old]
        .iter()
        .map(|s| at(&page, &format!("/admin/sessions/{}\"", s.id)))
        .collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted, "next, upcoming, drafts by date, then the most recent past first");
}

async fn a_cancelled_sessions_page_tells_what_its_registrants_were_sent_not_seats(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("to-cancel", 1, 7).await;
    app.insert_confirmed(&session.id, 1, "en", Duration::hours(2)).await;
    let client = app.sign_in("organiser").await;
    let hub = app.url(&format!("/admin/sessions/{}", session.id));
    let (_, before) = get(&client, hub.clone()).await;
    assert!(before.contains("<strong>1 / 1</strong>Confirmed"), "seats while it is on");
    let token = csrf_token(&before);
    let res = client
        .post(app.url(&format!("/admin/sessions/{}/status", session.id)))
        .form(&[("csrf_token", token.as_str()), ("action", "cancel"), ("confirm", "yes")])
        .send()
        .await
        .expect("cancel");
    assert_eq!(res.status(), 303);
    let (_, queued) = get(&client, hub.clone()).await;
    assert!(!queued.contains("1 / 1"), "no seats on a cancelled session's page");
    let (_, list) = get(&client, app.url("/admin")).await;
    let row = list.split(&format!("/admin/sessions/{}\"", session.id)).nth(1).unwrap_or_default();
    let row = row.split("</tr>").next().unwrap_or_default();
    assert!(row.contains("None: cancelled") && !row.contains("1 / 1"), "nor in the sessions list: {row}");
    assert!(queued.contains("One registrant is told of the cancellation by email."), "{queued}");
    assert!(queued.contains("<strong>1</strong>still to be sent"));
    assert!(queued.contains("<strong>0</strong>cancellation emails sent"));
    app.deliver_mail().await;
    let (_, sent) = get(&client, hub).await;
    assert!(sent.contains("<strong>1</strong>cancellation emails sent"), "{sent}");
    assert!(sent.contains("<strong>0</strong>still to be sent"));
}

async fn an_organiser_opening_an_administrators_page_is_told_it_is_for_administrators(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let client = app.sign_in("organiser").await;
    for path in ["/admin/accounts", "/admin/audit", "/admin/data-requests", "/admin/demo"] {
        let (status, page) = get(&client, app.url(path)).await;
        assert_eq!(status, 403, "{path}");
        assert!(page.contains("<h1>This page is for administrators</h1>"), "{path}: {page}");
        assert!(!page.contains("If you were sending a form"), "{path}");
        assert!(page.contains("href=\"/admin\""), "{path}: the way back to the organiser area");
    }
    let res =
        client.get(app.url("/admin/accounts")).header("accept-language", "fr").send().await.expect("fr");
    assert_eq!(res.status(), 403);
    assert!(res.text().await.expect("body").contains("Cette page est réservée aux administrateurs"));
    let res =
        client.get(app.url("/admin/accounts")).header("accept-language", "es").send().await.expect("es");
    assert!(res.text().await.expect("body").contains("Esta página es para administradores"));
    // A forged form is still a refused form, with its own advice.
    let res = client
        .post(app.url("/admin/series"))
        .form(&[("csrf_token", "forged"), ("title", "x")])
        .send()
        .await
        .expect("forged");
    assert_eq!(res.status(), 403);
    let page = res.text().await.expect("body");
    assert!(page.contains("If you were sending a form") && !page.contains("for administrators"));
}

async fn a_registration_is_shown_to_organisers_in_the_third_person(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("third-person", 10, 7).await;
    let email = app.insert_confirmed(&session.id, 1, "fr", Duration::hours(3)).await.remove(0);
    let pending = new_id();
    let (row_session, row_id, at) = (sid(&session.id), pending.clone(), app.clock.now());
    app.db(move |conn| {
        let details = RegistrationDetails {
            organisation_other: Some("Somewhere".into()),
            timezone: Some("America/Bogota".into()),
            ..RegistrationDetails::sample("Pending Person", "pending@x.org", at)
        };
        let row = Registration {
            id: convoca::domain::RegistrationId::parse(&row_id).expect("an id"),
            ..Registration::pending(&row_session, details, at)
        };
        diesel::insert_into(convoca::db::schema::registrations::table).values(&row).execute(conn)
    })
    .await
    .expect("pending registration");
    let client = app.sign_in("organiser").await;
    let key = email.clone();
    let confirmed: String = app
        .db(move |conn| {
            use convoca::db::schema::registrations::dsl as r;
            r::registrations.filter(r::email.eq(key)).select(r::id).first(conn)
        })
        .await
        .expect("registration id");
    for (id, status) in [(&confirmed, "Confirmed"), (&pending, "Has not confirmed their address")] {
        let (code, page) =
            get(&client, app.url(&format!("/admin/sessions/{}/registrations/{id}", session.id))).await;
        assert_eq!(code, 200);
        assert!(page.contains(&format!("<dd>{status}</dd>")), "{page}");
        assert!(page.contains("Consent given on "), "the consent is explained");
        assert!(page.contains("(privacy notice of "));
        assert!(page.contains("Government or organisation"));
        for registrant_words in ["Your ", "your ", "Waiting for your confirmation", "You are registered"] {
            assert!(!page.contains(registrant_words), "{registrant_words} on an organiser page");
        }
    }
    let (_, page) =
        get(&client, app.url(&format!("/admin/sessions/{}/registrations/{pending}", session.id))).await;
    assert!(page.contains("<dt>Their time zone</dt><dd>America/Bogota</dd>"), "{page}");
    let res = client
        .get(app.url(&format!("/admin/sessions/{}/registrations/{pending}", session.id)))
        .header("accept-language", "fr")
        .send()
        .await
        .expect("fr");
    let page = res.text().await.expect("body");
    assert!(page.contains("Consentement donné le ") && page.contains("(notice de confidentialité du "));
    assert!(!page.contains("Votre ") && !page.contains("votre "), "{page}");
}

async fn a_series_title_and_description_can_be_edited(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let client = app.sign_in("organiser").await;
    let token = app.csrf_for(&client, "/admin/series").await;
    let res = client
        .post(app.url("/admin/series"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("title", "Metropolitan talks"),
            ("description", "First words."),
        ])
        .send()
        .await
        .expect("create");
    assert_eq!(res.status(), 303);
    let id: String = app
        .db(|conn| {
            use convoca::db::schema::series::dsl as s;
            s::series.select(s::id).first(conn)
        })
        .await
        .expect("series");
    let (_, page) = get(&client, app.url("/admin/series")).await;
    assert!(page.contains(&format!("<textarea id=\"description-{id}\" name=\"description\"")), "{page}");
    assert!(page.contains(">First words.</textarea>"));
    let res = client
        .post(app.url(&format!("/admin/series/{id}")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("title", "Metropolitan conversations"),
            ("description", "Talks between metropolitan governments."),
        ])
        .send()
        .await
        .expect("update");
    assert_eq!(res.status(), 303);
    let stored: (String, String) = app
        .db(|conn| {
            use convoca::db::schema::series::dsl as s;
            s::series.select((s::title, s::description)).first(conn)
        })
        .await
        .expect("series");
    assert_eq!(
        stored,
        ("Metropolitan conversations".into(), "Talks between metropolitan governments.".into())
    );
    // A refused new series keeps what was typed, description too.
    let res = client
        .post(app.url("/admin/series"))
        .form(&[("csrf_token", token.as_str()), ("title", " "), ("description", "Kept words")])
        .send()
        .await
        .expect("refused");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains(">Kept words</textarea>"));
}

async fn the_session_form_has_no_translation_fields_for_the_sessions_own_language(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("own-language", 10, 7).await;
    let client = app.sign_in("organiser").await;
    let (_, new_form) = get(&client, app.url("/admin/sessions/new")).await;
    assert!(!new_form.contains("name=\"title_en\""), "English is the new session's language");
    assert!(new_form.contains("name=\"title_fr\"") && new_form.contains("name=\"title_es\""));
    let (_, edit) = get(&client, app.url(&format!("/admin/sessions/{}/edit", session.id))).await;
    assert!(!edit.contains("name=\"title_en\"") && !edit.contains("name=\"description_en\""));
    assert!(edit.contains("name=\"title_fr\""));
    // Typed under the session's own language (the language was changed afterwards), the
    // fields come back with the refusal beside them.
    let token = csrf_token(&edit);
    let form = [
        ("csrf_token", token.as_str()),
        ("title", "Own language"),
        ("language", "fr"),
        ("date", "2031-03-04"),
        ("time", "15:00"),
        ("timezone", "Europe/Paris"),
        ("duration", "90"),
        ("capacity", "10"),
        ("approval", "automatic"),
        ("reminders", "1d"),
        ("follow_up_delay", "120"),
        ("title_fr", "Langue propre"),
    ];
    let res = client
        .post(app.url(&format!("/admin/sessions/{}", session.id)))
        .form(&form)
        .send()
        .await
        .expect("save");
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("body");
    assert!(
        page.contains("name=\"title_fr\"") && page.contains("This is the session&#39;s own language"),
        "{page}"
    );
}

async fn attendance_cannot_be_imported_before_the_session_starts(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("not-yet", 10, 3).await;
    let emails = app.insert_confirmed(&session.id, 1, "en", Duration::hours(1)).await;
    let client = app.sign_in("organiser").await;
    let token = app.csrf_for(&client, &format!("/admin/sessions/{}/registrations", session.id)).await;
    let boundary = "----convoca-organiser-day";
    let csv = format!("Email\r\n{}\r\n", emails[0]);
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n\
         --{boundary}--\r\n"
    );
    let res = client
        .post(app.url(&format!("/admin/sessions/{}/attendance/import", session.id)))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("import");
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("body");
    assert!(page.contains("The session has not started yet"), "{page}");
    assert!(page.contains("href=\"#attendance-file\""), "the summary links to the field");
    let key = emails[0].clone();
    let attended: Option<bool> = app
        .db(move |conn| {
            use convoca::db::schema::registrations::dsl as r;
            r::registrations.filter(r::email.eq(key)).select(r::attended).first(conn)
        })
        .await
        .expect("attended");
    assert_eq!(attended, None, "nothing recorded");
}

async fn new_speaker_from_a_panel_returns_to_it_with_the_speaker_chosen(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("panel-return", 10, 7).await;
    let client = app.sign_in("organiser").await;
    let panel = format!("/admin/sessions/{}/panel", session.id);
    let (_, page) = get(&client, app.url(&panel)).await;
    let link = format!("/admin/speakers/new?panel={}", session.id);
    assert!(page.contains(&format!("href=\"{link}\"")), "{page}");
    let (_, form) = get(&client, app.url(&link)).await;
    assert!(form.contains(&format!("<input type=\"hidden\" name=\"panel\" value=\"{}\">", session.id)));
    assert!(form.contains(&format!("href=\"{panel}\"")), "the way back leads to the panel");
    let token = csrf_token(&form);
    let res = client
        .post(app.url("/admin/speakers"))
        .form(&[("csrf_token", token.as_str()), ("name", "Ana Panelist"), ("panel", session.id.as_str())])
        .send()
        .await
        .expect("create");
    assert_eq!(res.status(), 303);
    let back = location(&res);
    let speaker: String = app
        .db(|conn| {
            use convoca::db::schema::speakers::dsl as s;
            s::speakers.filter(s::name.eq("Ana Panelist")).select(s::id).first(conn)
        })
        .await
        .expect("speaker");
    assert_eq!(back, format!("{panel}?speaker={speaker}&done=speaker-ready"));
    let (_, page) = get(&client, app.url(&back)).await;
    assert!(page.contains(&format!("<option value=\"{speaker}\" selected>")), "{page}");
    // Only a session id is taken: anything else leads to the speaker's own page.
    for hostile in ["https://evil.example/x", "//evil.example", "../../admin/accounts"] {
        let res = client
            .post(app.url("/admin/speakers"))
            .form(&[("csrf_token", token.as_str()), ("name", "Other Person"), ("panel", hostile)])
            .send()
            .await
            .expect("create");
        assert_eq!(res.status(), 303);
        let to = location(&res);
        assert!(to.starts_with("/admin/speakers/") && !to.contains("evil"), "{hostile} -> {to}");
    }
}

async fn an_administrator_removes_the_demo_data_after_confirming(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let count_demo = || {
        app.db(|conn| {
            use convoca::db::schema::{organisations, series, sessions, speakers};
            let n = |r: QueryResult<i64>| r.expect("count");
            [
                n(sessions::table.filter(sessions::is_demo.eq(true)).count().get_result(conn)),
                n(speakers::table.filter(speakers::is_demo.eq(true)).count().get_result(conn)),
                n(organisations::table.filter(organisations::is_demo.eq(true)).count().get_result(conn)),
                n(series::table.filter(series::is_demo.eq(true)).count().get_result(conn)),
            ]
        })
    };
    assert!(count_demo().await.iter().all(|n| *n > 0), "the demo is loaded");
    // A real session, whose registrant chose a demo organisation: both stay.
    let real = app.create_session("real-one", 10, 7).await;
    let (real_id, now) = (sid(&real.id), app.clock.now());
    let kept_org: String = app
        .db(move |conn| {
            use convoca::db::schema::organisations::dsl as o;
            let org: String = o::organisations.filter(o::is_demo.eq(true)).select(o::id).first(conn)?;
            let details = RegistrationDetails {
                organisation_id: Some(org.clone()),
                ..RegistrationDetails::sample("Real Person", "real@x.org", now)
            };
            let row = Registration {
                status: RegistrationStatus::Confirmed,
                ..Registration::pending(&real_id, details, now)
            };
            diesel::insert_into(convoca::db::schema::registrations::table).values(&row).execute(conn)?;
            Ok::<_, diesel::result::Error>(org)
        })
        .await
        .expect("real registration");

    let organiser = app.sign_in("organiser").await;
    let (_, list) = get(&organiser, app.url("/admin")).await;
    assert!(!list.contains("href=\"/admin/demo\""), "only administrators are offered it");
    let admin = app.sign_in("admin").await;
    let (_, list) = get(&admin, app.url("/admin")).await;
    assert!(list.contains("href=\"/admin/demo\""));
    let (status, page) = get(&admin, app.url("/admin/demo")).await;
    assert_eq!(status, 200);
    assert!(page.contains("60 fictional registrations"), "{page}");
    let token = csrf_token(&page);
    // Forged, or an organiser: refused, nothing removed.
    let res =
        admin.post(app.url("/admin/demo")).form(&[("csrf_token", "forged"), ("confirm", "yes")]).send().await;
    assert_eq!(res.expect("forged").status(), 403);
    let organiser_token = app.csrf_for(&organiser, "/admin").await;
    let res = organiser
        .post(app.url("/admin/demo"))
        .form(&[("csrf_token", organiser_token.as_str()), ("confirm", "yes")])
        .send()
        .await;
    assert_eq!(res.expect("organiser").status(), 403);
    // Without the ticked box: the page again, the message beside the box.
    let res = admin
        .post(app.url("/admin/demo"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("Tick the box to confirm"));
    assert!(count_demo().await[0] > 0, "nothing removed yet");

    let res = admin
        .post(app.url("/admin/demo"))
        .form(&[("csrf_token", token.as_str()), ("confirm", "yes")])
        .send()
        .await
        .expect("remove");
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin?done=demo-removed");
    assert_eq!(count_demo().await, [0, 0, 1, 0], "all but the organisation a real registration names");
    let (left_org, registrations, audit): (String, i64, Vec<String>) = app
        .db(|conn| {
            use convoca::db::schema::{audit_log, organisations, registrations};
            let org = organisations::table
                .filter(organisations::is_demo.eq(true))
                .select(organisations::id)
                .first(conn)?;
            let n = registrations::table.count().get_result(conn)?;
            let audit = audit_log::table.select(audit_log::action).load(conn)?;
            Ok::<_, diesel::result::Error>((org, n, audit))
        })
        .await
        .expect("after");
    assert_eq!(left_org, kept_org);
    assert_eq!(registrations, 1, "only the real registration is left");
    assert!(audit.contains(&"demo.remove".to_owned()));
    let (_, page) = get(&admin, app.url("/admin/demo")).await;
    assert!(page.contains("There is no demo data left."));
    let (status, _) = get(&admin, app.url(&format!("/admin/sessions/{}", real.id))).await;
    assert_eq!(status, 200, "the real session stays");
}

on_both_engines!(
    the_session_list_shows_upcoming_sessions_first_then_drafts_then_past_ones,
    a_cancelled_sessions_page_tells_what_its_registrants_were_sent_not_seats,
    an_organiser_opening_an_administrators_page_is_told_it_is_for_administrators,
    a_registration_is_shown_to_organisers_in_the_third_person,
    a_series_title_and_description_can_be_edited,
    the_session_form_has_no_translation_fields_for_the_sessions_own_language,
    attendance_cannot_be_imported_before_the_session_starts,
    new_speaker_from_a_panel_returns_to_it_with_the_speaker_chosen,
    an_administrator_removes_the_demo_data_after_confirming,
);
