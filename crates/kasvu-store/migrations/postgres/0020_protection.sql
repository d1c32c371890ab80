-- Disclosure control (issue 18): an indicator's protected table is cached
-- until its data change. `data_version` is bumped by every write that
-- changes the indicator's values or roll-ups (and for all indicators of a
-- tree that changes), in the same transaction.
ALTER TABLE indicators ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;

-- The small cells, where protection starts: few in a large table, so they
-- are found without reading it. Thresholds up to 10 use this index (the
-- query repeats its condition word for word, which both databases need to
-- use a partial index).
CREATE INDEX rollups_small ON rollups(indicator_id) WHERE basis_n = n AND n > 0 AND basis < 10;
