//! People and the audit log over the JSON API, for admins of the organisation.

use crate::support::api::bad;
use crate::support::api::ApiError;
use crate::support::api::ApiErrorBody;
use crate::support::api::ApiResult;
use crate::support::api::ApiUser;
use crate::support::api::Json;
use crate::support::api::Query;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use kasvu_core::role::permits;
use kasvu_core::Action;
use kasvu_core::Email;
use kasvu_core::FieldError;
use kasvu_core::Password;
use kasvu_core::Role;
use kasvu_store::Actor;
use kasvu_store::AuditFilter;
use kasvu_store::NewUser;
use kasvu_store::User;
use serde::Deserialize;
use serde::Serialize;
use utoipa::ToSchema;
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
    #[schema(format = Email)]
    pub email: String,
    pub name: String,
    /// admin, area_manager, regional_planner, leadership_member, staff or viewer.
    #[schema(schema_with = role_schema)]
    pub role: String,
    /// Code of the org unit the role covers.
    pub scope: String,
    /// At least 10 characters and hard to guess; without it the user cannot
    /// sign in until one is set.
    #[schema(min_length = 10)]
    pub password: Option<String>,
}

fn role_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::support::api::json_schema(crate::support::api::one_of(Role::CODES))
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
    /// What was stored before (null when the entity was created).
    #[schema(value_type = Option<Object>)]
    pub old_value: Option<serde_json::Value>,
    /// What is stored after (null when the entity was removed).
    #[schema(value_type = Option<Object>)]
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
