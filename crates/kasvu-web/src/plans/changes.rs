//! Changes to a plan from its page: status, a new version, measures' status
//! and evaluations, the content of a draft.

use super::plan_page::{rights_of, Rights};
use crate::support::ctx::Ctx;
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::forms::{Checked, TokenOnly};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use kasvu_core::{MeasureStatus, PlanStatus};
use kasvu_store::PlanTree;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    pub csrf: String,
    pub status: String,
    pub approved_on: String,
    pub decision_ref: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MeasureForm {
    pub csrf: String,
    pub status: String,
    pub note: String,
}

/// The plan, its organisation's root unit and the viewer's rights, for a change.
pub(super) async fn for_change(
    st: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(PlanTree, Rights, kasvu_store::User), AppError> {
    let user = ctx.require_user()?.clone();
    let tree = st.store.plan_tree(id).await?.ok_or(AppError::NotFound)?;
    if tree.plan.org_id != user.org_id {
        return Err(AppError::NotFound);
    }
    let rights = rights_of(st, ctx, &tree.plan).await?;
    Ok((tree, rights, user))
}

/// Moves a plan along its lifecycle (approval needs the date and decision).
pub async fn set_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(axum::Form(f)): Checked<axum::Form<StatusForm>>,
) -> PageResult {
    let (tree, rights, user) = for_change(&st, &ctx, id).await?;
    if !rights.manage {
        return Err(AppError::Forbidden);
    }
    let next =
        PlanStatus::parse(&f.status).map_err(|p| AppError::BadRequest(ctx.lang.problem(&p)))?;
    let approved_on = kasvu_core::parse_date(&f.approved_on).map_err(|p| {
        AppError::BadRequest(format!(
            "{}: {}",
            ctx.t("plan-field-approved-on"),
            ctx.lang.problem(&p)
        ))
    })?;
    st.store
        .set_plan_status(
            &kasvu_store::Actor::user(user.id, &user.email),
            tree.plan.id,
            next,
            approved_on,
            &f.decision_ref,
        )
        .await
        .map_err(|e| refused(Labels::Plan, e))?;
    Ok(axum::response::Redirect::to(&format!("/plans/{id}?saved=status")).into_response())
}

/// Starts a new draft version from a frozen one.
pub async fn new_version(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: Checked<TokenOnly>,
) -> PageResult {
    let (tree, rights, user) = for_change(&st, &ctx, id).await?;
    if !rights.manage {
        return Err(AppError::Forbidden);
    }
    let new_id = st
        .store
        .new_plan_version(
            &kasvu_store::Actor::user(user.id, &user.email),
            tree.plan.id,
        )
        .await
        .map_err(|e| refused(Labels::Plan, e))?;
    Ok(axum::response::Redirect::to(&format!("/plans/{new_id}?saved=version")).into_response())
}

/// The measure `measure_id` of the plan, when the viewer may follow it up.
pub(super) fn followed<'t>(
    tree: &'t PlanTree,
    rights: &Rights,
    measure_id: i64,
) -> Result<&'t kasvu_store::Measure, AppError> {
    let m = tree
        .measures()
        .map(|(_, _, m)| m)
        .find(|m| m.id == measure_id)
        .ok_or(AppError::NotFound)?;
    if (rights.follow)(m) {
        Ok(m)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Records a measure's status with a note (its owners' follow-up).
pub async fn set_measure_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, measure_id)): Path<(i64, i64)>,
    Checked(axum::Form(f)): Checked<axum::Form<MeasureForm>>,
) -> PageResult {
    let (tree, rights, user) = for_change(&st, &ctx, id).await?;
    let measure = followed(&tree, &rights, measure_id)?;
    let status =
        MeasureStatus::parse(&f.status).map_err(|p| AppError::BadRequest(ctx.lang.problem(&p)))?;
    st.store
        .set_measure_status(
            &kasvu_store::Actor::user(user.id, &user.email),
            measure.id,
            status,
            &f.note,
        )
        .await
        .map_err(|e| refused(Labels::Plan, e))?;
    Ok(
        axum::response::Redirect::to(&format!("/plans/{id}?saved=measure#measure-{measure_id}"))
            .into_response(),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EvaluationForm {
    pub csrf: String,
    pub period: String,
    pub rating: String,
    pub body: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ContentForm {
    pub csrf: String,
    pub content: String,
}

/// Writes a draft's whole content anew from its JSON document.
pub async fn replace_content(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(axum::Form(f)): Checked<axum::Form<ContentForm>>,
) -> PageResult {
    let (tree, rights, user) = for_change(&st, &ctx, id).await?;
    if !rights.manage {
        return Err(AppError::Forbidden);
    }
    let spec: kasvu_store::PlanSpec = serde_json::from_str(&f.content).map_err(|e| {
        AppError::BadRequest(
            ctx.lang
                .t_args("plan-content-invalid", &[("error", e.to_string())]),
        )
    })?;
    st.store
        .replace_draft(
            &kasvu_store::Actor::user(user.id, &user.email),
            tree.plan.id,
            &spec,
        )
        .await
        .map_err(|e| refused(Labels::Raw, e))?;
    Ok(axum::response::Redirect::to(&format!("/plans/{id}?saved=content")).into_response())
}

/// Writes a measure's evaluation for a period (its owners' follow-up).
pub async fn set_evaluation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, measure_id)): Path<(i64, i64)>,
    Checked(axum::Form(f)): Checked<axum::Form<EvaluationForm>>,
) -> PageResult {
    let (tree, rights, user) = for_change(&st, &ctx, id).await?;
    let measure = followed(&tree, &rights, measure_id)?;
    let bad = |field: &str, p: kasvu_core::Problem| {
        AppError::BadRequest(format!(
            "{}: {}",
            ctx.t(&format!("plan-field-{field}")),
            ctx.lang.problem(&p)
        ))
    };
    let period = kasvu_core::Period::parse(&f.period).map_err(|p| bad("period", p))?;
    let rating = f.rating.trim().parse::<i64>().unwrap_or(0);
    st.store
        .set_evaluation(
            &kasvu_store::Actor::user(user.id, &user.email),
            measure.id,
            period,
            rating,
            &f.body,
            &measure.indicators,
        )
        .await
        .map_err(|e| refused(Labels::Plan, e))?;
    Ok(axum::response::Redirect::to(&format!(
        "/plans/{id}?saved=evaluation#measure-{measure_id}"
    ))
    .into_response())
}

/// Every code that becomes part of a message id, for the catalogue test.
#[cfg(test)]
pub fn dynamic_message_ids() -> Vec<String> {
    use kasvu_core::ImpactCondition;
    let mut ids = Vec::new();
    ids.extend(PlanStatus::CODES.iter().map(|c| format!("plan-status-{c}")));
    ids.extend(
        MeasureStatus::CODES
            .iter()
            .map(|c| format!("measure-status-{c}")),
    );
    ids.extend(
        kasvu_core::ChildRight::CODES
            .iter()
            .map(|c| format!("right-{c}")),
    );
    ids.extend(
        ImpactCondition::CODES
            .iter()
            .map(|c| format!("condition-{c}")),
    );
    ids.extend(["better", "worse", "same", "neutral"].map(|v| format!("plan-evidence-{v}")));
    ids.extend(
        kasvu_core::Direction::CODES
            .iter()
            .map(|c| format!("impact-expected-{c}")),
    );
    ids.extend(
        [
            "status",
            "approved-on",
            "decision-ref",
            "note",
            "period",
            "title",
            "code",
            "rating",
            "body",
            "indicators",
        ]
        .map(|v| format!("plan-field-{v}")),
    );
    ids
}
