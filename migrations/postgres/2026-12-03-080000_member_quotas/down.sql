DROP TABLE session_member_quotas;
DROP TABLE session_quotas;
