-- A plan's strengths and challenges (seed 002) and its coordinating
-- structures (the steering group, area development groups) with their
-- tasks: plan content, frozen with the version.
CREATE TABLE plan_notes (
    id        INTEGER PRIMARY KEY,
    plan_id   BIGINT NOT NULL REFERENCES plans(id),
    kind      TEXT NOT NULL,
    position  BIGINT NOT NULL,
    text_fi   TEXT NOT NULL,
    text_sv   TEXT NOT NULL DEFAULT '',
    text_en   TEXT NOT NULL DEFAULT '',
    tasks_fi  TEXT NOT NULL DEFAULT '',
    tasks_sv  TEXT NOT NULL DEFAULT '',
    tasks_en  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_notes_plan ON plan_notes(plan_id);
