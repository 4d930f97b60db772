//! `BENCH_SCALE`: the suite at 10,000, 100,000 or 1,000,000 registrations, and the two costs
//! that grow with the data rather than with the load: the organiser's member report of a
//! series and the worker's claim of due mail.
//!
//!     BENCH_SCALE=1m cargo bench --bench suite
//!     BENCH_SCALE=10k,100k,1m cargo bench --bench suite     # one after the other, one table
//!
//! At each scale the registrations go round the 50 sessions, plus one past session of at most
//! 100,000 registrations whose CSV export is timed; each registration in the sessions has two
//! mails in the outbox, each in the export session one (so 1m: 1,100,000 registrations and
//! 2,100,000 outbox rows), and the first session of tomorrow has its day-before reminders due.
//! Each scale's table goes to `target/bench-suite-<scale>.md`, and the costs side by side to
//! `target/bench-suite-scale.md`.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use chrono::{SubsecRound, Utc};
use convoca::db::DbPool;
use convoca::db::schema::outbox;
use convoca::domain::OutboxStatus;
use diesel::prelude::*;

use crate::seed::Seeded;
use crate::server::{Http, Server};
use crate::{Summary, mib, thousands, verdict};

/// Budgets at 1,000,000 registrations (issue #24).
const SHARE_OF_100K_MIN: f64 = 0.90;
const EXPORT_MAX_S: f64 = 1.0;
const REPORT_MAX_S: f64 = 1.0;
const RSS_MAX_MIB: f64 = 64.0;

/// The largest session is never more than this (a webinar of a network, not a stadium).
const EXPORT_ROWS_MAX: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    K10,
    K100,
    M1,
}

impl Scale {
    fn parse(text: &str) -> anyhow::Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "10k" => Ok(Self::K10),
            "100k" => Ok(Self::K100),
            "1m" => Ok(Self::M1),
            other => {
                anyhow::bail!("BENCH_SCALE {other:?}: expected 10k, 100k or 1m (or a list: 10k,100k,1m)")
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::K10 => "10k",
            Self::K100 => "100k",
            Self::M1 => "1m",
        }
    }

    /// Registrations going round the sessions.
    pub fn registrations(self) -> usize {
        match self {
            Self::K10 => 10_000,
            Self::K100 => 100_000,
            Self::M1 => 1_000_000,
        }
    }

    /// Registrations of the export session.
    pub fn export_rows(self) -> usize {
        self.registrations().min(EXPORT_ROWS_MAX)
    }
}

/// The scales asked for, in order; none when `BENCH_SCALE` is unset (the default sizes).
pub fn from_env() -> anyhow::Result<Vec<Scale>> {
    match std::env::var("BENCH_SCALE").ok().filter(|v| !v.trim().is_empty()) {
        None => Ok(Vec::new()),
        Some(list) => list.split(',').map(Scale::parse).collect(),
    }
}

/// The organiser's member report of the seeded series, requested a few times.
pub struct ReportRun {
    pub path: String,
    pub registrations: usize,
    pub bytes: usize,
    /// Time to the whole page, the first request first.
    pub times: Vec<Duration>,
}

impl ReportRun {
    fn first(&self) -> Duration {
        self.times.first().copied().unwrap_or_default()
    }

    /// The median of the requests after the first.
    fn median(&self) -> Duration {
        let mut rest: Vec<Duration> = self.times.iter().skip(1).copied().collect();
        if rest.is_empty() {
            return self.first();
        }
        rest.sort();
        rest[rest.len() / 2]
    }
}

pub fn member_report(
    http: &Http,
    server: &Server,
    seeded: &Seeded,
    runs: usize,
) -> anyhow::Result<ReportRun> {
    let path = format!("/admin/reports?series={}", seeded.series_id);
    let cookie = format!("convoca_admin={}", seeded.admin_token);
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..runs.max(2) {
        let started = Instant::now();
        let reply = http.get(&server.url(&path), Some(&cookie))?;
        times.push(started.elapsed());
        anyhow::ensure!(reply.status == 200, "GET {path}: {} (expected 200)", reply.status);
        bytes = reply.body.len();
    }
    let run = ReportRun { path, registrations: seeded.series_registrations, bytes, times };
    println!(
        "member report ({}, {} registrations): first {:.0} ms, then median {:.0} ms ({} bytes)",
        run.path,
        run.registrations,
        run.first().as_secs_f64() * 1e3,
        run.median().as_secs_f64() * 1e3,
        run.bytes
    );
    Ok(run)
}

/// The worker's claims, through `db::outbox::claim_due` as `jobs.rs` calls it, until the due
/// reminders are all claimed; then the claim a worker makes every second when nothing is due.
pub struct ClaimRun {
    pub due: usize,
    /// Of which reminders (the rest: the POST run's confirmation requests).
    pub reminders: usize,
    pub batch: i64,
    /// Each claim's time and the rows it took.
    pub claims: Vec<(Duration, usize)>,
    pub idle: Vec<Duration>,
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

impl ClaimRun {
    fn claimed(&self) -> usize {
        self.claims.iter().map(|(_, rows)| rows).sum()
    }

    fn median(&self) -> Duration {
        median(self.claims.iter().map(|(time, _)| *time).collect())
    }

    fn max(&self) -> Duration {
        self.claims.iter().map(|(time, _)| *time).max().unwrap_or_default()
    }

    fn idle_median(&self) -> Duration {
        median(self.idle.clone())
    }
}

pub fn claims(pool: &DbPool, seeded: &Seeded, batch: i64) -> anyhow::Result<ClaimRun> {
    let mut conn = pool.get()?;
    // Due: the seeded reminders, and the confirmation requests of the POST run (the server ran
    // without its worker).
    let now = Utc::now().naive_utc().trunc_subsecs(6);
    let due: i64 = outbox::table
        .filter(outbox::status.eq(OutboxStatus::Queued))
        .filter(outbox::next_attempt_at.le(now))
        .count()
        .get_result(&mut conn)?;
    let due = usize::try_from(due)?;
    let mut run = ClaimRun { due, reminders: seeded.due, batch, claims: Vec::new(), idle: Vec::new() };
    // At most twice what the due set needs: a claim that takes nothing ends it earlier.
    let most = 2 * due.div_ceil(batch.max(1) as usize) + 2;
    while run.claims.len() < most {
        let now = Utc::now().naive_utc().trunc_subsecs(6);
        let started = Instant::now();
        let claimed = convoca::db::outbox::claim_due(&mut conn, now, batch, convoca::jobs::LEASE)?;
        let elapsed = started.elapsed();
        if claimed.is_empty() {
            run.idle.push(elapsed);
            break;
        }
        run.claims.push((elapsed, claimed.len()));
    }
    for _ in 0..4 {
        let now = Utc::now().naive_utc().trunc_subsecs(6);
        let started = Instant::now();
        let claimed = convoca::db::outbox::claim_due(&mut conn, now, batch, convoca::jobs::LEASE)?;
        run.idle.push(started.elapsed());
        anyhow::ensure!(claimed.is_empty(), "{} messages due after every due one was claimed", claimed.len());
    }
    println!(
        "worker's claim ({} at a time): {} due ({} reminders of {}, the rest confirmation requests of the POST run), \
         {} claimed in {} claims, median {:.1} ms, max {:.1} ms; nothing due: median {:.1} ms",
        batch,
        run.due,
        run.reminders,
        seeded.due_slug,
        run.claimed(),
        run.claims.len(),
        run.median().as_secs_f64() * 1e3,
        run.max().as_secs_f64() * 1e3,
        run.idle_median().as_secs_f64() * 1e3
    );
    anyhow::ensure!(
        run.claimed() == run.due,
        "the worker claimed {} messages, but {} were due",
        run.claimed(),
        run.due
    );
    Ok(run)
}

/// The suite table's rows for the report and the claim.
pub fn summary_rows(md: &mut String, report: &ReportRun, claim: &ClaimRun, outbox_rows: usize) {
    let _ = writeln!(
        md,
        "| member report of a series (`{}`, {} registrations) | first {:.0} ms, then median {:.0} ms of {} ({} bytes) \
         | < {REPORT_MAX_S} s at 1,000,000 | {} |",
        report.path.split_once('=').map_or(report.path.as_str(), |(head, _)| head).to_owned() + "=…",
        thousands(report.registrations as f64),
        report.first().as_secs_f64() * 1e3,
        report.median().as_secs_f64() * 1e3,
        report.times.len().saturating_sub(1),
        report.bytes,
        verdict(report.median().as_secs_f64() < REPORT_MAX_S)
    );
    let _ = writeln!(
        md,
        "| worker's claim of due mail (`db::outbox::claim_due`, {} at a time, among {} seeded outbox rows) | {} due ({} reminders, \
         the rest the POST run's confirmation requests): {} claims, median {:.1} ms, max {:.1} ms; nothing due: median {:.1} ms | (none) | |",
        claim.batch,
        thousands(outbox_rows as f64),
        thousands(claim.due as f64),
        thousands(claim.reminders as f64),
        claim.claims.len(),
        claim.median().as_secs_f64() * 1e3,
        claim.max().as_secs_f64() * 1e3,
        claim.idle_median().as_secs_f64() * 1e3
    );
}

/// One scale's costs, for the table side by side.
pub struct Column {
    pub label: String,
    pub engine: String,
    pub registrations: usize,
    pub outbox: usize,
    pub seed_s: f64,
    pub session_rate: f64,
    pub session_p99_ms: f64,
    pub catalogue_rate: f64,
    pub catalogue_miss_ms: f64,
    pub catalogue_p99_ms: f64,
    pub post_rate: f64,
    pub post_p99_ms: f64,
    pub export_rows: u64,
    pub export_bytes: u64,
    pub export_s: f64,
    pub export_growth_mib: f64,
    pub report_ms: f64,
    pub claim_ms: f64,
    pub claim_idle_ms: f64,
    pub rss_mib: f64,
}

impl Column {
    pub fn new(label: &str, s: &Summary, report: &ReportRun, claim: &ClaimRun) -> Self {
        let page = |name: &str| s.pages.iter().find(|p| p.name == name);
        let rate = |name: &str| page(name).map_or(0.0, |p| p.result.rate());
        let p99 = |name: &str| page(name).map_or(0.0, |p| crate::WrkResult::ms(p.result.p99_us));
        let e = s.export;
        let rss = s.pages.iter().map(|p| p.rss.max_kib).chain([s.post.rss.max_kib, e.rss.max_kib]).max();
        Self {
            label: label.to_owned(),
            engine: s.engine.to_owned(),
            registrations: s.seeded.registrations,
            outbox: s.seeded.outbox,
            seed_s: s.seed_time.as_secs_f64(),
            session_rate: rate("session page"),
            session_p99_ms: p99("session page"),
            catalogue_rate: rate("catalogue"),
            catalogue_miss_ms: page("catalogue").map_or(0.0, |p| p.first.as_secs_f64() * 1e3),
            catalogue_p99_ms: p99("catalogue"),
            post_rate: s.post.result.rate(),
            post_p99_ms: crate::WrkResult::ms(s.post.result.p99_us),
            export_rows: e.rows,
            export_bytes: e.bytes,
            export_s: e.elapsed.as_secs_f64(),
            export_growth_mib: mib(e.rss.max_kib.saturating_sub(e.rss_before_kib)),
            report_ms: report.median().as_secs_f64() * 1e3,
            claim_ms: claim.median().as_secs_f64() * 1e3,
            claim_idle_ms: claim.idle_median().as_secs_f64() * 1e3,
            rss_mib: mib(rss.unwrap_or(0)),
        }
    }
}

/// The costs at each scale side by side, with the budgets at 1,000,000.
pub fn table(columns: &[Column], load_before: &str, load_after: &str) -> String {
    let mut md = String::new();
    let engines: Vec<&str> = columns.iter().map(|c| c.engine.as_str()).collect();
    let _ = writeln!(
        md,
        "## Cost by scale, {} ({})\n\n`BENCH_SCALE={}`: load average {load_before} before and {load_after} after.\n",
        Utc::now().format("%Y-%m-%d"),
        engines.first().copied().unwrap_or("?"),
        columns.iter().map(|c| c.label.as_str()).collect::<Vec<_>>().join(","),
    );
    let header: String = columns.iter().map(|c| format!(" {} |", c.label)).collect();
    let _ = writeln!(md, "| measure |{header} budget at 1m | |");
    let _ = writeln!(md, "|---|{}---|---|", "---|".repeat(columns.len()));
    let at_100k = columns.iter().find(|c| c.label == "100k");
    let at_1m = columns.iter().find(|c| c.label == "1m");
    let share = |f: fn(&Column) -> f64| match (at_100k, at_1m) {
        (Some(base), Some(big)) if f(base) > 0.0 => Some(f(big) / f(base)),
        _ => None,
    };
    let within = |share: Option<f64>| match share {
        Some(s) => format!("{} ({:.0}% of 100k)", verdict(s >= SHARE_OF_100K_MIN), s * 100.0),
        None => "(needs 100k and 1m in one run)".to_owned(),
    };
    let row = |md: &mut String, name: &str, cell: &dyn Fn(&Column) -> String, budget: &str, met: String| {
        let cells: String = columns.iter().map(|c| format!(" {} |", cell(c))).collect();
        let _ = writeln!(md, "| {name} |{cells} {budget} | {met} |");
    };
    row(
        &mut md,
        "data: registrations, outbox rows; seeded in",
        &|c| {
            format!(
                "{}, {}; {:.0} s",
                thousands(c.registrations as f64),
                thousands(c.outbox as f64),
                c.seed_s
            )
        },
        "",
        String::new(),
    );
    row(
        &mut md,
        "session page",
        &|c| format!("{} req/s, p99 {:.1} ms", thousands(c.session_rate), c.session_p99_ms),
        "within 10% of 100k",
        within(share(|c| c.session_rate)),
    );
    row(
        &mut md,
        "catalogue",
        &|c| format!("{} req/s, p99 {:.1} ms", thousands(c.catalogue_rate), c.catalogue_p99_ms),
        "",
        String::new(),
    );
    row(
        &mut md,
        "catalogue, first request after the start (page cache miss)",
        &|c| format!("{:.0} ms", c.catalogue_miss_ms),
        "",
        String::new(),
    );
    row(
        &mut md,
        "registration POST",
        &|c| format!("{} req/s, p99 {:.1} ms", thousands(c.post_rate), c.post_p99_ms),
        "within 10% of 100k",
        within(share(|c| c.post_rate)),
    );
    // As the suite's own table: the server held far less than the body (4 MiB of slack).
    let flat = |c: &Column| c.export_growth_mib * 1024.0 * 1024.0 < (c.export_bytes / 2).max(4 << 20) as f64;
    row(
        &mut md,
        "CSV export of the largest session",
        &|c| {
            format!(
                "{} rows in {:.2} s, +{:.1} MiB",
                thousands(c.export_rows as f64),
                c.export_s,
                c.export_growth_mib
            )
        },
        "100,000 rows < 1 s, flat memory",
        at_1m.map_or(String::new(), |c| verdict(c.export_s < EXPORT_MAX_S && flat(c)).to_owned()),
    );
    row(
        &mut md,
        "member report of a series (median)",
        &|c| format!("{:.0} ms", c.report_ms),
        "< 1 s",
        at_1m.map_or(String::new(), |c| verdict(c.report_ms < REPORT_MAX_S * 1e3).to_owned()),
    );
    row(
        &mut md,
        "worker's claim of due mail (median; nothing due)",
        &|c| format!("{:.1} ms; {:.1} ms", c.claim_ms, c.claim_idle_ms),
        "",
        String::new(),
    );
    row(
        &mut md,
        "resident memory at most",
        &|c| format!("{:.1} MiB", c.rss_mib),
        "< 64 MiB",
        at_1m.map_or(String::new(), |c| verdict(c.rss_mib < RSS_MAX_MIB).to_owned()),
    );
    md
}
