-- The per-mailbox cap on confirmation mails runs on every registration request: it finds the
-- address's registrations, then their recent mails of two kinds. Without these indexes that
-- is a scan of every registration (and SQLite's planner walked all mails of those kinds).
CREATE INDEX registrations_email_idx ON registrations (email_normalized);
DROP INDEX outbox_registration_idx;
CREATE INDEX outbox_registration_kind_idx ON outbox (registration_id, kind, created_at);
-- The CSV export reads a session's registrations in id order, a chunk at a time after the last
-- id sent (keyset): with this index each chunk is a range read, not a sort of the session.
CREATE INDEX registrations_session_id_idx ON registrations (session_id, id);
