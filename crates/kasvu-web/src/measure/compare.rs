//! Areas or service clusters side by side: one indicator's series for up to
//! six chosen units, as an SVG chart with the table beside it and a
//! one-sentence summary. Public like the other figures, and suppressed: each
//! unit's figure is protected as it is among its siblings. An indicator the
//! organisation keeps for signed-in users shows an anonymous reader a notice
//! to sign in instead of its figures.

use crate::support::charts::{compare_chart, CompareChart, MAX_SERIES};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::{format_number, format_value, period_label};
use crate::support::visibility::may_read_figures;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse};
use kasvu_core::{Direction, Level};
use kasvu_store::{Indicator, Observation, OrgUnit};

/// The rate by which a count's areas are compared (its catalogue `rate`),
/// when the catalogue has it: areas of different size are compared per
/// 1,000 children of the age group, not by raw counts.
pub(crate) fn rate_of<'a>(catalogue: &'a [Indicator], ind: &Indicator) -> Option<&'a Indicator> {
    let code = ind.spec.rate.as_deref()?;
    catalogue
        .iter()
        .find(|i| kasvu_core::same_code(&i.spec.code, code) && i.spec.is_ratio())
}

/// The sentence saying that areas are compared by the rate ("Alueita
/// verrataan lukuun 1 000 0–17-vuotiasta kohden …").
pub(crate) fn rate_sentence(ctx: &Ctx, rate: &Indicator) -> String {
    let lang = ctx.lang;
    match (&rate.spec.denominator_age_group, rate.spec.factor) {
        (Some(age), Some(factor)) => lang.t_args(
            "compare-by-rate-age",
            &[
                ("factor", format_number(lang, factor, 0)),
                ("age", age.replace('-', "\u{2013}")),
            ],
        ),
        _ => lang.t_args(
            "compare-by-rate",
            &[("rate", ctx.name(&rate.spec.names).to_owned())],
        ),
    }
}

pub struct UnitChoice {
    pub code: String,
    pub name: String,
    pub checked: bool,
}

pub struct ChoiceGroup {
    pub label: String,
    pub units: Vec<UnitChoice>,
}

pub struct CompareRow {
    pub period: String,
    pub cells: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "compare.html")]
pub struct ComparePage<'a> {
    pub ctx: &'a Ctx,
    pub indicators: Vec<(String, String)>,
    pub indicator: String,
    pub indicator_name: String,
    pub groups: Vec<ChoiceGroup>,
    pub columns: Vec<String>,
    pub rows: Vec<CompareRow>,
    pub chart: String,
    pub summary: String,
    /// Says that the units are compared by the indicator's rate; empty
    /// when the indicator has none.
    pub rate_note: String,
    pub too_many: bool,
    /// The figures are for signed-in users and the reader is anonymous.
    pub sign_in_to_see: bool,
}

/// How many of the latest periods the comparison shows.
const PERIODS: usize = 12;

fn param<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The units a comparison is made between: the organisation, its areas and
/// its service clusters, current ones only.
fn comparable(units: &[OrgUnit]) -> Vec<&OrgUnit> {
    let today = crate::support::today();
    units
        .iter()
        .filter(|u| u.level != Level::Unit && !u.valid.ended_before(today))
        .collect()
}

pub async fn compare(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Vec<(String, String)>>,
) -> PageResult {
    let catalogue = st.store.indicators().await?;
    let ind = match param(&q, "indicator") {
        Some(code) => catalogue
            .iter()
            .find(|i| i.spec.code == code)
            .ok_or(AppError::NotFound)?,
        None => catalogue.first().ok_or(AppError::NotFound)?,
    };
    let org = &crate::support::access::viewer_org(&st, &ctx).await?;
    let units = st.store.org_units(org.org_id).await?;
    let choices = comparable(&units);
    let wanted: Vec<&str> = q
        .iter()
        .filter(|(k, _)| k == "unit")
        .map(|(_, v)| v.trim())
        .collect();
    let parent = param(&q, "parent").and_then(|c| units.iter().find(|u| u.code == c));
    let mut chosen: Vec<&OrgUnit> = if !wanted.is_empty() {
        choices
            .iter()
            .copied()
            .filter(|u| wanted.contains(&u.code.as_str()))
            .collect()
    } else {
        let parent_id = parent.map(|p| p.id).unwrap_or(org.id);
        choices
            .iter()
            .copied()
            .filter(|u| u.parent_id == Some(parent_id))
            .collect()
    };
    let too_many = chosen.len() > MAX_SERIES;
    chosen.truncate(MAX_SERIES);
    let lang = ctx.lang;
    let ids: Vec<i64> = chosen.iter().map(|u| u.id).collect();
    let readable = may_read_figures(&st, ctx.user.as_ref(), org.org_id, ind.id).await?;
    let (periods, observed) = if readable {
        st.store.compare(ind, org.org_id, &ids).await?
    } else {
        (Vec::new(), ids.iter().map(|_| Vec::new()).collect())
    };
    // The count's rate, observed for the same units and periods, where the
    // reader may read it too.
    let mut rate = None;
    if let Some(r) = rate_of(&catalogue, ind) {
        if readable && may_read_figures(&st, ctx.user.as_ref(), org.org_id, r.id).await? {
            let (rate_periods, rate_obs) = st.store.compare(r, org.org_id, &ids).await?;
            let aligned: Vec<Vec<Observation>> = rate_obs
                .iter()
                .map(|o| {
                    periods
                        .iter()
                        .map(|p| {
                            rate_periods
                                .iter()
                                .position(|q| q == p)
                                .and_then(|i| o.get(i).cloned())
                                .unwrap_or_else(|| Observation::missing(0.0))
                        })
                        .collect()
                })
                .collect();
            rate = Some((r, aligned));
        }
    }
    let skip = periods.len().saturating_sub(PERIODS);
    let periods = &periods[skip..];
    let observed: Vec<&[Observation]> = observed.iter().map(|o| &o[skip..]).collect();
    let rate = rate.map(|(r, obs)| {
        let obs: Vec<Vec<Observation>> = obs.into_iter().map(|o| o[skip..].to_vec()).collect();
        (r, obs)
    });
    let labels: Vec<String> = periods.iter().map(|p| period_label(lang, *p)).collect();
    let names: Vec<String> = chosen
        .iter()
        .map(|u| ctx.name(&u.names).to_owned())
        .collect();
    let cell = |unit, o: &Observation| match o.shown() {
        Some(v) => (format_value(lang, unit, v), false),
        None if o.suppressed() => (ctx.t("value-suppressed"), true),
        None => (ctx.t("value-missing"), false),
    };
    // With a rate, each unit's count has its rate beside it.
    let rows = periods
        .iter()
        .enumerate()
        .map(|(i, p)| CompareRow {
            period: period_label(lang, *p),
            cells: observed
                .iter()
                .enumerate()
                .flat_map(|(u, o)| {
                    let mut cells = vec![cell(ind.spec.unit, &o[i])];
                    if let Some((r, ro)) = &rate {
                        cells.push(cell(r.spec.unit, &ro[u][i]));
                    }
                    cells
                })
                .collect(),
        })
        .collect();
    let columns: Vec<String> = match &rate {
        None => names.clone(),
        Some(_) => names
            .iter()
            .flat_map(|n| {
                [
                    n.clone(),
                    lang.t_args("compare-rate-column", &[("unit", n.clone())]),
                ]
            })
            .collect(),
    };
    let indicator_name = ctx.name(&ind.spec.names).to_owned();
    // What is ranked, summarised and drawn: the rate where there is one.
    let (ranked, ranked_obs): (&Indicator, Vec<&[Observation]>) = match &rate {
        Some((r, ro)) => (r, ro.iter().map(Vec::as_slice).collect()),
        None => (ind, observed.clone()),
    };
    let unit = ranked.spec.unit;
    let chart_title = ctx.name(&ranked.spec.names).to_owned();
    let rate_note = rate
        .as_ref()
        .map(|(r, _)| rate_sentence(&ctx, r))
        .unwrap_or_default();
    let observed = ranked_obs;
    let series: Vec<(String, Vec<Option<f64>>)> = names
        .iter()
        .cloned()
        .zip(
            observed
                .iter()
                .map(|o| o.iter().map(Observation::shown).collect()),
        )
        .collect();
    // The latest period in which some unit has a figure to show.
    let latest = (0..periods.len())
        .rev()
        .find(|i| observed.iter().any(|o| o[*i].shown().is_some()));
    let summary = match latest {
        None if !readable => ctx.t("figures-sign-in-to-see"),
        None => ctx.t("summary-none"),
        Some(i) => {
            let mut shown: Vec<(&str, f64)> = names
                .iter()
                .zip(&observed)
                .filter_map(|(n, o)| o[i].shown().map(|v| (n.as_str(), v)))
                .collect();
            // Best first in the indicator's direction; largest first when neutral.
            shown.sort_by(|a, b| match ranked.spec.direction {
                Direction::Down => a.1.total_cmp(&b.1),
                _ => b.1.total_cmp(&a.1),
            });
            let list = shown
                .iter()
                .map(|(n, v)| format!("{n} {}", format_value(lang, unit, *v)))
                .collect::<Vec<_>>()
                .join(", ");
            let key = match ranked.spec.direction {
                Direction::Neutral => "compare-summary-neutral",
                _ => "compare-summary",
            };
            lang.t_args(key, &[("period", labels[i].clone()), ("list", list)])
        }
    };
    let chart = if periods.is_empty() || chosen.is_empty() {
        String::new()
    } else {
        compare_chart(&CompareChart {
            id: "compare-chart",
            title: &chart_title,
            desc: &summary,
            labels: &labels,
            series: &series,
            fmt: &|v| format_number(lang, v, if v.fract() == 0.0 { 0 } else { 1 }),
        })
    };
    let chosen_codes: Vec<&str> = chosen.iter().map(|u| u.code.as_str()).collect();
    let group = |level: Level, key: &str| ChoiceGroup {
        label: ctx.t(key),
        units: choices
            .iter()
            .filter(|u| u.level == level)
            .map(|u| UnitChoice {
                code: u.code.clone(),
                name: ctx.name(&u.names).to_owned(),
                checked: chosen_codes.contains(&u.code.as_str()),
            })
            .collect(),
    };
    let groups = [
        group(Level::Organisation, "level-organisation"),
        group(Level::Area, "compare-areas"),
        group(Level::Cluster, "compare-clusters"),
    ]
    .into_iter()
    .filter(|g| !g.units.is_empty())
    .collect();
    let page = ComparePage {
        ctx: &ctx,
        indicators: catalogue
            .iter()
            .map(|i| (i.spec.code.clone(), ctx.name(&i.spec.names).to_owned()))
            .collect(),
        indicator: ind.spec.code.clone(),
        indicator_name,
        groups,
        columns,
        rows,
        chart,
        summary,
        rate_note,
        too_many,
        sign_in_to_see: !readable,
    };
    Ok(Html(page.render()?).into_response())
}
