-- Countries become ISO 3166-1 alpha-2 codes. The free text typed so far moves aside to
-- `country_unmatched`; the start-up data migration `country_codes` (in Rust: matching needs
-- CLDR's names in three languages and accent folding, which SQL cannot do on both engines)
-- then turns every text it recognises into its code, and leaves the rest for organisers.
ALTER TABLE registrations ADD COLUMN country_unmatched TEXT;
UPDATE registrations SET country_unmatched = country, country = '' WHERE country <> '';
-- A new address the person asked for, until its mailbox confirms it (personal data: erased
-- with the registration).
ALTER TABLE registrations ADD COLUMN pending_email TEXT;
-- Data migrations run in Rust after the SQL ones, each recorded once.
CREATE TABLE data_migrations (
    name TEXT PRIMARY KEY NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    details TEXT NOT NULL
);
-- Tokens gain a purpose: confirming a new address.
ALTER TABLE registration_tokens DROP CONSTRAINT registration_tokens_purpose_check;
ALTER TABLE registration_tokens ADD CONSTRAINT registration_tokens_purpose_check
    CHECK (purpose IN ('confirm', 'manage', 'email_change'));
