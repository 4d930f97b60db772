//! Long work in the worker: each tick of the worker takes one background task (a queued one, or
//! one no live worker holds) under a lease, does a few chunks of it, committing its progress
//! after each, and lets it go for the next tick. A worker that dies mid-step leaves its lease
//! to expire; the next one resumes from the last committed chunk. The uploaded file lives in
//! the data folder's `tasks/` (private, like every file about people) until the task ends.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::audit::Actor;
use crate::db::tasks::Task;
use crate::db::{self, AnyConnection, DbPool};
use crate::domain::TaskKind;

/// How long a claim lasts; a task still held after it (its worker died) is taken again.
pub const LEASE: Duration = Duration::minutes(5);
/// Rows recorded in one transaction (one progress update).
pub const CHUNK_ROWS: usize = 1_000;
/// Chunks one tick does before letting the worker send mail again.
pub const CHUNKS_PER_STEP: usize = 5;
/// Finished tasks and their files are deleted after this many days.
pub const KEEP_DAYS: i64 = 7;
/// The folder of task files, in the data folder (beside `mail/`).
pub const FOLDER: &str = "tasks";

/// The task files' folder for these settings.
pub fn folder(settings: &Settings) -> PathBuf {
    settings.data_dir.join(FOLDER)
}

/// Stores an uploaded file for a task (0600 in a 0700 folder); returns its file name.
pub fn store_input(settings: &Settings, task_id: &str, bytes: &[u8]) -> std::io::Result<String> {
    let dir = folder(settings);
    crate::files::create_private_dir_all(&dir)?;
    let name = format!("{task_id}.csv");
    crate::files::write_private_file(&dir.join(&name), bytes)?;
    Ok(name)
}

/// Deletes task files by their recorded names (plain names only, never a path); a file
/// already gone is not an error.
pub fn remove_files(dir: &Path, names: &[String]) {
    for name in names {
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'));
        if !plain {
            tracing::warn!("not deleting a task file whose recorded name is not a plain file name");
            continue;
        }
        match std::fs::remove_file(dir.join(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(error = %e, file = %name, "could not delete a task file"),
        }
    }
}

/// Retention: tasks that ended more than [`KEEP_DAYS`] ago go with their files, and so does any
/// file of the folder older than that (one left by a crash between a commit and its delete).
pub fn apply_retention(
    conn: &mut AnyConnection,
    dir: &Path,
    now: NaiveDateTime,
) -> diesel::QueryResult<usize> {
    let cutoff = now - Duration::days(KEEP_DAYS);
    let files = db::tasks::take_ended_before(conn, cutoff)?;
    remove_files(dir, &files);
    let mut swept = files.len();
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(swept) };
    let cutoff = std::time::SystemTime::UNIX_EPOCH
        + std::time::Duration::from_secs(u64::try_from(cutoff.and_utc().timestamp()).unwrap_or(0));
    for entry in entries.flatten() {
        let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|at| at < cutoff);
        if old && std::fs::remove_file(entry.path()).is_ok() {
            swept += 1;
        }
    }
    Ok(swept)
}

/// One tick's share of background work, off the async executor; returns 1 when a task was
/// advanced (so the worker keeps going), 0 when none waits. Errors are logged and recorded on
/// the task, never passed to the mail worker.
pub async fn run_step(pool: &DbPool, settings: &Settings, clock: &Clock) -> usize {
    let (pool, dir, now) = (pool.clone(), folder(settings), clock.now());
    let stepped =
        tokio::task::spawn_blocking(move || -> anyhow::Result<bool> { step(&pool, &dir, now) }).await;
    match stepped {
        Ok(Ok(true)) => 1,
        Ok(Ok(false)) => 0,
        Ok(Err(e)) => {
            tracing::warn!(error = format!("{e:#}"), "background task step failed");
            0
        }
        Err(e) => {
            tracing::error!(error = %e, "background task step panicked");
            0
        }
    }
}

/// How a step ended.
enum Outcome {
    /// More to do: released for the next tick.
    More,
    /// Done; these files can go.
    Finished(Vec<String>),
    /// Another worker holds it now (this one's lease expired): leave it alone.
    Lost,
}

/// Work that cannot succeed however often it is tried (its file is gone or unreadable).
#[derive(Debug)]
struct Permanent(String);

impl std::fmt::Display for Permanent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Permanent {}

/// Claims one task and advances it (blocking). `Ok(false)`: nothing to do.
pub fn step(pool: &DbPool, dir: &Path, now: NaiveDateTime) -> anyhow::Result<bool> {
    let mut conn = pool.get()?;
    let conn = &mut conn;
    let Some(task) = db::tasks::claim(conn, now, LEASE)? else { return Ok(false) };
    let owner = task.lease_owner.clone().unwrap_or_default();
    let outcome = match task.kind {
        TaskKind::AttendanceImport => attendance_import(conn, dir, &task, &owner, now),
        TaskKind::RegistrationsExport => registrations_export(pool, conn, dir, &task, &owner, now),
    };
    match outcome {
        Ok(Outcome::More) => db::tasks::release(conn, &task.id, &owner)?,
        Ok(Outcome::Finished(files)) => {
            remove_files(dir, &files);
            tracing::info!(task = %task.id, kind = %task.kind, rows = task.rows_total, "background task done");
        }
        Ok(Outcome::Lost) => {
            tracing::warn!(task = %task.id, "background task taken over by another worker")
        }
        Err(e) => {
            let permanent = e.downcast_ref::<Permanent>().is_some();
            let detail = format!("{e:#}");
            tracing::warn!(task = %task.id, error = %detail, permanent, "background task step failed");
            if let Some(input) = db::tasks::record_failure(conn, &task.id, &owner, &detail, permanent, now)? {
                remove_files(dir, &[input]);
            }
        }
    }
    Ok(true)
}

/// Up to [`CHUNKS_PER_STEP`] chunks of an attendance file, each in one transaction with the
/// task's progress; after the last, the absent marks, the summary and the audit entry.
fn attendance_import(
    conn: &mut AnyConnection,
    dir: &Path,
    task: &Task,
    owner: &str,
    now: NaiveDateTime,
) -> anyhow::Result<Outcome> {
    let name = task.input_file.clone().ok_or_else(|| Permanent("the task has no file".into()))?;
    let bytes =
        std::fs::read(dir.join(&name)).map_err(|e| Permanent(format!("reading the uploaded file: {e}")))?;
    let lines = crate::web::csv::parse_attendance(&bytes)
        .map_err(|problem| Permanent(format!("the uploaded file cannot be read: {problem:?}")))?;
    let mut done = usize::try_from(task.rows_done).unwrap_or(0).min(lines.len());
    for _ in 0..CHUNKS_PER_STEP {
        if done >= lines.len() {
            break;
        }
        let end = (done + CHUNK_ROWS).min(lines.len());
        let chunk = &lines[done..end];
        let held = db::write_tx(conn, |conn| -> diesel::QueryResult<bool> {
            if !db::tasks::hold(conn, &task.id, owner, now, LEASE)? {
                return Ok(false);
            }
            let refused = db::attendance_import::record_chunk(conn, &task.id, &task.session_id, chunk, now)?;
            db::tasks::progress(conn, &task.id, end, &refused)?;
            Ok(true)
        })
        .context("recording a chunk of attendance")?;
        if !held {
            return Ok(Outcome::Lost);
        }
        done = end;
    }
    if done < lines.len() {
        return Ok(Outcome::More);
    }
    let finished = db::write_tx(conn, |conn| -> diesel::QueryResult<bool> {
        if !db::tasks::hold(conn, &task.id, owner, now, LEASE)? {
            return Ok(false);
        }
        let (matched, absent) =
            db::attendance_import::finish(conn, &task.session_id, &lines, task.others_absent, now)?;
        db::tasks::finish(conn, &task.id, matched, absent, now)?;
        let actor = match &task.organiser_id {
            Some(id) => db::organisers::by_id(conn, id)?.map(|o| Actor { id: o.id, name: o.name }),
            None => None,
        };
        let title =
            db::admin_registrations::session(conn, &task.session_id)?.map(|s| s.title).unwrap_or_default();
        let details = format!(
            "session={} lines={} attended={matched} absent={absent} unmatched={} task={}",
            task.session_id,
            lines.len(),
            task_errors(conn, &task.id)?,
            task.id
        );
        // The organiser who asked signs the entry (an account deleted since leaves none).
        if let Some(actor) = actor {
            db::audit::record(conn, &actor, "attendance.import", &title, &details, now)?;
        }
        Ok(true)
    })
    .context("finishing the attendance import")?;
    Ok(if finished { Outcome::Finished(vec![name]) } else { Outcome::Lost })
}

fn task_errors(conn: &mut AnyConnection, id: &str) -> diesel::QueryResult<i32> {
    Ok(db::tasks::get(conn, id)?.map_or(0, |t| t.error_count))
}

/// A session's registrations as the list showed them, written as a workbook in one step (the
/// writer makes one file): the rows written are recorded every thousand, on a connection of
/// their own while the rows are read on this one; the file goes into the tasks folder.
fn registrations_export(
    pool: &DbPool,
    conn: &mut AnyConnection,
    dir: &Path,
    task: &Task,
    owner: &str,
    now: NaiveDateTime,
) -> anyhow::Result<Outcome> {
    use crate::export::{ExportLabels, registrations, xlsx};
    let options: db::tasks::ExportOptions =
        serde_json::from_str(&task.options).map_err(|e| Permanent(format!("the export's options: {e}")))?;
    let (filters, labels) = (options.filters(), ExportLabels::new(options.language()));
    let mut progress_conn = pool.get()?;
    let mut lost = false;
    let mut progress = |rows: usize| {
        if lost {
            return;
        }
        match db::tasks::export_progress(&mut progress_conn, &task.id, owner, rows, now, LEASE) {
            Ok(held) => lost = !held,
            // Progress is only shown; the export goes on.
            Err(e) => tracing::warn!(task = %task.id, error = %e, "could not record an export's progress"),
        }
    };
    let session = db::admin_registrations::session(conn, &task.session_id)?
        .ok_or_else(|| Permanent("the export's session is gone".to_owned()))?;
    let layout = registrations::Layout::load(conn, &session, &labels)?;
    let mut failed = None;
    let mut written = 0;
    let rows =
        registrations::from_database(conn, &task.session_id, &filters, layout.questions(), &mut failed)
            .inspect(|_| written += 1);
    let workbook = xlsx::registrations_workbook(rows, &layout, &labels, &mut progress)?;
    if let Some(e) = failed {
        return Err(anyhow::Error::new(e).context("reading the registrations"));
    }
    if lost {
        return Ok(Outcome::Lost);
    }
    let name = format!("{}.xlsx", task.id);
    crate::files::create_private_dir_all(dir)?;
    // A step that died after writing the file left it: this one replaces it.
    remove_files(dir, std::slice::from_ref(&name));
    crate::files::write_private_file(&dir.join(&name), &workbook).context("storing the workbook")?;
    let finished = db::write_tx(conn, |conn| -> diesel::QueryResult<bool> {
        if !db::tasks::hold(conn, &task.id, owner, now, LEASE)? {
            return Ok(false);
        }
        db::tasks::finish_export(conn, &task.id, &name, written, now)?;
        Ok(true)
    })?;
    Ok(if finished { Outcome::Finished(Vec::new()) } else { Outcome::Lost })
}
