//! The write path: values staged, checked and added to every roll-up they
//! belong to, in the write's transaction.

use super::phases::Phases;
use super::*;

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

pub(super) const KEY_COLS: &str = "unit_id, indicator_id, sex, grade, age_group, period";

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
    tx: crate::support::db::WriteTx,
    actor: Actor,
    opts: WriteOptions,
    catalogue: HashMap<i64, Indicator>,
    periods: HashSet<Period>,
    staged: u64,
    /// SQLite's page cache size before a large write enlarged it.
    cache_before: Option<i64>,
    /// Whether a full chunk's multi-row statement ran on SQLite (kept by
    /// the connection's statement cache until the write ends).
    kept_statements: bool,
    /// Which SQL stages a chunk (see `staging`) and sums roll-ups.
    backend: crate::support::db::Backend,
    /// Memory bounds of summing the roll-up differences.
    bounds: super::bulk::SumBounds,
    phases: Phases,
}

/// Staged rows from which a write counts as large (an import).
const BIG_WRITE: u64 = 50_000;
/// SQLite's page cache per schema for a large write, in KiB.
const BIG_WRITE_CACHE_KIB: i64 = 65_536;

/// Rows staged by one statement (see `staging`): a caller that pushes a
/// multiple of it leaves only a write's last statement shorter (a full
/// one's statement is prepared once per connection).
pub const CHUNK: usize = 2000;

impl Store {
    pub async fn begin_values(&self, actor: &Actor, opts: WriteOptions) -> Result<ValueWriter> {
        let mut phases = Phases::new();
        let mut tx = self.begin_write().await?;
        phases.mark("begin: wait for the write lock");
        for ddl in [
            "CREATE TEMP TABLE IF NOT EXISTS staging_values (row_no BIGINT NOT NULL, unit_id BIGINT NOT NULL, \
             indicator_id BIGINT NOT NULL, sex TEXT NOT NULL, grade TEXT NOT NULL, age_group TEXT NOT NULL, \
             period TEXT NOT NULL, value DOUBLE PRECISION, count DOUBLE PRECISION, \
             PRIMARY KEY (unit_id, indicator_id, sex, grade, age_group, period))",
            "CREATE TEMP TABLE IF NOT EXISTS value_deltas (unit_id BIGINT NOT NULL, indicator_id BIGINT NOT NULL, \
             sex TEXT NOT NULL, grade TEXT NOT NULL, age_group TEXT NOT NULL, period TEXT NOT NULL, \
             dv DOUBLE PRECISION NOT NULL, dn BIGINT NOT NULL, db DOUBLE PRECISION NOT NULL, dbn BIGINT NOT NULL, \
             don BIGINT NOT NULL DEFAULT 0, \
             PRIMARY KEY (unit_id, indicator_id, sex, grade, age_group, period))",
            "CREATE TEMP TABLE IF NOT EXISTS tree_deltas (unit_id BIGINT NOT NULL, indicator_id BIGINT NOT NULL, \
             sex TEXT NOT NULL, grade TEXT NOT NULL, age_group TEXT NOT NULL, period TEXT NOT NULL, \
             dv DOUBLE PRECISION NOT NULL, dn BIGINT NOT NULL, db DOUBLE PRECISION NOT NULL, dbn BIGINT NOT NULL, \
             don BIGINT NOT NULL DEFAULT 0)",
            "DELETE FROM staging_values",
            "DELETE FROM value_deltas",
            "DELETE FROM tree_deltas",
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
            cache_before: None,
            kept_statements: false,
            backend: self.backend(),
            bounds: self.sum_bounds.map_or_else(
                super::bulk::SumBounds::default,
                |(group_rows, shared_rows)| super::bulk::SumBounds {
                    group_rows,
                    shared_rows,
                },
            ),
            phases: {
                phases.mark("begin: temp tables, catalogue");
                phases
            },
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
        self.phases.mark("read (caller)");
        for chunk in rows.chunks(CHUNK) {
            let mut checked = Vec::with_capacity(chunk.len());
            for r in chunk {
                checked.push(self.check(r)?.0);
            }
            let inserted = super::staging::stage(&mut self.tx, self.backend, &checked).await?;

            if inserted != checked.len() as u64 {
                return Err(self.duplicate_in(&checked).await);
            }
            self.staged += inserted;
            if self.staged >= BIG_WRITE && self.cache_before.is_none() {
                self.enlarge_cache().await?;
            }
            self.periods.extend(checked.iter().map(|r| r.period));
            self.kept_statements |=
                self.backend == crate::support::db::Backend::Sqlite && checked.len() == CHUNK;
        }
        self.phases.mark("check + stage");
        Ok(())
    }

    /// A large write on SQLite gets a larger page cache (the default 2 MB
    /// made a 1 M-value import spill B-tree pages to the WAL while inserting,
    /// ~2 s of system time); [`ValueWriter::finish`] restores it. A writer
    /// that fails or is dropped leaves that to the pool, which restores the
    /// cache when the connection comes back (`support::db::restore_cache`).
    async fn enlarge_cache(&mut self) -> Result<()> {
        if self.backend != crate::support::db::Backend::Sqlite {
            return Ok(());
        }
        let before: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(&mut *self.tx)
            .await?;
        for schema in ["main", "temp"] {
            sqlx::query(&format!(
                "PRAGMA {schema}.cache_size = -{BIG_WRITE_CACHE_KIB}"
            ))
            .execute(&mut *self.tx)
            .await?;
        }
        self.cache_before = Some(before);
        crate::support::db::note_enlarged_cache();
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
        self.phases.mark("read (caller)");
        if self.backend == crate::support::db::Backend::Postgres {
            // Which units have sub-units decides which roll-up rows a value
            // is added to (a unit without stores none), and a unit's first
            // sub-unit stores the unit's rows from its values
            // (`closure_add_unit`). A sub-unit added between this write's
            // reading of the tree and its commit would copy the values from
            // before this write, and the unit's stored rows would miss this
            // write's values. So unit changes wait for value writes (and
            // these for them) from here, as every write waits on SQLite.
            // SHARE lets value writes run side by side; it is taken before
            // this transaction writes any shared table, so no deadlock can
            // form (a unit change does not wait for a value write while
            // holding anything the value write needs).
            sqlx::query("LOCK TABLE org_units IN SHARE MODE")
                .execute(&mut *self.tx)
                .await?;
            self.phases.mark("wait for unit changes");
        }
        self.cross_check().await?;
        self.phases.mark("cross-check");
        let tx = &mut self.tx;
        let t = now();
        sqlx::query(&format!(
            "INSERT INTO value_deltas ({KEY_COLS}, dv, dn, db, dbn, don) \
             SELECT s.unit_id, s.indicator_id, s.sex, s.grade, s.age_group, s.period, \
               COALESCE(s.value, 0) - COALESCE(d.value, 0), \
               (CASE WHEN s.value IS NULL THEN 0 ELSE 1 END) - (CASE WHEN d.value IS NULL THEN 0 ELSE 1 END), \
               COALESCE(s.count, 0) - COALESCE(d.count, 0), \
               (CASE WHEN s.count IS NULL THEN 0 ELSE 1 END) - (CASE WHEN d.count IS NULL THEN 0 ELSE 1 END), \
               (CASE WHEN s.value IS NULL THEN 0 ELSE 1 END) - (CASE WHEN d.value IS NULL THEN 0 ELSE 1 END) \
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
        self.phases.mark("value deltas");

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
        self.phases.mark("audit");
        // Reads the figures of units without sub-units from `data_values`,
        // so before it changes.
        served_differences(tx).await?;
        self.phases.mark("served differences");

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
            // so the statement never scans all values (`don`: `dn` is now
            // the served figure's difference).
            let keys = sqlx::query(&format!(
                "SELECT {KEY_COLS} FROM value_deltas WHERE don = -1"
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

        self.phases.mark("data_values upsert");
        let periods: Vec<Period> = self.periods.iter().copied().collect();
        add_periods(tx, &periods).await?;
        let last: HashSet<i64> = self
            .catalogue
            .values()
            .filter(|i| i.spec.aggregation == Aggregation::Last)
            .map(|i| i.id)
            .collect();
        let kept = propagate(tx, self.backend, &last, self.bounds, &mut self.phases).await?;
        self.kept_statements |= kept;
        // Their protected tables are computed afresh (see `protection`).
        sqlx::query(
            "INSERT INTO protection_versions (indicator_id, year, version) \
             SELECT DISTINCT indicator_id, CAST(substr(period, 1, 4) AS BIGINT), 1 FROM value_deltas WHERE 1 = 1 \
             ON CONFLICT (indicator_id, year) DO UPDATE SET version = protection_versions.version + 1",
        )
        .execute(&mut **tx)
        .await?;
        self.phases.mark("protection versions");
        sqlx::query("DELETE FROM tree_deltas")
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM staging_values")
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM value_deltas")
            .execute(&mut **tx)
            .await?;
        self.phases.mark("clear temp tables");
        if let Some(pages) = self.cache_before.take() {
            for schema in ["main", "temp"] {
                sqlx::query(&format!("PRAGMA {schema}.cache_size = {pages}"))
                    .execute(&mut *self.tx)
                    .await?;
            }
            crate::support::db::note_restored_cache();
        }
        if self.kept_statements {
            // The multi-row statements of a large write (a few MB prepared,
            // estimated) are not kept for the connection's next user. Only
            // housekeeping: a failure here must not undo the write (the
            // pool closes connections after their lifetime anyway).
            let _ = sqlx::Connection::clear_cached_statements(&mut *self.tx).await;
        }
        if self.opts.dry_run {
            self.tx.rollback().await?;
        } else {
            crate::measure::cache::bump(&mut self.tx).await?;
            self.tx.commit().await?;
        }
        self.phases.mark("commit");
        self.phases.publish();
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
