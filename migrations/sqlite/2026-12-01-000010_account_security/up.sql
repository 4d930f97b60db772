-- Organiser accounts to ASVS level 2: where each sign-in session comes from and how far it
-- has got, the second factor and its recovery codes, password reset links, the account
-- policy, and where a security event came from.
ALTER TABLE organiser_sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'complete';
ALTER TABLE organiser_sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE organiser_sessions ADD COLUMN client_address TEXT NOT NULL DEFAULT '';
ALTER TABLE organisers ADD COLUMN totp_secret TEXT;
ALTER TABLE organisers ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE organisers ADD COLUMN totp_last_step BIGINT;
CREATE TABLE organiser_recovery_codes (
    id TEXT PRIMARY KEY NOT NULL,
    organiser_id TEXT NOT NULL REFERENCES organisers (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organiser_recovery_codes_organiser_idx ON organiser_recovery_codes (organiser_id);
CREATE TABLE account_policy (
    id INTEGER PRIMARY KEY NOT NULL,
    require_second_factor BOOLEAN NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_action_idx ON audit_log (action, created_at);
