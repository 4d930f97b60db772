//! A session's seats, in one place: the lock that serialises every change to them, the count,
//! the status changes that take or give up a seat, and promotion from the waiting list.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::Session;
use super::schema::{registrations, sessions};
use super::{AnyConnection, invitations};
use crate::domain::{MessageKind, RegistrationId, RegistrationStatus, SessionId, WebhookEvent};

/// Serialises writers that change one session's seats. PostgreSQL takes a row lock (diesel's
/// `for_update` does not compile on `MultiBackend`, so it runs on the inner connection, inside
/// the transaction begun on the outer one). SQLite needs nothing: `write_tx` holds the database
/// write lock already.
pub fn lock(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        // A missing session is not an error here: the caller's own lookup tells (a 404, not
        // a 500 for a stale or made-up id).
        sessions::table.find(session_id).select(sessions::id).for_update().first::<String>(pg).optional()?;
    }
    Ok(())
}

/// Seats taken. Exact only under [`lock`].
pub fn confirmed(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<i64> {
    registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .count()
        .get_result(conn)
}

/// Moves a registration to `status`, stamping the time that status records. The statement
/// itself obeys [`RegistrationStatus::can_become`], so a change no status allows (anything on
/// an erased registration) changes nothing, whoever asks; returns whether the row changed.
/// Erasing remembers the status it ended, for the reports' anonymous counts.
pub fn set_status(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    status: RegistrationStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = registrations::table
        .filter(registrations::id.eq(registration_id))
        .filter(registrations::status.eq_any(RegistrationStatus::sources_of(status)));
    let changed = (registrations::status.eq(status), registrations::updated_at.eq(now));
    match status {
        RegistrationStatus::Confirmed => {
            diesel::update(target).set((changed, registrations::confirmed_at.eq(now))).execute(conn)
        }
        RegistrationStatus::Waitlisted => {
            diesel::update(target).set((changed, registrations::waitlisted_at.eq(now))).execute(conn)
        }
        RegistrationStatus::Cancelled => {
            diesel::update(target).set((changed, registrations::cancelled_at.eq(now))).execute(conn)
        }
        RegistrationStatus::Erased => diesel::update(target)
            .set((registrations::erased_from.eq(registrations::status.nullable()), changed))
            .execute(conn),
        RegistrationStatus::Pending | RegistrationStatus::AwaitingApproval | RegistrationStatus::Declined => {
            diesel::update(target).set(changed).execute(conn)
        }
    }
    .map(|rows| rows > 0)
}

/// Gives the registration a seat when one is free, else a place on the waiting list, and
/// queues the message that says which; returns the new status. Under [`lock`].
pub fn seat_or_waitlist(
    conn: &mut AnyConnection,
    session: &Session,
    registration_id: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<RegistrationStatus> {
    let (status, kind) = if confirmed(conn, &session.id)? < i64::from(session.capacity) {
        (RegistrationStatus::Confirmed, MessageKind::Registered)
    } else {
        (RegistrationStatus::Waitlisted, MessageKind::Waitlisted)
    };
    set_status(conn, registration_id, status, now)?;
    invitations::notify(conn, kind, registration_id, status == RegistrationStatus::Confirmed, now)?;
    super::webhooks::raise(conn, (WebhookEvent::of_seat(status), registration_id), now)?;
    Ok(status)
}

/// Fills free seats from the waiting list, earliest first, telling each person. Must run
/// inside a write transaction that holds the session's [`lock`].
pub fn promote_waitlisted(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let session: Session = sessions::table.find(session_id).select(Session::as_select()).first(conn)?;
    if !session.is_published() || now >= session.starts_at {
        return Ok(0);
    }
    let free = i64::from(session.capacity) - confirmed(conn, session_id)?;
    if free <= 0 {
        return Ok(0);
    }
    let next: Vec<RegistrationId> = registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Waitlisted))
        .order((registrations::waitlisted_at.asc(), registrations::id.asc()))
        .limit(free)
        .select(registrations::id)
        .load(conn)?;
    for id in &next {
        set_status(conn, id, RegistrationStatus::Confirmed, now)?;
        invitations::notify(conn, MessageKind::Promoted, id, true, now)?;
        super::webhooks::raise(conn, (WebhookEvent::RegistrationPromoted, id), now)?;
    }
    Ok(next.len())
}
