-- One-time links to set or reset a password (`kasvu user add` without a
-- password, `kasvu user password-link`, an admin's reset). Only the token's
-- SHA-256 is stored; a link is used once and expires.
CREATE TABLE password_links (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_links_user ON password_links(user_id);
