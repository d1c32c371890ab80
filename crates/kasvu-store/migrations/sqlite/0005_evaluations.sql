-- Evaluations of measures per period (follow-up, allowed on any version)
-- and the plan's impact statements tied to indicators (plan content).

CREATE TABLE plan_evaluations (
    id           INTEGER PRIMARY KEY,
    measure_id   BIGINT NOT NULL REFERENCES plan_measures(id),
    period       TEXT NOT NULL,
    rating       BIGINT NOT NULL,
    body         TEXT NOT NULL,
    indicators   TEXT NOT NULL DEFAULT '',
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL,
    UNIQUE (measure_id, period)
);

CREATE TABLE plan_impacts (
    id            INTEGER PRIMARY KEY,
    plan_id       BIGINT NOT NULL REFERENCES plans(id),
    position      BIGINT NOT NULL,
    statement_fi  TEXT NOT NULL,
    statement_sv  TEXT NOT NULL DEFAULT '',
    statement_en  TEXT NOT NULL DEFAULT '',
    indicator_id  BIGINT NOT NULL REFERENCES indicators(id),
    direction     TEXT NOT NULL
);
CREATE INDEX plan_impacts_plan ON plan_impacts(plan_id);
