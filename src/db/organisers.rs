//! Organiser accounts, their sign-in sessions and the throttling of failed sign-ins.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::models::new_id;
use super::schema::{organiser_sessions, organisers, sign_in_failures};
use super::{AnyConnection, is_unique_violation};
use crate::domain::Role;
use crate::security::{hash_token, new_token};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisers)]
pub struct Organiser {
    pub id: String,
    pub email: String,
    pub email_normalized: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Organiser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
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
            role: if admin { Role::Admin } else { Role::Organiser },
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

pub fn by_id(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Organiser>> {
    organisers::table.find(id).select(Organiser::as_select()).first(conn).optional()
}

pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<Organiser>> {
    organisers::table.order(organisers::name.asc()).select(Organiser::as_select()).load(conn)
}

pub fn set_password(
    conn: &mut AnyConnection,
    id: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(organisers::table.find(id))
        .set((organisers::password_hash.eq(password_hash), organisers::updated_at.eq(now)))
        .execute(conn)?;
    // A new password signs the account out everywhere else.
    diesel::delete(organiser_sessions::table.filter(organiser_sessions::organiser_id.eq(id)))
        .execute(conn)?;
    Ok(())
}

pub fn set_role_and_active(
    conn: &mut AnyConnection,
    id: &str,
    role: Role,
    active: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(organisers::table.find(id))
        .set((organisers::role.eq(role), organisers::active.eq(active), organisers::updated_at.eq(now)))
        .execute(conn)?;
    if !active {
        diesel::delete(organiser_sessions::table.filter(organiser_sessions::organiser_id.eq(id)))
            .execute(conn)?;
    }
    Ok(())
}

/// How long a sign-in lasts without activity, and at most.
pub const IDLE_TIMEOUT: Duration = Duration::hours(2);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);

/// Starts a signed-in session; returns the cookie's token (only its hash is stored).
pub fn start_session(
    conn: &mut AnyConnection,
    organiser_id: &str,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let token = new_token();
    diesel::insert_into(organiser_sessions::table)
        .values((
            organiser_sessions::token_hash.eq(hash_token(&token)),
            organiser_sessions::organiser_id.eq(organiser_id),
            organiser_sessions::created_at.eq(now),
            organiser_sessions::last_seen_at.eq(now),
            organiser_sessions::expires_at.eq(now + ABSOLUTE_TIMEOUT),
        ))
        .execute(conn)?;
    // Old sessions are cleaned up as new ones start.
    diesel::delete(organiser_sessions::table.filter(organiser_sessions::expires_at.lt(now))).execute(conn)?;
    Ok(token)
}

/// The active organiser behind a session token, if the session is live; touches it.
pub fn by_session(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<Organiser>> {
    let hash = hash_token(token);
    let found: Option<(NaiveDateTime, Organiser)> = organiser_sessions::table
        .inner_join(organisers::table)
        .filter(organiser_sessions::token_hash.eq(&hash))
        .filter(organiser_sessions::expires_at.gt(now))
        .filter(organiser_sessions::last_seen_at.gt(now - IDLE_TIMEOUT))
        .filter(organisers::active.eq(true))
        .select((organiser_sessions::last_seen_at, Organiser::as_select()))
        .first(conn)
        .optional()?;
    let Some((last_seen, organiser)) = found else {
        return Ok(None);
    };
    // Write at most once a minute, not on every request.
    if now - last_seen > Duration::minutes(1) {
        diesel::update(organiser_sessions::table.find(&hash))
            .set(organiser_sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    Ok(Some(organiser))
}

pub fn end_session(conn: &mut AnyConnection, token: &str) -> QueryResult<()> {
    diesel::delete(organiser_sessions::table.find(hash_token(token))).execute(conn).map(|_| ())
}

/// Failed sign-ins counted over this window.
pub const FAILURE_WINDOW: Duration = Duration::minutes(30);
/// Tries allowed before sign-ins for that key are delayed.
pub const FREE_TRIES: i64 = 10;

/// When the next sign-in for any of `keys` may be tried: after 10 failures in the window,
/// each further failure doubles the wait (1, 2, 4 … minutes, at most 60).
pub fn throttled_until(
    conn: &mut AnyConnection,
    keys: &[String],
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let mut until: Option<NaiveDateTime> = None;
    for key in keys {
        let recent: Vec<NaiveDateTime> = sign_in_failures::table
            .filter(sign_in_failures::key.eq(key))
            .filter(sign_in_failures::failed_at.gt(now - FAILURE_WINDOW))
            .order(sign_in_failures::failed_at.desc())
            .select(sign_in_failures::failed_at)
            .load(conn)?;
        let count = i64::try_from(recent.len()).unwrap_or(i64::MAX);
        if count >= FREE_TRIES {
            let wait = Duration::minutes((1i64 << (count - FREE_TRIES).min(6)).min(60));
            let next = recent[0] + wait;
            if next > now && until.is_none_or(|u| next > u) {
                until = Some(next);
            }
        }
    }
    Ok(until)
}

pub fn record_failure(conn: &mut AnyConnection, keys: &[String], now: NaiveDateTime) -> QueryResult<()> {
    for key in keys {
        diesel::insert_into(sign_in_failures::table)
            .values((
                sign_in_failures::id.eq(new_id()),
                sign_in_failures::key.eq(key),
                sign_in_failures::failed_at.eq(now),
            ))
            .execute(conn)?;
    }
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::failed_at.lt(now - Duration::days(1))))
        .execute(conn)?;
    Ok(())
}

pub fn clear_failures(conn: &mut AnyConnection, key: &str) -> QueryResult<()> {
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::key.eq(key))).execute(conn).map(|_| ())
}
