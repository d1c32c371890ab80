-- A counter bumped by every transaction that changes roll-ups or the
-- indicator catalogue, as its last statement. Readers cache what they
-- computed from roll-ups under the version they saw first, so a cache entry
-- is fresh exactly while the version is unchanged — in every server process.
CREATE TABLE measure_version (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO measure_version (id, version) VALUES (1, 0);
