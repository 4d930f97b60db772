//! The header fields that tell receiving systems what kind of mail this is: automated
//! (RFC 3834), from which list (RFC 2919), and how to leave it in one click (RFC 2369, RFC 8058).

use lettre::message::MessageBuilder;
use lettre::message::header::{Header, HeaderName, HeaderValue};

use crate::config::Settings;
use crate::domain::MailingList;

/// The list a message belongs to, with the link that stops it.
#[derive(Debug, Clone)]
pub struct ListHeaders {
    pub list: MailingList,
    /// The one-click link (RFC 8058): a POST of `List-Unsubscribe=One-Click` stops the list.
    pub unsubscribe: String,
}

/// Adds the fields every automated message carries (`Auto-Submitted`, the optional
/// `Reply-To`) and, for list mail, `List-Id`, `List-Unsubscribe` and `List-Unsubscribe-Post`.
pub fn automated(builder: MessageBuilder, settings: &Settings, list: Option<&ListHeaders>) -> MessageBuilder {
    // Every message Convoca sends is written by a program, not a person: out-of-office
    // responders must not answer it (RFC 3834 section 5).
    let mut builder = builder.header(AutoSubmitted("auto-generated".into()));
    if let Some(reply_to) = &settings.mail_reply_to {
        builder = builder.reply_to(reply_to.clone());
    }
    if let Some(list) = list {
        builder = builder
            .header(ListId(list_id(settings, list.list)))
            .header(ListUnsubscribe(format!("<{}>", list.unsubscribe)))
            .header(ListUnsubscribePost("List-Unsubscribe=One-Click".into()));
    }
    builder
}

/// `"Network name" <label.host>`: the label names the list, the public host makes it unique
/// (RFC 2919 section 3). A host that is an IP address is no namespace of ours, so such a test
/// set-up uses the unmanaged `localhost` one. The phrase is the sender's display name when it
/// is plain ASCII text (else it is left out, as the phrase is optional).
pub fn list_id(settings: &Settings, list: MailingList) -> String {
    let namespace = match settings.base_url.host() {
        Some(url::Host::Domain(domain)) => domain.trim_end_matches('.').to_ascii_lowercase(),
        _ => "localhost".to_owned(),
    };
    let id = format!("<{}.{namespace}>", list.label());
    match settings.mail_from.name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() && name.bytes().all(|b| (0x20..0x7f).contains(&b)) => {
            let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
            format!("\"{quoted}\" {id}")
        }
        _ => id,
    }
}

/// A header field whose value is written by this module, as given.
macro_rules! plain_header {
    ($(#[$doc:meta])* $type:ident, $name:literal) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $type(pub String);

        impl Header for $type {
            fn name() -> HeaderName {
                HeaderName::new_from_ascii_str($name)
            }

            fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok(Self(s.to_owned()))
            }

            fn display(&self) -> HeaderValue {
                HeaderValue::new(Self::name(), self.0.clone())
            }
        }
    };
}

plain_header!(
    /// `Auto-Submitted` (RFC 3834): `auto-generated` on every message.
    AutoSubmitted,
    "Auto-Submitted"
);
plain_header!(
    /// `List-Id` (RFC 2919): which list a reminder or announcement belongs to.
    ListId,
    "List-Id"
);
plain_header!(
    /// `List-Unsubscribe` (RFC 2369), so mail clients offer a way out of the list.
    ListUnsubscribe,
    "List-Unsubscribe"
);
plain_header!(
    /// `List-Unsubscribe-Post` (RFC 8058): the mail client may leave the list with one POST.
    ListUnsubscribePost,
    "List-Unsubscribe-Post"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RawSettings;

    fn settings(base_url: &str, from: &str) -> Settings {
        Settings::from_raw(RawSettings {
            data_dir: Some(std::env::temp_dir().to_string_lossy().into_owned()),
            secret_key: Some("x".repeat(40)),
            base_url: Some(base_url.into()),
            mail_from: Some(from.into()),
            ..Default::default()
        })
        .expect("settings")
    }

    #[test]
    fn the_list_id_is_the_list_under_the_public_host_with_the_network_name() {
        let s = settings("https://Webinars.Example.org/", "Metropolis webinars <w@example.org>");
        assert_eq!(
            list_id(&s, MailingList::Reminders),
            "\"Metropolis webinars\" <reminders.webinars.example.org>"
        );
        let s = settings("http://127.0.0.1:8080", "w@example.org");
        assert_eq!(list_id(&s, MailingList::Announcements), "<announcements.localhost>");
        let s = settings("https://webinars.example.org", "Métropolis <w@example.org>");
        assert_eq!(list_id(&s, MailingList::Announcements), "<announcements.webinars.example.org>");
    }
}
