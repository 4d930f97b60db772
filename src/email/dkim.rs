//! DKIM signing (RFC 6376) of every outgoing message, through lettre's signer. This module
//! only reads the key and decides what is signed; the signature itself is lettre's.

use std::fmt;
use std::sync::Arc;

use anyhow::Context;
use base64::Engine;
use lettre::Message;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm, DkimSigningKey,
};
use lettre::message::header::{self, ContentTransferEncoding, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox};

/// The header fields a signature covers, when the message has them. From is required (RFC 6376
/// section 5.4); the list headers must be covered for one-click unsubscribe (RFC 8058 section
/// 4). A name listed but absent is signed as absent: a relay cannot add that field later.
const SIGNED_HEADERS: &[&str] = &[
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "Reply-To",
    "Auto-Submitted",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

/// RFC 8301 section 3.2: verifiers reject RSA keys shorter than this.
const MIN_RSA_BITS: usize = 1024;

/// Which kind of key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `a=rsa-sha256`, with the key's size in bits.
    Rsa(usize),
    /// `a=ed25519-sha256` (RFC 8463).
    Ed25519,
}

/// Signs messages with one key, selector and domain. Cheap to clone; its `Debug` shows the
/// selector, domain and kind of key, never the key.
#[derive(Clone)]
pub struct DkimSigner {
    config: Arc<DkimConfig>,
    selector: String,
    domain: String,
    kind: KeyKind,
}

/// Why a key file cannot be used; the loader names the setting.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "it holds no PEM private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)"
    )]
    NotPem,
    #[error(
        "the key is encrypted; write it unencrypted (e.g. `openssl pkey -in KEY -out PLAIN`) and keep the file readable by the app's user only"
    )]
    Encrypted,
    #[error("the PEM does not parse as an RSA (PKCS#1 or PKCS#8) or Ed25519 (PKCS#8) private key")]
    Unreadable,
    #[error("the RSA key has {0} bits; DKIM verifiers need at least {MIN_RSA_BITS} (2048 recommended)")]
    TooShort(usize),
}

impl DkimSigner {
    /// The signer for a PEM private key (the file's contents), a selector and a domain, both
    /// already checked.
    pub fn new(pem: &str, selector: &str, domain: &str) -> Result<Self, KeyError> {
        let (key, kind) = signing_key(pem)?;
        let headers = SIGNED_HEADERS.iter().map(|name| HeaderName::new_from_ascii_str(name)).collect();
        // Relaxed for both: relays that refold headers or change trailing spaces do not break it.
        let canonicalization = DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        };
        let config = DkimConfig::new(selector.to_owned(), domain.to_owned(), key, headers, canonicalization);
        Ok(Self { config: Arc::new(config), selector: selector.to_owned(), domain: domain.to_owned(), kind })
    }

    pub fn selector(&self) -> &str {
        &self.selector
    }

    pub fn domain(&self) -> &str {
        &self.domain
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The message with a `DKIM-Signature` header added.
    pub fn sign(&self, message: Message) -> anyhow::Result<Message> {
        let mut message = with_content_type_in_headers(message)?;
        message.sign(&self.config);
        Ok(message)
    }
}

impl fmt::Debug for DkimSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DkimSigner")
            .field("selector", &self.selector)
            .field("domain", &self.domain)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Reads the PEM forms openssl writes: PKCS#1 RSA (`openssl genrsa -traditional`), PKCS#8 RSA
/// (`openssl genrsa`, `openssl genpkey -algorithm rsa`) and PKCS#8 Ed25519
/// (`openssl genpkey -algorithm ed25519`), and hands lettre the forms it takes: PKCS#1 PEM for
/// RSA, the base64 of the 32-byte secret for Ed25519.
fn signing_key(pem: &str) -> Result<(DkimSigningKey, KeyKind), KeyError> {
    // One trait: ed25519-dalek and rsa read PKCS#8 through the same `pkcs8` crate.
    use rsa::pkcs1::{DecodeRsaPrivateKey as _, EncodeRsaPrivateKey as _};
    use rsa::pkcs8::DecodePrivateKey as _;
    use rsa::traits::PublicKeyParts as _;

    let pem = pem.trim();
    let rsa_key = if pem.contains("-----BEGIN RSA PRIVATE KEY-----") {
        rsa::RsaPrivateKey::from_pkcs1_pem(pem).map_err(|_| KeyError::Unreadable)?
    } else if pem.contains("-----BEGIN PRIVATE KEY-----") {
        match rsa::RsaPrivateKey::from_pkcs8_pem(pem) {
            Ok(key) => key,
            Err(_) => {
                let key = ed25519_dalek::SigningKey::from_pkcs8_pem(pem).map_err(|_| KeyError::Unreadable)?;
                let secret = base64::engine::general_purpose::STANDARD.encode(key.to_bytes());
                let key = DkimSigningKey::new(&secret, DkimSigningAlgorithm::Ed25519)
                    .map_err(|_| KeyError::Unreadable)?;
                return Ok((key, KeyKind::Ed25519));
            }
        }
    } else if pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(KeyError::Encrypted);
    } else {
        return Err(KeyError::NotPem);
    };
    let bits = rsa_key.size() * 8;
    if bits < MIN_RSA_BITS {
        return Err(KeyError::TooShort(bits));
    }
    let pkcs1 = rsa_key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).map_err(|_| KeyError::Unreadable)?;
    let key = DkimSigningKey::new(&pkcs1, DkimSigningAlgorithm::Rsa).map_err(|_| KeyError::Unreadable)?;
    Ok((key, KeyKind::Rsa(bits)))
}

/// The same message, byte for byte, with the top MIME part's header fields (its
/// `Content-Type`) among the message's own headers.
///
/// lettre keeps a MIME body's `Content-Type` with the body, where its DKIM signer does not look:
/// the field would be named in `h=` but left out of the hash, and every verifier would fail.
/// Carried as the headers of a message with a raw body, the field is signed like any other.
fn with_content_type_in_headers(message: Message) -> anyhow::Result<Message> {
    let formatted = message.formatted();
    let head_len = message.headers().to_string().len();
    let rest = formatted.get(head_len..).context("formatting the message for signing")?;
    if rest.starts_with(b"\r\n") {
        // A raw body: every header field is already the message's.
        return Ok(message);
    }
    let end = find(rest, b"\r\n\r\n").context("the MIME part of the message has no end of headers")?;
    let (part_headers, body) = (&rest[..end + 2], &rest[end + 4..]);
    let part_headers = std::str::from_utf8(part_headers).context("MIME part headers are not text")?;
    let mut headers = message.headers().clone();
    for field in header_fields(part_headers) {
        let (name, value) = field.split_once(':').context("a MIME part header field without a colon")?;
        let encoded = value.strip_prefix(' ').unwrap_or(value).to_owned();
        let raw = encoded.replace("\r\n", "");
        let name = HeaderName::new_from_ascii(name.to_owned()).context("a MIME part header name")?;
        headers.insert_raw(HeaderValue::dangerous_new_pre_encoded(name, raw, encoded));
    }
    // The parts are already encoded, so the body is 7bit; 8bit and binary only in case.
    let body = Body::new_with_encoding(body.to_vec(), ContentTransferEncoding::SevenBit)
        .or_else(|body| Body::new_with_encoding(body, ContentTransferEncoding::EightBit))
        .or_else(|body| Body::new_with_encoding(body, ContentTransferEncoding::Binary))
        .map_err(|_| anyhow::anyhow!("the message body cannot be carried for signing"))?;
    let from = message.headers().get::<header::From>().context("the message has no From")?;
    let mut raw = Message::builder().envelope(message.envelope().clone()).header(from).body(body)?;
    *raw.headers_mut() = headers;
    Ok(raw)
}

/// The header fields of a header block (each with its folded continuation lines), without
/// their final line break.
fn header_fields(block: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut start = 0;
    let bytes = block.as_bytes();
    let mut i = 0;
    while let Some(offset) = find(&bytes[i..], b"\r\n") {
        let line_end = i + offset;
        let next = bytes.get(line_end + 2);
        if !matches!(next, Some(b' ' | b'\t')) {
            fields.push(&block[start..line_end]);
            start = line_end + 2;
        }
        i = line_end + 2;
    }
    fields
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The signing domain when none is set: the sender's.
pub fn default_domain(from: &Mailbox) -> String {
    from.email.domain().to_ascii_lowercase()
}

/// Whether `name` is a DNS name of letters, digits and hyphens (a selector, a domain).
pub fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ed25519_pem(seed: u8) -> String {
        use ed25519_dalek::pkcs8::EncodePrivateKey as _;
        let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        key.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF).map(|pem| pem.to_string()).unwrap_or_default()
    }

    #[test]
    fn keys_that_cannot_sign_are_refused_with_the_reason() {
        assert!(matches!(DkimSigner::new("hello", "s1", "example.org"), Err(KeyError::NotPem)));
        assert!(matches!(
            DkimSigner::new(
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
                "s1",
                "example.org"
            ),
            Err(KeyError::Unreadable)
        ));
        assert!(matches!(
            DkimSigner::new(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----",
                "s1",
                "example.org"
            ),
            Err(KeyError::Encrypted)
        ));
    }

    #[test]
    fn an_ed25519_key_signs_and_its_debug_shows_no_key() {
        let signer = DkimSigner::new(&ed25519_pem(7), "s1", "example.org").expect("signer");
        assert_eq!(signer.kind(), KeyKind::Ed25519);
        let printed = format!("{signer:?}");
        assert!(printed.contains("s1") && printed.contains("example.org") && !printed.contains("BEGIN"));
        let message = Message::builder()
            .from("A <a@example.org>".parse().expect("from"))
            .to("B <b@example.net>".parse().expect("to"))
            .subject("Hello")
            .multipart(lettre::message::MultiPart::alternative_plain_html(
                String::from("Hi"),
                String::from("<p>Hi</p>"),
            ))
            .expect("message");
        let before = String::from_utf8(message.formatted()).expect("text");
        let signed = signer.sign(message).expect("signed");
        let after = String::from_utf8(signed.formatted()).expect("text");
        assert!(after.contains("DKIM-Signature: v=1; a=ed25519-sha256; d=example.org; s=s1;"));
        assert!(after.contains(" c=relaxed/relaxed;"));
        assert!(after.contains("h=from:to:subject:date:message-id:mime-version:content-type:"));
        let end = find(after.as_bytes(), b"\r\n\r\n").expect("headers end");
        let mut unsigned: Vec<&str> = header_fields(&after[..end + 2])
            .into_iter()
            .filter(|f| !f.starts_with("DKIM-Signature"))
            .collect();
        let body = &after[end..];
        unsigned.push(body.strip_prefix("\r\n").unwrap_or(body));
        assert_eq!(unsigned.join("\r\n"), before, "signing adds the signature and changes nothing else");
    }

    #[test]
    fn selectors_and_domains_are_dns_names() {
        assert!(is_dns_name("convoca2026") && is_dns_name("mail.example.org") && is_dns_name("s_1"));
        for bad in ["", "a..b", "-a", "a b", "a;b", "é.org"] {
            assert!(!is_dns_name(bad), "{bad}");
        }
    }
}
