-- feedback: a session's survey (on or off, how many days after the end it stays open), its
-- texts per language (empty: the default wording), and one answer per registration.
CREATE TABLE session_surveys (
    session_id TEXT PRIMARY KEY NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    enabled BOOLEAN NOT NULL DEFAULT 0,
    close_days INTEGER NOT NULL DEFAULT 14 CHECK (close_days BETWEEN 1 AND 365),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE survey_texts (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    thanks TEXT NOT NULL DEFAULT '',
    rating_question TEXT NOT NULL DEFAULT '',
    usefulness_question TEXT NOT NULL DEFAULT '',
    comment_question TEXT NOT NULL DEFAULT '',
    topics_question TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, language)
);

-- The primary key is the registration: one answer each, a second submission updates it.
-- The free texts may name people: erasure and retention blank them (the ratings stay, anonymous).
CREATE TABLE survey_answers (
    registration_id TEXT PRIMARY KEY NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    usefulness INTEGER NOT NULL CHECK (usefulness BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    topics TEXT NOT NULL DEFAULT '',
    answered_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE INDEX survey_answers_session ON survey_answers (session_id);
