//! The names families know areas and service clusters by ("Tuira, Toppila"
//! rather than "Tuiran palvelukeskittymä"), and the places public filters
//! and the wish form offer: current areas, each with its current clusters.

use super::{unit_by_code, OrgUnit};
use crate::support::audit::{write_audit, AuditWrite};
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::{Level, Names, Problem};
use time::Date;

/// The longest everyday name, in characters.
pub const MAX_EVERYDAY_NAME: usize = 120;

/// One place a family can choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicPlace {
    pub code: String,
    pub names: Names,
    /// What families call it; empty when not given.
    pub everyday_name: String,
}

/// An area and its service clusters, as public choices group them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicArea {
    pub area: PublicPlace,
    pub clusters: Vec<PublicPlace>,
}

fn place(u: &OrgUnit) -> PublicPlace {
    PublicPlace {
        code: u.code.clone(),
        names: u.names.clone(),
        everyday_name: u.everyday_name.clone(),
    }
}

/// The areas of `units` (one organisation's) in force on `on`, each with
/// its clusters in force, in the order given. Ended areas and clusters (and
/// clusters of an ended area) are left out.
pub fn public_areas(units: &[OrgUnit], on: Date) -> Vec<PublicArea> {
    let current = |u: &&OrgUnit| !u.valid.ended_before(on);
    units
        .iter()
        .filter(|u| u.level == Level::Area)
        .filter(current)
        .map(|a| PublicArea {
            area: place(a),
            clusters: units
                .iter()
                .filter(|c| c.level == Level::Cluster && c.parent_id == Some(a.id))
                .filter(current)
                .map(place)
                .collect(),
        })
        .collect()
}

/// Checks an everyday name: trimmed, at most [`MAX_EVERYDAY_NAME`]
/// characters, no control characters. Empty clears it.
pub fn check_everyday_name(s: &str) -> std::result::Result<String, Problem> {
    let s = s.trim();
    if s.chars().count() > MAX_EVERYDAY_NAME {
        return Err(Problem::new(
            "err-too-long",
            format!("at most {MAX_EVERYDAY_NAME} characters"),
        )
        .arg("max", MAX_EVERYDAY_NAME.to_string()));
    }
    if s.chars().any(char::is_control) {
        return Err(Problem::new(
            "err-control-chars",
            "the text contains control characters",
        ));
    }
    Ok(s.to_owned())
}

impl Store {
    /// The public choices of places of an organisation on `on`.
    pub async fn public_areas(&self, org_id: i64, on: Date) -> Result<Vec<PublicArea>> {
        Ok(public_areas(&self.org_units(org_id).await?, on))
    }

    /// Sets (or with an empty text clears) the everyday name of the unit
    /// `code`; returns whether it changed.
    pub async fn set_everyday_name(&self, actor: &Actor, code: &str, name: &str) -> Result<bool> {
        let name =
            check_everyday_name(name).map_err(|p| StoreError::invalid("everyday_name", p))?;
        let mut tx = self.begin_write().await?;
        let unit = unit_by_code(&mut tx, code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("org unit '{code}'")))?;
        if unit.everyday_name == name {
            return Ok(false);
        }
        sqlx::query("UPDATE org_units SET everyday_name = $1, updated_at = $2 WHERE id = $3")
            .bind(&name)
            .bind(now())
            .bind(unit.id)
            .execute(&mut *tx)
            .await?;
        crate::support::cluster::bump_tree_version(&mut tx).await?;
        write_audit(
            &mut tx,
            actor,
            AuditWrite {
                org_id: Some(unit.org_id),
                entity: "org_unit",
                key: &unit.code,
                action: "everyday_name",
                old: Some(serde_json::json!({ "everyday_name": unit.everyday_name })),
                new: Some(serde_json::json!({ "everyday_name": name })),
            },
        )
        .await?;
        tx.commit().await?;
        self.note_public_write();
        Ok(true)
    }
}
