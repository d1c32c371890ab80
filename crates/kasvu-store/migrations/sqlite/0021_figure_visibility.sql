-- Who may read an organisation's figures (issue 18, item 4): per indicator,
-- everyone (no row, the default) or only signed-in users of the
-- installation (signed_in_only = 1). Its admin chooses; the web layer
-- refuses anonymous readers every route that serves such figures.
CREATE TABLE figure_visibility (
    org_id         BIGINT NOT NULL REFERENCES org_units(id),
    indicator_id   BIGINT NOT NULL REFERENCES indicators(id),
    signed_in_only BIGINT NOT NULL,
    PRIMARY KEY (org_id, indicator_id)
);
