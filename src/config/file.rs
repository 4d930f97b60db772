//! The configuration file: TOML, one key per setting (the `name` of its row in the table), read
//! below the environment and above the defaults.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use toml::{Spanned, Value};

use super::inputs::{Inputs, Source};
use super::table::{Key, SETTINGS, Setting};

/// Read when it exists and no `--config` is given.
pub const DEFAULT_PATH: &str = "/etc/convoca/convoca.toml";

/// The TOML type a setting takes in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Integer,
    Boolean,
}

impl Kind {
    fn of(key: Key) -> Self {
        match key {
            Key::SmtpConcurrency
            | Key::RetentionDays
            | Key::RegistrationLimit
            | Key::DbPoolSize
            | Key::DbConnectTimeout
            | Key::DbStatementTimeout
            | Key::MailCopyRetentionDays
            | Key::BouncePollSeconds
            | Key::JoinOpensMinutes => Self::Integer,
            Key::Demo | Key::BenchReference => Self::Boolean,
            // Listed one by one, so that a new setting must say which kind of value it takes.
            Key::DatabaseUrl
            | Key::Bind
            | Key::BaseUrl
            | Key::DataDir
            | Key::MailFrom
            | Key::SmtpUrl
            | Key::SecretKey
            | Key::MetricsToken
            | Key::TrustedProxies
            | Key::LogFormat
            | Key::LogFilter
            | Key::OrganizerEmail
            | Key::MailReplyTo
            | Key::DkimKeyFile
            | Key::DkimSelector
            | Key::DkimDomain
            | Key::MetricsBind
            | Key::PrivacyController
            | Key::PrivacyContact
            | Key::EmbedOrigins => Self::Text,
            Key::BounceAddress | Key::BounceImapUrl => Self::Text,
            Key::CertificateNetwork | Key::CertificateSignatory | Key::CertificateSignatoryTitle => {
                Self::Text
            }
            Key::WebhookTimeoutSeconds => Self::Integer,
            Key::WebhookAllowPrivate => Self::Boolean,
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Self::Text => "a string in double quotes",
            Self::Integer => "a whole number",
            Self::Boolean => "true or false",
        }
    }
}

/// The file the settings are read from: `--config PATH` (which must exist), else
/// [`DEFAULT_PATH`] when it exists, else none.
pub fn chosen(explicit: Option<&Path>) -> anyhow::Result<Option<PathBuf>> {
    match explicit {
        Some(path) if path.is_file() => Ok(Some(path.to_owned())),
        Some(path) => bail!("--config {}: no such file", path.display()),
        None => Ok(Some(PathBuf::from(DEFAULT_PATH)).filter(|p| p.is_file())),
    }
}

/// Where each value of a file was written, for messages about it.
#[derive(Clone, Debug, Default)]
pub struct FileValues {
    pub path: PathBuf,
    /// The text of each key found, with its line (1-based).
    values: BTreeMap<&'static str, (String, usize)>,
}

impl FileValues {
    /// Parses `text`, read from `path`: every key must be a setting's name, every value of
    /// that setting's type.
    pub fn parse(path: &Path, text: &str) -> anyhow::Result<Self> {
        let place = |offset: usize| format!("{} line {}", path.display(), line_of(text, offset));
        let table: BTreeMap<Spanned<String>, Spanned<Value>> =
            toml::from_str(text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let mut values = BTreeMap::new();
        for (key, value) in table {
            let Some(s) = SETTINGS.iter().find(|s| s.name == key.get_ref()) else {
                bail!(
                    "{}: unknown setting {:?}: expected one of {}",
                    place(key.span().start),
                    key.get_ref(),
                    SETTINGS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
                );
            };
            let kind = Kind::of(s.key);
            let given = match (kind, value.get_ref()) {
                (Kind::Text, Value::String(v)) => v.clone(),
                (Kind::Integer, Value::Integer(n)) => n.to_string(),
                (Kind::Boolean, Value::Boolean(b)) => if *b { "1" } else { "0" }.to_owned(),
                (_, other) => bail!(
                    "{}: {} is {}: expected {}",
                    place(value.span().start),
                    s.name,
                    describe(other),
                    kind.expected()
                ),
            };
            values.insert(s.name, (given, line_of(text, key.span().start)));
        }
        Ok(Self { path: path.to_owned(), values })
    }

    /// Reads and parses the file at `path`.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the configuration file {}", path.display()))?;
        Self::parse(path, &text)
    }

    fn get(&self, s: &Setting) -> Option<String> {
        self.values.get(s.name).map(|(v, _)| v.clone())
    }

    /// `PATH line N (KEY)`, when `key` was set in this file.
    pub fn locate(&self, key: Key) -> Option<String> {
        let s = super::table::setting(key);
        self.values.get(s.name).map(|(_, line)| format!("{} line {line} ({})", self.path.display(), s.name))
    }

    /// Whether the file sets a secret while other users of the machine may read it.
    pub fn secrets_readable_by_others(&self) -> bool {
        let has_secret = SETTINGS.iter().any(|s| s.secret && self.values.contains_key(s.name));
        has_secret && readable_by_others(&self.path)
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "a number",
        Value::Float(_) => "a decimal number",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

/// The 1-based line of the byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len())).map_or(1, |before| before.matches('\n').count() + 1)
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_path: &Path) -> bool {
    false
}

impl Inputs {
    /// The settings of `file` still empty (below the command line and the environment).
    pub fn fill_from_file(self, file: &FileValues) -> Self {
        self.fill(Source::File, |s| file.get(s))
    }
}
