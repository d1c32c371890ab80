//! Follow-up: a plan's status, measures' status log and evaluations.

use super::*;

impl Store {
    /// Moves a plan along its lifecycle. Approval needs the council's date
    /// and decision reference; putting a version in force supersedes the
    /// version of the same plan that was in force.
    pub async fn set_plan_status(
        &self,
        actor: &Actor,
        plan_id: i64,
        next: PlanStatus,
        approved_on: Option<Date>,
        decision_ref: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let plan = plan_in(&mut tx, plan_id).await?;
        plan.status
            .check_move(next)
            .map_err(|p| invalid("status", p))?;
        let (approved_on, decision_ref) = if next == PlanStatus::Approved {
            let Some(d) = approved_on else {
                return Err(invalid("approved_on", Problem::required()));
            };
            if decision_ref.trim().is_empty() {
                return Err(invalid("decision_ref", Problem::required()));
            }
            (Some(d), decision_ref.trim().to_owned())
        } else {
            (plan.approved_on, plan.decision_ref.clone())
        };
        if next == PlanStatus::InForce {
            let old: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM plans WHERE org_id = $1 AND code = $2 AND status = 'in_force' AND id <> $3",
            )
            .bind(plan.org_id)
            .bind(&plan.code)
            .bind(plan.id)
            .fetch_all(&mut *tx)
            .await?;
            for id in old {
                sqlx::query(
                    "UPDATE plans SET status = 'superseded', updated_at = $1 WHERE id = $2",
                )
                .bind(now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query(
            "UPDATE plans SET status = $1, approved_on = $2, decision_ref = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(next.code())
        .bind(approved_on.map(kasvu_core::format_date))
        .bind(&decision_ref)
        .bind(now())
        .bind(plan.id)
        .execute(&mut *tx)
        .await?;
        write_audit(
            &mut tx,
            actor,
            AuditWrite {
                org_id: Some(plan.org_id),
                entity: "plan",
                key: &format!("{}/v{}", plan.code, plan.version),
                action: "status",
                old: Some(serde_json::json!({ "status": plan.status.code() })),
                new: Some(serde_json::json!({
                    "status": next.code(),
                    "approved_on": approved_on.map(kasvu_core::format_date),
                    "decision_ref": decision_ref,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        self.index_plans(plan.org_id).await?;
        Ok(())
    }

    /// Records a measure's status (on any version: it is follow-up, not
    /// plan content), with a dated log entry; audited.
    pub async fn set_measure_status(
        &self,
        actor: &Actor,
        measure_id: i64,
        status: MeasureStatus,
        note: &str,
    ) -> Result<()> {
        let note = note.trim();
        if note.chars().count() > 2000 {
            return Err(invalid("note", Problem::too_long(2000)));
        }
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT m.status, m.name_fi, p.org_id, p.code, p.version FROM plan_measures m \
             JOIN plan_focus_areas f ON f.id = m.focus_area_id JOIN plan_goals g ON g.id = f.goal_id \
             JOIN plans p ON p.id = g.plan_id WHERE m.id = $1",
        )
        .bind(measure_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("measure {measure_id}")))?;
        let old: String = row.try_get("status")?;
        let org_id: i64 = row.try_get("org_id")?;
        let key = format!(
            "{}/v{}/measure-{measure_id}",
            row.try_get::<String, _>("code")?,
            row.try_get::<i64, _>("version")?
        );
        sqlx::query("UPDATE plan_measures SET status = $1 WHERE id = $2")
            .bind(status.code())
            .bind(measure_id)
            .execute(&mut *tx)
            .await?;
        let t = now();
        sqlx::query(
            "INSERT INTO plan_measure_log (measure_id, at, on_date, status, note, actor) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(measure_id)
        .bind(t)
        .bind(kasvu_core::format_date(
            kasvu_core::clock::today(),
        ))
        .bind(status.code())
        .bind(note)
        .bind(&actor.label)
        .execute(&mut *tx)
        .await?;
        write_audit(
            &mut tx,
            actor,
            AuditWrite {
                org_id: Some(org_id),
                entity: "plan_measure",
                key: &key,
                action: "status",
                old: Some(serde_json::json!({ "status": old })),
                new: Some(serde_json::json!({ "status": status.code(), "note": note })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes (or replaces) a measure's evaluation for a period within the
    /// plan period; audited. Like the status, an evaluation is follow-up and
    /// allowed on any version.
    pub async fn set_evaluation(
        &self,
        actor: &Actor,
        measure_id: i64,
        period: Period,
        rating: i64,
        body: &str,
        indicators: &[String],
    ) -> Result<()> {
        let rating = kasvu_core::plan::check_rating(rating).map_err(|p| invalid("rating", p))?;
        let body = body.trim();
        if body.is_empty() {
            return Err(invalid("body", Problem::required()));
        }
        if body.chars().count() > 5000 {
            return Err(invalid("body", Problem::too_long(5000)));
        }
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT p.id AS plan_id, p.org_id, p.code, p.version FROM plan_measures m \
             JOIN plan_focus_areas f ON f.id = m.focus_area_id JOIN plan_goals g ON g.id = f.goal_id \
             JOIN plans p ON p.id = g.plan_id WHERE m.id = $1",
        )
        .bind(measure_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("measure {measure_id}")))?;
        let plan = plan_in(&mut tx, row.try_get("plan_id")?).await?;
        plan.period
            .check_within(period)
            .map_err(|p| invalid("period", p))?;
        let known: Vec<String> = sqlx::query_scalar("SELECT code FROM indicators")
            .fetch_all(&mut *tx)
            .await?;
        if let Some(bad) = indicators.iter().find(|c| !known.contains(c)) {
            return Err(invalid(
                "indicators",
                Problem::new(
                    "err-indicator-missing",
                    format!("there is no indicator '{bad}'"),
                )
                .arg("value", bad.as_str()),
            ));
        }
        let old: Option<String> = sqlx::query_scalar(
            "SELECT body FROM plan_evaluations WHERE measure_id = $1 AND period = $2",
        )
        .bind(measure_id)
        .bind(period.code())
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO plan_evaluations (measure_id, period, rating, body, indicators, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (measure_id, period) DO UPDATE SET \
             rating = excluded.rating, body = excluded.body, indicators = excluded.indicators, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(measure_id)
        .bind(period.code())
        .bind(i64::from(rating))
        .bind(body)
        .bind(indicators.join(";"))
        .bind(now())
        .bind(&actor.label)
        .execute(&mut *tx)
        .await?;
        write_audit(
            &mut tx,
            actor,
            AuditWrite {
                org_id: Some(plan.org_id),
                entity: "plan_evaluation",
                key: &format!(
                    "{}/v{}/measure-{measure_id}/{period}",
                    plan.code, plan.version
                ),
                action: if old.is_some() { "update" } else { "create" },
                old: old.map(|b| serde_json::json!({ "body": b })),
                new: Some(serde_json::json!({ "rating": rating, "body": body })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A measure's status log, oldest first.
    pub async fn measure_log(&self, measure_id: i64) -> Result<Vec<StatusEntry>> {
        let rows = sqlx::query(
            "SELECT on_date, status, note, actor FROM plan_measure_log WHERE measure_id = $1 ORDER BY id",
        )
        .bind(measure_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let on: String = r.try_get("on_date")?;
                let status: String = r.try_get("status")?;
                Ok(StatusEntry {
                    on: kasvu_core::parse_date(&on)
                        .map_err(|p| StoreError::corrupt("log date", p))?
                        .ok_or_else(|| StoreError::Corrupt("log date is empty".into()))?,
                    status: MeasureStatus::parse(&status)
                        .map_err(|p| StoreError::corrupt("log status", p))?,
                    note: r.try_get("note")?,
                    actor: r.try_get("actor")?,
                })
            })
            .collect()
    }
}
