-- Focal-point approval: the order a focal point set for their government's waiting officials
-- (promotion within the quota follows it, then arrival), the private links of focal points
-- (hashed, one organisation and one session each, valid until the session starts) and the
-- digests sent (at most one a day per session and organisation; reminders after two days).
ALTER TABLE registrations ADD COLUMN focal_rank INTEGER;

CREATE TABLE focal_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE INDEX focal_links_session ON focal_links (session_id, organisation_id);

CREATE TABLE focal_digests (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    sent_on TEXT NOT NULL,
    reminder BOOLEAN NOT NULL,
    queued_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, organisation_id, sent_on)
);
