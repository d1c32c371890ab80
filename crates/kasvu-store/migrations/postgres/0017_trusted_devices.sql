-- Browsers a person has signed in with (OWASP's "device cookies"). Wrong
-- passwords from anywhere else count against the account and can close it
-- to unknown browsers for a while, but never to a browser its owner has
-- signed in with before: nobody can lock an owner out from another address.
-- Only the cookie's hash is kept.
CREATE TABLE trusted_devices (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX trusted_devices_expiry ON trusted_devices(expires_at);
