//! The register of regional actors. An entry is keyed by its code within an
//! organisation, written whole from an [`ActorSpec`] (by hand, from a file
//! — all-or-nothing — or by approving a proposal), and carries the day it
//! was last confirmed. Staff of an actor propose updates; a proposal never
//! touches the entry until it is approved. Audited.

use crate::support::audit::audit_change;
use crate::support::db::{stored_date, unit_in, Store};
use crate::support::error::{Result, StoreError};
use crate::{now, Actor, ImportSummary};
use kasvu_core::actor::{check_phone, check_url, parse_languages};
use kasvu_core::team::parse_text;
use kasvu_core::{format_date, parse_date, Email, FieldError, OrgCode, Problem, Sector};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;

/// An entry as written (the file's and the API's shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorSpec {
    pub code: String,
    pub name: String,
    pub sector: Sector,
    /// The org unit the actor is, when it is one (a school, an NGO …).
    #[serde(default)]
    pub unit: String,
    /// What it offers.
    #[serde(default)]
    pub offer: String,
    #[serde(default)]
    pub audiences: Vec<kasvu_core::actor::Audience>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub opening_hours: String,
    /// Codes of the areas and clusters it works in.
    #[serde(default)]
    pub areas: Vec<String>,
    /// The actor's public channels.
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub website: String,
    /// A private person's contact details: shown to signed-in staff only.
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub contact_email: String,
    /// YYYY-MM-DD; empty means today.
    #[serde(default)]
    pub confirmed_on: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActorEntry {
    pub id: i64,
    pub org_id: i64,
    pub spec: ActorSpec,
    pub unit_id: Option<i64>,
    /// (id, code) of the areas and clusters it works in.
    pub areas: Vec<(i64, String)>,
    pub confirmed_on: Date,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub id: i64,
    pub actor_id: i64,
    pub proposer: String,
    pub spec: ActorSpec,
    /// approved or rejected, once decided.
    pub decision: Option<String>,
}

fn invalid(field: &str, p: Problem) -> StoreError {
    StoreError::Invalid(FieldError::new(field, p))
}

/// Checks an entry; returns it tidied and its confirmation day.
fn check(spec: &ActorSpec, today: Date) -> Result<(ActorSpec, Date)> {
    let mut s = spec.clone();
    s.code = OrgCode::parse(&spec.code)
        .map_err(|p| invalid("code", p))?
        .as_str()
        .to_owned();
    s.name = parse_text(&spec.name, 300).map_err(|p| invalid("name", p))?;
    for (field, v, max) in [
        ("offer", &spec.offer, 5000),
        ("opening_hours", &spec.opening_hours, 500),
        ("contact_person", &spec.contact_person, 200),
    ] {
        if v.chars().count() > max {
            return Err(invalid(field, Problem::too_long(max)));
        }
    }
    s.languages =
        parse_languages(&spec.languages.join(";")).map_err(|p| invalid("languages", p))?;
    s.themes = kasvu_core::actor::parse_list(&spec.themes.join(";"));
    check_url(&spec.website).map_err(|p| invalid("website", p))?;
    check_phone(&spec.phone).map_err(|p| invalid("phone", p))?;
    check_phone(&spec.contact_phone).map_err(|p| invalid("contact_phone", p))?;
    for (field, v) in [
        ("email", &spec.email),
        ("contact_email", &spec.contact_email),
    ] {
        if !v.trim().is_empty() {
            Email::parse(v).map_err(|p| invalid(field, p))?;
        }
    }
    let confirmed = parse_date(&spec.confirmed_on)
        .map_err(|p| invalid("confirmed_on", p))?
        .unwrap_or(today);
    if confirmed > today {
        return Err(invalid(
            "confirmed_on",
            Problem::new(
                "err-confirmed-future",
                "an entry cannot be confirmed in the future",
            ),
        ));
    }
    s.confirmed_on = format_date(confirmed);
    for f in [
        &mut s.unit,
        &mut s.offer,
        &mut s.opening_hours,
        &mut s.phone,
        &mut s.email,
        &mut s.website,
        &mut s.contact_person,
        &mut s.contact_phone,
        &mut s.contact_email,
    ] {
        *f = f.trim().to_owned();
    }
    Ok((s, confirmed))
}

/// Writes one checked entry (insert or replace by code).
async fn write(
    conn: &mut AnyConnection,
    actor: &Actor,
    org_id: i64,
    s: &ActorSpec,
    confirmed: Date,
) -> Result<Written> {
    let unit_id = match s.unit.as_str() {
        "" => None,
        code => Some(unit_in(conn, org_id, code, "unit").await?),
    };
    let mut area_ids = Vec::new();
    for code in &s.areas {
        area_ids.push(unit_in(conn, org_id, code, "areas").await?);
    }
    area_ids.sort_unstable();
    area_ids.dedup();
    // Matched without regard to case (migration 0023): an entry written
    // `MLL-Tuira` replaces `mll-tuira` and keeps the code it was created with.
    let existing =
        sqlx::query("SELECT id, code, name FROM actors WHERE org_id = $1 AND lower(code) = $2")
            .bind(org_id)
            .bind(kasvu_core::code_key(&s.code))
            .fetch_optional(&mut *conn)
            .await?;
    let (existing, old_name): (Option<(i64, String)>, Option<String>) = match existing {
        Some(r) => (
            Some((r.try_get("id")?, r.try_get("code")?)),
            Some(r.try_get("name")?),
        ),
        None => (None, None),
    };
    let s = &ActorSpec {
        code: existing
            .as_ref()
            .map_or_else(|| s.code.clone(), |(_, c)| c.clone()),
        ..s.clone()
    };
    let code = s.code.as_str();
    let audiences = s
        .audiences
        .iter()
        .map(|a| a.code())
        .collect::<Vec<_>>()
        .join(";");
    let (themes, languages) = (s.themes.join(";"), s.languages.join(";"));
    // One statement for a new entry and a replaced one (both databases
    // know INSERT … ON CONFLICT DO UPDATE).
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO actors (org_id, code, name, sector, unit_id, offer, audiences, themes, languages, opening_hours, \
         phone, email, website, contact_person, contact_phone, contact_email, confirmed_on, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
         ON CONFLICT (org_id, code) DO UPDATE SET name = excluded.name, sector = excluded.sector, \
         unit_id = excluded.unit_id, offer = excluded.offer, audiences = excluded.audiences, themes = excluded.themes, \
         languages = excluded.languages, opening_hours = excluded.opening_hours, phone = excluded.phone, \
         email = excluded.email, website = excluded.website, contact_person = excluded.contact_person, \
         contact_phone = excluded.contact_phone, contact_email = excluded.contact_email, \
         confirmed_on = excluded.confirmed_on, updated_at = excluded.updated_at RETURNING id",
    )
    .bind(org_id)
    .bind(code)
    .bind(&s.name)
    .bind(s.sector.code())
    .bind(unit_id)
    .bind(&s.offer)
    .bind(&audiences)
    .bind(&themes)
    .bind(&languages)
    .bind(&s.opening_hours)
    .bind(&s.phone)
    .bind(&s.email)
    .bind(&s.website)
    .bind(&s.contact_person)
    .bind(&s.contact_phone)
    .bind(&s.contact_email)
    .bind(format_date(confirmed))
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM actor_areas WHERE actor_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for a in area_ids {
        sqlx::query("INSERT INTO actor_areas (actor_id, unit_id) VALUES ($1, $2)")
            .bind(id)
            .bind(a)
            .execute(&mut *conn)
            .await?;
    }
    // A public activity's row holds its organiser's name (the activity's
    // own page shows it; search result cards do not), and rows are kept
    // under the activity version: a new name is a new version when some
    // activity names this entry as its organiser.
    let renamed = old_name.is_some_and(|n| n != s.name)
        && sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM (SELECT 1 FROM activities WHERE organiser_id = $1 LIMIT 1) t",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?
            > 0;
    if renamed {
        crate::support::watch::bump_activity_version(conn, org_id).await?;
    }
    crate::search::put(conn, &actor_doc(org_id, s)).await?;
    audit_change(
        conn,
        actor,
        org_id,
        "actor",
        &s.code,
        if existing.is_some() {
            "update"
        } else {
            "create"
        },
        json!(s),
    )
    .await?;
    Ok(Written {
        id,
        created: existing.is_none(),
        renamed,
    })
}

/// What [`write`] did.
struct Written {
    id: i64,
    created: bool,
    /// The name changed and activities show it: call
    /// [`Store::note_public_write`] after the commit.
    renamed: bool,
}

/// What search finds of an entry: never the private contact person.
pub(crate) fn actor_doc(org_id: i64, s: &ActorSpec) -> crate::search::SearchDoc {
    crate::search::SearchDoc {
        org_id,
        kind: kasvu_core::search::SearchKind::Actor,
        key: s.code.clone(),
        title: kasvu_core::Names {
            fi: s.name.clone(),
            ..Default::default()
        },
        body: [s.offer.as_str(), &s.themes.join(", "), &s.opening_hours]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        sector: s.sector.code().to_owned(),
        areas: s.areas.clone(),
        public: true,
        team_id: 0,
        members_only: false,
    }
}

const SELECT_ACTORS: &str = "SELECT a.id, a.org_id, a.code, a.name, a.sector, a.unit_id, u.code AS unit_code, a.offer, \
     a.audiences, a.themes, a.languages, a.opening_hours, a.phone, a.email, a.website, a.contact_person, \
     a.contact_phone, a.contact_email, a.confirmed_on FROM actors a LEFT JOIN org_units u ON u.id = a.unit_id";

fn split(s: String) -> Vec<String> {
    s.split(';')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn entry_of(r: &AnyRow) -> Result<ActorEntry> {
    let sector: String = r.try_get("sector")?;
    let audiences: String = r.try_get("audiences")?;
    let confirmed: String = r.try_get("confirmed_on")?;
    Ok(ActorEntry {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        unit_id: r.try_get("unit_id")?,
        areas: Vec::new(),
        confirmed_on: stored_date(&confirmed)?,
        spec: ActorSpec {
            code: r.try_get("code")?,
            name: r.try_get("name")?,
            sector: Sector::parse(&sector).map_err(|p| StoreError::corrupt("sector", p))?,
            unit: r
                .try_get::<Option<String>, _>("unit_code")?
                .unwrap_or_default(),
            offer: r.try_get("offer")?,
            audiences: split(audiences)
                .iter()
                .map(|a| kasvu_core::actor::Audience::parse(a))
                .collect::<std::result::Result<_, _>>()
                .map_err(|p| StoreError::corrupt("audiences", p))?,
            themes: split(r.try_get("themes")?),
            languages: split(r.try_get("languages")?),
            opening_hours: r.try_get("opening_hours")?,
            areas: Vec::new(),
            phone: r.try_get("phone")?,
            email: r.try_get("email")?,
            website: r.try_get("website")?,
            contact_person: r.try_get("contact_person")?,
            contact_phone: r.try_get("contact_phone")?,
            contact_email: r.try_get("contact_email")?,
            confirmed_on: confirmed,
        },
    })
}

impl Store {
    /// Writes one entry (new, or replacing the entry with its code).
    pub async fn save_actor(
        &self,
        actor: &Actor,
        org_id: i64,
        spec: &ActorSpec,
        today: Date,
    ) -> Result<i64> {
        let (s, confirmed) = check(spec, today)?;
        let mut tx = self.begin_write().await?;
        let w = write(&mut tx, actor, org_id, &s, confirmed).await?;
        tx.commit().await?;
        if w.renamed {
            self.note_public_write();
        }
        Ok(w.id)
    }

    /// Adds a new entry (the register's form): checked as an imported row
    /// and written and audited alike, but refused, naming the code, when
    /// the organisation already has an entry with that code.
    pub async fn create_actor(
        &self,
        actor: &Actor,
        org_id: i64,
        spec: &ActorSpec,
        today: Date,
    ) -> Result<i64> {
        let (s, confirmed) = check(spec, today)?;
        let mut tx = self.begin_write().await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM actors WHERE org_id = $1 AND lower(code) = $2",
        )
        .bind(org_id)
        .bind(kasvu_core::code_key(&s.code))
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(StoreError::Conflict(FieldError::new(
                "code",
                Problem::new("err-actor-code-taken", "the register already has this code")
                    .arg("value", &s.code),
            )));
        }
        let w = write(&mut tx, actor, org_id, &s, confirmed).await?;
        tx.commit().await?;
        Ok(w.id)
    }

    /// Writes every row of a file or none; a refusal names the row and field.
    pub async fn import_actors(
        &self,
        actor: &Actor,
        org_id: i64,
        rows: &[(usize, ActorSpec)],
        today: Date,
    ) -> Result<ImportSummary> {
        let mut checked = Vec::with_capacity(rows.len());
        for (row, spec) in rows {
            checked.push(check(spec, today).map_err(|e| e.at_row(*row))?);
        }
        let mut tx = self.begin_write().await?;
        let mut summary = ImportSummary::default();
        let mut renamed = false;
        for ((row, _), (s, confirmed)) in rows.iter().zip(&checked) {
            let w = write(&mut tx, actor, org_id, s, *confirmed)
                .await
                .map_err(|e| e.at_row(*row))?;
            renamed |= w.renamed;
            if w.created {
                summary.created += 1;
            } else {
                summary.updated += 1;
            }
        }
        tx.commit().await?;
        if renamed {
            self.note_public_write();
        }
        Ok(summary)
    }

    /// An organisation's register, by name.
    pub async fn actors(&self, org_id: i64) -> Result<Vec<ActorEntry>> {
        let rows = sqlx::query(&format!(
            "{SELECT_ACTORS} WHERE a.org_id = $1 ORDER BY a.name, a.code"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = rows.iter().map(entry_of).collect::<Result<Vec<_>>>()?;
        let areas = sqlx::query(
            "SELECT aa.actor_id, u.id, u.code FROM actor_areas aa JOIN org_units u ON u.id = aa.unit_id \
             JOIN actors a ON a.id = aa.actor_id WHERE a.org_id = $1 ORDER BY u.code",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        for r in areas {
            let aid: i64 = r.try_get("actor_id")?;
            if let Some(e) = out.iter_mut().find(|e| e.id == aid) {
                let code: String = r.try_get("code")?;
                e.spec.areas.push(code.clone());
                e.areas.push((r.try_get("id")?, code));
            }
        }
        Ok(out)
    }

    pub async fn actor_entry(&self, org_id: i64, code: &str) -> Result<Option<ActorEntry>> {
        Ok(self
            .actors(org_id)
            .await?
            .into_iter()
            .find(|a| kasvu_core::same_code(&a.spec.code, code)))
    }

    /// Marks an entry as still true today.
    pub async fn confirm_actor(&self, actor: &Actor, id: i64, today: Date) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT org_id, code FROM actors WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("actor {id}")))?;
        sqlx::query("UPDATE actors SET confirmed_on = $1, updated_at = $2 WHERE id = $3")
            .bind(format_date(today))
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let code: String = row.try_get("code")?;
        audit_change(
            &mut tx,
            actor,
            row.try_get("org_id")?,
            "actor",
            &code,
            "confirm",
            json!({ "on": format_date(today) }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a proposed update; the entry itself is not touched. The
    /// proposal is checked as an entry would be, and keeps the entry's code.
    pub async fn propose_actor_update(
        &self,
        actor: &Actor,
        id: i64,
        spec: &ActorSpec,
        today: Date,
    ) -> Result<i64> {
        let entry_code: Option<String> =
            sqlx::query_scalar("SELECT code FROM actors WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let code = entry_code.ok_or_else(|| StoreError::NotFound(format!("actor {id}")))?;
        let mut spec = spec.clone();
        spec.code = code;
        let (s, _) = check(&spec, today)?;
        let content = serde_json::to_string(&s).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(sqlx::query_scalar(
            "INSERT INTO actor_proposals (actor_id, proposed_by, proposer, content, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(id)
        .bind(actor.user_id)
        .bind(&actor.label)
        .bind(content)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    /// An entry's proposals awaiting a decision, oldest first.
    pub async fn pending_proposals(&self, actor_id: i64) -> Result<Vec<Proposal>> {
        let rows = sqlx::query(
            "SELECT id, actor_id, proposer, content, decision FROM actor_proposals WHERE actor_id = $1 AND decision IS NULL ORDER BY id",
        )
        .bind(actor_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let content: String = r.try_get("content")?;
                Ok(Proposal {
                    id: r.try_get("id")?,
                    actor_id: r.try_get("actor_id")?,
                    proposer: r.try_get("proposer")?,
                    spec: serde_json::from_str(&content)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    decision: r.try_get("decision")?,
                })
            })
            .collect()
    }

    /// The register's entries with a proposed change waiting for a
    /// decision, in one query (for "My work").
    pub async fn actors_with_pending_proposals(&self, org_id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT p.actor_id FROM actor_proposals p JOIN actors a ON a.id = p.actor_id \
             WHERE a.org_id = $1 AND p.decision IS NULL",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Approves (the entry becomes the proposal, confirmed today) or rejects.
    pub async fn decide_proposal(
        &self,
        actor: &Actor,
        proposal_id: i64,
        approve: bool,
        today: Date,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT p.content, p.decision, a.org_id FROM actor_proposals p JOIN actors a ON a.id = p.actor_id WHERE p.id = $1",
        )
        .bind(proposal_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("proposal {proposal_id}")))?;
        if row.try_get::<Option<String>, _>("decision")?.is_some() {
            return Err(StoreError::Conflict(FieldError::new(
                "proposal",
                Problem::new(
                    "err-proposal-decided",
                    "this proposal has been decided already",
                ),
            )));
        }
        let org_id: i64 = row.try_get("org_id")?;
        let mut renamed = false;
        if approve {
            let content: String = row.try_get("content")?;
            let mut spec: ActorSpec =
                serde_json::from_str(&content).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            spec.confirmed_on = format_date(today);
            let (s, confirmed) = check(&spec, today)?;
            renamed = write(&mut tx, actor, org_id, &s, confirmed).await?.renamed;
        }
        sqlx::query("UPDATE actor_proposals SET decision = $1, decided_by = $2, decided_at = $3 WHERE id = $4")
            .bind(if approve { "approved" } else { "rejected" })
            .bind(&actor.label)
            .bind(now())
            .bind(proposal_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        if renamed {
            self.note_public_write();
        }
        Ok(())
    }
}
