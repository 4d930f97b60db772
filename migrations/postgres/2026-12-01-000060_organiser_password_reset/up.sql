-- Password reset links for organisers: only the SHA-256 of each token is stored; a link lives
-- 30 minutes and works once. Rows go with their account and are purged once expired.
CREATE TABLE organiser_reset_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    organiser_id TEXT NOT NULL REFERENCES organisers (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organiser_reset_tokens_organiser_idx ON organiser_reset_tokens (organiser_id);
