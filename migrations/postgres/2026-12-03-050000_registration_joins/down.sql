DROP TABLE registration_joins;
DELETE FROM registration_tokens WHERE purpose = 'join';
ALTER TABLE registration_tokens DROP CONSTRAINT registration_tokens_purpose_check;
ALTER TABLE registration_tokens ADD CONSTRAINT registration_tokens_purpose_check
    CHECK (purpose IN ('confirm', 'manage', 'email_change'));
