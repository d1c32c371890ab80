//! The org-unit and period closure tables the roll-ups are keyed by, and
//! rebuilding an organisation's roll-ups after its tree changed.

use super::phases::Phases;
use super::rollup_rows::has_sub_units;
use super::*;

/// The key of a value or roll-up row of table `a` equals that of `b`.
fn same_key(a: &str, b: &str) -> String {
    format!(
        "{a}.indicator_id = {b}.indicator_id AND {a}.sex = {b}.sex AND {a}.grade = {b}.grade \
         AND {a}.age_group = {b}.age_group AND {a}.period = {b}.period"
    )
}

/// "No unit strictly above `unit` up to `depth` levels has its own value
/// for this key": the value of `unit` reaches the ancestor `depth` levels up
/// only when no reported figure stands in between (or at that ancestor).
fn not_blocked(value: &str, unit: &str, depth: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM org_closure b JOIN reported_values r ON r.unit_id = b.ancestor_id \
         WHERE b.unit_id = {unit} AND b.depth >= 1 AND b.depth <= {depth} AND {})",
        same_key("r", value)
    )
}

/// Whether a value of `unit` is stored in the roll-up row `depth` levels
/// up: always above the unit, and at the unit itself only when it has
/// sub-units (migration 0039: the rows of the others are summed when read).
fn stored(unit: &str, depth: &str) -> String {
    format!("({depth} > 0 OR {})", has_sub_units(unit))
}

/// Whether any reported figure exists for the row's indicator and period at
/// all — nearly always not, and then nothing can stop propagation.
fn any_reported(value: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM reported_values r0 WHERE r0.indicator_id = {value}.indicator_id \
         AND r0.period = {value}.period)"
    )
}

/// Turns a write's differences of values (`value_deltas`, before
/// `data_values` and `rollups` change) into differences of served figures.
///
/// A roll-up row is the unit's served figure: its own value where it has
/// one, else the sum of its sub-units' served figures, per base period
/// (see [`kasvu_core::measure::recompute`]). So a unit's own value
/// appearing or disappearing changes its served figure by the difference
/// to what its sub-units sum to:
///
/// - replaced: new − old;
/// - created where sub-units had a sum S: new − S (S read from the unit's
///   roll-up before the write);
/// - removed: S − old (S from its children's figures before the write: the
///   stored roll-ups of those with sub-units, the values of those without,
///   whose rows are not stored — so this runs before `data_values` changes).
pub(super) async fn served_differences(conn: &mut AnyConnection) -> Result<()> {
    // `don` (the change in the unit's own value count, set with `dn` when
    // the deltas were computed) keeps what `dn` was: here `dn` becomes
    // the change of the served figure's count.
    // Every statement here is driven by the write's differences, never by a
    // whole table: a `IN (SELECT parent_id …)` list of all units, a scan of
    // all of `org_closure` (chosen by SQLite for the blocked paths; `+`
    // keeps `x.unit_id` from being the inner side's index) and a scan of
    // `reported_values` made a one-value write ~10 times slower at 8,300
    // units than at 830 (5.8 ms of 10 ms at 10 M values).
    let inner = has_sub_units("value_deltas.unit_id");
    let own = |col: &str| {
        format!(
            "COALESCE((SELECT r.{col} FROM rollups r WHERE r.unit_id = value_deltas.unit_id AND {}), 0)",
            same_key("r", "value_deltas")
        )
    };
    // `leaf` sums the column over the values of a child without sub-units
    // (as `rollup_rows::leaf_rows` does).
    let children = |col: &str, leaf: &str| {
        format!(
            "COALESCE((SELECT SUM(r.{col}) FROM rollups r JOIN org_units ch ON ch.id = r.unit_id \
             WHERE ch.parent_id = value_deltas.unit_id AND {}), 0) + \
             COALESCE((SELECT {leaf} FROM data_values d JOIN org_units ch ON ch.id = d.unit_id \
             JOIN period_closure p ON p.period = d.period JOIN indicators i ON i.id = d.indicator_id \
             WHERE ch.parent_id = value_deltas.unit_id \
             AND NOT {} \
             AND d.indicator_id = value_deltas.indicator_id AND d.sex = value_deltas.sex \
             AND d.grade = value_deltas.grade AND d.age_group = value_deltas.age_group \
             AND p.container = value_deltas.period \
             AND (i.aggregation <> 'last' OR p.container = p.period)), 0)",
            same_key("r", "value_deltas"),
            has_sub_units("ch.id")
        )
    };
    sqlx::query(&format!(
        "UPDATE value_deltas SET dv = dv - {}, dn = dn - {}, db = db - {}, dbn = dbn - {} \
         WHERE don = 1 AND {inner}",
        own("total"),
        own("n"),
        own("basis"),
        own("basis_n")
    ))
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "UPDATE value_deltas SET dv = dv + {}, dn = dn + {}, db = db + {}, dbn = dbn + {} \
         WHERE don = -1 AND {inner}",
        children("total", "SUM(d.value)"),
        children("n", "COUNT(*)"),
        children("basis", "SUM(COALESCE(d.count, 0.0))"),
        children("basis_n", "COUNT(d.count)")
    ))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds a write's differences of served figures (`value_deltas` after
/// [`served_differences`] and after `data_values` has changed, before
/// `rollups` has) to every roll-up they change.
///
/// Each difference is added to the unit itself and to every ancestor
/// below the first one with its own value (after the write), and over the
/// containing periods; a unit without sub-units keeps no rows (its figures
/// are its values, see `rollup_rows::leaf_rows`). Proven equal to
/// recomputation by the property test `incremental_equals_recomputation`.
/// Returns whether a large statement was kept by the connection (see
/// `bulk::add_unblocked`).
pub(super) async fn propagate(
    conn: &mut AnyConnection,
    backend: crate::support::db::Backend,
    last: &HashSet<i64>,
    bounds: super::bulk::SumBounds,
    phases: &mut Phases,
) -> Result<bool> {
    let inner = has_sub_units("value_deltas.unit_id");
    // The reported figures after the write: where propagation stops.
    sqlx::query(&format!(
        "INSERT INTO reported_values ({KEY_COLS}) SELECT {KEY_COLS} FROM value_deltas \
         WHERE don = 1 AND {inner} ON CONFLICT DO NOTHING"
    ))
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "DELETE FROM reported_values WHERE ({KEY_COLS}) IN \
         (SELECT {KEY_COLS} FROM value_deltas WHERE don = -1)"
    ))
    .execute(&mut *conn)
    .await?;
    phases.mark("propagate: reported figures");

    let upsert = format!(
        "ON CONFLICT ({KEY_COLS}) DO UPDATE SET total = rollups.total + excluded.total, \
         n = rollups.n + excluded.n, basis = rollups.basis + excluded.basis, \
         basis_n = rollups.basis_n + excluded.basis_n, own_n = rollups.own_n + excluded.own_n"
    );
    // Where no reported figure exists for the indicator and period (nearly
    // always): summed in memory and written in bulk (see `bulk`).
    let kept = super::bulk::add_unblocked(
        conn,
        backend,
        &format!("NOT {}", any_reported("x")),
        last,
        bounds,
    )
    .await?;
    phases.mark("propagate: roll-ups summed in memory");
    // Elsewhere up the tree first, stopping below reported figures, then
    // over time.
    sqlx::query(&format!(
        "INSERT INTO tree_deltas ({KEY_COLS}, dv, dn, db, dbn, don) \
         SELECT c.ancestor_id, x.indicator_id, x.sex, x.grade, x.age_group, x.period, \
           SUM(x.dv), SUM(x.dn), SUM(x.db), SUM(x.dbn), SUM(CASE WHEN c.depth = 0 THEN x.don ELSE 0 END) \
         FROM value_deltas x JOIN org_closure c ON c.unit_id = +x.unit_id \
         WHERE {} AND {} AND {} \
         GROUP BY c.ancestor_id, x.indicator_id, x.sex, x.grade, x.age_group, x.period",
        any_reported("x"),
        not_blocked("x", "x.unit_id", "c.depth"),
        stored("x.unit_id", "c.depth")
    ))
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO rollups ({KEY_COLS}, total, n, basis, basis_n, own_n) \
         SELECT t.unit_id, t.indicator_id, t.sex, t.grade, t.age_group, p.container, \
           SUM(t.dv), SUM(t.dn), SUM(t.db), SUM(t.dbn), SUM(t.don) \
         FROM tree_deltas t JOIN period_closure p ON p.period = t.period \
         JOIN indicators i ON i.id = t.indicator_id \
         WHERE i.aggregation <> 'last' OR p.container = p.period \
         GROUP BY t.unit_id, t.indicator_id, t.sex, t.grade, t.age_group, p.container {upsert}"
    ))
    .execute(&mut *conn)
    .await?;
    phases.mark("propagate: blocked paths");
    Ok(kept)
}

/// Records each period's chain of containing periods (idempotent).
pub(super) async fn add_periods(conn: &mut AnyConnection, periods: &[Period]) -> Result<()> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for p in periods {
        for c in p.chain() {
            pairs.push((p.code(), c.code()));
        }
    }
    for chunk in pairs.chunks(CHUNK) {
        let mut sql = String::from("INSERT INTO period_closure (period, container) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("(${}, ${})", i * 2 + 1, i * 2 + 2));
        }
        sql.push_str(" ON CONFLICT DO NOTHING");
        let mut q = sqlx::query(&sql);
        for (p, c) in chunk {
            q = q.bind(p.as_str()).bind(c.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Adds a new unit to the closure table (under `parent`, or as a root).
pub(crate) async fn closure_add_unit(
    conn: &mut AnyConnection,
    id: i64,
    parent: Option<i64>,
) -> Result<()> {
    sqlx::query("INSERT INTO org_closure (unit_id, ancestor_id, depth) VALUES ($1, $1, 0)")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if let Some(p) = parent {
        sqlx::query(
            "INSERT INTO org_closure (unit_id, ancestor_id, depth) \
             SELECT $1, ancestor_id, depth + 1 FROM org_closure WHERE unit_id = $2",
        )
        .bind(id)
        .bind(p)
        .execute(&mut *conn)
        .await?;
        // The parent now has a sub-unit: its own values are reported figures.
        sqlx::query(&format!(
            "INSERT INTO reported_values ({KEY_COLS}) SELECT {KEY_COLS} FROM data_values \
             WHERE unit_id = $1 ON CONFLICT DO NOTHING"
        ))
        .bind(p)
        .execute(&mut *conn)
        .await?;
        // Its first: its roll-ups, until now summed from its values when
        // read, are stored from here on (they are the same sums: the new
        // unit has no values yet). Two first sub-units added at once on
        // PostgreSQL would both store them: the second finds them there.
        let children: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM org_units WHERE parent_id = $1")
                .bind(p)
                .fetch_one(&mut *conn)
                .await?;
        if children == 1 {
            let own = super::rollup_rows::own_rows("d.unit_id = $1");
            sqlx::query(&format!(
                "INSERT INTO rollups ({KEY_COLS}, total, n, basis, basis_n, own_n) \
                 SELECT {KEY_COLS}, total, n, basis, basis_n, own_n FROM ({own}) x \
                 WHERE 1 = 1 ON CONFLICT DO NOTHING"
            ))
            .bind(p)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// After a unit moved: rebuilds the organisation's closure and its roll-ups.
pub(crate) async fn tree_changed(conn: &mut AnyConnection, org_id: i64) -> Result<()> {
    sqlx::query(
        "DELETE FROM org_closure WHERE unit_id IN (SELECT id FROM org_units WHERE org_id = $1)",
    )
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO org_closure (unit_id, ancestor_id, depth) \
         WITH RECURSIVE c(unit_id, ancestor_id, depth) AS ( \
           SELECT id, id, 0 FROM org_units WHERE org_id = $1 \
           UNION ALL \
           SELECT c.unit_id, u.parent_id, c.depth + 1 FROM c JOIN org_units u ON u.id = c.ancestor_id \
           WHERE u.parent_id IS NOT NULL AND c.depth < 50) \
         SELECT unit_id, ancestor_id, depth FROM c",
    )
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    recompute_rollups_in(conn, org_id).await?;
    // Every protected table follows the new tree.
    sqlx::query("UPDATE protection_versions SET version = version + 1")
        .execute(&mut *conn)
        .await?;
    crate::measure::cache::bump(conn).await
}

/// Rebuilds every roll-up of an organisation from its raw values, under the
/// rule [`propagate`] keeps incrementally.
pub(crate) async fn recompute_rollups_in(conn: &mut AnyConnection, org_id: i64) -> Result<()> {
    for sql in [
        "DELETE FROM rollups WHERE unit_id IN (SELECT id FROM org_units WHERE org_id = $1)",
        "DELETE FROM reported_values WHERE unit_id IN (SELECT id FROM org_units WHERE org_id = $1)",
    ] {
        sqlx::query(sql).bind(org_id).execute(&mut *conn).await?;
    }
    sqlx::query(&format!(
        "INSERT INTO reported_values ({KEY_COLS}) \
         SELECT d.unit_id, d.indicator_id, d.sex, d.grade, d.age_group, d.period \
         FROM data_values d JOIN org_units u ON u.id = d.unit_id AND u.org_id = $1 \
         WHERE {}",
        has_sub_units("d.unit_id")
    ))
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO rollups ({KEY_COLS}, total, n, basis, basis_n, own_n) \
         SELECT c.ancestor_id, d.indicator_id, d.sex, d.grade, d.age_group, p.container, \
           SUM(d.value), COUNT(*), SUM(COALESCE(d.count, 0)), COUNT(d.count), \
           SUM(CASE WHEN c.depth = 0 THEN 1 ELSE 0 END) \
         FROM data_values d JOIN org_units u ON u.id = d.unit_id AND u.org_id = $1 \
         JOIN org_closure c ON c.unit_id = d.unit_id \
         JOIN period_closure p ON p.period = d.period \
         JOIN indicators i ON i.id = d.indicator_id \
         WHERE (i.aggregation <> 'last' OR p.container = p.period) \
           AND (NOT {} OR {}) AND {} \
         GROUP BY c.ancestor_id, d.indicator_id, d.sex, d.grade, d.age_group, p.container",
        any_reported("d"),
        not_blocked("d", "d.unit_id", "c.depth"),
        stored("d.unit_id", "c.depth")
    ))
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
