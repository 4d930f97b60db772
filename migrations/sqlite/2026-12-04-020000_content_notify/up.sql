-- Nothing changes in a SQLite file: a process learns of other connections' commits through
-- PRAGMA data_version, and of its own through a TEMP trigger each of its connections creates
-- (see src/db/content_watch). The migration exists so both engines list the same names.
SELECT 1;
