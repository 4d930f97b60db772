//! Guards of issue #14 that hold whatever the client or the machine does: uploads refused early
//! with flat memory however they are framed, and the files that hold personal data private
//! whatever the umask.

use std::path::Path;
use std::process::Command;

use crate::admin_uploads::{file_head, organiser, post_streaming_to, speaker, text_part};
use crate::helpers::{Engine, Options, ServedBinary, TestApp, valid_form};
use crate::on_both_engines;

const MB: usize = 1024 * 1024;

async fn a_chunked_200_mb_upload_is_refused_after_a_few_mb_with_flat_memory(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let visitor = organiser(&app).await;
    let id = speaker(&app, &visitor).await;
    let session = app.create_session("bounded", 10, 3).await;
    // The server in a process of its own, so that its memory is its own.
    let served = ServedBinary::start(&app).await;
    let forms = [
        (format!("/admin/sessions/{}/attendance/import", session.id), "file"),
        (format!("/admin/speakers/{id}/photo"), "photo"),
    ];
    for (path, field) in forms {
        let mut start = text_part("csrf_token", &visitor.csrf_token);
        start.extend(file_head(field));
        let before = served.resident_bytes();
        let answer = post_streaming_to(&served.address, &path, &visitor, start, 200 * MB, None).await;
        let grown = served.resident_bytes().saturating_sub(before);
        assert_eq!(answer.status, 413, "{path}");
        assert!(answer.text.contains("What you sent is too large."), "{path}: a page that says why");
        // The server stops at its 10 MB body limit; loopback's socket buffers (several MB on
        // each side under load) hold what the client wrote meanwhile, so "early" is under 32 MB.
        assert!(answer.sent < 32 * MB, "{path}: answered after {} MB of 200", answer.sent / MB);
        assert!(grown < 50 * MB as u64, "{path}: memory grew by {} MB", grown / MB as u64);
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[cfg(unix)]
fn assert_private_file(path: &Path) {
    assert_eq!(mode(path), 0o600, "{} is the service's only", path.display());
    let folder = path.parent().expect("folder");
    assert_eq!(mode(folder), 0o700, "{} is the service's only", folder.display());
}

/// The files of `folder` whose names end with `suffix`.
fn files_ending(folder: &Path, suffix: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(folder)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect()
}

/// Runs `convoca ARGS` under umask 022 (the usual default), on `app`'s database.
fn convoca_under_umask_022(app: &TestApp, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_convoca"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.database_url)
        .env("CONVOCA_DATA_DIR", app.data_dir.path())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run convoca")
}

#[cfg(unix)]
async fn files_with_personal_data_are_private_whatever_the_umask(engine: Engine) {
    let sqlite = matches!(engine, Engine::Sqlite);
    // Written as .eml files, into DATA_DIR/mail.
    let app = TestApp::spawn_with(engine, Options { smtp: false, ..Options::default() }).await;
    let control = app.data_dir.path().join("control");
    std::fs::write(&control, b"x").expect("control");
    if mode(&control) & 0o044 == 0 {
        eprintln!("this process's umask already hides files: the in-process checks prove less");
    }
    let database = Path::new(&app.database_url);
    if sqlite {
        assert_private_file(database);
    }

    app.create_session("private", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    app.submit_registration(&app.client(), "private", &valid_form("Kofi Annan", "kofi@accra.gov.gh", &org))
        .await;
    assert!(app.deliver_mail().await >= 1);
    let emails = files_ending(&app.data_dir.path().join("mail"), ".eml");
    assert_eq!(emails.len(), 1, "the confirmation request as a file");
    assert_private_file(&emails[0]);
    if sqlite {
        for suffix in ["-wal", "-shm"] {
            assert_private_file(&database.with_file_name(format!("test.db{suffix}")));
        }
        let backup = app.data_dir.path().join("backups/copy.db");
        let output = convoca_under_umask_022(&app, &["backup", backup.to_str().expect("path")]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_private_file(&backup);
    }

    let visitor = organiser(&app).await;
    let id = speaker(&app, &visitor).await;
    let png = crate::admin_directory::tiny_png();
    let body =
        crate::admin_directory::photo_body(Some(&visitor.csrf_token), Some(("p.png", "image/png", &png)));
    let res = app
        .client()
        .post(app.url(&format!("/admin/speakers/{id}/photo")))
        .header("cookie", &visitor.cookie)
        .header("content-type", format!("multipart/form-data; boundary={}", crate::admin_directory::BOUNDARY))
        .body(body)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), 303, "the photo is saved");
    // Photos are re-encoded as JPEG whatever was uploaded.
    assert_private_file(&app.data_dir.path().join("photos").join(format!("{id}.jpg")));
}

#[cfg(unix)]
#[test]
fn a_new_data_folder_and_database_are_private_under_umask_022() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("fresh/data");
    let output = Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$0\" migrate")
        .arg(env!("CARGO_BIN_EXE_convoca"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CONVOCA_DATA_DIR", &data)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run convoca");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_private_file(&data.join("convoca.db"));
    assert_private_file(&data.join("secret.key"));
    assert_eq!(mode(&dir.path().join("fresh")), 0o700);
}

on_both_engines!(
    a_chunked_200_mb_upload_is_refused_after_a_few_mb_with_flat_memory,
    files_with_personal_data_are_private_whatever_the_umask,
);
