-- A unit without sub-units (a school, a day-care centre: ~97 % of the roll-up
-- rows of a city) is no longer given roll-up rows: its figures are its own
-- values summed over the periods containing them, which is what its rows
-- held. Summing them from `data_values` when asked (`rollup_rows::leaf_rows`)
-- spares an import ~16 M row writes at 10 M values; `rollups` keeps the units
-- with sub-units, whose rows sum many units' values. A unit gets rows when its
-- first sub-unit is added, and loses them when a tree change leaves it
-- without any (`closure_add_unit`, `recompute_rollups_in`).

-- Disclosure control finds a leaf's small cells from its small counts
-- (a cell's counts sum to under the threshold only if one of them is under
-- it; `rollups_small` serves the units with sub-units).
CREATE INDEX data_values_small ON data_values(indicator_id, period) WHERE count < 10;

DELETE FROM rollups WHERE NOT EXISTS (SELECT 1 FROM org_units ch WHERE ch.parent_id = rollups.unit_id);

-- The cells are the same; the protected years are computed afresh anyway.
UPDATE protection_versions SET version = version + 1;
