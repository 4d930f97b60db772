//! The `convoca` command: serve (the default), worker, migrate, organiser add.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use tokio::sync::{Notify, watch};

use convoca::clock::Clock;
use convoca::config::{RawSettings, Settings};
use convoca::db;
use convoca::domain::{clean_line, parse_email};
use convoca::email::Mailer;
use convoca::jobs::Worker;
use convoca::startup::{Application, ServeOptions, open_database};

/// Webinar registration for a network of city governments.
///
/// Settings come from the environment (shown in brackets) or the options below. Two more are
/// read from the environment only, because they are secrets: SMTP_URL (unset: emails are
/// written as .eml files under the data folder) and CONVOCA_SECRET_KEY (unset: one is
/// generated and kept in the data folder).
#[derive(Parser)]
#[command(name = "convoca", version)]
struct Cli {
    #[command(flatten)]
    settings: SettingsArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args)]
struct SettingsArgs {
    /// Database: postgres://… for PostgreSQL, or a SQLite file (default: DATA_DIR/convoca.db).
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "CONVOCA_BIND", global = true)]
    bind: Option<String>,
    /// Public address used in every emailed link [default: http://BIND].
    #[arg(long, env = "CONVOCA_BASE_URL", global = true)]
    base_url: Option<String>,
    /// Folder for the SQLite database, the secret key and .eml files [default: ./data].
    #[arg(long, env = "CONVOCA_DATA_DIR", global = true)]
    data_dir: Option<String>,
    /// Sender of emails, e.g. "Metropolis webinars <webinars@example.org>".
    #[arg(long, env = "CONVOCA_MAIL_FROM", global = true)]
    mail_from: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web app (and, unless --no-worker, the email worker). The default.
    Serve(ServeArgs),
    /// Run only the email worker.
    Worker {
        /// Deliver what is due now, then exit.
        #[arg(long)]
        once: bool,
    },
    /// Apply pending database migrations, then exit (the release step).
    Migrate,
    /// Write a consistent copy of the SQLite database to a new file, while the app runs.
    /// (PostgreSQL: use pg_dump; see docs/deployment.md.)
    Backup {
        /// The file to create; it must not exist yet.
        path: std::path::PathBuf,
    },
    /// Erase the personal data of registrations whose session ended more than DAYS ago
    /// (anonymised in place: counts by member and country stay).
    Purge {
        /// Days after the session's end [default: CONVOCA_RETENTION_DAYS, else 730].
        #[arg(long)]
        days: Option<i64>,
    },
    /// Manage organiser accounts.
    #[command(subcommand)]
    Organiser(OrganiserCommand),
}

#[derive(Args, Default)]
struct ServeArgs {
    /// Do not run the email worker in this process (run `convoca worker` instead).
    #[arg(long)]
    no_worker: bool,
    /// Do not load the demo data into an empty database (also: CONVOCA_DEMO=0).
    #[arg(long)]
    no_demo: bool,
}

#[derive(Subcommand)]
enum OrganiserCommand {
    /// Create an organiser account; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Give the account the administrator role.
        #[arg(long)]
        admin: bool,
    },
}

fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("convoca: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convoca: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to standard error; `CONVOCA_LOG_FORMAT=json` gives one JSON object per line.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("CONVOCA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder.json().flatten_event(true).with_current_span(true).init();
    } else {
        builder.init();
    }
}

/// Pool size and timeouts: CONVOCA_DB_POOL_SIZE, CONVOCA_DB_CONNECT_TIMEOUT and
/// CONVOCA_DB_STATEMENT_TIMEOUT (seconds).
fn pool_settings() -> anyhow::Result<db::PoolSettings> {
    let number = |name: &str, default: u64, max: u64| -> anyhow::Result<u64> {
        match std::env::var(name).ok().filter(|v| !v.trim().is_empty()) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| anyhow::anyhow!("{name} {v:?}: expected a whole number from 1 to {max}")),
        }
    };
    Ok(db::PoolSettings {
        max_size: u32::try_from(number("CONVOCA_DB_POOL_SIZE", 16, 256)?)?,
        connect_timeout: std::time::Duration::from_secs(number("CONVOCA_DB_CONNECT_TIMEOUT", 10, 300)?),
        statement_timeout: std::time::Duration::from_secs(number("CONVOCA_DB_STATEMENT_TIMEOUT", 30, 3600)?),
    })
}

fn settings_from(args: SettingsArgs) -> anyhow::Result<Settings> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Settings::from_raw(RawSettings {
        database_url: args.database_url,
        bind: args.bind,
        base_url: args.base_url,
        data_dir: args.data_dir,
        smtp_url: env("SMTP_URL"),
        mail_from: args.mail_from,
        secret_key: env("CONVOCA_SECRET_KEY"),
        smtp_concurrency: env("CONVOCA_SMTP_CONCURRENCY"),
        metrics_token: env("CONVOCA_METRICS_TOKEN"),
        retention_days: env("CONVOCA_RETENTION_DAYS"),
        trusted_proxies: env("CONVOCA_TRUSTED_PROXIES"),
        registration_limit: env("CONVOCA_REGISTRATION_LIMIT"),
    })
}

fn demo_enabled(args: &ServeArgs) -> bool {
    let env_off = std::env::var("CONVOCA_DEMO")
        .map(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "0" | "false" | "no" | "off"))
        .unwrap_or(false);
    !args.no_demo && !env_off
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = settings_from(cli.settings)?;
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => {
            settings.check_production_safety()?;
            let options = ServeOptions {
                worker: !args.no_worker,
                demo: demo_enabled(&args),
                pool: pool_settings()?,
                ..ServeOptions::default()
            };
            let app = Application::build(settings, options).await?;
            println!("Convoca is running at {}", app.settings.base_url);
            app.run_until_stopped().await
        }
        Command::Worker { once } => {
            let settings = Arc::new(settings);
            let pool = open_database(&settings, &pool_settings()?).await?;
            let mailer = Mailer::from_settings(&settings)?;
            let worker = Worker::new(pool, settings, Clock::system(), mailer, Arc::new(Notify::new()));
            if once {
                let n = worker.run_until_idle().await?;
                println!("handled {n} message(s)");
                return Ok(());
            }
            let (stop_tx, stop_rx) = watch::channel(false);
            let handle = tokio::spawn(worker.run(stop_rx));
            shutdown_signal().await;
            let _ = stop_tx.send(true);
            handle.await.context("worker task")?;
            Ok(())
        }
        Command::Migrate => {
            let target = settings.database.clone();
            let applied = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
                let pool = db::build_pool(&target, &Default::default())?;
                let mut conn = pool.get()?;
                db::run_migrations(&mut conn)
            })
            .await??;
            if applied.is_empty() {
                println!("the database is up to date");
            } else {
                println!("applied {} migration(s): {}", applied.len(), applied.join(", "));
            }
            Ok(())
        }
        Command::Purge { days } => {
            let days = days.or(settings.retention_days).unwrap_or(730);
            if !(1..=36_500).contains(&days) {
                bail!("--days {days}: expected a number of days from 1 to 36500");
            }
            let pool = open_database(&settings, &pool_settings()?).await?;
            let now = Clock::system().now();
            let purged = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                let mut conn = pool.get()?;
                Ok(db::privacy::purge(&mut conn, days, now)?)
            })
            .await??;
            println!(
                "erased the personal data of {purged} registration(s) of sessions that ended more than {days} days ago"
            );
            Ok(())
        }
        Command::Backup { path } => {
            let target = settings.database.clone();
            let written = tokio::task::spawn_blocking(move || -> anyhow::Result<std::path::PathBuf> {
                let pool = db::build_pool(&target, &Default::default())?;
                let mut conn = pool.get()?;
                db::backup_sqlite(&mut conn, &path)?;
                Ok(path)
            })
            .await??;
            println!("wrote a consistent copy of the database to {}", written.display());
            Ok(())
        }
        Command::Organiser(OrganiserCommand::Add { email, name, admin }) => {
            add_organiser(settings, &email, &name, admin).await
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

const MIN_PASSWORD_CHARS: usize = 12;

async fn add_organiser(settings: Settings, email: &str, name: &str, admin: bool) -> anyhow::Result<()> {
    let email = parse_email("email", email)
        .map_err(|_| anyhow::anyhow!("--email {email:?} is not a valid email address"))?;
    let name =
        clean_line("name", name, 120).map_err(|_| anyhow::anyhow!("--name is longer than 120 characters"))?;
    if name.is_empty() {
        bail!("--name must not be empty");
    }
    if std::io::stdin().is_terminal() {
        eprintln!("Password for {email} (at least {MIN_PASSWORD_CHARS} characters), then Enter:");
    }
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password).context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password must have at least {MIN_PASSWORD_CHARS} characters");
    }
    let hash = tokio::task::spawn_blocking(move || convoca::security::hash_password(&password)).await??;
    let pool = open_database(&settings, &Default::default()).await?;
    let now = Clock::system().now();
    let (email_for_db, name_for_db) = (email.clone(), name.clone());
    let outcome = tokio::task::spawn_blocking(move || -> anyhow::Result<db::organisers::AddOutcome> {
        let mut conn = pool.get()?;
        Ok(db::organisers::add(&mut conn, &email_for_db, &name_for_db, &hash, admin, now)?)
    })
    .await??;
    match outcome {
        db::organisers::AddOutcome::Added(_) => {
            println!("added {} {name} <{email}>", if admin { "administrator" } else { "organiser" });
            Ok(())
        }
        db::organisers::AddOutcome::EmailTaken => bail!("an organiser with the email {email} already exists"),
    }
}
