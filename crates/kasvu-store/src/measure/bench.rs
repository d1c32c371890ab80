//! The benchmark's yardstick (only with the `testing` feature).

use super::*;

impl Store {
    /// The area dashboard's figures computed the slow way, from raw values
    /// with a plain GROUP BY (the benchmark's yardstick). Returns the number
    /// of (indicator, month) figures.
    pub async fn raw_group_by_for_bench(&self, unit_id: i64) -> Result<usize> {
        let rows = sqlx::query(
            "SELECT d.indicator_id, d.period, SUM(d.value) AS total, COUNT(*) AS n \
             FROM data_values d JOIN org_closure c ON c.unit_id = d.unit_id \
             WHERE c.ancestor_id = $1 AND d.sex = 'total' AND d.grade = '' AND d.age_group = '' \
             GROUP BY d.indicator_id, d.period",
        )
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.len())
    }
}
