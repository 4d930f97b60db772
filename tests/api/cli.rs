//! The `convoca` command as operations use it: help, errors, organiser accounts, start-up
//! checks and a graceful stop on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{Engine, TestApp, free_port};
use crate::on_both_engines;

/// The command with nothing from the test's environment but PATH.
pub fn convoca(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_convoca"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CONVOCA_DATA_DIR", data_dir)
        // Tests run at once: each metrics listener on a port of its own.
        .env("CONVOCA_METRICS_BIND", "127.0.0.1:0")
        .env("RUST_LOG", "warn");
    command
}

#[test]
fn help_lists_the_commands_and_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = convoca(dir.path()).arg("--help").output().expect("run");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for word in [
        "serve",
        "worker",
        "migrate",
        "organiser",
        "backup",
        "DATABASE_URL",
        "CONVOCA_BIND",
        "CONVOCA_BASE_URL",
        "SMTP_URL",
    ] {
        assert!(help.contains(word), "{word} in --help");
    }
}

#[test]
fn help_lists_every_setting_of_the_table_with_its_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in [&["--help"][..], &["-h"], &["serve", "--help"], &["worker", "--help"]] {
        let output = convoca(dir.path()).args(args).output().expect("run");
        assert!(output.status.success());
        let help = String::from_utf8_lossy(&output.stdout);
        for setting in convoca::config::SETTINGS {
            assert!(help.contains(&format!("\n  {}", setting.env)), "{} in {args:?}", setting.env);
            assert!(
                help.contains(&format!("[default: {}]", setting.default_shown())),
                "the default of {} in {args:?}",
                setting.env
            );
            assert!(
                help.contains(&format!("(file: {})", setting.name)),
                "the file key {} in {args:?}",
                setting.name
            );
        }
    }
}

#[test]
fn an_option_beats_its_environment_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("from-the-option.db");
    let output = convoca(dir.path())
        .env("DATABASE_URL", "mysql://root@localhost/x")
        .arg("migrate")
        .arg("--database-url")
        .arg(&file)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(file.exists());
}

#[test]
fn settings_once_read_outside_the_loader_still_say_what_was_expected() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, value, expected) in [
        ("CONVOCA_DB_POOL_SIZE", "0", "CONVOCA_DB_POOL_SIZE \"0\": expected a whole number from 1 to 256"),
        ("CONVOCA_BENCH_REFERENCE", "maybe", "CONVOCA_BENCH_REFERENCE \"maybe\": expected 1 or 0"),
    ] {
        let output = convoca(dir.path()).env(name, value).args(["worker", "--once"]).output().expect("run");
        assert!(!output.status.success());
        let error = String::from_utf8_lossy(&output.stderr);
        assert!(error.contains(expected), "{error}");
    }
}

#[test]
fn logs_follow_the_log_settings_and_never_show_a_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = convoca(dir.path())
        .env("CONVOCA_LOG_FORMAT", "json")
        .env("RUST_LOG", "trace")
        .env("SMTP_URL", "smtp://mailer:smtp-hunter2@127.0.0.1:1")
        .env("CONVOCA_METRICS_TOKEN", "metrics-hunter2-0123456789")
        .args(["worker", "--once"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(
        logs.lines().any(|l| l.starts_with('{') && l.contains("generated a new secret key")),
        "JSON lines at the level RUST_LOG asks for: {logs}"
    );
    let secret = std::fs::read_to_string(dir.path().join("secret.key")).expect("secret");
    assert!(!logs.contains("hunter2") && !logs.contains(secret.trim()), "{logs}");
}

#[test]
fn a_bad_database_url_names_the_variable_and_what_was_expected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = convoca(dir.path())
        .env("DATABASE_URL", "mysql://root@localhost/x")
        .arg("migrate")
        .output()
        .expect("run");
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("DATABASE_URL") && error.contains("expected postgres://"), "{error}");
}

#[test]
fn organisers_are_added_with_the_password_from_standard_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let add = |password: &str| {
        let mut child = convoca(dir.path())
            .args([
                "organiser",
                "add",
                "--email",
                "sg@metropolis.example.org",
                "--name",
                "Secretariat",
                "--admin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(password.as_bytes()).expect("write");
        child.wait_with_output().expect("wait")
    };
    let short = add("short\n");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
    let ok = add("a long enough passphrase\n");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("added administrator"));
    let again = add("a long enough passphrase\n");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn serving_beyond_loopback_without_production_settings_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output =
        convoca(dir.path()).env("CONVOCA_BIND", format!("0.0.0.0:{}", free_port())).output().expect("run");
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("SMTP_URL") && error.contains("CONVOCA_SECRET_KEY"), "{error}");
}

#[test]
fn serve_starts_with_the_demo_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let child = convoca(dir.path())
        .env("CONVOCA_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // A failed assertion must not leave the server running.
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = KillOnDrop(child);
    let started = Instant::now();
    let health = format!("http://127.0.0.1:{port}/healthz");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let ready = runtime.block_on(async {
        while started.elapsed() < Duration::from_secs(20) {
            if let Ok(res) = reqwest::get(&health).await
                && res.status() == 200
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    });
    assert!(ready, "answers /healthz");
    let home = runtime.block_on(async {
        reqwest::get(format!("http://127.0.0.1:{port}/")).await.expect("home").text().await.expect("body")
    });
    assert!(
        home.contains("Internationalisation of metropolitan spaces: the session in French"),
        "demo data loaded"
    );
    assert!(dir.path().join("convoca.db").exists() && dir.path().join("secret.key").exists());

    let killed = Command::new("kill").args(["-TERM", &child.0.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let stopping = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("wait") {
            break status;
        }
        assert!(stopping.elapsed() < Duration::from_secs(30), "stops within its shutdown timeout");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "a clean exit: {status:?}");
}

/// `convoca` on the database and SMTP server of `app`.
fn on_app(app: &TestApp, smtp_url: &str) -> Command {
    let mut command = convoca(app.data_dir.path());
    command
        .env("DATABASE_URL", &app.database_url)
        .env("SMTP_URL", smtp_url)
        .env("CONVOCA_MAIL_FROM", "Metropolis webinars <webinars@convoca.test>");
    command
}

async fn output(mut command: Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output().expect("run")).await.expect("task")
}

async fn check_reports_the_database_and_the_mail_server(engine: Engine) {
    let app = TestApp::spawn(engine.clone()).await;
    let mail = app.mail().url();
    let out = output({
        let mut c = on_app(&app, &mail);
        c.arg("check");
        c
    })
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let engine_name = if matches!(engine, Engine::Sqlite) { "sqlite 3." } else { "postgresql 1" };
    let line = |what: &str| {
        stdout.lines().find(|l| l.split_whitespace().nth(1) == Some(what)).unwrap_or_default().to_owned()
    };
    let database = line("database");
    assert!(database.starts_with("ok") && database.contains(engine_name), "{stdout}");
    assert!(database.contains("no pending migration"), "the app migrated it: {stdout}");
    let smtp = line("mail");
    assert!(smtp.starts_with("ok") && smtp.contains("EHLO answered"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
}

async fn check_fails_and_names_a_closed_smtp_port(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let port = free_port();
    let out = output({
        let mut c = on_app(&app, &format!("smtp://127.0.0.1:{port}"));
        c.arg("check");
        c
    })
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    let smtp = stdout.lines().find(|l| l.split_whitespace().nth(1) == Some("mail")).unwrap_or_default();
    assert!(smtp.starts_with("FAIL") && smtp.contains(&format!("127.0.0.1:{port}")), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("ok") && l.contains("database")), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("check failed: mail"));
}

async fn mail_test_goes_through_the_outbox_to_the_smtp_server(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let mail = app.mail().url();
    let out = output({
        let mut c = on_app(&app, &mail);
        c.args(["mail-test", "operator@example.org"]);
        c
    })
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("sent to operator@example.org"), "{stdout}");
    let received = app.mail().to("operator@example.org");
    assert_eq!(received.len(), 1, "one message");
    assert_eq!(received[0].subject(), "Convoca test message");
    assert!(received[0].text().contains("convoca mail-test"), "{}", received[0].text());
    assert_eq!(app.outbox_statuses("mail_test").await, vec!["sent".to_owned()], "through the outbox");

    // A relay that is down: not sent, said so, and the exit status says it too.
    let down = output({
        let mut c = on_app(&app, &format!("smtp://127.0.0.1:{}", free_port()));
        c.args(["mail-test", "operator@example.org"]);
        c
    })
    .await;
    assert!(!down.status.success());
    let error = String::from_utf8_lossy(&down.stderr);
    assert!(error.contains("not sent to operator@example.org") && error.contains("try again"), "{error}");
}

on_both_engines!(
    check_reports_the_database_and_the_mail_server,
    check_fails_and_names_a_closed_smtp_port,
    mail_test_goes_through_the_outbox_to_the_smtp_server,
);
