ALTER TABLE registrations DROP COLUMN announcements_opt_out;
