//! Targets per indicator, org unit and period (with an optional baseline
//! period), and the written analysis and conclusions of a unit and period.
//! Both are audited.

use crate::support::audit::{write_audit, AuditWrite};
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::{Period, Problem};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub period: Period,
    pub value: f64,
    pub baseline_period: Option<Period>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub period: Period,
    pub body: String,
    pub updated_at: i64,
    pub updated_by: String,
}

/// Conclusions are prose, not essays: at most this many characters.
pub const MAX_ANALYSIS: usize = 20_000;

fn period_of(s: &str) -> Result<Period> {
    Period::parse(s).map_err(|p| StoreError::Corrupt(format!("period: {p}")))
}

impl Store {
    pub async fn set_target(
        &self,
        actor: &Actor,
        indicator_id: i64,
        unit_id: i64,
        target: &Target,
    ) -> Result<()> {
        if !target.value.is_finite() {
            return Err(StoreError::invalid(
                "value",
                Problem::new("err-number", "not a number").arg("value", target.value.to_string()),
            ));
        }
        let mut tx = self.begin_write().await?;
        let key: Option<(String, i64)> = sqlx::query(
            "SELECT i.code || '/' || u.code AS k, u.org_id FROM indicators i, org_units u WHERE i.id = $1 AND u.id = $2",
        )
        .bind(indicator_id)
        .bind(unit_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| Ok::<_, sqlx::Error>((r.try_get("k")?, r.try_get("org_id")?)))
        .transpose()?;
        let Some((key, org_id)) = key else {
            return Err(StoreError::NotFound("indicator or org unit".into()));
        };
        let old: Option<f64> = sqlx::query_scalar(
            "SELECT value FROM targets WHERE unit_id = $1 AND indicator_id = $2 AND period = $3",
        )
        .bind(unit_id)
        .bind(indicator_id)
        .bind(target.period.code())
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO targets (unit_id, indicator_id, period, value, baseline_period, note, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (unit_id, indicator_id, period) DO UPDATE SET \
             value = excluded.value, baseline_period = excluded.baseline_period, note = excluded.note, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(unit_id)
        .bind(indicator_id)
        .bind(target.period.code())
        .bind(target.value)
        .bind(target.baseline_period.map(|p| p.code()))
        .bind(&target.note)
        .bind(now())
        .bind(&actor.label)
        .execute(&mut *tx)
        .await?;
        write_audit(
            &mut tx,
            actor,
            AuditWrite {
                org_id: Some(org_id),
                entity: "target",
                key: &format!("{key}/{}", target.period),
                action: if old.is_some() { "update" } else { "create" },
                old: old.map(|v| serde_json::json!({ "value": v })),
                new: Some(serde_json::json!({ "value": target.value, "note": target.note })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a target; `Ok(false)` when there was none.
    pub async fn remove_target(
        &self,
        actor: &Actor,
        indicator_id: i64,
        unit_id: i64,
        period: Period,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT t.value, t.note, i.code || '/' || u.code AS k, u.org_id FROM targets t \
             JOIN indicators i ON i.id = t.indicator_id JOIN org_units u ON u.id = t.unit_id \
             WHERE t.unit_id = $1 AND t.indicator_id = $2 AND t.period = $3",
        )
        .bind(unit_id)
        .bind(indicator_id)
        .bind(period.code())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let (value, note, key, org_id): (f64, String, String, i64) = (
            row.try_get("value")?,
            row.try_get("note")?,
            row.try_get("k")?,
            row.try_get("org_id")?,
        );
        sqlx::query("DELETE FROM targets WHERE unit_id = $1 AND indicator_id = $2 AND period = $3")
            .bind(unit_id)
            .bind(indicator_id)
            .bind(period.code())
            .execute(&mut *tx)
            .await?;
        write_audit(
            &mut tx,
            actor,
            AuditWrite {
                org_id: Some(org_id),
                entity: "target",
                key: &format!("{key}/{period}"),
                action: "delete",
                old: Some(serde_json::json!({ "value": value, "note": note })),
                new: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The targets of an indicator at a unit, by period.
    pub async fn targets(&self, indicator_id: i64, unit_id: i64) -> Result<Vec<Target>> {
        Ok(self
            .unit_targets(unit_id)
            .await?
            .remove(&indicator_id)
            .unwrap_or_default())
    }

    /// Every target set at a unit, by indicator id, each list by period
    /// (one query for a whole dashboard).
    pub async fn unit_targets(&self, unit_id: i64) -> Result<HashMap<i64, Vec<Target>>> {
        let rows = sqlx::query(
            "SELECT indicator_id, period, value, baseline_period, note FROM targets WHERE unit_id = $1",
        )
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out: HashMap<i64, Vec<Target>> = HashMap::new();
        for r in &rows {
            let p: String = r.try_get("period")?;
            let b: Option<String> = r.try_get("baseline_period")?;
            out.entry(r.try_get("indicator_id")?)
                .or_default()
                .push(Target {
                    period: period_of(&p)?,
                    value: r.try_get("value")?,
                    baseline_period: b.as_deref().map(period_of).transpose()?,
                    note: r.try_get("note")?,
                });
        }
        for list in out.values_mut() {
            list.sort_by_key(|t| t.period);
        }
        Ok(out)
    }

    pub async fn set_analysis(
        &self,
        actor: &Actor,
        unit_id: i64,
        period: Period,
        body: &str,
    ) -> Result<()> {
        let body = body.trim();
        if body.chars().count() > MAX_ANALYSIS {
            return Err(StoreError::invalid("body", Problem::too_long(MAX_ANALYSIS)));
        }
        let mut tx = self.begin_write().await?;
        let unit: Option<(String, i64)> =
            sqlx::query("SELECT code, org_id FROM org_units WHERE id = $1")
                .bind(unit_id)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| Ok::<_, sqlx::Error>((r.try_get("code")?, r.try_get("org_id")?)))
                .transpose()?;
        let Some((code, org_id)) = unit else {
            return Err(StoreError::NotFound("org unit".into()));
        };
        let old: Option<String> =
            sqlx::query_scalar("SELECT body FROM analyses WHERE unit_id = $1 AND period = $2")
                .bind(unit_id)
                .bind(period.code())
                .fetch_optional(&mut *tx)
                .await?;
        if old.as_deref() == Some(body) {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO analyses (unit_id, period, body, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (unit_id, period) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, \
             updated_by = excluded.updated_by",
        )
        .bind(unit_id)
        .bind(period.code())
        .bind(body)
        .bind(now())
        .bind(&actor.label)
        .execute(&mut *tx)
        .await?;
        write_audit(
            &mut tx,
            actor,
            AuditWrite {
                org_id: Some(org_id),
                entity: "analysis",
                key: &format!("{code}/{period}"),
                action: if old.is_some() { "update" } else { "create" },
                old: old.map(|b| serde_json::json!({ "body": b })),
                new: Some(serde_json::json!({ "body": body })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The analyses of a unit, newest period first.
    pub async fn analyses(&self, unit_id: i64) -> Result<Vec<Analysis>> {
        let rows = sqlx::query(
            "SELECT period, body, updated_at, updated_by FROM analyses WHERE unit_id = $1",
        )
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = rows
            .iter()
            .map(|r| {
                let p: String = r.try_get("period")?;
                Ok(Analysis {
                    period: period_of(&p)?,
                    body: r.try_get("body")?,
                    updated_at: r.try_get("updated_at")?,
                    updated_by: r.try_get("updated_by")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|a| std::cmp::Reverse(a.period));
        Ok(out)
    }
}
