//! Organiser accounts and their sign-in sessions (the throttle is `db::sign_in_throttle`).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::models::new_id;
use super::schema::{organiser_sessions, organisers};
use super::{AnyConnection, is_unique_violation};
use crate::domain::{Role, SignInStage};
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
    /// The second factor's secret once enrolled, encrypted (`SecretKey::seal`; rows enrolled
    /// before that hold the base32 secret itself).
    pub totp_secret: Option<String>,
    /// A secret shown for enrolment and not yet confirmed by a code.
    pub totp_pending_secret: Option<String>,
    /// The last time step whose code was accepted: a code is good once.
    pub totp_last_step: Option<i64>,
}

impl Organiser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn has_second_factor(&self) -> bool {
        self.totp_secret.is_some()
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
            totp_secret: None,
            totp_pending_secret: None,
            totp_last_step: None,
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

/// Where a sign-in session comes from, as the organiser's session list shows it.
#[derive(Debug, Clone)]
pub struct SessionOrigin {
    pub user_agent: String,
    pub client_address: String,
}

/// Starts a session at `stage` (complete, or waiting for the second factor or its
/// enrolment); returns the cookie's token (only its hash is stored).
pub fn start_session(
    conn: &mut AnyConnection,
    organiser_id: &str,
    stage: SignInStage,
    origin: &SessionOrigin,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let token = new_token();
    // A session waiting for its second factor lasts minutes, not hours.
    let lifetime = if stage == SignInStage::Complete { ABSOLUTE_TIMEOUT } else { PENDING_TIMEOUT };
    diesel::insert_into(organiser_sessions::table)
        .values((
            organiser_sessions::token_hash.eq(hash_token(&token)),
            organiser_sessions::organiser_id.eq(organiser_id),
            organiser_sessions::created_at.eq(now),
            organiser_sessions::last_seen_at.eq(now),
            organiser_sessions::expires_at.eq(now + lifetime),
            organiser_sessions::stage.eq(stage),
            organiser_sessions::user_agent.eq(origin.user_agent.chars().take(300).collect::<String>()),
            organiser_sessions::client_address.eq(&origin.client_address),
        ))
        .execute(conn)?;
    // Old sessions are cleaned up as new ones start.
    diesel::delete(organiser_sessions::table.filter(organiser_sessions::expires_at.lt(now))).execute(conn)?;
    Ok(token)
}

/// How long a sign-in may wait for its second factor (or its enrolment).
pub const PENDING_TIMEOUT: Duration = Duration::minutes(15);

/// The active organiser behind a complete session's token, if the session is live; touches it.
pub fn by_session(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<Organiser>> {
    Ok(by_session_at_any_stage(conn, token, now)?
        .filter(|(_, stage)| *stage == SignInStage::Complete)
        .map(|(organiser, _)| organiser))
}

/// The active organiser behind a live session's token and how far that sign-in has got.
pub fn by_session_at_any_stage(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(Organiser, SignInStage)>> {
    let hash = hash_token(token);
    let found: Option<(NaiveDateTime, SignInStage, Organiser)> = organiser_sessions::table
        .inner_join(organisers::table)
        .filter(organiser_sessions::token_hash.eq(&hash))
        .filter(organiser_sessions::expires_at.gt(now))
        .filter(organiser_sessions::last_seen_at.gt(now - IDLE_TIMEOUT))
        .filter(organisers::active.eq(true))
        .select((organiser_sessions::last_seen_at, organiser_sessions::stage, Organiser::as_select()))
        .first(conn)
        .optional()?;
    let Some((last_seen, stage, organiser)) = found else {
        return Ok(None);
    };
    // Write at most once a minute, not on every request.
    if now - last_seen > Duration::minutes(1) {
        diesel::update(organiser_sessions::table.find(&hash))
            .set(organiser_sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    Ok(Some((organiser, stage)))
}

/// Moves a pending sign-in to `stage`; a session that completes gets the full lifetime.
pub fn set_stage(
    conn: &mut AnyConnection,
    token: &str,
    stage: SignInStage,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let lifetime = if stage == SignInStage::Complete { ABSOLUTE_TIMEOUT } else { PENDING_TIMEOUT };
    diesel::update(organiser_sessions::table.find(hash_token(token)))
        .set((organiser_sessions::stage.eq(stage), organiser_sessions::expires_at.eq(now + lifetime)))
        .execute(conn)
        .map(|_| ())
}

pub fn end_session(conn: &mut AnyConnection, token: &str) -> QueryResult<()> {
    diesel::delete(organiser_sessions::table.find(hash_token(token))).execute(conn).map(|_| ())
}

/// One of an organiser's live sessions, as their session list shows it.
#[derive(Debug, Clone, Queryable)]
pub struct ActiveSession {
    /// The hash of its token: names it in forms without being the token.
    pub handle: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub user_agent: String,
    pub client_address: String,
}

/// An organiser's complete, live sessions, the most recently used first.
pub fn active_sessions(
    conn: &mut AnyConnection,
    organiser_id: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<ActiveSession>> {
    organiser_sessions::table
        .filter(organiser_sessions::organiser_id.eq(organiser_id))
        .filter(organiser_sessions::stage.eq(SignInStage::Complete))
        .filter(organiser_sessions::expires_at.gt(now))
        .filter(organiser_sessions::last_seen_at.gt(now - IDLE_TIMEOUT))
        .order(organiser_sessions::last_seen_at.desc())
        .select((
            organiser_sessions::token_hash,
            organiser_sessions::created_at,
            organiser_sessions::last_seen_at,
            organiser_sessions::user_agent,
            organiser_sessions::client_address,
        ))
        .load(conn)
}

/// The handle ([`ActiveSession::handle`]) of the session behind `token`.
pub fn session_handle(token: &str) -> String {
    hash_token(token)
}

/// Ends one of the organiser's own sessions; whether there was one.
pub fn end_own_session(conn: &mut AnyConnection, organiser_id: &str, handle: &str) -> QueryResult<bool> {
    diesel::delete(
        organiser_sessions::table
            .filter(organiser_sessions::organiser_id.eq(organiser_id))
            .filter(organiser_sessions::token_hash.eq(handle)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// Ends every session of the organiser but the one behind `keep` (sign out elsewhere).
pub fn end_other_sessions(conn: &mut AnyConnection, organiser_id: &str, keep: &str) -> QueryResult<usize> {
    diesel::delete(
        organiser_sessions::table
            .filter(organiser_sessions::organiser_id.eq(organiser_id))
            .filter(organiser_sessions::token_hash.ne(hash_token(keep))),
    )
    .execute(conn)
}
