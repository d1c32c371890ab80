//! The two migration trees (`migrations/sqlite`, `migrations/postgres`) must
//! build the same schema: the same tables, the same columns with the same
//! nullability and type family, and the same indexes. Nothing else compares
//! them, and a difference shows up only when a query behaves differently on
//! one database. This test migrates a fresh database of each kind, reads
//! both catalogues, and names every difference it finds.
//!
//! Needs PostgreSQL when `KASVU_TEST_PG` is set; without it, and with no
//! local server, it is skipped with the same note as the other suites.

use kasvu_store::testing::TestDb;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// Differences that are meant to be, each with its reason. The test fails
/// if one of them no longer occurs, so this list cannot go stale.
const INTENDED: &[(&str, &str)] = &[
    (
        "table search_fts: only in SQLite",
        "SQLite's full-text index is an FTS5 virtual table; PostgreSQL indexes \
         search_entries.stems with a GIN index on to_tsvector instead",
    ),
    (
        "index search_entries_stems on search_entries: only in PostgreSQL",
        "PostgreSQL's full-text index (GIN over to_tsvector('simple', stems)); \
         SQLite's is the search_fts table",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    nullable: bool,
    family: String,
}

/// An index as both databases can describe it. Indexes made by a PRIMARY
/// KEY or UNIQUE constraint are named by each database in its own way
/// (`sqlite_autoindex_t_1`, `t_col_key`), so those are compared by table and
/// columns only; indexes made by CREATE INDEX are compared by name too.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    table: String,
    columns: Vec<String>,
    unique: bool,
    partial: bool,
}

#[derive(Debug, Default)]
struct Schema {
    /// table → column → what it is.
    tables: BTreeMap<String, BTreeMap<String, Column>>,
    /// CREATE INDEX indexes by name.
    named: BTreeMap<String, Index>,
    /// Constraint-made indexes (primary keys, UNIQUE), by what they index.
    constraints: BTreeSet<Index>,
}

/// The type family of a declared type, by SQLite's affinity rules (which
/// PostgreSQL's names also fit): integer, text, real, blob, or the type
/// itself when it is none of these (so an odd type shows as a difference).
fn family(declared: &str) -> String {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        "integer"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "text"
    } else if t.contains("BLOB") || t.contains("BYTEA") || t.is_empty() {
        "blob"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "real"
    } else {
        return declared.to_ascii_lowercase();
    }
    .to_owned()
}

/// Tables kept by the migration tool itself, not by Kasvu's migrations.
fn is_tooling(table: &str) -> bool {
    table.starts_with("_sqlx") || table.starts_with("sqlite_")
}

async fn sqlite_schema(url: &str) -> Schema {
    let pool = sqlx::SqlitePool::connect(url).await.expect("open SQLite");
    let mut s = Schema::default();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&pool)
            .await
            .expect("list SQLite tables");
    // A virtual table's shadow tables (FTS5's search_fts_data, …) belong to
    // it: the virtual table itself is compared, they are not.
    let virtual_tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'",
    )
    .fetch_all(&pool)
    .await
    .expect("list SQLite virtual tables");
    let is_shadow = |t: &str| {
        virtual_tables
            .iter()
            .any(|v| t.starts_with(&format!("{v}_")))
    };
    for t in tables
        .into_iter()
        .filter(|t| !is_tooling(t) && !is_shadow(t))
    {
        let cols = sqlx::query(
            "SELECT name, type, \"notnull\" AS nn, pk FROM pragma_table_info(?) ORDER BY cid",
        )
        .bind(&t)
        .fetch_all(&pool)
        .await
        .expect("read SQLite columns");
        let mut columns = BTreeMap::new();
        for c in cols {
            let declared: String = c.get("type");
            let not_null: i64 = c.get("nn");
            let pk: i64 = c.get("pk");
            columns.insert(
                c.get::<String, _>("name"),
                Column {
                    // A primary key column is never NULL in Kasvu's tables
                    // (INTEGER PRIMARY KEY is the rowid), whatever the
                    // pragma says.
                    nullable: not_null == 0 && pk == 0,
                    family: family(&declared),
                },
            );
        }
        let indexes = sqlx::query(
            "SELECT name, \"unique\" AS uq, origin, partial FROM pragma_index_list(?) ORDER BY name",
        )
        .bind(&t)
        .fetch_all(&pool)
        .await
        .expect("read SQLite indexes");
        for i in indexes {
            let name: String = i.get("name");
            let origin: String = i.get("origin");
            let columns: Vec<String> = sqlx::query(
                "SELECT COALESCE(name, '<expression>') AS name FROM pragma_index_info(?) ORDER BY seqno",
            )
            .bind(&name)
            .fetch_all(&pool)
            .await
            .expect("read SQLite index columns")
            .iter()
            .map(|r| r.get("name"))
            .collect();
            let index = Index {
                table: t.clone(),
                columns,
                unique: i.get::<i64, _>("uq") != 0,
                partial: i.get::<i64, _>("partial") != 0,
            };
            if origin == "c" {
                s.named.insert(name, index);
            } else {
                s.constraints.insert(index);
            }
        }
        // An INTEGER PRIMARY KEY is the rowid and has no index of its own
        // in SQLite; PostgreSQL makes one. Count it as the same thing.
        let pk: Vec<String> =
            sqlx::query("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk")
                .bind(&t)
                .fetch_all(&pool)
                .await
                .expect("read SQLite primary key")
                .iter()
                .map(|r| r.get("name"))
                .collect();
        if !pk.is_empty() {
            s.constraints.insert(Index {
                table: t.clone(),
                columns: pk,
                unique: true,
                partial: false,
            });
        }
        s.tables.insert(t, columns);
    }
    pool.close().await;
    s
}

async fn postgres_schema(url: &str) -> Schema {
    let pool = sqlx::PgPool::connect(url).await.expect("open PostgreSQL");
    let mut s = Schema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .expect("list PostgreSQL tables");
    for t in tables.into_iter().filter(|t| !is_tooling(t)) {
        let cols = sqlx::query(
            "SELECT column_name::text AS name, data_type::text AS type, is_nullable::text AS nullable \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        )
        .bind(&t)
        .fetch_all(&pool)
        .await
        .expect("read PostgreSQL columns");
        let mut columns = BTreeMap::new();
        for c in cols {
            let declared: String = c.get("type");
            columns.insert(
                c.get::<String, _>("name"),
                Column {
                    nullable: c.get::<String, _>("nullable") == "YES",
                    family: family(&declared),
                },
            );
        }
        let indexes = sqlx::query(
            "SELECT i.relname::text AS name, ix.indisunique AS uq, ix.indpred IS NOT NULL AS partial, \
                    EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid) AS by_constraint, \
                    (SELECT string_agg(COALESCE(a.attname::text, '<expression>'), ',' ORDER BY k.ord) \
                       FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
                       LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum) AS columns \
             FROM pg_index ix \
             JOIN pg_class i ON i.oid = ix.indexrelid \
             JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = 'public' AND t.relname = $1",
        )
        .bind(&t)
        .fetch_all(&pool)
        .await
        .expect("read PostgreSQL indexes");
        for i in indexes {
            let columns: Option<String> = i.get("columns");
            let index = Index {
                table: t.clone(),
                columns: columns
                    .unwrap_or_default()
                    .split(',')
                    .map(str::to_owned)
                    .collect(),
                unique: i.get("uq"),
                partial: i.get("partial"),
            };
            if i.get::<bool, _>("by_constraint") {
                s.constraints.insert(index);
            } else {
                s.named.insert(i.get("name"), index);
            }
        }
        s.tables.insert(t, columns);
    }
    pool.close().await;
    s
}

fn describe(i: &Index) -> String {
    format!(
        "({}){}{}",
        i.columns.join(", "),
        if i.unique { " unique" } else { "" },
        if i.partial { " partial" } else { "" }
    )
}

/// Every difference between the two schemas, one line each.
fn differences(lite: &Schema, pg: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let tables: BTreeSet<&String> = lite.tables.keys().chain(pg.tables.keys()).collect();
    for t in tables {
        let (a, b) = match (lite.tables.get(t), pg.tables.get(t)) {
            (Some(a), Some(b)) => (a, b),
            (Some(_), None) => {
                out.push(format!("table {t}: only in SQLite"));
                continue;
            }
            (None, _) => {
                out.push(format!("table {t}: only in PostgreSQL"));
                continue;
            }
        };
        let columns: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for c in columns {
            match (a.get(c), b.get(c)) {
                (Some(x), Some(y)) => {
                    if x.nullable != y.nullable {
                        let n = |n: bool| if n { "nullable" } else { "NOT NULL" };
                        out.push(format!(
                            "column {t}.{c}: {} in SQLite, {} in PostgreSQL",
                            n(x.nullable),
                            n(y.nullable)
                        ));
                    }
                    if x.family != y.family {
                        out.push(format!(
                            "column {t}.{c}: {} in SQLite, {} in PostgreSQL",
                            x.family, y.family
                        ));
                    }
                }
                (Some(_), None) => out.push(format!("column {t}.{c}: only in SQLite")),
                (None, _) => out.push(format!("column {t}.{c}: only in PostgreSQL")),
            }
        }
    }
    let names: BTreeSet<&String> = lite.named.keys().chain(pg.named.keys()).collect();
    for n in names {
        match (lite.named.get(n), pg.named.get(n)) {
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => out.push(format!(
                "index {n}: on {} {} in SQLite, on {} {} in PostgreSQL",
                x.table,
                describe(x),
                y.table,
                describe(y)
            )),
            (Some(x), None) => out.push(format!("index {n} on {}: only in SQLite", x.table)),
            (None, Some(y)) => out.push(format!("index {n} on {}: only in PostgreSQL", y.table)),
            (None, None) => {}
        }
    }
    for i in lite.constraints.difference(&pg.constraints) {
        out.push(format!(
            "key or unique constraint on {} {}: only in SQLite",
            i.table,
            describe(i)
        ));
    }
    for i in pg.constraints.difference(&lite.constraints) {
        out.push(format!(
            "key or unique constraint on {} {}: only in PostgreSQL",
            i.table,
            describe(i)
        ));
    }
    out
}

#[tokio::test]
async fn both_migration_trees_build_the_same_schema() {
    let Some(pg) = TestDb::postgres().await else {
        return;
    };
    let lite = TestDb::sqlite().await;
    let lite_schema = sqlite_schema(&lite.url).await;
    let pg_schema = postgres_schema(&pg.url).await;
    lite.finish().await;
    pg.finish().await;

    // Guard against reading nothing (and so finding no difference).
    for (db, s) in [("SQLite", &lite_schema), ("PostgreSQL", &pg_schema)] {
        assert!(
            s.tables.len() > 20 && s.named.len() > 10 && s.constraints.len() > 20,
            "read only {} tables, {} indexes and {} key constraints of {db}",
            s.tables.len(),
            s.named.len(),
            s.constraints.len()
        );
    }

    let found = differences(&lite_schema, &pg_schema);
    let intended: BTreeSet<&str> = INTENDED.iter().map(|(d, _)| *d).collect();
    let unexpected: Vec<&String> = found
        .iter()
        .filter(|d| !intended.contains(d.as_str()))
        .collect();
    let gone: Vec<&&str> = intended
        .iter()
        .filter(|d| !found.iter().any(|f| f == **d))
        .collect();
    assert!(
        unexpected.is_empty() && gone.is_empty(),
        "the migration trees differ:\n{}\n\nlisted as intended but no longer found:\n{}",
        unexpected
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n"),
        gone.iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

/// The comparison itself can fail: a column whose nullability and type
/// differ, and an index only on one side, are each named.
#[test]
fn differences_are_named() {
    let col = |nullable, family: &str| Column {
        nullable,
        family: family.to_owned(),
    };
    let mut lite = Schema::default();
    lite.tables
        .insert("t".into(), [("a".to_owned(), col(true, "integer"))].into());
    lite.named.insert(
        "t_a".into(),
        Index {
            table: "t".into(),
            columns: vec!["a".into()],
            unique: false,
            partial: false,
        },
    );
    let mut pg = Schema::default();
    pg.tables
        .insert("t".into(), [("a".to_owned(), col(false, "text"))].into());
    assert_eq!(
        differences(&lite, &pg),
        vec![
            "column t.a: nullable in SQLite, NOT NULL in PostgreSQL".to_owned(),
            "column t.a: integer in SQLite, text in PostgreSQL".to_owned(),
            "index t_a on t: only in SQLite".to_owned(),
        ]
    );
    assert_eq!(family("DOUBLE PRECISION"), "real");
    assert_eq!(family("character varying"), "text");
    assert_eq!(family("BIGINT"), "integer");
    assert_eq!(family("tsvector"), "tsvector");
}
