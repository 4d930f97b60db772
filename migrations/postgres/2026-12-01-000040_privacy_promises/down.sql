UPDATE registrations SET status = erased_from WHERE status = 'erased' AND erased_from IS NOT NULL;
ALTER TABLE registrations DROP CONSTRAINT registrations_status_check;
ALTER TABLE registrations ADD CONSTRAINT registrations_status_check
    CHECK (status IN ('pending', 'awaiting_approval', 'confirmed', 'waitlisted', 'declined', 'cancelled'));
DROP TABLE newsletter_subscribers;
ALTER TABLE outbox DROP COLUMN eml_file;
ALTER TABLE registrations DROP COLUMN erased_from;
