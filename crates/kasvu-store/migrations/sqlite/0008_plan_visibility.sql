-- Who may read a plan version: everyone (public, the default for council
-- documents) or only the organisation's signed-in users (internal).
ALTER TABLE plans ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public';
