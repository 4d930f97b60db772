//! The two settings that are URLs to other servers, and may hold a password.

use anyhow::bail;
use url::Url;

use super::Secret;

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// The URL, which may hold the password.
    Postgres(Secret),
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
            return Ok(Self::Postgres(Secret::new(value)));
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
            Self::Postgres(url) => match Url::parse(url.expose()) {
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
pub struct SmtpUrl(Secret);

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
        Ok(Self(Secret::new(value)))
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    pub fn is_loopback(&self) -> bool {
        Url::parse(self.0.expose())
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .is_some_and(|h| h == "localhost" || h.starts_with("127.") || h == "[::1]")
    }
}

/// Scheme, host and port only: never the user or the password.
impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match Url::parse(self.0.expose()) {
            Ok(u) => write!(f, "{}://{}:{}", u.scheme(), u.host_str().unwrap_or(""), u.port().unwrap_or(0)),
            Err(_) => f.write_str("smtp"),
        }
    }
}
