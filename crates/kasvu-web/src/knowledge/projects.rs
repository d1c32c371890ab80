//! The project database (seed 004) in public pages: the list with filters by
//! portfolio, state, funder, area and year and the totals per portfolio, and
//! each project's whole record with the percentages computed from its
//! figures. Projects are public like the city's own hanketietokanta; the
//! API writes them.

use crate::support::access::viewer_org;
use crate::support::api::{ApiError, ApiResult, ApiUser};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::date_label;
use crate::support::format::format_number;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::Json;
use kasvu_core::project::{percent, total, Cents, CostLine, ProjectState};
use kasvu_core::role::permits;
use kasvu_core::Action;
use kasvu_store::{Actor, Project, ProjectSpec};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Euros as a page shows them: `521 264 €`, cents only when there are some.
pub(crate) fn euros(ctx: &Ctx, c: Cents) -> String {
    let decimals = if c % 100 == 0 { 0 } else { 2 };
    format!(
        "{}\u{a0}€",
        format_number(ctx.lang, c as f64 / 100.0, decimals)
    )
}

fn pct(ctx: &Ctx, p: Option<f64>) -> String {
    p.map(|v| format!("{}\u{a0}%", format_number(ctx.lang, v, 2)))
        .unwrap_or_else(|| "–".into())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProjectFilter {
    pub portfolio: String,
    pub state: String,
    pub funder: String,
    pub area: String,
    pub year: String,
}

pub struct MoneyRow {
    pub name: String,
    pub original: String,
    pub realised: String,
    pub realised_pct: String,
    pub funding: String,
    pub external: String,
    pub external_pct: String,
}

fn money_row(ctx: &Ctx, name: &str, l: &CostLine) -> MoneyRow {
    MoneyRow {
        name: name.to_owned(),
        original: euros(ctx, l.original_budget),
        realised: euros(ctx, l.realised_costs),
        realised_pct: pct(ctx, l.realised_percent()),
        funding: euros(ctx, l.funding),
        external: euros(ctx, l.external_funding),
        external_pct: pct(ctx, percent(l.external_funding, l.funding)),
    }
}

pub struct ProjectRow {
    pub id: i64,
    pub name: String,
    pub state: String,
    pub period: String,
    pub portfolios: String,
    pub realised: String,
}

#[derive(Template)]
#[template(path = "projects.html")]
pub struct ProjectsPage<'a> {
    pub ctx: &'a Ctx,
    pub projects: Vec<ProjectRow>,
    pub totals: Vec<MoneyRow>,
    pub filter: ProjectFilter,
    pub portfolios: Vec<String>,
    pub funders: Vec<String>,
    pub states: Vec<(String, String)>,
    pub areas: Vec<(String, String)>,
    /// Whether the viewer records projects.
    pub writes: bool,
}

fn period_text(ctx: &Ctx, p: &Project) -> String {
    format!(
        "{}–{}",
        p.start_on
            .map(|d| date_label(ctx.lang, d))
            .unwrap_or_default(),
        p.end_on
            .map(|d| date_label(ctx.lang, d))
            .unwrap_or_default()
    )
}

pub async fn projects(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(f): Query<ProjectFilter>,
) -> PageResult {
    let org = viewer_org(&st, &ctx).await?;
    let all = st.store.projects(org.org_id).await?;
    let tree = st.store.org_tree(org.org_id).await?;
    let units = st.store.org_units(org.org_id).await?;
    let area = units.iter().find(|u| u.code == f.area.trim());
    let year: Option<i32> = f.year.trim().parse().ok();
    let state = ProjectState::parse(&f.state).ok();
    let shown: Vec<&Project> = all
        .iter()
        .filter(|p| f.portfolio.is_empty() || p.portfolios.contains(&f.portfolio))
        .filter(|p| f.funder.is_empty() || p.funders.contains(&f.funder))
        .filter(|p| state.is_none_or(|s| p.state == s))
        .filter(|p| year.is_none_or(|y| p.active_in(y)))
        .filter(|p| {
            area.is_none_or(|a| {
                p.units
                    .iter()
                    .any(|(u, _)| tree.is_within(*u, a.id) || tree.is_within(a.id, *u))
            })
        })
        .collect();
    let mut by_portfolio: BTreeMap<String, Vec<CostLine>> = BTreeMap::new();
    for p in &shown {
        for name in &p.portfolios {
            by_portfolio
                .entry(name.clone())
                .or_default()
                .push(total(&p.cost_lines));
        }
    }
    let mut portfolios: Vec<String> = all.iter().flat_map(|p| p.portfolios.clone()).collect();
    portfolios.sort();
    portfolios.dedup();
    let mut funders: Vec<String> = all.iter().flat_map(|p| p.funders.clone()).collect();
    funders.sort();
    funders.dedup();
    let page = ProjectsPage {
        ctx: &ctx,
        writes: crate::knowledge::pages::writes_practices(&st, &ctx, org.org_id).await?,
        projects: shown
            .iter()
            .map(|p| ProjectRow {
                id: p.id,
                name: p.name.clone(),
                state: ctx.t(&format!("project-state-{}", p.state.code())),
                period: period_text(&ctx, p),
                portfolios: p.portfolios.join(", "),
                realised: euros(&ctx, total(&p.cost_lines).realised_costs),
            })
            .collect(),
        totals: by_portfolio
            .iter()
            .map(|(name, lines)| money_row(&ctx, name, &total(lines)))
            .collect(),
        portfolios,
        funders,
        states: ProjectState::ALL
            .iter()
            .map(|s| {
                (
                    s.code().to_owned(),
                    ctx.t(&format!("project-state-{}", s.code())),
                )
            })
            .collect(),
        areas: units
            .iter()
            .filter(|u| {
                matches!(
                    u.level,
                    kasvu_core::Level::Area | kasvu_core::Level::Cluster
                )
            })
            .map(|u| (u.code.clone(), ctx.name(&u.names).to_owned()))
            .collect(),
        filter: f,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "project.html")]
pub struct ProjectPage<'a> {
    pub ctx: &'a Ctx,
    pub p: Project,
    pub state: String,
    pub period: String,
    pub money: Vec<MoneyRow>,
    pub money_total: Option<MoneyRow>,
    pub units: Vec<(String, String)>,
    /// The register's actors that took part: (code, name).
    pub actors: Vec<(String, String)>,
    /// The plan goals it serves: (plan version id, "plan title: goal name").
    pub goals: Vec<(i64, String)>,
    /// Good practices that came from it: (code, name).
    pub practices: Vec<(String, String)>,
    /// Whether the viewer records projects.
    pub writes: bool,
    pub docs: crate::library::DocumentsView,
}

pub async fn project(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<crate::support::forms::SavedQuery>,
) -> PageResult {
    let p = st.store.project(id).await?.ok_or(AppError::NotFound)?;
    let mut units = Vec::new();
    for (uid, code) in &p.units {
        if let Some(u) = st.store.org_unit_by_id(*uid).await? {
            units.push((code.clone(), ctx.name(&u.names).to_owned()));
        }
    }
    let register = st.store.actors(p.org_id).await?;
    let actors = p
        .actors
        .iter()
        .filter_map(|(id, code)| {
            register
                .iter()
                .find(|e| e.id == *id)
                .map(|e| (code.clone(), e.spec.name.clone()))
        })
        .collect();
    let plans = st.store.plans(p.org_id).await?;
    let mut goals = Vec::new();
    for g in &p.plan_goals {
        // The plan's newest version (plans come newest first per code).
        let Some(plan) = plans.iter().find(|x| x.code == g.plan) else {
            continue;
        };
        if let Some(tree) = st.store.plan_tree(plan.id).await? {
            if let Some(goal) = (g.goal as usize)
                .checked_sub(1)
                .and_then(|i| tree.goals.get(i))
            {
                goals.push((
                    plan.id,
                    format!("{}: {}", ctx.name(&plan.title), ctx.name(&goal.names)),
                ));
            }
        }
    }
    let practices = st
        .store
        .practices_of_project(p.id)
        .await?
        .into_iter()
        .map(|(c, n)| (c, ctx.name(&n).to_owned()))
        .collect();
    let target = kasvu_core::document::DocTarget::Project;
    let access = crate::library::doc_access(&st, &ctx, target, p.id).await?;
    let docs = crate::library::documents_view(&st, &ctx, target, p.id, &access, q.saved.as_deref())
        .await?;
    let page = ProjectPage {
        docs,
        ctx: &ctx,
        writes: crate::knowledge::pages::writes_practices(&st, &ctx, p.org_id).await?,
        actors,
        goals,
        practices,
        state: ctx.t(&format!("project-state-{}", p.state.code())),
        period: period_text(&ctx, &p),
        money: p
            .cost_lines
            .iter()
            .map(|l| money_row(&ctx, &l.name, l))
            .collect(),
        money_total: (p.cost_lines.len() > 1)
            .then(|| money_row(&ctx, &ctx.t("project-total"), &total(&p.cost_lines))),
        units,
        p,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CostLineDto {
    pub name: String,
    /// Euros.
    pub original_budget: f64,
    pub realised_costs: f64,
    /// Realised costs as a percentage of the original budget (computed).
    pub realised_percent: Option<f64>,
    pub funding: f64,
    pub external_funding: f64,
    /// External funding as a percentage of all funding (computed).
    pub external_percent: Option<f64>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ProjectDto {
    pub id: i64,
    pub name: String,
    pub project_type: String,
    pub portfolios: Vec<String>,
    pub summary: String,
    pub goals: String,
    pub cost_lines: Vec<CostLineDto>,
    pub results: String,
    pub benefits: String,
    pub good_practices: String,
    pub remarks: String,
    /// planned, ongoing or ended.
    pub state: String,
    pub start_on: Option<String>,
    pub end_on: Option<String>,
    pub funders: Vec<String>,
    pub implementers: Vec<String>,
    pub responsible: String,
    pub manager: String,
    /// (title, url)
    pub links: Vec<(String, String)>,
    /// Area and cluster codes.
    pub units: Vec<String>,
    /// Codes of the register's actors that took part.
    pub actors: Vec<String>,
    /// Plan goals it serves: (plan code, goal number from 1).
    pub plan_goals: Vec<(String, u32)>,
}

impl From<&Project> for ProjectDto {
    fn from(p: &Project) -> Self {
        let e = |c: Cents| c as f64 / 100.0;
        ProjectDto {
            id: p.id,
            name: p.name.clone(),
            project_type: p.project_type.clone(),
            portfolios: p.portfolios.clone(),
            summary: p.summary.clone(),
            goals: p.goals.clone(),
            cost_lines: p
                .cost_lines
                .iter()
                .map(|l| CostLineDto {
                    name: l.name.clone(),
                    original_budget: e(l.original_budget),
                    realised_costs: e(l.realised_costs),
                    realised_percent: l.realised_percent(),
                    funding: e(l.funding),
                    external_funding: e(l.external_funding),
                    external_percent: l.external_percent(),
                })
                .collect(),
            results: p.results.clone(),
            benefits: p.benefits.clone(),
            good_practices: p.good_practices.clone(),
            remarks: p.remarks.clone(),
            state: p.state.code().into(),
            start_on: p.start_on.map(kasvu_core::format_date),
            end_on: p.end_on.map(kasvu_core::format_date),
            funders: p.funders.clone(),
            implementers: p.implementers.clone(),
            responsible: p.responsible.clone(),
            manager: p.manager.clone(),
            links: p.links.clone(),
            units: p.units.iter().map(|(_, c)| c.clone()).collect(),
            actors: p.actors.iter().map(|(_, c)| c.clone()).collect(),
            plan_goals: p
                .plan_goals
                .iter()
                .map(|g| (g.plan.clone(), g.goal))
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/projects", tag = "projects",
    responses((status = 200, description = "Every organisation's projects", body = [ProjectDto])))]
pub async fn list_projects(State(st): State<AppState>) -> ApiResult<Json<Vec<ProjectDto>>> {
    let mut out = Vec::new();
    for org in st.store.organisations().await? {
        out.extend(
            st.store
                .projects(org.org_id)
                .await?
                .iter()
                .map(ProjectDto::from),
        );
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects",
    params(("id" = i64, Path, description = "Project id")),
    responses((status = 200, body = ProjectDto), (status = 404, body = crate::support::api::ApiErrorBody)))]
pub async fn get_project(
    State(st): State<AppState>,
    crate::support::api::Path(id): crate::support::api::Path<i64>,
) -> ApiResult<Json<ProjectDto>> {
    let p = st
        .store
        .project(id)
        .await?
        .ok_or_else(|| ApiError::not_found("project"))?;
    Ok(Json(ProjectDto::from(&p)))
}

crate::support::api::body_schema!(
    /// A project record, as the store reads it (`kasvu_store::ProjectSpec`).
    ProjectInput,
    {
        use crate::support::api::{one_of, optional_text, required_text};
        let max = 20_000; // kasvu_store knowledge::projects::MAX_PROJECT_TEXT
        let text = optional_text(max);
        let any_text = serde_json::json!({"type": "string"});
        let texts = serde_json::json!({"type": "array", "items": {"type": "string"}});
        let euros = serde_json::json!({"type": "string", "description": "euros, e.g. \"521 264\" or \"1 200,50\""});
        serde_json::json!({
            "type": "object", "required": ["name"],
            "properties": {
                "name": required_text(300), "project_type": any_text, "portfolios": texts,
                "summary": text, "goals": text,
                "cost_lines": {"type": "array", "items": {"type": "object",
                    "required": ["name", "original_budget", "realised_costs", "funding", "external_funding"],
                    "properties": {"name": {"type": "string"}, "original_budget": euros, "realised_costs": euros,
                                   "funding": euros, "external_funding": euros}}},
                "results": text, "benefits": text, "good_practices": text, "remarks": text,
                "state": one_of(kasvu_core::project::ProjectState::CODES),
                "start_on": {"type": "string", "description": "YYYY-MM-DD, or empty"},
                "end_on": {"type": "string", "description": "YYYY-MM-DD, or empty"},
                "funders": texts, "implementers": texts,
                "responsible": any_text, "manager": any_text,
                "links": {"type": "array", "items": {"type": "object", "required": ["title", "url"],
                    "properties": {"title": {"type": "string"}, "url": {"type": "string"}}}},
                "units": texts,
            },
        })
    }
);

#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", security(("bearer" = [])),
    request_body(content = ProjectInput, description = "A project record: name, project_type, portfolios [..], summary, goals, cost_lines [{name, original_budget, realised_costs, funding, external_funding} as euros like \"521 264\"], results, benefits, good_practices, remarks, state (planned|ongoing|ended), start_on, end_on (YYYY-MM-DD), funders [..], implementers [..], responsible, manager, links [{title, url}], units [area or cluster codes]. The demo's crates/kasvu-io/demo/oulu_projects.json is an example."),
    responses((status = 201, body = crate::support::api::IdDto), (status = 400, body = crate::support::api::ApiErrorBody),
              (status = 401, body = crate::support::api::ApiErrorBody), (status = 403, body = crate::support::api::ApiErrorBody)))]
pub async fn create_project(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    crate::support::api::Json(body): crate::support::api::Json<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<crate::support::api::IdDto>)> {
    let tree = st.store.org_tree(user.org_id).await?;
    if !permits(&user.assignments(), &tree, Action::ManagePlans, user.org_id) {
        return Err(AppError::Forbidden.into());
    }
    let spec: ProjectSpec = serde_json::from_value(body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("the project: {e}")))?;
    let id = st
        .store
        .create_project(&Actor::user(user.id, &user.email), user.org_id, &spec)
        .await?;
    Ok((StatusCode::CREATED, Json(crate::support::api::IdDto { id })))
}
