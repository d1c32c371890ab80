-- Regional development plans: a plan whose scope is an area (or a service
-- cluster), drawn from the organisation's plan: it takes up some of that
-- plan's goals and focus areas and adds its own measures and evaluations.
ALTER TABLE plans ADD COLUMN scope_unit_id BIGINT REFERENCES org_units(id);
ALTER TABLE plans ADD COLUMN parent_code TEXT;
CREATE INDEX plans_scope ON plans(scope_unit_id);
