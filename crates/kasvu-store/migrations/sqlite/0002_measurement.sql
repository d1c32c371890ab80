-- Shared measurement: the indicator catalogue, raw values, roll-ups that are
-- maintained incrementally on every write (see src/measure.rs), targets and
-- written conclusions. The catalogue is shared by the organisations of an
-- installation (national indicators are the same for all); values, targets
-- and conclusions belong to org units and so to one organisation.

CREATE TABLE indicators (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name_fi         TEXT NOT NULL,
    name_sv         TEXT NOT NULL DEFAULT '',
    name_en         TEXT NOT NULL DEFAULT '',
    definition_fi   TEXT NOT NULL DEFAULT '',
    definition_sv   TEXT NOT NULL DEFAULT '',
    definition_en   TEXT NOT NULL DEFAULT '',
    unit            TEXT NOT NULL,
    source          TEXT NOT NULL,
    cadence         TEXT NOT NULL,
    aggregation     TEXT NOT NULL,
    direction       TEXT NOT NULL,
    numerator_id    BIGINT REFERENCES indicators(id),
    denominator_id  BIGINT REFERENCES indicators(id),
    factor          DOUBLE PRECISION,
    by_sex          BIGINT NOT NULL DEFAULT 0,
    by_grade        BIGINT NOT NULL DEFAULT 0,
    by_age_group    BIGINT NOT NULL DEFAULT 0,
    min_value       DOUBLE PRECISION,
    max_value       DOUBLE PRECISION,
    not_above_id    BIGINT REFERENCES indicators(id),
    themes          TEXT NOT NULL DEFAULT '',
    not_needed_note TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE indicator_external_codes (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    scheme       TEXT NOT NULL,
    code         TEXT NOT NULL,
    PRIMARY KEY (indicator_id, scheme),
    UNIQUE (scheme, code)
);

-- Every unit with each of its ancestors (and itself, depth 0): roll-ups up
-- the tree are one join. Rebuilt for an organisation whenever its tree changes.
CREATE TABLE org_closure (
    unit_id     BIGINT NOT NULL REFERENCES org_units(id),
    ancestor_id BIGINT NOT NULL REFERENCES org_units(id),
    depth       BIGINT NOT NULL,
    PRIMARY KEY (unit_id, ancestor_id)
) WITHOUT ROWID;
CREATE INDEX org_closure_ancestor ON org_closure(ancestor_id);

INSERT INTO org_closure (unit_id, ancestor_id, depth)
WITH RECURSIVE c(unit_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM org_units
    UNION ALL
    SELECT c.unit_id, u.parent_id, c.depth + 1
    FROM c JOIN org_units u ON u.id = c.ancestor_id
    WHERE u.parent_id IS NOT NULL AND c.depth < 50
)
SELECT unit_id, ancestor_id, depth FROM c;

-- Every period with each period containing it (and itself): roll-ups over
-- time are one join. Filled as periods first appear.
CREATE TABLE period_closure (
    period    TEXT NOT NULL,
    container TEXT NOT NULL,
    PRIMARY KEY (period, container)
) WITHOUT ROWID;

-- Raw values as entered or imported. grade '' = all grades, age_group '' = all.
CREATE TABLE data_values (
    unit_id      BIGINT NOT NULL REFERENCES org_units(id),
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    sex          TEXT NOT NULL,
    grade        TEXT NOT NULL,
    age_group    TEXT NOT NULL,
    period       TEXT NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    count        DOUBLE PRECISION,
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL,
    PRIMARY KEY (unit_id, indicator_id, sex, grade, age_group, period)
) WITHOUT ROWID;
CREATE INDEX data_values_indicator ON data_values(indicator_id, period);

-- Running totals for every ancestor-or-self unit and containing-or-same
-- period of the raw values (for `last` indicators only the same period: the
-- latest sub-period is picked when read). Kept equal to a recomputation from
-- data_values by applying each write's differences in the same transaction.
CREATE TABLE rollups (
    unit_id      BIGINT NOT NULL REFERENCES org_units(id),
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    sex          TEXT NOT NULL,
    grade        TEXT NOT NULL,
    age_group    TEXT NOT NULL,
    period       TEXT NOT NULL,
    total        DOUBLE PRECISION NOT NULL,
    n            BIGINT NOT NULL,
    basis        DOUBLE PRECISION NOT NULL,
    basis_n      BIGINT NOT NULL,
    PRIMARY KEY (unit_id, indicator_id, sex, grade, age_group, period)
) WITHOUT ROWID;

CREATE TABLE targets (
    unit_id         BIGINT NOT NULL REFERENCES org_units(id),
    indicator_id    BIGINT NOT NULL REFERENCES indicators(id),
    period          TEXT NOT NULL,
    value           DOUBLE PRECISION NOT NULL,
    baseline_period TEXT,
    note            TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL,
    updated_by      TEXT NOT NULL,
    PRIMARY KEY (unit_id, indicator_id, period)
);

-- The written analysis and conclusions of an area (or any unit) for a period.
CREATE TABLE analyses (
    unit_id    BIGINT NOT NULL REFERENCES org_units(id),
    period     TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (unit_id, period)
);
