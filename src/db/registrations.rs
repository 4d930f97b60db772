//! Registration writes. Each one runs in a single transaction together with the emails it
//! causes, so a registration is never stored without its message, nor a message without it.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::models::{Registration, Session, new_id};
use super::schema::{organisations, registration_tokens, registrations, sessions};
use super::{AnyConnection, is_unique_violation, lock_session_row, outbox, write_tx};
use crate::domain::{
    CONFIRM_LINK_DAYS, CONSENT_VERSION, ConsentPurpose, FOLLOW_UP_DAYS, MAX_CONFIRMATION_MAILS_PER_HOUR,
    OrganisationChoice, RegistrationInput, RegistrationStatus,
};
use crate::security::{hash_token, new_token};

/// Message kinds written to the outbox by registration changes.
pub mod kinds {
    pub const CONFIRM_REQUEST: &str = "confirm_request";
    pub const ALREADY_REGISTERED: &str = "already_registered";
    pub const REGISTERED: &str = "registered";
    pub const WAITLISTED: &str = "waitlisted";
    pub const PROMOTED: &str = "promoted";
    pub const CANCELLED: &str = "cancelled";
    pub const REMINDER: &str = "reminder";
    pub const SESSION_UPDATED: &str = "session_updated";
    pub const SESSION_CANCELLED: &str = "session_cancelled";
    pub const FOLLOW_UP: &str = "follow_up";
    pub const AWAITING_APPROVAL: &str = "awaiting_approval";
    pub const DECLINED: &str = "declined";
    pub const ANNOUNCEMENT: &str = "announcement";
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// A confirmation (or, for someone already registered, a reminder with their link) is
    /// queued, or was held back by the per-hour cap. The page says the same in every case.
    Accepted,
    NotFound,
    Closed,
    UnknownOrganisation,
}

/// A rate limit checked and counted in the same transaction as the request it limits.
#[derive(Debug, Clone)]
pub struct RateLimit {
    pub key: String,
    pub window: Duration,
    pub max: i64,
}

/// Records a registration request and queues its confirmation email, counted against
/// `limit` in the same transaction (one commit per request); `None` when the limit is reached,
/// and then nothing is written.
///
/// The same email for the same session keeps one registration: a pending one gets its details
/// updated and a fresh confirmation; a confirmed or waitlisted one gets a message with its
/// manage link; a cancelled one starts again as pending.
pub fn submit_within_limit(
    conn: &mut AnyConnection,
    session_id: &str,
    input: &RegistrationInput,
    limit: Option<&RateLimit>,
    now: NaiveDateTime,
) -> QueryResult<Option<SubmitOutcome>> {
    // Two first submissions with one address can race on PostgreSQL; the loser sees the unique
    // violation and takes the "already there" path on its second try (its rate event is
    // rolled back with the rest and counted again).
    let mut tries = 0;
    loop {
        tries += 1;
        let attempt = write_tx(conn, |conn| {
            if let Some(limit) = limit
                && !super::rate::allow(conn, &limit.key, limit.window, limit.max, now)?
            {
                return Ok(None);
            }
            submit_in_tx(conn, session_id, input, now).map(Some)
        });
        match attempt {
            Err(e) if is_unique_violation(&e) && tries < 3 => continue,
            other => return other,
        }
    }
}

/// One registration request waiting for [`submit_batch`].
#[derive(Debug, Clone)]
pub struct Submission {
    pub session_id: String,
    pub input: RegistrationInput,
    pub limit: Option<RateLimit>,
    pub now: NaiveDateTime,
}

/// Several registration requests in one SQLite transaction (group commit): each one is done
/// as [`submit_within_limit`] would, inside its own savepoint, so one that fails leaves
/// nothing behind and the others still commit. A write transaction costs about as much for
/// ten requests as for one (the same index pages are written once), which is what lets one
/// SQLite file take a rush of registrations. If the commit itself fails, every request does.
pub fn submit_batch(
    conn: &mut AnyConnection,
    batch: &[Submission],
) -> Result<Vec<QueryResult<Option<SubmitOutcome>>>, diesel::result::Error> {
    write_tx(conn, |conn| {
        let mut results = Vec::with_capacity(batch.len());
        for job in batch {
            diesel::sql_query("SAVEPOINT submission").execute(conn)?;
            let outcome = (|| {
                if let Some(limit) = &job.limit
                    && !super::rate::allow(conn, &limit.key, limit.window, limit.max, job.now)?
                {
                    return Ok(None);
                }
                submit_in_tx(conn, &job.session_id, &job.input, job.now).map(Some)
            })();
            if outcome.is_err() {
                diesel::sql_query("ROLLBACK TO submission").execute(conn)?;
            }
            diesel::sql_query("RELEASE submission").execute(conn)?;
            results.push(outcome);
        }
        Ok(results)
    })
}

fn submit_in_tx(
    conn: &mut AnyConnection,
    session_id: &str,
    input: &RegistrationInput,
    now: NaiveDateTime,
) -> QueryResult<SubmitOutcome> {
    let Some(session) =
        sessions::table.find(session_id).select(Session::as_select()).first(conn).optional()?
    else {
        return Ok(SubmitOutcome::NotFound);
    };
    if !session.registration_open(now) {
        return Ok(SubmitOutcome::Closed);
    }
    let (organisation_id, organisation_other, country) = match &input.organisation {
        OrganisationChoice::Listed(id) => {
            let Some(org_country) = organisations::table
                .find(id)
                .select(organisations::country)
                .first::<String>(conn)
                .optional()?
            else {
                return Ok(SubmitOutcome::UnknownOrganisation);
            };
            let country = if input.country.is_empty() { org_country } else { input.country.clone() };
            (Some(id.clone()), None, country)
        }
        OrganisationChoice::Other(text) => (None, Some(text.clone()), input.country.clone()),
    };

    let existing: Option<Registration> = registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::email_normalized.eq(&input.email_normalized))
        .select(Registration::as_select())
        .first(conn)
        .optional()?;

    let (registration_id, kind) = match existing {
        None => {
            let id = new_id();
            diesel::insert_into(registrations::table)
                .values(&Registration {
                    id: id.clone(),
                    session_id: session_id.to_owned(),
                    status: RegistrationStatus::Pending.as_str().into(),
                    name: input.name.clone(),
                    email: input.email.clone(),
                    email_normalized: input.email_normalized.clone(),
                    organisation_id,
                    organisation_other,
                    position: input.position.clone(),
                    country: country.clone(),
                    language: input.language.code().into(),
                    timezone: input.timezone.clone(),
                    needs: input.needs.clone(),
                    consent_at: now,
                    consent_version: CONSENT_VERSION.into(),
                    newsletter: input.newsletter,
                    created_at: now,
                    updated_at: now,
                    confirmed_at: None,
                    waitlisted_at: None,
                    cancelled_at: None,
                    attended: None,
                    reminders_opt_out: false,
                    listed: input.listed,
                })
                .execute(conn)?;
            (id, kinds::CONFIRM_REQUEST)
        }
        Some(existing) => {
            let status = RegistrationStatus::parse(&existing.status);
            match status {
                // Details of an unconfirmed or cancelled registration follow the newest form:
                // only the mailbox owner can confirm them, so nobody else's data is overwritten.
                Some(RegistrationStatus::Pending) | Some(RegistrationStatus::Cancelled) => {
                    diesel::update(registrations::table.find(&existing.id))
                        .set((
                            registrations::status.eq(RegistrationStatus::Pending.as_str()),
                            registrations::name.eq(&input.name),
                            registrations::email.eq(&input.email),
                            registrations::organisation_id.eq(&organisation_id),
                            registrations::organisation_other.eq(&organisation_other),
                            registrations::position.eq(&input.position),
                            registrations::country.eq(&country),
                            registrations::language.eq(input.language.code()),
                            registrations::timezone.eq(&input.timezone),
                            registrations::needs.eq(&input.needs),
                            registrations::consent_at.eq(now),
                            registrations::consent_version.eq(CONSENT_VERSION),
                            registrations::newsletter.eq(input.newsletter),
                            registrations::listed.eq(input.listed),
                            registrations::updated_at.eq(now),
                            registrations::confirmed_at.eq(None::<NaiveDateTime>),
                            registrations::waitlisted_at.eq(None::<NaiveDateTime>),
                            registrations::cancelled_at.eq(None::<NaiveDateTime>),
                        ))
                        .execute(conn)?;
                    (existing.id, kinds::CONFIRM_REQUEST)
                }
                // Already in: nothing changes, the mailbox owner is sent their manage link.
                _ => (existing.id, kinds::ALREADY_REGISTERED),
            }
        }
    };

    if kind == kinds::CONFIRM_REQUEST {
        // The consents given on the form; an optional box left empty is no consent to record.
        let choices: Vec<_> = [
            (ConsentPurpose::Registration, true),
            (ConsentPurpose::Newsletter, input.newsletter),
            (ConsentPurpose::Listed, input.listed),
        ]
        .into_iter()
        .filter(|(_, given)| *given)
        .collect();
        super::privacy::record_consents(conn, &registration_id, &choices, "registration form", now)?;
    }

    // The cap is per mailbox, across every session: the form cannot flood a victim's inbox.
    let recent = outbox::recent_confirmation_mails(conn, &input.email_normalized, now - Duration::hours(1))?;
    if recent < MAX_CONFIRMATION_MAILS_PER_HOUR {
        let key = format!("{kind}:{registration_id}:{}", new_id());
        outbox::enqueue(conn, kind, Some(&registration_id), &key, "{}", now)?;
    } else {
        tracing::info!(registration = %registration_id, "confirmation mail held back: hourly cap reached");
    }
    Ok(SubmitOutcome::Accepted)
}

/// Creates a token for an emailed link and returns it; only its hash is stored.
pub fn mint_token(
    conn: &mut AnyConnection,
    registration_id: &str,
    purpose: TokenPurpose,
    session: &Session,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let token = new_token();
    let expires_at = match purpose {
        TokenPurpose::Confirm => (now + Duration::days(CONFIRM_LINK_DAYS)).min(session.starts_at),
        TokenPurpose::Manage => session.ends_at() + Duration::days(FOLLOW_UP_DAYS),
    };
    diesel::insert_into(registration_tokens::table)
        .values((
            registration_tokens::token_hash.eq(hash_token(&token)),
            registration_tokens::registration_id.eq(registration_id),
            registration_tokens::purpose.eq(purpose.as_str()),
            registration_tokens::created_at.eq(now),
            registration_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(token)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    Confirm,
    Manage,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Confirm => "confirm",
            TokenPurpose::Manage => "manage",
        }
    }
}

/// The registration a live token of `purpose` points to.
pub fn by_token(
    conn: &mut AnyConnection,
    token: &str,
    purpose: TokenPurpose,
    now: NaiveDateTime,
) -> QueryResult<Option<(Registration, Session)>> {
    registration_tokens::table
        .inner_join(registrations::table.inner_join(sessions::table))
        .filter(registration_tokens::token_hash.eq(hash_token(token)))
        .filter(registration_tokens::purpose.eq(purpose.as_str()))
        .filter(registration_tokens::expires_at.gt(now))
        .select((Registration::as_select(), Session::as_select()))
        .first(conn)
        .optional()
}

#[derive(Debug, Clone)]
pub enum ConfirmOutcome {
    /// The link was unknown or expired.
    Invalid,
    /// The registration changed state; the outcome carries a manage token for the next page.
    Confirmed {
        manage_token: String,
    },
    Waitlisted {
        manage_token: String,
    },
    /// The session's organisers approve each registration: the person waits for them.
    AwaitingApproval {
        manage_token: String,
    },
    /// A second click, or a registration no longer pending: nothing changed, nothing sent.
    Unchanged {
        manage_token: String,
        status: String,
    },
    /// The session was cancelled or has started: nothing changed.
    SessionUnavailable,
}

/// Follows a confirmation link. Seats are counted under the session's lock, so parallel
/// confirmations never exceed capacity on either engine.
pub fn confirm(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> QueryResult<ConfirmOutcome> {
    write_tx(conn, |conn| {
        let Some((registration, _)) = by_token(conn, token, TokenPurpose::Confirm, now)? else {
            return Ok(ConfirmOutcome::Invalid);
        };
        lock_session_row(conn, &registration.session_id)?;
        // Re-read under the lock: the state seen before it may be stale.
        let session: Session =
            sessions::table.find(&registration.session_id).select(Session::as_select()).first(conn)?;
        let registration: Registration =
            registrations::table.find(&registration.id).select(Registration::as_select()).first(conn)?;

        if registration.status != RegistrationStatus::Pending.as_str() {
            let manage_token = mint_token(conn, &registration.id, TokenPurpose::Manage, &session, now)?;
            return Ok(ConfirmOutcome::Unchanged { manage_token, status: registration.status });
        }
        if !session.is_published() || now >= session.starts_at {
            return Ok(ConfirmOutcome::SessionUnavailable);
        }
        let confirmed = confirmed_seats(conn, &session.id)?;
        let manage_token = mint_token(conn, &registration.id, TokenPurpose::Manage, &session, now)?;
        if session.approval_mode == "manual" {
            // The address is confirmed; an organiser decides on the seat.
            diesel::update(registrations::table.find(&registration.id))
                .set((
                    registrations::status.eq(RegistrationStatus::AwaitingApproval.as_str()),
                    registrations::updated_at.eq(now),
                ))
                .execute(conn)?;
            outbox::enqueue(
                conn,
                kinds::AWAITING_APPROVAL,
                Some(&registration.id),
                &format!("{}:{}:{}", kinds::AWAITING_APPROVAL, registration.id, now),
                "{}",
                now,
            )?;
            return Ok(ConfirmOutcome::AwaitingApproval { manage_token });
        }
        if confirmed < i64::from(session.capacity) {
            set_confirmed(conn, &registration.id, now)?;
            outbox::enqueue(
                conn,
                kinds::REGISTERED,
                Some(&registration.id),
                &format!("{}:{}:{}", kinds::REGISTERED, registration.id, now),
                "{}",
                now,
            )?;
            Ok(ConfirmOutcome::Confirmed { manage_token })
        } else {
            diesel::update(registrations::table.find(&registration.id))
                .set((
                    registrations::status.eq(RegistrationStatus::Waitlisted.as_str()),
                    registrations::waitlisted_at.eq(now),
                    registrations::updated_at.eq(now),
                ))
                .execute(conn)?;
            outbox::enqueue(
                conn,
                kinds::WAITLISTED,
                Some(&registration.id),
                &format!("{}:{}:{}", kinds::WAITLISTED, registration.id, now),
                "{}",
                now,
            )?;
            Ok(ConfirmOutcome::Waitlisted { manage_token })
        }
    })
}

fn confirmed_seats(conn: &mut AnyConnection, session_id: &str) -> QueryResult<i64> {
    registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Confirmed.as_str()))
        .count()
        .get_result(conn)
}

fn set_confirmed(conn: &mut AnyConnection, registration_id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(registrations::table.find(registration_id))
        .set((
            registrations::status.eq(RegistrationStatus::Confirmed.as_str()),
            registrations::confirmed_at.eq(now),
            registrations::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelOutcome {
    Cancelled { promoted: usize },
    AlreadyCancelled,
}

/// Cancels a registration; a seat it held goes to the earliest person on the waiting list.
pub fn cancel(
    conn: &mut AnyConnection,
    registration_id: &str,
    now: NaiveDateTime,
) -> QueryResult<CancelOutcome> {
    write_tx(conn, |conn| {
        let registration: Registration =
            registrations::table.find(registration_id).select(Registration::as_select()).first(conn)?;
        lock_session_row(conn, &registration.session_id)?;
        let current: String =
            registrations::table.find(registration_id).select(registrations::status).first(conn)?;
        if current == RegistrationStatus::Cancelled.as_str() {
            return Ok(CancelOutcome::AlreadyCancelled);
        }
        diesel::update(registrations::table.find(registration_id))
            .set((
                registrations::status.eq(RegistrationStatus::Cancelled.as_str()),
                registrations::cancelled_at.eq(now),
                registrations::updated_at.eq(now),
            ))
            .execute(conn)?;
        // A pending request never got as far as an email about a seat, so it needs no notice.
        if current != RegistrationStatus::Pending.as_str() {
            outbox::enqueue(
                conn,
                kinds::CANCELLED,
                Some(registration_id),
                &format!("{}:{}:{}", kinds::CANCELLED, registration_id, now),
                "{}",
                now,
            )?;
        }
        let promoted = promote_waitlisted(conn, &registration.session_id, now)?;
        Ok(CancelOutcome::Cancelled { promoted })
    })
}

/// Fills free seats from the waiting list, earliest first, telling each person. Must run
/// inside a write transaction that holds the session's lock.
pub fn promote_waitlisted(
    conn: &mut AnyConnection,
    session_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let session: Session = sessions::table.find(session_id).select(Session::as_select()).first(conn)?;
    if !session.is_published() || now >= session.starts_at {
        return Ok(0);
    }
    let free = i64::from(session.capacity) - confirmed_seats(conn, session_id)?;
    if free <= 0 {
        return Ok(0);
    }
    let next: Vec<String> = registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.eq(RegistrationStatus::Waitlisted.as_str()))
        .order((registrations::waitlisted_at.asc(), registrations::id.asc()))
        .limit(free)
        .select(registrations::id)
        .load(conn)?;
    for id in &next {
        set_confirmed(conn, id, now)?;
        outbox::enqueue(
            conn,
            kinds::PROMOTED,
            Some(id),
            &format!("{}:{}:{}", kinds::PROMOTED, id, now),
            "{}",
            now,
        )?;
    }
    Ok(next.len())
}

/// A registration with its session, for rendering its emails.
pub fn with_session(
    conn: &mut AnyConnection,
    registration_id: &str,
) -> QueryResult<Option<(Registration, Session)>> {
    registrations::table
        .inner_join(sessions::table)
        .filter(registrations::id.eq(registration_id))
        .select((Registration::as_select(), Session::as_select()))
        .first(conn)
        .optional()
}

pub fn organisation_name(conn: &mut AnyConnection, registration: &Registration) -> QueryResult<String> {
    match &registration.organisation_id {
        Some(id) => Ok(organisations::table
            .find(id)
            .select(organisations::name)
            .first::<String>(conn)
            .optional()?
            .unwrap_or_default()),
        None => Ok(registration.organisation_other.clone().unwrap_or_default()),
    }
}

/// Turns reminder emails for one registration off or on.
pub fn set_reminders_opt_out(
    conn: &mut AnyConnection,
    registration_id: &str,
    opt_out: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(registrations::table.find(registration_id))
        .set((registrations::reminders_opt_out.eq(opt_out), registrations::updated_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

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
    registration_id: &str,
    decision: Decision,
    now: NaiveDateTime,
) -> QueryResult<DecisionOutcome> {
    write_tx(conn, |conn| decide_in_tx(conn, registration_id, decision, now))
}

/// [`decide`] inside a write transaction the caller holds (to add its audit entry to it).
pub fn decide_in_tx(
    conn: &mut AnyConnection,
    registration_id: &str,
    decision: Decision,
    now: NaiveDateTime,
) -> QueryResult<DecisionOutcome> {
    {
        let Some(registration) = registrations::table
            .find(registration_id)
            .select(Registration::as_select())
            .first(conn)
            .optional()?
        else {
            return Ok(DecisionOutcome::NotApplicable);
        };
        lock_session_row(conn, &registration.session_id)?;
        let session: Session =
            sessions::table.find(&registration.session_id).select(Session::as_select()).first(conn)?;
        let status = RegistrationStatus::parse(&registration.status);
        let enqueue = |conn: &mut AnyConnection, kind: &str| {
            outbox::enqueue(
                conn,
                kind,
                Some(registration_id),
                &format!("{kind}:{registration_id}:{now}"),
                "{}",
                now,
            )
            .map(|_| ())
        };
        use RegistrationStatus as S;
        let outcome = match (decision, status) {
            (Decision::Approve, Some(S::AwaitingApproval | S::Declined)) => {
                if confirmed_seats(conn, &session.id)? < i64::from(session.capacity) {
                    set_confirmed(conn, registration_id, now)?;
                    enqueue(conn, kinds::REGISTERED)?;
                    DecisionOutcome::Confirmed
                } else {
                    diesel::update(registrations::table.find(registration_id))
                        .set((
                            registrations::status.eq(S::Waitlisted.as_str()),
                            registrations::waitlisted_at.eq(now),
                            registrations::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                    enqueue(conn, kinds::WAITLISTED)?;
                    DecisionOutcome::Waitlisted
                }
            }
            (Decision::Decline, Some(S::AwaitingApproval | S::Waitlisted | S::Pending)) => {
                diesel::update(registrations::table.find(registration_id))
                    .set((registrations::status.eq(S::Declined.as_str()), registrations::updated_at.eq(now)))
                    .execute(conn)?;
                enqueue(conn, kinds::DECLINED)?;
                DecisionOutcome::Declined
            }
            (Decision::Promote, Some(S::Waitlisted | S::AwaitingApproval)) => {
                set_confirmed(conn, registration_id, now)?;
                enqueue(conn, kinds::PROMOTED)?;
                DecisionOutcome::Confirmed
            }
            (Decision::Cancel, Some(S::Pending | S::AwaitingApproval | S::Confirmed | S::Waitlisted)) => {
                diesel::update(registrations::table.find(registration_id))
                    .set((
                        registrations::status.eq(S::Cancelled.as_str()),
                        registrations::cancelled_at.eq(now),
                        registrations::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                if status != Some(S::Pending) {
                    enqueue(conn, kinds::CANCELLED)?;
                }
                promote_waitlisted(conn, &session.id, now)?;
                DecisionOutcome::Cancelled
            }
            _ => DecisionOutcome::NotApplicable,
        };
        Ok(outcome)
    }
}
