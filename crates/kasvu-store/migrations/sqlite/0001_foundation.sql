-- Foundation: the org tree, people and roles, sessions, API tokens, login
-- throttling and the append-only audit log. Timestamps are Unix seconds
-- (BIGINT) and dates ISO text, so both backends read them alike.

CREATE TABLE org_units (
    id          INTEGER PRIMARY KEY,
    org_id      BIGINT REFERENCES org_units(id),
    parent_id   BIGINT REFERENCES org_units(id),
    code        TEXT NOT NULL UNIQUE,
    level       TEXT NOT NULL,
    kind        TEXT,
    sector      TEXT,
    name_fi     TEXT NOT NULL,
    name_sv     TEXT NOT NULL DEFAULT '',
    name_en     TEXT NOT NULL DEFAULT '',
    valid_from  TEXT,
    valid_to    TEXT,
    demo        BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX org_units_org ON org_units(org_id);
CREATE INDEX org_units_parent ON org_units(parent_id);

CREATE TABLE org_unit_external_codes (
    unit_id BIGINT NOT NULL REFERENCES org_units(id) ON DELETE CASCADE,
    scheme  TEXT NOT NULL,
    code    TEXT NOT NULL,
    PRIMARY KEY (unit_id, scheme)
);
CREATE INDEX org_unit_external_codes_lookup ON org_unit_external_codes(scheme, code);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES org_units(id),
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT,
    disabled_at   BIGINT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE role_assignments (
    id       INTEGER PRIMARY KEY,
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL,
    scope_id BIGINT NOT NULL REFERENCES org_units(id),
    UNIQUE (user_id, role, scope_id)
);
CREATE INDEX role_assignments_scope ON role_assignments(scope_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            BIGINT NOT NULL,
    org_id        BIGINT,
    actor_user_id BIGINT,
    actor         TEXT NOT NULL,
    entity        TEXT NOT NULL,
    entity_key    TEXT NOT NULL,
    action        TEXT NOT NULL,
    old_value     TEXT,
    new_value     TEXT
);
CREATE INDEX audit_log_org ON audit_log(org_id, id);

-- Nobody edits the audit log, not even through SQL.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
