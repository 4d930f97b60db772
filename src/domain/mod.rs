//! Domain types and the parsers that turn raw input into them. No I/O here.

pub mod api_token;
pub mod country;
mod ids;
// join: what a personal join link may do.
mod field;
pub mod interpretation;
mod join;
mod message_kind;
pub mod password;
pub mod question_drafts;
pub mod questions;
pub mod quota;
mod redact;
mod registration;
pub mod series;
pub mod session;
mod status;
pub mod survey;
pub mod time_zone;
// webhooks: an endpoint's address.
pub mod webhook;

pub use ids::{RegistrationId, SessionId};
pub use message_kind::{CalendarMethod, MailingList, MessageKind, Recipient, SessionChange, Situation};
pub use redact::{mentions, redact};
pub(crate) use status::text_enum;
pub use status::{
    ApprovalMode, AudienceGroup, ConsentPurpose, ConsentSource, OrganisationKind, OutboxStatus, PanelRole,
    RegistrationStatus, Role, SecurityEvent, SessionStatus, SignInStage, TokenPurpose,
};

// join: the join page's rule.
pub use join::{JoinState, JoinWindow};

// longwork: background tasks.
pub use status::{TaskKind, TaskState};

// api: organiser API token scopes.
pub use status::ApiScope;
// webhooks: the events and the state of a delivery.
pub use status::{WebhookDeliveryStatus, WebhookEvent};

pub use country::CountryCode;
pub use field::{FieldError, clean_line, clean_text, is_invisible_trick, parse_email};
pub use registration::{
    Details, DetailsForm, DetailsInput, OrganisationChoice, RegistrationForm, RegistrationInput,
    parse_language,
};

/// The interface and message languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    En,
    Fr,
    Es,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::En, Language::Fr, Language::Es];

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
            Language::Es => "es",
        }
    }

    /// The language's own name for itself, as shown in a language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Fr => "Français",
            Language::Es => "Español",
        }
    }

    /// Accepts a code or a tag with a region (`fr`, `fr-CA`, `ES`).
    pub fn parse(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Language::En),
            "fr" => Some(Language::Fr),
            "es" => Some(Language::Es),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header, by quality.
    pub fn negotiate(accept_language: &str) -> Option<Language> {
        let mut best: Option<(f32, Language)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.split(';');
            let Some(tag) = pieces.next() else { continue };
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Language::parse(tag)
                && quality > 0.0
                && best.is_none_or(|(q, _)| quality > q)
            {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }
}

/// The version of the privacy notice shown next to the consent box; stored with each consent.
/// Raised when the notice says something new: 2026-12-01 added speakers, focal points, join
/// times, survey answers, interpretation needs, answers to the organisers' questions, and
/// what the organiser API and webhooks may pass on.
pub const CONSENT_VERSION: &str = "2026-12-01";

/// How long after a session ends its manage links keep working (the follow-up period).
pub const FOLLOW_UP_DAYS: i64 = 90;

/// How long a confirmation link works (never past the session's start).
pub const CONFIRM_LINK_DAYS: i64 = 7;

/// At most this many confirmation or reminder-of-registration messages per mailbox per hour,
/// across all sessions, so that the form cannot be used to flood somebody's inbox.
pub const MAX_CONFIRMATION_MAILS_PER_HOUR: i64 = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(Language::negotiate("fr-FR,fr;q=0.9,en;q=0.8"), Some(Language::Fr));
        assert_eq!(Language::negotiate("de-DE,de;q=0.9,es;q=0.5"), Some(Language::Es));
        assert_eq!(Language::negotiate("en;q=0.2, es;q=0.7"), Some(Language::Es));
        assert_eq!(Language::negotiate("de, ja"), None);
        assert_eq!(Language::negotiate(""), None);
        assert_eq!(Language::negotiate("fr;q=0"), None);
    }
}
