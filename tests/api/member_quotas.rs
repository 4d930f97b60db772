//! Seat quotas per member government: filling, waitlisting "for your government's seats",
//! promotion within the quota, manual approval, the organiser's form, and the reports' lists
//! of members represented and not represented.

use convoca::db::decisions::{Decision, DecisionOutcome};
use convoca::db::{quotas, registrations, tokens};
use convoca::domain::quota::QuotaInput;
use convoca::domain::{OrganisationChoice, RegistrationId, RegistrationInput, TokenPurpose};
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, sid};
use crate::on_both_engines;

/// Sets a session's quotas as the organiser's form would.
async fn set_quotas(app: &TestApp, session_id: &str, input: QuotaInput) {
    let (session_id, now) = (sid(session_id), app.clock.now());
    app.db(move |conn| {
        let email = format!("quotas-{}@secretariat.example.org", convoca::db::models::new_id());
        let added = convoca::db::organisers::add(conn, &email, "Test Organiser", "not a hash", false, now);
        let convoca::db::organisers::AddOutcome::Added(id) = added.expect("add") else { panic!("added") };
        let actor = convoca::db::audit::Actor { id, name: "Test Organiser".into() };
        let saved = quotas::save(conn, &session_id, &input, &actor, now).expect("save quotas");
        assert!(matches!(saved, quotas::SaveQuotas::Saved { .. }), "{saved:?}");
    })
    .await;
}

/// A pending registration from `organisation` and a confirmation link for it.
async fn pending_from(app: &TestApp, session_id: &str, organisation: &str, email: &str) -> String {
    let (session_id, organisation, email, now) =
        (session_id.to_owned(), organisation.to_owned(), email.to_owned(), app.clock.now());
    let token = app
        .db(move |conn| {
            let session =
                convoca::db::catalogue::session_by_id(conn, &session_id).expect("query").expect("session");
            let input = RegistrationInput {
                organisation: OrganisationChoice::Listed(organisation),
                ..RegistrationInput::sample("Official", &email, "")
            };
            registrations::submit_within_limit(conn, &session.id, &input, None, now).expect("submit");
            let id = registration_id(conn, &email);
            tokens::mint(conn, &id, TokenPurpose::Confirm, &session, now).expect("token")
        })
        .await;
    app.url(&format!("/confirm/{token}"))
}

fn registration_id(conn: &mut convoca::db::AnyConnection, email: &str) -> RegistrationId {
    use convoca::db::schema::registrations::dsl as r;
    r::registrations
        .filter(r::email_normalized.eq(email.to_lowercase()))
        .select(r::id)
        .first(conn)
        .expect("id")
}

/// Confirmed registrations per organisation.
async fn confirmed_by(app: &TestApp, session_id: &str, organisation: &str) -> i64 {
    let (session_id, organisation) = (sid(session_id), organisation.to_owned());
    app.db(move |conn| quotas::held_by(conn, &session_id, &organisation).expect("count")).await
}

async fn confirm_now(app: &TestApp, link: &str) {
    let client = app.client();
    let res = crate::helpers::confirm(&client, link).await;
    assert_eq!(res.status(), 303, "the confirmation is answered");
}

/// 200 officials of four members confirm at the same moment for 25 seats, with quotas of 5
/// (and 12 for one member): no member above its quota, the session not above its capacity.
async fn two_hundred_confirmations_respect_quotas_and_capacity(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("quota-race", 25, 5).await;
    let mut members = Vec::new();
    for name in ["Accra", "Bogotá", "Dakar", "Quito"] {
        members.push(app.create_member(name, "Somewhere").await);
    }
    set_quotas(
        &app,
        session.id.as_str(),
        QuotaInput {
            member_seats: Some(5),
            exceptions: vec![(members[3].clone(), 12)],
            ..Default::default()
        },
    )
    .await;
    let mut links = Vec::new();
    for i in 0..200 {
        let member = &members[i % 4];
        links.push(
            pending_from(&app, session.id.as_str(), member, &format!("official{i}@race.example.org")).await,
        );
    }
    let client = app.client();
    client.get(app.url("/")).send().await.expect("catalogue");
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(links.len()));
    let tasks: Vec<_> = links
        .into_iter()
        .map(|link| {
            let (client, barrier) = (client.clone(), barrier.clone());
            tokio::spawn(async move {
                let form = crate::helpers::confirmation_form(&client, &link).await;
                barrier.wait().await;
                client.post(link).form(&form).send().await.expect("confirm").status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }
    assert!(statuses.iter().all(|s| *s == 303), "no error answered: {statuses:?}");
    assert_eq!(app.count_registrations(session.id.as_str(), "confirmed").await, 25, "exactly the capacity");
    assert_eq!(app.count_registrations(session.id.as_str(), "waitlisted").await, 175);
    let mut held = Vec::new();
    for (member, quota) in members.iter().zip([5, 5, 5, 12]) {
        let n = confirmed_by(&app, session.id.as_str(), member).await;
        assert!(n <= quota, "a member holds {n} seats for a quota of {quota}");
        held.push(n);
    }
    assert_eq!(held.iter().sum::<i64>(), 25);

    // Seats freed one by one: each goes to a member with room in its quota, never above it.
    let session_id = session.id.clone();
    let now = app.clock.now();
    app.db(move |conn| {
        use convoca::db::schema::registrations::dsl as r;
        let confirmed: Vec<RegistrationId> = r::registrations
            .filter(r::session_id.eq(&session_id))
            .filter(r::status.eq("confirmed"))
            .select(r::id)
            .limit(10)
            .load(conn)
            .expect("confirmed");
        for id in confirmed {
            registrations::cancel(conn, &id, now).expect("cancel");
        }
    })
    .await;
    assert_eq!(
        app.count_registrations(session.id.as_str(), "confirmed").await,
        25,
        "every freed seat refilled"
    );
    for (member, quota) in members.iter().zip([5, 5, 5, 12]) {
        assert!(confirmed_by(&app, session.id.as_str(), member).await <= quota);
    }
}

/// A seat freed within a member's quota goes to that member's waiting list, even before an
/// earlier arrival of another member; the one beyond the quota is told why they wait.
async fn a_seat_freed_within_a_quota_goes_to_that_members_waiting_list(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("quota-promotion", 3, 5).await;
    let accra = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let bogota = app.create_member("Alcaldía de Bogotá", "Colombia").await;
    set_quotas(&app, session.id.as_str(), QuotaInput { member_seats: Some(2), ..Default::default() }).await;
    let slug = &session.slug;
    app.register_and_confirm(slug, "Ama One", "ama1@accra.example.org", &accra).await;
    app.register_and_confirm(slug, "Ama Two", "ama2@accra.example.org", &accra).await;
    app.register_and_confirm(slug, "Bea One", "bea1@bogota.example.org", &bogota).await;
    app.clock.advance(chrono::Duration::minutes(1));
    // The session is full: Bogotá has room in its quota, so she waits for a seat of the session.
    app.register_and_confirm(slug, "Bea Two", "bea2@bogota.example.org", &bogota).await;
    app.clock.advance(chrono::Duration::minutes(1));
    // Accra holds its two seats: he waits for his government's seats.
    app.register_and_confirm(slug, "Ama Three", "ama3@accra.example.org", &accra).await;
    let id = session.id.as_str();
    assert_eq!(app.status_of(id, "bea2@bogota.example.org").await.as_deref(), Some("waitlisted"));
    assert_eq!(app.status_of(id, "ama3@accra.example.org").await.as_deref(), Some("waitlisted"));
    app.deliver_mail().await;
    let told = |email: &str| {
        app.mail()
            .to(email)
            .iter()
            .find(|m| m.subject().contains("waiting list"))
            .map(|m| m.text())
            .expect("told")
    };
    assert!(
        told("ama3@accra.example.org").contains("seats reserved for your government"),
        "quota reason given"
    );
    let other = told("bea2@bogota.example.org");
    assert!(other.contains("The session is full") && !other.contains("your government"), "{other}");

    let now = app.clock.now();
    app.db(move |conn| {
        let id = registration_id(conn, "ama1@accra.example.org");
        registrations::cancel(conn, &id, now).expect("cancel")
    })
    .await;
    assert_eq!(
        app.status_of(id, "ama3@accra.example.org").await.as_deref(),
        Some("confirmed"),
        "Accra's freed seat goes to Accra's waiting list"
    );
    assert_eq!(app.status_of(id, "bea2@bogota.example.org").await.as_deref(), Some("waitlisted"));
    assert_eq!(confirmed_by(&app, id, &accra).await, 2);

    // A seat of Bogotá freed: Bogotá's waiting official takes it.
    app.db(move |conn| {
        let id = registration_id(conn, "bea1@bogota.example.org");
        registrations::cancel(conn, &id, now).expect("cancel")
    })
    .await;
    assert_eq!(app.status_of(id, "bea2@bogota.example.org").await.as_deref(), Some("confirmed"));
    app.deliver_mail().await;
    assert!(
        app.mail().to("ama3@accra.example.org").iter().any(|m| m.subject().contains("seat")),
        "promotion told"
    );
}

/// With manual approval nobody holds a seat while awaiting it; the organiser's approval takes
/// a seat within the quota, beyond it a place on the waiting list; a cancellation promotes.
async fn approval_gives_seats_within_the_quota_only(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("quota-approval", 10, 5).await;
    let accra = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let id = session.id.clone();
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        diesel::update(s::sessions.find(&id))
            .set(s::approval_mode.eq("manual"))
            .execute(conn)
            .expect("manual")
    })
    .await;
    set_quotas(&app, session.id.as_str(), QuotaInput { member_seats: Some(1), ..Default::default() }).await;
    let first = pending_from(&app, session.id.as_str(), &accra, "first@accra.example.org").await;
    let second = pending_from(&app, session.id.as_str(), &accra, "second@accra.example.org").await;
    confirm_now(&app, &first).await;
    confirm_now(&app, &second).await;
    let sid_text = session.id.as_str();
    assert_eq!(app.count_registrations(sid_text, "awaiting_approval").await, 2);
    assert_eq!(confirmed_by(&app, sid_text, &accra).await, 0, "awaiting approval holds no seat");

    let now = app.clock.now();
    let shared = &app;
    let decide = |email: &'static str, decision: Decision| async move {
        shared
            .db(move |conn| {
                let id = registration_id(conn, email);
                convoca::db::decisions::decide(conn, &id, decision, now).expect("decide")
            })
            .await
    };
    assert_eq!(decide("first@accra.example.org", Decision::Approve).await, DecisionOutcome::Confirmed);
    assert_eq!(
        decide("second@accra.example.org", Decision::Approve).await,
        DecisionOutcome::Waitlisted,
        "approved beyond the quota: waitlisted though seats remain in the session"
    );
    assert_eq!(decide("first@accra.example.org", Decision::Cancel).await, DecisionOutcome::Cancelled);
    assert_eq!(app.status_of(sid_text, "second@accra.example.org").await.as_deref(), Some("confirmed"));
}

/// Bad input on the quota form: each refused next to its field, what was typed kept, nothing
/// saved; a valid form saves and shows "N members represented" on the public page.
async fn the_quota_form_refuses_bad_input_by_its_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("quota-form", 20, 5).await;
    let accra = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let client = app.sign_in("organiser").await;
    let path = format!("/admin/sessions/{}/quotas", session.id);
    let shared = &app;
    let post = |fields: Vec<(&'static str, String)>| {
        let (client, url, path) = (client.clone(), shared.url(&path), path.clone());
        async move {
            let token = shared.csrf_for(&client, &path).await;
            let mut form: Vec<(&str, String)> = vec![("csrf_token", token)];
            form.extend(fields);
            let res = client.post(url).form(&form).send().await.expect("post");
            (res.status().as_u16(), res.text().await.expect("body"))
        }
    };
    let (status, body) = post(vec![("member_seats", "-3".into())]).await;
    assert_eq!(status, 422);
    assert!(body.contains("A quota cannot be negative.") && body.contains("value=\"-3\""), "kept and told");
    let (status, body) = post(vec![("member_seats", "21".into()), ("partner_seats", "2".into())]).await;
    assert_eq!(status, 422);
    assert!(body.contains("cannot be above the capacity") && body.contains("value=\"21\""));
    let (status, body) = post(vec![
        ("member_seats", "2".into()),
        ("exception_org", "not-a-member".into()),
        ("exception_seats", "4".into()),
    ])
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("not a member government of the network"), "unknown member refused");
    let stored = {
        let id = session.id.clone();
        app.db(move |conn| quotas::of_session(conn, &id).expect("quotas")).await
    };
    assert!(!stored.any(), "nothing saved from a refused form");

    let (status, _) = post(vec![
        ("member_seats", "2".into()),
        ("show_members_represented", "yes".into()),
        ("exception_org", accra.clone()),
        ("exception_seats", "5".into()),
    ])
    .await;
    assert_eq!(status, 303);
    let page = client.get(app.url(&path)).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("value=\"5\"") && page.contains("value=\"2\""), "the saved quotas shown");

    app.register_and_confirm(&session.slug, "Ama One", "ama1@accra.example.org", &accra).await;
    let public =
        app.client().get(app.url(&format!("/sessions/{}", session.slug))).send().await.expect("page");
    let public = public.text().await.expect("body");
    assert!(public.contains("1 member government represented"), "shown by the organiser's choice");
}

/// The report of a session over 26 members: three represented, 23 not, with focal points, on
/// screen and in the export.
async fn the_report_lists_members_represented_and_not(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("quota-report", 50, 5).await;
    let mut members = Vec::new();
    for i in 0..26 {
        let id = app.create_member(&format!("Member City {i:02}"), "Somewhere").await;
        let (row, focal) = (id.clone(), format!("focal{i:02}@city.example.org"));
        app.db(move |conn| {
            use convoca::db::schema::organisations::dsl as o;
            diesel::update(o::organisations.find(&row))
                .set((o::focal_email.eq(Some(focal)), o::focal_name.eq("Focal Person")))
                .execute(conn)
                .expect("focal")
        })
        .await;
        members.push(id);
    }
    for (i, member) in members.iter().take(3).enumerate() {
        let link = pending_from(&app, session.id.as_str(), member, &format!("rep{i}@city.example.org")).await;
        confirm_now(&app, &link).await;
    }
    // Registered but never confirmed: not represented.
    pending_from(&app, session.id.as_str(), &members[3], "unconfirmed@city.example.org").await;
    let client = app.sign_in("organiser").await;
    let page = client
        .get(app.url(&format!("/admin/reports?session={}", session.id)))
        .send()
        .await
        .expect("report")
        .text()
        .await
        .expect("body");
    let absent = page.split("id=\"not-represented\"").nth(1).expect("the list of members not represented");
    let absent = absent.split("id=\"partners\"").next().unwrap_or_default();
    assert!(!absent.contains("Member City 00") && !absent.contains("Member City 02"));
    assert!(absent.contains("Member City 03") && absent.contains("Member City 25"));
    assert!(absent.contains("focal25@city.example.org"), "with their focal points");
    assert_eq!(absent.matches("<th scope=\"row\">").count(), 23);
    assert!(page.contains("3 of the network&#39;s 26 members"), "{page}");

    let csv = client
        .get(app.url(&format!("/admin/reports.csv?session={}&separator=comma", session.id)))
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("body");
    assert_eq!(csv.matches("Member not represented").count(), 23, "{csv}");
}

/// A registrant whose organisation is typed in (no listed organisation) is bound by the
/// capacity alone; a raised quota gives the free seats to those waiting for it.
async fn a_raised_quota_promotes_and_typed_organisations_have_none(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("quota-raised", 5, 5).await;
    let accra = app.create_member("Accra Metropolitan Assembly", "Ghana").await;
    let id = session.id.as_str();
    set_quotas(&app, id, QuotaInput { member_seats: Some(1), ..Default::default() }).await;
    for i in 0..3 {
        let link = pending_from(&app, id, &accra, &format!("official{i}@accra.example.org")).await;
        confirm_now(&app, &link).await;
    }
    assert_eq!(confirmed_by(&app, id, &accra).await, 1);
    assert_eq!(app.count_registrations(id, "waitlisted").await, 2, "beyond the quota, seats remaining");
    // Someone of an organisation typed in: seats remain, no quota applies.
    let (session_id, now) = (session.id.clone(), app.clock.now());
    let token = app
        .db(move |conn| {
            let session =
                convoca::db::catalogue::session_by_id(conn, &session_id).expect("q").expect("session");
            let input = RegistrationInput::sample("Guest", "guest@ngo.example.org", "An NGO");
            registrations::submit_within_limit(conn, &session.id, &input, None, now).expect("submit");
            let rid = registration_id(conn, "guest@ngo.example.org");
            tokens::mint(conn, &rid, TokenPurpose::Confirm, &session, now).expect("token")
        })
        .await;
    confirm_now(&app, &app.url(&format!("/confirm/{token}"))).await;
    assert_eq!(app.status_of(id, "guest@ngo.example.org").await.as_deref(), Some("confirmed"));

    set_quotas(&app, id, QuotaInput { member_seats: Some(2), ..Default::default() }).await;
    assert_eq!(confirmed_by(&app, id, &accra).await, 2, "the raised quota promoted one");
    assert_eq!(app.count_registrations(id, "waitlisted").await, 1);
}

on_both_engines!(
    two_hundred_confirmations_respect_quotas_and_capacity,
    a_seat_freed_within_a_quota_goes_to_that_members_waiting_list,
    approval_gives_seats_within_the_quota_only,
    the_quota_form_refuses_bad_input_by_its_field,
    the_report_lists_members_represented_and_not,
    a_raised_quota_promotes_and_typed_organisations_have_none
);
