DROP INDEX registrations_session_id_idx;
DROP INDEX outbox_registration_kind_idx;
CREATE INDEX outbox_registration_idx ON outbox (registration_id);
DROP INDEX registrations_email_idx;
