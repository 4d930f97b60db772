//! An organiser's decisions on single registrations (approve, decline, promote, cancel), each
//! with the email it causes, under the session's seat lock.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::Session;
use super::schema::{registrations, sessions};
use super::{AnyConnection, invitations, outbox, seats, write_tx};
use crate::domain::WebhookEvent;
use crate::domain::{MessageKind, RegistrationId, RegistrationStatus, SessionId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Give a seat (or a place on the waiting list when the session is full).
    Approve,
    Decline,
    /// Move from the waiting list to a seat, even past capacity.
    Promote,
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionOutcome {
    Confirmed,
    Waitlisted,
    Declined,
    Cancelled,
    /// The registration was not in a state the decision applies to.
    NotApplicable,
}

/// An organiser's decision on one registration, with the email it causes, in one transaction.
pub fn decide(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    decision: Decision,
    now: NaiveDateTime,
) -> QueryResult<DecisionOutcome> {
    write_tx(conn, |conn| decide_in_tx(conn, registration_id, decision, now))
}

/// [`decide`] inside a write transaction the caller holds (to add its audit entry to it).
pub fn decide_in_tx(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    decision: Decision,
    now: NaiveDateTime,
) -> QueryResult<DecisionOutcome> {
    use RegistrationStatus as S;
    let Some(session_id) = registrations::table
        .find(registration_id)
        .select(registrations::session_id)
        .first::<SessionId>(conn)
        .optional()?
    else {
        return Ok(DecisionOutcome::NotApplicable);
    };
    seats::lock(conn, &session_id)?;
    // Read under the lock: the state seen before it may be stale.
    let status: S = registrations::table.find(registration_id).select(registrations::status).first(conn)?;
    let session: Session = sessions::table.find(&session_id).select(Session::as_select()).first(conn)?;
    let outcome = match (decision, status) {
        (Decision::Approve, S::AwaitingApproval | S::Declined) => {
            match seats::seat_or_waitlist(conn, &session, registration_id, now)? {
                S::Confirmed => DecisionOutcome::Confirmed,
                _ => DecisionOutcome::Waitlisted,
            }
        }
        (Decision::Decline, S::AwaitingApproval | S::Waitlisted | S::Pending) => {
            seats::set_status(conn, registration_id, S::Declined, now)?;
            outbox::notify(conn, MessageKind::Declined, registration_id, now)?;
            DecisionOutcome::Declined
        }
        (Decision::Promote, S::Waitlisted | S::AwaitingApproval) => {
            seats::set_status(conn, registration_id, S::Confirmed, now)?;
            invitations::notify(conn, MessageKind::Promoted, registration_id, true, now)?;
            super::webhooks::raise(conn, (WebhookEvent::RegistrationPromoted, registration_id), now)?;
            DecisionOutcome::Confirmed
        }
        (Decision::Cancel, S::Pending | S::AwaitingApproval | S::Confirmed | S::Waitlisted) => {
            seats::set_status(conn, registration_id, S::Cancelled, now)?;
            if status != S::Pending {
                invitations::notify(
                    conn,
                    MessageKind::Cancelled,
                    registration_id,
                    status == S::Confirmed,
                    now,
                )?;
                super::webhooks::raise(conn, (WebhookEvent::RegistrationCancelled, registration_id), now)?;
            }
            seats::promote_after_release(conn, &session.id, registration_id, now)?;
            DecisionOutcome::Cancelled
        }
        _ => DecisionOutcome::NotApplicable,
    };
    Ok(outcome)
}
