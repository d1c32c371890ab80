//! What the search index holds of the families' pages: published
//! activities and published places, public to everyone. An activity that
//! waits for approval or was withdrawn, and a place not published, have no
//! row: the rows are written and removed in the same transaction as the
//! activity's or place's own write.

use super::*;
use crate::search::{self, SearchDoc};
use kasvu_core::search::SearchKind;

/// The non-empty texts joined for the index.
fn body_of(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

pub(crate) fn activity_doc(org_id: i64, id: i64, s: &ActivitySpec) -> SearchDoc {
    let keywords = s.keywords.join(", ");
    let mut d = SearchDoc::new(org_id, SearchKind::Activity, id.to_string());
    d.title = s.name.clone();
    d.body = body_of(&[
        &s.description.fi,
        &s.description.sv,
        &s.description.en,
        &keywords,
        &s.provider,
        &s.location,
    ]);
    d.areas = vec![s.area.clone()];
    d.public = true;
    d
}

pub(crate) fn place_doc(org_id: i64, s: &PlaceSpec) -> SearchDoc {
    let mut d = SearchDoc::new(org_id, SearchKind::Place, s.code.clone());
    d.title = s.name.clone();
    d.body = body_of(&[
        &s.what.fi,
        &s.what.sv,
        &s.what.en,
        &s.address,
        &s.hours.fi,
        &s.access.fi,
    ]);
    d.areas = vec![s.area.clone()];
    d.public = true;
    d
}

/// Writes an activity's row when it is published, removes it otherwise.
pub(crate) async fn index_activity(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    s: &ActivitySpec,
    status: ActivityStatus,
) -> Result<()> {
    if status == ActivityStatus::Published {
        search::put(conn, &activity_doc(org_id, id, s)).await
    } else {
        search::remove(conn, org_id, SearchKind::Activity, &id.to_string()).await
    }
}

/// Writes a place's row when it is published, removes it otherwise.
pub(crate) async fn index_place(
    conn: &mut AnyConnection,
    org_id: i64,
    s: &PlaceSpec,
) -> Result<()> {
    if s.published {
        search::put(conn, &place_doc(org_id, s)).await
    } else {
        search::remove(conn, org_id, SearchKind::Place, &s.code).await
    }
}

impl Store {
    /// The rows of an organisation's published activities and places (for
    /// rebuilding the index).
    pub(crate) async fn family_docs(&self, org_id: i64) -> Result<Vec<SearchDoc>> {
        let mut docs: Vec<SearchDoc> = self
            .places(org_id, true)
            .await?
            .iter()
            .map(|p| place_doc(org_id, &p.spec))
            .collect();
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM activities WHERE org_id = $1 AND status = $2 ORDER BY id",
        )
        .bind(org_id)
        .bind(ActivityStatus::Published.code())
        .fetch_all(&self.pool)
        .await?;
        for id in ids {
            if let Some(a) = self.activity(org_id, id).await? {
                docs.push(activity_doc(org_id, id, &a.spec));
            }
        }
        Ok(docs)
    }
}
