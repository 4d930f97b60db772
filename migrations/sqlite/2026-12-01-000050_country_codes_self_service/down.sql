DROP TABLE data_migrations;
ALTER TABLE registrations DROP COLUMN pending_email;
UPDATE registrations SET country = country_unmatched WHERE country_unmatched IS NOT NULL;
ALTER TABLE registrations DROP COLUMN country_unmatched;
