-- What several `kasvu serve` processes on one database share.

-- Bumped by every transaction that writes org units: the web's cache of the
-- organisations and their units is kept only while this does not change.
CREATE TABLE tree_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO tree_version (id, version) VALUES (1, 0);

-- A task that must not run on two processes at once (the reminder sweep):
-- held by one holder until `until` (Unix seconds), so a crashed holder's
-- lock runs out.
CREATE TABLE task_locks (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  BIGINT NOT NULL
);

-- Recent events per key for rate limits shared by every process
-- (feedback answers and wishes per client).
CREATE TABLE rate_events (
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX rate_events_key_at ON rate_events(key, at);
