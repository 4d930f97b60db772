//! Messages to speakers: the claim (the speaker and session named in the payload, still on the
//! panel; a fresh private link for an invitation or reminder, working until the session ends)
//! and the rendering, with the speakers' calendar part.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::QueryResult;
use lettre::message::Mailbox;

use super::prepare::Prepared;
use crate::config::Settings;
use crate::db::models::{OutboxMessage, Session, Speaker};
use crate::db::{self};
use crate::domain::{CalendarMethod, Language, MessageKind};
use crate::email::speaker_messages::{SpeakerMessage, speaker_message, tech_check_words};
use crate::email::{Outgoing, ics};
use crate::i18n::I18n;

use super::{message_id_for, return_path_for};

/// A claimed speaker message with what it needs to be written.
pub(super) struct SpeakerClaim {
    outcome: Outcome,
}

enum Outcome {
    Skip(String),
    Abandon(String),
    Ready(Box<Ready>),
}

struct Ready {
    kind: MessageKind,
    speaker: Speaker,
    email: String,
    language: Language,
    session: Session,
    join_url: Option<String>,
    tech_check_at: Option<NaiveDateTime>,
    page_path: Option<String>,
    sequence: Option<i32>,
}

fn skip(reason: &str) -> SpeakerClaim {
    SpeakerClaim { outcome: Outcome::Skip(reason.to_owned()) }
}

/// Inside the claim's transaction.
pub(super) fn claim(
    conn: &mut db::AnyConnection,
    message: &OutboxMessage,
    now: NaiveDateTime,
) -> QueryResult<SpeakerClaim> {
    let kind = message.kind;
    let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
    let text = |key: &str| payload.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
    let (Some(speaker_id), Some(session_id)) = (text("speaker_id"), text("session_id")) else {
        return Ok(SpeakerClaim { outcome: Outcome::Abandon("the message names no speaker".into()) });
    };
    let Some(speaker) = db::speakers::speaker(conn, &speaker_id)? else {
        return Ok(skip("the speaker is gone"));
    };
    let Some(mut session) = db::catalogue::session_by_id(conn, &session_id)? else {
        return Ok(skip("the session is gone"));
    };
    let Some(contact) = db::speaker_profiles::contact(conn, &speaker_id)? else {
        return Ok(skip("the speaker is gone"));
    };
    if contact.email.is_empty() {
        return Ok(SpeakerClaim { outcome: Outcome::Abandon("the speaker has no address".into()) });
    }
    let invitation = db::speaker_invitations::invitation(conn, &session_id, &speaker_id)?;
    let sequence = crate::db::invitations::sequence_of(&payload);
    // A later calendar part carries the entry as it is now; this one would only repeat it.
    if sequence.is_some_and(|s| invitation.as_ref().is_some_and(|i| s < i.calendar_sequence)) {
        return Ok(skip("a later calendar message replaces it"));
    }
    let on_panel = db::speaker_invitations::lookup_on_panel(conn, &session_id, &speaker_id)?;
    let live = !session.is_cancelled() && now < session.ends_at();
    match kind {
        MessageKind::SpeakerInvitation | MessageKind::SpeakerSessionUpdated if !on_panel || !live => {
            return Ok(skip("the speaker left the panel, or the session is over or cancelled"));
        }
        MessageKind::SpeakerReminder
            if !on_panel || !live || invitation.as_ref().is_some_and(|i| i.answered_at.is_some()) =>
        {
            return Ok(skip("the speaker answered, left the panel, or the session is over"));
        }
        _ => {}
    }
    if let Some(suppressed) = db::bounces::suppression_of(conn, &contact.email.to_lowercase())? {
        return Ok(SpeakerClaim {
            outcome: Outcome::Abandon(format!("suppressed: the address bounced ({})", suppressed.reason)),
        });
    }
    db::catalogue::localize(conn, &mut session, contact.language.code())?;
    let page_path = if kind.carries_speaker_link() {
        let token = db::speaker_invitations::mint(conn, &session_id, &speaker_id, session.ends_at(), now)?;
        Some(format!("/speaker/{token}"))
    } else {
        None
    };
    let (join_url, tech_check_at) =
        db::speaker_invitations::speaker_details(conn, &session_id)?.unwrap_or((None, None));
    Ok(SpeakerClaim {
        outcome: Outcome::Ready(Box::new(Ready {
            kind,
            speaker,
            email: contact.email,
            language: contact.language,
            session,
            join_url,
            tech_check_at,
            page_path,
            sequence,
        })),
    })
}

/// Outside any transaction.
pub(super) fn render(
    settings: &Settings,
    message: &OutboxMessage,
    claim: SpeakerClaim,
) -> anyhow::Result<Prepared> {
    let ready = match claim.outcome {
        Outcome::Skip(reason) => return Ok(Prepared::Skip(reason)),
        Outcome::Abandon(reason) => return Ok(Prepared::Abandon(reason)),
        Outcome::Ready(ready) => *ready,
    };
    let i18n = I18n::new(ready.language);
    let tech_check = ready.tech_check_at.map(|at| tech_check_words(i18n, &ready.session, at));
    let method = ready.kind.calendar_method().filter(|_| ready.sequence.is_some());
    let calendar = match (method, ready.sequence) {
        (Some(method), Some(sequence)) => {
            let entry = ics::SpeakerEntry {
                speaker_id: &ready.speaker.id,
                name: &ready.speaker.name,
                email: &ready.email,
                join_url: ready.join_url.as_deref(),
                tech_check: tech_check.clone(),
            };
            Some((ics::speaker_calendar(settings, i18n, &entry, &ready.session, method, sequence), method))
        }
        _ => None,
    };
    let content = speaker_message(
        ready.kind,
        &SpeakerMessage {
            i18n,
            name: &ready.speaker.name,
            session: &ready.session,
            session_link: settings.link(&format!("/sessions/{}", ready.session.slug)),
            page_link: ready.page_path.as_ref().map(|p| settings.link(p)),
            join_url: ready.join_url.as_deref(),
            tech_check,
            calendar: calendar.as_ref().map(|(_, m): &(String, CalendarMethod)| *m),
        },
    );
    let (text, html) = content.render(i18n).context("rendering the email")?;
    let to = Mailbox::new(
        Some(ready.speaker.name.clone()),
        ready.email.parse().context("stored speaker address")?,
    );
    let outgoing = Outgoing {
        to,
        subject: content.subject,
        text,
        html,
        message_id: message_id_for(settings, &message.id),
        return_path: return_path_for(settings, &message.id),
        calendar,
        list: None,
    };
    Ok(Prepared::Send(Box::new(outgoing.build(settings)?)))
}
