//! The rows of the public search's pages kept in memory between searches.
//!
//! A result page shows twenty activities; reading them took two thirds of
//! a public search's CPU at 100,000 hobbies (`perf` of the hobby bench,
//! uncached pages: sqlx copying every column of every row into its own
//! buffers, the hand-over to SQLite's worker thread and back, the joins).
//! The pages families ask for overlap heavily (the first names of a list),
//! so each row read is kept, stamped with the versions it is at least as
//! new as, and used again while those versions hold.
//!
//! The stamp: the organisation's activity version (bumped in the same
//! transaction as every write to its activities, their places and breaks,
//! and the register entries that organise them) and the org tree's version
//! (the area codes a row shows). The versions are read before the rows
//! (see [`Store::public_versions`]), so a row is never older than its
//! stamp; a row is used only under exactly the stamp it was kept with.
//! Only the public pages' search, which passes the versions it read, uses
//! the rows kept here; the rest of Kasvu reads rows afresh.

use super::finder::{activity_of, ACTIVITY_COLUMNS, ACTIVITY_FROM};
use super::Activity;
use crate::support::db::Store;
use crate::support::error::Result;
use crate::support::watch::Stamp;
use kasvu_core::activity::ActivityStatus;
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use std::sync::Arc;

/// Most bytes of rows kept (by [`weight`]'s estimate).
const MAX_BYTES: u64 = 24 * 1024 * 1024;

/// What every row weighs besides its texts and times.
const FIXED: usize = 1024;
/// What one weekly slot, date or cancellation weighs besides its note: a
/// spec of 3–4 strings (their headers and small allocations) and its
/// parsed form in the schedule.
const PER_TIME: usize = 160;

#[derive(Clone)]
struct ByBytes;

impl Weighter<i64, (Stamp, Arc<Activity>)> for ByBytes {
    fn weight(&self, _id: &i64, v: &(Stamp, Arc<Activity>)) -> u64 {
        weight(&v.1)
    }
}

/// About how many bytes a row holds: its texts and times, and a fixed part
/// for the struct itself (~750 bytes) and the map's bookkeeping. An
/// estimate (no allocator is asked).
fn weight(a: &Activity) -> u64 {
    let s = &a.spec;
    let names = |n: &kasvu_core::Names| n.fi.len() + n.sv.len() + n.en.len();
    let texts = names(&s.name)
        + names(&s.description)
        + names(&s.signup)
        + names(&s.price)
        + names(&a.place_name)
        + s.languages
            .iter()
            .chain(&s.keywords)
            .map(String::len)
            .sum::<usize>()
        + [
            &s.organiser,
            &s.provider,
            &s.place,
            &s.location,
            &s.area,
            &s.season_start,
            &s.season_end,
            &s.info_url,
            &s.source_id,
            &a.organiser_name,
            &a.updated_by,
        ]
        .iter()
        .map(|t| t.len())
        .sum::<usize>();
    let notes: usize = s.cancellations.iter().map(|c| c.note.len()).sum();
    let times = s.slots.len() + s.dates.len() + s.cancellations.len();
    let times = times + a.schedule.slots.len() + a.schedule.dates.len();
    (FIXED + texts + notes + PER_TIME * times) as u64
}

/// The kept rows, by activity id.
pub(super) struct RowCache(Cache<i64, (Stamp, Arc<Activity>), ByBytes>);

impl Default for RowCache {
    fn default() -> RowCache {
        RowCache(Cache::with_weighter(4096, MAX_BYTES, ByBytes))
    }
}

impl Store {
    /// The published activities of `org_id` with these ids, in this order
    /// (an id that is no longer a published activity of the organisation is
    /// left out). With a stamp, rows kept under it are used and the others
    /// read and kept; without one, all are read. `slots` is the number of
    /// placeholders the statement has (ids are padded to it, so the one
    /// statement stays prepared).
    pub(super) async fn rows_by_id(
        &self,
        org_id: i64,
        ids: &[i64],
        slots: usize,
        stamp: Option<Stamp>,
    ) -> Result<Vec<Arc<Activity>>> {
        let cache = stamp.map(|_| self.caches.get::<RowCache>());
        let mut rows: Vec<Option<Arc<Activity>>> = ids
            .iter()
            .map(|id| {
                let (kept, a) = cache.as_ref()?.0.get(id)?;
                (Some(kept) == stamp).then_some(a)
            })
            .collect();
        let missing: Vec<i64> = ids
            .iter()
            .zip(&rows)
            .filter(|(_, r)| r.is_none())
            .map(|(id, _)| *id)
            .collect();
        if !missing.is_empty() {
            // By id alone, so the planner takes the primary key (with the
            // organisation and status in the condition SQLite preferred an
            // index on those and read every entry); both are checked below.
            // The ids are a VALUES list walked in order (`CROSS JOIN` keeps
            // it outermost in SQLite): `x.id IN (…)` made SQLite build and
            // free a temporary B-tree of the list for every statement, a
            // tenth of a search's CPU in a profile of the hobby bench. The
            // casts give PostgreSQL the list's type.
            let slots = slots.max(missing.len());
            let marks: Vec<String> = (1..=slots)
                .map(|i| format!("(CAST(${i} AS BIGINT))"))
                .collect();
            let sql = format!(
                "SELECT {ACTIVITY_COLUMNS} FROM (VALUES {}) AS ids CROSS JOIN {ACTIVITY_FROM} \
                 WHERE x.id = ids.column1",
                marks.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for i in 0..slots {
                query = query.bind(missing.get(i).copied().unwrap_or(-1));
            }
            for r in query.fetch_all(&self.pool).await? {
                let a = Arc::new(activity_of(&r)?);
                if let Some(slot) = ids.iter().position(|id| *id == a.id) {
                    if let (Some(cache), Some(stamp)) = (&cache, stamp) {
                        cache.0.insert(a.id, (stamp, a.clone()));
                    }
                    rows[slot] = Some(a);
                }
            }
        }
        Ok(rows
            .into_iter()
            .flatten()
            .filter(|a| a.org_id == org_id && a.status == ActivityStatus::Published)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ActivitySpec;

    fn activity() -> Activity {
        let spec: ActivitySpec = serde_json::from_value(serde_json::json!({
            "kind": "hobby", "category": "art", "name": {"fi": "Kuoro"}, "area": "a"
        }))
        .expect("a minimal spec");
        Activity {
            id: 1,
            org_id: 1,
            status: ActivityStatus::Published,
            spec,
            schedule: Default::default(),
            area_id: 1,
            cluster_id: None,
            unit_id: 1,
            organiser_id: None,
            place_name: Default::default(),
            organiser_name: String::new(),
            updated_at: 0,
            updated_by: String::new(),
        }
    }

    #[test]
    fn a_row_weighs_its_texts_and_times() {
        let base = weight(&activity());
        assert_eq!(base, FIXED as u64 + "Kuoro".len() as u64 + 1);
        let mut a = activity();
        a.spec.description.sv = "x".repeat(4000);
        a.spec.slots = vec![crate::SlotSpec {
            weekday: 1,
            starts: "17:00".into(),
            ends: "18:00".into(),
        }];
        a.spec.cancellations = vec![crate::CancelSpec {
            on: "2026-11-17".into(),
            note: "sairas".into(),
        }];
        assert_eq!(weight(&a), base + 4000 + 2 * PER_TIME as u64 + 6);
        // Far below the bound: tens of thousands of typical rows are kept.
        assert!(MAX_BYTES / base > 20_000);
    }
}
