//! Reporting completeness per unit and period (issue 19): for each
//! indicator the catalogue says which kinds of unit enter, how many of the
//! expected units under the unit have reported and which are late — a page
//! for area managers and leadership teams, and the same in the API.

use crate::measure::indicators::chosen_unit;
use crate::support::api::{viewer, ApiError, ApiResult};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::period_label;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::Json;
use kasvu_core::{FieldError, Period, PeriodType};
use kasvu_store::{Completeness, Indicator, OrgUnit, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The period each indicator is looked at: the chosen one where it is of
/// the indicator's cadence, else the indicator's latest finished period.
fn period_for(ind: &Indicator, chosen: Option<Period>, today: time::Date) -> Option<Period> {
    let native = ind.spec.cadence.period_type();
    match chosen {
        Some(p) if p.ptype() == native => Some(p),
        Some(_) => None,
        None => Period::of_date(native, today).previous(),
    }
}

/// Every indicator with reporting units, and who under `unit` reported it.
async fn table(
    st: &AppState,
    unit: &OrgUnit,
    chosen: Option<Period>,
) -> Result<Vec<(Indicator, Completeness)>, AppError> {
    let today = crate::support::today();
    let mut out = Vec::new();
    for ind in st.store.indicators().await? {
        let Some(p) = period_for(&ind, chosen, today) else {
            continue;
        };
        if let Some(c) = st.store.completeness(&ind, unit.id, p, today).await? {
            if c.expected() > 0 {
                out.push((ind, c));
            }
        }
    }
    Ok(out)
}

/// The indicators under `unit` that some expected unit has not entered for
/// their latest finished period (so it is late), with who has not: "My
/// work" lists them for the units a person enters data for.
pub(crate) async fn late_entries(
    st: &AppState,
    unit: &OrgUnit,
) -> Result<Vec<(Indicator, Completeness)>, AppError> {
    Ok(table(st, unit, None)
        .await?
        .into_iter()
        .filter(|(_, c)| !c.complete())
        .collect())
}

/// Only the unit's own organisation sees who has reported.
fn may_see(user: Option<&User>, unit: &OrgUnit) -> bool {
    user.is_some_and(|u| u.org_id == unit.org_id)
}

#[derive(Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// A period (2026, 2026Q3, 202611); empty: each indicator's latest
    /// finished period.
    pub period: Option<String>,
}

fn parse_chosen(s: Option<&str>) -> Result<Option<Period>, kasvu_core::Problem> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(p) => Period::parse(p).map(Some),
    }
}

pub struct Row {
    pub code: String,
    pub name: String,
    pub period: String,
    pub reporting: String,
    pub complete: bool,
    pub late: String,
    pub waiting: String,
}

pub struct PeriodOption {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "completeness.html")]
pub struct CompletenessPage<'a> {
    pub ctx: &'a Ctx,
    pub unit_code: String,
    pub unit_name: String,
    pub periods: Vec<PeriodOption>,
    pub rows: Vec<Row>,
    pub error: Option<String>,
}

pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let user = ctx.require_user()?;
    let unit = chosen_unit(&st, Some(&code)).await?;
    if !may_see(Some(user), &unit) {
        return Err(AppError::NotFound);
    }
    let lang = ctx.lang;
    let (chosen, error) = match parse_chosen(q.period.as_deref()) {
        Ok(p) => (p, None),
        Err(p) => (None, Some(ctx.lang.problem(&p))),
    };
    let names = |c: &Completeness, late: bool| -> String {
        c.units
            .iter()
            .filter(|u| !u.reported && (late == c.over))
            .map(|u| ctx.name(&u.names).to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows = table(&st, &unit, chosen)
        .await?
        .into_iter()
        .map(|(ind, c)| Row {
            code: ind.spec.code.clone(),
            name: ctx.name(&ind.spec.names).to_owned(),
            period: period_label(lang, c.period),
            reporting: lang.t_args(
                "completeness-of",
                &[
                    ("reporting", c.reporting().to_string()),
                    ("expected", c.expected().to_string()),
                ],
            ),
            complete: c.complete(),
            late: names(&c, true),
            waiting: names(&c, false),
        })
        .collect();
    let today = crate::support::today();
    let mut periods = vec![PeriodOption {
        code: String::new(),
        label: ctx.t("completeness-latest"),
        selected: chosen.is_none(),
    }];
    for t in [
        PeriodType::Monthly,
        PeriodType::Quarterly,
        PeriodType::SixMonthly,
        PeriodType::Yearly,
    ] {
        for p in Period::recent(t, today, 4) {
            periods.push(PeriodOption {
                code: p.code(),
                label: period_label(lang, p),
                selected: chosen == Some(p),
            });
        }
    }
    let page = CompletenessPage {
        ctx: &ctx,
        unit_code: unit.code.clone(),
        unit_name: ctx.name(&unit.names).to_owned(),
        periods,
        rows,
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct CompletenessQuery {
    /// The org unit whose subtree is looked at.
    pub orgunit: String,
    /// A period (2026, 2026Q3, 202611); empty: each indicator's latest
    /// finished period.
    pub period: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ExpectedUnitDto {
    pub orgunit: String,
    /// Has a value of the indicator in the period.
    pub reported: bool,
    /// The period is over and the unit has no value: late.
    pub late: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CompletenessDto {
    pub indicator: String,
    pub period: String,
    /// The period's last day has passed.
    pub over: bool,
    /// Units expected to report (the catalogue's reporting kinds, in
    /// operation during the period).
    pub expected: usize,
    pub reporting: usize,
    /// Every expected unit has reported; until then the period's figures
    /// above these units are provisional.
    pub complete: bool,
    pub units: Vec<ExpectedUnitDto>,
}

#[utoipa::path(get, path = "/api/v1/completeness", tag = "measurement", params(CompletenessQuery),
    security(("bearer" = [])),
    responses((status = 200, body = [CompletenessDto]), (status = 400, body = crate::support::api::ApiErrorBody),
              (status = 401, body = crate::support::api::ApiErrorBody),
              (status = 404, description = "No such org unit, or one of another organisation", body = crate::support::api::ApiErrorBody)))]
pub async fn api(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CompletenessQuery>,
) -> ApiResult<Json<Vec<CompletenessDto>>> {
    let reader = viewer(&st, &headers)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let unit = st
        .store
        .org_unit(q.orgunit.trim())
        .await?
        .ok_or_else(|| ApiError::not_found("org unit"))?;
    if !may_see(Some(&reader), &unit) {
        return Err(ApiError::not_found("org unit"));
    }
    let chosen = parse_chosen(q.period.as_deref())
        .map_err(|p| ApiError::field(StatusCode::BAD_REQUEST, FieldError::new("period", p)))?;
    Ok(Json(
        table(&st, &unit, chosen)
            .await?
            .into_iter()
            .map(|(ind, c)| CompletenessDto {
                indicator: ind.spec.code.clone(),
                period: c.period.code(),
                over: c.over,
                expected: c.expected(),
                reporting: c.reporting(),
                complete: c.complete(),
                units: c
                    .units
                    .iter()
                    .map(|u| ExpectedUnitDto {
                        orgunit: u.code.clone(),
                        reported: u.reported,
                        late: c.over && !u.reported,
                    })
                    .collect(),
            })
            .collect(),
    ))
}
