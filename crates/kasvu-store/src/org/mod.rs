//! Org units: reads, single creates and updates, and the all-or-nothing bulk
//! import. Every change writes an audit entry in the same transaction.

use crate::support::audit::{write_audit, AuditWrite};
use crate::support::db::{is_unique_violation, Store};
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::{
    check_kind, format_date, parse_date, ExternalCode, FieldError, Level, Names, OrgCode, OrgTree,
    Problem, Sector, TreeNode, UnitKind, ValidRange,
};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{HashMap, HashSet};

mod everyday;
mod import;
pub use everyday::{check_everyday_name, public_areas, PublicArea, PublicPlace, MAX_EVERYDAY_NAME};

use crate::support::ImportSummary;

/// An org unit as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnit {
    pub id: i64,
    /// The id of the organisation (the tree's root) this unit belongs to.
    pub org_id: i64,
    pub parent_id: Option<i64>,
    pub parent_code: Option<String>,
    pub code: String,
    pub level: Level,
    pub kind: Option<UnitKind>,
    pub sector: Option<Sector>,
    pub names: Names,
    pub external_codes: Vec<ExternalCode>,
    pub valid: ValidRange,
    /// Illustrative demo data (set on the organisation).
    pub demo: bool,
    /// What families call the area or cluster ("Tuira, Toppila"); empty
    /// when not given (public choices then show the name).
    pub everyday_name: String,
}

/// A validated description of an org unit to create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnitSpec {
    pub code: OrgCode,
    pub parent: Option<OrgCode>,
    pub level: Level,
    pub kind: Option<UnitKind>,
    /// `None` takes the kind's usual sector.
    pub sector: Option<Sector>,
    pub names: Names,
    pub external_codes: Vec<ExternalCode>,
    pub valid: ValidRange,
}

impl OrgUnitSpec {
    /// The spec that describes an existing unit (for edits that change a field or two).
    pub fn of(u: &OrgUnit) -> Result<OrgUnitSpec> {
        Ok(OrgUnitSpec {
            code: OrgCode::parse(&u.code)
                .map_err(|p| StoreError::Corrupt(format!("code {}: {p}", u.code)))?,
            parent: u
                .parent_code
                .as_deref()
                .map(OrgCode::parse)
                .transpose()
                .map_err(|p| StoreError::Corrupt(format!("parent of {}: {p}", u.code)))?,
            level: u.level,
            kind: u.kind,
            sector: u.sector,
            names: u.names.clone(),
            external_codes: u.external_codes.clone(),
            valid: u.valid,
        })
    }

    fn effective_sector(&self) -> Option<Sector> {
        self.sector
            .or_else(|| self.kind.and_then(UnitKind::default_sector))
    }
}

/// The audited view of a unit: what a reader of the log wants to compare.
#[derive(Serialize)]
struct Snapshot<'a> {
    code: &'a str,
    parent: Option<&'a str>,
    level: &'a str,
    kind: Option<&'a str>,
    sector: Option<&'a str>,
    name_fi: &'a str,
    name_sv: &'a str,
    name_en: &'a str,
    external_codes: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

fn snapshot_spec(s: &OrgUnitSpec) -> serde_json::Value {
    serde_json::to_value(Snapshot {
        code: s.code.as_str(),
        parent: s.parent.as_ref().map(OrgCode::as_str),
        level: s.level.code(),
        kind: s.kind.map(UnitKind::code),
        sector: s.effective_sector().map(Sector::code),
        name_fi: &s.names.fi,
        name_sv: &s.names.sv,
        name_en: &s.names.en,
        external_codes: ExternalCode::format_list(&s.external_codes),
        valid_from: s.valid.from.map(format_date),
        valid_to: s.valid.to.map(format_date),
    })
    .unwrap_or_default()
}

const SELECT_UNITS: &str = "SELECT u.id, u.org_id, u.parent_id, p.code AS parent_code, u.code, u.level, u.kind, \
     u.sector, u.name_fi, u.name_sv, u.name_en, u.valid_from, u.valid_to, o.demo, u.everyday_name \
     FROM org_units u LEFT JOIN org_units p ON p.id = u.parent_id JOIN org_units o ON o.id = u.org_id";

fn corrupt(code: &str, what: &str, p: Problem) -> StoreError {
    StoreError::Corrupt(format!("org unit {code}: {what}: {p}"))
}

fn row_to_unit(r: &AnyRow) -> Result<OrgUnit> {
    let code: String = r.try_get("code")?;
    let level: String = r.try_get("level")?;
    let kind: Option<String> = r.try_get("kind")?;
    let sector: Option<String> = r.try_get("sector")?;
    let from: Option<String> = r.try_get("valid_from")?;
    let to: Option<String> = r.try_get("valid_to")?;
    let demo: i64 = r.try_get("demo")?;
    Ok(OrgUnit {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        parent_id: r.try_get("parent_id")?,
        parent_code: r.try_get("parent_code")?,
        level: Level::parse(&level).map_err(|p| corrupt(&code, "level", p))?,
        kind: kind
            .as_deref()
            .map(UnitKind::parse)
            .transpose()
            .map_err(|p| corrupt(&code, "kind", p))?,
        sector: sector
            .as_deref()
            .map(Sector::parse)
            .transpose()
            .map_err(|p| corrupt(&code, "sector", p))?,
        names: crate::support::db::names_of(r, "name")?,
        external_codes: Vec::new(),
        valid: ValidRange {
            from: from
                .as_deref()
                .map(parse_date)
                .transpose()
                .map_err(|p| corrupt(&code, "valid_from", p))?
                .flatten(),
            to: to
                .as_deref()
                .map(parse_date)
                .transpose()
                .map_err(|p| corrupt(&code, "valid_to", p))?
                .flatten(),
        },
        demo: demo != 0,
        everyday_name: r.try_get("everyday_name")?,
        code,
    })
}

async fn attach_external_codes(
    conn: &mut AnyConnection,
    units: &mut [OrgUnit],
    org_id: Option<i64>,
) -> Result<()> {
    let rows = match org_id {
        Some(org) => {
            sqlx::query(
                "SELECT e.unit_id, e.scheme, e.code FROM org_unit_external_codes e \
                 JOIN org_units u ON u.id = e.unit_id WHERE u.org_id = $1 ORDER BY e.scheme",
            )
            .bind(org)
            .fetch_all(&mut *conn)
            .await?
        }
        None if units.len() == 1 => {
            sqlx::query("SELECT unit_id, scheme, code FROM org_unit_external_codes WHERE unit_id = $1 ORDER BY scheme")
                .bind(units[0].id)
                .fetch_all(&mut *conn)
                .await?
        }
        None => {
            sqlx::query("SELECT unit_id, scheme, code FROM org_unit_external_codes ORDER BY scheme")
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut by_unit: HashMap<i64, Vec<ExternalCode>> = HashMap::new();
    for r in rows {
        by_unit
            .entry(r.try_get("unit_id")?)
            .or_default()
            .push(ExternalCode {
                scheme: r.try_get("scheme")?,
                code: r.try_get("code")?,
            });
    }
    for u in units.iter_mut() {
        u.external_codes = by_unit.remove(&u.id).unwrap_or_default();
    }
    Ok(())
}

/// The unit whose code is `code` without regard to case or surrounding
/// spaces (`TK-P` finds `tk-p`): the key is lower-cased in Rust and compared
/// with `lower(code)`, which the unique index of migration 0023 serves.
async fn unit_by_code(conn: &mut AnyConnection, code: &str) -> Result<Option<OrgUnit>> {
    let row = sqlx::query(&format!("{SELECT_UNITS} WHERE lower(u.code) = $1"))
        .bind(kasvu_core::code_key(code))
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut units = [row_to_unit(&row)?];
    attach_external_codes(conn, &mut units, None).await?;
    let [u] = units;
    Ok(Some(u))
}

async fn tree_of(conn: &mut AnyConnection, org_id: i64) -> Result<OrgTree> {
    let rows = sqlx::query("SELECT id, parent_id, level FROM org_units WHERE org_id = $1")
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut nodes = Vec::with_capacity(rows.len());
    for r in rows {
        let level: String = r.try_get("level")?;
        nodes.push(TreeNode {
            id: r.try_get("id")?,
            parent: r.try_get("parent_id")?,
            level: Level::parse(&level).map_err(|p| StoreError::Corrupt(p.to_string()))?,
        });
    }
    Ok(OrgTree::new(nodes))
}

/// Checks that no other unit of the organisation carries one of these
/// external codes (imports match regions through them, so they must be unique).
async fn check_external_codes_free(
    conn: &mut AnyConnection,
    org_id: i64,
    unit_id: Option<i64>,
    codes: &[ExternalCode],
) -> Result<()> {
    for ec in codes {
        let other: Option<String> = sqlx::query_scalar(
            "SELECT u.code FROM org_unit_external_codes e JOIN org_units u ON u.id = e.unit_id \
             WHERE e.scheme = $1 AND e.code = $2 AND u.org_id = $3 AND u.id <> $4",
        )
        .bind(&ec.scheme)
        .bind(&ec.code)
        .bind(org_id)
        .bind(unit_id.unwrap_or(-1))
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(other) = other {
            return Err(StoreError::Conflict(FieldError::new(
                "external_codes",
                Problem::new(
                    "err-external-code-taken",
                    format!(
                        "{}:{} already belongs to unit '{other}'",
                        ec.scheme, ec.code
                    ),
                )
                .arg("value", format!("{}:{}", ec.scheme, ec.code))
                .arg("unit", other),
            )));
        }
    }
    Ok(())
}

async fn replace_external_codes(
    conn: &mut AnyConnection,
    unit_id: i64,
    codes: &[ExternalCode],
) -> Result<()> {
    sqlx::query("DELETE FROM org_unit_external_codes WHERE unit_id = $1")
        .bind(unit_id)
        .execute(&mut *conn)
        .await?;
    for ec in codes {
        sqlx::query(
            "INSERT INTO org_unit_external_codes (unit_id, scheme, code) VALUES ($1, $2, $3)",
        )
        .bind(unit_id)
        .bind(&ec.scheme)
        .bind(&ec.code)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Resolves and checks the parent of a spec; returns (parent, org id of the parent).
async fn resolve_parent(conn: &mut AnyConnection, spec: &OrgUnitSpec) -> Result<Option<OrgUnit>> {
    check_kind(spec.level, spec.kind).map_err(|p| StoreError::invalid("kind", p))?;
    let parent = match &spec.parent {
        None => None,
        Some(pc) => Some(unit_by_code(conn, pc.as_str()).await?.ok_or_else(|| {
            StoreError::invalid(
                "parent_code",
                Problem::new("err-parent-missing", format!("there is no org unit '{pc}'"))
                    .arg("value", pc.as_str()),
            )
        })?),
    };
    spec.level
        .check_parent(parent.as_ref().map(|p| p.level))
        .map_err(|p| StoreError::invalid("parent_code", p))?;
    Ok(parent)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Created,
    Updated,
    /// Updated and placed under another parent.
    Moved,
    Unchanged,
}

async fn create_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    spec: &OrgUnitSpec,
    demo: bool,
) -> Result<i64> {
    let parent = resolve_parent(conn, spec).await?;
    let t = now();
    let res = sqlx::query_scalar::<_, i64>(
        "INSERT INTO org_units (org_id, parent_id, code, level, kind, sector, name_fi, name_sv, name_en, \
         valid_from, valid_to, demo, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(parent.as_ref().map(|p| p.org_id))
    .bind(parent.as_ref().map(|p| p.id))
    .bind(spec.code.as_str())
    .bind(spec.level.code())
    .bind(spec.kind.map(UnitKind::code))
    .bind(spec.effective_sector().map(Sector::code))
    .bind(&spec.names.fi)
    .bind(&spec.names.sv)
    .bind(&spec.names.en)
    .bind(spec.valid.from.map(format_date))
    .bind(spec.valid.to.map(format_date))
    .bind(i64::from(demo && spec.level == Level::Organisation))
    .bind(t)
    .fetch_one(&mut *conn)
    .await;
    let id = match res {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(StoreError::Conflict(FieldError::new(
                "code",
                Problem::new("err-code-taken", format!("code '{}' is taken", spec.code))
                    .arg("value", spec.code.as_str()),
            )))
        }
        Err(e) => return Err(e.into()),
    };
    let org_id = match &parent {
        Some(p) => p.org_id,
        None => {
            sqlx::query("UPDATE org_units SET org_id = id WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            id
        }
    };
    check_external_codes_free(conn, org_id, Some(id), &spec.external_codes).await?;
    replace_external_codes(conn, id, &spec.external_codes).await?;
    crate::measure::closure_add_unit(conn, id, parent.as_ref().map(|p| p.id)).await?;
    crate::support::cluster::bump_tree_version(conn).await?;
    write_audit(
        conn,
        actor,
        AuditWrite {
            org_id: Some(org_id),
            entity: "org_unit",
            key: spec.code.as_str(),
            action: "create",
            old: None,
            new: Some(snapshot_spec(spec)),
        },
    )
    .await?;
    Ok(id)
}

async fn update_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    existing: &OrgUnit,
    spec: &OrgUnitSpec,
) -> Result<Outcome> {
    let old = OrgUnitSpec::of(existing)?;
    let mut new = spec.clone();
    // A code written in other capitals is the same code: the unit keeps the
    // spelling it was created with, and so does its parent's reference, so
    // a sheet that writes `TK-P` for `tk-p` changes nothing.
    new.code = old.code.clone();
    if let (Some(o), Some(n)) = (&old.parent, &new.parent) {
        if o.key() == n.key() {
            new.parent = Some(o.clone());
        }
    }
    if new.sector.is_none() {
        new.sector = new.effective_sector();
    }
    if old == new {
        return Ok(Outcome::Unchanged);
    }
    let parent = resolve_parent(conn, &new).await?;
    // Each organisation is the root of its own tree and scopes are granted
    // within it: a unit that became a root would be a new organisation no
    // one administers (and a way out of a regional planner's scope), and an
    // organisation placed under a unit would vanish into another's tree.
    // Organisations are created with the CLI, never by moving a unit.
    if parent.is_some() != existing.parent_id.is_some() {
        return Err(StoreError::invalid(
            "parent_code",
            Problem::new(
                "err-root-fixed",
                "an organisation stays the root of its tree: a unit cannot become an organisation or an organisation a unit",
            ),
        ));
    }
    if let Some(p) = &parent {
        if p.org_id != existing.org_id {
            return Err(StoreError::invalid(
                "parent_code",
                Problem::new(
                    "err-parent-other-org",
                    "a unit cannot move to another organisation",
                ),
            ));
        }
        let tree = tree_of(conn, existing.org_id).await?;
        if tree.would_cycle(existing.id, p.id) {
            return Err(StoreError::invalid(
                "parent_code",
                Problem::new(
                    "err-parent-cycle",
                    "a unit cannot be placed under itself or its own sub-unit",
                ),
            ));
        }
    }
    if new.level != existing.level {
        let child_levels: Vec<String> =
            sqlx::query_scalar("SELECT level FROM org_units WHERE parent_id = $1")
                .bind(existing.id)
                .fetch_all(&mut *conn)
                .await?;
        for cl in child_levels {
            let cl = Level::parse(&cl).map_err(|p| StoreError::Corrupt(p.to_string()))?;
            cl.check_parent(Some(new.level))
                .map_err(|p| StoreError::invalid("level", p))?;
        }
    }
    check_external_codes_free(
        conn,
        existing.org_id,
        Some(existing.id),
        &new.external_codes,
    )
    .await?;
    sqlx::query(
        "UPDATE org_units SET parent_id = $1, level = $2, kind = $3, sector = $4, name_fi = $5, name_sv = $6, \
         name_en = $7, valid_from = $8, valid_to = $9, updated_at = $10 WHERE id = $11",
    )
    .bind(parent.as_ref().map(|p| p.id))
    .bind(new.level.code())
    .bind(new.kind.map(UnitKind::code))
    .bind(new.effective_sector().map(Sector::code))
    .bind(&new.names.fi)
    .bind(&new.names.sv)
    .bind(&new.names.en)
    .bind(new.valid.from.map(format_date))
    .bind(new.valid.to.map(format_date))
    .bind(now())
    .bind(existing.id)
    .execute(&mut *conn)
    .await?;
    crate::support::cluster::bump_tree_version(conn).await?;
    let moved = parent.as_ref().map(|p| p.id) != existing.parent_id;
    if moved {
        // A move changes which roll-ups the unit's values belong to.
        crate::measure::tree_changed(conn, existing.org_id).await?;
    }
    if old.external_codes != new.external_codes {
        replace_external_codes(conn, existing.id, &new.external_codes).await?;
    }
    write_audit(
        conn,
        actor,
        AuditWrite {
            org_id: Some(existing.org_id),
            entity: "org_unit",
            key: &existing.code,
            action: "update",
            old: Some(snapshot_spec(&old)),
            new: Some(snapshot_spec(&new)),
        },
    )
    .await?;
    Ok(if moved {
        Outcome::Moved
    } else {
        Outcome::Updated
    })
}

async fn upsert_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    spec: &OrgUnitSpec,
    demo: bool,
) -> Result<Outcome> {
    match unit_by_code(conn, spec.code.as_str()).await? {
        Some(existing) => update_in(conn, actor, &existing, spec).await,
        None => create_in(conn, actor, spec, demo)
            .await
            .map(|_| Outcome::Created),
    }
}

impl Store {
    /// All organisations (roots) of the installation.
    pub async fn organisations(&self) -> Result<Vec<OrgUnit>> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(&format!(
            "{SELECT_UNITS} WHERE u.level = 'organisation' ORDER BY u.name_fi"
        ))
        .fetch_all(&mut *conn)
        .await?;
        let mut units = rows.iter().map(row_to_unit).collect::<Result<Vec<_>>>()?;
        attach_external_codes(&mut conn, &mut units, None).await?;
        Ok(units)
    }

    /// True when some organisation holds illustrative demo data.
    pub async fn has_demo_data(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM org_units WHERE level = 'organisation' AND demo = 1",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// True when the installation has no org units at all.
    pub async fn is_empty(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 0)
    }

    /// Every unit of an organisation, ended ones included, ordered by name.
    pub async fn org_units(&self, org_id: i64) -> Result<Vec<OrgUnit>> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(&format!(
            "{SELECT_UNITS} WHERE u.org_id = $1 ORDER BY u.name_fi, u.code"
        ))
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut units = rows.iter().map(row_to_unit).collect::<Result<Vec<_>>>()?;
        attach_external_codes(&mut conn, &mut units, Some(org_id)).await?;
        Ok(units)
    }

    pub async fn org_unit(&self, code: &str) -> Result<Option<OrgUnit>> {
        let mut conn = self.pool.acquire().await?;
        unit_by_code(&mut conn, code).await
    }

    pub async fn org_unit_by_id(&self, id: i64) -> Result<Option<OrgUnit>> {
        let code: Option<String> = sqlx::query_scalar("SELECT code FROM org_units WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match code {
            Some(c) => self.org_unit(&c).await,
            None => Ok(None),
        }
    }

    /// The tree of an organisation for scope checks.
    pub async fn org_tree(&self, org_id: i64) -> Result<OrgTree> {
        let mut conn = self.pool.acquire().await?;
        tree_of(&mut conn, org_id).await
    }

    pub async fn create_org_unit(&self, actor: &Actor, spec: &OrgUnitSpec) -> Result<OrgUnit> {
        let mut tx = self.begin_write().await?;
        create_in(&mut tx, actor, spec, false).await?;
        tx.commit().await?;
        self.note_public_write();
        self.org_unit(spec.code.as_str())
            .await?
            .ok_or_else(|| StoreError::NotFound(spec.code.to_string()))
    }

    /// Updates the unit named by `spec.code`; returns it and whether anything changed.
    pub async fn update_org_unit(
        &self,
        actor: &Actor,
        spec: &OrgUnitSpec,
    ) -> Result<(OrgUnit, bool)> {
        let mut tx = self.begin_write().await?;
        let existing = unit_by_code(&mut tx, spec.code.as_str())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("org unit '{}'", spec.code)))?;
        let outcome = update_in(&mut tx, actor, &existing, spec).await?;
        tx.commit().await?;
        self.note_public_write();
        let unit = self
            .org_unit(spec.code.as_str())
            .await?
            .ok_or_else(|| StoreError::NotFound(spec.code.to_string()))?;
        Ok((unit, matches!(outcome, Outcome::Updated | Outcome::Moved)))
    }
}
