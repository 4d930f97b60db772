//! The email worker: claims due outbox messages in short transactions, renders and sends them
//! outside any transaction, and records each result. Nothing is dropped: transient failures
//! are retried with growing delays, permanent ones are kept with the server's answer.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};
use lettre::Message;
use lettre::message::Mailbox;
use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::models::OutboxMessage;
use crate::db::registrations::{self as regs, TokenPurpose};
use crate::db::{self, DbPool};
use crate::domain::Language;
use crate::email::messages::{MessageContext, registration_message};
use crate::email::{Mailer, Outgoing, ics};
use crate::i18n::I18n;

/// After this many attempts a message is marked failed for good.
pub const MAX_ATTEMPTS: i32 = 8;
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
}

/// The result of preparing one message.
enum Prepared {
    Send(Box<Message>),
    /// Cannot be built (its registration is gone): recorded as failed, not retried.
    Abandon(String),
}

impl Worker {
    pub fn new(
        pool: DbPool,
        settings: Arc<Settings>,
        clock: Clock,
        mailer: Mailer,
        signal: Arc<Notify>,
    ) -> Self {
        Self {
            pool,
            settings,
            clock,
            mailer,
            signal,
            batch: 50,
            sends_in_flight: Arc::new(Semaphore::new(8)),
        }
    }

    /// Claims one batch of due messages and delivers them; returns how many were handled.
    pub async fn run_once(&self) -> anyhow::Result<usize> {
        let pool = self.pool.clone();
        let now = self.clock.now();
        let batch = self.batch;
        let claimed = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<OutboxMessage>> {
            let mut conn = pool.get()?;
            Ok(db::outbox::claim_due(&mut conn, now, batch, LEASE)?)
        })
        .await
        .context("claim task")??;
        let count = claimed.len();
        let mut tasks = JoinSet::new();
        for message in claimed {
            let worker = self.clone();
            tasks.spawn(async move {
                let id = message.id.clone();
                if let Err(e) = worker.deliver(message).await {
                    // The row stays "sending" and is claimed again when its lease ends.
                    tracing::error!(outbox = %id, error = format!("{e:#}"), "could not record a delivery");
                }
            });
        }
        while tasks.join_next().await.is_some() {}
        Ok(count)
    }

    /// Runs batches until nothing is due (tests and `convoca worker --once`).
    pub async fn run_until_idle(&self) -> anyhow::Result<usize> {
        let mut total = 0;
        loop {
            let n = self.run_once().await?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
        }
    }

    /// Runs until `shutdown` turns true; a batch in progress is finished first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(transport = %self.mailer.describe(), "email worker started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            let handled = match self.run_once().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = format!("{e:#}"), "email worker could not claim work");
                    0
                }
            };
            if handled == 0 {
                tokio::select! {
                    _ = self.signal.notified() => {}
                    _ = tokio::time::sleep(StdDuration::from_secs(5)) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!("email worker stopped");
    }

    async fn deliver(&self, message: OutboxMessage) -> anyhow::Result<()> {
        let pool = self.pool.clone();
        let settings = self.settings.clone();
        let now = self.clock.now();
        let to_prepare = message.clone();
        let prepared = tokio::task::spawn_blocking(move || prepare(&pool, &settings, &to_prepare, now))
            .await
            .context("prepare task")?;
        let outcome = match prepared {
            Ok(Prepared::Send(mail)) => {
                let _permit = self
                    .sends_in_flight
                    .acquire()
                    .await
                    .context("send limiter closed")?;
                match self.mailer.send(*mail).await {
                    Ok(()) => Ok(()),
                    Err(e) => Err(e),
                }
            }
            Ok(Prepared::Abandon(reason)) => Err(crate::email::SendError {
                permanent: true,
                detail: reason,
            }),
            Err(e) => Err(crate::email::SendError {
                permanent: false,
                detail: format!("preparing the message: {e:#}"),
            }),
        };
        let pool = self.pool.clone();
        let done_at = self.clock.now();
        let message_id = message_id_for(&self.settings, &message.id);
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            match outcome {
                Ok(()) => {
                    db::outbox::mark_sent(&mut conn, &message.id, &message_id, done_at)?;
                    tracing::info!(outbox = %message.id, kind = %message.kind, "email sent");
                }
                Err(e) if e.permanent || message.attempts >= MAX_ATTEMPTS => {
                    db::outbox::mark_failed(&mut conn, &message.id, &e.detail)?;
                    tracing::warn!(outbox = %message.id, kind = %message.kind, attempts = message.attempts, error = %e.detail, "email failed for good");
                }
                Err(e) => {
                    let next = done_at + backoff(message.attempts);
                    db::outbox::mark_retry(&mut conn, &message.id, &e.detail, next)?;
                    tracing::info!(outbox = %message.id, kind = %message.kind, attempts = message.attempts, error = %e.detail, "email will be retried");
                }
            }
            Ok(())
        })
        .await
        .context("record task")?
    }
}

fn message_id_for(settings: &Settings, outbox_id: &str) -> String {
    format!(
        "<{outbox_id}@{}>",
        settings.base_url.host_str().unwrap_or("convoca.invalid")
    )
}

/// Renders one outbox message. Links get fresh tokens (only their hashes are stored), so the
/// plain token exists only in the email itself.
fn prepare(
    pool: &DbPool,
    settings: &Settings,
    message: &OutboxMessage,
    now: NaiveDateTime,
) -> anyhow::Result<Prepared> {
    let mut conn = pool.get()?;
    let Some(registration_id) = message.registration_id.as_deref() else {
        return Ok(Prepared::Abandon(format!(
            "message kind {} has no recipient",
            message.kind
        )));
    };
    let Some((registration, session)) = regs::with_session(&mut conn, registration_id)? else {
        return Ok(Prepared::Abandon("the registration no longer exists".into()));
    };
    let i18n = I18n::new(Language::parse(&registration.language).unwrap_or(Language::En));
    let manage_token = regs::mint_token(&mut conn, &registration.id, TokenPurpose::Manage, &session, now)?;
    let manage_link = settings.link(&format!("/manage/{manage_token}"));
    let confirm_link = if message.kind == regs::kinds::CONFIRM_REQUEST {
        let token = regs::mint_token(&mut conn, &registration.id, TokenPurpose::Confirm, &session, now)?;
        Some(settings.link(&format!("/confirm/{token}")))
    } else {
        None
    };
    let ctx = MessageContext {
        i18n,
        registration: &registration,
        session: &session,
        session_link: settings.link(&format!("/sessions/{}", session.slug)),
        manage_link: manage_link.clone(),
        confirm_link,
    };
    let Some(content) = registration_message(&message.kind, &ctx) else {
        return Ok(Prepared::Abandon(format!(
            "unknown message kind {}",
            message.kind
        )));
    };
    let (text, html) = content.render(i18n).context("rendering the email")?;
    let calendar = content.calendar.map(|method| {
        (
            ics::calendar(settings, i18n, &registration, &session, &manage_link, method),
            method,
        )
    });
    // The name was cleaned of line breaks when it was stored; the address was validated.
    let to = Mailbox::new(
        Some(registration.name.clone()),
        registration.email.parse().context("stored address")?,
    );
    let outgoing = Outgoing {
        to,
        subject: content.subject,
        text,
        html,
        message_id: message_id_for(settings, &message.id),
        calendar,
        list_unsubscribe: None,
    };
    Ok(Prepared::Send(Box::new(outgoing.build(&settings.mail_from)?)))
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
