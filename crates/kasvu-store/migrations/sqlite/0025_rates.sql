-- Rates per child (issue 19, part 3): areas of different size are compared
-- by rate per 1,000 children of the age group, not by raw counts.
--
-- denominator_age_group: a ratio's denominator is read at this age group
-- (with the ratio's own sex breakdown) instead of its total, so that a
-- rate per 1,000 aged 0–17 divides by the population of `0-17`. Empty is
-- the total, as the age_group of values and roll-ups is.
--
-- rate_id: a count's rate, the ratio (numerator this count) by which the
-- comparison page and the side-by-side table rank areas. Set after every
-- row of an import is written, like numerator_id.
ALTER TABLE indicators ADD COLUMN denominator_age_group TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN rate_id BIGINT REFERENCES indicators(id);
