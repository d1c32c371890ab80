//! The welfare plan in storage: versions with their lifecycle, and the
//! chain goal → focus area → measure (owner units, responsible person,
//! schedule, budget, status with a dated log, tags, indicators as evidence).
//!
//! A plan's content is written whole, as a draft ([`Store::create_plan`]);
//! an approved version is frozen, and changing it means a new draft version
//! copied from it ([`Store::new_plan_version`]). A measure's status is
//! follow-up, not content: it is logged on any version.

use crate::support::audit::{write_audit, AuditWrite};
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
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

mod follow_up;
mod read;
mod search_docs;
mod write;

pub use read::OpenMeasure;

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
    /// The measure's stable key across versions (kasvu_core::plan::
    /// check_measure_key); a new measure has none and is given one. The
    /// evaluations and status history of the measure with the same key in
    /// the version it was copied from (or the draft it replaces) carry over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
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
    /// Stable across versions (see [`MeasureSpec::key`]).
    pub key: String,
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
        title: crate::support::db::names_of(r, "title")?,
        aim: crate::support::db::names_of(r, "aim")?,
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
