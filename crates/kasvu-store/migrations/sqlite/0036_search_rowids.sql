-- Site search without a read per match (issue 22). Until now each match
-- of the full-text index was looked up in search_entries for what decides
-- whether the reader sees it, its facets and its rank: a word in a third
-- of 100,000 entries meant 33,000 B-tree seeks, twice (counts, page).
--
-- Now everything a match is counted and ranked by is in the full-text
-- index's own rowid:
--   rowid = kind_rank << 59 | id << 24 | group_id
-- where a group is one combination of what decides visibility and the
-- facets (organisation, kind, sector, areas, public, members only, team),
-- numbered in search_groups (a few hundred per organisation). Counting is
-- reading the rowids; the page is the rowids in order (kind, then id: the
-- order Kasvu ranks equal scores in), with titles as their own column so
-- "a query word in the title" is a column filter, not a read of the row.
-- The triggers refuse ids and groups that would not fit their bits.
DROP TRIGGER search_entries_ai;
DROP TRIGGER search_entries_ad;
DROP TRIGGER search_entries_au;
DROP TABLE search_fts;
DROP INDEX search_entries_match;
-- Rebuilt from what is stored at the next start of the server: the row
-- below asks for it (see Store::search_needs_rebuild), and the rebuild's
-- transaction removes it. An empty index would not do as the sign: a CLI
-- command run before the first start may already have written entries.
CREATE TABLE search_rebuild_pending (reason TEXT NOT NULL);
INSERT INTO search_rebuild_pending (reason) VALUES ('migration 0036: groups and rowids changed');
DELETE FROM search_entries;
DROP TABLE search_groups;
CREATE TABLE search_groups (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    -- The kind's place in the order of equal scores (Kasvu's, not the
    -- database's: kasvu_store::search::kind_rank).
    kind_rank     BIGINT NOT NULL,
    sector        TEXT NOT NULL,
    areas         TEXT NOT NULL,
    public        BIGINT NOT NULL,
    members_only  BIGINT NOT NULL,
    team_id       BIGINT NOT NULL,
    UNIQUE (org_id, kind, sector, areas, public, members_only, team_id)
);
-- Contentless: a search never reads the indexed text back (snippets come
-- from search_entries.body), so the index holds only the doclists. With
-- positions (FTS5's default detail): a stem is one word to Kasvu but may be
-- several tokens to unicode61 (Devanagari vowel signs, letters newer than
-- its Unicode 6.1), and such a query term is then a phrase, which needs them.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title_stems, stems, content = '',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
    SELECT RAISE(ABORT, 'search entry id or group out of range')
    WHERE new.id >= 34359738368 OR new.group_id >= 16777216 OR new.id < 1 OR new.group_id < 1
       OR NOT EXISTS (SELECT 1 FROM search_groups WHERE id = new.group_id);
    INSERT INTO search_fts(rowid, title_stems, stems) VALUES (
        ((SELECT kind_rank FROM search_groups WHERE id = new.group_id) << 59)
            | (new.id << 24) | new.group_id,
        new.title_stems, new.stems);
END;
CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fts(search_fts, rowid, title_stems, stems) VALUES ('delete',
        ((SELECT kind_rank FROM search_groups WHERE id = old.group_id) << 59)
            | (old.id << 24) | old.group_id,
        old.title_stems, old.stems);
END;
CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
    INSERT INTO search_fts(search_fts, rowid, title_stems, stems) VALUES ('delete',
        ((SELECT kind_rank FROM search_groups WHERE id = old.group_id) << 59)
            | (old.id << 24) | old.group_id,
        old.title_stems, old.stems);
    SELECT RAISE(ABORT, 'search entry id or group out of range')
    WHERE new.id >= 34359738368 OR new.group_id >= 16777216 OR new.id < 1 OR new.group_id < 1
       OR NOT EXISTS (SELECT 1 FROM search_groups WHERE id = new.group_id);
    INSERT INTO search_fts(rowid, title_stems, stems) VALUES (
        ((SELECT kind_rank FROM search_groups WHERE id = new.group_id) << 59)
            | (new.id << 24) | new.group_id,
        new.title_stems, new.stems);
END;
