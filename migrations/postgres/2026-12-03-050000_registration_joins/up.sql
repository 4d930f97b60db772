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

-- Tokens gain a purpose: the personal join link.
ALTER TABLE registration_tokens DROP CONSTRAINT registration_tokens_purpose_check;
ALTER TABLE registration_tokens ADD CONSTRAINT registration_tokens_purpose_check
    CHECK (purpose IN ('confirm', 'manage', 'email_change', 'join'));
