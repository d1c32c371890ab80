//! Values, their incrementally maintained roll-ups, and the reads that turn
//! roll-ups into (suppressed) observations.
//!
//! A write stages its rows in a temporary table, checks them, computes the
//! difference each row makes to what is stored, and adds those differences
//! to every roll-up row the value belongs to — each ancestor-or-self org unit
//! (`org_closure`) times each containing period (`period_closure`) — all in
//! the write's transaction. So a value is visible in every roll-up the
//! moment it is committed, and bulk imports are a handful of set-based
//! statements rather than a per-row loop. `recompute_rollups` rebuilds the
//! same numbers from raw values when the tree itself changes.

use crate::cache::UnitSeries;
use crate::db::Store;
use crate::error::{Result, StoreError};
use crate::indicators::{load_catalogue, Indicator};
use crate::{now, Actor};
use kasvu_core::measure::{protect_parts, ratio, Acc, Cell};
use kasvu_core::{Aggregation, FieldError, Period, Problem, Sex, ValueUnit};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use time::Date;

/// Which part of the population a value describes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Breakdown {
    pub sex: Sex,
    pub grade: Option<u8>,
    pub age_group: Option<String>,
}

impl Default for Breakdown {
    fn default() -> Self {
        Breakdown {
            sex: Sex::Total,
            grade: None,
            age_group: None,
        }
    }
}

impl Breakdown {
    pub fn total() -> Breakdown {
        Breakdown::default()
    }

    pub fn sex(sex: Sex) -> Breakdown {
        Breakdown {
            sex,
            ..Breakdown::default()
        }
    }

    pub fn is_total(&self) -> bool {
        self == &Breakdown::default()
    }

    pub(crate) fn grade_code(&self) -> String {
        self.grade.map(|g| g.to_string()).unwrap_or_default()
    }

    pub(crate) fn age_code(&self) -> &str {
        self.age_group.as_deref().unwrap_or("")
    }

    fn from_row(r: &AnyRow) -> Result<Breakdown> {
        let sex: String = r.try_get("sex")?;
        let grade: String = r.try_get("grade")?;
        let age: String = r.try_get("age_group")?;
        Ok(Breakdown {
            sex: Sex::parse(&sex).map_err(|p| StoreError::Corrupt(p.to_string()))?,
            grade: if grade.is_empty() {
                None
            } else {
                Some(
                    grade
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("grade '{grade}'")))?,
                )
            },
            age_group: (!age.is_empty()).then_some(age),
        })
    }
}

/// One value to write; `value: None` removes what is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    /// Where the row came from (a file's row or cell number, a form field's
    /// position), for error messages.
    pub row: usize,
    pub indicator_id: i64,
    pub unit_id: i64,
    pub period: Period,
    pub breakdown: Breakdown,
    pub value: Option<f64>,
    /// The count behind the value (Sotkanet's `absValue`), for suppression.
    /// Count indicators are their own count.
    pub count: Option<f64>,
}

/// Decides whether the writer may write values of an org unit.
pub type UnitGuard = Box<dyn Fn(i64) -> std::result::Result<(), Problem> + Send + Sync>;

#[derive(Default)]
pub struct WriteOptions {
    /// Periods that ended before this date are locked (admins pass `None`).
    pub locked_before: Option<Date>,
    /// Refuses units outside the writer's scope.
    pub guard: Option<UnitGuard>,
    /// Names the batch in the audit log (a file name, "form").
    pub source: String,
    /// Check and count everything, then roll back.
    pub dry_run: bool,
}

/// What a write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct WriteSummary {
    pub created: u64,
    pub replaced: u64,
    pub removed: u64,
    pub unchanged: u64,
}

/// Up to this many new values in one write are audited one by one; a larger
/// batch (an import) is audited as one entry naming its source and size.
/// Replaced and removed values are always audited one by one.
pub const AUDIT_EACH_CREATED_UP_TO: u64 = 1000;

const KEY_COLS: &str = "unit_id, indicator_id, sex, grade, age_group, period";

fn key_join(a: &str, b: &str) -> String {
    [
        "unit_id",
        "indicator_id",
        "sex",
        "grade",
        "age_group",
        "period",
    ]
    .iter()
    .map(|c| format!("{a}.{c} = {b}.{c}"))
    .collect::<Vec<_>>()
    .join(" AND ")
}

fn row_err(row: usize, field: &str, p: Problem) -> StoreError {
    StoreError::Row {
        row,
        error: FieldError::new(field, p),
    }
}

/// An open, all-or-nothing write of many values. Push rows in chunks (each
/// is checked at once, so a bad row stops the import early), then
/// [`ValueWriter::finish`]. Dropping the writer rolls everything back.
pub struct ValueWriter {
    tx: Transaction<'static, Any>,
    actor: Actor,
    opts: WriteOptions,
    catalogue: HashMap<i64, Indicator>,
    periods: HashSet<Period>,
    staged: u64,
    /// Which SQL unpacks a staged chunk (the JSON functions differ).
    backend: crate::db::Backend,
}

/// Rows staged by one statement (one JSON parameter of ~100 bytes a row).
const CHUNK: usize = 2000;

impl Store {
    pub async fn begin_values(&self, actor: &Actor, opts: WriteOptions) -> Result<ValueWriter> {
        let mut tx = self.begin_write().await?;
        for ddl in [
            "CREATE TEMP TABLE IF NOT EXISTS staging_values (row_no BIGINT NOT NULL, unit_id BIGINT NOT NULL, \
             indicator_id BIGINT NOT NULL, sex TEXT NOT NULL, grade TEXT NOT NULL, age_group TEXT NOT NULL, \
             period TEXT NOT NULL, value DOUBLE PRECISION, count DOUBLE PRECISION, \
             PRIMARY KEY (unit_id, indicator_id, sex, grade, age_group, period))",
            "CREATE TEMP TABLE IF NOT EXISTS value_deltas (unit_id BIGINT NOT NULL, indicator_id BIGINT NOT NULL, \
             sex TEXT NOT NULL, grade TEXT NOT NULL, age_group TEXT NOT NULL, period TEXT NOT NULL, \
             dv DOUBLE PRECISION NOT NULL, dn BIGINT NOT NULL, db DOUBLE PRECISION NOT NULL, dbn BIGINT NOT NULL, \
             PRIMARY KEY (unit_id, indicator_id, sex, grade, age_group, period))",
            "CREATE TEMP TABLE IF NOT EXISTS time_deltas (unit_id BIGINT NOT NULL, indicator_id BIGINT NOT NULL, \
             sex TEXT NOT NULL, grade TEXT NOT NULL, age_group TEXT NOT NULL, period TEXT NOT NULL, \
             dv DOUBLE PRECISION NOT NULL, dn BIGINT NOT NULL, db DOUBLE PRECISION NOT NULL, dbn BIGINT NOT NULL)",
            "DELETE FROM staging_values",
            "DELETE FROM value_deltas",
            "DELETE FROM time_deltas",
        ] {
            sqlx::query(ddl).execute(&mut *tx).await?;
        }
        let catalogue = load_catalogue(&mut tx)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        Ok(ValueWriter {
            tx,
            actor: actor.clone(),
            opts,
            catalogue,
            periods: HashSet::new(),
            staged: 0,
            backend: self.backend(),
        })
    }

    /// Writes one batch all-or-nothing.
    pub async fn write_values(
        &self,
        actor: &Actor,
        rows: &[ValueRow],
        opts: WriteOptions,
    ) -> Result<WriteSummary> {
        let mut w = self.begin_values(actor, opts).await?;
        for chunk in rows.chunks(CHUNK) {
            w.push(chunk).await?;
        }
        w.finish().await
    }
}

impl ValueWriter {
    fn check(&self, r: &ValueRow) -> Result<(ValueRow, String)> {
        let ind = self.catalogue.get(&r.indicator_id).ok_or_else(|| {
            row_err(
                r.row,
                "indicator",
                Problem::new("err-indicator-missing", "no such indicator")
                    .arg("value", r.indicator_id.to_string()),
            )
        })?;
        let spec = &ind.spec;
        if spec.is_ratio() {
            return Err(row_err(
                r.row,
                "indicator",
                Problem::new(
                    "err-ratio-computed",
                    format!(
                        "'{}' is a ratio computed from its numerator and denominator; enter those instead",
                        spec.code
                    ),
                )
                .arg("value", spec.code.as_str()),
            ));
        }
        spec.cadence
            .check_period(r.period)
            .map_err(|p| row_err(r.row, "period", p))?;
        if let Some(locked) = self.opts.locked_before {
            if r.period.end() < locked {
                return Err(row_err(
                    r.row,
                    "period",
                    Problem::new(
                        "err-period-locked",
                        format!("period {} is locked; ask an admin to correct it", r.period),
                    )
                    .arg("value", r.period.code()),
                ));
            }
        }
        if let Some(guard) = &self.opts.guard {
            guard(r.unit_id).map_err(|p| row_err(r.row, "orgunit", p))?;
        }
        let b = &r.breakdown;
        if b.sex != Sex::Total && !spec.by_sex {
            return Err(row_err(
                r.row,
                "sex",
                Problem::new(
                    "err-no-breakdown",
                    format!("'{}' has no breakdown by sex", spec.code),
                )
                .arg("value", b.sex.code()),
            ));
        }
        if b.grade.is_some() && !spec.by_grade {
            return Err(row_err(
                r.row,
                "grade",
                Problem::new(
                    "err-no-breakdown",
                    format!("'{}' has no breakdown by school grade", spec.code),
                )
                .arg("value", b.grade_code()),
            ));
        }
        if b.age_group.is_some() && !spec.by_age_group {
            return Err(row_err(
                r.row,
                "age_group",
                Problem::new(
                    "err-no-breakdown",
                    format!("'{}' has no breakdown by age group", spec.code),
                )
                .arg("value", b.age_code()),
            ));
        }
        let mut out = r.clone();
        if let Some(v) = r.value {
            spec.check_value(v)
                .map_err(|p| row_err(r.row, "value", p))?;
            if let Some(c) = r.count {
                if !(c.is_finite() && c >= 0.0) {
                    return Err(row_err(
                        r.row,
                        "count",
                        Problem::new("err-count", format!("{c} is not a count"))
                            .arg("value", c.to_string()),
                    ));
                }
            }
            if spec.unit == ValueUnit::Count {
                out.count = Some(v);
            }
        } else {
            out.count = None;
        }
        Ok((out, spec.code.clone()))
    }

    /// Checks and stages rows (at most a few thousand per call).
    pub async fn push(&mut self, rows: &[ValueRow]) -> Result<()> {
        for chunk in rows.chunks(CHUNK) {
            let mut checked = Vec::with_capacity(chunk.len());
            for r in chunk {
                checked.push(self.check(r)?.0);
            }
            // The chunk travels as one JSON parameter that the database
            // unpacks (json_each / jsonb_array_elements): binding thousands
            // of parameters one by one through sqlx's Any driver cost ~40 µs
            // a row, the JSON way a fraction of that.
            let json = serde_json::Value::Array(
                checked
                    .iter()
                    .map(|r| {
                        serde_json::json!([
                            r.row,
                            r.unit_id,
                            r.indicator_id,
                            r.breakdown.sex.code(),
                            r.breakdown.grade_code(),
                            r.breakdown.age_code(),
                            r.period.code(),
                            r.value,
                            r.count
                        ])
                    })
                    .collect(),
            )
            .to_string();
            let sql = if self.backend == crate::db::Backend::Sqlite {
                "INSERT INTO staging_values (row_no, unit_id, indicator_id, sex, grade, age_group, period, value, count) \
                 SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, \
                 j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value ->> 8 FROM json_each($1) j WHERE true \
                 ON CONFLICT DO NOTHING"
            } else {
                "INSERT INTO staging_values (row_no, unit_id, indicator_id, sex, grade, age_group, period, value, count) \
                 SELECT (e ->> 0)::bigint, (e ->> 1)::bigint, (e ->> 2)::bigint, e ->> 3, e ->> 4, e ->> 5, e ->> 6, \
                 (e ->> 7)::double precision, (e ->> 8)::double precision FROM jsonb_array_elements($1::jsonb) e \
                 ON CONFLICT DO NOTHING"
            };
            let q = sqlx::query(sql).bind(json);
            let inserted = q.execute(&mut *self.tx).await?.rows_affected();

            if inserted != checked.len() as u64 {
                return Err(self.duplicate_in(&checked).await);
            }
            self.staged += inserted;
            self.periods.extend(checked.iter().map(|r| r.period));
        }
        Ok(())
    }

    /// Finds the row of `chunk` that repeats an earlier row's key.
    async fn duplicate_in(&mut self, chunk: &[ValueRow]) -> StoreError {
        for r in chunk {
            let first: std::result::Result<Option<i64>, _> = sqlx::query_scalar(
                "SELECT row_no FROM staging_values WHERE unit_id = $1 AND indicator_id = $2 AND sex = $3 \
                 AND grade = $4 AND age_group = $5 AND period = $6",
            )
            .bind(r.unit_id)
            .bind(r.indicator_id)
            .bind(r.breakdown.sex.code())
            .bind(r.breakdown.grade_code())
            .bind(r.breakdown.age_code().to_owned())
            .bind(r.period.code())
            .fetch_optional(&mut *self.tx)
            .await;
            match first {
                Ok(Some(first)) if first != r.row as i64 => {
                    return row_err(
                        r.row,
                        "value",
                        Problem::new(
                            "err-value-twice",
                            format!(
                                "the same indicator, org unit, period and breakdown is also on row {first}"
                            ),
                        )
                        .arg("row", first.to_string()),
                    )
                }
                Ok(_) => {}
                Err(e) => return e.into(),
            }
        }
        StoreError::Corrupt("a row was not staged, but no duplicate was found".into())
    }

    /// Cross-checks, applies the differences to values and roll-ups, audits,
    /// and commits (or rolls back for a dry run).
    pub async fn finish(mut self) -> Result<WriteSummary> {
        self.cross_check().await?;
        let tx = &mut self.tx;
        let t = now();
        sqlx::query(&format!(
            "INSERT INTO value_deltas ({KEY_COLS}, dv, dn, db, dbn) \
             SELECT s.unit_id, s.indicator_id, s.sex, s.grade, s.age_group, s.period, \
               COALESCE(s.value, 0) - COALESCE(d.value, 0), \
               (CASE WHEN s.value IS NULL THEN 0 ELSE 1 END) - (CASE WHEN d.value IS NULL THEN 0 ELSE 1 END), \
               COALESCE(s.count, 0) - COALESCE(d.count, 0), \
               (CASE WHEN s.count IS NULL THEN 0 ELSE 1 END) - (CASE WHEN d.count IS NULL THEN 0 ELSE 1 END) \
             FROM staging_values s LEFT JOIN data_values d ON {} \
             WHERE (s.value IS NULL AND d.value IS NOT NULL) \
                OR (s.value IS NOT NULL AND (d.value IS NULL OR d.value <> s.value \
                    OR (s.count IS NULL AND d.count IS NOT NULL) OR (s.count IS NOT NULL AND d.count IS NULL) \
                    OR s.count <> d.count))",
            key_join("d", "s")
        ))
        .execute(&mut **tx)
        .await?;
        let counts = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN dn = 1 THEN 1 ELSE 0 END), 0) AS created, \
                    COALESCE(SUM(CASE WHEN dn = 0 THEN 1 ELSE 0 END), 0) AS replaced, \
                    COALESCE(SUM(CASE WHEN dn = -1 THEN 1 ELSE 0 END), 0) AS removed FROM value_deltas",
        )
        .fetch_one(&mut **tx)
        .await?;
        let int = |c: &str| -> Result<u64> {
            // SUM is BIGINT on SQLite and NUMERIC on PostgreSQL; read either.
            let v = counts
                .try_get::<i64, _>(c)
                .or_else(|_| counts.try_get::<f64, _>(c).map(|f| f as i64))
                .or_else(|_| {
                    counts
                        .try_get::<String, _>(c)
                        .map(|s| s.parse::<i64>().unwrap_or(0))
                })?;
            Ok(v.max(0) as u64)
        };
        let created = int("created")?;
        let replaced = int("replaced")?;
        let removed = int("removed")?;
        let summary = WriteSummary {
            created,
            replaced,
            removed,
            unchanged: self.staged - created - replaced - removed,
        };

        // Audit before the values change, so the old values can be read.
        let each_created = i64::from(created <= AUDIT_EACH_CREATED_UP_TO);
        sqlx::query(&format!(
            "INSERT INTO audit_log (at, org_id, actor_user_id, actor, entity, entity_key, action, old_value, new_value) \
             SELECT $1, u.org_id, $2, $3, 'data_value', \
               i.code || '/' || u.code || '/' || x.period || '/' || x.sex \
                 || (CASE WHEN x.grade = '' THEN '' ELSE '/grade-' || x.grade END) \
                 || (CASE WHEN x.age_group = '' THEN '' ELSE '/age-' || x.age_group END), \
               CASE WHEN x.dn = 1 THEN 'create' WHEN x.dn = -1 THEN 'delete' ELSE 'update' END, \
               CASE WHEN d.value IS NULL THEN NULL ELSE '{{\"value\":' || CAST(d.value AS TEXT) \
                 || ',\"count\":' || COALESCE(CAST(d.count AS TEXT), 'null') || '}}' END, \
               CASE WHEN s.value IS NULL THEN NULL ELSE '{{\"value\":' || CAST(s.value AS TEXT) \
                 || ',\"count\":' || COALESCE(CAST(s.count AS TEXT), 'null') || ',\"source\":' || $5 || '}}' END \
             FROM value_deltas x JOIN staging_values s ON {} \
             JOIN indicators i ON i.id = x.indicator_id JOIN org_units u ON u.id = x.unit_id \
             LEFT JOIN data_values d ON {} \
             WHERE x.dn <> 1 OR $4 = 1 ORDER BY s.row_no",
            key_join("s", "x"),
            key_join("d", "x")
        ))
        .bind(t)
        .bind(self.actor.user_id)
        .bind(&self.actor.label)
        .bind(each_created)
        .bind(serde_json::Value::String(self.opts.source.clone()).to_string())
        .execute(&mut **tx)
        .await?;
        if each_created == 0 {
            let orgs: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT u.org_id FROM value_deltas x JOIN org_units u ON u.id = x.unit_id WHERE x.dn = 1",
            )
            .fetch_all(&mut **tx)
            .await?;
            for org in orgs {
                sqlx::query(
                    "INSERT INTO audit_log (at, org_id, actor_user_id, actor, entity, entity_key, action, old_value, new_value) \
                     VALUES ($1, $2, $3, $4, 'data_values', $5, 'import', NULL, $6)",
                )
                .bind(t)
                .bind(org)
                .bind(self.actor.user_id)
                .bind(&self.actor.label)
                .bind(&self.opts.source)
                .bind(serde_json::to_string(&summary).unwrap_or_default())
                .execute(&mut **tx)
                .await?;
            }
        }

        sqlx::query(&format!(
            "INSERT INTO data_values ({KEY_COLS}, value, count, updated_at, updated_by) \
             SELECT s.unit_id, s.indicator_id, s.sex, s.grade, s.age_group, s.period, s.value, s.count, $1, $2 \
             FROM staging_values s JOIN value_deltas x ON {} WHERE s.value IS NOT NULL \
             ON CONFLICT ({KEY_COLS}) DO UPDATE SET value = excluded.value, count = excluded.count, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            key_join("s", "x")
        ))
        .bind(t)
        .bind(&self.actor.label)
        .execute(&mut **tx)
        .await?;
        if removed > 0 {
            // Removals are rare (a form's cleared field): delete them by key,
            // so the statement never scans all values.
            let keys = sqlx::query(&format!(
                "SELECT {KEY_COLS} FROM value_deltas WHERE dn = -1"
            ))
            .fetch_all(&mut **tx)
            .await?;
            for k in keys {
                sqlx::query(
                    "DELETE FROM data_values WHERE unit_id = $1 AND indicator_id = $2 AND sex = $3 \
                     AND grade = $4 AND age_group = $5 AND period = $6",
                )
                .bind(k.try_get::<i64, _>("unit_id")?)
                .bind(k.try_get::<i64, _>("indicator_id")?)
                .bind(k.try_get::<String, _>("sex")?)
                .bind(k.try_get::<String, _>("grade")?)
                .bind(k.try_get::<String, _>("age_group")?)
                .bind(k.try_get::<String, _>("period")?)
                .execute(&mut **tx)
                .await?;
            }
        }

        let periods: Vec<Period> = self.periods.iter().copied().collect();
        add_periods(tx, &periods).await?;
        // In two steps, over time at each unit and then up the tree: the
        // second groups the first's (fewer) rows, not every value × ancestor
        // × containing period at once.
        sqlx::query(&format!(
            "INSERT INTO time_deltas ({KEY_COLS}, dv, dn, db, dbn) \
             SELECT x.unit_id, x.indicator_id, x.sex, x.grade, x.age_group, p.container, \
               SUM(x.dv), SUM(x.dn), SUM(x.db), SUM(x.dbn) \
             FROM value_deltas x JOIN period_closure p ON p.period = x.period \
             JOIN indicators i ON i.id = x.indicator_id \
             WHERE i.aggregation <> 'last' OR p.container = p.period \
             GROUP BY x.unit_id, x.indicator_id, x.sex, x.grade, x.age_group, p.container"
        ))
        .execute(&mut **tx)
        .await?;
        sqlx::query(&format!(
            "INSERT INTO rollups ({KEY_COLS}, total, n, basis, basis_n) \
             SELECT c.ancestor_id, t.indicator_id, t.sex, t.grade, t.age_group, t.period, \
               SUM(t.dv), SUM(t.dn), SUM(t.db), SUM(t.dbn) \
             FROM time_deltas t JOIN org_closure c ON c.unit_id = t.unit_id \
             GROUP BY c.ancestor_id, t.indicator_id, t.sex, t.grade, t.age_group, t.period \
             ON CONFLICT ({KEY_COLS}) DO UPDATE SET total = rollups.total + excluded.total, \
               n = rollups.n + excluded.n, basis = rollups.basis + excluded.basis, \
               basis_n = rollups.basis_n + excluded.basis_n"
        ))
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM time_deltas")
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM staging_values")
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM value_deltas")
            .execute(&mut **tx)
            .await?;
        if self.opts.dry_run {
            self.tx.rollback().await?;
        } else {
            crate::cache::bump(&mut self.tx).await?;
            self.tx.commit().await?;
        }
        Ok(summary)
    }

    /// "LP-trained staff ≤ staff": a value may not exceed the value of its
    /// `not_above` indicator for the same unit, period and breakdown, whether
    /// that one is in this write or already stored — in both directions.
    async fn cross_check(&mut self) -> Result<()> {
        let limit = |alias: &str| {
            format!(
                "COALESCE((SELECT t.value FROM staging_values t WHERE {}), \
                 (SELECT d.value FROM data_values d WHERE {} AND NOT EXISTS \
                   (SELECT 1 FROM staging_values t2 WHERE {} AND t2.value IS NULL)))",
                key_join_other("t", alias),
                key_join_other("d", alias),
                key_join_other("t2", alias),
            )
        };
        // A staged value above its limit; a staged limit below a value that
        // must not exceed it. Both name the other indicator and its value.
        let checks = [
            (
                "err-above-other",
                format!(
                    "SELECT s.row_no, s.value, o.code AS other_code, {lim} AS other_value \
                     FROM staging_values s JOIN indicators i ON i.id = s.indicator_id \
                     JOIN indicators o ON o.id = i.not_above_id \
                     WHERE s.value IS NOT NULL AND s.value > {lim} ORDER BY s.row_no LIMIT 1",
                    lim = limit("s").replace("OTHER", "i.not_above_id")
                ),
            ),
            (
                "err-below-other",
                format!(
                    "SELECT s.row_no, s.value, o.code AS other_code, {val} AS other_value \
                     FROM staging_values s JOIN indicators o ON o.not_above_id = s.indicator_id \
                     WHERE s.value IS NOT NULL AND {val} > s.value ORDER BY s.row_no LIMIT 1",
                    val = limit("s").replace("OTHER", "o.id")
                ),
            ),
        ];
        for (code, sql) in checks {
            let Some(r) = sqlx::query(&sql).fetch_optional(&mut *self.tx).await? else {
                continue;
            };
            let row: i64 = r.try_get("row_no")?;
            let v: f64 = r.try_get("value")?;
            let other: String = r.try_get("other_code")?;
            let limit: f64 = r.try_get("other_value")?;
            let english = if code == "err-above-other" {
                format!("{v} is more than the value of '{other}' ({limit}) for the same unit and period")
            } else {
                format!(
                    "{v} is less than the value of '{other}' ({limit}), which may not exceed it"
                )
            };
            return Err(row_err(
                row as usize,
                "value",
                Problem::new(code, english)
                    .arg("value", v.to_string())
                    .arg("other", other)
                    .arg("limit", limit.to_string()),
            ));
        }
        Ok(())
    }
}

/// Join condition for the same key as `s` but indicator `OTHER` (replaced by the caller).
fn key_join_other(a: &str, s: &str) -> String {
    format!(
        "{a}.indicator_id = OTHER AND {a}.unit_id = {s}.unit_id AND {a}.sex = {s}.sex AND \
         {a}.grade = {s}.grade AND {a}.age_group = {s}.age_group AND {a}.period = {s}.period"
    )
}

/// Records each period's chain of containing periods (idempotent).
async fn add_periods(conn: &mut AnyConnection, periods: &[Period]) -> Result<()> {
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
    crate::cache::bump(conn).await
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

/// What a value is, where it comes from, and whether it may be shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// The value as computed (never served directly: use [`Observation::shown`]).
    #[serde(skip)]
    pub raw: Option<f64>,
    #[serde(skip)]
    pub cell: Cell,
    /// How many raw values are behind it.
    pub values: i64,
    /// For `last` over a longer period: the sub-period whose value is used.
    pub period_used: Option<Period>,
}

impl Observation {
    fn new(raw: Option<f64>, counts: &[Option<f64>], values: i64, threshold: f64) -> Self {
        Observation {
            raw,
            cell: Cell::new(raw, counts, threshold),
            values,
            period_used: None,
        }
    }

    fn missing(threshold: f64) -> Self {
        Observation::new(None, &[], 0, threshold)
    }

    /// The value as it may be served: `None` when missing or suppressed.
    pub fn shown(&self) -> Option<f64> {
        self.cell.shown()
    }

    pub fn suppressed(&self) -> bool {
        self.cell.suppressed
    }
}

fn acc_of(r: &AnyRow) -> Result<Acc> {
    Ok(Acc {
        total: r.try_get("total")?,
        n: r.try_get("n")?,
        basis: r.try_get("basis")?,
        basis_n: r.try_get("basis_n")?,
    })
}

fn parse_period(code: &str) -> Result<Period> {
    Period::parse(code).map_err(|p| StoreError::Corrupt(format!("period: {p}")))
}

/// The roll-ups of one unit and indicator, by breakdown and period.
type AccTable = BTreeMap<(Breakdown, Period), Acc>;

impl Store {
    /// The small-number threshold served values obey.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    async fn accs(&self, unit_id: i64, indicator_id: i64) -> Result<AccTable> {
        let rows = sqlx::query(
            "SELECT sex, grade, age_group, period, total, n, basis, basis_n FROM rollups \
             WHERE unit_id = $1 AND indicator_id = $2",
        )
        .bind(unit_id)
        .bind(indicator_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = BTreeMap::new();
        for r in rows {
            let p: String = r.try_get("period")?;
            out.insert((Breakdown::from_row(&r)?, parse_period(&p)?), acc_of(&r)?);
        }
        Ok(out)
    }

    /// The plain (non-ratio) observation from a table of roll-ups.
    fn plain(
        ind: &Indicator,
        table: &AccTable,
        breakdown: &Breakdown,
        period: Period,
        threshold: f64,
    ) -> Observation {
        let native = ind.spec.cadence.period_type();
        if !period.ptype().covers(native) {
            return Observation::missing(threshold);
        }
        let agg = ind.spec.aggregation;
        if agg == Aggregation::Last && period.ptype() != native {
            let latest = period.sub_periods(native).into_iter().rev().find_map(|p| {
                table
                    .get(&(breakdown.clone(), p))
                    .filter(|a| a.n > 0)
                    .map(|a| (p, *a))
            });
            return match latest {
                Some((p, a)) => {
                    let mut o = Observation::new(a.value(agg), &[a.count()], a.n, threshold);
                    o.period_used = Some(p);
                    o
                }
                None => Observation::missing(threshold),
            };
        }
        match table.get(&(breakdown.clone(), period)) {
            Some(a) if a.n > 0 => Observation::new(a.value(agg), &[a.count()], a.n, threshold),
            _ => Observation::missing(threshold),
        }
    }

    /// Everything needed to observe an indicator at a unit: its roll-ups, or
    /// for a ratio those of its numerator and denominator.
    async fn tables(
        &self,
        catalogue: &HashMap<i64, Indicator>,
        ind: &Indicator,
        unit_id: i64,
    ) -> Result<IndicatorTables> {
        if ind.spec.is_ratio() {
            let (Some(n), Some(d)) = (ind.numerator_id, ind.denominator_id) else {
                return Err(StoreError::Corrupt(format!(
                    "ratio {} lacks its parts",
                    ind.code()
                )));
            };
            let num = catalogue
                .get(&n)
                .ok_or_else(|| StoreError::Corrupt(format!("numerator of {}", ind.code())))?
                .clone();
            let den = catalogue
                .get(&d)
                .ok_or_else(|| StoreError::Corrupt(format!("denominator of {}", ind.code())))?
                .clone();
            Ok(IndicatorTables::Ratio {
                factor: ind.spec.factor.unwrap_or(1.0),
                num_table: self.accs(unit_id, n).await?,
                den_table: self.accs(unit_id, d).await?,
                num: Box::new(num),
                den: Box::new(den),
            })
        } else {
            Ok(IndicatorTables::Plain(self.accs(unit_id, ind.id).await?))
        }
    }

    /// The observation of an indicator at a unit (rolled up over its
    /// subtree) for a period (rolled up over sub-periods) and breakdown.
    pub async fn observe(
        &self,
        ind: &Indicator,
        unit_id: i64,
        period: Period,
        breakdown: &Breakdown,
    ) -> Result<Observation> {
        let catalogue = self.catalogue_map().await?;
        let t = self.tables(&catalogue, ind, unit_id).await?;
        Ok(t.observe(ind, breakdown, period, self.threshold))
    }

    /// The series at the indicator's own cadence for one breakdown, oldest first.
    pub async fn series(
        &self,
        ind: &Indicator,
        unit_id: i64,
        breakdown: &Breakdown,
    ) -> Result<Vec<(Period, Observation)>> {
        let catalogue = self.catalogue_map().await?;
        let t = self.tables(&catalogue, ind, unit_id).await?;
        Ok(t.series(ind, breakdown, self.threshold))
    }

    /// Every breakdown present for a unit and period, with complementary
    /// suppression applied (sexes against the total, grades against all grades).
    pub async fn breakdowns(
        &self,
        ind: &Indicator,
        unit_id: i64,
        period: Period,
    ) -> Result<Vec<(Breakdown, Observation)>> {
        let catalogue = self.catalogue_map().await?;
        let t = self.tables(&catalogue, ind, unit_id).await?;
        let mut keys: Vec<Breakdown> = t.breakdown_keys();
        keys.sort();
        keys.dedup();
        let mut out: Vec<(Breakdown, Observation)> = keys
            .into_iter()
            .map(|b| {
                let o = t.observe(ind, &b, period, self.threshold);
                (b, o)
            })
            .filter(|(_, o)| o.raw.is_some())
            .collect();
        protect_breakdowns(&mut out);
        Ok(out)
    }

    /// The indicator at each child of `parent` (and the parent itself, first),
    /// with complementary suppression among the children.
    pub async fn children_observations(
        &self,
        ind: &Indicator,
        parent_id: i64,
        child_ids: &[i64],
        period: Period,
        breakdown: &Breakdown,
    ) -> Result<(Observation, Vec<Observation>)> {
        let catalogue = self.catalogue_map().await?;
        let parent = self.tables(&catalogue, ind, parent_id).await?.observe(
            ind,
            breakdown,
            period,
            self.threshold,
        );
        let mut children = Vec::with_capacity(child_ids.len());
        for c in child_ids {
            children.push(self.tables(&catalogue, ind, *c).await?.observe(
                ind,
                breakdown,
                period,
                self.threshold,
            ));
        }
        protect_siblings(ind, &parent, &mut children);
        Ok((parent, children))
    }

    /// Several units' series side by side at the indicator's cadence (total
    /// breakdown): the periods any of them has, oldest first, and for each
    /// unit its observation per period. Each figure is protected as it is
    /// among all its siblings, so a hidden unit cannot be recovered from its
    /// parent's total and the siblings shown beside it.
    pub async fn compare(
        &self,
        ind: &Indicator,
        org_id: i64,
        unit_ids: &[i64],
    ) -> Result<(Vec<Period>, Vec<Vec<Observation>>)> {
        let catalogue = self.catalogue_map().await?;
        let units = self.org_units(org_id).await?;
        let total = Breakdown::total();
        let mut cache: HashMap<i64, IndicatorTables> = HashMap::new();
        let mut periods: Vec<Period> = Vec::new();
        for id in unit_ids {
            let t = self.tables(&catalogue, ind, *id).await?;
            periods.extend(
                t.series(ind, &total, self.threshold)
                    .into_iter()
                    .map(|(p, _)| p),
            );
            cache.insert(*id, t);
        }
        periods.sort();
        periods.dedup();
        let mut out: Vec<Vec<Observation>> = Vec::with_capacity(unit_ids.len());
        for id in unit_ids {
            let parent = units.iter().find(|u| u.id == *id).and_then(|u| u.parent_id);
            let siblings: Vec<i64> = match parent {
                Some(p) => units
                    .iter()
                    .filter(|u| u.parent_id == Some(p))
                    .map(|u| u.id)
                    .collect(),
                None => vec![*id],
            };
            for sid in siblings.iter().chain(parent.iter()) {
                if !cache.contains_key(sid) {
                    let t = self.tables(&catalogue, ind, *sid).await?;
                    cache.insert(*sid, t);
                }
            }
            let at = siblings.iter().position(|s| s == id).unwrap_or(0);
            let mut row = Vec::with_capacity(periods.len());
            for period in &periods {
                let observe = |uid: &i64| {
                    cache
                        .get(uid)
                        .map(|t| t.observe(ind, &total, *period, self.threshold))
                };
                let mut sib: Vec<Observation> = siblings.iter().filter_map(observe).collect();
                if let Some(p) = parent.as_ref().and_then(observe) {
                    protect_siblings(ind, &p, &mut sib);
                }
                row.push(sib.swap_remove(at));
            }
            out.push(row);
        }
        Ok((periods, out))
    }

    /// Every indicator's series at a unit (total breakdown), for dashboards:
    /// one query for all roll-ups of the unit, cached until the next write
    /// (see [`crate::cache`]).
    pub async fn unit_series(&self, unit_id: i64) -> Result<Arc<UnitSeries>> {
        let mut conn = self.pool.acquire().await?;
        let version = crate::cache::version(&mut conn).await?;
        if let Some(s) = self.cache.series(version, unit_id) {
            return Ok(s);
        }
        let _filling = self.cache.filling.lock().await;
        // Another request may have filled it while this one waited; and the
        // version may have moved on, so read it again.
        let version = crate::cache::version(&mut conn).await?;
        if let Some(s) = self.cache.series(version, unit_id) {
            return Ok(s);
        }
        let catalogue = match self.cache.catalogue(version) {
            Some(c) => c,
            None => {
                let c = Arc::new(crate::indicators::load_catalogue(&mut conn).await?);
                self.cache.put_catalogue(version, c.clone());
                c
            }
        };
        let s = Arc::new(
            self.series_from_rollups(&mut conn, &catalogue, unit_id)
                .await?,
        );
        self.cache.put_series(version, unit_id, s.clone());
        Ok(s)
    }

    /// [`Store::unit_series`] read from the roll-ups, past the cache (the
    /// benchmark measures both).
    pub async fn read_unit_series(&self, unit_id: i64) -> Result<UnitSeries> {
        let mut conn = self.pool.acquire().await?;
        let catalogue = crate::indicators::load_catalogue(&mut conn).await?;
        self.series_from_rollups(&mut conn, &catalogue, unit_id)
            .await
    }

    async fn series_from_rollups(
        &self,
        conn: &mut AnyConnection,
        catalogue: &[Indicator],
        unit_id: i64,
    ) -> Result<UnitSeries> {
        // The unit's roll-ups come as one JSON array: decoding a couple of
        // thousand rows one by one through sqlx's Any driver took ~3 µs a
        // row, the single text value a fraction of that — which is what
        // the first dashboard request after a write waits for.
        let sql = match self.backend() {
            crate::db::Backend::Sqlite => {
                "SELECT json_group_array(json_array(indicator_id, period, total, n, basis, basis_n)) AS j \
                 FROM rollups WHERE unit_id = $1 AND sex = 'total' AND grade = '' AND age_group = ''"
            }
            crate::db::Backend::Postgres => {
                "SELECT COALESCE(json_agg(json_build_array(indicator_id, period, total, n, basis, basis_n)), '[]')::text AS j \
                 FROM rollups WHERE unit_id = $1 AND sex = 'total' AND grade = '' AND age_group = ''"
            }
        };
        let json: String = sqlx::query_scalar(sql)
            .bind(unit_id)
            .fetch_one(&mut *conn)
            .await?;
        let rows: Vec<(i64, String, f64, i64, f64, i64)> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("roll-ups of unit {unit_id}: {e}")))?;
        let mut tables: HashMap<i64, AccTable> = HashMap::new();
        for (indicator_id, period, total, n, basis, basis_n) in rows {
            tables.entry(indicator_id).or_default().insert(
                (Breakdown::total(), parse_period(&period)?),
                Acc {
                    total,
                    n,
                    basis,
                    basis_n,
                },
            );
        }
        let by_id: HashMap<i64, &Indicator> = catalogue.iter().map(|i| (i.id, i)).collect();
        let empty = AccTable::new();
        let mut out = HashMap::new();
        for ind in catalogue {
            let t = if ind.spec.is_ratio() {
                let (Some(n), Some(d)) = (ind.numerator_id, ind.denominator_id) else {
                    continue;
                };
                let (Some(num), Some(den)) = (by_id.get(&n), by_id.get(&d)) else {
                    continue;
                };
                IndicatorTables::Ratio {
                    factor: ind.spec.factor.unwrap_or(1.0),
                    num_table: tables.get(&n).cloned().unwrap_or_default(),
                    den_table: tables.get(&d).cloned().unwrap_or_default(),
                    num: Box::new((*num).clone()),
                    den: Box::new((*den).clone()),
                }
            } else {
                IndicatorTables::Plain(
                    tables
                        .get(&ind.id)
                        .cloned()
                        .unwrap_or_else(|| empty.clone()),
                )
            };
            out.insert(ind.id, t.series(ind, &Breakdown::total(), self.threshold));
        }
        Ok(out)
    }

    async fn catalogue_map(&self) -> Result<HashMap<i64, Indicator>> {
        Ok(self
            .indicators()
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect())
    }

    /// Rebuilds an organisation's roll-ups from raw values (normally never
    /// needed: writes keep them current; tests compare against this).
    pub async fn recompute_rollups(&self, org_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        recompute_rollups_in(&mut tx, org_id).await?;
        crate::cache::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The raw values stored for an org unit and period (for the data-entry
    /// form, shown only to those who may edit them).
    pub async fn raw_values(
        &self,
        unit_id: i64,
        period: Period,
    ) -> Result<Vec<(i64, Breakdown, f64, Option<f64>)>> {
        let rows = sqlx::query(
            "SELECT indicator_id, sex, grade, age_group, value, count FROM data_values \
             WHERE unit_id = $1 AND period = $2",
        )
        .bind(unit_id)
        .bind(period.code())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("indicator_id")?,
                    Breakdown::from_row(r)?,
                    r.try_get("value")?,
                    r.try_get("count")?,
                ))
            })
            .collect()
    }

    /// How many raw values are stored (all organisations).
    pub async fn value_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM data_values")
            .fetch_one(&self.pool)
            .await?)
    }
}

/// Complementary suppression for ratio or average children: a parent's
/// value does not reveal a child by subtraction, but its numerator and
/// denominator counts would; hide the next smallest child when exactly one
/// is hidden, as for sums.
/// Complementary suppression among the children of one parent. Only sums
/// (and last values) add up to their parent; averages and ratios do not
/// reveal a hidden child by subtraction, but a ratio's parts do.
fn protect_siblings(ind: &Indicator, parent: &Observation, children: &mut [Observation]) {
    if ind.spec.aggregation == Aggregation::Sum || ind.spec.aggregation == Aggregation::Last {
        let mut cells: Vec<Cell> = children.iter().map(|o| o.cell).collect();
        protect_parts(&parent.cell, &mut cells);
        for (o, c) in children.iter_mut().zip(cells) {
            o.cell = c;
        }
    } else {
        protect_ratio_parts(parent, children);
    }
}

fn protect_ratio_parts(parent: &Observation, children: &mut [Observation]) {
    let mut cells: Vec<Cell> = children.iter().map(|o| o.cell).collect();
    protect_parts(&parent.cell, &mut cells);
    for (o, c) in children.iter_mut().zip(cells) {
        o.cell = c;
    }
}

/// Complementary suppression within one unit and period. Every margin is
/// protected: the sexes of each grade against that grade's total, and the
/// grades of each sex against that sex's all-grades figure, repeated until
/// nothing changes (hiding a cell in one margin can expose one in another).
pub fn protect_breakdowns(rows: &mut [(Breakdown, Observation)]) {
    let find = |rows: &[(Breakdown, Observation)], sex: Sex, grade: Option<u8>| {
        rows.iter()
            .position(|(b, _)| b.sex == sex && b.grade == grade && b.age_group.is_none())
    };
    let grades: Vec<Option<u8>> = {
        let mut g: Vec<Option<u8>> = rows.iter().map(|(b, _)| b.grade).collect();
        g.sort();
        g.dedup();
        g
    };
    loop {
        let before: Vec<bool> = rows.iter().map(|(_, o)| o.cell.suppressed).collect();
        // Sexes against the total of the same grade.
        for g in &grades {
            let Some(t) = find(rows, Sex::Total, *g) else {
                continue;
            };
            let idx: Vec<usize> = [Sex::Male, Sex::Female]
                .iter()
                .filter_map(|s| find(rows, *s, *g))
                .collect();
            protect_group(rows, t, &idx);
        }
        // Grades against the all-grades figure of the same sex.
        for sex in Sex::ALL {
            let Some(t) = find(rows, *sex, None) else {
                continue;
            };
            let idx: Vec<usize> = grades
                .iter()
                .flatten()
                .filter_map(|g| find(rows, *sex, Some(*g)))
                .collect();
            protect_group(rows, t, &idx);
        }
        let after: Vec<bool> = rows.iter().map(|(_, o)| o.cell.suppressed).collect();
        if before == after {
            return;
        }
    }
}

fn protect_group(rows: &mut [(Breakdown, Observation)], total: usize, parts: &[usize]) {
    let t = rows[total].1.cell;
    let mut cells: Vec<Cell> = parts.iter().map(|i| rows[*i].1.cell).collect();
    protect_parts(&t, &mut cells);
    for (i, c) in parts.iter().zip(cells) {
        rows[*i].1.cell = c;
    }
}

enum IndicatorTables {
    Plain(AccTable),
    Ratio {
        factor: f64,
        num: Box<Indicator>,
        den: Box<Indicator>,
        num_table: AccTable,
        den_table: AccTable,
    },
}

impl IndicatorTables {
    fn observe(&self, ind: &Indicator, b: &Breakdown, p: Period, threshold: f64) -> Observation {
        match self {
            IndicatorTables::Plain(t) => Store::plain(ind, t, b, p, threshold),
            IndicatorTables::Ratio {
                factor,
                num,
                den,
                num_table,
                den_table,
            } => {
                let n = Store::plain(num, num_table, b, p, threshold);
                let d = Store::plain(den, den_table, b, p, threshold);
                let counts = [n.cell.count, d.cell.count];
                let mut o = Observation::new(
                    ratio(n.raw, d.raw, *factor),
                    &counts,
                    n.values + d.values,
                    threshold,
                );
                o.period_used = n.period_used.or(d.period_used);
                o
            }
        }
    }

    fn breakdown_keys(&self) -> Vec<Breakdown> {
        match self {
            IndicatorTables::Plain(t) => t.keys().map(|(b, _)| b.clone()).collect(),
            IndicatorTables::Ratio { num_table, .. } => {
                num_table.keys().map(|(b, _)| b.clone()).collect()
            }
        }
    }

    fn series(&self, ind: &Indicator, b: &Breakdown, threshold: f64) -> Vec<(Period, Observation)> {
        let native = ind.spec.cadence.period_type();
        let periods: std::collections::BTreeSet<Period> = match self {
            IndicatorTables::Plain(t) => t
                .keys()
                .filter(|(bb, p)| bb == b && p.ptype() == native)
                .map(|(_, p)| *p)
                .collect(),
            IndicatorTables::Ratio {
                num_table,
                den_table,
                ..
            } => num_table
                .keys()
                .chain(den_table.keys())
                .filter(|(bb, p)| bb == b && p.ptype() == native)
                .map(|(_, p)| *p)
                .collect(),
        };
        periods
            .into_iter()
            .map(|p| (p, self.observe(ind, b, p, threshold)))
            .filter(|(_, o)| o.raw.is_some())
            .collect()
    }
}

/// One served figure of an indicator: what exports and tables may show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServedRow {
    pub orgunit: String,
    pub period: Period,
    pub breakdown_sex: Sex,
    pub grade: Option<u8>,
    /// `None` when suppressed.
    pub value: Option<f64>,
    pub suppressed: bool,
}

impl Store {
    /// Every figure of an indicator in an organisation, at its own cadence,
    /// for every unit with values (rolled up) and every breakdown, with
    /// complementary suppression between siblings (a parent and its
    /// children are both in the table) and within each unit's breakdowns.
    pub async fn served_table(&self, ind: &Indicator, org_id: i64) -> Result<Vec<ServedRow>> {
        let units = self.org_units(org_id).await?;
        let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
        for u in &units {
            if let Some(p) = u.parent_id {
                children.entry(p).or_default().push(u.id);
            }
        }
        let code_of: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.code.as_str())).collect();
        let periods: Vec<Period> = self
            .series(ind, org_id, &Breakdown::total())
            .await?
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let mut out = Vec::new();
        for period in periods {
            // Totals, protected among siblings, top-down.
            let mut totals: HashMap<i64, Observation> = HashMap::new();
            let root = self
                .observe(ind, org_id, period, &Breakdown::total())
                .await?;
            totals.insert(org_id, root);
            let mut queue = vec![org_id];
            while let Some(parent) = queue.pop() {
                let Some(kids) = children.get(&parent) else {
                    continue;
                };
                let (_, mut obs) = self
                    .children_observations(ind, parent, kids, period, &Breakdown::total())
                    .await?;
                let parent_cell = totals.get(&parent).map(|o| o.cell);
                for (kid, o) in kids.iter().zip(obs.iter_mut()) {
                    if parent_cell.is_some_and(|c| c.suppressed) && o.raw.is_some() {
                        // A hidden parent would be recoverable as the sum of its children.
                        o.cell.suppressed = true;
                    }
                    if o.raw.is_some() {
                        totals.insert(*kid, o.clone());
                        queue.push(*kid);
                    }
                }
            }
            let mut ids: Vec<i64> = totals.keys().copied().collect();
            ids.sort_by_key(|id| code_of.get(id).copied().unwrap_or(""));
            for id in ids {
                let mut rows = self.breakdowns(ind, id, period).await?;
                if let (Some(t), Some(row)) =
                    (totals.get(&id), rows.iter_mut().find(|(b, _)| b.is_total()))
                {
                    row.1.cell = t.cell;
                }
                protect_breakdowns(&mut rows);
                for (b, o) in rows {
                    out.push(ServedRow {
                        orgunit: code_of.get(&id).copied().unwrap_or("").to_owned(),
                        period,
                        breakdown_sex: b.sex,
                        grade: b.grade,
                        value: o.shown(),
                        suppressed: o.suppressed(),
                    });
                }
            }
        }
        Ok(out)
    }
}

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
