-- Long work done by the worker (an attendance import of thousands of rows): what was asked,
-- by whom, for which session, how far it has gone, and the lease that keeps two workers from
-- running the same task. Input files live under DATA_DIR/tasks/ until the task ends; a
-- finished task and its files are deleted 7 days after it ended.
CREATE TABLE background_tasks (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    organiser_id TEXT REFERENCES organisers (id) ON DELETE SET NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    others_absent BOOLEAN NOT NULL DEFAULT FALSE,
    -- Exports: the list's filters and the language of the workbook (JSON).
    options TEXT NOT NULL DEFAULT '',
    input_file TEXT,
    result_file TEXT,
    rows_total INTEGER NOT NULL DEFAULT 0,
    rows_done INTEGER NOT NULL DEFAULT 0,
    error_count INTEGER NOT NULL DEFAULT 0,
    matched INTEGER NOT NULL DEFAULT 0,
    marked_absent INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    failure TEXT,
    lease_owner TEXT,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP
);
CREATE INDEX background_tasks_state_idx ON background_tasks (state);
CREATE INDEX background_tasks_session_idx ON background_tasks (session_id);
-- The rows a task refused (an address matching no confirmed registration), in file order.
-- They name people: erasure deletes the rows of the erased address, and they go with their task.
CREATE TABLE background_task_refusals (
    task_id TEXT NOT NULL REFERENCES background_tasks (id) ON DELETE CASCADE,
    line BIGINT NOT NULL,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    status TEXT,
    PRIMARY KEY (task_id, line)
);
CREATE INDEX background_task_refusals_email_idx ON background_task_refusals (email_normalized);
