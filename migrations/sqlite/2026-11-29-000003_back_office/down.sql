DROP INDEX registrations_organisation_idx;
DROP INDEX registrations_session_created_idx;
DROP TABLE audit_log;
DROP TABLE sign_in_failures;
DROP TABLE organiser_sessions;
