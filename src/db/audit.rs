//! The audit log of organiser actions. Entries are written in the same transaction as the
//! change they describe.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::models::new_id;
use super::schema::audit_log;
use crate::domain::SecurityEvent;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: String,
    pub organiser_id: Option<String>,
    pub organiser_name: String,
    pub action: String,
    pub subject: String,
    pub details: String,
    pub created_at: NaiveDateTime,
}

/// Who did it, for [`record`].
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub name: String,
}

pub fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    subject: &str,
    details: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(new_id()),
            audit_log::organiser_id.eq(Some(&actor.id)),
            audit_log::organiser_name.eq(&actor.name),
            audit_log::action.eq(action),
            audit_log::subject.eq(subject),
            audit_log::details.eq(details),
            audit_log::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a security event (ASVS 4.0.3 7.1, 7.2) in the audit log and the logs. `subject` is
/// the organiser account concerned (its email) or the path refused; `details` may hold the
/// client address of an organiser's sign-in, never a password, a token or a registrant's
/// address.
pub fn security(
    conn: &mut AnyConnection,
    event: SecurityEvent,
    actor: Option<&Actor>,
    subject: &str,
    details: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    tracing::info!(target: "security", event = event.as_str(), organiser = actor.map(|a| a.id.as_str()), subject, details, "security event");
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(new_id()),
            audit_log::organiser_id.eq(actor.map(|a| &a.id)),
            audit_log::organiser_name.eq(actor.map_or("", |a| a.name.as_str())),
            audit_log::action.eq(event),
            audit_log::subject.eq(subject),
            audit_log::details.eq(details),
            audit_log::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Which entries a page of the log shows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub event: Option<SecurityEvent>,
    /// An organiser account's id.
    pub organiser_id: Option<String>,
}

/// Newest first, a page at a time, the entries `filter` keeps.
pub fn page(
    conn: &mut AnyConnection,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AuditEntry>, i64)> {
    let query = || {
        let mut query = audit_log::table.into_boxed();
        if let Some(event) = filter.event {
            query = query.filter(audit_log::action.eq(event));
        }
        if let Some(id) = &filter.organiser_id {
            query = query.filter(audit_log::organiser_id.eq(id.clone()));
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let entries = query()
        .order((audit_log::created_at.desc(), audit_log::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)?;
    Ok((entries, total))
}
