//! One-contact paths: for a need, the steps of support in an area, with the
//! register's actors. Written whole (by code) from a [`PathSpec`]; the
//! public reads only published paths and never the staff notes.

use crate::search::{self, SearchDoc};
use crate::support::audit::audit_change;
use crate::support::db::{names_of, unit_in, Store};
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::path::{check_steps, StepKind};
use kasvu_core::search::SearchKind;
use kasvu_core::{Names, OrgCode, Problem};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepSpec {
    pub kind: StepKind,
    /// What happens at this step ("Talk with your child's teacher").
    pub what: Names,
    /// How to get there: a phone number, opening hours, "ask at the school".
    #[serde(default)]
    pub how: Names,
    /// The register's actor who helps at this step (its code), if one.
    #[serde(default)]
    pub actor: String,
    /// For staff only: what to check, whom to consult, forms to use.
    #[serde(default)]
    pub staff_note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathSpec {
    pub code: String,
    /// The need in the family's words ("Worried about school attendance").
    pub need: Names,
    #[serde(default)]
    pub intro: Names,
    /// The area or cluster it is described for (its code); empty: the whole organisation.
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub published: bool,
    pub steps: Vec<StepSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactPath {
    pub id: i64,
    pub org_id: i64,
    pub spec: PathSpec,
    pub area_id: Option<i64>,
}

const MAX_TEXT: usize = 2000;

fn names(field: &str, n: &Names, required: bool) -> Result<Names> {
    crate::support::db::checked_names(field, n, required, MAX_TEXT)
}

/// Checks a path whole; the error names the field (`steps[2].what.fi`).
fn check(spec: &PathSpec) -> Result<PathSpec> {
    let code = OrgCode::parse(&spec.code).map_err(|p| StoreError::invalid("code", p))?;
    let kinds: Vec<StepKind> = spec.steps.iter().map(|s| s.kind).collect();
    check_steps(&kinds).map_err(|(i, p)| StoreError::invalid(&format!("steps[{i}].kind"), p))?;
    let mut steps = Vec::with_capacity(spec.steps.len());
    for (i, s) in spec.steps.iter().enumerate() {
        let at = |f: &str| format!("steps[{}].{f}", i + 1);
        if s.staff_note.chars().count() > MAX_TEXT {
            return Err(StoreError::invalid(
                &at("staff_note"),
                Problem::too_long(MAX_TEXT),
            ));
        }
        steps.push(StepSpec {
            kind: s.kind,
            what: names(&at("what"), &s.what, true)?,
            how: names(&at("how"), &s.how, false)?,
            actor: s.actor.trim().to_owned(),
            staff_note: s.staff_note.trim().to_owned(),
        });
    }
    Ok(PathSpec {
        code: code.as_str().to_owned(),
        need: names("need", &spec.need, true)?,
        intro: names("intro", &spec.intro, false)?,
        area: spec.area.trim().to_owned(),
        published: spec.published,
        steps,
    })
}

/// What search finds of a path: the need, the introduction and the steps
/// as families read them (never the staff notes); public once published.
pub(crate) fn path_doc(org_id: i64, s: &PathSpec) -> SearchDoc {
    let mut body = vec![s.intro.fi.clone()];
    for st in &s.steps {
        body.push(st.what.fi.clone());
        body.push(st.how.fi.clone());
    }
    body.retain(|t| !t.is_empty());
    SearchDoc {
        org_id,
        kind: SearchKind::Path,
        key: s.code.clone(),
        title: s.need.clone(),
        body: body.join(" · "),
        sector: String::new(),
        areas: if s.area.is_empty() {
            vec![]
        } else {
            vec![s.area.clone()]
        },
        public: s.published,
        team_id: 0,
        members_only: false,
    }
}

async fn step_actor(
    conn: &mut AnyConnection,
    org_id: i64,
    code: &str,
    field: &str,
) -> Result<Option<i64>> {
    if code.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        crate::support::db::actor_in(conn, org_id, code, field).await?,
    ))
}

impl Store {
    /// Writes a path whole (new, or replacing the path with its code).
    pub async fn save_path(&self, actor: &Actor, org_id: i64, spec: &PathSpec) -> Result<i64> {
        let s = check(spec)?;
        let mut tx = self.begin_write().await?;
        let area_id = match s.area.as_str() {
            "" => None,
            code => Some(unit_in(&mut tx, org_id, code, "area").await?),
        };
        let mut actor_ids = Vec::new();
        for (i, st) in s.steps.iter().enumerate() {
            actor_ids.push(
                step_actor(
                    &mut tx,
                    org_id,
                    &st.actor,
                    &format!("steps[{}].actor", i + 1),
                )
                .await?,
            );
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO contact_paths (org_id, code, unit_id, need_fi, need_sv, need_en, intro_fi, intro_sv, \
             intro_en, published, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (org_id, code) DO UPDATE SET unit_id = excluded.unit_id, need_fi = excluded.need_fi, \
             need_sv = excluded.need_sv, need_en = excluded.need_en, intro_fi = excluded.intro_fi, \
             intro_sv = excluded.intro_sv, intro_en = excluded.intro_en, published = excluded.published, \
             updated_at = excluded.updated_at RETURNING id",
        )
        .bind(org_id)
        .bind(&s.code)
        .bind(area_id)
        .bind(&s.need.fi)
        .bind(&s.need.sv)
        .bind(&s.need.en)
        .bind(&s.intro.fi)
        .bind(&s.intro.sv)
        .bind(&s.intro.en)
        .bind(i64::from(s.published))
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM contact_path_steps WHERE path_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for (i, (st, aid)) in s.steps.iter().zip(&actor_ids).enumerate() {
            sqlx::query(
                "INSERT INTO contact_path_steps (path_id, position, kind, what_fi, what_sv, what_en, how_fi, how_sv, \
                 how_en, actor_id, staff_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(id)
            .bind(i as i64)
            .bind(st.kind.code())
            .bind(&st.what.fi)
            .bind(&st.what.sv)
            .bind(&st.what.en)
            .bind(&st.how.fi)
            .bind(&st.how.sv)
            .bind(&st.how.en)
            .bind(*aid)
            .bind(&st.staff_note)
            .execute(&mut *tx)
            .await?;
        }
        search::put(&mut tx, &path_doc(org_id, &s)).await?;
        audit_change(
            &mut tx,
            actor,
            org_id,
            "contact_path",
            &s.code,
            "save",
            json!(s),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An organisation's paths, by need; `published_only` for the public.
    pub async fn paths(&self, org_id: i64, published_only: bool) -> Result<Vec<ContactPath>> {
        let cond = if published_only {
            " AND p.published = 1"
        } else {
            ""
        };
        self.paths_where(&format!("p.org_id = $1{cond}"), org_id, None)
            .await
    }

    pub async fn path(&self, org_id: i64, code: &str) -> Result<Option<ContactPath>> {
        Ok(self
            .paths_where("p.org_id = $1 AND p.code = $2", org_id, Some(code))
            .await?
            .pop())
    }

    async fn paths_where(
        &self,
        cond: &str,
        org_id: i64,
        code: Option<&str>,
    ) -> Result<Vec<ContactPath>> {
        let sql = format!(
            "SELECT p.id, p.org_id, p.code, p.unit_id, u.code AS area, p.need_fi, p.need_sv, p.need_en, \
             p.intro_fi, p.intro_sv, p.intro_en, p.published FROM contact_paths p \
             LEFT JOIN org_units u ON u.id = p.unit_id WHERE {cond} ORDER BY p.need_fi, p.code"
        );
        let mut q = sqlx::query(&sql).bind(org_id);
        if let Some(c) = code {
            q = q.bind(c.trim());
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let mut steps = Vec::new();
            for s in sqlx::query(
                "SELECT s.kind, s.what_fi, s.what_sv, s.what_en, s.how_fi, s.how_sv, s.how_en, a.code AS actor, \
                 s.staff_note FROM contact_path_steps s LEFT JOIN actors a ON a.id = s.actor_id \
                 WHERE s.path_id = $1 ORDER BY s.position",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            {
                let kind: String = s.try_get("kind")?;
                steps.push(StepSpec {
                    kind: StepKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
                    what: names_of(&s, "what")?,
                    how: names_of(&s, "how")?,
                    actor: s.try_get::<Option<String>, _>("actor")?.unwrap_or_default(),
                    staff_note: s.try_get("staff_note")?,
                });
            }
            out.push(ContactPath {
                id,
                org_id: r.try_get("org_id")?,
                area_id: r.try_get("unit_id")?,
                spec: PathSpec {
                    code: r.try_get("code")?,
                    need: names_of(r, "need")?,
                    intro: names_of(r, "intro")?,
                    area: r.try_get::<Option<String>, _>("area")?.unwrap_or_default(),
                    published: r.try_get::<i64, _>("published")? == 1,
                    steps,
                },
            });
        }
        Ok(out)
    }
}
