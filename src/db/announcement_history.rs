//! What became of a session's announcements: each one with the state of its messages (to
//! registrants and to focal points), and putting its failed messages back in the queue. The
//! announcements themselves (audience, texts per language, queueing) are `db::announcements`.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::announcements::{Payload, focal_prefix};
use super::audit::{self, Actor};
use super::models::Session;
use super::schema::{organisations, outbox as outbox_table, registrations};
use super::{AnyConnection, write_tx};
use crate::domain::{MessageKind, OutboxStatus, SessionId};

/// One message of a past announcement.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub name: String,
    pub email: String,
    pub status: OutboxStatus,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub attempts: i32,
}

/// A past announcement with the state of each of its messages.
#[derive(Debug, Clone)]
pub struct Sent {
    pub id: String,
    pub subject: String,
    pub audience: String,
    pub by: String,
    pub created_at: NaiveDateTime,
    pub deliveries: Vec<Delivery>,
}

impl Delivery {
    /// The server's last answer matters while the message waits for a retry or has failed.
    pub fn shows_error(&self) -> bool {
        matches!(self.status, OutboxStatus::Failed | OutboxStatus::Queued)
    }
}

impl Sent {
    pub fn count(&self, status: OutboxStatus) -> usize {
        self.deliveries.iter().filter(|d| d.status == status).count()
    }

    pub fn count_sent(&self) -> usize {
        self.count(OutboxStatus::Sent)
    }

    pub fn count_failed(&self) -> usize {
        self.count(OutboxStatus::Failed)
    }

    pub fn count_skipped(&self) -> usize {
        self.count(OutboxStatus::Skipped)
    }

    /// Messages still on their way (queued, or being sent).
    pub fn pending(&self) -> usize {
        self.count(OutboxStatus::Queued) + self.count(OutboxStatus::Sending)
    }
}

type HistoryRow =
    (String, OutboxStatus, Option<String>, Option<NaiveDateTime>, i32, NaiveDateTime, String, String);

type FocalHistoryRow = (String, OutboxStatus, Option<String>, Option<NaiveDateTime>, i32, NaiveDateTime);

/// The announcement id inside a dedupe key `announcement:<announcement id>:<registration id>`.
fn announcement_of(dedupe_key: &str) -> Option<&str> {
    dedupe_key.strip_prefix(MessageKind::Announcement.as_str())?.strip_prefix(':')?.split(':').next()
}

/// The session's announcements, newest first, each with its messages. Two queries: the
/// messages, then one payload per announcement (the payloads are the same for all its
/// messages, and the body may be long).
pub fn history(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<Vec<Sent>> {
    let rows: Vec<HistoryRow> = outbox_table::table
        .inner_join(registrations::table)
        .filter(outbox_table::kind.eq(MessageKind::Announcement))
        .filter(registrations::session_id.eq(session_id))
        .order((outbox_table::created_at.desc(), registrations::name.asc(), outbox_table::id.asc()))
        .select((
            outbox_table::dedupe_key,
            outbox_table::status,
            outbox_table::last_error,
            outbox_table::sent_at,
            outbox_table::attempts,
            outbox_table::created_at,
            registrations::name,
            registrations::email,
        ))
        .load(conn)?;
    let mut order: Vec<String> = Vec::new();
    let mut sample_keys: Vec<String> = Vec::new();
    let mut by_id: HashMap<String, Sent> = HashMap::new();
    for (dedupe_key, status, last_error, sent_at, attempts, created_at, name, email) in rows {
        let Some(id) = announcement_of(&dedupe_key) else { continue };
        let entry = by_id.entry(id.to_owned()).or_insert_with(|| {
            order.push(id.to_owned());
            sample_keys.push(dedupe_key.clone());
            Sent {
                id: id.to_owned(),
                subject: String::new(),
                audience: String::new(),
                by: String::new(),
                created_at,
                deliveries: Vec::new(),
            }
        });
        entry.deliveries.push(Delivery { name, email, status, last_error, sent_at, attempts });
    }
    // Messages to focal points: their organisation is in the key; its name and address now.
    let focal: Vec<FocalHistoryRow> = outbox_table::table
        .filter(outbox_table::kind.eq(MessageKind::FocalPointAnnouncement))
        .filter(outbox_table::dedupe_key.like(format!("{}%", focal_prefix(session_id))))
        .order((outbox_table::created_at.desc(), outbox_table::id.asc()))
        .select((
            outbox_table::dedupe_key,
            outbox_table::status,
            outbox_table::last_error,
            outbox_table::sent_at,
            outbox_table::attempts,
            outbox_table::created_at,
        ))
        .load(conn)?;
    let prefix = focal_prefix(session_id);
    let organisation_ids: Vec<String> = focal
        .iter()
        .filter_map(|(key, ..)| key.strip_prefix(&prefix)?.split(':').nth(1).map(str::to_owned))
        .collect();
    let mut names: HashMap<String, (String, String, Option<String>)> = HashMap::new();
    for chunk in organisation_ids.chunks(500) {
        let rows: Vec<(String, String, String, Option<String>)> = organisations::table
            .filter(organisations::id.eq_any(chunk))
            .select((
                organisations::id,
                organisations::name,
                organisations::focal_name,
                organisations::focal_email,
            ))
            .load(conn)?;
        names.extend(rows.into_iter().map(|(id, name, focal_name, email)| (id, (name, focal_name, email))));
    }
    for (dedupe_key, status, last_error, sent_at, attempts, created_at) in focal {
        let mut parts = dedupe_key.strip_prefix(&prefix).unwrap_or_default().split(':');
        let (Some(id), Some(organisation)) = (parts.next(), parts.next()) else { continue };
        let entry = by_id.entry(id.to_owned()).or_insert_with(|| {
            order.push(id.to_owned());
            sample_keys.push(dedupe_key.clone());
            Sent {
                id: id.to_owned(),
                subject: String::new(),
                audience: String::new(),
                by: String::new(),
                created_at,
                deliveries: Vec::new(),
            }
        });
        let (name, email) = match names.get(organisation) {
            Some((name, focal_name, email)) if focal_name.is_empty() => (name.clone(), email.clone()),
            Some((name, focal_name, email)) => (format!("{focal_name} ({name})"), email.clone()),
            None => (String::new(), None),
        };
        entry.deliveries.push(Delivery {
            name,
            email: email.unwrap_or_default(),
            status,
            last_error,
            sent_at,
            attempts,
        });
    }
    order.sort_by(|a, b| {
        let at = |id: &String| by_id.get(id).map(|s| s.created_at);
        at(b).cmp(&at(a))
    });
    for chunk in sample_keys.chunks(500) {
        let payloads: Vec<String> = outbox_table::table
            .filter(outbox_table::dedupe_key.eq_any(chunk))
            .select(outbox_table::payload)
            .load(conn)?;
        for payload in payloads {
            let Ok(payload) = serde_json::from_str::<Payload>(&payload) else { continue };
            if let Some(sent) = by_id.get_mut(&payload.announcement) {
                (sent.subject, sent.audience, sent.by) = (payload.subject, payload.audience, payload.by);
            }
        }
    }
    Ok(order.into_iter().filter_map(|id| by_id.remove(&id)).collect())
}

/// Puts the failed messages of one announcement of the session back in the queue (their
/// attempts are kept, so the worker's limit still applies), with an audit entry, in one
/// transaction. Returns how many were queued again.
pub fn retry_failed(
    conn: &mut AnyConnection,
    session: &Session,
    announcement_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    write_tx(conn, |conn| {
        let failed: Vec<(String, String)> = outbox_table::table
            .inner_join(registrations::table)
            .filter(outbox_table::kind.eq(MessageKind::Announcement))
            .filter(outbox_table::status.eq(OutboxStatus::Failed))
            .filter(registrations::session_id.eq(&session.id))
            .select((outbox_table::id, outbox_table::dedupe_key))
            .load(conn)?;
        let mut ids: Vec<String> = failed
            .into_iter()
            .filter(|(_, key)| announcement_of(key) == Some(announcement_id))
            .map(|(id, _)| id)
            .collect();
        let focal_key = format!("{}{announcement_id}:%", focal_prefix(&session.id));
        ids.extend(
            outbox_table::table
                .filter(outbox_table::kind.eq(MessageKind::FocalPointAnnouncement))
                .filter(outbox_table::status.eq(OutboxStatus::Failed))
                .filter(outbox_table::dedupe_key.like(focal_key))
                .select(outbox_table::id)
                .load::<String>(conn)?,
        );
        let mut queued = 0;
        for chunk in ids.chunks(500) {
            queued += diesel::update(outbox_table::table.filter(outbox_table::id.eq_any(chunk)))
                .set((
                    outbox_table::status.eq(OutboxStatus::Queued),
                    outbox_table::next_attempt_at.eq(now),
                    outbox_table::locked_until.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            "announcement.retry",
            &session.title,
            &format!("session={} announcement={announcement_id} queued={queued}", session.id),
            now,
        )?;
        Ok(queued)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_announcement_is_read_from_the_dedupe_key() {
        let key = "announcement:0193a1b2-0000-7000-8000-000000000001:0193a1b2-0000-7000-8000-000000000002";
        assert_eq!(announcement_of(key), Some("0193a1b2-0000-7000-8000-000000000001"));
        assert_eq!(announcement_of("reminder:x:y"), None);
    }
}
