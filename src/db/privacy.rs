//! A person's control over their data: what is held (for download) and erasure, and the
//! purge of old registrations after their retention period. Erasure anonymises the row in
//! place, so counts by member and country in reports keep working.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::models::{Registration, Session};
use super::schema::{outbox, registrations, sessions};
use super::{AnyConnection, consents, seats, tokens, write_tx};
use crate::domain::{
    ConsentPurpose, ConsentSource, MessageKind, OutboxStatus, RegistrationId, RegistrationStatus,
};

/// The person's optional choices from their manage page: the newsletter and being listed
/// among the participants. Only a change is recorded as a new consent.
pub fn set_choices(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    newsletter: bool,
    listed: bool,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let Some((old_newsletter, old_listed)) = registrations::table
            .find(registration_id)
            .select((registrations::newsletter, registrations::listed))
            .first::<(bool, bool)>(conn)
            .optional()?
        else {
            return Ok(false);
        };
        let mut changes = Vec::new();
        if old_newsletter != newsletter {
            changes.push((ConsentPurpose::Newsletter, newsletter));
        }
        if old_listed != listed {
            changes.push((ConsentPurpose::Listed, listed));
        }
        if changes.is_empty() {
            return Ok(false);
        }
        diesel::update(registrations::table.find(registration_id))
            .set((
                registrations::newsletter.eq(newsletter),
                registrations::listed.eq(listed),
                registrations::updated_at.eq(now),
            ))
            .execute(conn)?;
        consents::record(conn, registration_id, &changes, ConsentSource::ManagePage, now)?;
        Ok(true)
    })
}

/// Everything held about one registration, for the person's download.
pub fn export(conn: &mut AnyConnection, registration_id: &RegistrationId) -> QueryResult<serde_json::Value> {
    let (registration, session): (Registration, Session) = registrations::table
        .inner_join(sessions::table)
        .filter(registrations::id.eq(registration_id))
        .select((Registration::as_select(), Session::as_select()))
        .first(conn)?;
    let organisation = super::registrations::organisation_name(conn, &registration)?;
    let emails: Vec<(MessageKind, OutboxStatus, NaiveDateTime, Option<NaiveDateTime>)> = outbox::table
        .filter(outbox::registration_id.eq(registration_id))
        .order(outbox::created_at.asc())
        .select((outbox::kind, outbox::status, outbox::created_at, outbox::sent_at))
        .load(conn)?;
    let consent_history = consents::history(conn, registration_id)?;
    let time = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    Ok(serde_json::json!({
        "webinar": { "title": session.title, "starts_at": time(session.starts_at), "time_zone": session.timezone },
        "registration": {
            "status": registration.status,
            "name": registration.name,
            "email": registration.email,
            "new_email_awaiting_confirmation": registration.pending_email,
            "organisation": organisation,
            "position": registration.position,
            "country": registration.country,
            "country_as_typed_before_codes": registration.country_unmatched,
            "language": registration.language,
            "time_zone": registration.timezone,
            "accessibility_or_interpretation_needs": registration.needs,
            "attended": registration.attended,
            "reminders": !registration.reminders_opt_out,
            "announcements": !registration.announcements_opt_out,
            "registered_at": time(registration.created_at),
            "confirmed_at": registration.confirmed_at.map(time),
            "cancelled_at": registration.cancelled_at.map(time),
        },
        "consent": {
            "registration": { "given_at": time(registration.consent_at), "notice_version": registration.consent_version },
            "newsletter": registration.newsletter,
            "listed_among_participants": registration.listed,
            "history": consent_history.iter().map(|c| serde_json::json!({
                "purpose": c.purpose, "granted": c.granted, "notice_version": c.notice_version,
                "recorded_at": time(c.recorded_at), "how": c.source,
            })).collect::<Vec<_>>(),
        },
        "emails": emails.into_iter().map(|(kind, status, queued, sent)| serde_json::json!({
            "kind": kind, "status": status, "queued_at": time(queued), "sent_at": sent.map(time),
        })).collect::<Vec<_>>(),
    }))
}

/// Anonymises one registration inside the caller's transaction: personal fields are blanked,
/// its links stop working and mail still queued for it is not sent; with `free_seat` (an
/// upcoming session) it is cancelled and a held seat goes to the waiting list. Organisation,
/// country, attendance and dates stay, so the reports' counts keep working.
fn anonymise(
    conn: &mut AnyConnection,
    registration: &Registration,
    free_seat: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let placeholder = format!("erased-{}@erased.invalid", registration.id);
    let held_seat = free_seat && registration.status == RegistrationStatus::Confirmed;
    let active = free_seat && registration.status.is_active();
    diesel::update(registrations::table.find(&registration.id))
        .set((
            registrations::name.eq("—"),
            registrations::email.eq(&placeholder),
            registrations::email_normalized.eq(&placeholder),
            registrations::organisation_other.eq(registration.organisation_other.as_ref().map(|_| "—")),
            registrations::position.eq(""),
            registrations::timezone.eq(None::<String>),
            registrations::needs.eq(""),
            registrations::pending_email.eq(None::<String>),
            registrations::newsletter.eq(false),
            registrations::listed.eq(false),
            registrations::reminders_opt_out.eq(true),
            registrations::announcements_opt_out.eq(true),
            registrations::updated_at.eq(now),
        ))
        .execute(conn)?;
    if active {
        seats::set_status(conn, &registration.id, RegistrationStatus::Cancelled, now)?;
    }
    tokens::revoke_all(conn, &registration.id)?;
    super::outbox::skip_undelivered(conn, &registration.id, "the person's data was erased")?;
    if held_seat {
        seats::promote_waitlisted(conn, &registration.session_id, now)?;
    }
    Ok(())
}

/// Erases one person's registration at their request.
pub fn erase(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let Some(registration) = registrations::table
            .find(registration_id)
            .select(Registration::as_select())
            .first(conn)
            .optional()?
        else {
            return Ok(false);
        };
        seats::lock(conn, &registration.session_id)?;
        let session: Session =
            sessions::table.find(&registration.session_id).select(Session::as_select()).first(conn)?;
        // Before the session, the seat goes back; after it, the status stays for the reports.
        anonymise(conn, &registration, now < session.starts_at, now)?;
        Ok(true)
    })
}

/// Anonymises the registrations of sessions that ended more than `retention_days` ago.
/// Returns how many were purged; running it again purges nothing more.
pub fn purge(conn: &mut AnyConnection, retention_days: i64, now: NaiveDateTime) -> QueryResult<usize> {
    let cutoff = now - Duration::days(retention_days);
    let old_sessions: Vec<Session> =
        sessions::table.filter(sessions::starts_at.lt(cutoff)).select(Session::as_select()).load(conn)?;
    let mut purged = 0;
    for session in old_sessions.into_iter().filter(|s| s.ends_at() < cutoff) {
        purged += write_tx(conn, |conn| -> QueryResult<usize> {
            let rows: Vec<Registration> = registrations::table
                .filter(registrations::session_id.eq(&session.id))
                .filter(registrations::email_normalized.not_like("erased-%@erased.invalid"))
                .select(Registration::as_select())
                .load(conn)?;
            for registration in &rows {
                anonymise(conn, registration, false, now)?;
            }
            Ok(rows.len())
        })?;
    }
    Ok(purged)
}
