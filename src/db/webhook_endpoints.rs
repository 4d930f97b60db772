//! Webhook endpoints as administrators register them: listed, created with their sealed
//! secret, changed, given a new secret, and the audit note when a secret is shown. Events and
//! deliveries are `db::webhooks`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::schema::webhook_endpoints;
use super::webhooks::{Endpoint, EndpointInput};
use super::{AnyConnection, write_tx};

pub fn endpoints(conn: &mut AnyConnection) -> QueryResult<Vec<Endpoint>> {
    webhook_endpoints::table
        .order(webhook_endpoints::created_at.asc())
        .select(Endpoint::as_select())
        .load(conn)
}

pub fn endpoint(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Endpoint>> {
    webhook_endpoints::table.find(id).select(Endpoint::as_select()).first(conn).optional()
}

/// Registers an endpoint with its sealed secret (sealed by the caller with the id given);
/// audited.
pub fn create(
    conn: &mut AnyConnection,
    id: &str,
    input: &EndpointInput,
    secret_sealed: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<()> {
    write_tx(conn, |conn| {
        diesel::insert_into(webhook_endpoints::table)
            .values((
                webhook_endpoints::id.eq(id),
                webhook_endpoints::url.eq(&input.url),
                webhook_endpoints::events.eq(input.events_text()),
                webhook_endpoints::personal_data.eq(input.personal_data),
                webhook_endpoints::enabled.eq(input.enabled),
                webhook_endpoints::secret_sealed.eq(secret_sealed),
                webhook_endpoints::created_at.eq(now),
                webhook_endpoints::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(conn, actor, "webhook.create", id, &input.summary(), now)
    })
}

/// Saves an endpoint's settings; `false` when there is no such endpoint. Audited.
pub fn update(
    conn: &mut AnyConnection,
    id: &str,
    input: &EndpointInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let changed = diesel::update(webhook_endpoints::table.find(id))
            .set((
                webhook_endpoints::url.eq(&input.url),
                webhook_endpoints::events.eq(input.events_text()),
                webhook_endpoints::personal_data.eq(input.personal_data),
                webhook_endpoints::enabled.eq(input.enabled),
                webhook_endpoints::updated_at.eq(now),
            ))
            .execute(conn)?;
        if changed > 0 {
            audit::record(conn, actor, "webhook.update", id, &input.summary(), now)?;
        }
        Ok(changed > 0)
    })
}

/// Replaces an endpoint's secret; `false` when there is no such endpoint. Audited.
pub fn rotate(
    conn: &mut AnyConnection,
    id: &str,
    secret_sealed: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let changed = diesel::update(webhook_endpoints::table.find(id))
            .set((webhook_endpoints::secret_sealed.eq(secret_sealed), webhook_endpoints::updated_at.eq(now)))
            .execute(conn)?;
        if changed > 0 {
            audit::record(conn, actor, "webhook.rotate-secret", id, "a new signing secret", now)?;
        }
        Ok(changed > 0)
    })
}

/// Notes in the audit log that an administrator looked at an endpoint's secret.
pub fn note_secret_shown(
    conn: &mut AnyConnection,
    id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<()> {
    write_tx(conn, |conn| audit::record(conn, actor, "webhook.show-secret", id, "", now))
}
