DROP INDEX outbox_kind_status_idx;
DROP TABLE schedule_runs;
ALTER TABLE registrations DROP COLUMN reminders_opt_out;
ALTER TABLE registrations DROP COLUMN attended;
ALTER TABLE sessions DROP COLUMN approval_mode;
ALTER TABLE sessions DROP COLUMN follow_up_delay_minutes;
ALTER TABLE sessions DROP COLUMN reminder_offsets;
