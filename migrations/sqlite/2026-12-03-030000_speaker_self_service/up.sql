-- Speakers fill in their own profile from a private link: the address the invitation goes to
-- and the language it is written in.
ALTER TABLE speakers ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE speakers ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr', 'es'));

-- A speaker's position and bio in each language (the speaker's own row holds the first one
-- written, the fallback).
CREATE TABLE speaker_translations (
    speaker_id TEXT NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
    language TEXT NOT NULL CHECK (language IN ('en', 'fr', 'es')),
    position TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (speaker_id, language)
);

-- The speakers' own join link, separate from the attendees' one, and an optional technical
-- check before the session.
ALTER TABLE sessions ADD COLUMN speaker_join_url TEXT;
ALTER TABLE sessions ADD COLUMN tech_check_at TIMESTAMP;

-- One speaker invited to one session: when invited, reminded and answered, the SEQUENCE of
-- their calendar entry, and their consent to recording and to publication of the recording
-- (NULL: not answered yet). Kept when the speaker leaves the panel, so that a later
-- invitation goes on with a higher SEQUENCE.
CREATE TABLE speaker_invitations (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    speaker_id TEXT NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
    invited_at TIMESTAMP,
    reminded_at TIMESTAMP,
    answered_at TIMESTAMP,
    calendar_sequence INTEGER NOT NULL DEFAULT 0,
    recording_consent BOOLEAN,
    publication_consent BOOLEAN,
    consent_at TIMESTAMP,
    consent_source TEXT,
    PRIMARY KEY (session_id, speaker_id)
);
CREATE INDEX speaker_invitations_speaker_idx ON speaker_invitations (speaker_id);

-- The speakers' private links: only the SHA-256 of each token; a link works until its
-- session ends, and a newer link for the same session ends the older ones.
CREATE TABLE speaker_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    speaker_id TEXT NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX speaker_tokens_speaker_idx ON speaker_tokens (speaker_id, session_id);

CREATE TRIGGER speaker_translations_insert_content AFTER INSERT ON speaker_translations
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER speaker_translations_update_content AFTER UPDATE ON speaker_translations
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER speaker_translations_delete_content AFTER DELETE ON speaker_translations
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER speaker_invitations_insert_content AFTER INSERT ON speaker_invitations
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER speaker_invitations_update_content AFTER UPDATE OF publication_consent ON speaker_invitations
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER speaker_invitations_delete_content AFTER DELETE ON speaker_invitations
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
