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

    /// Whether the index misses whole kinds of things that are stored: an
    /// empty index, or one built before hobbies, places, teams, meetings
    /// and feedback were indexed (migration 0029) while some exist. The
    /// server then rebuilds it once at start.
    pub async fn search_needs_rebuild(&self) -> Result<bool> {
        if self.search_size().await? == 0 {
            return Ok(true);
        }
        let indexed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM search_entries \
             WHERE kind IN ('activity', 'place', 'team', 'meeting', 'feedback')",
        )
        .fetch_one(&self.pool)
        .await?;
        if indexed > 0 {
            return Ok(false);
        }
        let stored: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM activities WHERE status = 'published') \
             + (SELECT COUNT(*) FROM places WHERE published = 1) + (SELECT COUNT(*) FROM teams)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(stored > 0)
    }
}
