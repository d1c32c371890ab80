-- What an indicator counts (issue 18, item 4): people (children, pupils,
-- respondents, clients, staff), whose small values are hidden, or
-- activities (meetings, groups, calls, discussions, events), shown as they
-- are. Existing indicators stay on the safe side: people.
ALTER TABLE indicators ADD COLUMN counts TEXT NOT NULL DEFAULT 'people';
