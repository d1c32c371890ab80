-- The protected years of disclosure control kept in the database, so that a
-- restarted server (or another node) serves them without protecting the
-- whole table again (at 10 M values that took over half a minute for the
-- first dashboard after a start). One row per (indicator, organisation,
-- year, stamp): the hidden cells computed at `version` of that year in
-- protection_versions, under `stamp` (the revisions of the method, the
-- threshold, the aggregation and the whole-table settings; a server and a
-- command run with another threshold keep rows of their own). A row is used
-- only while both still match: versions only grow (every write into the year and every
-- move of a unit bumps them), so a row of an older version is never used
-- again. A migration that changes roll-ups must bump protection_versions
-- (as 0022 did). A cache: losing it costs time, never a wrong answer.
CREATE TABLE kept_protection (
    indicator_id  BIGINT NOT NULL REFERENCES indicators(id),
    org_id        BIGINT NOT NULL,
    year          BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    stamp         TEXT NOT NULL,
    primary_cells BIGINT NOT NULL,
    hidden        TEXT NOT NULL,
    PRIMARY KEY (indicator_id, org_id, year, stamp)
);
