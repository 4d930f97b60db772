//! The audit log of organiser actions. Entries are written in the same transaction as the
//! change they describe.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::models::new_id;
use super::schema::audit_log;

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

/// A change a registrant made through their own manage link (no organiser involved). The
/// details name what changed, never the values.
pub fn record_by_registrant(
    conn: &mut AnyConnection,
    action: &str,
    subject: &str,
    details: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(new_id()),
            audit_log::organiser_id.eq(None::<String>),
            audit_log::organiser_name.eq("registrant (manage link)"),
            audit_log::action.eq(action),
            audit_log::subject.eq(subject),
            audit_log::details.eq(details),
            audit_log::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Newest first, a page at a time.
pub fn page(conn: &mut AnyConnection, offset: i64, limit: i64) -> QueryResult<(Vec<AuditEntry>, i64)> {
    let total = audit_log::table.count().get_result(conn)?;
    let entries = audit_log::table
        .order((audit_log::created_at.desc(), audit_log::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)?;
    Ok((entries, total))
}
