//! The worker's SMTP connections: kept and reused between messages, at most
//! `CONVOCA_SMTP_CONCURRENCY` of them, and a kept connection the server closed replaced
//! without losing or repeating a message.

use chrono::Duration;

use crate::helpers::{Engine, Options, TestApp};
use crate::on_both_engines;

fn at_concurrency(n: usize) -> Options {
    Options { settings: vec![("CONVOCA_SMTP_CONCURRENCY", n.to_string())], ..Options::default() }
}

async fn messages_share_a_few_kept_smtp_connections(engine: Engine) {
    let app = TestApp::spawn_with(engine, at_concurrency(2)).await;
    let session = app.create_session("kept", 100, 10).await;
    let emails = app.insert_confirmed(&session.id, 30, "en", Duration::days(1)).await;
    app.clock.set(session.starts_at - Duration::days(7) + Duration::minutes(1));

    assert_eq!(app.deliver_mail().await, 30);
    assert_eq!(app.mail().received().len(), 30);
    for email in &emails {
        assert_eq!(app.mail().to(email).len(), 1, "{email} gets one reminder");
    }
    let sessions = app.mail().sessions();
    assert!((1..=2).contains(&sessions), "30 messages at concurrency 2 took {sessions} SMTP sessions");
}

async fn a_kept_connection_the_server_closed_is_replaced_without_losing_or_repeating_a_message(
    engine: Engine,
) {
    let app = TestApp::spawn_with(engine, at_concurrency(2)).await;
    let first = app.create_session("first", 100, 10).await;
    let second = app.create_session("second", 100, 11).await;
    app.insert_confirmed(&first.id, 4, "en", Duration::days(1)).await;
    let later = app.insert_confirmed(&second.id, 6, "en", Duration::days(1)).await;
    app.clock.set(first.starts_at - Duration::days(7) + Duration::minutes(1));
    assert_eq!(app.deliver_mail().await, 4, "only the first session's reminders are due");
    let opened = app.mail().sessions();
    assert!((1..=2).contains(&opened), "{opened}");

    // The server closes each kept connection at its next message ("421 closing connection").
    // (Counting MAIL commands instead let a new connection, opened beside the one kept, take
    // the 421 in some runs: a new connection's failure is an answer, and the message waited.)
    app.mail().close_open_connections_at_next_mail();
    app.clock.set(second.starts_at - Duration::days(7) + Duration::minutes(1));
    assert_eq!(app.deliver_mail().await, 6);

    for email in &later {
        assert_eq!(app.mail().to(email).len(), 1, "{email} gets its reminder once, at once");
    }
    assert_eq!(app.outbox_statuses("reminder").await, vec!["sent"; 10], "none waits for a retry");
    let sessions = app.mail().sessions();
    assert!(sessions <= opened + 2, "the closed connections were replaced: {sessions} sessions");
}

on_both_engines!(
    messages_share_a_few_kept_smtp_connections,
    a_kept_connection_the_server_closed_is_replaced_without_losing_or_repeating_a_message,
);
