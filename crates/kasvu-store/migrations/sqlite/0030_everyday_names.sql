-- The name families know an area or a service cluster by ("Tuira, Toppila"
-- for the Tuira service cluster): what public filters and the wish form
-- offer instead of the administrative name. Empty: the unit's own name.
ALTER TABLE org_units ADD COLUMN everyday_name TEXT NOT NULL DEFAULT '';
