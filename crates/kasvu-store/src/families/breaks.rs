//! An organisation's breaks of weekly activities (school breaks): days
//! when no weekly session is held. Public holidays are built in
//! (`kasvu_core::holidays`); these are the rest, kept by those who manage
//! activities.

use super::*;
use kasvu_core::holidays::{check_break, Break, DaysOff};

/// A stored break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityBreak {
    pub id: i64,
    pub first: Date,
    pub last: Date,
    pub name: String,
}

impl ActivityBreak {
    pub fn as_break(&self) -> Break {
        Break {
            first: self.first,
            last: self.last,
            name: self.name.clone(),
        }
    }
}

fn day_of(r: &AnyRow, col: &str) -> Result<Date> {
    let s: String = r.try_get(col)?;
    parse_date(&s)
        .map_err(|p| StoreError::corrupt(col, p))?
        .ok_or_else(|| StoreError::corrupt(col, Problem::new("err-date", "no date")))
}

impl Store {
    /// The organisation's breaks, in date order.
    pub async fn activity_breaks(&self, org_id: i64) -> Result<Vec<ActivityBreak>> {
        let rows = sqlx::query(
            "SELECT id, first_day, last_day, name FROM activity_breaks \
             WHERE org_id = $1 ORDER BY first_day, id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ActivityBreak {
                    id: r.try_get("id")?,
                    first: day_of(r, "first_day")?,
                    last: day_of(r, "last_day")?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }

    /// The days without weekly sessions in the organisation: public
    /// holidays and its breaks.
    pub async fn days_off(&self, org_id: i64) -> Result<DaysOff> {
        Ok(DaysOff::new(
            self.activity_breaks(org_id)
                .await?
                .iter()
                .map(ActivityBreak::as_break)
                .collect(),
        ))
    }

    /// Adds a break (first and last day included).
    pub async fn add_activity_break(
        &self,
        actor: &Actor,
        org_id: i64,
        first: Date,
        last: Date,
        name: &str,
    ) -> Result<i64> {
        check_break(first, last).map_err(|p| StoreError::invalid("last", p))?;
        let name = line("name", name)?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO activity_breaks (org_id, first_day, last_day, name, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(org_id)
        .bind(format_date(first))
        .bind(format_date(last))
        .bind(&name)
        .bind(&actor.label)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        bump_version(&mut tx, org_id).await?;
        audit_change(
            &mut tx,
            actor,
            org_id,
            "activity_break",
            &id.to_string(),
            "create",
            json!({"first": format_date(first), "last": format_date(last), "name": name}),
        )
        .await?;
        tx.commit().await?;
        self.note_public_write();
        Ok(id)
    }

    /// Removes a break of the organisation; false when there was none.
    pub async fn remove_activity_break(&self, actor: &Actor, org_id: i64, id: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query("DELETE FROM activity_breaks WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            bump_version(&mut tx, org_id).await?;
            audit_change(
                &mut tx,
                actor,
                org_id,
                "activity_break",
                &id.to_string(),
                "delete",
                json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        self.note_public_write();
        Ok(n > 0)
    }
}
