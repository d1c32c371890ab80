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
