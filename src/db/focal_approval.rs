//! Focal-point approval (`ApprovalMode::FocalPoint`): the private links of focal points (one
//! organisation and one session each, hashed, valid until the session starts), what their page
//! shows, their decisions and the order of their waiting officials, and the daily digests the
//! worker's schedule queues.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::audit;
use super::decisions::{self, Decision, DecisionOutcome};
use super::models::Session;
use super::schema::{focal_links, organisations, registrations, sessions};
use super::{AnyConnection, seats, write_tx};
use crate::domain::{OrganisationKind, RegistrationId, RegistrationStatus, SessionStatus};
use crate::security::{hash_token, new_token};

pub use super::focal_digest::{Digest, digest, schedule_digests};

/// A focal point who has not answered is reminded this long after the last digest.
pub const REMINDER_AFTER: Duration = Duration::days(2);

/// The statuses of officials waiting for something: the focal point's decision, or a seat.
const WAITING: [RegistrationStatus; 2] =
    [RegistrationStatus::AwaitingApproval, RegistrationStatus::Waitlisted];

/// Creates a focal point's link for `organisation_id` and `session` and returns its token;
/// only the hash is stored. It works until the session starts.
pub fn mint(
    conn: &mut AnyConnection,
    organisation_id: &str,
    session: &Session,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let token = new_token();
    diesel::insert_into(focal_links::table)
        .values((
            focal_links::token_hash.eq(hash_token(&token)),
            focal_links::organisation_id.eq(organisation_id),
            focal_links::session_id.eq(&session.id),
            focal_links::created_at.eq(now),
            focal_links::expires_at.eq(session.starts_at),
        ))
        .execute(conn)?;
    Ok(token)
}

/// What a focal point's link opens: their organisation in one session.
#[derive(Debug, Clone)]
pub struct Scope {
    pub organisation_id: String,
    pub organisation: String,
    pub session_id: crate::domain::SessionId,
    /// The link's life is over (the session started): the page says so and changes nothing.
    pub expired: bool,
}

/// How long an expired link is kept, so that it still opens the "session started" page.
pub const EXPIRED_LINK_DAYS: i64 = 30;

/// Deletes links expired more than [`EXPIRED_LINK_DAYS`] ago (the worker's daily run).
pub fn purge_expired(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        focal_links::table.filter(focal_links::expires_at.lt(now - Duration::days(EXPIRED_LINK_DAYS))),
    )
    .execute(conn)
}

/// The scope of a focal point's link, expired or not (`None`: no such link).
pub fn lookup(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> QueryResult<Option<Scope>> {
    let row: Option<(String, String, crate::domain::SessionId, NaiveDateTime)> = focal_links::table
        .inner_join(organisations::table)
        .filter(focal_links::token_hash.eq(hash_token(token)))
        .select((
            focal_links::organisation_id,
            organisations::name,
            focal_links::session_id,
            focal_links::expires_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(organisation_id, organisation, session_id, expires_at)| Scope {
        organisation_id,
        organisation,
        session_id,
        expired: now >= expires_at,
    }))
}

/// The session a focal point's link is for.
pub fn session(conn: &mut AnyConnection, scope: &Scope) -> QueryResult<Session> {
    sessions::table.find(&scope.session_id).select(Session::as_select()).first(conn)
}

/// One of the organisation's registrations on the focal point's page.
#[derive(Debug, Clone)]
pub struct Official {
    pub id: RegistrationId,
    pub name: String,
    pub position: String,
    pub status: RegistrationStatus,
}

/// The organisation's registrations for a session: the waiting ones first, in the focal
/// point's order, then the others by name.
pub fn officials(
    conn: &mut AnyConnection,
    session_id: &crate::domain::SessionId,
    organisation_id: &str,
) -> QueryResult<Vec<Official>> {
    let rows: Vec<(RegistrationId, String, String, RegistrationStatus, Option<i32>)> = registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::organisation_id.eq(organisation_id))
        .filter(registrations::status.ne(RegistrationStatus::Erased))
        .filter(registrations::status.ne(RegistrationStatus::Pending))
        .order((registrations::created_at.asc(), registrations::id.asc()))
        .select((
            registrations::id,
            registrations::name,
            registrations::position,
            registrations::status,
            registrations::focal_rank,
        ))
        .load(conn)?;
    let (mut waiting, mut others): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|(_, _, _, status, _)| WAITING.contains(status));
    waiting.sort_by_key(|(_, _, _, _, rank)| (rank.is_none(), rank.unwrap_or(0)));
    others.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(waiting
        .into_iter()
        .chain(others)
        .map(|(id, name, position, status, _)| Official { id, name, position, status })
        .collect())
}

/// Registrations awaiting approval in a session, by organisation (name, how many, whether a
/// focal point decides for it: a member with a focal point's address); those of no listed
/// organisation come last under an empty name. For the organiser's hub.
pub fn awaiting_by_organisation(
    conn: &mut AnyConnection,
    session_id: &crate::domain::SessionId,
) -> QueryResult<Vec<(String, i64, bool)>> {
    type Listed = Option<(String, OrganisationKind, Option<String>)>;
    let rows: Vec<Listed> = registrations::table
        .left_join(organisations::table)
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::AwaitingApproval))
        .select((organisations::name, organisations::kind, organisations::focal_email).nullable())
        .load(conn)?;
    let mut out: Vec<(String, i64, bool)> = Vec::new();
    for organisation in rows {
        let (name, focal) = match organisation {
            Some((name, kind, email)) => (name, kind == OrganisationKind::Member && email.is_some()),
            None => (String::new(), false),
        };
        match out.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, count, _)) => *count += 1,
            None => out.push((name, 1, focal)),
        }
    }
    out.sort_by(|a, b| (a.0.is_empty(), &a.0).cmp(&(b.0.is_empty(), &b.0)));
    Ok(out)
}

/// Why a focal point's post changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The session has started (or is no longer published): the link's time is over.
    SessionStarted,
    /// The registration is not one of the focal point's government for this session.
    NotYours,
}

/// Whether the registration is one of `scope`'s, and the session still ahead. Under the lock.
fn check(
    conn: &mut AnyConnection,
    scope: &Scope,
    registration_id: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<Result<Session, Refusal>> {
    let session: Session =
        sessions::table.find(&scope.session_id).select(Session::as_select()).first(conn)?;
    if scope.expired || now >= session.starts_at || session.status != SessionStatus::Published {
        return Ok(Err(Refusal::SessionStarted));
    }
    let owner: Option<(crate::domain::SessionId, Option<String>)> = registrations::table
        .find(registration_id)
        .select((registrations::session_id, registrations::organisation_id))
        .first(conn)
        .optional()?;
    match owner {
        Some((session_id, Some(organisation)))
            if session_id == scope.session_id && organisation == scope.organisation_id =>
        {
            Ok(Ok(session))
        }
        _ => Ok(Err(Refusal::NotYours)),
    }
}

/// The name the audit log gives a focal point's actions.
pub fn actor_name(organisation: &str) -> String {
    format!("focal point of {organisation}")
}

/// A focal point approves or declines one of their officials, audited; quotas and capacity
/// are respected by [`decisions::decide_in_tx`].
pub fn decide(
    conn: &mut AnyConnection,
    scope: &Scope,
    registration_id: &RegistrationId,
    decision: Decision,
    now: NaiveDateTime,
) -> QueryResult<Result<DecisionOutcome, Refusal>> {
    write_tx(conn, |conn| {
        seats::lock(conn, &scope.session_id)?;
        if let Err(refusal) = check(conn, scope, registration_id, now)? {
            return Ok(Err(refusal));
        }
        let outcome = decisions::decide_in_tx(conn, registration_id, decision, now)?;
        if outcome != DecisionOutcome::NotApplicable {
            let action = match decision {
                Decision::Approve => "registration.approve",
                Decision::Decline => "registration.decline",
                Decision::Promote => "registration.promote",
                Decision::Cancel => "registration.cancel",
            };
            audit::record_by_focal_point(
                conn,
                &actor_name(&scope.organisation),
                action,
                registration_id.as_ref(),
                &format!("outcome={outcome:?}"),
                now,
            )?;
        }
        Ok(Ok(outcome))
    })
}

/// A focal point moves one waiting official up or down their order; the ranks of the
/// organisation's waiting officials are rewritten 1, 2, 3… Audited.
pub fn reorder(
    conn: &mut AnyConnection,
    scope: &Scope,
    registration_id: &RegistrationId,
    up: bool,
    now: NaiveDateTime,
) -> QueryResult<Result<(), Refusal>> {
    write_tx(conn, |conn| {
        seats::lock(conn, &scope.session_id)?;
        if let Err(refusal) = check(conn, scope, registration_id, now)? {
            return Ok(Err(refusal));
        }
        let mut waiting: Vec<RegistrationId> = officials(conn, &scope.session_id, &scope.organisation_id)?
            .into_iter()
            .filter(|o| WAITING.contains(&o.status))
            .map(|o| o.id)
            .collect();
        let Some(at) = waiting.iter().position(|id| id == registration_id) else {
            return Ok(Ok(()));
        };
        let other = if up { at.checked_sub(1) } else { Some(at + 1).filter(|&i| i < waiting.len()) };
        if let Some(other) = other {
            waiting.swap(at, other);
        }
        for (rank, id) in waiting.iter().enumerate() {
            let rank = i32::try_from(rank + 1).unwrap_or(i32::MAX);
            diesel::update(registrations::table.find(id))
                .set(registrations::focal_rank.eq(rank))
                .execute(conn)?;
        }
        audit::record_by_focal_point(
            conn,
            &actor_name(&scope.organisation),
            "registration.reorder",
            registration_id.as_ref(),
            if up { "moved up" } else { "moved down" },
            now,
        )?;
        Ok(Ok(()))
    })
}

/// Puts `waiting` (registration, organisation, focal rank), in order of arrival, in the order
/// promotion follows: within each organisation the focal point's ranks first (unranked ones
/// after, by arrival), each organisation keeping the places its officials hold in the line.
pub fn in_focal_order<T>(waiting: Vec<(T, Option<String>, Option<i32>)>) -> Vec<(T, Option<String>)> {
    let mut places: HashMap<Option<String>, Vec<usize>> = HashMap::new();
    for (i, (_, organisation, _)) in waiting.iter().enumerate() {
        places.entry(organisation.clone()).or_default().push(i);
    }
    let rank_of = |i: usize| waiting.get(i).and_then(|(_, _, rank)| *rank);
    // `order[place]`: which official stands at that place of the line.
    let mut order: Vec<usize> = (0..waiting.len()).collect();
    for indices in places.values() {
        let mut ranked = indices.clone();
        ranked.sort_by_key(|&i| (rank_of(i).is_none(), rank_of(i).unwrap_or(0), i));
        for (place, official) in indices.iter().zip(ranked) {
            if let Some(slot) = order.get_mut(*place) {
                *slot = official;
            }
        }
    }
    let mut items: Vec<Option<(T, Option<String>)>> =
        waiting.into_iter().map(|(item, organisation, _)| Some((item, organisation))).collect();
    order.into_iter().filter_map(|i| items.get_mut(i).and_then(Option::take)).collect()
}

/// An upcoming session of the network on the focal point's page, with their government's
/// registrations in it by status.
#[derive(Debug, Clone)]
pub struct Upcoming {
    pub session: Session,
    pub counts: Vec<(RegistrationStatus, i64)>,
}

/// The published sessions still ahead, soonest first, in `language`, with the organisation's
/// registrations counted by status.
pub fn upcoming(
    conn: &mut AnyConnection,
    organisation_id: &str,
    language: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<Upcoming>> {
    let list: Vec<Session> = sessions::table
        .filter(sessions::status.eq(SessionStatus::Published))
        .filter(sessions::starts_at.gt(now))
        .order((sessions::starts_at.asc(), sessions::id.asc()))
        .limit(50)
        .select(Session::as_select())
        .load(conn)?;
    let mut out = Vec::with_capacity(list.len());
    for mut session in list {
        let statuses: Vec<RegistrationStatus> = registrations::table
            .filter(registrations::session_id.eq(&session.id))
            .filter(registrations::organisation_id.eq(organisation_id))
            .select(registrations::status)
            .load(conn)?;
        let mut counts: Vec<(RegistrationStatus, i64)> = Vec::new();
        for status in
            statuses.into_iter().filter(|s| s.holds_place() || *s == RegistrationStatus::AwaitingApproval)
        {
            match counts.iter_mut().find(|(s, _)| *s == status) {
                Some((_, n)) => *n += 1,
                None => counts.push((status, 1)),
            }
        }
        super::catalogue::localize(conn, &mut session, language)?;
        out.push(Upcoming { session, counts });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::in_focal_order;

    #[test]
    fn ranks_reorder_within_an_organisation_only() {
        let a = Some("a".to_owned());
        let b = Some("b".to_owned());
        let line = vec![(1, a.clone(), None), (2, b.clone(), None), (3, a.clone(), Some(1)), (4, None, None)];
        let ids: Vec<i32> = in_focal_order(line).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, vec![3, 2, 1, 4]);
    }
}
