-- The network and its knowledge (issue 6): collaborations entered by hand
-- (the map derives the rest from teams, projects and plan measures),
-- projects linked to actors and plan goals, one-contact paths, good
-- practices, and the search index that spans them.

CREATE TABLE collaborations (
    id          INTEGER PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES org_units(id),
    from_actor  BIGINT NOT NULL REFERENCES actors(id),
    to_actor    BIGINT NOT NULL REFERENCES actors(id),
    kind        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (from_actor, to_actor, kind)
);
CREATE INDEX collaborations_org ON collaborations(org_id);

CREATE TABLE project_actors (
    project_id  BIGINT NOT NULL REFERENCES projects(id),
    actor_id    BIGINT NOT NULL REFERENCES actors(id),
    PRIMARY KEY (project_id, actor_id)
);
CREATE INDEX project_actors_actor ON project_actors(actor_id);

-- A goal by its plan's code and its number in the plan, so the link holds
-- across the plan's versions (a draft's goals are rewritten whole).
CREATE TABLE project_goals (
    project_id  BIGINT NOT NULL REFERENCES projects(id),
    plan_code   TEXT NOT NULL,
    goal_no     BIGINT NOT NULL,
    PRIMARY KEY (project_id, plan_code, goal_no)
);

CREATE TABLE contact_paths (
    id          INTEGER PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES org_units(id),
    code        TEXT NOT NULL,
    unit_id     BIGINT REFERENCES org_units(id),
    need_fi     TEXT NOT NULL,
    need_sv     TEXT NOT NULL DEFAULT '',
    need_en     TEXT NOT NULL DEFAULT '',
    intro_fi    TEXT NOT NULL DEFAULT '',
    intro_sv    TEXT NOT NULL DEFAULT '',
    intro_en    TEXT NOT NULL DEFAULT '',
    published   BIGINT NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL,
    UNIQUE (org_id, code)
);

CREATE TABLE contact_path_steps (
    path_id     BIGINT NOT NULL REFERENCES contact_paths(id),
    position    BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    what_fi     TEXT NOT NULL,
    what_sv     TEXT NOT NULL DEFAULT '',
    what_en     TEXT NOT NULL DEFAULT '',
    how_fi      TEXT NOT NULL DEFAULT '',
    how_sv      TEXT NOT NULL DEFAULT '',
    how_en      TEXT NOT NULL DEFAULT '',
    actor_id    BIGINT REFERENCES actors(id),
    staff_note  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (path_id, position)
);

CREATE TABLE practices (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES org_units(id),
    code          TEXT NOT NULL,
    name_fi       TEXT NOT NULL,
    name_sv       TEXT NOT NULL DEFAULT '',
    name_en       TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    target_group  TEXT NOT NULL DEFAULT '',
    problem       TEXT NOT NULL DEFAULT '',
    how_to        TEXT NOT NULL DEFAULT '',
    resources     TEXT NOT NULL DEFAULT '',
    evidence      TEXT NOT NULL DEFAULT '',
    in_use        TEXT NOT NULL DEFAULT '',
    themes        TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL,
    UNIQUE (org_id, code)
);

CREATE TABLE practice_units (
    practice_id  BIGINT NOT NULL REFERENCES practices(id),
    unit_id      BIGINT NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (practice_id, unit_id)
);

CREATE TABLE practice_projects (
    practice_id  BIGINT NOT NULL REFERENCES practices(id),
    project_id   BIGINT NOT NULL REFERENCES projects(id),
    PRIMARY KEY (practice_id, project_id)
);

-- One row per searchable thing. org_id 0: shared by every organisation (the
-- indicator catalogue). stems: the space-separated stems Kasvu computed
-- (kasvu_core::search), indexed by each database's own full-text index.
CREATE TABLE search_entries (
    id           INTEGER PRIMARY KEY,
    -- What every match is read for first (ordering, facets, visibility);
    -- the long texts come last so a match is read without them.
    org_id       BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    public       BIGINT NOT NULL,
    sector       TEXT NOT NULL DEFAULT '',
    areas        TEXT NOT NULL DEFAULT '',
    title_stems  TEXT NOT NULL,
    key          TEXT NOT NULL,
    title_fi     TEXT NOT NULL,
    title_sv     TEXT NOT NULL DEFAULT '',
    title_en     TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    stems        TEXT NOT NULL,
    UNIQUE (org_id, kind, key)
);

-- FTS5 over the stems, kept in step by triggers (external content). No
-- diacritics folding: ä and a are different letters in Finnish.
CREATE VIRTUAL TABLE search_fts USING fts5(
    stems, content = 'search_entries', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_fts(rowid, stems) VALUES (new.id, new.stems);
END;
CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fts(search_fts, rowid, stems) VALUES ('delete', old.id, old.stems);
END;
CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
    INSERT INTO search_fts(search_fts, rowid, stems) VALUES ('delete', old.id, old.stems);
    INSERT INTO search_fts(rowid, stems) VALUES (new.id, new.stems);
END;
