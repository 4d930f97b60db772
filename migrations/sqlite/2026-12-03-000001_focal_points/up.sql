-- The focal point of an organisation is a person the secretariat writes to: their name, and the
-- language they read (en, fr or es), beside the address already kept.
ALTER TABLE organisations ADD COLUMN focal_name TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN focal_language TEXT NOT NULL DEFAULT 'en';
