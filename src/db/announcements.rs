//! Announcements: one email written by an organiser, queued in the outbox for every chosen
//! registrant of a session. There is no table of their own: each outbox message carries the
//! announcement's id, subject and body in its payload, and its dedupe key
//! (`announcement:<announcement id>:<registration id>`) keeps each recipient single.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::Session;
use super::outbox::AddressedMessage;
use super::outbox::{self, NewMessage};
use super::schema::{organisations, registrations};
use super::{AnyConnection, MultiBackend, write_tx};
use crate::domain::{AudienceGroup, Language, MessageKind, RegistrationStatus, SessionId};

/// Which registrants receive an announcement (any of the ticked groups).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Audience {
    pub confirmed: bool,
    pub waitlisted: bool,
    pub attended: bool,
    pub absent: bool,
    /// The focal points of member governments (not registrants).
    pub focal_points: bool,
}

impl Audience {
    pub fn is_empty(&self) -> bool {
        !(self.has_registrants() || self.focal_points)
    }

    /// Whether any group of registrants is chosen.
    pub fn has_registrants(&self) -> bool {
        self.confirmed || self.waitlisted || self.attended || self.absent
    }

    /// The audience of the groups ticked.
    pub fn of(groups: &[AudienceGroup]) -> Self {
        Audience {
            confirmed: groups.contains(&AudienceGroup::Confirmed),
            waitlisted: groups.contains(&AudienceGroup::Waitlisted),
            attended: groups.contains(&AudienceGroup::Attended),
            absent: groups.contains(&AudienceGroup::Absent),
            focal_points: groups.contains(&AudienceGroup::FocalPoints),
        }
    }

    /// The groups as stored in the payload and the audit log, e.g. `confirmed,absent`.
    pub fn describe(&self) -> String {
        [
            (self.confirmed, AudienceGroup::Confirmed),
            (self.waitlisted, AudienceGroup::Waitlisted),
            (self.attended, AudienceGroup::Attended),
            (self.absent, AudienceGroup::Absent),
            (self.focal_points, AudienceGroup::FocalPoints),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, group)| group.as_str())
        .collect::<Vec<_>>()
        .join(",")
    }
}

/// The ids of the session's registrations in the audience. Cancelled and declined
/// registrations never are, whatever their attendance says, nor those who stopped
/// announcements.
pub fn recipients(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    audience: Audience,
) -> QueryResult<Vec<String>> {
    Ok(recipients_with_language(conn, session_id, audience)?.into_iter().map(|(id, _)| id).collect())
}

/// [`recipients`], each with the language the registrant reads.
pub fn recipients_with_language(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    audience: Audience,
) -> QueryResult<Vec<(String, String)>> {
    if !audience.has_registrants() {
        return Ok(Vec::new());
    }
    let mut query = registrations::table
        .filter(registrations::session_id.eq(session_id))
        .filter(registrations::status.ne_all([RegistrationStatus::Cancelled, RegistrationStatus::Declined]))
        .filter(registrations::announcements_opt_out.eq(false))
        .select((registrations::id, registrations::language))
        .order(registrations::id.asc())
        .into_boxed::<MultiBackend>();
    // Start from "nothing" and add each group with OR.
    let mut any: Box<
        dyn BoxableExpression<registrations::table, MultiBackend, SqlType = diesel::sql_types::Bool>,
    > = Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>("1 = 0"));
    if audience.confirmed {
        any = Box::new(any.or(registrations::status.eq(RegistrationStatus::Confirmed)));
    }
    if audience.waitlisted {
        any = Box::new(any.or(registrations::status.eq(RegistrationStatus::Waitlisted)));
    }
    if audience.attended {
        any = Box::new(any.or(registrations::attended.eq(Some(true)).assume_not_null()));
    }
    if audience.absent {
        any = Box::new(any.or(registrations::attended.eq(Some(false)).assume_not_null()));
    }
    query = query.filter(any);
    query.load(conn)
}

/// The JSON payload of each message of an announcement.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Payload {
    pub announcement: String,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub by: String,
    /// The language the subject and body are written in (empty: before announcements had
    /// several languages, the session's).
    #[serde(default)]
    pub language: String,
    /// To a focal point: the organisation whose focal point receives it, and the session.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub organisation: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub session: String,
}

/// An announcement's subject and body in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub language: Language,
    pub subject: String,
    pub body: String,
}

/// An announcement as the organiser sends it.
#[derive(Debug, Clone)]
pub struct Announcement {
    pub id: String,
    /// The session's language first (always given), then the other languages written.
    pub texts: Vec<Written>,
    pub audience: Audience,
    /// With [`Audience::focal_points`]: the organisations whose focal points receive it (empty:
    /// every organisation with a focal point's address).
    pub members: Vec<String>,
    pub by: String,
}

impl Announcement {
    /// The text a reader of `language` receives: theirs, else the session's language's.
    pub fn text_for(&self, language: &str) -> Option<&Written> {
        self.texts.iter().find(|t| t.language.code() == language).or(self.texts.first())
    }

    fn payload(&self, language: &str, organisation: &str, session: &SessionId) -> Option<Payload> {
        let text = self.text_for(language)?;
        Some(Payload {
            announcement: self.id.clone(),
            subject: text.subject.clone(),
            body: text.body.clone(),
            audience: self.audience.describe(),
            by: self.by.clone(),
            language: text.language.code().to_owned(),
            organisation: organisation.to_owned(),
            session: if organisation.is_empty() { String::new() } else { session.to_string() },
        })
    }
}

/// A focal point an announcement can go to.
#[derive(Debug, Clone)]
pub struct FocalPoint {
    pub organisation_id: String,
    pub organisation: String,
    pub language: String,
}

/// Organisations with a focal point's address, by name; with `chosen`, only those.
pub fn focal_points(conn: &mut AnyConnection, chosen: &[String]) -> QueryResult<Vec<FocalPoint>> {
    let mut query = organisations::table
        .filter(organisations::focal_email.is_not_null())
        .filter(organisations::focal_email.ne(""))
        .order((organisations::name.asc(), organisations::id.asc()))
        .select((organisations::id, organisations::name, organisations::focal_language))
        .into_boxed::<MultiBackend>();
    if !chosen.is_empty() {
        query = query.filter(organisations::id.eq_any(chosen.to_vec()));
    }
    let rows: Vec<(String, String, String)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(organisation_id, organisation, language)| FocalPoint {
            organisation_id,
            organisation,
            language,
        })
        .collect())
}

/// The dedupe-key prefix of a session's announcements to focal points.
pub(super) fn focal_prefix(session_id: &SessionId) -> String {
    format!("{}:{session_id}:", MessageKind::FocalPointAnnouncement)
}

/// How many of an announcement's recipients read each language: registrants, then focal points.
pub fn readers_by_language(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    audience: Audience,
    members: &[String],
) -> QueryResult<Vec<(Language, usize, usize)>> {
    let registrants = recipients_with_language(conn, session_id, audience)?;
    let focal = if audience.focal_points { focal_points(conn, members)? } else { Vec::new() };
    Ok(Language::ALL
        .iter()
        .map(|&l| {
            (
                l,
                registrants.iter().filter(|(_, lang)| lang == l.code()).count(),
                focal.iter().filter(|f| f.language == l.code()).count(),
            )
        })
        .collect())
}

/// Queues the announcement for its audience (each registrant and focal point in their
/// language, else the session's), with an audit entry, in one transaction: the recipients are
/// read in it. Sending the same announcement id again adds nobody twice. Returns how many
/// messages were queued.
pub fn send(
    conn: &mut AnyConnection,
    session: &Session,
    announcement: &Announcement,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let json = |payload: Option<Payload>| -> QueryResult<String> {
        serde_json::to_string(&payload).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
    };
    write_tx(conn, |conn| {
        let mut by_language: HashMap<String, String> = HashMap::new();
        let mut messages = Vec::new();
        for (id, language) in recipients_with_language(conn, &session.id, announcement.audience)? {
            let payload = match by_language.get(&language) {
                Some(payload) => payload.clone(),
                None => {
                    let payload = json(announcement.payload(&language, "", &session.id))?;
                    by_language.insert(language, payload.clone());
                    payload
                }
            };
            messages.push(NewMessage {
                kind: MessageKind::Announcement,
                dedupe_key: format!("{}:{}:{id}", MessageKind::Announcement, announcement.id),
                registration_id: id,
                payload,
            });
        }
        let mut queued = outbox::enqueue_many(conn, &messages, now)?;
        if announcement.audience.focal_points {
            let mut addressed = Vec::new();
            for focal in focal_points(conn, &announcement.members)? {
                let payload = announcement.payload(&focal.language, &focal.organisation_id, &session.id);
                addressed.push(AddressedMessage {
                    kind: MessageKind::FocalPointAnnouncement,
                    dedupe_key: format!(
                        "{}{}:{}",
                        focal_prefix(&session.id),
                        announcement.id,
                        focal.organisation_id
                    ),
                    payload: json(payload)?,
                });
            }
            queued += outbox::enqueue_many_addressed(conn, &addressed, now)?;
        }
        let subject = announcement.texts.first().map(|t| t.subject.as_str()).unwrap_or_default();
        let languages: Vec<&str> = announcement.texts.iter().map(|t| t.language.code()).collect();
        audit::record(
            conn,
            actor,
            "announcement.send",
            &session.title,
            &format!(
                "session={} announcement={} audience={} members={} languages={} queued={queued} subject={subject}",
                session.id,
                announcement.id,
                announcement.audience.describe(),
                announcement.members.len(),
                languages.join(","),
            ),
            now,
        )?;
        Ok(queued)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audience_is_described_in_order() {
        let audience = Audience { confirmed: true, absent: true, ..Audience::default() };
        assert_eq!(audience.describe(), "confirmed,absent");
        assert!(Audience::default().is_empty());
    }
}
