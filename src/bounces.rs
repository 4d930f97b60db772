//! Late bounces: the relay accepted a message and the notice came back later, by mail, to the
//! message's VERP return path. The worker reads the bounce mailbox over IMAP (the `imap`
//! crate, blocking, so it runs in `spawn_blocking`; TLS through rustls), reads each unseen
//! notice ([`crate::email::dsn`]), and applies it to the message it names
//! ([`crate::db::bounces::apply`]). A notice is marked seen only after its result committed, so
//! a crash reads it again, and applying it twice changes nothing more.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::NaiveDateTime;

use crate::config::{ImapMailbox, ImapTls, Settings};
use crate::db::bounces::BounceOutcome;
use crate::db::{self, DbPool};

/// Notices read in one pass at most; the rest wait for the next.
const BATCH: usize = 200;
const TIMEOUT: Duration = Duration::from_secs(30);

/// What one pass over the mailbox did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub read: usize,
    pub bounced: usize,
    pub delayed: usize,
    /// Not about one of our messages, or not a delivery notice.
    pub ignored: usize,
}

fn connect(mailbox: &ImapMailbox) -> anyhow::Result<TcpStream> {
    let addresses = (mailbox.host.as_str(), mailbox.port)
        .to_socket_addrs()
        .with_context(|| format!("resolving {}", mailbox.host))?;
    let mut last = None;
    for address in addresses {
        match TcpStream::connect_timeout(&address, TIMEOUT) {
            Ok(stream) => {
                stream.set_read_timeout(Some(TIMEOUT))?;
                stream.set_write_timeout(Some(TIMEOUT))?;
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.map_or_else(|| anyhow::anyhow!("{} has no address", mailbox.host), Into::into))
}

fn tls(
    mailbox: &ImapMailbox,
    tcp: TcpStream,
) -> anyhow::Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>> {
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let config =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .context("TLS versions")?
            .with_root_certificates(roots)
            .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(mailbox.host.clone()).context("the IMAP host name")?;
    let connection = rustls::ClientConnection::new(Arc::new(config), name).context("TLS")?;
    Ok(rustls::StreamOwned::new(connection, tcp))
}

/// Signs in and opens the folder, over whichever stream.
fn open<S: Read + Write>(stream: S, mailbox: &ImapMailbox) -> anyhow::Result<imap::Session<S>> {
    let mut client = imap::Client::new(stream);
    client.read_greeting().context("the IMAP greeting")?;
    let mut session = client
        .login(&mailbox.user, mailbox.password.expose())
        .map_err(|(e, _)| anyhow::anyhow!("IMAP login: {e}"))?;
    session.select(&mailbox.folder).with_context(|| format!("opening the folder {:?}", mailbox.folder))?;
    Ok(session)
}

/// Signs in and out again (`convoca check`).
pub fn check_login(mailbox: &ImapMailbox) -> anyhow::Result<()> {
    let tcp = connect(mailbox)?;
    match mailbox.tls {
        ImapTls::Implicit => open(tls(mailbox, tcp)?, mailbox)?.logout()?,
        ImapTls::None => open(tcp, mailbox)?.logout()?,
    }
    Ok(())
}

/// Reads the unseen notices of the bounce mailbox once and applies them; blocking.
pub fn read_mailbox(pool: &DbPool, settings: &Settings, now: NaiveDateTime) -> anyhow::Result<Pass> {
    let Some(mailbox) = settings.bounces.mailbox.as_ref() else {
        return Ok(Pass::default());
    };
    let tcp = connect(mailbox)?;
    match mailbox.tls {
        ImapTls::Implicit => read_with(open(tls(mailbox, tcp)?, mailbox)?, pool, settings, now),
        ImapTls::None => read_with(open(tcp, mailbox)?, pool, settings, now),
    }
}

fn read_with<S: Read + Write>(
    mut session: imap::Session<S>,
    pool: &DbPool,
    settings: &Settings,
    now: NaiveDateTime,
) -> anyhow::Result<Pass> {
    let Some(base) = settings.bounces.address.as_ref() else {
        return Ok(Pass::default());
    };
    let mut uids: Vec<u32> =
        session.uid_search("UNSEEN").context("searching the bounce mailbox")?.into_iter().collect();
    uids.sort_unstable();
    uids.truncate(BATCH);
    let mut pass = Pass::default();
    for uid in uids {
        let fetched = session.uid_fetch(uid.to_string(), "BODY.PEEK[]").context("fetching a notice")?;
        let Some(raw) = fetched.iter().find_map(|f| f.body().map(<[u8]>::to_vec)) else {
            continue;
        };
        pass.read += 1;
        let notice = crate::email::dsn::read(&raw, base, &settings.secret_key);
        match (&notice.report, notice.messages.is_empty()) {
            (Some(report), false) => {
                let mut conn = pool.get()?;
                let outcomes = db::write_tx(&mut conn, |conn| {
                    notice
                        .messages
                        .iter()
                        .map(|id| db::bounces::apply(conn, id, report, now))
                        .collect::<diesel::QueryResult<Vec<_>>>()
                })?;
                for (outcome, outbox) in outcomes.into_iter().zip(&notice.messages) {
                    match outcome {
                        BounceOutcome::Bounced { .. } => {
                            pass.bounced += 1;
                            // Ids only: the server's answer may name the address.
                            tracing::info!(outbox = %outbox, "a message bounced");
                        }
                        BounceOutcome::Delayed => pass.delayed += 1,
                        BounceOutcome::Unknown => pass.ignored += 1,
                    }
                }
            }
            _ => {
                pass.ignored += 1;
                tracing::info!(uid, "a mail in the bounce mailbox is not a notice about one of our messages");
            }
        }
        session.uid_store(uid.to_string(), "+FLAGS (\\Seen)").context("marking a notice read")?;
    }
    let _ = session.logout();
    Ok(pass)
}
