//! The Oulu demo data: the city's four areas, plausible service clusters and
//! units of many kinds and sectors, and a demo user for every role. The data
//! is illustrative (the UI says so); the tree goes through the same importer
//! as a city's own spreadsheet.

use crate::{import_error_from_store, orgunits_csv, ImportError};
use kasvu_core::{Email, Password, Role};
use kasvu_store::{Actor, ImportSummary, NewUser, Store, StoreError};

pub const ORG_UNITS_CSV: &str = include_str!("../demo/oulu_orgunits.csv");

/// A demo user: e-mail, name, role, scope, password.
pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub scope: &'static str,
    pub password: &'static str,
}

pub const USERS: &[DemoUser] = &[
    DemoUser {
        email: "admin@oulu.example",
        name: "Anna Ylläpitäjä",
        role: Role::Admin,
        scope: "oulu",
        password: "demo-admin-2026",
    },
    DemoUser {
        email: "aluepaallikko.keskinen@oulu.example",
        name: "Kaisa Keskinen",
        role: Role::AreaManager,
        scope: "keskinen",
        password: "demo-keskinen-2026",
    },
    DemoUser {
        email: "aluepaallikko.etelainen@oulu.example",
        name: "Eero Eteläinen",
        role: Role::AreaManager,
        scope: "etelainen",
        password: "demo-etelainen-2026",
    },
    DemoUser {
        email: "suunnittelija.pohjoinen@oulu.example",
        name: "Pirjo Pohjola",
        role: Role::RegionalPlanner,
        scope: "pohjoinen",
        password: "demo-pohjoinen-2026",
    },
    DemoUser {
        email: "johtotiimi.tuira@oulu.example",
        name: "Juha Johtotiimi",
        role: Role::LeadershipMember,
        scope: "tuira",
        password: "demo-johtotiimi-2026",
    },
    DemoUser {
        email: "tyontekija.kaakkuri@oulu.example",
        name: "Tiina Työntekijä",
        role: Role::Staff,
        scope: "kaakkurin-koulu",
        password: "demo-tyontekija-2026",
    },
    DemoUser {
        email: "katselija@oulu.example",
        name: "Ville Katselija",
        role: Role::Viewer,
        scope: "oulu",
        password: "demo-katselija-2026",
    },
];

#[derive(Debug)]
pub enum DemoError {
    Import(ImportError),
    Store(StoreError),
}

impl std::fmt::Display for DemoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DemoError::Import(e) => write!(f, "{e}"),
            DemoError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DemoError {}

/// Loads the demo tree and users. Safe to run again: the tree import is
/// idempotent and users that exist are left as they are.
pub async fn load(store: &Store) -> Result<ImportSummary, DemoError> {
    let actor = Actor::system("demo");
    let rows = orgunits_csv::parse(ORG_UNITS_CSV.as_bytes(), "demo/oulu_orgunits.csv")
        .map_err(DemoError::Import)?;
    let summary = store
        .import_org_units(&actor, &rows, true, &mut |_| {})
        .await
        .map_err(|e| DemoError::Import(import_error_from_store("demo/oulu_orgunits.csv", e)))?;
    for u in USERS {
        if store
            .user_by_email(u.email)
            .await
            .map_err(DemoError::Store)?
            .is_some()
        {
            continue;
        }
        let email = Email::parse(u.email)
            .map_err(|p| DemoError::Store(StoreError::Corrupt(p.to_string())))?;
        let password = Password::parse(u.password)
            .map_err(|p| DemoError::Store(StoreError::Corrupt(p.to_string())))?;
        store
            .create_user(
                &actor,
                NewUser {
                    email,
                    name: u.name.into(),
                    password: Some(password),
                    role: u.role,
                    scope_code: u.scope.into(),
                },
            )
            .await
            .map_err(DemoError::Store)?;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kasvu_core::{Level, Sector, UnitKind};
    use std::collections::HashSet;

    #[test]
    fn demo_tree_covers_the_structure() {
        let rows = orgunits_csv::parse(ORG_UNITS_CSV.as_bytes(), "demo").unwrap();
        let areas: Vec<_> = rows
            .iter()
            .filter(|(_, s)| s.level == Level::Area)
            .map(|(_, s)| s.names.fi.as_str())
            .collect();
        assert_eq!(
            areas,
            [
                "Keskinen alue",
                "Pohjoinen alue",
                "Itäinen alue",
                "Eteläinen alue"
            ]
        );
        let kinds: HashSet<UnitKind> = rows.iter().filter_map(|(_, s)| s.kind).collect();
        assert_eq!(kinds.len(), UnitKind::ALL.len(), "every unit kind appears");
        let sectors: HashSet<Sector> = rows
            .iter()
            .filter_map(|(_, s)| s.sector.or(s.kind.and_then(UnitKind::default_sector)))
            .collect();
        assert_eq!(sectors.len(), Sector::ALL.len(), "every sector appears");
        let roles: HashSet<Role> = USERS.iter().map(|u| u.role).collect();
        assert_eq!(roles.len(), Role::ALL.len(), "a demo user per role");
        let org = &rows[0].1;
        assert!(org
            .external_codes
            .iter()
            .any(|e| e.scheme == "kunta" && e.code == "564"));
    }
}
