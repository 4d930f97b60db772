//! Benchmark: 10,000 reminder emails delivered to a local SMTP server.
//!
//!     cargo bench --bench reminders                      # SQLite
//!     BENCH_DATABASE_URL=postgres://… cargo bench --bench reminders
//!
//! Seeds one session with N confirmed registrations (N = BENCH_REMINDERS, default 10,000),
//! moves the clock to the 7-day reminder and times the worker until everything is delivered
//! to an SMTP server on 127.0.0.1 in this process. Prints the time and rate.

use std::net::{IpAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::{Duration, SubsecRound, Utc};
use convoca::clock::Clock;
use convoca::config::{RawSettings, Settings};
use convoca::db::models::{DEFAULT_REMINDER_OFFSETS, Registration, RegistrationDetails, Session};
use convoca::db::schema::{registrations, sessions};
use convoca::db::{PoolSettings, write_tx};
use convoca::domain::{ApprovalMode, RegistrationStatus, SessionStatus};
use convoca::email::Mailer;
use convoca::jobs::Worker;
use convoca::startup::open_database;
use diesel::prelude::*;
use mailin_embedded::response::OK;
use mailin_embedded::{Handler, Response, Server, SslConfig};

#[derive(Clone)]
struct Counter(Arc<AtomicUsize>);

impl Handler for Counter {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        OK
    }
    fn data_end(&mut self) -> Response {
        self.0.fetch_add(1, Ordering::Relaxed);
        OK
    }
}

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::var("BENCH_REMINDERS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run(n))
}

async fn run(n: usize) -> anyhow::Result<()> {
    let received = Arc::new(AtomicUsize::new(0));
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let smtp_port = listener.local_addr()?.port();
    let mut server = Server::new(Counter(received.clone()));
    server.with_name("bench.local").with_num_threads(160).with_tcp_listener(listener);
    server.with_ssl(SslConfig::None).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    std::thread::spawn(move || {
        let _ = server.serve();
    });

    let dir = tempfile::tempdir()?;
    // PostgreSQL: a throwaway database on the given server, dropped at the end.
    let throwaway = std::env::var("BENCH_DATABASE_URL").ok().map(|admin| {
        let name = format!("convoca_bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = diesel::PgConnection::establish(&admin).expect("BENCH_DATABASE_URL");
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).expect("create database");
        let mut url = url::Url::parse(&admin).expect("a URL");
        url.set_path(&name);
        (admin, name, url.to_string())
    });
    let database_url = match &throwaway {
        Some((_, _, url)) => url.clone(),
        None => dir.path().join("bench.db").to_string_lossy().into_owned(),
    };
    let settings = Settings::from_raw(RawSettings {
        database_url: Some(database_url),
        base_url: Some("http://127.0.0.1:8080".into()),
        data_dir: Some(dir.path().to_string_lossy().into_owned()),
        smtp_url: (std::env::var("BENCH_FILES").is_err()).then(|| format!("smtp://127.0.0.1:{smtp_port}")),
        secret_key: Some("benchmark-secret-key-long-enough-0123456789".into()),
        smtp_concurrency: std::env::var("CONVOCA_SMTP_CONCURRENCY").ok(),
        ..Default::default()
    })?;
    let engine = settings.database.describe();
    let pool = open_database(&settings, &PoolSettings::default()).await?;
    let now = Utc::now().naive_utc().trunc_subsecs(6);
    let session_id = convoca::domain::SessionId::new();

    let seed_pool = pool.clone();
    let seed_session = session_id.clone();
    let seeded = Instant::now();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = seed_pool.get()?;
        write_tx(&mut conn, |conn| -> anyhow::Result<()> {
            diesel::insert_into(sessions::table)
                .values(&Session {
                    id: seed_session.clone(),
                    series_id: None,
                    slug: format!("bench-{seed_session}"),
                    title: "Benchmark webinar".into(),
                    summary: String::new(),
                    description: String::new(),
                    language: "en".into(),
                    starts_at: now + Duration::days(10),
                    timezone: "Europe/Paris".into(),
                    duration_minutes: 90,
                    capacity: i32::try_from(n)?,
                    registration_opens_at: None,
                    registration_closes_at: None,
                    status: SessionStatus::Published,
                    join_url: Some("https://meet.example.org/bench".into()),
                    recording_url: None,
                    version: 1,
                    is_demo: false,
                    created_at: now,
                    updated_at: now,
                    reminder_offsets: DEFAULT_REMINDER_OFFSETS.into(),
                    follow_up_delay_minutes: 120,
                    approval_mode: ApprovalMode::Automatic,
                })
                .execute(conn)?;
            for i in 0..n {
                let email = format!("official{i}@city{}.example.org", i % 97);
                diesel::insert_into(registrations::table)
                    .values(&Registration {
                        status: RegistrationStatus::Confirmed,
                        confirmed_at: Some(now),
                        ..Registration::pending(
                            &seed_session,
                            RegistrationDetails {
                                organisation_other: Some("City".into()),
                                country: "Spain".into(),
                                language: ["en", "fr", "es"][i % 3].into(),
                                timezone: Some("America/Bogota".into()),
                                ..RegistrationDetails::sample(&format!("Official {i}"), &email, now)
                            },
                            now,
                        )
                    })
                    .execute(conn)?;
            }
            Ok(())
        })
    })
    .await??;
    println!("engine: {engine}; seeded {n} confirmed registrations in {:.2?}", seeded.elapsed());

    let settings = Arc::new(settings);
    let mailer = Mailer::from_settings(&settings)?;
    let clock = Clock::fixed(now + Duration::days(3) + Duration::minutes(1));
    let worker = Worker::new(pool, settings, clock, mailer, Arc::new(tokio::sync::Notify::new()));
    let started = Instant::now();
    let handled = worker.run_until_idle().await?;
    let elapsed = started.elapsed();
    let delivered = received.load(Ordering::Relaxed);
    println!(
        "reminders: {handled} handled, {delivered} received by the SMTP server in {:.2} s = {:.0} messages/s",
        elapsed.as_secs_f64(),
        delivered as f64 / elapsed.as_secs_f64()
    );
    drop(worker);
    if let Some((admin, name, _)) = throwaway {
        let mut conn = diesel::PgConnection::establish(&admin)?;
        diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut conn)?;
    }
    anyhow::ensure!(
        delivered == n || std::env::var("BENCH_FILES").is_ok(),
        "expected {n} messages, the server received {delivered}"
    );
    Ok(())
}
