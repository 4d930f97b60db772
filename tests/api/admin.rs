//! The organiser area: signing in, permissions, CSRF, and the session workflow.

use crate::helpers::{Engine, ORGANISER_PASSWORD, TestApp, csrf_token, valid_form};
use crate::on_both_engines;

/// Ids of one of each thing the organiser routes act on.
struct Ids {
    session: String,
    speaker: String,
    organisation: String,
    entry: String,
    registration: String,
}

/// Every organiser route with a sample path: (method, path, admin only, multipart).
fn routes(ids: &Ids) -> Vec<(&'static str, String, bool, bool)> {
    let Ids { session: s, speaker: sp, organisation: o, entry: e, registration: r } = ids;
    let announcement = "01a20000-0000-7000-8000-000000000000";
    vec![
        ("GET", "/admin".into(), false, false),
        ("GET", "/admin/sessions/new".into(), false, false),
        ("POST", "/admin/sessions".into(), false, false),
        ("GET", format!("/admin/sessions/{s}"), false, false),
        ("POST", format!("/admin/sessions/{s}"), false, false),
        ("GET", format!("/admin/sessions/{s}/edit"), false, false),
        ("POST", format!("/admin/sessions/{s}/status"), false, false),
        ("POST", format!("/admin/sessions/{s}/duplicate"), false, false),
        ("POST", format!("/admin/sessions/{s}/documents"), false, false),
        ("POST", format!("/admin/sessions/{s}/documents/{announcement}/delete"), false, false),
        ("GET", "/admin/series".into(), false, false),
        ("POST", "/admin/series".into(), false, false),
        ("POST", format!("/admin/series/{announcement}"), false, false),
        ("GET", "/admin/password".into(), false, false),
        ("POST", "/admin/password".into(), false, false),
        ("GET", "/admin/accounts".into(), true, false),
        ("POST", "/admin/accounts".into(), true, false),
        ("POST", format!("/admin/accounts/{announcement}"), true, false),
        ("GET", "/admin/audit".into(), true, false),
        ("GET", "/admin/speakers".into(), false, false),
        ("POST", "/admin/speakers".into(), false, false),
        ("GET", "/admin/speakers/new".into(), false, false),
        ("GET", format!("/admin/speakers/{sp}"), false, false),
        ("POST", format!("/admin/speakers/{sp}"), false, false),
        ("POST", format!("/admin/speakers/{sp}/photo"), false, true),
        ("POST", format!("/admin/speakers/{sp}/photo/remove"), false, false),
        ("GET", format!("/admin/sessions/{s}/panel"), false, false),
        ("POST", format!("/admin/sessions/{s}/panel"), false, false),
        ("POST", format!("/admin/sessions/{s}/panel/{e}/move"), false, false),
        ("POST", format!("/admin/sessions/{s}/panel/{e}/role"), false, false),
        ("GET", "/admin/organisations".into(), false, false),
        ("GET", "/admin/organisations/new".into(), true, false),
        ("POST", "/admin/organisations".into(), true, false),
        ("GET", format!("/admin/organisations/{o}"), true, false),
        ("POST", format!("/admin/organisations/{o}"), true, false),
        ("POST", "/admin/organisations/merge".into(), true, false),
        ("GET", format!("/admin/sessions/{s}/registrations"), false, false),
        ("GET", format!("/admin/sessions/{s}/registrations.csv"), false, false),
        ("GET", format!("/admin/sessions/{s}/registrations/{r}"), false, false),
        ("POST", format!("/admin/sessions/{s}/registrations/{r}/decision"), false, false),
        ("POST", format!("/admin/sessions/{s}/attendance"), false, false),
        ("POST", format!("/admin/sessions/{s}/attendance/import"), false, true),
        ("GET", format!("/admin/sessions/{s}/announcements"), false, false),
        ("POST", format!("/admin/sessions/{s}/announcements"), false, false),
        ("POST", format!("/admin/sessions/{s}/announcements/{announcement}/retry"), false, false),
        ("GET", "/admin/reports".into(), false, false),
        ("GET", "/admin/reports.csv".into(), false, false),
        // speakers: invitations, reminders, consent and join details from the panel page.
        ("POST", format!("/admin/sessions/{s}/panel/invite"), false, false),
        ("POST", format!("/admin/sessions/{s}/panel/speaker-details"), false, false),
        ("POST", format!("/admin/sessions/{s}/panel/speakers/{sp}/remind"), false, false),
        ("POST", format!("/admin/sessions/{s}/panel/speakers/{sp}/consent-offline"), false, false),
        // Destructive ones last: the rows above still exist while they are tried.
        ("POST", format!("/admin/sessions/{s}/panel/{e}/remove"), false, false),
        ("POST", format!("/admin/speakers/{sp}/delete"), false, false),
        ("POST", format!("/admin/speakers/{sp}/erase"), true, false),
    ]
}

async fn some_of_everything(app: &TestApp) -> Ids {
    let session = app.create_session("guarded", 10, 5).await;
    let organisation = app.create_member("Guarded City", "Spain").await;
    app.insert_confirmed(&session.id, 1, "en", chrono::Duration::hours(1)).await;
    let (session_id, now) = (session.id.clone(), app.clock.now());
    let (speaker, entry, registration) = app
        .db(move |conn| {
            use convoca::db::models::{PanelEntry, Speaker, new_id};
            use convoca::db::schema::{panel_entries, registrations, speakers};
            use diesel::prelude::*;
            let speaker = Speaker {
                id: new_id(),
                name: "Guarded Speaker".into(),
                honorific: String::new(),
                position: String::new(),
                organisation: String::new(),
                bio: String::new(),
                photo_path: None,
                is_demo: false,
                created_at: now,
            };
            diesel::insert_into(speakers::table).values(&speaker).execute(conn).expect("speaker");
            let entry = PanelEntry {
                id: new_id(),
                session_id: session_id.clone(),
                speaker_id: speaker.id.clone(),
                role: convoca::domain::PanelRole::Speaker,
                position: 1,
            };
            diesel::insert_into(panel_entries::table).values(&entry).execute(conn).expect("entry");
            let registration: String = registrations::table
                .filter(registrations::session_id.eq(&session_id))
                .select(registrations::id)
                .first(conn)
                .expect("registration");
            (speaker.id, entry.id, registration)
        })
        .await;
    Ids { session: session.id.to_string(), speaker, organisation, entry, registration }
}

async fn every_organiser_route_is_guarded(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let ids = some_of_everything(&app).await;
    let signed_out = app.client();
    let organiser = app.sign_in("organiser").await;
    let admin = app.sign_in("admin").await;
    let organiser_token = app.csrf_for(&organiser, "/admin").await;
    let admin_token = app.csrf_for(&admin, "/admin").await;

    for (method, path, admin_only, multipart) in routes(&ids) {
        let send = |client: &reqwest::Client, token: Option<&str>| {
            let token = token.unwrap_or("forged");
            let request = match (method, multipart) {
                ("GET", _) => client.get(app.url(&path)),
                (_, true) => client
                    .post(app.url(&path))
                    .header("content-type", "multipart/form-data; boundary=XyZ")
                    .body(format!("--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--XyZ--\r\n")),
                _ => client.post(app.url(&path)).form(&[("csrf_token", token)]),
            };
            request.send()
        };
        // Signed out: to the sign-in page, which brings the visitor back afterwards.
        let res = send(&signed_out, None).await.expect("request");
        assert_eq!(res.status(), 303, "{method} {path} signed out");
        let location = res.headers()["location"].to_str().expect("location");
        assert!(location.starts_with("/admin/login?next="), "{method} {path}: {location}");

        if method == "GET" {
            let res = send(&organiser, None).await.expect("request");
            let expected = if admin_only { 403 } else { 200 };
            assert_eq!(res.status(), expected, "{method} {path} as organiser");
            assert_eq!(res.headers()["cache-control"], "no-store", "{path} is not cacheable");
            let res = send(&admin, None).await.expect("request");
            assert_eq!(res.status(), 200, "{method} {path} as admin");
        } else {
            // Without a valid CSRF token nothing changes. (A multipart route sent a plain
            // form may refuse it as malformed before it reads the token.)
            let res = send(&admin, None).await.expect("request");
            let refused =
                if multipart { [400, 403].contains(&res.status().as_u16()) } else { res.status() == 403 };
            assert!(refused, "{method} {path} without CSRF token: {}", res.status());
            let res = send(&organiser, Some(&organiser_token)).await.expect("request");
            let status = res.status().as_u16();
            if admin_only {
                assert_eq!(status, 403, "{method} {path} as organiser");
            } else {
                assert!(status < 500, "{method} {path} as organiser: {status}");
            }
            let res = send(&admin, Some(&admin_token)).await.expect("request");
            assert!(res.status().as_u16() < 500, "{method} {path} as admin");
        }
    }
}

async fn sign_in_is_throttled_without_revealing_accounts(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.sign_in("admin").await;
    let client = app.client();
    let attempt = |email: &'static str, password: &'static str| {
        let client = client.clone();
        let url = app.url("/admin/login");
        async move {
            let page = client.get(&url).send().await.expect("page").text().await.expect("body");
            client
                .post(&url)
                .form(&[
                    ("csrf_token", csrf_token(&page).as_str()),
                    ("email", email),
                    ("password", password),
                    ("next", "/admin"),
                ])
                .send()
                .await
                .expect("post")
        }
    };
    let unknown = attempt("nobody@secretariat.example.org", "whatever it is").await;
    assert_eq!(unknown.status(), 401);
    let unknown_text = unknown.text().await.expect("body");
    assert!(unknown_text.contains("The email address or the password is not right"));
    assert!(unknown_text.contains("value=\"nobody@secretariat.example.org\""), "the email typed is kept");
    for _ in 0..10 {
        assert_eq!(attempt("target@secretariat.example.org", "wrong password!").await.status(), 401);
    }
    let res = attempt("target@secretariat.example.org", "wrong password!").await;
    assert_eq!(res.status(), 429, "the 11th try at the account from this address is delayed");
    assert_eq!(res.headers()["retry-after"], "60", "when to try again, in seconds");
    let text = res.text().await.expect("body");
    assert!(text.contains("Too many attempts. Try again in 1 minute."), "and in words");
    assert!(text.contains("You can try again from"), "with the time");
    app.clock.advance(chrono::Duration::minutes(31));
    assert_eq!(
        attempt("target@secretariat.example.org", "wrong password!").await.status(),
        401,
        "the window passes"
    );
}

async fn signing_in_sets_a_strict_cookie_and_signing_out_ends_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let organiser = app.sign_in("organiser").await;
    assert_eq!(organiser.get(app.url("/admin")).send().await.expect("admin").status(), 200);

    let client = app.client();
    let email = "cookie@secretariat.example.org";
    let hash = convoca::security::hash_password(ORGANISER_PASSWORD).expect("hash");
    let now = app.clock.now();
    app.db(move |conn| {
        convoca::db::organisers::add(conn, email, "Cookie Person", &hash, false, now).expect("add")
    })
    .await;
    let page = client
        .get(app.url("/admin/login?next=%2Fadmin%2Fseries"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(page.contains("value=\"/admin/series\""), "the page to come back to is kept");
    let res = client
        .post(app.url("/admin/login"))
        .form(&[
            ("csrf_token", csrf_token(&page).as_str()),
            ("email", email),
            ("password", ORGANISER_PASSWORD),
            ("next", "https://evil.example/"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/admin", "never redirected to another site");
    let cookie = res.headers()["set-cookie"].to_str().expect("cookie").to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/admin"),
        "{cookie}"
    );

    let token = app.csrf_for(&client, "/admin").await;
    let res =
        client.post(app.url("/admin/logout")).form(&[("csrf_token", token)]).send().await.expect("logout");
    assert_eq!(res.status(), 303);
    assert_eq!(client.get(app.url("/admin")).send().await.expect("admin").status(), 303, "signed out");

    // Idle expiry: two hours without activity sign the organiser out.
    app.clock.advance(chrono::Duration::hours(3));
    assert_eq!(organiser.get(app.url("/admin")).send().await.expect("admin").status(), 303);
}

async fn changing_the_password_signs_out_everywhere(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let client = app.sign_in("organiser").await;
    let token = app.csrf_for(&client, "/admin/password").await;
    let res = client
        .post(app.url("/admin/password"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("current", "not it"),
            ("new", "short"),
            ("confirm", "other"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("The current password is not right"));
    assert!(html.contains("Use at least 12 characters"));
    assert!(html.contains("The two new passwords are not the same"));

    let res = client
        .post(app.url("/admin/password"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("current", ORGANISER_PASSWORD),
            ("new", "a much longer new passphrase"),
            ("confirm", "a much longer new passphrase"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().expect("location").to_owned();
    let login = client.get(app.url(&location)).send().await.expect("login").text().await.expect("body");
    assert!(login.contains("Your password has been changed"), "the sign-in page says why");
    assert_eq!(client.get(app.url("/admin")).send().await.expect("admin").status(), 303, "signed out");
}

async fn organisers_create_publish_move_duplicate_and_cancel_a_session(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let client = app.sign_in("organiser").await;
    let token = app.csrf_for(&client, "/admin/sessions/new").await;
    let mut fields = vec![
        ("csrf_token", token.clone()),
        ("title", "Internationalisation des espaces métropolitains".to_owned()),
        ("language", "fr".into()),
        ("date", "2099-03-29".into()),
        ("time", "02:30".into()),
        ("timezone", "Europe/Paris".into()),
        ("duration", "90".into()),
        ("capacity", "abc".into()),
        ("reminders", "7d, 1d, 1h".into()),
        ("approval", "automatic".into()),
        ("join_url", "https://meet.example.org/fr".into()),
    ];
    let res = client.post(app.url("/admin/sessions")).form(&fields).send().await.expect("post");
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("This time does not exist in that time zone"), "DST gap explained");
    assert!(html.contains("Enter the number of seats"));
    assert!(html.contains("value=\"Internationalisation des espaces métropolitains\""), "typed values kept");

    fields.retain(|(k, _)| *k != "time" && *k != "capacity");
    fields.push(("time", "15:00".into()));
    fields.push(("capacity", "1".into()));
    let res = client.post(app.url("/admin/sessions")).form(&fields).send().await.expect("post");
    assert_eq!(res.status(), 303);
    let hub = res.headers()["location"].to_str().expect("location").to_owned();
    assert!(hub.ends_with("?done=session-created"));
    let session_path = hub.split('?').next().expect("path").to_owned();
    let session_id = session_path.rsplit('/').next().expect("id").to_owned();
    let page = client.get(app.url(&hub)).send().await.expect("hub").text().await.expect("body");
    assert!(page.contains("created as a draft"), "flash message");
    assert!(page.contains("2099") && page.contains("15:00"), "time in the session zone");
    let public = app.client().get(app.url("/")).send().await.expect("home").text().await.expect("body");
    assert!(!public.contains("Internationalisation des espaces"), "a draft is not public");

    let post = |path: String, form: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = app.url(&path);
        async move { client.post(url).form(&form).send().await.expect("post") }
    };
    let res = post(
        format!("{session_path}/status"),
        vec![("csrf_token", token.clone()), ("action", "publish".into())],
    )
    .await;
    assert_eq!(res.status(), 303);
    let public = app.client().get(app.url("/")).send().await.expect("home").text().await.expect("body");
    assert!(public.contains("Internationalisation des espaces métropolitains"), "published");
    let slug = "internationalisation-des-espaces-metropolitains";
    assert!(public.contains(&format!("/sessions/{slug}")), "slug from the title");

    // Two people register: one gets the seat, one the waiting list.
    let org = app.create_member("Grand Paris", "France").await;
    app.register_and_confirm(slug, "Claire Martin", "claire@grandparis.fr", &org).await;
    app.register_and_confirm(slug, "Jean Dupont", "jean@grandparis.fr", &org).await;
    app.deliver_mail().await;

    // Moving the session and adding a seat: one update email, one promotion.
    fields.retain(|(k, _)| *k != "time" && *k != "capacity");
    fields.push(("time", "16:30".into()));
    fields.push(("capacity", "2".into()));
    let res = post(session_path.clone(), fields.iter().map(|(k, v)| (*k, v.clone())).collect()).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.status_of(&session_id, "jean@grandparis.fr").await.as_deref(), Some("confirmed"));
    app.deliver_mail().await;
    let claire = app.mail().to("claire@grandparis.fr");
    assert!(
        claire.iter().any(|m| m.subject().starts_with("New time")),
        "the confirmed registrant is told of the new time"
    );
    let jean = app.mail().to("jean@grandparis.fr");
    assert!(jean.iter().any(|m| m.subject().contains("Webinar") || m.calendar().is_some()));

    // Documents.
    let res = post(
        format!("{session_path}/documents"),
        vec![("csrf_token", token.clone()), ("doc_title", "".into()), ("doc_url", "ftp://x".into())],
    )
    .await;
    assert_eq!(res.status(), 422);
    let res = post(
        format!("{session_path}/documents"),
        vec![
            ("csrf_token", token.clone()),
            ("doc_title", "Issue paper 9".into()),
            ("doc_url", "https://docs.example.org/ip9.pdf".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let public = app
        .client()
        .get(app.url(&format!("/sessions/{slug}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(public.contains("Issue paper 9"));

    // Duplicate: a draft copy, without registrations.
    let res = post(format!("{session_path}/duplicate"), vec![("csrf_token", token.clone())]).await;
    assert_eq!(res.status(), 303);
    let copy = res.headers()["location"].to_str().expect("location").to_owned();
    let copy_page = client.get(app.url(&copy)).send().await.expect("copy").text().await.expect("body");
    assert!(copy_page.contains("(copy)"));
    let list = client.get(app.url("/admin")).send().await.expect("list").text().await.expect("body");
    assert_eq!(list.matches("Internationalisation des espaces métropolitains").count(), 2);

    // Cancel: every registrant is told, with a calendar cancellation.
    let res = post(
        format!("{session_path}/status"),
        vec![("csrf_token", token.clone()), ("action", "cancel".into())],
    )
    .await;
    assert!(
        res.headers()["location"].to_str().expect("location").ends_with("cancel-unconfirmed"),
        "one click is not enough"
    );
    assert_eq!(app.deliver_mail().await, 0, "nobody is told of a cancellation that did not happen");
    let res = post(
        format!("{session_path}/status"),
        vec![("csrf_token", token.clone()), ("action", "cancel".into()), ("confirm", "yes".into())],
    )
    .await;
    assert_eq!(res.status(), 303);
    app.deliver_mail().await;
    let last = app.mail().to("claire@grandparis.fr").last().expect("mail").clone();
    assert!(last.subject().starts_with("Cancelled"), "{}", last.subject());
    assert_eq!(last.calendar().expect("ics").1, "CANCEL");

    // The audit log records who did what.
    let admin = app.sign_in("admin").await;
    let audit = admin.get(app.url("/admin/audit")).send().await.expect("audit").text().await.expect("body");
    for action in [
        "session.create",
        "session.publish",
        "session.update",
        "document.add",
        "session.duplicate",
        "session.cancel",
    ] {
        assert!(audit.contains(action), "{action} in the audit log");
    }
}

async fn administrators_manage_accounts_and_roles(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.sign_in("admin").await;
    let token = app.csrf_for(&admin, "/admin/accounts").await;
    let res = admin
        .post(app.url("/admin/accounts"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", "New Colleague"),
            ("email", "not-an-email"),
            ("password", "short"),
            ("role", "organiser"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    let res = admin
        .post(app.url("/admin/accounts"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", "New Colleague"),
            ("email", "colleague@secretariat.example.org"),
            ("password", "a long first password"),
            ("role", "organiser"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    let client = app.client();
    let page = client.get(app.url("/admin/login")).send().await.expect("page").text().await.expect("body");
    let res = client
        .post(app.url("/admin/login"))
        .form(&[
            ("csrf_token", csrf_token(&page).as_str()),
            ("email", "colleague@secretariat.example.org"),
            ("password", "a long first password"),
            ("next", "/admin"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 303, "the new organiser signs in");
    assert_eq!(
        client.get(app.url("/admin/accounts")).send().await.expect("accounts").status(),
        403,
        "least privilege"
    );

    // Turning the account off signs it out at once.
    let id: String = app
        .db(|conn| {
            use convoca::db::schema::organisers::dsl as o;
            use diesel::prelude::*;
            o::organisers
                .filter(o::email_normalized.eq("colleague@secretariat.example.org"))
                .select(o::id)
                .first(conn)
                .expect("id")
        })
        .await;
    // Re-authentication first: without the administrator's own password nothing changes.
    let res = admin
        .post(app.url(&format!("/admin/accounts/{id}")))
        .form(&[("csrf_token", token.as_str()), ("role", "admin"), ("active", "yes"), ("current", "not it")])
        .send()
        .await
        .expect("refused");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("The current password is not right"));
    assert_eq!(
        client.get(app.url("/admin/accounts")).send().await.expect("accounts").status(),
        403,
        "not made an administrator"
    );
    let res = admin
        .post(app.url(&format!("/admin/accounts/{id}")))
        .form(&[("csrf_token", token.as_str()), ("role", "organiser"), ("current", ORGANISER_PASSWORD)])
        .send()
        .await
        .expect("deactivate");
    assert_eq!(res.status(), 303);
    assert_eq!(client.get(app.url("/admin")).send().await.expect("admin").status(), 303);
}

async fn a_registration_needing_approval_waits_for_the_organiser(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("approval", 5, 5).await;
    let id = session.id.clone();
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        use diesel::prelude::*;
        diesel::update(s::sessions.find(id)).set(s::approval_mode.eq("manual")).execute(conn).expect("manual")
    })
    .await;
    let org = app.create_member("Accra", "Ghana").await;
    let client = app.client();
    app.submit_registration(&client, "approval", &valid_form("Yaa Asantewaa", "yaa@accra.gov.gh", &org))
        .await;
    app.deliver_mail().await;
    let link = app.mail().to("yaa@accra.gov.gh")[0].link(&format!("{}/confirm/", app.address)).expect("link");
    let res = crate::helpers::confirm(&client, &link).await;
    assert!(res.headers()["location"].to_str().expect("loc").ends_with("done=awaiting"));
    assert_eq!(app.status_of(&session.id, "yaa@accra.gov.gh").await.as_deref(), Some("awaiting_approval"));
    app.deliver_mail().await;
    assert!(
        app.mail()
            .to("yaa@accra.gov.gh")
            .last()
            .expect("mail")
            .subject()
            .starts_with("Registration received")
    );
    let registration_id: String = {
        let sid = session.id.clone();
        app.db(move |conn| {
            use convoca::db::schema::registrations::dsl as r;
            use diesel::prelude::*;
            r::registrations.filter(r::session_id.eq(sid)).select(r::id).first(conn).expect("id")
        })
        .await
    };
    let now = app.clock.now();
    let outcome = app
        .db(move |conn| {
            convoca::db::decisions::decide(
                conn,
                &convoca::domain::RegistrationId::parse(&registration_id).expect("an id"),
                convoca::db::decisions::Decision::Approve,
                now,
            )
            .expect("decide")
        })
        .await;
    assert_eq!(outcome, convoca::db::decisions::DecisionOutcome::Confirmed);
    app.deliver_mail().await;
    let last = app.mail().to("yaa@accra.gov.gh").last().expect("mail").clone();
    assert!(last.subject().starts_with("You are registered"));
    assert!(last.calendar().is_some());
}

async fn an_organiser_sees_the_life_of_every_email_to_a_registrant(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("history", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    app.register_and_confirm("history", "Abena Mensah", "abena@accra.gov.gh", &org).await;
    app.mail().answer_next_recipients(vec![mailin_embedded::Response::custom(
        451,
        "4.7.1 Greylisted, try later".into(),
    )]);
    app.deliver_mail().await;
    let client = app.sign_in("organiser").await;
    let list = client
        .get(app.url(&format!("/admin/sessions/{}/registrations", session.id)))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("body");
    let marker = format!("/admin/sessions/{}/registrations/", session.id);
    let start = list.find(&marker).expect("a link to the registration");
    let link: String = list[start..].chars().take_while(|c| *c != '"').collect();
    let page = client.get(app.url(&link)).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("Abena Mensah") && page.contains("abena@accra.gov.gh"));
    assert!(
        page.contains("Confirmation request") && page.contains("Sent"),
        "the confirmation request went out"
    );
    assert!(page.contains("@127.0.0.1&#62;") || page.contains("@127.0.0.1>"), "with its Message-ID");
    assert!(page.contains("Registered, with invitation"));
    assert!(page.contains("Greylisted, try later"), "the server's answer to the failed attempt");
    assert!(page.contains("Queued"), "waiting for its retry");
}

on_both_engines!(
    an_organiser_sees_the_life_of_every_email_to_a_registrant,
    every_organiser_route_is_guarded,
    sign_in_is_throttled_without_revealing_accounts,
    signing_in_sets_a_strict_cookie_and_signing_out_ends_it,
    changing_the_password_signs_out_everywhere,
    organisers_create_publish_move_duplicate_and_cancel_a_session,
    administrators_manage_accounts_and_roles,
    a_registration_needing_approval_waits_for_the_organiser,
);
