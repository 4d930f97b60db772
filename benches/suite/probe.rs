//! A probe beside wrk: one request at a time, every [`EVERY`], timed by the harness. Under
//! saturation wrk's own threads share the two cores with the server and read answers late, so
//! its p99 can break Little's law (p99 of 700 ms at 59,000 req/s on 32 connections would need
//! a mean of at least 7 ms, where 32 / 59,000 is 0.54 ms); the probe says what one visitor
//! waits for the page meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::server::Http;

const EVERY: Duration = Duration::from_millis(20);

/// The probe's answers: how many, and their latency percentiles.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProbeStats {
    pub count: usize,
    pub failed: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

pub struct Probe {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<anyhow::Result<(Vec<Duration>, usize)>>,
}

impl Probe {
    /// Starts asking for `url` (a fresh connection each time, as a visitor's browser would).
    pub fn start(url: String) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let http = Http::new()?;
            let (mut times, mut failed) = (Vec::new(), 0);
            while !stopped.load(Ordering::Relaxed) {
                let asked = Instant::now();
                match http.get(&url, None) {
                    Ok(reply) if reply.status == 200 => times.push(asked.elapsed()),
                    _ => failed += 1,
                }
                std::thread::sleep(EVERY.saturating_sub(asked.elapsed()));
            }
            Ok((times, failed))
        });
        Self { stop, thread }
    }

    pub fn finish(self) -> anyhow::Result<ProbeStats> {
        self.stop.store(true, Ordering::Relaxed);
        let (mut times, failed) =
            self.thread.join().map_err(|_| anyhow::anyhow!("the probe thread panicked"))??;
        times.sort();
        let at = |share: f64| {
            let rank = ((times.len() as f64 * share).ceil() as usize).clamp(1, times.len().max(1));
            times.get(rank - 1).copied().unwrap_or_default()
        };
        Ok(ProbeStats {
            count: times.len(),
            failed,
            p50: at(0.50),
            p99: at(0.99),
            max: times.last().copied().unwrap_or_default(),
        })
    }
}

impl ProbeStats {
    pub fn line(&self) -> String {
        format!(
            "one request at a time beside it: {} answers, p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms, {} failed",
            self.count,
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3,
            self.max.as_secs_f64() * 1e3,
            self.failed
        )
    }
}
