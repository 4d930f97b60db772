DROP TABLE registration_joins;
DELETE FROM registration_tokens WHERE purpose = 'join';
CREATE TABLE registration_tokens_new (
    token_hash TEXT PRIMARY KEY NOT NULL,
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'manage', 'email_change')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
INSERT INTO registration_tokens_new SELECT token_hash, registration_id, purpose, created_at, expires_at FROM registration_tokens;
DROP TABLE registration_tokens;
ALTER TABLE registration_tokens_new RENAME TO registration_tokens;
CREATE INDEX registration_tokens_registration_idx ON registration_tokens (registration_id);
