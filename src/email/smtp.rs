//! The SMTP relay and the connections kept to it. lettre speaks the protocol (EHLO, STARTTLS,
//! AUTH, MAIL/RCPT/DATA, NOOP, QUIT); this module only opens the sockets, with `TCP_NODELAY`,
//! and keeps up to `CONVOCA_SMTP_CONCURRENCY` of them open between messages (deadpool).
//!
//! Why the socket is ours: lettre writes a message and then its closing `\r\n.\r\n` in two
//! writes, and its own transport opens sockets without `TCP_NODELAY`, so Nagle's algorithm held
//! the terminator until the server acknowledged the body, which a server delays by up to 40 ms:
//! every message waited that long whatever the hardware.

use std::time::Duration;

use anyhow::{Context, bail};
use deadpool::managed::{self, Metrics, Object, RecycleError, RecycleResult};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::net::TcpStream;

use super::{SendError, smtp_error_text};

/// A kept connection unused this long is closed (relays close theirs after a few minutes).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// A kept connection unused this long is checked with NOOP before it carries a message; one
/// used more recently is trusted, and if the server dropped it meanwhile the message is sent
/// again at once on a new connection ([`SmtpPool::send`]).
const CHECK_AFTER: Duration = Duration::from_secs(5);

/// How the connection is protected, as lettre's URL forms mean it.
#[derive(Clone)]
enum Security {
    /// `smtp://` without `tls`: no TLS.
    Plain,
    /// `smtps://`: TLS from the first byte.
    Implicit(std::sync::Arc<rustls::ClientConfig>),
    /// `smtp://…?tls=required`: STARTTLS or nothing is sent; `?tls=opportunistic`: STARTTLS
    /// when the server offers it.
    StartTls { params: TlsParameters, required: bool },
}

/// Where and how to reach the relay: `SMTP_URL` read the way lettre's `from_url` reads it
/// (scheme, `tls`, host, port with the same defaults, the path as the EHLO name, the user and
/// password percent-decoded).
#[derive(Clone)]
pub struct Relay {
    host: String,
    port: u16,
    security: Security,
    hello: ClientId,
    credentials: Option<Credentials>,
    /// For connecting (TCP, TLS, greeting, EHLO, AUTH) and for each message.
    timeout: Duration,
}

impl Relay {
    pub fn from_url(raw: &str, timeout: Duration) -> anyhow::Result<Self> {
        let url = url::Url::parse(raw).context("SMTP_URL is not a URL")?;
        let host = url.host_str().filter(|h| !h.is_empty()).context("SMTP_URL names no host")?.to_owned();
        let tls = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
        let (default_port, security) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (25, Security::Plain),
            ("smtp", Some(mode @ ("required" | "opportunistic"))) => (
                587,
                Security::StartTls {
                    params: TlsParameters::new(host.clone()).context("SMTP_URL's TLS settings")?,
                    required: mode == "required",
                },
            ),
            ("smtps", _) => (465, Security::Implicit(std::sync::Arc::new(tls_config()?))),
            (scheme, tls) => bail!("SMTP_URL: unknown scheme {scheme:?} or tls parameter {tls:?}"),
        };
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().map(|s| s.into_owned());
        let credentials = match url.password() {
            Some(password) => Some(Credentials::new(
                decode(url.username()).context("SMTP_URL's user name")?,
                decode(password).context("SMTP_URL's password")?,
            )),
            None => None,
        };
        Ok(Self { port: url.port().unwrap_or(default_port), host, security, hello, credentials, timeout })
    }

    /// A new connection, ready to send: TCP with `TCP_NODELAY`, TLS as the URL says, the
    /// greeting and EHLO, STARTTLS, AUTH.
    pub async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        tokio::time::timeout(self.timeout, self.open()).await.unwrap_or_else(|_| {
            Err(transient(format!("no answer from {} within {:?}", self.address(), self.timeout)))
        })
    }

    async fn open(&self) -> Result<AsyncSmtpConnection, SendError> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| transient(format!("connecting to {}: {e}", self.address())))?;
        tcp.set_nodelay(true).map_err(|e| transient(format!("TCP_NODELAY: {e}")))?;
        let stream: Box<dyn AsyncTokioStream> = match &self.security {
            Security::Implicit(config) => {
                let name = rustls::pki_types::ServerName::try_from(self.host.clone())
                    .map_err(|e| permanent(format!("the SMTP host name for TLS: {e}")))?;
                let tls = tokio_rustls::TlsConnector::from(config.clone())
                    .connect(name, tcp)
                    .await
                    .map_err(|e| transient(format!("TLS with {}: {e}", self.address())))?;
                Box::new(TlsSocket(tls))
            }
            Security::Plain | Security::StartTls { .. } => Box::new(tcp),
        };
        let mut conn =
            AsyncSmtpConnection::connect_with_transport(stream, &self.hello).await.map_err(from_lettre)?;
        if let Security::StartTls { params, required } = &self.security
            && (*required || conn.can_starttls())
        {
            conn.starttls(params.clone(), &self.hello).await.map_err(from_lettre)?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials).await.map_err(from_lettre)?;
        }
        Ok(conn)
    }

    fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// The TLS settings of `smtps://`: rustls with ring and the web's roots, as lettre's own.
fn tls_config() -> anyhow::Result<rustls::ClientConfig> {
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    Ok(rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("TLS versions")?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

/// A TLS stream handed to lettre as the socket it talks over.
#[derive(Debug)]
struct TlsSocket(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncTokioStream for TlsSocket {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl tokio::io::AsyncRead for TlsSocket {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for TlsSocket {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

/// Opens and checks the pool's connections.
struct Connector(Relay);

impl managed::Manager for Connector {
    type Type = AsyncSmtpConnection;
    type Error = SendError;

    async fn create(&self) -> Result<AsyncSmtpConnection, SendError> {
        self.0.connect().await
    }

    async fn recycle(&self, conn: &mut AsyncSmtpConnection, metrics: &Metrics) -> RecycleResult<SendError> {
        if conn.has_broken() {
            return Err(RecycleError::message("the connection broke"));
        }
        let idle = metrics.last_used();
        if idle >= IDLE_TIMEOUT {
            conn.abort().await;
            return Err(RecycleError::message("idle too long"));
        }
        if idle >= CHECK_AFTER && !conn.test_connected().await {
            conn.abort().await;
            return Err(RecycleError::message("the server no longer answers"));
        }
        Ok(())
    }
}

/// Up to `size` connections to the relay, each carrying one message at a time.
#[derive(Clone)]
pub struct SmtpPool {
    pool: managed::Pool<Connector>,
    timeout: Duration,
}

impl SmtpPool {
    pub fn new(relay: Relay, size: usize) -> anyhow::Result<Self> {
        let timeout = relay.timeout;
        let pool = managed::Pool::builder(Connector(relay))
            .max_size(size)
            .build()
            .map_err(|e| anyhow::anyhow!("the SMTP connection pool: {e}"))?;
        Ok(Self { pool, timeout })
    }

    /// Sends one message on a kept connection, or a new one. A kept connection that turns
    /// out to be lost (the server closed it, or answered 421 "closing") is dropped and the
    /// message goes once more on a new connection, at once; any other failure drops the
    /// connection and is the caller's to retry later.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), SendError> {
        // Each lost connection leaves the pool, so after at most `max_size` of them the next
        // one is new, and a new connection's failure is the answer.
        let mut tries = self.pool.status().max_size + 1;
        loop {
            tries -= 1;
            let mut conn = self.pool.get().await.map_err(pool_error)?;
            let reused = Object::metrics(&conn).recycle_count > 0;
            let sent = tokio::time::timeout(self.timeout, conn.send(envelope, message)).await;
            match sent {
                Ok(Ok(_)) => return Ok(()),
                Ok(Err(e)) => {
                    // lettre has already closed it (QUIT) on any failure.
                    drop(Object::take(conn));
                    if reused && tries > 0 && connection_lost(&e) {
                        tracing::debug!(error = %smtp_error_text(&e), "a kept SMTP connection was lost; sending on another");
                        continue;
                    }
                    return Err(from_lettre(e));
                }
                Err(_) => {
                    drop(Object::take(conn));
                    return Err(transient(format!(
                        "the SMTP server did not answer within {:?}",
                        self.timeout
                    )));
                }
            }
        }
    }

    /// Closes the connections unused for [`IDLE_TIMEOUT`] (the worker calls this when idle).
    pub fn close_idle(&self) {
        self.pool.retain(|_, metrics| metrics.last_used() < IDLE_TIMEOUT);
    }

    /// How many connections are open now (idle or carrying a message).
    pub fn open_connections(&self) -> usize {
        self.pool.status().size
    }
}

/// Whether a failure says the connection itself is gone rather than the message refused: no
/// reply at all (closed, reset, cut mid-answer) or 421, the reply of a server closing the
/// connection.
fn connection_lost(e: &lettre::transport::smtp::Error) -> bool {
    match e.status() {
        Some(code) => u16::from(code) == 421,
        None => !e.is_client() && !e.is_tls(),
    }
}

fn from_lettre(e: lettre::transport::smtp::Error) -> SendError {
    SendError { permanent: e.is_permanent(), detail: smtp_error_text(&e) }
}

fn pool_error(e: managed::PoolError<SendError>) -> SendError {
    match e {
        managed::PoolError::Backend(e) => e,
        other => transient(format!("the SMTP connection pool: {other}")),
    }
}

fn transient(detail: String) -> SendError {
    SendError { permanent: false, detail }
}

fn permanent(detail: String) -> SendError {
    SendError { permanent: true, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relay(url: &str) -> Relay {
        Relay::from_url(url, Duration::from_secs(1)).expect("a usable URL")
    }

    #[test]
    fn the_url_forms_mean_what_they_mean_to_lettre() {
        let plain = relay("smtp://127.0.0.1");
        assert_eq!((plain.port, matches!(plain.security, Security::Plain)), (25, true));
        let required = relay("smtp://relay.example.org?tls=required");
        assert_eq!(required.port, 587);
        assert!(matches!(required.security, Security::StartTls { required: true, .. }));
        let opportunistic = relay("smtp://relay.example.org:2525?tls=opportunistic");
        assert_eq!(opportunistic.port, 2525);
        assert!(matches!(opportunistic.security, Security::StartTls { required: false, .. }));
        let implicit = relay("smtps://relay.example.org");
        assert_eq!((implicit.port, matches!(implicit.security, Security::Implicit(_))), (465, true));
        assert!(Relay::from_url("smtp://relay.example.org?tls=sometimes", Duration::from_secs(1)).is_err());
        assert!(Relay::from_url("imap://relay.example.org", Duration::from_secs(1)).is_err());
    }

    #[test]
    fn the_path_is_the_hello_name_and_the_user_and_password_are_decoded() {
        let named = relay("smtp://u%40x:p%2Fw%3A@relay.example.org:587/mail.example.org?tls=required");
        assert_eq!(named.hello, ClientId::Domain("mail.example.org".into()));
        assert_eq!(named.credentials, Some(Credentials::new("u@x".into(), "p/w:".into())));
        let anonymous = relay("smtp://user@relay.example.org");
        assert_eq!(anonymous.credentials, None, "a user without a password does not sign in, as in lettre");
        assert_eq!(anonymous.hello, ClientId::default());
    }
}
