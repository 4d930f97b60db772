//! The focal points' digests: the worker's schedule queues one a day at most per member with
//! officials awaiting approval (or a reminder when they still wait), and what a digest lists
//! when it is sent.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::focal_approval::{REMINDER_AFTER, mint};
use super::models::{Session, new_id};
use super::schema::{focal_digests, organisations, registrations, sessions};
use super::{AnyConnection, is_unique_violation, outbox, write_tx};
use crate::domain::{ApprovalMode, MessageKind, OrganisationKind, RegistrationStatus, SessionStatus};

/// Queues the day's digests (and reminders) of focal-point sessions: for each member with a
/// focal point's address and officials awaiting approval, at most one message a day; a digest
/// when some registered since the last one, a reminder when the last one is two days old and
/// some still wait. Returns how many were queued.
pub fn schedule_digests(
    conn: &mut AnyConnection,
    session: &Session,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    if session.approval_mode != ApprovalMode::FocalPoint || now >= session.starts_at {
        return Ok(0);
    }
    let waiting: Vec<(String, NaiveDateTime)> = registrations::table
        .inner_join(organisations::table)
        .filter(registrations::session_id.eq(&session.id))
        .filter(registrations::status.eq(RegistrationStatus::AwaitingApproval))
        .filter(organisations::kind.eq(OrganisationKind::Member))
        .filter(organisations::focal_email.is_not_null())
        .select((organisations::id, registrations::updated_at))
        .load(conn)?;
    let mut latest: HashMap<String, NaiveDateTime> = HashMap::new();
    for (organisation, at) in waiting {
        let entry = latest.entry(organisation).or_insert(at);
        *entry = (*entry).max(at);
    }
    let today = now.date().to_string();
    let mut queued = 0;
    for (organisation, newest) in latest {
        let queue = write_tx(conn, |conn| -> QueryResult<bool> {
            let last: Option<NaiveDateTime> = focal_digests::table
                .filter(focal_digests::session_id.eq(&session.id))
                .filter(focal_digests::organisation_id.eq(&organisation))
                .select(diesel::dsl::max(focal_digests::queued_at))
                .first(conn)?;
            let reminder = match last {
                None => false,
                // At most one a day: 24 hours since the last one.
                Some(last) if now - last < Duration::days(1) => return Ok(false),
                Some(last) if newest > last => false,
                Some(last) if now - last >= REMINDER_AFTER => true,
                Some(_) => return Ok(false),
            };
            diesel::insert_into(focal_digests::table)
                .values((
                    focal_digests::session_id.eq(&session.id),
                    focal_digests::organisation_id.eq(&organisation),
                    focal_digests::sent_on.eq(&today),
                    focal_digests::reminder.eq(reminder),
                    focal_digests::queued_at.eq(now),
                ))
                .execute(conn)?;
            let payload = serde_json::json!({
                "session_id": session.id,
                "organisation_id": organisation,
                "reminder": reminder,
                "since": last.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
            })
            .to_string();
            let kind = MessageKind::FocalDigest;
            let key = format!("{kind}:{}:{organisation}:{today}:{}", session.id, new_id());
            outbox::enqueue(conn, kind, None, &key, &payload, now)?;
            Ok(true)
        });
        match queue {
            Ok(true) => queued += 1,
            Ok(false) => {}
            // Another worker queued it first.
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(queued)
}

/// What the worker needs to write a digest, read when it is claimed.
#[derive(Debug, Clone)]
pub struct Digest {
    pub organisation: String,
    pub focal_name: String,
    pub focal_email: String,
    pub language: String,
    /// In the focal point's language.
    pub session: Session,
    pub reminder: bool,
    /// The officials the message lists: the new ones (a digest) or all who wait (a reminder).
    pub names: Vec<String>,
    /// The path of the fresh link.
    pub path: String,
}

/// Gathers a digest named in an outbox payload and mints its link; `Err` says why it is no
/// longer sent (the focal point is gone, the session started, nobody waits).
pub fn digest(
    conn: &mut AnyConnection,
    payload: &serde_json::Value,
    now: NaiveDateTime,
) -> QueryResult<Result<Digest, String>> {
    let text = |key: &str| payload.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
    let (Some(session_id), Some(organisation_id)) = (text("session_id"), text("organisation_id")) else {
        return Ok(Err("the digest names no session or organisation".into()));
    };
    let reminder = payload.get("reminder").and_then(serde_json::Value::as_bool).unwrap_or(false);
    let since = text("since").and_then(|t| NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S").ok());
    let organisation: Option<(String, String, Option<String>, String)> = organisations::table
        .find(&organisation_id)
        .select((
            organisations::name,
            organisations::focal_name,
            organisations::focal_email,
            organisations::focal_language,
        ))
        .first(conn)
        .optional()?;
    let Some((organisation, focal_name, Some(focal_email), language)) = organisation else {
        return Ok(Err("the organisation has no focal point any more".into()));
    };
    let Some(mut session) =
        sessions::table.find(&session_id).select(Session::as_select()).first::<Session>(conn).optional()?
    else {
        return Ok(Err("the session is gone".into()));
    };
    if session.status != SessionStatus::Published || now >= session.starts_at {
        return Ok(Err("the session is no longer ahead".into()));
    }
    let waiting: Vec<(String, NaiveDateTime)> = registrations::table
        .filter(registrations::session_id.eq(&session.id))
        .filter(registrations::organisation_id.eq(&organisation_id))
        .filter(registrations::status.eq(RegistrationStatus::AwaitingApproval))
        .order((registrations::created_at.asc(), registrations::id.asc()))
        .select((registrations::name, registrations::updated_at))
        .load(conn)?;
    if waiting.is_empty() {
        return Ok(Err("nobody waits for the focal point any more".into()));
    }
    let names: Vec<String> = waiting
        .into_iter()
        .filter(|(_, at)| reminder || since.is_none_or(|since| *at > since))
        .map(|(name, _)| name)
        .collect();
    super::catalogue::localize(conn, &mut session, &language)?;
    let token = mint(conn, &organisation_id, &session, now)?;
    Ok(Ok(Digest {
        organisation,
        focal_name,
        focal_email,
        language,
        session,
        reminder,
        names,
        path: format!("/focal/{token}"),
    }))
}
