//! Focal points as personal data: an organisation's focal point (name, address, language) is a
//! person, found and erased by an administrator's data request for their address. Addresses
//! are compared in Rust (trimmed, lower case), as [`super::privacy::address_key`] does: SQLite's
//! `lower()` folds ASCII only, and the organisations are few.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::audit::{self, Actor};
use super::privacy::address_key;
use super::schema::organisations;

/// An organisation whose focal point has the address asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocalPointOf {
    pub organisation_id: String,
    pub organisation: String,
    pub name: String,
    pub email: String,
    pub language: String,
}

/// The organisations whose focal point's address is `email` (any case), by name.
pub fn of_address(conn: &mut AnyConnection, email: &str) -> QueryResult<Vec<FocalPointOf>> {
    let key = address_key(email);
    let rows: Vec<(String, String, String, Option<String>, String)> = organisations::table
        .filter(organisations::focal_email.is_not_null())
        .order((organisations::name.asc(), organisations::id.asc()))
        .select((
            organisations::id,
            organisations::name,
            organisations::focal_name,
            organisations::focal_email,
            organisations::focal_language,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(organisation_id, organisation, name, email, language)| {
            let email = email?;
            (address_key(&email) == key).then_some(FocalPointOf {
                organisation_id,
                organisation,
                name,
                email,
                language,
            })
        })
        .collect())
}

/// The focal point's data for the person's download.
pub fn export(held: &[FocalPointOf]) -> serde_json::Value {
    held.iter()
        .map(|f| {
            serde_json::json!({
                "organisation": f.organisation, "name": f.name, "email": f.email, "language": f.language,
            })
        })
        .collect()
}

/// Removes the focal point with address `email` from every organisation (name and address
/// cleared, language back to the default), each audited by organisation; inside the caller's
/// transaction. Returns how many organisations lost their focal point.
pub fn forget(
    conn: &mut AnyConnection,
    email: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let held = of_address(conn, email)?;
    for focal in &held {
        diesel::update(organisations::table.find(&focal.organisation_id))
            .set((
                organisations::focal_email.eq(None::<String>),
                organisations::focal_name.eq(""),
                organisations::focal_language.eq("en"),
            ))
            .execute(conn)?;
        let names: Vec<&str> =
            [focal.email.as_str(), focal.name.as_str()].into_iter().filter(|n| !n.is_empty()).collect();
        audit::pseudonymise(conn, &names, &format!("erased focal point of {}", focal.organisation))?;
        audit::record(conn, actor, "focal_point.erase", &focal.organisation, "reason=data request", now)?;
    }
    Ok(held.len())
}
