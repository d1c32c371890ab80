//! Members' personal commitments and their reviews.

use super::*;
use kasvu_core::team::{carried_due_after, due_after, due_meeting};

impl Store {
    /// Records what a member promises to do before the next meeting.
    pub async fn make_commitment(
        &self,
        actor: &Actor,
        team_id: i64,
        user_id: i64,
        text: &str,
        made_meeting_id: Option<i64>,
        today: Date,
    ) -> Result<i64> {
        let text = parse_text(text, MAX_TEXT).map_err(|p| StoreError::invalid("text", p))?;
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        if member_role_in(&mut tx, team_id, user_id).await?.is_none() {
            return Err(StoreError::invalid(
                "user",
                Problem::new(
                    "err-not-member",
                    "a commitment belongs to a member of the team",
                ),
            ));
        }
        let id = insert_commitment(
            &mut tx,
            team_id,
            user_id,
            None,
            &text,
            made_meeting_id,
            today,
        )
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "commitment",
            &id.to_string(),
            "create",
            json!({ "team": team_id, "user": user_id, "text": text }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks an open commitment done, partly or not done at a meeting. What
    /// is not done may be carried over: it stays open, due at the next
    /// meeting, and counts how often it was carried.
    pub async fn review_commitment(
        &self,
        actor: &Actor,
        commitment_id: i64,
        meeting_id: Option<i64>,
        status: CommitmentStatus,
        note: &str,
        carry: bool,
    ) -> Result<()> {
        status
            .check_review(carry)
            .map_err(|p| StoreError::invalid("status", p))?;
        let note = note.trim();
        if note.chars().count() > MAX_TEXT {
            return Err(StoreError::invalid("note", Problem::too_long(MAX_TEXT)));
        }
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT team_id, status, due_after FROM commitments WHERE id = $1")
            .bind(commitment_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("commitment {commitment_id}")))?;
        let team = team_in(&mut tx, row.try_get("team_id")?).await?;
        let current: String = row.try_get("status")?;
        if current != CommitmentStatus::Open.code() {
            return Err(StoreError::Conflict(kasvu_core::FieldError::new(
                "status",
                Problem::new(
                    "err-commitment-closed",
                    "this commitment has been reviewed and closed",
                ),
            )));
        }
        let reviewed_at = match meeting_id {
            Some(mid) => Some(team_meeting_on(&mut tx, team.id, mid).await?),
            None => None,
        };
        sqlx::query(
            "INSERT INTO commitment_reviews (commitment_id, meeting_id, status, note, carry, reviewed_by, reviewed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(commitment_id)
        .bind(meeting_id)
        .bind(status.code())
        .bind(note)
        .bind(i64::from(carry))
        .bind(actor.user_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        if carry {
            // Due at the meeting after the one where it was reviewed.
            let was = date_of(&row.try_get::<String, _>("due_after")?)?;
            let due_after = carried_due_after(reviewed_at, kasvu_core::clock::today(), was);
            sqlx::query("UPDATE commitments SET carried = carried + 1, note = $1, due_after = $2 WHERE id = $3")
                .bind(note)
                .bind(format_date(due_after))
                .bind(commitment_id)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("UPDATE commitments SET status = $1, note = $2, closed_meeting_id = $3 WHERE id = $4")
                .bind(status.code())
                .bind(note)
                .bind(meeting_id)
                .bind(commitment_id)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            actor,
            team.org_id,
            "commitment",
            &commitment_id.to_string(),
            "review",
            json!({ "status": status.code(), "note": note, "carry": carry, "meeting": meeting_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A team's commitments (only the open ones when `open_only`), oldest first.
    pub async fn team_commitments(&self, team_id: i64, open_only: bool) -> Result<Vec<Commitment>> {
        self.commitments_where("c.team_id = $1", team_id, open_only)
            .await
    }

    /// A person's commitments across their teams, oldest first.
    /// (Not the guests' commitments they recorded.)
    pub async fn user_commitments(&self, user_id: i64, open_only: bool) -> Result<Vec<Commitment>> {
        self.commitments_where("c.user_id = $1 AND c.guest_id IS NULL", user_id, open_only)
            .await
    }

    pub async fn commitment(&self, id: i64) -> Result<Option<Commitment>> {
        Ok(self.commitments_where("c.id = $1", id, false).await?.pop())
    }

    async fn commitments_where(
        &self,
        cond: &str,
        key: i64,
        open_only: bool,
    ) -> Result<Vec<Commitment>> {
        let open = if open_only {
            " AND c.status = 'open'"
        } else {
            ""
        };
        let rows = sqlx::query(&format!(
            "SELECT c.id, c.team_id, t.name AS team_name, c.user_id, COALESCE(g.name, p.name) AS user_name, \
             c.guest_id, c.made_meeting_id, c.made_on, c.due_after, c.text, c.status, c.carried, c.closed_meeting_id, c.note \
             FROM commitments c JOIN teams t ON t.id = c.team_id JOIN users p ON p.id = c.user_id \
             LEFT JOIN team_guests g ON g.id = c.guest_id \
             WHERE {cond}{open} ORDER BY c.made_on, c.id"
        ))
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        let mut reviews: std::collections::HashMap<i64, Vec<Review>> = Default::default();
        if !ids.is_empty() {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            // The ids come from the query above, never from input.
            for r in sqlx::query(&format!(
                "SELECT commitment_id, meeting_id, status, note, carry, reviewed_at FROM commitment_reviews \
                 WHERE commitment_id IN ({list}) ORDER BY id"
            ))
            .fetch_all(&self.pool)
            .await?
            {
                let status: String = r.try_get("status")?;
                let at: i64 = r.try_get("reviewed_at")?;
                let on = time::OffsetDateTime::from_unix_timestamp(at)
                    .map(|t| t.date())
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                reviews.entry(r.try_get("commitment_id")?).or_default().push(Review {
                    meeting_id: r.try_get("meeting_id")?,
                    on,
                    status: CommitmentStatus::parse(&status).map_err(|p| StoreError::corrupt("status", p))?,
                    note: r.try_get("note")?,
                    carry: r.try_get::<i64, _>("carry")? != 0,
                });
            }
        }
        // When each is due: one rule (kasvu_core::team::due_meeting) over
        // the team's meetings that are not cancelled.
        let mut teams: std::collections::HashMap<i64, (Team, Vec<(Date, i64)>)> =
            Default::default();
        for r in &rows {
            let tid: i64 = r.try_get("team_id")?;
            if teams.contains_key(&tid) {
                continue;
            }
            let team = self
                .team(tid)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("team {tid}")))?;
            let meetings = sqlx::query(
                "SELECT id, held_on FROM meetings WHERE team_id = $1 AND state <> 'cancelled'",
            )
            .bind(tid)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|m| {
                Ok((
                    date_of(&m.try_get::<String, _>("held_on")?)?,
                    m.try_get("id")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
            teams.insert(tid, (team, meetings));
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let status: String = r.try_get("status")?;
                let tid: i64 = r.try_get("team_id")?;
                let due_after = date_of(&r.try_get::<String, _>("due_after")?)?;
                let due = teams
                    .get(&tid)
                    .map(|(t, ms)| due_meeting(due_after, ms, &t.schedule, t.anchor_on))
                    .ok_or_else(|| StoreError::NotFound(format!("team {tid}")))?;
                Ok(Commitment {
                    due_after,
                    due_on: due.on,
                    due_meeting_id: due.meeting,
                    guest_id: r.try_get("guest_id")?,
                    id,
                    team_id: r.try_get("team_id")?,
                    team_name: r.try_get("team_name")?,
                    user_id: r.try_get("user_id")?,
                    user_name: r.try_get("user_name")?,
                    made_meeting_id: r.try_get("made_meeting_id")?,
                    made_on: date_of(&r.try_get::<String, _>("made_on")?)?,
                    text: r.try_get("text")?,
                    status: CommitmentStatus::parse(&status)
                        .map_err(|p| StoreError::corrupt("status", p))?,
                    carried: r.try_get("carried")?,
                    closed_meeting_id: r.try_get("closed_meeting_id")?,
                    note: r.try_get("note")?,
                    reviews: reviews.remove(&id).unwrap_or_default(),
                })
            })
            .collect()
    }
}

/// Writes an open commitment, due at the meeting after the one it was made
/// at (whatever day it is recorded). `guest_id`: a guest's, recorded by
/// member `user_id`.
pub(super) async fn insert_commitment(
    tx: &mut AnyConnection,
    team_id: i64,
    user_id: i64,
    guest_id: Option<i64>,
    text: &str,
    made_meeting_id: Option<i64>,
    today: Date,
) -> Result<i64> {
    let made_at = match made_meeting_id {
        Some(mid) => Some(team_meeting_on(tx, team_id, mid).await?),
        None => None,
    };
    Ok(sqlx::query_scalar(
        "INSERT INTO commitments (team_id, user_id, guest_id, made_meeting_id, made_on, due_after, text, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(guest_id)
    .bind(made_meeting_id)
    .bind(format_date(today))
    .bind(format_date(due_after(made_at, today)))
    .bind(text)
    .bind(CommitmentStatus::Open.code())
    .bind(now())
    .fetch_one(&mut *tx)
    .await?)
}

/// The day of a meeting of the team (refused if it is another team's).
async fn team_meeting_on(tx: &mut AnyConnection, team_id: i64, meeting_id: i64) -> Result<Date> {
    let row = sqlx::query("SELECT team_id, held_on FROM meetings WHERE id = $1")
        .bind(meeting_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("meeting {meeting_id}")))?;
    if row.try_get::<i64, _>("team_id")? != team_id {
        return Err(StoreError::invalid(
            "meeting",
            Problem::new("err-meeting-team", "the meeting is not this team's"),
        ));
    }
    date_of(&row.try_get::<String, _>("held_on")?)
}
