DELETE FROM registration_tokens WHERE purpose = 'email_change';
ALTER TABLE registration_tokens DROP CONSTRAINT registration_tokens_purpose_check;
ALTER TABLE registration_tokens ADD CONSTRAINT registration_tokens_purpose_check CHECK (purpose IN ('confirm', 'manage'));
DROP TABLE data_migrations;
ALTER TABLE registrations DROP COLUMN pending_email;
UPDATE registrations SET country = country_unmatched WHERE country_unmatched IS NOT NULL;
ALTER TABLE registrations DROP COLUMN country_unmatched;
