//! An organiser's second factor: the TOTP secret (pending while it is being enrolled), the
//! last time step whose code was accepted (a code is good once), the one-time recovery codes
//! (only their hashes), and the account policy that may require a second factor of everyone.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::models::new_id;
use super::schema::{account_policy, organiser_recovery_codes, organisers};
use crate::security::hash_token;

/// Keeps the secret shown on the enrolment page until a code from it confirms it.
pub fn set_pending_secret(conn: &mut AnyConnection, organiser_id: &str, secret: &str) -> QueryResult<()> {
    diesel::update(organisers::table.find(organiser_id))
        .set(organisers::totp_pending_secret.eq(Some(secret)))
        .execute(conn)
        .map(|_| ())
}

/// Turns the pending secret on, with `step` as its first used step, and replaces the recovery
/// codes with `codes` (stored hashed). `secret` is the pending value as stored (encrypted by
/// the caller); false when the pending secret is no longer that value.
pub fn enable(
    conn: &mut AnyConnection,
    organiser_id: &str,
    secret: &str,
    step: i64,
    codes: &[String],
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        organisers::table
            .find(organiser_id)
            .filter(organisers::totp_pending_secret.eq(secret))
            .filter(organisers::totp_secret.is_null()),
    )
    .set((
        organisers::totp_secret.eq(Some(secret)),
        organisers::totp_pending_secret.eq(None::<String>),
        organisers::totp_last_step.eq(Some(step)),
        organisers::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    diesel::delete(
        organiser_recovery_codes::table.filter(organiser_recovery_codes::organiser_id.eq(organiser_id)),
    )
    .execute(conn)?;
    for code in codes {
        diesel::insert_into(organiser_recovery_codes::table)
            .values((
                organiser_recovery_codes::id.eq(new_id()),
                organiser_recovery_codes::organiser_id.eq(organiser_id),
                organiser_recovery_codes::code_hash.eq(hash_recovery_code(code)),
                organiser_recovery_codes::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(true)
}

/// Takes the TOTP time step `step` as used, if it is later than the last one used: true when
/// it was (the code is accepted), false for a code used before. One conditional update, so
/// two requests racing with the same code cannot both pass.
pub fn use_step(conn: &mut AnyConnection, organiser_id: &str, step: i64) -> QueryResult<bool> {
    diesel::update(
        organisers::table
            .find(organiser_id)
            .filter(organisers::totp_secret.is_not_null())
            .filter(organisers::totp_last_step.is_null().or(organisers::totp_last_step.lt(step))),
    )
    .set(organisers::totp_last_step.eq(Some(step)))
    .execute(conn)
    .map(|n| n == 1)
}

/// What became of a recovery code given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryOutcome {
    Accepted,
    UsedBefore,
    Unknown,
}

/// Spends a recovery code, if it is one of the organiser's unused codes.
pub fn use_recovery_code(
    conn: &mut AnyConnection,
    organiser_id: &str,
    code: &str,
    now: NaiveDateTime,
) -> QueryResult<RecoveryOutcome> {
    let hash = hash_recovery_code(code);
    let spent = diesel::update(
        organiser_recovery_codes::table
            .filter(organiser_recovery_codes::organiser_id.eq(organiser_id))
            .filter(organiser_recovery_codes::code_hash.eq(&hash))
            .filter(organiser_recovery_codes::used_at.is_null()),
    )
    .set(organiser_recovery_codes::used_at.eq(Some(now)))
    .execute(conn)?;
    if spent == 1 {
        return Ok(RecoveryOutcome::Accepted);
    }
    let known: i64 = organiser_recovery_codes::table
        .filter(organiser_recovery_codes::organiser_id.eq(organiser_id))
        .filter(organiser_recovery_codes::code_hash.eq(&hash))
        .count()
        .get_result(conn)?;
    Ok(if known > 0 { RecoveryOutcome::UsedBefore } else { RecoveryOutcome::Unknown })
}

/// How many recovery codes the organiser has left.
pub fn recovery_codes_left(conn: &mut AnyConnection, organiser_id: &str) -> QueryResult<i64> {
    organiser_recovery_codes::table
        .filter(organiser_recovery_codes::organiser_id.eq(organiser_id))
        .filter(organiser_recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

/// Turns the second factor off and forgets its recovery codes.
pub fn disable(conn: &mut AnyConnection, organiser_id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(organisers::table.find(organiser_id))
        .set((
            organisers::totp_secret.eq(None::<String>),
            organisers::totp_pending_secret.eq(None::<String>),
            organisers::totp_last_step.eq(None::<i64>),
            organisers::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::delete(
        organiser_recovery_codes::table.filter(organiser_recovery_codes::organiser_id.eq(organiser_id)),
    )
    .execute(conn)
    .map(|_| ())
}

/// Recovery codes are compared in one form: without spaces or dashes, in lower case.
fn hash_recovery_code(code: &str) -> String {
    let normal: String =
        code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    hash_token(&normal)
}

/// Whether administrators require every organiser to have a second factor.
pub fn second_factor_required(conn: &mut AnyConnection) -> QueryResult<bool> {
    Ok(account_policy::table
        .find(1)
        .select(account_policy::require_second_factor)
        .first(conn)
        .optional()?
        .unwrap_or(false))
}

/// Sets the policy (one row, made on first use).
pub fn set_second_factor_required(
    conn: &mut AnyConnection,
    required: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let changed = diesel::update(account_policy::table.find(1))
        .set((account_policy::require_second_factor.eq(required), account_policy::updated_at.eq(now)))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(account_policy::table)
            .values((
                account_policy::id.eq(1),
                account_policy::require_second_factor.eq(required),
                account_policy::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
