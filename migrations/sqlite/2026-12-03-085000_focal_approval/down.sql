DROP TABLE focal_digests;
DROP TABLE focal_links;
ALTER TABLE registrations DROP COLUMN focal_rank;
