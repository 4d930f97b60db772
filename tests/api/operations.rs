//! Operations: several instances on one database, metrics, request ids, backups.

use std::collections::HashMap;

use crate::helpers::{Engine, TestApp, csrf_token, valid_form};
use crate::on_both_engines;

/// Two app instances and two workers on one database register and confirm 500 people for
/// 100 seats, every request going to either instance.
async fn two_instances_and_two_workers_behave_as_one_system(engine: Engine) {
    let first = TestApp::spawn(engine).await;
    let second = first.another_instance().await;
    let session = first.create_session("crowded", 100, 10).await;
    let org = first.create_member("Seoul", "Republic of Korea").await;
    let instances = [&first, &second];

    // One browser per instance; each keeps its CSRF cookie across its submissions.
    let clients = [first.client(), second.client()];
    let mut tokens = Vec::new();
    for (app, client) in instances.iter().zip(&clients) {
        let page = client
            .get(app.url("/sessions/crowded/register"))
            .send()
            .await
            .expect("form")
            .text()
            .await
            .expect("body");
        tokens.push(csrf_token(&page));
    }
    let people: Vec<String> = (0..500).map(|i| format!("official{i}@seoul.go.kr")).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, email) in people.iter().enumerate() {
        let (app, client, token) = (instances[i % 2], clients[i % 2].clone(), tokens[i % 2].clone());
        let url = app.url("/sessions/crowded/register");
        let mut form = valid_form(&format!("Official {i}"), email, &org);
        form.push(("csrf_token".into(), token));
        tasks
            .spawn(async move { client.post(url).form(&form).send().await.expect("post").status().as_u16() });
        if tasks.len() >= 16 {
            assert_eq!(tasks.join_next().await.expect("task").expect("join"), 303);
        }
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.expect("join"), 303);
    }
    assert_eq!(first.count_registrations(&session.id, "pending").await, 500);

    // Both workers deliver the confirmation requests at the same time.
    let (w1, w2) = (first.worker.clone(), second.worker.clone());
    let (a, b) = tokio::join!(w1.run_until_idle(), w2.run_until_idle());
    assert_eq!(a.expect("worker one") + b.expect("worker two"), 500);

    // Everyone follows their link, half of them landing on each instance.
    let mail = first.mail();
    let mut requests: HashMap<String, Vec<String>> = HashMap::new();
    let prefix = format!("{}/confirm/", first.address);
    for message in mail.received() {
        let link = message.link(&prefix).expect("a confirmation link");
        for to in &message.to {
            requests.entry(to.clone()).or_default().push(link.clone());
        }
    }
    let links: Vec<String> = people
        .iter()
        .map(|email| {
            let found = requests.get(email).expect("a request for everyone");
            assert_eq!(found.len(), 1, "{email}: one confirmation request");
            found[0].clone()
        })
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, link) in links.into_iter().enumerate() {
        // The link names the public address; a load balancer may send it to either instance.
        let target = link.replace(&first.address, &instances[i % 2].address);
        let client = instances[i % 2].client();
        tasks.spawn(async move { crate::helpers::confirm(&client, &target).await.status().as_u16() });
        if tasks.len() >= 16 {
            assert_eq!(tasks.join_next().await.expect("task").expect("join"), 303);
        }
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.expect("join"), 303);
    }
    let (a, b) = tokio::join!(w1.run_until_idle(), w2.run_until_idle());
    assert_eq!(a.expect("worker one") + b.expect("worker two"), 500);

    assert_eq!(first.count_registrations(&session.id, "confirmed").await, 100, "exactly the capacity");
    assert_eq!(first.count_registrations(&session.id, "waitlisted").await, 400);
    let mut per_address: HashMap<String, usize> = HashMap::new();
    for message in mail.received() {
        for to in message.to {
            *per_address.entry(to).or_default() += 1;
        }
    }
    assert_eq!(per_address.len(), 500);
    assert!(per_address.values().all(|n| *n == 2), "each person got exactly a request and an answer");
    let registered = mail.received().iter().filter(|m| m.subject().starts_with("You are registered")).count();
    assert_eq!(registered, 100, "every confirmation email exactly once");
}

async fn metrics_and_request_ids_are_exposed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.create_session("observed", 10, 5).await;
    let client = app.client();
    let res = client
        .get(app.url("/sessions/observed"))
        .header("x-request-id", "trace-123")
        .send()
        .await
        .expect("page");
    assert_eq!(res.headers()["x-request-id"], "trace-123", "a sane incoming id is kept");
    let res =
        client.get(app.url("/")).header("x-request-id", "bad id; with spaces").send().await.expect("home");
    let generated = res.headers()["x-request-id"].to_str().expect("id").to_owned();
    assert_eq!(generated.len(), 32, "a fresh id replaces an unusable one");

    let metrics_url = format!("{}/metrics", app.metrics_address.as_deref().expect("metrics listener"));
    let metrics = client.get(metrics_url).send().await.expect("metrics");
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.expect("body");
    assert!(text.contains("convoca_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/sessions/{slug}\""), "labelled by route pattern, not path");
    assert!(!text.contains("/sessions/observed"), "no paths (they can carry tokens)");
    assert!(text.contains("convoca_http_request_duration_seconds_bucket"));
    assert!(text.contains("convoca_db_pool_connections"));
    assert!(text.contains("convoca_outbox_messages{status=\"queued\"}"));
    assert_eq!(client.get(app.url("/livez")).send().await.expect("live").status(), 200);
    assert_eq!(client.get(app.url("/readyz")).send().await.expect("ready").status(), 200);
}

async fn a_backup_restores_every_registration(engine: Engine) {
    let app = TestApp::spawn(engine.clone()).await;
    let session = app.create_session("backed-up", 50, 5).await;
    app.insert_confirmed(&session.id, 25, "en", chrono::Duration::hours(1)).await;
    let path = app.data_dir.path().join("backup.db");
    let target = path.clone();
    let result = app.db(move |conn| convoca::db::backup_sqlite(conn, &target)).await;
    match engine {
        Engine::Postgres(_) => {
            let message = result.expect_err("PostgreSQL is dumped with pg_dump").to_string();
            assert!(message.contains("pg_dump"), "{message}");
        }
        Engine::Sqlite => {
            result.expect("backup");
            let restored = convoca::db::build_pool(
                &convoca::config::DatabaseTarget::Sqlite(path.to_string_lossy().into_owned()),
                &Default::default(),
            )
            .expect("open the backup");
            let mut conn = restored.get().expect("connection");
            use convoca::db::schema::registrations::dsl as r;
            use diesel::prelude::*;
            let count: i64 = r::registrations
                .filter(r::session_id.eq(&session.id))
                .count()
                .get_result(&mut conn)
                .expect("count");
            assert_eq!(count, 25, "every registration is in the copy");
            let again = app.db(move |conn| convoca::db::backup_sqlite(conn, &path)).await;
            assert!(again.expect_err("exists").to_string().contains("already exists"), "never overwrites");
        }
    }
}

/// Rate-limit events of client addresses never seen again are removed by the worker's daily
/// housekeeping, so the table does not grow with every address that ever registered.
async fn the_worker_trims_old_rate_limit_events_daily(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.create_session("trim", 10, 30).await;
    let org = app.create_member("Accra", "Ghana").await;
    let client = app.client();
    let res = app.submit_registration(&client, "trim", &valid_form("Ama", "ama@accra.gov.gh", &org)).await;
    assert_eq!(res.status(), 303);
    let count = || {
        app.db(|conn| {
            use convoca::db::schema::rate_events;
            use diesel::prelude::*;
            rate_events::table.count().get_result::<i64>(conn).expect("count")
        })
    };
    assert_eq!(count().await, 1, "the registration was counted for its address");

    // The next day's housekeeping window, a day later: still within a day, kept.
    let start = app.clock.now();
    let next_three = (start + chrono::Duration::days(1)).date().and_hms_opt(3, 5, 0).expect("time");
    app.clock.set(next_three);
    app.deliver_mail().await;
    let expected = if next_three - start < chrono::Duration::days(1) { 1 } else { 0 };
    assert_eq!(count().await, expected);
    app.clock.set(next_three + chrono::Duration::days(1));
    app.deliver_mail().await;
    assert_eq!(count().await, 0, "older than a day: trimmed");
}

on_both_engines!(
    the_worker_trims_old_rate_limit_events_daily,
    two_instances_and_two_workers_behave_as_one_system,
    metrics_and_request_ids_are_exposed,
    a_backup_restores_every_registration,
);

/// The deployment files of contrib/ pass the tools that read them, where the machine has
/// those tools (each skip is said on the terminal).
#[test]
fn the_shipped_deployment_files_pass_their_own_tools() {
    use std::io::Write;
    use std::process::Command;
    let contrib = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib");
    let have = |tool: &str| Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success());
    let skipped = |what: &str| {
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED: {what} is not installed, so contrib/ is not checked by it\n"
        );
    };
    if have("systemd-analyze") {
        // verify needs the programs the unit runs: this build's binary stands in for them.
        let dir = tempfile::tempdir().expect("tempdir");
        let unit = std::fs::read_to_string(contrib.join("convoca.service")).expect("unit");
        let unit = unit.replace("/usr/local/bin/convoca", env!("CARGO_BIN_EXE_convoca"));
        let path = dir.path().join("convoca.service");
        std::fs::write(&path, unit).expect("write");
        let out = Command::new("systemd-analyze").arg("verify").arg(&path).output().expect("verify");
        assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
        let out = Command::new("systemd-analyze")
            .args(["security", "--offline=true", "--threshold=20"])
            .arg(&path)
            .output()
            .expect("security");
        assert!(out.status.success(), "exposure above 2.0: {}", String::from_utf8_lossy(&out.stdout));
    } else {
        skipped("systemd-analyze");
    }
    if have("nginx") {
        // nginx -t reads a whole configuration: the example inside a minimal one, with its
        // certificate lines pointed at a throwaway self-signed pair would need openssl, so only
        // the syntax is checked (`-t` with the TLS lines removed).
        let dir = tempfile::tempdir().expect("tempdir");
        let site: String = std::fs::read_to_string(contrib.join("nginx.conf"))
            .expect("nginx.conf")
            .lines()
            .filter(|l| !l.trim_start().starts_with("ssl_certificate"))
            .map(|l| l.replace(" ssl;", ";") + "\n")
            .collect();
        let conf = format!(
            "pid {0}/nginx.pid; error_log {0}/error.log; events {{}}\nhttp {{ access_log off; client_body_temp_path {0}; proxy_temp_path {0}; fastcgi_temp_path {0}; uwsgi_temp_path {0}; scgi_temp_path {0};\n{site}}}\n",
            dir.path().display()
        );
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, conf).expect("write");
        let out = Command::new("nginx").arg("-t").arg("-c").arg(&path).output().expect("nginx -t");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    } else {
        skipped("nginx");
    }
    if have("caddy") {
        let out = Command::new("caddy")
            .args(["validate", "--adapter", "caddyfile", "--config"])
            .arg(contrib.join("Caddyfile"))
            .output()
            .expect("caddy validate");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    } else {
        skipped("caddy");
    }
}
