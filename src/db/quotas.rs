//! Seat quotas per member government and per partner organisation in a session: what is set
//! (`session_quotas`, `session_member_quotas`), the limit that applies to one organisation, the
//! seats each one holds, and saving the organiser's form. Taking and giving seats stays in
//! [`super::seats`], which asks [`Limits`] under the session's lock.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::Organisation;
use super::schema::{organisations, registrations, session_member_quotas, session_quotas, sessions};
use super::{AnyConnection, seats, write_tx};
use crate::domain::quota::QuotaInput;
use crate::domain::{OrganisationKind, RegistrationStatus, SessionId};

/// What a session's quotas say, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quotas {
    pub member_seats: Option<i32>,
    pub partner_seats: Option<i32>,
    pub show_members_represented: bool,
    /// Seats by organisation id, overriding the default of its kind.
    pub exceptions: HashMap<String, i32>,
}

impl Quotas {
    pub fn any(&self) -> bool {
        self.member_seats.is_some() || self.partner_seats.is_some() || !self.exceptions.is_empty()
    }
}

pub fn of_session(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<Quotas> {
    let row: Option<(Option<i32>, Option<i32>, bool)> = session_quotas::table
        .find(session_id)
        .select((
            session_quotas::member_seats,
            session_quotas::partner_seats,
            session_quotas::show_members_represented,
        ))
        .first(conn)
        .optional()?;
    let exceptions = session_member_quotas::table
        .filter(session_member_quotas::session_id.eq(session_id))
        .select((session_member_quotas::organisation_id, session_member_quotas::seats))
        .load::<(String, i32)>(conn)?
        .into_iter()
        .collect();
    let (member_seats, partner_seats, show_members_represented) = row.unwrap_or_default();
    Ok(Quotas { member_seats, partner_seats, show_members_represented, exceptions })
}

/// The quotas of one session with the kind of each organisation asked about, for deciding
/// seats under the session's lock.
pub struct Limits {
    quotas: Quotas,
    kinds: HashMap<String, Option<OrganisationKind>>,
}

impl Limits {
    pub fn load(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<Self> {
        Ok(Self { quotas: of_session(conn, session_id)?, kinds: HashMap::new() })
    }

    /// The seats `organisation` may hold; `None`: no quota (no quota set for its kind, or a
    /// registrant who typed their organisation, who is bound by the capacity alone).
    pub fn limit_for(
        &mut self,
        conn: &mut AnyConnection,
        organisation: Option<&str>,
    ) -> QueryResult<Option<i64>> {
        let Some(organisation) = organisation else { return Ok(None) };
        if !self.quotas.any() {
            return Ok(None);
        }
        if let Some(seats) = self.quotas.exceptions.get(organisation) {
            return Ok(Some(i64::from(*seats)));
        }
        let kind = match self.kinds.get(organisation) {
            Some(kind) => *kind,
            None => {
                let kind = organisations::table
                    .find(organisation)
                    .select(organisations::kind)
                    .first::<OrganisationKind>(conn)
                    .optional()?;
                self.kinds.insert(organisation.to_owned(), kind);
                kind
            }
        };
        Ok(match kind {
            Some(OrganisationKind::Member) => self.quotas.member_seats.map(i64::from),
            Some(OrganisationKind::Partner) => self.quotas.partner_seats.map(i64::from),
            None => None,
        })
    }
}

/// Seats (confirmed registrations) each organisation holds in the session. Exact under the
/// session's lock.
pub fn held(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<HashMap<String, i64>> {
    Ok(registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .filter(registrations::organisation_id.is_not_null())
        .group_by(registrations::organisation_id)
        .select((registrations::organisation_id, diesel::dsl::count_star()))
        .load::<(Option<String>, i64)>(conn)?
        .into_iter()
        .filter_map(|(id, n)| id.map(|id| (id, n)))
        .collect())
}

/// Seats one organisation holds in the session. Exact under the session's lock.
pub fn held_by(conn: &mut AnyConnection, session_id: &SessionId, organisation: &str) -> QueryResult<i64> {
    registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .filter(registrations::organisation_id.eq(organisation))
        .count()
        .get_result(conn)
}

/// One organisation's line on the quota page: its limit and its registrations by state.
#[derive(Debug, Clone)]
pub struct OrganisationSeats {
    pub organisation: Organisation,
    /// The exception set for it, if any.
    pub exception: Option<i32>,
    /// The limit that applies (exception, else its kind's default).
    pub limit: Option<i32>,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub awaiting: i64,
}

/// Every member government then every partner, by name, with its seats in the session.
pub fn overview(
    conn: &mut AnyConnection,
    session_id: &SessionId,
) -> QueryResult<(Quotas, Vec<OrganisationSeats>)> {
    let quotas = of_session(conn, session_id)?;
    let list: Vec<Organisation> = organisations::table
        .order((organisations::kind.asc(), organisations::name.asc(), organisations::id.asc()))
        .select(Organisation::as_select())
        .load(conn)?;
    let counts: Vec<(Option<String>, RegistrationStatus, i64)> = registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::organisation_id.is_not_null())
        .group_by((registrations::organisation_id, registrations::status))
        .select((registrations::organisation_id, registrations::status, diesel::dsl::count_star()))
        .load(conn)?;
    let count = |id: &str, status: RegistrationStatus| {
        counts
            .iter()
            .filter(|(o, s, _)| o.as_deref() == Some(id) && *s == status)
            .map(|(_, _, n)| *n)
            .sum::<i64>()
    };
    let rows = list
        .into_iter()
        .map(|organisation| {
            let exception = quotas.exceptions.get(&organisation.id).copied();
            let default = if organisation.is_member() { quotas.member_seats } else { quotas.partner_seats };
            OrganisationSeats {
                exception,
                limit: exception.or(default),
                confirmed: count(&organisation.id, RegistrationStatus::Confirmed),
                waitlisted: count(&organisation.id, RegistrationStatus::Waitlisted),
                awaiting: count(&organisation.id, RegistrationStatus::AwaitingApproval),
                organisation,
            }
        })
        .collect();
    Ok((quotas, rows))
}

/// The ids of the network's member governments.
pub fn member_ids(conn: &mut AnyConnection) -> QueryResult<Vec<String>> {
    organisations::table
        .filter(organisations::kind.eq(OrganisationKind::Member))
        .select(organisations::id)
        .load(conn)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveQuotas {
    /// Saved; how many waiting registrations a raised quota gave a seat to.
    Saved {
        promoted: usize,
    },
    NotFound,
    /// A quota above the capacity (the capacity changed since the form was shown).
    AboveCapacity {
        capacity: i32,
    },
    /// An exception names an organisation that is not (or no longer) a member.
    UnknownMember,
}

/// Replaces the session's quotas with `input`, under the session's lock, audited; waiting
/// registrations that a raised quota now lets in take the free seats.
pub fn save(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    input: &QuotaInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<SaveQuotas> {
    write_tx(conn, |conn| {
        seats::lock(conn, session_id)?;
        let Some((title, capacity)) = sessions::table
            .find(session_id)
            .select((sessions::title, sessions::capacity))
            .first::<(String, i32)>(conn)
            .optional()?
        else {
            return Ok(SaveQuotas::NotFound);
        };
        let highest = [input.member_seats, input.partner_seats]
            .into_iter()
            .flatten()
            .chain(input.exceptions.iter().map(|(_, s)| *s))
            .max();
        if highest.is_some_and(|h| h > capacity) {
            return Ok(SaveQuotas::AboveCapacity { capacity });
        }
        let members = member_ids(conn)?;
        if input.exceptions.iter().any(|(o, _)| !members.contains(o)) {
            return Ok(SaveQuotas::UnknownMember);
        }
        diesel::delete(session_quotas::table.find(session_id)).execute(conn)?;
        diesel::insert_into(session_quotas::table)
            .values((
                session_quotas::session_id.eq(session_id),
                session_quotas::member_seats.eq(input.member_seats),
                session_quotas::partner_seats.eq(input.partner_seats),
                session_quotas::show_members_represented.eq(input.show_members_represented),
                session_quotas::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::delete(session_member_quotas::table.filter(session_member_quotas::session_id.eq(session_id)))
            .execute(conn)?;
        for (organisation, seats) in &input.exceptions {
            diesel::insert_into(session_member_quotas::table)
                .values((
                    session_member_quotas::session_id.eq(session_id),
                    session_member_quotas::organisation_id.eq(organisation),
                    session_member_quotas::seats.eq(seats),
                ))
                .execute(conn)?;
        }
        let promoted = seats::promote_waitlisted(conn, session_id, now)?;
        let show = |n: Option<i32>| n.map_or_else(|| "none".to_owned(), |n| n.to_string());
        let details = format!(
            "members {}, partners {}, {} exceptions, members represented {}; {promoted} promoted",
            show(input.member_seats),
            show(input.partner_seats),
            input.exceptions.len(),
            if input.show_members_represented { "shown" } else { "hidden" },
        );
        audit::record(conn, actor, "session.quotas", &title, &details, now)?;
        Ok(SaveQuotas::Saved { promoted })
    })
}

/// The number of member governments with a confirmed registration in the session, when the
/// organiser chose to show it on the public page.
pub fn members_represented(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<Option<i64>> {
    let shown: Option<bool> = session_quotas::table
        .find(session_id)
        .select(session_quotas::show_members_represented)
        .first(conn)
        .optional()?;
    if shown != Some(true) {
        return Ok(None);
    }
    let members: Vec<Option<String>> = registrations::table
        .inner_join(organisations::table.on(registrations::organisation_id.eq(organisations::id.nullable())))
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed))
        .filter(organisations::kind.eq(OrganisationKind::Member))
        .select(registrations::organisation_id)
        .distinct()
        .load(conn)?;
    Ok(Some(members.len() as i64))
}
