//! A write's checked rows staged in its temporary table `staging_values`,
//! a chunk (`CHUNK` rows at most) per statement.
//!
//! On SQLite the rows are bound parameters of one multi-row `VALUES`, with
//! anonymous `?` parameters. Not named or numbered ones (`$1`, `?1`): for
//! each of those, sqlx's binding asks SQLite for the parameter's name,
//! which SQLite finds by walking a list — quadratic in a statement of
//! thousands of parameters. (The rows once travelled as one JSON parameter
//! after a bound path with numbered parameters, each chunk prepared afresh,
//! cost ~40 µs a row — most likely from that lookup; `json_each` then
//! extracted each column with `j.value ->> k`, 3.7 µs a row in a replay
//! with SQLite 3.40. In Kasvu, with SQLite 3.46, check + stage of a 1 M
//! import went from 4.2–4.7 s to 2.0–2.9 s.) A nullable float bound here
//! is harmless: the `Any` quirk that poisons a cached statement with it is
//! PostgreSQL's (`support::db`). On PostgreSQL the rows still travel as
//! JSON: `jsonb_array_elements` parses it once into binary JSON.

use super::write::{ValueRow, CHUNK};
use crate::support::db::Backend;
use crate::support::error::Result;
use sqlx::AnyConnection;

/// The staged columns, one bound parameter each on SQLite.
const COLUMNS: &str = "row_no, unit_id, indicator_id, sex, grade, age_group, period, value, count";
const PARAMS: usize = 9;

/// Stages `rows`; returns how many were staged (a key already staged is
/// not staged again, so fewer means a duplicate).
pub(super) async fn stage(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: &[ValueRow],
) -> Result<u64> {
    let done = match backend {
        Backend::Sqlite => stage_bound(conn, rows).await?,
        Backend::Postgres => {
            sqlx::query(&format!(
                "INSERT INTO staging_values ({COLUMNS}) \
                 SELECT (e ->> 0)::bigint, (e ->> 1)::bigint, (e ->> 2)::bigint, e ->> 3, e ->> 4, \
                 e ->> 5, e ->> 6, (e ->> 7)::double precision, (e ->> 8)::double precision \
                 FROM jsonb_array_elements($1::jsonb) e ON CONFLICT DO NOTHING"
            ))
            .bind(staging_json(rows))
            .execute(&mut *conn)
            .await?
        }
    };
    Ok(done.rows_affected())
}

async fn stage_bound(
    conn: &mut AnyConnection,
    rows: &[ValueRow],
) -> Result<sqlx::any::AnyQueryResult> {
    static FULL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = statement(&FULL, CHUNK, rows.len(), bound_sql);
    let mut q = sqlx::query(&sql);
    for r in rows {
        q = q
            .bind(r.row as i64)
            .bind(r.unit_id)
            .bind(r.indicator_id)
            .bind(r.breakdown.sex.code())
            .bind(r.breakdown.grade_code())
            .bind(r.breakdown.age_code())
            .bind(r.period.code())
            // Checked finite (as the JSON of the other path must be).
            .bind(r.value.filter(|v| v.is_finite()))
            .bind(r.count.filter(|v| v.is_finite()));
    }
    // A full chunk's statement is prepared once per connection and cached
    // (until the write ends, see `ValueWriter::finish`); a shorter one is
    // not cached (sqlx holds it until the connection's next such query).
    Ok(q.persistent(rows.len() == CHUNK)
        .execute(&mut *conn)
        .await?)
}

/// The text of a multi-row statement of `rows` rows (made by `build`):
/// for a full one of `full_rows`, built once per process and kept in
/// `full`; for a shorter one, afresh.
pub(super) fn statement(
    full: &'static std::sync::OnceLock<String>,
    full_rows: usize,
    rows: usize,
    build: fn(usize) -> String,
) -> std::borrow::Cow<'static, str> {
    if rows == full_rows {
        std::borrow::Cow::Borrowed(full.get_or_init(|| build(full_rows)).as_str())
    } else {
        std::borrow::Cow::Owned(build(rows))
    }
}

/// The insert of `rows` staged rows with `?` parameters.
fn bound_sql(rows: usize) -> String {
    let row = format!("({})", ["?"; PARAMS].join(","));
    format!(
        "INSERT INTO staging_values ({COLUMNS}) VALUES {} ON CONFLICT DO NOTHING",
        vec![row; rows].join(",")
    )
}

/// A chunk of checked rows as the JSON array of arrays the staging insert
/// unpacks, written directly (a `serde_json::Value` per row cost more than
/// the database's insert).
fn staging_json(rows: &[ValueRow]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(rows.len() * 64 + 2);
    let num = |out: &mut String, v: Option<f64>| match v {
        // Checked finite; anything else would not be a JSON number.
        Some(v) if v.is_finite() => {
            let _ = write!(out, "{v:?}");
        }
        _ => out.push_str("null"),
    };
    out.push('[');
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "[{},{},{},{},{},{},{},",
            r.row,
            r.unit_id,
            r.indicator_id,
            serde_json::Value::from(r.breakdown.sex.code()),
            serde_json::Value::from(r.breakdown.grade_code()),
            serde_json::Value::from(r.breakdown.age_code()),
            serde_json::Value::from(r.period.code()),
        );
        num(&mut out, r.value);
        out.push(',');
        num(&mut out, r.count);
        out.push(']');
    }
    out.push(']');
    out
}
