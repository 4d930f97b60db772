//! Organiser area: long work handed to the worker (an attendance file of thousands of rows)
//! and its progress page, which refreshes itself while the task runs (a `<meta>` refresh
//! without JavaScript; with it, `static/app.js` updates the numbers from the `.json` twin),
//! then shows the summary and the refused rows as a CSV.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::context::{AdminChrome, AdminContext};
use super::registrations::status_label;
use crate::db;
use crate::db::admin_registrations::Filters;
use crate::db::models::Session;
use crate::db::task_refusals::{REFUSALS_SHOWN, Refusal};
use crate::db::tasks::{ExportOptions, NewTask, Task};
use crate::domain::{SessionId, TaskKind, TaskState};
use crate::i18n::I18n;
use crate::web::chrome::html;
use crate::web::csv::{UTF8_BOM, csv_bytes};
use crate::web::errors::AppError;

/// Attendance files longer than this are recorded by the worker, with a progress page; shorter
/// ones while the organiser waits, as before.
pub const SYNC_IMPORT_ROWS: usize = 2_000;

/// Stores the uploaded attendance file, queues its import and sends the organiser to its
/// progress page (303).
pub async fn queue_import(
    cx: &AdminContext,
    session_id: SessionId,
    bytes: &[u8],
    rows: usize,
    others_absent: bool,
) -> Result<HttpResponse, AppError> {
    let lookup = session_id.clone();
    cx.find(move |conn| db::admin_registrations::session(conn, &lookup)).await?;
    let id = db::tasks::new_task_id();
    let settings = cx.state.settings.clone();
    let (file_id, file) = (id.clone(), bytes.to_vec());
    let input = web::block(move || crate::tasks::store_input(&settings, &file_id, &file))
        .await
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("storing the upload: {e}")))?
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("storing the attendance file")))?;
    let organiser_id = cx.organiser.id.clone();
    let stored = input.clone();
    let created = cx
        .write(move |conn, _actor, now| {
            let new = NewTask {
                kind: TaskKind::AttendanceImport,
                organiser_id: &organiser_id,
                session_id: &session_id,
                others_absent,
                options: String::new(),
                input_file: Some(input),
                rows_total: rows,
            };
            db::tasks::create(conn, new, id, now)
        })
        .await;
    let id = match created {
        Ok(id) => id,
        Err(e) => {
            // Not queued: the stored copy goes at once.
            let dir = crate::tasks::folder(&cx.state.settings);
            crate::tasks::remove_files(&dir, &[stored]);
            return Err(e);
        }
    };
    cx.state.wake_worker();
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/admin/tasks/{id}"))).finish())
}

/// Lists longer than this are written to a workbook by the worker, with a progress page;
/// shorter ones are answered at once.
pub const SYNC_EXPORT_ROWS: i64 = 5_000;

/// When the filtered list of a session is longer than [`SYNC_EXPORT_ROWS`], queues its
/// workbook and answers with the redirect (303) to its progress page; `None`: short enough to
/// write now.
pub async fn queue_export_if_long(
    cx: &AdminContext,
    session_id: &SessionId,
    filters: &Filters,
) -> Result<Option<HttpResponse>, AppError> {
    let (id, counted) = (session_id.clone(), filters.clone());
    let rows =
        cx.read(move |conn| db::admin_registrations::list(conn, &id, &counted, 0, 0).map(|(_, n)| n)).await?;
    if rows <= SYNC_EXPORT_ROWS {
        return Ok(None);
    }
    let options = serde_json::to_string(&ExportOptions::new(filters, cx.i18n().lang))
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))?;
    let (organiser_id, session_id) = (cx.organiser.id.clone(), session_id.clone());
    let id = cx
        .write(move |conn, _actor, now| {
            let new = NewTask {
                kind: TaskKind::RegistrationsExport,
                organiser_id: &organiser_id,
                session_id: &session_id,
                others_absent: false,
                options,
                input_file: None,
                rows_total: usize::try_from(rows).unwrap_or(0),
            };
            db::tasks::create(conn, new, db::tasks::new_task_id(), now)
        })
        .await?;
    cx.state.wake_worker();
    Ok(Some(
        HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/admin/tasks/{id}"))).finish(),
    ))
}

/// `GET /admin/tasks/{id}/download`: the file an export task wrote.
pub async fn download(cx: AdminContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = task_id(&path)?;
    let (task, session) = load(&cx, id).await?;
    let Some(name) = task.result_file.filter(|_| task.state == TaskState::Done) else {
        return Err(AppError::NotFound);
    };
    let file = crate::tasks::folder(&cx.state.settings).join(&name);
    let bytes = match web::block(move || std::fs::read(file)).await {
        Ok(Ok(bytes)) => bytes,
        // Deleted by retention (or by hand): not there any more.
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => return Err(AppError::NotFound),
        Ok(Err(e)) => return Err(AppError::Unexpected(anyhow::Error::new(e).context("reading an export"))),
        Err(e) => return Err(AppError::Unexpected(anyhow::anyhow!("reading an export: {e}"))),
    };
    let slug: String = session.slug.chars().take(100).collect();
    Ok(crate::web::export::xlsx_response(&format!("registrations-{slug}.xlsx"), bytes))
}

/// A task id from a path: a UUID's shape, or 404 before the database is asked.
fn task_id(raw: &str) -> Result<String, AppError> {
    let raw = raw.strip_suffix(".json").unwrap_or(raw);
    let id = uuid::Uuid::try_parse(raw).map_err(|_| AppError::NotFound)?.hyphenated().to_string();
    if id == raw { Ok(id) } else { Err(AppError::NotFound) }
}

/// The task and its session.
async fn load(cx: &AdminContext, id: String) -> Result<(Task, Session), AppError> {
    cx.find(move |conn| {
        let Some(task) = db::tasks::get(conn, &id)? else { return Ok(None) };
        let session = db::admin_registrations::session(conn, &task.session_id)?;
        Ok(session.map(|session| (task, session)))
    })
    .await
}

/// The numbers of a task in words, shared by the page and its `.json`.
struct Progress {
    kind: String,
    state: String,
    rows: String,
    percent: String,
    errors: String,
}

impl Progress {
    fn of(i18n: I18n, task: &Task) -> Self {
        Self {
            kind: i18n.t(match task.kind {
                TaskKind::AttendanceImport => "admin-task-kind-attendance-import",
                TaskKind::RegistrationsExport => "admin-task-kind-registrations-export",
            }),
            state: i18n.t(match task.state {
                TaskState::Queued => "admin-task-state-queued",
                TaskState::Running => "admin-task-state-running",
                TaskState::Done => "admin-task-state-done",
                TaskState::Failed => "admin-task-state-failed",
            }),
            rows: i18n.t2("admin-task-rows", "count", task.rows_done, "total", task.rows_total),
            percent: i18n.t1("admin-task-percent", "count", task.percent()),
            errors: i18n.t1("admin-task-errors", "count", task.error_count),
        }
    }
}

/// A task as the registrations page lists it: a link to its progress page and where it is.
pub(super) struct TaskLine {
    pub href: String,
    pub kind: String,
    pub state: String,
    pub percent: String,
    pub created: String,
}

impl TaskLine {
    pub(super) fn of(i18n: I18n, task: &Task) -> Self {
        let progress = Progress::of(i18n, task);
        Self {
            href: format!("/admin/tasks/{}", task.id),
            kind: progress.kind,
            state: progress.state,
            percent: progress.percent,
            created: task.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/task.html")]
struct TaskPage {
    admin: AdminChrome,
    task: Task,
    session_title: String,
    progress: Progress,
    refusals: Vec<Refusal>,
}

impl TaskPage {
    fn reason(&self, refusal: &Refusal) -> String {
        reason(self.admin.i18n, refusal)
    }
}

fn reason(i18n: I18n, refusal: &Refusal) -> String {
    match refusal.status {
        _ if refusal.email.is_empty() => i18n.t("admin-import-no-address"),
        Some(status) => i18n.t1("admin-import-reason-status", "status", status_label(i18n, status)),
        None => i18n.t("admin-import-reason-unknown"),
    }
}

/// `GET /admin/tasks/{id}`: the progress page.
pub async fn page(cx: AdminContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = task_id(&path)?;
    let (task, session) = load(&cx, id.clone()).await?;
    let session_title = session.title;
    let refusals = cx.read(move |conn| db::task_refusals::of_task(conn, &id, REFUSALS_SHOWN)).await?;
    let progress = Progress::of(cx.i18n(), &task);
    html(TaskPage { admin: cx.chrome("sessions"), task, session_title, progress, refusals })
}

/// `GET /admin/tasks/{id}.json`: the same numbers, for the page's script.
pub async fn progress_json(cx: AdminContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = task_id(&path)?;
    let (task, _) = load(&cx, id).await?;
    let progress = Progress::of(cx.i18n(), &task);
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "state": task.state,
        "open": task.state.is_open(),
        "rows_done": task.rows_done,
        "rows_total": task.rows_total,
        "percent": task.percent(),
        "errors": task.error_count,
        "text": {
            "state": progress.state,
            "rows": progress.rows,
            "percent": progress.percent,
            "errors": progress.errors,
        },
    })))
}

/// `GET /admin/tasks/{id}/refused.csv`: every row the import refused, with the reason, in the
/// organiser's language.
pub async fn refused_csv(cx: AdminContext, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id = task_id(&path)?;
    let (task, _) = load(&cx, id.clone()).await?;
    let refusals = cx.read(move |conn| db::task_refusals::of_task(conn, &id, i64::MAX)).await?;
    let i18n = cx.i18n();
    let mut rows: Vec<Vec<String>> =
        vec![vec![i18n.t("admin-import-line"), i18n.t("admin-reg-col-email"), i18n.t("admin-import-reason")]];
    rows.extend(refusals.iter().map(|r| vec![r.line.to_string(), r.email.clone(), reason(i18n, r)]));
    let mut body = UTF8_BOM.to_vec();
    body.extend(csv_bytes(rows)?);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"attendance-refused-{}.csv\"", &task.id[..8]),
        ))
        .body(body))
}
