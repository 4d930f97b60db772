DROP TABLE speaker_tokens;
DROP TABLE speaker_invitations;
ALTER TABLE sessions DROP COLUMN tech_check_at;
ALTER TABLE sessions DROP COLUMN speaker_join_url;
DROP TABLE speaker_translations;
ALTER TABLE speakers DROP COLUMN language;
ALTER TABLE speakers DROP COLUMN email;
