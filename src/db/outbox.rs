//! The durable email outbox. Business writes enqueue in their own transaction; the worker
//! claims due rows with a lease in a short transaction and records the result in another.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::models::{OutboxMessage, new_id};
use super::schema::outbox;
use super::{AnyConnection, write_tx};
use crate::domain::{MessageKind, OutboxStatus, RegistrationId};

/// Adds a message to the outbox. `dedupe_key` is unique: enqueueing the same key twice is a
/// unique violation, which callers that may repeat themselves treat as "already queued".
pub fn enqueue(
    conn: &mut AnyConnection,
    kind: MessageKind,
    registration_id: Option<&RegistrationId>,
    dedupe_key: &str,
    payload: &str,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let message = queued(kind, registration_id, dedupe_key, payload, now);
    diesel::insert_into(outbox::table).values(&message).execute(conn)?;
    Ok(message.id)
}

/// The row [`enqueue`] adds, for a caller that writes it with other rows.
pub fn queued(
    kind: MessageKind,
    registration_id: Option<&RegistrationId>,
    dedupe_key: &str,
    payload: &str,
    now: NaiveDateTime,
) -> OutboxMessage {
    OutboxMessage {
        id: new_id(),
        kind,
        registration_id: registration_id.cloned(),
        dedupe_key: dedupe_key.to_owned(),
        payload: payload.to_owned(),
        status: OutboxStatus::Queued,
        attempts: 0,
        next_attempt_at: now,
        locked_until: None,
        last_error: None,
        message_id: None,
        sent_at: None,
        created_at: now,
    }
}

/// Queues a message of `kind` about one registration, caused by a change at `now`.
pub fn notify(
    conn: &mut AnyConnection,
    kind: MessageKind,
    registration_id: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<String> {
    enqueue(conn, kind, Some(registration_id), &format!("{kind}:{registration_id}:{now}"), "{}", now)
}

/// Mail still to be delivered for one registration is not sent after all (its data is erased).
pub fn skip_undelivered(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    reason: &str,
) -> QueryResult<()> {
    diesel::update(
        outbox::table.filter(outbox::registration_id.eq(registration_id)).filter(outbox::status.eq_any([
            OutboxStatus::Queued,
            OutboxStatus::Sending,
            OutboxStatus::Failed,
        ])),
    )
    .set((outbox::status.eq(OutboxStatus::Skipped), outbox::last_error.eq(reason)))
    .execute(conn)
    .map(|_| ())
}

/// Takes a person out of their registration's delivery log when their data is erased: the
/// servers' answers and the payloads name `pseudonym` instead of any of `names`, and the
/// stored copies of the mail are forgotten. Returns those copies' file names, for the caller
/// to delete once the erasure commits.
pub fn scrub(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    names: &[&str],
    pseudonym: &str,
) -> QueryResult<Vec<String>> {
    use crate::domain::{mentions, redact};
    let rows: Vec<(String, String, Option<String>, Option<String>)> = outbox::table
        .filter(outbox::registration_id.eq(registration_id))
        .select((outbox::id, outbox::payload, outbox::last_error, outbox::eml_file))
        .load(conn)?;
    let mut copies = Vec::new();
    for (id, payload, last_error, eml_file) in rows {
        let error_names = last_error.as_deref().is_some_and(|e| mentions(e, names));
        if mentions(&payload, names) || error_names || eml_file.is_some() {
            diesel::update(outbox::table.find(&id))
                .set((
                    outbox::payload.eq(redact(&payload, names, pseudonym)),
                    outbox::last_error.eq(last_error.map(|e| redact(&e, names, pseudonym))),
                    outbox::eml_file.eq(None::<String>),
                ))
                .execute(conn)?;
        }
        copies.extend(eml_file);
    }
    Ok(copies)
}

/// Stored copies of mail sent before `cutoff` (their retention period is over): their file
/// names are returned and forgotten, for the caller to delete.
pub fn take_copies_before(conn: &mut AnyConnection, cutoff: NaiveDateTime) -> QueryResult<Vec<String>> {
    write_tx(conn, |conn| {
        let old = outbox::table.filter(outbox::eml_file.is_not_null()).filter(outbox::sent_at.lt(cutoff));
        let files: Vec<Option<String>> = old.select(outbox::eml_file).load(conn)?;
        diesel::update(old).set(outbox::eml_file.eq(None::<String>)).execute(conn)?;
        Ok(files.into_iter().flatten().collect())
    })
}

/// When the newest message of `kind` for one registration was queued.
pub fn last_queued(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    kind: MessageKind,
) -> QueryResult<Option<NaiveDateTime>> {
    outbox::table
        .filter(outbox::registration_id.eq(registration_id))
        .filter(outbox::kind.eq(kind))
        .select(diesel::dsl::max(outbox::created_at))
        .first(conn)
}

/// Confirmation requests and "already registered" messages queued for one address since
/// `since`, across every session (for the per-mailbox cap). A fixed statement, so it is
/// prepared once per connection.
pub fn recent_confirmation_mails(
    conn: &mut AnyConnection,
    email_normalized: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    use super::schema::registrations;
    outbox::table
        .inner_join(registrations::table)
        .filter(registrations::email_normalized.eq(email_normalized))
        .filter(outbox::kind.eq_any([MessageKind::ConfirmRequest, MessageKind::AlreadyRegistered]))
        .filter(outbox::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// Claims up to `limit` due messages for `lease`: queued ones whose time has come, and ones
/// left "sending" by a worker that died (lease expired). Each claim counts as an attempt.
pub fn claim_due(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    limit: i64,
    lease: Duration,
) -> QueryResult<Vec<OutboxMessage>> {
    write_tx(conn, |conn| {
        // Two index scans of `(status, …)`, each stopping at the batch's size: leases run out
        // first (a worker died with them), then what is due, oldest first. One query with both
        // conditions ORed sorted every due row of the queue for each batch, and the queue
        // holds a whole session's reminders at once.
        let mut ids = claimable(conn, Claimable::LeaseRunOut, now, limit)?;
        let room = limit - i64::try_from(ids.len()).unwrap_or(limit);
        if room > 0 {
            ids.extend(claimable(conn, Claimable::Due, now, room)?);
        }
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set((
                outbox::status.eq(OutboxStatus::Sending),
                outbox::locked_until.eq(now + lease),
                outbox::attempts.eq(outbox::attempts + 1),
            ))
            .execute(conn)?;
        outbox::table
            .filter(outbox::id.eq_any(&ids))
            .order(outbox::next_attempt_at.asc())
            .select(OutboxMessage::as_select())
            .load(conn)
    })
}

/// The two kinds of row a worker claims.
#[derive(Debug, Clone, Copy)]
enum Claimable {
    /// Left "sending" by a worker that died: the lease ran out.
    LeaseRunOut,
    /// Queued, and its time has come.
    Due,
}

/// Up to `limit` ids of claimable rows of one kind, oldest due first. PostgreSQL: several
/// workers share one database, so each skips the rows another is claiming. SQLite: the
/// caller's `write_tx` holds the write lock, so the claim is exclusive.
fn claimable(
    conn: &mut AnyConnection,
    kind: Claimable,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<String>> {
    macro_rules! ids {
        ($condition:expr) => {
            match conn {
                AnyConnection::Postgresql(pg) => outbox::table
                    .filter($condition)
                    .order(outbox::next_attempt_at.asc())
                    .limit(limit)
                    .select(outbox::id)
                    .for_update()
                    .skip_locked()
                    .load(pg),
                AnyConnection::Sqlite(_) => outbox::table
                    .filter($condition)
                    .order(outbox::next_attempt_at.asc())
                    .limit(limit)
                    .select(outbox::id)
                    .load(conn),
            }
        };
    }
    match kind {
        Claimable::LeaseRunOut => {
            ids!(outbox::status.eq(OutboxStatus::Sending).and(outbox::locked_until.lt(now)))
        }
        Claimable::Due => ids!(outbox::status.eq(OutboxStatus::Queued).and(outbox::next_attempt_at.le(now))),
    }
}

/// Sent; `eml_file` names the stored copy when the file transport wrote one (so erasure and
/// retention can delete it).
pub fn mark_sent(
    conn: &mut AnyConnection,
    id: &str,
    message_id: &str,
    eml_file: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(OutboxStatus::Sent),
            outbox::sent_at.eq(now),
            outbox::message_id.eq(message_id),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
            outbox::eml_file.eq(eml_file),
        ))
        .execute(conn)
        .map(|_| ())
}

/// [`mark_sent`] for several messages sent without a stored copy (over SMTP), in one
/// statement; each one's Message-ID is `<` its id `message_id_suffix` (the worker's form).
pub fn mark_all_sent(
    conn: &mut AnyConnection,
    ids: &[&str],
    message_id_suffix: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    use diesel::sql_types::Text;
    for chunk in ids.chunks(500) {
        let message_id = "<".into_sql::<Text>().concat(outbox::id).concat(message_id_suffix);
        diesel::update(outbox::table.filter(outbox::id.eq_any(chunk)))
            .set((
                outbox::status.eq(OutboxStatus::Sent),
                outbox::sent_at.eq(now),
                outbox::message_id.eq(message_id.nullable()),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(None::<String>),
                outbox::eml_file.eq(None::<String>),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A transient failure: try again at `next_attempt_at`.
pub fn mark_retry(
    conn: &mut AnyConnection,
    id: &str,
    error: &str,
    next_attempt_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(OutboxStatus::Queued),
            outbox::next_attempt_at.eq(next_attempt_at),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(truncate(error)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A permanent failure, or the last attempt: kept with the server's answer, never retried.
pub fn mark_failed(conn: &mut AnyConnection, id: &str, error: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(OutboxStatus::Failed),
            outbox::failed_at.eq(now),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(truncate(error)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// No longer wanted when its turn came (the person cancelled, the session moved again).
pub fn mark_skipped(conn: &mut AnyConnection, id: &str, reason: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(OutboxStatus::Skipped),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(truncate(reason)),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn for_registration(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
) -> QueryResult<Vec<OutboxMessage>> {
    outbox::table
        .filter(outbox::registration_id.eq(registration_id))
        .order(outbox::created_at.asc())
        .select(OutboxMessage::as_select())
        .load(conn)
}

/// Counts by status, for health and metrics.
pub fn depth(conn: &mut AnyConnection) -> QueryResult<Vec<(OutboxStatus, i64)>> {
    outbox::table.group_by(outbox::status).select((outbox::status, diesel::dsl::count_star())).load(conn)
}

/// When the oldest message that is due and not yet sent became due (its next attempt time);
/// none when nothing is waiting.
pub fn oldest_due(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Option<NaiveDateTime>> {
    outbox::table
        .filter(outbox::status.eq_any([OutboxStatus::Queued, OutboxStatus::Sending]))
        .filter(outbox::next_attempt_at.le(now))
        .select(diesel::dsl::min(outbox::next_attempt_at))
        .first(conn)
}

/// Messages given up for good since `since`.
pub fn failed_since(conn: &mut AnyConnection, since: NaiveDateTime) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::status.eq(OutboxStatus::Failed))
        .filter(outbox::failed_at.ge(since))
        .count()
        .get_result(conn)
}

fn truncate(error: &str) -> String {
    error.chars().take(1000).collect()
}

/// A message to queue with [`enqueue_many`].
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub kind: MessageKind,
    pub registration_id: String,
    pub dedupe_key: String,
    pub payload: String,
}

/// Queues many messages at once; a message whose `dedupe_key` is already queued (or sent) is
/// left out. Returns how many were added. Several workers may call this at the same moment:
/// the unique key, not timing, keeps each message single.
pub fn enqueue_many(
    conn: &mut AnyConnection,
    messages: &[NewMessage],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let rows: Vec<Row<'_>> = messages
        .iter()
        .map(|m| Row {
            kind: m.kind,
            registration_id: Some(&m.registration_id),
            dedupe_key: &m.dedupe_key,
            payload: &m.payload,
        })
        .collect();
    insert_new(conn, &rows, now)
}

/// A message about no registration, to the recipient its payload names (an announcement to a
/// focal point).
#[derive(Debug, Clone)]
pub struct AddressedMessage {
    pub kind: MessageKind,
    pub dedupe_key: String,
    pub payload: String,
}

/// [`enqueue_many`] for messages about no registration: a `dedupe_key` already queued (or
/// sent) is left out. Returns how many were added.
pub fn enqueue_many_addressed(
    conn: &mut AnyConnection,
    messages: &[AddressedMessage],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let rows: Vec<Row<'_>> = messages
        .iter()
        .map(|m| Row { kind: m.kind, registration_id: None, dedupe_key: &m.dedupe_key, payload: &m.payload })
        .collect();
    insert_new(conn, &rows, now)
}

/// One outbox row to insert.
struct Row<'a> {
    kind: MessageKind,
    registration_id: Option<&'a str>,
    dedupe_key: &'a str,
    payload: &'a str,
}

fn insert_new(conn: &mut AnyConnection, rows: &[Row<'_>], now: NaiveDateTime) -> QueryResult<usize> {
    use diesel::sql_types::{Nullable, Text, Timestamp};
    const COLUMNS: usize = 8;
    let mut added = 0;
    // Diesel's MultiBackend has no ON CONFLICT builder, but both engines accept the same
    // statement; only the placeholder syntax differs.
    let postgres = matches!(conn, AnyConnection::Postgresql(_));
    for chunk in rows.chunks(200) {
        let mut sql = String::from(
            "INSERT INTO outbox (id, kind, registration_id, dedupe_key, payload, next_attempt_at, created_at, \
             status, attempts) VALUES ",
        );
        for (row, _) in chunk.iter().enumerate() {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for col in 0..COLUMNS {
                if col > 0 {
                    sql.push_str(", ");
                }
                if postgres {
                    sql.push_str(&format!("${}", row * COLUMNS + col + 1));
                } else {
                    sql.push('?');
                }
            }
            sql.push_str(", 0)");
        }
        sql.push_str(" ON CONFLICT (dedupe_key) DO NOTHING");
        let mut query = diesel::sql_query(sql).into_boxed::<super::MultiBackend>();
        for row in chunk {
            query = query
                .bind::<Text, _>(new_id())
                .bind::<Text, _>(row.kind)
                .bind::<Nullable<Text>, _>(row.registration_id.map(str::to_owned))
                .bind::<Text, _>(row.dedupe_key.to_owned())
                .bind::<Text, _>(row.payload.to_owned())
                .bind::<Timestamp, _>(now)
                .bind::<Timestamp, _>(now)
                .bind::<Text, _>(OutboxStatus::Queued);
        }
        added += query.execute(conn)?;
    }
    Ok(added)
}

/// One message, as it is now.
pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<OutboxMessage>> {
    outbox::table.find(id).select(OutboxMessage::as_select()).first(conn).optional()
}
