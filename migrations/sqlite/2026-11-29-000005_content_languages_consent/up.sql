-- A session's title, summary and description in other languages than its own.
CREATE TABLE session_translations (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    language TEXT NOT NULL CHECK (language IN ('en', 'fr', 'es')),
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, language)
);

-- The current choice to be listed among a session's participants; the history of every
-- consent (registration, newsletter, being listed) is in `consents`.
ALTER TABLE registrations ADD COLUMN listed BOOLEAN NOT NULL DEFAULT 0;

-- One row per consent given or withdrawn: purpose, the notice version shown, when, and how.
CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('registration', 'newsletter', 'listed')),
    granted BOOLEAN NOT NULL,
    notice_version TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX consents_registration_idx ON consents (registration_id, recorded_at);

-- Existing registrations: their registration and newsletter consents as recorded so far.
INSERT INTO consents (id, registration_id, purpose, granted, notice_version, recorded_at, source)
SELECT id || '-registration', id, 'registration', 1, consent_version, consent_at, 'registration form'
FROM registrations WHERE consent_version <> '';
INSERT INTO consents (id, registration_id, purpose, granted, notice_version, recorded_at, source)
SELECT id || '-newsletter', id, 'newsletter', 1, consent_version, consent_at, 'registration form'
FROM registrations WHERE newsletter;

-- Public pages are cached per instance under this number; the triggers below raise it in the
-- same transaction as any write that changes what a public page shows, so every instance
-- sees the change at its next request.
CREATE TABLE content_version (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 1);

CREATE TRIGGER series_insert_content AFTER INSERT ON series
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER series_update_content AFTER UPDATE ON series
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER series_delete_content AFTER DELETE ON series
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER sessions_insert_content AFTER INSERT ON sessions
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER sessions_update_content AFTER UPDATE ON sessions
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER sessions_delete_content AFTER DELETE ON sessions
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER session_translations_insert_content AFTER INSERT ON session_translations
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER session_translations_update_content AFTER UPDATE ON session_translations
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER session_translations_delete_content AFTER DELETE ON session_translations
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER session_documents_insert_content AFTER INSERT ON session_documents
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER session_documents_update_content AFTER UPDATE ON session_documents
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER session_documents_delete_content AFTER DELETE ON session_documents
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER panel_entries_insert_content AFTER INSERT ON panel_entries
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER panel_entries_update_content AFTER UPDATE ON panel_entries
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER panel_entries_delete_content AFTER DELETE ON panel_entries
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER speakers_insert_content AFTER INSERT ON speakers
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER speakers_update_content AFTER UPDATE ON speakers
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER speakers_delete_content AFTER DELETE ON speakers
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER registrations_insert_content AFTER INSERT ON registrations WHEN NEW.status = 'confirmed'
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER registrations_status_content AFTER UPDATE OF status ON registrations
WHEN OLD.status IS NOT NEW.status AND 'confirmed' IN (OLD.status, NEW.status)
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER registrations_listed_content AFTER UPDATE OF listed, name, organisation_id, organisation_other ON registrations
WHEN NEW.status = 'confirmed'
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER registrations_delete_content AFTER DELETE ON registrations WHEN OLD.status = 'confirmed'
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
