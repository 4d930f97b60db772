-- When a message was given up for good, for the operators' gauge of failures in the last hour
-- (convoca_outbox_failed_last_hour). Messages that failed before this column existed have none.
ALTER TABLE outbox ADD COLUMN failed_at TIMESTAMP;
