UPDATE registrations SET status = erased_from WHERE status = 'erased' AND erased_from IS NOT NULL;
DROP TABLE newsletter_subscribers;
ALTER TABLE outbox DROP COLUMN eml_file;
ALTER TABLE registrations DROP COLUMN erased_from;
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, '''declined'', ''cancelled'', ''erased'')', '''declined'', ''cancelled'')')
WHERE type = 'table' AND name = 'registrations';
PRAGMA writable_schema = RESET;
CREATE TABLE schema_reload_after_down (x INTEGER);
DROP TABLE schema_reload_after_down;
