//! Focal points as personal data: an administrator's data request for a focal point's address
//! finds the organisations they coordinate, downloads and erases them, audited.

use diesel::prelude::*;

use crate::helpers::{Engine, TestApp};
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

async fn a_data_request_finds_and_erases_a_focal_point(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let accra = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let quito = app.create_member("Municipio de Quito", "Ecuador").await;
    for (id, email) in
        [(accra.clone(), "Kofi.Mensah@accra.example.org"), (quito.clone(), "other@quito.example.org")]
    {
        app.db(move |conn| {
            use convoca::db::schema::organisations::dsl as o;
            diesel::update(o::organisations.find(&id))
                .set((
                    o::focal_email.eq(Some(email)),
                    o::focal_name.eq("Kofi Mensah"),
                    o::focal_language.eq("fr"),
                ))
                .execute(conn)
                .expect("focal point")
        })
        .await;
    }
    let admin = app.sign_in("admin").await;
    let res = post(&app, &admin, PAGE, &[("email", "kofi.mensah@ACCRA.example.org")]).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    let found = html.split("id=\"focal-points\"").nth(1).expect("the focal point is found");
    let found = found.split("</p>").next().unwrap_or_default();
    assert!(found.contains("Accra Metropolitan Assembly") && !found.contains("Quito"), "{found}");

    let res =
        post(&app, &admin, "/admin/data-requests/download", &[("email", "kofi.mensah@accra.example.org")])
            .await;
    let data: serde_json::Value = serde_json::from_str(&res.text().await.expect("body")).expect("json");
    assert_eq!(data["focal_point_of"][0]["organisation"], "Accra Metropolitan Assembly");
    assert_eq!(data["focal_point_of"][0]["language"], "fr");

    let res = post(
        &app,
        &admin,
        "/admin/data-requests/erase",
        &[("email", "kofi.mensah@accra.example.org"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (kept_accra, kept_quito) = app
        .db(move |conn| {
            use convoca::db::schema::organisations::dsl as o;
            let get = |conn: &mut convoca::db::AnyConnection, id: &str| {
                o::organisations
                    .find(id)
                    .select((o::focal_email, o::focal_name))
                    .first::<(Option<String>, String)>(conn)
                    .expect("organisation")
            };
            (get(conn, &accra), get(conn, &quito))
        })
        .await;
    assert_eq!(kept_accra, (None, String::new()), "the focal point's name and address are gone");
    assert_eq!(kept_quito.0.as_deref(), Some("other@quito.example.org"), "another person's kept");
    let audited = app
        .db(|conn| {
            use convoca::db::schema::audit_log::dsl as a;
            a::audit_log
                .filter(a::action.eq("focal_point.erase"))
                .count()
                .get_result::<i64>(conn)
                .expect("audit")
        })
        .await;
    assert_eq!(audited, 1);
    let notice =
        app.client().get(app.url("/privacy")).send().await.expect("notice").text().await.expect("body");
    assert!(notice.contains("id=\"focal-points\""), "the privacy notice tells of focal points");
    assert!(notice.contains("id=\"focal-approval\""), "and of what a focal point sees");
}

on_both_engines!(a_data_request_finds_and_erases_a_focal_point);

/// A focal-point session (quota `member_seats` per member) and two members: Accra with a
/// French-speaking focal point, Quito with none.
async fn focal_session(app: &TestApp, slug: &str, member_seats: Option<i32>) -> (String, String, String) {
    let session = app.create_session(slug, 10, 10).await;
    let accra = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let quito = app.create_member("Municipio de Quito", "Ecuador").await;
    let (sid, now, org) = (session.id.to_string(), app.clock.now(), accra.clone());
    app.db(move |conn| {
        use convoca::db::schema::{organisations::dsl as o, session_quotas::dsl as q, sessions::dsl as s};
        diesel::update(s::sessions.find(&sid))
            .set(s::approval_mode.eq("focal_point"))
            .execute(conn)
            .expect("mode");
        diesel::update(o::organisations.find(&org))
            .set((
                o::focal_email.eq(Some("kofi.mensah@accra.example.org")),
                o::focal_name.eq("Kofi Mensah"),
                o::focal_language.eq("fr"),
            ))
            .execute(conn)
            .expect("focal point");
        diesel::insert_into(q::session_quotas)
            .values((
                q::session_id.eq(&sid),
                q::member_seats.eq(member_seats),
                q::show_members_represented.eq(false),
                q::updated_at.eq(now),
            ))
            .execute(conn)
            .expect("quota");
    })
    .await;
    (session.id.to_string(), accra, quito)
}

const FOCAL: &str = "kofi.mensah@accra.example.org";

fn digests(app: &TestApp) -> Vec<crate::helpers::ReceivedMail> {
    app.mail().to(FOCAL)
}

/// The registration id of `name`'s row on the focal point's page.
fn official_id(page: &str, name: &str) -> String {
    let at = page.find(&format!("<strong>{name}</strong>")).unwrap_or_else(|| panic!("{name} is listed"));
    let start = page[..at].rfind("id=\"official-").expect("row id") + "id=\"official-".len();
    page[start..].split('"').next().expect("id").to_owned()
}

async fn focal_post(
    client: &reqwest::Client,
    link: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = client.get(link).send().await.expect("page").text().await.expect("body");
    let token = crate::helpers::csrf_token(&page);
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    client.post(format!("{link}/{action}")).form(&form).send().await.expect("post")
}

async fn focal_audits(app: &TestApp) -> i64 {
    app.db(|conn| {
        use convoca::db::schema::audit_log::dsl as a;
        a::audit_log
            .filter(a::organiser_name.eq("focal point of Accra Metropolitan Assembly"))
            .count()
            .get_result::<i64>(conn)
            .expect("audit")
    })
    .await
}

async fn a_focal_point_decides_and_orders_from_the_digest(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (sid, accra, quito) = focal_session(&app, "focal-decide", Some(1)).await;
    let officials = [
        ("Ama Owusu", "ama@accra.example.org"),
        ("Kwame Boateng", "kwame@accra.example.org"),
        ("Efua Asante", "efua@accra.example.org"),
        ("Yaw Darko", "yaw@accra.example.org"),
    ];
    app.register_and_confirm("focal-decide", officials[0].0, officials[0].1, &accra).await;
    app.deliver_mail().await;
    // The first digest, in the focal point's language, lists the one who waits; no seat is held.
    let first = digests(&app);
    assert_eq!(first.len(), 1, "one digest");
    assert!(first[0].subject().contains("attendent votre approbation"), "{}", first[0].subject());
    assert!(first[0].text().contains("Ama Owusu"));
    let told = app.mail().to("ama@accra.example.org");
    assert!(
        told.iter().any(|m| m.text().contains("Your government's focal point approves")),
        "the official is told who decides"
    );
    app.clock.advance(chrono::Duration::minutes(5));
    for (name, email) in &officials[1..] {
        app.register_and_confirm("focal-decide", name, email, &accra).await;
    }
    app.register_and_confirm("focal-decide", "Pablo Ruiz", "pablo@quito.example.org", &quito).await;
    app.deliver_mail().await;
    assert_eq!(digests(&app).len(), 1, "at most one digest a day");
    assert_eq!(app.count_registrations(&sid, "awaiting_approval").await, 5);
    assert_eq!(app.count_registrations(&sid, "confirmed").await, 0, "waiting for approval holds no seat");

    app.clock.advance(chrono::Duration::days(1));
    app.deliver_mail().await;
    let mails = digests(&app);
    assert_eq!(mails.len(), 2, "the next day's digest");
    let text = mails[1].text();
    assert!(text.contains("Kwame Boateng") && text.contains("Yaw Darko"), "{text}");
    assert!(!text.contains("Ama Owusu"), "only the new registrations are listed: {text}");
    assert_eq!(app.mail().received().iter().filter(|m| m.subject().contains("approbation")).count(), 2);
    let link = mails[1].link(&format!("{}/focal/", app.address)).expect("a private link");

    let focal = app.client();
    let page = focal.get(&link).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("body");
    assert!(!page.contains("Pablo Ruiz"), "another member's official is not shown");
    assert!(page.contains("focal-decide"), "the upcoming sessions link to their registration pages");
    assert_eq!(
        app.count_registrations(&sid, "awaiting_approval").await,
        5,
        "opening the page changes nothing"
    );
    let id = |name: &str| official_id(&page, name);
    let (ama, kwame, efua, yaw) = (id("Ama Owusu"), id("Kwame Boateng"), id("Efua Asante"), id("Yaw Darko"));

    for (who, decision) in [(&ama, "approve"), (&kwame, "approve"), (&efua, "approve"), (&yaw, "decline")] {
        let res = focal_post(&focal, &link, "decide", &[("registration", who), ("decision", decision)]).await;
        assert_eq!(res.status(), 303, "{decision}");
    }
    let status = |email: &'static str| {
        let (app, sid) = (&app, sid.clone());
        async move { app.status_of(&sid, email).await.unwrap_or_default() }
    };
    assert_eq!(status("ama@accra.example.org").await, "confirmed");
    assert_eq!(status("kwame@accra.example.org").await, "waitlisted", "beyond the quota of one");
    assert_eq!(status("efua@accra.example.org").await, "waitlisted");
    assert_eq!(status("yaw@accra.example.org").await, "declined");

    // Efua goes before Kwame; the seat Ama gives up follows that order, not arrival.
    let res = focal_post(&focal, &link, "move", &[("registration", &efua), ("direction", "up")]).await;
    assert_eq!(res.status(), 303);
    let page = focal.get(&link).send().await.expect("page").text().await.expect("body");
    assert!(page.find("Efua Asante") < page.find("Kwame Boateng"), "the order is shown");
    let (ama_id, now) = (ama.clone(), app.clock.now());
    app.db(move |conn| {
        let id = convoca::domain::RegistrationId::parse(&ama_id).expect("id");
        convoca::db::decisions::decide(conn, &id, convoca::db::decisions::Decision::Cancel, now)
            .expect("cancel")
    })
    .await;
    assert_eq!(
        status("efua@accra.example.org").await,
        "confirmed",
        "promotion follows the focal point's order"
    );
    assert_eq!(status("kwame@accra.example.org").await, "waitlisted");
    assert_eq!(focal_audits(&app).await, 5, "four decisions and a move, each audited");

    // Another member's registration posted to this link: a clear page, nothing changed.
    let pablo = app
        .db(|conn| {
            use convoca::db::schema::registrations::dsl as r;
            r::registrations
                .filter(r::email_normalized.eq("pablo@quito.example.org"))
                .select(r::id)
                .first::<String>(conn)
                .expect("pablo")
        })
        .await;
    let res = focal_post(&focal, &link, "decide", &[("registration", &pablo), ("decision", "approve")]).await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.expect("body").contains("Nothing has been changed"));
    assert_eq!(status("pablo@quito.example.org").await, "awaiting_approval");

    // The organiser sees who waits for whom on the hub, and decides in Quito's place.
    let organiser = app.sign_in("organiser").await;
    let hub = organiser
        .get(app.url(&format!("/admin/sessions/{sid}")))
        .send()
        .await
        .expect("hub")
        .text()
        .await
        .expect("body");
    let pending = hub.split("id=\"pending-approvals\"").nth(1).expect("pending approvals on the hub");
    assert!(pending.contains("Municipio de Quito") && pending.contains("the organisers decide"), "{pending}");
    let list = format!("/admin/sessions/{sid}/registrations");
    let token = app.csrf_for(&organiser, &format!("{list}?status=awaiting_approval")).await;
    let res = organiser
        .post(app.url(&format!("{list}/{pablo}/decision")))
        .form(&[("csrf_token", token.as_str()), ("decision", "approve")])
        .send()
        .await
        .expect("approve");
    assert_eq!(res.status(), 303);
    assert_eq!(status("pablo@quito.example.org").await, "confirmed");

    // After the session started the link shows a clear page and changes nothing.
    let token_page = focal.get(&link).send().await.expect("page").text().await.expect("body");
    let token = crate::helpers::csrf_token(&token_page);
    app.clock.advance(chrono::Duration::days(10));
    let res = focal.get(&link).send().await.expect("late page");
    assert_eq!(res.status(), 410);
    let res = focal
        .post(format!("{link}/decide"))
        .form(&[("csrf_token", token.as_str()), ("registration", kwame.as_str()), ("decision", "approve")])
        .send()
        .await
        .expect("late post");
    assert_eq!(res.status(), 410);
    assert_eq!(status("kwame@accra.example.org").await, "waitlisted");
}

on_both_engines!(a_focal_point_decides_and_orders_from_the_digest);

async fn a_focal_point_who_does_not_answer_is_reminded(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (_, accra, _) = focal_session(&app, "focal-remind", None).await;
    app.register_and_confirm("focal-remind", "Ama Owusu", "ama@accra.example.org", &accra).await;
    app.deliver_mail().await;
    assert_eq!(digests(&app).len(), 1);
    app.clock.advance(chrono::Duration::days(1));
    app.deliver_mail().await;
    assert_eq!(digests(&app).len(), 1, "nothing new, not yet two days: no mail");
    app.clock.advance(chrono::Duration::days(1));
    app.deliver_mail().await;
    let mails = digests(&app);
    assert_eq!(mails.len(), 2, "a reminder two days after the digest");
    assert!(mails[1].subject().starts_with("Rappel"), "{}", mails[1].subject());
    assert!(mails[1].text().contains("Ama Owusu"));
    app.deliver_mail().await;
    assert_eq!(digests(&app).len(), 2, "not twice the same day");
}

on_both_engines!(a_focal_point_who_does_not_answer_is_reminded);

async fn a_focal_points_approval_takes_no_seat_beyond_the_capacity(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (sid, accra, _) = focal_session(&app, "focal-full", None).await;
    let sid_cap = sid.clone();
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        diesel::update(s::sessions.find(&sid_cap)).set(s::capacity.eq(1)).execute(conn).expect("capacity")
    })
    .await;
    app.register_and_confirm("focal-full", "Ama Owusu", "ama@accra.example.org", &accra).await;
    app.register_and_confirm("focal-full", "Kwame Boateng", "kwame@accra.example.org", &accra).await;
    app.deliver_mail().await;
    let link = digests(&app)
        .last()
        .and_then(|m| m.link(&format!("{}/focal/", app.address)))
        .expect("a digest with its link");
    let focal = app.client();
    let page = focal.get(&link).send().await.expect("page").text().await.expect("body");
    let (ama, kwame) = (official_id(&page, "Ama Owusu"), official_id(&page, "Kwame Boateng"));
    for who in [&ama, &kwame] {
        let res =
            focal_post(&focal, &link, "decide", &[("registration", who), ("decision", "approve")]).await;
        assert_eq!(res.status(), 303);
    }
    assert_eq!(app.status_of(&sid, "ama@accra.example.org").await.as_deref(), Some("confirmed"));
    assert_eq!(
        app.status_of(&sid, "kwame@accra.example.org").await.as_deref(),
        Some("waitlisted"),
        "the session is full"
    );
    let page = focal.get(&link).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("On the waiting list"), "the focal point sees it");
    // A second approval of the same official changes nothing.
    let res = focal_post(&focal, &link, "decide", &[("registration", &ama), ("decision", "approve")]).await;
    assert!(res.headers()["location"].to_str().expect("location").ends_with("done=unchanged"));
    assert_eq!(app.count_registrations(&sid, "confirmed").await, 1);
    // The organiser's hub names the mode.
    let organiser = app.sign_in("organiser").await;
    let hub = organiser
        .get(app.url(&format!("/admin/sessions/{sid}")))
        .send()
        .await
        .expect("hub")
        .text()
        .await
        .expect("body");
    assert!(hub.contains("s focal point (the organiser decides for those without one)"), "the mode is named");
}

on_both_engines!(a_focal_points_approval_takes_no_seat_beyond_the_capacity);
