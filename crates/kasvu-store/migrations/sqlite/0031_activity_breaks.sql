-- Breaks of an organisation's weekly activities (schools' autumn,
-- Christmas, winter and Easter breaks): no weekly session is held from
-- first_day to last_day (both included, ISO dates). Finnish public
-- holidays are built in (kasvu_core::holidays) and not stored.
CREATE TABLE activity_breaks (
    id              INTEGER PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES org_units(id),
    first_day       TEXT NOT NULL,
    last_day        TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX activity_breaks_org ON activity_breaks(org_id, first_day);
