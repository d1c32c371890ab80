//! Shared measurement in the JSON API: the catalogue and suppressed figures
//! are public (like Sotkanet's) unless the organisation made an indicator's
//! figures signed-in only (then only with a bearer token); writing values
//! needs a bearer token whose user may enter data for every unit in the
//! batch.

use crate::support::api::viewer;
use crate::support::api::Json;
use crate::support::api::Query;
use crate::support::api::{ApiError, ApiErrorBody, ApiResult, ApiUser};
use crate::support::visibility::may_read_figures;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kasvu_core::role::permits;
use kasvu_core::{parse_grade, Action, Period, Problem, Role, Sex};
use kasvu_store::{
    Actor, Breakdown, Indicator, UnitGuard, User, ValueRow, WriteOptions, WriteSummary,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDto {
    pub code: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub definition_fi: String,
    pub definition_sv: String,
    pub definition_en: String,
    /// count, percent, per_1000, euro, days, hours, score or number.
    pub unit: String,
    /// own, sotkanet, shps, statfin or other.
    pub source: String,
    /// people (children, pupils, respondents, clients, staff: small values
    /// are suppressed) or activities (meetings, groups, calls, discussions,
    /// events: served as they are).
    pub counts: String,
    /// monthly, quarterly, sixmonthly, yearly or biennial.
    pub cadence: String,
    /// sum, average, last or ratio.
    pub aggregation: String,
    /// up, down or neutral: which way is better.
    pub direction: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub factor: Option<f64>,
    /// For a ratio: the age group its denominator is read at (`0-17` for
    /// a rate per 1,000 children aged 0–17); null for the total.
    pub denominator_age_group: Option<String>,
    /// For a count: its rate, the ratio by which areas of different size
    /// are compared.
    pub rate: Option<String>,
    pub by_sex: bool,
    pub by_grade: bool,
    pub by_age_group: bool,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub not_above: Option<String>,
    /// scheme:code pairs separated by `;`.
    pub external_codes: String,
    pub themes: Vec<String>,
    /// What would have to exist for this service not to be needed at all?
    pub not_needed_note: String,
}

impl From<&Indicator> for IndicatorDto {
    fn from(i: &Indicator) -> Self {
        let s = &i.spec;
        IndicatorDto {
            code: s.code.clone(),
            name_fi: s.names.fi.clone(),
            name_sv: s.names.sv.clone(),
            name_en: s.names.en.clone(),
            definition_fi: s.definitions.fi.clone(),
            definition_sv: s.definitions.sv.clone(),
            definition_en: s.definitions.en.clone(),
            unit: s.unit.code().into(),
            source: s.source.code().into(),
            counts: s.counts.code().into(),
            cadence: s.cadence.code().into(),
            aggregation: s.aggregation.code().into(),
            direction: s.direction.code().into(),
            numerator: s.numerator.clone(),
            denominator: s.denominator.clone(),
            factor: s.factor,
            denominator_age_group: s.denominator_age_group.clone(),
            rate: s.rate.clone(),
            by_sex: s.by_sex,
            by_grade: s.by_grade,
            by_age_group: s.by_age_group,
            min_value: s.min_value,
            max_value: s.max_value,
            not_above: s.not_above.clone(),
            external_codes: kasvu_core::ExternalCode::format_list(&s.external_codes),
            themes: s.themes.clone(),
            not_needed_note: s.not_needed_note.clone(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/indicators", tag = "measurement",
    responses((status = 200, description = "The indicator catalogue", body = [IndicatorDto])))]
pub async fn list_indicators(State(st): State<AppState>) -> ApiResult<Json<Vec<IndicatorDto>>> {
    Ok(Json(
        st.store
            .indicators()
            .await?
            .iter()
            .map(IndicatorDto::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DataQuery {
    /// Indicator code.
    pub indicator: String,
    /// Org unit code; a unit with sub-units gets the roll-up of its subtree.
    pub orgunit: String,
    /// Period (2024, 2024S1, 2024Q3, 202409); a period longer than the
    /// indicator's cadence gets the roll-up over time.
    pub period: String,
    /// total (default), male or female.
    pub sex: Option<String>,
    /// School grade 0–13; empty for all grades.
    pub grade: Option<String>,
    /// Age group (`0-17`, `7-12` …) of an indicator broken down by age
    /// group; empty for all ages.
    pub age_group: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RollupDto {
    /// How values were combined: sum, average, last or ratio.
    pub aggregation: String,
    /// The org unit has sub-units whose values are included.
    pub over_tree: bool,
    /// The period is longer than the indicator's cadence.
    pub over_time: bool,
    /// How many raw values are behind the figure.
    pub values: i64,
    /// For `last` over a longer period: the sub-period used.
    pub period_used: Option<String>,
    /// Where the figure comes from: `reported` (stored for the unit
    /// itself — an official figure such as Sotkanet's for the city, or a
    /// unit's own entry), `summed` (from its sub-units), or `partly` each
    /// (over a longer period). A reported figure is served where one
    /// exists; it is never added to the sub-units' sum.
    pub source: String,
}

/// The sum of the unit's sub-units' figures, beside the served one.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummedDto {
    /// Null when no sub-unit has a figure, or when hidden.
    pub value: Option<f64>,
    /// Hidden: small, or a sub-unit's figure is hidden.
    pub suppressed: bool,
    /// Sub-units with a figure for the period.
    pub reporting: usize,
    /// Sub-units expected to have one: in operation during the period and
    /// with a figure of the indicator in some period.
    pub units: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DataDto {
    pub indicator: String,
    pub orgunit: String,
    pub period: String,
    pub sex: String,
    pub grade: Option<u8>,
    /// Null for all ages.
    pub age_group: Option<String>,
    /// The figure; null when missing or suppressed.
    pub value: Option<f64>,
    /// True when the figure exists but is hidden (small numbers).
    pub suppressed: bool,
    pub rollup: RollupDto,
    /// For a unit with sub-units: their sum and how many of them have a
    /// figure (equal to `value` unless the unit has a reported figure).
    pub summed: Option<SummedDto>,
}

fn bad(field: &str, p: Problem) -> ApiError {
    ApiError::field(
        StatusCode::BAD_REQUEST,
        kasvu_core::FieldError::new(field, p),
    )
}

#[utoipa::path(get, path = "/api/v1/data", tag = "measurement", params(DataQuery),
    responses((status = 200, body = DataDto), (status = 400, body = ApiErrorBody),
              (status = 404, description = "No such indicator or org unit, or the organisation's figures of the indicator are for signed-in users only and no valid bearer token was given", body = ApiErrorBody)))]
pub async fn get_data(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DataQuery>,
) -> ApiResult<Json<DataDto>> {
    let ind = st
        .store
        .indicator(q.indicator.trim())
        .await?
        .ok_or_else(|| ApiError::not_found("indicator"))?;
    let unit = st
        .store
        .org_unit(q.orgunit.trim())
        .await?
        .ok_or_else(|| ApiError::not_found("org unit"))?;
    // Signed-in-only figures do not exist for an anonymous reader: the
    // answer is the one for an unknown figure.
    let reader = viewer(&st, &headers).await?;
    if !may_read_figures(&st, reader.as_ref(), unit.org_id, ind.id).await? {
        return Err(ApiError::not_found("figure"));
    }
    let period = Period::parse(&q.period).map_err(|p| bad("period", p))?;
    let sex = match q.sex.as_deref().map(str::trim) {
        None | Some("") => Sex::Total,
        Some(s) => Sex::parse(s).map_err(|p| bad("sex", p))?,
    };
    let grade = parse_grade(q.grade.as_deref().unwrap_or("")).map_err(|p| bad("grade", p))?;
    let age_group = match q.age_group.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(kasvu_core::check_age_group(a).map_err(|p| bad("age_group", p))?),
    };
    let breakdown = Breakdown {
        sex,
        grade,
        age_group: age_group.clone(),
    };
    // A breakdown figure is served as its margins allow (complementary
    // suppression), so read it through the unit's breakdown table.
    let from_table = if breakdown.is_total() {
        None
    } else {
        st.store
            .breakdowns(&ind, unit.id, period)
            .await?
            .into_iter()
            .find(|(b, _)| *b == breakdown)
            .map(|(_, o)| o)
    };
    let obs = match from_table {
        Some(o) => o,
        None => st.store.observe(&ind, unit.id, period, &breakdown).await?,
    };
    let summed = st
        .store
        .summed_figure(&ind, unit.id, period, &breakdown)
        .await?;
    Ok(Json(DataDto {
        indicator: ind.spec.code.clone(),
        orgunit: unit.code.clone(),
        period: period.code(),
        sex: sex.code().into(),
        grade,
        age_group,
        value: obs.shown(),
        suppressed: obs.suppressed(),
        rollup: RollupDto {
            aggregation: ind.spec.aggregation.code().into(),
            over_tree: summed.is_some(),
            over_time: period.ptype() != ind.spec.cadence.period_type(),
            values: obs.values,
            period_used: obs.period_used.map(|p| p.code()),
            source: obs.source.code().into(),
        },
        summed: summed.map(|s| SummedDto {
            value: s.value,
            suppressed: s.suppressed,
            reporting: s.reporting,
            units: s.units,
        }),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ValueInput {
    pub indicator: String,
    pub orgunit: String,
    pub period: String,
    /// The value; null removes what is stored.
    pub value: Option<f64>,
    pub sex: Option<String>,
    pub grade: Option<String>,
    /// The count behind the value (for suppression), when not a count itself.
    pub count: Option<f64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ValuesInput {
    pub values: Vec<ValueInput>,
    /// Check everything and report what would change, storing nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// At most this many values in one request.
pub const MAX_BATCH: usize = 50_000;

/// The problem of a value for a unit outside the user's data-entry scope
/// (a 403 in the API).
const FORBIDDEN_UNIT: &str = "err-forbidden-unit";

/// Refuses units outside the user's organisation or data-entry scope.
pub(crate) async fn entry_guard(st: &AppState, user: &User) -> ApiResult<UnitGuard> {
    let tree = st.store.org_tree(user.org_id).await?;
    let assignments = user.assignments();
    Ok(Box::new(move |unit| {
        if tree.get(unit).is_some() && permits(&assignments, &tree, Action::EnterData, unit) {
            Ok(())
        } else {
            Err(Problem::new(
                FORBIDDEN_UNIT,
                "your roles do not allow entering values for this unit",
            ))
        }
    }))
}

/// Periods that ended more than `lock_after_days` ago are locked, except for admins.
pub(crate) fn locked_before(user: &User, lock_after_days: i64) -> Option<time::Date> {
    if user.roles.iter().any(|r| r.role == Role::Admin) {
        None
    } else {
        Some(crate::support::today() - time::Duration::days(lock_after_days))
    }
}

#[utoipa::path(post, path = "/api/v1/data", tag = "measurement", request_body = ValuesInput,
    security(("bearer" = [])),
    responses((status = 200, description = "All values were written (or would be, for a dry run)", body = WriteSummaryDto),
              (status = 400, description = "A value is bad; nothing was written. The message names the item (1-based) and field.", body = ApiErrorBody),
              (status = 401, body = ApiErrorBody),
              (status = 403, description = "Your roles do not allow entering values (anywhere, or for an item's unit); nothing was written", body = ApiErrorBody)))]
pub async fn post_data(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<ValuesInput>,
) -> ApiResult<Json<WriteSummaryDto>> {
    // A role that may not enter values anywhere is refused before the
    // values are read: what they contain does not matter.
    if !user.roles.iter().any(|r| r.role.allows(Action::EnterData)) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "your roles do not allow entering values",
        ));
    }
    if input.values.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("at most {MAX_BATCH} values in one request"),
        ));
    }
    let catalogue = st.store.indicators().await?;
    let mut rows = Vec::with_capacity(input.values.len());
    for (i, v) in input.values.iter().enumerate() {
        let item = i + 1;
        let at = |field: &str, p: Problem| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("item {item}, field '{field}': {}", p.english),
            )
            .with_field(field)
        };
        let ind = catalogue
            .iter()
            .find(|c| c.spec.code == v.indicator.trim())
            .ok_or_else(|| {
                at(
                    "indicator",
                    Problem::new(
                        "err-indicator-missing",
                        format!("there is no indicator '{}'", v.indicator),
                    ),
                )
            })?;
        let unit = st.store.org_unit(v.orgunit.trim()).await?.ok_or_else(|| {
            at(
                "orgunit",
                Problem::new(
                    "err-unit-missing",
                    format!("there is no org unit '{}'", v.orgunit),
                ),
            )
        })?;
        rows.push(ValueRow {
            row: item,
            indicator_id: ind.id,
            unit_id: unit.id,
            period: Period::parse(&v.period).map_err(|p| at("period", p))?,
            breakdown: Breakdown {
                sex: match v.sex.as_deref().map(str::trim) {
                    None | Some("") => Sex::Total,
                    Some(s) => Sex::parse(s).map_err(|p| at("sex", p))?,
                },
                grade: parse_grade(v.grade.as_deref().unwrap_or("")).map_err(|p| at("grade", p))?,
                age_group: None,
            },
            value: v.value,
            count: v.count,
        });
    }
    let opts = WriteOptions {
        locked_before: locked_before(&user, st.config.lock_after_days),
        guard: Some(entry_guard(&st, &user).await?),
        source: "api".into(),
        dry_run: input.dry_run,
    };
    let s = st
        .store
        .write_values(&Actor::user(user.id, &user.email), &rows, opts)
        .await
        .map_err(|e| match e {
            kasvu_store::StoreError::Row { row, error } => ApiError::new(
                if error.problem.code == FORBIDDEN_UNIT {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::BAD_REQUEST
                },
                format!(
                    "item {row}, field '{}': {}",
                    error.field, error.problem.english
                ),
            )
            .with_field(&error.field),
            other => other.into(),
        })?;
    Ok(Json(WriteSummaryDto::from(s)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WriteSummaryDto {
    pub created: u64,
    pub replaced: u64,
    pub removed: u64,
    pub unchanged: u64,
}

impl From<WriteSummary> for WriteSummaryDto {
    fn from(s: WriteSummary) -> Self {
        WriteSummaryDto {
            created: s.created,
            replaced: s.replaced,
            removed: s.removed,
            unchanged: s.unchanged,
        }
    }
}
