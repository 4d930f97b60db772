//! Speakers' consent to the recording and its publication: their own answer from their page,
//! consent an organiser obtained outside Convoca (audited), and the rule that follows from it:
//! a recording is public only when every speaker on the panel consented to its publication.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::audit::{self, Actor};
use super::models::Session;
use super::schema::{panel_entries, sessions, speaker_invitations, speakers};
use super::speaker_invitations::{ensure_invitation, invitation};
use super::{AnyConnection, write_tx};
use crate::domain::{ConsentSource, SessionId};

/// The speaker's own answer about recording and publication, from their page (inside the
/// caller's transaction): recorded with its time, and the invitation marked answered.
pub fn record_answer(
    conn: &mut AnyConnection,
    session_id: &str,
    speaker_id: &str,
    consent: Option<(bool, bool)>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    ensure_invitation(conn, session_id, speaker_id)?;
    let target = speaker_invitations::table.find((session_id, speaker_id));
    diesel::update(target).set(speaker_invitations::answered_at.eq(now)).execute(conn)?;
    if let Some((recording, publication)) = consent {
        let current = invitation(conn, session_id, speaker_id)?;
        let unchanged = current.is_some_and(|c| {
            c.recording_consent == Some(recording) && c.publication_consent == Some(publication)
        });
        if !unchanged {
            diesel::update(target)
                .set((
                    speaker_invitations::recording_consent.eq(recording),
                    speaker_invitations::publication_consent.eq(publication),
                    speaker_invitations::consent_at.eq(now),
                    speaker_invitations::consent_source.eq(ConsentSource::SpeakerPage),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// An organiser records that a panel speaker's consent to recording and publication was
/// obtained outside Convoca (audited). `false` when the speaker is not on the panel.
pub fn record_offline(
    conn: &mut AnyConnection,
    session_id: &SessionId,
    speaker_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let found: Option<(String, String)> = panel_entries::table
            .inner_join(speakers::table)
            .inner_join(sessions::table)
            .filter(panel_entries::session_id.eq(session_id))
            .filter(panel_entries::speaker_id.eq(speaker_id))
            .select((sessions::title, speakers::name))
            .first(conn)
            .optional()?;
        let Some((title, name)) = found else {
            return Ok(false);
        };
        offline_consent(conn, session_id, speaker_id, now)?;
        audit::record(conn, actor, "speaker.consent_offline", &title, &name, now)?;
        Ok(true)
    })
}

/// Records "obtained offline" consent for one speaker of a session (no audit entry: callers
/// write it, or it is the demo's own data).
pub fn offline_consent(
    conn: &mut AnyConnection,
    session_id: &str,
    speaker_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    ensure_invitation(conn, session_id, speaker_id)?;
    diesel::update(speaker_invitations::table.find((session_id, speaker_id)))
        .set((
            speaker_invitations::recording_consent.eq(true),
            speaker_invitations::publication_consent.eq(true),
            speaker_invitations::consent_at.eq(now),
            speaker_invitations::consent_source.eq(ConsentSource::ObtainedOffline),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The names of the session's panel speakers who have not consented to publication of the
/// recording (refused, or not answered), in panel order. Empty: the recording may be shown.
pub fn without_publication_consent(conn: &mut AnyConnection, session_id: &str) -> QueryResult<Vec<String>> {
    let rows: Vec<(String, Option<bool>)> = panel_entries::table
        .inner_join(speakers::table)
        .left_join(
            speaker_invitations::table.on(speaker_invitations::session_id
                .eq(panel_entries::session_id)
                .and(speaker_invitations::speaker_id.eq(panel_entries::speaker_id))),
        )
        .filter(panel_entries::session_id.eq(session_id))
        .order((panel_entries::position.asc(), panel_entries::id.asc()))
        .select((speakers::name, speaker_invitations::publication_consent.nullable()))
        .load(conn)?;
    Ok(rows.into_iter().filter(|(_, consent)| *consent != Some(true)).map(|(n, _)| n).collect())
}

/// Whether the recording of the session may be shown: every speaker on its panel consented
/// to its publication.
pub fn recording_public(conn: &mut AnyConnection, session_id: &str) -> QueryResult<bool> {
    Ok(without_publication_consent(conn, session_id)?.is_empty())
}

/// Of `session_ids`, those whose recording may not be shown (a panel speaker has not
/// consented to publication). Two queries whatever the number of sessions.
pub fn recordings_withheld(
    conn: &mut AnyConnection,
    session_ids: &[String],
) -> QueryResult<std::collections::HashSet<String>> {
    let mut withheld = std::collections::HashSet::new();
    for chunk in session_ids.chunks(500) {
        let entries: Vec<(String, String)> = panel_entries::table
            .filter(panel_entries::session_id.eq_any(chunk))
            .select((panel_entries::session_id, panel_entries::speaker_id))
            .load(conn)?;
        let consented: std::collections::HashSet<(String, String)> = speaker_invitations::table
            .filter(speaker_invitations::session_id.eq_any(chunk))
            .filter(speaker_invitations::publication_consent.eq(true))
            .select((speaker_invitations::session_id, speaker_invitations::speaker_id))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        withheld.extend(entries.into_iter().filter(|e| !consented.contains(e)).map(|(session, _)| session));
    }
    Ok(withheld)
}

/// Takes away the recording link of the sessions whose panel has not all consented to its
/// publication (for every public page, feed and API answer that shows it).
pub fn withhold_recordings<'a>(
    conn: &mut AnyConnection,
    sessions: impl IntoIterator<Item = &'a mut Session>,
) -> QueryResult<()> {
    let mut with_recording: Vec<&mut Session> =
        sessions.into_iter().filter(|s| s.recording_url.is_some()).collect();
    if with_recording.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = with_recording.iter().map(|s| s.id.to_string()).collect();
    let withheld = recordings_withheld(conn, &ids)?;
    for session in &mut with_recording {
        if withheld.contains(session.id.as_str()) {
            session.recording_url = None;
        }
    }
    Ok(())
}
