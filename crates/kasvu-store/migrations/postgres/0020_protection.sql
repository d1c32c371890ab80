-- Disclosure control (issue 18): an indicator's protected table is cached
-- one year at a time until that year's data change. Every write bumps the
-- version of each (indicator, year) it changes, in its transaction; a tree
-- change bumps them all. A year with data always has a row.
CREATE TABLE protection_versions (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    year         BIGINT NOT NULL,
    version      BIGINT NOT NULL,
    PRIMARY KEY (indicator_id, year)
);
INSERT INTO protection_versions (indicator_id, year, version)
SELECT DISTINCT indicator_id, CAST(substr(period, 1, 4) AS BIGINT), 0 FROM data_values;

-- The small cells, where protection starts: few in a large table, so they
-- are found without reading it. Thresholds up to 10 use this index (the
-- query repeats its condition word for word, which both databases need to
-- use a partial index).
CREATE INDEX rollups_small ON rollups(indicator_id, period) WHERE basis_n = n AND n > 0 AND basis < 10;
