DROP TRIGGER series_translations_delete_content;
DROP TRIGGER series_translations_update_content;
DROP TRIGGER series_translations_insert_content;
DROP TABLE series_translations;
ALTER TABLE series DROP COLUMN language;
