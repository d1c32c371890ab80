//! The development project database (seed 004): projects written whole from
//! a [`ProjectSpec`] (the API's and the demo's JSON shape), read back with
//! their money in cost lines whose percentages the core computes. A project
//! is tied to areas or clusters of its organisation. Audited.

use crate::support::audit::audit_change;
use crate::support::db::{stored_date, Store};
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::project::{parse_euros, CostLine, ProjectState};
use kasvu_core::team::parse_text;
use kasvu_core::{format_date, parse_date, FieldError, Problem};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;
use time::Date;

/// One line of money as written: amounts as people write euros
/// (`"521 264"`, `"1234,50"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostLineSpec {
    pub name: String,
    pub original_budget: String,
    pub realised_costs: String,
    pub funding: String,
    pub external_funding: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkSpec {
    pub title: String,
    pub url: String,
}

/// A project record with every field of seed 004's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSpec {
    pub name: String,
    /// e.g. "Oulun kaupungin hanke".
    #[serde(default)]
    pub project_type: String,
    /// e.g. "KONSTI Elämänhallinta- ja hyvinvointiohjelma 2010–2013".
    #[serde(default)]
    pub portfolios: Vec<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub cost_lines: Vec<CostLineSpec>,
    #[serde(default)]
    pub results: String,
    #[serde(default)]
    pub benefits: String,
    /// Good practices to carry into basic work.
    #[serde(default)]
    pub good_practices: String,
    #[serde(default)]
    pub remarks: String,
    #[serde(default)]
    pub state: ProjectState,
    /// YYYY-MM-DD
    #[serde(default)]
    pub start_on: String,
    #[serde(default)]
    pub end_on: String,
    #[serde(default)]
    pub funders: Vec<String>,
    #[serde(default)]
    pub implementers: Vec<String>,
    #[serde(default)]
    pub responsible: String,
    #[serde(default)]
    pub manager: String,
    #[serde(default)]
    pub links: Vec<LinkSpec>,
    /// Codes of the areas and clusters it concerns.
    #[serde(default)]
    pub units: Vec<String>,
    /// Codes of the register's actors that took part.
    #[serde(default)]
    pub actors: Vec<String>,
    /// The plan goals it serves.
    #[serde(default)]
    pub plan_goals: Vec<GoalRef>,
}

/// A plan goal by its plan's code and its number in the plan (from 1), so
/// the link holds across the plan's versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalRef {
    pub plan: String,
    pub goal: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub project_type: String,
    pub portfolios: Vec<String>,
    pub summary: String,
    pub goals: String,
    pub cost_lines: Vec<CostLine>,
    pub results: String,
    pub benefits: String,
    pub good_practices: String,
    pub remarks: String,
    pub state: ProjectState,
    pub start_on: Option<Date>,
    pub end_on: Option<Date>,
    pub funders: Vec<String>,
    pub implementers: Vec<String>,
    pub responsible: String,
    pub manager: String,
    pub links: Vec<(String, String)>,
    /// (id, code) of the areas and clusters.
    pub units: Vec<(i64, String)>,
    /// (id, code) of the register's actors.
    pub actors: Vec<(i64, String)>,
    pub plan_goals: Vec<GoalRef>,
}

/// What search finds of a project.
pub(crate) fn project_doc(p: &Project) -> crate::search::SearchDoc {
    doc_of(
        p.org_id,
        p.id,
        &p.name,
        [
            p.summary.as_str(),
            &p.goals,
            &p.results,
            &p.good_practices,
            &p.portfolios.join(", "),
            &p.funders.join(", "),
            &p.implementers.join(", "),
        ],
        p.units.iter().map(|(_, c)| c.clone()).collect(),
    )
}

fn doc_of(
    org_id: i64,
    id: i64,
    name: &str,
    texts: [&str; 7],
    areas: Vec<String>,
) -> crate::search::SearchDoc {
    crate::search::SearchDoc {
        org_id,
        kind: kasvu_core::search::SearchKind::Project,
        key: id.to_string(),
        title: kasvu_core::Names {
            fi: name.to_owned(),
            ..Default::default()
        },
        body: texts
            .into_iter()
            .filter(|t| !t.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        sector: String::new(),
        areas,
        public: true,
        team_id: 0,
        members_only: false,
    }
}

impl Project {
    /// Whether the project ran during some part of `year`.
    pub fn active_in(&self, year: i32) -> bool {
        self.start_on.is_none_or(|d| d.year() <= year)
            && self.end_on.is_none_or(|d| d.year() >= year)
    }
}

/// The longest long text field of a project.
pub const MAX_PROJECT_TEXT: usize = 20_000;

fn invalid(field: String, p: Problem) -> StoreError {
    StoreError::Invalid(FieldError::new(field, p))
}

struct Checked {
    name: String,
    lines: Vec<CostLine>,
    start: Option<Date>,
    end: Option<Date>,
}

fn check(spec: &ProjectSpec) -> Result<Checked> {
    let name = parse_text(&spec.name, 300).map_err(|p| invalid("name".into(), p))?;
    for (field, v) in [
        ("summary", &spec.summary),
        ("goals", &spec.goals),
        ("results", &spec.results),
        ("benefits", &spec.benefits),
        ("good_practices", &spec.good_practices),
        ("remarks", &spec.remarks),
    ] {
        if v.chars().count() > MAX_PROJECT_TEXT {
            return Err(invalid(field.into(), Problem::too_long(MAX_PROJECT_TEXT)));
        }
    }
    let mut lines = Vec::new();
    for (i, l) in spec.cost_lines.iter().enumerate() {
        let at = |f: &str| format!("cost_lines[{}].{f}", i + 1);
        let euros = |f: &str, v: &str| parse_euros(v).map_err(|p| invalid(at(f), p));
        let line = CostLine {
            name: l.name.trim().to_owned(),
            original_budget: euros("original_budget", &l.original_budget)?,
            realised_costs: euros("realised_costs", &l.realised_costs)?,
            funding: euros("funding", &l.funding)?,
            external_funding: euros("external_funding", &l.external_funding)?,
        };
        line.check().map_err(|(f, p)| invalid(at(f), p))?;
        lines.push(line);
    }
    let date = |f: &str, v: &str| parse_date(v).map_err(|p| invalid(f.into(), p));
    let (start, end) = (
        date("start_on", &spec.start_on)?,
        date("end_on", &spec.end_on)?,
    );
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            return Err(invalid(
                "end_on".into(),
                Problem::new(
                    "err-ends-before-start",
                    "a project cannot end before it starts",
                ),
            ));
        }
    }
    for (i, l) in spec.links.iter().enumerate() {
        let url = l.url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(invalid(
                format!("links[{}].url", i + 1),
                Problem::new("err-url", format!("'{url}' is not a web address")).arg("value", url),
            ));
        }
    }
    Ok(Checked {
        name,
        lines,
        start,
        end,
    })
}

/// Refuses a goal its plan does not have (in the plan's newest version).
async fn goal_exists(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    g: &GoalRef,
    field: &str,
) -> Result<()> {
    let count: Option<i64> = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM plan_goals WHERE plan_id = p.id) FROM plans p \
         WHERE p.org_id = $1 AND p.code = $2 ORDER BY p.version DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(g.plan.trim())
    .fetch_optional(&mut *conn)
    .await?;
    match count {
        None => Err(invalid(
            format!("{field}.plan"),
            Problem::new(
                "err-plan-missing",
                format!("there is no plan '{}'", g.plan.trim()),
            )
            .arg("value", g.plan.trim()),
        )),
        Some(n) if g.goal == 0 || i64::from(g.goal) > n => Err(invalid(
            format!("{field}.goal"),
            Problem::new(
                "err-goal-missing",
                format!("the plan has no goal {}", g.goal),
            )
            .arg("value", g.goal.to_string()),
        )),
        Some(_) => Ok(()),
    }
}

impl Store {
    /// Writes a new project, checked whole; nothing is stored on refusal.
    pub async fn create_project(
        &self,
        actor: &Actor,
        org_id: i64,
        spec: &ProjectSpec,
    ) -> Result<i64> {
        self.save_project(actor, org_id, None, spec).await
    }

    /// Writes a project whole: a new one (`id` None), or replacing every
    /// field of the organisation's project `id`. Checked whole; nothing
    /// changes on refusal.
    pub async fn save_project(
        &self,
        actor: &Actor,
        org_id: i64,
        id: Option<i64>,
        spec: &ProjectSpec,
    ) -> Result<i64> {
        let c = check(spec)?;
        let replacing = id.is_some();
        let mut tx = self.begin_write().await?;
        if let Some(id) = id {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM projects WHERE id = $1 AND org_id = $2")
                    .bind(id)
                    .bind(org_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if found.is_none() {
                return Err(StoreError::NotFound(format!("project {id}")));
            }
        }
        let mut unit_ids = Vec::new();
        for (i, code) in spec.units.iter().enumerate() {
            let field = format!("units[{}]", i + 1);
            unit_ids.push(crate::support::db::unit_in(&mut tx, org_id, code, &field).await?);
        }
        let mut actor_ids = Vec::new();
        for (i, code) in spec.actors.iter().enumerate() {
            let field = format!("actors[{}]", i + 1);
            actor_ids.push(crate::support::db::actor_in(&mut tx, org_id, code, &field).await?);
        }
        actor_ids.sort_unstable();
        actor_ids.dedup();
        for (i, g) in spec.plan_goals.iter().enumerate() {
            goal_exists(&mut tx, org_id, g, &format!("plan_goals[{}]", i + 1)).await?;
        }
        let (sql, key) = match id {
            None => (
                "INSERT INTO projects (org_id, name, project_type, summary, goals, results, benefits, good_practices, \
                 remarks, state, start_on, end_on, responsible, manager, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                org_id,
            ),
            Some(id) => (
                "UPDATE projects SET name = $2, project_type = $3, summary = $4, goals = $5, results = $6, \
                 benefits = $7, good_practices = $8, remarks = $9, state = $10, start_on = $11, end_on = $12, \
                 responsible = $13, manager = $14, updated_at = $15 WHERE id = $1 RETURNING id",
                id,
            ),
        };
        let id: i64 = sqlx::query_scalar(sql)
            .bind(key)
            .bind(&c.name)
            .bind(spec.project_type.trim())
            .bind(spec.summary.trim())
            .bind(spec.goals.trim())
            .bind(spec.results.trim())
            .bind(spec.benefits.trim())
            .bind(spec.good_practices.trim())
            .bind(spec.remarks.trim())
            .bind(spec.state.code())
            .bind(c.start.map(format_date))
            .bind(c.end.map(format_date))
            .bind(spec.responsible.trim())
            .bind(spec.manager.trim())
            .bind(now())
            .fetch_one(&mut *tx)
            .await?;
        for table in [
            "project_tags",
            "project_cost_lines",
            "project_links",
            "project_units",
            "project_actors",
            "project_goals",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE project_id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        for (kind, names) in [
            ("portfolio", &spec.portfolios),
            ("funder", &spec.funders),
            ("implementer", &spec.implementers),
        ] {
            for (i, n) in names
                .iter()
                .map(|n| n.trim())
                .filter(|n| !n.is_empty())
                .enumerate()
            {
                sqlx::query("INSERT INTO project_tags (project_id, kind, position, name) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(kind)
                    .bind(i as i64)
                    .bind(n)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (i, l) in c.lines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO project_cost_lines (project_id, position, name, original_budget, realised_costs, funding, external_funding) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(i as i64)
            .bind(&l.name)
            .bind(l.original_budget)
            .bind(l.realised_costs)
            .bind(l.funding)
            .bind(l.external_funding)
            .execute(&mut *tx)
            .await?;
        }
        for (i, l) in spec.links.iter().enumerate() {
            sqlx::query("INSERT INTO project_links (project_id, position, title, url) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(i as i64)
                .bind(l.title.trim())
                .bind(l.url.trim())
                .execute(&mut *tx)
                .await?;
        }
        unit_ids.sort_unstable();
        unit_ids.dedup();
        for u in unit_ids {
            sqlx::query("INSERT INTO project_units (project_id, unit_id) VALUES ($1, $2)")
                .bind(id)
                .bind(u)
                .execute(&mut *tx)
                .await?;
        }
        for a in actor_ids {
            sqlx::query("INSERT INTO project_actors (project_id, actor_id) VALUES ($1, $2)")
                .bind(id)
                .bind(a)
                .execute(&mut *tx)
                .await?;
        }
        let mut goals = spec.plan_goals.clone();
        goals.sort_by(|a, b| (&a.plan, a.goal).cmp(&(&b.plan, b.goal)));
        goals.dedup();
        for g in &goals {
            sqlx::query(
                "INSERT INTO project_goals (project_id, plan_code, goal_no) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(g.plan.trim())
            .bind(i64::from(g.goal))
            .execute(&mut *tx)
            .await?;
        }
        crate::search::put(
            &mut tx,
            &doc_of(
                org_id,
                id,
                &c.name,
                [
                    spec.summary.as_str(),
                    &spec.goals,
                    &spec.results,
                    &spec.good_practices,
                    &spec.portfolios.join(", "),
                    &spec.funders.join(", "),
                    &spec.implementers.join(", "),
                ],
                spec.units.iter().map(|u| u.trim().to_owned()).collect(),
            ),
        )
        .await?;
        audit_change(
            &mut tx,
            actor,
            org_id,
            "project",
            &id.to_string(),
            if replacing { "update" } else { "create" },
            json!(spec),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An organisation's projects, newest start first.
    pub async fn projects(&self, org_id: i64) -> Result<Vec<Project>> {
        self.projects_where("p.org_id = $1", org_id).await
    }

    pub async fn project(&self, id: i64) -> Result<Option<Project>> {
        Ok(self.projects_where("p.id = $1", id).await?.pop())
    }

    async fn projects_where(&self, cond: &str, key: i64) -> Result<Vec<Project>> {
        let rows = sqlx::query(&format!(
            "SELECT p.id, p.org_id, p.name, p.project_type, p.summary, p.goals, p.results, p.benefits, p.good_practices, \
             p.remarks, p.state, p.start_on, p.end_on, p.responsible, p.manager FROM projects p \
             WHERE {cond} ORDER BY p.start_on DESC, p.id DESC"
        ))
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let state: String = r.try_get("state")?;
            let start: Option<String> = r.try_get("start_on")?;
            let end: Option<String> = r.try_get("end_on")?;
            out.push(Project {
                id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                name: r.try_get("name")?,
                project_type: r.try_get("project_type")?,
                portfolios: Vec::new(),
                summary: r.try_get("summary")?,
                goals: r.try_get("goals")?,
                cost_lines: Vec::new(),
                results: r.try_get("results")?,
                benefits: r.try_get("benefits")?,
                good_practices: r.try_get("good_practices")?,
                remarks: r.try_get("remarks")?,
                state: ProjectState::parse(&state).map_err(|p| StoreError::corrupt("state", p))?,
                start_on: start.as_deref().map(stored_date).transpose()?,
                end_on: end.as_deref().map(stored_date).transpose()?,
                funders: Vec::new(),
                implementers: Vec::new(),
                responsible: r.try_get("responsible")?,
                manager: r.try_get("manager")?,
                links: Vec::new(),
                units: Vec::new(),
                actors: Vec::new(),
                plan_goals: Vec::new(),
            });
        }
        if out.is_empty() {
            return Ok(out);
        }
        // The ids come from the query above, never from input.
        let list = out
            .iter()
            .map(|p| p.id.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let mut index: HashMap<i64, usize> = HashMap::new();
        for (i, p) in out.iter().enumerate() {
            index.insert(p.id, i);
        }
        for r in sqlx::query(&format!(
            "SELECT project_id, kind, name FROM project_tags WHERE project_id IN ({list}) ORDER BY project_id, kind, position"
        ))
        .fetch_all(&self.pool)
        .await?
        {
            let Some(&i) = index.get(&r.try_get::<i64, _>("project_id")?) else { continue };
            let kind: String = r.try_get("kind")?;
            let name: String = r.try_get("name")?;
            match kind.as_str() {
                "portfolio" => out[i].portfolios.push(name),
                "funder" => out[i].funders.push(name),
                _ => out[i].implementers.push(name),
            }
        }
        for r in sqlx::query(&format!(
            "SELECT project_id, name, original_budget, realised_costs, funding, external_funding \
             FROM project_cost_lines WHERE project_id IN ({list}) ORDER BY project_id, position"
        ))
        .fetch_all(&self.pool)
        .await?
        {
            let Some(&i) = index.get(&r.try_get::<i64, _>("project_id")?) else {
                continue;
            };
            out[i].cost_lines.push(CostLine {
                name: r.try_get("name")?,
                original_budget: r.try_get("original_budget")?,
                realised_costs: r.try_get("realised_costs")?,
                funding: r.try_get("funding")?,
                external_funding: r.try_get("external_funding")?,
            });
        }
        for r in sqlx::query(&format!(
            "SELECT project_id, title, url FROM project_links WHERE project_id IN ({list}) ORDER BY project_id, position"
        ))
        .fetch_all(&self.pool)
        .await?
        {
            let Some(&i) = index.get(&r.try_get::<i64, _>("project_id")?) else { continue };
            out[i].links.push((r.try_get("title")?, r.try_get("url")?));
        }
        for r in sqlx::query(&format!(
            "SELECT pu.project_id, u.id, u.code FROM project_units pu JOIN org_units u ON u.id = pu.unit_id \
             WHERE pu.project_id IN ({list}) ORDER BY pu.project_id, u.code"
        ))
        .fetch_all(&self.pool)
        .await?
        {
            let Some(&i) = index.get(&r.try_get::<i64, _>("project_id")?) else { continue };
            out[i].units.push((r.try_get("id")?, r.try_get("code")?));
        }
        for r in sqlx::query(&format!(
            "SELECT pa.project_id, a.id, a.code FROM project_actors pa JOIN actors a ON a.id = pa.actor_id \
             WHERE pa.project_id IN ({list}) ORDER BY pa.project_id, a.name"
        ))
        .fetch_all(&self.pool)
        .await?
        {
            let Some(&i) = index.get(&r.try_get::<i64, _>("project_id")?) else { continue };
            out[i].actors.push((r.try_get("id")?, r.try_get("code")?));
        }
        for r in sqlx::query(&format!(
            "SELECT project_id, plan_code, goal_no FROM project_goals WHERE project_id IN ({list}) \
             ORDER BY project_id, plan_code, goal_no"
        ))
        .fetch_all(&self.pool)
        .await?
        {
            let Some(&i) = index.get(&r.try_get::<i64, _>("project_id")?) else {
                continue;
            };
            let no: i64 = r.try_get("goal_no")?;
            out[i].plan_goals.push(GoalRef {
                plan: r.try_get("plan_code")?,
                goal: u32::try_from(no)
                    .map_err(|_| StoreError::Corrupt(format!("goal number {no}")))?,
            });
        }
        Ok(out)
    }
}
