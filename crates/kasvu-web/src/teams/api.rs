//! Teams, meetings, commitments and feedback rounds in the JSON API. Every
//! route takes a bearer token and applies the same rules as the pages: a
//! team is seen by its organisation (and a network's participants), minutes
//! by its members and admins, commitments are handled by their owner or by
//! whoever runs the team's meetings, and results come with small numbers
//! hidden (free text only for the team).

use crate::support::api::IdDto;
use crate::support::api::Json;
use crate::support::api::Path;
use crate::support::api::Query;
use crate::support::api::{ApiError, ApiErrorBody, ApiResult, ApiUser};
use crate::support::error::AppError;
use crate::support::today;
use crate::teams::team::team_access_for;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use kasvu_core::team::{age_days, may_handle_commitment, missing_sectors};
use kasvu_core::{CommitmentStatus, Sector};
use kasvu_store::{Actor, Commitment, Meeting, Team};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleDto {
    pub every_months: u8,
    /// 1–4, or -1 for the last week of the month.
    pub week: i8,
    /// ISO weekday, 1 = Monday.
    pub weekday: u8,
    /// HH:MM, Europe/Helsinki.
    pub start: String,
    pub duration_min: u16,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDto {
    pub user_id: i64,
    pub name: String,
    /// chair, secretary, member or development_contact.
    pub role: String,
    pub sector: String,
    /// The org unit the member represents.
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamDto {
    pub id: i64,
    /// cluster_leadership, area_leadership, steering_group or learning_network.
    pub kind: String,
    pub unit: String,
    pub name: String,
    pub location: String,
    pub schedule: ScheduleDto,
    pub members: Vec<MemberDto>,
    /// Expected sectors missing from a multi-professional team.
    pub missing_sectors: Vec<String>,
}

async fn team_dto(st: &AppState, t: &Team) -> ApiResult<TeamDto> {
    let members = st.store.members(t.id).await?;
    let present: Vec<Sector> = members.iter().map(|m| m.sector).collect();
    Ok(TeamDto {
        id: t.id,
        kind: t.kind.code().into(),
        unit: t.unit_code.clone(),
        name: t.name.clone(),
        location: t.location.clone(),
        schedule: ScheduleDto {
            every_months: t.schedule.every_months,
            week: t.schedule.week,
            weekday: t.schedule.weekday.number_from_monday(),
            start: t.schedule.start.to_string(),
            duration_min: t.schedule.duration_min,
        },
        members: members
            .iter()
            .map(|m| MemberDto {
                user_id: m.user_id,
                name: m.name.clone(),
                role: m.role.code().into(),
                sector: m.sector.code().into(),
                unit: m.unit.as_ref().map(|(c, _)| c.clone()),
            })
            .collect(),
        missing_sectors: if t.kind.is_multi_professional() {
            missing_sectors(&present)
                .iter()
                .map(|s| s.code().to_owned())
                .collect()
        } else {
            Vec::new()
        },
    })
}

#[utoipa::path(get, path = "/api/v1/teams", tag = "teams", security(("bearer" = [])),
    responses((status = 200, description = "The teams of the caller's organisation and the networks it takes part in", body = [TeamDto]),
              (status = 401, body = ApiErrorBody)))]
pub async fn list_teams(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Json<Vec<TeamDto>>> {
    let mut out = Vec::new();
    for t in st.store.teams(user.org_id).await? {
        out.push(team_dto(&st, &t).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, body = TeamDto), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get_team(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<TeamDto>> {
    let acc = team_access_for(&st, user, id).await?;
    Ok(Json(team_dto(&st, &acc.team).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDto {
    pub id: i64,
    /// YYYY-MM-DD
    pub on: String,
    /// HH:MM, Europe/Helsinki.
    pub start: String,
    pub duration_min: i64,
    pub location: String,
    /// planned, held or cancelled.
    pub state: String,
    pub agenda: Vec<String>,
    pub decisions: Vec<String>,
    /// User ids of the members present.
    pub attendance: Vec<i64>,
    /// The internal minutes: for the team's members and admins only.
    pub minutes: Option<String>,
}

fn meeting_dto(m: &Meeting, internal: bool) -> MeetingDto {
    MeetingDto {
        id: m.id,
        on: kasvu_core::format_date(m.on),
        start: m.start.to_string(),
        duration_min: m.duration_min,
        location: m.location.clone(),
        state: m.state.code().into(),
        agenda: m.agenda.iter().map(|a| a.title.clone()).collect(),
        decisions: m.decisions.clone(),
        attendance: m.attendance.clone(),
        minutes: internal.then(|| m.minutes.clone()),
    }
}

#[utoipa::path(get, path = "/api/v1/teams/{id}/meetings", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, description = "The team's meetings, newest first", body = [MeetingDto]),
              (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn list_meetings(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<MeetingDto>>> {
    let acc = team_access_for(&st, user, id).await?;
    let meetings = st.store.meetings(id).await?;
    Ok(Json(
        meetings
            .iter()
            .map(|m| meeting_dto(m, acc.internal))
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommitmentDto {
    pub id: i64,
    pub team_id: i64,
    pub team: String,
    /// Whose promise it is; for a guest's, the member who recorded it and
    /// follows it up.
    pub user_id: i64,
    /// The name of whoever made the promise (the guest's, for a guest's).
    pub user: String,
    /// A guest's promise: the guest (a partner without an account).
    pub guest_id: Option<i64>,
    pub text: String,
    /// YYYY-MM-DD, the day it was made.
    pub made_on: String,
    pub age_days: i64,
    /// YYYY-MM-DD, the meeting where it is due: the first after the meeting
    /// it was made at (or last carried over at).
    pub due_on: String,
    /// open, done, partly or not_done.
    pub status: String,
    /// How many meetings it has been carried over.
    pub carried: i64,
    pub note: String,
}

fn commitment_dto(c: &Commitment) -> CommitmentDto {
    CommitmentDto {
        id: c.id,
        team_id: c.team_id,
        team: c.team_name.clone(),
        user_id: c.user_id,
        user: c.user_name.clone(),
        guest_id: c.guest_id,
        text: c.text.clone(),
        made_on: kasvu_core::format_date(c.made_on),
        age_days: age_days(c.made_on, today()),
        due_on: kasvu_core::format_date(c.due_on),
        status: c.status.code().into(),
        carried: c.carried,
        note: c.note.clone(),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct OpenQuery {
    /// Only open commitments (default true).
    pub open: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/teams/{id}/commitments", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Team id"), ("open" = Option<bool>, Query, description = "Only open ones (default true)")),
    responses((status = 200, body = [CommitmentDto]), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn team_commitments(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<OpenQuery>,
) -> ApiResult<Json<Vec<CommitmentDto>>> {
    team_access_for(&st, user, id).await?;
    let list = st
        .store
        .team_commitments(id, q.open.unwrap_or(true))
        .await?;
    Ok(Json(list.iter().map(commitment_dto).collect()))
}

#[utoipa::path(get, path = "/api/v1/me/commitments", tag = "teams", security(("bearer" = [])),
    params(("open" = Option<bool>, Query, description = "Only open ones (default true)")),
    responses((status = 200, description = "The caller's own commitments across their teams", body = [CommitmentDto]),
              (status = 401, body = ApiErrorBody)))]
pub async fn my_commitments(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<OpenQuery>,
) -> ApiResult<Json<Vec<CommitmentDto>>> {
    let list = st
        .store
        .user_commitments(user.id, q.open.unwrap_or(true))
        .await?;
    Ok(Json(list.iter().map(commitment_dto).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CommitmentInput {
    /// What the member promises to do before the next meeting.
    #[schema(pattern = "\\S", max_length = 2000)]
    pub text: String,
    /// Whose promise (default: the caller); others' only for those who run the meetings.
    pub user_id: Option<i64>,
    /// The meeting where it was made.
    pub meeting_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/teams/{id}/commitments", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Team id")), request_body = CommitmentInput,
    responses((status = 201, body = IdDto), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn make_commitment(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<CommitmentInput>,
) -> ApiResult<(StatusCode, Json<IdDto>)> {
    let acc = team_access_for(&st, user, id).await?;
    let owner = input.user_id.unwrap_or(acc.user.id);
    if !may_handle_commitment(owner == acc.user.id, acc.role, acc.runs) {
        return Err(AppError::Forbidden.into());
    }
    // Due at the meeting after `meeting_id` (the store decides from its date).
    let made_on = today();
    let cid = st
        .store
        .make_commitment(
            &Actor::user(acc.user.id, &acc.user.email),
            id,
            owner,
            &input.text,
            input.meeting_id,
            made_on,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: cid })))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewInput {
    /// done, partly or not_done.
    #[schema(schema_with = review_status)]
    pub status: String,
    #[serde(default)]
    pub note: String,
    /// Carry what is not done over to the next meeting.
    #[serde(default)]
    pub carry: bool,
    /// The meeting where it was reviewed.
    pub meeting_id: Option<i64>,
}

fn review_status() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::support::api::json_schema(crate::support::api::one_of(&["done", "partly", "not_done"]))
}

#[utoipa::path(post, path = "/api/v1/commitments/{id}/review", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Commitment id")), request_body = ReviewInput,
    responses((status = 204), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn review_commitment(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ReviewInput>,
) -> ApiResult<StatusCode> {
    let c = st
        .store
        .commitment(id)
        .await?
        .ok_or_else(|| ApiError::not_found("commitment"))?;
    let acc = team_access_for(&st, user, c.team_id).await?;
    if !acc.may_handle(&c) {
        return Err(AppError::Forbidden.into());
    }
    let status = CommitmentStatus::parse(&input.status)
        .map_err(|p| ApiError::new(StatusCode::BAD_REQUEST, p.english).with_field("status"))?;
    st.store
        .review_commitment(
            &Actor::user(acc.user.id, &acc.user.email),
            id,
            input.meeting_id,
            status,
            &input.note,
            input.carry,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
