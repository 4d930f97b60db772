//! PostgreSQL's own rate for the writes of a registration POST, measured in the same run as the
//! POST so that the two figures share the machine's load: `register.pgbench` (the rate event
//! counted and recorded, the mailbox's mails counted, the registration, its consent and its
//! mail stored, one registration per transaction) run by pgbench with prepared statements,
//! 16 clients, after ANALYZE. The budget of issue #24: the POST at least as fast, p99 < 50 ms.

use std::path::Path;
use std::process::Command;

use anyhow::Context;
use convoca::db::DbPool;
use convoca::db::schema::sessions;
use diesel::prelude::*;

use crate::Config;
use crate::seed::Seeded;
use crate::wrk::WrkResult;

const SCRIPT: &str = include_str!("register.pgbench");
const CLIENTS: usize = 16;
const SHARE_MIN: f64 = 1.0;
const P99_MAX_MS: f64 = 50.0;

/// What pgbench reported.
pub struct PgbenchRun {
    pub tps: f64,
    pub latency_ms: f64,
    pub transactions: u64,
}

/// Runs the script against the bench database `url` for the suite's run length (pgbench, or
/// `BENCH_PGBENCH`).
pub fn run(
    url: &str,
    pool: &DbPool,
    seeded: &Seeded,
    config: &Config,
    dir: &Path,
) -> anyhow::Result<PgbenchRun> {
    let session: String = {
        let mut conn = pool.get()?;
        diesel::sql_query("ANALYZE").execute(&mut conn)?;
        sessions::table.filter(sessions::slug.eq(&seeded.hot_slug)).select(sessions::id).first(&mut conn)?
    };
    let script = dir.join("register.pgbench");
    std::fs::write(&script, SCRIPT)?;
    let program = std::env::var("BENCH_PGBENCH").unwrap_or_else(|_| "pgbench".into());
    let output = Command::new(&program)
        .args(["-M", "prepared", "-n", "-c", &CLIENTS.to_string(), "-j", "2"])
        .args(["-T", &config.load.duration.as_secs().max(1).to_string()])
        .arg("-f")
        .arg(&script)
        .args([
            "-D",
            &format!("session={session}"),
            "-D",
            &format!("organisation={}", seeded.organisation_id),
        ])
        .args(["-D", &format!("run={:x}", std::process::id())])
        .arg(url)
        .output()
        .with_context(|| format!("running {program} (set BENCH_PGBENCH to its path)"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(
        output.status.success(),
        "pgbench failed: {}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    let figure = |prefix: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|number| number.parse::<f64>().ok())
            .ok_or_else(|| anyhow::anyhow!("pgbench printed no \"{prefix}\":\n{text}"))
    };
    let run = PgbenchRun {
        tps: figure("tps = ")?,
        latency_ms: figure("latency average = ")?,
        transactions: figure("number of transactions actually processed: ")? as u64,
    };
    println!(
        "pgbench (register.pgbench, -M prepared, {CLIENTS} clients): {:.0} transactions/s, latency average {:.2} ms, {} transactions",
        run.tps, run.latency_ms, run.transactions
    );
    Ok(run)
}

/// The summary's row: the POST's rate as a share of pgbench's, next to the budget.
pub fn summary_row(md: &mut String, pgbench: &PgbenchRun, post: &WrkResult) {
    use std::fmt::Write as _;
    let share = post.rate() / pgbench.tps.max(1.0);
    let p99 = WrkResult::ms(post.p99_us);
    let _ = writeln!(
        md,
        "| registration POST against pgbench (`register.pgbench`: the same writes, {CLIENTS} clients, `-M prepared`) | \
         POST {:.0} req/s = {:.0}% of pgbench's {:.0} transactions/s (its latency average {:.2} ms); POST p99 {p99:.2} ms \
         | ≥ {:.0} % of pgbench prepared, p99 < {P99_MAX_MS} ms | {} |",
        post.rate(),
        share * 100.0,
        pgbench.tps,
        pgbench.latency_ms,
        SHARE_MIN * 100.0,
        super::verdict(share >= SHARE_MIN && p99 < P99_MAX_MS && post.status == 0)
    );
}
