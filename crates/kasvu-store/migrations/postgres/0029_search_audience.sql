-- Who may find a search entry, beyond public (everyone) and not public (the
-- organisation's signed-in people): team_id names the team whose members
-- may find it whatever their organisation (a team, its meetings), and
-- members_only keeps it from everyone else (a meeting's agenda and minutes).
ALTER TABLE search_entries ADD COLUMN team_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE search_entries ADD COLUMN members_only BIGINT NOT NULL DEFAULT 0;
CREATE INDEX search_entries_team ON search_entries (team_id);
