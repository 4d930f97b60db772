//! The `convoca` command: serve (the default), worker, migrate, check, mail-test, backup, purge,
//! organiser add, api-token create.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use tokio::sync::{Notify, watch};

use convoca::clock::Clock;
use convoca::config::{FileValues, Inputs, Logging, Settings};
use convoca::db;
use convoca::domain::{clean_line, parse_email};
use convoca::email::Mailer;
use convoca::jobs::Worker;
use convoca::startup::{Application, ServeOptions, open_database, pool_settings};

/// Webinar registration for a network of city governments.
///
/// Every setting is an environment variable and a key of the configuration file, listed after
/// the options with its default. An option wins over the environment, which wins over the
/// file, which wins over the default.
#[derive(Parser)]
#[command(name = "convoca", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web app (and, unless --no-worker, the email worker). The default.
    Serve(ServeArgs),
    /// Run only the email worker.
    Worker {
        /// Deliver what is due now (and read the bounce mailbox once), then exit.
        #[arg(long)]
        once: bool,
    },
    /// Apply pending database migrations, then exit (the release step).
    Migrate,
    /// Check the configuration, the database, the SMTP server and the DKIM key, and say what
    /// was found; exits non-zero when something fails.
    Check,
    /// Send one test message to ADDRESS through the outbox and the worker, and say whether it
    /// was sent.
    MailTest {
        /// Where the test message goes.
        address: String,
    },
    /// Write a consistent copy of the SQLite database to a new file, while the app runs.
    /// (PostgreSQL: use pg_dump; see docs/deployment.md.)
    Backup {
        /// The file to create; it must not exist yet.
        path: std::path::PathBuf,
    },
    /// Erase the personal data of registrations whose session ended more than DAYS ago
    /// (anonymised in place: counts by member and country stay).
    Purge {
        /// Days after the session's end [default: CONVOCA_RETENTION_DAYS, else 365].
        #[arg(long)]
        days: Option<i64>,
    },
    /// Manage organiser accounts.
    #[command(subcommand)]
    Organiser(OrganiserCommand),
    /// Manage organiser API tokens (as administrators do under /admin/api-tokens).
    #[command(subcommand)]
    ApiToken(ApiTokenCommand),
}

#[derive(Subcommand)]
enum ApiTokenCommand {
    /// Make a token and print its secret (shown this once; only its hash is kept). Audited.
    Create {
        /// Which system uses it, e.g. "CRM sync".
        #[arg(long)]
        name: String,
        /// A scope it holds: registrations:read, attendance:write, sessions:read,
        /// sessions:write. Give --scope once per scope.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Its last day, YYYY-MM-DD (UTC; at most two years from today).
        #[arg(long)]
        expires: String,
    },
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
    let matches = convoca::config::with_settings(Cli::command()).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let (inputs, file) = match gather_inputs(&matches) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("convoca: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    init_logging(&Logging::from_inputs(&inputs));
    if let Some(file) = file.as_ref().filter(|f| f.secrets_readable_by_others()) {
        tracing::warn!(path = %file.path.display(), "the configuration file holds secrets and other users can read it: chmod 600 it");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("convoca: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, inputs, file)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convoca: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The settings given: the command line wins over the environment, which wins over the
/// configuration file (`--config PATH`, else the default file when it exists).
fn gather_inputs(matches: &clap::ArgMatches) -> anyhow::Result<(Inputs, Option<FileValues>)> {
    let explicit = convoca::config::config_path(matches);
    let file = convoca::config::chosen_config_file(explicit.as_deref())?
        .map(|path| FileValues::read(&path))
        .transpose()?;
    let mut inputs = Inputs::new().fill_from_command_line(matches).fill_from_environment();
    if let Some(file) = &file {
        inputs = inputs.fill_from_file(file);
    }
    Ok((inputs, file))
}

/// Logs go to standard error; `CONVOCA_LOG_FORMAT=json` gives one JSON object per line. Text
/// logs are coloured only on a terminal: journald and log files would keep the escape codes.
fn init_logging(logging: &Logging) {
    let filter = tracing_subscriber::EnvFilter::try_new(&logging.filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if logging.json {
        builder.json().flatten_event(true).with_current_span(true).init();
    } else {
        builder.init();
    }
}

async fn run(cli: Cli, inputs: Inputs, file: Option<FileValues>) -> anyhow::Result<()> {
    let settings =
        Settings::load(&inputs).map_err(|e| convoca::config::locate_error(e, &inputs, file.as_ref()))?;
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => {
            settings.check_production_safety()?;
            let options = ServeOptions {
                worker: !args.no_worker,
                demo: settings.demo && !args.no_demo,
                pool: pool_settings(&settings),
                ..ServeOptions::default()
            };
            let app = Application::build(settings, options).await?;
            println!("Convoca is running at {}", app.settings.base_url);
            app.run_until_stopped().await
        }
        Command::Worker { once } => {
            let settings = Arc::new(settings);
            let pool = open_database(&settings, &pool_settings(&settings)).await?;
            let mailer = Mailer::from_settings(&settings)?;
            let worker = Worker::new(pool, settings, Clock::system(), mailer, Arc::new(Notify::new()));
            if once {
                let n = worker.run_until_idle().await?;
                println!("handled {n} message(s)");
                // The bounce mailbox too, when one is configured; mail went out either way.
                match worker.read_bounces().await {
                    Ok(p) if p.read > 0 => println!(
                        "read {} notice(s) from the bounce mailbox: {} bounced, {} delayed, {} ignored",
                        p.read, p.bounced, p.delayed, p.ignored
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = format!("{e:#}"), "could not read the bounce mailbox"),
                }
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
        Command::Check => {
            let findings =
                convoca::ops::check(&settings, &inputs, file.as_ref().map(|f| f.path.as_path())).await;
            for finding in &findings {
                println!("{finding}");
            }
            let failed: Vec<&str> = findings
                .iter()
                .filter(|f| f.status == convoca::ops::Status::Failed)
                .map(|f| f.what)
                .collect();
            if !failed.is_empty() {
                bail!("check failed: {}", failed.join(", "));
            }
            Ok(())
        }
        Command::MailTest { address } => {
            println!("{}", convoca::ops::mail_test(settings, &address).await?);
            Ok(())
        }
        Command::Purge { days } => {
            let days = days.or(settings.retention_days).unwrap_or(365);
            if !(1..=36_500).contains(&days) {
                bail!("--days {days}: expected a number of days from 1 to 36500");
            }
            let pool = open_database(&settings, &pool_settings(&settings)).await?;
            let now = Clock::system().now();
            let mail_dir = settings.mail_dir();
            let purged = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                let mut conn = pool.get()?;
                Ok(db::privacy::purge(&mut conn, &mail_dir, days, now)?)
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
        Command::ApiToken(ApiTokenCommand::Create { name, scopes, expires }) => {
            create_api_token(settings, &name, &scopes, &expires).await
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

use convoca::domain::password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, is_common};

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
    if password.chars().count() > MAX_PASSWORD_CHARS {
        bail!("the password must have at most {MAX_PASSWORD_CHARS} characters");
    }
    if is_common(&password) {
        bail!("this password is one of the 100,000 most common; choose another");
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

/// `convoca api-token create`: the organiser area's form, from the command line.
async fn create_api_token(
    settings: Settings,
    name: &str,
    scopes: &[String],
    expires: &str,
) -> anyhow::Result<()> {
    let now = Clock::system().now();
    let scopes: Vec<&str> =
        scopes.iter().flat_map(|s| s.split([',', ' '])).filter(|s| !s.is_empty()).collect();
    let request = convoca::domain::api_token::parse(name, &scopes, expires, now).map_err(|errors| {
        let said: Vec<String> = errors
            .iter()
            .map(|e| match e.field {
                "name" => "--name: give a name of at most 120 characters".to_owned(),
                "scopes" => format!(
                    "--scope: give one or more of {}",
                    convoca::domain::ApiScope::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ),
                _ => format!(
                    "--expires: give a day from today to {} days from now, as YYYY-MM-DD",
                    convoca::domain::api_token::MAX_TOKEN_DAYS
                ),
            })
            .collect();
        anyhow::anyhow!("{}", said.join("; "))
    })?;
    let pool = open_database(&settings, &Default::default()).await?;
    let new = db::api_tokens::NewToken {
        name: request.name,
        scopes: request.scopes,
        expires_at: request.expires_at,
    };
    let (token, secret) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut conn = pool.get()?;
        let operator = db::audit::Actor { id: String::new(), name: "operator (command line)".into() };
        Ok(db::api_tokens::create(&mut conn, &new, &operator, now)?)
    })
    .await??;
    eprintln!(
        "made the API token \"{}\" ({}), working through {} UTC; its secret, shown this once:",
        token.name,
        token.scopes,
        (token.expires_at - chrono::Duration::seconds(1)).format("%Y-%m-%d")
    );
    println!("{secret}");
    Ok(())
}
