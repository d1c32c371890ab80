-- A leadership team's backbone work (issue 20, item 8; seed 003 "Johtotiimin
-- tehtävä"): its action plan with schedules, bulletins to its members or to
-- the staff, and joint seminars, workshops and trainings with registration
-- and attendance. Participants are adults at work: a name, an organisation
-- and a sector, the user when they registered themselves.

CREATE TABLE team_actions (
    id           INTEGER PRIMARY KEY,
    team_id      BIGINT NOT NULL REFERENCES teams(id),
    title        TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    responsible  TEXT NOT NULL DEFAULT '',
    due_on       TEXT,
    status       TEXT NOT NULL,
    position     BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    removed_at   BIGINT
);
CREATE INDEX team_actions_team ON team_actions(team_id, position);

CREATE TABLE team_bulletins (
    id              INTEGER PRIMARY KEY,
    team_id         BIGINT NOT NULL REFERENCES teams(id),
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    audience        TEXT NOT NULL,
    published_on    TEXT NOT NULL,
    author_user_id  BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    removed_at      BIGINT
);
CREATE INDEX team_bulletins_team ON team_bulletins(team_id, published_on);

CREATE TABLE team_events (
    id            INTEGER PRIMARY KEY,
    team_id       BIGINT NOT NULL REFERENCES teams(id),
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    held_on       TEXT NOT NULL,
    starts_at     TEXT NOT NULL,
    place         TEXT NOT NULL DEFAULT '',
    capacity      BIGINT,
    created_at    BIGINT NOT NULL,
    cancelled_at  BIGINT
);
CREATE INDEX team_events_team ON team_events(team_id, held_on);

CREATE TABLE team_event_participants (
    id             INTEGER PRIMARY KEY,
    event_id       BIGINT NOT NULL REFERENCES team_events(id),
    user_id        BIGINT REFERENCES users(id),
    name           TEXT NOT NULL,
    organisation   TEXT NOT NULL,
    sector         TEXT NOT NULL,
    attended       BIGINT NOT NULL DEFAULT 0,
    registered_at  BIGINT NOT NULL
);
CREATE INDEX team_event_participants_event ON team_event_participants(event_id);
CREATE UNIQUE INDEX team_event_participants_user ON team_event_participants(event_id, user_id);
