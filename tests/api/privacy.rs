//! Privacy that keeps its promises: erasure ends a registration's life and takes the person out
//! of every log and stored copy; retention removes old details and keeps anonymous counts; the
//! privacy notice says what the settings do.

use chrono::Duration;
use convoca::db::models::{Registration, RegistrationDetails};
use convoca::db::schema::{audit_log, outbox, registrations};
use convoca::domain::{MessageKind, RegistrationId, RegistrationStatus};
use diesel::prelude::*;

use crate::helpers::{Engine, Options, TestApp, csrf_token, sid};
use crate::on_both_engines;

const PRIYA: &str = "Priya.Sharma@Pune.gov.in";

/// Every audit subject and detail, and every delivery-log payload and answer, in one text.
async fn logs(app: &TestApp) -> String {
    app.db(|conn| {
        let audit: Vec<(String, String)> =
            audit_log::table.select((audit_log::subject, audit_log::details)).load(conn).expect("audit");
        let outbox: Vec<(String, Option<String>)> =
            outbox::table.select((outbox::payload, outbox::last_error)).load(conn).expect("outbox");
        let mut text = String::new();
        for (a, b) in audit {
            text.push_str(&format!("{a}\n{b}\n"));
        }
        for (a, b) in outbox {
            text.push_str(&format!("{a}\n{}\n", b.unwrap_or_default()));
        }
        text.to_lowercase()
    })
    .await
}

async fn registration_id(app: &TestApp, email: &str) -> String {
    let email = email.to_lowercase();
    app.db(move |conn| {
        registrations::table
            .filter(registrations::email_normalized.eq(email))
            .select(registrations::id)
            .first::<String>(conn)
            .expect("registration")
    })
    .await
}

async fn erasing_a_registration_ends_its_life_for_every_organiser_action(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("erase", 1, 5).await;
    let org = app.create_member("Pune", "India").await;
    app.register_and_confirm("erase", "First Person", "first@pune.gov.in", &org).await;
    let manage = app.register_and_confirm("erase", "Priya Sharma", PRIYA, &org).await;
    assert_eq!(app.status_of(&session.id, PRIYA).await.as_deref(), Some("waitlisted"));
    let id = registration_id(&app, PRIYA).await;

    // An organiser declines her (the audit log names her), and a mail server's answer naming
    // her address sits in the delivery log.
    let organiser = app.sign_in("organiser").await;
    let list = format!("/admin/sessions/{}/registrations", session.id);
    let token = app.csrf_for(&organiser, &list).await;
    let decide = |decision: &'static str| {
        let (organiser, token) = (organiser.clone(), token.clone());
        let url = app.url(&format!("{list}/{id}/decision"));
        async move {
            organiser
                .post(url)
                .form(&[("csrf_token", token.as_str()), ("decision", decision)])
                .send()
                .await
                .expect("decision")
                .status()
        }
    };
    assert_eq!(decide("decline").await, 303);
    app.deliver_mail().await;
    let answer_id = id.clone();
    app.db(move |conn| {
        diesel::update(outbox::table.filter(outbox::registration_id.eq(answer_id)))
            .set(outbox::last_error.eq("550 5.2.2 <priya.sharma@pune.gov.in>: mailbox full"))
            .execute(conn)
            .expect("answer");
    })
    .await;
    assert!(logs(&app).await.contains("priya.sharma@pune.gov.in"), "the logs named her before");

    // She erases her data from her manage link.
    let manage = manage.split('?').next().expect("path").to_owned();
    let client = app.client();
    let page = client.get(&manage).send().await.expect("manage").text().await.expect("body");
    let res = client
        .post(format!("{manage}/erase"))
        .form(&[("csrf_token", csrf_token(&page).as_str()), ("confirm", "yes")])
        .send()
        .await
        .expect("erase");
    assert_eq!(res.status(), 200);
    let mails_before = app.mail().received().len();

    // Every organiser action on her registration is refused: her id answers 404, never 500.
    for decision in ["approve", "decline", "promote", "cancel"] {
        assert_eq!(decide(decision).await, 404, "{decision} on an erased registration");
    }
    let detail = organiser.get(app.url(&format!("{list}/{id}"))).send().await.expect("detail");
    assert_eq!(detail.status(), 404, "her registration's page is gone");

    // The state machine refuses it too, whoever calls: no decision, no status change.
    let (rid, now) = (RegistrationId::parse(&id).expect("id"), app.clock.now());
    let (outcomes, moved) = app
        .db(move |conn| {
            use convoca::db::decisions::{Decision, decide};
            let outcomes: Vec<_> =
                [Decision::Approve, Decision::Decline, Decision::Promote, Decision::Cancel]
                    .into_iter()
                    .map(|d| decide(conn, &rid, d, now).expect("decide"))
                    .collect();
            let moved = convoca::db::seats::set_status(conn, &rid, RegistrationStatus::Confirmed, now)
                .expect("set status");
            (outcomes, moved)
        })
        .await;
    assert!(outcomes.iter().all(|o| *o == convoca::db::decisions::DecisionOutcome::NotApplicable));
    assert!(!moved, "an erased registration never changes status");
    assert_eq!(app.count_registrations(&session.id, "erased").await, 1);
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 1, "she takes no seat");

    // Mail queued for her by anyone is skipped, never sent.
    let (queued_for, now) = (RegistrationId::parse(&id).expect("id"), app.clock.now());
    app.db(move |conn| {
        // Some kinds go out whatever the registration's state (a cancellation, a cancelled
        // session): only the erasure itself stops them.
        for kind in [MessageKind::Registered, MessageKind::Cancelled, MessageKind::SessionCancelled] {
            convoca::db::outbox::notify(conn, kind, &queued_for, now).expect("queue");
        }
    })
    .await;
    app.deliver_mail().await;
    assert_eq!(app.mail().received().len(), mails_before, "nothing is mailed after erasure");

    // She is absent from the list, the CSV export and a data request.
    let html = organiser.get(app.url(&list)).send().await.expect("list").text().await.expect("body");
    assert!(!html.contains(&id) && !html.contains("erased-"), "no line, no button for her");
    let csv =
        organiser.get(app.url(&format!("{list}.csv"))).send().await.expect("csv").text().await.expect("body");
    assert!(csv.contains("first@pune.gov.in") && !csv.contains("erased") && !csv.contains("Priya"));
    let found = app.db(|conn| convoca::db::privacy::find_by_address(conn, PRIYA).expect("find")).await;
    assert!(found.is_empty(), "a data request finds nothing left");

    // The audit log and the delivery log hold no trace of her address or name.
    let logs = logs(&app).await;
    assert!(!logs.contains("priya.sharma@pune.gov.in"), "no address left: {logs}");
    assert!(!logs.contains("priya sharma"), "no name left");
    assert!(logs.contains(&format!("erased registration {id}")), "the entries stay, pseudonymous");
}

/// Queues and sends one message to each of two people through the file transport; returns
/// their registration ids.
async fn two_people_mailed_as_files(app: &TestApp) -> (RegistrationId, RegistrationId) {
    let session = app.create_session("files", 10, 5).await;
    let (session_id, now) = (session.id.clone(), app.clock.now());
    let ids = app
        .db(move |conn| {
            ["kofi@accra.gov.gh", "ama@accra.gov.gh"].map(|email| {
                let row = Registration {
                    status: RegistrationStatus::Confirmed,
                    confirmed_at: Some(now),
                    ..Registration::pending(
                        &sid(&session_id),
                        RegistrationDetails::sample("Kofi", email, now),
                        now,
                    )
                };
                diesel::insert_into(registrations::table).values(&row).execute(conn).expect("insert");
                convoca::db::outbox::notify(conn, MessageKind::Registered, &row.id, now).expect("queue");
                row.id
            })
        })
        .await;
    app.deliver_mail().await;
    let [a, b] = ids;
    (a, b)
}

fn mail_copies(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(app.settings.mail_dir())
        .map(|entries| {
            entries
                .flatten()
                .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                .filter(|_| true)
                .collect()
        })
        .unwrap_or_default()
}

async fn erasure_deletes_the_stored_copies_of_the_persons_mail(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { smtp: false, ..Options::default() }).await;
    let (kofi, _ama) = two_people_mailed_as_files(&app).await;
    let copies = mail_copies(&app);
    assert_eq!(copies.len(), 2, "one .eml per message");
    assert!(copies.iter().any(|c| c.contains("kofi@accra.gov.gh")));
    let (dir, now) = (app.settings.mail_dir(), app.clock.now());
    let erased =
        app.db(move |conn| convoca::db::privacy::erase(conn, &dir, &kofi, now).expect("erase")).await;
    assert!(erased);
    let copies = mail_copies(&app);
    assert_eq!(copies.len(), 1, "his copy is gone, hers stays");
    assert!(copies.iter().all(|c| !c.contains("kofi@accra.gov.gh")));
    assert!(copies[0].contains("ama@accra.gov.gh"));
}

async fn stored_mail_copies_are_deleted_after_their_retention_period(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { smtp: false, ..Options::default() }).await;
    two_people_mailed_as_files(&app).await;
    let retention = app.settings.retention();
    assert_eq!(retention.mail_copy_days, Some(30), "on by default");
    let (dir, now) = (app.settings.mail_dir(), app.clock.now());
    let run = move |at| {
        let dir = dir.clone();
        move |conn: &mut convoca::db::AnyConnection| {
            convoca::db::schedule::apply_retention(conn, &dir, retention, at).expect("retention")
        }
    };
    app.db(run(now + Duration::days(10))).await;
    assert_eq!(mail_copies(&app).len(), 2, "kept within the period");
    app.db(run(now + Duration::days(31))).await;
    assert_eq!(mail_copies(&app).len(), 0, "deleted after it");
    let recorded: i64 = app
        .db(|conn| {
            outbox::table.filter(outbox::eml_file.is_not_null()).count().get_result(conn).expect("count")
        })
        .await;
    assert_eq!(recorded, 0, "the outbox no longer names them");
}

async fn report(app: &TestApp, session_id: &str) -> convoca::db::reports::Report {
    let id = session_id.to_owned();
    app.db(move |conn| {
        convoca::db::reports::report(
            conn,
            &convoca::db::reports::Scope::Session(id),
            convoca::domain::Language::En,
        )
        .expect("report")
    })
    .await
}

async fn retention_removes_a_past_sessions_details_and_keeps_its_counts(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let retention = app.settings.retention();
    assert_eq!(retention.registration_days, Some(365), "on by default");
    let session = app.create_session("past", 10, 1).await;
    let member = app.create_member("Accra", "Ghana").await;
    let (session_id, now) = (session.id.clone(), app.clock.now());
    app.db(move |conn| {
        for (i, email) in ["a@accra.gov.gh", "b@accra.gov.gh", "c@accra.gov.gh"].iter().enumerate() {
            let details = RegistrationDetails {
                organisation_id: Some(member.clone()),
                country: "Ghana".into(),
                newsletter: i == 0,
                ..RegistrationDetails::sample("Someone", email, now)
            };
            let row = Registration {
                status: RegistrationStatus::Confirmed,
                confirmed_at: Some(now),
                attended: Some(i < 2),
                ..Registration::pending(&sid(&session_id), details, now)
            };
            diesel::insert_into(registrations::table).values(&row).execute(conn).expect("insert");
        }
    })
    .await;
    let before = report(&app, &session.id).await;
    let dir = app.settings.mail_dir();
    let later = now + Duration::days(400);
    let done = app
        .db(move |conn| {
            convoca::db::schedule::apply_retention(conn, &dir, retention, later).expect("retention")
        })
        .await;
    assert_eq!(done.registrations_purged, 3);
    assert_eq!(app.count_registrations(&session.id, "erased").await, 3);
    let emails: Vec<String> = {
        let id = session.id.to_string();
        app.db(move |conn| {
            registrations::table
                .filter(registrations::session_id.eq(id))
                .select(registrations::email)
                .load(conn)
                .expect("emails")
        })
        .await
    };
    assert!(emails.iter().all(|e| e.ends_with("@erased.invalid")), "{emails:?}");
    let after = report(&app, &session.id).await;
    assert_eq!(
        (after.total.registered, after.total.confirmed, after.total.attended),
        (3, 3, 2),
        "the counts survive, anonymous"
    );
    assert_eq!(after.members, before.members, "per member organisation");
    assert_eq!(after.countries, before.countries, "and per country");
    let list = app.db(|conn| convoca::db::newsletter::list(conn).expect("list")).await;
    assert_eq!(list.len(), 1, "the newsletter consent lives until withdrawn");
    assert_eq!((list[0].email.as_str(), list[0].language.as_str()), ("a@accra.gov.gh", "en"));
}

async fn the_privacy_notice_says_what_the_settings_do_in_each_language(engine: Engine) {
    let app = TestApp::spawn(engine.clone()).await;
    let client = app.client();
    let get = |lang: &'static str| {
        let (client, url) = (client.clone(), app.url("/privacy"));
        async move {
            client
                .get(url)
                .header("accept-language", lang)
                .send()
                .await
                .expect("get")
                .text()
                .await
                .expect("body")
        }
    };
    let en = get("en").await;
    assert!(
        en.contains("removed \u{2068}365\u{2069} days after the webinar") || en.contains("removed 365 days")
    );
    assert!(en.contains("The network&#39;s secretariat") || en.contains("The network's secretariat"));
    assert!(en.contains("mailto:webinars@convoca.test"), "the contact defaults to the sender");
    assert!(!en.contains("Copies of the emails"), "with SMTP no copies are stored, so none are promised");
    assert!(get("fr").await.contains("365"));
    assert!(get("es").await.contains("365"));

    let kept = TestApp::spawn_with(
        engine,
        Options {
            settings: vec![
                ("CONVOCA_RETENTION_DAYS", "0".into()),
                ("CONVOCA_PRIVACY_CONTROLLER", "Metropolis secretariat, Barcelona".into()),
                ("CONVOCA_PRIVACY_CONTACT", "privacy@metropolis.example.org".into()),
                ("CONVOCA_MAIL_COPY_RETENTION_DAYS", "7".into()),
            ],
            smtp: false,
            ..Options::default()
        },
    )
    .await;
    assert_eq!(kept.settings.retention().registration_days, None);
    for (lang, words, copies) in [
        ("en", "kept until you erase them", "deleted 7 days after sending"),
        ("fr", "conservées jusqu", "supprimées 7 jours après"),
        ("es", "se conservan hasta", "se eliminan 7 días después"),
    ] {
        let page = client
            .get(kept.url("/privacy"))
            .header("accept-language", lang)
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        assert!(page.contains(words), "{lang}: the notice says the details are kept");
        assert!(page.contains("Metropolis secretariat, Barcelona"), "{lang}: the controller");
        assert!(page.contains("mailto:privacy@metropolis.example.org"), "{lang}: the contact");
        let page = page.replace(['\u{2068}', '\u{2069}'], "");
        assert!(page.contains(copies), "{lang}: the period of the stored mail copies");
    }
}

on_both_engines!(
    erasing_a_registration_ends_its_life_for_every_organiser_action,
    erasure_deletes_the_stored_copies_of_the_persons_mail,
    stored_mail_copies_are_deleted_after_their_retention_period,
    retention_removes_a_past_sessions_details_and_keeps_its_counts,
    the_privacy_notice_says_what_the_settings_do_in_each_language,
);
