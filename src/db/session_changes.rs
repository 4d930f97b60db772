//! Changes to a session that registrants must hear about: a new time, a cancellation, new
//! seats. Each runs in one transaction with the messages it causes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::invitations::notify_session_change;
use super::models::Session;
use super::schema::{registrations, sessions};
use super::{AnyConnection, seats, write_tx};
use crate::domain::WebhookEvent;
use crate::domain::{MessageKind, OutboxStatus, RegistrationStatus, SessionChange, SessionId, SessionStatus};

/// The registrations of a session in one of `statuses`.
fn registrations_in(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    statuses: &[RegistrationStatus],
) -> QueryResult<Vec<String>> {
    registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq_any(statuses))
        .select(registrations::id)
        .load(conn)
}

/// Moves a session. When the time changes, the version goes up (so calendar entries are
/// replaced and reminders rescheduled) and confirmed and waitlisted people are told.
pub fn reschedule(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    starts_at: NaiveDateTime,
    duration_minutes: i32,
    timezone: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    write_tx(conn, |conn| {
        seats::lock(conn, session_id)?;
        let session: Session = sessions::table.find(session_id).select(Session::as_select()).first(conn)?;
        let moved = session.starts_at != starts_at || session.duration_minutes != duration_minutes;
        let version = if moved { session.version + 1 } else { session.version };
        diesel::update(sessions::table.find(session_id))
            .set((
                sessions::starts_at.eq(starts_at),
                sessions::duration_minutes.eq(duration_minutes),
                sessions::timezone.eq(timezone),
                sessions::version.eq(version),
                sessions::updated_at.eq(now),
            ))
            .execute(conn)?;
        if !moved || session.status != SessionStatus::Published {
            return Ok(0);
        }
        // speakers: the invited speakers get their replacing calendar entry too.
        super::speaker_invitations::tell_panel(conn, session_id, MessageKind::SpeakerSessionUpdated, now)?;
        super::webhooks::raise(conn, (WebhookEvent::SessionChanged, session_id), now)?;
        tell_moved(conn, session_id, version, now)
    })
}

/// Tells the people holding a seat or a place on the waiting list that the session moved to
/// its `version`; seat holders get the replacing calendar entry. Under the session's seat lock.
pub fn tell_moved(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    version: i32,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let ids =
        registrations_in(conn, session_id, &[RegistrationStatus::Confirmed, RegistrationStatus::Waitlisted])?;
    notify_session_change(
        conn,
        session_id,
        MessageKind::SessionUpdated,
        Some(SessionChange::Moved),
        ids,
        version,
        now,
    )
}

/// Tells seat holders that what their calendar entry shows changed without a move (the title
/// in their language; the join information is their personal link, which never changes): an
/// update with the replacing entry. Only
/// the registrations whose language is in `languages` are told, all of them when it is `None`.
/// Waitlisted people hold no entry and do not see the join information, so they hear nothing.
/// Under the session's seat lock.
pub fn tell_changed(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    version: i32,
    languages: Option<&[String]>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let confirmed: Vec<(String, String)> = registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .select((registrations::id, registrations::language))
        .load(conn)?;
    let ids = confirmed
        .into_iter()
        .filter(|(_, language)| languages.is_none_or(|wanted| wanted.contains(language)))
        .map(|(id, _)| id)
        .collect();
    let change = Some(SessionChange::Details);
    notify_session_change(conn, session_id, MessageKind::SessionUpdated, change, ids, version, now)
}

/// Cancels a session and tells everyone who asked for a seat; calendar entries are removed.
pub fn cancel(conn: &mut AnyConnection, session_id: &SessionId, now: NaiveDateTime) -> QueryResult<usize> {
    write_tx(conn, |conn| cancel_in_tx(conn, session_id, now))
}

/// [`cancel`] inside the caller's write transaction.
pub fn cancel_in_tx(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    seats::lock(conn, session_id)?;
    let session: Session = sessions::table.find(session_id).select(Session::as_select()).first(conn)?;
    if session.status == SessionStatus::Cancelled {
        return Ok(0);
    }
    let version = session.version + 1;
    diesel::update(sessions::table.find(session_id))
        .set((
            sessions::status.eq(SessionStatus::Cancelled),
            sessions::version.eq(version),
            sessions::updated_at.eq(now),
        ))
        .execute(conn)?;
    // speakers: invited speakers' calendar entries are cancelled (a draft's too).
    super::speaker_invitations::tell_panel(conn, session_id, MessageKind::SpeakerSessionCancelled, now)?;
    if session.status != SessionStatus::Published {
        return Ok(0);
    }
    super::webhooks::raise(conn, (WebhookEvent::SessionCancelled, session_id), now)?;
    let active: Vec<RegistrationStatus> =
        RegistrationStatus::ALL.iter().copied().filter(|s| s.is_active()).collect();
    let ids = registrations_in(conn, session_id, &active)?;
    notify_session_change(conn, session_id, MessageKind::SessionCancelled, None, ids, version, now)
}

/// Changes the number of seats; raising it gives the new seats to the waiting list at once.
pub fn set_capacity(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    capacity: i32,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    write_tx(conn, |conn| {
        seats::lock(conn, session_id)?;
        diesel::update(sessions::table.find(session_id))
            .set((sessions::capacity.eq(capacity), sessions::updated_at.eq(now)))
            .execute(conn)?;
        seats::promote_waitlisted(conn, session_id, now)
    })
}

/// What became of a cancelled session's registrants: how many were told, by where their
/// cancellation email stands (`Sending` counts as queued).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CancellationNotices {
    pub sent: i64,
    pub queued: i64,
    pub failed: i64,
}

impl CancellationNotices {
    pub fn told(&self) -> i64 {
        self.sent + self.queued + self.failed
    }
}

/// The cancellation emails of a session's registrants, counted by their state.
pub fn cancellation_notices(
    conn: &mut AnyConnection,
    session_id: &SessionId,
) -> QueryResult<CancellationNotices> {
    use super::schema::outbox;
    let of_session =
        registrations::table.filter(registrations::session_id.eq(session_id)).select(registrations::id);
    let rows: Vec<(OutboxStatus, i64)> = outbox::table
        .filter(outbox::kind.eq(MessageKind::SessionCancelled))
        .filter(outbox::registration_id.eq_any(of_session.nullable()))
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)?;
    let mut notices = CancellationNotices::default();
    for (status, n) in rows {
        match status {
            OutboxStatus::Sent => notices.sent += n,
            OutboxStatus::Queued | OutboxStatus::Sending => notices.queued += n,
            OutboxStatus::Failed => notices.failed += n,
            OutboxStatus::Skipped => {}
        }
    }
    Ok(notices)
}
