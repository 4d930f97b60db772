-- Portable schema: text UUID v7 keys, naive UTC timestamps, booleans, enums as text.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('member', 'partner')),
    country TEXT NOT NULL,
    focal_email TEXT,
    is_demo BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organisations_name_key ON organisations (name);

CREATE TABLE series (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_demo BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    series_id TEXT REFERENCES series (id) ON DELETE SET NULL,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    timezone TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    registration_opens_at TIMESTAMP,
    registration_closes_at TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    join_url TEXT,
    recording_url TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    is_demo BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_series_starts_idx ON sessions (series_id, starts_at);
CREATE INDEX sessions_status_starts_idx ON sessions (status, starts_at);

CREATE TABLE session_documents (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX session_documents_session_idx ON session_documents (session_id, position);

CREATE TABLE speakers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    honorific TEXT NOT NULL DEFAULT '',
    position TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT '',
    photo_path TEXT,
    is_demo BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE panel_entries (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    speaker_id TEXT NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('host', 'moderator', 'keynote', 'speaker')),
    position INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX panel_entries_session_speaker_key ON panel_entries (session_id, speaker_id);
CREATE INDEX panel_entries_session_idx ON panel_entries (session_id, position);

CREATE TABLE registrations (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'awaiting_approval', 'confirmed', 'waitlisted', 'declined', 'cancelled')),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations (id) ON DELETE SET NULL,
    organisation_other TEXT,
    position TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    timezone TEXT,
    needs TEXT NOT NULL DEFAULT '',
    consent_at TIMESTAMP NOT NULL,
    consent_version TEXT NOT NULL,
    newsletter BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    waitlisted_at TIMESTAMP,
    cancelled_at TIMESTAMP
);
CREATE UNIQUE INDEX registrations_session_email_key ON registrations (session_id, email_normalized);
CREATE INDEX registrations_session_status_idx ON registrations (session_id, status, waitlisted_at);

-- Tokens sent by email. Only the SHA-256 of the token is stored; purpose binds it to one use.
CREATE TABLE registration_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm', 'manage')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX registration_tokens_registration_idx ON registration_tokens (registration_id);

-- Durable email outbox: written in the same transaction as the business change,
-- delivered by the worker outside any transaction.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    registration_id TEXT REFERENCES registrations (id) ON DELETE CASCADE,
    dedupe_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    message_id TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due_idx ON outbox (status, next_attempt_at);
CREATE INDEX outbox_registration_idx ON outbox (registration_id);

-- Organiser accounts (the secretariat). Passwords are argon2id PHC strings.
CREATE TABLE organisers (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'organiser')),
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
