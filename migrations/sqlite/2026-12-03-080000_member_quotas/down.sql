DROP TRIGGER session_quotas_delete_content;
DROP TRIGGER session_quotas_update_content;
DROP TRIGGER session_quotas_insert_content;
DROP TABLE session_member_quotas;
DROP TABLE session_quotas;
