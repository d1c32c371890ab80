//! Targets and written conclusions of a unit, for those who may set them
//! (admins, area managers and regional planners within their scope). Both
//! are audited by the store; the dashboard and indicator pages show them.

use crate::measure::entry::unit_for;
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::{format_value, period_choices, period_label, PeriodGroup};
use crate::support::forms::Checked;
use crate::support::forms::SavedQuery;
use crate::support::views::{FieldMessage, HasErrors};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::{parse_number, Action, Period, PeriodType, Problem};
use kasvu_store::{Actor, Indicator, OrgUnit, StoreError, Target, User};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TargetForm {
    pub csrf: String,
    pub indicator: String,
    pub period: String,
    pub value: String,
    pub baseline: String,
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AnalysisForm {
    pub csrf: String,
    pub period: String,
    pub body: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RemoveForm {
    pub csrf: String,
    pub indicator: String,
    pub period: String,
}

pub struct TargetRow {
    pub indicator_code: String,
    pub indicator: String,
    pub period_code: String,
    pub period: String,
    pub value: String,
    pub baseline: String,
    pub note: String,
}

pub struct AnalysisRow {
    pub period_code: String,
    pub period: String,
    pub body: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "targets.html")]
pub struct TargetsPage<'a> {
    pub ctx: &'a Ctx,
    pub unit_code: String,
    pub unit_name: String,
    pub targets: Vec<TargetRow>,
    pub analyses: Vec<AnalysisRow>,
    pub indicators: Vec<(String, String)>,
    pub target_form: TargetForm,
    pub analysis_form: AnalysisForm,
    /// The periods the forms offer, by name (never typed as codes).
    pub target_periods: Vec<PeriodGroup>,
    pub baseline_periods: Vec<PeriodGroup>,
    pub analysis_periods: Vec<PeriodGroup>,
    pub saved: Option<String>,
    pub errors: Vec<FieldMessage>,
}

/// How many years ahead a target may be chosen for (a plan's four years
/// and the next one's first).
const TARGET_YEARS_AHEAD: i32 = 6;
/// How many years back a baseline or a conclusion may be chosen for.
const YEARS_BACK: i32 = 8;

impl HasErrors for TargetsPage<'_> {
    fn errors(&self) -> &[FieldMessage] {
        &self.errors
    }
}

async fn render(
    st: &AppState,
    ctx: &Ctx,
    unit: &OrgUnit,
    target_form: TargetForm,
    analysis_form: AnalysisForm,
    saved: Option<String>,
    errors: Vec<FieldMessage>,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let catalogue = st.store.indicators().await?;
    let all = st.store.unit_targets(unit.id).await?;
    let mut targets = Vec::new();
    for ind in &catalogue {
        for t in all.get(&ind.id).map(Vec::as_slice).unwrap_or(&[]) {
            targets.push(TargetRow {
                indicator_code: ind.spec.code.clone(),
                indicator: ctx.name(&ind.spec.names).to_owned(),
                period_code: t.period.code(),
                period: period_label(lang, t.period),
                value: format_value(lang, ind.spec.unit, t.value),
                baseline: t
                    .baseline_period
                    .map(|p| period_label(lang, p))
                    .unwrap_or_default(),
                note: t.note.clone(),
            });
        }
    }
    // Authors by name to staff, by role and unit to the public.
    let mut authors = crate::support::authors::Authors::new(st, ctx);
    let mut analyses = Vec::new();
    for a in st.store.analyses(unit.id).await? {
        analyses.push(AnalysisRow {
            period_code: a.period.code(),
            period: period_label(lang, a.period),
            body: a.body,
            by: authors.label(&a.updated_by, unit.id).await?,
        });
    }
    let year = crate::support::today().year();
    let target_periods = period_choices(
        lang,
        PeriodType::ALL,
        year - 1..=year + TARGET_YEARS_AHEAD,
        year..=year + 2,
        &target_form.period,
    );
    let baseline_periods = period_choices(
        lang,
        PeriodType::ALL,
        year - YEARS_BACK..=year,
        year - 2..=year,
        &target_form.baseline,
    );
    let analysis_periods = period_choices(
        lang,
        &[
            PeriodType::Yearly,
            PeriodType::SixMonthly,
            PeriodType::Quarterly,
        ],
        year - YEARS_BACK..=year + 1,
        year - 2..=year + 1,
        &analysis_form.period,
    );
    let page = TargetsPage {
        ctx,
        target_periods,
        baseline_periods,
        analysis_periods,
        unit_code: unit.code.clone(),
        unit_name: ctx.name(&unit.names).to_owned(),
        targets,
        analyses,
        indicators: catalogue
            .iter()
            .map(|i| (i.spec.code.clone(), ctx.name(&i.spec.names).to_owned()))
            .collect(),
        target_form,
        analysis_form,
        saved,
        errors,
    };
    Ok(page.render()?)
}

pub async fn targets_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let (_, unit) = unit_for(&st, &ctx, &code, Action::SetTargets).await?;
    let saved = match q.saved.as_deref() {
        Some("target") => Some(ctx.t("targets-saved-target")),
        Some("removed") => Some(ctx.t("targets-saved-removed")),
        Some("analysis") => Some(ctx.t("targets-saved-analysis")),
        _ => None,
    };
    let html = render(
        &st,
        &ctx,
        &unit,
        TargetForm::default(),
        AnalysisForm::default(),
        saved,
        Vec::new(),
    )
    .await?;
    Ok(Html(html).into_response())
}

fn message(ctx: &Ctx, field: &str, label_key: &str, p: &Problem) -> FieldMessage {
    FieldMessage {
        field: field.into(),
        label: ctx.t(label_key),
        message: ctx.lang.problem(p),
    }
}

/// Parses the target form against the catalogue, collecting every problem.
fn parse_target<'c>(
    ctx: &Ctx,
    catalogue: &'c [Indicator],
    f: &TargetForm,
) -> Result<(&'c Indicator, Target), Vec<FieldMessage>> {
    let mut errs = Vec::new();
    let ind = catalogue.iter().find(|i| i.spec.code == f.indicator.trim());
    if ind.is_none() {
        errs.push(message(
            ctx,
            "t-indicator",
            "col-indicator",
            &Problem::new("err-indicator-missing", "choose an indicator")
                .arg("value", f.indicator.trim()),
        ));
    }
    // The period is chosen from a list; an empty choice is a missing
    // answer, not a malformed code.
    let chosen = if f.period.trim().is_empty() {
        Err(Problem::required())
    } else {
        Period::parse(&f.period)
    };
    let period = match chosen {
        Ok(p) => match ind {
            Some(i) if !p.ptype().covers(i.spec.cadence.period_type()) => {
                errs.push(message(
                    ctx,
                    "t-period",
                    "targets-period",
                    &i.spec
                        .cadence
                        .check_period(p)
                        .err()
                        .unwrap_or_else(|| Problem::new("err-period-cadence", "too short")),
                ));
                None
            }
            _ => Some(p),
        },
        Err(p) => {
            errs.push(message(ctx, "t-period", "targets-period", &p));
            None
        }
    };
    let value = match parse_number(&f.value) {
        Ok(v) => match ind.map(|i| i.spec.check_value(v)) {
            Some(Err(p)) => {
                errs.push(message(ctx, "t-value", "chart-target", &p));
                None
            }
            _ => Some(v),
        },
        Err(p) => {
            errs.push(message(ctx, "t-value", "chart-target", &p));
            None
        }
    };
    let baseline = match f.baseline.trim() {
        "" => Some(None),
        b => match Period::parse(b) {
            Ok(p) => Some(Some(p)),
            Err(p) => {
                errs.push(message(ctx, "t-baseline", "targets-baseline", &p));
                None
            }
        },
    };
    if f.note.chars().count() > 500 {
        errs.push(message(
            ctx,
            "t-note",
            "targets-note",
            &Problem::too_long(500),
        ));
    }
    match (ind, period, value, baseline) {
        (Some(ind), Some(period), Some(value), Some(baseline_period)) if errs.is_empty() => Ok((
            ind,
            Target {
                period,
                value,
                baseline_period,
                note: f.note.trim().to_owned(),
            },
        )),
        _ => Err(errs),
    }
}

async fn refuse(
    st: &AppState,
    ctx: &Ctx,
    unit: &OrgUnit,
    target_form: TargetForm,
    analysis_form: AnalysisForm,
    errors: Vec<FieldMessage>,
) -> PageResult {
    let html = render(st, ctx, unit, target_form, analysis_form, None, errors).await?;
    Ok((StatusCode::BAD_REQUEST, Html(html)).into_response())
}

fn actor(user: &User) -> Actor {
    Actor::user(user.id, &user.email)
}

pub async fn set_target(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Checked(Form(f)): Checked<Form<TargetForm>>,
) -> PageResult {
    let (user, unit) = unit_for(&st, &ctx, &code, Action::SetTargets).await?;
    let catalogue = st.store.indicators().await?;
    let (ind, target) = match parse_target(&ctx, &catalogue, &f) {
        Ok(t) => t,
        Err(errs) => return refuse(&st, &ctx, &unit, f, AnalysisForm::default(), errs).await,
    };
    match st
        .store
        .set_target(&actor(&user), ind.id, unit.id, &target)
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/units/{}/targets?saved=target", unit.code)).into_response())
        }
        Err(StoreError::Invalid(e)) => {
            let errs = vec![message(&ctx, "t-value", "chart-target", &e.problem)];
            refuse(&st, &ctx, &unit, f, AnalysisForm::default(), errs).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn remove_target(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Checked(Form(f)): Checked<Form<RemoveForm>>,
) -> PageResult {
    let (user, unit) = unit_for(&st, &ctx, &code, Action::SetTargets).await?;
    let ind = st
        .store
        .indicator(f.indicator.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let period = Period::parse(&f.period).map_err(|p| AppError::BadRequest(p.english))?;
    if !st
        .store
        .remove_target(&actor(&user), ind.id, unit.id, period)
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!("/units/{}/targets?saved=removed", unit.code)).into_response())
}

pub async fn set_analysis(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Checked(Form(f)): Checked<Form<AnalysisForm>>,
) -> PageResult {
    let (user, unit) = unit_for(&st, &ctx, &code, Action::SetTargets).await?;
    let chosen = if f.period.trim().is_empty() {
        Err(Problem::required())
    } else {
        Period::parse(&f.period)
    };
    let period = match chosen {
        Ok(p) => p,
        Err(p) => {
            let errs = vec![message(&ctx, "a-period", "targets-period", &p)];
            return refuse(&st, &ctx, &unit, TargetForm::default(), f, errs).await;
        }
    };
    if f.body.trim().is_empty() {
        let p = Problem::required();
        let errs = vec![message(&ctx, "a-body", "analysis-title", &p)];
        return refuse(&st, &ctx, &unit, TargetForm::default(), f, errs).await;
    }
    match st
        .store
        .set_analysis(&actor(&user), unit.id, period, &f.body)
        .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/units/{}/targets?saved=analysis", unit.code)).into_response(),
        ),
        Err(StoreError::Invalid(e)) => {
            let errs = vec![message(&ctx, "a-body", "analysis-title", &e.problem)];
            refuse(&st, &ctx, &unit, TargetForm::default(), f, errs).await
        }
        Err(e) => Err(e.into()),
    }
}
