-- Site search counts its facets over the matches of a query. An entry's
-- (kind, sector, areas) is one of a few hundred combinations; numbering
-- them lets the database count matches by a small integer instead of by
-- three texts, and return each combination's texts once.
CREATE TABLE search_groups (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    sector  TEXT NOT NULL,
    areas   TEXT NOT NULL,
    UNIQUE (kind, sector, areas)
);
ALTER TABLE search_entries ADD COLUMN group_id BIGINT NOT NULL DEFAULT 0;
INSERT INTO search_groups (kind, sector, areas)
    SELECT DISTINCT kind, sector, areas FROM search_entries;
UPDATE search_entries SET group_id = (
    SELECT g.id FROM search_groups g WHERE g.kind = search_entries.kind
    AND g.sector = search_entries.sector AND g.areas = search_entries.areas);
-- What a match is read for (visibility, group, title stems), narrow, keyed
-- by the full-text index's rowid: a search reads this index instead of the
-- wide rows (titles, body, stems), so a word in thousands of entries reads
-- a few hundred pages, not thousands.
CREATE INDEX search_entries_match ON search_entries
    (id, org_id, public, members_only, team_id, group_id, title_stems);
