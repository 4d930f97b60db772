DROP TABLE registration_joins;
