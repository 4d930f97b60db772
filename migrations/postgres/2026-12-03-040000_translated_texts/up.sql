-- A series is written in one language (existing series: English), and may be given its title
-- and description in the others, the way sessions are.
ALTER TABLE series ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr', 'es'));

CREATE TABLE series_translations (
    series_id TEXT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    language TEXT NOT NULL CHECK (language IN ('en', 'fr', 'es')),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (series_id, language)
);

-- Public pages show series titles: a change raises the content version like the session's texts.
CREATE TRIGGER series_translations_content AFTER INSERT OR UPDATE OR DELETE ON series_translations
FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
