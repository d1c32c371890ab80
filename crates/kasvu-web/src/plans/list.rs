//! The welfare plan's pages: the organisation's plan versions, and the
//! results chain of one version — from the aim through goals and focus areas
//! down to measures, each with its status and the latest figures of its
//! indicators and their direction, so "are we moving the right way?" is
//! answered at a glance. Approved plans are public (they are council
//! documents); drafts are seen only by the organisation's signed-in users.

use crate::support::ctx::Ctx;
use crate::support::error::PageResult;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use kasvu_store::Plan;

pub struct PlanRow {
    pub id: i64,
    /// The area or cluster of a regional plan; empty for the organisation's.
    pub scope: String,
    pub title: String,
    pub version: i64,
    pub period: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "plans.html")]
pub struct PlansPage<'a> {
    pub ctx: &'a Ctx,
    pub plans: Vec<PlanRow>,
    /// The viewer may make a plan somewhere (the form offers where).
    pub can_create: bool,
}

/// Whether the viewer may see this version: public ones everyone, drafts
/// and internal ones the organisation's signed-in users.
pub(crate) fn visible(ctx: &Ctx, p: &Plan) -> bool {
    p.is_public() || ctx.user.as_ref().is_some_and(|u| u.org_id == p.org_id)
}

pub(super) fn period_text(p: &Plan) -> String {
    format!("{}–{}", p.period.start_year, p.period.end_year)
}

pub async fn plans(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let org = crate::support::access::viewer_org(&st, &ctx).await?;
    let units = st.store.org_units(org.org_id).await?;
    let mut all = st.store.plans(org.org_id).await?;
    // The organisation's own plan first, then the regional plans.
    all.sort_by_key(|p| p.scope.is_some());
    let plans = all
        .into_iter()
        .filter(|p| visible(&ctx, p))
        .map(|p| PlanRow {
            id: p.id,
            scope: p
                .scope
                .as_ref()
                .and_then(|(id, _)| units.iter().find(|u| u.id == *id))
                .map(|u| ctx.name(&u.names).to_owned())
                .unwrap_or_else(|| ctx.name(&org.names).to_owned()),
            title: ctx.name(&p.title).to_owned(),
            version: p.version,
            period: period_text(&p),
            status: ctx.t(&format!("plan-status-{}", p.status.code())),
        })
        .collect();
    let can_create = ctx.user.as_ref().is_some_and(|u| {
        u.org_id == org.org_id
            && u.assignments()
                .iter()
                .any(|a| a.role.allows(kasvu_core::Action::ManagePlans))
    });
    Ok(Html(
        PlansPage {
            ctx: &ctx,
            plans,
            can_create,
        }
        .render()?,
    )
    .into_response())
}
