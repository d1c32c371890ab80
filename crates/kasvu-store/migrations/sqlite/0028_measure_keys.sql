-- A measure's stable key, kept when a version is copied from another, so
-- that its evaluations and status history carry over to the same measure in
-- the new version. Existing measures get a key of their own.
ALTER TABLE plan_measures ADD COLUMN stable_key TEXT NOT NULL DEFAULT '';
UPDATE plan_measures SET stable_key = 'm' || CAST(id AS TEXT);
