//! The sign-in throttle (ASVS 4.0.3 2.2.1, OWASP's "device cookies" design). Failures are
//! counted under several keys in `sign_in_failures`, and which keys apply depends on who asks:
//!
//! - a browser holding a valid device cookie for the account (one it was given at an earlier
//!   successful sign-in) is counted and slowed by its own cookie only, so an attacker elsewhere
//!   cannot lock the real organiser out;
//! - anyone else (a stranger) is counted by client address (one address trying many accounts),
//!   by (account, address), and for the account as a whole; the first two slow the attacker
//!   ever longer, the last one only spaces strangers' tries at the account out to one a
//!   minute while it is under attack, never a lockout.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::AnyConnection;
use super::models::new_id;
use super::schema::sign_in_failures;

/// Failures counted over this window.
pub const FAILURE_WINDOW: Duration = Duration::minutes(30);
/// Failures allowed for (account, address), and for one device cookie, before the waits start.
pub const FREE_TRIES: i64 = 10;
/// Failures allowed from one address across all accounts before its waits start.
pub const FREE_TRIES_PER_ADDRESS: i64 = 20;
/// Strangers' failures at one account after which the account counts as under attack.
pub const ATTACK_THRESHOLD: i64 = 10;
/// While an account is under attack, strangers may try it once in this long.
pub const STRANGER_SPACING: Duration = Duration::minutes(1);
/// The longest wait there is.
pub const LONGEST_WAIT: Duration = Duration::minutes(60);

/// Who is trying to sign in to which account.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The account's normalised email, as typed (whether or not it exists).
    pub account: String,
    /// The client's rate-limit key (`web::client::rate_key`: IPv4, or the IPv6 /64).
    pub address: String,
    /// The id of a valid device cookie for this very account, when the browser holds one.
    pub device: Option<String>,
}

enum Rule {
    /// After `free` failures, each further one doubles the wait (1, 2, 4 … minutes, at most 60).
    Doubling { free: i64 },
    /// After `free` failures, one try per `spacing`.
    Spaced { free: i64, spacing: Duration },
}

impl Attempt {
    fn keys(&self) -> Vec<(String, Rule)> {
        match &self.device {
            Some(device) => vec![(format!("device:{device}"), Rule::Doubling { free: FREE_TRIES })],
            None => vec![
                (format!("address:{}", self.address), Rule::Doubling { free: FREE_TRIES_PER_ADDRESS }),
                (format!("pair:{}|{}", self.account, self.address), Rule::Doubling { free: FREE_TRIES }),
                (
                    format!("account:{}", self.account),
                    Rule::Spaced { free: ATTACK_THRESHOLD, spacing: STRANGER_SPACING },
                ),
            ],
        }
    }
}

/// When this attempt may next be tried, if not now.
pub fn wait_until(
    conn: &mut AnyConnection,
    attempt: &Attempt,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let mut until: Option<NaiveDateTime> = None;
    for (key, rule) in attempt.keys() {
        let recent: Vec<NaiveDateTime> = sign_in_failures::table
            .filter(sign_in_failures::key.eq(&key))
            .filter(sign_in_failures::failed_at.gt(now - FAILURE_WINDOW))
            .order(sign_in_failures::failed_at.desc())
            .select(sign_in_failures::failed_at)
            .load(conn)?;
        let Some(latest) = recent.first().copied() else {
            continue;
        };
        let count = i64::try_from(recent.len()).unwrap_or(i64::MAX);
        let wait = match rule {
            Rule::Doubling { free } if count >= free => {
                Duration::minutes(1i64 << (count - free).min(6)).min(LONGEST_WAIT)
            }
            Rule::Spaced { free, spacing } if count >= free => spacing,
            _ => continue,
        };
        let next = latest + wait;
        if next > now && until.is_none_or(|u| next > u) {
            until = Some(next);
        }
    }
    Ok(until)
}

/// Counts a failed attempt (a wrong password, or a wrong second-factor code).
pub fn record_failure(conn: &mut AnyConnection, attempt: &Attempt, now: NaiveDateTime) -> QueryResult<()> {
    for (key, _) in attempt.keys() {
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

/// A successful sign-in forgets this client's failures at this account (its own device's, or
/// those of its (account, address)); the address's and the account's counts stay.
pub fn record_success(conn: &mut AnyConnection, attempt: &Attempt) -> QueryResult<()> {
    let key = match &attempt.device {
        Some(device) => format!("device:{device}"),
        None => format!("pair:{}|{}", attempt.account, attempt.address),
    };
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::key.eq(key))).execute(conn).map(|_| ())
}
