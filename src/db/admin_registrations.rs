//! Queries behind the organiser's registrations pages: live counts, the filtered list,
//! attendance (by hand and from the video platform's export) and the CSV export.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use super::audit::{self, Actor};
use super::models::Session;
use super::schema::{organisations, registrations, sessions};
use super::{AnyConnection, MultiBackend, write_tx};
use crate::domain::{RegistrationId, RegistrationStatus, SessionId};

diesel::define_sql_function! {
    /// SQL `lower()`: both engines have it, so search is case-insensitive on both (PostgreSQL's
    /// `LIKE` is case-sensitive, and `ILIKE` exists only there).
    fn lower(x: Text) -> Text;
}

diesel::define_sql_function! {
    #[sql_name = "lower"]
    fn lower_nullable(x: Nullable<Text>) -> Nullable<Text>;
}

/// How many `eq_any` values go in one statement (SQLite allows 32,766 bind values; PostgreSQL
/// 65,535), with room to spare.
pub(crate) const IDS_PER_STATEMENT: usize = 500;

pub fn session(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<Option<Session>> {
    sessions::table.find(session_id).select(Session::as_select()).first(conn).optional()
}

/// Registrations of one session, by state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub confirmed: i64,
    pub capacity: i64,
    pub waitlisted: i64,
    pub awaiting_approval: i64,
    pub pending: i64,
    pub cancelled: i64,
    pub declined: i64,
    pub attended: i64,
    /// Erased registrations: anonymous, listed only as this number.
    pub erased: i64,
}

pub fn counts(conn: &mut AnyConnection, session: &Session) -> QueryResult<Counts> {
    let groups: Vec<(RegistrationStatus, Option<bool>, i64)> = registrations::table
        .filter(registrations::session_id.eq(&session.id))
        .group_by((registrations::status, registrations::attended))
        .select((registrations::status, registrations::attended, diesel::dsl::count_star()))
        .load(conn)?;
    let mut counts = Counts { capacity: i64::from(session.capacity), ..Counts::default() };
    for (status, attended, n) in groups {
        *match status {
            RegistrationStatus::Confirmed => &mut counts.confirmed,
            RegistrationStatus::Waitlisted => &mut counts.waitlisted,
            RegistrationStatus::AwaitingApproval => &mut counts.awaiting_approval,
            RegistrationStatus::Pending => &mut counts.pending,
            RegistrationStatus::Cancelled => &mut counts.cancelled,
            RegistrationStatus::Declined => &mut counts.declined,
            RegistrationStatus::Erased => &mut counts.erased,
        } += n;
        if attended == Some(true) && status.is_active() {
            counts.attended += n;
        }
    }
    Ok(counts)
}

/// The list's search and filters, as typed (empty: not filtered).
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Part of a name, email address or organisation, any case.
    pub q: String,
    pub status: String,
    /// An organisation id, or [`OTHER_ORGANISATION`] for free-text organisations.
    pub organisation: String,
    pub country: String,
    /// Only registrations whose last mail failed (`db::bounces`).
    pub mail_failed: bool,
}

/// The organisation filter's value for "typed in, not from the list".
pub const OTHER_ORGANISATION: &str = "other";

/// One line of the list.
#[derive(Debug, Clone, Queryable)]
pub struct ListRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub organisation_name: Option<String>,
    pub organisation_other: Option<String>,
    pub country: String,
    pub language: String,
    pub status: RegistrationStatus,
    pub created_at: NaiveDateTime,
    pub attended: Option<bool>,
}

impl ListRow {
    pub fn organisation(&self) -> &str {
        self.organisation_name.as_deref().or(self.organisation_other.as_deref()).unwrap_or("")
    }
}

/// `%`, `_` and the escape character itself match literally.
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

pub(super) type Boxed<'a> = diesel::dsl::IntoBoxed<'a, registrations::table, MultiBackend>;

/// The session's registrations that `filters` keep: one table, so that a page of them can be
/// read in the order of an index and cut there (its organisations' names are joined to the
/// page afterwards, see [`list`] and [`export_chunk`]).
fn filtered<'a>(session_id: &'a str, filters: &'a Filters) -> Boxed<'a> {
    let scope = registrations::table.filter(registrations::session_id.eq(session_id)).into_boxed();
    with_filters(scope, filters)
}

/// `query` narrowed by `filters`.
pub(super) fn with_filters<'a>(query: Boxed<'a>, filters: &'a Filters) -> Boxed<'a> {
    // An erased registration holds nothing to list: only the counts show it.
    let mut query = query.filter(registrations::status.ne(RegistrationStatus::Erased));
    let q = filters.q.trim();
    if !q.is_empty() {
        let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
        let organisations_named = organisations::table
            .filter(lower(organisations::name).like(pattern.clone()).escape('\\'))
            .select(organisations::id.nullable());
        query = query.filter(
            lower(registrations::name)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(registrations::email).like(pattern.clone()).escape('\\'))
                .or(registrations::organisation_id.eq_any(organisations_named))
                .or(lower_nullable(registrations::organisation_other).like(pattern).escape('\\')),
        );
    }
    if !filters.status.is_empty() {
        // A status the list does not know matches nothing, as a typed filter should.
        match RegistrationStatus::parse(&filters.status) {
            Some(status) => query = query.filter(registrations::status.eq(status)),
            None => query = query.filter(registrations::id.is_null()),
        }
    }
    if filters.organisation == OTHER_ORGANISATION {
        query = query.filter(registrations::organisation_id.is_null());
    } else if !filters.organisation.is_empty() {
        query = query.filter(registrations::organisation_id.eq(&filters.organisation));
    }
    if !filters.country.is_empty() {
        query = query.filter(registrations::country.eq(&filters.country));
    }
    if filters.mail_failed {
        use super::schema::mail_failures;
        query = query
            .filter(registrations::id.eq_any(mail_failures::table.select(mail_failures::registration_id)));
    }
    query
}

/// One page of the filtered list, earliest registration first, and the number of matches.
/// Three queries, whatever the page size: the count, the page's ids (cut in `filtered`'s
/// query), then their rows joined to the organisations' names.
pub fn list(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    filters: &Filters,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<ListRow>, i64)> {
    let total: i64 = filtered(session_id, filters).select(diesel::dsl::count_star()).first(conn)?;
    let page = filtered(session_id, filters)
        .order((registrations::created_at.asc(), registrations::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(registrations::id)
        .load::<String>(conn)?;
    let rows = registrations::table
        .left_join(organisations::table)
        .filter(registrations::id.eq_any(&page))
        .order((registrations::created_at.asc(), registrations::id.asc()))
        .select((
            registrations::id,
            registrations::name,
            registrations::email,
            organisations::name.nullable(),
            registrations::organisation_other,
            registrations::country,
            registrations::language,
            registrations::status,
            registrations::created_at,
            registrations::attended,
        ))
        .load(conn)?;
    Ok((rows, total))
}

/// The organisations (id, name) and countries that occur among a session's registrations.
#[derive(Debug, Clone, Default)]
pub struct FilterChoices {
    pub organisations: Vec<(String, String)>,
    pub countries: Vec<String>,
}

/// What the list's filters offer.
pub fn filter_choices(conn: &mut AnyConnection, session_id: &SessionId) -> QueryResult<FilterChoices> {
    let organisations: Vec<(String, String)> = registrations::table
        .inner_join(organisations::table)
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.ne(RegistrationStatus::Erased))
        .select((organisations::id, organisations::name))
        .distinct()
        .order(organisations::name.asc())
        .load(conn)?;
    let countries: Vec<String> = registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.ne(RegistrationStatus::Erased))
        .filter(registrations::country.ne(""))
        .select(registrations::country)
        .distinct()
        .order(registrations::country.asc())
        .load(conn)?;
    let mut choices = FilterChoices { organisations, countries };
    choices.organisations.sort_by_cached_key(|(_, name)| super::reports::sort_key(name));
    choices.countries.sort_by_cached_key(|c| super::reports::sort_key(c));
    Ok(choices)
}

/// Who a registration is, if it belongs to the session and is not erased (for checks and the
/// audit log; an erased one is not there for organisers).
pub fn registrant(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    registration_id: &RegistrationId,
) -> QueryResult<Option<(String, String)>> {
    registrations::table
        .filter(registrations::id.eq(registration_id))
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.ne(RegistrationStatus::Erased))
        .select((registrations::name, registrations::email))
        .first(conn)
        .optional()
}

/// Marks confirmed registrations of the session as attended or absent, with an audit entry, in
/// one transaction. Ids of other sessions or states are left alone. Returns how many changed.
pub fn set_attendance(
    conn: &mut AnyConnection,
    session: &Session,
    ids: &[String],
    attended: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    write_tx(conn, |conn| {
        let changed = mark(conn, &session.id, ids, attended, now)?;
        let action = if attended { "attendance.present" } else { "attendance.absent" };
        audit::record(
            conn,
            actor,
            action,
            &session.title,
            &format!("session={} count={changed}", session.id),
            now,
        )?;
        Ok(changed)
    })
}

pub(crate) fn mark(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    ids: &[String],
    attended: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut changed = 0;
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        changed += diesel::update(
            registrations::table
                .filter(registrations::session_id.eq(session_id))
                .filter(registrations::status.eq(RegistrationStatus::Confirmed))
                .filter(registrations::id.eq_any(chunk)),
        )
        .set((registrations::attended.eq(Some(attended)), registrations::updated_at.eq(now)))
        .execute(conn)?;
    }
    Ok(changed)
}

/// One data line of an attendance file: its line number in the file and the address on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceLine {
    pub line: u64,
    pub email: String,
}

/// A line that matched no confirmed registration of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    pub line: u64,
    pub email: String,
    /// The state of the registration with that address, when it is not confirmed.
    pub status: Option<RegistrationStatus>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub lines: usize,
    /// Confirmed registrations found in the file (each counted once).
    pub matched: usize,
    pub marked_absent: usize,
    pub unmatched: Vec<Unmatched>,
}

/// Records attendance from the video platform's list: every confirmed registration whose
/// address is on it attended; with `others_absent`, every other confirmed one did not. One
/// transaction, with its audit entry.
pub fn import_attendance(
    conn: &mut AnyConnection,
    session: &Session,
    lines: &[AttendanceLine],
    others_absent: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<ImportReport> {
    write_tx(conn, |conn| {
        let known: Vec<(String, String, RegistrationStatus)> = registrations::table
            .filter(registrations::session_id.eq(&session.id))
            .filter(registrations::status.ne(RegistrationStatus::Erased))
            .select((registrations::id, registrations::email_normalized, registrations::status))
            .load(conn)?;
        let by_email: HashMap<&str, (&str, RegistrationStatus)> =
            known.iter().map(|(id, email, status)| (email.as_str(), (id.as_str(), *status))).collect();
        let mut present: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        let mut unmatched = Vec::new();
        for line in lines {
            let email = normalise_email(&line.email);
            match by_email.get(email.as_str()) {
                Some((id, RegistrationStatus::Confirmed)) => {
                    if seen.insert(*id) {
                        present.push((*id).to_owned());
                    }
                }
                Some((_, status)) => unmatched.push(Unmatched {
                    line: line.line,
                    email: line.email.clone(),
                    status: Some(*status),
                }),
                None => {
                    unmatched.push(Unmatched { line: line.line, email: line.email.clone(), status: None })
                }
            }
        }
        mark(conn, &session.id, &present, true, now)?;
        let absent: Vec<String> = if others_absent {
            known
                .iter()
                .filter(|(id, _, status)| {
                    *status == RegistrationStatus::Confirmed && !seen.contains(id.as_str())
                })
                .map(|(id, _, _)| id.clone())
                .collect()
        } else {
            Vec::new()
        };
        let marked_absent = mark(conn, &session.id, &absent, false, now)?;
        let report = ImportReport { lines: lines.len(), matched: present.len(), marked_absent, unmatched };
        audit::record(
            conn,
            actor,
            "attendance.import",
            &session.title,
            &format!(
                "session={} lines={} attended={} absent={} unmatched={}",
                session.id,
                report.lines,
                report.matched,
                report.marked_absent,
                report.unmatched.len()
            ),
            now,
        )?;
        Ok(report)
    })
}

/// The form of an address registrations are matched by (as stored in `email_normalized`).
pub fn normalise_email(raw: &str) -> String {
    raw.trim().trim_matches(|c| matches!(c, '<' | '>' | '"' | '\'')).trim().to_lowercase()
}

/// Writes an audit entry on its own (for actions whose change committed in its own transaction).
pub fn record_audit(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    subject: &str,
    details: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    write_tx(conn, |conn| audit::record(conn, actor, action, subject, details, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_matched_literally() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(escape_like("Ciudad de México"), "Ciudad de México");
    }

    #[test]
    fn addresses_are_compared_the_way_they_are_stored() {
        assert_eq!(normalise_email("  <Ana.Torres@CDMX.gob.mx> "), "ana.torres@cdmx.gob.mx");
        assert_eq!(normalise_email("\"x@y.org\""), "x@y.org");
    }
}
