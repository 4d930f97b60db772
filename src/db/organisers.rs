//! Organiser accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::new_id;
use super::schema::organisers;
use super::{AnyConnection, is_unique_violation};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisers)]
pub struct Organiser {
    pub id: String,
    pub email: String,
    pub email_normalized: String,
    pub name: String,
    pub password_hash: String,
    pub role: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug)]
pub enum AddOutcome {
    Added(String),
    EmailTaken,
}

pub fn add(
    conn: &mut AnyConnection,
    email: &str,
    name: &str,
    password_hash: &str,
    admin: bool,
    now: NaiveDateTime,
) -> QueryResult<AddOutcome> {
    let id = new_id();
    let result = diesel::insert_into(organisers::table)
        .values(&Organiser {
            id: id.clone(),
            email: email.to_owned(),
            email_normalized: email.to_lowercase(),
            name: name.to_owned(),
            password_hash: password_hash.to_owned(),
            role: if admin { "admin" } else { "organiser" }.into(),
            active: true,
            created_at: now,
            updated_at: now,
        })
        .execute(conn);
    match result {
        Ok(_) => Ok(AddOutcome::Added(id)),
        Err(e) if is_unique_violation(&e) => Ok(AddOutcome::EmailTaken),
        Err(e) => Err(e),
    }
}

pub fn by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<Organiser>> {
    organisers::table
        .filter(organisers::email_normalized.eq(email.trim().to_lowercase()))
        .select(Organiser::as_select())
        .first(conn)
        .optional()
}
