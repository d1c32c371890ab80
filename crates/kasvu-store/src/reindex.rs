//! Rebuilding the whole search index: the one place that gathers every
//! feature's documents (like the crate root, it composes the features; no
//! feature and not the index itself imports it).

use crate::feedback;
use crate::knowledge::{paths, practices, projects};
use crate::network::actors;
use crate::support::db::Store;
use crate::support::error::Result;

impl Store {
    /// Rebuilds the whole index from what is stored (for a database made
    /// before search existed, or after restoring a backup); returns the
    /// number of rows.
    pub async fn reindex_search(&self) -> Result<usize> {
        let mut docs = Self::indicator_docs(&self.indicators().await?);
        for org in self.organisations().await? {
            let o = org.id;
            for a in self.actors(o).await? {
                let mut spec = a.spec.clone();
                spec.areas = a.areas.iter().map(|(_, c)| c.clone()).collect();
                docs.push(actors::actor_doc(o, &spec));
            }
            for p in self.projects(o).await? {
                docs.push(projects::project_doc(&p));
            }
            for p in self.practices(o).await? {
                docs.push(practices::practice_doc(o, &p.spec));
            }
            for p in self.paths(o, false).await? {
                docs.push(paths::path_doc(o, &p.spec));
            }
            docs.extend(self.plan_docs(o).await?);
            docs.extend(self.family_docs(o).await?);
            docs.extend(self.team_docs(o).await?);
            for r in self.rounds(o).await? {
                if r.is_published() {
                    docs.push(feedback::round_doc(&r));
                }
            }
        }
        self.replace_search_index(&docs).await?;
        Ok(docs.len())
    }

    /// Whether the index must be rebuilt: a migration asked for it (0036
    /// changed its rowids), or it misses whole kinds of things that are
    /// stored: an empty index, or one built before hobbies, places, teams,
    /// meetings and feedback were indexed (migration 0029) while some
    /// exist. The server then rebuilds it once at start.
    pub async fn search_needs_rebuild(&self) -> Result<bool> {
        // Each question stops at the first row found (a large index or
        // register is never counted through at start).
        let any = |sql: &'static str| async move {
            let found: Option<i64> = sqlx::query_scalar(sql).fetch_optional(&self.pool).await?;
            Ok::<bool, crate::support::error::StoreError>(found.is_some())
        };
        // A migration that changed the index's shape asks for a rebuild.
        if any("SELECT CAST(1 AS BIGINT) FROM search_rebuild_pending LIMIT 1").await? {
            return Ok(true);
        }
        if !any("SELECT CAST(1 AS BIGINT) FROM search_entries LIMIT 1").await? {
            return Ok(true);
        }
        if any("SELECT CAST(1 AS BIGINT) FROM search_entries \
             WHERE kind IN ('activity', 'place', 'team', 'meeting', 'feedback') LIMIT 1")
        .await?
        {
            return Ok(false);
        }
        Ok(
            any("SELECT CAST(1 AS BIGINT) FROM activities WHERE status = 'published' LIMIT 1")
                .await?
                || any("SELECT CAST(1 AS BIGINT) FROM places WHERE published = 1 LIMIT 1").await?
                || any("SELECT CAST(1 AS BIGINT) FROM teams LIMIT 1").await?,
        )
    }
}
