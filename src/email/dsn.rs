//! Notices that come back to a message's return path: delivery status notifications (RFC 3464,
//! a `message/delivery-status` part with `Final-Recipient`, `Action`, `Status` and
//! `Diagnostic-Code` per recipient; status codes of RFC 3463, class 5 permanent, 4 transient),
//! and the older bounces without that part, which only quote the original message. MIME and
//! header fields are read by mail-parser; each block of a delivery-status part is a header
//! block, so it is read by the same parser.

use lettre::Address;
use mail_parser::{MessageParser, MimeHeaders};

use crate::db::bounces::Report;
use crate::security::SecretKey;

/// What one notice says, and about which of our messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Outbox ids named by a valid return path anywhere in the notice.
    pub messages: Vec<String>,
    /// `None`: not a notice we understand (an automatic reply, a person writing back).
    pub report: Option<Report>,
}

/// The Action field of a recipient block (RFC 3464 §2.3.3); other or missing values are
/// `Other`, and the Status code decides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Action {
    Failed,
    Delayed,
    Delivered,
    Relayed,
    Expanded,
    #[default]
    Other,
}

impl Action {
    fn parse(value: &str) -> Self {
        match value.trim().to_ascii_lowercase().as_str() {
            "failed" => Self::Failed,
            "delayed" => Self::Delayed,
            "delivered" => Self::Delivered,
            "relayed" => Self::Relayed,
            "expanded" => Self::Expanded,
            _ => Self::Other,
        }
    }
}

/// One recipient block of a delivery-status part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct RecipientStatus {
    action: Action,
    status: String,
    diagnostic: String,
    recipient: String,
}

/// The value of a field after its type ("rfc822; a@b" → "a@b", "smtp; 550 …" → "550 …").
fn typed_value(raw: &str) -> String {
    let value = raw.split_once(';').map_or(raw, |(_, v)| v);
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn recipient_blocks(text: &str) -> Vec<RecipientStatus> {
    let normalised = text.replace("\r\n", "\n");
    let parser = MessageParser::new().default_header_raw();
    normalised
        .split("\n\n")
        .filter_map(|block| {
            let block = block.trim_matches('\n');
            if block.is_empty() {
                return None;
            }
            let raw = format!("{}\r\n\r\n", block.replace('\n', "\r\n"));
            let parsed = parser.parse_headers(raw.as_bytes())?;
            let field = |name: &'static str| parsed.header_raw(name).map(typed_value).unwrap_or_default();
            let status = field("Status");
            let action = field("Action");
            (!status.is_empty() || !action.is_empty()).then(|| RecipientStatus {
                action: Action::parse(&action),
                status: status.split_whitespace().next().unwrap_or("").to_owned(),
                diagnostic: field("Diagnostic-Code"),
                recipient: field("Final-Recipient"),
            })
        })
        .collect()
}

/// The first RFC 3463 status code (`class.subject.detail`, class 2, 4 or 5) in `text`.
fn status_code_in(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    for (i, c) in bytes.iter().enumerate() {
        if !matches!(c, b'2' | b'4' | b'5')
            || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'))
        {
            continue;
        }
        let rest = &text[i..];
        let code: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let code = code.trim_end_matches('.');
        let parts: Vec<&str> = code.split('.').collect();
        if parts.len() == 3
            && parts[0].len() == 1
            && (1..=3).contains(&parts[1].len())
            && (1..=3).contains(&parts[2].len())
        {
            return Some(code.to_owned());
        }
    }
    None
}

/// Reads one notice as it came from the mailbox.
pub fn read(raw: &[u8], base: &Address, key: &SecretKey) -> Notice {
    let text = String::from_utf8_lossy(raw);
    let messages = crate::email::verp::find_in(base, key, &text);
    let Some(message) = MessageParser::default().parse(raw) else {
        return Notice { messages, report: None };
    };
    let statuses: Vec<RecipientStatus> = message
        .parts
        .iter()
        .filter(|part| {
            part.content_type().is_some_and(|ct| {
                ct.ctype().eq_ignore_ascii_case("message")
                    && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("delivery-status"))
            })
        })
        .flat_map(|part| recipient_blocks(&String::from_utf8_lossy(part.contents())))
        .collect();
    // Mail systems mark their notices auto-replied too (RFC 3834), so this only sets apart an
    // out-of-office reply among notices without a delivery-status part.
    let auto_reply = message
        .header_raw("Auto-Submitted")
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("auto-replied"));
    let report = if statuses.is_empty() && auto_reply {
        None
    } else if statuses.is_empty() {
        // No delivery-status part: a bounce that only quotes the original message (and a
        // status code in its words, when the server gave one).
        let body: String = message.body_text(0).map(|b| b.into_owned()).unwrap_or_default();
        let subject = message.subject().unwrap_or_default();
        status_code_in(&body).or_else(|| status_code_in(subject)).map(|code| Report {
            permanent: code.starts_with('5'),
            reason: format!("{code} {}", first_line_with(&body, &code).unwrap_or_default()).trim().to_owned(),
        })
    } else {
        // Each recipient of one message has its block; ours had one recipient. A failure
        // counts over a delay.
        let failed = statuses.iter().find(|s| s.action == Action::Failed || s.status.starts_with('5'));
        let chosen = failed
            .or_else(|| statuses.iter().find(|s| s.action == Action::Delayed || s.status.starts_with('4')));
        chosen.map(|s| Report {
            permanent: s.status.starts_with('5') || (s.status.is_empty() && s.action == Action::Failed),
            reason: [s.status.as_str(), s.diagnostic.as_str()]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
                + &if s.recipient.is_empty() { String::new() } else { format!(" ({})", s.recipient) },
        })
    };
    Notice { messages, report }
}

fn first_line_with(text: &str, needle: &str) -> Option<String> {
    text.lines().find(|l| l.contains(needle)).map(|l| l.trim().chars().take(300).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_are_found_in_words() {
        assert_eq!(status_code_in("Remote server said: 550 5.1.1 <a@b> unknown").as_deref(), Some("5.1.1"));
        assert_eq!(status_code_in("version 2.5.10.4 of the software"), None);
        assert_eq!(status_code_in("#4.4.7 delayed").as_deref(), Some("4.4.7"));
        assert_eq!(status_code_in("nothing here"), None);
    }

    #[test]
    fn blocks_of_a_delivery_status_part_are_read() {
        let part = "Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; a@b.org\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1\r\n  User unknown\r\n";
        let blocks = recipient_blocks(part);
        assert_eq!(blocks.len(), 1, "{blocks:?}");
        assert_eq!(blocks[0].action, Action::Failed);
        assert_eq!(blocks[0].status, "5.1.1");
        assert_eq!(blocks[0].diagnostic, "550 5.1.1 User unknown");
        assert_eq!(blocks[0].recipient, "a@b.org");
    }
}
