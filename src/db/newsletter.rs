//! The newsletter list: everyone who opted in and has not withdrawn or been erased, across
//! sessions, one line per address. A consent given with a registration lives in that
//! registration while it is kept; when the registration's retention period ends, only what the
//! newsletter needs moves to `newsletter_subscribers` (address, name, language, consent time and
//! notice version), where it stays until it is withdrawn or erased.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::models::Registration;
use super::schema::{consents, newsletter_subscribers, registrations};
use crate::domain::{ConsentPurpose, RegistrationId, RegistrationStatus};

/// One address on the list, with the consent it is on the list by.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Subscriber {
    pub email_normalized: String,
    pub email: String,
    pub name: String,
    pub language: String,
    pub consented_at: NaiveDateTime,
    pub notice_version: String,
}

/// When, and under which notice, a registration's newsletter consent was given: its newest
/// record, else (rows older than the consent records) the registration's own consent.
fn consent_of(conn: &mut AnyConnection, registration: &Registration) -> QueryResult<(NaiveDateTime, String)> {
    let newest: Option<(NaiveDateTime, String)> = consents::table
        .filter(consents::registration_id.eq(&registration.id))
        .filter(consents::purpose.eq(ConsentPurpose::Newsletter))
        .filter(consents::granted.eq(true))
        .order((consents::recorded_at.desc(), consents::id.desc()))
        .select((consents::recorded_at, consents::notice_version))
        .first(conn)
        .optional()?;
    Ok(newest.unwrap_or_else(|| (registration.consent_at, registration.consent_version.clone())))
}

/// Keeps the newsletter consent of a registration whose other details are about to be
/// removed (retention): the newest consent of an address wins. Inside the caller's transaction.
pub fn keep_beyond(conn: &mut AnyConnection, registration: &Registration) -> QueryResult<()> {
    if !registration.newsletter || registration.status == RegistrationStatus::Erased {
        return Ok(());
    }
    let (consented_at, notice_version) = consent_of(conn, registration)?;
    let kept: Option<NaiveDateTime> = newsletter_subscribers::table
        .find(&registration.email_normalized)
        .select(newsletter_subscribers::consented_at)
        .first(conn)
        .optional()?;
    if kept.is_some_and(|at| at >= consented_at) {
        return Ok(());
    }
    forget(conn, &registration.email_normalized)?;
    diesel::insert_into(newsletter_subscribers::table)
        .values((
            newsletter_subscribers::email_normalized.eq(&registration.email_normalized),
            newsletter_subscribers::email.eq(&registration.email),
            newsletter_subscribers::name.eq(&registration.name),
            newsletter_subscribers::language.eq(&registration.language),
            newsletter_subscribers::consented_at.eq(consented_at),
            newsletter_subscribers::notice_version.eq(notice_version),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The address leaves the kept list (withdrawn or erased). Returns whether it was on it.
pub fn forget(conn: &mut AnyConnection, email_normalized: &str) -> QueryResult<bool> {
    diesel::delete(newsletter_subscribers::table.find(email_normalized)).execute(conn).map(|n| n > 0)
}

/// The kept consent of one address, if any (for a data request).
pub fn kept(conn: &mut AnyConnection, email_normalized: &str) -> QueryResult<Option<Subscriber>> {
    newsletter_subscribers::table
        .find(email_normalized)
        .select((
            newsletter_subscribers::email_normalized,
            newsletter_subscribers::email,
            newsletter_subscribers::name,
            newsletter_subscribers::language,
            newsletter_subscribers::consented_at,
            newsletter_subscribers::notice_version,
        ))
        .first(conn)
        .optional()
}

/// Everyone on the list, one line per address (the newest consent of each), by address.
/// Three queries, whatever the number of sessions.
pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<Subscriber>> {
    let live: Vec<Registration> = registrations::table
        .filter(registrations::newsletter.eq(true))
        .filter(registrations::status.ne(RegistrationStatus::Erased))
        .select(Registration::as_select())
        .load(conn)?;
    let grants: Vec<(RegistrationId, NaiveDateTime, String)> = consents::table
        .inner_join(registrations::table)
        .filter(registrations::newsletter.eq(true))
        .filter(registrations::status.ne(RegistrationStatus::Erased))
        .filter(consents::purpose.eq(ConsentPurpose::Newsletter))
        .filter(consents::granted.eq(true))
        .order((consents::recorded_at.asc(), consents::id.asc()))
        .select((consents::registration_id, consents::recorded_at, consents::notice_version))
        .load(conn)?;
    // The newest grant of each registration (loaded oldest first, so the last one stays).
    let newest: BTreeMap<RegistrationId, (NaiveDateTime, String)> =
        grants.into_iter().map(|(id, at, version)| (id, (at, version))).collect();
    let mut by_address: BTreeMap<String, Subscriber> = BTreeMap::new();
    let mut offer = |candidate: Subscriber| match by_address.get(&candidate.email_normalized) {
        Some(held) if held.consented_at >= candidate.consented_at => {}
        _ => {
            by_address.insert(candidate.email_normalized.clone(), candidate);
        }
    };
    for registration in live {
        let (consented_at, notice_version) = newest
            .get(&registration.id)
            .cloned()
            .unwrap_or_else(|| (registration.consent_at, registration.consent_version.clone()));
        offer(Subscriber {
            email_normalized: registration.email_normalized,
            email: registration.email,
            name: registration.name,
            language: registration.language,
            consented_at,
            notice_version,
        });
    }
    let kept: Vec<Subscriber> = newsletter_subscribers::table
        .select((
            newsletter_subscribers::email_normalized,
            newsletter_subscribers::email,
            newsletter_subscribers::name,
            newsletter_subscribers::language,
            newsletter_subscribers::consented_at,
            newsletter_subscribers::notice_version,
        ))
        .load(conn)?;
    for subscriber in kept {
        offer(subscriber);
    }
    Ok(by_address.into_values().collect())
}
