DELETE FROM registration_tokens WHERE purpose = 'email_change';
CREATE TABLE registration_tokens_old (
    token_hash TEXT PRIMARY KEY NOT NULL,
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'manage')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
INSERT INTO registration_tokens_old SELECT token_hash, registration_id, purpose, created_at, expires_at FROM registration_tokens;
DROP TABLE registration_tokens;
ALTER TABLE registration_tokens_old RENAME TO registration_tokens;
CREATE INDEX registration_tokens_registration_idx ON registration_tokens (registration_id);
DROP TABLE data_migrations;
ALTER TABLE registrations DROP COLUMN pending_email;
UPDATE registrations SET country = country_unmatched WHERE country_unmatched IS NOT NULL;
ALTER TABLE registrations DROP COLUMN country_unmatched;
