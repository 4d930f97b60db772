//! The email engine: reminder schedule, session changes, follow-ups, waiting list, delivery.

use chrono::Duration;
use icalendar::{Calendar, CalendarComponent, Component};

use crate::helpers::{Engine, MailServer, Options, TestApp, free_port, set, valid_form};
use crate::on_both_engines;

fn event_of(ics: &str) -> (String, u32) {
    let calendar: Calendar = ics.parse().expect("parsable iCalendar");
    let event = calendar
        .components
        .iter()
        .find_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .expect("an event");
    (event.get_uid().expect("uid").to_owned(), event.get_sequence().expect("sequence"))
}

async fn register(
    app: &TestApp,
    slug: &str,
    name: &str,
    email: &str,
    org: &str,
    language: &str,
    timezone: &str,
) {
    let client = app.client();
    let mut form = valid_form(name, email, org);
    set(&mut form, "language", language);
    set(&mut form, "timezone", timezone);
    assert_eq!(app.submit_registration(&client, slug, &form).await.status(), 303);
    app.deliver_mail().await;
    let link =
        app.mail().to(email).last().and_then(|m| m.link(&format!("{}/confirm/", app.address))).expect("link");
    assert_eq!(crate::helpers::confirm(&client, &link).await.status(), 303);
    app.deliver_mail().await;
}

fn reminders(app: &TestApp, email: &str) -> Vec<String> {
    app.mail()
        .to(email)
        .iter()
        .map(|m| m.subject())
        .filter(|s| s.starts_with("Reminder") || s.starts_with("Rappel") || s.starts_with("Recordatorio"))
        .collect()
}

async fn reminders_follow_the_schedule_in_each_registrant_s_language(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("schedule", 50, 10).await;
    let org = app.create_member("Ciudad de México - CDMX", "Mexico").await;
    register(&app, "schedule", "Ana Torres", "ana@cdmx.gob.mx", &org, "es", "America/Mexico_City").await;
    register(&app, "schedule", "Claire Martin", "claire@grandparis.fr", &org, "fr", "Europe/Paris").await;
    register(&app, "schedule", "Tom Baker", "tom@manchester.gov.uk", &org, "en", "").await;

    // Nothing before the first moment.
    app.clock.set(session.starts_at - Duration::days(7) - Duration::minutes(1));
    assert_eq!(app.deliver_mail().await, 0);

    app.clock.set(session.starts_at - Duration::days(7) + Duration::minutes(1));
    assert_eq!(app.deliver_mail().await, 3, "one 7-day reminder each");
    assert_eq!(
        reminders(&app, "ana@cdmx.gob.mx"),
        vec!["Recordatorio: «Webinar schedule» empieza dentro de 7 días"]
    );
    assert_eq!(
        reminders(&app, "claire@grandparis.fr"),
        vec!["Rappel\u{a0}: « Webinar schedule » commence dans 7 jours"]
    );
    assert_eq!(reminders(&app, "tom@manchester.gov.uk"), vec!["Reminder: Webinar schedule starts in 7 days"]);
    let ana = app.mail().to("ana@cdmx.gob.mx");
    let reminder = ana.last().expect("reminder");
    let text = reminder.text();
    assert!(text.contains("America/Mexico_City"), "the registrant's own zone: {text}");
    assert!(text.contains("Europe/Paris"), "and the session's zone");
    assert!(text.contains(&format!("{}/join/", app.address)), "the personal join link");
    assert!(!text.contains("meet.example.org"), "never the platform's address");
    assert!(text.contains(&format!("{}/manage/", app.address)), "the manage link");
    let unsubscribe = reminder.header("List-Unsubscribe").expect("List-Unsubscribe on reminders");
    assert!(unsubscribe.contains("/reminders/off"), "{unsubscribe}");
    assert!(reminder.header("List-Unsubscribe-Post").is_some());

    // Another tick at the same moment adds nothing.
    app.clock.advance(Duration::minutes(5));
    assert_eq!(app.deliver_mail().await, 0);

    // Someone who gets their seat two hours before the start skips the earlier reminders.
    app.clock.set(session.starts_at - Duration::hours(2));
    register(&app, "schedule", "Late Comer", "late@cdmx.gob.mx", &org, "en", "").await;

    app.clock.set(session.starts_at - Duration::days(1) + Duration::minutes(1));
    app.deliver_mail().await;
    app.clock.set(session.starts_at - Duration::hours(1) + Duration::minutes(1));
    app.deliver_mail().await;
    assert_eq!(
        reminders(&app, "tom@manchester.gov.uk"),
        vec![
            "Reminder: Webinar schedule starts in 7 days",
            "Reminder: Webinar schedule starts in 1 day",
            "Reminder: Webinar schedule starts in 1 hour",
        ]
    );
    assert_eq!(reminders(&app, "late@cdmx.gob.mx"), vec!["Reminder: Webinar schedule starts in 1 hour"]);
    assert_eq!(reminders(&app, "ana@cdmx.gob.mx").len(), 3);

    // A restarted worker (or a second one) finds nothing left to send.
    let restarted = app.worker.clone();
    app.clock.advance(Duration::minutes(10));
    assert_eq!(restarted.run_until_idle().await.expect("worker"), 0);
    assert_eq!(app.outbox_statuses("reminder").await.len(), 10, "3 × 3 + 1, each exactly once");
}

/// A confirmation whose transaction commits just after the reminder's first sweep (its
/// `confirmed_at` at or before the moment) is caught by a later tick; the later ticks look only
/// at confirmations that close to the moment, not at everyone again.
async fn a_confirmation_committed_as_the_reminder_goes_out_still_gets_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("late-commit", 50, 10).await;
    let org = app.create_member("Dakar", "Senegal").await;
    let moment = session.starts_at - Duration::days(7);
    register(&app, "late-commit", "Early Bird", "early@dakar.sn", &org, "en", "").await;
    app.clock.set(moment + Duration::seconds(20));
    assert_eq!(app.deliver_mail().await, 1, "the first sweep");

    // Confirmed 30 s before the moment, committed only now (the clock is moved back to stamp it).
    app.clock.set(moment - Duration::seconds(30));
    register(&app, "late-commit", "Just In Time", "just@dakar.sn", &org, "en", "").await;
    // Confirmed ten minutes before: no transaction lasts that long, so the first sweep saw
    // everything confirmed then; a later tick does not look that far back.
    app.clock.set(moment - Duration::minutes(10));
    register(&app, "late-commit", "Long Before", "before@dakar.sn", &org, "en", "").await;

    app.clock.set(moment + Duration::seconds(40));
    app.deliver_mail().await;
    assert_eq!(reminders(&app, "just@dakar.sn"), vec!["Reminder: Webinar late-commit starts in 7 days"]);
    assert!(reminders(&app, "before@dakar.sn").is_empty());
    assert_eq!(reminders(&app, "early@dakar.sn").len(), 1, "nobody twice");

    // After the grace, nothing more is swept.
    app.clock.set(moment - Duration::seconds(10));
    register(&app, "late-commit", "Too Late", "toolate@dakar.sn", &org, "en", "").await;
    app.clock.set(moment + Duration::minutes(3));
    app.deliver_mail().await;
    assert!(reminders(&app, "toolate@dakar.sn").is_empty());
}

async fn a_custom_schedule_and_an_opt_out_are_respected(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("custom", 50, 10).await;
    let id = session.id.clone();
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        use diesel::prelude::*;
        diesel::update(s::sessions.find(id))
            .set(s::reminder_offsets.eq("2880, 30"))
            .execute(conn)
            .expect("update")
    })
    .await;
    let org = app.create_member("Accra", "Ghana").await;
    register(&app, "custom", "Kept Reminders", "keep@accra.gov.gh", &org, "en", "").await;
    register(&app, "custom", "No Reminders", "stop@accra.gov.gh", &org, "en", "").await;

    app.clock.set(session.starts_at - Duration::days(2) + Duration::minutes(1));
    app.deliver_mail().await;
    let first = app.mail().to("stop@accra.gov.gh");
    let reminder = first.last().expect("a 2-day reminder");
    assert!(reminder.subject().contains("in 2 days"), "{}", reminder.subject());
    // One-click unsubscribe from the mail client (RFC 8058): no cookie, no CSRF token.
    let link = reminder.header("List-Unsubscribe").expect("header");
    let link = link.trim_start_matches('<').trim_end_matches('>').to_owned();
    let res = reqwest::Client::new()
        .post(&link)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("one-click");
    assert_eq!(res.status(), 200);

    app.clock.set(session.starts_at - Duration::minutes(29));
    app.deliver_mail().await;
    assert_eq!(
        reminders(&app, "keep@accra.gov.gh"),
        vec!["Reminder: Webinar custom starts in 2 days", "Reminder: Webinar custom starts in 30 minutes"]
    );
    assert_eq!(reminders(&app, "stop@accra.gov.gh").len(), 1, "no reminder after opting out");
}

async fn moving_a_session_replaces_the_calendar_entry_and_reschedules_reminders(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("moving", 50, 10).await;
    let org = app.create_member("Seoul", "Republic of Korea").await;
    register(&app, "moving", "Seo-yeon Lee", "seoyeon@seoul.go.kr", &org, "en", "Asia/Seoul").await;
    let (ics, _) = app.mail().to("seoyeon@seoul.go.kr").last().expect("registered").calendar().expect("ics");
    let (uid, sequence) = event_of(&ics);
    assert_eq!(sequence, 1);

    let new_start = session.starts_at + Duration::days(3);
    let (id, now) = (session.id.clone(), app.clock.now());
    let notified = app
        .db(move |conn| {
            convoca::db::session_changes::reschedule(conn, &id, new_start, 60, "Europe/Paris", now)
                .expect("reschedule")
        })
        .await;
    assert_eq!(notified, 1);
    app.deliver_mail().await;
    let update = app.mail().to("seoyeon@seoul.go.kr").last().expect("update").clone();
    assert!(update.subject().starts_with("New time"), "{}", update.subject());
    let (ics, method) = update.calendar().expect("an updated entry");
    assert_eq!(method, "REQUEST");
    let (new_uid, new_sequence) = event_of(&ics);
    assert_eq!(new_uid, uid, "the same entry is replaced");
    assert!(new_sequence > sequence, "with a higher SEQUENCE");
    assert!(ics.contains(&new_start.format("DTSTART:%Y%m%dT%H%M%SZ").to_string()));
    assert!(ics.contains(&(new_start + Duration::minutes(60)).format("DTEND:%Y%m%dT%H%M%SZ").to_string()));

    // The 7-day reminder follows the new time, not the old one.
    app.clock.set(session.starts_at - Duration::days(7) + Duration::minutes(1));
    app.deliver_mail().await;
    assert!(reminders(&app, "seoyeon@seoul.go.kr").is_empty(), "no reminder at the old moment");
    app.clock.set(new_start - Duration::days(7) + Duration::minutes(1));
    app.deliver_mail().await;
    assert_eq!(reminders(&app, "seoyeon@seoul.go.kr").len(), 1);
}

async fn cancelling_a_session_removes_the_calendar_entry(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("cancelled", 50, 10).await;
    let org = app.create_member("Tehran", "Iran").await;
    register(&app, "cancelled", "Sara Ahmadi", "sara@tehran.ir", &org, "fr", "Asia/Tehran").await;
    let (ics, _) = app.mail().to("sara@tehran.ir").last().expect("registered").calendar().expect("ics");
    let (uid, sequence) = event_of(&ics);
    let (id, now) = (session.id.clone(), app.clock.now());
    app.db(move |conn| convoca::db::session_changes::cancel(conn, &id, now).expect("cancel")).await;
    app.deliver_mail().await;
    let notice = app.mail().to("sara@tehran.ir").last().expect("notice").clone();
    assert!(notice.subject().starts_with("Annulation"), "in the registrant's language: {}", notice.subject());
    let (ics, method) = notice.calendar().expect("a cancel entry");
    assert_eq!(method, "CANCEL");
    assert!(ics.contains("METHOD:CANCEL") && ics.contains("STATUS:CANCELLED"));
    let (cancel_uid, cancel_sequence) = event_of(&ics);
    assert_eq!(cancel_uid, uid);
    assert!(cancel_sequence > sequence);
    // No reminder for a cancelled session.
    app.clock.set(session.starts_at - Duration::days(7) + Duration::minutes(1));
    assert_eq!(app.deliver_mail().await, 0);
}

async fn the_follow_up_brings_the_recording_with_words_for_who_attended(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("follow", 50, 3).await;
    let org = app.create_member("Porto Alegre", "Brazil").await;
    for (name, email) in [
        ("Came", "came@poa.rs.gov.br"),
        ("Missed", "missed@poa.rs.gov.br"),
        ("Unknown", "unknown@poa.rs.gov.br"),
    ] {
        register(&app, "follow", name, email, &org, "en", "").await;
    }
    let id = session.id.clone();
    app.db(move |conn| {
        use convoca::db::schema::registrations::dsl as r;
        use convoca::db::schema::sessions::dsl as s;
        use diesel::prelude::*;
        diesel::update(r::registrations.filter(r::email_normalized.eq("came@poa.rs.gov.br")))
            .set(r::attended.eq(Some(true)))
            .execute(conn)
            .expect("attended");
        diesel::update(r::registrations.filter(r::email_normalized.eq("missed@poa.rs.gov.br")))
            .set(r::attended.eq(Some(false)))
            .execute(conn)
            .expect("absent");
        diesel::update(s::sessions.find(id))
            .set(s::recording_url.eq(Some("https://video.example.org/follow")))
            .execute(conn)
            .expect("recording");
    })
    .await;
    app.clock.set(session.ends_at() + Duration::minutes(119));
    app.deliver_mail().await;
    let follow_ups = |email: &str| {
        app.mail().to(email).into_iter().filter(|m| m.subject().starts_with("Recording")).collect::<Vec<_>>()
    };
    assert!(follow_ups("came@poa.rs.gov.br").is_empty(), "not before the delay");
    app.clock.set(session.ends_at() + Duration::minutes(121));
    app.deliver_mail().await;
    let came = follow_ups("came@poa.rs.gov.br");
    let missed = follow_ups("missed@poa.rs.gov.br");
    let unknown = follow_ups("unknown@poa.rs.gov.br");
    assert_eq!((came.len(), missed.len(), unknown.len()), (1, 1, 1));
    assert!(came[0].text().contains("Thank you for taking part"));
    assert!(missed[0].text().contains("We missed you"));
    assert!(unknown[0].text().contains("now available"));
    for mail in [&came[0], &missed[0]] {
        assert!(mail.text().contains("https://video.example.org/follow"));
    }
    app.clock.advance(Duration::days(1));
    assert_eq!(app.deliver_mail().await, 0, "sent once");
}

async fn raising_the_capacity_promotes_the_waiting_list(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("grow", 1, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    register(&app, "grow", "Seat Holder", "one@accra.gov.gh", &org, "en", "").await;
    register(&app, "grow", "Waiting Two", "two@accra.gov.gh", &org, "en", "").await;
    register(&app, "grow", "Waiting Three", "three@accra.gov.gh", &org, "en", "").await;
    assert_eq!(app.count_registrations(&session.id, "waitlisted").await, 2);
    let (id, now) = (session.id.clone(), app.clock.now());
    let promoted = app
        .db(move |conn| convoca::db::session_changes::set_capacity(conn, &id, 2, now).expect("capacity"))
        .await;
    assert_eq!(promoted, 1);
    app.deliver_mail().await;
    assert_eq!(
        app.status_of(&session.id, "two@accra.gov.gh").await.as_deref(),
        Some("confirmed"),
        "earliest first"
    );
    assert_eq!(app.status_of(&session.id, "three@accra.gov.gh").await.as_deref(), Some("waitlisted"));
    let last = app.mail().to("two@accra.gov.gh").last().expect("mail").clone();
    assert!(last.subject().starts_with("A seat is yours"));
    assert!(last.calendar().is_some());
}

async fn mail_waits_while_the_smtp_server_is_down_and_goes_out_once_it_is_back(engine: Engine) {
    let port = free_port();
    let app = TestApp::spawn_with(engine, Options { smtp_port: Some(port), ..Options::default() }).await;
    let session = app.create_session("outage", 50, 10).await;
    let emails = app.insert_confirmed(&session.id, 3, "en", Duration::days(1)).await;
    app.clock.set(session.starts_at - Duration::days(7) + Duration::minutes(1));
    assert_eq!(app.deliver_mail().await, 3, "three attempts");
    assert_eq!(app.outbox_statuses("reminder").await, vec!["queued"; 3], "kept for later");
    app.clock.advance(Duration::minutes(1));
    app.deliver_mail().await;

    let server = MailServer::start_on(port);
    app.clock.advance(Duration::hours(1));
    app.deliver_mail().await;
    for email in &emails {
        assert_eq!(server.to(email).len(), 1, "{email} gets its reminder once");
    }
    assert_eq!(app.outbox_statuses("reminder").await, vec!["sent"; 3]);
    app.clock.advance(Duration::hours(6));
    assert_eq!(app.deliver_mail().await, 0);
    assert_eq!(server.received().len(), 3);
}

async fn two_workers_share_the_work_without_sending_anything_twice(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("shared", 500, 10).await;
    let emails = app.insert_confirmed(&session.id, 240, "en", Duration::days(1)).await;
    app.clock.set(session.starts_at - Duration::days(7) + Duration::minutes(1));
    let (one, two) = (app.worker.clone(), app.worker.clone());
    let (a, b) = tokio::join!(
        tokio::spawn(async move { one.run_until_idle().await.expect("worker one") }),
        tokio::spawn(async move { two.run_until_idle().await.expect("worker two") })
    );
    let (a, b) = (a.expect("join"), b.expect("join"));
    assert_eq!(a + b, 240, "every reminder handled once between them ({a} + {b})");
    let received = app.mail().received();
    assert_eq!(received.len(), 240, "no duplicates");
    for email in emails.iter().take(20) {
        assert_eq!(app.mail().to(email).len(), 1);
    }
}

/// A mail client's one-click stop of reminders, posted as multipart/form-data (RFC 8058 allows
/// either encoding), without cookies.
async fn the_reminders_one_click_stop_takes_multipart(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("one-click", 10, 3).await;
    let org = app.create_member("Accra", "Ghana").await;
    app.register_and_confirm("one-click", "Ama Owusu", "ama@accra.gov.gh", &org).await;
    app.deliver_mail().await;
    app.clock.set(session.starts_at - Duration::days(1) + Duration::minutes(1));
    app.deliver_mail().await;
    let reminder = app.mail().to("ama@accra.gov.gh").last().expect("a reminder").clone();
    let header = reminder.header("List-Unsubscribe").expect("List-Unsubscribe");
    let link = header.trim_start_matches('<').trim_end_matches('>').to_owned();
    let boundary = "convoca-one-click";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--{boundary}--\r\n"
    );
    let res = reqwest::Client::new()
        .post(&link)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("one click");
    assert_eq!(res.status(), 200);
    app.clock.set(session.starts_at - Duration::hours(1) + Duration::minutes(1));
    app.deliver_mail().await;
    let after = app.mail().to("ama@accra.gov.gh");
    assert_eq!(after.last().map(|m| m.subject()), Some(reminder.subject()), "no reminder after the stop");
}

on_both_engines!(
    the_reminders_one_click_stop_takes_multipart,
    reminders_follow_the_schedule_in_each_registrant_s_language,
    a_custom_schedule_and_an_opt_out_are_respected,
    a_confirmation_committed_as_the_reminder_goes_out_still_gets_it,
    moving_a_session_replaces_the_calendar_entry_and_reschedules_reminders,
    cancelling_a_session_removes_the_calendar_entry,
    the_follow_up_brings_the_recording_with_words_for_who_attended,
    raising_the_capacity_promotes_the_waiting_list,
    mail_waits_while_the_smtp_server_is_down_and_goes_out_once_it_is_back,
    two_workers_share_the_work_without_sending_anything_twice,
);
