//! One plan from goal to impact: the chain with its measures, evidence and
//! follow-up, filtered, with what the viewer may change.

use super::list::{period_text, visible};
use crate::i18n::Lang;
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::{date_label, format_value, period_label};
use crate::support::format::{lt, LText};
use crate::support::visibility::readable_catalogue;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse};
use kasvu_core::measure::{change_since_previous, judge, Movement, Verdict};
use kasvu_core::plan::{review_state, ReviewState};
use kasvu_core::role::permits;
use kasvu_core::{Action, ChildRight, MeasureStatus, PlanStatus};
use kasvu_store::{Breakdown, Plan};
use serde::Deserialize;
use std::collections::HashMap;

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
    pub name: LText,
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
    pub statement: LText,
    pub code: String,
    pub indicator: String,
    pub expected: String,
    pub baseline: String,
    pub latest: String,
    pub verdict: String,
    pub class: &'static str,
}

pub struct FocusView {
    pub name: LText,
    pub measures: Vec<MeasureView>,
}

pub struct GoalView {
    pub name: LText,
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
    pub strengths: Vec<LText>,
    pub challenges: Vec<LText>,
    /// Coordinating structures: (name, tasks).
    pub structures: Vec<(LText, LText)>,
    /// The evaluation form's periods, the plan's years by name: (code,
    /// label, selected), this year (within the plan) chosen.
    pub eval_periods: Vec<(String, String, bool)>,
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
pub(super) struct Rights {
    pub(super) manage: bool,
    pub(super) follow: Box<dyn Fn(&kasvu_store::Measure) -> bool + Send + Sync>,
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

pub(super) async fn rights_of(st: &AppState, ctx: &Ctx, plan: &Plan) -> Result<Rights, AppError> {
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
        // A regional plan is managed in its area too (kasvu_core::plan::may_manage).
        manage: kasvu_core::plan::may_manage(
            &a,
            &tree,
            org_id,
            plan.scope.as_ref().map(|(id, _)| *id),
        ),
        follow: Box::new(move |m| may_follow_up(&a, &tree, org_id, m)),
    })
}

pub(super) fn status_class(s: MeasureStatus) -> &'static str {
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
    let today = crate::support::today();
    Some(match review_state(approved, today) {
        ReviewState::OnTime(due) => (
            lang.t_args("plan-review-due", &[("date", date_label(lang, due))]),
            false,
        ),
        ReviewState::DueSoon { due, days } => (
            lang.t_args(
                "plan-review-soon",
                &[("date", date_label(lang, due)), ("days", days.to_string())],
            ),
            true,
        ),
        ReviewState::Overdue { due, days } => (
            lang.t_args(
                "plan-review-overdue",
                &[("date", date_label(lang, due)), ("days", days.to_string())],
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
    // The figures the reader may read: an anonymous reader of a public plan
    // gets no evidence from indicators its organisation keeps for
    // signed-in users.
    let catalogue = readable_catalogue(&st, ctx.user.as_ref(), tree.plan.org_id).await?;
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
                        // The latest figure against the previous one with
                        // data (a biennial survey: the previous survey).
                        let latest_text = |(p, v): (kasvu_core::Period, f64)| {
                            format!(
                                "{} ({})",
                                format_value(lang, ind.spec.unit, v),
                                period_label(lang, p)
                            )
                        };
                        let change = shown.last().and_then(|(p, _)| {
                            change_since_previous(&shown, ind.spec.cadence, ind.spec.direction, *p)
                        });
                        let (latest, arrow, change, class) = match (shown.last(), change) {
                            (_, Some(c)) => (
                                latest_text((c.period, c.value)),
                                match c.movement {
                                    Movement::Up => "↑",
                                    Movement::Down => "↓",
                                    Movement::Flat => "→",
                                },
                                lang.t_args(
                                    &format!("plan-evidence-{}", c.verdict.code()),
                                    &[("period", period_label(lang, c.previous_period))],
                                ),
                                match c.verdict {
                                    Verdict::Better => "better",
                                    Verdict::Worse => "worse",
                                    _ => "neutral",
                                },
                            ),
                            (Some(last), None) => {
                                (latest_text(*last), "", String::new(), "neutral")
                            }
                            (None, _) => (lang.t("value-missing"), "", String::new(), "neutral"),
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
                    .map(|e| format!("{}: {}", date_label(lang, e.on), e.note))
                    .unwrap_or_default();
                measures.push(MeasureView {
                    id: m.id,
                    can_follow: (rights.follow)(m),
                    status_code: m.status.code(),
                    name: lt(&ctx, &m.names),
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
                    name: lt(&ctx, &fa.names),
                    measures,
                });
            }
        }
        if !focus_areas.is_empty() {
            goals.push(GoalView {
                name: lt(&ctx, &g.names),
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
            statement: lt(&ctx, &x.statement),
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
            format!("{} – {}", date_label(lang, d), p.decision_ref),
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
        strengths: tree.strengths.iter().map(|t| lt(&ctx, t)).collect(),
        challenges: tree.challenges.iter().map(|t| lt(&ctx, t)).collect(),
        structures: tree
            .structures
            .iter()
            .map(|s| (lt(&ctx, &s.name), lt(&ctx, &s.tasks)))
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
        eval_periods: {
            let this_year = crate::support::today()
                .year()
                .clamp(p.period.start_year, p.period.end_year);
            (p.period.start_year..=p.period.end_year)
                .filter_map(|y| kasvu_core::Period::year(y).ok())
                .map(|y| {
                    (
                        y.code(),
                        period_label(lang, y),
                        y.year_number() == this_year,
                    )
                })
                .collect()
        },
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
