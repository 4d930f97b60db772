UPDATE registrations SET status = erased_from WHERE status = 'erased' AND erased_from IS NOT NULL;
DROP TABLE newsletter_subscribers;
ALTER TABLE outbox DROP COLUMN eml_file;
ALTER TABLE registrations DROP COLUMN erased_from;
