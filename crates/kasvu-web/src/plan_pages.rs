//! The welfare plan's pages: the organisation's plan versions, and the
//! results chain of one version — from the aim through goals and focus areas
//! down to measures, each with its status and the latest figures of its
//! indicators and their direction, so "are we moving the right way?" is
//! answered at a glance. Approved plans are public (they are council
//! documents); drafts are seen only by the organisation's signed-in users.

use crate::ctx::Ctx;
use crate::error::{AppError, PageResult};
use crate::i18n::Lang;
use crate::measure_pages::{format_value, period_label};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse};
use kasvu_core::measure::{judge, movement, Movement, Verdict};
use kasvu_core::plan::{review_state, ReviewState};
use kasvu_core::role::permits;
use kasvu_core::{Action, ChildRight, MeasureStatus, PlanStatus};
use kasvu_store::{Breakdown, Plan, PlanTree};
use serde::Deserialize;
use std::collections::HashMap;

pub struct PlanRow {
    pub id: i64,
    /// The area or cluster of a regional plan; empty for the organisation's.
    pub scope: String,
    pub title: String,
    pub version: i64,
    pub period: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "plans.html")]
pub struct PlansPage<'a> {
    pub ctx: &'a Ctx,
    pub plans: Vec<PlanRow>,
}

/// Whether the viewer may see this version: public ones everyone, drafts
/// and internal ones the organisation's signed-in users.
pub(crate) fn visible(ctx: &Ctx, p: &Plan) -> bool {
    p.is_public() || ctx.user.as_ref().is_some_and(|u| u.org_id == p.org_id)
}

fn period_text(p: &Plan) -> String {
    format!("{}–{}", p.period.start_year, p.period.end_year)
}

pub async fn plans(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let org = crate::pages::viewer_org(&st, &ctx).await?;
    let units = st.store.org_units(org.org_id).await?;
    let mut all = st.store.plans(org.org_id).await?;
    // The organisation's own plan first, then the regional plans.
    all.sort_by_key(|p| p.scope.is_some());
    let plans = all
        .into_iter()
        .filter(|p| visible(&ctx, p))
        .map(|p| PlanRow {
            id: p.id,
            scope: p
                .scope
                .as_ref()
                .and_then(|(id, _)| units.iter().find(|u| u.id == *id))
                .map(|u| ctx.name(&u.names).to_owned())
                .unwrap_or_else(|| ctx.name(&org.names).to_owned()),
            title: ctx.name(&p.title).to_owned(),
            version: p.version,
            period: period_text(&p),
            status: ctx.t(&format!("plan-status-{}", p.status.code())),
        })
        .collect();
    Ok(Html(PlansPage { ctx: &ctx, plans }.render()?).into_response())
}

pub struct Evidence {
    pub code: String,
    pub name: String,
    pub latest: String,
    pub arrow: &'static str,
    pub change: String,
    pub class: &'static str,
}

pub struct MeasureView {
    pub id: i64,
    /// The viewer may record this measure's status.
    pub can_follow: bool,
    pub status_code: &'static str,
    pub name: String,
    pub status: String,
    pub status_class: &'static str,
    pub owners: Vec<(String, String)>,
    pub responsible: String,
    pub schedule: String,
    pub budget: String,
    pub tags: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub last_note: String,
    /// The latest evaluation: period, rating, text.
    pub evaluation: Option<(String, String, String)>,
}

pub struct ImpactView {
    pub statement: String,
    pub code: String,
    pub indicator: String,
    pub expected: String,
    pub baseline: String,
    pub latest: String,
    pub verdict: String,
    pub class: &'static str,
}

pub struct FocusView {
    pub name: String,
    pub measures: Vec<MeasureView>,
}

pub struct GoalView {
    pub name: String,
    pub focus_areas: Vec<FocusView>,
}

#[derive(Template)]
#[template(path = "plan.html")]
pub struct PlanPage<'a> {
    pub ctx: &'a Ctx,
    pub id: i64,
    pub title: String,
    pub aim: String,
    pub facts: Vec<(String, String)>,
    pub review: Option<(String, bool)>,
    pub summary: Vec<String>,
    pub goals: Vec<GoalView>,
    pub rights: Vec<(String, String, bool)>,
    pub statuses: Vec<(String, String, bool)>,
    pub owners: Vec<(String, String, bool)>,
    pub areas: Vec<(String, String, bool)>,
    pub filtered: bool,
    /// The viewer may move the plan along its lifecycle: the moves allowed now.
    pub can_manage: bool,
    pub next_statuses: Vec<(String, String)>,
    pub frozen: bool,
    pub saved: Option<String>,
    pub measure_statuses: Vec<(String, String)>,
    pub impacts: Vec<ImpactView>,
    /// A regional plan's organisation plan: (id, title).
    pub parent: Option<(i64, String)>,
    /// The version this one was made from.
    pub previous_id: Option<i64>,
    /// A draft's content as JSON, for those who may change it.
    pub draft_json: Option<String>,
    pub strengths: Vec<String>,
    pub challenges: Vec<String>,
    /// Coordinating structures: (name, tasks).
    pub structures: Vec<(String, String)>,
    /// The evaluation form's default period: this year, within the plan.
    pub this_year: String,
}

#[derive(Deserialize, Default)]
pub struct ChainFilter {
    pub right: Option<String>,
    pub status: Option<String>,
    pub owner: Option<String>,
    /// An area: measures owned within it.
    pub area: Option<String>,
    /// After a change: what was saved.
    pub saved: Option<String>,
}

/// What the viewer may do with a plan: manage it, and follow up which measures.
struct Rights {
    manage: bool,
    follow: Box<dyn Fn(&kasvu_store::Measure) -> bool + Send + Sync>,
}

/// Who may record a measure's status and evaluations: roles allowing
/// follow-up at one of its owner units (at the organisation, for a measure
/// without owners). The organisation's id is its root unit's.
pub(crate) fn may_follow_up(
    assignments: &[kasvu_core::Assignment],
    tree: &kasvu_core::OrgTree,
    org_id: i64,
    m: &kasvu_store::Measure,
) -> bool {
    if m.owners.is_empty() {
        permits(assignments, tree, Action::FollowUpMeasures, org_id)
    } else {
        m.owners
            .iter()
            .any(|(id, _)| permits(assignments, tree, Action::FollowUpMeasures, *id))
    }
}

async fn rights_of(st: &AppState, ctx: &Ctx, plan: &Plan) -> Result<Rights, AppError> {
    let Some(user) = ctx.user.as_ref().filter(|u| u.org_id == plan.org_id) else {
        return Ok(Rights {
            manage: false,
            follow: Box::new(|_| false),
        });
    };
    let tree = st.store.org_tree(user.org_id).await?;
    let a = user.assignments();
    let org_id = plan.org_id;
    Ok(Rights {
        manage: permits(&a, &tree, Action::ManagePlans, org_id),
        follow: Box::new(move |m| may_follow_up(&a, &tree, org_id, m)),
    })
}

fn status_class(s: MeasureStatus) -> &'static str {
    match s {
        MeasureStatus::NotStarted => "status-not-started",
        MeasureStatus::Ongoing => "status-ongoing",
        MeasureStatus::Done => "status-done",
        MeasureStatus::Dropped => "status-dropped",
    }
}

/// The plan's four-year review in words, and whether it is a warning (due
/// soon or overdue); `None` for versions not approved or no longer in force.
pub(crate) fn review_text(lang: Lang, plan: &Plan) -> Option<(String, bool)> {
    let approved = plan.approved_on?;
    if !matches!(plan.status, PlanStatus::Approved | PlanStatus::InForce) {
        return None;
    }
    let today = crate::pages::today();
    Some(match review_state(approved, today) {
        ReviewState::OnTime(due) => (
            lang.t_args("plan-review-due", &[("date", kasvu_core::format_date(due))]),
            false,
        ),
        ReviewState::DueSoon { due, days } => (
            lang.t_args(
                "plan-review-soon",
                &[
                    ("date", kasvu_core::format_date(due)),
                    ("days", days.to_string()),
                ],
            ),
            true,
        ),
        ReviewState::Overdue { due, days } => (
            lang.t_args(
                "plan-review-overdue",
                &[
                    ("date", kasvu_core::format_date(due)),
                    ("days", days.to_string()),
                ],
            ),
            true,
        ),
    })
}

pub async fn plan(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(f): Query<ChainFilter>,
) -> PageResult {
    let tree = st.store.plan_tree(id).await?.ok_or(AppError::NotFound)?;
    if !visible(&ctx, &tree.plan) {
        return Err(AppError::NotFound);
    }
    let lang = ctx.lang;
    let catalogue = st.store.indicators().await?;
    let units = st.store.org_units(tree.plan.org_id).await?;
    // An organisation's id is its root unit's.
    let root_id = tree.plan.org_id;
    let rights = rights_of(&st, &ctx, &tree.plan).await?;
    let unit_name: HashMap<i64, String> = units
        .iter()
        .map(|u| (u.id, ctx.name(&u.names).to_owned()))
        .collect();
    let want_right = f.right.as_deref().and_then(|r| ChildRight::parse(r).ok());
    let want_status = f
        .status
        .as_deref()
        .and_then(|s| MeasureStatus::parse(s).ok());
    let want_owner = f.owner.as_deref().filter(|o| !o.is_empty());
    let org_tree = st.store.org_tree(tree.plan.org_id).await?;
    let want_area = f.area.as_deref().and_then(|a| {
        units
            .iter()
            .find(|u| u.code == a && u.level == kasvu_core::Level::Area)
    });
    let any_filter = want_right.is_some()
        || want_status.is_some()
        || want_owner.is_some()
        || want_area.is_some();
    // The organisation's figure of each evidence indicator: latest and its
    // direction since the previous period (suppressed like everywhere).
    let mut evidence_cache: HashMap<String, Evidence> = HashMap::new();
    let (mut moving_right, mut moving_total) = (0usize, 0usize);
    let mut counts: HashMap<MeasureStatus, usize> = HashMap::new();
    let mut goals = Vec::new();
    for g in &tree.goals {
        let mut focus_areas = Vec::new();
        for fa in &g.focus_areas {
            let mut measures = Vec::new();
            for m in &fa.measures {
                if want_right.is_some_and(|r| !m.rights.contains(&r))
                    || want_status.is_some_and(|s| m.status != s)
                    || want_owner.is_some_and(|o| !m.owners.iter().any(|(_, c)| c == o))
                    || want_area.is_some_and(|a| {
                        !m.owners.iter().any(|(id, _)| org_tree.is_within(*id, a.id))
                    })
                {
                    continue;
                }
                *counts.entry(m.status).or_default() += 1;
                let mut evidence = Vec::new();
                for code in &m.indicators {
                    if !evidence_cache.contains_key(code) {
                        let Some(ind) = catalogue.iter().find(|i| &i.spec.code == code) else {
                            continue;
                        };
                        let series = st.store.series(ind, root_id, &Breakdown::total()).await?;
                        let shown: Vec<(kasvu_core::Period, f64)> = series
                            .iter()
                            .filter_map(|(p, o)| o.shown().map(|v| (*p, v)))
                            .collect();
                        let (latest, arrow, change, class) = match shown.as_slice() {
                            [.., (pp, pv), (p, v)] => {
                                let verdict = judge(ind.spec.direction, *v, *pv);
                                (
                                    format!(
                                        "{} ({})",
                                        format_value(lang, ind.spec.unit, *v),
                                        period_label(lang, *p)
                                    ),
                                    match movement(*v, *pv) {
                                        Movement::Up => "↑",
                                        Movement::Down => "↓",
                                        Movement::Flat => "→",
                                    },
                                    lang.t_args(
                                        &format!("plan-evidence-{}", verdict.code()),
                                        &[("period", period_label(lang, *pp))],
                                    ),
                                    match verdict {
                                        Verdict::Better => "better",
                                        Verdict::Worse => "worse",
                                        _ => "neutral",
                                    },
                                )
                            }
                            [(p, v)] => (
                                format!(
                                    "{} ({})",
                                    format_value(lang, ind.spec.unit, *v),
                                    period_label(lang, *p)
                                ),
                                "",
                                String::new(),
                                "neutral",
                            ),
                            [] => (lang.t("value-missing"), "", String::new(), "neutral"),
                        };
                        evidence_cache.insert(
                            code.clone(),
                            Evidence {
                                code: code.clone(),
                                name: ctx.name(&ind.spec.names).to_owned(),
                                latest,
                                arrow,
                                change,
                                class,
                            },
                        );
                    }
                    if let Some(e) = evidence_cache.get(code) {
                        evidence.push(Evidence {
                            code: e.code.clone(),
                            name: e.name.clone(),
                            latest: e.latest.clone(),
                            arrow: e.arrow,
                            change: e.change.clone(),
                            class: e.class,
                        });
                    }
                }
                let last_note = st
                    .store
                    .measure_log(m.id)
                    .await?
                    .into_iter()
                    .rev()
                    .find(|e| !e.note.is_empty())
                    .map(|e| format!("{}: {}", kasvu_core::format_date(e.on), e.note))
                    .unwrap_or_default();
                measures.push(MeasureView {
                    id: m.id,
                    can_follow: (rights.follow)(m),
                    status_code: m.status.code(),
                    name: ctx.name(&m.names).to_owned(),
                    status: ctx.t(&format!("measure-status-{}", m.status.code())),
                    status_class: status_class(m.status),
                    owners: m
                        .owners
                        .iter()
                        .map(|(id, code)| {
                            (code.clone(), unit_name.get(id).cloned().unwrap_or_default())
                        })
                        .collect(),
                    responsible: m.responsible.clone(),
                    schedule: m.schedule.clone(),
                    budget: m.budget.clone(),
                    tags: m
                        .rights
                        .iter()
                        .map(|r| ctx.t(&format!("right-{}", r.code())))
                        .chain(
                            m.conditions
                                .iter()
                                .map(|c| ctx.t(&format!("condition-{}", c.code()))),
                        )
                        .collect(),
                    evidence,
                    last_note,
                    evaluation: m.evaluations.first().map(|e| {
                        (
                            period_label(lang, e.period),
                            format!("{}/5", e.rating),
                            e.body.clone(),
                        )
                    }),
                });
            }
            if !measures.is_empty() || !any_filter {
                focus_areas.push(FocusView {
                    name: ctx.name(&fa.names).to_owned(),
                    measures,
                });
            }
        }
        if !focus_areas.is_empty() {
            goals.push(GoalView {
                name: ctx.name(&g.names).to_owned(),
                focus_areas,
            });
        }
    }
    // Each indicator once, however many measures it is evidence for.
    for e in evidence_cache.values() {
        if !e.change.is_empty() && e.class != "neutral" {
            moving_total += 1;
            if e.class == "better" {
                moving_right += 1;
            }
        }
    }
    // Impact: each statement's indicator from the plan's start to now,
    // judged in the direction the plan expects.
    let mut impacts = Vec::new();
    for x in &tree.impacts {
        let Some(ind) = catalogue.iter().find(|i| i.spec.code == x.indicator) else {
            continue;
        };
        let series = st.store.series(ind, root_id, &Breakdown::total()).await?;
        let shown: Vec<(kasvu_core::Period, f64)> = series
            .iter()
            .filter_map(|(p, o)| o.shown().map(|v| (*p, v)))
            .collect();
        // The baseline: the last figure before the plan started, else its first.
        let start = tree.plan.period.start_year;
        let baseline = shown
            .iter()
            .rev()
            .find(|(p, _)| p.year_number() < start)
            .or_else(|| shown.first())
            .copied();
        let latest = shown.last().copied();
        let fmt = |o: Option<(kasvu_core::Period, f64)>| {
            o.map(|(p, v)| {
                format!(
                    "{} ({})",
                    format_value(lang, ind.spec.unit, v),
                    period_label(lang, p)
                )
            })
            .unwrap_or_else(|| lang.t("value-missing"))
        };
        let (verdict, class) = match (baseline, latest) {
            (Some((bp, bv)), Some((lp, lv))) if lp > bp => match judge(x.direction, lv, bv) {
                Verdict::Better => (lang.t("impact-yes"), "better"),
                Verdict::Worse => (lang.t("impact-no"), "worse"),
                _ => (lang.t("impact-flat"), "neutral"),
            },
            _ => (lang.t("impact-unknown"), "neutral"),
        };
        impacts.push(ImpactView {
            statement: ctx.name(&x.statement).to_owned(),
            code: ind.spec.code.clone(),
            indicator: ctx.name(&ind.spec.names).to_owned(),
            expected: lang.t(&format!("impact-expected-{}", x.direction.code())),
            baseline: fmt(baseline),
            latest: fmt(latest),
            verdict,
            class,
        });
    }
    let total: usize = counts.values().sum();
    let mut summary = vec![lang.t_args(
        "plan-summary-measures",
        &[
            ("total", total.to_string()),
            (
                "done",
                counts
                    .get(&MeasureStatus::Done)
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
            ),
            (
                "ongoing",
                counts
                    .get(&MeasureStatus::Ongoing)
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
            ),
            (
                "not_started",
                counts
                    .get(&MeasureStatus::NotStarted)
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
            ),
        ],
    )];
    if moving_total > 0 {
        summary.push(lang.t_args(
            "plan-summary-direction",
            &[
                ("right", moving_right.to_string()),
                ("total", moving_total.to_string()),
            ],
        ));
    }
    let p = &tree.plan;
    let mut facts = vec![
        (ctx.t("plan-period"), period_text(p)),
        (
            ctx.t("plan-status"),
            format!(
                "{} ({} {})",
                ctx.t(&format!("plan-status-{}", p.status.code())),
                ctx.t("plan-version"),
                p.version
            ),
        ),
    ];
    if let Some((id, _)) = &p.scope {
        facts.push((
            ctx.t("plan-scope"),
            unit_name.get(id).cloned().unwrap_or_default(),
        ));
    }
    if let Some(d) = p.approved_on {
        facts.push((
            ctx.t("plan-approved"),
            format!("{} – {}", kasvu_core::format_date(d), p.decision_ref),
        ));
    }
    let mut owner_choices: Vec<(String, String)> = tree
        .measures()
        .flat_map(|(_, _, m)| m.owners.iter())
        .map(|(id, code)| (code.clone(), unit_name.get(id).cloned().unwrap_or_default()))
        .collect();
    owner_choices.sort_by(|a, b| a.1.cmp(&b.1));
    owner_choices.dedup();
    let page = PlanPage {
        ctx: &ctx,
        id: p.id,
        title: ctx.name(&p.title).to_owned(),
        aim: ctx.name(&p.aim).to_owned(),
        facts,
        review: review_text(lang, &tree.plan),
        summary,
        goals,
        rights: ChildRight::ALL
            .iter()
            .map(|r| {
                (
                    r.code().to_owned(),
                    ctx.t(&format!("right-{}", r.code())),
                    want_right == Some(*r),
                )
            })
            .collect(),
        statuses: MeasureStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.code().to_owned(),
                    ctx.t(&format!("measure-status-{}", s.code())),
                    want_status == Some(*s),
                )
            })
            .collect(),
        owners: owner_choices
            .into_iter()
            .map(|(c, n)| {
                let sel = want_owner == Some(c.as_str());
                (c, n, sel)
            })
            .collect(),
        filtered: any_filter,
        areas: units
            .iter()
            .filter(|u| u.level == kasvu_core::Level::Area)
            .map(|u| {
                (
                    u.code.clone(),
                    ctx.name(&u.names).to_owned(),
                    want_area.is_some_and(|a| a.id == u.id),
                )
            })
            .collect(),
        can_manage: rights.manage,
        next_statuses: PlanStatus::ALL
            .iter()
            .filter(|s| p.status.can_become(**s))
            .map(|s| {
                (
                    s.code().to_owned(),
                    ctx.t(&format!("plan-status-{}", s.code())),
                )
            })
            .collect(),
        frozen: p.status.is_frozen(),
        saved: match f.saved.as_deref() {
            Some("status") => Some(ctx.t("plan-saved-status")),
            Some("version") => Some(ctx.t("plan-saved-version")),
            Some("measure") => Some(ctx.t("plan-saved-measure")),
            Some("evaluation") => Some(ctx.t("plan-saved-evaluation")),
            Some("content") => Some(ctx.t("plan-saved-content")),
            _ => None,
        },
        impacts,
        previous_id: p.previous_id,
        draft_json: (rights.manage && !p.status.is_frozen())
            .then(|| serde_json::to_string_pretty(&tree.to_spec()).unwrap_or_default()),
        strengths: tree
            .strengths
            .iter()
            .map(|t| ctx.name(t).to_owned())
            .collect(),
        challenges: tree
            .challenges
            .iter()
            .map(|t| ctx.name(t).to_owned())
            .collect(),
        structures: tree
            .structures
            .iter()
            .map(|s| (ctx.name(&s.name).to_owned(), ctx.name(&s.tasks).to_owned()))
            .collect(),
        parent: match &p.parent_code {
            Some(code) => {
                let all = st.store.plans(p.org_id).await?;
                all.iter()
                    .filter(|x| &x.code == code && x.scope.is_none())
                    .max_by_key(|x| (x.status == PlanStatus::InForce, x.version))
                    .map(|x| (x.id, ctx.name(&x.title).to_owned()))
            }
            None => None,
        },
        this_year: crate::pages::today()
            .year()
            .clamp(p.period.start_year, p.period.end_year)
            .to_string(),
        measure_statuses: MeasureStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.code().to_owned(),
                    ctx.t(&format!("measure-status-{}", s.code())),
                )
            })
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    pub csrf: String,
    pub status: String,
    pub approved_on: String,
    pub decision_ref: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MeasureForm {
    pub csrf: String,
    pub status: String,
    pub note: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    pub csrf: String,
}

/// The plan, its organisation's root unit and the viewer's rights, for a change.
async fn for_change(
    st: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(PlanTree, Rights, kasvu_store::User), AppError> {
    let user = ctx.require_user()?.clone();
    let tree = st.store.plan_tree(id).await?.ok_or(AppError::NotFound)?;
    if tree.plan.org_id != user.org_id {
        return Err(AppError::NotFound);
    }
    let rights = rights_of(st, ctx, &tree.plan).await?;
    Ok((tree, rights, user))
}

fn refused(ctx: &Ctx, e: kasvu_store::StoreError) -> AppError {
    match e {
        kasvu_store::StoreError::Invalid(f) => AppError::BadRequest(format!(
            "{}: {}",
            ctx.t(&format!("plan-field-{}", f.field.replace('_', "-"))),
            ctx.lang.problem(&f.problem)
        )),
        other => other.into(),
    }
}

/// Moves a plan along its lifecycle (approval needs the date and decision).
pub async fn set_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<StatusForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let (tree, rights, user) = for_change(&st, &ctx, id).await?;
    if !rights.manage {
        return Err(AppError::Forbidden);
    }
    let next =
        PlanStatus::parse(&f.status).map_err(|p| AppError::BadRequest(ctx.lang.problem(&p)))?;
    let approved_on = kasvu_core::parse_date(&f.approved_on).map_err(|p| {
        AppError::BadRequest(format!(
            "{}: {}",
            ctx.t("plan-field-approved-on"),
            ctx.lang.problem(&p)
        ))
    })?;
    st.store
        .set_plan_status(
            &kasvu_store::Actor::user(user.id, &user.email),
            tree.plan.id,
            next,
            approved_on,
            &f.decision_ref,
        )
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(axum::response::Redirect::to(&format!("/plans/{id}?saved=status")).into_response())
}

/// Starts a new draft version from a frozen one.
pub async fn new_version(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let (tree, rights, user) = for_change(&st, &ctx, id).await?;
    if !rights.manage {
        return Err(AppError::Forbidden);
    }
    let new_id = st
        .store
        .new_plan_version(
            &kasvu_store::Actor::user(user.id, &user.email),
            tree.plan.id,
        )
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(axum::response::Redirect::to(&format!("/plans/{new_id}?saved=version")).into_response())
}

/// The measure `measure_id` of the plan, when the viewer may follow it up.
fn followed<'t>(
    tree: &'t PlanTree,
    rights: &Rights,
    measure_id: i64,
) -> Result<&'t kasvu_store::Measure, AppError> {
    let m = tree
        .measures()
        .map(|(_, _, m)| m)
        .find(|m| m.id == measure_id)
        .ok_or(AppError::NotFound)?;
    if (rights.follow)(m) {
        Ok(m)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Records a measure's status with a note (its owners' follow-up).
pub async fn set_measure_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, measure_id)): Path<(i64, i64)>,
    axum::Form(f): axum::Form<MeasureForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let (tree, rights, user) = for_change(&st, &ctx, id).await?;
    let measure = followed(&tree, &rights, measure_id)?;
    let status =
        MeasureStatus::parse(&f.status).map_err(|p| AppError::BadRequest(ctx.lang.problem(&p)))?;
    st.store
        .set_measure_status(
            &kasvu_store::Actor::user(user.id, &user.email),
            measure.id,
            status,
            &f.note,
        )
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(
        axum::response::Redirect::to(&format!("/plans/{id}?saved=measure#measure-{measure_id}"))
            .into_response(),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EvaluationForm {
    pub csrf: String,
    pub period: String,
    pub rating: String,
    pub body: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ContentForm {
    pub csrf: String,
    pub content: String,
}

/// Writes a draft's whole content anew from its JSON document.
pub async fn replace_content(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<ContentForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let (tree, rights, user) = for_change(&st, &ctx, id).await?;
    if !rights.manage {
        return Err(AppError::Forbidden);
    }
    let spec: kasvu_store::PlanSpec = serde_json::from_str(&f.content).map_err(|e| {
        AppError::BadRequest(
            ctx.lang
                .t_args("plan-content-invalid", &[("error", e.to_string())]),
        )
    })?;
    st.store
        .replace_draft(
            &kasvu_store::Actor::user(user.id, &user.email),
            tree.plan.id,
            &spec,
        )
        .await
        .map_err(|e| match e {
            kasvu_store::StoreError::Conflict(f) | kasvu_store::StoreError::Invalid(f) => {
                AppError::BadRequest(format!("{}: {}", f.field, ctx.lang.problem(&f.problem)))
            }
            other => other.into(),
        })?;
    Ok(axum::response::Redirect::to(&format!("/plans/{id}?saved=content")).into_response())
}

/// Writes a measure's evaluation for a period (its owners' follow-up).
pub async fn set_evaluation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, measure_id)): Path<(i64, i64)>,
    axum::Form(f): axum::Form<EvaluationForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let (tree, rights, user) = for_change(&st, &ctx, id).await?;
    let measure = followed(&tree, &rights, measure_id)?;
    let bad = |field: &str, p: kasvu_core::Problem| {
        AppError::BadRequest(format!(
            "{}: {}",
            ctx.t(&format!("plan-field-{field}")),
            ctx.lang.problem(&p)
        ))
    };
    let period = kasvu_core::Period::parse(&f.period).map_err(|p| bad("period", p))?;
    let rating = f.rating.trim().parse::<i64>().unwrap_or(0);
    st.store
        .set_evaluation(
            &kasvu_store::Actor::user(user.id, &user.email),
            measure.id,
            period,
            rating,
            &f.body,
            &measure.indicators,
        )
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(axum::response::Redirect::to(&format!(
        "/plans/{id}?saved=evaluation#measure-{measure_id}"
    ))
    .into_response())
}

/// Every code that becomes part of a message id, for the catalogue test.
#[cfg(test)]
pub fn dynamic_message_ids() -> Vec<String> {
    use kasvu_core::ImpactCondition;
    let mut ids = Vec::new();
    ids.extend(PlanStatus::CODES.iter().map(|c| format!("plan-status-{c}")));
    ids.extend(
        MeasureStatus::CODES
            .iter()
            .map(|c| format!("measure-status-{c}")),
    );
    ids.extend(ChildRight::CODES.iter().map(|c| format!("right-{c}")));
    ids.extend(
        ImpactCondition::CODES
            .iter()
            .map(|c| format!("condition-{c}")),
    );
    ids.extend(["better", "worse", "same", "neutral"].map(|v| format!("plan-evidence-{v}")));
    ids.extend(
        kasvu_core::Direction::CODES
            .iter()
            .map(|c| format!("impact-expected-{c}")),
    );
    ids.extend(
        [
            "status",
            "approved-on",
            "decision-ref",
            "note",
            "period",
            "title",
            "code",
            "rating",
            "body",
            "indicators",
        ]
        .map(|v| format!("plan-field-{v}")),
    );
    ids
}

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    pub year: Option<i32>,
    /// For the organisation's plan: an area to report on instead of the
    /// whole organisation.
    pub unit: Option<String>,
}

/// The yearly welfare report of a plan: its scope's figures for the year
/// (suppressed), the measures with their status and that year's
/// evaluation, and the written conclusions — in the reader's language.
async fn report_doc(
    st: &AppState,
    ctx: &Ctx,
    id: i64,
    year: Option<i32>,
    unit: Option<&str>,
) -> Result<
    (
        PlanTree,
        i32,
        kasvu_io::report::ReportDoc,
        Vec<(String, String)>,
    ),
    AppError,
> {
    use kasvu_io::report::{FigureRow, MeasureRow, ReportDoc, ReportLabels};
    let tree = st.store.plan_tree(id).await?.ok_or(AppError::NotFound)?;
    if !visible(ctx, &tree.plan) {
        return Err(AppError::NotFound);
    }
    let lang = ctx.lang;
    let p = &tree.plan;
    let year = year
        .unwrap_or_else(|| crate::pages::today().year() - 1)
        .clamp(p.period.start_year, p.period.end_year);
    let units = st.store.org_units(p.org_id).await?;
    let chosen = unit.filter(|c| !c.is_empty()).map(|c| {
        units
            .iter()
            .find(|u| u.code == c && u.level == kasvu_core::Level::Area)
            .ok_or(AppError::NotFound)
    });
    let scope = match (&p.scope, chosen) {
        (Some((sid, _)), _) => units.iter().find(|u| u.id == *sid),
        (None, Some(area)) => Some(area?),
        (None, None) => units.iter().find(|u| u.parent_id.is_none()),
    }
    .ok_or(AppError::NotFound)?;
    let catalogue = st.store.indicators().await?;
    let this = kasvu_core::Period::year(year).map_err(|e| AppError::BadRequest(e.english))?;
    let before = kasvu_core::Period::year(year - 1).map_err(|e| AppError::BadRequest(e.english))?;
    // Every indicator the plan cites, each once: measures' evidence, then impacts.
    let mut codes: Vec<&str> = Vec::new();
    for (_, _, m) in tree.measures() {
        for c in &m.indicators {
            if !codes.contains(&c.as_str()) {
                codes.push(c);
            }
        }
    }
    for x in &tree.impacts {
        if !codes.contains(&x.indicator.as_str()) {
            codes.push(&x.indicator);
        }
    }
    let mut figures = Vec::new();
    let mut charts = Vec::new();
    for code in codes {
        let Some(ind) = catalogue.iter().find(|i| i.spec.code == code) else {
            continue;
        };
        let now = st
            .store
            .observe(ind, scope.id, this, &Breakdown::total())
            .await?;
        let prev = st
            .store
            .observe(ind, scope.id, before, &Breakdown::total())
            .await?;
        let text = |o: &kasvu_store::Observation| match o.shown() {
            Some(v) => format_value(lang, ind.spec.unit, v),
            None if o.suppressed() => lang.t("value-suppressed"),
            None => lang.t("value-missing"),
        };
        let verdict = match (now.shown(), prev.shown()) {
            (Some(v), Some(pv)) => lang.t(&format!(
                "verdict-{}",
                judge(ind.spec.direction, v, pv).code()
            )),
            _ => String::new(),
        };
        figures.push(FigureRow {
            indicator: ctx.name(&ind.spec.names).to_owned(),
            value: text(&now),
            number: now.shown(),
            previous: text(&prev),
            previous_number: prev.shown(),
            verdict,
        });
        if tree.impacts.iter().any(|x| x.indicator == code) {
            let series: Vec<(kasvu_core::Period, kasvu_store::Observation)> = st
                .store
                .series(ind, scope.id, &Breakdown::total())
                .await?
                .into_iter()
                .filter(|(per, _)| per.year_number() <= year)
                .collect();
            if !series.is_empty() {
                let labels: Vec<String> = series
                    .iter()
                    .map(|(per, _)| period_label(lang, *per))
                    .collect();
                let values: Vec<Option<f64>> = series.iter().map(|(_, o)| o.shown()).collect();
                let name = ctx.name(&ind.spec.names).to_owned();
                let desc = lang.t_args(
                    "report-chart-desc",
                    &[
                        ("indicator", name.clone()),
                        ("unit", ctx.name(&scope.names).to_owned()),
                    ],
                );
                charts.push((
                    name.clone(),
                    crate::charts::line_chart(&crate::charts::LineChart {
                        id: &format!("report-chart-{}", charts.len() + 1),
                        title: &name,
                        desc: &desc,
                        labels: &labels,
                        values: &values,
                        targets: &[],
                        forecast: &[],
                        legend_value: &lang.t("chart-value"),
                        legend_target: &lang.t("chart-target"),
                        legend_forecast: &lang.t("chart-forecast"),
                        fmt: &|v| {
                            crate::measure_pages::format_number(
                                lang,
                                v,
                                if v.fract() == 0.0 { 0 } else { 1 },
                            )
                        },
                    }),
                ));
            }
        }
    }
    let measures = tree
        .measures()
        .map(|(g, f, m)| {
            let e = m
                .evaluations
                .iter()
                .find(|e| e.period.year_number() == year);
            MeasureRow {
                goal: ctx.name(&g.names).to_owned(),
                focus_area: ctx.name(&f.names).to_owned(),
                measure: ctx.name(&m.names).to_owned(),
                status: ctx.t(&format!("measure-status-{}", m.status.code())),
                rating: e.map(|e| e.rating),
                evaluation: e.map(|e| e.body.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let conclusions = st
        .store
        .analyses(scope.id)
        .await?
        .into_iter()
        .filter(|a| a.period.year_number() == year)
        .map(|a| (period_label(lang, a.period), a.body))
        .collect();
    let title = lang.t_args(
        "report-title",
        &[
            ("year", year.to_string()),
            ("unit", ctx.name(&scope.names).to_owned()),
        ],
    );
    let doc = ReportDoc {
        title,
        plan_title: ctx.name(&p.title).to_owned(),
        facts: vec![
            format!("{}: {}", ctx.t("plan-title"), ctx.name(&p.title)),
            format!("{}: {}", ctx.t("plan-period"), period_text(p)),
            format!(
                "{}: {}",
                ctx.t("plan-status"),
                ctx.t(&format!("plan-status-{}", p.status.code()))
            ),
        ],
        measures,
        figures,
        conclusions,
        labels: ReportLabels {
            measures: ctx.t("report-measures"),
            figures: ctx.t("report-figures"),
            conclusions: ctx.t("analysis-title"),
            goal: ctx.t("report-goal"),
            focus_area: ctx.t("report-focus-area"),
            measure: ctx.t("report-measure"),
            status: ctx.t("plan-status"),
            rating: ctx.t("plan-rating"),
            evaluation: ctx.t("plan-evaluation"),
            indicator: ctx.t("col-indicator"),
            value: year.to_string(),
            previous: (year - 1).to_string(),
            verdict: ctx.t("report-verdict"),
            suppression_note: ctx.t("suppression-note"),
        },
    };
    Ok((tree, year, doc, charts))
}

#[derive(Template)]
#[template(path = "plan_report.html")]
pub struct ReportPage<'a> {
    pub ctx: &'a Ctx,
    pub id: i64,
    pub plan_title: String,
    pub year: i32,
    pub years: Vec<i32>,
    pub doc: kasvu_io::report::ReportDoc,
    /// For the organisation's plan: the areas one may report on, and the chosen one.
    pub areas: Vec<(String, String)>,
    pub unit: String,
    /// (indicator name, SVG) of each impact indicator.
    pub charts: Vec<(String, String)>,
}

pub async fn report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let (tree, year, doc, charts) = report_doc(&st, &ctx, id, q.year, q.unit.as_deref()).await?;
    let p = &tree.plan;
    let areas = if p.scope.is_none() {
        st.store
            .org_units(p.org_id)
            .await?
            .iter()
            .filter(|u| u.level == kasvu_core::Level::Area)
            .map(|u| (u.code.clone(), ctx.name(&u.names).to_owned()))
            .collect()
    } else {
        Vec::new()
    };
    let page = ReportPage {
        ctx: &ctx,
        id,
        plan_title: ctx.name(&p.title).to_owned(),
        year,
        years: (p.period.start_year..=p.period.end_year).rev().collect(),
        doc,
        areas,
        unit: q.unit.clone().unwrap_or_default(),
        charts,
    };
    Ok(Html(page.render()?).into_response())
}

/// A file to download, with its type and name.
pub(crate) fn download(
    bytes: Vec<u8>,
    content_type: &str,
    name: String,
) -> axum::response::Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub async fn report_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let (tree, year, doc, _) = report_doc(&st, &ctx, id, q.year, q.unit.as_deref()).await?;
    let bytes = kasvu_io::report::to_xlsx(&doc).map_err(AppError::Internal)?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("{}-{year}.xlsx", tree.plan.code),
    ))
}

pub async fn report_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let (tree, year, doc, _) = report_doc(&st, &ctx, id, q.year, q.unit.as_deref()).await?;
    Ok(download(
        kasvu_io::report::to_pdf(&doc),
        "application/pdf",
        format!("{}-{year}.pdf", tree.plan.code),
    ))
}

/// One line of two versions side by side: what it is (goal, focus area or
/// measure), its name, and how it reads in each version (empty = absent).
pub struct CompareLine {
    pub level: &'static str,
    pub name: String,
    pub left: String,
    pub right: String,
    pub changed: bool,
}

#[derive(Template)]
#[template(path = "plan_compare.html")]
pub struct ComparePage<'a> {
    pub ctx: &'a Ctx,
    pub left_id: i64,
    pub right_id: i64,
    pub left: String,
    pub right: String,
    pub lines: Vec<CompareLine>,
    pub summary: String,
}

#[derive(Deserialize, Default)]
pub struct CompareQuery {
    pub with: Option<i64>,
}

/// Each goal, focus area and measure of a version, keyed by its place in
/// the chain (Finnish names), with how it reads.
fn chain_lines(ctx: &Ctx, t: &PlanTree) -> Vec<(String, &'static str, String, String)> {
    let mut out = Vec::new();
    for g in &t.goals {
        let gk = g.names.fi.clone();
        out.push((
            gk.clone(),
            "goal",
            ctx.name(&g.names).to_owned(),
            String::new(),
        ));
        for f in &g.focus_areas {
            let fk = format!("{gk}/{}", f.names.fi);
            out.push((
                fk.clone(),
                "focus",
                ctx.name(&f.names).to_owned(),
                String::new(),
            ));
            for m in &f.measures {
                let owners: Vec<&str> = m.owners.iter().map(|(_, c)| c.as_str()).collect();
                let detail = [
                    ctx.t(&format!("measure-status-{}", m.status.code())),
                    owners.join(", "),
                    m.responsible.clone(),
                    m.schedule.clone(),
                    m.budget.clone(),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
                out.push((
                    format!("{fk}/{}", m.names.fi),
                    "measure",
                    ctx.name(&m.names).to_owned(),
                    detail,
                ));
            }
        }
    }
    out
}

/// Two versions of a plan side by side (by default this one and the one
/// it was made from).
pub async fn compare_versions(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> PageResult {
    let right = st.store.plan_tree(id).await?.ok_or(AppError::NotFound)?;
    let left_id = q
        .with
        .or(right.plan.previous_id)
        .ok_or(AppError::NotFound)?;
    let left = st
        .store
        .plan_tree(left_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !visible(&ctx, &left.plan)
        || !visible(&ctx, &right.plan)
        || left.plan.org_id != right.plan.org_id
    {
        return Err(AppError::NotFound);
    }
    let a = chain_lines(&ctx, &left);
    let b = chain_lines(&ctx, &right);
    let mut lines = Vec::new();
    // The newer version's order, with what only the older one has after
    // the entry it followed there.
    let mut keys: Vec<(&str, &'static str, &str)> = b
        .iter()
        .map(|(k, l, n, _)| (k.as_str(), *l, n.as_str()))
        .collect();
    for (i, (k, l, n, _)) in a.iter().enumerate() {
        if !keys.iter().any(|(x, _, _)| x == k) {
            let after = a[..i]
                .iter()
                .rev()
                .find_map(|(pk, _, _, _)| keys.iter().position(|(x, _, _)| x == pk))
                .map(|p| p + 1)
                .unwrap_or(0);
            keys.insert(after, (k.as_str(), *l, n.as_str()));
        }
    }
    let present = ctx.t("compare-present");
    for (k, level, name) in keys {
        let find = |v: &Vec<(String, &'static str, String, String)>| {
            v.iter().find(|(x, _, _, _)| x == k).map(|(_, _, _, d)| {
                if d.is_empty() {
                    present.clone()
                } else {
                    d.clone()
                }
            })
        };
        let (l, r) = (find(&a), find(&b));
        lines.push(CompareLine {
            level,
            name: name.to_owned(),
            changed: l != r,
            left: l.unwrap_or_default(),
            right: r.unwrap_or_default(),
        });
    }
    let version = |t: &PlanTree| {
        format!(
            "{} {} ({})",
            ctx.t("plan-version"),
            t.plan.version,
            ctx.t(&format!("plan-status-{}", t.plan.status.code()))
        )
    };
    let page = ComparePage {
        ctx: &ctx,
        left_id: left.plan.id,
        right_id: right.plan.id,
        left: version(&left),
        right: version(&right),
        summary: ctx.lang.t_args(
            "compare-versions-summary",
            &[(
                "changes",
                lines.iter().filter(|l| l.changed).count().to_string(),
            )],
        ),
        lines,
    };
    Ok(Html(page.render()?).into_response())
}
