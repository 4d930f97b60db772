//! The benchmark suite: every figure of issue #7 next to its budget, in one command.
//!
//!     cargo bench --bench suite                    # SQLite, full sizes (a few minutes)
//!     BENCH_SMOKE=1 cargo bench --bench suite      # small and short: checks the harness works
//!     BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench suite
//!
//! Seeds a fresh database (SQLite in a temporary folder, or a throwaway PostgreSQL database
//! created on the server of `BENCH_DATABASE_URL` and dropped at the end) with 50 sessions, ten
//! speakers on each panel, organisations, 100,000 registrations spread over the sessions and one
//! more session of 100,000 registrations for the CSV export, two mails in the outbox for each
//! registration in the sessions and one for each in the export session, and one session's
//! reminders due. Then it starts the release binary
//! (`convoca serve --no-worker --no-demo`) as a child process and measures, with wrk at 32
//! connections: the reference page (`/_bench/reference`: same server, middleware and pool, one
//! `SELECT 1`, a static template of a session page's size), the hot session's public page, the
//! catalogue and the registration POST (a new address each time, counted in the database
//! afterwards); then the CSV export, the server's resident memory, and its cold start. The
//! summary is printed and written to `target/bench-suite.md` (`target/bench-suite-smoke.md` for a
//! smoke run).
//!
//! Sizes and load: BENCH_SESSIONS (50), BENCH_SPEAKERS_PER_SESSION (10), BENCH_ORGANISATIONS
//! (200), BENCH_REGISTRATIONS (100000), BENCH_EXPORT_ROWS (100000), BENCH_OUTBOX_HISTORY (1: one
//! sent confirmation per seeded registration), BENCH_DURATION (10 s per run), BENCH_WARMUP (2 s),
//! BENCH_CONNECTIONS (32), BENCH_THREADS (2), BENCH_COLD_STARTS (3), BENCH_ONE_ADDRESS=1 (every
//! registration from 127.0.0.1 instead of its own X-Forwarded-For address), BENCH_ACCEPT_ENCODING
//! (e.g. "gzip, br": sent with the page requests), BENCH_MALLOC_ARENA_MAX (2, as
//! contrib/convoca.service; empty for glibc's default), BENCH_KEEP=1 (keep the temporary folder: the
//! database, the server's log, the pages as fetched; and the throwaway PostgreSQL database). `BENCH_SMOKE=1`, or running it through
//! `cargo test --bench suite`, uses 2,000 registrations and 2 s runs.
//!
//! `BENCH_SCALE=10k`, `100k` or `1m` (or a list, `10k,100k,1m`, run one after the other) sets
//! the sizes of a scale run and writes the costs side by side (`scale.rs`); every run also times
//! the organiser's member report of a series and the worker's claims of due mail.
//!
//! The 10,000 reminder emails have their own benchmark: `cargo bench --bench reminders`.

// cache: the compressed session page and issue 24's page budgets.
mod compressed;
// pgbatch: PostgreSQL's own rate for the POST's writes, beside it.
mod bulk;
mod pgbench;
mod probe;
mod scale;
mod seed;
mod server;
mod wrk;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{SubsecRound, Utc};
use convoca::config::{RawSettings, Settings};
use convoca::db::schema::{outbox, registrations};
use convoca::db::{DbPool, PoolSettings};
use diesel::prelude::*;

use seed::{Seeded, Sizes};
use server::{Http, RssSampler, RssStats, Server, memory_kib};
use wrk::{Load, WrkResult};

const SECRET: &str = "benchmark-suite-secret-key-long-enough-0123456789";
const REPORT_LUA: &str = include_str!("report.lua");
const REGISTER_LUA: &str = include_str!("register.lua");

/// The budgets of issue #7.
const REGISTRATIONS_PER_S_MIN: f64 = 3000.0;
const EXPORT_MAX_S: f64 = 2.0;
const RSS_MAX_MIB: f64 = 64.0;
const COLD_START_MAX_S: f64 = 1.0;

struct Config {
    smoke: bool,
    scale: Option<scale::Scale>,
    sizes: Sizes,
    load: Load,
    warmup: Duration,
    cold_starts: usize,
    distinct_addresses: bool,
    page_headers: Vec<String>,
}

fn env_number(name: &str, default: usize) -> anyhow::Result<usize> {
    match std::env::var(name).ok().filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| anyhow::anyhow!("{name} {v:?}: expected a whole number")),
    }
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

impl Config {
    fn from_env(scale: Option<scale::Scale>) -> anyhow::Result<Self> {
        // `cargo bench` passes --bench; `cargo test --bench suite` does not: a smoke run then.
        let smoke = env_flag("BENCH_SMOKE") || !std::env::args().any(|a| a == "--bench");
        let (registrations, seconds, warmup, cold_starts) =
            if smoke { (2_000, 2, 1, 1) } else { (100_000, 10, 2, 3) };
        let (registrations, export_rows) =
            scale.map_or((registrations, registrations), |s| (s.registrations(), s.export_rows()));
        let sizes = Sizes {
            sessions: env_number("BENCH_SESSIONS", 50)?,
            speakers_per_session: env_number("BENCH_SPEAKERS_PER_SESSION", 10)?,
            organisations: env_number("BENCH_ORGANISATIONS", 200)?,
            registrations: env_number("BENCH_REGISTRATIONS", registrations)?,
            export_rows: env_number("BENCH_EXPORT_ROWS", export_rows)?,
            outbox_history: std::env::var("BENCH_OUTBOX_HISTORY").map_or(true, |v| v.trim() != "0"),
        };
        let load = Load {
            threads: env_number("BENCH_THREADS", 2)?,
            connections: env_number("BENCH_CONNECTIONS", 32)?,
            duration: Duration::from_secs(env_number("BENCH_DURATION", seconds)? as u64),
        };
        let page_headers = std::env::var("BENCH_ACCEPT_ENCODING")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| vec![format!("Accept-Encoding: {v}")])
            .unwrap_or_default();
        Ok(Self {
            smoke,
            scale,
            sizes,
            load,
            warmup: Duration::from_secs(env_number("BENCH_WARMUP", warmup)? as u64),
            cold_starts: env_number("BENCH_COLD_STARTS", cold_starts)?.max(1),
            distinct_addresses: !env_flag("BENCH_ONE_ADDRESS"),
            page_headers,
        })
    }
}

/// The database under test; a throwaway PostgreSQL database is dropped on drop (kept with
/// `BENCH_KEEP=1`).
struct Database {
    url: String,
    engine: &'static str,
    throwaway: Option<(String, String)>,
}

impl Database {
    fn create(dir: &Path) -> anyhow::Result<Self> {
        let Some(admin) = std::env::var("BENCH_DATABASE_URL").ok().filter(|v| !v.is_empty()) else {
            let path = dir.join("bench.db").to_string_lossy().into_owned();
            return Ok(Self { url: path, engine: "SQLite", throwaway: None });
        };
        let name = format!("convoca_bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = diesel::PgConnection::establish(&admin).context("connecting to BENCH_DATABASE_URL")?;
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn)?;
        let mut url = url::Url::parse(&admin)?;
        url.set_path(&name);
        Ok(Self { url: url.to_string(), engine: "PostgreSQL", throwaway: Some((admin, name)) })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.throwaway {
            if env_flag("BENCH_KEEP") {
                println!("kept the PostgreSQL database {name}");
                return;
            }
            let dropped = diesel::PgConnection::establish(admin).and_then(|mut conn| {
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
            });
            if let Err(e) = dropped {
                eprintln!("could not drop the throwaway database {name}: {e}");
            }
        }
    }
}

/// One page under wrk, with the server's memory during the measured run.
struct PageRun {
    name: &'static str,
    path: String,
    bytes: usize,
    /// The first request, a miss of the page cache.
    first: Duration,
    result: WrkResult,
    rss: RssStats,
    /// Single requests beside wrk's (not for the compressed run).
    probe: Option<probe::ProbeStats>,
}

struct ColdStart {
    healthz: Duration,
    session_page: Duration,
}

struct PostRun {
    result: WrkResult,
    rss: RssStats,
    registrations: i64,
    outbox: i64,
}

struct ExportRun {
    rows: u64,
    bytes: u64,
    first_byte: Duration,
    elapsed: Duration,
    rss_before_kib: u64,
    rss: RssStats,
    hwm_before_kib: u64,
    hwm_after_kib: u64,
}

fn main() -> anyhow::Result<()> {
    let scales = scale::from_env()?;
    wrk::check_installed()?;
    let load_before = load_average();
    let mut columns = Vec::new();
    for scale in scales.iter().copied().map(Some).chain(scales.is_empty().then_some(None)) {
        let config = Config::from_env(scale)?;
        let dir = tempfile::tempdir()?;
        let result = run(&config, dir.path());
        if env_flag("BENCH_KEEP") {
            println!("kept {} (database, server log, pages)", dir.keep().display());
        }
        columns.push(result?);
    }
    if !scales.is_empty() {
        let table = scale::table(&columns, &load_before, &load_average());
        println!("\n{table}");
        let out = target_dir().join("bench-suite-scale.md");
        std::fs::write(&out, &table).with_context(|| format!("writing {}", out.display()))?;
        println!("written to {}", out.display());
    }
    Ok(())
}

fn run(config: &Config, dir: &Path) -> anyhow::Result<scale::Column> {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_convoca"));
    let load_before = load_average();
    let database = Database::create(dir)?;
    let http = Http::new()?;
    println!(
        "suite{}: {} in {}; server {}",
        if config.smoke { " (smoke)" } else { "" },
        database.engine,
        dir.display(),
        binary.display()
    );

    // 1. The data set, through the library (migrations included).
    let settings = Settings::from_raw(RawSettings {
        database_url: Some(database.url.clone()),
        data_dir: Some(dir.to_string_lossy().into_owned()),
        secret_key: Some(SECRET.into()),
        ..Default::default()
    })?;
    // Bulk statements and VACUUM at a million rows take longer than the app's statement limit.
    let pool_settings =
        PoolSettings { max_size: 2, statement_timeout: Duration::from_secs(1800), ..PoolSettings::default() };
    let pool = http.block_on(convoca::startup::open_database(&settings, &pool_settings))?;
    let now = Utc::now().naive_utc().trunc_subsecs(0);
    let seeding = Instant::now();
    let seeded = {
        let mut conn = pool.get()?;
        seed::seed(&mut conn, &config.sizes, now)?
    };
    let seed_time = seeding.elapsed();
    println!(
        "seeded {} sessions, {} speakers, {} registrations ({} in the export session), {} outbox rows in {:.1} s",
        config.sizes.sessions + 1,
        seeded.speakers,
        seeded.registrations,
        seeded.export_rows,
        seeded.outbox,
        seed_time.as_secs_f64()
    );

    // 2. Cold starts: spawn to the first 200 from /healthz, then from the session page.
    let mut server_env = vec![
        ("DATABASE_URL".to_owned(), database.url.clone()),
        ("CONVOCA_DATA_DIR".to_owned(), dir.to_string_lossy().into_owned()),
        ("CONVOCA_SECRET_KEY".to_owned(), SECRET.to_owned()),
        ("CONVOCA_REGISTRATION_LIMIT".to_owned(), "1000000".to_owned()),
        ("CONVOCA_TRUSTED_PROXIES".to_owned(), "127.0.0.1".to_owned()),
    ];
    // As contrib/convoca.service runs it; BENCH_MALLOC_ARENA_MAX= (empty) for glibc's default.
    let arenas = std::env::var("BENCH_MALLOC_ARENA_MAX").unwrap_or_else(|_| "2".to_owned());
    if !arenas.trim().is_empty() {
        server_env.push(("MALLOC_ARENA_MAX".to_owned(), arenas));
    }
    let log = dir.join("server.log");
    let session_path = format!("/sessions/{}", seeded.hot_slug);
    let mut cold_starts = Vec::new();
    let mut server = None;
    for attempt in 0..config.cold_starts {
        let mut started = Server::spawn(&binary, &server_env, &log)?;
        let since = started.started;
        let healthz = http
            .wait_for_ok(&started.url("/healthz"), since, Duration::from_secs(60))
            .with_context(|| started.log_tail())?;
        let session_page = http.wait_for_ok(&started.url(&session_path), since, Duration::from_secs(60))?;
        started.check_alive()?;
        println!(
            "cold start {}: /healthz 200 after {:.0} ms, session page after {:.0} ms",
            attempt + 1,
            healthz.as_secs_f64() * 1e3,
            session_page.as_secs_f64() * 1e3
        );
        cold_starts.push(ColdStart { healthz, session_page });
        if attempt + 1 < config.cold_starts {
            started.stop()?;
        } else {
            server = Some(started);
        }
    }
    let mut server = server.ok_or_else(|| anyhow::anyhow!("no server"))?;
    let rss_idle_kib = memory_kib(server.pid).map(|(rss, _)| rss).unwrap_or(0);

    // 3-4. The pages, each checked once, then under wrk.
    let report_lua = dir.join("report.lua");
    let register_lua = dir.join("register.lua");
    std::fs::write(&report_lua, REPORT_LUA)?;
    std::fs::write(&register_lua, REGISTER_LUA)?;
    let mut pages = Vec::new();
    for (name, path) in [
        ("reference page", "/_bench/reference".to_owned()),
        ("session page", session_path.clone()),
        ("catalogue", "/".to_owned()),
    ] {
        let url = server.url(&path);
        // The first request of each page after the start is a miss of the page cache.
        let asked = Instant::now();
        let reply = http.get(&url, None)?;
        let first = asked.elapsed();
        anyhow::ensure!(reply.status == 200, "GET {path}: {} (expected 200)", reply.status);
        std::fs::write(dir.join(format!("{}.html", name.replace(' ', "-"))), &reply.body)?;
        if !config.warmup.is_zero() {
            let warmup = Load { duration: config.warmup, ..config.load };
            wrk::run(&report_lua, &url, warmup, &config.page_headers, &[])?;
        }
        let reads_before = server.version_reads(&http);
        let sampler = RssSampler::start(server.pid);
        let probe = probe::Probe::start(url.clone());
        let result = wrk::run(&report_lua, &url, config.load, &config.page_headers, &[])?;
        let probe = probe.finish()?;
        let rss = sampler.finish();
        server.check_alive()?;
        println!(
            "{name} ({path}, {} bytes): {}; {}; max RSS {:.1} MiB; {}",
            reply.body.len(),
            result.line(),
            probe.line(),
            mib(rss.max_kib),
            version_reads_text(reads_before, server.version_reads(&http))
        );
        pages.push(PageRun { name, path, bytes: reply.body.len(), first, result, rss, probe: Some(probe) });
    }
    pages.push(compressed::run(&http, &mut server, &report_lua, config, &session_path)?);

    // 5. The registration POST, a new address each time.
    let post = register(&http, &server, &pool, &seeded, config, &register_lua)?;
    server.check_alive()?;
    let pgbench = (database.engine == "PostgreSQL")
        .then(|| pgbench::run(&database.url, &pool, &seeded, config, dir))
        .transpose()?;

    // 6. The CSV export of the big session, with the server's memory before and during.
    let export = export(&http, &server, &seeded)?;
    server.check_alive()?;
    // 7. The organiser's member report of a series; then, server stopped, the worker's claims.
    let report = scale::member_report(&http, &server, &seeded, if config.smoke { 2 } else { 6 })?;
    server.check_alive()?;
    let rss_end_kib = memory_kib(server.pid).map(|(rss, _)| rss).unwrap_or(0);
    server.stop()?;
    let batch = i64::try_from(settings.smtp_concurrency * 10).unwrap_or(100).max(100);
    let claim = scale::claims(&pool, &seeded, batch)?;
    drop(pool);

    let figures = Summary {
        config,
        engine: database.engine,
        seeded: &seeded,
        seed_time,
        cold_starts: &cold_starts,
        rss_idle_kib,
        rss_end_kib,
        pages: &pages,
        post: &post,
        pgbench: pgbench.as_ref(),
        export: &export,
        report: &report,
        claim: &claim,
        load_before,
        load_after: load_average(),
    };
    let summary = summarise(&figures);
    println!("\n{summary}");
    let target = target_dir();
    std::fs::create_dir_all(&target)?;
    // A smoke run does not overwrite the figures of a full one.
    let out = target.join(match (config.smoke, config.scale) {
        (true, _) => "bench-suite-smoke.md".to_owned(),
        (false, Some(scale)) => format!("bench-suite-{}.md", scale.label()),
        (false, None) => "bench-suite.md".to_owned(),
    });
    std::fs::write(&out, &summary).with_context(|| format!("writing {}", out.display()))?;
    println!("written to {}", out.display());

    // What must hold for the figures to mean anything (not the budgets: those are reported).
    for page in &pages {
        anyhow::ensure!(
            page.result.status == 0 && page.result.socket_errors() == 0,
            "{} answered {} errors under load",
            page.name,
            page.result.status + page.result.socket_errors()
        );
    }
    let ok = i64::try_from(post.result.successes())?;
    anyhow::ensure!(
        post.result.status == 0
            && post.registrations >= ok
            && post.registrations - ok <= config.load.connections as i64,
        "registration POST: {} answered 2xx/3xx, {} failed, but {} registrations were stored",
        ok,
        post.result.status,
        post.registrations
    );
    anyhow::ensure!(
        post.outbox == post.registrations,
        "{} registrations stored with {} outbox rows",
        post.registrations,
        post.outbox
    );
    anyhow::ensure!(
        export.rows == seeded.export_rows as u64,
        "the export has {} rows, the session {}",
        export.rows,
        seeded.export_rows
    );
    let label = config.scale.map_or("default", scale::Scale::label);
    Ok(scale::Column::new(label, &figures, &report, &claim))
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// `target/` (or `CARGO_TARGET_DIR`): the server binary is `target/<profile>/convoca`.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let binary = Path::new(env!("CARGO_BIN_EXE_convoca"));
    binary.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("target"))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn count_posted(pool: &DbPool, tag: &str) -> anyhow::Result<(i64, i64)> {
    let mut conn = pool.get()?;
    let pattern = format!("bench-{tag}-%");
    let stored: i64 = registrations::table
        .filter(registrations::email_normalized.like(&pattern))
        .count()
        .get_result(&mut conn)?;
    let queued: i64 = outbox::table
        .inner_join(registrations::table)
        .filter(registrations::email_normalized.like(&pattern))
        .filter(outbox::kind.eq("confirm_request"))
        .count()
        .get_result(&mut conn)?;
    Ok((stored, queued))
}

/// Fetches the form once for its cookie and token, checks one POST by hand, then lets wrk post
/// a new address on every request and counts what was stored.
fn register(
    http: &Http,
    server: &Server,
    pool: &DbPool,
    seeded: &Seeded,
    config: &Config,
    script: &Path,
) -> anyhow::Result<PostRun> {
    let form_path = format!("/sessions/{}/register", seeded.hot_slug);
    let form = http.get(&server.url(&form_path), None)?;
    anyhow::ensure!(form.status == 200, "GET {form_path}: {}", form.status);
    let cookie = form.cookie("convoca_csrf").ok_or_else(|| anyhow::anyhow!("the form set no CSRF cookie"))?;
    let html = form.text();
    let marker = "name=\"csrf_token\" value=\"";
    let token = html
        .split_once(marker)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(token, _)| token.to_owned())
        .ok_or_else(|| anyhow::anyhow!("no csrf_token in the form"))?;
    let run = format!("{:x}", Utc::now().timestamp_millis() % 0x100_0000);

    // One by hand: the same fields as the script, so a refused form is caught here.
    let body = format!(
        "email=bench-c{run}-0-0%40post.example.org&name=Bench+Official&organisation={}&organisation_other=\
         &position=Adviser&country=&language=en&timezone=Europe%2FParis&needs=&consent=yes&website=&csrf_token={token}",
        seeded.organisation_id
    );
    let reply = http.post_form(&server.url(&form_path), &format!("convoca_csrf={cookie}"), body)?;
    anyhow::ensure!(
        reply.status == 303,
        "POST {form_path}: {} (expected 303 See Other)\n{}",
        reply.status,
        reply.text().chars().take(2000).collect::<String>()
    );
    anyhow::ensure!(
        count_posted(pool, &format!("c{run}"))? == (1, 1),
        "the checked POST stored no registration"
    );

    let env = |tag: &str| {
        vec![
            ("BENCH_FORM_PATH".to_owned(), form_path.clone()),
            ("BENCH_CSRF_COOKIE".to_owned(), cookie.clone()),
            ("BENCH_CSRF_TOKEN".to_owned(), token.clone()),
            ("BENCH_ORGANISATION".to_owned(), seeded.organisation_id.clone()),
            ("BENCH_RUN".to_owned(), tag.to_owned()),
            ("BENCH_FORWARDED".to_owned(), if config.distinct_addresses { "1" } else { "0" }.to_owned()),
        ]
    };
    let url = server.url(&form_path);
    if !config.warmup.is_zero() {
        let warmup = Load { duration: config.warmup, ..config.load };
        wrk::run(script, &url, warmup, &[], &env(&format!("w{run}")))?;
    }
    let tag = format!("m{run}");
    let sampler = RssSampler::start(server.pid);
    let result = wrk::run(script, &url, config.load, &[], &env(&tag))?;
    let rss = sampler.finish();
    // Requests still in flight when wrk stopped are finished by the server: let them land.
    std::thread::sleep(Duration::from_millis(500));
    let (stored, queued) = count_posted(pool, &tag)?;
    println!(
        "registration POST: {}; {} answered 2xx/3xx; stored {stored} registrations and {queued} outbox rows; \
         max RSS {:.1} MiB",
        result.line(),
        result.successes(),
        mib(rss.max_kib)
    );
    Ok(PostRun { result, rss, registrations: stored, outbox: queued })
}

fn export(http: &Http, server: &Server, seeded: &Seeded) -> anyhow::Result<ExportRun> {
    let url = server.url(&format!("/admin/sessions/{}/registrations.csv", seeded.export_id));
    let cookie = format!("convoca_admin={}", seeded.admin_token);
    let (rss_before_kib, hwm_before_kib) = memory_kib(server.pid).unwrap_or_default();
    let sampler = RssSampler::start(server.pid);
    let download = http.download(&url, &cookie)?;
    let rss = sampler.finish();
    let (_, hwm_after_kib) = memory_kib(server.pid).unwrap_or_default();
    anyhow::ensure!(download.status == 200, "GET {url}: {}", download.status);
    let rows = download.lines.saturating_sub(1);
    println!(
        "CSV export: {rows} rows, {:.1} MB in {:.2} s (first byte after {:.0} ms); RSS {:.1} MiB before, {:.1} MiB at most during",
        download.bytes as f64 / 1e6,
        download.elapsed.as_secs_f64(),
        download.first_byte.as_secs_f64() * 1e3,
        mib(rss_before_kib),
        mib(rss.max_kib)
    );
    Ok(ExportRun {
        rows,
        bytes: download.bytes,
        first_byte: download.first_byte,
        elapsed: download.elapsed,
        rss_before_kib,
        rss,
        hwm_before_kib,
        hwm_after_kib,
    })
}

struct Summary<'a> {
    config: &'a Config,
    engine: &'a str,
    seeded: &'a Seeded,
    seed_time: Duration,
    cold_starts: &'a [ColdStart],
    rss_idle_kib: u64,
    rss_end_kib: u64,
    pages: &'a [PageRun],
    post: &'a PostRun,
    pgbench: Option<&'a pgbench::PgbenchRun>,
    export: &'a ExportRun,
    report: &'a scale::ReportRun,
    claim: &'a scale::ClaimRun,
    load_before: String,
    load_after: String,
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The markdown summary: what was run, then each figure next to its budget.
fn summarise(s: &Summary) -> String {
    let c = s.config;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## Benchmark suite, {} ({}{})\n",
        Utc::now().format("%Y-%m-%d"),
        s.engine,
        match (c.smoke, cfg!(debug_assertions)) {
            (_, true) => ", debug build: figures not comparable",
            (true, false) => ", smoke run: figures not comparable",
            (false, false) => "",
        }
    );
    let _ = writeln!(
        md,
        "`{}cargo bench --bench suite`: {} cores, load average {} before and {} after. Data: {} sessions \
         ({} speakers), {} organisations, {} registrations spread over the sessions plus {} in the \
         export session, {} outbox rows; seeded in {:.1} s. wrk: {} threads, {} connections, {} s per run \
         after {} s of warm-up{}{}.\n",
        match (c.smoke, s.engine) {
            (false, "SQLite") => "",
            (true, "SQLite") => "BENCH_SMOKE=1 ",
            (false, _) => "BENCH_DATABASE_URL=postgres://… ",
            (true, _) => "BENCH_SMOKE=1 BENCH_DATABASE_URL=postgres://… ",
        },
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        s.load_before,
        s.load_after,
        c.sizes.sessions + 1,
        s.seeded.speakers,
        c.sizes.organisations,
        thousands(c.sizes.registrations as f64),
        thousands(s.seeded.export_rows as f64),
        thousands(s.seeded.outbox as f64),
        s.seed_time.as_secs_f64(),
        c.load.threads,
        c.load.connections,
        c.load.duration.as_secs(),
        c.warmup.as_secs(),
        if c.page_headers.is_empty() {
            String::new()
        } else {
            format!(", pages with `{}`", c.page_headers.join("`, `"))
        },
        if c.distinct_addresses {
            "; each registration from its own X-Forwarded-For address"
        } else {
            "; every registration from 127.0.0.1"
        },
    );
    let _ = writeln!(md, "| measure | figure | budget | |");
    let _ = writeln!(md, "|---|---|---|---|");
    let reference_rate = s.pages.first().map_or(0.0, |p| p.result.rate());
    for page in s.pages {
        let r = &page.result;
        let share = if reference_rate > 0.0 { r.rate() / reference_rate } else { 0.0 };
        let errors = r.status + r.socket_errors();
        let figure = format!(
            "{} req/s{}, p50 {:.2} ms, p99 {:.2} ms, {} errors ({} bytes){}",
            thousands(r.rate()),
            if page.path == "/_bench/reference" {
                String::new()
            } else {
                format!(" = {:.0}% of reference", share * 100.0)
            },
            WrkResult::ms(r.p50_us),
            WrkResult::ms(r.p99_us),
            errors,
            page.bytes,
            page.probe.map_or(String::new(), |probe| format!("; {}", probe.line()))
        );
        let (budget, met) = match page.name {
            "reference page" => ("the framework's limit".to_owned(), None),
            _ => compressed::budget(page, s.pages, c.load.connections),
        };
        let _ = writeln!(
            md,
            "| {} (`{}`) | {figure} | {budget} | {} |",
            page.name,
            page.path,
            met.map_or("", verdict)
        );
    }
    let p = &s.post;
    let post_rate = p.result.rate();
    let _ = writeln!(
        md,
        "| registration POST, a new address each time | {} req/s, p50 {:.2} ms, p99 {:.2} ms; {} answered 303, \
         {} stored with {} outbox rows; {} non-2xx/3xx, {} socket errors | ≥ {} req/s on SQLite | {} |",
        thousands(post_rate),
        WrkResult::ms(p.result.p50_us),
        WrkResult::ms(p.result.p99_us),
        thousands(p.result.successes() as f64),
        thousands(p.registrations as f64),
        thousands(p.outbox as f64),
        p.result.status,
        p.result.socket_errors(),
        thousands(REGISTRATIONS_PER_S_MIN),
        if s.engine == "SQLite" {
            verdict(post_rate >= REGISTRATIONS_PER_S_MIN && p.result.status == 0)
        } else {
            "n/a"
        }
    );
    if let Some(run) = s.pgbench {
        pgbench::summary_row(&mut md, run, &p.result);
    }
    let e = &s.export;
    let growth_kib = e.rss.max_kib.saturating_sub(e.rss_before_kib);
    // Flat: the server held far less than the body at any time (at least 4 MiB of slack).
    let flat = growth_kib * 1024 < (e.bytes / 2).max(4 << 20);
    let _ = writeln!(
        md,
        "| CSV export of {} rows | {:.2} s for {:.1} MB (first byte {:.0} ms); RSS {:.1} → {:.1} MiB at most (+{:.1} MiB), \
         VmHWM {:.1} → {:.1} MiB | < {EXPORT_MAX_S} s, flat memory | {} |",
        thousands(e.rows as f64),
        e.elapsed.as_secs_f64(),
        e.bytes as f64 / 1e6,
        e.first_byte.as_secs_f64() * 1e3,
        mib(e.rss_before_kib),
        mib(e.rss.max_kib),
        mib(growth_kib),
        mib(e.hwm_before_kib),
        mib(e.hwm_after_kib),
        verdict(e.elapsed.as_secs_f64() < EXPORT_MAX_S && flat)
    );
    let under_load =
        s.pages.iter().map(|p| p.rss.max_kib).chain([s.post.rss.max_kib, e.rss.max_kib]).max().unwrap_or(0);
    let _ = writeln!(
        md,
        "| resident memory (VmRSS every 10 ms) | {:.1} MiB at most under load and export; {:.1} MiB idle after start, {:.1} MiB at the end \
         | < {RSS_MAX_MIB} MiB | {} |",
        mib(under_load),
        mib(s.rss_idle_kib),
        mib(s.rss_end_kib),
        verdict(mib(under_load) < RSS_MAX_MIB)
    );
    let healthz = median(s.cold_starts.iter().map(|c| c.healthz).collect());
    let page = median(s.cold_starts.iter().map(|c| c.session_page).collect());
    let _ = writeln!(
        md,
        "| cold start: spawn to first 200 (median of {}) | /healthz {:.0} ms, session page {:.0} ms | < {COLD_START_MAX_S} s | {} |",
        s.cold_starts.len(),
        healthz.as_secs_f64() * 1e3,
        page.as_secs_f64() * 1e3,
        verdict(page.as_secs_f64() < COLD_START_MAX_S)
    );
    scale::summary_rows(&mut md, s.report, s.claim, s.seeded.outbox);
    let _ = writeln!(
        md,
        "| 10,000 reminder emails | its own benchmark: `cargo bench --bench reminders` (above) | < 20 s | |"
    );
    let _ = writeln!(
        md,
        "\nwrk: `-t{} -c{} -d{}s --latency --timeout 5s` with a Lua script that prints its summary as JSON \
         (`benches/suite/*.lua`); errors are answers ≥ 400 plus socket errors and timeouts. The server's \
         VmRSS is read from /proc every 10 ms. Flat memory: during the export the server's RSS grows by \
         less than half the body (and 4 MiB at least). Registrations stored can exceed the 303s wrk counted \
         by the requests still in flight when it stopped (at most one per connection).",
        c.load.threads,
        c.load.connections,
        c.load.duration.as_secs()
    );
    md
}

/// How many requests of a run read the content version from the database, for the log: the
/// content watch should leave none on a read-only run.
pub fn version_reads_text(before: Option<u64>, after: Option<u64>) -> String {
    match (before, after) {
        (Some(before), Some(after)) => format!("{} content version reads", after.saturating_sub(before)),
        _ => "content version reads unknown".into(),
    }
}
