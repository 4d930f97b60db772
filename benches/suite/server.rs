//! The server under test, a child process (the release binary `cargo bench` builds), and
//! what the harness reads of it: HTTP answers and its resident memory.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context;

/// A running `convoca serve --no-worker --no-demo`, stopped (SIGTERM, then SIGKILL) on drop.
pub struct Server {
    child: Child,
    pub pid: u32,
    pub base: String,
    /// The metrics listener (`CONVOCA_METRICS_BIND`), read for what the watch did.
    metrics: String,
    pub started: Instant,
    log: PathBuf,
}

/// A free port on 127.0.0.1 (bound, read, released: another process could take it first).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Server {
    /// Starts the binary with `env` on top of the inherited environment, minus the settings
    /// that would change what is measured. Its standard error goes to `log`.
    pub fn spawn(binary: &Path, env: &[(String, String)], log: &Path) -> anyhow::Result<Self> {
        let port = free_port()?;
        let base = format!("http://127.0.0.1:{port}");
        let metrics_port = free_port()?;
        let log_file = std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let mut command = Command::new(binary);
        command
            .args(["serve", "--no-worker", "--no-demo"])
            .env_remove("SMTP_URL")
            .env_remove("CONVOCA_METRICS_TOKEN")
            .env_remove("CONVOCA_LOG_FORMAT")
            .env_remove("CONVOCA_TRUSTED_PROXIES")
            .env_remove("CONVOCA_DB_POOL_SIZE")
            .env("CONVOCA_BIND", format!("127.0.0.1:{port}"))
            .env("CONVOCA_METRICS_BIND", format!("127.0.0.1:{metrics_port}"))
            .env("CONVOCA_BASE_URL", &base)
            .env("CONVOCA_DEMO", "0")
            .env("CONVOCA_BENCH_REFERENCE", "1")
            .env("RUST_LOG", "warn")
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log_file));
        let started = Instant::now();
        let child = command.spawn().with_context(|| format!("starting {}", binary.display()))?;
        let metrics = format!("http://127.0.0.1:{metrics_port}/metrics");
        Ok(Self { pid: child.id(), child, base, metrics, started, log: log.to_owned() })
    }

    /// How many page requests so far read the content version from the database (the
    /// server's `convoca_page_cache_version_reads_total`, all reasons), `None` if unreadable.
    pub fn version_reads(&self, http: &Http) -> Option<u64> {
        let reply = http.get(&self.metrics, None).ok().filter(|r| r.status == 200)?;
        let text = reply.text();
        let counts = text
            .lines()
            .filter(|line| line.starts_with("convoca_page_cache_version_reads_total{"))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok());
        Some(counts.sum::<f64>() as u64)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Fails with the end of the server's log if it has exited.
    pub fn check_alive(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            anyhow::bail!("the server exited ({status}); its log ends with:\n{}", self.log_tail());
        }
        Ok(())
    }

    pub fn log_tail(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// SIGTERM (the server finishes requests in progress), then SIGKILL after 30 s.
    pub fn stop(mut self) -> anyhow::Result<()> {
        self.terminate()
    }

    fn terminate(&mut self) -> anyhow::Result<()> {
        if self.child.try_wait()?.is_some() {
            return Ok(());
        }
        let _ = Command::new("kill").args(["-TERM", &self.pid.to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.terminate();
    }
}

/// VmRSS and VmHWM (peak since start) of a process, in KiB.
pub fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Samples a process's VmRSS every 10 ms in a thread until stopped.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<RssStats>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RssStats {
    /// VmRSS when sampling began.
    pub first_kib: u64,
    pub max_kib: u64,
    pub samples: usize,
}

impl RssSampler {
    pub fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut stats = RssStats::default();
            loop {
                if let Some((rss, _)) = memory_kib(pid) {
                    if stats.samples == 0 {
                        stats.first_kib = rss;
                    }
                    stats.max_kib = stats.max_kib.max(rss);
                    stats.samples += 1;
                }
                if flag.load(Ordering::Relaxed) {
                    return stats;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        Self { stop, handle }
    }

    pub fn finish(self) -> RssStats {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or_default()
    }
}

/// An HTTP answer, whole.
pub struct Reply {
    pub status: u16,
    pub set_cookies: Vec<String>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The value of the cookie `name` set by this answer.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies.iter().find_map(|c| {
            let pair = c.split(';').next()?;
            let (key, value) = pair.split_once('=')?;
            (key.trim() == name).then(|| value.trim().to_owned())
        })
    }
}

/// A streamed download: what arrived and when.
pub struct Download {
    pub status: u16,
    pub bytes: u64,
    pub lines: u64,
    pub first_byte: Duration,
    pub elapsed: Duration,
}

/// A small blocking client: no redirects followed, no proxy, no compression asked for.
pub struct Http {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Http {
    pub fn new() -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            // A fresh connection for every request: an idle one may have been closed by the
            // server's keep-alive timeout during a long wrk run.
            .pool_max_idle_per_host(0)
            .timeout(Duration::from_secs(120))
            .build()?;
        Ok(Self { runtime, client })
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    pub fn get(&self, url: &str, cookie: Option<&str>) -> anyhow::Result<Reply> {
        let mut request = self.client.get(url);
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        self.send(request)
    }

    pub fn post_form(&self, url: &str, cookie: &str, body: String) -> anyhow::Result<Reply> {
        let request = self
            .client
            .post(url)
            .header("Cookie", cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request)
    }

    fn send(&self, request: reqwest::RequestBuilder) -> anyhow::Result<Reply> {
        self.runtime.block_on(async move {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let set_cookies = response
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_owned))
                .collect();
            let body = response.bytes().await?.to_vec();
            Ok(Reply { status, set_cookies, body })
        })
    }

    /// Polls `url` until it answers 200 or `timeout` passes; returns when it did, measured
    /// from `since`.
    pub fn wait_for_ok(&self, url: &str, since: Instant, timeout: Duration) -> anyhow::Result<Duration> {
        let deadline = Instant::now() + timeout;
        loop {
            let answer = self.runtime.block_on(async {
                self.client.get(url).timeout(Duration::from_secs(5)).send().await.map(|r| r.status().as_u16())
            });
            if let Ok(200) = answer {
                return Ok(since.elapsed());
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "{url} did not answer 200 within {timeout:?} ({answer:?})"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Downloads `url` chunk by chunk (nothing kept), counting bytes and lines.
    pub fn download(&self, url: &str, cookie: &str) -> anyhow::Result<Download> {
        self.runtime.block_on(async {
            let started = Instant::now();
            let mut response = self.client.get(url).header("Cookie", cookie).send().await?;
            let status = response.status().as_u16();
            let (mut bytes, mut lines, mut first_byte) = (0u64, 0u64, None);
            while let Some(chunk) = response.chunk().await? {
                first_byte.get_or_insert_with(|| started.elapsed());
                bytes += chunk.len() as u64;
                lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
            }
            let elapsed = started.elapsed();
            Ok(Download { status, bytes, lines, first_byte: first_byte.unwrap_or(elapsed), elapsed })
        })
    }
}
