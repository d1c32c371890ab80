//! One error type for pages, mapped to a status in one place. Handlers
//! return it; the context middleware renders the error page in the user's
//! language (or redirects to the login page on 401), and the API turns the
//! same error into its JSON body (`support::api`). A field the store refused
//! travels as the field and its problem, and is put into words only when the
//! page is rendered, in the reader's language.

use crate::support::ctx::Ctx;
use crate::support::forms::{field_key, field_label};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kasvu_core::FieldError;
use kasvu_store::StoreError;

/// How a form names its fields to the reader: the message ids of the labels.
#[derive(Debug, Clone)]
pub enum Labels {
    /// `team-field-…` (teams, meetings, commitments, rounds).
    Team,
    /// `plan-field-…`.
    Plan,
    /// `actor-…`: the register.
    Actor,
    /// `map-…`: the collaboration map.
    Map,
    /// A form's own prefix (`path`, `practice`, `project`, `activity`).
    Form(String),
    /// The field's name as the store gave it.
    Raw,
}

impl Labels {
    fn label(&self, ctx: &Ctx, field: &str) -> String {
        match self {
            Labels::Team => ctx.t(&format!("team-field-{}", field_key(field))),
            Labels::Plan => ctx.t(&format!("plan-field-{}", field.replace('_', "-"))),
            Labels::Actor => ctx.t(&format!("actor-{}", field.replace('_', "-"))),
            Labels::Map => ctx.t(&format!("map-{field}")),
            Labels::Form(prefix) => field_label(ctx, prefix, field),
            Labels::Raw => field.to_owned(),
        }
    }
}

/// A refusal from the store, naming the field as the form does: 400 when the
/// input breaks a rule, 409 when it conflicts with what is stored.
pub fn refused(labels: Labels, e: StoreError) -> AppError {
    match e {
        StoreError::Invalid(error) => AppError::Refused {
            conflict: false,
            labels,
            error,
        },
        StoreError::Conflict(error) => AppError::Refused {
            conflict: true,
            labels,
            error,
        },
        other => other.into(),
    }
}

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
    /// A field the store refused (see [`refused`]).
    Refused {
        conflict: bool,
        labels: Labels,
        error: FieldError,
    },
}

/// What an error page says beyond its title.
#[derive(Debug, Clone)]
pub enum Detail {
    Text(String),
    Field(Labels, FieldError),
}

impl Detail {
    /// In the reader's language.
    pub fn text(&self, ctx: &Ctx) -> String {
        match self {
            Detail::Text(t) => t.clone(),
            Detail::Field(labels, f) => format!(
                "{}: {}",
                labels.label(ctx, &f.field),
                ctx.lang.problem(&f.problem)
            ),
        }
    }
}

/// Put on an error response for the middleware to render.
#[derive(Debug, Clone)]
pub struct ErrorMarker {
    pub status: StatusCode,
    pub detail: Option<Detail>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Refused { conflict: true, .. } => StatusCode::CONFLICT,
            AppError::Refused { .. } => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => AppError::NotFound,
            StoreError::Invalid(_) | StoreError::Conflict(_) => refused(Labels::Raw, e),
            StoreError::Row { error, .. } => AppError::Refused {
                conflict: false,
                labels: Labels::Raw,
                error,
            },
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
            AppError::BadRequest(m) | AppError::Conflict(m) => Some(Detail::Text(m)),
            AppError::Refused { labels, error, .. } => Some(Detail::Field(labels, error)),
            _ => None,
        };
        let mut r = status.into_response();
        r.extensions_mut().insert(ErrorMarker { status, detail });
        r
    }
}

pub type PageResult = Result<Response, AppError>;
