//! Calendar invitations: which messages carry a calendar part, and the SEQUENCE each one sends.
//!
//! A registration's calendar entry keeps one UID for the registration's whole life (cancel,
//! register again, promotion), so its SEQUENCE lives with the registration and rises for every
//! message with a calendar part, in the transaction that queues the message. The payload
//! records the number to send. SEQUENCE therefore follows the order in which the changes
//! committed, not the order in which the worker gets the mail out: a retried older message
//! that arrives after a newer one carries the lower number, and calendars keep the newer entry
//! (RFC 5546 section 2.1.5). Raising it at claim time would hand a retried stale message a
//! higher number than the one already delivered.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::outbox::{self, NewMessage};
use super::schema::registrations;
use crate::domain::{MessageKind, RegistrationId, RegistrationStatus, SessionChange, SessionId};

/// Raises one registration's SEQUENCE and returns the new value.
pub fn raise_sequence(conn: &mut AnyConnection, registration_id: &RegistrationId) -> QueryResult<i32> {
    diesel::update(registrations::table.find(registration_id))
        .set(registrations::calendar_sequence.eq(registrations::calendar_sequence + 1))
        .returning(registrations::calendar_sequence)
        .get_result(conn)
}

/// Raises the SEQUENCE of the session's confirmed registrations among `ids` (all confirmed
/// ones when `ids` is `None`); returns each one's new value, by registration id. Under the
/// session's seat lock.
pub fn raise_confirmed_sequences(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    ids: Option<&[String]>,
) -> QueryResult<Vec<(String, i32)>> {
    let confirmed = registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed));
    let raise = registrations::calendar_sequence.eq(registrations::calendar_sequence + 1);
    let returned = (registrations::id, registrations::calendar_sequence);
    match ids {
        None => diesel::update(confirmed).set(raise).returning(returned).get_results(conn),
        Some([]) => Ok(Vec::new()),
        Some(ids) => {
            let mut raised = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(500) {
                raised.extend(
                    diesel::update(confirmed.filter(registrations::id.eq_any(chunk)))
                        .set(raise)
                        .returning(returned)
                        .get_results::<(String, i32)>(conn)?,
                );
            }
            Ok(raised)
        }
    }
}

/// The payload of a message: `fields`, plus the SEQUENCE its calendar part sends, if it has one.
pub fn payload(mut fields: serde_json::Map<String, serde_json::Value>, sequence: Option<i32>) -> String {
    if let Some(sequence) = sequence {
        fields.insert("sequence".into(), sequence.into());
    }
    serde_json::Value::Object(fields).to_string()
}

/// What a session update tells, from its payload (a move when it names nothing).
pub fn change_of(payload: &serde_json::Value) -> SessionChange {
    payload
        .get("change")
        .and_then(serde_json::Value::as_str)
        .and_then(SessionChange::parse)
        .unwrap_or(SessionChange::Moved)
}

/// The SEQUENCE a queued message's calendar part sends; `None` when it carries no calendar.
pub fn sequence_of(payload: &serde_json::Value) -> Option<i32> {
    payload.get("sequence").and_then(serde_json::Value::as_i64).and_then(|s| i32::try_from(s).ok())
}

/// Queues a message of `kind` about one registration, like [`outbox::notify`]; when the kind
/// carries a calendar part for someone who `holds_invitation` (a seat, or one held until this
/// change), the registration's SEQUENCE rises in the same transaction and the message records
/// it.
pub fn notify(
    conn: &mut AnyConnection,
    kind: MessageKind,
    registration_id: &RegistrationId,
    holds_invitation: bool,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let sequence = match kind.calendar(holds_invitation) {
        Some(_) => Some(raise_sequence(conn, registration_id)?),
        None => None,
    };
    let key = match sequence {
        Some(sequence) => format!("{kind}:{registration_id}:{now}:seq{sequence}"),
        None => format!("{kind}:{registration_id}:{now}"),
    };
    outbox::enqueue(conn, kind, Some(registration_id), &key, &payload(Default::default(), sequence), now)
}

/// Queues one message of `kind` about a session change for each registration in `ids`, for
/// the session's `version` (and, for an update, what `change` it tells). Those with a seat get
/// the calendar part (and a raised SEQUENCE); the others, the message alone. Returns how many
/// were queued. Under the session's seat lock.
pub fn notify_session_change(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    kind: MessageKind,
    change: Option<SessionChange>,
    ids: Vec<String>,
    version: i32,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let sequences: std::collections::HashMap<String, i32> = if kind.calendar_method().is_some() {
        raise_confirmed_sequences(conn, session_id, Some(&ids))?.into_iter().collect()
    } else {
        Default::default()
    };
    let messages: Vec<NewMessage> = ids
        .into_iter()
        .map(|id| {
            let sequence = sequences.get(&id).copied();
            let mut fields = serde_json::Map::new();
            fields.insert("version".into(), version.into());
            if let Some(change) = change {
                fields.insert("change".into(), change.as_str().into());
            }
            // Two updates at one version (a new title, then a new join link) are two messages.
            let dedupe_key = match sequence {
                Some(sequence) => format!("{kind}:{id}:{version}:seq{sequence}"),
                None => format!("{kind}:{id}:{version}"),
            };
            NewMessage { kind, dedupe_key, registration_id: id, payload: payload(fields, sequence) }
        })
        .collect();
    outbox::enqueue_many(conn, &messages, now)
}
