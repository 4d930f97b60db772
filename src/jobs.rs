//! The email worker: claims due outbox messages in short transactions, renders and sends them
//! outside any transaction, and records each result. Nothing is dropped: transient failures
//! are retried with growing delays, permanent ones are kept with the server's answer.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;
use lettre::Message;
use lettre::message::Mailbox;
use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::invitations;
use crate::db::models::{OutboxMessage, Registration, Session};
use crate::db::registrations as regs;
use crate::db::{self, DbPool};
use crate::domain::{Language, MessageKind, Recipient, RegistrationStatus, Situation, TokenPurpose};
use crate::email::headers::ListHeaders;
use crate::email::messages::{MessageContext, registration_message};
use crate::email::{Mailer, Outgoing, ics};
use crate::i18n::I18n;

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

/// The result of preparing one message.
enum Prepared {
    Send(Box<Message>),
    /// No longer wanted (the person cancelled, the session moved again): recorded, not sent.
    Skip(String),
    /// Cannot be built (its registration is gone): recorded as failed, not retried.
    Abandon(String),
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
        Ok(self.deliver_once().await? + steps)
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
        for (message, outcome) in &results {
            match outcome {
                Outcome::Sent(copy) => {
                    let message_id = message_id_for(settings, &message.id);
                    db::outbox::mark_sent(conn, &message.id, &message_id, copy.as_deref(), now)?;
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

fn message_id_for(settings: &Settings, outbox_id: &str) -> String {
    format!("<{outbox_id}@{}>", settings.base_url.host_str().unwrap_or("convoca.invalid"))
}

/// A claimed message with everything it needs to be written, gathered in the claim's
/// transaction.
struct Ready {
    kind: MessageKind,
    registration: Registration,
    /// In the registrant's language.
    session: Session,
    payload: serde_json::Value,
    manage_token: String,
    /// The path of the message's confirmation link (an address's or a new address's).
    confirm_token: Option<String>,
    documents: Vec<(String, String)>,
}

/// What the claim found for one message.
enum Claim {
    Ready(Box<Ready>),
    /// No longer wanted: recorded, not sent.
    Skip(String),
    /// Cannot be built (its registration is gone): recorded as failed, not retried.
    Abandon(String),
    /// `convoca mail-test`: to this mailbox, about no registration.
    Test(Mailbox),
    /// A password reset: to this organiser, with the path of the link just minted.
    Reset(Mailbox, String),
}

/// Claims up to `batch` due messages and, in the same transaction, mints the tokens of their
/// links (only the hashes are stored, so the plain token exists only in the email itself).
/// A database error rolls back the whole claim: the messages stay due.
fn claim_batch(
    conn: &mut db::AnyConnection,
    now: NaiveDateTime,
    batch: i64,
) -> anyhow::Result<Vec<(OutboxMessage, Claim)>> {
    db::write_tx(conn, |conn| -> anyhow::Result<Vec<(OutboxMessage, Claim)>> {
        let claimed = db::outbox::claim_due(conn, now, batch, LEASE)?;
        let mut out = Vec::with_capacity(claimed.len());
        for message in claimed {
            let claim = gather(conn, &message, now)?;
            out.push((message, claim));
        }
        Ok(out)
    })
}

/// Whether a queued message is still wanted, given the registration and session as they are now.
fn still_wanted(
    kind: MessageKind,
    registration: &Registration,
    session: &Session,
    payload: &serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), String> {
    let same_version = payload
        .get("version")
        .and_then(serde_json::Value::as_i64)
        .is_none_or(|v| v == i64::from(session.version));
    let latest_calendar =
        invitations::sequence_of(payload).is_none_or(|sent| sent >= registration.calendar_sequence);
    let situation = Situation {
        registration: registration.status,
        reminders_opt_out: registration.reminders_opt_out,
        announcements_opt_out: registration.announcements_opt_out,
        session: session.status,
        before_start: now < session.starts_at,
        same_version,
        latest_calendar,
        email_change_pending: registration.pending_email.is_some(),
    };
    if kind.still_wanted(&situation) {
        Ok(())
    } else {
        Err(format!(
            "no longer applies (registration {}, session {} v{})",
            registration.status, session.status, session.version
        ))
    }
}

/// The reads and token inserts one message needs, inside the claim's transaction.
fn gather(conn: &mut db::AnyConnection, message: &OutboxMessage, now: NaiveDateTime) -> QueryResult<Claim> {
    let kind = message.kind;
    if kind == MessageKind::MailTest {
        let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
        let to =
            payload.get("to").and_then(serde_json::Value::as_str).and_then(|a| a.parse::<Mailbox>().ok());
        return Ok(
            to.map_or_else(|| Claim::Abandon("the test message names no valid address".into()), Claim::Test)
        );
    }
    if kind == MessageKind::OrganiserPasswordReset {
        return reset_claim(conn, message, now);
    }
    let Some(registration_id) = message.registration_id.as_ref() else {
        return Ok(Claim::Abandon(format!("message kind {kind} has no recipient")));
    };
    let Some((registration, mut session)) = regs::with_session(conn, registration_id)? else {
        return Ok(Claim::Abandon("the registration no longer exists".into()));
    };
    // Nothing is sent to an erased registration, whatever queued it.
    if registration.status == RegistrationStatus::Erased {
        return Ok(Claim::Skip("the person's data was erased".into()));
    }
    // The session's title as the registrant reads it, in the email and the calendar entry.
    db::catalogue::localize(conn, &mut session, &registration.language)?;
    let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
    if let Err(reason) = still_wanted(kind, &registration, &session, &payload, now) {
        return Ok(Claim::Skip(reason));
    }
    // An address that bounced for good gets nothing until an organiser clears it.
    let address = match kind.recipient() {
        Recipient::Registrant => Some(registration.email_normalized.clone()),
        Recipient::PendingAddress => registration.pending_email.as_ref().map(|e| e.to_lowercase()),
        Recipient::PreviousAddress | Recipient::Organiser => None,
    };
    if let Some(address) = address
        && let Some(suppressed) = db::bounces::suppression_of(conn, &address)?
    {
        return Ok(Claim::Abandon(format!("suppressed: the address bounced ({})", suppressed.reason)));
    }
    let manage_token = db::tokens::mint(conn, &registration.id, TokenPurpose::Manage, &session, now)?;
    let confirm_token = if kind.carries_confirm_link() {
        Some(format!(
            "/confirm/{}",
            db::tokens::mint(conn, &registration.id, TokenPurpose::Confirm, &session, now)?
        ))
    } else if kind.carries_email_change_link() {
        let token = db::tokens::mint(conn, &registration.id, TokenPurpose::EmailChange, &session, now)?;
        Some(format!("/email-change/{token}"))
    } else {
        None
    };
    let documents = if kind.carries_documents() {
        db::catalogue::documents(conn, &session.id)?.into_iter().map(|d| (d.title, d.url)).collect()
    } else {
        Vec::new()
    };
    Ok(Claim::Ready(Box::new(Ready {
        kind,
        registration,
        session,
        payload,
        manage_token,
        confirm_token,
        documents,
    })))
}

/// A password reset for the organiser named in the payload: a fresh link (ending the older
/// ones), unless the account is gone or disabled since it was asked for.
fn reset_claim(
    conn: &mut db::AnyConnection,
    message: &OutboxMessage,
    now: NaiveDateTime,
) -> QueryResult<Claim> {
    let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
    let Some(id) = payload.get("organiser_id").and_then(serde_json::Value::as_str) else {
        return Ok(Claim::Abandon("the reset names no account".into()));
    };
    let Some(organiser) = db::organisers::by_id(conn, id)?.filter(|o| o.active) else {
        return Ok(Claim::Skip("the account is gone or disabled".into()));
    };
    let Ok(address) = organiser.email.parse() else {
        return Ok(Claim::Abandon("the account's address is not valid".into()));
    };
    let token = db::password_reset::mint(conn, &organiser.id, now)?;
    Ok(Claim::Reset(Mailbox::new(Some(organiser.name), address), format!("/admin/reset/{token}")))
}

/// Writes one claimed message, outside any transaction.
fn render(settings: &Settings, message: &OutboxMessage, claim: Claim) -> anyhow::Result<Prepared> {
    let ready = match claim {
        Claim::Ready(ready) => ready,
        Claim::Skip(reason) => return Ok(Prepared::Skip(reason)),
        Claim::Abandon(reason) => return Ok(Prepared::Abandon(reason)),
        Claim::Test(to) => return test_message(settings, message, to),
        Claim::Reset(to, path) => return reset_message(settings, message, to, &path),
    };
    let Ready { kind, registration, session, payload, manage_token, confirm_token, documents } = *ready;
    let i18n = I18n::new(Language::parse(&registration.language).unwrap_or(Language::En));
    // The calendar part was decided when the message was queued, with the SEQUENCE it sends;
    // an invitation goes only to someone who still holds the seat.
    let calendar = invitations::sequence_of(&payload).and_then(|sequence| {
        let method = kind.calendar_method()?;
        let ics = ics::calendar(settings, i18n, &registration, &session, method, sequence)?;
        Some((ics, method))
    });
    let manage_link = settings.link(&format!("/manage/{manage_token}"));
    let reminders_off_link = format!("{manage_link}/reminders/off");
    let ctx = MessageContext {
        i18n,
        registration: &registration,
        session: &session,
        session_link: settings.link(&format!("/sessions/{}", session.slug)),
        catalogue_link: settings.link("/"),
        manage_link: manage_link.clone(),
        confirm_link: confirm_token.map(|path| settings.link(&path)),
        reminders_off_link: reminders_off_link.clone(),
        payload: &payload,
        documents: &documents,
        calendar: calendar.as_ref().map(|(_, method)| *method),
    };
    let content = registration_message(kind, &ctx);
    let (text, html) = content.render(i18n).context("rendering the email")?;
    // The name was cleaned of line breaks when it was stored; the address was validated.
    let address = match kind.recipient() {
        Recipient::Registrant => Some(registration.email.as_str()),
        Recipient::PendingAddress => registration.pending_email.as_deref(),
        Recipient::PreviousAddress => payload.get("previous_email").and_then(serde_json::Value::as_str),
        Recipient::Organiser => None,
    }
    .context("the message's recipient is not recorded")?;
    let to = Mailbox::new(Some(registration.name.clone()), address.parse().context("stored address")?);
    let outgoing = Outgoing {
        to,
        subject: content.subject,
        text,
        html,
        message_id: message_id_for(settings, &message.id),
        return_path: return_path_for(settings, &message.id),
        calendar,
        list: kind
            .list()
            .map(|list| ListHeaders { list, unsubscribe: format!("{manage_link}/{}", list.stop_path()) }),
    };
    Ok(Prepared::Send(Box::new(outgoing.build(settings)?)))
}

/// The message of `convoca mail-test`, in English (the operator's command has no language).
fn test_message(settings: &Settings, message: &OutboxMessage, to: Mailbox) -> anyhow::Result<Prepared> {
    let i18n = I18n::new(Language::En);
    let content = crate::email::messages::test_message(i18n, &settings.link("/"));
    let (text, html) = content.render(i18n).context("rendering the email")?;
    let outgoing = Outgoing {
        to,
        subject: content.subject,
        text,
        html,
        message_id: message_id_for(settings, &message.id),
        return_path: return_path_for(settings, &message.id),
        calendar: None,
        list: None,
    };
    Ok(Prepared::Send(Box::new(outgoing.build(settings)?)))
}

/// A password reset mail, in English (no language is stored for organisers).
fn reset_message(
    settings: &Settings,
    message: &OutboxMessage,
    to: Mailbox,
    path: &str,
) -> anyhow::Result<Prepared> {
    let i18n = I18n::new(Language::En);
    let name = to.name.clone().unwrap_or_default();
    let content = crate::email::messages::password_reset_message(i18n, &name, &settings.link(path));
    let (text, html) = content.render(i18n).context("rendering the email")?;
    let outgoing = Outgoing {
        to,
        subject: content.subject,
        text,
        html,
        message_id: message_id_for(settings, &message.id),
        return_path: return_path_for(settings, &message.id),
        calendar: None,
        list: None,
    };
    Ok(Prepared::Send(Box::new(outgoing.build(settings)?)))
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
