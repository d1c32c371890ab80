//! Two versions of a plan side by side.

use super::list::visible;
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse};
use kasvu_store::PlanTree;
use serde::Deserialize;

/// One line of two versions side by side: what it is (goal, focus area or
/// measure), its name, and how it reads in each version (empty = absent).
pub struct CompareLine {
    pub level: &'static str,
    pub name: String,
    pub left: String,
    pub right: String,
    pub changed: bool,
}

#[derive(Template)]
#[template(path = "plan_compare.html")]
pub struct ComparePage<'a> {
    pub ctx: &'a Ctx,
    pub left_id: i64,
    pub right_id: i64,
    pub left: String,
    pub right: String,
    pub lines: Vec<CompareLine>,
    pub summary: String,
}

#[derive(Deserialize, Default)]
pub struct CompareQuery {
    pub with: Option<i64>,
}

/// Each goal, focus area and measure of a version, keyed by its place in
/// the chain (Finnish names), with how it reads.
pub(super) fn chain_lines(ctx: &Ctx, t: &PlanTree) -> Vec<(String, &'static str, String, String)> {
    let mut out = Vec::new();
    for g in &t.goals {
        let gk = g.names.fi.clone();
        out.push((
            gk.clone(),
            "goal",
            ctx.name(&g.names).to_owned(),
            String::new(),
        ));
        for f in &g.focus_areas {
            let fk = format!("{gk}/{}", f.names.fi);
            out.push((
                fk.clone(),
                "focus",
                ctx.name(&f.names).to_owned(),
                String::new(),
            ));
            for m in &f.measures {
                let owners: Vec<&str> = m.owners.iter().map(|(_, c)| c.as_str()).collect();
                let detail = [
                    ctx.t(&format!("measure-status-{}", m.status.code())),
                    owners.join(", "),
                    m.responsible.clone(),
                    m.schedule.clone(),
                    m.budget.clone(),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
                out.push((
                    format!("{fk}/{}", m.names.fi),
                    "measure",
                    ctx.name(&m.names).to_owned(),
                    detail,
                ));
            }
        }
    }
    out
}

/// Two versions of a plan side by side (by default this one and the one
/// it was made from).
pub async fn compare_versions(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> PageResult {
    let right = st.store.plan_tree(id).await?.ok_or(AppError::NotFound)?;
    let left_id = q
        .with
        .or(right.plan.previous_id)
        .ok_or(AppError::NotFound)?;
    let left = st
        .store
        .plan_tree(left_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !visible(&ctx, &left.plan)
        || !visible(&ctx, &right.plan)
        || left.plan.org_id != right.plan.org_id
    {
        return Err(AppError::NotFound);
    }
    let a = chain_lines(&ctx, &left);
    let b = chain_lines(&ctx, &right);
    let mut lines = Vec::new();
    // The newer version's order, with what only the older one has after
    // the entry it followed there.
    let mut keys: Vec<(&str, &'static str, &str)> = b
        .iter()
        .map(|(k, l, n, _)| (k.as_str(), *l, n.as_str()))
        .collect();
    for (i, (k, l, n, _)) in a.iter().enumerate() {
        if !keys.iter().any(|(x, _, _)| x == k) {
            let after = a[..i]
                .iter()
                .rev()
                .find_map(|(pk, _, _, _)| keys.iter().position(|(x, _, _)| x == pk))
                .map(|p| p + 1)
                .unwrap_or(0);
            keys.insert(after, (k.as_str(), *l, n.as_str()));
        }
    }
    let present = ctx.t("compare-present");
    for (k, level, name) in keys {
        let find = |v: &Vec<(String, &'static str, String, String)>| {
            v.iter().find(|(x, _, _, _)| x == k).map(|(_, _, _, d)| {
                if d.is_empty() {
                    present.clone()
                } else {
                    d.clone()
                }
            })
        };
        let (l, r) = (find(&a), find(&b));
        lines.push(CompareLine {
            level,
            name: name.to_owned(),
            changed: l != r,
            left: l.unwrap_or_default(),
            right: r.unwrap_or_default(),
        });
    }
    let version = |t: &PlanTree| {
        format!(
            "{} {} ({})",
            ctx.t("plan-version"),
            t.plan.version,
            ctx.t(&format!("plan-status-{}", t.plan.status.code()))
        )
    };
    let page = ComparePage {
        ctx: &ctx,
        left_id: left.plan.id,
        right_id: right.plan.id,
        left: version(&left),
        right: version(&right),
        summary: ctx.lang.t_args(
            "compare-versions-summary",
            &[(
                "changes",
                lines.iter().filter(|l| l.changed).count().to_string(),
            )],
        ),
        lines,
    };
    Ok(Html(page.render()?).into_response())
}
