//! A learning network's participating organisations and the indicators they share.

use super::*;

impl Store {
    /// The organisations taking part in a team (a learning network's
    /// participants; for other teams, just its own organisation).
    pub async fn team_org_ids(&self, team: &Team) -> Result<Vec<i64>> {
        let mut ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT org_id FROM network_participants WHERE team_id = $1",
        )
        .bind(team.id)
        .fetch_all(&self.pool)
        .await?;
        if !ids.contains(&team.org_id) {
            ids.push(team.org_id);
        }
        ids.sort_unstable();
        Ok(ids)
    }

    /// Adds an organisation (by its root code) to a learning network; it
    /// brings its whole organisation until its admin chooses units.
    pub async fn add_network_participant(
        &self,
        actor: &Actor,
        team_id: i64,
        org_code: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        if team.kind != TeamKind::LearningNetwork {
            return Err(StoreError::invalid(
                "team",
                Problem::new(
                    "err-not-network",
                    "only a learning network has participating organisations",
                ),
            ));
        }
        let org: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM org_units WHERE lower(code) = $1 AND level = 'organisation'",
        )
        .bind(kasvu_core::code_key(org_code))
        .fetch_optional(&mut *tx)
        .await?;
        let org = org.ok_or_else(|| {
            StoreError::invalid(
                "org",
                Problem::new(
                    "err-org-missing",
                    format!("there is no organisation '{}'", org_code.trim()),
                )
                .arg("value", org_code.trim()),
            )
        })?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM network_participants WHERE team_id = $1 AND org_id = $2",
        )
        .bind(team_id)
        .bind(org)
        .fetch_one(&mut *tx)
        .await?;
        if n > 0 {
            return Err(StoreError::Conflict(kasvu_core::FieldError::new(
                "org",
                Problem::new(
                    "err-participant-exists",
                    "the organisation takes part already",
                ),
            )));
        }
        sqlx::query(
            "INSERT INTO network_participants (team_id, org_id, unit_id) VALUES ($1, $2, $2)",
        )
        .bind(team_id)
        .bind(org)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "network_participant",
            &format!("{team_id}/{org_code}"),
            "create",
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What one participating organisation brings to a network: its units
    /// (codes within it) and the indicators it shares. Replaces the earlier choice.
    pub async fn set_network_share(
        &self,
        actor: &Actor,
        team_id: i64,
        org_id: i64,
        unit_codes: &[String],
        indicator_codes: &[String],
    ) -> Result<()> {
        if unit_codes.is_empty() {
            return Err(StoreError::invalid("units", Problem::required()));
        }
        let mut tx = self.begin_write().await?;
        team_in(&mut tx, team_id).await?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM network_participants WHERE team_id = $1 AND org_id = $2",
        )
        .bind(team_id)
        .bind(org_id)
        .fetch_one(&mut *tx)
        .await?;
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "organisation {org_id} in network {team_id}"
            )));
        }
        let mut unit_ids = Vec::new();
        for code in unit_codes {
            let id = crate::support::db::unit_in(&mut tx, org_id, code, "units").await?;
            if !unit_ids.contains(&id) {
                unit_ids.push(id);
            }
        }
        for code in indicator_codes {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM indicators WHERE code = $1")
                .bind(code.trim())
                .fetch_one(&mut *tx)
                .await?;
            if n == 0 {
                return Err(StoreError::invalid(
                    "indicators",
                    Problem::new(
                        "err-indicator-missing",
                        format!("there is no indicator '{}'", code.trim()),
                    )
                    .arg("value", code.trim()),
                ));
            }
        }
        for table in ["network_participants", "network_shares"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE team_id = $1 AND org_id = $2"
            ))
            .bind(team_id)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
        }
        for id in &unit_ids {
            sqlx::query(
                "INSERT INTO network_participants (team_id, org_id, unit_id) VALUES ($1, $2, $3)",
            )
            .bind(team_id)
            .bind(org_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let mut codes: Vec<&str> = indicator_codes.iter().map(|c| c.trim()).collect();
        codes.sort_unstable();
        codes.dedup();
        for code in &codes {
            sqlx::query(
                "INSERT INTO network_shares (team_id, org_id, indicator_code) VALUES ($1, $2, $3)",
            )
            .bind(team_id)
            .bind(org_id)
            .bind(*code)
            .execute(&mut *tx)
            .await?;
        }
        audit(
            &mut tx,
            actor,
            org_id,
            "network_share",
            &format!("{team_id}/{org_id}"),
            "update",
            json!({ "units": unit_codes, "indicators": codes }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A network's participating organisations with their units and shares.
    pub async fn network_participants(&self, team_id: i64) -> Result<Vec<Participant>> {
        let rows = sqlx::query(
            "SELECT n.org_id, o.code AS org_code, o.name_fi AS o_fi, o.name_sv AS o_sv, o.name_en AS o_en, \
             u.id, u.code, u.name_fi, u.name_sv, u.name_en FROM network_participants n \
             JOIN org_units o ON o.id = n.org_id JOIN org_units u ON u.id = n.unit_id \
             WHERE n.team_id = $1 ORDER BY o.code, u.code",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<Participant> = Vec::new();
        for r in rows {
            let org_id: i64 = r.try_get("org_id")?;
            let unit = (
                r.try_get("id")?,
                r.try_get("code")?,
                crate::support::db::names_of(&r, "name")?,
            );
            match out.iter_mut().find(|p| p.org_id == org_id) {
                Some(p) => p.units.push(unit),
                None => out.push(Participant {
                    org_id,
                    org_code: r.try_get("org_code")?,
                    org_names: crate::support::db::names_of(&r, "o")?,
                    units: vec![unit],
                    shared: Vec::new(),
                }),
            }
        }
        let shares = sqlx::query("SELECT org_id, indicator_code FROM network_shares WHERE team_id = $1 ORDER BY indicator_code")
            .bind(team_id)
            .fetch_all(&self.pool)
            .await?;
        for s in shares {
            let org_id: i64 = s.try_get("org_id")?;
            if let Some(p) = out.iter_mut().find(|p| p.org_id == org_id) {
                p.shared.push(s.try_get("indicator_code")?);
            }
        }
        Ok(out)
    }
}
