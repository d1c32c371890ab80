//! The yearly report of a plan as a page, XLSX and PDF.

use super::list::{period_text, visible};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::{format_value, period_label};
use crate::support::responses::download;
use crate::support::visibility::readable_catalogue;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse};
use kasvu_core::measure::change_since_previous;
use kasvu_store::{Breakdown, PlanTree};
use serde::Deserialize;

/// How many years back the report looks for the previous figure (a
/// biennial survey's previous one is two years back).
const PREVIOUS_LOOKBACK_YEARS: i32 = 3;

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
pub(super) async fn report_doc(
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
    use kasvu_io::report::{
        ChartSeries, FigureRow, ImpactRow, MeasureRow, ReportDoc, ReportLabels,
    };
    let tree = st.store.plan_tree(id).await?.ok_or(AppError::NotFound)?;
    if !visible(ctx, &tree.plan) {
        return Err(AppError::NotFound);
    }
    let lang = ctx.lang;
    let p = &tree.plan;
    let year = year
        .unwrap_or_else(|| crate::support::today().year() - 1)
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
    // Only the figures the reader may read (see `support::visibility`).
    let catalogue = readable_catalogue(st, ctx.user.as_ref(), p.org_id).await?;
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
    let mut series_of_charts = Vec::new();
    let mut impacts = Vec::new();
    for code in codes {
        let Some(ind) = catalogue.iter().find(|i| i.spec.code == code) else {
            continue;
        };
        let now = st
            .store
            .observe(ind, scope.id, this, &Breakdown::total())
            .await?;
        // The previous figure is the latest earlier year with one: for a
        // biennial survey the previous survey, not the empty year between.
        let mut prev = st
            .store
            .observe(ind, scope.id, before, &Breakdown::total())
            .await?;
        let mut prev_year = before;
        for back in 2..=PREVIOUS_LOOKBACK_YEARS {
            if prev.raw.is_some() {
                break;
            }
            let Ok(earlier) = kasvu_core::Period::year(year - back) else {
                break;
            };
            let o = st
                .store
                .observe(ind, scope.id, earlier, &Breakdown::total())
                .await?;
            if o.raw.is_some() {
                prev = o;
                prev_year = earlier;
            }
        }
        let text = |o: &kasvu_store::Observation| match o.shown() {
            Some(v) => format_value(lang, ind.spec.unit, v),
            None if o.suppressed() => lang.t("value-suppressed"),
            None => lang.t("value-missing"),
        };
        let history: Vec<(kasvu_core::Period, f64)> = [(this, &now), (prev_year, &prev)]
            .into_iter()
            .filter_map(|(p, o)| o.shown().map(|v| (p, v)))
            .collect();
        // Year roll-ups are compared, whatever the indicator's own cadence.
        let change = change_since_previous(
            &history,
            kasvu_core::Cadence::Yearly,
            ind.spec.direction,
            this,
        );
        let verdict = change
            .map(|c| lang.t(&format!("verdict-{}", c.verdict.code())))
            .unwrap_or_default();
        let previous = if prev_year == before {
            text(&prev)
        } else {
            format!("{} ({})", text(&prev), period_label(lang, prev_year))
        };
        figures.push(FigureRow {
            indicator: ctx.name(&ind.spec.names).to_owned(),
            value: text(&now),
            number: now.shown(),
            previous,
            previous_number: prev.shown(),
            verdict,
        });
        for x in tree.impacts.iter().filter(|x| x.indicator == code) {
            impacts.push(ImpactRow {
                statement: ctx.name(&x.statement).to_owned(),
                indicator: ctx.name(&ind.spec.names).to_owned(),
                direction: lang.t(&format!("impact-expected-{}", x.direction.code())),
            });
        }
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
                let texts: Vec<String> = series.iter().map(|(_, o)| text(o)).collect();
                let alt = lang.t_args(
                    "report-chart-alt",
                    &[
                        ("indicator", name.clone()),
                        ("unit", ctx.name(&scope.names).to_owned()),
                        (
                            "values",
                            labels
                                .iter()
                                .zip(&texts)
                                .map(|(p, t)| format!("{p}: {t}"))
                                .collect::<Vec<_>>()
                                .join("; "),
                        ),
                    ],
                );
                series_of_charts.push(ChartSeries {
                    title: name.clone(),
                    alt,
                    periods: labels.clone(),
                    values: values.clone(),
                    texts,
                });
                let desc = lang.t_args(
                    "report-chart-desc",
                    &[
                        ("indicator", name.clone()),
                        ("unit", ctx.name(&scope.names).to_owned()),
                    ],
                );
                charts.push((
                    name.clone(),
                    crate::support::charts::line_chart(&crate::support::charts::LineChart {
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
                            crate::support::format::format_number(
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
    let org_name = units
        .iter()
        .find(|u| u.parent_id.is_none())
        .map(|u| ctx.name(&u.names).to_owned())
        .unwrap_or_default();
    let doc = ReportDoc {
        title,
        plan_title: ctx.name(&p.title).to_owned(),
        org_name,
        lang: lang.code().to_owned(),
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
        impacts,
        charts: series_of_charts,
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
            impacts: ctx.t("plan-impact"),
            impact_statement: ctx.t("plan-impact-statement"),
            impact_direction: ctx.t("plan-impact-expected"),
            period: ctx.t("table-period"),
            chart_value: ctx.t("chart-value"),
            page: ctx.t("report-page"),
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
    /// Each impact indicator's chart.
    pub charts: Vec<ReportChart>,
}

/// An impact indicator's chart on the report page: its name, the SVG, and
/// the (period, value) rows of the table beside it.
pub type ReportChart = (String, String, Vec<(String, String)>);

pub async fn report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let (tree, year, doc, charts) = report_doc(&st, &ctx, id, q.year, q.unit.as_deref()).await?;
    let p = &tree.plan;
    // Each chart with the table of its values (the same series, in order).
    let charts = charts
        .into_iter()
        .zip(&doc.charts)
        .map(|((name, svg), s)| {
            let rows = s.periods.iter().cloned().zip(s.texts.iter().cloned());
            (name, svg, rows.collect())
        })
        .collect();
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
