//! The audit log: who changed what, when, with the old and new value. Rows
//! are only ever inserted; triggers in both databases refuse UPDATE and DELETE.

use crate::support::db::Store;
use crate::support::error::Result;
use crate::{now, Actor};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

pub(crate) struct AuditWrite<'a> {
    pub org_id: Option<i64>,
    pub entity: &'a str,
    pub key: &'a str,
    pub action: &'a str,
    pub old: Option<serde_json::Value>,
    pub new: Option<serde_json::Value>,
}

/// Audits a change recorded by its new value only, within an organisation.
pub(crate) async fn audit_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    org_id: i64,
    entity: &str,
    key: &str,
    action: &str,
    new: serde_json::Value,
) -> Result<()> {
    write_audit(
        conn,
        actor,
        AuditWrite {
            org_id: Some(org_id),
            entity,
            key,
            action,
            old: None,
            new: Some(new),
        },
    )
    .await
}

pub(crate) async fn write_audit(
    conn: &mut AnyConnection,
    actor: &Actor,
    w: AuditWrite<'_>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, org_id, actor_user_id, actor, entity, entity_key, action, old_value, new_value) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now())
    .bind(w.org_id)
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(w.entity)
    .bind(w.key)
    .bind(w.action)
    .bind(w.old.map(|v| v.to_string()))
    .bind(w.new.map(|v| v.to_string()))
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    pub entity: String,
    pub entity_key: String,
    pub action: String,
    pub old_value: Option<serde_json::Value>,
    pub new_value: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub org_id: i64,
    pub entity: Option<String>,
    pub entity_key: Option<String>,
    /// Entries older than this id (for paging back).
    pub before_id: Option<i64>,
    pub limit: i64,
}

impl Store {
    /// Newest first.
    pub async fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT id, at, actor, entity, entity_key, action, old_value, new_value FROM audit_log \
             WHERE (org_id = $1 OR org_id IS NULL) AND ($2 = '' OR entity = $2) AND ($3 = '' OR entity_key = $3) AND id < $4 \
             ORDER BY id DESC LIMIT $5",
        )
        .bind(f.org_id)
        .bind(f.entity.clone().unwrap_or_default())
        .bind(f.entity_key.clone().unwrap_or_default())
        .bind(f.before_id.unwrap_or(i64::MAX))
        .bind(f.limit.clamp(1, 1000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let old: Option<String> = r.try_get("old_value")?;
                let new: Option<String> = r.try_get("new_value")?;
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    entity: r.try_get("entity")?,
                    entity_key: r.try_get("entity_key")?,
                    action: r.try_get("action")?,
                    old_value: old.and_then(|s| serde_json::from_str(&s).ok()),
                    new_value: new.and_then(|s| serde_json::from_str(&s).ok()),
                })
            })
            .collect()
    }
}
