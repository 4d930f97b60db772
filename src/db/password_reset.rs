//! Organisers' password reset links: a token minted when the mail is sent, stored only as its
//! SHA-256, alive [`RESET_LINK_LIFETIME`], good once; a newer link ends the older ones.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::AnyConnection;
use super::organisers::Organiser;
use super::schema::{organiser_reset_tokens, organisers};
use crate::security::{hash_token, new_token};

/// How long a reset link works after its mail was written.
pub const RESET_LINK_LIFETIME: Duration = Duration::minutes(30);

/// Creates the token of a new reset link for the account, ending its older links; returns the
/// token (only its hash is stored).
pub fn mint(conn: &mut AnyConnection, organiser_id: &str, now: NaiveDateTime) -> QueryResult<String> {
    revoke_all(conn, organiser_id)?;
    let token = new_token();
    diesel::insert_into(organiser_reset_tokens::table)
        .values((
            organiser_reset_tokens::token_hash.eq(hash_token(&token)),
            organiser_reset_tokens::organiser_id.eq(organiser_id),
            organiser_reset_tokens::expires_at.eq(now + RESET_LINK_LIFETIME),
            organiser_reset_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Ends every reset link of the account (a new one was asked for, or one was used).
pub fn revoke_all(conn: &mut AnyConnection, organiser_id: &str) -> QueryResult<()> {
    diesel::delete(
        organiser_reset_tokens::table.filter(organiser_reset_tokens::organiser_id.eq(organiser_id)),
    )
    .execute(conn)
    .map(|_| ())
}

/// The active account a live (unexpired, unused) reset token opens.
pub fn live(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> QueryResult<Option<Organiser>> {
    organiser_reset_tokens::table
        .inner_join(organisers::table)
        .filter(organiser_reset_tokens::token_hash.eq(hash_token(token)))
        .filter(organiser_reset_tokens::used_at.is_null())
        .filter(organiser_reset_tokens::expires_at.gt(now))
        .filter(organisers::active.eq(true))
        .select(Organiser::as_select())
        .first(conn)
        .optional()
}

/// Spends a live token: marks it used (once: a concurrent use finds it spent) and ends the
/// account's other reset links. Call it inside the transaction that sets the new password.
pub fn spend(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> QueryResult<Option<Organiser>> {
    let Some(organiser) = live(conn, token, now)? else {
        return Ok(None);
    };
    let hash = hash_token(token);
    let spent = diesel::update(
        organiser_reset_tokens::table
            .filter(organiser_reset_tokens::token_hash.eq(&hash))
            .filter(organiser_reset_tokens::used_at.is_null()),
    )
    .set(organiser_reset_tokens::used_at.eq(now))
    .execute(conn)?;
    if spent == 0 {
        return Ok(None);
    }
    diesel::delete(
        organiser_reset_tokens::table
            .filter(organiser_reset_tokens::organiser_id.eq(&organiser.id))
            .filter(organiser_reset_tokens::token_hash.ne(&hash)),
    )
    .execute(conn)?;
    Ok(Some(organiser))
}

/// Removes the links that no longer work (the worker's daily run); how many.
pub fn purge(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(organiser_reset_tokens::table.filter(organiser_reset_tokens::expires_at.le(now)))
        .execute(conn)
}
