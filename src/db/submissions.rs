//! Registration requests from the public form. Each one is counted against its client
//! address's rate limit and its mailbox's hourly cap and stored with its consents and its
//! confirmation mail, all in one transaction; requests come in batches (`group_commit`), tried
//! together first and, when one of them fails, again each in its own savepoint.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::models::{Consent, OutboxMessage, Registration, RegistrationDetails, Session, new_id};
use super::registrations::{code_text, country_or_organisations, lock_registration_row};
use super::schema::{
    consents as consents_table, organisations, outbox as outbox_table, registrations, sessions,
};
use super::{AnyConnection, consents, is_unique_violation, outbox, pg_statements, tokens, write_tx};
use crate::domain::interpretation::InterpretationChoice;
use crate::domain::{
    ConsentPurpose, ConsentSource, MAX_CONFIRMATION_MAILS_PER_HOUR, MessageKind, OrganisationChoice,
    RegistrationId, RegistrationInput, RegistrationStatus, SessionId, TokenPurpose,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// A confirmation (or, for someone already registered, a reminder with their link) is
    /// queued, or was held back by the per-hour cap. The page says the same in every case.
    Accepted,
    /// The same form was submitted again soon after its mail: nothing more is sent, and the
    /// link in that mail still works.
    AlreadySent,
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

/// One registration request, for [`submit_batch`].
#[derive(Debug, Clone)]
pub struct Submission {
    pub session_id: SessionId,
    pub input: RegistrationInput,
    pub limit: Option<RateLimit>,
    pub now: NaiveDateTime,
}

/// Records a registration request and queues its confirmation email, counted against
/// `limit` in the same transaction; `None` when the limit is reached, and then nothing is
/// written. A batch of one: see [`submit_batch`].
///
/// The same email for the same session keeps one registration: a pending one gets its details
/// updated and a fresh confirmation; a confirmed or waitlisted one gets a message with its
/// manage link; a cancelled one starts again as pending.
pub fn submit_within_limit(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    input: &RegistrationInput,
    limit: Option<&RateLimit>,
    now: NaiveDateTime,
) -> QueryResult<Option<SubmitOutcome>> {
    let job = Submission { session_id: session_id.clone(), input: input.clone(), limit: limit.cloned(), now };
    submit_batch(conn, std::slice::from_ref(&job))?.pop().unwrap_or(Err(diesel::result::Error::NotFound))
}

/// Several registration requests in one transaction (group commit), so that one that fails
/// leaves nothing behind and the others still commit. A commit costs about as much for ten
/// requests as for one (SQLite writes the same index pages once, PostgreSQL flushes its log
/// once), which is what lets a rush of registrations through. If the commit itself fails,
/// every request does.
///
/// The batch is first tried without savepoints (one round trip less a request on PostgreSQL):
/// almost every batch has no request that fails. When one does, that whole transaction is
/// rolled back, and the batch is done again with each request in its own savepoint, as
/// [`submit_in_savepoint`] says. Inside a caller's transaction, which a failed attempt cannot
/// roll back alone, the savepoints are taken at once.
///
/// Several batches may run at once on PostgreSQL: each first locks what its requests count
/// (see [`lock_batch`]), so the rate limits and mailbox caps stay exact and two batches never
/// wait for each other in a circle.
pub fn submit_batch(
    conn: &mut AnyConnection,
    batch: &[Submission],
) -> Result<Vec<QueryResult<Option<SubmitOutcome>>>, diesel::result::Error> {
    if !super::in_transaction(conn) {
        match write_tx(conn, |conn| submit_together(conn, batch)) {
            Ok(results) => return Ok(results),
            Err(Attempt::Batch(e)) => return Err(e),
            Err(Attempt::Request(e)) => {
                tracing::debug!(error = %e, requests = batch.len(), "batch done again in savepoints");
            }
        }
    }
    write_tx(conn, |conn| {
        lock_batch(conn, batch)?;
        let mut known = Known::default();
        let mut results = Vec::with_capacity(batch.len());
        for (n, job) in batch.iter().enumerate() {
            // One round trip: the previous request's savepoint released and this one's begun.
            conn.batch_execute(if n == 0 {
                "SAVEPOINT submission"
            } else {
                "RELEASE submission; SAVEPOINT submission"
            })?;
            results.push(submit_in_savepoint(conn, job, &mut known)?);
        }
        Ok(results)
    })
}

/// Why the attempt without savepoints failed: a request's own statements (the batch is then
/// done again in savepoints), or the transaction itself (its start, its locks, its commit),
/// which fails every request as it would have in savepoints.
enum Attempt {
    Request(diesel::result::Error),
    Batch(diesel::result::Error),
}

impl From<diesel::result::Error> for Attempt {
    fn from(e: diesel::result::Error) -> Self {
        Attempt::Batch(e)
    }
}

/// The batch's requests one after the other in its transaction, without savepoints: the first
/// one that fails stops the attempt, and `write_tx` rolls everything back.
fn submit_together(
    conn: &mut AnyConnection,
    batch: &[Submission],
) -> Result<Vec<QueryResult<Option<SubmitOutcome>>>, Attempt> {
    lock_batch(conn, batch)?;
    let mut known = Known::default();
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        results.push(Ok(submit_one(conn, job, &mut known).map_err(Attempt::Request)?));
    }
    Ok(results)
}

/// Locks what the batch's requests count, before anything else, in one order for every batch
/// (`pg_statements::lock_batch`): a request's client address and mailbox are then counted by
/// one batch at a time. SQLite needs nothing: `write_tx` holds the database's only write lock.
fn lock_batch(conn: &mut AnyConnection, batch: &[Submission]) -> QueryResult<()> {
    let AnyConnection::Postgresql(pg) = conn else {
        return Ok(());
    };
    let counters = batch
        .iter()
        .flat_map(|job| {
            let rate = job.limit.as_ref().map(|limit| format!("rate {}", limit.key));
            rate.into_iter().chain([format!("mailbox {}", job.input.email_normalized)])
        })
        .collect();
    let sessions = batch.iter().map(|job| job.session_id.as_str().to_owned()).collect();
    pg_statements::lock_batch(pg, counters, sessions)
}

/// One request inside the batch's savepoint, rolled back to it when it fails. Two first
/// submissions with one address can still race (from another process, or with an address
/// changed meanwhile on the manage page): the loser sees the unique violation and, tried
/// again, takes the "already there" path (its rate event rolled back with the rest and
/// counted again). The outer error is one that leaves the transaction unusable.
fn submit_in_savepoint(
    conn: &mut AnyConnection,
    job: &Submission,
    known: &mut Known,
) -> QueryResult<QueryResult<Option<SubmitOutcome>>> {
    let mut tries = 0;
    loop {
        tries += 1;
        match submit_one(conn, job, known) {
            Ok(outcome) => return Ok(Ok(outcome)),
            Err(e) => {
                conn.batch_execute("ROLLBACK TO submission")?;
                if !(is_unique_violation(&e) && tries < 3) {
                    return Ok(Err(e));
                }
            }
        }
    }
}

/// One request: counted against its rate limit (`None` when it is reached), then stored. On
/// PostgreSQL the rate limit is counted in the statement that also reads the mailbox's recent
/// mails and the address's registration for the session ([`pg_statements::admit`]), which
/// [`submit_in_tx`] then need not read again; SQLite, which has no round trips, reads each.
fn submit_one(
    conn: &mut AnyConnection,
    job: &Submission,
    known: &mut Known,
) -> QueryResult<Option<SubmitOutcome>> {
    let admitted = match (&job.limit, &mut *conn) {
        (Some(limit), AnyConnection::Postgresql(pg)) => {
            let email = &job.input.email_normalized;
            let admitted =
                pg_statements::admit(pg, limit, job.now, email, cap_since(job.now), &job.session_id)?;
            if !admitted.allowed {
                return Ok(None);
            }
            Some(admitted)
        }
        (Some(limit), _) => {
            if !super::rate::allow(conn, &limit.key, limit.window, limit.max, job.now)? {
                return Ok(None);
            }
            None
        }
        (None, _) => None,
    };
    submit_in_tx(conn, &job.session_id, &job.input, job.now, known, admitted).map(Some)
}

/// What the requests of one batch read alike, read once in its transaction: the sessions and
/// the listed organisations' countries (no lock is taken on either: a request reads them as
/// they stand when its batch begins).
#[derive(Default)]
struct Known {
    sessions: HashMap<SessionId, Option<Session>>,
    countries: HashMap<String, Option<String>>,
}

impl Known {
    fn session(&mut self, conn: &mut AnyConnection, id: &SessionId) -> QueryResult<Option<Session>> {
        if let Some(session) = self.sessions.get(id) {
            return Ok(session.clone());
        }
        let session = sessions::table.find(id).select(Session::as_select()).first(conn).optional()?;
        self.sessions.insert(id.clone(), session.clone());
        Ok(session)
    }

    fn organisation_country(&mut self, conn: &mut AnyConnection, id: &str) -> QueryResult<Option<String>> {
        if let Some(country) = self.countries.get(id) {
            return Ok(country.clone());
        }
        let country =
            organisations::table.find(id).select(organisations::country).first::<String>(conn).optional()?;
        self.countries.insert(id.to_owned(), country.clone());
        Ok(country)
    }
}

fn submit_in_tx(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    input: &RegistrationInput,
    now: NaiveDateTime,
    known: &mut Known,
    admitted: Option<pg_statements::Admitted>,
) -> QueryResult<SubmitOutcome> {
    let Some(session) = known.session(conn, session_id)? else {
        return Ok(SubmitOutcome::NotFound);
    };
    if !session.registration_open(now) {
        return Ok(SubmitOutcome::Closed);
    }
    let (organisation_id, organisation_other, country) = match &input.organisation {
        OrganisationChoice::Listed(id) => {
            let Some(org_country) = known.organisation_country(conn, id)? else {
                return Ok(SubmitOutcome::UnknownOrganisation);
            };
            (Some(id.clone()), None, country_or_organisations(input.country, &org_country))
        }
        OrganisationChoice::Other(text) => (None, Some(text.clone()), code_text(input.country)),
    };

    let find = |conn: &mut AnyConnection| {
        registrations::table
            .filter(registrations::session_id.eq(session_id))
            .filter(registrations::email_normalized.eq(&input.email_normalized))
            .select(Registration::as_select())
            .first::<Registration>(conn)
            .optional()
    };
    // The mailbox's recent mails, when read with the admission and nothing was there to wait for.
    let mut recent_mails = None;
    let found = match admitted {
        Some(admitted) => {
            recent_mails = admitted.existing.is_none().then_some(admitted.recent_mails);
            admitted.existing
        }
        None => find(conn)?.map(|found| found.id),
    };
    let mut existing = None;
    if let Some(found) = &found {
        // Submissions for one address queue here, so each one sees what the one before wrote
        // (its details, its mail against the hourly cap) before deciding.
        lock_registration_row(conn, found)?;
        existing = find(conn)?;
    }

    let details = RegistrationDetails::from_input(input, organisation_id, organisation_other, country, now);
    let (registration_id, kind) = match existing {
        None => {
            let capped = match recent_mails {
                Some(recent) => recent >= MAX_CONFIRMATION_MAILS_PER_HOUR,
                None => confirmation_cap_reached(conn, &input.email_normalized, now)?,
            };
            if capped {
                return Ok(held_back(None));
            }
            let registration = Registration::pending(session_id, details, now);
            let given = consents::records(
                &registration.id,
                &given_on_form(input),
                ConsentSource::RegistrationForm,
                now,
            );
            let key = format!("{}:{}:{}", MessageKind::ConfirmRequest, registration.id, new_id());
            let message =
                outbox::queued(MessageKind::ConfirmRequest, Some(&registration.id), &key, "{}", now);
            insert_new(conn, &registration, &given, &message)?;
            // Nothing to replace on a new registration: only what the form holds is written.
            if input.interpretation != InterpretationChoice::default() {
                super::interpretation::store_choice(conn, &registration.id, &session, &input.interpretation)?;
            }
            if !input.answers.is_empty() {
                super::answers::store_answers(conn, &registration.id, session.id.as_str(), &input.answers)?;
            }
            return Ok(SubmitOutcome::Accepted);
        }
        // Details of an unconfirmed or cancelled registration follow the newest form, with a new
        // link: only the mailbox owner can confirm them, and a link sent for other details no
        // longer works, so nobody confirms what someone else typed.
        Some(existing)
            if matches!(existing.status, RegistrationStatus::Pending | RegistrationStatus::Cancelled) =>
        {
            let unchanged = existing.status == RegistrationStatus::Pending && details.same_as(&existing);
            if unchanged && recently_mailed(conn, &existing.id, MessageKind::ConfirmRequest, now)? {
                // The same form again, soon after: the link already sent still works.
                return Ok(SubmitOutcome::AlreadySent);
            }
            if confirmation_cap_reached(conn, &input.email_normalized, now)? {
                // Nothing changes until a new link can be sent with the new details.
                return Ok(held_back(Some(&existing.id)));
            }
            diesel::update(registrations::table.find(&existing.id))
                .set((
                    &details,
                    registrations::status.eq(RegistrationStatus::Pending),
                    registrations::updated_at.eq(now),
                    registrations::confirmed_at.eq(None::<NaiveDateTime>),
                    registrations::waitlisted_at.eq(None::<NaiveDateTime>),
                    registrations::cancelled_at.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
            tokens::revoke(conn, &existing.id, TokenPurpose::Confirm)?;
            consents::record(
                conn,
                &existing.id,
                &given_on_form(input),
                ConsentSource::RegistrationForm,
                now,
            )?;
            // questions: the language followed and the needs ticked, with the details they came with.
            super::interpretation::store_choice(conn, &existing.id, &session, &input.interpretation)?;
            // qforms: the answers to the organiser's questions, checked against them as they are now.
            super::answers::store_answers(conn, &existing.id, session.id.as_str(), &input.answers)?;
            (existing.id, MessageKind::ConfirmRequest)
        }
        // Already in: nothing changes, the mailbox owner is sent their manage link (once in a
        // while: the same form submitted again and again sends it once).
        Some(existing) => {
            if recently_mailed(conn, &existing.id, MessageKind::AlreadyRegistered, now)? {
                return Ok(SubmitOutcome::AlreadySent);
            }
            if confirmation_cap_reached(conn, &input.email_normalized, now)? {
                return Ok(held_back(Some(&existing.id)));
            }
            (existing.id, MessageKind::AlreadyRegistered)
        }
    };
    let key = format!("{kind}:{registration_id}:{}", new_id());
    outbox::enqueue(conn, kind, Some(&registration_id), &key, "{}", now)?;
    Ok(SubmitOutcome::Accepted)
}

/// The consents given on the form; an optional box left empty is no consent to record.
fn given_on_form(input: &RegistrationInput) -> Vec<(ConsentPurpose, bool)> {
    [
        (ConsentPurpose::Registration, true),
        (ConsentPurpose::Newsletter, input.newsletter),
        (ConsentPurpose::Listed, input.listed),
    ]
    .into_iter()
    .filter(|(_, given)| *given)
    .collect()
}

/// A new registration with its consents and its confirmation mail. PostgreSQL: one statement,
/// one round trip instead of three. SQLite has no data-modifying CTEs, and no round trips.
fn insert_new(
    conn: &mut AnyConnection,
    registration: &Registration,
    given: &[Consent],
    message: &OutboxMessage,
) -> QueryResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        return pg_statements::insert_registration(pg, registration, given, message);
    }
    diesel::insert_into(registrations::table).values(registration).execute(conn)?;
    for consent in given {
        diesel::insert_into(consents_table::table).values(consent).execute(conn)?;
    }
    diesel::insert_into(outbox_table::table).values(message).execute(conn)?;
    Ok(())
}

/// How long a confirmation (or "already registered") mail stands for the same form submitted
/// again: within it, nothing more is sent and the link already sent keeps working.
pub const RESUBMISSION_WINDOW: Duration = Duration::minutes(10);

/// Whether a message of `kind` was queued for the registration within [`RESUBMISSION_WINDOW`].
fn recently_mailed(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    kind: MessageKind,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    Ok(outbox::last_queued(conn, registration_id, kind)?.is_some_and(|at| at > now - RESUBMISSION_WINDOW))
}

/// The cap is per mailbox, across every session: the form cannot flood somebody's inbox.
fn confirmation_cap_reached(
    conn: &mut AnyConnection,
    email_normalized: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let recent = outbox::recent_confirmation_mails(conn, email_normalized, cap_since(now))?;
    Ok(recent >= MAX_CONFIRMATION_MAILS_PER_HOUR)
}

/// Where the hourly cap's window starts.
fn cap_since(now: NaiveDateTime) -> NaiveDateTime {
    now - Duration::hours(1)
}

/// The answer when the hourly cap holds a mail back: the page says the same as when it is sent,
/// so the form tells nobody whether an address is registered.
fn held_back(registration_id: Option<&RegistrationId>) -> SubmitOutcome {
    tracing::info!(registration = ?registration_id, "confirmation mail held back: hourly cap reached");
    SubmitOutcome::Accepted
}
