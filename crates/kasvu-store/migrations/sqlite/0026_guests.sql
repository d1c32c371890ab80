-- Issue 20: commitments due by construction, and partners at the table
-- without a Kasvu account (guests).
--
-- due_after: a commitment is due at the team's first meeting strictly after
-- this day (kasvu_core::team::due_meeting): the date of the meeting it was
-- made at, or of the meeting where it was last carried over. Before this
-- migration the due meeting was guessed from made_on, which a promise
-- recorded on the upcoming meeting's page set to that meeting's own date.
ALTER TABLE commitments ADD COLUMN due_after TEXT NOT NULL DEFAULT '';
UPDATE commitments SET due_after = COALESCE(
    (SELECT MAX(m.held_on) FROM commitment_reviews r JOIN meetings m ON m.id = r.meeting_id
      WHERE r.commitment_id = commitments.id AND r.carry = 1),
    (SELECT m.held_on FROM meetings m WHERE m.id = commitments.made_meeting_id),
    made_on);

-- A guest sits at a team's table without an account: never signs in, sees
-- nothing, gets the agenda, the minutes and reminders by e-mail. The e-mail
-- address is an adult's personal data: erased when the guest is removed
-- (removed_at), while the name stays on the commitments and attendance.
CREATE TABLE team_guests (
    id            INTEGER PRIMARY KEY,
    team_id       BIGINT NOT NULL REFERENCES teams(id),
    name          TEXT NOT NULL,
    organisation  TEXT NOT NULL,
    sector        TEXT NOT NULL,
    email         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    removed_at    BIGINT
);
CREATE INDEX team_guests_team ON team_guests(team_id);

CREATE TABLE meeting_guest_attendance (
    meeting_id  BIGINT NOT NULL REFERENCES meetings(id),
    guest_id    BIGINT NOT NULL REFERENCES team_guests(id),
    PRIMARY KEY (meeting_id, guest_id)
);

-- A guest's commitment: guest_id is set, and user_id is the member who
-- recorded it and follows it up for the guest (user_id stays NOT NULL:
-- SQLite cannot drop the constraint without rebuilding a table that others
-- reference). "My commitments" lists only one's own (guest_id IS NULL).
ALTER TABLE commitments ADD COLUMN guest_id BIGINT REFERENCES team_guests(id);

-- What was e-mailed to a guest (kind: agenda, minutes), so nothing is sent
-- twice; reminders use commitment_reminders.
CREATE TABLE guest_mail (
    meeting_id  BIGINT NOT NULL REFERENCES meetings(id),
    guest_id    BIGINT NOT NULL REFERENCES team_guests(id),
    kind        TEXT NOT NULL,
    sent_at     BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, guest_id, kind)
);
