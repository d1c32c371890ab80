//! Who and what a request is about: the viewer's organisation, the choices
//! they are offered, whether they are staff of an entry.

use crate::support::api::viewer;
use crate::support::api::ApiError;
use crate::support::ctx::Ctx;
use crate::support::error::AppError;
use crate::AppState;
use axum::http::HeaderMap;
use kasvu_core::role::permits;
use kasvu_core::Action;
use kasvu_core::Level;
use kasvu_store::ActorEntry;
use kasvu_store::OrgUnit;
use kasvu_store::User;
/// The organisation a page is about: the signed-in user's, else the first
/// (public pages of a one-city installation).
pub(crate) async fn viewer_org(st: &AppState, ctx: &Ctx) -> Result<OrgUnit, AppError> {
    let orgs = st.store.organisations().await?;
    let at = ctx
        .user
        .as_ref()
        .and_then(|u| orgs.iter().position(|o| o.org_id == u.org_id))
        .unwrap_or(0);
    orgs.into_iter().nth(at).ok_or(AppError::NotFound)
}

/// The organisation's areas and clusters as (code, name) choices for a
/// form or filter, in the reader's language.
pub(crate) fn area_choices(ctx: &Ctx, units: &[OrgUnit]) -> Vec<(String, String)> {
    units
        .iter()
        .filter(|u| matches!(u.level, Level::Area | Level::Cluster))
        .map(|u| (u.code.clone(), ctx.name(&u.names).to_owned()))
        .collect()
}

/// The register's actors as (code, name) choices.
pub(crate) async fn actor_choices(
    st: &AppState,
    org_id: i64,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(st
        .store
        .actors(org_id)
        .await?
        .into_iter()
        .map(|e| (e.spec.code, e.spec.name))
        .collect())
}

/// The actor's own staff: people whose working role covers the unit the
/// actor is (a read-only viewer's role does not make one staff).
pub(crate) fn is_staff_of(tree: &kasvu_core::OrgTree, user: &User, e: &ActorEntry) -> bool {
    let working: Vec<kasvu_core::Assignment> = user
        .assignments()
        .into_iter()
        .filter(|a| a.role != kasvu_core::Role::Viewer)
        .collect();
    user.org_id == e.org_id
        && e.unit_id
            .is_some_and(|u| permits(&working, tree, Action::ViewPeople, u))
}

/// The organisation asked for, and whether the viewer is one of its people.
/// Who a search is for, from the account and never from the request:
/// `internal` for the organisation's people, and the person's teams, whose
/// meetings only their members find. The search page and the API use it.
pub(crate) async fn search_reader(
    st: &AppState,
    person: Option<&User>,
    internal: bool,
) -> Result<kasvu_store::SearchReader, kasvu_store::StoreError> {
    let teams = match person {
        Some(u) => st
            .store
            .teams_of_user(u.id)
            .await?
            .iter()
            .map(|t| t.id)
            .collect(),
        None => Vec::new(),
    };
    Ok(kasvu_store::SearchReader { internal, teams })
}

pub(crate) async fn org_of(
    st: &AppState,
    headers: &HeaderMap,
    code: &str,
) -> Result<(OrgUnit, Option<User>), ApiError> {
    let user = viewer(st, headers).await?;
    let orgs = st.store.organisations().await?;
    let org = if code.trim().is_empty() {
        user.as_ref()
            .and_then(|u| orgs.iter().find(|o| o.org_id == u.org_id))
            .or(orgs.first())
    } else {
        orgs.iter().find(|o| o.code == code.trim())
    }
    .cloned()
    .ok_or_else(|| ApiError::not_found("organisation"))?;
    let own = user.filter(|u| u.org_id == org.org_id);
    Ok((org, own))
}
