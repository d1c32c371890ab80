//! Feedback rounds over the JSON API.

use super::rounds::round_access_for;
use crate::support::api::Json;
use crate::support::api::Path;
use crate::support::api::{ApiError, ApiErrorBody, ApiResult, ApiUser, IdDto};
use crate::support::error::AppError;
use crate::support::today;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use kasvu_core::role::permits;
use kasvu_core::team::may_run_meetings;
use kasvu_core::{Action, QuestionKind};
use kasvu_store::{Actor, RoundSpec};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct RoundDto {
    pub id: i64,
    pub title: String,
    pub unit: String,
    pub team_id: Option<i64>,
    /// staff, parents, children, young_people or partners.
    pub target_group: String,
    pub opens_on: String,
    pub closes_on: String,
    /// upcoming, open or closed.
    pub state: String,
    /// The team's published response ("you said, we did").
    pub response: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/rounds", tag = "feedback", security(("bearer" = [])),
    responses((status = 200, body = [RoundDto]), (status = 401, body = ApiErrorBody)))]
pub async fn list_rounds(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Json<Vec<RoundDto>>> {
    let now = today();
    Ok(Json(
        st.store
            .rounds(user.org_id)
            .await?
            .into_iter()
            .map(|r| RoundDto {
                id: r.id,
                state: r.state(now).code().into(),
                response: r.is_published().then(|| r.response.clone()),
                title: r.title,
                unit: r.unit_code,
                team_id: r.team_id,
                target_group: r.target_group.code().into(),
                opens_on: kasvu_core::format_date(r.opens_on),
                closes_on: kasvu_core::format_date(r.closes_on),
            })
            .collect(),
    ))
}

crate::support::api::body_schema!(
    /// A feedback round, as the store reads it (`kasvu_store::RoundSpec`).
    RoundInput,
    round_schema()
);

fn round_schema() -> serde_json::Value {
    use crate::support::api::{one_of, optional_text, required_text};
    use kasvu_core::feedback::{MAX_OPTIONS, MAX_OPTION_TEXT, MAX_QUESTIONS, MAX_QUESTION_TEXT};
    use serde_json::json;
    let text = required_text(MAX_QUESTION_TEXT);
    let question = json!({"anyOf": [
        {"type": "object", "required": ["kind", "text"],
         "properties": {"kind": one_of(&["scale", "smiley", "text"]), "text": text,
                        "options": {"type": "array", "items": {"type": "string"}, "maxItems": 0}}},
        {"type": "object", "required": ["kind", "text", "options"],
         "properties": {"kind": one_of(&["single", "multiple"]), "text": text,
                        "options": {"type": "array", "minItems": 2, "maxItems": MAX_OPTIONS,
                                    "items": required_text(MAX_OPTION_TEXT)}}},
    ]});
    json!({
        "type": "object",
        "required": ["unit", "title", "target_group", "opens_on", "closes_on", "questions"],
        "properties": {
            "unit": {"type": "string", "description": "The area, cluster or unit (its code)"},
            "team_id": {"type": ["integer", "null"], "format": "int64"},
            "title": required_text(200), // kasvu_store feedback::MAX_TITLE
            "intro": optional_text(kasvu_core::team::MAX_TEXT),
            "target_group": one_of(kasvu_core::TargetGroup::CODES),
            "opens_on": {"type": "string", "format": "date"},
            "closes_on": {"type": "string", "format": "date"},
            "questions": {"type": "array", "minItems": 1, "maxItems": MAX_QUESTIONS, "items": question},
        },
    })
}

#[utoipa::path(post, path = "/api/v1/rounds", tag = "feedback", security(("bearer" = [])),
    request_body(content = RoundInput, description = "unit (org unit code), team_id (optional), title, intro, target_group (staff, parents, children, young_people, partners), opens_on and closes_on (YYYY-MM-DD), questions [{kind: scale|smiley|single|multiple|text, text, options}]"),
    responses((status = 201, body = IdDto), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn create_round(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Json(body): Json<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<IdDto>)> {
    // Who may create rounds nowhere is refused whatever the round says.
    if !may_create_rounds(&st, &user).await? {
        return Err(AppError::Forbidden.into());
    }
    let spec: RoundSpec = serde_json::from_value(body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("the round: {e}")))?;
    let unit = st
        .store
        .org_unit(spec.unit.trim())
        .await?
        .filter(|u| u.org_id == user.org_id)
        .ok_or_else(|| {
            ApiError::new(StatusCode::BAD_REQUEST, "no such org unit").with_field("unit")
        })?;
    let tree = st.store.org_tree(user.org_id).await?;
    let by_role = permits(&user.assignments(), &tree, Action::ManageTeams, unit.id);
    let runs = match spec.team_id {
        Some(t) => may_run_meetings(st.store.member_role(t, user.id).await?, false),
        None => false,
    };
    if !by_role && !runs {
        return Err(AppError::Forbidden.into());
    }
    let round = st
        .store
        .create_round(&Actor::user(user.id, &user.email), user.org_id, &spec)
        .await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: round.id })))
}

/// Whether the user may create a round somewhere: by a role, or by running
/// a team's meetings.
async fn may_create_rounds(st: &AppState, user: &kasvu_store::User) -> ApiResult<bool> {
    if user
        .roles
        .iter()
        .any(|r| r.role.allows(Action::ManageTeams))
    {
        return Ok(true);
    }
    for team in st.store.teams_of_user(user.id).await? {
        if may_run_meetings(st.store.member_role(team.id, user.id).await?, false) {
            return Ok(true);
        }
    }
    Ok(false)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionResultDto {
    pub text: String,
    pub kind: String,
    /// The answer categories (1–5, or the options).
    pub categories: Vec<String>,
    /// Per category; null where hidden (small numbers).
    pub counts: Vec<Option<f64>>,
    /// Null when fewer than the threshold answered.
    pub respondents: Option<u64>,
    pub mean: Option<f64>,
    /// Free-text answers, for the team only and when enough answered.
    pub texts: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResultsDto {
    /// Answer sheets; null when too few to show.
    pub responses: Option<u64>,
    pub questions: Vec<QuestionResultDto>,
}

#[utoipa::path(get, path = "/api/v1/rounds/{id}/results", tag = "feedback", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = ResultsDto), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn round_results(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<ResultsDto>> {
    let acc = round_access_for(&st, user, id).await?;
    let res = st.store.round_results(&acc.round).await?;
    Ok(Json(ResultsDto {
        responses: (!res.responses_suppressed).then_some(res.responses),
        questions: res
            .questions
            .iter()
            .map(|(q, r)| QuestionResultDto {
                text: q.text.clone(),
                kind: q.kind.code().into(),
                categories: match q.kind {
                    QuestionKind::Scale | QuestionKind::Smiley => {
                        (1..=5).map(|n| n.to_string()).collect()
                    }
                    _ => q.options.clone(),
                },
                counts: r.counts.iter().map(|c| c.shown()).collect(),
                respondents: (!r.suppressed).then_some(r.respondents),
                mean: r.mean,
                texts: if acc.internal {
                    r.texts.clone()
                } else {
                    Vec::new()
                },
            })
            .collect(),
    }))
}
