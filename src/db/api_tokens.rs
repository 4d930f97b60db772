//! Organiser API tokens: minted by an administrator (or an operator on the command line),
//! shown once, stored only as the SHA-256 of the secret, each with its scopes, its end, its
//! revocation and its last use (written at most once a minute, so that a busy client does not
//! turn every read into a write).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::new_id;
use super::schema::api_tokens;
use super::{AnyConnection, write_tx};
use crate::domain::ApiScope;
use crate::security::{hash_token, new_token};

/// What starts every secret, so that secret scanners and people recognise one.
pub const SECRET_PREFIX: &str = "cvk_";
/// How long after its last recorded use a token's use is recorded again.
pub const LAST_USE_EVERY: Duration = Duration::seconds(60);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub scopes: String,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
}

impl ApiToken {
    /// The scopes it holds (a stored word no longer known grants nothing).
    pub fn scopes(&self) -> Vec<ApiScope> {
        parse_scopes(&self.scopes)
    }

    pub fn has(&self, scope: ApiScope) -> bool {
        self.scopes().contains(&scope)
    }

    pub fn is_live(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }

    /// Who the audit log names for what the token does: its name, marked as a token (no
    /// organiser account, so the entry has none).
    pub fn actor(&self) -> Actor {
        Actor { id: String::new(), name: format!("API token \u{201c}{}\u{201d}", self.name) }
    }
}

pub fn parse_scopes(stored: &str) -> Vec<ApiScope> {
    let mut scopes: Vec<ApiScope> = stored.split_whitespace().filter_map(ApiScope::parse).collect();
    scopes.sort();
    scopes.dedup();
    scopes
}

fn stored_scopes(scopes: &[ApiScope]) -> String {
    let mut scopes = scopes.to_vec();
    scopes.sort();
    scopes.dedup();
    scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
}

/// A token as asked for, validated by the caller (name cleaned, scopes not empty, end later).
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub scopes: Vec<ApiScope>,
    pub expires_at: NaiveDateTime,
}

/// Mints a token, records who did it, and returns it with its secret (the only time the secret
/// exists outside the caller's hands).
pub fn create(
    conn: &mut AnyConnection,
    new: &NewToken,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<(ApiToken, String)> {
    let secret = format!("{SECRET_PREFIX}{}", new_token());
    let token = ApiToken {
        id: new_id(),
        name: new.name.clone(),
        scopes: stored_scopes(&new.scopes),
        created_by: Some(actor.id.clone()).filter(|id| !id.is_empty()),
        created_at: now,
        expires_at: new.expires_at,
        revoked_at: None,
        last_used_at: None,
    };
    write_tx(conn, |conn| {
        diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::id.eq(&token.id),
                api_tokens::name.eq(&token.name),
                api_tokens::token_hash.eq(hash_token(&secret)),
                api_tokens::scopes.eq(&token.scopes),
                api_tokens::created_by.eq(&token.created_by),
                api_tokens::created_at.eq(now),
                api_tokens::expires_at.eq(token.expires_at),
            ))
            .execute(conn)?;
        let details = format!(
            "token={} scopes={} expires={}",
            token.id,
            token.scopes,
            token.expires_at.format("%Y-%m-%d")
        );
        audit::record(conn, actor, "api_token.create", &token.name, &details, now)?;
        Ok((token, secret))
    })
}

/// Every token, newest first (revoked and expired ones too: the page shows them as such).
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<ApiToken>> {
    api_tokens::table
        .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
        .select(ApiToken::as_select())
        .load(conn)
}

/// Ends a token now, with an audit entry. `false` when there is no such token; revoking a
/// revoked token changes nothing and records nothing.
pub fn revoke(conn: &mut AnyConnection, id: &str, actor: &Actor, now: NaiveDateTime) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let Some(name) =
            api_tokens::table.find(id).select(api_tokens::name).first::<String>(conn).optional()?
        else {
            return Ok(false);
        };
        let changed = diesel::update(api_tokens::table.find(id).filter(api_tokens::revoked_at.is_null()))
            .set(api_tokens::revoked_at.eq(Some(now)))
            .execute(conn)?;
        if changed > 0 {
            audit::record(conn, actor, "api_token.revoke", &name, &format!("token={id}"), now)?;
        }
        Ok(true)
    })
}

/// The live token whose secret this is (any token, live or not, for a syntactically valid
/// secret: the caller tells expired and revoked apart for its answer).
pub fn by_secret(conn: &mut AnyConnection, secret: &str) -> QueryResult<Option<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(hash_token(secret)))
        .select(ApiToken::as_select())
        .first(conn)
        .optional()
}

/// Whether `token`'s use at `now` should be written (never recorded, or more than a minute
/// ago): most requests then write nothing.
pub fn use_is_stale(token: &ApiToken, now: NaiveDateTime) -> bool {
    token.last_used_at.is_none_or(|at| at + LAST_USE_EVERY <= now)
}

/// Records the token's use at `now`, unless another request recorded one within the minute.
pub fn note_use(conn: &mut AnyConnection, id: &str, now: NaiveDateTime) -> QueryResult<()> {
    let before = now - LAST_USE_EVERY;
    write_tx(conn, |conn| {
        diesel::update(
            api_tokens::table
                .find(id)
                .filter(api_tokens::last_used_at.is_null().or(api_tokens::last_used_at.le(before))),
        )
        .set(api_tokens::last_used_at.eq(Some(now)))
        .execute(conn)
        .map(|_| ())
    })
}

/// Whether a string can be a secret at all (checked before any database call).
pub fn looks_like_secret(secret: &str) -> bool {
    secret.strip_prefix(SECRET_PREFIX).is_some_and(crate::security::looks_like_token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_stored_sorted_once_and_unknown_words_grant_nothing() {
        let stored =
            stored_scopes(&[ApiScope::SessionsWrite, ApiScope::RegistrationsRead, ApiScope::SessionsWrite]);
        assert_eq!(stored, "registrations:read sessions:write");
        assert_eq!(
            parse_scopes("sessions:write admin:all registrations:read"),
            [ApiScope::RegistrationsRead, ApiScope::SessionsWrite]
        );
    }

    #[test]
    fn secrets_have_their_prefix_and_length() {
        assert!(looks_like_secret(&format!("{SECRET_PREFIX}{}", new_token())));
        assert!(!looks_like_secret(&new_token()));
        assert!(!looks_like_secret("cvk_short"));
    }
}
