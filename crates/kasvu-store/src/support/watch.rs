//! The versions of what the public pages show — the org tree and each
//! organisation's published activities (with their places and breaks) — as
//! this process last read them, so that a public page's request need not
//! ask the database each time.
//!
//! Two promises: a write made through *this* process is seen by the next
//! request after its transaction commits (the writer calls
//! [`Store::note_public_write`] right after the commit, which makes the next
//! reader read the versions again); a write made by *another* process on the
//! same database is seen within [`RECHECK`] (the versions are read again
//! when the last read is older than that).

use crate::support::db::Store;
use crate::support::error::Result;
use sqlx::Row;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How old the versions read from the database may be before they are read
/// again: the bound on how late this process sees another process's writes.
pub const RECHECK: Duration = Duration::from_secs(1);

/// Bumps the organisation's activity version, in the writing transaction
/// of anything a public activity page shows: the activities, their places
/// and breaks, the register entries that organise them.
pub(crate) async fn bump_activity_version(tx: &mut sqlx::AnyConnection, org_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO activity_versions (org_id, version) VALUES ($1, 1) \
         ON CONFLICT (org_id) DO UPDATE SET version = activity_versions.version + 1",
    )
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The versions at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicVersions {
    /// The org tree's version (`tree_version`).
    pub tree: i64,
    /// Each organisation's activity version (`activity_versions`).
    activities: Arc<HashMap<i64, i64>>,
    /// All of the above in one number: any write changes it.
    pub fingerprint: u64,
}

impl PublicVersions {
    fn new(tree: i64, activities: HashMap<i64, i64>) -> PublicVersions {
        let mut sorted: Vec<(i64, i64)> = activities.iter().map(|(k, v)| (*k, *v)).collect();
        sorted.sort_unstable();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        tree.hash(&mut h);
        sorted.hash(&mut h);
        PublicVersions {
            tree,
            activities: Arc::new(activities),
            fingerprint: h.finish(),
        }
    }

    /// An organisation's activity version (0 before its first write).
    pub fn activities_of(&self, org_id: i64) -> i64 {
        self.activities.get(&org_id).copied().unwrap_or(0)
    }

    /// The stamp of an organisation's public activity rows and cards.
    pub fn stamp_of(&self, org_id: i64) -> Stamp {
        Stamp {
            activities: self.activities_of(org_id),
            tree: self.tree,
        }
    }
}

/// The versions one organisation's public activity rows and cards are built
/// under: its activity version and the tree version (units' names), read
/// before them. What is kept under a stamp is used only under the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The organisation's activity version.
    pub activities: i64,
    /// The org tree's version.
    pub tree: i64,
}

/// What one store (shared by its clones) keeps: the local write count and
/// the last read.
#[derive(Default)]
pub(crate) struct Watch {
    local_writes: AtomicU64,
    seen: Mutex<Option<Seen>>,
}

struct Seen {
    /// When the read began (reads that began later see newer versions).
    at: Instant,
    /// `local_writes` as it was *before* the versions were read.
    local: u64,
    versions: PublicVersions,
}

impl Store {
    /// The versions of what public pages show, read from the database at
    /// most once per [`RECHECK`] and again after each of this process's own
    /// writes to them.
    pub async fn public_versions(&self) -> Result<PublicVersions> {
        let watch = self.caches.get::<Watch>();
        let local = watch.local_writes.load(Ordering::Acquire);
        if let Some(s) = watch
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            if s.local == local && s.at.elapsed() < RECHECK {
                return Ok(s.versions.clone());
            }
        }
        let began = Instant::now();
        let versions = self.read_public_versions().await?;
        let mut seen = watch.seen.lock().unwrap_or_else(PoisonError::into_inner);
        // Keep the newest read: one begun after a later local write wins,
        // else the one begun last. Never go back to an older read — a read
        // that began earlier but ended later would otherwise replace a
        // newer one, and a request that had seen the newer versions would
        // next be handed the older ones (and keep pages, rows and cards
        // built from older data under the newer versions).
        let newer = |s: &Seen| s.local < local || (s.local == local && s.at <= began);
        if seen.as_ref().is_none_or(newer) {
            *seen = Some(Seen {
                at: began,
                local,
                versions: versions.clone(),
            });
        }
        Ok(versions)
    }

    /// Reads the versions now, from the database.
    pub async fn read_public_versions(&self) -> Result<PublicVersions> {
        let rows = sqlx::query(
            "SELECT -1 AS org_id, version FROM tree_version WHERE id = 1 \
             UNION ALL SELECT org_id, version FROM activity_versions",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut tree = 0;
        let mut activities = HashMap::with_capacity(rows.len());
        for r in &rows {
            let org: i64 = r.try_get("org_id")?;
            let v: i64 = r.try_get("version")?;
            if org == -1 {
                tree = v;
            } else {
                activities.insert(org, v);
            }
        }
        Ok(PublicVersions::new(tree, activities))
    }

    /// Tells this process's readers that a transaction which bumped the
    /// tree or activity version has committed. Call it right after the
    /// commit (before, a reader could read the old versions and keep them).
    pub(crate) fn note_public_write(&self) {
        self.caches
            .get::<Watch>()
            .local_writes
            .fetch_add(1, Ordering::AcqRel);
    }

    /// How many writes to public content this process has committed (for
    /// caches above the store that want to know without a database read).
    pub fn public_writes(&self) -> u64 {
        self.caches
            .get::<Watch>()
            .local_writes
            .load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_changes_with_any_version() {
        let a = PublicVersions::new(1, HashMap::from([(5, 1), (9, 3)]));
        let b = PublicVersions::new(1, HashMap::from([(9, 3), (5, 1)]));
        assert_eq!(a.fingerprint, b.fingerprint, "order does not matter");
        for other in [
            PublicVersions::new(2, HashMap::from([(5, 1), (9, 3)])),
            PublicVersions::new(1, HashMap::from([(5, 2), (9, 3)])),
            PublicVersions::new(1, HashMap::from([(5, 1), (9, 3), (11, 1)])),
        ] {
            assert_ne!(a.fingerprint, other.fingerprint, "{other:?}");
        }
        assert_eq!(a.activities_of(9), 3);
        assert_eq!(a.activities_of(7), 0);
    }
}
