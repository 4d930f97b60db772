//! Convoca keeps running while its PostgreSQL restarts: on a throwaway cluster of its own
//! (initdb into a temporary folder, its own port), registrations keep coming while the cluster
//! stops and starts again. While it is away the app answers 503 and `/readyz` says not ready;
//! once it is back the app recovers by itself within seconds; no registration answered 303 is
//! lost and every confirmation request is mailed once.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::helpers::{Engine, Options, TestApp, csrf_token, free_port, valid_form};

/// The PostgreSQL server programs: `pg_config --bindir`, else the newest
/// /usr/lib/postgresql/*/bin.
fn postgres_bin() -> Option<PathBuf> {
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let mut installed: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.flatten().map(|d| d.path().join("bin")).collect())
        .unwrap_or_default();
    installed.sort_by_key(|p| {
        p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok())
    });
    from_pg_config.into_iter().chain(installed.into_iter().rev()).find(|bin| bin.join("initdb").is_file())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A PostgreSQL cluster in a temporary folder, on its own port of 127.0.0.1; stopped with the
/// test.
struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    root: bool,
}

impl Cluster {
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A program of the server, as the `postgres` user when the test runs as root (initdb and
    /// the server refuse to run as root).
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.root {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn run(&self, mut command: Command, what: &str) {
        let out = command.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            out.status.success(),
            "{what}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn create(bin: PathBuf) -> Cluster {
        let root = is_root();
        let dir = tempfile::tempdir().expect("cluster folder");
        if root {
            let out = Command::new("chown").arg("postgres:").arg(dir.path()).output().expect("chown");
            assert!(out.status.success(), "chown postgres: {}", String::from_utf8_lossy(&out.stderr));
        }
        let cluster = Cluster { bin, dir, port: free_port(), root };
        let mut initdb = cluster.command("initdb");
        initdb.arg("-D").arg(cluster.data()).args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ]);
        cluster.run(initdb, "initdb");
        cluster.start();
        cluster
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60",
            self.port,
            self.dir.path().display()
        );
        let mut pg_ctl = self.command("pg_ctl");
        pg_ctl
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("server.log"))
            .args(["-o", &options, "-w", "-t", "30", "start"]);
        self.run(pg_ctl, "pg_ctl start");
    }

    /// Stops at once, cutting the connections (what a crash or a restart does to clients).
    fn stop(&self) {
        let mut pg_ctl = self.command("pg_ctl");
        pg_ctl.arg("-D").arg(self.data()).args(["-m", "fast", "-w", "stop"]);
        self.run(pg_ctl, "pg_ctl stop");
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if Path::new(&self.data()).join("postmaster.pid").exists() {
            let mut pg_ctl = self.command("pg_ctl");
            pg_ctl.arg("-D").arg(self.data()).args(["-m", "immediate", "stop"]);
            let _ = pg_ctl.stdout(Stdio::null()).stderr(Stdio::null()).status();
        }
    }
}

async fn status(client: &reqwest::Client, url: &str) -> u16 {
    client.get(url).send().await.map_or(0, |r| r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn registrations_survive_postgresql_restarting() {
    let Some(bin) = postgres_bin() else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED: database_restart, because no initdb was found (pg_config --bindir, \
             /usr/lib/postgresql/*/bin): install the Debian package postgresql\n"
        );
        return;
    };
    let cluster = Cluster::create(bin);
    let app = TestApp::spawn_with(Engine::Postgres(cluster.url()), Options::default()).await;
    let session = app.create_session("restart", 10_000, 10).await;
    let org = app.create_member("Lisbon", "Portugal").await;
    let ready = app.url("/readyz");
    let probe = app.client();
    assert_eq!(status(&probe, &ready).await, 200);

    // Four browsers register one new address after another until told to stop.
    let answered: Arc<Mutex<Vec<(String, u16)>>> = Arc::default();
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut load = tokio::task::JoinSet::new();
    for lane in 0..4 {
        let client = app.client();
        let page = client.get(app.url("/sessions/restart/register")).send().await.expect("form");
        let token = csrf_token(&page.text().await.expect("body"));
        let post = app.url("/sessions/restart/register");
        let (answered, running, org) = (answered.clone(), running.clone(), org.clone());
        load.spawn(async move {
            let mut n = 0;
            while running.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let email = format!("lane{lane}-{n}@lisbon.example.org");
                let mut form = valid_form(&format!("Person {lane} {n}"), &email, &org);
                form.push(("csrf_token".into(), token.clone()));
                let code = client.post(&post).form(&form).send().await.map_or(0, |r| r.status().as_u16());
                answered.lock().expect("lock").push((email, code));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
    }
    let accepted = |answered: &Mutex<Vec<(String, u16)>>| {
        answered.lock().expect("lock").iter().filter(|(_, c)| *c == 303).count()
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(accepted(&answered) > 0, "registrations go through before the restart");

    tokio::task::block_in_place(|| cluster.stop());
    let away = Instant::now();
    let before_stop = answered.lock().expect("lock").len();
    // While it is away: not ready, and a registration is refused with 503, quickly: a request
    // does not hang for the connection timeout (10 s) waiting for a pool that cannot connect.
    let (mut not_ready, mut slowest) = (0, Duration::ZERO);
    while away.elapsed() < Duration::from_secs(3) {
        let asked = Instant::now();
        if status(&probe, &ready).await == 503 {
            not_ready += 1;
        }
        slowest = slowest.max(asked.elapsed());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(not_ready > 0, "/readyz says not ready while the database is away");
    assert!(
        slowest < Duration::from_secs(1),
        "/readyz answers at once while the database is away: {slowest:?}"
    );
    let during: Vec<u16> = answered.lock().expect("lock")[before_stop..].iter().map(|(_, c)| *c).collect();
    assert!(
        during.len() >= 8 && during.iter().rev().take(4).all(|c| *c == 503),
        "registrations keep being answered, with 503, while it is away: {during:?}"
    );
    let before_restart = answered.lock().expect("lock").len();

    tokio::task::block_in_place(|| cluster.start());
    let back = Instant::now();
    while status(&probe, &ready).await != 200 {
        assert!(back.elapsed() < Duration::from_secs(10), "ready again within seconds of the database");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovered_in = back.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    running.store(false, std::sync::atomic::Ordering::Relaxed);
    while load.join_next().await.is_some() {}
    let answered = answered.lock().expect("lock").clone();
    let after: Vec<u16> = answered[before_restart..].iter().rev().take(8).map(|(_, c)| *c).collect();
    assert!(after.iter().all(|c| *c == 303), "registrations go through again: {after:?}");
    let codes: std::collections::BTreeSet<u16> = answered.iter().map(|(_, c)| *c).collect();
    assert!(codes.iter().all(|c| [303, 503].contains(c)), "only 303 or 503, never an error page: {codes:?}");

    // Every registration answered 303 is stored, and its confirmation request mailed once.
    app.deliver_mail().await;
    let session_id = session.id.to_string();
    let accepted: Vec<&String> = answered.iter().filter(|(_, c)| *c == 303).map(|(e, _)| e).collect();
    for email in &accepted {
        assert!(app.status_of(&session_id, email).await.is_some(), "{email} was answered 303 and is stored");
        assert_eq!(app.mail().to(email).len(), 1, "{email} got one confirmation request");
    }
    let stored = app.count_registrations(&session_id, "pending").await;
    assert_eq!(stored, accepted.len() as i64, "nothing refused was stored");
    eprintln!(
        "{} registrations accepted, {} refused while away; ready {} ms after the database",
        accepted.len(),
        answered.len() - accepted.len(),
        recovered_in.as_millis()
    );
}
