//! Shared measurement pages: the indicator catalogue, an indicator's page
//! (chart with target and forecast, data table, breakdowns, sub-units,
//! downloads) and a unit's dashboard with its written conclusions. Figures
//! are public like Sotkanet's and always served suppressed, except those an
//! organisation made signed-in only: an anonymous reader gets a notice to
//! sign in instead of them (the page) or a 404 (the export).

use super::figure_notes::{figure_notes, FigureNotes};
use crate::support::charts::{line_chart, LineChart};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::format_number;
use crate::support::format::format_value;
use crate::support::format::movement_code;
use crate::support::format::period_label;
use crate::support::format::shown_text;
use crate::support::visibility::may_read_figures;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse};
use kasvu_core::measure::{change_since_previous, is_over, judge, outlook};
use kasvu_core::{Cadence, Level, Period};
use kasvu_io::export::{to_csv, to_jsonstat, to_xlsx, ExportFormat};
use kasvu_store::{Breakdown, Indicator, Observation, OrgUnit};
use serde::Deserialize;

pub struct IndicatorRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub direction: String,
    pub source: String,
}

pub struct CadenceGroup {
    pub title: String,
    pub rows: Vec<IndicatorRow>,
}

#[derive(Template)]
#[template(path = "indicators.html")]
pub struct IndicatorsPage<'a> {
    pub ctx: &'a Ctx,
    pub groups: Vec<CadenceGroup>,
}

pub async fn indicators(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let all = st.store.indicators().await?;
    let groups = Cadence::ALL
        .iter()
        .map(|c| CadenceGroup {
            title: ctx.t(&format!("cadence-{}", c.code())),
            rows: all
                .iter()
                .filter(|i| i.spec.cadence == *c)
                .map(|i| IndicatorRow {
                    code: i.spec.code.clone(),
                    name: ctx.name(&i.spec.names).to_owned(),
                    unit: ctx.t(&format!("unit-{}", i.spec.unit.code())),
                    direction: ctx.t(&format!("direction-{}", i.spec.direction.code())),
                    source: ctx.t(&format!("source-{}", i.spec.source.code())),
                })
                .collect(),
        })
        .filter(|g| !g.rows.is_empty())
        .collect();
    Ok(Html(IndicatorsPage { ctx: &ctx, groups }.render()?).into_response())
}

#[derive(Deserialize)]
pub struct UnitQuery {
    pub unit: Option<String>,
}

pub struct TableRow {
    pub period: String,
    pub value: String,
    pub target: String,
    pub forecast: String,
}

pub struct LabelledValue {
    pub label: String,
    pub value: String,
    pub suppressed: bool,
}

/// A sub-unit in the side-by-side table: its figure and, for a count
/// with a rate, its rate (by which the rows are ordered).
pub struct ChildRow {
    pub label: String,
    pub value: String,
    pub suppressed: bool,
    pub rate: Option<(String, bool)>,
}

pub struct UnitOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "indicator.html")]
pub struct IndicatorPage<'a> {
    pub ctx: &'a Ctx,
    pub code: String,
    pub name: String,
    pub definition: String,
    pub facts: Vec<(String, String)>,
    pub not_needed_note: String,
    /// Small values hidden (people) or shown as they are (activities).
    pub counts_people: bool,
    pub unit_name: String,
    pub unit_code: String,
    pub org_code: String,
    pub units: Vec<UnitOption>,
    pub chart: String,
    pub summary: String,
    pub table: Vec<TableRow>,
    pub has_targets: bool,
    pub has_forecast: bool,
    pub latest_label: String,
    pub breakdowns: Vec<LabelledValue>,
    pub children: Vec<ChildRow>,
    /// Says that the sub-units are compared by the rate; empty when the
    /// indicator has none.
    pub children_rate_note: String,
    /// The organisation's figures of this indicator are for signed-in
    /// users and the reader is anonymous: none are shown.
    pub sign_in_to_see: bool,
    /// For a unit with sub-units: whether the latest figure is reported for
    /// the unit itself or summed from them (and how many have one).
    pub figure_source: String,
    /// For signed-in staff, beside a reported figure: what the sub-units
    /// sum to.
    pub summed_note: String,
}

/// The org unit a page is about: `?unit=` or the first organisation.
pub(super) async fn chosen_unit(st: &AppState, code: Option<&str>) -> Result<OrgUnit, AppError> {
    match code.filter(|c| !c.trim().is_empty()) {
        Some(c) => st.store.org_unit(c.trim()).await?.ok_or(AppError::NotFound),
        None => st
            .store
            .organisations()
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound),
    }
}

/// How many periods ahead the forecast reaches.
pub(super) const FORECAST_AHEAD: i64 = 2;

pub(super) fn sex_label(ctx: &Ctx, b: &Breakdown) -> String {
    let sex = ctx.t(&format!("sex-{}", b.sex.code()));
    match b.grade {
        Some(g) => format!(
            "{sex}, {}",
            ctx.lang.t_args("grade-n", &[("grade", g.to_string())])
        ),
        None => format!("{sex}, {}", ctx.t("grade-all")),
    }
}

pub async fn indicator(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<UnitQuery>,
) -> PageResult {
    let ind = st.store.indicator(&code).await?.ok_or(AppError::NotFound)?;
    let unit = chosen_unit(&st, q.unit.as_deref()).await?;
    let org_units = st.store.org_units(unit.org_id).await?;
    let org_code = org_units
        .iter()
        .find(|u| u.id == unit.org_id)
        .map(|u| u.code.clone())
        .unwrap_or_default();
    let spec = &ind.spec;
    let lang = ctx.lang;
    let readable = may_read_figures(&st, ctx.user.as_ref(), unit.org_id, ind.id).await?;
    // Nothing of the figures is read for a reader who may not see them:
    // no series, targets, breakdowns or sub-units.
    let (series, targets) = if readable {
        (
            st.store.series(&ind, unit.id, &Breakdown::total()).await?,
            st.store.targets(ind.id, unit.id).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let native = spec.cadence.period_type();
    // Biennial surveys are drawn every other year, not with gaps between.
    let step: i64 = if spec.cadence == Cadence::Biennial {
        2
    } else {
        1
    };

    // The x axis: every period of the cadence from the first value to the
    // last value, target or forecast.
    let shown: Vec<(Period, f64)> = series
        .iter()
        .filter_map(|(p, o)| o.shown().map(|v| (*p, v)))
        .collect();
    let target_values: Vec<(Period, f64)> = targets.iter().map(|t| (t.period, t.value)).collect();
    // Forecasts and targets come from one computation (`outlook`) for the
    // chart, the table and the summary sentence alike.
    let outlook_at = |p: Period| outlook(&shown, &target_values, spec.cadence, p);
    let latest_shown = shown.last().map(|(p, _)| *p);
    let last = series.last().map(|(p, _)| *p);
    let mut end = last;
    for t in targets.iter().filter(|t| t.period.ptype() == native) {
        end = end.max(Some(t.period));
    }
    if let Some(l) = latest_shown {
        if l.offset(step)
            .is_some_and(|n| outlook_at(n).forecast.is_some())
        {
            end = end.max(l.offset(FORECAST_AHEAD * step));
        }
    }
    let axis: Vec<Period> = match (series.first().map(|(p, _)| *p), end) {
        (Some(a), Some(b)) => (0..=(b.index() - a.index()).max(0))
            .step_by(step as usize)
            .filter_map(|i| a.offset(i))
            .collect(),
        _ => Vec::new(),
    };
    let labels: Vec<String> = axis.iter().map(|p| period_label(lang, *p)).collect();
    let obs_at = |p: Period| series.iter().find(|(q, _)| *q == p).map(|(_, o)| o);
    let values: Vec<Option<f64>> = axis
        .iter()
        .map(|p| obs_at(*p).and_then(|o| o.shown()))
        .collect();
    let chart_targets: Vec<(usize, f64)> = targets
        .iter()
        .filter_map(|t| {
            axis.iter()
                .position(|p| *p == t.period)
                .map(|i| (i, t.value))
        })
        .collect();
    // From the latest value on: there it is what the curve promised before
    // it (the summary's "turn the curve"), later the forecast.
    let forecast: Vec<(usize, f64)> = match latest_shown {
        Some(l) => axis
            .iter()
            .enumerate()
            .filter(|(_, p)| **p >= l)
            .filter_map(|(i, p)| outlook_at(*p).forecast.map(|f| (i, f)))
            .collect(),
        None => Vec::new(),
    };
    let name = ctx.name(&spec.names).to_owned();
    let unit_name = ctx.name(&unit.names).to_owned();
    // The headline is the latest finished period with a figure: one still
    // under way, or a sum some sub-units have not yet reported to, is
    // provisional and draws no verdict.
    let today = crate::support::today();
    let headline = series
        .iter()
        .rev()
        .find(|(p, o)| is_over(*p, today) && o.shown().is_some())
        .or(series.last());
    let notes = match headline {
        Some((p, o)) => figure_notes(&st, &ctx, &ind, unit.id, *p, o).await?,
        None => FigureNotes::default(),
    };
    let summary = if readable {
        summary(&ctx, &ind, &series, &targets, notes.provisional)
    } else {
        ctx.t("figures-sign-in-to-see")
    };
    let fmt = |v: f64| format_value(lang, spec.unit, v);
    let chart = if axis.is_empty() {
        String::new()
    } else {
        line_chart(&LineChart {
            id: "chart-main",
            title: &format!("{name} – {unit_name}"),
            desc: &summary,
            labels: &labels,
            values: &values,
            targets: &chart_targets,
            forecast: &forecast,
            legend_value: &ctx.t("chart-value"),
            legend_target: &ctx.t("chart-target"),
            legend_forecast: &ctx.t("chart-forecast"),
            fmt: &fmt,
        })
    };
    let table = axis
        .iter()
        .enumerate()
        .map(|(i, p)| TableRow {
            period: labels[i].clone(),
            value: obs_at(*p)
                .map(|o| {
                    let v = shown_text(&ctx, spec.unit, o);
                    if is_over(*p, today) {
                        v
                    } else {
                        format!("{v} ({})", ctx.t("figure-provisional"))
                    }
                })
                .unwrap_or_default(),
            target: chart_targets
                .iter()
                .find(|t| t.0 == i)
                .map(|t| fmt(t.1))
                .unwrap_or_default(),
            forecast: forecast
                .iter()
                .find(|f| f.0 == i)
                .map(|f| fmt(f.1))
                .unwrap_or_default(),
        })
        .collect();
    let latest = series.last().map(|(p, _)| *p);
    let (figure_source, summed_note) = (notes.source, notes.beside);
    let mut breakdowns = Vec::new();
    let mut children = Vec::new();
    let mut children_rate_note = String::new();
    if let Some(p) = latest {
        if spec.by_sex || spec.by_grade {
            for (b, o) in st.store.breakdowns(&ind, unit.id, p).await? {
                breakdowns.push(LabelledValue {
                    label: sex_label(&ctx, &b),
                    value: shown_text(&ctx, spec.unit, &o),
                    suppressed: o.suppressed(),
                });
            }
        }
        let kids: Vec<&OrgUnit> = org_units
            .iter()
            .filter(|u| u.parent_id == Some(unit.id))
            .collect();
        let ids: Vec<i64> = kids.iter().map(|u| u.id).collect();
        let (_, obs) = st
            .store
            .children_observations(&ind, unit.id, &ids, p, &Breakdown::total())
            .await?;
        // A count with a rate: each sub-unit's rate beside its count, best
        // rate first, since the sub-units differ in size.
        let catalogue = st.store.indicators().await?;
        let mut rates = None;
        if let Some(r) = super::compare::rate_of(&catalogue, &ind) {
            if may_read_figures(&st, ctx.user.as_ref(), unit.org_id, r.id).await? {
                let (_, ro) = st
                    .store
                    .children_observations(r, unit.id, &ids, p, &Breakdown::total())
                    .await?;
                children_rate_note = super::compare::rate_sentence(&ctx, r);
                rates = Some((r, ro));
            }
        }
        let mut ranked = Vec::new();
        for (i, (u, o)) in kids.iter().zip(obs).enumerate() {
            let rate = rates
                .as_ref()
                .and_then(|(r, ro)| ro.get(i).map(|o| (r.spec.unit, o.clone())));
            if o.raw.is_some() || rate.as_ref().is_some_and(|(_, o)| o.raw.is_some()) {
                let key = rate.as_ref().and_then(|(_, o)| o.shown());
                ranked.push((
                    key,
                    ChildRow {
                        label: ctx.name(&u.names).to_owned(),
                        value: shown_text(&ctx, spec.unit, &o),
                        suppressed: o.suppressed(),
                        rate: rate.map(|(unit, o)| (shown_text(&ctx, unit, &o), o.suppressed())),
                    },
                ));
            }
        }
        if let Some((r, _)) = &rates {
            // Best first in the rate's direction (largest first when
            // neutral); sub-units without a rate to show last, in tree order.
            let down = r.spec.direction == kasvu_core::Direction::Down;
            ranked.sort_by(|a, b| match (a.0, b.0) {
                (Some(x), Some(y)) if down => x.total_cmp(&y),
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
        }
        children = ranked.into_iter().map(|(_, c)| c).collect();
    }
    let mut facts = vec![
        (
            ctx.t("field-unit"),
            ctx.t(&format!("unit-{}", spec.unit.code())),
        ),
        (
            ctx.t("field-cadence"),
            ctx.t(&format!("cadence-{}", spec.cadence.code())),
        ),
        (
            ctx.t("field-aggregation"),
            ctx.t(&format!("aggregation-{}", spec.aggregation.code())),
        ),
        (
            ctx.t("field-direction"),
            ctx.t(&format!("direction-{}", spec.direction.code())),
        ),
        (
            ctx.t("field-source"),
            ctx.t(&format!("source-{}", spec.source.code())),
        ),
        // Whether small values are hidden (people) or shown (activities).
        (
            ctx.t("field-counts"),
            ctx.t(&format!("counts-{}", spec.counts.code())),
        ),
        (ctx.t("field-code"), spec.code.clone()),
    ];
    if let (Some(n), Some(d), Some(f)) = (&spec.numerator, &spec.denominator, spec.factor) {
        facts.push((
            ctx.t("field-formula"),
            format!("{} × {n} / {d}", format_number(lang, f, 0)),
        ));
    }
    if !spec.external_codes.is_empty() {
        facts.push((
            ctx.t("field-external-codes"),
            kasvu_core::ExternalCode::format_list(&spec.external_codes).replace(';', ", "),
        ));
    }
    if !spec.themes.is_empty() {
        facts.push((ctx.t("field-themes"), spec.themes.join(", ")));
    }
    let units = org_units
        .iter()
        .filter(|u| {
            u.level != Level::Unit
                || u.id == unit.id
                || !u.valid.ended_before(crate::support::today())
        })
        .map(|u| UnitOption {
            code: u.code.clone(),
            name: format!(
                "{}{}",
                "\u{a0}\u{a0}".repeat(match u.level {
                    Level::Organisation => 0,
                    Level::Area => 1,
                    Level::Cluster => 2,
                    Level::Unit => 3,
                }),
                ctx.name(&u.names)
            ),
            selected: u.id == unit.id,
        })
        .collect();
    let page = IndicatorPage {
        ctx: &ctx,
        code: spec.code.clone(),
        definition: ctx.name(&spec.definitions).to_owned(),
        facts,
        not_needed_note: spec.not_needed_note.clone(),
        counts_people: spec.protects_people(),
        unit_code: unit.code.clone(),
        org_code,
        units: order_units(units, &org_units),
        chart,
        summary,
        has_targets: !chart_targets.is_empty(),
        has_forecast: !forecast.is_empty(),
        table,
        latest_label: latest.map(|p| period_label(lang, p)).unwrap_or_default(),
        breakdowns,
        children,
        children_rate_note,
        sign_in_to_see: !readable,
        figure_source,
        summed_note,
        name,
        unit_name,
    };
    Ok(Html(page.render()?).into_response())
}

/// Tree order (parents before their children) for the unit chooser.
pub(super) fn order_units(options: Vec<UnitOption>, units: &[OrgUnit]) -> Vec<UnitOption> {
    let mut out = Vec::with_capacity(options.len());
    let mut stack: Vec<&OrgUnit> = units.iter().filter(|u| u.parent_id.is_none()).collect();
    while let Some(u) = stack.pop() {
        if let Some(i) = options.iter().position(|o| o.code == u.code) {
            out.push(UnitOption {
                code: options[i].code.clone(),
                name: options[i].name.clone(),
                selected: options[i].selected,
            });
        }
        let mut kids: Vec<&OrgUnit> = units.iter().filter(|c| c.parent_id == Some(u.id)).collect();
        kids.sort_by(|a, b| b.code.cmp(&a.code));
        stack.extend(kids);
    }
    out
}

/// One sentence on the latest value, its change and the target.
pub(super) fn summary(
    ctx: &Ctx,
    ind: &Indicator,
    series: &[(Period, Observation)],
    targets: &[kasvu_store::Target],
    provisional: bool,
) -> String {
    let spec = &ind.spec;
    let fmt = |v: f64| format_value(ctx.lang, spec.unit, v);
    // Changes and verdicts come from finished periods; the one under way
    // is told as provisional after them.
    let today = crate::support::today();
    let all: Vec<(Period, f64)> = series
        .iter()
        .filter_map(|(p, o)| o.shown().map(|v| (*p, v)))
        .collect();
    let running = all
        .last()
        .filter(|(p, _)| !is_over(*p, today))
        .map(|(p, v)| {
            ctx.lang.t_args(
                "figure-running",
                &[("period", period_label(ctx.lang, *p)), ("value", fmt(*v))],
            )
        });
    let shown: Vec<(Period, f64)> = all
        .iter()
        .filter(|(p, _)| is_over(*p, today))
        .copied()
        .collect();
    let Some((lp, lv)) = shown.last().copied() else {
        return running.unwrap_or_else(|| ctx.t("summary-none"));
    };
    let mut s = ctx.lang.t_args(
        "summary-latest",
        &[("period", period_label(ctx.lang, lp)), ("value", fmt(lv))],
    );
    if provisional {
        s.push(' ');
        s.push_str(&ctx.t("summary-provisional"));
        if let Some(r) = running {
            s.push(' ');
            s.push_str(&r);
        }
        return s;
    }
    if let Some(c) = change_since_previous(&shown, spec.cadence, spec.direction, lp) {
        s.push(' ');
        s.push_str(&ctx.lang.t_args(
            &format!("summary-move-{}", movement_code(c.movement)),
            &[
                ("period", period_label(ctx.lang, c.previous_period)),
                ("value", fmt(c.previous)),
                ("verdict", ctx.t(&format!("verdict-{}", c.verdict.code()))),
            ],
        ));
    }
    // Turn the curve: the latest value against the forecast for its period,
    // the same number the table and the chart show for it.
    let target_values: Vec<(Period, f64)> = targets.iter().map(|t| (t.period, t.value)).collect();
    let o = outlook(&shown, &target_values, spec.cadence, lp);
    if let Some(f) = o.forecast {
        s.push(' ');
        s.push_str(&ctx.lang.t_args(
            "summary-forecast",
            &[
                ("forecast", fmt(f)),
                ("period", period_label(ctx.lang, lp)),
                (
                    "verdict",
                    ctx.t(&format!("verdict-{}", judge(spec.direction, lv, f).code())),
                ),
            ],
        ));
    }
    if let Some((tp, tv)) = o.target {
        s.push(' ');
        s.push_str(&ctx.lang.t_args(
            "summary-target",
            &[
                ("period", period_label(ctx.lang, tp)),
                ("target", fmt(tv)),
                (
                    "verdict",
                    ctx.t(&format!("verdict-{}", judge(spec.direction, lv, tv).code())),
                ),
            ],
        ));
    }
    if let Some(r) = running {
        s.push(' ');
        s.push_str(&r);
    }
    s
}

#[derive(Deserialize)]
pub struct ExportQuery {
    pub format: Option<String>,
    pub org: Option<String>,
}

pub async fn export(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let ind = st.store.indicator(&code).await?.ok_or(AppError::NotFound)?;
    let format = ExportFormat::parse(q.format.as_deref().unwrap_or("csv"))
        .ok_or_else(|| AppError::BadRequest(ctx.t("export-format-unknown")))?;
    let org = chosen_unit(&st, q.org.as_deref()).await?;
    if org.level != Level::Organisation
        || !may_read_figures(&st, ctx.user.as_ref(), org.org_id, ind.id).await?
    {
        return Err(AppError::NotFound);
    }
    let rows = st.store.served_table(&ind, org.id).await?;
    let bytes = match format {
        ExportFormat::Csv => to_csv(&ind, &rows),
        ExportFormat::Xlsx => to_xlsx(&ind, &rows).map_err(AppError::Internal)?,
        ExportFormat::JsonStat => serde_json::to_vec(&to_jsonstat(&ind, &rows, ctx.lang_code()))
            .map_err(|e| AppError::Internal(e.to_string()))?,
    };
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-{}.{}\"",
                    ind.code(),
                    org.code,
                    format.extension()
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}
