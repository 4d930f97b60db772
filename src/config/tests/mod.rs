//! The loader: bad values say what was expected, secrets stay hidden, the checks at start
//! (`sources`: where each setting comes from, and the documents that list them).

use super::*;

mod sources;

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
    assert!(!format!("{:?}", SmtpUrl::parse("smtps://user:hunter2@h:465").expect("ok")).contains("hunter2"));
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
        mail_from: Some("Metropolis webinars <webinars@example.org>".into()),
        ..Default::default()
    })
    .expect("ok");
    assert!(safe.check_production_safety().is_ok());
}

#[test]
fn a_localhost_sender_is_refused_whenever_the_base_url_is_public() {
    let public = from_env(&[("CONVOCA_BASE_URL", "https://webinars.example.org")]).expect_err("localhost");
    let message = public.to_string();
    assert!(
        message.starts_with("CONVOCA_MAIL_FROM \"Convoca <convoca@localhost>\" is an address at localhost")
            && message.contains("https://webinars.example.org"),
        "{message}"
    );
    for base in
        ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "http://app.localhost"]
    {
        assert!(from_env(&[("CONVOCA_BASE_URL", base)]).is_ok(), "{base} is this machine");
    }
    for from in ["w@[127.0.0.1]", "w@mail.localhost", "w@LOCALHOST"] {
        let err =
            from_env(&[("CONVOCA_BASE_URL", "https://webinars.example.org"), ("CONVOCA_MAIL_FROM", from)])
                .expect_err(from);
        assert!(err.to_string().starts_with("CONVOCA_MAIL_FROM"), "{err}");
    }
    let behind_proxy = from_env(&[
        ("CONVOCA_BIND", "127.0.0.1:8080"),
        ("CONVOCA_BASE_URL", "https://webinars.example.org"),
        ("CONVOCA_MAIL_FROM", "Metropolis webinars <webinars@example.org>"),
    ]);
    assert!(behind_proxy.is_ok());
}

#[test]
fn a_reply_to_is_a_mailbox_checked_at_start() {
    let settings =
        from_env(&[("CONVOCA_MAIL_REPLY_TO", "Secretariat <secretariat@example.org>")]).expect("ok");
    assert_eq!(
        settings.mail_reply_to.map(|m| m.email.to_string()).as_deref(),
        Some("secretariat@example.org")
    );
    let err = from_env(&[("CONVOCA_MAIL_REPLY_TO", "not an address")]).expect_err("bad").to_string();
    assert!(err.starts_with("CONVOCA_MAIL_REPLY_TO \"not an address\" is not an address"), "{err}");
}

#[test]
fn dkim_settings_come_together_and_a_bad_key_names_its_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.pem");
    let missing = missing.to_string_lossy();
    let err = |vars: &[(&str, &str)]| from_env(vars).expect_err("refused").to_string();
    assert!(
        err(&[("CONVOCA_DKIM_SELECTOR", "s1")])
            .starts_with("CONVOCA_DKIM_SELECTOR is set but CONVOCA_DKIM_KEY_FILE is not")
    );
    assert!(
        err(&[("CONVOCA_DKIM_KEY_FILE", &missing)])
            .starts_with("CONVOCA_DKIM_KEY_FILE is set but CONVOCA_DKIM_SELECTOR is not")
    );
    assert!(
        err(&[("CONVOCA_DKIM_DOMAIN", "example.org")])
            .starts_with("CONVOCA_DKIM_DOMAIN is set but CONVOCA_DKIM_KEY_FILE is not")
    );
    let unreadable = err(&[("CONVOCA_DKIM_KEY_FILE", &missing), ("CONVOCA_DKIM_SELECTOR", "s1")]);
    assert!(
        unreadable.starts_with(&format!("CONVOCA_DKIM_KEY_FILE {missing:?} cannot be read")),
        "{unreadable}"
    );
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
        .expect("write");
    let bad = bad.to_string_lossy();
    let unparsable = err(&[("CONVOCA_DKIM_KEY_FILE", &bad), ("CONVOCA_DKIM_SELECTOR", "s1")]);
    assert!(
        unparsable.starts_with(&format!("CONVOCA_DKIM_KEY_FILE {bad:?} cannot sign: the PEM does not parse")),
        "{unparsable}"
    );
    assert!(
        err(&[("CONVOCA_DKIM_KEY_FILE", &bad), ("CONVOCA_DKIM_SELECTOR", "s 1")])
            .starts_with("CONVOCA_DKIM_SELECTOR \"s 1\"")
    );
    assert!(from_env(&[]).expect("no DKIM").dkim.is_none());
}

#[test]
fn bad_values_name_their_variable() {
    let bad = |raw: RawSettings| Settings::from_raw(raw).expect_err("bad").to_string();
    assert!(bad(RawSettings { bind: Some("eight".into()), ..Default::default() }).contains("CONVOCA_BIND"));
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

/// Settings as if these environment variables were set (and a secret and data folder given,
/// so that nothing is written outside a temporary folder).
fn from_env(vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
    let dir = tempfile::tempdir()?;
    let inputs = Inputs::new()
        .fill(Source::Environment, |s| {
            vars.iter().find(|(name, _)| *name == s.env).map(|(_, v)| (*v).to_owned())
        })
        .fill(Source::Program, |s| match s.key {
            Key::SecretKey => Some("x".repeat(40)),
            Key::DataDir => Some(dir.path().to_string_lossy().into_owned()),
            _ => None,
        });
    Settings::load(&inputs)
}

#[test]
fn blank_or_missing_values_give_the_documented_defaults() {
    let blank: Vec<(&str, &str)> = SETTINGS
        .iter()
        .filter(|s| !matches!(s.key, Key::SecretKey | Key::DataDir))
        .filter(|s| !matches!(s.key, Key::Bind | Key::BaseUrl | Key::MailFrom | Key::DatabaseUrl))
        .map(|s| (s.env, " "))
        .collect();
    for settings in [from_env(&[]).expect("defaults"), from_env(&blank).expect("blank")] {
        assert_eq!(settings.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.base_url.as_str(), "http://127.0.0.1:8080/");
        assert!(settings.smtp.is_none() && settings.metrics_token.is_none());
        assert_eq!(settings.smtp_concurrency, 8);
        assert_eq!(settings.registration_limit, 100);
        assert_eq!(settings.retention_days, Some(365));
        assert_eq!(settings.mail_copy_retention_days, Some(30));
        assert!(settings.trusted_proxies.is_empty());
        assert_eq!(settings.db_pool_size, 16);
        assert_eq!(settings.db_connect_timeout, Duration::from_secs(10));
        assert_eq!(settings.db_statement_timeout, Duration::from_secs(30));
        assert!(settings.demo && !settings.bench_reference);
    }
    let logging = Logging::from_inputs(&Inputs::new());
    assert_eq!(logging, Logging { json: false, filter: "info".into() });
    assert!(!from_env(&[("CONVOCA_DEMO", "Off")]).expect("ok").demo);
    assert!(from_env(&[("CONVOCA_BENCH_REFERENCE", "yes")]).expect("ok").bench_reference);
}

#[test]
fn bad_values_keep_their_specific_messages() {
    let cases = [
        (
            "CONVOCA_BIND",
            "eight",
            "CONVOCA_BIND \"eight\" is not an address: expected IP:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080",
        ),
        (
            "CONVOCA_BASE_URL",
            "ftp://x",
            "CONVOCA_BASE_URL \"ftp://x\": expected an http:// or https:// address with a host",
        ),
        (
            "CONVOCA_SMTP_CONCURRENCY",
            "0",
            "CONVOCA_SMTP_CONCURRENCY \"0\": expected a whole number from 1 to 128",
        ),
        (
            "CONVOCA_METRICS_TOKEN",
            "short",
            "CONVOCA_METRICS_TOKEN is too short: expected at least 16 characters",
        ),
        (
            "CONVOCA_RETENTION_DAYS",
            " -1 ",
            "CONVOCA_RETENTION_DAYS \"-1\": expected a number of days from 0 (keep) to 36500",
        ),
        (
            "CONVOCA_TRUSTED_PROXIES",
            "10.0.0.1, nope",
            "CONVOCA_TRUSTED_PROXIES: \"nope\" is not an IP address (expected e.g. 127.0.0.1,10.0.0.5)",
        ),
        (
            "CONVOCA_REGISTRATION_LIMIT",
            "lots",
            "CONVOCA_REGISTRATION_LIMIT \"lots\": expected registrations per address per hour, 1 to 1000000",
        ),
        ("CONVOCA_DB_POOL_SIZE", "0", "CONVOCA_DB_POOL_SIZE \"0\": expected a whole number from 1 to 256"),
        (
            "CONVOCA_DB_CONNECT_TIMEOUT",
            " 301",
            "CONVOCA_DB_CONNECT_TIMEOUT \" 301\": expected a whole number from 1 to 300",
        ),
        (
            "CONVOCA_DB_STATEMENT_TIMEOUT",
            "x",
            "CONVOCA_DB_STATEMENT_TIMEOUT \"x\": expected a whole number from 1 to 3600",
        ),
        ("CONVOCA_BENCH_REFERENCE", "maybe", "CONVOCA_BENCH_REFERENCE \"maybe\": expected 1 or 0"),
        (
            "SMTP_URL",
            "http://mail.example.org",
            "SMTP_URL has the scheme \"http\": expected smtps://user:pass@host:465, smtp://user:pass@host:587?tls=required, or smtp://127.0.0.1:2525",
        ),
        (
            "DATABASE_URL",
            "mysql://u@h/db",
            "DATABASE_URL has an unsupported scheme \"mysql\": expected postgres://user@host/database, sqlite://path/to/file.db, or a file path",
        ),
    ];
    for (name, value, message) in cases {
        let error = from_env(&[(name, value)]).expect_err(name).to_string();
        assert_eq!(error, message);
    }
    let short = Settings::load(
        &Inputs::new().fill(Source::Environment, |s| (s.key == Key::SecretKey).then(|| "short".to_owned())),
    );
    assert_eq!(
        short.expect_err("short").to_string(),
        "CONVOCA_SECRET_KEY is too short: expected at least 32 characters of random text (e.g. `openssl rand -base64 48`)"
    );
    let from = from_env(&[("CONVOCA_MAIL_FROM", "not an address")]).expect_err("from").to_string();
    assert!(
        from.starts_with("CONVOCA_MAIL_FROM \"not an address\" is not an address (")
            && from.ends_with("): expected \"Name <address@domain>\" or address@domain"),
        "{from}"
    );
}

#[test]
fn secrets_are_redacted_wherever_settings_are_printed() {
    let vars = [
        ("SMTP_URL", "smtps://mailer:smtp-hunter2@mail.example.org:465"),
        ("CONVOCA_METRICS_TOKEN", "metrics-hunter2-0123456789"),
        ("DATABASE_URL", "postgres://app:db-hunter2@db.example.org/convoca"),
        ("CONVOCA_BIND", "127.0.0.1:8081"),
    ];
    let settings = from_env(&vars).expect("ok");
    let inputs = Inputs::new()
        .fill(Source::Environment, |s| vars.iter().find(|(n, _)| *n == s.env).map(|(_, v)| (*v).to_owned()));
    let raw = RawSettings {
        secret_key: Some("raw-hunter2-secret-key-long-enough-0123".into()),
        database_url: Some(vars[2].1.into()),
        smtp_url: Some(vars[0].1.into()),
        metrics_token: Some(vars[1].1.into()),
        ..Default::default()
    };
    let secret = Secret::new("secret-hunter2");
    for printed in [
        format!("{settings:?}"),
        format!("{settings:#?}"),
        format!("{inputs:?}"),
        format!("{raw:?}"),
        format!("{secret:?} {secret}"),
        settings.database.describe(),
    ] {
        assert!(!printed.contains("hunter2"), "{printed}");
    }
    assert!(format!("{inputs:?}").contains("127.0.0.1:8081"), "what is not secret is shown");
    assert_eq!(secret.expose(), "secret-hunter2");
    assert_eq!(settings.metrics_token.as_ref().map(Secret::expose), Some(vars[1].1));
}

#[test]
fn the_calendar_organiser_is_the_sender_unless_a_mailbox_is_given() {
    let default =
        from_env(&[("CONVOCA_MAIL_FROM", "Metropolis webinars <webinars@example.org>")]).expect("ok");
    assert_eq!(default.organizer.to_string(), "Metropolis webinars <webinars@example.org>");
    let given = from_env(&[
        ("CONVOCA_MAIL_FROM", "Metropolis webinars <no-reply@example.org>"),
        ("CONVOCA_ORGANIZER_EMAIL", "secretariat@example.org"),
    ])
    .expect("ok");
    assert_eq!(given.organizer.to_string(), "Metropolis webinars <secretariat@example.org>");
    assert_eq!(given.mail_from.email.to_string(), "no-reply@example.org", "the sender stays");
    let bad = from_env(&[("CONVOCA_ORGANIZER_EMAIL", "secretariat")]).expect_err("bad").to_string();
    assert!(bad.starts_with("CONVOCA_ORGANIZER_EMAIL \"secretariat\" is not an address ("), "{bad}");
}

#[test]
fn zero_days_keep_the_data_and_the_privacy_contact_is_an_address() {
    let keep =
        from_env(&[("CONVOCA_RETENTION_DAYS", "0"), ("CONVOCA_MAIL_COPY_RETENTION_DAYS", "0")]).expect("ok");
    assert_eq!((keep.retention_days, keep.mail_copy_retention_days), (None, None));
    let error =
        from_env(&[("CONVOCA_PRIVACY_CONTACT", "privacy at example")]).expect_err("no address").to_string();
    assert!(error.starts_with("CONVOCA_PRIVACY_CONTACT \"privacy at example\" is not an address"), "{error}");
    let reply = from_env(&[("CONVOCA_MAIL_REPLY_TO", "Secretariat <sec@example.org>")]).expect("ok");
    assert_eq!(reply.privacy_contact.to_string(), "sec@example.org", "defaults to where replies go");
}
