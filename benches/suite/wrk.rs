//! Runs wrk (Debian's `/usr/bin/wrk`, or `BENCH_WRK`) and reads the JSON line its Lua `done`
//! function prints.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Context;

/// Load shape: wrk threads, open connections, how long.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub threads: usize,
    pub connections: usize,
    pub duration: Duration,
}

/// wrk's summary. Latencies in microseconds.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct WrkResult {
    pub requests: u64,
    pub duration_us: u64,
    pub connect: u64,
    pub read: u64,
    pub write: u64,
    /// Answers with a status of 400 or more.
    pub status: u64,
    pub timeout: u64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    pub mean_us: f64,
}

impl WrkResult {
    pub fn rate(&self) -> f64 {
        self.requests as f64 / (self.duration_us.max(1) as f64 / 1e6)
    }

    /// Requests in flight on average, by Little's law (rate × mean latency).
    pub fn in_flight(&self) -> f64 {
        self.rate() * self.mean_us / 1e6
    }

    /// Whether wrk's latencies agree with its rate: with `connections` open, no more than that
    /// many requests can be in flight (twice that is allowed for rounding and the run's edges).
    /// On two cores shared with the server, wrk's threads sometimes read answers late and then
    /// time requests far longer than they took.
    pub fn latencies_hold(&self, connections: usize) -> bool {
        self.in_flight() <= 2.0 * connections as f64
    }

    /// Socket errors and timeouts (the requests that got no answer, or none in time).
    pub fn socket_errors(&self) -> u64 {
        self.connect + self.read + self.write + self.timeout
    }

    /// Answers below 400 (2xx and 3xx): what wrk counts as success.
    pub fn successes(&self) -> u64 {
        self.requests.saturating_sub(self.status)
    }

    pub fn ms(us: u64) -> f64 {
        us as f64 / 1000.0
    }

    /// For the log: rate, latency percentiles and errors.
    pub fn line(&self) -> String {
        format!(
            "{:.0} req/s, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.1} ms, mean {:.2} ms \
             (rate × mean: {:.0} requests in flight), {} answers >= 400, {} socket errors",
            self.rate(),
            Self::ms(self.p50_us),
            Self::ms(self.p90_us),
            Self::ms(self.p99_us),
            Self::ms(self.max_us),
            self.mean_us / 1000.0,
            self.in_flight(),
            self.status,
            self.socket_errors()
        )
    }
}

pub fn program() -> String {
    std::env::var("BENCH_WRK").unwrap_or_else(|_| "wrk".into())
}

/// Fails early, with what to install, when wrk is missing.
pub fn check_installed() -> anyhow::Result<()> {
    match Command::new(program()).arg("--version").output() {
        Ok(_) => Ok(()),
        Err(e) => Err(anyhow::anyhow!(
            "cannot run {:?} ({e}): install wrk (Debian: apt-get install wrk) or set BENCH_WRK",
            program()
        )),
    }
}

/// One wrk run against `url` with the Lua `script`, extra headers and environment.
pub fn run(
    script: &Path,
    url: &str,
    load: Load,
    headers: &[String],
    env: &[(String, String)],
) -> anyhow::Result<WrkResult> {
    let mut command = Command::new(program());
    command
        .arg(format!("-t{}", load.threads))
        .arg(format!("-c{}", load.connections))
        .arg(format!("-d{}s", load.duration.as_secs().max(1)))
        .args(["--latency", "--timeout", "5s", "-s"])
        .arg(script);
    for header in headers {
        command.args(["-H", header]);
    }
    let output = command
        .arg(url)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .with_context(|| format!("running {}", program()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let json = stdout
        .lines()
        .find_map(|line| line.strip_prefix("BENCH_JSON "))
        .ok_or_else(|| anyhow::anyhow!("wrk printed no summary ({}):\n{stdout}\n{stderr}", output.status))?;
    serde_json::from_str(json).with_context(|| format!("reading wrk's summary {json}"))
}
