DROP TABLE suppressed_addresses;
DROP TABLE mail_failures;
