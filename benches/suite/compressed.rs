//! Issue 24's page figures: the session page asked with `Accept-Encoding: gzip, br` (served
//! from the cache's brotli variant, compressed once when stored), and the budgets of the
//! session page against the reference and of the compressed page against the plain one.

use std::path::Path;
use std::time::Duration;

use super::server::{Http, RssSampler, Server};
use super::wrk::{self, Load};
use super::{Config, PageRun, mib};

pub const NAME: &str = "session page, gzip and br";
const ACCEPT: &str = "Accept-Encoding: gzip, br";

/// The session page: at least 150 % of the reference's rate, p99 no higher than its p99.
const SESSION_SHARE_MIN: f64 = 1.5;
/// The compressed session page: at least 90 % of the plain one's rate.
const COMPRESSED_SHARE_MIN: f64 = 0.9;

/// The session page under wrk with `Accept-Encoding: gzip, br` (checked once to come back as br).
pub fn run(
    http: &Http,
    server: &mut Server,
    report_lua: &Path,
    config: &Config,
    path: &str,
) -> anyhow::Result<PageRun> {
    let url = server.url(path);
    let started = std::time::Instant::now();
    let (encoding, bytes) = http.block_on(async {
        let res = reqwest::Client::new().get(&url).header("Accept-Encoding", "gzip, br").send().await?;
        let encoding = res.headers().get("content-encoding").and_then(|v| v.to_str().ok()).map(str::to_owned);
        anyhow::Ok((encoding, res.bytes().await?.len()))
    })?;
    let first = started.elapsed();
    anyhow::ensure!(
        encoding.as_deref() == Some("br"),
        "GET {path} with {ACCEPT}: Content-Encoding {encoding:?}"
    );
    let headers = [ACCEPT.to_owned()];
    if !config.warmup.is_zero() {
        wrk::run(report_lua, &url, Load { duration: config.warmup, ..config.load }, &headers, &[])?;
    }
    let reads_before = server.version_reads(http);
    let sampler = RssSampler::start(server.pid);
    let result = wrk::run(report_lua, &url, config.load, &headers, &[])?;
    let rss = sampler.finish();
    server.check_alive()?;
    println!(
        "{NAME} ({path}, {bytes} bytes): {}; max RSS {:.1} MiB; {}",
        result.line(),
        mib(rss.max_kib),
        crate::version_reads_text(reads_before, server.version_reads(http))
    );
    Ok(PageRun { name: NAME, path: path.to_owned(), bytes, first, result, rss, probe: None })
}

/// The budget of `page` and whether it was met, for the pages that have one. The session
/// page's p99 is compared with the reference's as wrk measured both, unless wrk's latencies
/// of either run break Little's law (`WrkResult::latencies_hold`): then as the probe beside
/// wrk measured both, and the figure says so.
pub fn budget(page: &PageRun, pages: &[PageRun], connections: usize) -> (String, Option<bool>) {
    let find = |name: &str| pages.iter().find(|p| p.name == name);
    let r = &page.result;
    let errors = r.status + r.socket_errors();
    match page.name {
        "session page" => {
            let Some(reference) = find("reference page") else { return (String::new(), None) };
            let share = r.rate() / reference.result.rate().max(1.0);
            let wrk_holds = r.latencies_hold(connections) && reference.result.latencies_hold(connections);
            let (p99, reference_p99, how) = match (wrk_holds, page.probe, reference.probe) {
                (false, Some(probe), Some(reference_probe)) => (
                    probe.p99,
                    reference_probe.p99,
                    format!(
                        "; wrk's latencies break Little's law here ({:.0} requests in flight on {connections} \
                         connections), so both p99 are the probe's",
                        r.in_flight().max(reference.result.in_flight())
                    ),
                ),
                _ => (
                    Duration::from_micros(r.p99_us),
                    Duration::from_micros(reference.result.p99_us),
                    String::new(),
                ),
            };
            (
                format!(
                    "≥ {:.0}% of reference, p99 ≤ reference's ({:.2} ms), no errors{how}",
                    SESSION_SHARE_MIN * 100.0,
                    reference_p99.as_secs_f64() * 1e3
                ),
                Some(share >= SESSION_SHARE_MIN && p99 <= reference_p99 && errors == 0),
            )
        }
        NAME => {
            let Some(plain) = find("session page") else { return (String::new(), None) };
            let share = r.rate() / plain.result.rate().max(1.0);
            (
                format!(
                    "≥ {:.0}% of the session page's rate (here {:.0}%), no errors",
                    COMPRESSED_SHARE_MIN * 100.0,
                    share * 100.0
                ),
                Some(share >= COMPRESSED_SHARE_MIN && errors == 0),
            )
        }
        _ => ("(none; compared with the reference)".to_owned(), None),
    }
}
