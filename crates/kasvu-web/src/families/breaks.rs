//! The organisation's breaks of weekly activities (school breaks), kept by
//! those who approve activities: no weekly session is shown on them, as on
//! the public holidays, which are built in.

use crate::families::forms::approves_at;
use crate::support::ctx::{Ctx, SignedIn};
use crate::support::error::{refused, AppError, Labels, PageResult};
use crate::support::format::date_label;
use crate::support::forms::Checked;
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use kasvu_core::{FieldError, Problem};
use kasvu_store::{ActivityBreak, StoreError, User};
use serde::Deserialize;

/// A break as listed on the manage page.
pub struct BreakRow {
    pub id: i64,
    pub first: String,
    pub last: String,
    pub name: String,
}

pub(crate) fn rows(ctx: &Ctx, breaks: &[ActivityBreak]) -> Vec<BreakRow> {
    breaks
        .iter()
        .map(|b| BreakRow {
            id: b.id,
            first: date_label(ctx.lang, b.first),
            last: date_label(ctx.lang, b.last),
            name: b.name.clone(),
        })
        .collect()
}

/// Whether the user keeps the breaks: one who approves activities at the
/// organisation (breaks are the whole organisation's).
pub(crate) async fn keeps_breaks(st: &AppState, user: &User) -> Result<bool, AppError> {
    let tree = st.store.org_tree(user.org_id).await?;
    Ok(approves_at(&tree, user, user.org_id))
}

#[derive(Deserialize)]
pub struct BreakForm {
    #[serde(default)]
    pub first: String,
    #[serde(default)]
    pub last: String,
    #[serde(default)]
    pub name: String,
}

fn day(field: &str, s: &str) -> Result<time::Date, AppError> {
    let invalid = |p: Problem| {
        refused(
            Labels::Form("break".into()),
            StoreError::Invalid(FieldError::new(field, p)),
        )
    };
    kasvu_core::parse_date(s)
        .map_err(invalid)?
        .ok_or_else(|| invalid(Problem::required()))
}

pub async fn add(
    State(st): State<AppState>,
    SignedIn(user): SignedIn,
    Checked(axum::Form(f)): Checked<axum::Form<BreakForm>>,
) -> PageResult {
    if !keeps_breaks(&st, &user).await? {
        return Err(AppError::Forbidden);
    }
    let (first, last) = (day("first", &f.first)?, day("last", &f.last)?);
    let actor = kasvu_store::Actor::user(user.id, &user.email);
    st.store
        .add_activity_break(&actor, user.org_id, first, last, &f.name)
        .await
        .map_err(|e| refused(Labels::Form("break".into()), e))?;
    Ok(Redirect::to("/activities/manage?saved=1#breaks").into_response())
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    pub id: Option<i64>,
}

pub async fn remove(
    State(st): State<AppState>,
    SignedIn(user): SignedIn,
    Checked(axum::Form(f)): Checked<axum::Form<RemoveForm>>,
) -> PageResult {
    if !keeps_breaks(&st, &user).await? {
        return Err(AppError::Forbidden);
    }
    let id =
        f.id.ok_or_else(|| AppError::BadRequest("id: a break to remove".into()))?;
    let actor = kasvu_store::Actor::user(user.id, &user.email);
    if !st
        .store
        .remove_activity_break(&actor, user.org_id, id)
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/activities/manage?saved=1#breaks").into_response())
}
