//! An organiser corrects a registration's address after its mail failed, and the mail goes
//! again: a fresh confirmation request while the person has not confirmed (they still confirm
//! from their mailbox), else the message that failed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::Registration;
use super::schema::{outbox, registrations};
use super::{AnyConnection, is_unique_violation, outbox as queue, seats, tokens, write_tx};
use crate::domain::{
    MessageKind, OutboxStatus, Recipient, RegistrationId, RegistrationStatus, SessionId, TokenPurpose,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixOutcome {
    /// The address changed; `resent` is the kind of message queued again (none: nothing had
    /// failed that still applies).
    Changed { resent: Option<MessageKind> },
    /// The registration's address already.
    Same,
    /// Another registration of the session has it.
    Taken,
    /// The address bounced for good; an organiser must clear it first.
    Suppressed,
    /// No such registration in the session (or erased).
    NotFound,
}

/// Replaces the address of a registration of `session_id` with `email` (already checked by
/// the registration form's parser), with an audit entry, and queues the mail again.
pub fn correct(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    registration_id: &RegistrationId,
    email: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<FixOutcome> {
    write_tx(conn, |conn| {
        // The session's lock: the same one registrations and changes of address take.
        seats::lock(conn, session_id)?;
        let Some(current) = registrations::table
            .filter(registrations::id.eq(registration_id))
            .filter(registrations::session_id.eq(session_id))
            .filter(registrations::status.ne(RegistrationStatus::Erased))
            .select(Registration::as_select())
            .first(conn)
            .optional()?
        else {
            return Ok(FixOutcome::NotFound);
        };
        let normalized = email.to_lowercase();
        if normalized == current.email_normalized {
            return Ok(FixOutcome::Same);
        }
        let taken: i64 = registrations::table
            .filter(registrations::session_id.eq(session_id))
            .filter(registrations::email_normalized.eq(&normalized))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Ok(FixOutcome::Taken);
        }
        if super::bounces::suppression_of(conn, &normalized)?.is_some() {
            return Ok(FixOutcome::Suppressed);
        }
        let changed = diesel::update(registrations::table.find(&current.id))
            .set((
                registrations::email.eq(email),
                registrations::email_normalized.eq(&normalized),
                registrations::updated_at.eq(now),
            ))
            .execute(conn);
        match changed {
            Err(e) if is_unique_violation(&e) => return Ok(FixOutcome::Taken),
            other => other?,
        };
        // Links mailed to the wrong address stop working.
        tokens::revoke(conn, &current.id, TokenPurpose::Confirm)?;
        super::bounces::clear_flag(conn, &current.id)?;
        let resent = if current.status == RegistrationStatus::Pending {
            queue::notify(conn, MessageKind::ConfirmRequest, &current.id, now)?;
            Some(MessageKind::ConfirmRequest)
        } else {
            resend_last_failed(conn, &current.id, now)?
        };
        // The audit entry names the registration and its new address (erasure pseudonymises
        // it); the wrong address is not kept.
        let details = format!(
            "session={session_id} registration={} address corrected; resent={}",
            current.id,
            resent.map_or_else(|| "nothing".to_owned(), |k| k.to_string())
        );
        audit::record(conn, actor, "registration.email-correct", email, &details, now)?;
        Ok(FixOutcome::Changed { resent })
    })
}

/// Queues again the newest failed message to the registrant's own address.
fn resend_last_failed(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<Option<MessageKind>> {
    let failed: Vec<(String, MessageKind, String)> = outbox::table
        .filter(outbox::registration_id.eq(registration_id))
        .filter(outbox::status.eq(OutboxStatus::Failed))
        .order(outbox::created_at.desc())
        .select((outbox::id, outbox::kind, outbox::payload))
        .load(conn)?;
    let Some((id, kind, payload)) =
        failed.into_iter().find(|(_, kind, _)| kind.recipient() == Recipient::Registrant)
    else {
        return Ok(None);
    };
    queue::enqueue(conn, kind, Some(registration_id), &format!("resend:{id}:{now}"), &payload, now)?;
    Ok(Some(kind))
}
