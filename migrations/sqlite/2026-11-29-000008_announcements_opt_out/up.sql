-- A registrant who stopped the organisers' announcements for this registration (one click in
-- an announcement, RFC 8058, or the manage page, which also turns them back on).
ALTER TABLE registrations ADD COLUMN announcements_opt_out BOOLEAN NOT NULL DEFAULT 0;
