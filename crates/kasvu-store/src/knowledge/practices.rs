//! The good practices library (toimintamallit, in the spirit of Innokylä):
//! what a practice is, for whom, what problem it answers, how it is done,
//! what it needs, what shows it works, where it is in use and the projects
//! it came from. Written whole by code; public.

use crate::search::{self, SearchDoc};
use crate::support::audit::audit_change;
use crate::support::db::{names_of, unit_in, Store};
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::search::SearchKind;
use kasvu_core::team::parse_text;
use kasvu_core::{Names, OrgCode, Problem};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeSpec {
    pub code: String,
    pub name: Names,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub target_group: String,
    /// The problem it answers.
    #[serde(default)]
    pub problem: String,
    /// How it is done.
    #[serde(default)]
    pub how_to: String,
    /// What it needs (people, time, money, training).
    #[serde(default)]
    pub resources: String,
    /// What shows it works (evaluations, studies, indicators).
    #[serde(default)]
    pub evidence: String,
    /// Where it is in use, in words.
    #[serde(default)]
    pub in_use: String,
    #[serde(default)]
    pub themes: Vec<String>,
    /// Codes of the areas and clusters where it is in use.
    #[serde(default)]
    pub units: Vec<String>,
    /// Ids of the projects it came from.
    #[serde(default)]
    pub projects: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practice {
    pub id: i64,
    pub org_id: i64,
    pub spec: PracticeSpec,
}

const MAX_TEXT: usize = 10_000;

fn check(spec: &PracticeSpec) -> Result<PracticeSpec> {
    let mut s = spec.clone();
    s.code = OrgCode::parse(&spec.code)
        .map_err(|p| StoreError::invalid("code", p))?
        .as_str()
        .to_owned();
    s.name.fi = parse_text(&spec.name.fi, 300).map_err(|p| StoreError::invalid("name.fi", p))?;
    for (field, v) in [
        ("name.sv", &mut s.name.sv),
        ("name.en", &mut s.name.en),
        ("description", &mut s.description),
        ("target_group", &mut s.target_group),
        ("problem", &mut s.problem),
        ("how_to", &mut s.how_to),
        ("resources", &mut s.resources),
        ("evidence", &mut s.evidence),
        ("in_use", &mut s.in_use),
    ] {
        if v.chars().count() > MAX_TEXT {
            return Err(StoreError::invalid(field, Problem::too_long(MAX_TEXT)));
        }
        *v = v.trim().to_owned();
    }
    s.themes = kasvu_core::actor::parse_list(&spec.themes.join(";"));
    s.projects.sort_unstable();
    s.projects.dedup();
    Ok(s)
}

pub(crate) fn practice_doc(org_id: i64, s: &PracticeSpec) -> SearchDoc {
    SearchDoc {
        org_id,
        kind: SearchKind::Practice,
        key: s.code.clone(),
        title: s.name.clone(),
        body: [
            s.description.as_str(),
            &s.target_group,
            &s.problem,
            &s.how_to,
            &s.evidence,
            &s.in_use,
            &s.themes.join(", "),
        ]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" · "),
        sector: String::new(),
        areas: s.units.clone(),
        public: true,
        team_id: 0,
        members_only: false,
    }
}

impl Store {
    /// Writes a practice whole (new, or replacing the one with its code).
    pub async fn save_practice(
        &self,
        actor: &Actor,
        org_id: i64,
        spec: &PracticeSpec,
    ) -> Result<i64> {
        let s = check(spec)?;
        let mut tx = self.begin_write().await?;
        let mut unit_ids = Vec::new();
        for (i, code) in s.units.iter().enumerate() {
            unit_ids.push(unit_in(&mut tx, org_id, code, &format!("units[{}]", i + 1)).await?);
        }
        unit_ids.sort_unstable();
        unit_ids.dedup();
        for (i, p) in s.projects.iter().enumerate() {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM projects WHERE id = $1 AND org_id = $2")
                    .bind(p)
                    .bind(org_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if found.is_none() {
                return Err(StoreError::invalid(
                    &format!("projects[{}]", i + 1),
                    Problem::new("err-project-missing", format!("there is no project {p}"))
                        .arg("value", p.to_string()),
                ));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO practices (org_id, code, name_fi, name_sv, name_en, description, target_group, problem, \
             how_to, resources, evidence, in_use, themes, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (org_id, code) DO UPDATE SET name_fi = excluded.name_fi, name_sv = excluded.name_sv, \
             name_en = excluded.name_en, description = excluded.description, target_group = excluded.target_group, \
             problem = excluded.problem, how_to = excluded.how_to, resources = excluded.resources, \
             evidence = excluded.evidence, in_use = excluded.in_use, themes = excluded.themes, \
             updated_at = excluded.updated_at RETURNING id",
        )
        .bind(org_id)
        .bind(&s.code)
        .bind(&s.name.fi)
        .bind(&s.name.sv)
        .bind(&s.name.en)
        .bind(&s.description)
        .bind(&s.target_group)
        .bind(&s.problem)
        .bind(&s.how_to)
        .bind(&s.resources)
        .bind(&s.evidence)
        .bind(&s.in_use)
        .bind(s.themes.join(";"))
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        for table in ["practice_units", "practice_projects"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE practice_id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        for u in unit_ids {
            sqlx::query("INSERT INTO practice_units (practice_id, unit_id) VALUES ($1, $2)")
                .bind(id)
                .bind(u)
                .execute(&mut *tx)
                .await?;
        }
        for p in &s.projects {
            sqlx::query("INSERT INTO practice_projects (practice_id, project_id) VALUES ($1, $2)")
                .bind(id)
                .bind(p)
                .execute(&mut *tx)
                .await?;
        }
        search::put(&mut tx, &practice_doc(org_id, &s)).await?;
        audit_change(
            &mut tx,
            actor,
            org_id,
            "practice",
            &s.code,
            "save",
            json!(s),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An organisation's practices, by name.
    pub async fn practices(&self, org_id: i64) -> Result<Vec<Practice>> {
        self.practices_where("p.org_id = $1", org_id, None).await
    }

    pub async fn practice(&self, org_id: i64, code: &str) -> Result<Option<Practice>> {
        Ok(self
            .practices_where("p.org_id = $1 AND p.code = $2", org_id, Some(code))
            .await?
            .pop())
    }

    async fn practices_where(
        &self,
        cond: &str,
        org_id: i64,
        code: Option<&str>,
    ) -> Result<Vec<Practice>> {
        let sql = format!(
            "SELECT p.id, p.org_id, p.code, p.name_fi, p.name_sv, p.name_en, p.description, p.target_group, \
             p.problem, p.how_to, p.resources, p.evidence, p.in_use, p.themes FROM practices p \
             WHERE {cond} ORDER BY p.name_fi, p.code"
        );
        let mut q = sqlx::query(&sql).bind(org_id);
        if let Some(c) = code {
            q = q.bind(c.trim());
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let units: Vec<String> = sqlx::query_scalar(
                "SELECT u.code FROM practice_units pu JOIN org_units u ON u.id = pu.unit_id \
                 WHERE pu.practice_id = $1 ORDER BY u.code",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            let projects: Vec<i64> = sqlx::query_scalar(
                "SELECT project_id FROM practice_projects WHERE practice_id = $1 ORDER BY project_id",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            let themes: String = r.try_get("themes")?;
            out.push(Practice {
                id,
                org_id: r.try_get("org_id")?,
                spec: PracticeSpec {
                    code: r.try_get("code")?,
                    name: names_of(r, "name")?,
                    description: r.try_get("description")?,
                    target_group: r.try_get("target_group")?,
                    problem: r.try_get("problem")?,
                    how_to: r.try_get("how_to")?,
                    resources: r.try_get("resources")?,
                    evidence: r.try_get("evidence")?,
                    in_use: r.try_get("in_use")?,
                    themes: themes
                        .split(';')
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    units,
                    projects,
                },
            });
        }
        Ok(out)
    }

    /// The practices that came from a project.
    pub async fn practices_of_project(&self, project_id: i64) -> Result<Vec<(String, Names)>> {
        let rows = sqlx::query(
            "SELECT p.code, p.name_fi, p.name_sv, p.name_en FROM practice_projects pp \
             JOIN practices p ON p.id = pp.practice_id WHERE pp.project_id = $1 ORDER BY p.name_fi",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("code")?, names_of(r, "name")?)))
            .collect()
    }
}
