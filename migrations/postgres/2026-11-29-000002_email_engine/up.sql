-- Reminder schedule (minutes before the start), follow-up delay and approval mode per session.
ALTER TABLE sessions ADD COLUMN reminder_offsets TEXT NOT NULL DEFAULT '10080,1440,60';
ALTER TABLE sessions ADD COLUMN follow_up_delay_minutes INTEGER NOT NULL DEFAULT 120;
ALTER TABLE sessions ADD COLUMN approval_mode TEXT NOT NULL DEFAULT 'automatic';

-- Attendance (unknown until recorded) and the registrant's choice to stop reminders.
ALTER TABLE registrations ADD COLUMN attended BOOLEAN;
ALTER TABLE registrations ADD COLUMN reminders_opt_out BOOLEAN NOT NULL DEFAULT FALSE;

-- Which scheduling steps ("reminder:60", "follow_up") the scheduler has finished for a
-- session version, so that it does not re-examine them on every tick.
CREATE TABLE schedule_runs (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    step TEXT NOT NULL,
    version INTEGER NOT NULL,
    done_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, step, version)
);

CREATE INDEX outbox_kind_status_idx ON outbox (kind, status);
