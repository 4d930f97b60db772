use convoca::domain::OutboxStatus;
use mailin_embedded::Response;

use crate::helpers::{Engine, Options, TestApp, valid_form};
use crate::on_both_engines;

async fn outbox_row(app: &TestApp) -> convoca::db::models::OutboxMessage {
    app.db(|conn| {
        use convoca::db::schema::outbox::dsl as o;
        use diesel::prelude::*;
        o::outbox
            .select(convoca::db::models::OutboxMessage::as_select())
            .order(o::created_at.desc())
            .first(conn)
            .expect("an outbox row")
    })
    .await
}

async fn a_temporary_smtp_failure_is_retried_later_and_not_lost(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.create_session("retry", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    app.mail().answer_next_recipients(vec![Response::custom(451, "4.3.0 Try again later".into())]);
    app.submit_registration(&app.client(), "retry", &valid_form("Kofi Annan", "kofi@accra.gov.gh", &org))
        .await;

    assert_eq!(app.deliver_mail().await, 1, "one attempt");
    assert!(app.mail().to("kofi@accra.gov.gh").is_empty());
    let row = outbox_row(&app).await;
    assert_eq!(row.status, OutboxStatus::Queued, "kept for a retry");
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.as_deref().is_some_and(|e| e.contains("451")), "{:?}", row.last_error);
    assert!(row.next_attempt_at > app.clock.now(), "retried later, not at once");
    assert_eq!(app.deliver_mail().await, 0, "not due yet");

    app.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(app.deliver_mail().await, 1);
    assert_eq!(app.mail().to("kofi@accra.gov.gh").len(), 1, "delivered once");
    let row = outbox_row(&app).await;
    assert_eq!(row.status, OutboxStatus::Sent);
    assert!(row.message_id.is_some() && row.sent_at.is_some());
}

async fn a_permanent_smtp_failure_is_recorded_and_not_retried(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.create_session("bounce", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    app.mail().answer_next_recipients(vec![Response::custom(550, "5.1.1 No such user".into())]);
    app.submit_registration(&app.client(), "bounce", &valid_form("No One", "noone@accra.gov.gh", &org)).await;
    app.deliver_mail().await;
    let row = outbox_row(&app).await;
    assert_eq!(row.status, OutboxStatus::Failed);
    assert!(
        row.last_error.as_deref().is_some_and(|e| e.contains("550") && e.contains("No such user")),
        "{:?}",
        row.last_error
    );
    app.clock.advance(chrono::Duration::days(1));
    assert_eq!(app.deliver_mail().await, 0, "no further attempts");
}

async fn an_smtp_server_that_is_down_delays_mail_without_losing_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.create_session("down", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    app.submit_registration(&app.client(), "down", &valid_form("Abena Boateng", "abena@accra.gov.gh", &org))
        .await;
    // Claimed by a worker that died mid-send: the lease runs out and another worker takes it.
    let now = app.clock.now();
    let claimed = app
        .db(move |conn| convoca::db::outbox::claim_due(conn, now, 10, convoca::jobs::LEASE).expect("claim"))
        .await;
    assert_eq!(claimed.len(), 1);
    assert_eq!(app.deliver_mail().await, 0, "a claimed message is not sent twice");
    app.clock.advance(convoca::jobs::LEASE + chrono::Duration::seconds(1));
    assert_eq!(app.deliver_mail().await, 1, "after the lease it is claimed again");
    assert_eq!(app.mail().to("abena@accra.gov.gh").len(), 1);
}

async fn without_smtp_messages_are_written_as_eml_files(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { smtp: false, ..Options::default() }).await;
    app.create_session("files", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    app.submit_registration(
        &app.client(),
        "files",
        &valid_form("Efua Sutherland", "efua@accra.gov.gh", &org),
    )
    .await;
    assert_eq!(app.deliver_mail().await, 1);
    let dir = app.data_dir.path().join("mail");
    let files: Vec<_> =
        std::fs::read_dir(&dir).expect("mail folder").map(|e| e.expect("entry").path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let raw = std::fs::read(&files[0]).expect("read");
    let parsed = mail_parser::MessageParser::default().parse(&raw).expect("parsable");
    let text = parsed.body_text(0).expect("text part");
    assert!(text.contains(&format!("{}/confirm/", app.address)), "the newcomer can follow the link");
    assert_eq!(outbox_row(&app).await.status, OutboxStatus::Sent);
}

on_both_engines!(
    a_temporary_smtp_failure_is_retried_later_and_not_lost,
    a_permanent_smtp_failure_is_recorded_and_not_retried,
    an_smtp_server_that_is_down_delays_mail_without_losing_it,
    without_smtp_messages_are_written_as_eml_files,
);
