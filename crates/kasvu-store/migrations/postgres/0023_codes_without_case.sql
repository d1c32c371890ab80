-- Codes are matched without regard to case (issue 19, part 6): a planner's
-- sheet may write `TK-P` for the unit `tk-p`. Codes are stored as they were
-- first written, and these indexes keep two codes from differing by case
-- alone. Lookups bind the key (trimmed, lower-cased in Rust with the
-- Unicode-aware `kasvu_core::code_key`) against `lower(code)`, which these
-- indexes serve.
--
-- Why an index on lower(code) and not a stored normalised column: SQLite's
-- lower() folds ASCII letters only, but every code these tables hold is
-- ASCII by construction (OrgCode::parse and check_indicator_code admit only
-- a–z, A–Z, 0–9, '-' and '_'; actor codes are OrgCodes), and on ASCII the
-- two databases' lower() and Rust's Unicode lower-casing agree. A second
-- column would have to be kept in step on every write for no gain.
--
-- Existing data cannot break these indexes: until this migration every code
-- was lower case only (the same parsers refused capitals), so lower(code)
-- equals code and the UNIQUE constraints already in place guarantee the
-- new ones. Those constraints stay; the new indexes imply them.
CREATE UNIQUE INDEX org_units_code_lower ON org_units (lower(code));
CREATE UNIQUE INDEX indicators_code_lower ON indicators (lower(code));
CREATE UNIQUE INDEX actors_code_lower ON actors (org_id, lower(code));
