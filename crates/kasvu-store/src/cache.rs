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

use crate::error::Result;
use crate::indicators::Indicator;
use crate::measure::Observation;
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
}

#[derive(Default)]
struct Entries {
    version: i64,
    catalogue: Option<Arc<Vec<Indicator>>>,
    series: HashMap<i64, Arc<UnitSeries>>,
}

impl MeasureCache {
    fn entries(&self, version: i64) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves plain data; go on with it.
        let mut e = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if e.version != version {
            *e = Entries {
                version,
                ..Default::default()
            };
        }
        e
    }

    pub fn catalogue(&self, version: i64) -> Option<Arc<Vec<Indicator>>> {
        self.entries(version).catalogue.clone()
    }

    pub fn put_catalogue(&self, version: i64, c: Arc<Vec<Indicator>>) {
        self.entries(version).catalogue = Some(c);
    }

    pub fn series(&self, version: i64, unit_id: i64) -> Option<Arc<UnitSeries>> {
        self.entries(version).series.get(&unit_id).cloned()
    }

    pub fn put_series(&self, version: i64, unit_id: i64, s: Arc<UnitSeries>) {
        let mut e = self.entries(version);
        if e.series.len() >= MAX_UNITS {
            e.series.clear();
        }
        e.series.insert(unit_id, s);
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
