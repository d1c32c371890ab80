-- Reporting completeness (issue 19): the kinds of unit that enter an
-- indicator (';'-separated unit kind codes, e.g. 'school;daycare'). Units of
-- these kinds are expected to report every period and are late when a
-- finished period has no figure of theirs; no other unit is offered the
-- indicator in data entry. Empty: no unit is expected to, any may.
ALTER TABLE indicators ADD COLUMN reported_by TEXT NOT NULL DEFAULT '';
