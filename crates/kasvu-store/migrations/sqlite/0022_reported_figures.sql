-- Reported and summed figures (issue 19). A value stored for a unit that has
-- sub-units (Sotkanet's figure for the city, a survey's for an area) is that
-- unit's reported figure: it is served as the unit's figure and is never
-- added to the sum of its sub-units, and the values beneath it are not
-- added again above it. A roll-up row is the unit's served figure:
--   served(u, p) = its own value, where it has one, else Σ served(child, p)
-- for every base period p, then summed over containing periods as before.

-- Values stored for units with sub-units: where propagation up the tree
-- stops. Few (a city's official figures), so a write checks them cheaply.
-- Kept by the write path, a new unit under a unit with values, and the
-- rebuild after a tree change.
CREATE TABLE reported_values (
    unit_id      BIGINT NOT NULL REFERENCES org_units(id),
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    sex          TEXT NOT NULL,
    grade        TEXT NOT NULL,
    age_group    TEXT NOT NULL,
    period       TEXT NOT NULL,
    PRIMARY KEY (unit_id, indicator_id, sex, grade, age_group, period)
);
CREATE INDEX reported_values_period ON reported_values(indicator_id, period);
INSERT INTO reported_values (unit_id, indicator_id, sex, grade, age_group, period)
SELECT d.unit_id, d.indicator_id, d.sex, d.grade, d.age_group, d.period FROM data_values d
WHERE EXISTS (SELECT 1 FROM org_units c WHERE c.parent_id = d.unit_id);

-- How many of a roll-up's values are the unit's own: all of them (a
-- reported or entered figure), none (summed from sub-units), or some.
ALTER TABLE rollups ADD COLUMN own_n BIGINT NOT NULL DEFAULT 0;

-- Roll-ups computed under the old rule added a unit's own value to its
-- sub-units' sum: rebuild them all under the new one.
DELETE FROM rollups;
INSERT INTO rollups (unit_id, indicator_id, sex, grade, age_group, period, total, n, basis, basis_n, own_n)
SELECT c.ancestor_id, d.indicator_id, d.sex, d.grade, d.age_group, p.container,
  SUM(d.value), COUNT(*), SUM(COALESCE(d.count, 0)), COUNT(d.count),
  SUM(CASE WHEN c.depth = 0 THEN 1 ELSE 0 END)
FROM data_values d
JOIN org_closure c ON c.unit_id = d.unit_id
JOIN period_closure p ON p.period = d.period
JOIN indicators i ON i.id = d.indicator_id
WHERE (i.aggregation <> 'last' OR p.container = p.period)
  AND NOT EXISTS (
    SELECT 1 FROM org_closure b JOIN reported_values r ON r.unit_id = b.ancestor_id
    WHERE b.unit_id = d.unit_id AND b.depth >= 1 AND b.depth <= c.depth
      AND r.indicator_id = d.indicator_id AND r.sex = d.sex AND r.grade = d.grade
      AND r.age_group = d.age_group AND r.period = d.period)
GROUP BY c.ancestor_id, d.indicator_id, d.sex, d.grade, d.age_group, p.container;
UPDATE protection_versions SET version = version + 1;
