//! Who may do what with a team, and who records projects and practices:
//! decided from the store and the core's rules only, so that every feature
//! (the teams' pages, the document library, knowledge) asks the same way.

use crate::support::ctx::Ctx;
use crate::support::error::AppError;
use crate::AppState;
use kasvu_core::role::permits;
use kasvu_core::team::may_run_meetings;
use kasvu_core::{Action, MemberRole, Role};
use kasvu_store::{Team, User};

/// What the signed-in viewer may do with a team.
pub(crate) struct TeamAccess {
    pub team: Team,
    pub user: User,
    pub role: Option<MemberRole>,
    /// Sets the team up (members, schedule): ManageTeams at its unit.
    pub manages: bool,
    /// Runs its meetings: chair, secretary, or `manages`.
    pub runs: bool,
    /// Sees internal minutes: members and the organisation's admins.
    pub internal: bool,
}

pub(crate) async fn team_access(
    st: &AppState,
    ctx: &Ctx,
    team_id: i64,
) -> Result<TeamAccess, AppError> {
    team_access_for(st, ctx.require_user()?.clone(), team_id).await
}

/// [`team_access`] for a user from the API.
pub(crate) async fn team_access_for(
    st: &AppState,
    user: User,
    team_id: i64,
) -> Result<TeamAccess, AppError> {
    let team = st.store.team(team_id).await?.ok_or(AppError::NotFound)?;
    let role = st.store.member_role(team.id, user.id).await?;
    let orgs = st.store.team_org_ids(&team).await?;
    if role.is_none() && !orgs.contains(&user.org_id) {
        // Another organisation's team does not exist for this viewer.
        return Err(AppError::NotFound);
    }
    let manages = user.org_id == team.org_id && {
        let tree = st.store.org_tree(user.org_id).await?;
        permits(
            &user.assignments(),
            &tree,
            Action::ManageTeams,
            team.unit_id,
        )
    };
    let internal = role.is_some() || (user.org_id == team.org_id && user.has_role(Role::Admin));
    Ok(TeamAccess {
        runs: may_run_meetings(role, manages),
        team,
        user,
        role,
        manages,
        internal,
    })
}

/// Whether the viewer may write practices and projects (organisation-wide
/// plan roles).
pub(crate) async fn writes_practices(
    st: &AppState,
    ctx: &Ctx,
    org_id: i64,
) -> Result<bool, AppError> {
    let Some(u) = ctx.user.as_ref().filter(|u| u.org_id == org_id) else {
        return Ok(false);
    };
    let tree = st.store.org_tree(org_id).await?;
    Ok(kasvu_core::role::permits(
        &u.assignments(),
        &tree,
        kasvu_core::Action::ManagePlans,
        org_id,
    ))
}
