//! Personal calendar feed tokens and the meetings a feed lists.

use super::*;

impl Store {
    /// The secret of a person's calendar feed, made on first use.
    pub async fn calendar_token(&self, user_id: i64) -> Result<String> {
        let existing: Option<String> =
            sqlx::query_scalar("SELECT token FROM calendar_tokens WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(t) = existing {
            return Ok(t);
        }
        let token = random_token();
        let res = sqlx::query("INSERT INTO calendar_tokens (user_id, token) VALUES ($1, $2)")
            .bind(user_id)
            .bind(&token)
            .execute(&self.pool)
            .await;
        match res {
            Ok(_) => Ok(token),
            // Made at the same moment by another request: use that one.
            Err(e) if crate::support::db::is_unique_violation(&e) => Ok(sqlx::query_scalar(
                "SELECT token FROM calendar_tokens WHERE user_id = $1",
            )
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?),
            Err(e) => Err(e.into()),
        }
    }

    /// The person whose calendar feed has this secret.
    pub async fn user_by_calendar_token(&self, token: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT user_id FROM calendar_tokens WHERE token = $1")
                .bind(token)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Planned meetings between two days (inclusive), across all teams: for
    /// the reminder sweep.
    pub async fn planned_meetings_between(&self, from: Date, to: Date) -> Result<Vec<(i64, i64)>> {
        let rows = sqlx::query(
            "SELECT id, team_id FROM meetings WHERE state = 'planned' AND held_on >= $1 AND held_on <= $2 ORDER BY held_on, id",
        )
        .bind(format_date(from))
        .bind(format_date(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("team_id")?)))
            .collect()
    }
}
