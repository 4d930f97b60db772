//! Joins through personal join links: the moment a confirmed registrant pressed "Join now"
//! (the first and the last time), the live count the organiser sees, and the organiser's
//! explicit choice to mark those who joined as attended. A join is evidence, never attendance
//! by itself.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use super::admin_registrations::mark;
use super::audit::{self, Actor};
use super::models::{Registration, Session};
use super::schema::{registration_joins, registrations, sessions};
use super::{AnyConnection, tokens, write_tx};
use crate::domain::{JoinState, JoinWindow, RegistrationId, RegistrationStatus, SessionId, TokenPurpose};

/// The join window of `session` when the page opens `opens_before` its start.
pub fn window(session: &Session, opens_before: Duration) -> JoinWindow {
    JoinWindow { starts_at: session.starts_at, ends_at: session.ends_at(), opens_before }
}

/// What the join page says now to the holder of `registration`'s link.
pub fn state_of(
    registration: &Registration,
    session: &Session,
    opens_before: Duration,
    now: NaiveDateTime,
) -> JoinState {
    JoinState::of(
        registration.status,
        session.is_cancelled(),
        session.join_url.is_some(),
        window(session, opens_before),
        now,
    )
}

/// What pressing "Join now" did.
pub enum JoinOutcome {
    /// Recorded: on to the platform's address.
    Go(String),
    /// Not let in (the state changed since the page was shown): the page again, as it is now.
    Refused(Box<(Registration, Session)>),
}

/// Records a join by the registration of `registration_id` and answers the platform's
/// address, when its state lets it in now (checked again inside the transaction: the person
/// may have cancelled, the session moved or been cancelled since the page was shown).
pub fn join(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    opens_before: Duration,
    now: NaiveDateTime,
) -> QueryResult<Option<JoinOutcome>> {
    write_tx(conn, |conn| {
        let Some((registration, session)) = super::registrations::with_session(conn, registration_id)? else {
            return Ok(None);
        };
        let address = session.join_url.clone();
        match (state_of(&registration, &session, opens_before, now), address) {
            (JoinState::Open, Some(address)) => {
                record(conn, &registration.id, &session.id, now)?;
                Ok(Some(JoinOutcome::Go(address)))
            }
            _ => Ok(Some(JoinOutcome::Refused(Box::new((registration, session))))),
        }
    })
}

/// The registration a live join link points to, with its session.
pub fn lookup(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(Registration, Session)>> {
    tokens::lookup(conn, token, TokenPurpose::Join, now)
}

/// The first join creates the row, later ones move its last time and count.
fn record(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    session_id: &SessionId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    if touch(conn, registration_id, now)? {
        return Ok(());
    }
    // A savepoint: on PostgreSQL a failed insert would otherwise end the whole transaction.
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(registration_joins::table)
            .values((
                registration_joins::registration_id.eq(registration_id),
                registration_joins::session_id.eq(session_id),
                registration_joins::first_joined_at.eq(now),
                registration_joins::last_joined_at.eq(now),
                registration_joins::times.eq(1),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(()),
        // Another press of the same person got there first: count this one on its row.
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            touch(conn, registration_id, now).map(|_| ())
        }
        Err(e) => Err(e),
    }
}

fn touch(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(registration_joins::table.find(registration_id))
        .set((
            registration_joins::last_joined_at.eq(now),
            registration_joins::times.eq(registration_joins::times + 1),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// The confirmed registrations of a session that joined through their link.
fn joined_ids(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<Vec<String>> {
    registration_joins::table
        .inner_join(registrations::table)
        .filter(registration_joins::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .select(registrations::id)
        .load(conn)
}

/// How many confirmed registrations of the session joined (the hub's "joined / confirmed").
pub fn joined_count(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<i64> {
    registration_joins::table
        .inner_join(registrations::table)
        .filter(registration_joins::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .count()
        .get_result(conn)
}

/// The organiser's explicit choice: every confirmed registration that joined is marked as
/// attended (nobody is marked absent), audited. `None` for an unknown session.
pub fn mark_joined_attended(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<usize>> {
    write_tx(conn, |conn| {
        let Some(title) =
            sessions::table.find(session_id).select(sessions::title).first::<String>(conn).optional()?
        else {
            return Ok(None);
        };
        let ids = joined_ids(conn, session_id)?;
        let marked = mark(conn, session_id, &ids, true, now)?;
        audit::record(
            conn,
            actor,
            "attendance.from-joins",
            &title,
            &format!("{marked} registrations that joined marked attended"),
            now,
        )?;
        Ok(Some(marked))
    })
}

/// A registration's joins, for the person's download.
pub fn of(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
) -> QueryResult<Option<(NaiveDateTime, NaiveDateTime, i32)>> {
    registration_joins::table
        .find(registration_id)
        .select((
            registration_joins::first_joined_at,
            registration_joins::last_joined_at,
            registration_joins::times,
        ))
        .first(conn)
        .optional()
}

/// Erasure and retention: the registration's joins go.
pub fn forget(conn: &mut AnyConnection, registration_id: &RegistrationId) -> QueryResult<()> {
    diesel::delete(registration_joins::table.find(registration_id)).execute(conn).map(|_| ())
}

/// A fresh join token for a confirmed registration (the manage page's calendar download);
/// `None` for anyone else. Minting changes nothing about the registration: a link scanner
/// that opens the download only adds a link that ends with the others.
pub fn mint_for(
    conn: &mut AnyConnection,
    registration: &Registration,
    session: &Session,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    if registration.status != RegistrationStatus::Confirmed {
        return Ok(None);
    }
    write_tx(conn, |conn| tokens::mint(conn, &registration.id, TokenPurpose::Join, session, now).map(Some))
}
