//! What the mail to a speaker says, in the speaker's language: the invitation (their private
//! link, how long it works, the speakers' join link and technical check), the reminder, and
//! the update or cancellation that carries their calendar entry.

use chrono::NaiveDateTime;

use super::messages::{Action, EmailContent, Fact};
use crate::db::models::Session;
use crate::domain::{CalendarMethod, MessageKind};
use crate::i18n::I18n;
use crate::when::When;

/// The technical check time in words, in the session's planned zone.
pub fn tech_check_words(i18n: I18n, session: &Session, at: NaiveDateTime) -> String {
    let when = When::new(i18n, at, 0, &session.timezone);
    let zone = if when.zone_abbrev.is_empty() { when.offset.clone() } else { when.zone_abbrev.clone() };
    format!("{}, {} {zone}", when.date, when.start_time)
}

pub struct SpeakerMessage<'a> {
    pub i18n: I18n,
    pub name: &'a str,
    /// In the speaker's language.
    pub session: &'a Session,
    pub session_link: String,
    /// The private link to the speaker's own page (invitation and reminder).
    pub page_link: Option<String>,
    pub join_url: Option<&'a str>,
    pub tech_check: Option<String>,
    pub calendar: Option<CalendarMethod>,
}

/// The content of a speaker message of `kind`.
pub fn speaker_message(kind: MessageKind, m: &SpeakerMessage<'_>) -> EmailContent {
    let i18n = m.i18n;
    let title = &m.session.title;
    let when = When::of(i18n, m.session).line();
    let mut facts = vec![
        Fact { label: i18n.t("email-when-label"), value: when.clone(), link: false },
        Fact { label: i18n.t("email-details-label"), value: m.session_link.clone(), link: true },
    ];
    let cancelled = kind == MessageKind::SpeakerSessionCancelled;
    if !cancelled {
        if let Some(join) = m.join_url {
            facts.push(Fact { label: i18n.t("speaker-join-label"), value: join.to_owned(), link: true });
        }
        if let Some(check) = &m.tech_check {
            facts.push(Fact { label: i18n.t("speaker-tech-check-label"), value: check.clone(), link: false });
        }
    }
    let hello = i18n.t1("email-hello", "name", m.name);
    let action =
        m.page_link.as_ref().map(|url| Action { label: i18n.t("speaker-email-action"), url: url.clone() });
    let until = i18n.t1("speaker-email-link-until", "when", when);
    let (subject, paragraphs) = match kind {
        MessageKind::SpeakerReminder => {
            ("speaker-email-reminder-subject", vec![hello, i18n.t("speaker-email-reminder-body"), until])
        }
        MessageKind::SpeakerSessionUpdated => {
            ("speaker-email-updated-subject", vec![hello, i18n.t("speaker-email-updated-body")])
        }
        MessageKind::SpeakerSessionCancelled => {
            ("speaker-email-cancelled-subject", vec![hello, i18n.t("speaker-email-cancelled-body")])
        }
        _ => {
            ("speaker-email-invitation-subject", vec![hello, i18n.t("speaker-email-invitation-body"), until])
        }
    };
    EmailContent {
        subject: i18n.t1(subject, "title", title),
        heading: title.clone(),
        paragraphs,
        facts,
        action,
        footer: vec![i18n.t("speaker-email-footer")],
        calendar: m.calendar,
    }
}
