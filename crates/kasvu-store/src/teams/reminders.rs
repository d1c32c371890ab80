//! Which commitments are due a reminder before a meeting, and marking them sent.

use super::*;

impl Store {
    /// Open commitments due at a planned meeting (made at an earlier one)
    /// that have not had an
    /// e-mail reminder for it yet: (commitment, member's e-mail, team name).
    pub async fn reminders_due(&self, meeting_id: i64) -> Result<Vec<(Commitment, String)>> {
        let team_id: Option<i64> =
            sqlx::query_scalar("SELECT team_id FROM meetings WHERE id = $1 AND state = 'planned'")
                .bind(meeting_id)
                .fetch_optional(&self.pool)
                .await?;
        let Some(team_id) = team_id else {
            return Ok(Vec::new());
        };
        let sent: Vec<i64> = sqlx::query_scalar(
            "SELECT commitment_id FROM commitment_reminders WHERE meeting_id = $1",
        )
        .bind(meeting_id)
        .fetch_all(&self.pool)
        .await?;
        let members = self.members(team_id).await?;
        let guests = self.guests(team_id).await?;
        Ok(self
            .team_commitments(team_id, true)
            .await?
            .into_iter()
            .filter(|c| c.due_meeting_id == Some(meeting_id) && !sent.contains(&c.id))
            .filter_map(|c| {
                // A guest's goes to the guest (while still one).
                let email = match c.guest_id {
                    Some(g) => guests.iter().find(|x| x.id == g)?.email.clone(),
                    None => members
                        .iter()
                        .find(|m| m.user_id == c.user_id)?
                        .email
                        .clone(),
                };
                Some((c, email))
            })
            .collect())
    }

    /// Notes that a reminder of a commitment for a meeting was sent.
    pub async fn mark_reminded(&self, commitment_id: i64, meeting_id: i64) -> Result<()> {
        let res = sqlx::query("INSERT INTO commitment_reminders (commitment_id, meeting_id, sent_at) VALUES ($1, $2, $3)")
            .bind(commitment_id)
            .bind(meeting_id)
            .bind(now())
            .execute(&self.pool)
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(e) if crate::support::db::is_unique_violation(&e) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
