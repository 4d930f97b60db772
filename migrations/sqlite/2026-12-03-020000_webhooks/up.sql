-- Webhooks: endpoints administrators register, the events raised in the same transaction as
-- the change they tell of, one delivery per subscribed endpoint (leased and retried by the
-- worker), and every attempt with its answer. Erasure blanks an event's personal part and
-- the person's names in answers; deliveries go 30 days after they ended.
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    -- The events it receives, their words separated by spaces.
    events TEXT NOT NULL,
    personal_data BOOLEAN NOT NULL DEFAULT FALSE,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    -- The signing secret (whsec_...), sealed with the instance's secret key.
    secret_sealed TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    registration_id TEXT REFERENCES registrations (id) ON DELETE CASCADE,
    -- JSON without personal data (ids, statuses, the session's public details).
    data TEXT NOT NULL,
    -- JSON of the person's details, for endpoints marked for personal data; '' when none
    -- (erasure blanks it).
    personal TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_events_registration_idx ON webhook_events (registration_id);
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);
CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    -- The HTTP status code; none when no answer came (refused address, timeout, connection).
    status_code INTEGER,
    -- What happened, in a few words (never the secret).
    outcome TEXT NOT NULL,
    -- The first characters of the answer's body, control characters removed.
    excerpt TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id);
