//! A session's seats, in one place: the lock that serialises every change to them, the count,
//! the status changes that take or give up a seat, and promotion from the waiting list.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::Session;
use super::schema::{registrations, sessions};
use super::{AnyConnection, invitations, outbox, quotas};
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

/// Gives the registration a seat when one is free in the session and in its organisation's
/// quota, else a place on the waiting list, and queues the message that says which (a place
/// waiting "for your government's seats" when the quota is what is full); returns the new
/// status. Under [`lock`].
pub fn seat_or_waitlist(
    conn: &mut AnyConnection,
    session: &Session,
    registration_id: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<RegistrationStatus> {
    let organisation: Option<String> =
        registrations::table.find(registration_id).select(registrations::organisation_id).first(conn)?;
    // A typed-in organisation has no quota: nothing more to read.
    let quota_full = match &organisation {
        Some(organisation) => {
            match quotas::Limits::load(conn, &session.id)?.limit_for(conn, Some(organisation))? {
                Some(limit) => quotas::held_by(conn, &session.id, organisation)? >= limit,
                None => false,
            }
        }
        None => false,
    };
    let seat_free = confirmed(conn, &session.id)? < i64::from(session.capacity);
    if seat_free && !quota_full {
        set_status(conn, registration_id, RegistrationStatus::Confirmed, now)?;
        invitations::notify(conn, MessageKind::Registered, registration_id, true, now)?;
        super::webhooks::raise(
            conn,
            (WebhookEvent::of_seat(RegistrationStatus::Confirmed), registration_id),
            now,
        )?;
        return Ok(RegistrationStatus::Confirmed);
    }
    set_status(conn, registration_id, RegistrationStatus::Waitlisted, now)?;
    if quota_full {
        let kind = MessageKind::Waitlisted;
        let payload = serde_json::json!({ "reason": WAITING_FOR_QUOTA }).to_string();
        outbox::enqueue(
            conn,
            kind,
            Some(registration_id),
            &format!("{kind}:{registration_id}:{now}"),
            &payload,
            now,
        )?;
    } else {
        invitations::notify(conn, MessageKind::Waitlisted, registration_id, false, now)?;
    }
    super::webhooks::raise(
        conn,
        (WebhookEvent::of_seat(RegistrationStatus::Waitlisted), registration_id),
        now,
    )?;
    Ok(RegistrationStatus::Waitlisted)
}

/// The `reason` in a Waitlisted message's payload when the registration waits for its
/// government's seats (its organisation's quota is full), not for the session's.
pub const WAITING_FOR_QUOTA: &str = "quota";

/// Whether a Waitlisted message's payload says the person waits for their government's seats.
pub fn waits_for_quota(payload: &serde_json::Value) -> bool {
    payload.get("reason").and_then(serde_json::Value::as_str) == Some(WAITING_FOR_QUOTA)
}

/// Fills free seats from the waiting list, earliest first, telling each person; a person
/// whose organisation holds its whole quota is passed over. Must run inside a write
/// transaction that holds the session's [`lock`].
pub fn promote_waitlisted(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    promote_first(conn, session_id, None, now)
}

/// [`promote_waitlisted`] after `released` gave up its seat (cancelled, declined, erased): a
/// seat freed within an organisation's quota goes first to that organisation's waiting list.
pub fn promote_after_release(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    released: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let organisation: Option<String> = registrations::table
        .find(released)
        .select(registrations::organisation_id)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten();
    promote_first(conn, session_id, organisation.as_deref(), now)
}

/// Promotion, `first`'s waiting list (if any) ahead of the others; each organisation's list
/// in its focal point's order, then by arrival. Under [`lock`].
fn promote_first(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    first: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let session: Session = sessions::table.find(session_id).select(Session::as_select()).first(conn)?;
    if !session.is_published() || now >= session.starts_at {
        return Ok(0);
    }
    let mut free = i64::from(session.capacity) - confirmed(conn, session_id)?;
    if free <= 0 {
        return Ok(0);
    }
    let mut limits = quotas::Limits::load(conn, session_id)?;
    let arrivals: Vec<(RegistrationId, Option<String>, Option<i32>)> = registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Waitlisted))
        .order((registrations::waitlisted_at.asc(), registrations::id.asc()))
        .select((registrations::id, registrations::organisation_id, registrations::focal_rank))
        .load(conn)?;
    // Within an organisation, the order its focal point set comes before arrival.
    let mut waiting = super::focal_approval::in_focal_order(arrivals);
    if first.is_some() {
        // A stable sort: each list keeps its order of arrival.
        waiting.sort_by_key(|(_, organisation)| organisation.as_deref() != first);
    }
    let mut held = quotas::held(conn, session_id)?;
    let mut promoted = 0;
    for (id, organisation) in waiting {
        if free <= 0 {
            break;
        }
        if let (Some(organisation), Some(limit)) =
            (&organisation, limits.limit_for(conn, organisation.as_deref())?)
        {
            let holds = held.entry(organisation.clone()).or_insert(0);
            if *holds >= limit {
                continue;
            }
            *holds += 1;
        }
        set_status(conn, &id, RegistrationStatus::Confirmed, now)?;
        invitations::notify(conn, MessageKind::Promoted, &id, true, now)?;
        super::webhooks::raise(conn, (WebhookEvent::RegistrationPromoted, &id), now)?;
        free -= 1;
        promoted += 1;
    }
    Ok(promoted)
}
