//! The scheduler: turns the clock and each session's reminder schedule into queued messages.
//! Every worker runs it on every tick; unique keys make a second run (or a second worker) add
//! nothing, so a reminder is sent at most once per (registration, offset, session version).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::models::Session;
use super::outbox::{NewMessage, enqueue_many};
use super::schema::{registrations, schedule_runs, sessions};
use super::{AnyConnection, write_tx};
use crate::domain::{FOLLOW_UP_DAYS, MessageKind, RegistrationStatus, SessionStatus};

/// How long after its moment a reminder's step is swept again for confirmations committed
/// late: one whose `confirmed_at` is at or before the moment but whose transaction committed
/// after the first sweep read. A transaction lasts far less than this (the statement timeout
/// is 30 s), so a registration confirmed more than `GRACE` before the moment was committed
/// before it, and the first sweep saw it.
const GRACE: Duration = Duration::minutes(2);

/// How far ahead reminders can be scheduled (the largest sensible offset).
const HORIZON_DAYS: i64 = 60;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Scheduled {
    pub reminders: usize,
    pub follow_ups: usize,
    /// Digests and reminders to focal points (`db/focal_approval.rs`).
    pub focal_digests: usize,
}

pub fn schedule_due(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Scheduled> {
    let candidates: Vec<Session> = sessions::table
        .filter(sessions::status.eq(SessionStatus::Published))
        .filter(sessions::starts_at.gt(now - Duration::days(FOLLOW_UP_DAYS)))
        .filter(sessions::starts_at.le(now + Duration::days(HORIZON_DAYS)))
        .select(Session::as_select())
        .load(conn)?;
    let mut scheduled = Scheduled::default();
    for session in candidates {
        if now < session.starts_at {
            scheduled.reminders += schedule_reminder(conn, &session, now)?;
            scheduled.focal_digests += super::focal_approval::schedule_digests(conn, &session, now)?;
        } else if session.recording_url.is_some()
            && now >= session.ends_at() + Duration::minutes(i64::from(session.follow_up_delay_minutes))
        {
            scheduled.follow_ups += schedule_follow_up(conn, &session, now)?;
        }
    }
    Ok(scheduled)
}

fn step_done(conn: &mut AnyConnection, session: &Session, step: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        schedule_runs::table
            .filter(schedule_runs::session_id.eq(&session.id))
            .filter(schedule_runs::step.eq(step))
            .filter(schedule_runs::version.eq(session.version)),
    ))
    .get_result(conn)
}

fn mark_step_done(
    conn: &mut AnyConnection,
    session: &Session,
    step: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let inserted = diesel::insert_into(schedule_runs::table)
        .values((
            schedule_runs::session_id.eq(&session.id),
            schedule_runs::step.eq(step),
            schedule_runs::version.eq(session.version),
            schedule_runs::done_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Err(e) if super::is_unique_violation(&e) => Ok(()),
        other => other.map(|_| ()),
    }
}

/// Only the latest reminder whose moment has passed is sent: a worker that was down, or a
/// session moved closer, does not produce a burst of stale reminders.
fn schedule_reminder(conn: &mut AnyConnection, session: &Session, now: NaiveDateTime) -> QueryResult<usize> {
    let Some(offset) = session
        .reminder_offsets()
        .into_iter()
        .filter(|offset| session.starts_at - Duration::minutes(i64::from(*offset)) <= now)
        .min()
    else {
        return Ok(0);
    };
    let step = format!("reminder:{offset}");
    let moment = session.starts_at - Duration::minutes(i64::from(offset));
    // The first sweep takes every confirmed registration and marks the step done; the later
    // ones, until `GRACE` after the moment, only those confirmed close enough to the moment to
    // have committed after it. Every tick used to take them all again during the grace, so a
    // worker sending a 10,000-person reminder re-inserted 10,000 rows with each batch.
    let first = !step_done(conn, session, &step)?;
    if !first && now >= moment + GRACE {
        return Ok(0);
    }
    write_tx(conn, |conn| {
        // A reminder whose moment had passed when the person got their seat is skipped.
        let mut recipients = registrations::table
            .filter(registrations::session_id.eq(&session.id))
            .filter(registrations::status.eq(RegistrationStatus::Confirmed))
            .filter(registrations::reminders_opt_out.eq(false))
            .filter(registrations::confirmed_at.le(moment))
            .select(registrations::id)
            .into_boxed();
        if !first {
            recipients = recipients.filter(registrations::confirmed_at.gt(moment - GRACE));
        }
        let recipients: Vec<String> = recipients.load(conn)?;
        let payload = serde_json::json!({ "offset": offset, "version": session.version }).to_string();
        let messages: Vec<NewMessage> = recipients
            .into_iter()
            .map(|id| NewMessage {
                kind: MessageKind::Reminder,
                dedupe_key: format!("{}:{id}:{offset}:{}", MessageKind::Reminder, session.version),
                registration_id: id,
                payload: payload.clone(),
            })
            .collect();
        let added = enqueue_many(conn, &messages, now)?;
        if first {
            mark_step_done(conn, session, &step, now)?;
        }
        Ok(added)
    })
}

fn schedule_follow_up(conn: &mut AnyConnection, session: &Session, now: NaiveDateTime) -> QueryResult<usize> {
    let step = "follow_up";
    if step_done(conn, session, step)? {
        return Ok(0);
    }
    write_tx(conn, |conn| {
        let recipients: Vec<String> = registrations::table
            .filter(registrations::session_id.eq(&session.id))
            .filter(registrations::status.eq(RegistrationStatus::Confirmed))
            .select(registrations::id)
            .load(conn)?;
        let messages: Vec<NewMessage> = recipients
            .into_iter()
            .map(|id| NewMessage {
                kind: MessageKind::FollowUp,
                dedupe_key: format!("{}:{id}", MessageKind::FollowUp),
                registration_id: id,
                payload: "{}".into(),
            })
            .collect();
        let added = enqueue_many(conn, &messages, now)?;
        mark_step_done(conn, session, step, now)?;
        Ok(added)
    })
}

/// How long each kind of personal data is kept (`None`: kept until erased).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Days after a session ends before its registrants' details are removed.
    pub registration_days: Option<i64>,
    /// Days after sending before the stored `.eml` copy of a message is deleted.
    pub mail_copy_days: Option<i64>,
}

/// What one retention run removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Retained {
    pub registrations_purged: usize,
    pub mail_copies_deleted: usize,
    /// Ended background tasks deleted, with their files (`tasks.rs`).
    pub task_files_deleted: usize,
}

/// The retention job: removes the registrations and the stored mail copies whose periods are
/// over. Idempotent, so several workers (or ticks) running it do no harm.
pub fn apply_retention(
    conn: &mut AnyConnection,
    mail_dir: &std::path::Path,
    retention: Retention,
    now: NaiveDateTime,
) -> QueryResult<Retained> {
    let mut done = Retained::default();
    if let Some(days) = retention.registration_days {
        done.registrations_purged = super::privacy::purge(conn, mail_dir, days, now)?;
        // Bounced addresses are kept as long as registrations, then mail may be tried again.
        let cutoff = now - Duration::days(days);
        super::write_tx(conn, |conn| super::bounces::forget_suppressions_before(conn, cutoff))?;
    }
    if let Some(days) = retention.mail_copy_days {
        let cutoff = now - Duration::days(days);
        let recorded = super::outbox::take_copies_before(conn, cutoff)?;
        super::privacy::remove_mail_copies(mail_dir, &recorded);
        done.mail_copies_deleted = super::privacy::sweep_mail_copies(mail_dir, cutoff);
    }
    // speakers: private links whose session is over.
    super::write_tx(conn, |conn| super::speaker_invitations::purge_expired(conn, now))?;
    // webhooks: deliveries are kept 30 days after they ended.
    super::webhooks::apply_retention(conn, now)?;
    // Background tasks' files (uploads, results) are kept a week: their folder is the mail
    // folder's sibling in the data folder.
    if let Some(data_dir) = mail_dir.parent() {
        done.task_files_deleted =
            crate::tasks::apply_retention(conn, &data_dir.join(crate::tasks::FOLDER), now)?;
    }
    Ok(done)
}
