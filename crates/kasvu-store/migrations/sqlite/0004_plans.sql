-- The welfare plan from goal to impact: plan versions with their lifecycle,
-- goals, focus areas and measures (with owner units, tags, indicators as
-- evidence and a dated status log). An approved version is frozen: its
-- content changes only by making a new version (previous_id).

CREATE TABLE plans (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES org_units(id),
    code          TEXT NOT NULL,
    version       BIGINT NOT NULL,
    previous_id   BIGINT REFERENCES plans(id),
    title_fi      TEXT NOT NULL,
    title_sv      TEXT NOT NULL DEFAULT '',
    title_en      TEXT NOT NULL DEFAULT '',
    aim_fi        TEXT NOT NULL DEFAULT '',
    aim_sv        TEXT NOT NULL DEFAULT '',
    aim_en        TEXT NOT NULL DEFAULT '',
    start_year    BIGINT NOT NULL,
    end_year      BIGINT NOT NULL,
    status        TEXT NOT NULL,
    approved_on   TEXT,
    decision_ref  TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL,
    UNIQUE (org_id, code, version)
);

CREATE TABLE plan_goals (
    id          INTEGER PRIMARY KEY,
    plan_id     BIGINT NOT NULL REFERENCES plans(id),
    position    BIGINT NOT NULL,
    name_fi     TEXT NOT NULL,
    name_sv     TEXT NOT NULL DEFAULT '',
    name_en     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_goals_plan ON plan_goals(plan_id);

CREATE TABLE plan_focus_areas (
    id          INTEGER PRIMARY KEY,
    goal_id     BIGINT NOT NULL REFERENCES plan_goals(id),
    position    BIGINT NOT NULL,
    name_fi     TEXT NOT NULL,
    name_sv     TEXT NOT NULL DEFAULT '',
    name_en     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_focus_areas_goal ON plan_focus_areas(goal_id);

CREATE TABLE plan_measures (
    id             INTEGER PRIMARY KEY,
    focus_area_id  BIGINT NOT NULL REFERENCES plan_focus_areas(id),
    position       BIGINT NOT NULL,
    name_fi        TEXT NOT NULL,
    name_sv        TEXT NOT NULL DEFAULT '',
    name_en        TEXT NOT NULL DEFAULT '',
    responsible    TEXT NOT NULL DEFAULT '',
    schedule       TEXT NOT NULL DEFAULT '',
    budget         TEXT NOT NULL DEFAULT '',
    rights         TEXT NOT NULL DEFAULT '',
    conditions     TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL
);
CREATE INDEX plan_measures_focus ON plan_measures(focus_area_id);

CREATE TABLE plan_measure_owners (
    measure_id  BIGINT NOT NULL REFERENCES plan_measures(id),
    unit_id     BIGINT NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (measure_id, unit_id)
);

CREATE TABLE plan_measure_indicators (
    measure_id    BIGINT NOT NULL REFERENCES plan_measures(id),
    indicator_id  BIGINT NOT NULL REFERENCES indicators(id),
    PRIMARY KEY (measure_id, indicator_id)
);

CREATE TABLE plan_measure_log (
    id          INTEGER PRIMARY KEY,
    measure_id  BIGINT NOT NULL REFERENCES plan_measures(id),
    at          BIGINT NOT NULL,
    on_date     TEXT NOT NULL,
    status      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL
);
CREATE INDEX plan_measure_log_measure ON plan_measure_log(measure_id);
