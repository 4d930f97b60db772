//! One form field's text as a person typed it, cleaned and checked: a single line, free text,
//! an email address, and the error that names the field and the message shown next to it.

/// The longest address RFC 5321 lets a mail server accept.
pub const EMAIL_MAX: usize = 254;

/// A validation failure on one form field: the field's name and the message key that explains
/// it (translated when shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: &'static str,
    /// The length limit, for "at most N characters" messages.
    pub limit: Option<usize>,
}

impl FieldError {
    pub fn new(field: &'static str, message: &'static str) -> Self {
        Self { field, message, limit: None }
    }

    pub fn too_long(field: &'static str, limit: usize) -> Self {
        Self { field, message: "error-too-long", limit: Some(limit) }
    }
}

/// Invisible characters that reorder or hide text (bidirectional overrides and isolates, the
/// zero-width space, the byte-order mark): in a name they can make one person's entry read as
/// another's. Zero-width joiners stay: Persian and Indic names need them.
pub fn is_invisible_trick(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// One line of text: control characters (CR, LF, tabs, NUL) and invisible reordering
/// characters become spaces, runs of white space fold to one, and the result is trimmed.
/// Longer than `max` characters is an error.
pub fn clean_line(field: &'static str, raw: &str, max: usize) -> Result<String, FieldError> {
    let folded = raw
        .split(|c: char| c.is_whitespace() || c.is_control() || is_invisible_trick(c))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if folded.chars().count() > max {
        return Err(FieldError::too_long(field, max));
    }
    Ok(folded)
}

/// A line that must not be empty: `missing` is the message key when it is.
pub fn required_line(
    field: &'static str,
    raw: &str,
    max: usize,
    missing: &'static str,
) -> Result<String, FieldError> {
    let value = clean_line(field, raw, max)?;
    if value.is_empty() {
        return Err(FieldError::new(field, missing));
    }
    Ok(value)
}

/// Free text over several lines: line breaks are kept (as `\n`), other control characters go.
pub fn clean_text(field: &'static str, raw: &str, max: usize) -> Result<String, FieldError> {
    let text: String = raw
        .replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    let text = text.trim().to_owned();
    if text.chars().count() > max {
        return Err(FieldError::too_long(field, max));
    }
    Ok(text)
}

/// An email address a mail server will accept: `local@domain.tld`, no spaces or control
/// characters, within the lengths of RFC 5321.
pub fn parse_email(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "error-email-required"));
    }
    if value.chars().count() > EMAIL_MAX {
        return Err(FieldError::too_long(field, EMAIL_MAX));
    }
    let invalid = || FieldError::new(field, "error-email");
    let (local, domain) = value.rsplit_once('@').ok_or_else(invalid)?;
    let domain_ok = domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    if !domain_ok || !local_ok || value.parse::<lettre::Address>().is_err() {
        return Err(invalid());
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_reordering_tricks_but_keep_joiners() {
        // U+202E would show "Amina" reversed after it; U+200C is part of Persian spelling.
        assert_eq!(clean_line("name", "Evil\u{202E}anima", 50).as_deref(), Ok("Evil anima"));
        assert_eq!(clean_line("name", "\u{FEFF}Ana\u{200B}Lopez", 50).as_deref(), Ok("Ana Lopez"));
        assert_eq!(clean_line("name", "می\u{200C}خواهم", 50).as_deref(), Ok("می\u{200C}خواهم"));
    }

    #[test]
    fn email_addresses_a_mail_server_accepts() {
        for bad in [
            "",
            "plainaddress",
            "a@b",
            "a b@c.org",
            "a@b..org",
            "a@-b.org",
            ".a@b.org",
            "a@b.org\r\nBcc: x@y.org",
            "a\0@b.org",
        ] {
            assert!(parse_email("email", bad).is_err(), "{bad:?} should be rejected");
        }
        for good in ["x@y.org", "o'brien@dublin.ie", "jo+webinar@seoul.go.kr", "ana@méxico.gob.mx"] {
            assert!(parse_email("email", good).is_ok(), "{good:?} should be accepted");
        }
    }
}
