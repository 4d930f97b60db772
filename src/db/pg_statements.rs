//! Statements written for PostgreSQL alone, for the registration writes that must take few
//! round trips: what diesel's DSL cannot say on `MultiBackend` (advisory locks, arrays,
//! data-modifying CTEs). Each is a type of its own rather than a `sql_query` string, because
//! diesel prepares a statement once per connection only when it is safe to cache, which a
//! `sql_query` never is; these are, so each is parsed and planned once per connection.

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};

use super::models::{Consent, OutboxMessage, Registration, new_id};
use super::schema::{consents, outbox, registrations};
use super::submissions::RateLimit;
use crate::domain::{MessageKind, RegistrationId};

/// Locks taken by a batch of registration requests before anything else, so that two batches
/// never wait for each other in a circle: transaction-scoped advisory locks on the counters
/// the requests check (a rate limit's key, a mailbox's hourly cap), taken in the order of their
/// hash, then a key-share lock on the sessions the requests are for, in the order of their ids
/// (the lock a registration's insert takes anyway through its foreign key, taken first so
/// that a batch never holds a registration row while it waits for a session's).
#[derive(Debug, QueryId)]
struct BatchLocks {
    counters: Vec<String>,
    sessions: Vec<String>,
}

impl QueryFragment<Pg> for BatchLocks {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // UNION ALL runs its branches in turn; each subquery's ORDER BY is the locking order.
        out.push_sql(
            "SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h \
             FROM unnest(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.counters)?;
        out.push_sql(
            ") AS k ORDER BY h) AS counters UNION ALL SELECT count(*) FROM (SELECT 1 FROM sessions \
             WHERE id = ANY(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.sessions)?;
        out.push_sql(") ORDER BY id FOR KEY SHARE) AS seats");
        Ok(())
    }
}

impl RunQueryDsl<PgConnection> for BatchLocks {}

/// Takes a batch's [`BatchLocks`], held until its transaction ends.
pub fn lock_batch(pg: &mut PgConnection, counters: Vec<String>, sessions: Vec<String>) -> QueryResult<()> {
    BatchLocks { counters, sessions }.execute(pg).map(|_| ())
}

/// A rate limit in one round trip: the key's events in the window counted, one recorded when
/// they are fewer than the limit, and the key's events older than the window removed.
#[derive(Debug, QueryId)]
struct CountAndRecord {
    key: String,
    since: NaiveDateTime,
    id: String,
    now: NaiveDateTime,
    max: i64,
}

impl QueryFragment<Pg> for CountAndRecord {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("WITH ");
        rate_window(out.reborrow(), &self.key, &self.since)?;
        out.push_sql(" ");
        rate_record(out, &self.id, &self.key, &self.now, &self.max)
    }
}

impl RunQueryDsl<PgConnection> for CountAndRecord {}

/// The rate limit's common table expressions: `recent` (the key's events in the window,
/// counted) and `trimmed` (those older, removed).
fn rate_window<'b>(
    mut out: AstPass<'_, 'b, Pg>,
    key: &'b String,
    since: &'b NaiveDateTime,
) -> QueryResult<()> {
    out.push_sql("recent AS (SELECT count(*) AS n FROM rate_events WHERE key = ");
    out.push_bind_param::<Text, _>(key)?;
    out.push_sql(" AND at > ");
    out.push_bind_param::<Timestamp, _>(since)?;
    out.push_sql("), trimmed AS (DELETE FROM rate_events WHERE key = ");
    out.push_bind_param::<Text, _>(key)?;
    out.push_sql(" AND at <= ");
    out.push_bind_param::<Timestamp, _>(since)?;
    out.push_sql(")");
    Ok(())
}

/// The rate limit's insert after [`rate_window`]: one event when `recent` counted fewer than
/// `max` (one row, or none).
fn rate_record<'b>(
    mut out: AstPass<'_, 'b, Pg>,
    id: &'b String,
    key: &'b String,
    now: &'b NaiveDateTime,
    max: &'b i64,
) -> QueryResult<()> {
    out.push_sql("INSERT INTO rate_events (id, key, at) SELECT ");
    out.push_bind_param::<Text, _>(id)?;
    out.push_sql(", ");
    out.push_bind_param::<Text, _>(key)?;
    out.push_sql(", ");
    out.push_bind_param::<Timestamp, _>(now)?;
    out.push_sql(" FROM recent WHERE n < ");
    out.push_bind_param::<BigInt, _>(max)?;
    Ok(())
}

/// Records an event for `key` unless `max` happened since `since`; whether it was recorded.
pub fn count_and_record(
    pg: &mut PgConnection,
    key: &str,
    since: NaiveDateTime,
    id: String,
    now: NaiveDateTime,
    max: i64,
) -> QueryResult<bool> {
    let statement = CountAndRecord { key: key.to_owned(), since, id, now, max };
    Ok(statement.execute(pg)? == 1)
}

/// A registration request's admission checks in one round trip: its client address's rate
/// limit as [`CountAndRecord`] does it, and, read in the same statement, its mailbox's
/// confirmation mails since `mails_since` (as `outbox::recent_confirmation_mails` counts them)
/// and the registration its address already has for the session, if any. The main query cannot
/// see the rate event its own CTE inserts, which none of the three answers needs.
#[derive(Debug, QueryId)]
struct Admission {
    key: String,
    since: NaiveDateTime,
    id: String,
    now: NaiveDateTime,
    max: i64,
    email_normalized: String,
    mails_since: NaiveDateTime,
    session_id: String,
}

impl QueryFragment<Pg> for Admission {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("WITH ");
        rate_window(out.reborrow(), &self.key, &self.since)?;
        out.push_sql(", recorded AS (");
        rate_record(out.reborrow(), &self.id, &self.key, &self.now, &self.max)?;
        out.push_sql(
            " RETURNING 1) SELECT (SELECT count(*) FROM recorded), (SELECT count(*) FROM outbox \
             INNER JOIN registrations ON registrations.id = outbox.registration_id \
             WHERE registrations.email_normalized = ",
        );
        out.push_bind_param::<Text, _>(&self.email_normalized)?;
        out.push_sql(" AND outbox.kind IN (");
        out.push_bind_param::<Text, _>(&MessageKind::ConfirmRequest)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&MessageKind::AlreadyRegistered)?;
        out.push_sql(") AND outbox.created_at >= ");
        out.push_bind_param::<Timestamp, _>(&self.mails_since)?;
        out.push_sql("), (SELECT id FROM registrations WHERE session_id = ");
        out.push_bind_param::<Text, _>(&self.session_id)?;
        out.push_sql(" AND email_normalized = ");
        out.push_bind_param::<Text, _>(&self.email_normalized)?;
        out.push_sql(" LIMIT 1)");
        Ok(())
    }
}

impl Query for Admission {
    type SqlType = (BigInt, BigInt, Nullable<Text>);
}

impl RunQueryDsl<PgConnection> for Admission {}

/// What [`admit`] found: whether the rate limit let the request in (and counted it), the
/// mailbox's confirmation mails of the window, and the address's registration for the session.
#[derive(Debug)]
pub struct Admitted {
    pub allowed: bool,
    pub recent_mails: i64,
    pub existing: Option<RegistrationId>,
}

/// Counts a registration request against its rate limit (an event for its key recorded unless
/// the limit's maximum happened within its window before `now`) and reads what its mailbox's
/// cap stands at since `mails_since` and its address's registration for `session_id`, all in
/// one round trip (see [`Admission`]).
pub fn admit(
    pg: &mut PgConnection,
    limit: &RateLimit,
    now: NaiveDateTime,
    email_normalized: &str,
    mails_since: NaiveDateTime,
    session_id: &str,
) -> QueryResult<Admitted> {
    let statement = Admission {
        key: limit.key.clone(),
        since: now - limit.window,
        id: new_id(),
        now,
        max: limit.max,
        email_normalized: email_normalized.to_owned(),
        mails_since,
        session_id: session_id.to_owned(),
    };
    let (recorded, recent_mails, existing) =
        statement.get_result::<(i64, i64, Option<RegistrationId>)>(pg)?;
    Ok(Admitted { allowed: recorded == 1, recent_mails, existing })
}

/// Inserts written as one statement (`WITH a AS (INSERT …), b AS (INSERT …) INSERT …`): the
/// rows are built by diesel's own inserts, so a column added to a model is written here too.
/// Foreign keys between them are checked at the end of the statement, when all are in.
struct Together<First, Then, Last> {
    first: First,
    then: Vec<Then>,
    last: Last,
}

impl<First, Then, Last> QueryFragment<Pg> for Together<First, Then, Last>
where
    First: QueryFragment<Pg>,
    Then: QueryFragment<Pg>,
    Last: QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("WITH w0 AS (");
        self.first.walk_ast(out.reborrow())?;
        for (n, statement) in self.then.iter().enumerate() {
            out.push_sql(&format!("), w{} AS (", n + 1));
            statement.walk_ast(out.reborrow())?;
        }
        out.push_sql(") ");
        self.last.walk_ast(out.reborrow())
    }
}

// The text differs with the number of inserts, so statements are cached by their text.
impl<First, Then, Last> QueryId for Together<First, Then, Last> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<First, Then, Last> RunQueryDsl<PgConnection> for Together<First, Then, Last> {}

/// A new registration, its consents and its first message in one round trip.
pub fn insert_registration(
    pg: &mut PgConnection,
    registration: &Registration,
    given: &[Consent],
    message: &OutboxMessage,
) -> QueryResult<()> {
    Together {
        first: diesel::insert_into(registrations::table).values(registration),
        then: given.iter().map(|consent| diesel::insert_into(consents::table).values(consent)).collect(),
        last: diesel::insert_into(outbox::table).values(message),
    }
    .execute(pg)
    .map(|_| ())
}
