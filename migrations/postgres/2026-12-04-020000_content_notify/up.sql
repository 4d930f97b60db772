-- Every instance learns of a change to public content from the database instead of asking per
-- request: the triggers' function also notifies the new version on `convoca_content`
-- (delivered at commit, to every listening connection; see src/db/content_watch).
CREATE OR REPLACE FUNCTION bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    raised BIGINT;
BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1 RETURNING version INTO raised;
    PERFORM pg_notify('convoca_content', raised::text);
    RETURN NULL;
END;
$$;
