//! Teams and their members.

use super::*;

impl Store {
    pub async fn create_team(&self, actor: &Actor, spec: &TeamSpec) -> Result<Team> {
        let (name, location) = check_spec(spec)?;
        let mut tx = self.begin_write().await?;
        let (unit_id, org_id) = team_unit(&mut tx, spec.kind, &spec.unit_code).await?;
        let s = &spec.schedule;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO teams (org_id, kind, unit_id, name, every_months, week, weekday, start_time, \
             duration_min, location, anchor_on, ical_token, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(org_id)
        .bind(spec.kind.code())
        .bind(unit_id)
        .bind(&name)
        .bind(i64::from(s.every_months))
        .bind(i64::from(s.week))
        .bind(i64::from(s.weekday.number_from_monday()))
        .bind(s.start.to_string())
        .bind(i64::from(s.duration_min))
        .bind(&location)
        .bind(format_date(spec.anchor_on))
        .bind(random_token())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        if spec.kind == TeamKind::LearningNetwork {
            // The organisation that hosts a network takes part in it.
            sqlx::query(
                "INSERT INTO network_participants (team_id, org_id, unit_id) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(org_id)
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
        }
        audit(
            &mut tx,
            actor,
            org_id,
            "team",
            &id.to_string(),
            "create",
            team_snapshot(spec),
        )
        .await?;
        let team = team_in(&mut tx, id).await?;
        super::search_docs::index_team(&mut tx, &team).await?;
        tx.commit().await?;
        Ok(team)
    }

    /// Changes a team's name, schedule and place (not its kind or unit).
    pub async fn update_team(&self, actor: &Actor, team_id: i64, spec: &TeamSpec) -> Result<Team> {
        let (name, location) = check_spec(spec)?;
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        let s = &spec.schedule;
        sqlx::query(
            "UPDATE teams SET name = $1, every_months = $2, week = $3, weekday = $4, start_time = $5, \
             duration_min = $6, location = $7, anchor_on = $8 WHERE id = $9",
        )
        .bind(&name)
        .bind(i64::from(s.every_months))
        .bind(i64::from(s.week))
        .bind(i64::from(s.weekday.number_from_monday()))
        .bind(s.start.to_string())
        .bind(i64::from(s.duration_min))
        .bind(&location)
        .bind(format_date(spec.anchor_on))
        .bind(team_id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team",
            &team_id.to_string(),
            "update",
            team_snapshot(spec),
        )
        .await?;
        let team = team_in(&mut tx, team_id).await?;
        super::search_docs::index_team(&mut tx, &team).await?;
        tx.commit().await?;
        Ok(team)
    }

    pub async fn team(&self, id: i64) -> Result<Option<Team>> {
        let mut conn = self.pool.acquire().await?;
        match team_in(&mut conn, id).await {
            Ok(t) => Ok(Some(t)),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn team_by_ical_token(&self, token: &str) -> Result<Option<Team>> {
        let row = sqlx::query(&format!("{SELECT_TEAMS} WHERE t.ical_token = $1"))
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(team_of).transpose()
    }

    /// The teams of an organisation, and the learning networks it takes part in.
    pub async fn teams(&self, org_id: i64) -> Result<Vec<Team>> {
        let rows = sqlx::query(&format!(
            "{SELECT_TEAMS} WHERE t.org_id = $1 OR t.id IN \
             (SELECT team_id FROM network_participants WHERE org_id = $1) ORDER BY t.kind, t.name, t.id"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(team_of).collect()
    }

    /// The teams a user is a member of.
    pub async fn teams_of_user(&self, user_id: i64) -> Result<Vec<Team>> {
        let rows = sqlx::query(&format!(
            "{SELECT_TEAMS} WHERE t.id IN (SELECT team_id FROM team_members WHERE user_id = $1) \
             ORDER BY t.name, t.id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(team_of).collect()
    }

    /// Adds a member or changes their role, sector and represented unit.
    /// The person must belong to the team's organisation, or for a learning
    /// network to one of its participating organisations. Without a sector,
    /// the represented unit's sector is used.
    pub async fn set_member(
        &self,
        actor: &Actor,
        team_id: i64,
        user_id: i64,
        role: MemberRole,
        sector: Option<Sector>,
        unit_code: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        let user_org: Option<i64> = sqlx::query_scalar("SELECT org_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let user_org = user_org.ok_or_else(|| {
            StoreError::invalid(
                "user",
                Problem::new("err-user-missing", "there is no such user"),
            )
        })?;
        let participates: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM network_participants WHERE team_id = $1 AND org_id = $2",
        )
        .bind(team_id)
        .bind(user_org)
        .fetch_one(&mut *tx)
        .await?;
        if user_org != team.org_id && participates == 0 {
            return Err(StoreError::invalid(
                "user",
                Problem::new(
                    "err-member-org",
                    "a member must belong to the team's organisation (or to an organisation taking part in the network)",
                ),
            ));
        }
        let unit = match unit_code.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(code) => {
                let row = sqlx::query(
                    "SELECT id, org_id, kind, sector FROM org_units WHERE lower(code) = $1",
                )
                .bind(kasvu_core::code_key(code))
                .fetch_optional(&mut *tx)
                .await?
                .filter(|r| r.try_get::<i64, _>("org_id").ok() == Some(user_org))
                .ok_or_else(|| {
                    StoreError::invalid(
                        "unit",
                        Problem::new(
                            "err-unit-missing",
                            format!("there is no org unit '{code}' in the member's organisation"),
                        )
                        .arg("value", code),
                    )
                })?;
                let kind: Option<String> = row.try_get("kind")?;
                let own: Option<String> = row.try_get("sector")?;
                let sector = own
                    .map(|s| Sector::parse(&s))
                    .transpose()
                    .map_err(|p| StoreError::corrupt("sector", p))?
                    .or(kind
                        .map(|k| kasvu_core::UnitKind::parse(&k))
                        .transpose()
                        .map_err(|p| StoreError::corrupt("kind", p))?
                        .and_then(kasvu_core::UnitKind::default_sector));
                Some((row.try_get::<i64, _>("id")?, sector))
            }
        };
        let sector = sector.or(unit.and_then(|u| u.1)).ok_or_else(|| {
            StoreError::invalid(
                "sector",
                Problem::new(
                    "err-member-sector",
                    "give the member's sector or the unit they represent",
                ),
            )
        })?;
        let unit_id = unit.map(|u| u.0);
        let existing = member_role_in(&mut tx, team_id, user_id).await?;
        if existing.is_some() {
            sqlx::query(
                "UPDATE team_members SET member_role = $1, sector = $2, unit_id = $3 WHERE team_id = $4 AND user_id = $5",
            )
            .bind(role.code())
            .bind(sector.code())
            .bind(unit_id)
            .bind(team_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO team_members (team_id, user_id, member_role, sector, unit_id, joined_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(team_id)
            .bind(user_id)
            .bind(role.code())
            .bind(sector.code())
            .bind(unit_id)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        }
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_member",
            &format!("{team_id}/{user_id}"),
            if existing.is_some() {
                "update"
            } else {
                "create"
            },
            json!({ "role": role.code(), "sector": sector.code(), "unit": unit_code }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member. Their commitments stay (with their history) but
    /// no longer count as the team's open work.
    pub async fn remove_member(&self, actor: &Actor, team_id: i64, user_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        let n = sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
            .bind(team_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "member {user_id} of team {team_id}"
            )));
        }
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_member",
            &format!("{team_id}/{user_id}"),
            "delete",
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn members(&self, team_id: i64) -> Result<Vec<Member>> {
        let rows = sqlx::query(
            "SELECT m.user_id, p.org_id, p.name, p.email, m.member_role, m.sector, u.code, u.name_fi, u.name_sv, u.name_en \
             FROM team_members m JOIN users p ON p.id = m.user_id LEFT JOIN org_units u ON u.id = m.unit_id \
             WHERE m.team_id = $1 ORDER BY p.name, p.id",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("member_role")?;
                let sector: String = r.try_get("sector")?;
                let code: Option<String> = r.try_get("code")?;
                let unit = match code {
                    Some(c) => Some((c, crate::support::db::names_of(r, "name")?)),
                    None => None,
                };
                Ok(Member {
                    user_id: r.try_get("user_id")?,
                    org_id: r.try_get("org_id")?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    role: MemberRole::parse(&role).map_err(|p| StoreError::corrupt("role", p))?,
                    sector: Sector::parse(&sector).map_err(|p| StoreError::corrupt("sector", p))?,
                    unit,
                })
            })
            .collect()
    }

    /// The user's role in a team, if a member.
    pub async fn member_role(&self, team_id: i64, user_id: i64) -> Result<Option<MemberRole>> {
        let mut conn = self.pool.acquire().await?;
        member_role_in(&mut conn, team_id, user_id).await
    }
}
