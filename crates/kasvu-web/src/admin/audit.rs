//! The audit log: who changed what, newest first.

use super::users::admin_org;
use super::views::{AuditPage, AuditRow};
use crate::support::ctx::Ctx;
use crate::support::error::PageResult;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse};
use kasvu_core::Action;
use kasvu_store::AuditFilter;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
}

pub async fn audit(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let (admin, _, _) = admin_org(&st, &ctx, Action::ReadAudit).await?;
    const PAGE: i64 = 100;
    let entries = st
        .store
        .audit_entries(&AuditFilter {
            org_id: admin.org_id,
            before_id: q.before,
            limit: PAGE,
            ..Default::default()
        })
        .await?;
    let older = (entries.len() as i64 == PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let rows = entries.iter().map(|e| AuditRow::new(e, ctx.lang)).collect();
    Ok(Html(
        AuditPage {
            ctx: &ctx,
            rows,
            older,
        }
        .render()?,
    )
    .into_response())
}
