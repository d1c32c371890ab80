//! Writing a plan whole: a new draft, a new version, replacing a draft; the
//! checks a plan passes before it is written.

use super::*;
use kasvu_core::code_key;

impl Store {
    /// Writes a whole plan as a new draft (version 1, or the next version
    /// of `spec.code` when `previous` is given). Owner units must belong to
    /// the organisation, indicators must exist; all or nothing, audited.
    pub async fn create_plan(&self, actor: &Actor, org_id: i64, spec: &PlanSpec) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = insert_plan(&mut tx, actor, org_id, spec, None, None).await?;
        tx.commit().await?;
        self.index_plans(org_id).await?;
        Ok(id)
    }

    /// A new draft version copied from a frozen one, for changes.
    pub async fn new_plan_version(&self, actor: &Actor, plan_id: i64) -> Result<i64> {
        let tree = self
            .plan_tree(plan_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("plan {plan_id}")))?;
        if !tree.plan.status.is_frozen() {
            return Err(invalid(
                "status",
                Problem::new(
                    "err-plan-draft-exists",
                    "this version is still a draft: change it instead",
                ),
            ));
        }
        let spec = tree.to_spec();
        let mut tx = self.begin_write().await?;
        let id = insert_plan(
            &mut tx,
            actor,
            tree.plan.org_id,
            &spec,
            Some(&tree.plan),
            None,
        )
        .await?;
        tx.commit().await?;
        self.index_plans(tree.plan.org_id).await?;
        Ok(id)
    }

    /// Writes a draft's whole content anew (its evaluations and status log
    /// go with the old measures). A frozen version is refused: changing it
    /// means a new version.
    pub async fn replace_draft(&self, actor: &Actor, plan_id: i64, spec: &PlanSpec) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let plan = plan_in(&mut tx, plan_id).await?;
        if plan.status.is_frozen() {
            return Err(StoreError::Conflict(FieldError::new(
                "status",
                Problem::new(
                    "err-plan-frozen",
                    "an approved version is frozen: make a new version to change it",
                ),
            )));
        }
        insert_plan(&mut tx, actor, plan.org_id, spec, None, Some(&plan)).await?;
        tx.commit().await?;
        self.index_plans(plan.org_id).await?;
        Ok(())
    }
}

impl PlanSpec {
    /// Checks what a file or form could get wrong: the period, and every
    /// name (Finnish required, no control characters, not too long). The
    /// field names the place, e.g. `goals.2.focus_areas.1.names`.
    pub fn check(&self) -> Result<()> {
        PlanPeriod::new(self.period.start_year, self.period.end_year)
            .map_err(|p| invalid("period", p))?;
        let names = |field: String, n: &Names| -> Result<()> {
            Names::parse(&n.fi, &n.sv, &n.en)
                .map(|_| ())
                .map_err(|e| invalid(&format!("{field}.{}", e.field), e.problem))
        };
        names("title".into(), &self.title)?;
        if !self.aim.fi.trim().is_empty() {
            names("aim".into(), &self.aim)?;
        }
        for (k, x) in self.impacts.iter().enumerate() {
            names(format!("impacts.{}.statement", k + 1), &x.statement)?;
        }
        // Notes are sentences, longer than names.
        let note = |field: String, n: &Names| -> Result<()> {
            if n.fi.trim().is_empty() {
                return Err(invalid(&field, Problem::required()));
            }
            if [&n.fi, &n.sv, &n.en]
                .iter()
                .any(|t| t.chars().count() > 2000)
            {
                return Err(invalid(&field, Problem::too_long(2000)));
            }
            Ok(())
        };
        for (k, t) in self.strengths.iter().enumerate() {
            note(format!("strengths.{}", k + 1), t)?;
        }
        for (k, t) in self.challenges.iter().enumerate() {
            note(format!("challenges.{}", k + 1), t)?;
        }
        for (k, s) in self.structures.iter().enumerate() {
            names(format!("structures.{}.name", k + 1), &s.name)?;
            if !s.tasks.fi.trim().is_empty() {
                note(format!("structures.{}.tasks", k + 1), &s.tasks)?;
            }
        }
        for (gi, g) in self.goals.iter().enumerate() {
            let at = format!("goals.{}", gi + 1);
            names(format!("{at}.names"), &g.names)?;
            for (fi, f) in g.focus_areas.iter().enumerate() {
                let at = format!("{at}.focus_areas.{}", fi + 1);
                names(format!("{at}.names"), &f.names)?;
                for (mi, m) in f.measures.iter().enumerate() {
                    let at = format!("{at}.measures.{}", mi + 1);
                    names(format!("{at}.names"), &m.names)?;
                    if let Some(key) = &m.key {
                        kasvu_core::plan::check_measure_key(key)
                            .map_err(|p| invalid(&format!("{at}.key"), p))?;
                    }
                    for (field, text) in [
                        ("responsible", &m.responsible),
                        ("schedule", &m.schedule),
                        ("budget", &m.budget),
                    ] {
                        if text.chars().count() > 500 {
                            return Err(invalid(&format!("{at}.{field}"), Problem::too_long(500)));
                        }
                    }
                }
            }
        }
        let keys = self
            .goals
            .iter()
            .flat_map(|g| &g.focus_areas)
            .flat_map(|f| &f.measures)
            .filter_map(|m| m.key.as_deref());
        if let Some(key) = kasvu_core::plan::duplicate_key(keys) {
            return Err(invalid(
                "key",
                Problem::new(
                    "err-measure-key-twice",
                    format!("two measures have the key '{key}': a key names one measure"),
                )
                .arg("value", key),
            ));
        }
        Ok(())
    }
}

/// What a measure carries from version to version: its evaluations and its
/// status log, as stored rows.
#[derive(Default)]
struct History {
    evaluations: Vec<sqlx::any::AnyRow>,
    log: Vec<sqlx::any::AnyRow>,
}

/// The history of a version's measures by key, read before it is replaced
/// or copied.
async fn history_of(conn: &mut AnyConnection, plan_id: i64) -> Result<HashMap<String, History>> {
    let in_plan = "JOIN plan_measures m ON m.id = x.measure_id JOIN plan_focus_areas f ON f.id = m.focus_area_id \
                   JOIN plan_goals g ON g.id = f.goal_id WHERE g.plan_id = $1";
    let mut out: HashMap<String, History> = HashMap::new();
    for r in sqlx::query(&format!(
        "SELECT m.stable_key, x.period, x.rating, x.body, x.indicators, x.updated_at, x.updated_by \
         FROM plan_evaluations x {in_plan}"
    ))
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?
    {
        let key: String = r.try_get("stable_key")?;
        out.entry(key).or_default().evaluations.push(r);
    }
    for r in sqlx::query(&format!(
        "SELECT m.stable_key, x.at, x.on_date, x.status, x.note, x.actor \
         FROM plan_measure_log x {in_plan} ORDER BY x.id"
    ))
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?
    {
        let key: String = r.try_get("stable_key")?;
        out.entry(key).or_default().log.push(r);
    }
    Ok(out)
}

/// Writes a measure's carried history onto the measure `measure_id`.
async fn carry(conn: &mut AnyConnection, measure_id: i64, h: &History) -> Result<()> {
    for r in &h.evaluations {
        sqlx::query(
            "INSERT INTO plan_evaluations (measure_id, period, rating, body, indicators, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(measure_id)
        .bind(r.try_get::<String, _>("period")?)
        .bind(r.try_get::<i64, _>("rating")?)
        .bind(r.try_get::<String, _>("body")?)
        .bind(r.try_get::<String, _>("indicators")?)
        .bind(r.try_get::<i64, _>("updated_at")?)
        .bind(r.try_get::<String, _>("updated_by")?)
        .execute(&mut *conn)
        .await?;
    }
    for r in &h.log {
        sqlx::query(
            "INSERT INTO plan_measure_log (measure_id, at, on_date, status, note, actor) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(measure_id)
        .bind(r.try_get::<i64, _>("at")?)
        .bind(r.try_get::<String, _>("on_date")?)
        .bind(r.try_get::<String, _>("status")?)
        .bind(r.try_get::<String, _>("note")?)
        .bind(r.try_get::<String, _>("actor")?)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Checks that a regional plan's goals and focus areas are the
/// organisation plan's (its version in force, else its newest), by name.
async fn check_drawn_from(
    conn: &mut AnyConnection,
    org_id: i64,
    parent: &str,
    spec: &PlanSpec,
) -> Result<()> {
    let parent_id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM plans WHERE org_id = $1 AND code = $2 AND scope_unit_id IS NULL \
         ORDER BY CASE WHEN status = 'in_force' THEN 0 ELSE 1 END, version DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(parent)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(parent_id) = parent_id else {
        return Err(invalid(
            "parent",
            Problem::new(
                "err-plan-parent-missing",
                format!("there is no plan '{parent}'"),
            )
            .arg("value", parent),
        ));
    };
    let rows = sqlx::query(
        "SELECT g.name_fi AS goal, f.name_fi AS focus FROM plan_goals g \
         LEFT JOIN plan_focus_areas f ON f.goal_id = g.id WHERE g.plan_id = $1",
    )
    .bind(parent_id)
    .fetch_all(&mut *conn)
    .await?;
    let pairs: Vec<(String, Option<String>)> = rows
        .iter()
        .map(|r| Ok((r.try_get("goal")?, r.try_get("focus")?)))
        .collect::<Result<_>>()?;
    for (gi, g) in spec.goals.iter().enumerate() {
        if !pairs.iter().any(|(goal, _)| *goal == g.names.fi) {
            return Err(invalid(
                &format!("goals.{}.names", gi + 1),
                Problem::new(
                    "err-not-in-parent",
                    format!("'{}' is not a goal of the plan '{parent}'", g.names.fi),
                )
                .arg("value", g.names.fi.as_str()),
            ));
        }
        for (fi, f) in g.focus_areas.iter().enumerate() {
            if !pairs.iter().any(|(goal, focus)| {
                *goal == g.names.fi && focus.as_deref() == Some(f.names.fi.as_str())
            }) {
                return Err(invalid(
                    &format!("goals.{}.focus_areas.{}.names", gi + 1, fi + 1),
                    Problem::new(
                        "err-not-in-parent",
                        format!(
                            "'{}' is not a focus area of that goal in the plan '{parent}'",
                            f.names.fi
                        ),
                    )
                    .arg("value", f.names.fi.as_str()),
                ));
            }
        }
    }
    Ok(())
}

/// Inserts a named step of the chain (a goal or a focus area) under its parent.
async fn insert_named(
    conn: &mut AnyConnection,
    table: &str,
    parent_col: &str,
    parent: i64,
    position: usize,
    names: &Names,
) -> Result<i64> {
    Ok(sqlx::query_scalar(&format!(
        "INSERT INTO {table} ({parent_col}, position, name_fi, name_sv, name_en) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id"
    ))
    .bind(parent)
    .bind(position as i64)
    .bind(&names.fi)
    .bind(&names.sv)
    .bind(&names.en)
    .fetch_one(conn)
    .await?)
}

/// Writes the plan rows; `previous` makes it the next version of that one.
async fn insert_plan(
    conn: &mut AnyConnection,
    actor: &Actor,
    org_id: i64,
    spec: &PlanSpec,
    previous: Option<&Plan>,
    replacing: Option<&Plan>,
) -> Result<i64> {
    spec.check()?;
    let code = kasvu_core::OrgCode::parse(&spec.code).map_err(|p| invalid("code", p))?;
    let version: i64 = match (previous, replacing) {
        (_, Some(r)) => {
            if r.code != code.as_str() {
                return Err(invalid(
                    "code",
                    Problem::new("err-plan-code-fixed", "a plan's code cannot change")
                        .arg("value", r.code.as_str()),
                ));
            }
            r.version
        }
        (Some(p), None) => p.version + 1,
        (None, None) => {
            let exists: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(version) FROM plans WHERE org_id = $1 AND code = $2",
            )
            .bind(org_id)
            .bind(code.as_str())
            .fetch_one(&mut *conn)
            .await?;
            if exists.is_some() {
                return Err(StoreError::Conflict(FieldError::new(
                    "code",
                    Problem::new(
                        "err-plan-code-taken",
                        format!("there is already a plan '{code}': make a new version of it"),
                    )
                    .arg("value", code.as_str()),
                )));
            }
            1
        }
    };
    let unit_rows = sqlx::query("SELECT id, code, level FROM org_units WHERE org_id = $1")
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
    let units: HashMap<String, i64> = unit_rows
        .iter()
        .map(|r| Ok((code_key(&r.try_get::<String, _>("code")?), r.try_get("id")?)))
        .collect::<Result<_>>()?;
    let scope_id = match (&spec.scope, &spec.parent) {
        (None, None) => None,
        (Some(scope), Some(parent)) => {
            let unit = unit_rows
                .iter()
                .find(|r| {
                    r.try_get::<String, _>("code")
                        .is_ok_and(|c| kasvu_core::same_code(&c, scope))
                })
                .ok_or_else(|| {
                    invalid(
                        "scope",
                        Problem::new(
                            "err-unit-missing",
                            format!("there is no org unit '{scope}'"),
                        )
                        .arg("value", scope.as_str()),
                    )
                })?;
            let level: String = unit.try_get("level")?;
            if level != "area" && level != "cluster" {
                return Err(invalid(
                    "scope",
                    Problem::new(
                        "err-plan-scope",
                        "a regional plan is for an area or a service cluster",
                    )
                    .arg("value", scope.as_str()),
                ));
            }
            check_drawn_from(conn, org_id, parent, spec).await?;
            Some(unit.try_get::<i64, _>("id")?)
        }
        _ => {
            return Err(invalid(
                "parent",
                Problem::new(
                    "err-plan-parent",
                    "a regional plan names both its area and the organisation's plan",
                ),
            ))
        }
    };
    // Units and indicators are named by code without regard to case
    // (kasvu_core::code_key), as in every import.
    let indicators: HashMap<String, i64> = sqlx::query("SELECT id, code FROM indicators")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((code_key(&r.try_get::<String, _>("code")?), r.try_get("id")?)))
        .collect::<Result<_>>()?;
    let t = now();
    // The history that carries over by key: the replaced draft's own, or
    // the version this one is copied from.
    let carried = match (previous, replacing) {
        (_, Some(r)) => history_of(conn, r.id).await?,
        (Some(p), None) => history_of(conn, p.id).await?,
        (None, None) => HashMap::new(),
    };
    if let Some(r) = replacing {
        // The draft's content is written anew: its old chain goes first.
        let in_plan =
            "SELECT m.id FROM plan_measures m JOIN plan_focus_areas f ON f.id = m.focus_area_id \
                       JOIN plan_goals g ON g.id = f.goal_id WHERE g.plan_id = $1";
        for sql in [
            format!("DELETE FROM plan_measure_log WHERE measure_id IN ({in_plan})"),
            format!("DELETE FROM plan_evaluations WHERE measure_id IN ({in_plan})"),
            format!("DELETE FROM plan_measure_owners WHERE measure_id IN ({in_plan})"),
            format!("DELETE FROM plan_measure_indicators WHERE measure_id IN ({in_plan})"),
            format!("DELETE FROM plan_measures WHERE id IN ({in_plan})"),
            "DELETE FROM plan_focus_areas WHERE goal_id IN (SELECT id FROM plan_goals WHERE plan_id = $1)"
                .to_owned(),
            "DELETE FROM plan_goals WHERE plan_id = $1".to_owned(),
            "DELETE FROM plan_impacts WHERE plan_id = $1".to_owned(),
            "DELETE FROM plan_notes WHERE plan_id = $1".to_owned(),
        ] {
            sqlx::query(&sql).bind(r.id).execute(&mut *conn).await?;
        }
        sqlx::query(
            "UPDATE plans SET title_fi = $1, title_sv = $2, title_en = $3, aim_fi = $4, aim_sv = $5, aim_en = $6, \
             start_year = $7, end_year = $8, updated_at = $9, scope_unit_id = $10, parent_code = $11, visibility = $13 WHERE id = $12",
        )
        .bind(&spec.title.fi)
        .bind(&spec.title.sv)
        .bind(&spec.title.en)
        .bind(&spec.aim.fi)
        .bind(&spec.aim.sv)
        .bind(&spec.aim.en)
        .bind(i64::from(spec.period.start_year))
        .bind(i64::from(spec.period.end_year))
        .bind(t)
        .bind(scope_id)
        .bind(spec.parent.as_deref())
        .bind(r.id)
        .bind(spec.visibility.code())
        .execute(&mut *conn)
        .await?;
    }
    let id: i64 = if let Some(r) = replacing {
        r.id
    } else {
        sqlx::query_scalar(
        "INSERT INTO plans (org_id, code, version, previous_id, title_fi, title_sv, title_en, aim_fi, aim_sv, aim_en, \
         start_year, end_year, status, approved_on, decision_ref, updated_at, scope_unit_id, parent_code, visibility) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'draft', NULL, '', $13, $14, $15, $16) RETURNING id",
    )
    .bind(org_id)
    .bind(code.as_str())
    .bind(version)
    .bind(previous.map(|p| p.id))
    .bind(&spec.title.fi)
    .bind(&spec.title.sv)
    .bind(&spec.title.en)
    .bind(&spec.aim.fi)
    .bind(&spec.aim.sv)
    .bind(&spec.aim.en)
    .bind(i64::from(spec.period.start_year))
    .bind(i64::from(spec.period.end_year))
    .bind(t)
    .bind(scope_id)
    .bind(spec.parent.as_deref())
    .bind(spec.visibility.code())
    .fetch_one(&mut *conn)
    .await?
    };
    for (gi, g) in spec.goals.iter().enumerate() {
        let goal_id = insert_named(conn, "plan_goals", "plan_id", id, gi, &g.names).await?;
        for (fi, f) in g.focus_areas.iter().enumerate() {
            let focus_id =
                insert_named(conn, "plan_focus_areas", "goal_id", goal_id, fi, &f.names).await?;
            for (mi, m) in f.measures.iter().enumerate() {
                let measure_id: i64 = sqlx::query_scalar(
                    "INSERT INTO plan_measures (focus_area_id, position, name_fi, name_sv, name_en, responsible, \
                     schedule, budget, rights, conditions, status, stable_key) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                )
                .bind(focus_id)
                .bind(mi as i64)
                .bind(&m.names.fi)
                .bind(&m.names.sv)
                .bind(&m.names.en)
                .bind(&m.responsible)
                .bind(&m.schedule)
                .bind(&m.budget)
                .bind(join_codes(&m.rights, ChildRight::code))
                .bind(join_codes(&m.conditions, ImpactCondition::code))
                .bind(m.status.code())
                .bind(match &m.key {
                    Some(key) => key.clone(),
                    // A new measure: a key of its own, random so that it
                    // never meets another measure's key.
                    None => format!("m{}", hex::encode(rand::random::<[u8; 6]>())),
                })
                .fetch_one(&mut *conn)
                .await?;
                if let Some(h) = m.key.as_ref().and_then(|k| carried.get(k)) {
                    carry(conn, measure_id, h).await?;
                }
                for owner in &m.owners {
                    let unit = units.get(&code_key(owner)).ok_or_else(|| {
                        invalid(
                            "owners",
                            Problem::new(
                                "err-measure-owner",
                                format!(
                                    "measure '{}': '{owner}' is not a unit of this organisation",
                                    m.names.fi
                                ),
                            )
                            .arg("value", owner.as_str()),
                        )
                    })?;
                    sqlx::query(
                        "INSERT INTO plan_measure_owners (measure_id, unit_id) VALUES ($1, $2)",
                    )
                    .bind(measure_id)
                    .bind(*unit)
                    .execute(&mut *conn)
                    .await?;
                }
                for code in &m.indicators {
                    let ind = indicators.get(&code_key(code)).ok_or_else(|| {
                        invalid(
                            "indicators",
                            Problem::new(
                                "err-indicator-missing",
                                format!("there is no indicator '{code}'"),
                            )
                            .arg("value", code.as_str()),
                        )
                    })?;
                    sqlx::query(
                        "INSERT INTO plan_measure_indicators (measure_id, indicator_id) VALUES ($1, $2)",
                    )
                    .bind(measure_id)
                    .bind(*ind)
                    .execute(&mut *conn)
                    .await?;
                }
            }
        }
    }
    let notes = spec
        .strengths
        .iter()
        .map(|t| ("strength", t, None))
        .chain(spec.challenges.iter().map(|t| ("challenge", t, None)))
        .chain(
            spec.structures
                .iter()
                .map(|s| ("structure", &s.name, Some(&s.tasks))),
        );
    for (k, (kind, text, tasks)) in notes.enumerate() {
        let empty = Names::default();
        let tasks = tasks.unwrap_or(&empty);
        sqlx::query(
            "INSERT INTO plan_notes (plan_id, kind, position, text_fi, text_sv, text_en, tasks_fi, tasks_sv, tasks_en) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(kind)
        .bind(k as i64)
        .bind(&text.fi)
        .bind(&text.sv)
        .bind(&text.en)
        .bind(&tasks.fi)
        .bind(&tasks.sv)
        .bind(&tasks.en)
        .execute(&mut *conn)
        .await?;
    }
    for (k, x) in spec.impacts.iter().enumerate() {
        let ind = indicators.get(&code_key(&x.indicator)).ok_or_else(|| {
            invalid(
                &format!("impacts.{}.indicator", k + 1),
                Problem::new(
                    "err-indicator-missing",
                    format!("there is no indicator '{}'", x.indicator),
                )
                .arg("value", x.indicator.as_str()),
            )
        })?;
        sqlx::query(
            "INSERT INTO plan_impacts (plan_id, position, statement_fi, statement_sv, statement_en, indicator_id, direction) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(k as i64)
        .bind(&x.statement.fi)
        .bind(&x.statement.sv)
        .bind(&x.statement.en)
        .bind(*ind)
        .bind(x.direction.code())
        .execute(&mut *conn)
        .await?;
    }
    write_audit(
        conn,
        actor,
        AuditWrite {
            org_id: Some(org_id),
            entity: "plan",
            key: &format!("{code}/v{version}"),
            action: if replacing.is_some() { "replace" } else { "create" },
            old: None,
            new: Some(serde_json::json!({
                "title": spec.title.fi,
                "goals": spec.goals.len(),
                "measures": spec.goals.iter().flat_map(|g| &g.focus_areas).map(|f| f.measures.len()).sum::<usize>(),
            })),
        },
    )
    .await?;
    Ok(id)
}
