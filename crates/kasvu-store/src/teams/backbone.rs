//! A leadership team's backbone work (seed 003): the action plan and the
//! bulletins (the joint events are in `events`). Who may
//! write is decided by the caller (those who run the team's meetings); the
//! store keeps each row its team's, bounds what is written and audits it.

use super::*;
use kasvu_core::backbone::{optional_text, parse_title, ActionStatus, BulletinAudience, MAX_BODY};

/// An action of the team's action plan as entered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionSpec {
    pub title: String,
    pub detail: String,
    /// Who carries it (a name or a role, as the team writes it).
    pub responsible: String,
    pub due_on: Option<Date>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamAction {
    pub id: i64,
    pub team_id: i64,
    pub title: String,
    pub detail: String,
    pub responsible: String,
    pub due_on: Option<Date>,
    pub status: ActionStatus,
}

/// A bulletin as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinSpec {
    pub title: String,
    pub body: String,
    pub audience: String,
    pub published_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulletin {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub title: String,
    pub body: String,
    pub audience: BulletinAudience,
    pub published_on: Date,
    /// The writer's name ("" when the account is gone).
    pub author: String,
}

pub(super) fn invalid(field: &'static str) -> impl Fn(Problem) -> StoreError {
    move |p| StoreError::invalid(field, p)
}

fn check_action(spec: &ActionSpec) -> Result<(String, String, String, ActionStatus)> {
    Ok((
        parse_title(&spec.title).map_err(invalid("title"))?,
        optional_text(&spec.detail, MAX_BODY).map_err(invalid("detail"))?,
        optional_text(&spec.responsible, MAX_NAME).map_err(invalid("responsible"))?,
        ActionStatus::parse(&spec.status).map_err(invalid("status"))?,
    ))
}

const SELECT_ACTIONS: &str =
    "SELECT id, team_id, title, detail, responsible, due_on, status FROM team_actions";

fn action_of(r: &AnyRow) -> Result<TeamAction> {
    let status: String = r.try_get("status")?;
    Ok(TeamAction {
        id: r.try_get("id")?,
        team_id: r.try_get("team_id")?,
        title: r.try_get("title")?,
        detail: r.try_get("detail")?,
        responsible: r.try_get("responsible")?,
        due_on: r
            .try_get::<Option<String>, _>("due_on")?
            .map(|d| date_of(&d))
            .transpose()?,
        status: ActionStatus::parse(&status).map_err(|p| StoreError::corrupt("status", p))?,
    })
}

const SELECT_BULLETINS: &str = "SELECT b.id, b.team_id, t.name AS team_name, b.title, b.body, \
     b.audience, b.published_on, COALESCE(u.name, '') AS author \
     FROM team_bulletins b JOIN teams t ON t.id = b.team_id \
     LEFT JOIN users u ON u.id = b.author_user_id";

fn bulletin_of(r: &AnyRow) -> Result<Bulletin> {
    let audience: String = r.try_get("audience")?;
    Ok(Bulletin {
        id: r.try_get("id")?,
        team_id: r.try_get("team_id")?,
        team_name: r.try_get("team_name")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        audience: BulletinAudience::parse(&audience)
            .map_err(|p| StoreError::corrupt("audience", p))?,
        published_on: date_of(&r.try_get::<String, _>("published_on")?)?,
        author: r.try_get("author")?,
    })
}

async fn action_in(conn: &mut AnyConnection, id: i64) -> Result<TeamAction> {
    let row = sqlx::query(&format!(
        "{SELECT_ACTIONS} WHERE id = $1 AND removed_at IS NULL"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("action {id}")))?;
    action_of(&row)
}

impl Store {
    /// Adds an action at the end of the team's action plan.
    pub async fn add_team_action(
        &self,
        actor: &Actor,
        team_id: i64,
        spec: &ActionSpec,
    ) -> Result<i64> {
        let (title, detail, responsible, status) = check_action(spec)?;
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        let last: Option<i64> =
            sqlx::query_scalar("SELECT MAX(position) FROM team_actions WHERE team_id = $1")
                .bind(team_id)
                .fetch_one(&mut *tx)
                .await?;
        let t = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO team_actions (team_id, title, detail, responsible, due_on, status, position, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(team_id)
        .bind(&title)
        .bind(&detail)
        .bind(&responsible)
        .bind(spec.due_on.map(format_date))
        .bind(status.code())
        .bind(last.unwrap_or(0) + 1)
        .bind(t)
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_action",
            &id.to_string(),
            "create",
            json!({ "team": team_id, "title": title, "status": status.code(),
                    "due_on": spec.due_on.map(format_date) }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an action (its text, who carries it, its date or status).
    pub async fn update_team_action(
        &self,
        actor: &Actor,
        action_id: i64,
        spec: &ActionSpec,
    ) -> Result<()> {
        let (title, detail, responsible, status) = check_action(spec)?;
        let mut tx = self.begin_write().await?;
        let old = action_in(&mut tx, action_id).await?;
        let team = team_in(&mut tx, old.team_id).await?;
        sqlx::query(
            "UPDATE team_actions SET title = $1, detail = $2, responsible = $3, due_on = $4, \
             status = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(&title)
        .bind(&detail)
        .bind(&responsible)
        .bind(spec.due_on.map(format_date))
        .bind(status.code())
        .bind(now())
        .bind(action_id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_action",
            &action_id.to_string(),
            "update",
            json!({ "title": title, "status": status.code(), "was": old.status.code(),
                    "due_on": spec.due_on.map(format_date) }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes an action off the plan (kept for the audit trail).
    pub async fn remove_team_action(&self, actor: &Actor, action_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let old = action_in(&mut tx, action_id).await?;
        let team = team_in(&mut tx, old.team_id).await?;
        sqlx::query("UPDATE team_actions SET removed_at = $1 WHERE id = $2")
            .bind(now())
            .bind(action_id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_action",
            &action_id.to_string(),
            "remove",
            json!({ "team": old.team_id, "title": old.title }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The team's action plan in its order.
    pub async fn team_actions(&self, team_id: i64) -> Result<Vec<TeamAction>> {
        sqlx::query(&format!(
            "{SELECT_ACTIONS} WHERE team_id = $1 AND removed_at IS NULL ORDER BY position, id"
        ))
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(action_of)
        .collect()
    }

    pub async fn team_action(&self, id: i64) -> Result<Option<TeamAction>> {
        sqlx::query(&format!(
            "{SELECT_ACTIONS} WHERE id = $1 AND removed_at IS NULL"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(action_of)
        .transpose()
    }

    /// Publishes a bulletin written by `author_user_id`.
    pub async fn publish_bulletin(
        &self,
        actor: &Actor,
        team_id: i64,
        author_user_id: i64,
        spec: &BulletinSpec,
    ) -> Result<i64> {
        let title = parse_title(&spec.title).map_err(invalid("title"))?;
        let body = kasvu_core::team::parse_text(&spec.body, MAX_BODY).map_err(invalid("body"))?;
        let audience = BulletinAudience::parse(&spec.audience).map_err(invalid("audience"))?;
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO team_bulletins (team_id, title, body, audience, published_on, author_user_id, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(team_id)
        .bind(&title)
        .bind(&body)
        .bind(audience.code())
        .bind(format_date(spec.published_on))
        .bind(author_user_id)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_bulletin",
            &id.to_string(),
            "create",
            json!({ "team": team_id, "title": title, "audience": audience.code() }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn remove_bulletin(&self, actor: &Actor, bulletin_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let team_id: i64 = sqlx::query_scalar(
            "SELECT team_id FROM team_bulletins WHERE id = $1 AND removed_at IS NULL",
        )
        .bind(bulletin_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("bulletin {bulletin_id}")))?;
        let team = team_in(&mut tx, team_id).await?;
        sqlx::query("UPDATE team_bulletins SET removed_at = $1 WHERE id = $2")
            .bind(now())
            .bind(bulletin_id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_bulletin",
            &bulletin_id.to_string(),
            "remove",
            json!({ "team": team_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A team's bulletins, newest first; members-only ones only when asked.
    pub async fn bulletins(&self, team_id: i64, with_members_only: bool) -> Result<Vec<Bulletin>> {
        sqlx::query(&format!(
            "{SELECT_BULLETINS} WHERE b.team_id = $1 AND b.removed_at IS NULL \
             AND (b.audience = 'staff' OR $2 = 1) ORDER BY b.published_on DESC, b.id DESC"
        ))
        .bind(team_id)
        .bind(i64::from(with_members_only))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(bulletin_of)
        .collect()
    }

    pub async fn bulletin(&self, id: i64) -> Result<Option<Bulletin>> {
        sqlx::query(&format!(
            "{SELECT_BULLETINS} WHERE b.id = $1 AND b.removed_at IS NULL"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(bulletin_of)
        .transpose()
    }

    /// The bulletins a person reads on "My work", newest first, published
    /// on or after `since`: every bulletin of their teams, and the staff
    /// bulletins of their organisation's teams. One query.
    pub async fn bulletins_for(
        &self,
        user_id: i64,
        org_id: i64,
        since: Date,
        limit: i64,
    ) -> Result<Vec<Bulletin>> {
        sqlx::query(&format!(
            "{SELECT_BULLETINS} WHERE b.removed_at IS NULL AND b.published_on >= $1 AND ( \
               EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = b.team_id AND tm.user_id = $2) \
               OR (b.audience = 'staff' AND t.org_id = $3)) \
             ORDER BY b.published_on DESC, b.id DESC LIMIT $4"
        ))
        .bind(format_date(since))
        .bind(user_id)
        .bind(org_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(bulletin_of)
        .collect()
    }
}
