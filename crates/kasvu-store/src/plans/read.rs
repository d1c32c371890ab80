//! Reading plans: the list, a version with its whole chain, open measures.

use super::*;

impl Store {
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
            "SELECT m.id, m.stable_key, m.focus_area_id, m.name_fi, m.name_sv, m.name_en, m.responsible, m.schedule, \
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
                statement: crate::support::db::names_of(r, "statement")?,
                indicator: r.try_get("code")?,
                direction: Direction::parse(&d).map_err(|p| StoreError::corrupt("impact direction", p))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let names = |r: &sqlx::any::AnyRow| crate::support::db::names_of(r, "name");
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
                    key: r.try_get("stable_key")?,
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
            let text = crate::support::db::names_of(&r, "text")?;
            let kind: String = r.try_get("kind")?;
            match kind.as_str() {
                "strength" => strengths.push(text),
                "challenge" => challenges.push(text),
                _ => structures.push(StructureSpec {
                    name: text,
                    tasks: crate::support::db::names_of(&r, "tasks")?,
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
                                    key: Some(m.key.clone()),
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
    /// Whether the measure's plan is public (an internal plan's measures
    /// are not named on public pages).
    pub public: bool,
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
        row.map(|r| {
            Ok((
                r.try_get("plan_id")?,
                crate::support::db::names_of(&r, "name")?,
            ))
        })
        .transpose()
    }

    /// The measures of an organisation's plans in force (its own and its
    /// areas') not yet done or dropped.
    pub async fn open_measures(&self, org_id: i64) -> Result<Vec<OpenMeasure>> {
        let rows = sqlx::query(&format!(
            "SELECT m.id, p.id AS plan_id, m.name_fi, m.name_sv, m.name_en, m.status, m.schedule, \
             p.visibility {MEASURE_PLAN} \
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
                    names: crate::support::db::names_of(r, "name")?,
                    status: MeasureStatus::parse(&status)
                        .map_err(|p| StoreError::corrupt("status", p))?,
                    schedule: r.try_get("schedule")?,
                    owners: by_measure.remove(&id).unwrap_or_default(),
                    public: r.try_get::<String, _>("visibility")? == "public",
                })
            })
            .collect()
    }
}
