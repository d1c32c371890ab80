-- The document library (issue 20, item 8; seed 004's handbooks and
-- guidance): a file or a link attached to a project, a good practice or a
-- team, with the audience that may read it (public, staff, members). A
-- file's bytes live in their own table so that lists never read them; a
-- removed document's bytes are deleted, its row kept for the audit trail.

CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES org_units(id),
    target_kind   TEXT NOT NULL,
    target_id     BIGINT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    audience      TEXT NOT NULL,
    link_url      TEXT,
    file_name     TEXT,
    content_type  TEXT,
    size_bytes    BIGINT,
    sha256        TEXT,
    added_by      BIGINT REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    removed_at    BIGINT
);
CREATE INDEX documents_target ON documents(target_kind, target_id);

CREATE TABLE document_files (
    document_id  BIGINT PRIMARY KEY REFERENCES documents(id),
    content      BLOB NOT NULL
);
