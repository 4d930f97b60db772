//! A person's control over their data: what is held (for download) and erasure, alone or for
//! every registration of one address (an administrator's answer to a data request), and the
//! purge of old registrations after their retention period.
//!
//! Erasure ends the registration's life (`RegistrationStatus::Erased`: no status change, seat,
//! mail or export after it) and removes the person from every place that names them, in one
//! transaction: the registration's personal fields, its links, its queued mail, the delivery
//! log's answers and payloads, the audit log, the kept newsletter consent; then the stored
//! `.eml` copies of mail to them. Organisation, country, attendance and the status it ended
//! stay, so the reports' counts keep working, anonymously.

use std::path::Path;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::{Registration, Session};
use super::schema::{registrations, sessions};
use super::{AnyConnection, consents, newsletter, seats, tokens, write_tx};

mod download;
use crate::domain::WebhookEvent;
use crate::domain::{ConsentPurpose, ConsentSource, RegistrationId, RegistrationStatus};
pub use download::{Held, HeldForAddress, address_key, export, export_address, find_by_address};

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
        if !newsletter {
            // Withdrawn: a consent kept from an older registration of the address goes too.
            let address: String = registrations::table
                .find(registration_id)
                .select(registrations::email_normalized)
                .first(conn)?;
            newsletter::forget(conn, &address)?;
        }
        Ok(true)
    })
}

/// Why a registration is anonymised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    /// The person (or an administrator, at their request) asked: everything goes, the
    /// newsletter consent too.
    Request,
    /// Its retention period ended: a newsletter consent, which lives until it is withdrawn,
    /// is kept with only what the newsletter needs.
    Retention,
}

/// Anonymises one registration inside the caller's transaction: personal fields are blanked,
/// the registration ends (erased), its links stop working, mail still queued for it is
/// skipped, and what the delivery and audit logs say about the person is pseudonymised; with
/// `free_seat` (an upcoming session) a held seat goes to the waiting list. Returns the file
/// names of the stored copies of its mail, for [`remove_mail_copies`] once this commits.
fn anonymise(
    conn: &mut AnyConnection,
    registration: &Registration,
    free_seat: bool,
    reason: Reason,
    now: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    let placeholder = format!("erased-{}@erased.invalid", registration.id);
    let held_seat = free_seat && registration.status == RegistrationStatus::Confirmed;
    let active = free_seat && registration.status.is_active();
    match reason {
        Reason::Request => {
            newsletter::forget(conn, &registration.email_normalized)?;
            // A bounced address is the person's data too: forgotten with the rest.
            super::bounces::unsuppress(conn, &registration.email_normalized)?;
        }
        Reason::Retention => newsletter::keep_beyond(conn, registration)?,
    }
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
        // Before the session the seat goes back (the reports count it as cancelled).
        seats::set_status(conn, &registration.id, RegistrationStatus::Cancelled, now)?;
    }
    seats::set_status(conn, &registration.id, RegistrationStatus::Erased, now)?;
    super::webhooks::raise(conn, (WebhookEvent::RegistrationErased, &registration.id), now)?;
    tokens::revoke_all(conn, &registration.id)?;
    super::bounces::clear_flag(conn, &registration.id)?;
    super::outbox::skip_undelivered(conn, &registration.id, "the person's data was erased")?;
    let pseudonym = format!("erased registration {}", registration.id);
    let names =
        [registration.email.as_str(), registration.email_normalized.as_str(), registration.name.as_str()];
    let copies = super::outbox::scrub(conn, &registration.id, &names, &pseudonym)?;
    audit::pseudonymise(conn, &names, &pseudonym)?;
    super::webhooks::scrub(conn, &registration.id, &names, &pseudonym)?;
    // longwork: rows of attendance files that named the address and were refused.
    super::task_refusals::forget_address(conn, &registration.email_normalized)?;
    // feedback: a survey answer's free texts may name people; its scores stay, anonymous.
    super::feedback::forget(conn, &registration.id)?;
    // join: the moments the person joined.
    super::joins::forget(conn, &registration.id)?;
    // questions: the language followed, sign-language and caption needs.
    super::interpretation::forget(conn, &registration.id)?;
    // qforms: the answers to the organiser's own questions.
    super::answers::forget(conn, &registration.id)?;
    if held_seat {
        seats::promote_after_release(conn, &registration.session_id, &registration.id, now)?;
    }
    Ok(copies)
}

/// Deletes stored copies of mail (`.eml` files written by the file transport) from `mail_dir`.
/// Only plain file names are followed, never a path. A copy already gone is not an error.
pub fn remove_mail_copies(mail_dir: &Path, files: &[String]) {
    for file in files {
        let plain = !file.is_empty()
            && file.ends_with(".eml")
            && file.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
            && !file.starts_with('.');
        if !plain {
            tracing::warn!("not deleting a stored mail copy whose recorded name is not a plain file name");
            continue;
        }
        match std::fs::remove_file(mail_dir.join(file)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(error = %e, file = %file, "could not delete a stored mail copy"),
        }
    }
}

/// One registration, read under its session's lock, when it is not erased already.
fn live_registration(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
) -> QueryResult<Option<(Registration, Session)>> {
    let Some(session_id) = registrations::table
        .find(registration_id)
        .select(registrations::session_id)
        .first::<crate::domain::SessionId>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    seats::lock(conn, &session_id)?;
    let registration: Registration =
        registrations::table.find(registration_id).select(Registration::as_select()).first(conn)?;
    if registration.status == RegistrationStatus::Erased {
        return Ok(None);
    }
    let session: Session = sessions::table.find(&session_id).select(Session::as_select()).first(conn)?;
    Ok(Some((registration, session)))
}

/// Erases one registration inside the caller's write transaction; returns its mail copies, or
/// `None` when there is no such registration (or it is erased already).
fn erase_in_tx(
    conn: &mut AnyConnection,
    registration_id: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<Option<(Registration, Session, Vec<String>)>> {
    let Some((registration, session)) = live_registration(conn, registration_id)? else {
        return Ok(None);
    };
    // Before the session, the seat goes back; after it, the status stays for the reports.
    let copies = anonymise(conn, &registration, now < session.starts_at, Reason::Request, now)?;
    Ok(Some((registration, session, copies)))
}

/// Erases one person's registration at their request; then deletes the stored copies of their
/// mail from `mail_dir`. Returns whether there was anything to erase.
pub fn erase(
    conn: &mut AnyConnection,
    mail_dir: &Path,
    registration_id: &RegistrationId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let erased = write_tx(conn, |conn| erase_in_tx(conn, registration_id, now))?;
    Ok(match erased {
        Some((_, _, copies)) => {
            remove_mail_copies(mail_dir, &copies);
            true
        }
        None => false,
    })
}

/// Anonymises the registrations of sessions that ended more than `retention_days` ago, and
/// deletes the stored copies of their mail. Returns how many were purged; running it again
/// purges nothing more.
pub fn purge(
    conn: &mut AnyConnection,
    mail_dir: &Path,
    retention_days: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let cutoff = now - Duration::days(retention_days);
    let old_sessions: Vec<Session> =
        sessions::table.filter(sessions::starts_at.lt(cutoff)).select(Session::as_select()).load(conn)?;
    let mut purged = 0;
    for session in old_sessions.into_iter().filter(|s| s.ends_at() < cutoff) {
        let (count, copies) = write_tx(conn, |conn| -> QueryResult<(usize, Vec<String>)> {
            let rows: Vec<Registration> = registrations::table
                .filter(registrations::session_id.eq(&session.id))
                .filter(registrations::status.ne(RegistrationStatus::Erased))
                .select(Registration::as_select())
                .load(conn)?;
            let mut copies = Vec::new();
            for registration in &rows {
                copies.extend(anonymise(conn, registration, false, Reason::Retention, now)?);
            }
            Ok((rows.len(), copies))
        })?;
        remove_mail_copies(mail_dir, &copies);
        purged += count;
    }
    Ok(purged)
}

/// Erases every registration of `email` and its kept newsletter consent, in one transaction,
/// each erasure with its own audit entry that names the registration, not the person; then
/// deletes the stored copies of their mail. Returns how many registrations were erased.
pub fn erase_address(
    conn: &mut AnyConnection,
    mail_dir: &Path,
    email: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let key = address_key(email);
    let (count, copies) = write_tx(conn, |conn| -> QueryResult<(usize, Vec<String>)> {
        let ids: Vec<RegistrationId> = registrations::table
            .filter(registrations::email_normalized.eq(&key))
            .filter(registrations::status.ne(RegistrationStatus::Erased))
            .order(registrations::id.asc())
            .select(registrations::id)
            .load(conn)?;
        let mut copies = Vec::new();
        let mut count = 0;
        for id in &ids {
            if let Some((registration, session, files)) = erase_in_tx(conn, id, now)? {
                copies.extend(files);
                count += 1;
                audit::record(
                    conn,
                    actor,
                    "registration.erase",
                    &format!("erased registration {}", registration.id),
                    &format!("session={} registration={} reason=data request", session.id, registration.id),
                    now,
                )?;
            }
        }
        if super::bounces::unsuppress(conn, &key)? {
            audit::record(
                conn,
                actor,
                "suppression.erase",
                "erased bounced address",
                "reason=data request",
                now,
            )?;
        }
        if newsletter::forget(conn, &key)? {
            audit::record(
                conn,
                actor,
                "newsletter.erase",
                "erased newsletter consent",
                "reason=data request",
                now,
            )?;
        }
        // quotas: the address as an organisation's focal point.
        super::focal_points::forget(conn, &key, actor, now)?;
        Ok((count, copies))
    })?;
    remove_mail_copies(mail_dir, &copies);
    Ok(count)
}

/// Deletes every stored mail copy (`*.eml`) in `mail_dir` last written before `cutoff`,
/// including copies no outbox row records (older versions did not). Returns how many went.
pub fn sweep_mail_copies(mail_dir: &Path, cutoff: NaiveDateTime) -> usize {
    let Ok(entries) = std::fs::read_dir(mail_dir) else {
        return 0;
    };
    let cutoff = std::time::SystemTime::UNIX_EPOCH
        + std::time::Duration::from_secs(u64::try_from(cutoff.and_utc().timestamp()).unwrap_or(0));
    let mut deleted = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|written| written < cutoff);
        if old && entry.file_type().is_ok_and(|t| t.is_file()) && std::fs::remove_file(&path).is_ok() {
            deleted += 1;
        }
    }
    deleted
}
