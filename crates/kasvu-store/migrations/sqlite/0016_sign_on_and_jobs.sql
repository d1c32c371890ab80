-- Sign-ins through the organisation's OpenID Connect provider that have
-- left for the provider and not yet come back: the state (hashed), the
-- nonce and PKCE verifier to check the answer with, a hash of the browser
-- binding cookie (so a callback link sent to someone else does not sign them
-- in), and where to go afterwards. Used once; short-lived.
CREATE TABLE sso_logins (
    state_hash    TEXT PRIMARY KEY,
    browser_hash  TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path     TEXT NOT NULL,
    expires_at    BIGINT NOT NULL
);

-- Imports started by upload, and how far each has come, so that the job's
-- page is served by whichever server behind the load balancer is asked.
-- `state` is the web's JSON of the job's state. Kept for an hour after the
-- job ends.
CREATE TABLE import_jobs (
    id          TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    file        TEXT NOT NULL,
    dry_run     BIGINT NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT,
    state       TEXT NOT NULL
);
CREATE INDEX import_jobs_user ON import_jobs(user_id, started_at);
