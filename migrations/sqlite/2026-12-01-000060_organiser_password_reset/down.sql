DROP TABLE organiser_reset_tokens;
