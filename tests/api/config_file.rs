//! The configuration file together with the environment, as `convoca` reads them: the
//! environment wins, the file gives the rest, and a file with secrets that others can read is
//! reported.

use std::process::Command;

use crate::cli::convoca;
use crate::helpers::{Engine, TestApp};
use crate::on_both_engines;

async fn run(mut command: Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output().expect("run")).await.expect("task")
}

async fn the_file_gives_what_the_environment_does_not(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let path = app.data_dir.path().join("convoca.toml");
    // Secrets (the database URL) in a file other users may read (the umask's 0644).
    std::fs::write(
        &path,
        format!(
            "# Convoca\ndatabase_url = {:?}\nsmtp_url = {:?}\nmail_from = \"File sender <file@example.org>\"\nmail_reply_to = \"Secretariat <desk@example.org>\"\nsmtp_concurrency = 2\n",
            app.database_url,
            app.mail().url()
        ),
    )
    .expect("write the file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let mut command = convoca(app.data_dir.path());
    command
        .env("CONVOCA_MAIL_FROM", "Environment sender <env@example.org>")
        .arg("--config")
        .arg(&path)
        .args(["mail-test", "operator@example.org"]);
    let out = run(command).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("other users can read it"), "a warning about the file's mode: {stderr}");
    let received = app.mail().to("operator@example.org");
    assert_eq!(received.len(), 1, "sent through the SMTP server the file names");
    let from = received[0].header("From").unwrap_or_default();
    assert!(from.contains("env@example.org"), "the environment wins: {from}");
    let reply_to = received[0].header("Reply-To").unwrap_or_default();
    assert!(reply_to.contains("desk@example.org"), "the file gives the rest: {reply_to}");

    // Readable by its owner only: no warning; and `check` says where the settings came from.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let mut command = convoca(app.data_dir.path());
    command
        .env("CONVOCA_MAIL_FROM", "Environment sender <env@example.org>")
        .arg("--config")
        .arg(&path)
        .arg("check");
    let out = run(command).await;
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(!stderr.contains("other users can read it"), "{stderr}");
    // The environment: the data folder, the metrics listener and the log filter that
    // `cli::convoca` sets, and the sender set here.
    let summary = format!("4 from the environment, 4 from {}", path.display());
    assert!(stdout.contains(&summary), "{summary} in {stdout}");
}

on_both_engines!(the_file_gives_what_the_environment_does_not);

#[test]
fn a_bad_file_names_the_file_the_key_and_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("convoca.toml");
    let at = |line: usize| format!("{} line {line}", path.display());
    for (text, expected) in [
        (
            "bind = \"127.0.0.1:8080\"\n\nmail_frm = \"x@example.org\"\n",
            format!("{}: unknown setting \"mail_frm\"", at(3)),
        ),
        (
            "# a comment\ndb_pool_size = \"four\"\n",
            format!("{}: db_pool_size is a string: expected a whole number", at(2)),
        ),
        ("demo = 0\n", format!("{}: demo is a number: expected true or false", at(1))),
        ("\nbind = \"eight\"\n", format!("in {} (bind): CONVOCA_BIND \"eight\" is not an address", at(2))),
    ] {
        std::fs::write(&path, text).expect("write");
        let out = convoca(dir.path()).arg("--config").arg(&path).arg("migrate").output().expect("run");
        assert!(!out.status.success(), "{text}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&expected), "{expected} in {stderr}");
    }
    let missing = dir.path().join("missing.toml");
    let out = convoca(dir.path()).arg("--config").arg(&missing).arg("migrate").output().expect("run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
}

#[test]
fn an_option_beats_the_environment_which_beats_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("convoca.toml");
    let (from_file, from_env, from_option) =
        (dir.path().join("file.db"), dir.path().join("env.db"), dir.path().join("option.db"));
    std::fs::write(&path, format!("database_url = {:?}\n", from_file.to_string_lossy())).expect("write");
    let migrate = |env: bool, option: bool| {
        let mut command = convoca(dir.path());
        command.arg("--config").arg(&path).arg("migrate");
        if env {
            command.env("DATABASE_URL", &from_env);
        }
        if option {
            command.arg("--database-url").arg(&from_option);
        }
        let out = command.output().expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    migrate(true, true);
    assert!(from_option.exists() && !from_env.exists() && !from_file.exists());
    migrate(true, false);
    assert!(from_env.exists() && !from_file.exists());
    migrate(false, false);
    assert!(from_file.exists());
}
