//! Typed settings, from one table (`table.rs`) that lists every setting with its environment
//! variable, default and meaning. The command line, `--help` and the loader are all built from
//! it; the loader records where each value came from ([`Source`]). Everything is checked at
//! start; a bad value names its variable and what was expected.

mod bounces;
mod certificate;
mod cli;
mod dkim;
mod embed;
mod file;
mod inputs;
mod secret;
mod table;
mod urls;
mod webhooks;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use lettre::message::Mailbox;
use url::Url;

use crate::email::dkim::DkimSigner;
use crate::security::SecretKey;

pub use bounces::{Bounces, ImapMailbox, ImapTls};
pub use certificate::CertificateText;
pub use cli::{config_path, with_settings};
pub use file::{DEFAULT_PATH as DEFAULT_CONFIG_FILE, FileValues, chosen as chosen_config_file};
pub use inputs::{Inputs, RawSettings, Source};
pub use secret::Secret;
pub use table::{Fallback, Key, SETTINGS, Setting, help_section, setting};
pub use urls::{DatabaseTarget, SmtpUrl};
pub use webhooks::Webhooks;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseTarget,
    pub bind: SocketAddr,
    pub base_url: Url,
    pub data_dir: PathBuf,
    pub smtp: Option<SmtpUrl>,
    pub mail_from: Mailbox,
    /// The ORGANIZER of calendar invitations: the sender's name with the organiser mailbox
    /// (`CONVOCA_ORGANIZER_EMAIL`, else the sender's address).
    pub organizer: Mailbox,
    pub secret_key: SecretKey,
    /// How many messages the worker sends at once (and SMTP connections it keeps).
    pub smtp_concurrency: usize,
    /// Bearer token that opens `/metrics` on the public listener, from whatever address.
    pub metrics_token: Option<Secret>,
    /// The listener that serves `/metrics` alone, without a token (`CONVOCA_METRICS_BIND`);
    /// none when turned off.
    pub metrics_bind: Option<SocketAddr>,
    /// Days after a session ends before the worker purges its registrants' personal data
    /// (`CONVOCA_RETENTION_DAYS`, default 365); `None` (0): kept.
    pub retention_days: Option<i64>,
    /// Proxies whose `X-Forwarded-For` is believed; from anyone else the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Registration requests allowed per client address per hour.
    pub registration_limit: i64,
    /// Serve `/_bench/reference`, the benchmark suite's reference page (`CONVOCA_BENCH_REFERENCE=1`).
    pub bench_reference: bool,
    /// Load the demo data into an empty database (`CONVOCA_DEMO`; `serve --no-demo` also stops it).
    pub demo: bool,
    /// Connections the database pool keeps (`CONVOCA_DB_POOL_SIZE`).
    pub db_pool_size: u32,
    /// How long to wait for a database connection (`CONVOCA_DB_CONNECT_TIMEOUT`).
    pub db_connect_timeout: Duration,
    /// How long a PostgreSQL statement may run (`CONVOCA_DB_STATEMENT_TIMEOUT`).
    pub db_statement_timeout: Duration,
    /// Where replies go (`CONVOCA_MAIL_REPLY_TO`); none: to the sender.
    pub mail_reply_to: Option<Mailbox>,
    /// Signs every message (`CONVOCA_DKIM_KEY_FILE`, `CONVOCA_DKIM_SELECTOR`, `CONVOCA_DKIM_DOMAIN`).
    pub dkim: Option<DkimSigner>,
    sources: [Source; table::COUNT],
    /// Days the stored `.eml` copies are kept (`CONVOCA_MAIL_COPY_RETENTION_DAYS`, default 30);
    /// `None` (0): until the person's data is erased.
    pub mail_copy_retention_days: Option<i64>,
    /// The data controller the privacy notice names (`CONVOCA_PRIVACY_CONTROLLER`).
    pub privacy_controller: String,
    /// Where requests about personal data go (`CONVOCA_PRIVACY_CONTACT`, else the reply-to or
    /// sender address).
    pub privacy_contact: lettre::Address,
    /// The origins allowed to frame the widget (`CONVOCA_EMBED_ORIGINS`), serialised.
    pub embed_origins: Vec<String>,
    /// Return paths and the bounce mailbox (`CONVOCA_BOUNCE_*`).
    pub bounces: Bounces,
    /// Where webhook deliveries may go and how long they wait (`CONVOCA_WEBHOOK_*`).
    pub webhooks: Webhooks,
    /// How long before the start a personal join page offers "Join now"
    /// (`CONVOCA_JOIN_OPENS_MINUTES`, default 15).
    pub join_opens: chrono::Duration,
    /// What certificates of attendance say (`CONVOCA_CERTIFICATE_*`).
    pub certificate: CertificateText,
}

/// Says where a bad value came from when it came from the configuration file: the message of
/// [`Settings::load`] names the environment variable, which the file does not use.
pub fn locate_error(error: anyhow::Error, inputs: &Inputs, file: Option<&FileValues>) -> anyhow::Error {
    let message = error.to_string();
    let found = SETTINGS.iter().find(|s| {
        inputs.source(s.key) == Source::File
            && (message.starts_with(&format!("{} ", s.env)) || message.starts_with(&format!("{}:", s.env)))
    });
    match (found, file) {
        (Some(s), Some(file)) => match file.locate(s.key) {
            Some(place) => error.context(format!("in {place}")),
            None => error,
        },
        _ => error,
    }
}

/// How logs are written; read before the other settings, so that loading them can log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logging {
    /// One JSON object per line (`CONVOCA_LOG_FORMAT=json`), else text.
    pub json: bool,
    /// The `RUST_LOG` filter; one that does not parse falls back to `info`.
    pub filter: String,
}

impl Logging {
    pub fn from_inputs(inputs: &Inputs) -> Self {
        Self {
            json: inputs.value(Key::LogFormat).is_some_and(|f| f.eq_ignore_ascii_case("json")),
            filter: inputs.value(Key::LogFilter).unwrap_or("info").to_owned(),
        }
    }
}

const SECRET_FILE: &str = "secret.key";
const MIN_SECRET_LEN: usize = 32;

impl Settings {
    /// Values set in code (tests, benchmarks); every other setting at its default. The
    /// environment is not read.
    pub fn from_raw(raw: RawSettings) -> anyhow::Result<Self> {
        Self::load(&Inputs::from(raw))
    }

    /// Parses and checks every setting of `inputs`.
    pub fn load(inputs: &Inputs) -> anyhow::Result<Self> {
        let data_dir = PathBuf::from(inputs.text(Key::DataDir));
        let database = match inputs.value(Key::DatabaseUrl) {
            Some(url) => DatabaseTarget::parse(url)?,
            None => DatabaseTarget::Sqlite(data_dir.join("convoca.db").to_string_lossy().into_owned()),
        };
        let bind_raw = inputs.text(Key::Bind);
        let bind: SocketAddr = bind_raw.trim().parse().map_err(|_| {
            anyhow::anyhow!("CONVOCA_BIND {bind_raw:?} is not an address: expected IP:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080")
        })?;
        let base_url = match inputs.value(Key::BaseUrl) {
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
            inputs.value(Key::SmtpUrl).filter(|s| !s.trim().is_empty()).map(SmtpUrl::parse).transpose()?;
        let mail_from_raw = inputs.text(Key::MailFrom);
        let mail_from: Mailbox = mail_from_raw.trim().parse().map_err(|e| {
            anyhow::anyhow!("CONVOCA_MAIL_FROM {mail_from_raw:?} is not an address ({e}): expected \"Name <address@domain>\" or address@domain")
        })?;
        let organizer_email = match inputs.value(Key::OrganizerEmail).map(str::trim).filter(|v| !v.is_empty())
        {
            None => mail_from.email.clone(),
            Some(v) => v.parse::<lettre::Address>().map_err(|e| {
                anyhow::anyhow!(
                    "CONVOCA_ORGANIZER_EMAIL {v:?} is not an address ({e}): expected address@domain"
                )
            })?,
        };
        let organizer = Mailbox::new(mail_from.name.clone(), organizer_email);
        if is_local_domain(mail_from.email.domain()) && !is_loopback_host(&base_url) {
            bail!(
                "CONVOCA_MAIL_FROM {mail_from_raw:?} is an address at {}, which mail servers elsewhere refuse or cannot answer, but CONVOCA_BASE_URL {} is a public address: set CONVOCA_MAIL_FROM to an address of your own domain, e.g. \"Metropolis webinars <webinars@example.org>\"",
                mail_from.email.domain(),
                base_url.as_str().trim_end_matches('/')
            );
        }
        let mail_reply_to = match inputs.value(Key::MailReplyTo).map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(v.parse::<Mailbox>().map_err(|e| {
                anyhow::anyhow!("CONVOCA_MAIL_REPLY_TO {v:?} is not an address ({e}): expected \"Name <address@domain>\" or address@domain")
            })?),
        };
        let dkim = dkim::load(inputs, &mail_from)?;
        let secret_key = match inputs.value(Key::SecretKey) {
            Some(key) if key.len() >= MIN_SECRET_LEN => SecretKey::from_bytes(key.as_bytes().to_vec()),
            Some(_) => bail!(
                "CONVOCA_SECRET_KEY is too short: expected at least {MIN_SECRET_LEN} characters of random text (e.g. `openssl rand -base64 48`)"
            ),
            None => load_or_create_secret(&data_dir)?,
        };
        let value = inputs.nonblank(Key::SmtpConcurrency).trim();
        let smtp_concurrency = match value.parse::<usize>() {
            Ok(n) if (1..=128).contains(&n) => n,
            _ => bail!("CONVOCA_SMTP_CONCURRENCY {value:?}: expected a whole number from 1 to 128"),
        };
        let metrics_token = inputs.value(Key::MetricsToken).filter(|t| !t.trim().is_empty()).map(Secret::new);
        if metrics_token.as_ref().is_some_and(|t| t.expose().len() < 16) {
            bail!("CONVOCA_METRICS_TOKEN is too short: expected at least 16 characters");
        }
        let metrics_bind = match inputs.nonblank(Key::MetricsBind).trim() {
            "off" | "none" | "0" | "false" | "no" => None,
            v => Some(v.parse::<SocketAddr>().map_err(|_| {
                anyhow::anyhow!("CONVOCA_METRICS_BIND {v:?} is not an address: expected IP:PORT, e.g. 127.0.0.1:9464, or off")
            })?),
        };
        let retention_days = days_or_keep(inputs, Key::RetentionDays)?;
        let mail_copy_retention_days = days_or_keep(inputs, Key::MailCopyRetentionDays)?;
        let privacy_controller = inputs.nonblank(Key::PrivacyController).trim().to_owned();
        if privacy_controller.chars().count() > 200 || privacy_controller.chars().any(char::is_control) {
            bail!("CONVOCA_PRIVACY_CONTROLLER: expected a name on one line, at most 200 characters");
        }
        let privacy_contact = match inputs.value(Key::PrivacyContact).map(str::trim).filter(|v| !v.is_empty()) {
            None => mail_reply_to.as_ref().unwrap_or(&mail_from).email.clone(),
            Some(v) => v.parse::<lettre::Address>().map_err(|e| {
                anyhow::anyhow!("CONVOCA_PRIVACY_CONTACT {v:?} is not an address ({e}): expected address@domain, e.g. privacy@example.org")
            })?,
        };
        let trusted_proxies = match inputs.value(Key::TrustedProxies) {
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
        let limit = inputs.nonblank(Key::RegistrationLimit).trim();
        let registration_limit =
            limit.parse::<i64>().ok().filter(|n| (1..=1_000_000).contains(n)).ok_or_else(|| {
                anyhow::anyhow!("CONVOCA_REGISTRATION_LIMIT {limit:?}: expected registrations per address per hour, 1 to 1000000")
            })?;
        let bench_reference = match inputs.text(Key::BenchReference).trim() {
            "" | "0" | "false" | "no" | "off" => false,
            "1" | "true" | "yes" | "on" => true,
            v => bail!("CONVOCA_BENCH_REFERENCE {v:?}: expected 1 or 0"),
        };
        let demo = !matches!(
            inputs.text(Key::Demo).trim().to_ascii_lowercase().as_str(),
            "0" | "false" | "no" | "off"
        );
        Ok(Self {
            trusted_proxies,
            registration_limit,
            bench_reference,
            retention_days,
            database,
            bind,
            base_url,
            data_dir,
            smtp,
            mail_from,
            organizer,
            secret_key,
            smtp_concurrency,
            metrics_token,
            metrics_bind,
            demo,
            db_pool_size: u32::try_from(whole_number(inputs, Key::DbPoolSize, 256)?)?,
            db_connect_timeout: Duration::from_secs(whole_number(inputs, Key::DbConnectTimeout, 300)?),
            db_statement_timeout: Duration::from_secs(whole_number(inputs, Key::DbStatementTimeout, 3600)?),
            mail_reply_to,
            dkim,
            sources: inputs.sources(),
            mail_copy_retention_days,
            certificate: CertificateText::load(inputs, &privacy_controller)?,
            privacy_controller,
            privacy_contact,
            embed_origins: embed::parse_origins(inputs.text(Key::EmbedOrigins))?,
            bounces: Bounces::load(inputs)?,
            webhooks: Webhooks::load(inputs)?,
            join_opens: join_opens(inputs)?,
        })
    }

    /// Where the value of `key` came from.
    pub fn source(&self, key: Key) -> Source {
        self.sources[key as usize]
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
        if !self.source(Key::SecretKey).is_given() {
            problems.push("CONVOCA_SECRET_KEY is not set, so a secret generated on this machine would sign cookies and tokens (instances would not share it)");
        }
        if !self.source(Key::BaseUrl).is_given() {
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

    /// How long each kind of personal data is kept, for the retention job.
    pub fn retention(&self) -> crate::db::schedule::Retention {
        crate::db::schedule::Retention {
            registration_days: self.retention_days,
            mail_copy_days: self.mail_copy_retention_days,
        }
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

/// A number of days from 1 to 36500, or 0 for "kept" (`None`); blank counts as not given.
fn days_or_keep(inputs: &Inputs, key: Key) -> anyhow::Result<Option<i64>> {
    let (name, v) = (setting(key).env, inputs.nonblank(key).trim());
    match v.parse::<i64>() {
        Ok(0) => Ok(None),
        Ok(days) if (1..=36_500).contains(&days) => Ok(Some(days)),
        _ => bail!("{name} {v:?}: expected a number of days from 0 (keep) to 36500"),
    }
}

/// `CONVOCA_JOIN_OPENS_MINUTES`: 0 (at the start) to a day before it.
fn join_opens(inputs: &Inputs) -> anyhow::Result<chrono::Duration> {
    let v = inputs.nonblank(Key::JoinOpensMinutes).trim();
    v.parse::<i64>().ok().filter(|n| (0..=1440).contains(n)).map(chrono::Duration::minutes).ok_or_else(|| {
        anyhow::anyhow!("CONVOCA_JOIN_OPENS_MINUTES {v:?}: expected a whole number of minutes from 0 to 1440")
    })
}

/// A whole number from 1 to `max`; blank counts as not given.
fn whole_number(inputs: &Inputs, key: Key, max: u64) -> anyhow::Result<u64> {
    let (name, v) = (setting(key).env, inputs.nonblank(key));
    v.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| anyhow::anyhow!("{name} {v:?}: expected a whole number from 1 to {max}"))
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

/// The DKIM signer, when a key file is set: the key file and the selector come together, and
/// a key that cannot be read or used stops the start with a message naming the setting.
/// A mail domain that exists only on this machine.
fn is_local_domain(domain: &str) -> bool {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    domain == "localhost"
        || domain.ends_with(".localhost")
        || domain == "localhost.localdomain"
        || domain
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether the base URL names this machine only (a local trial).
fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => is_local_domain(d),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => true,
    }
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
    crate::files::create_private_dir_all(data_dir)
        .with_context(|| format!("creating the data folder {}", data_dir.display()))?;
    let secret = crate::security::new_token() + &crate::security::new_token();
    crate::files::write_private_file(&path, secret.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    Ok(SecretKey::from_bytes(secret.into_bytes()))
}

#[cfg(test)]
mod tests;
