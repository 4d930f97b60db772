-- One SEQUENCE per registration's calendar entry (RFC 5546), raised in the transaction that
-- queues each message with a calendar part. Entries sent before this column existed carried
-- the session's version, so each registration starts from it: the next update is newer.
ALTER TABLE registrations ADD COLUMN calendar_sequence INTEGER NOT NULL DEFAULT 0;
UPDATE registrations SET calendar_sequence =
    COALESCE((SELECT sessions.version FROM sessions WHERE sessions.id = registrations.session_id), 0);
