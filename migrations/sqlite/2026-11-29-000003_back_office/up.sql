-- Signed-in organisers. Only the SHA-256 of the cookie's token is stored.
CREATE TABLE organiser_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    organiser_id TEXT NOT NULL REFERENCES organisers (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX organiser_sessions_organiser_idx ON organiser_sessions (organiser_id);

-- Failed sign-ins, by account (email) and by client address, for throttling.
CREATE TABLE sign_in_failures (
    id TEXT PRIMARY KEY NOT NULL,
    key TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_failures_key_idx ON sign_in_failures (key, failed_at);

-- What organisers did: who, what, when.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    organiser_id TEXT REFERENCES organisers (id) ON DELETE SET NULL,
    organiser_name TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at);

CREATE INDEX registrations_session_created_idx ON registrations (session_id, created_at);
CREATE INDEX registrations_organisation_idx ON registrations (organisation_id);
