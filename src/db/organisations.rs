//! Queries for member governments and partner organisations, and the merging of organisation
//! names typed by registrants into them. Every change writes its audit entry in the same
//! transaction.
//!
//! Names are matched in Rust, not in SQL: SQLite's `lower()` and `LIKE` fold ASCII letters only,
//! so "Éric" and "éric" would match on PostgreSQL and not on SQLite. These lists are small
//! (hundreds of rows).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::{Organisation, new_id};
use super::schema::{organisations, registrations};
use super::{AnyConnection, is_unique_violation, write_tx};
use crate::domain::{Language, OrganisationKind};

/// How text is compared when searching or merging: trimmed, case-insensitive.
pub fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// An organisation with the number of registrations that chose it.
#[derive(Debug, Clone)]
pub struct OrganisationRow {
    pub organisation: Organisation,
    pub registrations: i64,
}

/// Member governments first, then partners, each by name, with their registration counts.
pub fn organisations(conn: &mut AnyConnection) -> QueryResult<Vec<OrganisationRow>> {
    let list: Vec<Organisation> = organisations::table
        .order((organisations::kind.asc(), organisations::name.asc(), organisations::id.asc()))
        .select(Organisation::as_select())
        .load(conn)?;
    let counts: HashMap<Option<String>, i64> = registrations::table
        .filter(registrations::organisation_id.is_not_null())
        .group_by(registrations::organisation_id)
        .select((registrations::organisation_id, diesel::dsl::count_star()))
        .load::<(Option<String>, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(list
        .into_iter()
        .map(|organisation| {
            let registrations = counts.get(&Some(organisation.id.clone())).copied().unwrap_or(0);
            OrganisationRow { organisation, registrations }
        })
        .collect())
}

pub fn organisation(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Organisation>> {
    organisations::table.find(id).select(Organisation::as_select()).first(conn).optional()
}

/// An organisation as validated by the form.
#[derive(Debug, Clone)]
pub struct OrganisationInput {
    pub name: String,
    pub kind: OrganisationKind,
    pub country: String,
    pub focal_email: Option<String>,
    pub focal_name: String,
    pub focal_language: Language,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOrganisation {
    Saved(String),
    /// Another organisation has this name (compared case-insensitively).
    NameTaken,
    NotFound,
}

/// Whether an organisation other than `except` has this name, whatever the letter case.
fn name_taken(conn: &mut AnyConnection, name: &str, except: Option<&str>) -> QueryResult<bool> {
    let wanted = fold(name);
    let names: Vec<(String, String)> =
        organisations::table.select((organisations::id, organisations::name)).load(conn)?;
    Ok(names.iter().any(|(id, n)| Some(id.as_str()) != except && fold(n) == wanted))
}

pub fn create_organisation(
    conn: &mut AnyConnection,
    input: &OrganisationInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<SaveOrganisation> {
    let result = write_tx(conn, |conn| {
        if name_taken(conn, &input.name, None)? {
            return Ok(SaveOrganisation::NameTaken);
        }
        let id = new_id();
        diesel::insert_into(organisations::table)
            .values(&Organisation {
                id: id.clone(),
                name: input.name.clone(),
                kind: input.kind,
                country: input.country.clone(),
                focal_email: input.focal_email.clone(),
                is_demo: false,
                created_at: now,
                focal_name: input.focal_name.clone(),
                focal_language: input.focal_language.code().to_owned(),
            })
            .execute(conn)?;
        let details = format!("{} ({})", input.kind, input.country);
        audit::record(conn, actor, "organisation.create", &input.name, &details, now)?;
        Ok(SaveOrganisation::Saved(id))
    });
    match result {
        Err(e) if is_unique_violation(&e) => Ok(SaveOrganisation::NameTaken),
        other => other,
    }
}

pub fn update_organisation(
    conn: &mut AnyConnection,
    id: &str,
    input: &OrganisationInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<SaveOrganisation> {
    let result = write_tx(conn, |conn| {
        let Some(before) = organisation(conn, id)? else {
            return Ok(SaveOrganisation::NotFound);
        };
        if name_taken(conn, &input.name, Some(id))? {
            return Ok(SaveOrganisation::NameTaken);
        }
        diesel::update(organisations::table.find(id))
            .set((
                organisations::name.eq(&input.name),
                organisations::kind.eq(input.kind),
                organisations::country.eq(&input.country),
                organisations::focal_email.eq(&input.focal_email),
                organisations::focal_name.eq(&input.focal_name),
                organisations::focal_language.eq(input.focal_language.code()),
            ))
            .execute(conn)?;
        let details = if before.name == input.name {
            format!("{} ({})", input.kind, input.country)
        } else {
            format!("was \"{}\"; {} ({})", before.name, input.kind, input.country)
        };
        audit::record(conn, actor, "organisation.update", &input.name, &details, now)?;
        Ok(SaveOrganisation::Saved(id.to_owned()))
    });
    match result {
        Err(e) if is_unique_violation(&e) => Ok(SaveOrganisation::NameTaken),
        other => other,
    }
}

/// An organisation name typed by registrants, with how many registrations carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeText {
    /// The most frequent spelling (the first by sort order on a tie).
    pub text: String,
    pub count: i64,
}

/// The organisation names registrants typed, grouped trimmed and case-insensitively, most
/// frequent first.
pub fn free_text_organisations(conn: &mut AnyConnection) -> QueryResult<Vec<FreeText>> {
    let spellings: Vec<(Option<String>, i64)> = registrations::table
        .filter(registrations::organisation_other.is_not_null())
        .group_by(registrations::organisation_other)
        .select((registrations::organisation_other, diesel::dsl::count_star()))
        .order(registrations::organisation_other.asc())
        .load(conn)?;
    // key -> (total, best spelling, its count)
    let mut groups: HashMap<String, (i64, String, i64)> = HashMap::new();
    for (text, count) in spellings {
        let Some(text) = text else { continue };
        let key = fold(&text);
        if key.is_empty() {
            continue;
        }
        let spelling = text.trim().to_owned();
        let group = groups.entry(key).or_insert_with(|| (0, spelling.clone(), count));
        group.0 += count;
        if count > group.2 {
            group.1 = spelling;
            group.2 = count;
        }
    }
    let mut list: Vec<FreeText> =
        groups.into_values().map(|(count, text, _)| FreeText { text, count }).collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| fold(&a.text).cmp(&fold(&b.text))));
    Ok(list)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeOutcome {
    /// This many registrations now point at the organisation.
    Merged {
        count: usize,
        organisation: String,
    },
    NothingToMerge,
    UnknownOrganisation,
}

/// Points every registration whose typed organisation is `text` (trimmed, case-insensitive) at
/// an organisation of the list, and clears the typed text.
pub fn merge_free_text(
    conn: &mut AnyConnection,
    text: &str,
    organisation_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<MergeOutcome> {
    let key = fold(text);
    write_tx(conn, |conn| {
        let Some(target) = organisation(conn, organisation_id)? else {
            return Ok(MergeOutcome::UnknownOrganisation);
        };
        let candidates: Vec<(String, Option<String>)> = registrations::table
            .filter(registrations::organisation_other.is_not_null())
            .select((registrations::id, registrations::organisation_other))
            .load(conn)?;
        let ids: Vec<String> = candidates
            .into_iter()
            .filter(|(_, other)| !key.is_empty() && other.as_deref().is_some_and(|o| fold(o) == key))
            .map(|(id, _)| id)
            .collect();
        if ids.is_empty() {
            return Ok(MergeOutcome::NothingToMerge);
        }
        // Chunks keep each statement well under SQLite's limit on bound parameters.
        for chunk in ids.chunks(500) {
            diesel::update(registrations::table.filter(registrations::id.eq_any(chunk)))
                .set((
                    registrations::organisation_id.eq(Some(&target.id)),
                    registrations::organisation_other.eq(None::<String>),
                    registrations::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        let details = format!("\"{}\": {} registrations", text.trim(), ids.len());
        audit::record(conn, actor, "organisation.merge", &target.name, &details, now)?;
        Ok(MergeOutcome::Merged { count: ids.len(), organisation: target.name })
    })
}
