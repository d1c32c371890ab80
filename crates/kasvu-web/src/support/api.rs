//! JSON API v1. Reads of the org tree are public (the city's structure is
//! public information); writes and people need a bearer token
//! (`kasvu token create`). Errors are JSON with a message and a status.
//! This module holds what every feature's API shares: the error body, the
//! bearer-token user, the extractors and small DTOs; each feature has its
//! own `api.rs`.
//!
//! Every error under `/api` is the JSON error body ([`ApiErrorBody`]),
//! including the framework's own refusals: the handlers take their input
//! through this module's [`Json`], [`Path`] and [`Query`] (axum's, with the
//! rejection turned into an [`ApiError`] of the same status), the API router
//! answers unknown routes and methods with it, and [`json_errors`] rewrites
//! what the layers answer (413 body too large, 408 timeout) under `/api`.

use crate::support::error::AppError;
use crate::AppState;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kasvu_core::FieldError;
use kasvu_store::{StoreError, User};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// Machine-readable kind: bad_request, unauthorized, forbidden, not_found,
    /// method_not_allowed, timeout, conflict, payload_too_large,
    /// unsupported_media_type, unprocessable, too_many_requests, internal.
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
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::REQUEST_TIMEOUT => "timeout",
            StatusCode::CONFLICT => "conflict",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
            StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
            _ => "internal",
        };
        (
            self.status,
            axum::Json(ApiErrorBody {
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

/// A JSON request body or response. As a request body it is axum's `Json`
/// with two differences: every refusal is the JSON error body (415 without a
/// JSON content type, 400 for bytes that are not JSON, 413 over the body
/// limit, 422 for JSON of the wrong shape), and a number with a zero
/// fraction (`5649.0`) is an integer, as JSON Schema says, so it is accepted
/// wherever an integer is declared; `5649.5` is not.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(mut value) =
            axum::Json::<serde_json::Value>::from_request(req, state).await?;
        integral_numbers(&mut value);
        T::deserialize(value).map(Json).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the request body: {e}"),
            )
        })
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Turns every number with a zero fraction (`5649.0`) into the integer it
/// is, so that integer fields accept it; other numbers stay as they are.
fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                // -2^63 ≤ f < 2^63: the cast is exact.
                const TWO_TO_63: f64 = 9_223_372_036_854_775_808.0;
                if f.fract() == 0.0 && (-TWO_TO_63..TWO_TO_63).contains(&f) {
                    *n = serde_json::Number::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(fields) => fields.values_mut().for_each(integral_numbers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

/// Path parameters; a path whose parameter is not of its type (e.g. `abc`
/// for an integer id) is a 404 JSON error.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(v) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(Path(v))
    }
}

/// The query string; a refusal is the JSON error (400).
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(v) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Query(v))
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let message = match &r {
            JsonRejection::MissingJsonContentType(_) => {
                "the request body must be JSON (Content-Type: application/json)".to_owned()
            }
            _ => r.body_text(),
        };
        ApiError::new(r.status(), message)
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        match r {
            // A path whose id is not an id (`/plans/abc`, `/teams/None`)
            // names nothing: not found, like an id that is not there.
            PathRejection::FailedToDeserializePathParams(e) => ApiError::new(
                StatusCode::NOT_FOUND,
                format!("no such resource: {}", e.body_text()),
            ),
            other => ApiError::new(other.status(), other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::new(r.status(), r.body_text())
    }
}

/// The API's answer to a route it does not have.
pub(crate) async fn no_such_route() -> ApiError {
    ApiError::not_found("API route")
}

/// The API's answer to a method a route does not take (axum adds `Allow`).
pub(crate) async fn no_such_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this API route does not take this method",
    )
}

/// Under `/api`, turns every error that is not already JSON into the JSON
/// error body with the same status and headers: what the layers around the
/// router answer (413 over the body limit, 408 on timeout) and a page's 404
/// for `/api/…` outside `/api/v1`.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let under_api = path == "/api" || path.starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !under_api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let (mut parts, _) = res.into_parts();
    let message = match status {
        StatusCode::NOT_FOUND => "API route not found".to_owned(),
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is too large".to_owned(),
        StatusCode::REQUEST_TIMEOUT => "the request took too long".to_owned(),
        other => other
            .canonical_reason()
            .unwrap_or("the request was refused")
            .to_lowercase(),
    };
    let body = ApiError::new(status, message).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, body.into_body())
}

/// A request body's schema written as JSON Schema: for the bodies whose
/// shape the store's own types define (plans, rounds, paths, practices,
/// projects), so the document says exactly what is accepted.
pub(crate) fn json_schema(
    schema: serde_json::Value,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    // The schemas are constants of this crate; the OpenAPI snapshot test
    // builds every one of them.
    serde_json::from_value(schema).unwrap_or_else(|e| panic!("a request body schema: {e}"))
}

/// Text that must not be blank, at most `max` characters.
pub(crate) fn required_text(max: usize) -> serde_json::Value {
    serde_json::json!({"type": "string", "pattern": "\\S", "maxLength": max})
}

/// Text that may be empty, at most `max` characters.
pub(crate) fn optional_text(max: usize) -> serde_json::Value {
    serde_json::json!({"type": "string", "maxLength": max})
}

/// A name in Finnish, Swedish and English (empty: not translated). The
/// Finnish key is always there; `required` says it may not be blank.
pub(crate) fn names_schema(required: bool, max: usize) -> serde_json::Value {
    let fi = if required {
        required_text(max)
    } else {
        optional_text(max)
    };
    serde_json::json!({
        "type": "object",
        "required": ["fi"],
        "properties": {"fi": fi, "sv": optional_text(max), "en": optional_text(max)},
    })
}

/// A code: lower-case letters a–z, digits, '-' and '_', at most 64.
pub(crate) const CODE_PATTERN: &str = "^[a-z0-9][a-z0-9_-]{0,63}$";

/// One of these codes.
pub(crate) fn one_of(codes: &[&str]) -> serde_json::Value {
    serde_json::json!({"type": "string", "enum": codes})
}

/// A request body's schema, named after its type, for `request_body(content = …)`.
macro_rules! body_schema {
    ($(#[$meta:meta])* $name:ident, $schema:expr) => {
        $(#[$meta])*
        pub struct $name;
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::support::api::json_schema($schema)
            }
        }
        impl utoipa::ToSchema for $name {}
    };
}
pub(crate) use body_schema;
