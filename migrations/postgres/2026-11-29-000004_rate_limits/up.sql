-- Requests counted for rate limits (per client address, per purpose), shared by every
-- instance because they live in the database.
CREATE TABLE rate_events (
    id TEXT PRIMARY KEY NOT NULL,
    key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX rate_events_key_at_idx ON rate_events (key, at);
