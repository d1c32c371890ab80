//! One error type for pages, mapped to a status in one place. Handlers
//! return it; the context middleware renders the error page in the user's
//! language (or redirects to the login page on 401).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kasvu_store::StoreError;

#[derive(Debug)]
pub enum AppError {
    NotFound,
    /// Not signed in: the page redirects to the login page.
    Unauthorized,
    Forbidden,
    BadRequest(String),
    Conflict(String),
    TooManyRequests,
    Internal(String),
}

/// Put on an error response for the middleware to render.
#[derive(Debug, Clone)]
pub struct ErrorMarker {
    pub status: StatusCode,
    pub detail: Option<String>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => AppError::NotFound,
            StoreError::Invalid(f) | StoreError::Row { error: f, .. } => {
                AppError::BadRequest(f.to_string())
            }
            StoreError::Conflict(f) => AppError::Conflict(f.to_string()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match self {
            AppError::Internal(m) => {
                tracing::error!("internal error: {m}");
                None
            }
            AppError::BadRequest(m) | AppError::Conflict(m) => Some(m),
            _ => None,
        };
        let mut r = status.into_response();
        r.extensions_mut().insert(ErrorMarker { status, detail });
        r
    }
}

pub type PageResult = Result<Response, AppError>;
