//! Writing one-contact paths and good practices in pages (the API writes
//! them too). A path is edited by people who edit the tree at its area (at
//! the organisation, for a city-wide path); practices by organisation-wide
//! roles that manage plans. The forms are plain HTML: a path has a fixed
//! number of step rows, of which the empty ones are left out.

use crate::support::ctx::{Ctx, SignedIn};
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::forms::all;
use crate::support::forms::field;
use crate::support::forms::field_label;
use crate::support::forms::rows_of;
use crate::support::forms::Checked;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use kasvu_core::path::{StepKind, MAX_STEPS};
use kasvu_core::role::permits;
use kasvu_core::{Action, Names};
use kasvu_store::{Actor, PathSpec, PracticeSpec, StepSpec, User};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeQuery {
    pub code: String,
}

/// Names from the form fields `{prefix}_fi`, `_sv` and `_en`.
fn names(form: &[(String, String)], prefix: &str) -> Names {
    Names {
        fi: field(form, &format!("{prefix}_fi")),
        sv: field(form, &format!("{prefix}_sv")),
        en: field(form, &format!("{prefix}_en")),
    }
}

/// May the user write a path for this area (or the whole organisation)?
fn may_write_path(st_tree: &kasvu_core::OrgTree, user: &User, unit_id: i64) -> bool {
    permits(&user.assignments(), st_tree, Action::EditTree, unit_id)
}

pub struct StepRow {
    pub n: usize,
    pub kind: String,
    pub what: Names,
    pub how: Names,
    pub actor: String,
    pub staff_note: String,
}

#[derive(Template)]
#[template(path = "path_form.html")]
pub struct PathForm<'a> {
    pub ctx: &'a Ctx,
    pub new: bool,
    pub p: PathSpec,
    pub steps: Vec<StepRow>,
    pub areas: Vec<(String, String)>,
    pub actors: Vec<(String, String)>,
    pub kinds: Vec<(String, String)>,
}

pub async fn edit_path(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Query(q): Query<CodeQuery>,
) -> PageResult {
    if !ctx.can_edit_tree {
        return Err(AppError::Forbidden);
    }
    let existing = if q.code.trim().is_empty() {
        None
    } else {
        Some(
            st.store
                .path(user.org_id, &q.code)
                .await?
                .ok_or(AppError::NotFound)?,
        )
    };
    let p = existing
        .as_ref()
        .map(|p| p.spec.clone())
        .unwrap_or(PathSpec {
            code: String::new(),
            need: Names::default(),
            intro: Names::default(),
            area: String::new(),
            published: false,
            steps: Vec::new(),
        });
    let blank = |n: usize| StepRow {
        n,
        kind: if n == 1 { "everyday" } else { "contact" }.into(),
        what: Names::default(),
        how: Names::default(),
        actor: String::new(),
        staff_note: String::new(),
    };
    let mut steps: Vec<StepRow> = p
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepRow {
            n: i + 1,
            kind: s.kind.code().into(),
            what: s.what.clone(),
            how: s.how.clone(),
            actor: s.actor.clone(),
            staff_note: s.staff_note.clone(),
        })
        .collect();
    // Two empty rows more (four for a new path), up to the most a path may have.
    let want = (steps.len() + if steps.is_empty() { 4 } else { 2 }).min(MAX_STEPS);
    while steps.len() < want {
        steps.push(blank(steps.len() + 1));
    }
    let units = st.store.org_units(user.org_id).await?;
    let page = PathForm {
        ctx: &ctx,
        new: existing.is_none(),
        steps,
        areas: crate::support::access::area_choices(&ctx, &units),
        actors: crate::support::access::actor_choices(&st, user.org_id).await?,
        kinds: StepKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), ctx.t(&format!("step-{}", k.code()))))
            .collect(),
        p,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn save_path(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Checked(axum::Form(form)): Checked<axum::Form<Vec<(String, String)>>>,
) -> PageResult {
    let tree = st.store.org_tree(user.org_id).await?;
    let area = field(&form, "area");
    let unit = if area.trim().is_empty() {
        user.org_id
    } else {
        st.store
            .org_units(user.org_id)
            .await?
            .iter()
            .find(|u| u.code == area.trim())
            .map(|u| u.id)
            .ok_or_else(|| AppError::BadRequest(format!("area: {area}")))?
    };
    if !may_write_path(&tree, &user, unit) {
        return Err(AppError::Forbidden);
    }
    let code = field(&form, "code");
    // An edited path must stay within the editor's scope where it was, too.
    if let Some(old) = st.store.path(user.org_id, &code).await? {
        if !may_write_path(&tree, &user, old.area_id.unwrap_or(user.org_id)) {
            return Err(AppError::Forbidden);
        }
    }
    let mut steps = Vec::new();
    for n in 1..=MAX_STEPS {
        let what = names(&form, &format!("what{n}"));
        let actor = field(&form, &format!("actor{n}"));
        if what.fi.trim().is_empty() && what.sv.trim().is_empty() && actor.is_empty() {
            continue;
        }
        let kind = StepKind::parse(&field(&form, &format!("kind{n}"))).map_err(|p| {
            AppError::BadRequest(format!(
                "{}: {}",
                field_label(&ctx, "path", &format!("steps[{n}].kind")),
                ctx.lang.problem(&p)
            ))
        })?;
        steps.push(StepSpec {
            kind,
            what,
            how: names(&form, &format!("how{n}")),
            actor,
            staff_note: field(&form, &format!("staff_note{n}")),
        });
    }
    let spec = PathSpec {
        code: code.clone(),
        need: names(&form, "need"),
        intro: names(&form, "intro"),
        area,
        published: field(&form, "published") == "on",
        steps,
    };
    st.store
        .save_path(&Actor::user(user.id, &user.email), user.org_id, &spec)
        .await
        .map_err(|e| refused(Labels::Form("path".into()), e))?;
    Ok(Redirect::to(&format!(
        "/paths/{}",
        crate::support::ctx::url_encode(code.trim())
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "practice_form.html")]
pub struct PracticeForm<'a> {
    pub ctx: &'a Ctx,
    pub new: bool,
    pub p: PracticeSpec,
    pub areas: Vec<(String, String)>,
    pub projects: Vec<(i64, String)>,
}

/// Organisation-wide roles that manage plans write practices and projects.
fn manages_org_plans(st_tree: &kasvu_core::OrgTree, user: &User) -> bool {
    permits(
        &user.assignments(),
        st_tree,
        Action::ManagePlans,
        user.org_id,
    )
}

pub async fn edit_practice(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Query(q): Query<CodeQuery>,
) -> PageResult {
    let tree = st.store.org_tree(user.org_id).await?;
    if !manages_org_plans(&tree, &user) {
        return Err(AppError::Forbidden);
    }
    let existing = if q.code.trim().is_empty() {
        None
    } else {
        Some(
            st.store
                .practice(user.org_id, &q.code)
                .await?
                .ok_or(AppError::NotFound)?,
        )
    };
    let units = st.store.org_units(user.org_id).await?;
    let page = PracticeForm {
        ctx: &ctx,
        new: existing.is_none(),
        p: existing.map(|p| p.spec).unwrap_or(PracticeSpec {
            code: String::new(),
            name: Names::default(),
            description: String::new(),
            target_group: String::new(),
            problem: String::new(),
            how_to: String::new(),
            resources: String::new(),
            evidence: String::new(),
            in_use: String::new(),
            themes: Vec::new(),
            units: Vec::new(),
            projects: Vec::new(),
        }),
        areas: crate::support::access::area_choices(&ctx, &units),
        projects: st
            .store
            .projects(user.org_id)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn save_practice(
    State(st): State<AppState>,
    SignedIn(user): SignedIn,
    Checked(axum::Form(form)): Checked<axum::Form<Vec<(String, String)>>>,
) -> PageResult {
    let tree = st.store.org_tree(user.org_id).await?;
    if !manages_org_plans(&tree, &user) {
        return Err(AppError::Forbidden);
    }
    let mut projects = Vec::new();
    for p in all(&form, "projects") {
        projects.push(
            p.parse::<i64>()
                .map_err(|_| AppError::BadRequest(format!("projects: {p}")))?,
        );
    }
    let code = field(&form, "code");
    let spec = PracticeSpec {
        code: code.clone(),
        name: names(&form, "name"),
        description: field(&form, "description"),
        target_group: field(&form, "target_group"),
        problem: field(&form, "problem"),
        how_to: field(&form, "how_to"),
        resources: field(&form, "resources"),
        evidence: field(&form, "evidence"),
        in_use: field(&form, "in_use"),
        themes: kasvu_core::actor::parse_list(&field(&form, "themes").replace(',', ";")),
        units: all(&form, "units"),
        projects,
    };
    st.store
        .save_practice(&Actor::user(user.id, &user.email), user.org_id, &spec)
        .await
        .map_err(|e| refused(Labels::Form("practice".into()), e))?;
    Ok(Redirect::to(&format!(
        "/practices/{}",
        crate::support::ctx::url_encode(code.trim())
    ))
    .into_response())
}

/// A cost line row of the project form (euros as typed).
pub struct CostRow {
    pub n: usize,
    pub name: String,
    pub original_budget: String,
    pub realised_costs: String,
    pub funding: String,
    pub external_funding: String,
}

#[derive(Template)]
#[template(path = "project_form.html")]
pub struct ProjectForm<'a> {
    pub ctx: &'a Ctx,
    /// The project's id when editing one.
    pub id: Option<i64>,
    pub p: kasvu_store::ProjectSpec,
    pub lines: Vec<CostRow>,
    /// (row, title, url)
    pub links: Vec<(usize, String, String)>,
    pub states: Vec<(String, String)>,
    pub areas: Vec<(String, String)>,
    pub actors: Vec<(String, String)>,
    /// ("plan#goal", "plan title: goal name")
    pub goals: Vec<(String, String)>,
    pub chosen_goals: Vec<String>,
}

/// Rows of cost lines and links the form offers beyond those stored.
const SPARE_ROWS: usize = 2;

/// Euros as people write them, from stored cents ("521 264", "1 234,50").
fn euros_text(cents: i64) -> String {
    let (e, c) = (cents / 100, cents % 100);
    let digits = e.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(ch);
    }
    if c == 0 {
        grouped
    } else {
        format!("{grouped},{c:02}")
    }
}

pub async fn edit_project(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Query(q): Query<IdQuery>,
) -> PageResult {
    let tree = st.store.org_tree(user.org_id).await?;
    if !manages_org_plans(&tree, &user) {
        return Err(AppError::Forbidden);
    }
    let existing = match q.id {
        Some(id) => Some(
            st.store
                .project(id)
                .await?
                .filter(|p| p.org_id == user.org_id)
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let p = existing.as_ref();
    let spec = kasvu_store::ProjectSpec {
        name: p.map(|p| p.name.clone()).unwrap_or_default(),
        project_type: p.map(|p| p.project_type.clone()).unwrap_or_default(),
        portfolios: p.map(|p| p.portfolios.clone()).unwrap_or_default(),
        summary: p.map(|p| p.summary.clone()).unwrap_or_default(),
        goals: p.map(|p| p.goals.clone()).unwrap_or_default(),
        cost_lines: Vec::new(),
        results: p.map(|p| p.results.clone()).unwrap_or_default(),
        benefits: p.map(|p| p.benefits.clone()).unwrap_or_default(),
        good_practices: p.map(|p| p.good_practices.clone()).unwrap_or_default(),
        remarks: p.map(|p| p.remarks.clone()).unwrap_or_default(),
        state: p.map(|p| p.state).unwrap_or_default(),
        start_on: p
            .and_then(|p| p.start_on)
            .map(kasvu_core::format_date)
            .unwrap_or_default(),
        end_on: p
            .and_then(|p| p.end_on)
            .map(kasvu_core::format_date)
            .unwrap_or_default(),
        funders: p.map(|p| p.funders.clone()).unwrap_or_default(),
        implementers: p.map(|p| p.implementers.clone()).unwrap_or_default(),
        responsible: p.map(|p| p.responsible.clone()).unwrap_or_default(),
        manager: p.map(|p| p.manager.clone()).unwrap_or_default(),
        links: Vec::new(),
        units: p
            .map(|p| p.units.iter().map(|(_, c)| c.clone()).collect())
            .unwrap_or_default(),
        actors: p
            .map(|p| p.actors.iter().map(|(_, c)| c.clone()).collect())
            .unwrap_or_default(),
        plan_goals: p.map(|p| p.plan_goals.clone()).unwrap_or_default(),
    };
    let mut lines: Vec<CostRow> = p
        .map(|p| {
            p.cost_lines
                .iter()
                .enumerate()
                .map(|(i, l)| CostRow {
                    n: i + 1,
                    name: l.name.clone(),
                    original_budget: euros_text(l.original_budget),
                    realised_costs: euros_text(l.realised_costs),
                    funding: euros_text(l.funding),
                    external_funding: euros_text(l.external_funding),
                })
                .collect()
        })
        .unwrap_or_default();
    for _ in 0..SPARE_ROWS {
        lines.push(CostRow {
            n: lines.len() + 1,
            name: String::new(),
            original_budget: String::new(),
            realised_costs: String::new(),
            funding: String::new(),
            external_funding: String::new(),
        });
    }
    let mut links: Vec<(usize, String, String)> = p
        .map(|p| {
            p.links
                .iter()
                .enumerate()
                .map(|(i, (t, u))| (i + 1, t.clone(), u.clone()))
                .collect()
        })
        .unwrap_or_default();
    for _ in 0..SPARE_ROWS {
        links.push((links.len() + 1, String::new(), String::new()));
    }
    let mut goals = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for plan in st.store.plans(user.org_id).await? {
        // The newest version of each plan (plans come newest first per code).
        if !seen.insert(plan.code.clone()) {
            continue;
        }
        if let Some(t) = st.store.plan_tree(plan.id).await? {
            for (i, g) in t.goals.iter().enumerate() {
                goals.push((
                    format!("{}#{}", plan.code, i + 1),
                    format!("{}: {}", ctx.name(&plan.title), ctx.name(&g.names)),
                ));
            }
        }
    }
    let units = st.store.org_units(user.org_id).await?;
    let page = ProjectForm {
        ctx: &ctx,
        id: existing.as_ref().map(|p| p.id),
        chosen_goals: spec
            .plan_goals
            .iter()
            .map(|g| format!("{}#{}", g.plan, g.goal))
            .collect(),
        lines,
        links,
        states: kasvu_core::project::ProjectState::ALL
            .iter()
            .map(|s| {
                (
                    s.code().to_owned(),
                    ctx.t(&format!("project-state-{}", s.code())),
                )
            })
            .collect(),
        areas: crate::support::access::area_choices(&ctx, &units),
        actors: crate::support::access::actor_choices(&st, user.org_id).await?,
        goals,
        p: spec,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IdQuery {
    pub id: Option<i64>,
}

/// Lines of a textarea, one name per line.
fn lines_of(form: &[(String, String)], name: &str) -> Vec<String> {
    field(form, name)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn save_project(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Checked(axum::Form(form)): Checked<axum::Form<Vec<(String, String)>>>,
) -> PageResult {
    let tree = st.store.org_tree(user.org_id).await?;
    if !manages_org_plans(&tree, &user) {
        return Err(AppError::Forbidden);
    }
    let id = match field(&form, "id").trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .map_err(|_| AppError::BadRequest(format!("id: {s}")))?,
        ),
    };
    let mut cost_lines = Vec::new();
    let line_fields = [
        "line_name",
        "original_budget",
        "realised_costs",
        "funding",
        "external_funding",
    ];
    for n in 1..=rows_of(&form, &line_fields) {
        let f = |name: &str| field(&form, &format!("{name}{n}"));
        let row = [
            f("line_name"),
            f("original_budget"),
            f("realised_costs"),
            f("funding"),
            f("external_funding"),
        ];
        if row.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let [name, original_budget, realised_costs, funding, external_funding] = row;
        cost_lines.push(kasvu_store::CostLineSpec {
            name,
            original_budget,
            realised_costs,
            funding,
            external_funding,
        });
    }
    let mut links = Vec::new();
    for n in 1..=rows_of(&form, &["link_title", "link_url"]) {
        let (title, url) = (
            field(&form, &format!("link_title{n}")),
            field(&form, &format!("link_url{n}")),
        );
        if title.trim().is_empty() && url.trim().is_empty() {
            continue;
        }
        links.push(kasvu_store::LinkSpec { title, url });
    }
    let mut plan_goals = Vec::new();
    for g in all(&form, "plan_goals") {
        let (plan, no) = g
            .rsplit_once('#')
            .and_then(|(p, n)| n.parse::<u32>().ok().map(|n| (p.to_owned(), n)))
            .ok_or_else(|| AppError::BadRequest(format!("plan_goals: {g}")))?;
        plan_goals.push(kasvu_store::GoalRef { plan, goal: no });
    }
    let state = kasvu_core::project::ProjectState::parse(&field(&form, "state")).map_err(|p| {
        AppError::BadRequest(format!(
            "{}: {}",
            ctx.t("project-state"),
            ctx.lang.problem(&p)
        ))
    })?;
    let spec = kasvu_store::ProjectSpec {
        name: field(&form, "name"),
        project_type: field(&form, "project_type"),
        portfolios: lines_of(&form, "portfolios"),
        summary: field(&form, "summary"),
        goals: field(&form, "goals"),
        cost_lines,
        results: field(&form, "results"),
        benefits: field(&form, "benefits"),
        good_practices: field(&form, "good_practices"),
        remarks: field(&form, "remarks"),
        state,
        start_on: field(&form, "start_on"),
        end_on: field(&form, "end_on"),
        funders: lines_of(&form, "funders"),
        implementers: lines_of(&form, "implementers"),
        responsible: field(&form, "responsible"),
        manager: field(&form, "manager"),
        links,
        units: all(&form, "units"),
        actors: all(&form, "actors"),
        plan_goals,
    };
    let saved = st
        .store
        .save_project(&Actor::user(user.id, &user.email), user.org_id, id, &spec)
        .await
        .map_err(|e| refused(Labels::Form("project".into()), e))?;
    Ok(Redirect::to(&format!("/projects/{saved}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(keys: &[&str]) -> Vec<(String, String)> {
        keys.iter()
            .map(|k| (k.to_string(), "x".to_string()))
            .collect()
    }

    #[test]
    fn every_row_sent_is_read_but_not_an_absurd_one() {
        let f = form(&[
            "line_name3",
            "funding25",
            "external_funding7",
            "funders",
            "line_name999",
        ]);
        assert_eq!(
            rows_of(&f, &["line_name", "funding", "external_funding"]),
            25
        );
        assert_eq!(rows_of(&f, &["link_title"]), 0);
    }

    #[test]
    fn euros_are_shown_as_people_write_them() {
        assert_eq!(euros_text(52_126_400), "521 264");
        assert_eq!(euros_text(123_450), "1 234,50");
        assert_eq!(euros_text(5), "0,05");
        assert_eq!(euros_text(0), "0");
    }
}
