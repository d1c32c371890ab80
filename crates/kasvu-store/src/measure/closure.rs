//! The org-unit and period closure tables the roll-ups are keyed by, and
//! rebuilding an organisation's roll-ups after its tree changed.

use super::*;

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

/// Rebuilds every roll-up of an organisation from its raw values.
pub(crate) async fn recompute_rollups_in(conn: &mut AnyConnection, org_id: i64) -> Result<()> {
    sqlx::query(
        "DELETE FROM rollups WHERE unit_id IN (SELECT id FROM org_units WHERE org_id = $1)",
    )
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO rollups ({KEY_COLS}, total, n, basis, basis_n) \
         SELECT c.ancestor_id, d.indicator_id, d.sex, d.grade, d.age_group, p.container, \
           SUM(d.value), COUNT(*), SUM(COALESCE(d.count, 0)), COUNT(d.count) \
         FROM data_values d JOIN org_units u ON u.id = d.unit_id AND u.org_id = $1 \
         JOIN org_closure c ON c.unit_id = d.unit_id \
         JOIN period_closure p ON p.period = d.period \
         JOIN indicators i ON i.id = d.indicator_id \
         WHERE i.aggregation <> 'last' OR p.container = p.period \
         GROUP BY c.ancestor_id, d.indicator_id, d.sex, d.grade, d.age_group, p.container"
    ))
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
