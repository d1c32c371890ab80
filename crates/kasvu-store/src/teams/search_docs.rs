//! What the search index holds of teams: nothing of either is public. A
//! team (its name, unit and meeting place) is found by the organisation's
//! signed-in people and by its members from other organisations (a
//! learning network); a meeting (its agenda, decisions and minutes) only
//! by the team's members, as its page shows them. Rows are written in the
//! same transaction as the team or meeting.

use super::*;
use crate::search::{self, SearchDoc};
use kasvu_core::search::SearchKind;

pub(crate) fn team_doc(t: &Team) -> SearchDoc {
    let mut d = SearchDoc::new(t.org_id, SearchKind::Team, t.id.to_string());
    d.title = Names {
        fi: t.name.clone(),
        ..Names::default()
    };
    d.body = [t.unit_names.fi.as_str(), t.location.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    d.areas = vec![t.unit_code.clone()];
    d.team_id = t.id;
    d
}

/// Writes a team's row.
pub(crate) async fn index_team(conn: &mut AnyConnection, t: &Team) -> Result<()> {
    search::put(conn, &team_doc(t)).await
}

/// A meeting's row, read through `conn` (inside the write that changed it).
pub(crate) async fn meeting_doc(conn: &mut AnyConnection, meeting_id: i64) -> Result<SearchDoc> {
    let row = sqlx::query("SELECT team_id, held_on, location, minutes FROM meetings WHERE id = $1")
        .bind(meeting_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("meeting {meeting_id}")))?;
    let team = team_in(conn, row.try_get("team_id")?).await?;
    let on: String = row.try_get("held_on")?;
    let mut body: Vec<String> = sqlx::query_scalar(
        "SELECT title FROM agenda_items WHERE meeting_id = $1 ORDER BY position, id",
    )
    .bind(meeting_id)
    .fetch_all(&mut *conn)
    .await?;
    body.extend(
        sqlx::query_scalar::<_, String>(
            "SELECT text FROM decisions WHERE meeting_id = $1 ORDER BY position, id",
        )
        .bind(meeting_id)
        .fetch_all(&mut *conn)
        .await?,
    );
    body.push(row.try_get("minutes")?);
    body.push(row.try_get("location")?);
    body.retain(|b| !b.trim().is_empty());
    let mut d = SearchDoc::new(team.org_id, SearchKind::Meeting, meeting_id.to_string());
    d.title = Names {
        fi: format!("{} {on}", team.name),
        ..Names::default()
    };
    d.body = body.join(" · ");
    d.areas = vec![team.unit_code.clone()];
    d.team_id = team.id;
    d.members_only = true;
    Ok(d)
}

/// Rewrites a meeting's row.
pub(crate) async fn index_meeting(conn: &mut AnyConnection, meeting_id: i64) -> Result<()> {
    let d = meeting_doc(conn, meeting_id).await?;
    search::put(conn, &d).await
}

impl Store {
    /// The rows of an organisation's teams and their meetings (for
    /// rebuilding the index).
    pub(crate) async fn team_docs(&self, org_id: i64) -> Result<Vec<SearchDoc>> {
        let mut conn = self.pool.acquire().await?;
        let mut docs = Vec::new();
        for t in self.teams(org_id).await? {
            docs.push(team_doc(&t));
            let ids: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM meetings WHERE team_id = $1 ORDER BY id")
                    .bind(t.id)
                    .fetch_all(&mut *conn)
                    .await?;
            for id in ids {
                docs.push(meeting_doc(&mut conn, id).await?);
            }
        }
        Ok(docs)
    }
}
