-- The register of regional actors (seed 004: a shared data resource of the
-- regional actors): who offers what to whom, where and how to reach them,
-- when the entry was last confirmed, and update proposals awaiting approval.

CREATE TABLE actors (
    id              INTEGER PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES org_units(id),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    sector          TEXT NOT NULL,
    unit_id         BIGINT REFERENCES org_units(id),
    offer           TEXT NOT NULL DEFAULT '',
    audiences       TEXT NOT NULL DEFAULT '',
    themes          TEXT NOT NULL DEFAULT '',
    languages       TEXT NOT NULL DEFAULT '',
    opening_hours   TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    website         TEXT NOT NULL DEFAULT '',
    contact_person  TEXT NOT NULL DEFAULT '',
    contact_phone   TEXT NOT NULL DEFAULT '',
    contact_email   TEXT NOT NULL DEFAULT '',
    confirmed_on    TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (org_id, code)
);

CREATE TABLE actor_areas (
    actor_id  BIGINT NOT NULL REFERENCES actors(id),
    unit_id   BIGINT NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (actor_id, unit_id)
);

CREATE TABLE actor_proposals (
    id           INTEGER PRIMARY KEY,
    actor_id     BIGINT NOT NULL REFERENCES actors(id),
    proposed_by  BIGINT REFERENCES users(id),
    proposer     TEXT NOT NULL,
    content      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    decision     TEXT,
    decided_by   TEXT,
    decided_at   BIGINT
);
CREATE INDEX actor_proposals_actor ON actor_proposals(actor_id);
