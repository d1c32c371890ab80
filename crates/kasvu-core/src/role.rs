//! Roles, each scoped to an org-unit subtree, and the rule of who may do what.
//! The area manager of Pohjoinen edits Pohjoinen, not Eteläinen.

use crate::error::Problem;
use crate::orgunit::Level;
use crate::tree::OrgTree;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    AreaManager,
    RegionalPlanner,
    LeadershipMember,
    Staff,
    Viewer,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Admin,
        Role::AreaManager,
        Role::RegionalPlanner,
        Role::LeadershipMember,
        Role::Staff,
        Role::Viewer,
    ];
    pub const CODES: &'static [&'static str] = &[
        "admin",
        "area_manager",
        "regional_planner",
        "leadership_member",
        "staff",
        "viewer",
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::AreaManager => "area_manager",
            Role::RegionalPlanner => "regional_planner",
            Role::LeadershipMember => "leadership_member",
            Role::Staff => "staff",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Result<Role, Problem> {
        let t = s.trim();
        Role::ALL
            .iter()
            .copied()
            .find(|r| r.code() == t)
            .ok_or_else(|| Problem::not_one_of(t, Role::CODES))
    }

    /// Admins administer a whole organisation, so their scope is its root.
    pub fn check_scope(self, scope_level: Level) -> Result<(), Problem> {
        if self == Role::Admin && scope_level != Level::Organisation {
            return Err(Problem::new(
                "err-admin-scope",
                "an admin's scope must be an organisation",
            ));
        }
        Ok(())
    }

    /// The actions this role allows within its scope.
    pub fn allows(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Admin => true,
            Role::AreaManager | Role::RegionalPlanner => matches!(
                action,
                EditTree
                    | ViewPeople
                    | EnterData
                    | SetTargets
                    | ManagePlans
                    | FollowUpMeasures
                    | ManageTeams
            ),
            Role::LeadershipMember => {
                matches!(action, ViewPeople | EnterData | FollowUpMeasures)
            }
            Role::Staff => matches!(action, ViewPeople | EnterData),
            Role::Viewer => matches!(action, ViewPeople),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What a user wants to do at some org unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Create, rename, move or end org units.
    EditTree,
    /// Create users and give them roles.
    ManageUsers,
    /// Read the audit log.
    ReadAudit,
    /// See the people of the organisation (names, roles, e-mail).
    ViewPeople,
    /// Enter or import indicator values for units in scope.
    EnterData,
    /// Set targets and write the analysis and conclusions of an area.
    SetTargets,
    /// Edit the indicator catalogue (shared by the installation).
    ManageIndicators,
    /// Move a plan through its lifecycle and start new versions; checked at
    /// the plan's organisation, so only organisation-wide roles have it.
    ManagePlans,
    /// Record a measure's status and evaluations; checked at the measure's
    /// owner units.
    FollowUpMeasures,
    /// Set up teams (members, schedule) and feedback rounds; checked at the
    /// team's or round's unit. Running a team's meetings is also open to its
    /// chair and secretary (see [`crate::team::may_run_meetings`]).
    ManageTeams,
}

/// One role of a user at one org unit (the root of the subtree it covers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub role: Role,
    pub scope: i64,
}

/// May someone with these assignments do `action` at `target`? The tree is
/// the target's organisation; assignments in other organisations never match
/// because their scopes are not in this tree.
pub fn permits(assignments: &[Assignment], tree: &OrgTree, action: Action, target: i64) -> bool {
    tree.get(target).is_some()
        && assignments.iter().any(|a| {
            a.role.allows(action) && tree.get(a.scope).is_some() && tree.is_within(target, a.scope)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::tests::sample;

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Ok(*r));
        }
        assert_eq!(Role::parse("king").unwrap_err().code, "err-not-one-of");
    }

    #[test]
    fn admin_scope_is_an_organisation() {
        assert!(Role::Admin.check_scope(Level::Organisation).is_ok());
        assert!(Role::Admin.check_scope(Level::Area).is_err());
        assert!(Role::AreaManager.check_scope(Level::Area).is_ok());
    }

    #[test]
    fn area_manager_edits_own_area_only() {
        let t = sample();
        let mgr = [Assignment {
            role: Role::AreaManager,
            scope: 2,
        }];
        assert!(permits(&mgr, &t, Action::EditTree, 2));
        assert!(permits(&mgr, &t, Action::EditTree, 6));
        assert!(!permits(&mgr, &t, Action::EditTree, 7), "other area");
        assert!(
            !permits(&mgr, &t, Action::EditTree, 1),
            "the organisation itself"
        );
        assert!(!permits(&mgr, &t, Action::ManageUsers, 6));
        assert!(!permits(&mgr, &t, Action::ReadAudit, 2));
    }

    #[test]
    fn plans_are_managed_organisation_wide_and_followed_up_in_scope() {
        let t = sample();
        let planner = [Assignment {
            role: Role::RegionalPlanner,
            scope: 2,
        }];
        assert!(
            !permits(&planner, &t, Action::ManagePlans, 1),
            "the plan is the organisation's"
        );
        assert!(permits(&planner, &t, Action::FollowUpMeasures, 6));
        assert!(
            !permits(&planner, &t, Action::FollowUpMeasures, 7),
            "other area"
        );
        let member = [Assignment {
            role: Role::LeadershipMember,
            scope: 2,
        }];
        assert!(permits(&member, &t, Action::FollowUpMeasures, 2));
        let staff = [Assignment {
            role: Role::Staff,
            scope: 2,
        }];
        assert!(!permits(&staff, &t, Action::FollowUpMeasures, 2));
        let admin = [Assignment {
            role: Role::Admin,
            scope: 1,
        }];
        assert!(permits(&admin, &t, Action::ManagePlans, 1));
    }

    #[test]
    fn viewer_and_staff_cannot_edit() {
        let t = sample();
        for role in [Role::Viewer, Role::Staff, Role::LeadershipMember] {
            let a = [Assignment { role, scope: 1 }];
            assert!(!permits(&a, &t, Action::EditTree, 6), "{role}");
            assert!(permits(&a, &t, Action::ViewPeople, 6), "{role}");
        }
    }

    #[test]
    fn admin_everything_in_own_tree_nothing_elsewhere() {
        let t = sample();
        let admin = [Assignment {
            role: Role::Admin,
            scope: 1,
        }];
        for target in 1..=8 {
            assert!(permits(&admin, &t, Action::EditTree, target));
            assert!(permits(&admin, &t, Action::ReadAudit, target));
        }
        assert!(
            !permits(&admin, &t, Action::EditTree, 99),
            "unit outside this tree"
        );
        let foreign = [Assignment {
            role: Role::Admin,
            scope: 42,
        }];
        assert!(
            !permits(&foreign, &t, Action::EditTree, 6),
            "admin of another organisation"
        );
    }
}
