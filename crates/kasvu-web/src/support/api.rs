//! JSON API v1. Reads of the org tree are public (the city's structure is
//! public information); writes and people need a bearer token
//! (`kasvu token create`). Errors are JSON with a message and a status.
//! This module holds what every feature's API shares: the error body, the
//! bearer-token user and small DTOs; each feature has its own `api.rs`.

use crate::support::error::AppError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kasvu_core::FieldError;
use kasvu_store::{StoreError, User};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use utoipa::ToSchema;

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
    pub(crate) fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "a valid bearer token is required (Authorization: Bearer …)",
        )
    }
    pub(crate) fn forbidden() -> Self {
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

/// The id of something just created.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdDto {
    pub id: i64,
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct OrgQuery {
    /// The organisation's code (default: the token's, else the first by name).
    pub org: String,
}

/// The bearer token's user, when one is given and valid.
pub(crate) async fn viewer(st: &AppState, headers: &HeaderMap) -> Result<Option<User>, ApiError> {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(None);
    };
    Ok(st.store.user_by_api_token(token.trim()).await?)
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => ApiError::not_found("resource"),
            AppError::Unauthorized => ApiError::new(StatusCode::UNAUTHORIZED, "sign-in required"),
            AppError::Forbidden => {
                ApiError::new(StatusCode::FORBIDDEN, "your roles do not allow this here")
            }
            AppError::BadRequest(m) => ApiError::new(StatusCode::BAD_REQUEST, m),
            AppError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, m),
            AppError::TooManyRequests => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too many requests")
            }
            AppError::Refused {
                conflict, error, ..
            } => ApiError::field(
                if conflict {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::BAD_REQUEST
                },
                error,
            ),
            AppError::Internal(m) => {
                tracing::error!("api: {m}");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}

/// A field the input got wrong, as a 400.
pub(crate) fn bad(e: FieldError) -> ApiError {
    ApiError::field(StatusCode::BAD_REQUEST, e)
}

/// A name in the three languages.
#[derive(Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct NamesDto {
    pub fi: String,
    #[serde(default)]
    pub sv: String,
    #[serde(default)]
    pub en: String,
}
