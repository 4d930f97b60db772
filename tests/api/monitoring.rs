//! Monitoring as operators use it (issues #14 and #16): /metrics closed on the public listener,
//! open on the metrics listener only; labels from closed sets; every metric named `convoca_…`
//! with its help; the outbox gauges an alert on stuck mail needs; the example alert rules
//! naming only metrics that exist; logs without colour codes when not on a terminal.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use mailin_embedded::Response;

use crate::helpers::{Engine, Options, ServedBinary, TestApp, valid_form};
use crate::on_both_engines;

const TOKEN: &str = "scrape-token-0123456789abcdef";

async fn scrape(app: &TestApp) -> String {
    scrape_at(app.metrics_address.as_deref().expect("metrics listener")).await
}

async fn scrape_at(metrics_address: &str) -> String {
    let url = format!("{metrics_address}/metrics");
    let res = reqwest::get(url).await.expect("scrape");
    assert_eq!(res.status(), 200);
    res.text().await.expect("body")
}

/// The value of the sample `series` (name and labels as rendered), if there is one.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
}

/// The metric names of `# TYPE` lines.
fn typed_names(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

async fn metrics_on_the_public_listener_need_the_token_from_every_address(engine: Engine) {
    let token = vec![("CONVOCA_METRICS_TOKEN", TOKEN.to_owned())];
    let options = Options { trusted_proxies: Some("127.0.0.1"), settings: token, ..Options::default() };
    let app = TestApp::spawn_with(engine.clone(), options).await;
    let client = app.client();
    let get = |from: &'static str, auth: Option<String>| {
        let mut request = client.get(app.url("/metrics"));
        if !from.is_empty() {
            request = request.header("x-forwarded-for", from);
        }
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        request.send()
    };
    // The proxy on this host makes every request come from loopback: that opens nothing.
    for from in ["", "127.0.0.1", "203.0.113.9"] {
        let res = get(from, None).await.expect("answer");
        assert_eq!(res.status(), 401, "no token, from {from:?}");
        assert!(res.headers()["www-authenticate"].to_str().expect("header").starts_with("Bearer"));
        for wrong in ["Bearer wrong-token", "Bearer ", "Basic c2NyYXBlOg==", &format!("Bearer {TOKEN}x")] {
            let res = get(from, Some(wrong.to_owned())).await.expect("answer");
            assert_eq!(res.status(), 401, "{wrong:?} from {from:?}");
        }
        let res = get(from, Some(format!("Bearer {TOKEN}"))).await.expect("answer");
        assert_eq!(res.status(), 200, "the token, from {from:?}");
        assert!(res.text().await.expect("body").contains("# TYPE convoca_build_info gauge"));
    }

    // Without a token configured, the public listener has no /metrics at all.
    let closed =
        TestApp::spawn_with(engine, Options { trusted_proxies: Some("127.0.0.1"), ..Options::default() })
            .await;
    let res = closed.client().get(closed.url("/metrics")).send().await.expect("answer");
    assert_eq!(res.status(), 404);
    let res = closed.client().get(closed.url("/metrics")).bearer_auth(TOKEN).send().await.expect("answer");
    assert_eq!(res.status(), 404, "no token is right when none is set");

    // The metrics listener serves /metrics without a token, and nothing else.
    let metrics = closed.metrics_address.clone().expect("metrics listener");
    assert!(scrape(&closed).await.contains("convoca_http_requests_total"));
    for path in ["/", "/healthz", "/sessions/x", "/admin", "/metrics/x"] {
        let res = reqwest::get(format!("{metrics}{path}")).await.expect("answer");
        assert_eq!(res.status(), 404, "{path} on the metrics listener");
    }
}

async fn the_metrics_listener_can_be_turned_off(engine: Engine) {
    let off = vec![("CONVOCA_METRICS_BIND", "off".to_owned())];
    let app = TestApp::spawn_with(engine, Options { settings: off, ..Options::default() }).await;
    assert_eq!(app.metrics_address, None);
    assert_eq!(app.client().get(app.url("/healthz")).send().await.expect("health").status(), 200);
}

/// An upper-case word made of random bytes.
fn random_word(bytes: &[u8]) -> String {
    bytes.iter().map(|b| char::from(b'A' + b % 26)).collect()
}

const METHODS: [&str; 8] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW"];

/// A request with method `method` (a known one, or any word) to a path of `kind`: unmatched,
/// or a route pattern with a random parameter.
fn request(
    client: &reqwest::Client,
    base: &str,
    method: &str,
    kind: u8,
    random: &str,
) -> reqwest::RequestBuilder {
    let path = match kind % 4 {
        0 => format!("/{random}/{random}"),
        1 => format!("/sessions/{random}"),
        2 => format!("/static/{random}.css"),
        _ => format!("/x?{random}={random}"),
    };
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    client.request(method, format!("{base}{path}"))
}

async fn random_methods_and_paths_add_no_series(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    // The server in a process of its own: the metrics registry is one per process, and the
    // other tests of this one add their own series meanwhile.
    let served = ServedBinary::start(&app).await;
    let client = app.client();
    // Every label combination once: known methods, an unknown one, each kind of path.
    for method in METHODS {
        for kind in 0..4 {
            request(&client, &served.address, method, kind, "warm").send().await.expect("answer");
        }
    }
    let before = scrape_at(&served.metrics_address).await;
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..16 {
        let (client, base) = (client.clone(), served.address.clone());
        tasks.spawn(async move {
            for _ in 0..(5_000 / 16 + usize::from(worker < 5_000 % 16)) {
                let bytes = *uuid::Uuid::new_v4().as_bytes();
                let method = match bytes[0] % 3 {
                    0 => random_word(&bytes[1..1 + 1 + usize::from(bytes[2] % 12)]),
                    _ => METHODS[usize::from(bytes[3]) % 7].to_owned(),
                };
                let random = uuid::Uuid::from_bytes(bytes).simple().to_string();
                let res = request(&client, &base, &method, bytes[4], &random).send().await.expect("answer");
                assert!(res.status().as_u16() < 500, "{method} answered {}", res.status());
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("requests");
    }
    let after = scrape_at(&served.metrics_address).await;
    assert_eq!(
        after.lines().count(),
        before.lines().count(),
        "no series added: {:?}",
        after
            .lines()
            .filter(|l| !before.lines().any(|b| b.split(' ').next() == l.split(' ').next()))
            .take(5)
            .collect::<Vec<_>>()
    );
    assert!(after.contains("method=\"other\""), "unknown methods are counted as other");
    assert!(after.contains("route=\"other\""), "unknown paths are counted as other");
    assert!(!after.contains("method=\"BREW\""));
}

async fn every_metric_is_named_for_convoca_and_explained(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.client().get(app.url("/")).send().await.expect("home");
    let text = scrape(&app).await;
    let names = typed_names(&text);
    assert!(names.len() >= 10, "{names:?}");
    for name in &names {
        assert!(name.starts_with("convoca_"), "{name}: every metric is prefixed");
        assert!(text.lines().any(|l| l.starts_with(&format!("# HELP {name} "))), "{name} has a HELP line");
    }
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        assert!(line.starts_with("convoca_"), "{line}");
    }
    let build = text.lines().find(|l| l.starts_with("convoca_build_info{")).expect("build info");
    assert!(build.contains(&format!("version=\"{}\"", env!("CARGO_PKG_VERSION"))), "{build}");
    let revision = build.split("revision=\"").nth(1).and_then(|r| r.split('"').next()).expect("revision");
    assert!(
        revision == "unknown" || (revision.len() >= 7 && revision.bytes().all(|b| b.is_ascii_hexdigit())),
        "{build}"
    );
    assert!(build.ends_with(" 1"), "{build}");
    assert_eq!(sample(&text, "convoca_ready"), Some(1.0));
}

async fn the_outbox_gauges_show_stuck_and_failed_mail(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.create_session("gauges", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let text = scrape(&app).await;
    assert_eq!(sample(&text, "convoca_outbox_oldest_due_seconds"), Some(0.0), "nothing waiting");
    assert_eq!(sample(&text, "convoca_outbox_failed_last_hour"), Some(0.0));

    app.submit_registration(&app.client(), "gauges", &valid_form("Kofi Annan", "kofi@accra.gov.gh", &org))
        .await;
    app.clock.advance(chrono::Duration::minutes(10));
    let text = scrape(&app).await;
    let waited = sample(&text, "convoca_outbox_oldest_due_seconds").expect("gauge");
    assert!((600.0..700.0).contains(&waited), "the request has waited ten minutes: {waited}");

    app.mail().answer_next_recipients(vec![Response::custom(550, "5.1.1 No such user".into())]);
    app.deliver_mail().await;
    let text = scrape(&app).await;
    assert_eq!(sample(&text, "convoca_outbox_oldest_due_seconds"), Some(0.0), "nothing left waiting");
    assert_eq!(sample(&text, "convoca_outbox_failed_last_hour"), Some(1.0), "one refused for good");
    assert_eq!(sample(&text, "convoca_outbox_messages{status=\"failed\"}"), Some(1.0));
    app.clock.advance(chrono::Duration::minutes(61));
    let text = scrape(&app).await;
    assert_eq!(sample(&text, "convoca_outbox_failed_last_hour"), Some(0.0), "an hour later");
}

/// The metric names an alert rules file uses (`convoca_…` words outside comments).
fn names_in_rules(rules: &str) -> BTreeSet<String> {
    rules
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default())
        .flat_map(|l| l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .filter(|word| word.starts_with("convoca_"))
        .map(str::to_owned)
        .collect()
}

async fn every_metric_the_example_alerts_use_exists(engine: Engine) {
    let rules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/prometheus-alerts.yml"))
        .expect("docs/prometheus-alerts.yml");
    for alert in ["MailStuck", "MailFailing", "NotReady", "ServerErrors"] {
        assert!(rules.contains(&format!("alert: Convoca{alert}")), "the {alert} alert");
    }
    let app = TestApp::spawn(engine).await;
    app.client().get(app.url("/")).send().await.expect("home");
    let text = scrape(&app).await;
    let names = typed_names(&text);
    let used = names_in_rules(&rules);
    assert!(used.len() >= 4, "{used:?}");
    for name in used {
        let base = ["_bucket", "_sum", "_count"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(&name);
        assert!(names.contains(&name) || names.contains(base), "{name} is in the rules but not in /metrics");
    }
}

#[test]
fn the_alert_check_sees_a_name_that_does_not_exist() {
    let used = names_in_rules("expr: convoca_nothing_total > 0 # convoca_comment\n  for: 5m");
    assert_eq!(used.into_iter().collect::<Vec<_>>(), ["convoca_nothing_total"]);
}

#[test]
fn logs_have_no_colour_codes_when_standard_error_is_not_a_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = Command::new(env!("CARGO_BIN_EXE_convoca"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CONVOCA_DATA_DIR", dir.path())
        .env("RUST_LOG", "debug")
        .args(["worker", "--once"])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(logs.contains("generated a new secret key"), "text logs were written: {logs}");
    assert!(!output.stderr.contains(&0x1b), "no escape byte in logs to a pipe: {logs:?}");
}

on_both_engines!(
    metrics_on_the_public_listener_need_the_token_from_every_address,
    the_metrics_listener_can_be_turned_off,
    random_methods_and_paths_add_no_series,
    every_metric_is_named_for_convoca_and_explained,
    the_outbox_gauges_show_stuck_and_failed_mail,
    every_metric_the_example_alerts_use_exists,
);
