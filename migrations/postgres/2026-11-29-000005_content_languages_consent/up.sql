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
ALTER TABLE registrations ADD COLUMN listed BOOLEAN NOT NULL DEFAULT FALSE;

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
SELECT id || '-registration', id, 'registration', TRUE, consent_version, consent_at, 'registration form'
FROM registrations WHERE consent_version <> '';
INSERT INTO consents (id, registration_id, purpose, granted, notice_version, recorded_at, source)
SELECT id || '-newsletter', id, 'newsletter', TRUE, consent_version, consent_at, 'registration form'
FROM registrations WHERE newsletter;

-- Public pages are cached per instance under this number; the triggers below raise it in the
-- same transaction as any write that changes what a public page shows, so every instance
-- sees the change at its next request.
CREATE TABLE content_version (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER series_content AFTER INSERT OR UPDATE OR DELETE ON series
FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER sessions_content AFTER INSERT OR UPDATE OR DELETE ON sessions
FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER session_translations_content AFTER INSERT OR UPDATE OR DELETE ON session_translations
FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER session_documents_content AFTER INSERT OR UPDATE OR DELETE ON session_documents
FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER panel_entries_content AFTER INSERT OR UPDATE OR DELETE ON panel_entries
FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER speakers_content AFTER INSERT OR UPDATE OR DELETE ON speakers
FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER registrations_insert_content AFTER INSERT ON registrations
FOR EACH ROW WHEN (NEW.status = 'confirmed') EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER registrations_status_content AFTER UPDATE OF status ON registrations
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND 'confirmed' IN (OLD.status, NEW.status))
EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER registrations_listed_content AFTER UPDATE OF listed, name, organisation_id, organisation_other ON registrations
FOR EACH ROW WHEN (NEW.status = 'confirmed') EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER registrations_delete_content AFTER DELETE ON registrations
FOR EACH ROW WHEN (OLD.status = 'confirmed') EXECUTE FUNCTION bump_content_version();
