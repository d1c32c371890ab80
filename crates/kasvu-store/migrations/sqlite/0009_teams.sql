-- The leadership team as a situation room (seed 003): teams and their
-- members, meetings with agenda, minutes, attendance and decisions, personal
-- commitments reviewed at the next meeting, feedback rounds answered
-- anonymously, and learning networks that share chosen indicators across
-- organisations.

CREATE TABLE teams (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES org_units(id),
    kind          TEXT NOT NULL,
    unit_id       BIGINT NOT NULL REFERENCES org_units(id),
    name          TEXT NOT NULL,
    every_months  BIGINT NOT NULL DEFAULT 1,
    week          BIGINT NOT NULL DEFAULT 2,
    weekday       BIGINT NOT NULL DEFAULT 2,
    start_time    TEXT NOT NULL DEFAULT '14:00',
    duration_min  BIGINT NOT NULL DEFAULT 90,
    location      TEXT NOT NULL DEFAULT '',
    anchor_on     TEXT NOT NULL,
    ical_token    TEXT NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL
);
CREATE INDEX teams_org ON teams(org_id);

CREATE TABLE team_members (
    team_id     BIGINT NOT NULL REFERENCES teams(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    member_role TEXT NOT NULL,
    sector      TEXT NOT NULL,
    unit_id     BIGINT REFERENCES org_units(id),
    joined_at   BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id);

CREATE TABLE meetings (
    id            INTEGER PRIMARY KEY,
    team_id       BIGINT NOT NULL REFERENCES teams(id),
    held_on       TEXT NOT NULL,
    start_time    TEXT NOT NULL,
    duration_min  BIGINT NOT NULL,
    location      TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    minutes       TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL
);
CREATE INDEX meetings_team ON meetings(team_id, held_on);

CREATE TABLE meeting_attendance (
    meeting_id  BIGINT NOT NULL REFERENCES meetings(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (meeting_id, user_id)
);

CREATE TABLE agenda_items (
    id          INTEGER PRIMARY KEY,
    meeting_id  BIGINT NOT NULL REFERENCES meetings(id),
    position    BIGINT NOT NULL,
    title       TEXT NOT NULL,
    link_kind   TEXT,
    link_ref    TEXT
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id);

CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    meeting_id  BIGINT NOT NULL REFERENCES meetings(id),
    position    BIGINT NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX decisions_meeting ON decisions(meeting_id);

CREATE TABLE commitments (
    id               INTEGER PRIMARY KEY,
    team_id          BIGINT NOT NULL REFERENCES teams(id),
    user_id          BIGINT NOT NULL REFERENCES users(id),
    made_meeting_id  BIGINT REFERENCES meetings(id),
    made_on          TEXT NOT NULL,
    text             TEXT NOT NULL,
    status           TEXT NOT NULL,
    carried          BIGINT NOT NULL DEFAULT 0,
    closed_meeting_id BIGINT REFERENCES meetings(id),
    note             TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL
);
CREATE INDEX commitments_team ON commitments(team_id, status);
CREATE INDEX commitments_user ON commitments(user_id, status);

CREATE TABLE commitment_reviews (
    id             INTEGER PRIMARY KEY,
    commitment_id  BIGINT NOT NULL REFERENCES commitments(id),
    meeting_id     BIGINT REFERENCES meetings(id),
    status         TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    carry          BIGINT NOT NULL,
    reviewed_by    BIGINT REFERENCES users(id),
    reviewed_at    BIGINT NOT NULL
);
CREATE INDEX commitment_reviews_commitment ON commitment_reviews(commitment_id);

-- E-mail reminders sent, so a commitment is reminded once per meeting.
CREATE TABLE commitment_reminders (
    commitment_id  BIGINT NOT NULL REFERENCES commitments(id),
    meeting_id     BIGINT NOT NULL REFERENCES meetings(id),
    sent_at        BIGINT NOT NULL,
    PRIMARY KEY (commitment_id, meeting_id)
);

CREATE TABLE feedback_rounds (
    id               INTEGER PRIMARY KEY,
    org_id           BIGINT NOT NULL REFERENCES org_units(id),
    unit_id          BIGINT NOT NULL REFERENCES org_units(id),
    team_id          BIGINT REFERENCES teams(id),
    title            TEXT NOT NULL,
    intro            TEXT NOT NULL DEFAULT '',
    target_group     TEXT NOT NULL,
    opens_on         TEXT NOT NULL,
    closes_on        TEXT NOT NULL,
    token            TEXT NOT NULL UNIQUE,
    response         TEXT NOT NULL DEFAULT '',
    response_on      TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX feedback_rounds_org ON feedback_rounds(org_id);

CREATE TABLE feedback_questions (
    id          INTEGER PRIMARY KEY,
    round_id    BIGINT NOT NULL REFERENCES feedback_rounds(id),
    position    BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    options     TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX feedback_questions_round ON feedback_questions(round_id);

-- An answer sheet: when it came and the one-time token of the form it was
-- written on (against double posts). Nothing about who sent it.
CREATE TABLE feedback_responses (
    id            INTEGER PRIMARY KEY,
    round_id      BIGINT NOT NULL REFERENCES feedback_rounds(id),
    submitted_on  TEXT NOT NULL,
    nonce         TEXT NOT NULL UNIQUE
);
CREATE INDEX feedback_responses_round ON feedback_responses(round_id);

CREATE TABLE feedback_answers (
    response_id  BIGINT NOT NULL REFERENCES feedback_responses(id),
    question_id  BIGINT NOT NULL REFERENCES feedback_questions(id),
    score        BIGINT,
    choices      TEXT,
    text         TEXT,
    PRIMARY KEY (response_id, question_id)
);
CREATE INDEX feedback_answers_question ON feedback_answers(question_id);

-- A learning network's participating organisations, the unit each brings
-- (the organisation itself or e.g. a service cluster), and the indicators
-- each has agreed to share with the others.
CREATE TABLE network_participants (
    team_id  BIGINT NOT NULL REFERENCES teams(id),
    org_id   BIGINT NOT NULL REFERENCES org_units(id),
    unit_id  BIGINT NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (team_id, unit_id)
);

CREATE TABLE network_shares (
    team_id         BIGINT NOT NULL REFERENCES teams(id),
    org_id          BIGINT NOT NULL REFERENCES org_units(id),
    indicator_code  TEXT NOT NULL,
    PRIMARY KEY (team_id, org_id, indicator_code)
);

-- The secret of a person's own calendar feed (calendar apps cannot sign in).
CREATE TABLE calendar_tokens (
    user_id  BIGINT PRIMARY KEY REFERENCES users(id),
    token    TEXT NOT NULL UNIQUE
);
