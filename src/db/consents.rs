//! Consents, one record per purpose given or withdrawn, with the notice version shown. The
//! history is kept: the newest record of a purpose is the person's choice.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::models::{Consent, new_id};
use super::schema::consents;
use crate::domain::{CONSENT_VERSION, ConsentPurpose, ConsentSource, RegistrationId};

/// Appends one consent record per purpose (given or withdrawn), with the current notice version.
pub fn record(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    choices: &[(ConsentPurpose, bool)],
    source: ConsentSource,
    now: NaiveDateTime,
) -> QueryResult<()> {
    for consent in records(registration_id, choices, source, now) {
        diesel::insert_into(consents::table).values(&consent).execute(conn)?;
    }
    Ok(())
}

/// The records [`record`] appends, for a caller that writes them with other rows.
pub fn records(
    registration_id: &RegistrationId,
    choices: &[(ConsentPurpose, bool)],
    source: ConsentSource,
    now: NaiveDateTime,
) -> Vec<Consent> {
    choices
        .iter()
        .map(|&(purpose, granted)| Consent {
            id: new_id(),
            registration_id: registration_id.to_owned(),
            purpose,
            granted,
            notice_version: CONSENT_VERSION.into(),
            recorded_at: now,
            source,
        })
        .collect()
}

/// A registration's consent history, oldest first (for the person's download).
pub fn history(conn: &mut AnyConnection, registration_id: &RegistrationId) -> QueryResult<Vec<Consent>> {
    consents::table
        .filter(consents::registration_id.eq(registration_id))
        .order((consents::recorded_at.asc(), consents::id.asc()))
        .select(Consent::as_select())
        .load(conn)
}
