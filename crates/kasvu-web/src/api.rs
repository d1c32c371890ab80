//! JSON API v1. Reads of the org tree are public (the city's structure is
//! public information); writes and people need a bearer token
//! (`kasvu token create`). Errors are JSON with a message and a status.

use crate::AppState;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kasvu_core::role::permits;
use kasvu_core::{
    Action, Email, ExternalCode, FieldError, Level, Names, OrgCode, Password, Role, Sector,
    UnitKind, ValidRange,
};
use kasvu_store::{Actor, AuditFilter, NewUser, OrgUnit, OrgUnitSpec, StoreError, User};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// Machine-readable kind: bad_request, unauthorized, forbidden, not_found, conflict, internal.
    pub error: &'static str,
    /// What went wrong, for a person.
    pub message: String,
    /// The input field concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            field: None,
        }
    }
    pub(crate) fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }
    pub(crate) fn field(status: StatusCode, e: FieldError) -> Self {
        ApiError {
            status,
            message: e.problem.english,
            field: Some(e.field),
        }
    }
    fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "a valid bearer token is required (Authorization: Bearer …)",
        )
    }
    fn forbidden() -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "your roles do not allow this here")
    }
    pub(crate) fn not_found(what: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, format!("{what} not found"))
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(f) | StoreError::Row { error: f, .. } => {
                ApiError::field(StatusCode::BAD_REQUEST, f)
            }
            StoreError::Conflict(f) => ApiError::field(StatusCode::CONFLICT, f),
            StoreError::NotFound(w) => ApiError::not_found(&w),
            other => {
                tracing::error!("api: {other}");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = match self.status {
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::CONFLICT => "conflict",
            _ => "internal",
        };
        (
            self.status,
            Json(ApiErrorBody {
                error,
                message: self.message,
                field: self.field,
            }),
        )
            .into_response()
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// The user behind the request's bearer token.
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(ApiError::unauthorized)?;
        st.store
            .user_by_api_token(token.trim())
            .await?
            .map(ApiUser)
            .ok_or_else(ApiError::unauthorized)
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct NamesDto {
    pub fi: String,
    #[serde(default)]
    pub sv: String,
    #[serde(default)]
    pub en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgUnitDto {
    pub code: String,
    /// organisation, area, cluster or unit.
    pub level: String,
    pub kind: Option<String>,
    pub sector: Option<String>,
    pub parent: Option<String>,
    pub names: NamesDto,
    /// `scheme:code` pairs, e.g. `kunta:564`.
    pub external_codes: Vec<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    /// True for illustrative demo data.
    pub demo: bool,
}

impl From<&OrgUnit> for OrgUnitDto {
    fn from(u: &OrgUnit) -> Self {
        OrgUnitDto {
            code: u.code.clone(),
            level: u.level.code().into(),
            kind: u.kind.map(|k| k.code().into()),
            sector: u.sector.map(|s| s.code().into()),
            parent: u.parent_code.clone(),
            names: NamesDto {
                fi: u.names.fi.clone(),
                sv: u.names.sv.clone(),
                en: u.names.en.clone(),
            },
            external_codes: u
                .external_codes
                .iter()
                .map(|e| format!("{}:{}", e.scheme, e.code))
                .collect(),
            valid_from: u.valid.from.map(kasvu_core::format_date),
            valid_to: u.valid.to.map(kasvu_core::format_date),
            demo: u.demo,
        }
    }
}

/// An org unit to create or replace.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrgUnitInput {
    /// Required when creating; ignored when replacing (the path names the unit).
    #[serde(default)]
    pub code: String,
    pub parent: Option<String>,
    pub level: String,
    pub kind: Option<String>,
    pub sector: Option<String>,
    pub names: NamesDto,
    #[serde(default)]
    pub external_codes: Vec<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

impl OrgUnitInput {
    fn to_spec(&self) -> Result<OrgUnitSpec, FieldError> {
        let f = |field: &'static str| move |p| FieldError::new(field, p);
        let level = Level::parse(&self.level).map_err(f("level"))?;
        let kind = self
            .kind
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(UnitKind::parse)
            .transpose()
            .map_err(f("kind"))?;
        kasvu_core::check_kind(level, kind).map_err(f("kind"))?;
        Ok(OrgUnitSpec {
            code: OrgCode::parse(&self.code).map_err(f("code"))?,
            parent: self
                .parent
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(OrgCode::parse)
                .transpose()
                .map_err(f("parent"))?,
            level,
            kind,
            sector: self
                .sector
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(Sector::parse)
                .transpose()
                .map_err(f("sector"))?,
            names: Names::parse(&self.names.fi, &self.names.sv, &self.names.en)?,
            external_codes: ExternalCode::parse_list(&self.external_codes.join(";"))
                .map_err(f("external_codes"))?,
            valid: ValidRange::parse(
                self.valid_from.as_deref().unwrap_or(""),
                self.valid_to.as_deref().unwrap_or(""),
            )?,
        })
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OrgUnitsQuery {
    /// Only the units of this organisation (its code).
    pub org: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgunits", params(OrgUnitsQuery), tag = "orgunits",
    responses((status = 200, description = "The tree: every org unit, ended ones included", body = [OrgUnitDto]),
              (status = 404, description = "No such organisation", body = ApiErrorBody)))]
pub async fn list_orgunits(
    State(st): State<AppState>,
    Query(q): Query<OrgUnitsQuery>,
) -> ApiResult<Json<Vec<OrgUnitDto>>> {
    let orgs = st.store.organisations().await?;
    let selected: Vec<&OrgUnit> = match &q.org {
        Some(code) => vec![orgs
            .iter()
            .find(|o| &o.code == code)
            .ok_or_else(|| ApiError::not_found("organisation"))?],
        None => orgs.iter().collect(),
    };
    let mut out = Vec::new();
    for o in selected {
        out.extend(st.store.org_units(o.id).await?.iter().map(OrgUnitDto::from));
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/orgunits/{code}", tag = "orgunits",
    params(("code" = String, Path, description = "The unit's code")),
    responses((status = 200, body = OrgUnitDto), (status = 404, body = ApiErrorBody)))]
pub async fn get_orgunit(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<OrgUnitDto>> {
    let u = st
        .store
        .org_unit(&code)
        .await?
        .ok_or_else(|| ApiError::not_found("org unit"))?;
    Ok(Json(OrgUnitDto::from(&u)))
}

async fn check_edit(st: &AppState, user: &User, unit: &OrgUnit) -> ApiResult<()> {
    let tree = st.store.org_tree(user.org_id).await?;
    if unit.org_id == user.org_id && permits(&user.assignments(), &tree, Action::EditTree, unit.id)
    {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

fn bad(e: FieldError) -> ApiError {
    ApiError::field(StatusCode::BAD_REQUEST, e)
}

#[utoipa::path(post, path = "/api/v1/orgunits", tag = "orgunits", request_body = OrgUnitInput,
    security(("bearer" = [])),
    responses((status = 201, body = OrgUnitDto), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn create_orgunit(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<OrgUnitInput>,
) -> ApiResult<(StatusCode, Json<OrgUnitDto>)> {
    let spec = input.to_spec().map_err(bad)?;
    let parent_code = spec.parent.as_ref().ok_or_else(|| {
        bad(FieldError::new(
            "parent",
            kasvu_core::Problem::new(
                "err-parent-required",
                "organisations are created with the CLI; give a parent",
            ),
        ))
    })?;
    let parent = st
        .store
        .org_unit(parent_code.as_str())
        .await?
        .ok_or_else(|| {
            bad(FieldError::new(
                "parent",
                kasvu_core::Problem::new(
                    "err-parent-missing",
                    format!("there is no org unit '{parent_code}'"),
                ),
            ))
        })?;
    check_edit(&st, &user, &parent).await?;
    let u = st
        .store
        .create_org_unit(&Actor::user(user.id, &user.email), &spec)
        .await?;
    Ok((StatusCode::CREATED, Json(OrgUnitDto::from(&u))))
}

#[utoipa::path(put, path = "/api/v1/orgunits/{code}", tag = "orgunits", request_body = OrgUnitInput,
    params(("code" = String, Path, description = "The unit's code")), security(("bearer" = [])),
    responses((status = 200, body = OrgUnitDto), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn replace_orgunit(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
    Json(mut input): Json<OrgUnitInput>,
) -> ApiResult<Json<OrgUnitDto>> {
    let existing = st
        .store
        .org_unit(&code)
        .await?
        .ok_or_else(|| ApiError::not_found("org unit"))?;
    check_edit(&st, &user, &existing).await?;
    input.code = existing.code.clone();
    let spec = input.to_spec().map_err(bad)?;
    if spec.parent.as_ref().map(OrgCode::as_str) != existing.parent_code.as_deref() {
        if let Some(p) = &spec.parent {
            if let Some(parent) = st.store.org_unit(p.as_str()).await? {
                check_edit(&st, &user, &parent).await?;
            }
        }
    }
    let (u, _) = st
        .store
        .update_org_unit(&Actor::user(user.id, &user.email), &spec)
        .await?;
    Ok(Json(OrgUnitDto::from(&u)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleDto {
    pub role: String,
    /// Code of the org unit whose subtree the role covers.
    pub scope: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub disabled: bool,
    pub roles: Vec<RoleDto>,
}

impl From<&User> for UserDto {
    fn from(u: &User) -> Self {
        UserDto {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            disabled: u.disabled,
            roles: u
                .roles
                .iter()
                .map(|r| RoleDto {
                    role: r.role.code().into(),
                    scope: r.scope_code.clone(),
                })
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/me", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = UserDto), (status = 401, body = ApiErrorBody)))]
pub async fn me(ApiUser(user): ApiUser) -> Json<UserDto> {
    Json(UserDto::from(&user))
}

async fn check_admin(st: &AppState, user: &User, action: Action) -> ApiResult<()> {
    let tree = st.store.org_tree(user.org_id).await?;
    if permits(&user.assignments(), &tree, action, user.org_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, description = "The users of your organisation", body = [UserDto]),
              (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn list_users(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Json<Vec<UserDto>>> {
    check_admin(&st, &user, Action::ManageUsers).await?;
    Ok(Json(
        st.store
            .users(user.org_id)
            .await?
            .iter()
            .map(UserDto::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UserInput {
    pub email: String,
    pub name: String,
    /// admin, area_manager, regional_planner, leadership_member, staff or viewer.
    pub role: String,
    /// Code of the org unit the role covers.
    pub scope: String,
    /// At least 10 characters; without it the user cannot sign in until one is set.
    pub password: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput, security(("bearer" = [])),
    responses((status = 201, body = UserDto), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn create_user(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<UserInput>,
) -> ApiResult<(StatusCode, Json<UserDto>)> {
    check_admin(&st, &user, Action::ManageUsers).await?;
    let f = |field: &'static str| move |p| bad(FieldError::new(field, p));
    let email = Email::parse(&input.email).map_err(f("email"))?;
    let role = Role::parse(&input.role).map_err(f("role"))?;
    let password = input
        .password
        .as_deref()
        .map(Password::parse)
        .transpose()
        .map_err(f("password"))?;
    let scope = st.store.org_unit(input.scope.trim()).await?;
    match scope {
        Some(s) if s.org_id == user.org_id => {}
        _ => {
            return Err(bad(FieldError::new(
                "scope",
                kasvu_core::Problem::new("err-unit-missing", "no such unit in your organisation"),
            )))
        }
    }
    let created = st
        .store
        .create_user(
            &Actor::user(user.id, &user.email),
            NewUser {
                email,
                name: input.name,
                password,
                role,
                scope_code: input.scope,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(UserDto::from(&created))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditDto {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    pub entity: String,
    pub entity_key: String,
    pub action: String,
    #[schema(value_type = Object)]
    pub old_value: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    pub new_value: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Entries older than this id.
    pub before: Option<i64>,
    /// At most this many (1–1000, default 100).
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, description = "Newest first", body = [AuditDto]),
              (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn audit(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditDto>>> {
    check_admin(&st, &user, Action::ReadAudit).await?;
    let entries = st
        .store
        .audit_entries(&AuditFilter {
            org_id: user.org_id,
            before_id: q.before,
            limit: q.limit.unwrap_or(100),
            ..Default::default()
        })
        .await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| AuditDto {
                id: e.id,
                at: e.at,
                actor: e.actor,
                entity: e.entity,
                entity_key: e.entity_key,
                action: e.action,
                old_value: e.old_value,
                new_value: e.new_value,
            })
            .collect(),
    ))
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Kasvu API", version = "1", description = "The org tree, people, audit log, shared measurement, the welfare plan, leadership teams with their meetings and commitments, feedback rounds, the project database, the register of actors, the collaboration map, one-contact paths, good practices, search, and families' activities (Linked Events-shaped events) and places of Kasvu. Figures are served with small numbers suppressed."),
    paths(list_orgunits, get_orgunit, create_orgunit, replace_orgunit, me, list_users, create_user, audit,
        crate::measure_api::list_indicators, crate::measure_api::get_data, crate::measure_api::post_data,
        crate::plan_api::list_plans, crate::plan_api::get_plan, crate::plan_api::create_plan,
        crate::plan_api::set_measure_status, crate::plan_api::set_evaluation, crate::plan_api::replace_plan,
        crate::team_api::list_teams, crate::team_api::get_team, crate::team_api::list_meetings,
        crate::team_api::team_commitments, crate::team_api::my_commitments, crate::team_api::make_commitment,
        crate::team_api::review_commitment, crate::team_api::list_rounds, crate::team_api::create_round,
        crate::team_api::round_results, crate::network_page::network_api,
        crate::project_pages::list_projects, crate::project_pages::get_project, crate::project_pages::create_project,
        crate::knowledge_api::list_actors, crate::knowledge_api::get_actor, crate::knowledge_api::get_map,
        crate::knowledge_api::add_link, crate::knowledge_api::remove_link, crate::knowledge_api::list_paths,
        crate::knowledge_api::get_path, crate::knowledge_api::put_path, crate::knowledge_api::list_practices,
        crate::knowledge_api::get_practice, crate::knowledge_api::put_practice, crate::knowledge_api::search,
        crate::events_api::list_events, crate::events_api::get_event, crate::events_api::list_places,
        crate::events_api::get_place),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("API route")
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/orgunits", get(list_orgunits).post(create_orgunit))
        .route("/orgunits/{code}", get(get_orgunit).put(replace_orgunit))
        .route("/me", get(me))
        .route("/users", get(list_users).post(create_user))
        .route("/audit", get(audit))
        .route("/indicators", get(crate::measure_api::list_indicators))
        .route(
            "/data",
            get(crate::measure_api::get_data).post(crate::measure_api::post_data),
        )
        .route(
            "/plans",
            get(crate::plan_api::list_plans).post(crate::plan_api::create_plan),
        )
        .route(
            "/plans/{id}",
            get(crate::plan_api::get_plan).put(crate::plan_api::replace_plan),
        )
        .route(
            "/plans/{id}/measures/{measure_id}/status",
            axum::routing::post(crate::plan_api::set_measure_status),
        )
        .route(
            "/plans/{id}/measures/{measure_id}/evaluations",
            axum::routing::post(crate::plan_api::set_evaluation),
        )
        .route("/teams", get(crate::team_api::list_teams))
        .route("/teams/{id}", get(crate::team_api::get_team))
        .route("/teams/{id}/meetings", get(crate::team_api::list_meetings))
        .route(
            "/teams/{id}/commitments",
            get(crate::team_api::team_commitments).post(crate::team_api::make_commitment),
        )
        .route("/me/commitments", get(crate::team_api::my_commitments))
        .route(
            "/commitments/{id}/review",
            axum::routing::post(crate::team_api::review_commitment),
        )
        .route(
            "/rounds",
            get(crate::team_api::list_rounds).post(crate::team_api::create_round),
        )
        .route("/rounds/{id}/results", get(crate::team_api::round_results))
        .route("/teams/{id}/network", get(crate::network_page::network_api))
        .route(
            "/projects",
            get(crate::project_pages::list_projects).post(crate::project_pages::create_project),
        )
        .route("/projects/{id}", get(crate::project_pages::get_project))
        .route("/actors", get(crate::knowledge_api::list_actors))
        .route("/actors/{code}", get(crate::knowledge_api::get_actor))
        .route("/network", get(crate::knowledge_api::get_map))
        .route(
            "/network/links",
            axum::routing::post(crate::knowledge_api::add_link),
        )
        .route(
            "/network/links/{id}",
            axum::routing::delete(crate::knowledge_api::remove_link),
        )
        .route("/paths", get(crate::knowledge_api::list_paths))
        .route(
            "/paths/{code}",
            get(crate::knowledge_api::get_path).put(crate::knowledge_api::put_path),
        )
        .route("/practices", get(crate::knowledge_api::list_practices))
        .route(
            "/practices/{code}",
            get(crate::knowledge_api::get_practice).put(crate::knowledge_api::put_practice),
        )
        .route("/search", get(crate::knowledge_api::search))
        .route("/events", get(crate::events_api::list_events))
        .route("/events/{id}", get(crate::events_api::get_event))
        .route("/places", get(crate::events_api::list_places))
        .route("/places/{code}", get(crate::events_api::get_place))
        .fallback(api_not_found)
}
