//! A unit's dashboard: each indicator's latest figure, its direction and
//! target, with sparklines and the unit's analyses. Indicators whose
//! figures the organisation keeps for signed-in users are left out for an
//! anonymous reader.

use crate::support::charts::sparkline;
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::change_between;
use crate::support::format::format_value;
use crate::support::format::period_label;
use crate::support::format::shown_text;
use crate::support::visibility::unreadable_indicators;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use kasvu_core::measure::{is_over, judge};
use kasvu_core::role::permits;
use kasvu_core::{Action, Period};
use kasvu_store::Observation;

pub struct DashboardRow {
    pub code: String,
    pub name: String,
    pub sparkline: String,
    pub latest_period: String,
    pub latest: String,
    /// The period under way and its provisional figure, when the headline
    /// is an earlier one.
    pub running_note: String,
    pub change: String,
    pub change_class: &'static str,
    pub arrow: &'static str,
    pub target: String,
}

pub struct AnalysisView {
    pub period: String,
    pub body: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage<'a> {
    pub ctx: &'a Ctx,
    pub unit_code: String,
    pub unit_name: String,
    pub rows: Vec<DashboardRow>,
    pub analyses: Vec<AnalysisView>,
    /// The signed-in user may enter values / set targets here.
    pub can_enter: bool,
    pub can_set_targets: bool,
    /// The organisation's own people see who has reported.
    pub can_see_completeness: bool,
    /// Plans of this unit whose review is near or past: (plan id, warning).
    pub reviews: Vec<(i64, String)>,
}

/// How many periods a sparkline shows.
pub(super) const SPARK_PERIODS: usize = 12;

pub async fn dashboard(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> PageResult {
    let unit = st.store.org_unit(&code).await?.ok_or(AppError::NotFound)?;
    let catalogue = st.store.indicators().await?;
    let all = st.store.unit_series(unit.id).await?;
    let all_targets = st.store.unit_targets(unit.id).await?;
    let hidden = unreadable_indicators(&st, ctx.user.as_ref(), unit.org_id).await?;
    let lang = ctx.lang;
    let mut rows = Vec::new();
    for ind in catalogue.iter().filter(|i| !hidden.contains(&i.id)) {
        let Some(series) = all.get(&ind.id).filter(|s| !s.is_empty()) else {
            continue;
        };
        let spec = &ind.spec;
        let tail: Vec<&(Period, Observation)> =
            series.iter().rev().take(SPARK_PERIODS).rev().collect();
        let values: Vec<Option<f64>> = tail.iter().map(|(_, o)| o.shown()).collect();
        let name = ctx.name(&spec.names).to_owned();
        // The headline is the latest period that is over: a month or
        // quarter still under way (one school has entered its figure) is
        // shown beside it as provisional and draws no change or verdict.
        let today = crate::support::today();
        let settled: Vec<&(Period, Observation)> =
            series.iter().filter(|(p, _)| is_over(*p, today)).collect();
        let running = series.last().filter(|(p, _)| !is_over(*p, today));
        let Some((lp, lo)) = settled.last().copied().or(running) else {
            continue;
        };
        let provisional = !is_over(*lp, today);
        let latest = shown_text(&ctx, spec.unit, lo);
        let (change, change_class, arrow) = match (
            lo.shown().filter(|_| !provisional),
            settled
                .len()
                .checked_sub(2)
                .and_then(|i| settled[i].1.shown()),
        ) {
            (Some(v), Some(pv)) => change_between(&ctx, spec.direction, v, pv),
            _ => (String::new(), "", ""),
        };
        let running_note = match running.filter(|_| !provisional) {
            Some((p, o)) => lang.t_args(
                "figure-running",
                &[
                    ("period", period_label(lang, *p)),
                    ("value", shown_text(&ctx, spec.unit, o)),
                ],
            ),
            None => String::new(),
        };
        let targets = all_targets.get(&ind.id).map(Vec::as_slice).unwrap_or(&[]);
        let target = targets
            .iter()
            .find(|t| t.period >= *lp)
            .or(targets.last())
            .map(|t| {
                let mut s = format!(
                    "{} ({})",
                    format_value(lang, spec.unit, t.value),
                    period_label(lang, t.period)
                );
                if let Some(v) = lo.shown().filter(|_| !provisional) {
                    s.push_str(&format!(
                        ": {}",
                        ctx.t(&format!(
                            "verdict-{}",
                            judge(spec.direction, v, t.value).code()
                        ))
                    ));
                }
                s
            })
            .unwrap_or_default();
        rows.push(DashboardRow {
            code: spec.code.clone(),
            sparkline: sparkline(&values, &format!("{name}: {}", ctx.t("sparkline-label"))),
            name,
            latest_period: if provisional {
                format!(
                    "{} ({})",
                    period_label(lang, *lp),
                    ctx.t("figure-provisional")
                )
            } else {
                period_label(lang, *lp)
            },
            latest,
            running_note,
            change,
            change_class,
            arrow,
            target,
        });
    }
    // Authors by name to staff, by role and unit to the public.
    let mut authors = crate::support::authors::Authors::new(&st, &ctx);
    let mut analyses = Vec::new();
    for a in st.store.analyses(unit.id).await? {
        analyses.push(AnalysisView {
            period: period_label(lang, a.period),
            body: a.body,
            by: authors.label(&a.updated_by, unit.id).await?,
        });
    }
    let (can_enter, can_set_targets) = match &ctx.user {
        Some(user) if user.org_id == unit.org_id => {
            let tree = st.store.org_tree(user.org_id).await?;
            let a = user.assignments();
            (
                permits(&a, &tree, Action::EnterData, unit.id),
                permits(&a, &tree, Action::SetTargets, unit.id),
            )
        }
        _ => (false, false),
    };
    // The law's four-year review of the unit's plans, when it nears.
    let mut reviews = Vec::new();
    for p in st.store.plans(unit.org_id).await? {
        if !crate::plans::plan_visible(&ctx, &p) {
            continue;
        }
        let mine = match &p.scope {
            Some((id, _)) => *id == unit.id,
            None => unit.parent_id.is_none(),
        };
        if !mine || p.status != kasvu_core::PlanStatus::InForce {
            continue;
        }
        if let Some((text, true)) = crate::plans::review_text(lang, &p) {
            reviews.push((p.id, format!("{}: {text}", ctx.name(&p.title))));
        }
    }
    let page = DashboardPage {
        ctx: &ctx,
        reviews,
        unit_code: unit.code.clone(),
        unit_name: ctx.name(&unit.names).to_owned(),
        rows,
        analyses,
        can_enter,
        can_set_targets,
        can_see_completeness: ctx.user.as_ref().is_some_and(|u| u.org_id == unit.org_id),
    };
    Ok(Html(page.render()?).into_response())
}

/// Every code that becomes part of a message id, for the catalogue test.
#[cfg(test)]
pub fn dynamic_message_ids() -> Vec<String> {
    use kasvu_core::{Aggregation, Direction, Sex, Source};
    let mut ids = Vec::new();
    ids.extend(
        kasvu_core::Cadence::CODES
            .iter()
            .map(|c| format!("cadence-{c}")),
    );
    ids.extend(
        Aggregation::CODES
            .iter()
            .map(|c| format!("aggregation-{c}")),
    );
    ids.extend(Direction::CODES.iter().map(|c| format!("direction-{c}")));
    ids.extend(
        kasvu_core::ValueUnit::CODES
            .iter()
            .map(|c| format!("unit-{c}")),
    );
    ids.extend(Source::CODES.iter().map(|c| format!("source-{c}")));
    ids.extend(
        kasvu_core::Counts::CODES
            .iter()
            .map(|c| format!("counts-{c}")),
    );
    ids.extend(Sex::CODES.iter().map(|c| format!("sex-{c}")));
    ids.extend(
        kasvu_core::PeriodType::CODES
            .iter()
            .map(|c| format!("periodtype-{c}")),
    );
    ids.extend((1..=12).map(|m| format!("month-{m}")));
    ids.extend(["better", "worse", "same", "neutral"].map(|v| format!("verdict-{v}")));
    ids.extend(["up", "down", "flat"].map(|v| format!("movement-{v}")));
    ids.extend(["up", "down", "flat"].map(|v| format!("summary-move-{v}")));
    ids
}
