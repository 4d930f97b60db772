ALTER TABLE organisations DROP COLUMN focal_language;
ALTER TABLE organisations DROP COLUMN focal_name;
