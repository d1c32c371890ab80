-- One-time tokens of feedback answer forms, issued by the server when the
-- form is shown and used up when its answers are stored. A sheet needs one:
-- a self-chosen token no longer counts as a new form, so nobody can pad a
-- round with answers the server never handed out a form for. Only the
-- token's hash is kept; the stored sheet keeps the same hash as its nonce,
-- so sending one form twice still counts once.
CREATE TABLE feedback_answer_tokens (
    token_hash TEXT PRIMARY KEY,
    round_id   BIGINT NOT NULL REFERENCES feedback_rounds(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX feedback_answer_tokens_expiry ON feedback_answer_tokens(expires_at);
