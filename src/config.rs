//! Typed settings from the environment (and the command line, which can set the same values).
//! Everything is checked at start; a bad value names its variable and what was expected.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use lettre::message::Mailbox;
use url::Url;

use crate::security::SecretKey;

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Postgres(String),
    /// A SQLite database file path.
    Sqlite(String),
}

impl DatabaseTarget {
    /// `postgres://…`/`postgresql://…` selects PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a
    /// plain file path selects SQLite.
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        let value = raw.trim();
        let expected = "expected postgres://user@host/database, sqlite://path/to/file.db, or a file path";
        if value.is_empty() {
            bail!("DATABASE_URL is empty: {expected}");
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            Url::parse(value).map_err(|e| {
                anyhow::anyhow!("DATABASE_URL is not a valid PostgreSQL URL ({e}): {expected}")
            })?;
            return Ok(Self::Postgres(value.to_owned()));
        }
        if let Some(path) = value.strip_prefix("sqlite://").or_else(|| value.strip_prefix("sqlite:")) {
            if path.is_empty() || path == ":memory:" {
                bail!(
                    "DATABASE_URL {value:?} names no file (an in-memory database is not shared by the pool): {expected}"
                );
            }
            return Ok(Self::Sqlite(path.to_owned()));
        }
        if value.contains("://") {
            let scheme = value.split("://").next().unwrap_or_default();
            bail!("DATABASE_URL has an unsupported scheme {scheme:?}: {expected}");
        }
        Ok(Self::Sqlite(value.to_owned()))
    }

    /// For logs and errors: the engine and where, without any password.
    pub fn describe(&self) -> String {
        match self {
            Self::Postgres(url) => match Url::parse(url) {
                Ok(u) => format!(
                    "PostgreSQL at {}:{}{}",
                    u.host_str().unwrap_or("localhost"),
                    u.port().unwrap_or(5432),
                    u.path()
                ),
                Err(_) => "PostgreSQL".into(),
            },
            Self::Sqlite(path) => format!("SQLite file {path}"),
        }
    }
}

impl std::fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The SMTP relay, as `SMTP_URL`. Kept whole because it may hold a password.
#[derive(Clone)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        let value = raw.trim();
        let expected = "expected smtps://user:pass@host:465, smtp://user:pass@host:587?tls=required, or smtp://127.0.0.1:2525";
        let url =
            Url::parse(value).map_err(|e| anyhow::anyhow!("SMTP_URL is not a URL ({e}): {expected}"))?;
        if !matches!(url.scheme(), "smtp" | "smtps") {
            bail!("SMTP_URL has the scheme {:?}: {expected}", url.scheme());
        }
        if url.host_str().is_none_or(str::is_empty) {
            bail!("SMTP_URL names no host: {expected}");
        }
        // lettre reads the same URL later; check now that it accepts it.
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(value)
            .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable ({e}): {expected}"))?;
        Ok(Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_loopback(&self) -> bool {
        Url::parse(&self.0)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .is_some_and(|h| h == "localhost" || h.starts_with("127.") || h == "[::1]")
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match Url::parse(&self.0) {
            Ok(u) => write!(f, "{}://{}:{}", u.scheme(), u.host_str().unwrap_or(""), u.port().unwrap_or(0)),
            Err(_) => f.write_str("smtp"),
        }
    }
}

/// Raw values, as read from the environment or given on the command line.
#[derive(Debug, Clone, Default)]
pub struct RawSettings {
    pub database_url: Option<String>,
    pub bind: Option<String>,
    pub base_url: Option<String>,
    pub data_dir: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub secret_key: Option<String>,
    pub smtp_concurrency: Option<String>,
    pub metrics_token: Option<String>,
    pub retention_days: Option<String>,
    pub trusted_proxies: Option<String>,
    pub registration_limit: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseTarget,
    pub bind: SocketAddr,
    pub base_url: Url,
    pub data_dir: PathBuf,
    pub smtp: Option<SmtpUrl>,
    pub mail_from: Mailbox,
    pub secret_key: SecretKey,
    /// How many messages the worker sends at once (and SMTP connections it keeps).
    pub smtp_concurrency: usize,
    /// Whether the secret came from `CONVOCA_SECRET_KEY` (not generated into the data folder).
    pub secret_from_env: bool,
    /// Bearer token that opens `/metrics` to non-loopback scrapers.
    pub metrics_token: Option<String>,
    /// Whether `CONVOCA_BASE_URL` was given (not derived from the bind address).
    pub base_url_given: bool,
    /// Days after a session ends before the worker purges its registrants' personal data.
    pub retention_days: Option<i64>,
    /// Proxies whose `X-Forwarded-For` is believed; from anyone else the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Registration requests allowed per client address per hour.
    pub registration_limit: i64,
    /// Serve `/_bench/reference`, the benchmark suite's reference page (`CONVOCA_BENCH_REFERENCE=1`).
    pub bench_reference: bool,
}

const SECRET_FILE: &str = "secret.key";
const MIN_SECRET_LEN: usize = 32;

impl Settings {
    pub fn from_raw(raw: RawSettings) -> anyhow::Result<Self> {
        let data_dir = PathBuf::from(raw.data_dir.as_deref().unwrap_or("./data"));
        let database = match raw.database_url.as_deref() {
            Some(url) => DatabaseTarget::parse(url)?,
            None => DatabaseTarget::Sqlite(data_dir.join("convoca.db").to_string_lossy().into_owned()),
        };
        let bind_raw = raw.bind.as_deref().unwrap_or("127.0.0.1:8080");
        let bind: SocketAddr = bind_raw.trim().parse().map_err(|_| {
            anyhow::anyhow!("CONVOCA_BIND {bind_raw:?} is not an address: expected IP:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080")
        })?;
        let base_url = match raw.base_url.as_deref() {
            Some(value) => parse_base_url(value)?,
            None => {
                let host =
                    if bind.ip().is_unspecified() { "127.0.0.1".to_owned() } else { bind.ip().to_string() };
                let host =
                    if bind.is_ipv6() && !bind.ip().is_unspecified() { format!("[{host}]") } else { host };
                parse_base_url(&format!("http://{host}:{}", bind.port()))?
            }
        };
        let smtp =
            raw.smtp_url.as_deref().filter(|s| !s.trim().is_empty()).map(SmtpUrl::parse).transpose()?;
        let mail_from_raw = raw.mail_from.as_deref().unwrap_or("Convoca <convoca@localhost>");
        let mail_from: Mailbox = mail_from_raw.trim().parse().map_err(|e| {
            anyhow::anyhow!("CONVOCA_MAIL_FROM {mail_from_raw:?} is not an address ({e}): expected \"Name <address@domain>\" or address@domain")
        })?;
        let secret_key = match raw.secret_key.as_deref() {
            Some(key) if key.len() >= MIN_SECRET_LEN => SecretKey::from_bytes(key.as_bytes().to_vec()),
            Some(_) => bail!(
                "CONVOCA_SECRET_KEY is too short: expected at least {MIN_SECRET_LEN} characters of random text (e.g. `openssl rand -base64 48`)"
            ),
            None => load_or_create_secret(&data_dir)?,
        };
        let smtp_concurrency = match raw.smtp_concurrency.as_deref().map(str::trim) {
            None | Some("") => 32,
            Some(value) => match value.parse::<usize>() {
                Ok(n) if (1..=128).contains(&n) => n,
                _ => bail!("CONVOCA_SMTP_CONCURRENCY {value:?}: expected a whole number from 1 to 128"),
            },
        };
        let metrics_token = raw.metrics_token.filter(|t| !t.trim().is_empty());
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            bail!("CONVOCA_METRICS_TOKEN is too short: expected at least 16 characters");
        }
        let retention_days = match raw.retention_days.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(v.parse::<i64>().ok().filter(|d| (1..=36_500).contains(d)).ok_or_else(|| {
                anyhow::anyhow!("CONVOCA_RETENTION_DAYS {v:?}: expected a number of days from 1 to 36500")
            })?),
        };
        let trusted_proxies = match raw.trusted_proxies.as_deref() {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse::<std::net::IpAddr>().map_err(|_| {
                        anyhow::anyhow!("CONVOCA_TRUSTED_PROXIES: {p:?} is not an IP address (expected e.g. 127.0.0.1,10.0.0.5)")
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?,
        };
        let registration_limit = match raw.registration_limit.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => 100,
            Some(v) => v.parse::<i64>().ok().filter(|n| (1..=1_000_000).contains(n)).ok_or_else(|| {
                anyhow::anyhow!("CONVOCA_REGISTRATION_LIMIT {v:?}: expected registrations per address per hour, 1 to 1000000")
            })?,
        };
        // Read here rather than through `RawSettings`: only the benchmark suite sets it.
        let bench_reference = match std::env::var("CONVOCA_BENCH_REFERENCE").ok().as_deref().map(str::trim) {
            None | Some("" | "0" | "false" | "no" | "off") => false,
            Some("1" | "true" | "yes" | "on") => true,
            Some(v) => bail!("CONVOCA_BENCH_REFERENCE {v:?}: expected 1 or 0"),
        };
        Ok(Self {
            trusted_proxies,
            registration_limit,
            bench_reference,
            retention_days,
            database,
            bind,
            base_url_given: raw.base_url.is_some(),
            base_url,
            data_dir,
            smtp,
            mail_from,
            secret_from_env: raw.secret_key.is_some(),
            secret_key,
            smtp_concurrency,
            metrics_token,
        })
    }

    /// Refuses settings that are fine on a laptop but unsafe once the app listens beyond this
    /// machine: mail that goes nowhere, a secret other instances cannot share, links built
    /// from a guessed address.
    pub fn check_production_safety(&self) -> anyhow::Result<()> {
        if self.bind.ip().is_loopback() {
            return Ok(());
        }
        let mut problems = Vec::new();
        if self.smtp.is_none() {
            problems
                .push("SMTP_URL is not set, so emails would only be written as files under the data folder");
        }
        if !self.secret_from_env {
            problems.push("CONVOCA_SECRET_KEY is not set, so a secret generated on this machine would sign cookies and tokens (instances would not share it)");
        }
        if !self.base_url_given {
            problems.push("CONVOCA_BASE_URL is not set, so links in emails would point at the bind address");
        }
        if problems.is_empty() {
            return Ok(());
        }
        bail!(
            "CONVOCA_BIND {} listens beyond this machine, but:\n  - {}\nSet them (see docs/deployment.md), or bind to 127.0.0.1 for a local trial.",
            self.bind,
            problems.join("\n  - ")
        )
    }

    /// Where messages go when no SMTP server is configured.
    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    pub fn is_https(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// An absolute link for an email, always from `CONVOCA_BASE_URL`, never the request's Host.
    pub fn link(&self, path: &str) -> String {
        let base = self.base_url.as_str().trim_end_matches('/');
        format!("{base}{path}")
    }
}

fn parse_base_url(value: &str) -> anyhow::Result<Url> {
    let url = Url::parse(value.trim()).map_err(|e| {
        anyhow::anyhow!(
            "CONVOCA_BASE_URL {value:?} is not a URL ({e}): expected e.g. https://webinars.example.org"
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        bail!("CONVOCA_BASE_URL {value:?}: expected an http:// or https:// address with a host");
    }
    if url.query().is_some() || url.fragment().is_some() {
        bail!("CONVOCA_BASE_URL {value:?} must not have a query or fragment");
    }
    Ok(url)
}

/// Reads the secret kept in the data folder, or makes one (readable by the owner only).
fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<SecretKey> {
    let path = data_dir.join(SECRET_FILE);
    match std::fs::read_to_string(&path) {
        Ok(existing) if existing.trim().len() >= MIN_SECRET_LEN => {
            return Ok(SecretKey::from_bytes(existing.trim().as_bytes().to_vec()));
        }
        Ok(_) => bail!(
            "{} is shorter than {MIN_SECRET_LEN} characters: delete it to have a new one made, or set CONVOCA_SECRET_KEY",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data folder {}", data_dir.display()))?;
    let secret = crate::security::new_token() + &crate::security::new_token();
    write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    Ok(SecretKey::from_bytes(secret.into_bytes()))
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_select_the_engine_or_say_what_was_expected() {
        assert!(matches!(DatabaseTarget::parse("postgres://u@h/db"), Ok(DatabaseTarget::Postgres(_))));
        assert!(matches!(DatabaseTarget::parse("postgresql://u@h:5433/db"), Ok(DatabaseTarget::Postgres(_))));
        assert_eq!(
            DatabaseTarget::parse("sqlite://data/x.db").ok(),
            Some(DatabaseTarget::Sqlite("data/x.db".into()))
        );
        assert_eq!(DatabaseTarget::parse("x.db").ok(), Some(DatabaseTarget::Sqlite("x.db".into())));
        for bad in ["", "mysql://u@h/db", "sqlite://", "sqlite::memory:"] {
            let err = DatabaseTarget::parse(bad).expect_err(bad).to_string();
            assert!(err.contains("DATABASE_URL") && err.contains("expected"), "{err}");
        }
    }

    #[test]
    fn smtp_urls_are_checked() {
        assert!(SmtpUrl::parse("smtp://127.0.0.1:2525").is_ok());
        assert!(SmtpUrl::parse("smtps://user:pass@mail.example.org:465").is_ok());
        assert!(SmtpUrl::parse("smtp://u:p@mail.example.org:587?tls=required").is_ok());
        let err = SmtpUrl::parse("http://mail.example.org").expect_err("scheme").to_string();
        assert!(err.contains("SMTP_URL"));
        assert!(
            !format!("{:?}", SmtpUrl::parse("smtps://user:hunter2@h:465").expect("ok")).contains("hunter2")
        );
    }

    #[test]
    fn a_secret_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let raw = RawSettings { data_dir: Some(dir.path().to_string_lossy().into()), ..Default::default() };
        let first = Settings::from_raw(raw.clone()).expect("settings");
        let second = Settings::from_raw(raw).expect("settings");
        assert_eq!(first.secret_key.sign("t", "m"), second.secret_key.sign("t", "m"));
        assert_eq!(first.base_url.as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn listening_beyond_loopback_needs_smtp_a_shared_secret_and_a_base_url() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data_dir = Some(dir.path().to_string_lossy().into_owned());
        let local =
            Settings::from_raw(RawSettings { data_dir: data_dir.clone(), ..Default::default() }).expect("ok");
        assert!(local.check_production_safety().is_ok());
        let public = Settings::from_raw(RawSettings {
            data_dir: data_dir.clone(),
            bind: Some("0.0.0.0:8080".into()),
            ..Default::default()
        })
        .expect("ok");
        let message = public.check_production_safety().expect_err("unsafe").to_string();
        assert!(
            message.contains("SMTP_URL")
                && message.contains("CONVOCA_SECRET_KEY")
                && message.contains("CONVOCA_BASE_URL")
        );
        let safe = Settings::from_raw(RawSettings {
            data_dir,
            bind: Some("0.0.0.0:8080".into()),
            smtp_url: Some("smtps://u:p@mail.example.org:465".into()),
            secret_key: Some("x".repeat(48)),
            base_url: Some("https://webinars.example.org".into()),
            ..Default::default()
        })
        .expect("ok");
        assert!(safe.check_production_safety().is_ok());
    }

    #[test]
    fn bad_values_name_their_variable() {
        let bad = |raw: RawSettings| Settings::from_raw(raw).expect_err("bad").to_string();
        assert!(
            bad(RawSettings { bind: Some("eight".into()), ..Default::default() }).contains("CONVOCA_BIND")
        );
        assert!(
            bad(RawSettings { base_url: Some("ftp://x".into()), ..Default::default() })
                .contains("CONVOCA_BASE_URL")
        );
        assert!(
            bad(RawSettings { secret_key: Some("short".into()), ..Default::default() })
                .contains("CONVOCA_SECRET_KEY")
        );
        assert!(
            bad(RawSettings {
                mail_from: Some("not an address".into()),
                secret_key: Some("x".repeat(40)),
                ..Default::default()
            })
            .contains("CONVOCA_MAIL_FROM")
        );
    }
}
