//! What is held about a person, as they or an administrator see it: one registration's data
//! download, and everything held about one address (a data request's list and download).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{Registration, Session};
use crate::db::schema::{outbox, registrations, sessions};
use crate::db::{AnyConnection, consents, newsletter};
use crate::domain::{MessageKind, OutboxStatus, RegistrationId, RegistrationStatus};

/// Everything held about one registration, for the person's download.
pub fn export(conn: &mut AnyConnection, registration_id: &RegistrationId) -> QueryResult<serde_json::Value> {
    let (registration, session): (Registration, Session) = registrations::table
        .inner_join(sessions::table)
        .filter(registrations::id.eq(registration_id))
        .select((Registration::as_select(), Session::as_select()))
        .first(conn)?;
    let organisation = crate::db::registrations::organisation_name(conn, &registration)?;
    let emails: Vec<(MessageKind, OutboxStatus, NaiveDateTime, Option<NaiveDateTime>)> = outbox::table
        .filter(outbox::registration_id.eq(registration_id))
        .order(outbox::created_at.asc())
        .select((outbox::kind, outbox::status, outbox::created_at, outbox::sent_at))
        .load(conn)?;
    let consent_history = consents::history(conn, registration_id)?;
    let mail_failure = crate::db::bounces::failure_of(conn, registration_id)?;
    let suppressed = crate::db::bounces::suppression_of(conn, &registration.email_normalized)?;
    // longwork: lines of attendance files that named the address but matched no confirmed
    // registration (kept a week with their import).
    let refused_lines = crate::db::task_refusals::of_address(conn, &registration.email_normalized)?;
    let survey_answer = crate::db::feedback::export_answer(conn, registration_id)?;
    // join: when the person went through their personal join link.
    let joins = crate::db::joins::of(conn, registration_id)?;
    let webhooks = crate::db::webhooks::export_of(conn, registration_id)?;
    let interpretation = crate::db::interpretation::choice_of(conn, registration_id)?;
    // qforms: the answers to the organiser's own questions.
    let answers = crate::db::answers::export_of(conn, registration_id, &registration.session_id)?;
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
    pub bounced: Option<crate::db::bounces::Suppressed>,
    /// quotas: organisations whose focal point has the address.
    pub focal_points: Vec<crate::db::focal_points::FocalPointOf>,
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
        bounced: crate::db::bounces::suppression_of(conn, &key)?,
        focal_points: crate::db::focal_points::of_address(conn, &key)?,
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
        "focal_point_of": crate::db::focal_points::export(&held.focal_points),
    }))
}
