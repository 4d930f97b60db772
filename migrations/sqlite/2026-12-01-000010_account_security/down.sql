DROP INDEX audit_log_action_idx;
DROP TABLE account_policy;
DROP TABLE organiser_recovery_codes;
ALTER TABLE organisers DROP COLUMN totp_last_step;
ALTER TABLE organisers DROP COLUMN totp_pending_secret;
ALTER TABLE organisers DROP COLUMN totp_secret;
ALTER TABLE organiser_sessions DROP COLUMN client_address;
ALTER TABLE organiser_sessions DROP COLUMN user_agent;
ALTER TABLE organiser_sessions DROP COLUMN stage;
