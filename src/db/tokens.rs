//! The tokens of emailed links: minted for one registration and one purpose, stored only as
//! hashes, each with the end of its life.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::AnyConnection;
use super::models::{Registration, Session};
use super::schema::{registration_tokens, registrations, sessions};
use crate::domain::{CONFIRM_LINK_DAYS, FOLLOW_UP_DAYS, RegistrationId, TokenPurpose};
use crate::security::{hash_token, new_token};

/// A token for an emailed link, not stored yet: the plain token goes into the link, the row
/// keeps only its hash.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = registration_tokens)]
pub struct NewToken {
    token_hash: String,
    registration_id: RegistrationId,
    purpose: TokenPurpose,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

/// A new token for `purpose`, living as long as that purpose allows; returns the plain token
/// and the row to [`store`].
pub fn new_token_for(
    registration_id: &RegistrationId,
    purpose: TokenPurpose,
    session: &Session,
    now: NaiveDateTime,
) -> (String, NewToken) {
    let token = new_token();
    let expires_at = match purpose {
        TokenPurpose::Confirm => (now + Duration::days(CONFIRM_LINK_DAYS)).min(session.starts_at),
        // A join link also says, after the end, that the session is over (and where the
        // recording is): it lives as long as the manage link.
        TokenPurpose::Manage | TokenPurpose::Join => session.ends_at() + Duration::days(FOLLOW_UP_DAYS),
        TokenPurpose::EmailChange => {
            (now + Duration::days(CONFIRM_LINK_DAYS)).min(session.ends_at() + Duration::days(FOLLOW_UP_DAYS))
        }
    };
    let row = NewToken {
        token_hash: hash_token(&token),
        registration_id: registration_id.clone(),
        purpose,
        created_at: now,
        expires_at,
    };
    (token, row)
}

/// Stores tokens made by [`new_token_for`], in statements of up to 200 rows (the worker mints a
/// batch's links together).
pub fn store(conn: &mut AnyConnection, rows: &[NewToken]) -> QueryResult<()> {
    for chunk in rows.chunks(200) {
        // Multi-row inserts are built by each engine's own backend (MultiBackend has none).
        let insert = diesel::insert_into(registration_tokens::table).values(chunk);
        match conn {
            AnyConnection::Postgresql(pg) => insert.execute(pg)?,
            AnyConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
        };
    }
    Ok(())
}

/// Creates a token for an emailed link and returns it; only its hash is stored.
pub fn mint(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    purpose: TokenPurpose,
    session: &Session,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let (token, row) = new_token_for(registration_id, purpose, session, now);
    store(conn, std::slice::from_ref(&row))?;
    Ok(token)
}

/// The registration a live token of `purpose` points to, with its session.
pub fn lookup(
    conn: &mut AnyConnection,
    token: &str,
    purpose: TokenPurpose,
    now: NaiveDateTime,
) -> QueryResult<Option<(Registration, Session)>> {
    registration_tokens::table
        .inner_join(registrations::table.inner_join(sessions::table))
        .filter(registration_tokens::token_hash.eq(hash_token(token)))
        .filter(registration_tokens::purpose.eq(purpose))
        .filter(registration_tokens::expires_at.gt(now))
        .select((Registration::as_select(), Session::as_select()))
        .first(conn)
        .optional()
}

/// Ends the links of one purpose of a registration (a confirmation link sent for details that
/// have since been replaced).
pub fn revoke(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    purpose: TokenPurpose,
) -> QueryResult<()> {
    diesel::delete(
        registration_tokens::table
            .filter(registration_tokens::registration_id.eq(registration_id))
            .filter(registration_tokens::purpose.eq(purpose)),
    )
    .execute(conn)
    .map(|_| ())
}

/// Ends every link of one registration (erasure).
pub fn revoke_all(conn: &mut AnyConnection, registration_id: &RegistrationId) -> QueryResult<()> {
    diesel::delete(
        registration_tokens::table.filter(registration_tokens::registration_id.eq(registration_id)),
    )
    .execute(conn)
    .map(|_| ())
}
