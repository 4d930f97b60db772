//! The one list of settings. `--help`, the command-line options and the loader are all built
//! from it, so a setting cannot be read without being documented.

/// Names a setting; the position in [`SETTINGS`] is the key's number (checked at compile time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    DatabaseUrl,
    Bind,
    BaseUrl,
    DataDir,
    MailFrom,
    SmtpUrl,
    SecretKey,
    SmtpConcurrency,
    MetricsToken,
    RetentionDays,
    TrustedProxies,
    RegistrationLimit,
    DbPoolSize,
    DbConnectTimeout,
    DbStatementTimeout,
    Demo,
    LogFormat,
    LogFilter,
    BenchReference,
    OrganizerEmail,
    MailReplyTo,
    DkimKeyFile,
    DkimSelector,
    DkimDomain,
    MetricsBind,
    MailCopyRetentionDays,
    PrivacyController,
    PrivacyContact,
    EmbedOrigins,
    // bounces:
    BounceAddress,
    BounceImapUrl,
    BouncePollSeconds,
    // feedback: what certificates of attendance say.
    CertificateNetwork,
    CertificateSignatory,
    CertificateSignatoryTitle,
    // join:
    JoinOpensMinutes,
    // webhooks:
    WebhookAllowPrivate,
    WebhookTimeoutSeconds,
}

/// What applies when a setting is not given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// The loader parses this text as if it had been given, so help and behaviour agree.
    Value(&'static str),
    /// No text stands in; the loader works the value out (or goes without), as described here.
    Described(&'static str),
}

#[derive(Debug)]
pub struct Setting {
    pub key: Key,
    /// The setting's name, as a configuration file would spell it.
    pub name: &'static str,
    /// The environment variable.
    pub env: &'static str,
    /// The long command-line option, for the settings that have one. Command lines are visible
    /// to every user of the machine, so secrets have none (`DATABASE_URL` keeps the option it
    /// always had, for URLs without a password).
    pub option: Option<&'static str>,
    pub fallback: Fallback,
    pub help: &'static str,
    /// Held in a [`super::Secret`] once loaded; never printed.
    pub secret: bool,
}

impl Setting {
    /// The default as people read it in `--help` and the README.
    pub fn default_shown(&self) -> &'static str {
        match self.fallback {
            Fallback::Value(v) | Fallback::Described(v) => v,
        }
    }
}

const fn row(
    key: Key,
    name: &'static str,
    env: &'static str,
    option: Option<&'static str>,
    fallback: Fallback,
    help: &'static str,
    secret: bool,
) -> Setting {
    Setting { key, name, env, option, fallback, help, secret }
}

use Fallback::{Described, Value};

pub const SETTINGS: &[Setting] = &[
    row(
        Key::DatabaseUrl,
        "database_url",
        "DATABASE_URL",
        Some("database-url"),
        Described("the SQLite file DATA_DIR/convoca.db"),
        "Database: postgres://user:pass@host/db selects PostgreSQL; sqlite://PATH or a file path selects SQLite",
        true,
    ),
    row(
        Key::Bind,
        "bind",
        "CONVOCA_BIND",
        Some("bind"),
        Value("127.0.0.1:8080"),
        "Address to listen on",
        false,
    ),
    row(
        Key::BaseUrl,
        "base_url",
        "CONVOCA_BASE_URL",
        Some("base-url"),
        Described("http://BIND"),
        "Public address; every link in an email is built from it, never from the request",
        false,
    ),
    row(
        Key::DataDir,
        "data_dir",
        "CONVOCA_DATA_DIR",
        Some("data-dir"),
        Value("./data"),
        "Folder for the SQLite database, the generated secret key and .eml files",
        false,
    ),
    row(
        Key::MailFrom,
        "mail_from",
        "CONVOCA_MAIL_FROM",
        Some("mail-from"),
        Value("Convoca <convoca@localhost>"),
        "Sender of emails, e.g. \"Metropolis webinars <webinars@example.org>\"",
        false,
    ),
    row(
        Key::SmtpUrl,
        "smtp_url",
        "SMTP_URL",
        None,
        Described("none: emails are written as .eml files under DATA_DIR/mail"),
        "SMTP relay: smtps://user:pass@host:465, smtp://user:pass@host:587?tls=required, or smtp://127.0.0.1:2525 (no TLS)",
        true,
    ),
    row(
        Key::SecretKey,
        "secret_key",
        "CONVOCA_SECRET_KEY",
        None,
        Described("generated once into DATA_DIR/secret.key"),
        "Signs cookies and tokens, at least 32 characters; instances sharing a database need the same one",
        true,
    ),
    row(
        Key::SmtpConcurrency,
        "smtp_concurrency",
        "CONVOCA_SMTP_CONCURRENCY",
        None,
        Value("8"),
        "Messages the worker sends at once (and SMTP connections it keeps open), 1 to 128",
        false,
    ),
    row(
        Key::MetricsToken,
        "metrics_token",
        "CONVOCA_METRICS_TOKEN",
        None,
        Described("none: /metrics is not served on CONVOCA_BIND (see CONVOCA_METRICS_BIND)"),
        "Bearer token that opens /metrics on CONVOCA_BIND (Authorization: Bearer TOKEN, from any address), at least 16 characters",
        true,
    ),
    row(
        Key::RetentionDays,
        "retention_days",
        "CONVOCA_RETENTION_DAYS",
        None,
        Value("365"),
        "Days after a session ends before the worker removes its registrants' details (anonymous counts by member and country stay), 0 to 36500; 0 keeps them, and the privacy notice says so",
        false,
    ),
    row(
        Key::TrustedProxies,
        "trusted_proxies",
        "CONVOCA_TRUSTED_PROXIES",
        None,
        Described("none"),
        "Proxies whose X-Forwarded-For is believed: IP addresses, comma-separated",
        false,
    ),
    row(
        Key::RegistrationLimit,
        "registration_limit",
        "CONVOCA_REGISTRATION_LIMIT",
        None,
        Value("100"),
        "Registrations allowed per client address per hour, 1 to 1000000",
        false,
    ),
    row(
        Key::DbPoolSize,
        "db_pool_size",
        "CONVOCA_DB_POOL_SIZE",
        None,
        Value("16"),
        "Database connections the pool keeps, 1 to 256",
        false,
    ),
    row(
        Key::DbConnectTimeout,
        "db_connect_timeout",
        "CONVOCA_DB_CONNECT_TIMEOUT",
        None,
        Value("10"),
        "Seconds to wait for a database connection, 1 to 300",
        false,
    ),
    row(
        Key::DbStatementTimeout,
        "db_statement_timeout",
        "CONVOCA_DB_STATEMENT_TIMEOUT",
        None,
        Value("30"),
        "Seconds a PostgreSQL statement may run, 1 to 3600",
        false,
    ),
    row(
        Key::Demo,
        "demo",
        "CONVOCA_DEMO",
        None,
        Value("1"),
        "0, false, no or off: serve loads no demo data into an empty database (like --no-demo)",
        false,
    ),
    row(
        Key::LogFormat,
        "log_format",
        "CONVOCA_LOG_FORMAT",
        None,
        Value("text"),
        "json: one JSON object per log line",
        false,
    ),
    row(
        Key::LogFilter,
        "log_filter",
        "RUST_LOG",
        None,
        Value("info"),
        "Which log lines are written, e.g. info or convoca=debug,actix_web=warn",
        false,
    ),
    row(
        Key::BenchReference,
        "bench_reference",
        "CONVOCA_BENCH_REFERENCE",
        None,
        Value("0"),
        "1: serve /_bench/reference, the benchmark suite's reference page",
        false,
    ),
    row(
        Key::OrganizerEmail,
        "organizer_email",
        "CONVOCA_ORGANIZER_EMAIL",
        None,
        Described("the address of CONVOCA_MAIL_FROM"),
        "Organiser mailbox of calendar invitations (ORGANIZER, with the sender's name), e.g. webinars@example.org",
        false,
    ),
    row(
        Key::MailReplyTo,
        "mail_reply_to",
        "CONVOCA_MAIL_REPLY_TO",
        Some("mail-reply-to"),
        Described("none: replies go to CONVOCA_MAIL_FROM"),
        "Where replies to emails go (Reply-To), e.g. \"Secretariat <secretariat@example.org>\"",
        false,
    ),
    row(
        Key::DkimKeyFile,
        "dkim_key_file",
        "CONVOCA_DKIM_KEY_FILE",
        None,
        Described("none: messages are not DKIM-signed"),
        "PEM file of the DKIM private key (RSA of 1024 bits or more, PKCS#1 or PKCS#8; or Ed25519, PKCS#8), read at start; its contents are never printed. Needs CONVOCA_DKIM_SELECTOR",
        false,
    ),
    row(
        Key::DkimSelector,
        "dkim_selector",
        "CONVOCA_DKIM_SELECTOR",
        None,
        Described("none"),
        "DKIM selector (s=): the public key is published as a TXT record at SELECTOR._domainkey.DOMAIN",
        false,
    ),
    row(
        Key::DkimDomain,
        "dkim_domain",
        "CONVOCA_DKIM_DOMAIN",
        None,
        Described("the domain of CONVOCA_MAIL_FROM"),
        "DKIM signing domain (d=); for DMARC it must be the sender's domain or a parent of it",
        false,
    ),
    row(
        Key::MetricsBind,
        "metrics_bind",
        "CONVOCA_METRICS_BIND",
        None,
        Value("127.0.0.1:9464"),
        "Address of a second listener that serves /metrics without a token and nothing else (never forward it from the proxy); off: none",
        false,
    ),
    row(
        Key::MailCopyRetentionDays,
        "mail_copy_retention_days",
        "CONVOCA_MAIL_COPY_RETENTION_DAYS",
        None,
        Value("30"),
        "Days the .eml copies written without SMTP (DATA_DIR/mail) are kept, 0 to 36500; 0 keeps them until the person's data is erased",
        false,
    ),
    row(
        Key::PrivacyController,
        "privacy_controller",
        "CONVOCA_PRIVACY_CONTROLLER",
        None,
        Value("The network's secretariat"),
        "Who is responsible for the registrants' personal data (the data controller), as the privacy notice names it, e.g. \"Metropolis secretariat, Barcelona\"",
        false,
    ),
    row(
        Key::PrivacyContact,
        "privacy_contact",
        "CONVOCA_PRIVACY_CONTACT",
        None,
        Described("the address of CONVOCA_MAIL_REPLY_TO, else of CONVOCA_MAIL_FROM"),
        "Address the privacy notice gives for requests about personal data, e.g. privacy@example.org",
        false,
    ),
    row(
        Key::EmbedOrigins,
        "embed_origins",
        "CONVOCA_EMBED_ORIGINS",
        None,
        Described("none: no other site may frame the widget"),
        "Sites allowed to show the sessions widget (/embed/sessions) in a frame, comma-separated, each scheme://host[:port], e.g. https://www.example.org",
        false,
    ),
    // bounces:
    row(
        Key::BounceAddress,
        "bounce_address",
        "CONVOCA_BOUNCE_ADDRESS",
        None,
        Described("none: the sender's address is the return path, and late bounces are not matched"),
        "Return path each message's own VERP address is built on (bounces@example.org becomes bounces+<message>.<tag>@example.org); its domain must deliver to the bounce mailbox",
        false,
    ),
    row(
        Key::BounceImapUrl,
        "bounce_imap_url",
        "CONVOCA_BOUNCE_IMAP_URL",
        None,
        Described("none: bounces that arrive later by mail are not read"),
        "Mailbox the worker reads delivery status notifications from: imaps://user:password@host:993/FOLDER (imap:// without TLS only for a server on this machine)",
        true,
    ),
    row(
        Key::BouncePollSeconds,
        "bounce_poll_seconds",
        "CONVOCA_BOUNCE_POLL_SECONDS",
        None,
        Value("300"),
        "How often the worker reads the bounce mailbox, in seconds (10 to 86400)",
        false,
    ),
    row(
        Key::CertificateNetwork,
        "certificate_network",
        "CONVOCA_CERTIFICATE_NETWORK",
        None,
        Described("the value of CONVOCA_PRIVACY_CONTROLLER"),
        "The network's name as certificates of attendance give it, on one line (at most 200 characters)",
        false,
    ),
    row(
        Key::CertificateSignatory,
        "certificate_signatory",
        "CONVOCA_CERTIFICATE_SIGNATORY",
        None,
        Described("none: the signature line names nobody"),
        "The name under the signature line of certificates of attendance, e.g. \"Emilia Saiz\" (at most 200 characters)",
        false,
    ),
    row(
        Key::CertificateSignatoryTitle,
        "certificate_signatory_title",
        "CONVOCA_CERTIFICATE_SIGNATORY_TITLE",
        None,
        Described("none"),
        "The signatory's title under their name, e.g. \"Secretary General\" (at most 200 characters)",
        false,
    ),
    // join:
    row(
        Key::JoinOpensMinutes,
        "join_opens_minutes",
        "CONVOCA_JOIN_OPENS_MINUTES",
        None,
        Value("15"),
        "How many minutes before a session starts its registrants' personal join pages offer \"Join now\" (0 to 1440)",
        false,
    ),
    // webhooks:
    row(
        Key::WebhookAllowPrivate,
        "webhook_allow_private",
        "CONVOCA_WEBHOOK_ALLOW_PRIVATE",
        None,
        Value("0"),
        "Let webhook endpoints be on private, loopback, link-local or unique-local addresses, and use http:// (1 only for the network's own systems on a trusted network; 0 refuses them)",
        false,
    ),
    row(
        Key::WebhookTimeoutSeconds,
        "webhook_timeout_seconds",
        "CONVOCA_WEBHOOK_TIMEOUT_SECONDS",
        None,
        Value("5"),
        "How long the worker waits for a webhook endpoint to answer, in seconds (1 to 30); longer counts as a failed attempt, retried later",
        false,
    ),
];

/// How many settings there are.
pub const COUNT: usize = SETTINGS.len();

// Every key has its row, at its own position.
const _: () = {
    let mut i = 0;
    while i < COUNT {
        assert!(SETTINGS[i].key as usize == i, "SETTINGS is not in the order of Key");
        i += 1;
    }
};

/// The row of `key`.
pub fn setting(key: Key) -> &'static Setting {
    &SETTINGS[key as usize]
}

/// The section of `--help` that lists every setting with its default and meaning.
pub fn help_section() -> String {
    let mut text = format!(
        "Settings. Each is an environment variable, a key of the configuration file (--config \
         PATH, else {} when it exists) and, where shown, an option. An option wins over the \
         environment, which wins over the file, which wins over the default. Secret values are \
         never printed.\n",
        super::file::DEFAULT_PATH
    );
    for s in SETTINGS {
        text.push_str("\n  ");
        text.push_str(s.env);
        if let Some(option) = s.option {
            text.push_str(", --");
            text.push_str(option);
        }
        text.push_str("  (file: ");
        text.push_str(s.name);
        text.push(')');
        if s.secret {
            text.push_str("  (secret)");
        }
        text.push_str("\n          ");
        text.push_str(s.help);
        text.push_str("\n          [default: ");
        text.push_str(s.default_shown());
        text.push_str("]\n");
    }
    text
}
