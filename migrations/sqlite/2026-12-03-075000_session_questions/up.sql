-- The organiser's own questions: each belongs to one session or to one series (the default
-- copied into each new session of the series). Label, help and choices in the three
-- languages; the session's (or series') language is required, the others optional.
CREATE TABLE questions (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    series_id TEXT REFERENCES series (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    required BOOLEAN NOT NULL DEFAULT 0,
    label_en TEXT NOT NULL DEFAULT '',
    label_fr TEXT NOT NULL DEFAULT '',
    label_es TEXT NOT NULL DEFAULT '',
    help_en TEXT NOT NULL DEFAULT '',
    help_fr TEXT NOT NULL DEFAULT '',
    help_es TEXT NOT NULL DEFAULT '',
    min_value BIGINT,
    max_value BIGINT,
    retired BOOLEAN NOT NULL DEFAULT 0,
    CHECK ((session_id IS NULL) <> (series_id IS NULL))
);
CREATE INDEX questions_session ON questions (session_id, position);
CREATE INDEX questions_series ON questions (series_id, position);

-- The choices of a one-choice or several-choices question, with stable ids: answers point at
-- them, so a choice with answers is retired, never deleted.
CREATE TABLE question_choices (
    id TEXT PRIMARY KEY NOT NULL,
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label_en TEXT NOT NULL DEFAULT '',
    label_fr TEXT NOT NULL DEFAULT '',
    label_es TEXT NOT NULL DEFAULT '',
    retired BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX question_choices_question ON question_choices (question_id, position);

-- A registrant's answer to a text, number or yes/no question (the value as typed, the number
-- in decimal, "yes"/"no"). Erased with the person.
CREATE TABLE question_answers (
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES questions (id),
    value TEXT NOT NULL,
    PRIMARY KEY (registration_id, question_id)
);
CREATE INDEX question_answers_question ON question_answers (question_id);

-- The choices a registrant picked. Erased with the person.
CREATE TABLE answer_choices (
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES questions (id),
    choice_id TEXT NOT NULL REFERENCES question_choices (id),
    PRIMARY KEY (registration_id, question_id, choice_id)
);
CREATE INDEX answer_choices_question ON answer_choices (question_id);
CREATE INDEX answer_choices_choice ON answer_choices (choice_id);
