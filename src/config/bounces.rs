//! Where bounces go and where the worker reads them: the return-path address each message's
//! VERP address is built on (`CONVOCA_BOUNCE_ADDRESS`), the mailbox that receives them
//! (`CONVOCA_BOUNCE_IMAP_URL`: host, port, TLS, user, password and folder in one secret URL,
//! like `SMTP_URL`) and how often it is read (`CONVOCA_BOUNCE_POLL_SECONDS`).

use std::time::Duration;

use anyhow::bail;
use url::Url;

use super::Secret;
use super::inputs::Inputs;
use super::table::Key;

/// How the IMAP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapTls {
    /// `imaps://`: TLS from the first byte (port 993), rustls with the web's roots.
    Implicit,
    /// `imap://`: none, for a server on the same machine or a test.
    None,
}

/// The bounce mailbox. Debug shows the host, port and folder only.
#[derive(Clone)]
pub struct ImapMailbox {
    pub host: String,
    pub port: u16,
    pub tls: ImapTls,
    pub user: String,
    pub password: Secret,
    pub folder: String,
}

impl std::fmt::Debug for ImapMailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {}:{} folder {:?}", self.tls, self.host, self.port, self.folder)
    }
}

const EXPECTED: &str = "expected imaps://user:password@imap.example.org:993/INBOX (or imap:// without TLS, for a server on this machine)";

impl ImapMailbox {
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        let url = Url::parse(raw.trim())
            .map_err(|e| anyhow::anyhow!("CONVOCA_BOUNCE_IMAP_URL is not a URL ({e}): {EXPECTED}"))?;
        let tls = match url.scheme() {
            "imaps" => ImapTls::Implicit,
            "imap" => ImapTls::None,
            other => bail!("CONVOCA_BOUNCE_IMAP_URL has the scheme {other:?}: {EXPECTED}"),
        };
        let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
            bail!("CONVOCA_BOUNCE_IMAP_URL names no host: {EXPECTED}");
        };
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let user = decode(url.username());
        let password = decode(url.password().unwrap_or(""));
        if user.is_empty() || password.is_empty() {
            bail!("CONVOCA_BOUNCE_IMAP_URL names no user and password: {EXPECTED}");
        }
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let loopback =
            host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if tls == ImapTls::None && !loopback {
            bail!(
                "CONVOCA_BOUNCE_IMAP_URL: imap:// sends the password in clear, so only to a server on this machine: {EXPECTED}"
            );
        }
        let folder = decode(url.path().trim_start_matches('/'));
        Ok(Self {
            host: host.to_owned(),
            port: url.port().unwrap_or(if tls == ImapTls::Implicit { 993 } else { 143 }),
            tls,
            user,
            password: Secret::new(password),
            folder: if folder.is_empty() { "INBOX".into() } else { folder },
        })
    }
}

/// The bounce settings as loaded.
#[derive(Debug, Clone)]
pub struct Bounces {
    /// The address VERP return paths are built on; none: messages leave with the sender as
    /// their return path, and late bounces cannot be matched.
    pub address: Option<lettre::Address>,
    pub mailbox: Option<ImapMailbox>,
    pub poll: Duration,
}

impl Bounces {
    pub fn load(inputs: &Inputs) -> anyhow::Result<Self> {
        let address = match inputs.value(Key::BounceAddress).map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => Some(v.parse::<lettre::Address>().map_err(|e| {
                anyhow::anyhow!("CONVOCA_BOUNCE_ADDRESS {v:?} is not an address ({e}): expected address@domain, e.g. bounces@example.org")
            })?),
            None => None,
        };
        if address.as_ref().is_some_and(|a| a.user().contains('+') || a.user().len() > 20) {
            bail!(
                "CONVOCA_BOUNCE_ADDRESS: its local part must be at most 20 characters without '+' (each message adds +<id>.<tag>)"
            );
        }
        let mailbox = inputs
            .value(Key::BounceImapUrl)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(ImapMailbox::parse)
            .transpose()?;
        if mailbox.is_some() && address.is_none() {
            bail!(
                "CONVOCA_BOUNCE_IMAP_URL needs CONVOCA_BOUNCE_ADDRESS: the notices are matched to messages by their return path"
            );
        }
        let poll_raw = inputs.nonblank(Key::BouncePollSeconds).trim();
        let poll = poll_raw
            .parse::<u64>()
            .ok()
            .filter(|s| (10..=86_400).contains(s))
            .map(Duration::from_secs)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "CONVOCA_BOUNCE_POLL_SECONDS {poll_raw:?}: expected a number of seconds from 10 to 86400"
                )
            })?;
        Ok(Self { address, mailbox, poll })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mailbox_url_carries_everything_and_hides_the_password() {
        let m = ImapMailbox::parse("imaps://bounce%40example.org:p%40ss@imap.example.org/Bounces")
            .expect("valid");
        assert_eq!((m.host.as_str(), m.port, m.tls), ("imap.example.org", 993, ImapTls::Implicit));
        assert_eq!(
            (m.user.as_str(), m.password.expose(), m.folder.as_str()),
            ("bounce@example.org", "p@ss", "Bounces")
        );
        assert!(!format!("{m:?}").contains("p@ss"));
        let plain = ImapMailbox::parse("imap://u:p@127.0.0.1:1143").expect("valid");
        assert_eq!((plain.port, plain.tls, plain.folder.as_str()), (1143, ImapTls::None, "INBOX"));
        assert!(ImapMailbox::parse("http://u:p@h").is_err());
        assert!(
            ImapMailbox::parse("imap://u:p@imap.example.org").is_err(),
            "no password in clear over the network"
        );
        assert!(ImapMailbox::parse("imaps://imap.example.org").is_err(), "no credentials");
    }
}
