-- Publication now follows the speakers' consent. Sessions that already have a recording were
-- published with consent obtained outside Convoca: it is recorded as "obtained offline" for
-- each speaker of their panels (and in the audit log), so nothing published today disappears.
INSERT INTO speaker_invitations (session_id, speaker_id, recording_consent, publication_consent, consent_at, consent_source)
SELECT p.session_id, p.speaker_id, TRUE, TRUE, CURRENT_TIMESTAMP, 'obtained offline'
FROM panel_entries p JOIN sessions s ON s.id = p.session_id
WHERE s.recording_url IS NOT NULL AND s.recording_url <> '';
INSERT INTO audit_log (id, organiser_id, organiser_name, action, subject, details, created_at)
SELECT 'migration-consent-' || p.id, NULL, 'migration', 'speaker.consent_offline', s.title, sp.name, CURRENT_TIMESTAMP
FROM panel_entries p JOIN sessions s ON s.id = p.session_id JOIN speakers sp ON sp.id = p.speaker_id
WHERE s.recording_url IS NOT NULL AND s.recording_url <> '';
