//! Mail that did not arrive: the last failure of each registration's mail (refused during the
//! SMTP conversation, or reported later by a delivery status notification), and the addresses
//! that bounced for good, to which nothing is sent until an organiser clears them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::models::OutboxMessage;
use super::schema::{mail_failures, outbox, registrations, suppressed_addresses};
use crate::domain::{MessageKind, OutboxStatus, Recipient, RegistrationId, RegistrationStatus, SessionId};

/// A server's answer as stored (the outbox keeps at most this much of it too).
fn truncate(text: &str) -> String {
    text.chars().take(1000).collect()
}

/// The last failed mail of one registration.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_failures)]
pub struct MailFailure {
    pub registration_id: String,
    pub outbox_id: String,
    pub reason: String,
    pub failed_at: NaiveDateTime,
}

/// Whether a message of `kind` goes to the registration's own address (a failure then says
/// the address does not work; mail to a new or previous address says nothing of it).
fn to_registrant(kind: MessageKind) -> bool {
    kind.recipient() == Recipient::Registrant
}

/// Records the result of one message in the registrations' failure flags: a failure to the
/// registrant's address flags the registration, a delivery clears the flag.
pub fn note_result(
    conn: &mut AnyConnection,
    message: &OutboxMessage,
    failure: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let Some(registration_id) = message.registration_id.as_ref() else {
        return Ok(());
    };
    if !to_registrant(message.kind) {
        return Ok(());
    }
    match failure {
        Some(reason) => flag(conn, registration_id, &message.id, reason, now),
        None => clear_flag(conn, registration_id),
    }
}

/// [`note_result`] for several messages delivered: the flags of the registrations they went
/// to are cleared, in one statement.
pub fn note_delivered(conn: &mut AnyConnection, messages: &[&OutboxMessage]) -> QueryResult<()> {
    let ids: Vec<&RegistrationId> = messages
        .iter()
        .filter(|m| to_registrant(m.kind))
        .filter_map(|m| m.registration_id.as_ref())
        .collect();
    for chunk in ids.chunks(500) {
        diesel::delete(mail_failures::table.filter(mail_failures::registration_id.eq_any(chunk)))
            .execute(conn)?;
    }
    Ok(())
}

/// Flags a registration (when it still exists) with the failure of message `outbox_id`.
pub fn flag(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    outbox_id: &str,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let exists: i64 =
        registrations::table.filter(registrations::id.eq(registration_id)).count().get_result(conn)?;
    if exists == 0 {
        return Ok(());
    }
    clear_flag(conn, registration_id)?;
    diesel::insert_into(mail_failures::table)
        .values((
            mail_failures::registration_id.eq(registration_id),
            mail_failures::outbox_id.eq(outbox_id),
            mail_failures::reason.eq(truncate(reason)),
            mail_failures::failed_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn clear_flag(conn: &mut AnyConnection, registration_id: &RegistrationId) -> QueryResult<()> {
    diesel::delete(mail_failures::table.find(registration_id)).execute(conn).map(|_| ())
}

pub fn failure_of(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
) -> QueryResult<Option<MailFailure>> {
    mail_failures::table.find(registration_id).select(MailFailure::as_select()).first(conn).optional()
}

/// The failure reasons of some registrations (one page of a list), by registration id.
pub fn reasons_for(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String)> = mail_failures::table
        .filter(mail_failures::registration_id.eq_any(ids))
        .select((mail_failures::registration_id, mail_failures::reason))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Registrations whose last mail failed, by session (erased ones left out).
pub fn failed_by_session(conn: &mut AnyConnection) -> QueryResult<HashMap<SessionId, i64>> {
    let rows: Vec<(SessionId, i64)> = mail_failures::table
        .inner_join(registrations::table)
        .filter(registrations::status.ne(RegistrationStatus::Erased))
        .group_by(registrations::session_id)
        .select((registrations::session_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// An address that bounced for good.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = suppressed_addresses)]
pub struct Suppressed {
    pub email_normalized: String,
    pub reason: String,
    pub first_bounced_at: NaiveDateTime,
    pub outbox_id: Option<String>,
}

/// Stops mail to `email_normalized`; an address already suppressed keeps its first bounce.
pub fn suppress(
    conn: &mut AnyConnection,
    email_normalized: &str,
    reason: &str,
    outbox_id: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    if suppression_of(conn, email_normalized)?.is_some() {
        return Ok(false);
    }
    diesel::insert_into(suppressed_addresses::table)
        .values((
            suppressed_addresses::email_normalized.eq(email_normalized),
            suppressed_addresses::reason.eq(truncate(reason)),
            suppressed_addresses::first_bounced_at.eq(now),
            suppressed_addresses::outbox_id.eq(outbox_id),
        ))
        .execute(conn)
        .map(|n| n > 0)
}

pub fn suppression_of(conn: &mut AnyConnection, email_normalized: &str) -> QueryResult<Option<Suppressed>> {
    suppressed_addresses::table.find(email_normalized).select(Suppressed::as_select()).first(conn).optional()
}

/// [`suppression_of`] for several addresses at once (normalized), by address; those not
/// suppressed are missing.
pub fn suppressions_of(
    conn: &mut AnyConnection,
    addresses: &[String],
) -> QueryResult<HashMap<String, Suppressed>> {
    if addresses.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<Suppressed> = suppressed_addresses::table
        .filter(suppressed_addresses::email_normalized.eq_any(addresses))
        .select(Suppressed::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|s| (s.email_normalized.clone(), s)).collect())
}

/// Every suppressed address, the newest bounce first.
pub fn suppressed(conn: &mut AnyConnection) -> QueryResult<Vec<Suppressed>> {
    suppressed_addresses::table
        .order((suppressed_addresses::first_bounced_at.desc(), suppressed_addresses::email_normalized.asc()))
        .select(Suppressed::as_select())
        .load(conn)
}

/// Lets mail go to the address again; whether it was suppressed.
pub fn unsuppress(conn: &mut AnyConnection, email_normalized: &str) -> QueryResult<bool> {
    diesel::delete(suppressed_addresses::table.find(email_normalized)).execute(conn).map(|n| n > 0)
}

/// Suppressions first recorded before `cutoff` (retention): how many went.
pub fn forget_suppressions_before(conn: &mut AnyConnection, cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(suppressed_addresses::table.filter(suppressed_addresses::first_bounced_at.lt(cutoff)))
        .execute(conn)
}

/// What a delivery status notification reported about one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// RFC 3463 class 5: the address does not work.
    pub permanent: bool,
    /// What the notice says, e.g. "5.1.1 550 5.1.1 User unknown".
    pub reason: String,
}

/// What became of a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BounceOutcome {
    /// The message is marked failed, its registration flagged, the address suppressed.
    Bounced { registration_id: Option<RegistrationId>, address: Option<String> },
    /// A delay (4.x.x): noted on the message, nothing stopped.
    Delayed,
    /// No such message (forged, or erased since).
    Unknown,
}

/// Applies a notice about message `outbox_id`, inside the caller's write transaction.
pub fn apply(
    conn: &mut AnyConnection,
    outbox_id: &str,
    report: &Report,
    now: NaiveDateTime,
) -> QueryResult<BounceOutcome> {
    let Some(message) = super::outbox::find(conn, outbox_id)? else {
        return Ok(BounceOutcome::Unknown);
    };
    let reason = truncate(&report.reason);
    if !report.permanent {
        diesel::update(outbox::table.find(&message.id))
            .set(outbox::last_error.eq(format!("delayed: {reason}")))
            .execute(conn)?;
        return Ok(BounceOutcome::Delayed);
    }
    diesel::update(outbox::table.find(&message.id))
        .set((
            outbox::status.eq(OutboxStatus::Failed),
            outbox::failed_at.eq(now),
            outbox::last_error.eq(format!("bounced: {reason}")),
        ))
        .execute(conn)?;
    let mut address = None;
    if let Some(registration_id) = message.registration_id.as_ref() {
        let row: Option<(String, Option<String>, RegistrationStatus)> = registrations::table
            .find(registration_id)
            .select((registrations::email_normalized, registrations::pending_email, registrations::status))
            .first(conn)
            .optional()?;
        if let Some((email, pending, _)) = row.filter(|r| r.2 != RegistrationStatus::Erased) {
            let bounced = match message.kind.recipient() {
                Recipient::Registrant => Some(email),
                Recipient::PendingAddress => pending.map(|p| p.to_lowercase()),
                Recipient::PreviousAddress
                | Recipient::Organiser
                | Recipient::FocalPoint
                | Recipient::Speaker => None,
            };
            if let Some(bounced) = bounced {
                suppress(conn, &bounced, &reason, Some(&message.id), now)?;
                address = Some(bounced);
            }
            note_result(conn, &message, Some(&format!("bounced: {reason}")), now)?;
        }
    }
    Ok(BounceOutcome::Bounced { registration_id: message.registration_id, address })
}
