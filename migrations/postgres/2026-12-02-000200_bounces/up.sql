-- The last mail of a registration that failed (refused during the SMTP conversation, or a
-- later delivery status notification): one row per registration, gone once mail gets through
-- again. `reason` is the server's answer, which may name the address (erasure deletes it).
CREATE TABLE mail_failures (
    registration_id TEXT PRIMARY KEY NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    outbox_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);

-- Addresses that bounced for good: no mail goes to them until an organiser clears them.
CREATE TABLE suppressed_addresses (
    email_normalized TEXT PRIMARY KEY NOT NULL,
    reason TEXT NOT NULL,
    first_bounced_at TIMESTAMP NOT NULL,
    outbox_id TEXT
);
