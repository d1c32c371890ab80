-- What the servers of this database run with, for the other processes on
-- it. `suppress_below`: the threshold under which counts are hidden,
-- written at every start of `kasvu serve`. A command run without
-- --suppress-below (an export, an import's protection ahead) uses it, so
-- that the command line hides what the server hides; one run with another
-- threshold is told that it differs.
CREATE TABLE server_settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
