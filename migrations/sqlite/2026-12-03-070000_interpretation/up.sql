-- The interpretation languages booked for a session, beside the language it is spoken in
-- (sessions.language): one row per language offered on an interpretation channel.
CREATE TABLE session_channels (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    PRIMARY KEY (session_id, language)
);

-- What a registrant said they need to follow the session: the language they will follow
-- (NULL when the form did not ask: the session offered only its spoken language), and
-- whether they need sign-language interpretation or live captions. Erased with the person.
CREATE TABLE interpretation_choices (
    registration_id TEXT PRIMARY KEY NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    language TEXT,
    sign_language BOOLEAN NOT NULL DEFAULT 0,
    captions BOOLEAN NOT NULL DEFAULT 0
);
