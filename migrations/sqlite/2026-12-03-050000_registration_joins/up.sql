-- When a registrant pressed "Join now" on their personal join page: the first and the last
-- time, and how many times. Evidence for the organiser, not attendance (which an organiser
-- marks). Personal data: erasure and retention delete the row.
CREATE TABLE registration_joins (
    registration_id TEXT PRIMARY KEY NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    first_joined_at TIMESTAMP NOT NULL,
    last_joined_at TIMESTAMP NOT NULL,
    times INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX registration_joins_session ON registration_joins (session_id);

-- Tokens gain a purpose: the personal join link. SQLite cannot change a CHECK in place, so
-- the table is rebuilt with the same columns and index.
CREATE TABLE registration_tokens_new (
    token_hash TEXT PRIMARY KEY NOT NULL,
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'manage', 'email_change', 'join')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
INSERT INTO registration_tokens_new SELECT token_hash, registration_id, purpose, created_at, expires_at FROM registration_tokens;
DROP TABLE registration_tokens;
ALTER TABLE registration_tokens_new RENAME TO registration_tokens;
CREATE INDEX registration_tokens_registration_idx ON registration_tokens (registration_id);
