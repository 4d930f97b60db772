//! Webhooks in the database: the endpoints administrators register, the events raised in the
//! same transaction as the change they tell of ([`raise`]), one delivery per subscribed
//! endpoint, claimed by the worker under a lease like the outbox's, and each attempt's answer.
//! The HTTP side is `crate::webhooks`; the pages are `web::admin::webhooks`; claiming,
//! recording, erasure and retention are in `webhook_delivery`, re-exported here.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{Map, Value, json};

use super::audit::{self, Actor};
use super::models::{Registration, Session, new_id};
use super::schema::{
    registrations, sessions, webhook_attempts, webhook_deliveries, webhook_endpoints, webhook_events,
};
use super::{AnyConnection, write_tx};
use crate::domain::{RegistrationId, RegistrationStatus, SessionId, WebhookDeliveryStatus, WebhookEvent};

/// Attempts of one delivery before it is failed for good.
pub const MAX_ATTEMPTS: i32 = 6;
/// Deliveries (with their attempts) are deleted this long after they ended, and events with
/// no delivery left with them.
pub const KEPT_DAYS: i64 = 30;
/// How long a claim lasts; a delivery still "sending" after it (worker crash) is claimed again.
pub const LEASE: Duration = Duration::minutes(2);

/// The wait before the next attempt after `attempts` failed ones: 1 min, 5 min, 30 min, 2 h,
/// 8 h (then the delivery has failed).
pub fn retry_delay(attempts: i32) -> Duration {
    match attempts {
        ..=1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(30),
        4 => Duration::hours(2),
        _ => Duration::hours(8),
    }
}

/// What an event is about.
#[derive(Debug, Clone, Copy)]
pub enum Raised<'a> {
    Registration(WebhookEvent, &'a RegistrationId),
    Session(WebhookEvent, &'a SessionId),
}

/// One registered endpoint.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub events: String,
    pub personal_data: bool,
    pub enabled: bool,
    pub secret_sealed: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Endpoint {
    pub fn event_list(&self) -> Vec<WebhookEvent> {
        WebhookEvent::parse_list(&self.events)
    }

    pub fn receives(&self, event: WebhookEvent) -> bool {
        self.events.split(' ').any(|w| w == event.as_str())
    }
}

/// What an administrator sets on an endpoint (the URL already checked).
#[derive(Debug, Clone)]
pub struct EndpointInput {
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub personal_data: bool,
    pub enabled: bool,
}

impl EndpointInput {
    pub(super) fn events_text(&self) -> String {
        self.events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(" ")
    }

    pub(super) fn summary(&self) -> String {
        format!(
            "{}; events: {}; personal data: {}; {}",
            self.url,
            self.events_text(),
            if self.personal_data { "yes" } else { "no" },
            if self.enabled { "enabled" } else { "disabled" }
        )
    }
}

impl<'a> From<(WebhookEvent, &'a RegistrationId)> for Raised<'a> {
    fn from((kind, id): (WebhookEvent, &'a RegistrationId)) -> Self {
        Self::Registration(kind, id)
    }
}

impl<'a> From<(WebhookEvent, &'a SessionId)> for Raised<'a> {
    fn from((kind, id): (WebhookEvent, &'a SessionId)) -> Self {
        Self::Session(kind, id)
    }
}

/// Records an event in the caller's transaction, with a delivery for each enabled endpoint
/// that receives it; nothing at all when none does. `event` is `(kind, &registration id)` or
/// `(kind, &session id)`.
pub fn raise<'a>(
    conn: &mut AnyConnection,
    event: impl Into<Raised<'a>>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let event = event.into();
    let kind = match event {
        Raised::Registration(kind, _) | Raised::Session(kind, _) => kind,
    };
    let endpoints: Vec<String> = webhook_endpoints::table
        .filter(webhook_endpoints::enabled.eq(true))
        .select((webhook_endpoints::id, webhook_endpoints::events))
        .load::<(String, String)>(conn)?
        .into_iter()
        .filter(|(_, events)| events.split(' ').filter_map(WebhookEvent::parse).any(|e| e == kind))
        .map(|(id, _)| id)
        .collect();
    if endpoints.is_empty() {
        return Ok(());
    }
    let Some(stored) = describe(conn, event)? else {
        return Ok(());
    };
    let event_id = insert_event(conn, kind, stored, now)?;
    for endpoint_id in endpoints {
        insert_delivery(conn, &endpoint_id, &event_id, now)?;
    }
    Ok(())
}

/// An event's stored parts: its session, registration, data without personal data, and the
/// person's details ('' when none).
struct Stored {
    session_id: Option<SessionId>,
    registration_id: Option<RegistrationId>,
    data: Value,
    personal: String,
}

fn describe(conn: &mut AnyConnection, event: Raised<'_>) -> QueryResult<Option<Stored>> {
    let time = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    match event {
        Raised::Registration(kind, id) => {
            let Some((registration, session)) = registrations::table
                .inner_join(sessions::table)
                .filter(registrations::id.eq(id))
                .select((Registration::as_select(), Session::as_select()))
                .first::<(Registration, Session)>(conn)
                .optional()?
            else {
                return Ok(None);
            };
            let personal = if registration.status == RegistrationStatus::Erased {
                String::new()
            } else {
                let organisation = super::registrations::organisation_name(conn, &registration)?;
                json!({
                    "name": registration.name,
                    "email": registration.email,
                    "organisation": organisation,
                    "position": registration.position,
                    "country": registration.country,
                    "language": registration.language,
                })
                .to_string()
            };
            let data = json!({
                "registration_id": registration.id.as_str(),
                "session_id": session.id.as_str(),
                "session_slug": session.slug,
                "status": registration.status,
                "event": kind,
            });
            Ok(Some(Stored {
                session_id: Some(session.id),
                registration_id: Some(registration.id),
                data,
                personal,
            }))
        }
        Raised::Session(kind, id) => {
            let Some(session) =
                sessions::table.find(id).select(Session::as_select()).first::<Session>(conn).optional()?
            else {
                return Ok(None);
            };
            let data = json!({
                "session_id": session.id.as_str(),
                "session_slug": session.slug,
                "title": session.title,
                "language": session.language,
                "starts_at": time(session.starts_at),
                "duration_minutes": session.duration_minutes,
                "time_zone": session.timezone,
                "status": session.status,
                "version": session.version,
                "event": kind,
            });
            Ok(Some(Stored {
                session_id: Some(session.id),
                registration_id: None,
                data,
                personal: String::new(),
            }))
        }
    }
}

fn insert_event(
    conn: &mut AnyConnection,
    kind: WebhookEvent,
    stored: Stored,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let id = new_id();
    diesel::insert_into(webhook_events::table)
        .values((
            webhook_events::id.eq(&id),
            webhook_events::kind.eq(kind),
            webhook_events::session_id.eq(stored.session_id),
            webhook_events::registration_id.eq(stored.registration_id),
            webhook_events::data.eq(stored.data.to_string()),
            webhook_events::personal.eq(stored.personal),
            webhook_events::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

fn insert_delivery(
    conn: &mut AnyConnection,
    endpoint_id: &str,
    event_id: &str,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let id = new_id();
    diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::id.eq(&id),
            webhook_deliveries::endpoint_id.eq(endpoint_id),
            webhook_deliveries::event_id.eq(event_id),
            webhook_deliveries::status.eq(WebhookDeliveryStatus::Queued),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The body sent: `type`, `timestamp` (when the event happened) and `data`, which holds the
/// person's details under `person` only for an endpoint marked for personal data.
pub fn body(
    kind: WebhookEvent,
    created_at: NaiveDateTime,
    data: &str,
    personal: &str,
    with_personal: bool,
) -> String {
    let mut data = match serde_json::from_str::<Value>(data) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    data.remove("event");
    if with_personal && let Ok(person @ Value::Object(_)) = serde_json::from_str::<Value>(personal) {
        data.insert("person".into(), person);
    }
    json!({
        "type": kind,
        "timestamp": created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "data": Value::Object(data),
    })
    .to_string()
}

// ---- Deliveries as the organiser area lists them ----------------------------------------------

#[derive(Debug, Clone, Queryable)]
pub struct Attempt {
    pub delivery_id: String,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub outcome: String,
    pub excerpt: String,
}

#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub id: String,
    pub event_id: String,
    pub kind: WebhookEvent,
    pub status: WebhookDeliveryStatus,
    pub attempts: i32,
    pub created_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
    pub tried: Vec<Attempt>,
}

/// The newest `limit` deliveries to one endpoint, each with its attempts (oldest first).
pub fn deliveries(conn: &mut AnyConnection, endpoint_id: &str, limit: i64) -> QueryResult<Vec<DeliveryRow>> {
    type Row = (String, String, WebhookEvent, WebhookDeliveryStatus, i32, NaiveDateTime, NaiveDateTime);
    let rows: Vec<Row> = webhook_deliveries::table
        .inner_join(webhook_events::table)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .order((webhook_deliveries::created_at.desc(), webhook_deliveries::id.desc()))
        .limit(limit)
        .select((
            webhook_deliveries::id,
            webhook_deliveries::event_id,
            webhook_events::kind,
            webhook_deliveries::status,
            webhook_deliveries::attempts,
            webhook_deliveries::created_at,
            webhook_deliveries::next_attempt_at,
        ))
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let attempts: Vec<Attempt> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(&ids))
        .order(webhook_attempts::attempted_at.asc())
        .select((
            webhook_attempts::delivery_id,
            webhook_attempts::attempted_at,
            webhook_attempts::status_code,
            webhook_attempts::outcome,
            webhook_attempts::excerpt,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, event_id, kind, status, attempts_made, created_at, next_attempt_at)| {
            let tried = attempts.iter().filter(|a| a.delivery_id == id).cloned().collect();
            DeliveryRow {
                id,
                event_id,
                kind,
                status,
                attempts: attempts_made,
                created_at,
                next_attempt_at,
                tried,
            }
        })
        .collect())
}

/// What a re-send queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resent {
    /// The same event again (the same `webhook-id`).
    Same,
    /// The registration it was about has been erased since: its erasure event instead.
    Erasure,
}

/// Queues one delivery's event again for its endpoint, now; an event about a registration
/// erased since is replaced by that registration's erasure event (raised now if none was).
/// `None` when there is no such delivery of that endpoint. Audited.
pub fn resend(
    conn: &mut AnyConnection,
    endpoint_id: &str,
    delivery_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<Resent>> {
    write_tx(conn, |conn| {
        let Some((event_id, kind, registration_id)) = webhook_deliveries::table
            .inner_join(webhook_events::table)
            .filter(webhook_deliveries::id.eq(delivery_id))
            .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
            .select((webhook_events::id, webhook_events::kind, webhook_events::registration_id))
            .first::<(String, WebhookEvent, Option<RegistrationId>)>(conn)
            .optional()?
        else {
            return Ok(None);
        };
        let erased = match &registration_id {
            Some(id) if kind != WebhookEvent::RegistrationErased => registrations::table
                .find(id)
                .select(registrations::status)
                .first::<RegistrationStatus>(conn)
                .optional()?
                .is_none_or(|s| s == RegistrationStatus::Erased),
            _ => false,
        };
        let (event_id, resent) = match (erased, registration_id) {
            (true, Some(registration_id)) => (erasure_event(conn, &registration_id, now)?, Resent::Erasure),
            _ => (event_id, Resent::Same),
        };
        insert_delivery(conn, endpoint_id, &event_id, now)?;
        let detail = match resent {
            Resent::Same => format!("delivery {delivery_id} sent again"),
            Resent::Erasure => {
                format!("delivery {delivery_id}: the registration was erased, its erasure sent instead")
            }
        };
        audit::record(conn, actor, "webhook.resend", endpoint_id, &detail, now)?;
        Ok(Some(resent))
    })
}

/// The registration's erasure event: the one raised when it was erased, else a new one.
fn erasure_event(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let existing = webhook_events::table
        .filter(webhook_events::registration_id.eq(registration_id))
        .filter(webhook_events::kind.eq(WebhookEvent::RegistrationErased))
        .select(webhook_events::id)
        .first::<String>(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let stored = match describe(
        conn,
        Raised::Registration(WebhookEvent::RegistrationErased, registration_id),
    )? {
        Some(stored) => stored,
        None => Stored {
            session_id: None,
            registration_id: None,
            data: json!({ "registration_id": registration_id.as_str(), "status": RegistrationStatus::Erased }),
            personal: String::new(),
        },
    };
    insert_event(conn, WebhookEvent::RegistrationErased, stored, now)
}

pub use super::webhook_delivery::{
    AttemptResult, Claimed, apply_retention, claim_due, export_of, record, scrub,
};
pub use super::webhook_endpoints::{create, endpoint, endpoints, note_secret_shown, rotate, update};
