//! A cache of what pages read most — the indicator catalogue and each
//! unit's dashboard series — keyed by the database's `measure_version`.
//!
//! Every transaction that changes roll-ups or the catalogue bumps the
//! version as its last statement, so the change and the new version commit
//! together. A reader first reads the version, then the data: the data is
//! at least as new as the version it is filed under, and an entry is used
//! only while the version is still the one it was filed under. So a cached
//! figure is never older than the last committed write, in any process that
//! shares the database — one cheap query per request instead of decoding
//! thousands of roll-up rows.

use crate::measure::indicators::Indicator;
use crate::measure::Observation;
use crate::support::db::Store;
use crate::support::error::Result;
use kasvu_core::Period;
use sqlx::AnyConnection;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Every indicator's series at one unit (total breakdown), by indicator id.
pub type UnitSeries = HashMap<i64, Vec<(Period, Observation)>>;

/// At most this many units' series are kept; beyond it the cache starts over.
const MAX_UNITS: usize = 4096;

#[derive(Default)]
pub struct MeasureCache {
    inner: Mutex<Entries>,
    /// Held while a missing entry is computed, so that after a write the
    /// concurrent requests for a dashboard compute it once, not once each
    /// (on two cores, eight at once made every one of them slow).
    pub(crate) filling: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Entries {
    version: i64,
    catalogue: Option<Arc<Vec<Indicator>>>,
    series: HashMap<i64, Arc<UnitSeries>>,
}

impl MeasureCache {
    /// The entries of `version`: a newer version starts the cache over; an
    /// older one (a request that read the version just before a write) gets
    /// `None` and leaves the newer entries alone.
    fn entries(&self, version: i64) -> Option<std::sync::MutexGuard<'_, Entries>> {
        // A panic while holding the lock leaves plain data; go on with it.
        let mut e = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if version > e.version {
            *e = Entries {
                version,
                ..Default::default()
            };
        }
        (version == e.version).then_some(e)
    }

    pub fn catalogue(&self, version: i64) -> Option<Arc<Vec<Indicator>>> {
        self.entries(version)?.catalogue.clone()
    }

    pub fn put_catalogue(&self, version: i64, c: Arc<Vec<Indicator>>) {
        if let Some(mut e) = self.entries(version) {
            e.catalogue = Some(c);
        }
    }

    pub fn series(&self, version: i64, unit_id: i64) -> Option<Arc<UnitSeries>> {
        self.entries(version)?.series.get(&unit_id).cloned()
    }

    pub fn put_series(&self, version: i64, unit_id: i64, s: Arc<UnitSeries>) {
        if let Some(mut e) = self.entries(version) {
            if e.series.len() >= MAX_UNITS {
                e.series.clear();
            }
            e.series.insert(unit_id, s);
        }
    }
}

/// The current version (read before the data it guards).
pub(crate) async fn version(conn: &mut AnyConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT version FROM measure_version WHERE id = 1")
            .fetch_one(conn)
            .await?,
    )
}

/// Bumps the version; the last statement of a transaction that changes
/// roll-ups or the catalogue (so its row lock is held only until commit).
pub(crate) async fn bump(conn: &mut AnyConnection) -> Result<()> {
    sqlx::query("UPDATE measure_version SET version = version + 1 WHERE id = 1")
        .execute(conn)
        .await?;
    Ok(())
}

impl Store {
    /// This store's measure cache.
    pub(crate) fn measure_cache(&self) -> Arc<MeasureCache> {
        self.caches.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_newest_version_is_kept() {
        let c = MeasureCache::default();
        c.put_series(2, 7, Arc::new(UnitSeries::new()));
        assert!(c.series(2, 7).is_some());
        // A request that saw version 1 before the write misses, and does
        // not throw away version 2's entries.
        assert!(c.series(1, 7).is_none());
        c.put_series(1, 8, Arc::new(UnitSeries::new()));
        assert!(c.series(2, 7).is_some());
        assert!(c.series(2, 8).is_none());
        // A newer version starts over.
        assert!(c.series(3, 7).is_none());
        assert!(c.series(2, 7).is_none());
    }
}
