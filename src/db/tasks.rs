//! Background tasks as stored: created by a request, claimed by a worker under a lease (like
//! the outbox's mail), advanced chunk by chunk with their progress committed each time, and
//! finished or failed. The rows a task refused are kept beside it (`task_refusals`).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::admin_registrations::Filters;
use super::models::new_id;
use super::schema::background_tasks as tasks;
use super::task_refusals::{self, Refusal};
use super::{AnyConnection, write_tx};
use crate::domain::{Language, SessionId, TaskKind, TaskState};

/// A task claimed this many times without finishing (each claim ended by an error) fails.
pub const MAX_FAILURES: i32 = 3;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tasks)]
pub struct Task {
    pub id: String,
    pub kind: TaskKind,
    pub state: TaskState,
    /// Who asked (`None` once their account is deleted).
    pub organiser_id: Option<String>,
    pub session_id: SessionId,
    /// Attendance imports: confirmed registrations not in the file are marked absent.
    pub others_absent: bool,
    /// Exports: [`ExportOptions`] as JSON.
    pub options: String,
    /// The uploaded file's name under the tasks folder, until the task ends.
    pub input_file: Option<String>,
    pub result_file: Option<String>,
    pub rows_total: i32,
    pub rows_done: i32,
    pub error_count: i32,
    pub matched: i32,
    pub marked_absent: i32,
    pub failures: i32,
    pub failure: Option<String>,
    pub lease_owner: Option<String>,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

impl Task {
    /// Whole percent of the rows done (100 only when every row is).
    pub fn percent(&self) -> i32 {
        if self.rows_total <= 0 {
            return if self.state == TaskState::Done { 100 } else { 0 };
        }
        let done = i64::from(self.rows_done.clamp(0, self.rows_total));
        i32::try_from(done * 100 / i64::from(self.rows_total)).unwrap_or(0)
    }
}

/// What a new task needs.
pub struct NewTask<'a> {
    pub kind: TaskKind,
    pub organiser_id: &'a str,
    pub session_id: &'a SessionId,
    pub others_absent: bool,
    pub options: String,
    pub input_file: Option<String>,
    pub rows_total: usize,
}

/// What an export task writes: the list's filters as they were on screen, and the organiser's
/// language for the headers and values.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ExportOptions {
    pub q: String,
    pub status: String,
    pub organisation: String,
    pub country: String,
    /// Only registrations whose last mail failed (options stored before the filter existed
    /// read as false).
    #[serde(default)]
    pub mail_failed: bool,
    pub language: String,
}

impl ExportOptions {
    pub fn new(filters: &Filters, language: Language) -> Self {
        Self {
            q: filters.q.clone(),
            status: filters.status.clone(),
            organisation: filters.organisation.clone(),
            country: filters.country.clone(),
            mail_failed: filters.mail_failed,
            language: language.code().to_owned(),
        }
    }

    pub fn filters(&self) -> Filters {
        Filters {
            q: self.q.clone(),
            status: self.status.clone(),
            organisation: self.organisation.clone(),
            country: self.country.clone(),
            mail_failed: self.mail_failed,
        }
    }

    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or(Language::En)
    }
}

/// Queues a task; returns its id.
pub fn create(
    conn: &mut AnyConnection,
    new: NewTask<'_>,
    id: String,
    now: NaiveDateTime,
) -> QueryResult<String> {
    write_tx(conn, |conn| {
        diesel::insert_into(tasks::table)
            .values(&Task {
                id: id.clone(),
                kind: new.kind,
                state: TaskState::Queued,
                organiser_id: Some(new.organiser_id.to_owned()),
                session_id: new.session_id.clone(),
                others_absent: new.others_absent,
                options: new.options,
                input_file: new.input_file,
                result_file: None,
                rows_total: i32::try_from(new.rows_total).unwrap_or(i32::MAX),
                rows_done: 0,
                error_count: 0,
                matched: 0,
                marked_absent: 0,
                failures: 0,
                failure: None,
                lease_owner: None,
                locked_until: None,
                created_at: now,
                started_at: None,
                finished_at: None,
            })
            .execute(conn)?;
        Ok(id)
    })
}

/// A fresh task id (also the stem of its files' names).
pub fn new_task_id() -> String {
    new_id()
}

pub fn get(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Task>> {
    tasks::table.find(id).select(Task::as_select()).first(conn).optional()
}

/// The newest tasks of a session (every task is deleted a week after it ends), for the
/// registrations page: an organiser who left a progress page finds it there again.
pub fn of_session(conn: &mut AnyConnection, session_id: &SessionId, limit: i64) -> QueryResult<Vec<Task>> {
    tasks::table
        .filter(tasks::session_id.eq(session_id))
        .order((tasks::created_at.desc(), tasks::id.desc()))
        .limit(limit)
        .select(Task::as_select())
        .load(conn)
}

/// Claims one task for `lease`: a queued one, or a running one no worker holds (released
/// between steps, or left by a worker that died: its lease expired). The claim is marked with
/// a new owner token that every later step of this worker checks.
pub fn claim(conn: &mut AnyConnection, now: NaiveDateTime, lease: Duration) -> QueryResult<Option<Task>> {
    write_tx(conn, |conn| {
        let free = tasks::state.eq(TaskState::Queued).or(tasks::state
            .eq(TaskState::Running)
            .and(tasks::locked_until.is_null().or(tasks::locked_until.lt(now))));
        let id: Option<String> = match conn {
            // Several workers share one PostgreSQL: each skips a task another is claiming.
            AnyConnection::Postgresql(pg) => tasks::table
                .filter(free)
                .order(tasks::created_at.asc())
                .select(tasks::id)
                .for_update()
                .skip_locked()
                .first(pg)
                .optional()?,
            // SQLite: `write_tx` holds the database's write lock, so the claim is exclusive.
            AnyConnection::Sqlite(_) => tasks::table
                .filter(free)
                .order(tasks::created_at.asc())
                .select(tasks::id)
                .first(conn)
                .optional()?,
        };
        let Some(id) = id else { return Ok(None) };
        let owner = new_id();
        diesel::update(tasks::table.find(&id))
            .set((
                tasks::state.eq(TaskState::Running),
                tasks::lease_owner.eq(&owner),
                tasks::locked_until.eq(now + lease),
            ))
            .execute(conn)?;
        diesel::update(tasks::table.find(&id).filter(tasks::started_at.is_null()))
            .set(tasks::started_at.eq(now))
            .execute(conn)?;
        get(conn, &id)
    })
}

/// Inside a step's transaction: renews the lease when `owner` still holds the task (on
/// PostgreSQL the update also locks its row until the commit). `false`: another worker took
/// it over, and this one must stop.
pub fn hold(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    now: NaiveDateTime,
    lease: Duration,
) -> QueryResult<bool> {
    diesel::update(
        tasks::table
            .find(id)
            .filter(tasks::lease_owner.eq(owner))
            .filter(tasks::state.eq(TaskState::Running)),
    )
    .set(tasks::locked_until.eq(now + lease))
    .execute(conn)
    .map(|n| n == 1)
}

/// Records a chunk's progress (inside the step's transaction): rows done so far and the rows
/// it refused.
pub fn progress(
    conn: &mut AnyConnection,
    id: &str,
    rows_done: usize,
    refused: &[Refusal],
) -> QueryResult<()> {
    task_refusals::add(conn, refused)?;
    let added = i32::try_from(refused.len()).unwrap_or(i32::MAX);
    diesel::update(tasks::table.find(id))
        .set((
            tasks::rows_done.eq(i32::try_from(rows_done).unwrap_or(i32::MAX)),
            tasks::error_count.eq(tasks::error_count + added),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Ends a task that did its work, with its summary; its input file is forgotten (the caller
/// deletes it once this commits).
pub fn finish(
    conn: &mut AnyConnection,
    id: &str,
    matched: usize,
    marked_absent: usize,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(tasks::table.find(id))
        .set((
            tasks::state.eq(TaskState::Done),
            tasks::matched.eq(i32::try_from(matched).unwrap_or(i32::MAX)),
            tasks::marked_absent.eq(i32::try_from(marked_absent).unwrap_or(i32::MAX)),
            tasks::input_file.eq(None::<String>),
            tasks::lease_owner.eq(None::<String>),
            tasks::locked_until.eq(None::<NaiveDateTime>),
            tasks::finished_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records how many rows an export has written so far, when `owner` still holds it (the
/// lease is renewed too). `false`: another worker took it over.
pub fn export_progress(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    rows_done: usize,
    now: NaiveDateTime,
    lease: Duration,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        if !hold(conn, id, owner, now, lease)? {
            return Ok(false);
        }
        diesel::update(tasks::table.find(id))
            .set(tasks::rows_done.eq(i32::try_from(rows_done).unwrap_or(i32::MAX)))
            .execute(conn)?;
        Ok(true)
    })
}

/// Ends an export that wrote its file (`result_file`, in the tasks folder) of `rows` rows.
pub fn finish_export(
    conn: &mut AnyConnection,
    id: &str,
    result_file: &str,
    rows: usize,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let rows = i32::try_from(rows).unwrap_or(i32::MAX);
    diesel::update(tasks::table.find(id))
        .set((
            tasks::state.eq(TaskState::Done),
            tasks::result_file.eq(result_file),
            tasks::rows_total.eq(rows),
            tasks::rows_done.eq(rows),
            tasks::lease_owner.eq(None::<String>),
            tasks::locked_until.eq(None::<NaiveDateTime>),
            tasks::finished_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Lets go of a task between steps, so that the next step (this worker's or another's) takes
/// it up at once.
pub fn release(conn: &mut AnyConnection, id: &str, owner: &str) -> QueryResult<()> {
    write_tx(conn, |conn| {
        diesel::update(tasks::table.find(id).filter(tasks::lease_owner.eq(owner)))
            .set((tasks::lease_owner.eq(None::<String>), tasks::locked_until.eq(None::<NaiveDateTime>)))
            .execute(conn)
            .map(|_| ())
    })
}

/// A step ended in an error: the task is tried again a minute later (no worker claims it
/// before), or fails for good after [`MAX_FAILURES`] (or at once when `permanent`). Returns the input file to delete when it failed.
pub fn record_failure(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    detail: &str,
    permanent: bool,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    write_tx(conn, |conn| {
        let Some(task) = get(conn, id)? else { return Ok(None) };
        if task.lease_owner.as_deref() != Some(owner) {
            return Ok(None);
        }
        let failures = task.failures + 1;
        let failed = permanent || failures >= MAX_FAILURES;
        diesel::update(tasks::table.find(id))
            .set((
                tasks::failures.eq(failures),
                tasks::failure.eq(detail),
                tasks::lease_owner.eq(None::<String>),
                tasks::locked_until.eq(now + Duration::minutes(1)),
            ))
            .execute(conn)?;
        if !failed {
            return Ok(None);
        }
        diesel::update(tasks::table.find(id))
            .set((
                tasks::state.eq(TaskState::Failed),
                tasks::input_file.eq(None::<String>),
                tasks::finished_at.eq(now),
            ))
            .execute(conn)?;
        Ok(task.input_file)
    })
}

/// Retention: tasks that ended before `cutoff` are deleted with their refused rows; returns
/// the names of their files, for the caller to delete.
pub fn take_ended_before(conn: &mut AnyConnection, cutoff: NaiveDateTime) -> QueryResult<Vec<String>> {
    write_tx(conn, |conn| {
        let old = tasks::table
            .filter(tasks::state.eq_any([TaskState::Done, TaskState::Failed]))
            .filter(tasks::finished_at.lt(cutoff));
        let rows: Vec<(String, Option<String>, Option<String>)> =
            old.select((tasks::id, tasks::input_file, tasks::result_file)).load(conn)?;
        let ids: Vec<&String> = rows.iter().map(|(id, _, _)| id).collect();
        for batch in ids.chunks(500) {
            task_refusals::delete_of_tasks(conn, batch)?;
            diesel::delete(tasks::table.filter(tasks::id.eq_any(batch))).execute(conn)?;
        }
        Ok(rows.into_iter().flat_map(|(_, input, result)| input.into_iter().chain(result)).collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(done: i32, total: i32, state: TaskState) -> Task {
        Task {
            id: new_id(),
            kind: TaskKind::AttendanceImport,
            state,
            organiser_id: None,
            session_id: SessionId::new(),
            others_absent: false,
            options: String::new(),
            input_file: None,
            result_file: None,
            rows_total: total,
            rows_done: done,
            error_count: 0,
            matched: 0,
            marked_absent: 0,
            failures: 0,
            failure: None,
            lease_owner: None,
            locked_until: None,
            created_at: chrono::DateTime::UNIX_EPOCH.naive_utc(),
            started_at: None,
            finished_at: None,
        }
    }

    #[test]
    fn the_percentage_is_rounded_down_and_reaches_100_only_when_every_row_is_done() {
        assert_eq!(task(0, 50_002, TaskState::Queued).percent(), 0);
        assert_eq!(task(5_000, 50_002, TaskState::Running).percent(), 9);
        assert_eq!(task(50_001, 50_002, TaskState::Running).percent(), 99);
        assert_eq!(task(50_002, 50_002, TaskState::Done).percent(), 100);
        assert_eq!(task(9, 5, TaskState::Running).percent(), 100, "never above 100");
        assert_eq!(task(0, 0, TaskState::Done).percent(), 100, "an empty list is done");
        assert_eq!(task(0, 0, TaskState::Running).percent(), 0);
    }

    #[test]
    fn an_exports_options_keep_the_filters_and_the_language() {
        let filters = Filters {
            q: "ana".into(),
            status: "confirmed".into(),
            organisation: "other".into(),
            country: "MX".into(),
            mail_failed: true,
        };
        let stored = serde_json::to_string(&ExportOptions::new(&filters, Language::Es)).expect("json");
        let options: ExportOptions = serde_json::from_str(&stored).expect("read back");
        let back = options.filters();
        assert!(back.mail_failed);
        assert_eq!(
            (back.q, back.status, back.organisation, back.country),
            ("ana".into(), "confirmed".into(), "other".into(), "MX".into())
        );
        assert_eq!(options.language(), Language::Es);
    }

    #[test]
    fn the_stored_words_of_tasks_stay() {
        assert_eq!(TaskKind::AttendanceImport.as_str(), "attendance import");
        assert_eq!(TaskKind::RegistrationsExport.as_str(), "registrations export");
        for state in TaskState::ALL {
            assert_eq!(TaskState::parse(state.as_str()), Some(*state));
        }
        assert!(TaskState::Running.is_open() && !TaskState::Done.is_open() && !TaskState::Failed.is_open());
    }
}
