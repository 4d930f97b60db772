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
            // An actor without an account (an API token, the command line) names itself only.
            audit_log::organiser_id.eq(Some(&actor.id).filter(|id| !id.is_empty())),
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

/// A focal point's decision from their private link (no account): `who` is "focal point of
/// <organisation>".
pub fn record_by_focal_point(
    conn: &mut AnyConnection,
    who: &str,
    action: &str,
    subject: &str,
    details: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(new_id()),
            audit_log::organiser_id.eq(None::<String>),
            audit_log::organiser_name.eq(who),
            audit_log::action.eq(action),
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

/// Takes a person out of the audit log when their data is erased: every entry that names them
/// (their address or name, any case) names `pseudonym` instead. Inside the caller's
/// transaction. Returns how many entries changed.
pub fn pseudonymise(conn: &mut AnyConnection, names: &[&str], pseudonym: &str) -> QueryResult<usize> {
    use crate::domain::{mentions, redact};
    let mut candidates = audit_log::table.into_boxed::<super::MultiBackend>();
    let mut any = false;
    for name in names.iter().map(|n| n.trim()).filter(|n| n.chars().count() >= 2) {
        // SQL narrows (LIKE ignores ASCII case only on SQLite, none on PostgreSQL, hence both
        // spellings); the exact, any-case match is made below.
        for spelling in [name.to_owned(), name.to_lowercase()] {
            let pattern = format!("%{}%", super::admin_registrations::escape_like(&spelling));
            let lowered = format!("%{}%", super::admin_registrations::escape_like(&spelling.to_lowercase()));
            candidates = candidates
                .or_filter(audit_log::subject.like(pattern.clone()).escape('\\'))
                .or_filter(audit_log::details.like(pattern).escape('\\'))
                .or_filter(
                    super::admin_registrations::lower(audit_log::subject).like(lowered.clone()).escape('\\'),
                )
                .or_filter(super::admin_registrations::lower(audit_log::details).like(lowered).escape('\\'));
        }
        any = true;
    }
    if !any {
        return Ok(0);
    }
    let entries: Vec<(String, String, String)> =
        candidates.select((audit_log::id, audit_log::subject, audit_log::details)).load(conn)?;
    let mut changed = 0;
    for (id, subject, details) in entries {
        if !mentions(&subject, names) && !mentions(&details, names) {
            continue;
        }
        diesel::update(audit_log::table.find(&id))
            .set((
                audit_log::subject.eq(redact(&subject, names, pseudonym)),
                audit_log::details.eq(redact(&details, names, pseudonym)),
            ))
            .execute(conn)?;
        changed += 1;
    }
    Ok(changed)
}
