DROP TRIGGER series_translations_content ON series_translations;
DROP TABLE series_translations;
ALTER TABLE series DROP COLUMN language;
