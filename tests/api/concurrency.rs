use convoca::db::{registrations, tokens};
use convoca::domain::RegistrationInput;
use convoca::domain::TokenPurpose;

use crate::helpers::{Engine, TestApp};
use crate::on_both_engines;

/// Creates `n` pending registrations and returns a confirmation link for each.
async fn pending_registrations(app: &TestApp, session_id: &str, n: usize) -> Vec<String> {
    let session_id = session_id.to_owned();
    let now = app.clock.now();
    let tokens = app
        .db(move |conn| {
            let session =
                convoca::db::catalogue::session_by_id(conn, &session_id).expect("query").expect("session");
            (0..n)
                .map(|i| {
                    let email = format!("person{i}@race.example.org");
                    let input = RegistrationInput {
                        country: convoca::domain::CountryCode::parse("ES"),
                        ..RegistrationInput::sample(&format!("Person {i}"), &email, "Race City")
                    };
                    registrations::submit_within_limit(conn, &session.id, &input, None, now).expect("submit");
                    let id: convoca::domain::RegistrationId = {
                        use convoca::db::schema::registrations::dsl as r;
                        use diesel::prelude::*;
                        r::registrations
                            .filter(r::email_normalized.eq(&email))
                            .select(r::id)
                            .first(conn)
                            .expect("id")
                    };
                    tokens::mint(conn, &id, TokenPurpose::Confirm, &session, now).expect("token")
                })
                .collect::<Vec<_>>()
        })
        .await;
    tokens.into_iter().map(|t| app.url(&format!("/confirm/{t}"))).collect()
}

async fn parallel_confirmations_never_overbook_a_session(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("race", 5, 5).await;
    let links = pending_registrations(&app, &session.id, 24).await;

    let client = app.client();
    // One visit first, so that every page below is signed for the same CSRF cookie.
    client.get(app.url("/")).send().await.expect("catalogue");
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(links.len()));
    let tasks: Vec<_> = links
        .into_iter()
        .map(|link| {
            let client = client.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                // The page first (it changes nothing), then everyone presses the button at once.
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
    assert!(statuses.iter().all(|s| *s == 303), "every confirmation answered, no error: {statuses:?}");
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 5, "exactly the capacity");
    assert_eq!(app.count_registrations(&session.id, "waitlisted").await, 19);
    assert_eq!(app.count_registrations(&session.id, "pending").await, 0);
}

/// 200 people confirm at the same moment for the last 10 seats.
async fn two_hundred_confirmations_for_the_last_ten_seats(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("last-seats", 30, 5).await;
    app.insert_confirmed(&session.id, 20, "en", chrono::Duration::hours(1)).await;
    let links = pending_registrations(&app, &session.id, 200).await;
    let client = app.client();
    // One visit first, so that every page below is signed for the same CSRF cookie.
    client.get(app.url("/")).send().await.expect("catalogue");
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(links.len()));
    let tasks: Vec<_> = links
        .into_iter()
        .map(|link| {
            let (client, barrier) = (client.clone(), barrier.clone());
            tokio::spawn(async move {
                // The page first (it changes nothing), then everyone presses the button at once.
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
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 30, "20 + the last 10 seats");
    assert_eq!(app.count_registrations(&session.id, "waitlisted").await, 190);
}

on_both_engines!(
    parallel_confirmations_never_overbook_a_session,
    two_hundred_confirmations_for_the_last_ten_seats
);
