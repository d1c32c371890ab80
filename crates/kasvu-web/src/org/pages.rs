//! The organisation overview and the page of any org unit.

use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::today;
use crate::support::views::{Branch, HomePage, OrgOverview, Person, UnitPage, UnitView};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use kasvu_core::role::permits;
use kasvu_core::{Action, Level, Sector};
use kasvu_store::OrgUnit;

fn current(u: &OrgUnit) -> bool {
    !u.valid.ended_before(today())
}

fn children(units: &[OrgUnit], parent: i64) -> impl Iterator<Item = &OrgUnit> {
    units.iter().filter(move |u| u.parent_id == Some(parent))
}

fn is_central(u: &OrgUnit) -> bool {
    u.level == Level::Unit && u.sector == Some(Sector::CityCentral)
}

/// The current units under `parent`, each with its own current children
/// (only those of `child_level` when given).
fn branches(
    ctx: &Ctx,
    units: &[OrgUnit],
    parent: &OrgUnit,
    skip_central: bool,
    child_level: Option<Level>,
) -> Vec<Branch> {
    let t = today();
    children(units, parent.id)
        .filter(|u| current(u) && !(skip_central && is_central(u)))
        .map(|u| Branch {
            unit: UnitView::new(u, ctx.lang, t),
            children: children(units, u.id)
                .filter(|c| current(c) && child_level.is_none_or(|l| c.level == l))
                .map(|c| UnitView::new(c, ctx.lang, t))
                .collect(),
        })
        .collect()
}

fn central(ctx: &Ctx, units: &[OrgUnit]) -> Vec<UnitView> {
    units
        .iter()
        .filter(|u| is_central(u) && current(u))
        .map(|u| UnitView::new(u, ctx.lang, today()))
        .collect()
}

/// `/organisation`: the areas and service clusters of every organisation
/// (families' home is `/`).
pub async fn overview(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let mut orgs = Vec::new();
    for org in st.store.organisations().await? {
        if !current(&org) {
            continue;
        }
        let units = st.store.org_units(org.id).await?;
        orgs.push(OrgOverview {
            org: UnitView::new(&org, ctx.lang, today()),
            areas: branches(&ctx, &units, &org, true, Some(Level::Cluster)),
            central: central(&ctx, &units),
        });
    }
    Ok(Html(HomePage { ctx: &ctx, orgs }.render()?).into_response())
}

pub async fn unit(State(st): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> PageResult {
    let unit = st.store.org_unit(&code).await?.ok_or(AppError::NotFound)?;
    let units = st.store.org_units(unit.org_id).await?;
    let tree = st.store.org_tree(unit.org_id).await?;
    let t = today();
    let by_id = |id: i64| units.iter().find(|u| u.id == id);
    let crumbs = tree
        .ancestors(unit.id)
        .into_iter()
        .skip(1)
        .rev()
        .filter_map(by_id)
        .map(|u| UnitView::new(u, ctx.lang, t))
        .collect();
    let ended = children(&units, unit.id)
        .filter(|u| !current(u))
        .map(|u| UnitView::new(u, ctx.lang, t))
        .collect();
    let central = match unit.level {
        Level::Organisation | Level::Area => central(&ctx, &units),
        _ => Vec::new(),
    };
    let (people, can_edit, can_enter) = match &ctx.user {
        Some(user) if user.org_id == unit.org_id => {
            let a = user.assignments();
            let people = if permits(&a, &tree, Action::ViewPeople, unit.id) {
                let users = st.store.users(unit.org_id).await?;
                Some(
                    users
                        .iter()
                        .filter(|u| {
                            !u.disabled
                                && u.roles.iter().any(|r| tree.is_within(r.scope_id, unit.id))
                        })
                        .map(|u| Person::new(u, ctx.lang))
                        .collect(),
                )
            } else {
                None
            };
            (
                people,
                permits(&a, &tree, Action::EditTree, unit.id),
                permits(&a, &tree, Action::EnterData, unit.id),
            )
        }
        _ => (None, false, false),
    };
    let children_heading = ctx.t(match unit.level {
        Level::Organisation => "children-of-organisation",
        Level::Area => "children-of-area",
        _ => "children-of-cluster",
    });
    let plans = st
        .store
        .plans(unit.org_id)
        .await?
        .into_iter()
        .filter(|p| p.scope.as_ref().is_some_and(|(id, _)| *id == unit.id))
        .filter(|p| {
            (p.status == kasvu_core::PlanStatus::InForce && p.is_public())
                || ctx.user.as_ref().is_some_and(|u| u.org_id == p.org_id)
        })
        .map(|p| (p.id, ctx.name(&p.title).to_owned()))
        .collect();
    let page = UnitPage {
        ctx: &ctx,
        plans,
        unit: UnitView::new(&unit, ctx.lang, t),
        crumbs,
        branches: branches(&ctx, &units, &unit, unit.level == Level::Organisation, None),
        ended,
        central,
        people,
        can_edit,
        can_enter,
        children_heading,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}
