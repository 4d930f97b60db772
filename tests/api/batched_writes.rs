//! Registration requests committed in batches (several writers on PostgreSQL, one on SQLite):
//! under a rush every answer is backed by what was stored, the counted limits stay exact, and
//! a request that fails inside a batch takes nobody else with it.

use convoca::db::registrations::{RateLimit, Submission, SubmitOutcome};
use convoca::db::schema::{consents, outbox, rate_events, registrations};
use convoca::db::submissions::submit_batch;
use convoca::domain::{MAX_CONFIRMATION_MAILS_PER_HOUR, RegistrationInput, TokenPurpose};
use diesel::connection::{Connection, SimpleConnection};
use diesel::prelude::*;

use crate::helpers::{Engine, Options, TestApp, csrf_token, sid, valid_form};
use crate::on_both_engines;

/// Registrations, confirmation mails and registration consents stored for one session.
async fn stored(app: &TestApp, session_id: &str) -> (i64, i64, i64) {
    let id = session_id.to_owned();
    app.db(move |conn| {
        let of_session = || registrations::session_id.eq(id.clone());
        let registrations: i64 =
            registrations::table.filter(of_session()).count().get_result(conn).expect("count");
        let mails: i64 = outbox::table
            .inner_join(registrations::table)
            .filter(of_session())
            .filter(outbox::kind.eq("confirm_request"))
            .count()
            .get_result(conn)
            .expect("count");
        let consents: i64 = consents::table
            .inner_join(registrations::table)
            .filter(of_session())
            .filter(consents::purpose.eq("registration"))
            .count()
            .get_result(conn)
            .expect("count");
        (registrations, mails, consents)
    })
    .await
}

/// Posts the registration form for each (slug, email) at once; the statuses, in order.
async fn post_all(app: &TestApp, organisation: &str, requests: Vec<(String, String)>) -> Vec<u16> {
    let client = app.client();
    let first = &requests.first().expect("requests").0;
    let page = client.get(app.url(&format!("/sessions/{first}/register"))).send().await.expect("form");
    let token = csrf_token(&page.text().await.expect("body"));
    let mut tasks = tokio::task::JoinSet::new();
    for (n, (slug, email)) in requests.into_iter().enumerate() {
        let mut form = valid_form(&format!("Person {n}"), &email, organisation);
        form.push(("csrf_token".into(), token.clone()));
        let (client, url) = (client.clone(), app.url(&format!("/sessions/{slug}/register")));
        tasks.spawn(async move {
            (n, client.post(url).form(&form).send().await.expect("post").status().as_u16())
        });
    }
    let mut statuses = tasks.join_all().await;
    statuses.sort();
    statuses.into_iter().map(|(_, status)| status).collect()
}

/// 200 people register at once for a session of 20 seats, then all confirm at once.
async fn two_hundred_registrations_at_once_are_stored_whole_and_seat_twenty(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("rush-200", 20, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let requests = (0..200).map(|n| ("rush-200".to_owned(), format!("p{n}@accra.gov.gh"))).collect();
    let statuses = post_all(&app, &org, requests).await;
    assert!(statuses.iter().all(|s| *s == 303), "every request answered 303: {statuses:?}");
    assert_eq!(stored(&app, &session.id).await, (200, 200, 200), "each 303 with its mail and consent");

    // Everyone follows their link at once: the seats are counted under the session's lock.
    let (id, now) = (session.id.clone(), app.clock.now());
    let tokens = app
        .db(move |conn| {
            let session = convoca::db::catalogue::session_by_id(conn, &id).expect("query").expect("session");
            let ids: Vec<convoca::domain::RegistrationId> = registrations::table
                .filter(registrations::session_id.eq(&id))
                .select(registrations::id)
                .load(conn)
                .expect("ids");
            ids.iter()
                .map(|r| {
                    convoca::db::tokens::mint(conn, r, TokenPurpose::Confirm, &session, now).expect("token")
                })
                .collect::<Vec<_>>()
        })
        .await;
    let client = app.client();
    client.get(app.url("/")).send().await.expect("catalogue");
    let mut confirmations = tokio::task::JoinSet::new();
    for token in tokens {
        let (client, link) = (client.clone(), app.url(&format!("/confirm/{token}")));
        confirmations.spawn(async move { crate::helpers::confirm(&client, &link).await.status().as_u16() });
    }
    let statuses = confirmations.join_all().await;
    assert!(statuses.iter().all(|s| *s == 303), "every confirmation answered: {statuses:?}");
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 20, "never above the seats");
    assert_eq!(app.count_registrations(&session.id, "waitlisted").await, 180);
}

/// 30 requests at once from one client address allowed 10 an hour: exactly 10 go through.
async fn the_rate_limit_is_counted_exactly_under_a_rush(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { registration_limit: 10, ..Default::default() }).await;
    let session = app.create_session("limited", 100, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let requests = (0..30).map(|n| ("limited".to_owned(), format!("q{n}@accra.gov.gh"))).collect();
    let statuses = post_all(&app, &org, requests).await;
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 10, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 20, "{statuses:?}");
    assert_eq!(stored(&app, &session.id).await, (10, 10, 10));
}

/// One mailbox registering for ten sessions at once gets no more mail than its hourly cap.
async fn the_mailbox_cap_is_counted_exactly_under_a_rush(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let org = app.create_member("Accra", "Ghana").await;
    let mut sessions = Vec::new();
    for n in 0..10 {
        sessions.push(app.create_session(&format!("cap-{n}"), 100, 5).await);
    }
    let requests = sessions.iter().map(|s| (s.slug.clone(), "Same@Accra.gov.gh".to_owned())).collect();
    let statuses = post_all(&app, &org, requests).await;
    assert!(statuses.iter().all(|s| *s == 303), "held back mail is answered alike: {statuses:?}");
    let mails = app
        .db(|conn| {
            outbox::table
                .inner_join(registrations::table)
                .filter(registrations::email_normalized.eq("same@accra.gov.gh"))
                .count()
                .get_result::<i64>(conn)
                .expect("count")
        })
        .await;
    assert_eq!(mails, MAX_CONFIRMATION_MAILS_PER_HOUR, "the cap, not one more");
}

/// A request whose insert fails (here a trigger refuses one address) is rolled back to its
/// savepoint: the requests before and after it in the batch are stored whole, and its rate
/// event is not counted.
async fn a_request_failing_inside_a_batch_leaves_the_others_whole(engine: Engine) {
    let postgres = matches!(engine, Engine::Postgres(_));
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("batch", 100, 5).await;
    app.db(move |conn| {
        let refuse = if postgres {
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$; \
             CREATE TRIGGER refuse BEFORE INSERT ON registrations FOR EACH ROW \
             WHEN (NEW.email_normalized = 'refused@batch.example.org') EXECUTE FUNCTION refuse();"
        } else {
            "CREATE TRIGGER refuse BEFORE INSERT ON registrations \
             WHEN NEW.email_normalized = 'refused@batch.example.org' BEGIN SELECT RAISE(ABORT, 'refused'); END;"
        };
        conn.batch_execute(refuse).expect("trigger");
    })
    .await;
    let (session_id, now) = (sid(&session.id), app.clock.now());
    let job = |email: &str| Submission {
        session_id: session_id.clone(),
        input: RegistrationInput::sample("Batch Person", email, "Batch City"),
        limit: Some(RateLimit { key: "batch-client".into(), window: chrono::Duration::hours(1), max: 100 }),
        now,
    };
    let batch = vec![
        job("before@batch.example.org"),
        job("refused@batch.example.org"),
        job("after@batch.example.org"),
    ];
    let results = app.db(move |conn| submit_batch(conn, &batch).expect("the batch commits")).await;
    assert!(matches!(results[0], Ok(Some(SubmitOutcome::Accepted))), "{:?}", results[0]);
    assert!(results[1].is_err(), "the refused one fails: {:?}", results[1]);
    assert!(matches!(results[2], Ok(Some(SubmitOutcome::Accepted))), "{:?}", results[2]);
    assert_eq!(stored(&app, &session.id).await, (2, 2, 2), "the two others, each whole");
    let events = app
        .db(|conn| {
            rate_events::table.filter(rate_events::key.eq("batch-client")).count().get_result::<i64>(conn)
        })
        .await
        .expect("count");
    assert_eq!(events, 2, "the failed request's rate event is rolled back with it");
}

/// What a batch of ten new registrations sends to the database, counted (round trips, with
/// BEGIN and COMMIT): on PostgreSQL two a request (its admission checks, its inserts) and four
/// a batch; no savepoint when no request fails.
async fn a_batch_of_new_registrations_costs_few_round_trips(engine: Engine) {
    let postgres = matches!(engine, Engine::Postgres(_));
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("round-trips", 100, 5).await;
    let (session_id, now) = (sid(&session.id), app.clock.now());
    let batch: Vec<_> = (0..10)
        .map(|n| Submission {
            session_id: session_id.clone(),
            input: RegistrationInput::sample(
                "Batch Person",
                &format!("rt{n}@batch.example.org"),
                "Batch City",
            ),
            limit: Some(RateLimit {
                key: format!("client-{n}"),
                window: chrono::Duration::hours(1),
                max: 10,
            }),
            now,
        })
        .collect();
    let statements = app
        .db(move |conn| {
            let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let seen = counter.clone();
            conn.set_instrumentation(move |event: diesel::connection::InstrumentationEvent<'_>| {
                if let diesel::connection::InstrumentationEvent::StartQuery { .. } = event {
                    seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
            let results = submit_batch(conn, &batch).expect("the batch commits");
            conn.set_instrumentation(None::<Box<dyn diesel::connection::Instrumentation>>);
            assert!(results.iter().all(|r| matches!(r, Ok(Some(SubmitOutcome::Accepted)))), "{results:?}");
            counter.load(std::sync::atomic::Ordering::Relaxed)
        })
        .await;
    assert_eq!(stored(&app, &session.id).await, (10, 10, 10));
    if postgres {
        assert!(statements <= 4 + 2 * 10, "{statements} statements for ten registrations");
    } else {
        assert!(statements <= 4 + 8 * 10, "{statements} statements for ten registrations");
    }
}

on_both_engines!(
    a_batch_of_new_registrations_costs_few_round_trips,
    two_hundred_registrations_at_once_are_stored_whole_and_seat_twenty,
    the_rate_limit_is_counted_exactly_under_a_rush,
    the_mailbox_cap_is_counted_exactly_under_a_rush,
    a_request_failing_inside_a_batch_leaves_the_others_whole,
);

/// PostgreSQL only (SQLite has one writer): a first registration for an address committed by
/// another transaction while the batch waits on it. The batch's insert meets the unique
/// violation, the batch is done again in savepoints, and there the request takes the path of a
/// re-submission; the request after it in the batch is not affected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unique_violation_race_inside_a_batch_is_tried_again_from_its_savepoint() {
    let Some(engine) = Engine::postgres() else { return };
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("race-batch", 100, 5).await;
    let (session_id, now) = (sid(&session.id), app.clock.now());
    let mut other = PgConnection::establish(&app.database_url).expect("second connection");
    other.batch_execute("BEGIN").expect("begin");
    let first = convoca::db::models::Registration::pending(
        &session_id,
        convoca::db::models::RegistrationDetails::sample("Elsewhere", "raced@batch.example.org", now),
        now,
    );
    diesel::insert_into(registrations::table)
        .values(&first)
        .execute(&mut other)
        .expect("insert, uncommitted");

    let job = |email: &str| Submission {
        session_id: session_id.clone(),
        input: RegistrationInput::sample("Batch Person", email, "Batch City"),
        limit: None,
        now,
    };
    let batch = vec![job("raced@batch.example.org"), job("next@batch.example.org")];
    let pool = app.pool.clone();
    let writer = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        submit_batch(&mut conn, &batch).expect("the batch commits")
    });
    // Commit the other registration only once the batch waits for it.
    commit_once_waited_for(&app, other).await;
    let results = writer.await.expect("writer");
    assert!(matches!(results[0], Ok(Some(SubmitOutcome::Accepted))), "tried again: {:?}", results[0]);
    assert!(matches!(results[1], Ok(Some(SubmitOutcome::Accepted))), "{:?}", results[1]);
    assert_eq!(stored(&app, &session.id).await, (2, 2, 2), "one registration per address, each mailed");
}

/// Commits `other` (a transaction holding a registration uncommitted) once another connection
/// waits for one of its locks.
async fn commit_once_waited_for(app: &TestApp, mut other: PgConnection) {
    let mut watcher = PgConnection::establish(&app.database_url).expect("third connection");
    let waiting = || {
        diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock')",
        )
    };
    let mut polls = 0;
    while diesel::select(waiting()).get_result::<i64>(&mut watcher).expect("activity") == 0 {
        polls += 1;
        assert!(polls < 500, "the batch never waited for the other transaction");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    other.batch_execute("COMMIT").expect("commit");
}

/// PostgreSQL only: the batch is tried without savepoints first, and one request among twenty
/// meets a unique violation there (its address registered by another transaction meanwhile).
/// That whole attempt is rolled back and the batch done again in savepoints: the nineteen
/// others are each stored once with their mail and consent, the raced one is answered as a
/// re-submission, and only the second attempt's rate events are counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unique_violation_in_the_batch_without_savepoints_has_it_done_again_in_savepoints() {
    let Some(engine) = Engine::postgres() else { return };
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("race-many", 100, 5).await;
    let (session_id, now) = (sid(&session.id), app.clock.now());
    let mut other = PgConnection::establish(&app.database_url).expect("second connection");
    other.batch_execute("BEGIN").expect("begin");
    let first = convoca::db::models::Registration::pending(
        &session_id,
        convoca::db::models::RegistrationDetails::sample("Elsewhere", "raced@many.example.org", now),
        now,
    );
    diesel::insert_into(registrations::table)
        .values(&first)
        .execute(&mut other)
        .expect("insert, uncommitted");

    let job = |email: String| Submission {
        session_id: session_id.clone(),
        input: RegistrationInput::sample("Batch Person", &email, "Batch City"),
        limit: Some(RateLimit { key: "many-client".into(), window: chrono::Duration::hours(1), max: 100 }),
        now,
    };
    let batch: Vec<_> = (0..20)
        .map(|n| job(if n == 7 { "raced@many.example.org".into() } else { format!("m{n}@many.example.org") }))
        .collect();
    let pool = app.pool.clone();
    let writer = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        submit_batch(&mut conn, &batch).expect("the batch commits")
    });
    commit_once_waited_for(&app, other).await;
    let results = writer.await.expect("writer");
    for (n, result) in results.iter().enumerate() {
        assert!(matches!(result, Ok(Some(SubmitOutcome::Accepted))), "request {n}: {result:?}");
    }
    assert_eq!(stored(&app, &session.id).await, (20, 20, 20), "one registration per address, each mailed");
    let (raced_mails, events) = app
        .db(|conn| {
            let raced: i64 = outbox::table
                .inner_join(registrations::table)
                .filter(registrations::email_normalized.eq("raced@many.example.org"))
                .count()
                .get_result(conn)
                .expect("count");
            let events: i64 = rate_events::table
                .filter(rate_events::key.eq("many-client"))
                .count()
                .get_result(conn)
                .expect("count");
            (raced, events)
        })
        .await;
    assert_eq!(raced_mails, 1, "the raced address is sent one new link");
    assert_eq!(events, 20, "nothing of the attempt without savepoints is left: one event a request");
}
