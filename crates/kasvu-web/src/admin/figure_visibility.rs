//! Whose figures are public: the organisation's admin makes an indicator's
//! figures of the organisation signed-in only, or public again (the
//! default), on a page and over the API. What the choice means for readers
//! is decided in `support::visibility`.
//!
//! Only an admin of the organisation itself may change it (the role that
//! alone administers the organisation; the server reads it from the
//! session or token, never from the request). Which indicators are
//! signed-in only is no secret: anyone may read the list over the API, so a
//! client knows why a figure is not served without a token.

use super::users::admin_org;
use crate::support::api::{ApiError, ApiErrorBody, ApiResult, ApiUser, Json, Path as ApiPath};
use crate::support::ctx::Ctx;
use crate::support::error::PageResult;
use crate::support::forms::Checked;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use kasvu_core::role::permits;
use kasvu_core::{Action, Cadence, FieldError, Problem};
use kasvu_store::{Actor, Indicator, OrgUnit, User};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::ToSchema;

/// One indicator's checkbox: (code, name, signed-in only).
pub struct VisibilityChoice {
    pub code: String,
    pub name: String,
    pub signed_in_only: bool,
}

pub struct VisibilityGroup {
    pub title: String,
    pub choices: Vec<VisibilityChoice>,
}

#[derive(Template)]
#[template(path = "admin_figure_visibility.html")]
pub struct FigureVisibilityPage<'a> {
    pub ctx: &'a Ctx,
    pub org_name: String,
    pub groups: Vec<VisibilityGroup>,
    pub saved: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedFlag {
    pub saved: Option<String>,
}

/// The choice of the admin's organisation, one checkbox per indicator
/// grouped by cadence.
pub async fn figure_visibility(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SavedFlag>,
) -> PageResult {
    let (admin, _, units) = admin_org(&st, &ctx, Action::ManageUsers).await?;
    let org_name = units
        .iter()
        .find(|u| u.id == admin.org_id)
        .map(|u| ctx.name(&u.names).to_owned())
        .unwrap_or_default();
    let catalogue = st.store.indicators().await?;
    let chosen = st.store.signed_in_only_indicators(admin.org_id).await?;
    let groups = Cadence::ALL
        .iter()
        .map(|c| VisibilityGroup {
            title: ctx.t(&format!("cadence-{}", c.code())),
            choices: catalogue
                .iter()
                .filter(|i| i.spec.cadence == *c)
                .map(|i| VisibilityChoice {
                    code: i.spec.code.clone(),
                    name: ctx.name(&i.spec.names).to_owned(),
                    signed_in_only: chosen.contains(&i.id),
                })
                .collect(),
        })
        .filter(|g| !g.choices.is_empty())
        .collect();
    Ok(Html(
        FigureVisibilityPage {
            ctx: &ctx,
            org_name,
            groups,
            saved: q.saved.is_some(),
        }
        .render()?,
    )
    .into_response())
}

/// The form: `signed_in_only` repeats, one indicator code each; an
/// indicator not listed is public.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VisibilityForm {
    pub csrf: String,
    pub signed_in_only: Vec<String>,
}

pub async fn set_figure_visibility(
    State(st): State<AppState>,
    ctx: Ctx,
    Checked(axum_extra::extract::Form(f)): Checked<axum_extra::extract::Form<VisibilityForm>>,
) -> PageResult {
    let (admin, _, _) = admin_org(&st, &ctx, Action::ManageUsers).await?;
    let catalogue = st.store.indicators().await?;
    let ids = indicator_ids(&catalogue, &f.signed_in_only)
        .map_err(|e| crate::support::error::AppError::BadRequest(ctx.lang.problem(&e.problem)))?;
    st.store
        .set_signed_in_only_indicators(&Actor::user(admin.id, &admin.email), admin.org_id, &ids)
        .await?;
    Ok(Redirect::to("/admin/figure-visibility?saved=1").into_response())
}

/// The ids of these indicator codes; an unknown code is refused.
fn indicator_ids(catalogue: &[Indicator], codes: &[String]) -> Result<HashSet<i64>, FieldError> {
    codes
        .iter()
        .map(|code| {
            catalogue
                .iter()
                .find(|i| kasvu_core::same_code(&i.spec.code, code))
                .map(|i| i.id)
                .ok_or_else(|| {
                    FieldError::new(
                        "signed_in_only",
                        Problem::new(
                            "err-indicator-missing",
                            format!("there is no indicator '{}'", code.trim()),
                        )
                        .arg("value", code.trim()),
                    )
                })
        })
        .collect()
}

// ----- the API -----

#[derive(Debug, Serialize, ToSchema)]
pub struct FigureVisibilityDto {
    /// The organisation's code.
    pub organisation: String,
    /// Codes of the indicators whose figures of this organisation only
    /// signed-in users (a valid bearer token) may read; every other
    /// indicator's figures are public.
    pub signed_in_only: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FigureVisibilityInput {
    /// Exactly the indicators (codes) whose figures are to be for signed-in
    /// users only; every other indicator's figures become public.
    pub signed_in_only: Vec<String>,
}

async fn organisation(st: &AppState, code: &str) -> ApiResult<OrgUnit> {
    st.store
        .organisations()
        .await?
        .into_iter()
        .find(|o| kasvu_core::same_code(&o.code, code))
        .ok_or_else(|| ApiError::not_found("organisation"))
}

async fn dto(st: &AppState, org: &OrgUnit) -> ApiResult<FigureVisibilityDto> {
    let chosen = st.store.signed_in_only_indicators(org.org_id).await?;
    Ok(FigureVisibilityDto {
        organisation: org.code.clone(),
        signed_in_only: st
            .store
            .indicators()
            .await?
            .iter()
            .filter(|i| chosen.contains(&i.id))
            .map(|i| i.spec.code.clone())
            .collect(),
    })
}

#[utoipa::path(get, path = "/api/v1/orgs/{code}/figure-visibility", tag = "measurement",
    params(("code" = String, Path, description = "The organisation's code")),
    responses((status = 200, description = "Which indicators' figures of the organisation are for signed-in users only", body = FigureVisibilityDto),
              (status = 404, body = ApiErrorBody)))]
pub async fn get_figure_visibility(
    State(st): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<FigureVisibilityDto>> {
    let org = organisation(&st, &code).await?;
    Ok(Json(dto(&st, &org).await?))
}

/// Whether the token's user is an admin of this organisation.
async fn administers(st: &AppState, user: &User, org: &OrgUnit) -> ApiResult<bool> {
    if user.org_id != org.org_id {
        return Ok(false);
    }
    let tree = st.store.org_tree(user.org_id).await?;
    Ok(permits(
        &user.assignments(),
        &tree,
        Action::ManageUsers,
        org.org_id,
    ))
}

#[utoipa::path(put, path = "/api/v1/orgs/{code}/figure-visibility", tag = "measurement",
    security(("bearer" = [])), request_body = FigureVisibilityInput,
    params(("code" = String, Path, description = "The organisation's code")),
    responses((status = 200, description = "The choice was stored (changes are in the audit log)", body = FigureVisibilityDto),
              (status = 400, description = "An indicator code is unknown; nothing was changed", body = ApiErrorBody),
              (status = 401, body = ApiErrorBody),
              (status = 403, description = "Only an admin of the organisation may choose", body = ApiErrorBody),
              (status = 404, body = ApiErrorBody)))]
pub async fn put_figure_visibility(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(code): ApiPath<String>,
    Json(input): Json<FigureVisibilityInput>,
) -> ApiResult<Json<FigureVisibilityDto>> {
    let org = organisation(&st, &code).await?;
    if !administers(&st, &user, &org).await? {
        return Err(ApiError::forbidden());
    }
    let catalogue = st.store.indicators().await?;
    let ids = indicator_ids(&catalogue, &input.signed_in_only)
        .map_err(|e| ApiError::field(StatusCode::BAD_REQUEST, e))?;
    st.store
        .set_signed_in_only_indicators(&Actor::user(user.id, &user.email), org.org_id, &ids)
        .await?;
    Ok(Json(dto(&st, &org).await?))
}
