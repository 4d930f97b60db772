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
use super::schema::{outbox, registrations, sessions};
use super::{AnyConnection, consents, newsletter, seats, tokens, write_tx};
use crate::domain::WebhookEvent;
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
    let mail_failure = super::bounces::failure_of(conn, registration_id)?;
    let suppressed = super::bounces::suppression_of(conn, &registration.email_normalized)?;
    // longwork: lines of attendance files that named the address but matched no confirmed
    // registration (kept a week with their import).
    let refused_lines = super::tasks::refusals_of_address(conn, &registration.email_normalized)?;
    let survey_answer = super::feedback::export_answer(conn, registration_id)?;
    // join: when the person went through their personal join link.
    let joins = super::joins::of(conn, registration_id)?;
    let webhooks = super::webhooks::export_of(conn, registration_id)?;
    let interpretation = super::interpretation::choice_of(conn, registration_id)?;
    // qforms: the answers to the organiser's own questions.
    let answers = super::questions::export_of(conn, registration_id, &registration.session_id)?;
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
            "language_followed": interpretation.follows,
            "sign_language_interpretation": interpretation.sign_language,
            "live_captions": interpretation.captions,
            "answers_to_questions": answers,
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
        "last_mail_failed": mail_failure.map(|f| serde_json::json!({
            "failed_at": time(f.failed_at), "server_answer": f.reason,
        })),
        "address_bounced": suppressed.map(|b| serde_json::json!({
            "first_bounced_at": time(b.first_bounced_at), "server_answer": b.reason,
        })),
        "attendance_file_lines_not_matched": refused_lines.into_iter().map(|(line, imported)| serde_json::json!({
            "line": line, "imported_at": time(imported),
        })).collect::<Vec<_>>(),
        "survey_answer": survey_answer,
        "joined_through_personal_link": joins.map(|(first, last, times)| serde_json::json!({
            "first_joined_at": time(first), "last_joined_at": time(last), "times": times,
        })),
        "sent_to_other_systems_of_the_network": webhooks,
        "emails": emails.into_iter().map(|(kind, status, queued, sent)| serde_json::json!({
            "kind": kind, "status": status, "queued_at": time(queued), "sent_at": sent.map(time),
        })).collect::<Vec<_>>(),
    }))
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
    super::tasks::forget_address(conn, &registration.email_normalized)?;
    // feedback: a survey answer's free texts may name people; its scores stay, anonymous.
    super::feedback::forget(conn, &registration.id)?;
    // join: the moments the person joined.
    super::joins::forget(conn, &registration.id)?;
    // questions: the language followed, sign-language and caption needs.
    super::interpretation::forget(conn, &registration.id)?;
    // qforms: the answers to the organiser's own questions.
    super::questions::forget(conn, &registration.id)?;
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

/// One registration of an address, as a data request lists it.
#[derive(Debug, Clone)]
pub struct Held {
    pub registration_id: RegistrationId,
    pub session_title: String,
    pub session_starts_at: NaiveDateTime,
    pub status: RegistrationStatus,
    pub registered_at: NaiveDateTime,
}

/// What is held about one address: its registrations across sessions (erased ones hold
/// nothing and are left out), a newsletter consent kept beyond them, and its place on the list
/// of addresses that bounce.
#[derive(Debug, Clone, Default)]
pub struct HeldForAddress {
    pub registrations: Vec<Held>,
    pub newsletter: Option<newsletter::Subscriber>,
    pub bounced: Option<super::bounces::Suppressed>,
    /// quotas: organisations whose focal point has the address.
    pub focal_points: Vec<super::focal_points::FocalPointOf>,
}

impl HeldForAddress {
    pub fn is_empty(&self) -> bool {
        self.registrations.is_empty()
            && self.newsletter.is_none()
            && self.bounced.is_none()
            && self.focal_points.is_empty()
    }
}

/// The form addresses are matched in: exact, any case, without surrounding spaces.
pub fn address_key(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// Every registration of `email` (exact match, any case) across sessions, oldest first.
pub fn find_by_address(conn: &mut AnyConnection, email: &str) -> QueryResult<HeldForAddress> {
    let key = address_key(email);
    let rows: Vec<(RegistrationId, String, NaiveDateTime, RegistrationStatus, NaiveDateTime)> =
        registrations::table
            .inner_join(sessions::table)
            .filter(registrations::email_normalized.eq(&key))
            .filter(registrations::status.ne(RegistrationStatus::Erased))
            .order((registrations::created_at.asc(), registrations::id.asc()))
            .select((
                registrations::id,
                sessions::title,
                sessions::starts_at,
                registrations::status,
                registrations::created_at,
            ))
            .load(conn)?;
    let registrations = rows
        .into_iter()
        .map(|(registration_id, session_title, session_starts_at, status, registered_at)| Held {
            registration_id,
            session_title,
            session_starts_at,
            status,
            registered_at,
        })
        .collect();
    Ok(HeldForAddress {
        registrations,
        newsletter: newsletter::kept(conn, &key)?,
        bounced: super::bounces::suppression_of(conn, &key)?,
        focal_points: super::focal_points::of_address(conn, &key)?,
    })
}

/// Everything held about `email`, as one JSON document: each registration as the person's own
/// download shows it, and a kept newsletter consent.
pub fn export_address(conn: &mut AnyConnection, email: &str) -> QueryResult<serde_json::Value> {
    let held = find_by_address(conn, email)?;
    let registrations = held
        .registrations
        .iter()
        .map(|r| export(conn, &r.registration_id))
        .collect::<QueryResult<Vec<_>>>()?;
    let time = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    Ok(serde_json::json!({
        "email": address_key(email),
        "registrations": registrations,
        "address_bounced": held.bounced.map(|b| serde_json::json!({
            "first_bounced_at": time(b.first_bounced_at), "server_answer": b.reason,
        })),
        "newsletter": held.newsletter.map(|s| serde_json::json!({
            "email": s.email, "name": s.name, "language": s.language,
            "consented_at": time(s.consented_at), "notice_version": s.notice_version,
        })),
        "focal_point_of": super::focal_points::export(&held.focal_points),
    }))
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
