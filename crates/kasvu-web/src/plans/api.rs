//! The welfare plan in the JSON API. Plans other than drafts are public
//! (council documents), like the plan pages; writes take a bearer token
//! whose user's roles allow them: managing plans at the organisation,
//! following up measures at their owner units.

use crate::support::api::Json;
use crate::support::api::Path;
use crate::support::api::{ApiError, ApiErrorBody, ApiResult, ApiUser};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use kasvu_core::role::permits;
use kasvu_core::{Action, MeasureStatus, Period};
use kasvu_store::{Actor, Plan, PlanSpec, PlanTree, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanDto {
    pub id: i64,
    /// Stable code shared by the plan's versions.
    pub code: String,
    pub version: i64,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    pub start_year: i32,
    pub end_year: i32,
    /// draft, approved, in_force or superseded.
    pub status: String,
    /// YYYY-MM-DD, once approved.
    pub approved_on: Option<String>,
    pub decision_ref: String,
    /// A regional plan's area or cluster (org unit code).
    pub scope: Option<String>,
    /// A regional plan's organisation plan (its code).
    pub parent: Option<String>,
    /// public or internal.
    pub visibility: String,
}

impl From<&Plan> for PlanDto {
    fn from(p: &Plan) -> Self {
        PlanDto {
            id: p.id,
            code: p.code.clone(),
            version: p.version,
            title_fi: p.title.fi.clone(),
            title_sv: p.title.sv.clone(),
            title_en: p.title.en.clone(),
            start_year: p.period.start_year,
            end_year: p.period.end_year,
            status: p.status.code().into(),
            approved_on: p.approved_on.map(kasvu_core::format_date),
            decision_ref: p.decision_ref.clone(),
            scope: p.scope.as_ref().map(|(_, c)| c.clone()),
            parent: p.parent_code.clone(),
            visibility: p.visibility.code().into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationDto {
    pub period: String,
    /// 1 (not at all) to 5 (fully achieved).
    pub rating: u8,
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureDto {
    pub id: i64,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    /// Owner org unit codes.
    pub owners: Vec<String>,
    pub responsible: String,
    pub schedule: String,
    pub budget: String,
    /// not_started, ongoing, done or dropped.
    pub status: String,
    /// Rights of the child (equality, care, participation, health, safety,
    /// learning_and_success, sports_and_hobbies).
    pub rights: Vec<String>,
    /// Collective-impact conditions.
    pub conditions: Vec<String>,
    /// Indicator codes cited as evidence.
    pub indicators: Vec<String>,
    pub evaluations: Vec<EvaluationDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FocusAreaDto {
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub measures: Vec<MeasureDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GoalDto {
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub focus_areas: Vec<FocusAreaDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanTreeDto {
    pub plan: PlanDto,
    pub aim_fi: String,
    pub goals: Vec<GoalDto>,
    /// Impact statements: (Finnish statement, indicator code, expected direction).
    pub impacts: Vec<(String, String, String)>,
}

impl From<&PlanTree> for PlanTreeDto {
    fn from(t: &PlanTree) -> Self {
        PlanTreeDto {
            plan: PlanDto::from(&t.plan),
            aim_fi: t.plan.aim.fi.clone(),
            goals: t
                .goals
                .iter()
                .map(|g| GoalDto {
                    name_fi: g.names.fi.clone(),
                    name_sv: g.names.sv.clone(),
                    name_en: g.names.en.clone(),
                    focus_areas: g
                        .focus_areas
                        .iter()
                        .map(|f| FocusAreaDto {
                            name_fi: f.names.fi.clone(),
                            name_sv: f.names.sv.clone(),
                            name_en: f.names.en.clone(),
                            measures: f
                                .measures
                                .iter()
                                .map(|m| MeasureDto {
                                    id: m.id,
                                    name_fi: m.names.fi.clone(),
                                    name_sv: m.names.sv.clone(),
                                    name_en: m.names.en.clone(),
                                    owners: m.owners.iter().map(|(_, c)| c.clone()).collect(),
                                    responsible: m.responsible.clone(),
                                    schedule: m.schedule.clone(),
                                    budget: m.budget.clone(),
                                    status: m.status.code().into(),
                                    rights: m.rights.iter().map(|r| r.code().into()).collect(),
                                    conditions: m
                                        .conditions
                                        .iter()
                                        .map(|c| c.code().into())
                                        .collect(),
                                    indicators: m.indicators.clone(),
                                    evaluations: m
                                        .evaluations
                                        .iter()
                                        .map(|e| EvaluationDto {
                                            period: e.period.code(),
                                            rating: e.rating,
                                            body: e.body.clone(),
                                        })
                                        .collect(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            impacts: t
                .impacts
                .iter()
                .map(|x| {
                    (
                        x.statement.fi.clone(),
                        x.indicator.clone(),
                        x.direction.code().into(),
                    )
                })
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/plans", tag = "plans",
    responses((status = 200, description = "Every public plan version (drafts and internal plans are not listed)", body = [PlanDto])))]
pub async fn list_plans(State(st): State<AppState>) -> ApiResult<Json<Vec<PlanDto>>> {
    let mut out = Vec::new();
    for org in st.store.organisations().await? {
        out.extend(
            st.store
                .plans(org.org_id)
                .await?
                .iter()
                .filter(|p| p.is_public())
                .map(PlanDto::from),
        );
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans",
    params(("id" = i64, Path, description = "Plan version id")),
    responses((status = 200, body = PlanTreeDto), (status = 404, body = ApiErrorBody)))]
pub async fn get_plan(
    State(st): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<PlanTreeDto>> {
    match st.store.plan_tree(id).await? {
        Some(t) if t.plan.is_public() => Ok(Json(PlanTreeDto::from(&t))),
        _ => Err(ApiError::not_found("plan")),
    }
}

/// Checks an organisation-wide action (an organisation's id is its root unit's).
async fn allowed_at_root(st: &AppState, user: &User, action: Action) -> ApiResult<()> {
    let tree = st.store.org_tree(user.org_id).await?;
    if permits(&user.assignments(), &tree, action, user.org_id) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "your roles do not allow managing the organisation's plans",
        ))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedDto {
    pub id: i64,
}

crate::support::api::body_schema!(
    /// A whole plan, as the store reads it (`kasvu_store::PlanSpec`).
    PlanInput,
    plan_schema()
);

fn plan_schema() -> serde_json::Value {
    use crate::support::api::{names_schema, one_of, optional_text};
    use kasvu_core::{ChildRight, Direction, ImpactCondition, PlanVisibility};
    use serde_json::json;
    let names = names_schema(true, kasvu_core::Names::MAX_LEN);
    let note = names_schema(true, 2000);
    let codes = json!({"type": "array", "items": {"type": "string"}});
    let year = json!({"type": "integer", "minimum": 1900, "maximum": 2199});
    let measure = json!({
        "type": "object",
        "required": ["names", "owners", "responsible", "schedule", "budget", "status", "rights", "conditions", "indicators"],
        "properties": {
            "names": names, "owners": codes,
            "responsible": optional_text(500), "schedule": optional_text(500), "budget": optional_text(500),
            "status": one_of(MeasureStatus::CODES),
            "rights": {"type": "array", "items": one_of(ChildRight::CODES)},
            "conditions": {"type": "array", "items": one_of(ImpactCondition::CODES)},
            "indicators": codes,
            "key": {"type": "string", "pattern": "^[a-z0-9-]{1,40}$",
                    "description": "The measure's stable key across versions: keep it when changing a draft so that the measure's evaluations and status history stay with it; leave it out for a new measure"},
        },
    });
    let focus_area = json!({"type": "object", "required": ["names", "measures"],
        "properties": {"names": names, "measures": {"type": "array", "items": measure}}});
    let goal = json!({"type": "object", "required": ["names", "focus_areas"],
        "properties": {"names": names, "focus_areas": {"type": "array", "items": focus_area}}});
    json!({
        "type": "object",
        "required": ["code", "title", "aim", "period", "goals"],
        "properties": {
            "code": {"type": "string", "pattern": crate::support::api::CODE_PATTERN,
                     "description": "Stable code shared by the versions, e.g. lanu-2022"},
            "title": names,
            "aim": names_schema(false, kasvu_core::Names::MAX_LEN),
            "period": {"type": "object", "required": ["start_year", "end_year"],
                "description": "The years the plan covers; it may not end before it starts.",
                "properties": {"start_year": year, "end_year": year}},
            "goals": {"type": "array", "items": goal},
            "impacts": {"type": "array", "items": {"type": "object", "required": ["statement", "indicator", "direction"],
                "properties": {"statement": names, "indicator": {"type": "string"}, "direction": one_of(Direction::CODES)}}},
            "scope": {"type": ["string", "null"], "description": "A regional plan's area or cluster (unit code)"},
            "parent": {"type": ["string", "null"], "description": "A regional plan's organisation plan (its code)"},
            "visibility": one_of(PlanVisibility::CODES),
            "strengths": {"type": "array", "items": note},
            "challenges": {"type": "array", "items": note},
            "structures": {"type": "array", "items": {"type": "object", "required": ["name", "tasks"],
                "properties": {"name": names, "tasks": names_schema(false, 2000)}}},
        },
    })
}

#[utoipa::path(post, path = "/api/v1/plans", tag = "plans", security(("bearer" = [])),
    request_body(content = PlanInput, description = "A whole plan as a draft: code, title {fi, sv, en}, aim, period {start_year, end_year}, goals [{names, focus_areas [{names, measures [{names, owners, responsible, schedule, budget, status, rights, conditions, indicators}]}]}], and optionally impacts, strengths, challenges, structures, and for a regional plan scope (unit code) and parent (plan code). The demo's crates/kasvu-io/demo/oulu_plan.json is an example."),
    responses((status = 201, body = CreatedDto), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn create_plan(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Json(body): Json<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<CreatedDto>)> {
    allowed_at_root(&st, &user, Action::ManagePlans).await?;
    let spec: PlanSpec = serde_json::from_value(body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("the plan document: {e}")))?;
    let id = st
        .store
        .create_plan(&Actor::user(user.id, &user.email), user.org_id, &spec)
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedDto { id })))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MeasureStatusInput {
    /// not_started, ongoing, done or dropped.
    #[schema(schema_with = measure_status)]
    pub status: String,
    #[serde(default)]
    pub note: String,
}

fn measure_status() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::support::api::json_schema(crate::support::api::one_of(MeasureStatus::CODES))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EvaluationInput {
    /// A period within the plan period, e.g. 2025.
    pub period: String,
    /// 1–5.
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i64,
    #[schema(pattern = "\\S", max_length = 5000)]
    pub body: String,
}

/// The measure of a plan, when the user may follow it up.
async fn followed_measure(
    st: &AppState,
    user: &User,
    id: i64,
    measure_id: i64,
) -> ApiResult<kasvu_store::Measure> {
    let tree = st
        .store
        .plan_tree(id)
        .await?
        .filter(|t| t.plan.org_id == user.org_id)
        .ok_or_else(|| ApiError::not_found("plan"))?;
    let measure = tree
        .measures()
        .map(|(_, _, m)| m.clone())
        .find(|m| m.id == measure_id)
        .ok_or_else(|| ApiError::not_found("measure"))?;
    let org = st.store.org_tree(user.org_id).await?;
    if crate::plans::plan_page::may_follow_up(&user.assignments(), &org, user.org_id, &measure) {
        Ok(measure)
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "your roles do not allow following up this measure",
        ))
    }
}

#[utoipa::path(post, path = "/api/v1/plans/{id}/measures/{measure_id}/status", tag = "plans",
    security(("bearer" = [])), request_body = MeasureStatusInput,
    params(("id" = i64, Path), ("measure_id" = i64, Path)),
    responses((status = 204), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn set_measure_status(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, measure_id)): Path<(i64, i64)>,
    Json(input): Json<MeasureStatusInput>,
) -> ApiResult<StatusCode> {
    let m = followed_measure(&st, &user, id, measure_id).await?;
    let status = MeasureStatus::parse(&input.status).map_err(|p| {
        ApiError::field(
            StatusCode::BAD_REQUEST,
            kasvu_core::FieldError::new("status", p),
        )
    })?;
    st.store
        .set_measure_status(
            &Actor::user(user.id, &user.email),
            m.id,
            status,
            &input.note,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/plans/{id}/measures/{measure_id}/evaluations", tag = "plans",
    security(("bearer" = [])), request_body = EvaluationInput,
    params(("id" = i64, Path), ("measure_id" = i64, Path)),
    responses((status = 204), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn set_evaluation(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, measure_id)): Path<(i64, i64)>,
    Json(input): Json<EvaluationInput>,
) -> ApiResult<StatusCode> {
    let m = followed_measure(&st, &user, id, measure_id).await?;
    let period = Period::parse(&input.period).map_err(|p| {
        ApiError::field(
            StatusCode::BAD_REQUEST,
            kasvu_core::FieldError::new("period", p),
        )
    })?;
    st.store
        .set_evaluation(
            &Actor::user(user.id, &user.email),
            m.id,
            period,
            input.rating,
            &input.body,
            &m.indicators,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path, description = "A draft version's id")),
    request_body(content = PlanInput, description = "The draft's whole content, in the same shape as for POST /api/v1/plans (the code cannot change)."),
    responses((status = 204), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 404, body = ApiErrorBody), (status = 409, description = "The version is approved and frozen: make a new version", body = ApiErrorBody)))]
pub async fn replace_plan(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<serde_json::Value>,
) -> ApiResult<StatusCode> {
    allowed_at_root(&st, &user, Action::ManagePlans).await?;
    let tree = st
        .store
        .plan_tree(id)
        .await?
        .filter(|t| t.plan.org_id == user.org_id)
        .ok_or_else(|| ApiError::not_found("plan"))?;
    let spec: PlanSpec = serde_json::from_value(body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("the plan document: {e}")))?;
    st.store
        .replace_draft(&Actor::user(user.id, &user.email), tree.plan.id, &spec)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
