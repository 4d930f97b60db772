DELETE FROM audit_log WHERE id LIKE 'migration-consent-%';
DELETE FROM speaker_invitations WHERE consent_source = 'obtained offline' AND invited_at IS NULL;
