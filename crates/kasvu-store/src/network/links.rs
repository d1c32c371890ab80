//! The collaboration map's records: collaborations entered by hand (a
//! referral path, a joint activity, a consultation between two actors of
//! the register), and the records the map derives edges from — teams whose
//! members represent an actor's unit, projects linked to actors, and plan
//! measures owned by actors' units.

use crate::support::audit::audit_change;
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::network::{LinkSource, Record};
use kasvu_core::team::parse_text;
use kasvu_core::{FieldError, Problem};
use serde_json::json;
use sqlx::Row;
use std::collections::BTreeMap;

/// A collaboration entered by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collaboration {
    pub id: i64,
    /// (id, code) of the actors.
    pub from: (i64, String),
    pub to: (i64, String),
    pub kind: LinkSource,
    pub note: String,
    pub created_by: String,
}

/// The longest note on a collaboration.
pub const MAX_NOTE: usize = 500;

impl Store {
    /// Records a collaboration between two actors of the register.
    pub async fn add_collaboration(
        &self,
        actor: &Actor,
        org_id: i64,
        from: &str,
        to: &str,
        kind: LinkSource,
        note: &str,
    ) -> Result<i64> {
        if !kind.is_entered() {
            return Err(StoreError::invalid(
                "kind",
                Problem::not_one_of(kind.code(), &["referral", "joint_activity", "consultation"]),
            ));
        }
        let note = if note.trim().is_empty() {
            String::new()
        } else {
            parse_text(note, MAX_NOTE).map_err(|p| StoreError::invalid("note", p))?
        };
        let mut tx = self.begin_write().await?;
        let a = crate::support::db::actor_in(&mut tx, org_id, from, "from").await?;
        let b = crate::support::db::actor_in(&mut tx, org_id, to, "to").await?;
        if a == b {
            return Err(StoreError::invalid(
                "to",
                Problem::new(
                    "err-collaboration-self",
                    "an actor cannot collaborate with itself",
                ),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO collaborations (org_id, from_actor, to_actor, kind, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(org_id)
        .bind(a)
        .bind(b)
        .bind(kind.code())
        .bind(&note)
        .bind(&actor.label)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            if crate::support::db::is_unique_violation(&e) {
                StoreError::Conflict(FieldError::new(
                    "kind",
                    Problem::new(
                        "err-collaboration-exists",
                        "this collaboration is recorded already",
                    ),
                ))
            } else {
                e.into()
            }
        })?;
        audit_change(
            &mut tx,
            actor,
            org_id,
            "collaboration",
            &id.to_string(),
            "create",
            json!({"from": from.trim(), "to": to.trim(), "kind": kind, "note": note}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes a collaboration entered by hand.
    pub async fn remove_collaboration(&self, actor: &Actor, org_id: i64, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query("DELETE FROM collaborations WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(org_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("collaboration {id}")));
        }
        audit_change(
            &mut tx,
            actor,
            org_id,
            "collaboration",
            &id.to_string(),
            "delete",
            json!(null),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An organisation's collaborations entered by hand.
    pub async fn collaborations(&self, org_id: i64) -> Result<Vec<Collaboration>> {
        let rows = sqlx::query(
            "SELECT c.id, c.from_actor, fa.code AS from_code, c.to_actor, ta.code AS to_code, c.kind, c.note, \
             c.created_by FROM collaborations c JOIN actors fa ON fa.id = c.from_actor \
             JOIN actors ta ON ta.id = c.to_actor WHERE c.org_id = $1 ORDER BY c.id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(Collaboration {
                    id: r.try_get("id")?,
                    from: (r.try_get("from_actor")?, r.try_get("from_code")?),
                    to: (r.try_get("to_actor")?, r.try_get("to_code")?),
                    kind: LinkSource::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
                    note: r.try_get("note")?,
                    created_by: r.try_get("created_by")?,
                })
            })
            .collect()
    }

    /// Every record that joins actors of the organisation: its teams (an
    /// actor is in a team when a member represents the actor's unit), its
    /// projects' linked actors, the measures of its plans (not superseded
    /// versions) owned by actors' units, and the collaborations entered by
    /// hand. The map's edges are derived from exactly these.
    pub async fn network_records(&self, org_id: i64) -> Result<Vec<Record>> {
        let mut grouped: BTreeMap<(LinkSource, i64), (String, Vec<i64>)> = BTreeMap::new();
        let queries = [
            (
                LinkSource::Team,
                "SELECT t.id AS rec, t.name AS label, a.id AS actor FROM team_members m \
                 JOIN teams t ON t.id = m.team_id JOIN actors a ON a.unit_id = m.unit_id AND a.org_id = $1 \
                 WHERE t.org_id = $1",
            ),
            (
                LinkSource::Project,
                "SELECT p.id AS rec, p.name AS label, pa.actor_id AS actor FROM project_actors pa \
                 JOIN projects p ON p.id = pa.project_id WHERE p.org_id = $1",
            ),
            (
                LinkSource::Measure,
                "SELECT m.id AS rec, m.name_fi AS label, a.id AS actor FROM plan_measure_owners o \
                 JOIN plan_measures m ON m.id = o.measure_id JOIN plan_focus_areas f ON f.id = m.focus_area_id \
                 JOIN plan_goals g ON g.id = f.goal_id JOIN plans p ON p.id = g.plan_id \
                 JOIN actors a ON a.unit_id = o.unit_id AND a.org_id = $1 \
                 WHERE p.org_id = $1 AND p.status <> 'superseded'",
            ),
        ];
        for (source, sql) in queries {
            for r in sqlx::query(sql).bind(org_id).fetch_all(&self.pool).await? {
                let e = grouped
                    .entry((source, r.try_get("rec")?))
                    .or_insert_with(|| (String::new(), Vec::new()));
                e.0 = r.try_get("label")?;
                e.1.push(r.try_get("actor")?);
            }
        }
        let mut out: Vec<Record> = grouped
            .into_iter()
            .map(|((source, _), (label, actors))| Record {
                source,
                label,
                actors,
            })
            .collect();
        out.extend(
            self.collaborations(org_id)
                .await?
                .into_iter()
                .map(|c| Record {
                    source: c.kind,
                    label: c.note,
                    actors: vec![c.from.0, c.to.0],
                }),
        );
        Ok(out)
    }
}
