-- Children's and young people's forums (issue 20, part 2): a team of kind
-- youth_forum records what the young people proposed — the text, the day,
-- the forum session it came from, never a child's name — and the
-- responsible adults answer it: "you said, we did" (status, response, the
-- reason when not possible, the day, and who answered by role). A proposal
-- may point at the plan measure that takes it forward. Public.

CREATE TABLE forum_proposals (
    id             INTEGER PRIMARY KEY,
    team_id        BIGINT NOT NULL REFERENCES teams(id),
    text           TEXT NOT NULL,
    proposed_on    TEXT NOT NULL,
    source         TEXT NOT NULL DEFAULT '',
    meeting_id     BIGINT REFERENCES meetings(id),
    measure_id     BIGINT REFERENCES plan_measures(id),
    status         TEXT NOT NULL,
    response       TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    answered_on    TEXT,
    answered_role  TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL
);
CREATE INDEX forum_proposals_team ON forum_proposals(team_id, proposed_on);
