-- The development project database (seed 004): a project's record with its
-- portfolios, money in cost lines (cents), funders, implementers, links, and
-- the areas and plan goals it is tied to.

CREATE TABLE projects (
    id              INTEGER PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES org_units(id),
    name            TEXT NOT NULL,
    project_type    TEXT NOT NULL DEFAULT '',
    summary         TEXT NOT NULL DEFAULT '',
    goals           TEXT NOT NULL DEFAULT '',
    results         TEXT NOT NULL DEFAULT '',
    benefits        TEXT NOT NULL DEFAULT '',
    good_practices  TEXT NOT NULL DEFAULT '',
    remarks         TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    start_on        TEXT,
    end_on          TEXT,
    responsible     TEXT NOT NULL DEFAULT '',
    manager         TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL
);
CREATE INDEX projects_org ON projects(org_id);

-- Named lists of a project: portfolio, funder, implementer.
CREATE TABLE project_tags (
    project_id  BIGINT NOT NULL REFERENCES projects(id),
    kind        TEXT NOT NULL,
    position    BIGINT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (project_id, kind, position)
);
CREATE INDEX project_tags_name ON project_tags(kind, name);

CREATE TABLE project_cost_lines (
    project_id        BIGINT NOT NULL REFERENCES projects(id),
    position          BIGINT NOT NULL,
    name              TEXT NOT NULL,
    original_budget   BIGINT NOT NULL,
    realised_costs    BIGINT NOT NULL,
    funding           BIGINT NOT NULL,
    external_funding  BIGINT NOT NULL,
    PRIMARY KEY (project_id, position)
);

CREATE TABLE project_links (
    project_id  BIGINT NOT NULL REFERENCES projects(id),
    position    BIGINT NOT NULL,
    title       TEXT NOT NULL,
    url         TEXT NOT NULL,
    PRIMARY KEY (project_id, position)
);

CREATE TABLE project_units (
    project_id  BIGINT NOT NULL REFERENCES projects(id),
    unit_id     BIGINT NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (project_id, unit_id)
);
