//! `convoca mail-test ADDRESS`: one message through the path every email takes (the outbox,
//! then the worker), and what became of it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db;
use crate::domain::{MessageKind, OutboxStatus, parse_email};
use crate::email::Mailer;
use crate::jobs::Worker;
use crate::startup::{open_database, pool_settings};

/// How long to wait for a worker elsewhere that claimed the message first.
const WAIT: Duration = Duration::from_secs(60);

/// Queues the test message to `address`, runs the worker once (as `convoca worker --once`),
/// and says whether the message was sent; an error when it was not.
pub async fn mail_test(settings: Settings, address: &str) -> anyhow::Result<String> {
    let to = parse_email("address", address)
        .map_err(|_| anyhow::anyhow!("{address:?} is not an email address: expected e.g. you@example.org"))?;
    let settings = Arc::new(settings);
    let pool = open_database(&settings, &pool_settings(&settings)).await?;
    let mailer = Mailer::from_settings(&settings)?;
    let transport = mailer.describe();
    let clock = Clock::system();
    let now = clock.now();
    let queued = {
        let pool = pool.clone();
        let payload = serde_json::json!({ "to": to.to_string() }).to_string();
        tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
            let mut conn = pool.get()?;
            let key = format!("{}:{}", MessageKind::MailTest, uuid::Uuid::new_v4());
            Ok(db::write_tx(&mut conn, |conn| {
                db::outbox::enqueue(conn, MessageKind::MailTest, None, &key, &payload, now)
            })?)
        })
        .await
        .context("queueing task")??
    };
    let worker = Worker::new(pool.clone(), settings.clone(), clock, mailer, Arc::new(Notify::new()));
    let started = Instant::now();
    loop {
        worker.run_until_idle().await?;
        let pool = pool.clone();
        let id = queued.clone();
        let message = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut conn = pool.get()?;
            Ok(db::outbox::find(&mut conn, &id)?)
        })
        .await
        .context("reading task")??
        .with_context(|| format!("the test message {queued} is no longer in the outbox"))?;
        let error = message.last_error.unwrap_or_default();
        match message.status {
            OutboxStatus::Sent => {
                return Ok(format!("sent to {to} through {transport} (outbox {queued})"));
            }
            OutboxStatus::Failed => bail!("not sent to {to} through {transport}: {error}"),
            OutboxStatus::Skipped => bail!("not sent to {to}: {error}"),
            OutboxStatus::Queued if message.attempts > 0 => bail!(
                "not sent to {to} through {transport}: {error} (the worker will try again; outbox {queued})"
            ),
            // Another worker claimed it: wait for its answer.
            OutboxStatus::Queued | OutboxStatus::Sending if started.elapsed() < WAIT => {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            OutboxStatus::Queued | OutboxStatus::Sending => {
                bail!("no answer within {} s: another worker holds the test message {queued}", WAIT.as_secs())
            }
        }
    }
}
