//! The welfare plan in storage: versions with their lifecycle, and the
//! chain goal → focus area → measure (owner units, responsible person,
//! schedule, budget, status with a dated log, tags, indicators as evidence).
//!
//! A plan's content is written whole, as a draft ([`Store::create_plan`]);
//! an approved version is frozen, and changing it means a new draft version
//! copied from it ([`Store::new_plan_version`]). A measure's status is
//! follow-up, not content: it is logged on any version.

use crate::audit::{write_audit, AuditWrite};
use crate::db::Store;
use crate::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::plan::parse_tags;
use kasvu_core::{
    ChildRight, Direction, FieldError, ImpactCondition, MeasureStatus, Names, Period, PlanPeriod,
    PlanStatus, PlanVisibility, Problem,
};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use time::Date;

/// A measure as written into a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureSpec {
    pub names: Names,
    /// Codes of the org units that own the measure (of the plan's organisation).
    pub owners: Vec<String>,
    pub responsible: String,
    pub schedule: String,
    /// A resource or budget proposal, as text ("40 000 € / v", "within budget").
    pub budget: String,
    pub status: MeasureStatus,
    pub rights: Vec<ChildRight>,
    pub conditions: Vec<ImpactCondition>,
    /// Codes of indicators that show whether the measure works.
    pub indicators: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FocusAreaSpec {
    pub names: Names,
    pub measures: Vec<MeasureSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalSpec {
    pub names: Names,
    pub focus_areas: Vec<FocusAreaSpec>,
}

/// An impact statement: what should change, shown by an indicator moving
/// in the expected direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactSpec {
    pub statement: Names,
    pub indicator: String,
    pub direction: Direction,
}

/// A coordinating structure (the steering group, area development groups)
/// and its tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructureSpec {
    pub name: Names,
    pub tasks: Names,
}

/// A whole plan, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSpec {
    /// Stable code shared by the versions, e.g. `lanu-2022`.
    pub code: String,
    pub title: Names,
    pub aim: Names,
    pub period: PlanPeriod,
    pub goals: Vec<GoalSpec>,
    #[serde(default)]
    pub impacts: Vec<ImpactSpec>,
    /// For a regional development plan: the area or cluster (a unit code)…
    #[serde(default)]
    pub scope: Option<String>,
    /// …and the code of the organisation's plan it is drawn from: its goals
    /// and focus areas must be among that plan's.
    #[serde(default)]
    pub parent: Option<String>,
    /// Who may read it: public (default) or internal.
    #[serde(default)]
    pub visibility: PlanVisibility,
    #[serde(default)]
    pub strengths: Vec<Names>,
    #[serde(default)]
    pub challenges: Vec<Names>,
    #[serde(default)]
    pub structures: Vec<StructureSpec>,
}

/// An evaluation of a measure for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub period: Period,
    /// 1 (not at all) to 5 (fully achieved).
    pub rating: u8,
    pub body: String,
    /// Codes of indicators cited as evidence.
    pub indicators: Vec<String>,
    pub updated_by: String,
}

/// One version of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub id: i64,
    pub org_id: i64,
    pub code: String,
    pub version: i64,
    pub previous_id: Option<i64>,
    pub title: Names,
    pub aim: Names,
    pub period: PlanPeriod,
    pub status: PlanStatus,
    pub approved_on: Option<Date>,
    pub decision_ref: String,
    /// A regional development plan's area or cluster: (id, code).
    pub scope: Option<(i64, String)>,
    /// A regional plan's organisation plan (its code).
    pub parent_code: Option<String>,
    pub visibility: PlanVisibility,
}

impl Plan {
    /// Whether everyone may read this version (not a draft, not internal).
    pub fn is_public(&self) -> bool {
        self.status != PlanStatus::Draft && self.visibility == PlanVisibility::Public
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub id: i64,
    pub names: Names,
    /// Owner units: (id, code).
    pub owners: Vec<(i64, String)>,
    pub responsible: String,
    pub schedule: String,
    pub budget: String,
    pub status: MeasureStatus,
    pub rights: Vec<ChildRight>,
    pub conditions: Vec<ImpactCondition>,
    pub indicators: Vec<String>,
    /// Evaluations, newest period first.
    pub evaluations: Vec<Evaluation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FocusArea {
    pub id: i64,
    pub names: Names,
    pub measures: Vec<Measure>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub id: i64,
    pub names: Names,
    pub focus_areas: Vec<FocusArea>,
}

/// A plan version with its whole chain, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanTree {
    pub plan: Plan,
    pub goals: Vec<Goal>,
    pub impacts: Vec<ImpactSpec>,
    pub strengths: Vec<Names>,
    pub challenges: Vec<Names>,
    pub structures: Vec<StructureSpec>,
}

/// One entry of a measure's status log.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusEntry {
    pub on: Date,
    pub status: MeasureStatus,
    pub note: String,
    pub actor: String,
}

fn invalid(field: &str, p: Problem) -> StoreError {
    StoreError::Invalid(FieldError::new(field, p))
}

fn join_codes<T: Copy>(items: &[T], code: impl Fn(T) -> &'static str) -> String {
    items.iter().map(|t| code(*t)).collect::<Vec<_>>().join(";")
}

const SELECT_PLANS: &str =
    "SELECT id, org_id, code, version, previous_id, title_fi, title_sv, title_en, \
     aim_fi, aim_sv, aim_en, start_year, end_year, status, approved_on, decision_ref, scope_unit_id, \
     (SELECT u.code FROM org_units u WHERE u.id = plans.scope_unit_id) AS scope_code, parent_code, visibility FROM plans";

fn plan_of(r: &sqlx::any::AnyRow) -> Result<Plan> {
    let status: String = r.try_get("status")?;
    let approved: Option<String> = r.try_get("approved_on")?;
    Ok(Plan {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        code: r.try_get("code")?,
        version: r.try_get("version")?,
        previous_id: r.try_get("previous_id")?,
        title: crate::db::names_of(r, "title")?,
        aim: crate::db::names_of(r, "aim")?,
        period: PlanPeriod::new(
            i32::try_from(r.try_get::<i64, _>("start_year")?).unwrap_or(0),
            i32::try_from(r.try_get::<i64, _>("end_year")?).unwrap_or(0),
        )
        .map_err(|p| StoreError::corrupt("plan period", p))?,
        status: PlanStatus::parse(&status).map_err(|p| StoreError::corrupt("plan status", p))?,
        approved_on: match approved.as_deref() {
            Some(s) => {
                kasvu_core::parse_date(s).map_err(|p| StoreError::corrupt("approval date", p))?
            }
            None => None,
        },
        decision_ref: r.try_get("decision_ref")?,
        scope: match (
            r.try_get::<Option<i64>, _>("scope_unit_id")?,
            r.try_get::<Option<String>, _>("scope_code")?,
        ) {
            (Some(id), Some(code)) => Some((id, code)),
            _ => None,
        },
        parent_code: r.try_get("parent_code")?,
        visibility: PlanVisibility::parse(&r.try_get::<String, _>("visibility")?)
            .map_err(|p| StoreError::corrupt("plan visibility", p))?,
    })
}

async fn plan_in(conn: &mut AnyConnection, id: i64) -> Result<Plan> {
    let r = sqlx::query(&format!("{SELECT_PLANS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("plan {id}")))?;
    plan_of(&r)
}

impl Store {
    /// Writes a whole plan as a new draft (version 1, or the next version
    /// of `spec.code` when `previous` is given). Owner units must belong to
    /// the organisation, indicators must exist; all or nothing, audited.
    pub async fn create_plan(&self, actor: &Actor, org_id: i64, spec: &PlanSpec) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = insert_plan(&mut tx, actor, org_id, spec, None, None).await?;
        tx.commit().await?;
        self.index_plans(org_id).await?;
        Ok(id)
    }

    /// A new draft version copied from a frozen one, for changes.
    pub async fn new_plan_version(&self, actor: &Actor, plan_id: i64) -> Result<i64> {
        let tree = self
            .plan_tree(plan_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("plan {plan_id}")))?;
        if !tree.plan.status.is_frozen() {
            return Err(invalid(
                "status",
                Problem::new(
                    "err-plan-draft-exists",
                    "this version is still a draft: change it instead",
                ),
            ));
        }
        let spec = tree.to_spec();
        let mut tx = self.begin_write().await?;
        let id = insert_plan(
            &mut tx,
            actor,
            tree.plan.org_id,
            &spec,
            Some(&tree.plan),
            None,
        )
        .await?;
        tx.commit().await?;
        self.index_plans(tree.plan.org_id).await?;
        Ok(id)
    }

    /// Writes a draft's whole content anew (its evaluations and status log
    /// go with the old measures). A frozen version is refused: changing it
    /// means a new version.
    pub async fn replace_draft(&self, actor: &Actor, plan_id: i64, spec: &PlanSpec) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let plan = plan_in(&mut tx, plan_id).await?;
        if plan.status.is_frozen() {
            return Err(StoreError::Conflict(FieldError::new(
                "status",
                Problem::new(
                    "err-plan-frozen",
                    "an approved version is frozen: make a new version to change it",
                ),
            )));
        }
        insert_plan(&mut tx, actor, plan.org_id, spec, None, Some(&plan)).await?;
        tx.commit().await?;
        self.index_plans(plan.org_id).await?;
        Ok(())
    }

    /// The plan versions of an organisation, newest first per code.
    pub async fn plans(&self, org_id: i64) -> Result<Vec<Plan>> {
        let rows = sqlx::query(&format!(
            "{SELECT_PLANS} WHERE org_id = $1 ORDER BY code, version DESC"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(plan_of).collect()
    }

    /// One version with its chain.
    pub async fn plan_tree(&self, plan_id: i64) -> Result<Option<PlanTree>> {
        let mut conn = self.pool.acquire().await?;
        let plan = match plan_in(&mut conn, plan_id).await {
            Ok(p) => p,
            Err(StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let goals = sqlx::query(
            "SELECT id, name_fi, name_sv, name_en FROM plan_goals WHERE plan_id = $1 ORDER BY position",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
        let focus = sqlx::query(
            "SELECT f.id, f.goal_id, f.name_fi, f.name_sv, f.name_en FROM plan_focus_areas f \
             JOIN plan_goals g ON g.id = f.goal_id WHERE g.plan_id = $1 ORDER BY f.position",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
        let measures = sqlx::query(
            "SELECT m.id, m.focus_area_id, m.name_fi, m.name_sv, m.name_en, m.responsible, m.schedule, \
             m.budget, m.status, m.rights, m.conditions FROM plan_measures m \
             JOIN plan_focus_areas f ON f.id = m.focus_area_id JOIN plan_goals g ON g.id = f.goal_id \
             WHERE g.plan_id = $1 ORDER BY m.position",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut owners: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        for r in sqlx::query(
            "SELECT o.measure_id, u.id, u.code FROM plan_measure_owners o JOIN org_units u ON u.id = o.unit_id \
             JOIN plan_measures m ON m.id = o.measure_id JOIN plan_focus_areas f ON f.id = m.focus_area_id \
             JOIN plan_goals g ON g.id = f.goal_id WHERE g.plan_id = $1 ORDER BY u.code",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        {
            owners
                .entry(r.try_get("measure_id")?)
                .or_default()
                .push((r.try_get("id")?, r.try_get("code")?));
        }
        let mut evidence: HashMap<i64, Vec<String>> = HashMap::new();
        for r in sqlx::query(
            "SELECT x.measure_id, i.code FROM plan_measure_indicators x JOIN indicators i ON i.id = x.indicator_id \
             JOIN plan_measures m ON m.id = x.measure_id JOIN plan_focus_areas f ON f.id = m.focus_area_id \
             JOIN plan_goals g ON g.id = f.goal_id WHERE g.plan_id = $1 ORDER BY i.code",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        {
            evidence
                .entry(r.try_get("measure_id")?)
                .or_default()
                .push(r.try_get("code")?);
        }
        let mut evaluations: HashMap<i64, Vec<Evaluation>> = HashMap::new();
        for r in sqlx::query(
            "SELECT e.measure_id, e.period, e.rating, e.body, e.indicators, e.updated_by FROM plan_evaluations e \
             JOIN plan_measures m ON m.id = e.measure_id JOIN plan_focus_areas f ON f.id = m.focus_area_id \
             JOIN plan_goals g ON g.id = f.goal_id WHERE g.plan_id = $1",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        {
            let period: String = r.try_get("period")?;
            let indicators: String = r.try_get("indicators")?;
            evaluations
                .entry(r.try_get("measure_id")?)
                .or_default()
                .push(Evaluation {
                    period: Period::parse(&period).map_err(|p| StoreError::corrupt("evaluation period", p))?,
                    rating: u8::try_from(r.try_get::<i64, _>("rating")?).unwrap_or(0),
                    body: r.try_get("body")?,
                    indicators: indicators
                        .split(';')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    updated_by: r.try_get("updated_by")?,
                });
        }
        for list in evaluations.values_mut() {
            list.sort_by_key(|e| std::cmp::Reverse(e.period));
        }
        let impacts = sqlx::query(
            "SELECT x.statement_fi, x.statement_sv, x.statement_en, i.code, x.direction FROM plan_impacts x \
             JOIN indicators i ON i.id = x.indicator_id WHERE x.plan_id = $1 ORDER BY x.position",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            let d: String = r.try_get("direction")?;
            Ok(ImpactSpec {
                statement: crate::db::names_of(r, "statement")?,
                indicator: r.try_get("code")?,
                direction: Direction::parse(&d).map_err(|p| StoreError::corrupt("impact direction", p))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let names = |r: &sqlx::any::AnyRow| crate::db::names_of(r, "name");
        let mut by_focus: HashMap<i64, Vec<Measure>> = HashMap::new();
        for r in &measures {
            let id: i64 = r.try_get("id")?;
            let status: String = r.try_get("status")?;
            let rights: String = r.try_get("rights")?;
            let conditions: String = r.try_get("conditions")?;
            by_focus
                .entry(r.try_get("focus_area_id")?)
                .or_default()
                .push(Measure {
                    id,
                    names: names(r)?,
                    owners: owners.remove(&id).unwrap_or_default(),
                    responsible: r.try_get("responsible")?,
                    schedule: r.try_get("schedule")?,
                    budget: r.try_get("budget")?,
                    status: MeasureStatus::parse(&status)
                        .map_err(|p| StoreError::corrupt("measure status", p))?,
                    rights: parse_tags(&rights, ChildRight::parse)
                        .map_err(|p| StoreError::corrupt("rights", p))?,
                    conditions: parse_tags(&conditions, ImpactCondition::parse)
                        .map_err(|p| StoreError::corrupt("conditions", p))?,
                    indicators: evidence.remove(&id).unwrap_or_default(),
                    evaluations: evaluations.remove(&id).unwrap_or_default(),
                });
        }
        let mut by_goal: HashMap<i64, Vec<FocusArea>> = HashMap::new();
        for r in &focus {
            let id: i64 = r.try_get("id")?;
            by_goal
                .entry(r.try_get("goal_id")?)
                .or_default()
                .push(FocusArea {
                    id,
                    names: names(r)?,
                    measures: by_focus.remove(&id).unwrap_or_default(),
                });
        }
        let goals = goals
            .iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok(Goal {
                    id,
                    names: names(r)?,
                    focus_areas: by_goal.remove(&id).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let (mut strengths, mut challenges, mut structures) = (Vec::new(), Vec::new(), Vec::new());
        for r in sqlx::query(
            "SELECT kind, text_fi, text_sv, text_en, tasks_fi, tasks_sv, tasks_en FROM plan_notes \
             WHERE plan_id = $1 ORDER BY position",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        {
            let text = crate::db::names_of(&r, "text")?;
            let kind: String = r.try_get("kind")?;
            match kind.as_str() {
                "strength" => strengths.push(text),
                "challenge" => challenges.push(text),
                _ => structures.push(StructureSpec {
                    name: text,
                    tasks: crate::db::names_of(&r, "tasks")?,
                }),
            }
        }
        Ok(Some(PlanTree {
            plan,
            goals,
            impacts,
            strengths,
            challenges,
            structures,
        }))
    }

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
            time::OffsetDateTime::now_utc().date(),
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

impl PlanSpec {
    /// Checks what a file or form could get wrong: the period, and every
    /// name (Finnish required, no control characters, not too long). The
    /// field names the place, e.g. `goals.2.focus_areas.1.names`.
    pub fn check(&self) -> Result<()> {
        PlanPeriod::new(self.period.start_year, self.period.end_year)
            .map_err(|p| invalid("period", p))?;
        let names = |field: String, n: &Names| -> Result<()> {
            Names::parse(&n.fi, &n.sv, &n.en)
                .map(|_| ())
                .map_err(|e| invalid(&format!("{field}.{}", e.field), e.problem))
        };
        names("title".into(), &self.title)?;
        if !self.aim.fi.trim().is_empty() {
            names("aim".into(), &self.aim)?;
        }
        for (k, x) in self.impacts.iter().enumerate() {
            names(format!("impacts.{}.statement", k + 1), &x.statement)?;
        }
        // Notes are sentences, longer than names.
        let note = |field: String, n: &Names| -> Result<()> {
            if n.fi.trim().is_empty() {
                return Err(invalid(&field, Problem::required()));
            }
            if [&n.fi, &n.sv, &n.en]
                .iter()
                .any(|t| t.chars().count() > 2000)
            {
                return Err(invalid(&field, Problem::too_long(2000)));
            }
            Ok(())
        };
        for (k, t) in self.strengths.iter().enumerate() {
            note(format!("strengths.{}", k + 1), t)?;
        }
        for (k, t) in self.challenges.iter().enumerate() {
            note(format!("challenges.{}", k + 1), t)?;
        }
        for (k, s) in self.structures.iter().enumerate() {
            names(format!("structures.{}.name", k + 1), &s.name)?;
            if !s.tasks.fi.trim().is_empty() {
                note(format!("structures.{}.tasks", k + 1), &s.tasks)?;
            }
        }
        for (gi, g) in self.goals.iter().enumerate() {
            let at = format!("goals.{}", gi + 1);
            names(format!("{at}.names"), &g.names)?;
            for (fi, f) in g.focus_areas.iter().enumerate() {
                let at = format!("{at}.focus_areas.{}", fi + 1);
                names(format!("{at}.names"), &f.names)?;
                for (mi, m) in f.measures.iter().enumerate() {
                    let at = format!("{at}.measures.{}", mi + 1);
                    names(format!("{at}.names"), &m.names)?;
                    for (field, text) in [
                        ("responsible", &m.responsible),
                        ("schedule", &m.schedule),
                        ("budget", &m.budget),
                    ] {
                        if text.chars().count() > 500 {
                            return Err(invalid(&format!("{at}.{field}"), Problem::too_long(500)));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl PlanTree {
    /// The content of this version, to start a new one from.
    pub fn to_spec(&self) -> PlanSpec {
        PlanSpec {
            code: self.plan.code.clone(),
            title: self.plan.title.clone(),
            aim: self.plan.aim.clone(),
            period: self.plan.period,
            impacts: self.impacts.clone(),
            scope: self.plan.scope.as_ref().map(|(_, c)| c.clone()),
            parent: self.plan.parent_code.clone(),
            visibility: self.plan.visibility,
            strengths: self.strengths.clone(),
            challenges: self.challenges.clone(),
            structures: self.structures.clone(),
            goals: self
                .goals
                .iter()
                .map(|g| GoalSpec {
                    names: g.names.clone(),
                    focus_areas: g
                        .focus_areas
                        .iter()
                        .map(|f| FocusAreaSpec {
                            names: f.names.clone(),
                            measures: f
                                .measures
                                .iter()
                                .map(|m| MeasureSpec {
                                    names: m.names.clone(),
                                    owners: m.owners.iter().map(|(_, c)| c.clone()).collect(),
                                    responsible: m.responsible.clone(),
                                    schedule: m.schedule.clone(),
                                    budget: m.budget.clone(),
                                    status: m.status,
                                    rights: m.rights.clone(),
                                    conditions: m.conditions.clone(),
                                    indicators: m.indicators.clone(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Every measure of the chain with its goal and focus area.
    pub fn measures(&self) -> impl Iterator<Item = (&Goal, &FocusArea, &Measure)> {
        self.goals.iter().flat_map(|g| {
            g.focus_areas
                .iter()
                .flat_map(move |f| f.measures.iter().map(move |m| (g, f, m)))
        })
    }
}

/// A measure of a plan in force that is not finished yet.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenMeasure {
    pub id: i64,
    pub plan_id: i64,
    pub names: Names,
    pub status: MeasureStatus,
    pub schedule: String,
    /// Owner unit ids.
    pub owners: Vec<i64>,
}

const MEASURE_PLAN: &str =
    "FROM plan_measures m JOIN plan_focus_areas f ON f.id = m.focus_area_id \
     JOIN plan_goals g ON g.id = f.goal_id JOIN plans p ON p.id = g.plan_id";

impl Store {
    /// The plan a measure belongs to, and the measure's names.
    pub async fn measure_plan(&self, measure_id: i64) -> Result<Option<(i64, Names)>> {
        let row = sqlx::query(&format!(
            "SELECT p.id AS plan_id, m.name_fi, m.name_sv, m.name_en {MEASURE_PLAN} WHERE m.id = $1"
        ))
        .bind(measure_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.try_get("plan_id")?, crate::db::names_of(&r, "name")?)))
            .transpose()
    }

    /// The measures of an organisation's plans in force (its own and its
    /// areas') not yet done or dropped.
    pub async fn open_measures(&self, org_id: i64) -> Result<Vec<OpenMeasure>> {
        let rows = sqlx::query(&format!(
            "SELECT m.id, p.id AS plan_id, m.name_fi, m.name_sv, m.name_en, m.status, m.schedule {MEASURE_PLAN} \
             WHERE p.org_id = $1 AND p.status = 'in_force' AND m.status IN ('not_started', 'ongoing') \
             ORDER BY p.id, g.position, f.position, m.position"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        let owners = sqlx::query(&format!(
            "SELECT o.measure_id, o.unit_id {MEASURE_PLAN} JOIN plan_measure_owners o ON o.measure_id = m.id \
             WHERE p.org_id = $1 AND p.status = 'in_force'"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        let mut by_measure: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for o in owners {
            by_measure
                .entry(o.try_get("measure_id")?)
                .or_default()
                .push(o.try_get("unit_id")?);
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let status: String = r.try_get("status")?;
                Ok(OpenMeasure {
                    id,
                    plan_id: r.try_get("plan_id")?,
                    names: crate::db::names_of(r, "name")?,
                    status: MeasureStatus::parse(&status)
                        .map_err(|p| StoreError::corrupt("status", p))?,
                    schedule: r.try_get("schedule")?,
                    owners: by_measure.remove(&id).unwrap_or_default(),
                })
            })
            .collect()
    }
}

/// Checks that a regional plan's goals and focus areas are the
/// organisation plan's (its version in force, else its newest), by name.
async fn check_drawn_from(
    conn: &mut AnyConnection,
    org_id: i64,
    parent: &str,
    spec: &PlanSpec,
) -> Result<()> {
    let parent_id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM plans WHERE org_id = $1 AND code = $2 AND scope_unit_id IS NULL \
         ORDER BY CASE WHEN status = 'in_force' THEN 0 ELSE 1 END, version DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(parent)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(parent_id) = parent_id else {
        return Err(invalid(
            "parent",
            Problem::new(
                "err-plan-parent-missing",
                format!("there is no plan '{parent}'"),
            )
            .arg("value", parent),
        ));
    };
    let rows = sqlx::query(
        "SELECT g.name_fi AS goal, f.name_fi AS focus FROM plan_goals g \
         LEFT JOIN plan_focus_areas f ON f.goal_id = g.id WHERE g.plan_id = $1",
    )
    .bind(parent_id)
    .fetch_all(&mut *conn)
    .await?;
    let pairs: Vec<(String, Option<String>)> = rows
        .iter()
        .map(|r| Ok((r.try_get("goal")?, r.try_get("focus")?)))
        .collect::<Result<_>>()?;
    for (gi, g) in spec.goals.iter().enumerate() {
        if !pairs.iter().any(|(goal, _)| *goal == g.names.fi) {
            return Err(invalid(
                &format!("goals.{}.names", gi + 1),
                Problem::new(
                    "err-not-in-parent",
                    format!("'{}' is not a goal of the plan '{parent}'", g.names.fi),
                )
                .arg("value", g.names.fi.as_str()),
            ));
        }
        for (fi, f) in g.focus_areas.iter().enumerate() {
            if !pairs.iter().any(|(goal, focus)| {
                *goal == g.names.fi && focus.as_deref() == Some(f.names.fi.as_str())
            }) {
                return Err(invalid(
                    &format!("goals.{}.focus_areas.{}.names", gi + 1, fi + 1),
                    Problem::new(
                        "err-not-in-parent",
                        format!(
                            "'{}' is not a focus area of that goal in the plan '{parent}'",
                            f.names.fi
                        ),
                    )
                    .arg("value", f.names.fi.as_str()),
                ));
            }
        }
    }
    Ok(())
}

/// Inserts a named step of the chain (a goal or a focus area) under its parent.
async fn insert_named(
    conn: &mut AnyConnection,
    table: &str,
    parent_col: &str,
    parent: i64,
    position: usize,
    names: &Names,
) -> Result<i64> {
    Ok(sqlx::query_scalar(&format!(
        "INSERT INTO {table} ({parent_col}, position, name_fi, name_sv, name_en) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id"
    ))
    .bind(parent)
    .bind(position as i64)
    .bind(&names.fi)
    .bind(&names.sv)
    .bind(&names.en)
    .fetch_one(conn)
    .await?)
}

/// Writes the plan rows; `previous` makes it the next version of that one.
async fn insert_plan(
    conn: &mut AnyConnection,
    actor: &Actor,
    org_id: i64,
    spec: &PlanSpec,
    previous: Option<&Plan>,
    replacing: Option<&Plan>,
) -> Result<i64> {
    spec.check()?;
    let code = kasvu_core::OrgCode::parse(&spec.code).map_err(|p| invalid("code", p))?;
    let version: i64 = match (previous, replacing) {
        (_, Some(r)) => {
            if r.code != code.as_str() {
                return Err(invalid(
                    "code",
                    Problem::new("err-plan-code-fixed", "a plan's code cannot change")
                        .arg("value", r.code.as_str()),
                ));
            }
            r.version
        }
        (Some(p), None) => p.version + 1,
        (None, None) => {
            let exists: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(version) FROM plans WHERE org_id = $1 AND code = $2",
            )
            .bind(org_id)
            .bind(code.as_str())
            .fetch_one(&mut *conn)
            .await?;
            if exists.is_some() {
                return Err(StoreError::Conflict(FieldError::new(
                    "code",
                    Problem::new(
                        "err-plan-code-taken",
                        format!("there is already a plan '{code}': make a new version of it"),
                    )
                    .arg("value", code.as_str()),
                )));
            }
            1
        }
    };
    let unit_rows = sqlx::query("SELECT id, code, level FROM org_units WHERE org_id = $1")
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
    let units: HashMap<String, i64> = unit_rows
        .iter()
        .map(|r| Ok((r.try_get("code")?, r.try_get("id")?)))
        .collect::<Result<_>>()?;
    let scope_id = match (&spec.scope, &spec.parent) {
        (None, None) => None,
        (Some(scope), Some(parent)) => {
            let unit = unit_rows
                .iter()
                .find(|r| r.try_get::<String, _>("code").ok().as_deref() == Some(scope.as_str()))
                .ok_or_else(|| {
                    invalid(
                        "scope",
                        Problem::new(
                            "err-unit-missing",
                            format!("there is no org unit '{scope}'"),
                        )
                        .arg("value", scope.as_str()),
                    )
                })?;
            let level: String = unit.try_get("level")?;
            if level != "area" && level != "cluster" {
                return Err(invalid(
                    "scope",
                    Problem::new(
                        "err-plan-scope",
                        "a regional plan is for an area or a service cluster",
                    )
                    .arg("value", scope.as_str()),
                ));
            }
            check_drawn_from(conn, org_id, parent, spec).await?;
            Some(unit.try_get::<i64, _>("id")?)
        }
        _ => {
            return Err(invalid(
                "parent",
                Problem::new(
                    "err-plan-parent",
                    "a regional plan names both its area and the organisation's plan",
                ),
            ))
        }
    };
    let indicators: HashMap<String, i64> = sqlx::query("SELECT id, code FROM indicators")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("code")?, r.try_get("id")?)))
        .collect::<Result<_>>()?;
    let t = now();
    if let Some(r) = replacing {
        // The draft's content is written anew: its old chain goes first.
        let in_plan =
            "SELECT m.id FROM plan_measures m JOIN plan_focus_areas f ON f.id = m.focus_area_id \
                       JOIN plan_goals g ON g.id = f.goal_id WHERE g.plan_id = $1";
        for sql in [
            format!("DELETE FROM plan_measure_log WHERE measure_id IN ({in_plan})"),
            format!("DELETE FROM plan_evaluations WHERE measure_id IN ({in_plan})"),
            format!("DELETE FROM plan_measure_owners WHERE measure_id IN ({in_plan})"),
            format!("DELETE FROM plan_measure_indicators WHERE measure_id IN ({in_plan})"),
            format!("DELETE FROM plan_measures WHERE id IN ({in_plan})"),
            "DELETE FROM plan_focus_areas WHERE goal_id IN (SELECT id FROM plan_goals WHERE plan_id = $1)"
                .to_owned(),
            "DELETE FROM plan_goals WHERE plan_id = $1".to_owned(),
            "DELETE FROM plan_impacts WHERE plan_id = $1".to_owned(),
            "DELETE FROM plan_notes WHERE plan_id = $1".to_owned(),
        ] {
            sqlx::query(&sql).bind(r.id).execute(&mut *conn).await?;
        }
        sqlx::query(
            "UPDATE plans SET title_fi = $1, title_sv = $2, title_en = $3, aim_fi = $4, aim_sv = $5, aim_en = $6, \
             start_year = $7, end_year = $8, updated_at = $9, scope_unit_id = $10, parent_code = $11, visibility = $13 WHERE id = $12",
        )
        .bind(&spec.title.fi)
        .bind(&spec.title.sv)
        .bind(&spec.title.en)
        .bind(&spec.aim.fi)
        .bind(&spec.aim.sv)
        .bind(&spec.aim.en)
        .bind(i64::from(spec.period.start_year))
        .bind(i64::from(spec.period.end_year))
        .bind(t)
        .bind(scope_id)
        .bind(spec.parent.as_deref())
        .bind(r.id)
        .bind(spec.visibility.code())
        .execute(&mut *conn)
        .await?;
    }
    let id: i64 = if let Some(r) = replacing {
        r.id
    } else {
        sqlx::query_scalar(
        "INSERT INTO plans (org_id, code, version, previous_id, title_fi, title_sv, title_en, aim_fi, aim_sv, aim_en, \
         start_year, end_year, status, approved_on, decision_ref, updated_at, scope_unit_id, parent_code, visibility) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'draft', NULL, '', $13, $14, $15, $16) RETURNING id",
    )
    .bind(org_id)
    .bind(code.as_str())
    .bind(version)
    .bind(previous.map(|p| p.id))
    .bind(&spec.title.fi)
    .bind(&spec.title.sv)
    .bind(&spec.title.en)
    .bind(&spec.aim.fi)
    .bind(&spec.aim.sv)
    .bind(&spec.aim.en)
    .bind(i64::from(spec.period.start_year))
    .bind(i64::from(spec.period.end_year))
    .bind(t)
    .bind(scope_id)
    .bind(spec.parent.as_deref())
    .bind(spec.visibility.code())
    .fetch_one(&mut *conn)
    .await?
    };
    for (gi, g) in spec.goals.iter().enumerate() {
        let goal_id = insert_named(conn, "plan_goals", "plan_id", id, gi, &g.names).await?;
        for (fi, f) in g.focus_areas.iter().enumerate() {
            let focus_id =
                insert_named(conn, "plan_focus_areas", "goal_id", goal_id, fi, &f.names).await?;
            for (mi, m) in f.measures.iter().enumerate() {
                let measure_id: i64 = sqlx::query_scalar(
                    "INSERT INTO plan_measures (focus_area_id, position, name_fi, name_sv, name_en, responsible, \
                     schedule, budget, rights, conditions, status) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                )
                .bind(focus_id)
                .bind(mi as i64)
                .bind(&m.names.fi)
                .bind(&m.names.sv)
                .bind(&m.names.en)
                .bind(&m.responsible)
                .bind(&m.schedule)
                .bind(&m.budget)
                .bind(join_codes(&m.rights, ChildRight::code))
                .bind(join_codes(&m.conditions, ImpactCondition::code))
                .bind(m.status.code())
                .fetch_one(&mut *conn)
                .await?;
                for owner in &m.owners {
                    let unit = units.get(owner).ok_or_else(|| {
                        invalid(
                            "owners",
                            Problem::new(
                                "err-measure-owner",
                                format!(
                                    "measure '{}': '{owner}' is not a unit of this organisation",
                                    m.names.fi
                                ),
                            )
                            .arg("value", owner.as_str()),
                        )
                    })?;
                    sqlx::query(
                        "INSERT INTO plan_measure_owners (measure_id, unit_id) VALUES ($1, $2)",
                    )
                    .bind(measure_id)
                    .bind(*unit)
                    .execute(&mut *conn)
                    .await?;
                }
                for code in &m.indicators {
                    let ind = indicators.get(code).ok_or_else(|| {
                        invalid(
                            "indicators",
                            Problem::new(
                                "err-indicator-missing",
                                format!("there is no indicator '{code}'"),
                            )
                            .arg("value", code.as_str()),
                        )
                    })?;
                    sqlx::query(
                        "INSERT INTO plan_measure_indicators (measure_id, indicator_id) VALUES ($1, $2)",
                    )
                    .bind(measure_id)
                    .bind(*ind)
                    .execute(&mut *conn)
                    .await?;
                }
            }
        }
    }
    let notes = spec
        .strengths
        .iter()
        .map(|t| ("strength", t, None))
        .chain(spec.challenges.iter().map(|t| ("challenge", t, None)))
        .chain(
            spec.structures
                .iter()
                .map(|s| ("structure", &s.name, Some(&s.tasks))),
        );
    for (k, (kind, text, tasks)) in notes.enumerate() {
        let empty = Names::default();
        let tasks = tasks.unwrap_or(&empty);
        sqlx::query(
            "INSERT INTO plan_notes (plan_id, kind, position, text_fi, text_sv, text_en, tasks_fi, tasks_sv, tasks_en) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(kind)
        .bind(k as i64)
        .bind(&text.fi)
        .bind(&text.sv)
        .bind(&text.en)
        .bind(&tasks.fi)
        .bind(&tasks.sv)
        .bind(&tasks.en)
        .execute(&mut *conn)
        .await?;
    }
    for (k, x) in spec.impacts.iter().enumerate() {
        let ind = indicators.get(&x.indicator).ok_or_else(|| {
            invalid(
                &format!("impacts.{}.indicator", k + 1),
                Problem::new(
                    "err-indicator-missing",
                    format!("there is no indicator '{}'", x.indicator),
                )
                .arg("value", x.indicator.as_str()),
            )
        })?;
        sqlx::query(
            "INSERT INTO plan_impacts (plan_id, position, statement_fi, statement_sv, statement_en, indicator_id, direction) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(k as i64)
        .bind(&x.statement.fi)
        .bind(&x.statement.sv)
        .bind(&x.statement.en)
        .bind(*ind)
        .bind(x.direction.code())
        .execute(&mut *conn)
        .await?;
    }
    write_audit(
        conn,
        actor,
        AuditWrite {
            org_id: Some(org_id),
            entity: "plan",
            key: &format!("{code}/v{version}"),
            action: if replacing.is_some() { "replace" } else { "create" },
            old: None,
            new: Some(serde_json::json!({
                "title": spec.title.fi,
                "goals": spec.goals.len(),
                "measures": spec.goals.iter().flat_map(|g| &g.focus_areas).map(|f| f.measures.len()).sum::<usize>(),
            })),
        },
    )
    .await?;
    Ok(id)
}
