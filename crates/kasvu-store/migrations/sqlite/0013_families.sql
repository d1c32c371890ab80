-- Public pages for families (issue 7): places (meeting places, family
-- centres), activities (hobbies, events, recurring groups, mobile services'
-- visits) with their weekly slots, dated occurrences and cancellations,
-- children's wishes, and the organisation's public settings.

CREATE TABLE places (
    id              INTEGER PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES org_units(id),
    code            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    name_fi         TEXT NOT NULL,
    name_sv         TEXT NOT NULL DEFAULT '',
    name_en         TEXT NOT NULL DEFAULT '',
    area_id         BIGINT NOT NULL REFERENCES org_units(id),
    cluster_id      BIGINT REFERENCES org_units(id),
    unit_id         BIGINT NOT NULL REFERENCES org_units(id),
    address         TEXT NOT NULL DEFAULT '',
    hours_fi        TEXT NOT NULL DEFAULT '',
    hours_sv        TEXT NOT NULL DEFAULT '',
    hours_en        TEXT NOT NULL DEFAULT '',
    what_fi         TEXT NOT NULL DEFAULT '',
    what_sv         TEXT NOT NULL DEFAULT '',
    what_en         TEXT NOT NULL DEFAULT '',
    directions_fi   TEXT NOT NULL DEFAULT '',
    directions_sv   TEXT NOT NULL DEFAULT '',
    directions_en   TEXT NOT NULL DEFAULT '',
    access_fi       TEXT NOT NULL DEFAULT '',
    access_sv       TEXT NOT NULL DEFAULT '',
    access_en       TEXT NOT NULL DEFAULT '',
    actor_id        BIGINT REFERENCES actors(id),
    phone           TEXT NOT NULL DEFAULT '',
    website         TEXT NOT NULL DEFAULT '',
    published       BIGINT NOT NULL DEFAULT 0,
    source_id       TEXT,
    updated_at      BIGINT NOT NULL,
    UNIQUE (org_id, code)
);

-- An activity's area (and cluster when it has one) are both stored so a
-- search by either is one indexed comparison; the weekday mask and the
-- first/last day likewise (see kasvu_core::activity). The public search
-- filters on area or cluster, age, day, price and type: the indexes carry
-- those columns so counting the matches reads the index only.
CREATE TABLE activities (
    id              INTEGER PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES org_units(id),
    kind            TEXT NOT NULL,
    category        TEXT NOT NULL,
    status          TEXT NOT NULL,
    name_fi         TEXT NOT NULL,
    name_sv         TEXT NOT NULL DEFAULT '',
    name_en         TEXT NOT NULL DEFAULT '',
    description_fi  TEXT NOT NULL DEFAULT '',
    description_sv  TEXT NOT NULL DEFAULT '',
    description_en  TEXT NOT NULL DEFAULT '',
    signup_fi       TEXT NOT NULL DEFAULT '',
    signup_sv       TEXT NOT NULL DEFAULT '',
    signup_en       TEXT NOT NULL DEFAULT '',
    price_fi        TEXT NOT NULL DEFAULT '',
    price_sv        TEXT NOT NULL DEFAULT '',
    price_en        TEXT NOT NULL DEFAULT '',
    is_free         BIGINT NOT NULL,
    min_age         BIGINT,
    max_age         BIGINT,
    languages       TEXT NOT NULL DEFAULT '',
    keywords        TEXT NOT NULL DEFAULT '',
    equipment_lent  BIGINT NOT NULL DEFAULT 0,
    organiser_id    BIGINT REFERENCES actors(id),
    provider        TEXT NOT NULL DEFAULT '',
    place_id        BIGINT REFERENCES places(id),
    location        TEXT NOT NULL DEFAULT '',
    area_id         BIGINT NOT NULL REFERENCES org_units(id),
    cluster_id      BIGINT REFERENCES org_units(id),
    unit_id         BIGINT NOT NULL REFERENCES org_units(id),
    season_start    TEXT,
    season_end      TEXT,
    -- The weekly slots, dated times and cancellations as JSON
    -- ({"slots": [...], "dates": [...], "cancellations": [...]}): read
    -- whole with the entry, so a list of cards is one query.
    times           TEXT NOT NULL,
    weekday_mask    BIGINT NOT NULL,
    first_on        TEXT NOT NULL,
    last_on         TEXT NOT NULL,
    info_url        TEXT NOT NULL DEFAULT '',
    source_id       TEXT,
    created_by      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    approved_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activities_area ON activities(org_id, status, kind, area_id, name_fi, min_age, max_age, weekday_mask, is_free, category);
CREATE INDEX activities_cluster ON activities(org_id, status, kind, cluster_id, name_fi, min_age, max_age, weekday_mask, is_free, category);
CREATE INDEX activities_name ON activities(org_id, status, kind, name_fi, min_age, max_age, weekday_mask, is_free, category);
CREATE INDEX activities_last_on ON activities(org_id, status, last_on);
CREATE INDEX activities_place ON activities(place_id);
CREATE UNIQUE INDEX activities_source ON activities(org_id, source_id);

-- A child's or young person's wish: no name, no contact, no free text
-- beyond a short line; counted per area in the feedback results.
CREATE TABLE wishes (
    id              INTEGER PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES org_units(id),
    area_id         BIGINT REFERENCES org_units(id),
    age_group       TEXT NOT NULL,
    categories      TEXT NOT NULL,
    text            TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX wishes_org ON wishes(org_id, area_id);

CREATE TABLE public_settings (
    org_id              BIGINT PRIMARY KEY REFERENCES org_units(id),
    guidance_phone      TEXT NOT NULL DEFAULT '',
    guidance_hours_fi   TEXT NOT NULL DEFAULT '',
    guidance_hours_sv   TEXT NOT NULL DEFAULT '',
    guidance_hours_en   TEXT NOT NULL DEFAULT '',
    updated_at          BIGINT NOT NULL
);

-- Bumped in the same transaction as every change to an organisation's
-- activities, so each server's in-memory index of the public ones (see
-- kasvu_store::families) knows when to read them again.
CREATE TABLE activity_versions (
    org_id      BIGINT PRIMARY KEY REFERENCES org_units(id),
    version     BIGINT NOT NULL
);
