//! Meetings: planning, agenda, minutes, attendance and decisions.

use super::*;

impl Store {
    pub async fn plan_meeting(
        &self,
        actor: &Actor,
        team_id: i64,
        spec: &MeetingSpec,
    ) -> Result<i64> {
        let location = check_location(&spec.location)?;
        if !(15..=600).contains(&spec.duration_min) {
            return Err(StoreError::invalid(
                "duration_min",
                Problem::new("err-duration", "a meeting lasts 15 to 600 minutes"),
            ));
        }
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (team_id, held_on, start_time, duration_min, location, state, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(team_id)
        .bind(format_date(spec.on))
        .bind(spec.start.to_string())
        .bind(spec.duration_min)
        .bind(&location)
        .bind(MeetingState::Planned.code())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "meeting",
            &id.to_string(),
            "create",
            json!({ "team": team_id, "on": format_date(spec.on), "start": spec.start.to_string(), "location": location }),
        )
        .await?;
        super::search_docs::index_meeting(&mut tx, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Plans the team's next meeting by its schedule unless one is planned
    /// on or after `today`; returns the id of the next planned meeting.
    pub async fn ensure_next_meeting(
        &self,
        actor: &Actor,
        team_id: i64,
        today: Date,
    ) -> Result<i64> {
        if let Some(m) = self.next_meeting(team_id, today).await? {
            return Ok(m.id);
        }
        let team = self
            .team(team_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("team {team_id}")))?;
        let last: Option<String> = sqlx::query_scalar(
            "SELECT MAX(held_on) FROM meetings WHERE team_id = $1 AND state <> 'cancelled'",
        )
        .bind(team_id)
        .fetch_one(&self.pool)
        .await?;
        let after = match last {
            Some(d) => date_of(&d)?.max(today.previous_day().unwrap_or(today)),
            None => today.previous_day().unwrap_or(today),
        };
        let on = team.schedule.next_after(team.anchor_on, after);
        self.plan_meeting(
            actor,
            team_id,
            &MeetingSpec {
                on,
                start: team.schedule.start,
                duration_min: i64::from(team.schedule.duration_min),
                location: team.location.clone(),
            },
        )
        .await
    }

    /// A team's meetings, newest first, with agenda, attendance and decisions.
    pub async fn meetings(&self, team_id: i64) -> Result<Vec<Meeting>> {
        let rows = sqlx::query(
            "SELECT id, team_id, held_on, start_time, duration_min, location, state, minutes \
             FROM meetings WHERE team_id = $1 ORDER BY held_on DESC, id DESC",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.meeting_of(r).await?);
        }
        Ok(out)
    }

    pub async fn meeting(&self, id: i64) -> Result<Option<Meeting>> {
        let row = sqlx::query(
            "SELECT id, team_id, held_on, start_time, duration_min, location, state, minutes \
             FROM meetings WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(Some(self.meeting_of(&r).await?)),
            None => Ok(None),
        }
    }

    async fn meeting_of(&self, r: &AnyRow) -> Result<Meeting> {
        let id: i64 = r.try_get("id")?;
        let state: String = r.try_get("state")?;
        let start: String = r.try_get("start_time")?;
        let attendance: Vec<i64> = sqlx::query_scalar(
            "SELECT user_id FROM meeting_attendance WHERE meeting_id = $1 ORDER BY user_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let agenda = sqlx::query(
            "SELECT id, title, link_kind, link_ref FROM agenda_items WHERE meeting_id = $1 ORDER BY position, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|a| {
            let kind: Option<String> = a.try_get("link_kind")?;
            let link = match kind {
                Some(k) => Some((
                    AgendaLink::parse(&k).map_err(|p| StoreError::corrupt("link_kind", p))?,
                    a.try_get::<Option<String>, _>("link_ref")?.unwrap_or_default(),
                )),
                None => None,
            };
            Ok(AgendaItem {
                id: a.try_get("id")?,
                title: a.try_get("title")?,
                link,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let decisions: Vec<String> = sqlx::query_scalar(
            "SELECT text FROM decisions WHERE meeting_id = $1 ORDER BY position, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(Meeting {
            id,
            team_id: r.try_get("team_id")?,
            on: date_of(&r.try_get::<String, _>("held_on")?)?,
            start: ClockTime::parse(&start).map_err(|p| StoreError::corrupt("start_time", p))?,
            duration_min: r.try_get("duration_min")?,
            location: r.try_get("location")?,
            state: MeetingState::parse(&state).map_err(|p| StoreError::corrupt("state", p))?,
            minutes: r.try_get("minutes")?,
            attendance,
            guest_attendance: self.guest_attendance(id).await?,
            agenda,
            decisions,
        })
    }

    /// The first planned meeting on or after `today`.
    pub async fn next_meeting(&self, team_id: i64, today: Date) -> Result<Option<Meeting>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM meetings WHERE team_id = $1 AND state = 'planned' AND held_on >= $2 \
             ORDER BY held_on, id LIMIT 1",
        )
        .bind(team_id)
        .bind(format_date(today))
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => self.meeting(id).await,
            None => Ok(None),
        }
    }

    /// The last meeting held before `today`.
    pub async fn last_held_meeting(&self, team_id: i64, today: Date) -> Result<Option<Meeting>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM meetings WHERE team_id = $1 AND state = 'held' AND held_on <= $2 \
             ORDER BY held_on DESC, id DESC LIMIT 1",
        )
        .bind(team_id)
        .bind(format_date(today))
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => self.meeting(id).await,
            None => Ok(None),
        }
    }

    /// Records a meeting as held or cancelled, with its minutes and who was
    /// there (all members of the team).
    pub async fn record_meeting(
        &self,
        actor: &Actor,
        meeting_id: i64,
        rec: &MeetingRecord,
    ) -> Result<()> {
        self.record_meeting_with_guests(actor, meeting_id, rec, None)
            .await
    }

    /// [`Store::record_meeting`], and the guests present when `guests` is
    /// given (each a guest of the team); all or nothing.
    pub async fn record_meeting_with_guests(
        &self,
        actor: &Actor,
        meeting_id: i64,
        rec: &MeetingRecord,
        guests: Option<&[i64]>,
    ) -> Result<()> {
        if rec.minutes.chars().count() > MAX_MINUTES {
            return Err(StoreError::invalid(
                "minutes",
                Problem::too_long(MAX_MINUTES),
            ));
        }
        // A person ticked twice (a repeated form field) is present once.
        let attendance: std::collections::BTreeSet<i64> = rec.attendance.iter().copied().collect();
        let guests: Option<Vec<i64>> = guests.map(|g| {
            let set: std::collections::BTreeSet<i64> = g.iter().copied().collect();
            set.into_iter().collect()
        });
        let guests = guests.as_deref();
        let mut tx = self.begin_write().await?;
        let (team, _) = meeting_team(&mut tx, meeting_id).await?;
        for uid in &attendance {
            if member_role_in(&mut tx, team.id, *uid).await?.is_none() {
                return Err(StoreError::invalid(
                    "attendance",
                    Problem::new(
                        "err-not-member",
                        "only members of the team can be marked present",
                    ),
                ));
            }
        }
        if let Some(g) = guests {
            super::guests::check_guests_of(&mut tx, team.id, g).await?;
        }
        sqlx::query("UPDATE meetings SET state = $1, minutes = $2, updated_at = $3 WHERE id = $4")
            .bind(rec.state.code())
            .bind(rec.minutes.trim())
            .bind(now())
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM meeting_attendance WHERE meeting_id = $1")
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?;
        for uid in &attendance {
            sqlx::query("INSERT INTO meeting_attendance (meeting_id, user_id) VALUES ($1, $2)")
                .bind(meeting_id)
                .bind(uid)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(g) = guests {
            sqlx::query("DELETE FROM meeting_guest_attendance WHERE meeting_id = $1")
                .bind(meeting_id)
                .execute(&mut *tx)
                .await?;
            for gid in g {
                sqlx::query(
                    "INSERT INTO meeting_guest_attendance (meeting_id, guest_id) VALUES ($1, $2)",
                )
                .bind(meeting_id)
                .bind(gid)
                .execute(&mut *tx)
                .await?;
            }
        }
        audit(
            &mut tx,
            actor,
            team.org_id,
            "meeting",
            &meeting_id.to_string(),
            "record",
            json!({ "state": rec.state.code(), "attendance": attendance, "guests": guests, "minutes_chars": rec.minutes.trim().chars().count() }),
        )
        .await?;
        super::search_docs::index_meeting(&mut tx, meeting_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds an agenda item, optionally linked to a plan measure (id), an
    /// indicator (code) or a feedback round (id) of the team's organisation.
    pub async fn add_agenda_item(
        &self,
        actor: &Actor,
        meeting_id: i64,
        title: &str,
        link: Option<(AgendaLink, String)>,
    ) -> Result<i64> {
        let title = parse_text(title, MAX_NAME).map_err(|p| StoreError::invalid("title", p))?;
        let mut tx = self.begin_write().await?;
        let (team, _) = meeting_team(&mut tx, meeting_id).await?;
        if let Some((kind, r)) = &link {
            let r = r.trim();
            let found: i64 = match kind {
                AgendaLink::Measure => sqlx::query_scalar(
                    "SELECT COUNT(*) FROM plan_measures m JOIN plan_focus_areas f ON f.id = m.focus_area_id \
                     JOIN plan_goals g ON g.id = f.goal_id JOIN plans p ON p.id = g.plan_id \
                     WHERE m.id = $1 AND p.org_id = $2",
                )
                .bind(r.parse::<i64>().unwrap_or(-1))
                .bind(team.org_id)
                .fetch_one(&mut *tx)
                .await?,
                AgendaLink::Indicator => sqlx::query_scalar("SELECT COUNT(*) FROM indicators WHERE code = $1")
                    .bind(r)
                    .fetch_one(&mut *tx)
                    .await?,
                AgendaLink::Round => sqlx::query_scalar(
                    "SELECT COUNT(*) FROM feedback_rounds WHERE id = $1 AND org_id = $2",
                )
                .bind(r.parse::<i64>().unwrap_or(-1))
                .bind(team.org_id)
                .fetch_one(&mut *tx)
                .await?,
            };
            if found == 0 {
                return Err(StoreError::invalid(
                    "link",
                    Problem::new(
                        "err-agenda-link",
                        format!("there is no {} '{r}' to link", kind.code()),
                    )
                    .arg("kind", kind.code())
                    .arg("value", r),
                ));
            }
        }
        let pos: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = $1",
        )
        .bind(meeting_id)
        .fetch_one(&mut *tx)
        .await?;
        let (lk, lr) = match &link {
            Some((k, r)) => (Some(k.code()), Some(r.trim().to_owned())),
            None => (None, None),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agenda_items (meeting_id, position, title, link_kind, link_ref) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(meeting_id)
        .bind(pos)
        .bind(&title)
        .bind(lk)
        .bind(lr.clone())
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "agenda_item",
            &id.to_string(),
            "create",
            json!({ "meeting": meeting_id, "title": title, "link": lk.map(|k| format!("{k}:{}", lr.unwrap_or_default())) }),
        )
        .await?;
        super::search_docs::index_meeting(&mut tx, meeting_id).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn add_decision(&self, actor: &Actor, meeting_id: i64, text: &str) -> Result<()> {
        let text = parse_text(text, MAX_TEXT).map_err(|p| StoreError::invalid("decision", p))?;
        let mut tx = self.begin_write().await?;
        let (team, _) = meeting_team(&mut tx, meeting_id).await?;
        let pos: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM decisions WHERE meeting_id = $1",
        )
        .bind(meeting_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO decisions (meeting_id, position, text) VALUES ($1, $2, $3)")
            .bind(meeting_id)
            .bind(pos)
            .bind(&text)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "decision",
            &meeting_id.to_string(),
            "create",
            json!({ "text": text }),
        )
        .await?;
        super::search_docs::index_meeting(&mut tx, meeting_id).await?;
        tx.commit().await?;
        Ok(())
    }
}
