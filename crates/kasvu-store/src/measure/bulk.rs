//! A write's roll-up differences summed in memory and written in bulk.
//!
//! Where no reported figure stops propagation (nearly always), each row of
//! `value_deltas` adds to its unit and every ancestor (`org_closure`) times
//! each containing period (`period_closure`; only the period itself for
//! `last` indicators) — 16 roll-up rows per monthly value in a four-level
//! tree. Two GROUP BYs over those joins cost a 1 M-value import ~17 s of
//! CPU in SQLite's sorter; summing the same differences in a hash map costs
//! a fraction of that, and they collapse (a million values touch ~1.6 M
//! roll-up rows, not 16 M), so the writes are one sorted upsert per few
//! thousand roll-up rows. The differences are read and summed a bounded
//! group of units at a time, so memory stays bounded for any file; the sums
//! of units above others are kept across groups up to a bound (past it they
//! are written and start again: the sums add).

use super::*;
use crate::support::db::Backend;
// FxHash (rustc's): the maps' keys are a few integers, for which SipHash
// cost more than the summing itself. Not exposed to input that could choose
// colliding keys (ids and interned numbers).
use rustc_hash::FxBuildHasher as Fx;

/// Roll-up rows per upsert statement on SQLite: 2,000 × 11 parameters,
/// within its limit of 32,766.
const WRITE_ROWS: usize = 2000;
/// Roll-up rows per upsert statement (one JSON parameter) on PostgreSQL.
const JSON_WRITE_ROWS: usize = 5000;

/// Bound parameters per roll-up row: its key's six columns and five sums.
const ROLLUP_PARAMS: usize = 11;

/// The bounds on memory of summing roll-up differences.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SumBounds {
    /// Rows of `value_deltas` read and summed at a time.
    pub(crate) group_rows: i64,
    /// Sums of units above others kept across groups before they are
    /// written anyway (~70 bytes a row).
    pub(crate) shared_rows: usize,
}

impl Default for SumBounds {
    fn default() -> Self {
        SumBounds {
            group_rows: 200_000,
            shared_rows: 1_000_000,
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Sums {
    total: f64,
    n: i64,
    basis: f64,
    basis_n: i64,
    own_n: i64,
}

/// A roll-up row's key: unit, indicator, interned breakdown and period.
type Key = (i64, i64, u32, u32);

/// One row of `value_deltas` as read back: key, then dv, dn, db, dbn, don.
type DeltaRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    f64,
    i64,
    f64,
    i64,
    i64,
);

/// Adds the differences of the rows of `value_deltas` whose indicator and
/// period have no reported figure (`unblocked`: the SQL condition on `x`)
/// to `rollups`. `last` holds the indicators aggregated as `last`. Returns
/// whether a full chunk's statement was run (and kept by the connection).
pub(super) async fn add_unblocked(
    conn: &mut AnyConnection,
    backend: Backend,
    unblocked: &str,
    last: &HashSet<i64>,
    bounds: SumBounds,
) -> Result<bool> {
    // Units in groups of about `group_rows` rows, in key order.
    let counts = sqlx::query(
        "SELECT unit_id, COUNT(*) AS n FROM value_deltas GROUP BY unit_id ORDER BY unit_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    if counts.is_empty() {
        return Ok(false);
    }
    let mut kept = false;
    let mut groups: Vec<(i64, i64)> = Vec::new();
    let mut in_group = 0i64;
    for r in &counts {
        let unit: i64 = r.try_get("unit_id")?;
        let n: i64 = r.try_get("n")?;
        match groups.last_mut() {
            Some(g) if in_group + n <= bounds.group_rows => {
                g.1 = unit;
                in_group += n;
            }
            _ => {
                groups.push((unit, unit));
                in_group = n;
            }
        }
    }
    // Each unit's ancestors-or-self whose rows are stored, with whether it
    // is the unit itself: a unit without sub-units stores none (its rows
    // are its values summed when read, `rollup_rows::leaf_rows`) — at 10 M
    // values ~97 % of the roll-up rows a file makes.
    let mut ancestors: HashMap<i64, Vec<(i64, bool)>> = HashMap::new();
    for r in sqlx::query(&format!(
        "SELECT c.unit_id, c.ancestor_id, c.depth, \
           CAST(CASE WHEN {} THEN 1 ELSE 0 END AS BIGINT) AS inner_unit FROM org_closure c \
         WHERE c.unit_id IN (SELECT DISTINCT unit_id FROM value_deltas)",
        super::rollup_rows::has_sub_units("c.unit_id")
    ))
    .fetch_all(&mut *conn)
    .await?
    {
        let depth: i64 = r.try_get("depth")?;
        let inner: i64 = r.try_get("inner_unit")?;
        let up = ancestors.entry(r.try_get("unit_id")?).or_default();
        if depth > 0 || inner == 1 {
            up.push((r.try_get("ancestor_id")?, depth == 0));
        }
    }
    let read = match backend {
        Backend::Sqlite => format!(
            "SELECT json_group_array(json_array(x.unit_id, x.indicator_id, x.sex, x.grade, \
             x.age_group, x.period, {dv}, x.dn, {db}, x.dbn, x.don)) AS j \
             FROM value_deltas x WHERE x.unit_id >= $1 AND x.unit_id <= $2 AND {unblocked}",
            dv = crate::support::db::sqlite_exact_real("x.dv"),
            db = crate::support::db::sqlite_exact_real("x.db"),
        ),
        Backend::Postgres => format!(
            "SELECT COALESCE(json_agg(json_build_array(x.unit_id, x.indicator_id, x.sex, x.grade, \
             x.age_group, x.period, x.dv, x.dn, x.db, x.dbn, x.don)), '[]')::text AS j \
             FROM value_deltas x WHERE x.unit_id >= $1 AND x.unit_id <= $2 AND {unblocked}"
        ),
    };
    // Interned breakdowns (sex, grade, age group) and periods, so the map's
    // keys are four integers.
    let mut breakdowns: Vec<[String; 3]> = Vec::new();
    let mut breakdown_ids: HashMap<[String; 3], u32> = HashMap::new();
    let mut periods: Vec<String> = Vec::new();
    // A period's code → its own id, then its containers' ids.
    let mut chains: HashMap<String, Vec<u32>> = HashMap::new();
    let mut period_ids: HashMap<String, u32> = HashMap::new();
    // Units above others (clusters, areas, the organisation) collect from
    // every group; their sums are kept across groups and written once at
    // the end (or when they pass `shared_rows`), not once per group: at 10 M
    // values in 50 groups, writing them per group upserted ~16 M roll-up
    // rows for ~0.4 M distinct ones, and the phase grew with the square.
    let above: HashSet<i64, Fx> = ancestors
        .values()
        .flatten()
        .filter(|(_, own)| !own)
        .map(|(anc, _)| *anc)
        .collect();
    let mut shared: HashMap<Key, Sums, Fx> = HashMap::default();
    for (lo, hi) in groups {
        let json: String = sqlx::query_scalar(&read)
            .bind(lo)
            .bind(hi)
            .fetch_one(&mut *conn)
            .await?;
        let rows: Vec<DeltaRow> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("value differences: {e}")))?;
        drop(json);
        let mut sums: HashMap<Key, Sums, Fx> = HashMap::default();
        for (unit, ind, sex, grade, age, period, dv, dn, db, dbn, don) in rows {
            let key = [sex, grade, age];
            let bd = match breakdown_ids.get(&key) {
                Some(id) => *id,
                None => {
                    let id = breakdowns.len() as u32;
                    breakdowns.push(key.clone());
                    breakdown_ids.insert(key, id);
                    id
                }
            };
            if !chains.contains_key(&period) {
                let parsed =
                    Period::parse(&period).map_err(|p| StoreError::corrupt("period", p))?;
                let ids = parsed
                    .chain()
                    .into_iter()
                    .map(|c| {
                        let code = c.code();
                        *period_ids.entry(code.clone()).or_insert_with(|| {
                            periods.push(code);
                            (periods.len() - 1) as u32
                        })
                    })
                    .collect();
                chains.insert(period.clone(), ids);
            }
            let chain = chains.get(&period).map(Vec::as_slice).unwrap_or_default();
            let containers = if last.contains(&ind) {
                &chain[..chain.len().min(1)]
            } else {
                chain
            };
            let Some(up) = ancestors.get(&unit) else {
                return Err(StoreError::Corrupt(format!(
                    "org unit {unit} is missing from the closure table"
                )));
            };
            for &p in containers {
                for &(anc, own) in up {
                    let map = if above.contains(&anc) {
                        &mut shared
                    } else {
                        &mut sums
                    };
                    let s = map.entry((anc, ind, bd, p)).or_default();
                    s.total += dv;
                    s.n += dn;
                    s.basis += db;
                    s.basis_n += dbn;
                    if own {
                        s.own_n += don;
                    }
                }
            }
        }
        kept |= write_sorted(conn, backend, sums, &breakdowns, &periods).await?;
        if shared.len() > bounds.shared_rows {
            kept |= write_sorted(
                conn,
                backend,
                std::mem::take(&mut shared),
                &breakdowns,
                &periods,
            )
            .await?;
        }
    }
    kept |= write_sorted(conn, backend, shared, &breakdowns, &periods).await?;
    Ok(kept)
}

/// Upserts summed roll-up rows in the table's key order, so the upserts
/// walk the index in order: breakdowns and periods by their ranks in text
/// order. Returns whether a full chunk's statement was run on SQLite.
async fn write_sorted(
    conn: &mut AnyConnection,
    backend: Backend,
    sums: HashMap<Key, Sums, Fx>,
    breakdowns: &[[String; 3]],
    periods: &[String],
) -> Result<bool> {
    let rank = |texts: &[String]| -> Vec<u32> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_unstable_by(|a, b| texts[*a].cmp(&texts[*b]));
        let mut rank = vec![0u32; texts.len()];
        for (r, i) in order.into_iter().enumerate() {
            rank[i] = r as u32;
        }
        rank
    };
    let bd_rank = rank(
        &breakdowns
            .iter()
            .map(|b| b.join("\u{0}"))
            .collect::<Vec<_>>(),
    );
    let period_rank = rank(periods);
    let mut out: Vec<(Key, Sums)> = sums.into_iter().collect();
    out.sort_unstable_by_key(|((u, i, b, p), _)| {
        (*u, *i, bd_rank[*b as usize], period_rank[*p as usize])
    });
    let rows = match backend {
        Backend::Sqlite => WRITE_ROWS,
        Backend::Postgres => JSON_WRITE_ROWS,
    };
    for chunk in out.chunks(rows) {
        write_rollups(conn, backend, chunk, breakdowns, periods).await?;
    }
    Ok(backend == Backend::Sqlite && out.len() >= WRITE_ROWS)
}

/// Upserts one chunk of summed roll-up rows.
async fn write_rollups(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: &[(Key, Sums)],
    breakdowns: &[[String; 3]],
    periods: &[String],
) -> Result<()> {
    match backend {
        Backend::Sqlite => write_rollups_bound(conn, rows, breakdowns, periods).await,
        Backend::Postgres => write_rollups_json(conn, rows, breakdowns, periods).await,
    }
}

/// SQLite: one statement of multi-row `VALUES`, 11 bound parameters a
/// row, instead of one JSON parameter unpacked by `json_each` (in a replay
/// with Python's SQLite 3.40, extracting the columns with `j.value ->> k`
/// cost 3.7 of the upsert's 5.0 µs a row; bound, 1.5 µs). In Kasvu (SQLite
/// 3.46) the roll-up phase of a 1 M-value import went from 16.6 s to
/// 12.3 s, the means of six runs before and three after.
async fn write_rollups_bound(
    conn: &mut AnyConnection,
    rows: &[(Key, Sums)],
    breakdowns: &[[String; 3]],
    periods: &[String],
) -> Result<()> {
    static FULL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = super::staging::statement(&FULL, WRITE_ROWS, rows.len(), bound_upsert_sql);
    let mut q = sqlx::query(&sql);
    for ((unit, ind, bd, p), s) in rows {
        let [sex, grade, age] = &breakdowns[*bd as usize];
        q = q
            .bind(*unit)
            .bind(*ind)
            .bind(sex.as_str())
            .bind(grade.as_str())
            .bind(age.as_str())
            .bind(periods[*p as usize].as_str())
            .bind(s.total)
            .bind(s.n)
            .bind(s.basis)
            .bind(s.basis_n)
            .bind(s.own_n);
    }
    // A full chunk's statement is prepared once per connection and cached
    // (until the write ends, see `ValueWriter::finish`); a shorter one is
    // not cached (sqlx holds it until the connection's next such query).
    q.persistent(rows.len() == WRITE_ROWS)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The upsert of `rows` roll-up rows with anonymous `?` parameters (see
/// `staging` for why not `$1`: a try with them took a 1 M-value import's
/// roll-up phase from 16 s to 494 s).
fn bound_upsert_sql(rows: usize) -> String {
    let row = format!("({})", ["?"; ROLLUP_PARAMS].join(","));
    format!(
        "INSERT INTO rollups ({KEY_COLS}, total, n, basis, basis_n, own_n) VALUES {} {}",
        vec![row; rows].join(","),
        upsert()
    )
}

/// The sums added to a roll-up row that is already there.
fn upsert() -> String {
    format!(
        "ON CONFLICT ({KEY_COLS}) DO UPDATE SET total = rollups.total + excluded.total, \
         n = rollups.n + excluded.n, basis = rollups.basis + excluded.basis, \
         basis_n = rollups.basis_n + excluded.basis_n, own_n = rollups.own_n + excluded.own_n"
    )
}

/// PostgreSQL: one JSON parameter unpacked by `jsonb_array_elements`
/// (binary JSON, each column read without re-parsing). Bound parameters
/// through `Any` were not faster: the roll-up phase of one 1 M-value import
/// took 42 s with them against 35 s with 5,000-row JSON chunks.
async fn write_rollups_json(
    conn: &mut AnyConnection,
    rows: &[(Key, Sums)],
    breakdowns: &[[String; 3]],
    periods: &[String],
) -> Result<()> {
    use std::fmt::Write;
    let mut json = String::with_capacity(rows.len() * 80 + 2);
    json.push('[');
    for (i, ((unit, ind, bd, p), s)) in rows.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        let [sex, grade, age] = &breakdowns[*bd as usize];
        let _ = write!(
            json,
            "[{unit},{ind},{},{},{},{},{:?},{},{:?},{},{}]",
            serde_json::Value::from(sex.as_str()),
            serde_json::Value::from(grade.as_str()),
            serde_json::Value::from(age.as_str()),
            serde_json::Value::from(periods[*p as usize].as_str()),
            s.total,
            s.n,
            s.basis,
            s.basis_n,
            s.own_n
        );
    }
    json.push(']');
    sqlx::query(&format!(
        "INSERT INTO rollups ({KEY_COLS}, total, n, basis, basis_n, own_n) \
         SELECT (e ->> 0)::bigint, (e ->> 1)::bigint, e ->> 2, e ->> 3, e ->> 4, e ->> 5, \
         (e ->> 6)::double precision, (e ->> 7)::bigint, (e ->> 8)::double precision, \
         (e ->> 9)::bigint, (e ->> 10)::bigint FROM jsonb_array_elements($1::jsonb) e {}",
        upsert()
    ))
    .bind(json)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
