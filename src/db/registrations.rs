//! Registration writes. Each one runs in a single transaction together with the emails it
//! causes, so a registration is never stored without its message, nor a message without it.
//! Requests from the public form are in `submissions`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{Registration, Session, new_id};
use super::schema::{organisations, registrations, sessions};
use super::{AnyConnection, invitations, is_unique_violation, outbox, seats, tokens, write_tx};
use crate::domain::WebhookEvent;
use crate::domain::country::match_free_text;
use crate::domain::{
    CountryCode, DetailsInput, MailingList, MessageKind, OrganisationChoice, RegistrationId,
    RegistrationStatus, SessionId, TokenPurpose,
};

pub use super::submissions::{RateLimit, Submission, SubmitOutcome, submit_within_limit};

/// Serialises the writers of one registration on PostgreSQL (a row lock, taken on the inner
/// connection inside the transaction begun on the outer one, as `seats::lock` does). SQLite
/// needs nothing: `write_tx` holds the database's write lock.
pub(super) fn lock_registration_row(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
) -> QueryResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        registrations::table
            .find(registration_id)
            .select(registrations::id)
            .for_update()
            .first::<String>(pg)
            .optional()?;
    }
    Ok(())
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
    },
    /// The session was cancelled or has started: nothing changed.
    SessionUnavailable,
}

/// Follows a confirmation link. Seats are counted under the session's lock, so parallel
/// confirmations never exceed capacity on either engine.
pub fn confirm(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> QueryResult<ConfirmOutcome> {
    write_tx(conn, |conn| {
        let Some((registration, _)) = tokens::lookup(conn, token, TokenPurpose::Confirm, now)? else {
            return Ok(ConfirmOutcome::Invalid);
        };
        seats::lock(conn, &registration.session_id)?;
        // Re-read under the lock: the state seen before it may be stale.
        let session: Session =
            sessions::table.find(&registration.session_id).select(Session::as_select()).first(conn)?;
        let status: RegistrationStatus =
            registrations::table.find(&registration.id).select(registrations::status).first(conn)?;

        if status != RegistrationStatus::Pending {
            let manage_token = tokens::mint(conn, &registration.id, TokenPurpose::Manage, &session, now)?;
            return Ok(ConfirmOutcome::Unchanged { manage_token });
        }
        if !session.is_published() || now >= session.starts_at {
            return Ok(ConfirmOutcome::SessionUnavailable);
        }
        let manage_token = tokens::mint(conn, &registration.id, TokenPurpose::Manage, &session, now)?;
        if session.needs_approval() {
            // The address is confirmed; an organiser decides on the seat.
            seats::set_status(conn, &registration.id, RegistrationStatus::AwaitingApproval, now)?;
            outbox::notify(conn, MessageKind::AwaitingApproval, &registration.id, now)?;
            return Ok(ConfirmOutcome::AwaitingApproval { manage_token });
        }
        Ok(match seats::seat_or_waitlist(conn, &session, &registration.id, now)? {
            RegistrationStatus::Confirmed => ConfirmOutcome::Confirmed { manage_token },
            _ => ConfirmOutcome::Waitlisted { manage_token },
        })
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelOutcome {
    Cancelled,
    AlreadyCancelled,
}

/// Cancels a registration; a seat it held goes to the earliest person on the waiting list.
pub fn cancel(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<CancelOutcome> {
    write_tx(conn, |conn| {
        let session_id: SessionId =
            registrations::table.find(registration_id).select(registrations::session_id).first(conn)?;
        seats::lock(conn, &session_id)?;
        let current: RegistrationStatus =
            registrations::table.find(registration_id).select(registrations::status).first(conn)?;
        if current == RegistrationStatus::Cancelled {
            return Ok(CancelOutcome::AlreadyCancelled);
        }
        seats::set_status(conn, registration_id, RegistrationStatus::Cancelled, now)?;
        // A pending request never got as far as an email about a seat, so it needs no notice;
        // only a seat holder has a calendar entry to remove.
        if current != RegistrationStatus::Pending {
            let held_seat = current == RegistrationStatus::Confirmed;
            invitations::notify(conn, MessageKind::Cancelled, registration_id, held_seat, now)?;
            super::webhooks::raise(conn, (WebhookEvent::RegistrationCancelled, registration_id), now)?;
        }
        seats::promote_after_release(conn, &session_id, registration_id, now)?;
        Ok(CancelOutcome::Cancelled)
    })
}

/// A registration with its session, for rendering its emails.
pub fn with_session(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
) -> QueryResult<Option<(Registration, Session)>> {
    registrations::table
        .inner_join(sessions::table)
        .filter(registrations::id.eq(registration_id))
        .select((Registration::as_select(), Session::as_select()))
        .first(conn)
        .optional()
}

/// [`with_session`] for several registrations at once (the worker's batch), by registration
/// id; those gone are missing.
pub fn with_sessions(
    conn: &mut AnyConnection,
    ids: &[RegistrationId],
) -> QueryResult<std::collections::HashMap<RegistrationId, (Registration, Session)>> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(Registration, Session)> = registrations::table
        .inner_join(sessions::table)
        .filter(registrations::id.eq_any(ids))
        .select((Registration::as_select(), Session::as_select()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(registration, session)| (registration.id.clone(), (registration, session)))
        .collect())
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

/// Stops (or restarts) one kind of mail to one registration: reminders, or the organisers'
/// announcements.
pub fn set_stopped(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    list: MailingList,
    stopped: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let target = registrations::table.find(registration_id);
    let changed_at = registrations::updated_at.eq(now);
    match list {
        MailingList::Reminders => diesel::update(target)
            .set((registrations::reminders_opt_out.eq(stopped), changed_at))
            .execute(conn),
        MailingList::Announcements => diesel::update(target)
            .set((registrations::announcements_opt_out.eq(stopped), changed_at))
            .execute(conn),
    }
    .map(|_| ())
}

/// The stored form of a country: its code, or empty.
pub(super) fn code_text(country: Option<CountryCode>) -> String {
    country.map(|c| c.as_str().to_owned()).unwrap_or_default()
}

/// The country given, else the listed organisation's (organisations' countries are still
/// typed text: recorded as a code when it names one).
pub(super) fn country_or_organisations(country: Option<CountryCode>, organisation_country: &str) -> String {
    code_text(country.or_else(|| match_free_text(organisation_country)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailsOutcome {
    /// Saved; `email_pending`: a new address waits for its mailbox's confirmation.
    Saved {
        email_pending: bool,
    },
    /// The form held what was already stored: nothing written, nothing sent.
    Unchanged,
    UnknownOrganisation,
    /// Another registration for the same session already uses the new address.
    EmailTaken,
}

/// Saves the person's own details from their manage page, in one transaction with an audit
/// entry and a short confirmation mail (in the details' language). A new address is not
/// stored as the address: it waits in `pending_email` and a link is mailed to it. Status,
/// seats and consents are not touched.
pub fn update_details(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    input: &DetailsInput,
    now: NaiveDateTime,
) -> QueryResult<DetailsOutcome> {
    write_tx(conn, |conn| {
        lock_registration_row(conn, registration_id)?;
        let current: Registration =
            registrations::table.find(registration_id).select(Registration::as_select()).first(conn)?;
        let d = &input.details;
        let (organisation_id, organisation_other, country) = match &d.organisation {
            OrganisationChoice::Listed(id) => {
                let Some(org_country) = organisations::table
                    .find(id)
                    .select(organisations::country)
                    .first::<String>(conn)
                    .optional()?
                else {
                    return Ok(DetailsOutcome::UnknownOrganisation);
                };
                (Some(id.clone()), None, country_or_organisations(d.country, &org_country))
            }
            OrganisationChoice::Other(text) => (None, Some(text.clone()), code_text(d.country)),
        };
        let email_changed = input.email_normalized != current.email_normalized;
        if email_changed && address_taken(conn, &current, &input.email_normalized)? {
            return Ok(DetailsOutcome::EmailTaken);
        }
        let new_pending = email_changed.then(|| input.email.clone());
        // A new address to confirm (not the one already waiting), or a waiting one given up.
        let email_request = email_changed && current.pending_email != new_pending;
        let email_withdrawn = !email_changed && current.pending_email.is_some();
        let mut changed: Vec<&str> = Vec::new();
        for (differs, field) in [
            (d.name != current.name, "name"),
            (
                organisation_id != current.organisation_id
                    || organisation_other != current.organisation_other,
                "organisation",
            ),
            (d.position != current.position, "position"),
            // A country the person picks replaces any unmatched text from before codes.
            (
                country != current.country || (current.country_unmatched.is_some() && !country.is_empty()),
                "country",
            ),
            (d.language.code() != current.language, "language"),
            (d.timezone != current.timezone, "time zone"),
            (d.needs != current.needs, "needs"),
        ] {
            if differs {
                changed.push(field);
            }
        }
        // questions: the language followed and the needs ticked, checked against the
        // session's languages as they are now.
        if let Some(choice) = &input.interpretation {
            let session =
                sessions::table.find(&current.session_id).select(Session::as_select()).first(conn)?;
            let offered = super::interpretation::offered(conn, &session)?;
            let stored = super::interpretation::choice_of(conn, registration_id)?;
            if !choice.same_for(&stored, &offered) {
                super::interpretation::store_choice(conn, registration_id, &session, choice)?;
                changed.push("interpretation");
            }
        }
        // qforms: the answers to the organiser's questions, checked against them as they are now.
        if let Some(answers) = &input.answers {
            let questions = super::questions::of_session(conn, current.session_id.as_str())?;
            let asked: Vec<_> = questions.into_iter().filter(|q| !q.retired).collect();
            let stored = super::answers::answers_of(conn, registration_id, &asked)?;
            let wanted: Vec<_> =
                answers.iter().filter(|(id, _)| asked.iter().any(|q| q.id == *id)).cloned().collect();
            if stored != wanted {
                super::answers::store_answers(conn, registration_id, current.session_id.as_str(), answers)?;
                changed.push("answers");
            }
        }
        if changed.is_empty() && !email_request && !email_withdrawn {
            return Ok(DetailsOutcome::Unchanged);
        }
        let country_unmatched = if country.is_empty() { current.country_unmatched.clone() } else { None };
        diesel::update(registrations::table.find(registration_id))
            .set((
                registrations::name.eq(&d.name),
                registrations::organisation_id.eq(&organisation_id),
                registrations::organisation_other.eq(&organisation_other),
                registrations::position.eq(&d.position),
                registrations::country.eq(&country),
                registrations::country_unmatched.eq(&country_unmatched),
                registrations::language.eq(d.language.code()),
                registrations::timezone.eq(&d.timezone),
                registrations::needs.eq(&d.needs),
                registrations::pending_email.eq(&new_pending),
                registrations::updated_at.eq(now),
            ))
            .execute(conn)?;
        let mut audited = changed.clone();
        if email_request || email_withdrawn {
            // Only the newest link works: one address waits at a time.
            tokens::revoke(conn, registration_id, TokenPurpose::EmailChange)?;
            audited.push(if email_request { "email (to confirm)" } else { "email change withdrawn" });
        }
        super::audit::record_by_registrant(
            conn,
            "registration.details",
            registration_id.as_str(),
            &audited.join(", "),
            now,
        )?;
        if !changed.is_empty() {
            outbox::notify(conn, MessageKind::DetailsChanged, registration_id, now)?;
        }
        if email_request {
            outbox::notify(conn, MessageKind::EmailChangeRequest, registration_id, now)?;
        }
        let email_pending = new_pending.is_some();
        Ok(DetailsOutcome::Saved { email_pending })
    })
}

/// Whether another registration for the same session uses `email_normalized`.
fn address_taken(
    conn: &mut AnyConnection,
    registration: &Registration,
    email_normalized: &str,
) -> QueryResult<bool> {
    let others: i64 = registrations::table
        .filter(registrations::session_id.eq(&registration.session_id))
        .filter(registrations::email_normalized.eq(email_normalized))
        .filter(registrations::id.ne(&registration.id))
        .count()
        .get_result(conn)?;
    Ok(others > 0)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailChangeOutcome {
    /// The new address replaced the old one, which is told; a manage token for the next page.
    Changed { manage_token: String },
    /// The address was taken by another registration for the session in the meantime.
    Taken { manage_token: String },
    /// Unknown or expired link, or no change waiting any more.
    Invalid,
}

/// Follows the link mailed to a new address: it becomes the registration's address, the old
/// one is told (its last message), and the link stops working.
pub fn confirm_email_change(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<EmailChangeOutcome> {
    write_tx(conn, |conn| {
        let Some((registration, session)) = tokens::lookup(conn, token, TokenPurpose::EmailChange, now)?
        else {
            return Ok(EmailChangeOutcome::Invalid);
        };
        lock_registration_row(conn, &registration.id)?;
        let current: Registration =
            registrations::table.find(&registration.id).select(Registration::as_select()).first(conn)?;
        let Some(new_email) = current.pending_email.clone() else {
            return Ok(EmailChangeOutcome::Invalid);
        };
        let normalized = new_email.to_lowercase();
        tokens::revoke(conn, &current.id, TokenPurpose::EmailChange)?;
        let manage_token = tokens::mint(conn, &current.id, TokenPurpose::Manage, &session, now)?;
        if address_taken(conn, &current, &normalized)? {
            diesel::update(registrations::table.find(&current.id))
                .set((registrations::pending_email.eq(None::<String>), registrations::updated_at.eq(now)))
                .execute(conn)?;
            return Ok(EmailChangeOutcome::Taken { manage_token });
        }
        let changed = diesel::update(registrations::table.find(&current.id))
            .set((
                registrations::email.eq(&new_email),
                registrations::email_normalized.eq(&normalized),
                registrations::pending_email.eq(None::<String>),
                registrations::updated_at.eq(now),
            ))
            .execute(conn);
        match changed {
            Err(e) if is_unique_violation(&e) => return Ok(EmailChangeOutcome::Taken { manage_token }),
            other => other?,
        };
        super::audit::record_by_registrant(
            conn,
            "registration.email",
            current.id.as_str(),
            "address confirmed",
            now,
        )?;
        let payload = serde_json::json!({ "previous_email": current.email }).to_string();
        let key = format!("{}:{}:{}", MessageKind::EmailChanged, current.id, new_id());
        outbox::enqueue(conn, MessageKind::EmailChanged, Some(&current.id), &key, &payload, now)?;
        Ok(EmailChangeOutcome::Changed { manage_token })
    })
}
