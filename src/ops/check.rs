//! `convoca check`: the configuration, the database, the mail server, the DKIM key and the
//! bounce mailbox, each
//! tried the way the running app will use it, with what was found.

use std::fmt;
use std::time::Duration;

use url::Url;

use crate::config::{Inputs, SETTINGS, Settings, Source};
use crate::db;

/// How one finding went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Works, but is probably not what production wants.
    Warning,
    Failed,
}

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Finding {
    pub status: Status,
    pub what: &'static str,
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = match self.status {
            Status::Ok => "ok  ",
            Status::Warning => "warn",
            Status::Failed => "FAIL",
        };
        write!(f, "{mark}  {:<13} {}", self.what, self.detail)
    }
}

fn finding(status: Status, what: &'static str, detail: impl Into<String>) -> Finding {
    Finding { status, what, detail: detail.into() }
}

/// Tries everything the settings name; the settings themselves already parsed (a bad value
/// stops before this).
pub async fn check(settings: &Settings, inputs: &Inputs, file: Option<&std::path::Path>) -> Vec<Finding> {
    let mut findings = vec![configuration(settings, inputs, file)];
    findings.push(base_url(settings));
    findings.push(database(settings).await);
    findings.push(mail(settings).await);
    findings.push(dkim(settings));
    findings.push(bounces(settings).await);
    findings
}

fn configuration(settings: &Settings, inputs: &Inputs, file: Option<&std::path::Path>) -> Finding {
    let count = |source: Source| SETTINGS.iter().filter(|s| inputs.source(s.key) == source).count();
    let file = file.map_or_else(
        || "no configuration file".to_owned(),
        |p| format!("{} from {}", count(Source::File), p.display()),
    );
    let origin = format!(
        "{} from the command line, {} from the environment, {file}, the rest default",
        count(Source::CommandLine),
        count(Source::Environment),
    );
    match settings.check_production_safety() {
        Ok(()) => finding(Status::Ok, "configuration", format!("valid; {origin}")),
        Err(e) => finding(Status::Failed, "configuration", format!("{e:#} ({origin})")),
    }
}

fn base_url(settings: &Settings) -> Finding {
    let url: &Url = &settings.base_url;
    let shown = url.as_str().trim_end_matches('/');
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    if url.path() != "/" {
        return finding(
            Status::Failed,
            "base URL",
            format!("{shown} has the path {}: Convoca answers at the root of its own host name", url.path()),
        );
    }
    if url.scheme() != "https" && !local {
        return finding(
            Status::Warning,
            "base URL",
            format!("{shown} is not https: links in emails and sign-in cookies would travel in clear"),
        );
    }
    finding(Status::Ok, "base URL", format!("{shown} (every link in an email starts with it)"))
}

async fn database(settings: &Settings) -> Finding {
    let target = settings.database.clone();
    let pool_settings = db::PoolSettings {
        max_size: 1,
        connect_timeout: settings.db_connect_timeout.min(Duration::from_secs(10)),
        statement_timeout: settings.db_statement_timeout,
    };
    let described = target.describe();
    let found = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let pool = db::build_pool(&target, &pool_settings)?;
        let mut conn = pool.get()?;
        let version = db::server_version(&mut conn)?;
        let pending = db::pending_migrations(&mut conn)?;
        let pending = match pending.len() {
            0 => "no pending migration".to_owned(),
            n => format!(
                "{n} pending migration(s), applied by `convoca migrate` or at start: {}",
                pending.join(", ")
            ),
        };
        Ok(format!("{} {version}; {pending}", db::backend_name(&conn)))
    })
    .await;
    match found {
        Ok(Ok(text)) => finding(Status::Ok, "database", format!("{described}: {text}")),
        Ok(Err(e)) => finding(Status::Failed, "database", format!("{described}: {e:#}")),
        Err(e) => finding(Status::Failed, "database", format!("{described}: {e}")),
    }
}

async fn mail(settings: &Settings) -> Finding {
    let Some(smtp) = &settings.smtp else {
        let dir = settings.mail_dir();
        return match std::fs::create_dir_all(&dir) {
            Ok(()) => finding(
                Status::Warning,
                "mail",
                format!("SMTP_URL is not set: messages are written as .eml files in {}", dir.display()),
            ),
            Err(e) => finding(Status::Failed, "mail", format!("cannot create {}: {e}", dir.display())),
        };
    };
    let shown = format!("{smtp:?}");
    let url = Url::parse(smtp.expose()).ok();
    let tls = match (url.as_ref().map(Url::scheme), url.as_ref().and_then(|u| tls_param(u))) {
        (Some("smtps"), _) => "TLS",
        (_, Some("required")) => "STARTTLS",
        (_, Some("opportunistic")) => "STARTTLS when offered",
        _ => "no TLS",
    };
    let user = url.as_ref().map(|u| u.username().to_owned()).filter(|u| !u.is_empty());
    let relay = match crate::email::smtp::Relay::from_url(smtp.expose(), Duration::from_secs(10)) {
        Ok(relay) => relay,
        Err(e) => return finding(Status::Failed, "mail", format!("{shown}: {e:#}")),
    };
    // The worker's own connection: TCP_NODELAY, EHLO, STARTTLS when the URL asks for it, AUTH
    // when it names a user (lettre speaks each), then NOOP and QUIT.
    match relay.connect().await {
        Ok(mut conn) => {
            let answered = conn.test_connected().await;
            let _ = conn.quit().await;
            if answered {
                let auth =
                    user.map_or_else(|| "no authentication".to_owned(), |u| format!("authenticated as {u}"));
                finding(Status::Ok, "mail", format!("{shown}: EHLO answered, {tls}, {auth}"))
            } else {
                finding(
                    Status::Failed,
                    "mail",
                    format!("{shown}: connected, but the server did not answer NOOP"),
                )
            }
        }
        Err(e) => finding(Status::Failed, "mail", format!("{shown}: {}", e.detail)),
    }
}

fn tls_param(url: &Url) -> Option<&'static str> {
    url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| match v.as_ref() {
        "required" => "required",
        "opportunistic" => "opportunistic",
        _ => "none",
    })
}

fn dkim(settings: &Settings) -> Finding {
    match &settings.dkim {
        Some(signer) => finding(
            Status::Ok,
            "DKIM",
            format!(
                "the key of CONVOCA_DKIM_KEY_FILE is read and signs as d={} s={} (its public key belongs at {}._domainkey.{})",
                signer.domain(),
                signer.selector(),
                signer.selector(),
                signer.domain()
            ),
        ),
        None => finding(Status::Warning, "DKIM", "not configured: messages are not signed"),
    }
}

/// The bounce mailbox: signs in over IMAP the way the worker will, and out again.
async fn bounces(settings: &Settings) -> Finding {
    let Some(address) = settings.bounces.address.clone() else {
        return finding(
            Status::Warning,
            "bounces",
            "CONVOCA_BOUNCE_ADDRESS is not set: bounces a relay sends later by mail are not matched to their message",
        );
    };
    let Some(mailbox) = settings.bounces.mailbox.clone() else {
        return finding(
            Status::Warning,
            "bounces",
            format!(
                "return paths are {}+<message>.<tag>@{}, but CONVOCA_BOUNCE_IMAP_URL is not set: nothing reads them",
                address.user(),
                address.domain()
            ),
        );
    };
    let shown = format!("{mailbox:?}");
    match tokio::task::spawn_blocking(move || crate::bounces::check_login(&mailbox)).await {
        Ok(Ok(())) => finding(
            Status::Ok,
            "bounces",
            format!(
                "{shown}: signed in; return paths are {}+<message>.<tag>@{}",
                address.user(),
                address.domain()
            ),
        ),
        Ok(Err(e)) => finding(Status::Failed, "bounces", format!("{shown}: {e:#}")),
        Err(e) => finding(Status::Failed, "bounces", format!("{shown}: {e}")),
    }
}
