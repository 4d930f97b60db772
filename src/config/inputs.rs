//! The values given for the settings, each with where it came from, before any is parsed.

use std::fmt;

use super::table::{COUNT, Fallback, Key, SETTINGS, Setting, setting};

/// Where a setting's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Not given: the table's default applies.
    Default,
    /// The configuration file (`--config PATH`, or `/etc/convoca/convoca.toml`).
    File,
    Environment,
    CommandLine,
    /// Set in code by a program that embeds the library (tests, benchmarks), through
    /// [`RawSettings`].
    Program,
}

impl Source {
    pub fn is_given(self) -> bool {
        self != Self::Default
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Default => "default",
            Self::File => "configuration file",
            Self::Environment => "environment",
            Self::CommandLine => "command line",
            Self::Program => "program",
        })
    }
}

#[derive(Clone)]
struct Given {
    value: String,
    source: Source,
}

/// One slot per setting of the table, each empty or holding a value and its [`Source`].
///
/// Sources are layered from the highest precedence down, each filling only the settings still
/// empty: `Inputs::new().fill_from_command_line(..).fill_from_environment().fill_from_file(..)`,
/// then the defaults.
#[derive(Clone)]
pub struct Inputs {
    given: [Option<Given>; COUNT],
}

// Written out: the standard library derives `Default` for arrays of at most 32 elements.
impl Default for Inputs {
    fn default() -> Self {
        Self { given: std::array::from_fn(|_| None) }
    }
}

impl Inputs {
    /// Nothing given: every setting at its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives each setting still empty the value `lookup` finds for it, recorded as coming
    /// from `source`. An empty value counts as not given.
    pub fn fill(mut self, source: Source, mut lookup: impl FnMut(&Setting) -> Option<String>) -> Self {
        for (slot, s) in self.given.iter_mut().zip(SETTINGS) {
            if slot.is_none()
                && let Some(value) = lookup(s).filter(|v| !v.is_empty())
            {
                *slot = Some(Given { value, source });
            }
        }
        self
    }

    /// Each setting's environment variable (a value that is not Unicode counts as unset).
    /// The only place the program reads its settings from the environment.
    pub fn fill_from_environment(self) -> Self {
        self.fill(Source::Environment, |s| std::env::var(s.env).ok())
    }

    /// The value given for `key`, if any.
    pub fn given(&self, key: Key) -> Option<&str> {
        self.given[key as usize].as_ref().map(|g| g.value.as_str())
    }

    pub fn source(&self, key: Key) -> Source {
        self.given[key as usize].as_ref().map_or(Source::Default, |g| g.source)
    }

    /// What the loader parses: the value given, else the table's default value (none when
    /// the default is worked out instead).
    pub fn value(&self, key: Key) -> Option<&str> {
        self.given(key).or(default_value(key))
    }

    /// Like [`Inputs::value`], for a setting with a default value (else empty).
    pub fn text(&self, key: Key) -> &str {
        self.value(key).unwrap_or_default()
    }

    /// Like [`Inputs::text`], a blank value counting as not given.
    pub fn nonblank(&self, key: Key) -> &str {
        self.given(key).filter(|v| !v.trim().is_empty()).or(default_value(key)).unwrap_or_default()
    }

    /// Every setting's source, in the table's order.
    pub(super) fn sources(&self) -> [Source; COUNT] {
        std::array::from_fn(|i| self.given[i].as_ref().map_or(Source::Default, |g| g.source))
    }
}

fn default_value(key: Key) -> Option<&'static str> {
    match setting(key).fallback {
        Fallback::Value(v) => Some(v),
        Fallback::Described(_) => None,
    }
}

/// Each given value with its source; secrets as `[redacted]`.
impl fmt::Debug for Inputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (given, s) in self.given.iter().zip(SETTINGS) {
            if let Some(g) = given {
                let value = if s.secret { "[redacted]" } else { g.value.as_str() };
                map.entry(&s.env, &format_args!("{value:?} ({})", g.source));
            }
        }
        map.finish()
    }
}

/// Values set in code by a program that embeds the library (tests, benchmarks); what is not
/// named here is taken from the defaults. Turned into [`Inputs`] with the source
/// [`Source::Program`].
#[derive(Clone, Default)]
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
    pub organizer_email: Option<String>,
}

impl From<RawSettings> for Inputs {
    fn from(raw: RawSettings) -> Self {
        let mut raw = raw;
        Inputs::new().fill(Source::Program, |s| match s.key {
            Key::DatabaseUrl => raw.database_url.take(),
            Key::Bind => raw.bind.take(),
            Key::BaseUrl => raw.base_url.take(),
            Key::DataDir => raw.data_dir.take(),
            Key::SmtpUrl => raw.smtp_url.take(),
            Key::MailFrom => raw.mail_from.take(),
            Key::SecretKey => raw.secret_key.take(),
            Key::SmtpConcurrency => raw.smtp_concurrency.take(),
            Key::MetricsToken => raw.metrics_token.take(),
            Key::RetentionDays => raw.retention_days.take(),
            Key::TrustedProxies => raw.trusted_proxies.take(),
            Key::RegistrationLimit => raw.registration_limit.take(),
            Key::OrganizerEmail => raw.organizer_email.take(),
            Key::DbPoolSize
            | Key::DbConnectTimeout
            | Key::DbStatementTimeout
            | Key::Demo
            | Key::LogFormat
            | Key::LogFilter
            | Key::BenchReference
            | Key::MailReplyTo
            | Key::DkimKeyFile
            | Key::DkimSelector
            | Key::DkimDomain
            | Key::MetricsBind
            | Key::MailCopyRetentionDays
            | Key::PrivacyController
            | Key::PrivacyContact
            | Key::EmbedOrigins => None,
            Key::BounceAddress | Key::BounceImapUrl | Key::BouncePollSeconds => None,
            Key::CertificateNetwork | Key::CertificateSignatory | Key::CertificateSignatoryTitle => None,
            Key::JoinOpensMinutes => None,
            Key::WebhookAllowPrivate | Key::WebhookTimeoutSeconds => None,
        })
    }
}

/// Like [`Inputs`]: secrets as `[redacted]`.
impl fmt::Debug for RawSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&Inputs::from(self.clone()), f)
    }
}
