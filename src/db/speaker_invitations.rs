//! Speakers invited to a session's panel: the invitation (a speaker created or chosen, put on
//! the panel, and mailed, in one transaction), reminders (at most one a day), the speakers'
//! calendar entry (its SEQUENCE rises with each queued REQUEST or CANCEL, as registrations'
//! do in `db::invitations`) and the private links. Consent and what it lets the public see are
//! in `speaker_consent`.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::{PanelEntry, Session, Speaker, new_id};
use super::outbox;
use super::schema::{panel_entries, sessions, speaker_invitations, speaker_tokens, speakers};
use super::{AnyConnection, is_unique_violation, write_tx};
use crate::domain::{ConsentSource, Language, MessageKind, PanelRole, SessionId, SessionStatus};
use crate::security::{hash_token, new_token};

/// The shortest time between two mails asking the same speaker to answer.
pub const REMIND_AFTER: Duration = Duration::hours(24);

/// One speaker's invitation to one session, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = speaker_invitations)]
pub struct SpeakerInvitation {
    pub session_id: String,
    pub speaker_id: String,
    pub invited_at: Option<NaiveDateTime>,
    pub reminded_at: Option<NaiveDateTime>,
    pub answered_at: Option<NaiveDateTime>,
    pub calendar_sequence: i32,
    pub recording_consent: Option<bool>,
    pub publication_consent: Option<bool>,
    pub consent_at: Option<NaiveDateTime>,
    pub consent_source: Option<ConsentSource>,
}

impl SpeakerInvitation {
    fn blank(session_id: &str, speaker_id: &str) -> Self {
        Self {
            session_id: session_id.to_owned(),
            speaker_id: speaker_id.to_owned(),
            invited_at: None,
            reminded_at: None,
            answered_at: None,
            calendar_sequence: 0,
            recording_consent: None,
            publication_consent: None,
            consent_at: None,
            consent_source: None,
        }
    }
}

/// Who is invited: a new speaker (created in the same step), or one of the directory.
#[derive(Debug, Clone)]
pub enum Invitee {
    New {
        name: String,
        email: String,
        language: Language,
    },
    /// `email` replaces the stored address when given (a speaker entered without one).
    Existing {
        speaker_id: String,
        email: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InviteOutcome {
    /// On the panel, with the invitation queued; the speaker's id.
    Invited(String),
    AlreadyOnPanel,
    UnknownSpeaker,
    /// The chosen speaker has no address and none was given.
    NoAddress,
    /// The session is over or cancelled: nobody is invited to it any more.
    Closed,
    NotFound,
}

fn session_of(conn: &mut AnyConnection, session_id: &str) -> QueryResult<Option<Session>> {
    sessions::table.find(session_id).select(Session::as_select()).first(conn).optional()
}

/// The stored invitation of a speaker to a session, if any.
pub fn invitation(
    conn: &mut AnyConnection,
    session_id: &str,
    speaker_id: &str,
) -> QueryResult<Option<SpeakerInvitation>> {
    speaker_invitations::table
        .find((session_id, speaker_id))
        .select(SpeakerInvitation::as_select())
        .first(conn)
        .optional()
}

/// The invitation row, created blank when missing (inside the caller's transaction).
pub(super) fn ensure_invitation(
    conn: &mut AnyConnection,
    session_id: &str,
    speaker_id: &str,
) -> QueryResult<()> {
    if invitation(conn, session_id, speaker_id)?.is_none() {
        diesel::insert_into(speaker_invitations::table)
            .values(&SpeakerInvitation::blank(session_id, speaker_id))
            .execute(conn)?;
    }
    Ok(())
}

/// Raises the SEQUENCE of a speaker's calendar entry for a session and returns it.
fn raise_sequence(conn: &mut AnyConnection, session_id: &str, speaker_id: &str) -> QueryResult<i32> {
    ensure_invitation(conn, session_id, speaker_id)?;
    diesel::update(speaker_invitations::table.find((session_id, speaker_id)))
        .set(speaker_invitations::calendar_sequence.eq(speaker_invitations::calendar_sequence + 1))
        .returning(speaker_invitations::calendar_sequence)
        .get_result(conn)
}

/// Queues a speaker message: the payload names the speaker and the session (never their
/// address, read when the mail is written), and the SEQUENCE when it carries a calendar part.
fn queue(
    conn: &mut AnyConnection,
    kind: MessageKind,
    session_id: &str,
    speaker_id: &str,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let sequence = match kind.calendar_method() {
        Some(_) => Some(raise_sequence(conn, session_id, speaker_id)?),
        None => None,
    };
    let mut fields = serde_json::Map::new();
    fields.insert("speaker_id".into(), speaker_id.into());
    fields.insert("session_id".into(), session_id.into());
    let key = format!("{kind}:{session_id}:{speaker_id}:{now}:seq{}", sequence.unwrap_or(0));
    let payload = super::invitations::payload(fields, sequence);
    outbox::enqueue(conn, kind, None, &key, &payload, now)
}

/// Puts a speaker on the panel, creating them first when new, and queues their invitation
/// (private link and calendar REQUEST), in one transaction. Nothing is written when any step
/// is refused.
pub fn invite(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    invitee: &Invitee,
    role: PanelRole,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<InviteOutcome> {
    let result = write_tx(conn, |conn| {
        let Some(session) = session_of(conn, session_id)? else {
            return Ok(InviteOutcome::NotFound);
        };
        if session.status == SessionStatus::Cancelled || now >= session.ends_at() {
            return Ok(InviteOutcome::Closed);
        }
        let speaker_id = match invitee {
            Invitee::New { name, email, language } => {
                let id = new_id();
                diesel::insert_into(speakers::table)
                    .values((
                        &Speaker {
                            id: id.clone(),
                            name: name.clone(),
                            honorific: String::new(),
                            position: String::new(),
                            organisation: String::new(),
                            bio: String::new(),
                            photo_path: None,
                            is_demo: false,
                            created_at: now,
                        },
                        speakers::email.eq(email),
                        speakers::language.eq(language.code()),
                    ))
                    .execute(conn)?;
                audit::record(conn, actor, "speaker.create", name, &id, now)?;
                id
            }
            Invitee::Existing { speaker_id, email } => {
                let stored: Option<String> =
                    speakers::table.find(speaker_id).select(speakers::email).first(conn).optional()?;
                let Some(stored) = stored else {
                    return Ok(InviteOutcome::UnknownSpeaker);
                };
                match email.as_deref().filter(|e| !e.is_empty()) {
                    Some(email) if email != stored => {
                        diesel::update(speakers::table.find(speaker_id))
                            .set(speakers::email.eq(email))
                            .execute(conn)?;
                    }
                    Some(_) => {}
                    None if stored.is_empty() => return Ok(InviteOutcome::NoAddress),
                    None => {}
                }
                speaker_id.clone()
            }
        };
        let last: Option<i32> = panel_entries::table
            .filter(panel_entries::session_id.eq(session_id))
            .select(diesel::dsl::max(panel_entries::position))
            .first(conn)?;
        diesel::insert_into(panel_entries::table)
            .values(&PanelEntry {
                id: new_id(),
                session_id: session_id.to_owned(),
                speaker_id: speaker_id.clone(),
                role,
                position: last.map_or(0, |p| p + 1),
            })
            .execute(conn)?;
        ensure_invitation(conn, session_id, &speaker_id)?;
        diesel::update(speaker_invitations::table.find((session_id.as_str(), speaker_id.as_str())))
            .set((
                speaker_invitations::invited_at.eq(now),
                speaker_invitations::reminded_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        queue(conn, MessageKind::SpeakerInvitation, session_id, &speaker_id, now)?;
        let name: String = speakers::table.find(&speaker_id).select(speakers::name).first(conn)?;
        audit::record(conn, actor, "speaker.invite", &session.title, &format!("{name} ({role})"), now)?;
        Ok(InviteOutcome::Invited(speaker_id))
    });
    match result {
        // The panel's unique index: the transaction is rolled back, nothing was written.
        Err(e) if is_unique_violation(&e) => Ok(InviteOutcome::AlreadyOnPanel),
        other => other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemindOutcome {
    Queued,
    /// The last mail to this speaker is less than [`REMIND_AFTER`] old.
    TooSoon,
    /// The speaker has answered already.
    Answered,
    NotFound,
}

/// A second mail (a fresh private link) to an invited speaker who has not answered.
pub fn remind(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    speaker_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<RemindOutcome> {
    write_tx(conn, |conn| {
        let on_panel = lookup_on_panel(conn, session_id, speaker_id)?;
        let Some(found) = invitation(conn, session_id, speaker_id)?.filter(|_| on_panel) else {
            return Ok(RemindOutcome::NotFound);
        };
        let Some(invited_at) = found.invited_at else {
            return Ok(RemindOutcome::NotFound);
        };
        if found.answered_at.is_some() {
            return Ok(RemindOutcome::Answered);
        }
        let last = found.reminded_at.unwrap_or(invited_at).max(invited_at);
        if now < last + REMIND_AFTER {
            return Ok(RemindOutcome::TooSoon);
        }
        diesel::update(speaker_invitations::table.find((session_id.as_str(), speaker_id)))
            .set(speaker_invitations::reminded_at.eq(now))
            .execute(conn)?;
        queue(conn, MessageKind::SpeakerReminder, session_id, speaker_id, now)?;
        let name: String = speakers::table.find(speaker_id).select(speakers::name).first(conn)?;
        audit::record(conn, actor, "speaker.remind", session_id.as_str(), &name, now)?;
        Ok(RemindOutcome::Queued)
    })
}

/// The invited speakers of a session's panel (those who were sent an invitation).
fn invited_on_panel(conn: &mut AnyConnection, session_id: &str) -> QueryResult<Vec<String>> {
    panel_entries::table
        .inner_join(
            speaker_invitations::table.on(speaker_invitations::session_id
                .eq(panel_entries::session_id)
                .and(speaker_invitations::speaker_id.eq(panel_entries::speaker_id))),
        )
        .filter(panel_entries::session_id.eq(session_id))
        .filter(speaker_invitations::invited_at.is_not_null())
        .select(panel_entries::speaker_id)
        .load(conn)
}

/// Tells every invited speaker of the session's panel of a change: `kind` is an update (the
/// session moved, or its speakers' link or check time changed) or a cancellation. Inside the
/// caller's transaction. Returns how many were queued.
pub fn tell_panel(
    conn: &mut AnyConnection,
    session_id: &str,
    kind: MessageKind,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let invited = invited_on_panel(conn, session_id)?;
    for speaker_id in &invited {
        queue(conn, kind, session_id, speaker_id, now)?;
    }
    Ok(invited.len())
}

/// A speaker left the panel: their calendar entry is cancelled when they had been invited.
/// Inside the caller's transaction.
pub fn tell_removed(
    conn: &mut AnyConnection,
    session_id: &str,
    speaker_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let invited = invitation(conn, session_id, speaker_id)?.is_some_and(|i| i.invited_at.is_some());
    if invited {
        queue(conn, MessageKind::SpeakerSessionCancelled, session_id, speaker_id, now)?;
    }
    Ok(())
}

/// The speakers' join link and technical check time of a session, changed by an organiser;
/// invited speakers get the replacing calendar entry when either changed. `false` when there
/// is no such session.
pub fn set_speaker_details(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    join_url: Option<&str>,
    tech_check_at: Option<NaiveDateTime>,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let Some(session) = session_of(conn, session_id)? else {
            return Ok(false);
        };
        let (old_url, old_check): (Option<String>, Option<NaiveDateTime>) = sessions::table
            .find(session_id)
            .select((sessions::speaker_join_url, sessions::tech_check_at))
            .first(conn)?;
        if old_url.as_deref() == join_url && old_check == tech_check_at {
            return Ok(true);
        }
        diesel::update(sessions::table.find(session_id))
            .set((sessions::speaker_join_url.eq(join_url), sessions::tech_check_at.eq(tech_check_at)))
            .execute(conn)?;
        audit::record(conn, actor, "session.speaker_details", &session.title, join_url.unwrap_or(""), now)?;
        if session.status != SessionStatus::Cancelled && now < session.ends_at() {
            tell_panel(conn, session_id, MessageKind::SpeakerSessionUpdated, now)?;
        }
        Ok(true)
    })
}

/// The speakers' join link and technical check time of a session.
pub fn speaker_details(
    conn: &mut AnyConnection,
    session_id: &str,
) -> QueryResult<Option<(Option<String>, Option<NaiveDateTime>)>> {
    sessions::table
        .find(session_id)
        .select((sessions::speaker_join_url, sessions::tech_check_at))
        .first(conn)
        .optional()
}

/// The invitations of a session's speakers, by speaker id.
pub fn of_session(
    conn: &mut AnyConnection,
    session_id: &str,
) -> QueryResult<std::collections::HashMap<String, SpeakerInvitation>> {
    let rows: Vec<SpeakerInvitation> = speaker_invitations::table
        .filter(speaker_invitations::session_id.eq(session_id))
        .select(SpeakerInvitation::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|i| (i.speaker_id.clone(), i)).collect())
}

/// Creates the token of a new private link for a speaker and a session, ending the older
/// ones; it works until the session ends. Returns the token (only its hash is stored).
pub fn mint(
    conn: &mut AnyConnection,
    session_id: &str,
    speaker_id: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<String> {
    diesel::delete(
        speaker_tokens::table
            .filter(speaker_tokens::session_id.eq(session_id))
            .filter(speaker_tokens::speaker_id.eq(speaker_id)),
    )
    .execute(conn)?;
    let token = new_token();
    diesel::insert_into(speaker_tokens::table)
        .values((
            speaker_tokens::token_hash.eq(hash_token(&token)),
            speaker_tokens::session_id.eq(session_id),
            speaker_tokens::speaker_id.eq(speaker_id),
            speaker_tokens::expires_at.eq(expires_at),
            speaker_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The speaker and session a live private link opens: the speaker still on the panel, the
/// session not over.
pub fn lookup(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(Speaker, Session)>> {
    let found: Option<(String, String)> = speaker_tokens::table
        .filter(speaker_tokens::token_hash.eq(hash_token(token)))
        .filter(speaker_tokens::expires_at.gt(now))
        .select((speaker_tokens::speaker_id, speaker_tokens::session_id))
        .first(conn)
        .optional()?;
    let Some((speaker_id, session_id)) = found else {
        return Ok(None);
    };
    if !lookup_on_panel(conn, &session_id, &speaker_id)? {
        return Ok(None);
    }
    let speaker = super::speakers::speaker(conn, &speaker_id)?;
    let session = session_of(conn, &session_id)?;
    Ok(speaker.zip(session))
}

/// Whether the speaker is on the session's panel.
pub fn lookup_on_panel(conn: &mut AnyConnection, session_id: &str, speaker_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        panel_entries::table
            .filter(panel_entries::session_id.eq(session_id))
            .filter(panel_entries::speaker_id.eq(speaker_id)),
    ))
    .get_result(conn)
}

/// Expired private links, deleted by the worker's daily run.
pub fn purge_expired(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(speaker_tokens::table.filter(speaker_tokens::expires_at.le(now))).execute(conn)
}
