//! Who may read an organisation's figures: per indicator, everyone (the
//! default: no row) or only signed-in users of the installation. The
//! organisation's admin chooses; the web layer enforces it for every route
//! that serves figures (`kasvu-web/src/support/visibility.rs`).

use crate::support::audit::{write_audit, AuditWrite};
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
use crate::Actor;
use serde_json::json;
use sqlx::AnyConnection;
use std::collections::HashSet;

impl Store {
    /// Whether anyone may read the organisation's figures of the indicator
    /// (false: only signed-in users).
    pub async fn figures_public(&self, org_id: i64, indicator_id: i64) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM figure_visibility \
             WHERE org_id = $1 AND indicator_id = $2 AND signed_in_only = 1",
        )
        .bind(org_id)
        .bind(indicator_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n == 0)
    }

    /// The indicators (ids) whose figures of this organisation only
    /// signed-in users may read.
    pub async fn signed_in_only_indicators(&self, org_id: i64) -> Result<HashSet<i64>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT indicator_id FROM figure_visibility WHERE org_id = $1 AND signed_in_only = 1",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().collect())
    }

    /// Makes one indicator's figures of the organisation signed-in only, or
    /// public again; audited when it changes. Returns whether it changed.
    pub async fn set_figure_visibility(
        &self,
        actor: &Actor,
        org_id: i64,
        indicator_id: i64,
        signed_in_only: bool,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        check_org(&mut tx, org_id).await?;
        let changed = set_in(&mut tx, actor, org_id, indicator_id, signed_in_only).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Sets the whole choice at once: exactly these indicators (ids) are
    /// signed-in only, every other one public. One transaction; each
    /// indicator that changes is audited. Returns how many changed.
    pub async fn set_signed_in_only_indicators(
        &self,
        actor: &Actor,
        org_id: i64,
        signed_in_only: &HashSet<i64>,
    ) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        check_org(&mut tx, org_id).await?;
        let mut all: Vec<i64> = sqlx::query_scalar("SELECT id FROM indicators")
            .fetch_all(&mut *tx)
            .await?;
        for id in signed_in_only {
            if !all.contains(id) {
                all.push(*id);
            }
        }
        all.sort_unstable();
        let mut changed = 0;
        for id in all {
            if set_in(&mut tx, actor, org_id, id, signed_in_only.contains(&id)).await? {
                changed += 1;
            }
        }
        tx.commit().await?;
        Ok(changed)
    }
}

/// Refuses an id that is not an organisation's root.
async fn check_org(conn: &mut AnyConnection, org_id: i64) -> Result<()> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM org_units WHERE id = $1 AND level = 'organisation'",
    )
    .bind(org_id)
    .fetch_one(&mut *conn)
    .await?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("organisation {org_id}")));
    }
    Ok(())
}

async fn set_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    org_id: i64,
    indicator_id: i64,
    signed_in_only: bool,
) -> Result<bool> {
    let code: Option<String> = sqlx::query_scalar("SELECT code FROM indicators WHERE id = $1")
        .bind(indicator_id)
        .fetch_optional(&mut *conn)
        .await?;
    let code = code.ok_or_else(|| StoreError::NotFound(format!("indicator {indicator_id}")))?;
    let was: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM figure_visibility \
         WHERE org_id = $1 AND indicator_id = $2 AND signed_in_only = 1",
    )
    .bind(org_id)
    .bind(indicator_id)
    .fetch_one(&mut *conn)
    .await?;
    if (was > 0) == signed_in_only {
        return Ok(false);
    }
    // No row means public: only the signed-in-only choice is stored.
    sqlx::query("DELETE FROM figure_visibility WHERE org_id = $1 AND indicator_id = $2")
        .bind(org_id)
        .bind(indicator_id)
        .execute(&mut *conn)
        .await?;
    if signed_in_only {
        sqlx::query(
            "INSERT INTO figure_visibility (org_id, indicator_id, signed_in_only) \
             VALUES ($1, $2, 1)",
        )
        .bind(org_id)
        .bind(indicator_id)
        .execute(&mut *conn)
        .await?;
    }
    write_audit(
        conn,
        actor,
        AuditWrite {
            org_id: Some(org_id),
            entity: "figure_visibility",
            key: &code,
            action: "update",
            old: Some(json!({ "signed_in_only": !signed_in_only })),
            new: Some(json!({ "signed_in_only": signed_in_only })),
        },
    )
    .await?;
    Ok(true)
}
