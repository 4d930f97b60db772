-- The status an erased registration had when it was erased, so reports still count it
-- (anonymously); NULL for every registration that is not erased.
ALTER TABLE registrations ADD COLUMN erased_from TEXT;
-- The file name of the stored copy of a message (file transport only), so erasure and
-- retention can delete it.
ALTER TABLE outbox ADD COLUMN eml_file TEXT;
-- The new status 'erased' joins the CHECK of registrations.status. SQLite cannot alter a
-- constraint; widening a CHECK changes nothing stored, so the documented procedure for such
-- changes applies (sqlite.org/lang_altertable.html, "other kinds of table schema changes"):
-- edit the table's SQL text, then RESET reloads this connection's schema, and the CREATE TABLE
-- below bumps the schema version so every other connection reloads it too.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, '''declined'', ''cancelled'')', '''declined'', ''cancelled'', ''erased'')')
WHERE type = 'table' AND name = 'registrations';
PRAGMA writable_schema = RESET;
-- Newsletter consents that outlive the registration they were given with (its retention
-- period ended): only what the newsletter needs, kept until withdrawn or erased.
CREATE TABLE newsletter_subscribers (
    email_normalized TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    consented_at TIMESTAMP NOT NULL,
    notice_version TEXT NOT NULL
);
-- Registrations erased before the erased state existed end their life too.
UPDATE registrations SET erased_from = status, status = 'erased'
WHERE email_normalized LIKE 'erased-%@erased.invalid';
