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

/// Everyone on the list, one line per address, by address. Each address is on it when its
/// newest newsletter choice, across every registration of it that is not erased and a consent
/// kept beyond a purged one, is a consent (a withdrawal anywhere takes it off). Three queries,
/// whatever the number of sessions.
pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<Subscriber>> {
    type Choice = (RegistrationId, bool, NaiveDateTime, String);
    let choices: Vec<Choice> = consents::table
        .inner_join(registrations::table)
        .filter(registrations::status.ne(RegistrationStatus::Erased))
        .filter(consents::purpose.eq(ConsentPurpose::Newsletter))
        .select((
            consents::registration_id,
            consents::granted,
            consents::recorded_at,
            consents::notice_version,
        ))
        .load(conn)?;
    let mut by_registration: BTreeMap<RegistrationId, Vec<(bool, NaiveDateTime, String)>> = BTreeMap::new();
    for (id, granted, at, version) in choices {
        by_registration.entry(id).or_default().push((granted, at, version));
    }
    // Registrations that opted in, and every registration with a recorded choice.
    let ids: Vec<RegistrationId> = by_registration.keys().cloned().collect();
    let mut people: Vec<Registration> = registrations::table
        .filter(registrations::status.ne(RegistrationStatus::Erased))
        .filter(registrations::newsletter.eq(true))
        .select(Registration::as_select())
        .load(conn)?;
    for chunk in ids.chunks(500) {
        people.extend(
            registrations::table
                .filter(registrations::id.eq_any(chunk))
                .filter(registrations::newsletter.eq(false))
                .select(Registration::as_select())
                .load::<Registration>(conn)?,
        );
    }
    // The newest choice of each address: (granted, the line it puts on the list).
    let mut newest: BTreeMap<String, (NaiveDateTime, bool, Subscriber)> = BTreeMap::new();
    let mut offer =
        |at: NaiveDateTime, granted: bool, line: Subscriber| match newest.get(&line.email_normalized) {
            Some((held, _, _)) if *held >= at => {}
            _ => {
                newest.insert(line.email_normalized.clone(), (at, granted, line));
            }
        };
    for person in people {
        let line = |consented_at, notice_version| Subscriber {
            email_normalized: person.email_normalized.clone(),
            email: person.email.clone(),
            name: person.name.clone(),
            language: person.language.clone(),
            consented_at,
            notice_version,
        };
        // The registration's choice is what it holds now, made when its newest record says
        // (rows older than the consent records: when the registration was consented to).
        let records = by_registration.get(&person.id);
        let newest_record = records.and_then(|r| r.iter().max_by_key(|(_, at, _)| *at));
        if person.newsletter {
            let granted = records.and_then(|r| r.iter().filter(|(g, _, _)| *g).max_by_key(|(_, at, _)| *at));
            let (at, version) = granted
                .map(|(_, at, version)| (*at, version.clone()))
                .unwrap_or_else(|| (person.consent_at, person.consent_version.clone()));
            offer(at, true, line(at, version));
        } else if let Some((_, at, version)) = newest_record {
            offer(*at, false, line(*at, version.clone()));
        }
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
        offer(subscriber.consented_at, true, subscriber);
    }
    Ok(newest.into_values().filter(|(_, granted, _)| *granted).map(|(_, _, line)| line).collect())
}
