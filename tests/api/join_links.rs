//! Personal join links: the join page before, during and after its window for each state of
//! a registration, the recorded join (never on GET or HEAD), the organiser's live counts and
//! attendance from joins, and a new platform address that sends nothing.

use chrono::{Duration, NaiveDateTime};
use convoca::db::models::{Registration, RegistrationDetails, Session};
use convoca::domain::{RegistrationId, RegistrationStatus, TokenPurpose};
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, csrf_token};
use crate::on_both_engines;

on_both_engines!(
    the_join_page_lets_a_confirmed_registrant_in_only_inside_the_window,
    registrations_without_a_seat_get_a_clear_page_and_never_the_address,
    the_hub_counts_joins_and_marks_attendance_only_when_asked,
    a_new_platform_address_sends_nothing_and_the_same_link_leads_to_it,
);

const PLATFORM: &str = "meet.example.org";

/// A registration of `session` in `status`, with a join link minted for it; returns its id and
/// the link's path.
async fn registration_in(
    app: &TestApp,
    session: &Session,
    status: RegistrationStatus,
    email: &str,
) -> (String, String) {
    let (session, email, now) = (session.clone(), email.to_owned(), app.clock.now());
    app.db(move |conn| {
        let details = RegistrationDetails {
            organisation_other: Some("Somewhere".into()),
            ..RegistrationDetails::sample("Zoë Šimić", &email, now)
        };
        let registration = Registration {
            status,
            confirmed_at: Some(now),
            ..Registration::pending(&session.id, details, now)
        };
        diesel::insert_into(convoca::db::schema::registrations::table)
            .values(&registration)
            .execute(conn)
            .expect("insert registration");
        let token = convoca::db::tokens::mint(conn, &registration.id, TokenPurpose::Join, &session, now)
            .expect("mint");
        (registration.id.to_string(), format!("/join/{token}"))
    })
    .await
}

/// The recorded joins of a registration: first, last, how many times.
async fn joins_of(app: &TestApp, id: &str) -> Option<(NaiveDateTime, NaiveDateTime, i32)> {
    let id = RegistrationId::parse(id).expect("id");
    app.db(move |conn| convoca::db::joins::of(conn, &id).expect("joins")).await
}

/// Opens the join page and presses its button; when the page offers none, posts anyway with
/// a valid CSRF token of the same client (from a registration form), as a crafted request
/// would.
async fn press(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    let page = client.get(app.url(path)).send().await.expect("page").text().await.expect("body");
    let token = if page.contains("name=\"csrf_token\"") {
        csrf_token(&page)
    } else {
        app.create_session_once(ELSEWHERE).await;
        let form =
            client.get(app.url(&format!("/sessions/{ELSEWHERE}/register"))).send().await.expect("form");
        csrf_token(&form.text().await.expect("body"))
    };
    client.post(app.url(path)).form(&[("csrf_token", token.as_str())]).send().await.expect("press")
}

/// A session open for registration a month on, whose form gives tests a CSRF token.
const ELSEWHERE: &str = "elsewhere";

trait OnceSession {
    async fn create_session_once(&self, slug: &'static str);
}

impl OnceSession for TestApp {
    async fn create_session_once(&self, slug: &'static str) {
        let exists = self
            .db(move |conn| {
                use convoca::db::schema::sessions::dsl as s;
                s::sessions.filter(s::slug.eq(slug)).count().get_result::<i64>(conn).expect("count")
            })
            .await;
        if exists == 0 {
            let now = self.clock.now();
            let session = self.create_session(slug, 10, 30).await;
            // Relative to the moved clock: still open.
            let id = session.id.to_string();
            self.db(move |conn| {
                use convoca::db::schema::sessions::dsl as s;
                diesel::update(s::sessions.filter(s::id.eq(id)))
                    .set(s::starts_at.eq(now + Duration::days(30)))
                    .execute(conn)
                    .expect("move")
            })
            .await;
        }
    }
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let res = client.get(app.url(path)).send().await.expect("page");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

fn offers_join_now(html: &str) -> bool {
    html.contains("Join now</button>")
}

async fn the_join_page_lets_a_confirmed_registrant_in_only_inside_the_window(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("window", 50, 2).await;
    let org = app.create_member("Greater Manchester", "United Kingdom").await;
    app.register_and_confirm("window", "Ana Torres", "ana@cdmx.gob.mx", &org).await;
    app.deliver_mail().await;
    let link = app
        .mail()
        .to("ana@cdmx.gob.mx")
        .iter()
        .find_map(|m| m.link(&format!("{}/join/", app.address)))
        .expect("the registration mail carries the personal join link");
    let path = link.trim_start_matches(&app.address).to_owned();
    let id: String = {
        let session_id = session.id.to_string();
        app.db(move |conn| {
            use convoca::db::schema::registrations::dsl as r;
            r::registrations.filter(r::session_id.eq(session_id)).select(r::id).first(conn).expect("id")
        })
        .await
    };
    let client = app.client();

    // Two days before: when it opens (in the registrant's zone, Africa/Accra) and the calendar.
    let (status, html) = page(&app, &client, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("Not open yet"), "{html}");
    assert!(html.contains("Africa/Accra"), "the opening time in the registrant's zone");
    assert!(html.contains("/sessions/window.ics"), "the calendar link");
    assert!(!offers_join_now(&html) && !html.contains(PLATFORM), "no button, no address before the window");
    let early = press(&app, &client, &path).await;
    assert_eq!(early.status(), 409, "too early");
    assert!(early.headers().get("location").is_none());
    assert_eq!(joins_of(&app, &id).await, None, "nothing recorded before the window");

    // Fifteen minutes before the start: "Join now". Opening the page (GET, HEAD) records nothing.
    let opens = session.starts_at - Duration::minutes(15);
    app.clock.set(opens - Duration::seconds(1));
    assert!(!offers_join_now(&page(&app, &client, &path).await.1), "not a second early");
    app.clock.set(opens);
    let (status, html) = page(&app, &client, &path).await;
    assert_eq!(status, 200);
    assert!(offers_join_now(&html), "{html}");
    assert!(!html.contains(PLATFORM), "the address is given only by the button's answer");
    let head = client.head(app.url(&path)).send().await.expect("head");
    assert_eq!(head.status(), 200);
    assert_eq!(joins_of(&app, &id).await, None, "a link scanner or preview records nothing");

    // Without the CSRF token: refused, nothing recorded.
    let forged = client.post(app.url(&path)).form(&[("csrf_token", "forged")]).send().await.expect("post");
    assert_eq!(forged.status(), 403);
    assert_eq!(joins_of(&app, &id).await, None);

    // The button: recorded, and on to the platform.
    let joined = press(&app, &client, &path).await;
    assert_eq!(joined.status(), 303);
    assert_eq!(joined.headers()["location"], "https://meet.example.org/window");
    assert_eq!(joins_of(&app, &id).await, Some((opens, opens, 1)), "the first join");
    let later = session.starts_at + Duration::minutes(30);
    app.clock.set(later);
    assert_eq!(press(&app, &client, &path).await.status(), 303, "back in after a dropped connection");
    assert_eq!(joins_of(&app, &id).await, Some((opens, later, 2)), "the first join stays, the last moves");

    // After the end: it ended; the recording once published; no button, no address.
    app.clock.set(session.ends_at());
    let (status, html) = page(&app, &client, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("This session has ended") && !offers_join_now(&html) && !html.contains(PLATFORM));
    assert!(!html.contains("Watch the recording"), "no recording yet");
    let session_id = session.id.to_string();
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        diesel::update(s::sessions.filter(s::id.eq(session_id)))
            .set(s::recording_url.eq(Some("https://video.example.org/window")))
            .execute(conn)
            .expect("recording")
    })
    .await;
    let html = page(&app, &client, &path).await.1;
    assert!(html.contains("https://video.example.org/window"), "the recording's link");
    let late = press(&app, &client, &path).await;
    assert_eq!(late.status(), 409);
    assert!(late.headers().get("location").is_none());
    assert_eq!(joins_of(&app, &id).await, Some((opens, later, 2)), "nothing recorded after the end");

    // In French, the same page in French.
    let html = app
        .client()
        .get(app.url(&path))
        .header("accept-language", "fr")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(html.contains("Cette séance est terminée"), "{html}");
}

async fn registrations_without_a_seat_get_a_clear_page_and_never_the_address(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("seatless", 50, 1).await;
    let cases = [
        (RegistrationStatus::Pending, "not confirmed yet"),
        (RegistrationStatus::AwaitingApproval, "waiting for the organisers"),
        (RegistrationStatus::Waitlisted, "on the waiting list"),
        (RegistrationStatus::Declined, "was not accepted"),
        (RegistrationStatus::Cancelled, "You cancelled this registration"),
    ];
    // Erased first: erasing a seat holder promotes whoever waits.
    let (erased_id, erased_link) =
        registration_in(&app, &session, RegistrationStatus::Confirmed, "gone@x.org").await;
    let mail_dir = app.data_dir.path().join("mail");
    let (target, now) = (RegistrationId::parse(&erased_id).expect("id"), app.clock.now());
    app.db(move |conn| convoca::db::privacy::erase(conn, &mail_dir, &target, now).expect("erase")).await;

    let mut links = Vec::new();
    for (i, (status, _)) in cases.iter().enumerate() {
        links.push(registration_in(&app, &session, *status, &format!("p{i}@members.example.org")).await);
    }
    // Before, during and after the window: the same clear page, never a button or the address.
    for at in
        [session.starts_at - Duration::hours(2), session.starts_at + Duration::minutes(5), session.ends_at()]
    {
        app.clock.set(at);
        for ((id, path), (status, words)) in links.iter().zip(cases.iter()) {
            let client = app.client();
            let (code, html) = page(&app, &client, path).await;
            assert_eq!(code, 200, "{status}");
            assert!(html.contains(words), "{status} at {at}: {html}");
            assert!(!offers_join_now(&html) && !html.contains(PLATFORM), "{status}: no way in");
            let res = press(&app, &client, path).await;
            assert_eq!(res.status(), 409, "{status}");
            assert!(res.headers().get("location").is_none(), "{status}: never sent on");
            assert_eq!(joins_of(&app, id).await, None, "{status}: nothing recorded");
        }
        // Erased: the link itself is gone.
        let (code, html) = page(&app, &app.client(), &erased_link).await;
        assert_eq!(code, 404);
        assert!(html.contains("This link does not work"));
    }

    // An unknown token: the same "link does not work" page.
    let (code, html) = page(&app, &app.client(), &format!("/join/{}", "A".repeat(43))).await;
    assert_eq!(code, 404);
    assert!(html.contains("This link does not work"));

    // A confirmed registration of a cancelled session: said so, no way in.
    let (_, path) = registration_in(&app, &session, RegistrationStatus::Confirmed, "late@x.org").await;
    let (id, now) = (session.id.clone(), app.clock.now());
    app.db(move |conn| convoca::db::session_changes::cancel(conn, &id, now).expect("cancel")).await;
    app.clock.set(session.starts_at);
    let html = page(&app, &app.client(), &path).await.1;
    assert!(html.contains("This session was cancelled") && !html.contains(PLATFORM), "{html}");
}

/// The attendance of the session's registrations, in the order of their addresses.
async fn attended(app: &TestApp, session: &Session) -> Vec<Option<bool>> {
    let session_id = session.id.to_string();
    app.db(move |conn| {
        use convoca::db::schema::registrations::dsl as r;
        r::registrations
            .filter(r::session_id.eq(session_id))
            .order(r::email.asc())
            .select(r::attended)
            .load::<Option<bool>>(conn)
            .expect("attended")
    })
    .await
}

async fn the_hub_counts_joins_and_marks_attendance_only_when_asked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("counted", 50, 1).await;
    let mut people = Vec::new();
    for i in 0..3 {
        people.push(
            registration_in(&app, &session, RegistrationStatus::Confirmed, &format!("c{i}@x.org")).await,
        );
    }
    let organiser = app.sign_in("organiser").await;
    let hub = format!("/admin/sessions/{}", session.id);
    let html = page(&app, &organiser, &hub).await.1;
    assert!(!html.contains("Joins through personal links"), "no count before the window");

    app.clock.set(session.starts_at + Duration::minutes(1));
    // A day later: signed in again.
    let organiser = app.sign_in("organiser").await;
    for (_, path) in &people[..2] {
        assert_eq!(press(&app, &app.client(), path).await.status(), 303);
    }
    let html = page(&app, &organiser, &hub).await.1;
    assert!(html.contains("2 of 3 confirmed registrants have joined"), "{html}");
    assert_eq!(
        attended(&app, &session).await,
        vec![None, None, None],
        "a join is never attendance by itself"
    );

    let action = app.url(&format!("{hub}/joins/attended"));
    let forged = organiser.post(&action).form(&[("csrf_token", "forged")]).send().await.expect("post");
    assert_eq!(forged.status(), 403);
    assert_eq!(attended(&app, &session).await, vec![None, None, None]);
    let token = app.csrf_for(&organiser, &hub).await;
    let res = organiser.post(&action).form(&[("csrf_token", token.as_str())]).send().await.expect("post");
    assert_eq!(res.status(), 303);
    assert_eq!(
        attended(&app, &session).await,
        vec![Some(true), Some(true), None],
        "those who joined, nobody absent"
    );
    let flash = page(&app, &organiser, res.headers()["location"].to_str().expect("location")).await.1;
    assert!(flash.contains("Those who joined are marked as attended."));
    let audited = app
        .db(|conn| {
            use convoca::db::schema::audit_log::dsl as a;
            a::audit_log
                .filter(a::action.eq("attendance.from-joins"))
                .count()
                .get_result::<i64>(conn)
                .expect("audit")
        })
        .await;
    assert_eq!(audited, 1);

    // Someone who joined and then cancelled no longer counts.
    let id = RegistrationId::parse(&people[0].0).expect("id");
    let now = app.clock.now();
    app.db(move |conn| convoca::db::registrations::cancel(conn, &id, now).expect("cancel")).await;
    let html = page(&app, &organiser, &hub).await.1;
    assert!(html.contains("1 of 2 confirmed registrants have joined"), "{html}");
}

async fn a_new_platform_address_sends_nothing_and_the_same_link_leads_to_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("moved-room", 50, 3).await;
    let org = app.create_member("Greater Manchester", "United Kingdom").await;
    app.register_and_confirm("moved-room", "Ana Torres", "ana@manchester.gov.uk", &org).await;
    app.deliver_mail().await;
    let before = app.mail().received().len();
    let link = app
        .mail()
        .to("ana@manchester.gov.uk")
        .iter()
        .find_map(|m| m.link(&format!("{}/join/", app.address)))
        .expect("join link");

    // Saved through the function the edit form uses, as the invitations tests do.
    let mut input = crate::invitations::input_of(&session);
    input.join_url = Some("https://meet.example.org/another-room".into());
    crate::invitations::save(&app, &session.id, &input).await;
    assert_eq!(app.deliver_mail().await, 0, "no calendar update, no mail");
    assert_eq!(app.mail().received().len(), before);

    app.clock.set(session.starts_at);
    let path = link.trim_start_matches(&app.address).to_owned();
    let res = press(&app, &app.client(), &path).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "https://meet.example.org/another-room",
        "the same link, the new room"
    );
}
