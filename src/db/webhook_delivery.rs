//! Webhook deliveries on the worker's side (claimed under a lease like the outbox's, each
//! attempt recorded, retried or failed), and the person's data in them (erasure, retention,
//! the download). Re-exported by `db::webhooks`.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{Value, json};

use super::models::new_id;
use super::schema::{webhook_attempts, webhook_deliveries, webhook_endpoints, webhook_events};
use super::webhooks::{KEPT_DAYS, LEASE, MAX_ATTEMPTS, body, retry_delay};
use super::{AnyConnection, write_tx};
use crate::domain::{RegistrationId, WebhookDeliveryStatus, WebhookEvent};

// ---- The worker's side ------------------------------------------------------------------------

/// A claimed delivery, with what the worker needs to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery_id: String,
    pub endpoint_id: String,
    /// The event's id: the `webhook-id` of every attempt.
    pub event_id: String,
    pub url: String,
    pub secret_sealed: String,
    pub body: String,
    pub attempts: i32,
}

/// Claims up to `limit` due deliveries of enabled endpoints for [`LEASE`]: queued ones whose
/// time has come, and ones left "sending" by a worker that died.
pub fn claim_due(conn: &mut AnyConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<Claimed>> {
    write_tx(conn, |conn| {
        let due = webhook_deliveries::status
            .eq(WebhookDeliveryStatus::Queued)
            .and(webhook_deliveries::next_attempt_at.le(now))
            .or(webhook_deliveries::status
                .eq(WebhookDeliveryStatus::Sending)
                .and(webhook_deliveries::locked_until.lt(now)));
        let enabled: Vec<String> = webhook_endpoints::table
            .filter(webhook_endpoints::enabled.eq(true))
            .select(webhook_endpoints::id)
            .load(conn)?;
        if enabled.is_empty() {
            return Ok(Vec::new());
        }
        let query = webhook_deliveries::table
            .filter(due)
            .filter(webhook_deliveries::endpoint_id.eq_any(&enabled))
            // Events of the same moment in the order they were raised (ids are time-ordered).
            .order((webhook_deliveries::next_attempt_at.asc(), webhook_deliveries::id.asc()))
            .limit(limit)
            .select(webhook_deliveries::id);
        let ids: Vec<String> = match conn {
            // Several workers share one PostgreSQL: each skips rows another is claiming.
            AnyConnection::Postgresql(pg) => query.for_update().skip_locked().load(pg)?,
            // SQLite: `write_tx` holds the database write lock, so the claim is exclusive.
            AnyConnection::Sqlite(_) => query.load(conn)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
            .set((
                webhook_deliveries::status.eq(WebhookDeliveryStatus::Sending),
                webhook_deliveries::locked_until.eq(now + LEASE),
            ))
            .execute(conn)?;
        type Row =
            (String, String, String, i32, String, String, bool, WebhookEvent, NaiveDateTime, String, String);
        let rows: Vec<Row> = webhook_deliveries::table
            .inner_join(webhook_endpoints::table)
            .inner_join(webhook_events::table)
            .filter(webhook_deliveries::id.eq_any(&ids))
            .select((
                webhook_deliveries::id,
                webhook_deliveries::endpoint_id,
                webhook_deliveries::event_id,
                webhook_deliveries::attempts,
                webhook_endpoints::url,
                webhook_endpoints::secret_sealed,
                webhook_endpoints::personal_data,
                webhook_events::kind,
                webhook_events::created_at,
                webhook_events::data,
                webhook_events::personal,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    delivery_id,
                    endpoint_id,
                    event_id,
                    attempts,
                    url,
                    secret_sealed,
                    with_personal,
                    kind,
                    at,
                    data,
                    personal,
                )| {
                    Claimed {
                        delivery_id,
                        endpoint_id,
                        event_id,
                        url,
                        secret_sealed,
                        body: body(kind, at, &data, &personal, with_personal),
                        attempts,
                    }
                },
            )
            .collect())
    })
}

/// What one attempt got.
#[derive(Debug, Clone)]
pub struct AttemptResult {
    pub status_code: Option<i32>,
    /// A 2xx answer.
    pub delivered: bool,
    pub outcome: String,
    pub excerpt: String,
}

/// Records one attempt of a claimed delivery: delivered, retried after a growing delay, or
/// failed after [`MAX_ATTEMPTS`]. Returns the delivery's new status.
pub fn record(
    conn: &mut AnyConnection,
    delivery_id: &str,
    result: &AttemptResult,
    now: NaiveDateTime,
) -> QueryResult<Option<WebhookDeliveryStatus>> {
    write_tx(conn, |conn| {
        let Some(attempts) = webhook_deliveries::table
            .find(delivery_id)
            .filter(webhook_deliveries::status.eq(WebhookDeliveryStatus::Sending))
            .select(webhook_deliveries::attempts)
            .first::<i32>(conn)
            .optional()?
        else {
            return Ok(None);
        };
        let attempts = attempts + 1;
        diesel::insert_into(webhook_attempts::table)
            .values((
                webhook_attempts::id.eq(new_id()),
                webhook_attempts::delivery_id.eq(delivery_id),
                webhook_attempts::attempted_at.eq(now),
                webhook_attempts::status_code.eq(result.status_code),
                webhook_attempts::outcome.eq(&result.outcome),
                webhook_attempts::excerpt.eq(&result.excerpt),
            ))
            .execute(conn)?;
        let status = if result.delivered {
            WebhookDeliveryStatus::Delivered
        } else if attempts >= MAX_ATTEMPTS {
            WebhookDeliveryStatus::Failed
        } else {
            WebhookDeliveryStatus::Queued
        };
        let finished = (status != WebhookDeliveryStatus::Queued).then_some(now);
        diesel::update(webhook_deliveries::table.find(delivery_id))
            .set((
                webhook_deliveries::status.eq(status),
                webhook_deliveries::attempts.eq(attempts),
                webhook_deliveries::next_attempt_at.eq(now + retry_delay(attempts)),
                webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
                webhook_deliveries::finished_at.eq(finished),
            ))
            .execute(conn)?;
        Ok(Some(status))
    })
}

// ---- Personal data ----------------------------------------------------------------------------

/// Takes a person out of the events about their registration (their details go) and out of
/// the answers endpoints gave to them (`names` replaced by `pseudonym`). In the erasure's
/// transaction.
pub fn scrub(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    names: &[&str],
    pseudonym: &str,
) -> QueryResult<()> {
    use crate::domain::{mentions, redact};
    diesel::update(webhook_events::table.filter(webhook_events::registration_id.eq(registration_id)))
        .set(webhook_events::personal.eq(""))
        .execute(conn)?;
    let events = webhook_events::table
        .filter(webhook_events::registration_id.eq(registration_id))
        .select(webhook_events::id);
    let deliveries = webhook_deliveries::table
        .filter(webhook_deliveries::event_id.eq_any(events))
        .select(webhook_deliveries::id);
    let answers: Vec<(String, String)> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(deliveries))
        .select((webhook_attempts::id, webhook_attempts::excerpt))
        .load(conn)?;
    for (id, excerpt) in answers.into_iter().filter(|(_, e)| mentions(e, names)) {
        diesel::update(webhook_attempts::table.find(id))
            .set(webhook_attempts::excerpt.eq(redact(&excerpt, names, pseudonym)))
            .execute(conn)?;
    }
    Ok(())
}

/// Deletes deliveries that ended more than [`KEPT_DAYS`] ago (their attempts go with them),
/// and events older than that with no delivery left. Returns how many deliveries went.
pub fn apply_retention(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let cutoff = now - Duration::days(KEPT_DAYS);
    write_tx(conn, |conn| {
        let old = webhook_deliveries::table
            .filter(webhook_deliveries::finished_at.lt(cutoff))
            .select(webhook_deliveries::id);
        diesel::delete(webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(old)))
            .execute(conn)?;
        let gone =
            diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::finished_at.lt(cutoff)))
                .execute(conn)?;
        let in_use = webhook_deliveries::table.select(webhook_deliveries::event_id);
        diesel::delete(
            webhook_events::table
                .filter(webhook_events::created_at.lt(cutoff))
                .filter(webhook_events::id.ne_all(in_use)),
        )
        .execute(conn)?;
        Ok(gone)
    })
}

/// For the person's download: the events about their registration and where each went.
pub fn export_of(conn: &mut AnyConnection, registration_id: &RegistrationId) -> QueryResult<Vec<Value>> {
    let rows: Vec<(WebhookEvent, NaiveDateTime, String, bool, WebhookDeliveryStatus)> = webhook_events::table
        .inner_join(webhook_deliveries::table.inner_join(webhook_endpoints::table))
        .filter(webhook_events::registration_id.eq(registration_id))
        .order(webhook_events::created_at.asc())
        .select((
            webhook_events::kind,
            webhook_events::created_at,
            webhook_endpoints::url,
            webhook_endpoints::personal_data,
            webhook_deliveries::status,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(kind, at, url, personal, status)| {
            json!({
                "event": kind,
                "at": at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "sent_to": url,
                "with_your_details": personal,
                "status": status,
            })
        })
        .collect())
}
