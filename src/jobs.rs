//! The email worker: claims due outbox messages in short transactions, renders and sends them
//! outside any transaction, and records each result. Nothing is dropped: transient failures
//! are retried with growing delays, permanent ones are kept with the server's answer.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};
use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::models::OutboxMessage;
use crate::db::{self, DbPool};
use crate::email::Mailer;

mod batch_reads;
mod prepare;
mod speaker_mail;
use prepare::{Prepared, claim_batch, render};

/// After this many attempts a message is marked failed for good.
pub const MAX_ATTEMPTS: i32 = 8;
/// Batches handled at once by one worker: while one lane sends, the other claims and renders.
const LANES: usize = 2;
/// How long a claim lasts; a message still "sending" after it (worker crash) is claimed again.
pub const LEASE: Duration = Duration::minutes(5);

/// The wait before attempt `n + 1` after `n` failed ones: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(attempts: i32) -> Duration {
    let minutes = 1i64 << attempts.clamp(1, 10).saturating_sub(1);
    Duration::minutes(minutes.min(360))
}

#[derive(Clone)]
pub struct Worker {
    pool: DbPool,
    settings: Arc<Settings>,
    clock: Clock,
    mailer: Mailer,
    signal: Arc<Notify>,
    batch: i64,
    sends_in_flight: Arc<Semaphore>,
    /// When the bounce mailbox was last read (shared by the lanes).
    bounces_read_at: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

/// What happened to one claimed message.
enum Outcome {
    /// With the stored copy's file name (file transport).
    Sent(Option<String>),
    Skipped(String),
    Failed(crate::email::SendError),
}

impl Worker {
    pub fn new(
        pool: DbPool,
        settings: Arc<Settings>,
        clock: Clock,
        mailer: Mailer,
        signal: Arc<Notify>,
    ) -> Self {
        let batch = i64::try_from(settings.smtp_concurrency * 10).unwrap_or(100).max(100);
        let sends_in_flight = Arc::new(Semaphore::new(settings.smtp_concurrency));
        let bounces_read_at = Arc::default();
        Self { pool, settings, clock, mailer, signal, batch, sends_in_flight, bounces_read_at }
    }

    /// Queues what the schedule makes due, claims one batch of due messages and delivers
    /// them; returns how many messages were handled.
    pub async fn run_once(&self) -> anyhow::Result<usize> {
        // longwork: a step of a background task (an attendance import) between mail batches.
        let steps = crate::tasks::run_step(&self.pool, &self.settings, &self.clock).await;
        // webhooks: due deliveries, sent outside any transaction like mail.
        let hooks = crate::webhooks::run_step(&self.pool, &self.settings, &self.clock).await;
        Ok(self.deliver_once().await? + steps + hooks)
    }

    /// Queues what the schedule makes due, claims one batch of due messages and delivers them.
    async fn deliver_once(&self) -> anyhow::Result<usize> {
        let pool = self.pool.clone();
        let settings = self.settings.clone();
        let now = self.clock.now();
        let batch = self.batch;
        // Short transactions: schedule, then claim the batch and mint its links in one; the
        // emails are rendered after that commits, so no writer waits on templates.
        let prepared = tokio::task::spawn_blocking(
            move || -> anyhow::Result<Vec<(OutboxMessage, anyhow::Result<Prepared>)>> {
                let mut conn = pool.get()?;
                db::schedule::schedule_due(&mut conn, now)?;
                // Daily between 03:00 and 03:10 UTC; both are idempotent, so several workers
                // or ticks in that window do no harm.
                if now.format("%H:%M").to_string().starts_with("03:0") {
                    // Through the writers' queue like every other write, so on SQLite these
                    // deletes wait their turn instead of meeting a busy database.
                    db::write_tx(&mut conn, |c| {
                        db::rate::trim(c, now)?;
                        // focal: focal points' links long expired.
                        db::focal_approval::purge_expired(c, now)?;
                        db::password_reset::purge(c, now)
                    })?;
                    db::optimize(&mut conn)?;
                    let done = db::schedule::apply_retention(
                        &mut conn,
                        &settings.mail_dir(),
                        settings.retention(),
                        now,
                    )?;
                    if done != db::schedule::Retained::default() {
                        tracing::info!(
                            registrations = done.registrations_purged,
                            mail_copies = done.mail_copies_deleted,
                            "removed personal data past its retention"
                        );
                    }
                }
                let claimed = claim_batch(&mut conn, now, batch)?;
                drop(conn);
                Ok(claimed
                    .into_iter()
                    .map(|(message, claim)| {
                        let prepared = render(&settings, &message, claim);
                        (message, prepared)
                    })
                    .collect())
            },
        )
        .await
        .context("claim task")??;
        let count = prepared.len();
        if count == 0 {
            return Ok(0);
        }

        // Send outside any transaction, several at once over the pooled SMTP connections.
        let mut tasks = JoinSet::new();
        for (message, prepared) in prepared {
            let mailer = self.mailer.clone();
            let limiter = self.sends_in_flight.clone();
            tasks.spawn(async move {
                let outcome = match prepared {
                    Ok(Prepared::Send(mail)) => match limiter.acquire_owned().await {
                        Ok(_permit) => match mailer.send(*mail).await {
                            Ok(copy) => Outcome::Sent(copy),
                            Err(e) => Outcome::Failed(e),
                        },
                        Err(_) => Outcome::Failed(crate::email::SendError {
                            permanent: false,
                            detail: "worker stopping".into(),
                        }),
                    },
                    Ok(Prepared::Skip(reason)) => Outcome::Skipped(reason),
                    Ok(Prepared::Abandon(reason)) => {
                        Outcome::Failed(crate::email::SendError { permanent: true, detail: reason })
                    }
                    Err(e) => Outcome::Failed(crate::email::SendError {
                        permanent: false,
                        detail: format!("preparing the message: {e:#}"),
                    }),
                };
                (message, outcome)
            });
        }
        let mut results = Vec::with_capacity(count);
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(result) => results.push(result),
                // A panicked send leaves its row "sending"; the lease brings it back.
                Err(e) => tracing::error!(error = %e, "a send task failed"),
            }
        }

        let pool = self.pool.clone();
        let settings = self.settings.clone();
        let done_at = self.clock.now();
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            record(&mut conn, &settings, results, done_at)
        })
        .await
        .context("record task")??;
        Ok(count)
    }

    /// Reads the bounce mailbox now (when one is configured) and applies its notices.
    pub async fn read_bounces(&self) -> anyhow::Result<crate::bounces::Pass> {
        let (pool, settings, now) = (self.pool.clone(), self.settings.clone(), self.clock.now());
        tokio::task::spawn_blocking(move || crate::bounces::read_mailbox(&pool, &settings, now))
            .await
            .context("bounce task")?
    }

    /// Reads the bounce mailbox when its interval has passed; one lane at a time.
    async fn read_bounces_when_due(&self) {
        if self.settings.bounces.mailbox.is_none() {
            return;
        }
        let due = {
            let Ok(mut last) = self.bounces_read_at.lock() else {
                return;
            };
            let due = last.is_none_or(|at| at.elapsed() >= self.settings.bounces.poll);
            if due {
                *last = Some(std::time::Instant::now());
            }
            due
        };
        if due {
            match self.read_bounces().await {
                Ok(pass) if pass != crate::bounces::Pass::default() => {
                    tracing::info!(
                        read = pass.read,
                        bounced = pass.bounced,
                        delayed = pass.delayed,
                        ignored = pass.ignored,
                        "read the bounce mailbox"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = format!("{e:#}"), "could not read the bounce mailbox"),
            }
        }
    }

    /// Runs batches until nothing is due (tests and `convoca worker --once`).
    pub async fn run_until_idle(&self) -> anyhow::Result<usize> {
        let mut lanes = JoinSet::new();
        for _ in 0..LANES {
            let worker = self.clone();
            lanes.spawn(async move {
                let mut total = 0;
                loop {
                    let n = worker.run_once().await?;
                    if n == 0 {
                        return anyhow::Ok(total);
                    }
                    total += n;
                }
            });
        }
        let mut total = 0;
        while let Some(lane) = lanes.join_next().await {
            total += lane.context("worker lane")??;
        }
        Ok(total)
    }

    /// Runs until `shutdown` turns true; batches in progress are finished first.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        tracing::info!(transport = %self.mailer.describe(), "email worker started");
        let mut lanes = JoinSet::new();
        for _ in 0..LANES {
            let worker = self.clone();
            let mut shutdown = shutdown.clone();
            lanes.spawn(async move {
                loop {
                    if *shutdown.borrow() {
                        break;
                    }
                    worker.read_bounces_when_due().await;
                    let handled = match worker.run_once().await {
                        Ok(n) => n,
                        Err(e) => {
                            tracing::warn!(error = format!("{e:#}"), "email worker could not claim work");
                            0
                        }
                    };
                    if handled == 0 {
                        worker.mailer.close_idle();
                        tokio::select! {
                            _ = worker.signal.notified() => {}
                            _ = tokio::time::sleep(StdDuration::from_secs(5)) => {}
                            _ = shutdown.changed() => {}
                        }
                    }
                }
            });
        }
        while lanes.join_next().await.is_some() {}
        tracing::info!("email worker stopped");
    }
}

/// Records a batch's results in one transaction.
fn record(
    conn: &mut db::AnyConnection,
    settings: &Settings,
    results: Vec<(OutboxMessage, Outcome)>,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    db::write_tx(conn, |conn| -> anyhow::Result<()> {
        // Sent over SMTP (the common case): recorded together, in two statements.
        let delivered: Vec<&OutboxMessage> = results
            .iter()
            .filter(|(_, outcome)| matches!(outcome, Outcome::Sent(None)))
            .map(|(message, _)| message)
            .collect();
        let ids: Vec<&str> = delivered.iter().map(|m| m.id.as_str()).collect();
        db::outbox::mark_all_sent(conn, &ids, &message_id_suffix(settings), now)?;
        db::bounces::note_delivered(conn, &delivered)?;
        metrics::counter!(crate::observability::names::EMAILS_SENT).increment(delivered.len() as u64);
        for (message, outcome) in &results {
            match outcome {
                Outcome::Sent(None) => {}
                Outcome::Sent(Some(copy)) => {
                    let message_id = message_id_for(settings, &message.id);
                    db::outbox::mark_sent(conn, &message.id, &message_id, Some(copy), now)?;
                    db::bounces::note_result(conn, message, None, now)?;
                    metrics::counter!(crate::observability::names::EMAILS_SENT).increment(1);
                }
                Outcome::Skipped(reason) => db::outbox::mark_skipped(conn, &message.id, reason)?,
                Outcome::Failed(e) if e.permanent || message.attempts >= MAX_ATTEMPTS => {
                    db::outbox::mark_failed(conn, &message.id, &e.detail, now)?;
                    db::bounces::note_result(conn, message, Some(&e.detail), now)?;
                    metrics::counter!(crate::observability::names::EMAIL_FAILURES, "final" => "true")
                        .increment(1);
                }
                Outcome::Failed(e) => {
                    db::outbox::mark_retry(conn, &message.id, &e.detail, now + backoff(message.attempts))?;
                    metrics::counter!(crate::observability::names::EMAIL_FAILURES, "final" => "false")
                        .increment(1);
                }
            }
        }
        Ok(())
    })?;
    for (message, outcome) in &results {
        match outcome {
            Outcome::Sent(_) => tracing::debug!(outbox = %message.id, kind = %message.kind, "email sent"),
            Outcome::Skipped(reason) => {
                tracing::info!(outbox = %message.id, kind = %message.kind, reason = %reason, "email skipped")
            }
            Outcome::Failed(e) if e.permanent || message.attempts >= MAX_ATTEMPTS => {
                tracing::warn!(outbox = %message.id, kind = %message.kind, attempts = message.attempts, error = %e.detail, "email failed for good")
            }
            Outcome::Failed(e) => {
                tracing::info!(outbox = %message.id, kind = %message.kind, attempts = message.attempts, error = %e.detail, "email will be retried")
            }
        }
    }
    Ok(())
}

/// The message's own return path when a bounce address is configured.
fn return_path_for(settings: &Settings, outbox_id: &str) -> Option<lettre::Address> {
    let base = settings.bounces.address.as_ref()?;
    crate::email::verp::return_path(base, &settings.secret_key, outbox_id)
}

/// Our Message-ID for an outbox row: `<` its id, then [`message_id_suffix`].
fn message_id_for(settings: &Settings, outbox_id: &str) -> String {
    format!("<{outbox_id}{}", message_id_suffix(settings))
}

/// What follows the outbox row's id in its Message-ID: `@` our host `>`.
fn message_id_suffix(settings: &Settings) -> String {
    format!("@{}>", settings.base_url.host_str().unwrap_or("convoca.invalid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(4), Duration::minutes(8));
        assert_eq!(backoff(20), Duration::minutes(360));
    }
}
