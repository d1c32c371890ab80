//! The protected table of an indicator in an organisation: kasvu-core's
//! disclosure-control engine ([`kasvu_core::disclosure`]) applied to the
//! roll-ups, so that every route that serves a figure — pages, charts, the
//! API, exports, reports, comparisons — hides the same cells.
//!
//! Computed from the small cells outwards (a partial index finds them
//! without reading the table), one year at a time (no relation crosses a
//! year), cached per indicator, organisation and year until that year's
//! version in `protection_versions` moves (every write bumps the years it
//! touches, a tree change all). Only the years with small cells are read
//! (when whole years are read, the years where a unit without sub-units
//! has a small count); in a large organisation with few small cells only
//! each small cell's neighbourhood (its ancestors, children, and its
//! parent's subtree when that is small). A pattern found in a
//! neighbourhood adds up in the whole table, and when none is found the
//! whole table of those years is read and protected instead. The reading
//! and the protecting are in `protect_rows`.

use super::kept;
use super::protect_rows::{neighbourhood, NEIGHBOURHOOD_UNITS};
use super::rollup_rows::{add_leaf_rows, has_sub_units, leaf_values_json};
use super::*;
use std::collections::BTreeSet;

/// Where a cell is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct At {
    pub(super) unit: i64,
    pub(super) period: Period,
    pub(super) breakdown: Breakdown,
}

/// The hidden cells of an indicator's table in one organisation, by year
/// (no relation crosses a year, so each year is protected on its own and
/// a write re-protects only the years it touched).
#[derive(Debug, Default)]
pub struct Protected {
    years: HashMap<i32, Arc<Slice>>,
}

/// One year of a protected table.
#[derive(Debug, Default)]
pub struct Slice {
    pub(super) hidden: super::hidden::HiddenCells,
    pub(super) primary: usize,
}

impl Protected {
    /// Whether the cell is hidden.
    pub fn hides(&self, unit: i64, period: Period, breakdown: &Breakdown) -> bool {
        self.years
            .get(&period.year_number())
            .is_some_and(|s| s.hidden.contains(unit, period, breakdown))
    }

    /// How many cells are hidden for being small, and how many more to
    /// protect them.
    pub fn counts(&self) -> (usize, usize) {
        self.years.values().fold((0, 0), |(p, c), s| {
            (p + s.primary, c + s.hidden.len() - s.primary)
        })
    }
}

/// A large organisation with at most this many units with small cells
/// (in the years protected) is protected from their neighbourhoods; with
/// more, reading the whole years is cheaper than many small reads.
const NEIGHBOURHOOD_PRIMARIES: usize = 64;
/// The cap of the partial index `rollups_small` (migration 0020).
const SMALL_INDEX_CAP: f64 = 10.0;

/// The revision of how this module turns roll-ups into the table that
/// `kasvu_core::disclosure::protect` protects (`compute_slices`,
/// `protect_rows` — `neighbourhood`, `protect_read` — and
/// `linked_table::build_table`: which cells, which relations, which cells
/// are small) and of what the roll-ups hold. Protected years kept in
/// the database are used only under the same revision (see `kept`), so a
/// change here that can hide other cells must raise it. A migration that
/// changes roll-ups must bump `protection_versions` (as 0022 did) — that
/// also sets the kept years aside.
const KEPT_REVISION: u32 = 1;

/// The fingerprint a cached year is valid for: its data version, the
/// threshold and the aggregation.
type Stamp = (i64, u64, &'static str);

/// A protected year and the fingerprint it was filed under.
type Filed = (Stamp, Arc<Slice>);

/// (indicator, organisation, year).
type SliceKey = (i64, i64, i64);

/// Taken while a table is being protected.
type Flight = Arc<tokio::sync::Mutex<()>>;

/// Cached protected years.
#[derive(Default)]
pub struct ProtectionCache {
    entries: std::sync::Mutex<HashMap<SliceKey, Filed>>,
    /// One computation at a time per (indicator, organisation): a request
    /// that finds another protecting the same table waits for it and takes
    /// its years (at 10 M values a table takes seconds and tens of MB; the
    /// import's background protection and a dashboard would each compute).
    flights: std::sync::Mutex<HashMap<(i64, i64), Flight>>,
    /// How many times years were computed (for tests).
    computations: std::sync::atomic::AtomicUsize,
}

/// At most this many years are kept; beyond it the cache starts over.
const MAX_TABLES: usize = 65536;

impl ProtectionCache {
    fn get(&self, key: SliceKey, stamp: Stamp) -> Option<Arc<Slice>> {
        let e = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        e.get(&key)
            .filter(|(s, _)| *s == stamp)
            .map(|(_, p)| p.clone())
    }

    fn flight(&self, indicator_id: i64, org_id: i64) -> Flight {
        let mut f = self
            .flights
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(f.entry((indicator_id, org_id)).or_default())
    }

    fn put(&self, key: SliceKey, stamp: Stamp, p: Arc<Slice>) {
        let mut e = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if e.len() >= MAX_TABLES {
            e.clear();
        }
        e.insert(key, (stamp, p));
    }
}

/// SQL matching the periods of the given years (codes start with the year).
pub(super) fn years_sql(years: &BTreeSet<i32>) -> String {
    let parts: Vec<String> = years
        .iter()
        .map(|y| format!("(period >= '{y}' AND period < '{}')", y + 1))
        .collect();
    if parts.is_empty() {
        "1 = 0".into()
    } else {
        format!("({})", parts.join(" OR "))
    }
}

/// `years_sql` for the values of units without sub-units read by unit
/// (`d.unit_id IN …` or of an organisation): each unit's values of the
/// indicator read in the table's key order. Without the `+`, SQLite chose
/// the index on indicator and period, which reads the whole year of the
/// indicator with a look-up in the table per value (a year of 10,000
/// values: 56 against 26 ms; for 400 candidate units it read all 97,000
/// of a year at 10 M, and re-protecting a year after a write took 1.4 s
/// instead of ~0.4). Value and count added to that index instead made a
/// 10 M import's `data_values` upsert 2.5 times slower. PostgreSQL has no
/// unary `+` for text, and plans these itself.
pub(super) fn leaf_years(backend: crate::support::db::Backend, years: &BTreeSet<i32>) -> String {
    match backend {
        crate::support::db::Backend::Sqlite => years_sql(years).replace("period", "+d.period"),
        crate::support::db::Backend::Postgres => years_sql(years).replace("period", "d.period"),
    }
}

pub(super) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

impl Store {
    /// The protected table of a (non-ratio) indicator in an organisation;
    /// empty for indicators that count activities. Ratios are protected
    /// through their numerator's and denominator's tables.
    pub async fn protection(&self, ind: &Indicator, org_id: i64) -> Result<Arc<Protected>> {
        if ind.spec.is_ratio() || ind.spec.threshold(self.threshold) <= 0.0 {
            return Ok(Arc::new(Protected::default()));
        }
        let mut conn = self.pool.acquire().await?;
        let versions = data_versions(&mut conn, ind.id).await?;
        self.protection_with(&mut conn, ind, org_id, &versions)
            .await
    }

    /// [`Store::protection`] on a connection the caller holds, given the
    /// indicator's year versions (read before, see [`all_data_versions`]).
    pub(super) async fn protection_with(
        &self,
        conn: &mut AnyConnection,
        ind: &Indicator,
        org_id: i64,
        versions: &HashMap<i64, i64>,
    ) -> Result<Arc<Protected>> {
        if ind.spec.is_ratio() || ind.spec.threshold(self.threshold) <= 0.0 {
            return Ok(Arc::new(Protected::default()));
        }
        let cache = self.protection_cache();
        let stamp =
            |v: i64| -> Stamp { (v, self.threshold.to_bits(), ind.spec.aggregation.code()) };
        let mut years: HashMap<i32, Arc<Slice>> = HashMap::new();
        let mut missing: BTreeSet<i32> = BTreeSet::new();
        for (y, v) in versions {
            match cache.get((ind.id, org_id, *y), stamp(*v)) {
                Some(s) => {
                    years.insert(*y as i32, s);
                }
                None => {
                    missing.insert(*y as i32);
                }
            }
        }
        if missing.is_empty() {
            return Ok(Arc::new(Protected { years }));
        }
        let flight = cache.flight(ind.id, org_id);
        let _turn = flight.lock().await;
        // What another request protected while this one waited.
        missing.retain(|y| {
            let key = (ind.id, org_id, i64::from(*y));
            match versions
                .get(&i64::from(*y))
                .and_then(|v| cache.get(key, stamp(*v)))
            {
                Some(s) => {
                    years.insert(*y, s);
                    false
                }
                None => true,
            }
        });
        if missing.is_empty() {
            return Ok(Arc::new(Protected { years }));
        }
        let kept_stamp = self.kept_stamp(ind);
        {
            // Years kept in the database at their current version (by an
            // earlier run of the server or another node).
            let wanted: Vec<(i32, i64)> = missing
                .iter()
                .filter_map(|y| Some((*y, *versions.get(&i64::from(*y))?)))
                .collect();
            for (y, v, slice) in kept::read_kept(conn, ind.id, org_id, &kept_stamp, &wanted).await?
            {
                if missing.contains(&y) && versions.get(&i64::from(y)) == Some(&v) {
                    let slice = Arc::new(slice);
                    cache.put((ind.id, org_id, i64::from(y)), stamp(v), slice.clone());
                    years.insert(y, slice);
                    missing.remove(&y);
                }
            }
        }
        if !missing.is_empty() {
            cache
                .computations
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut computed = self.compute_slices(conn, ind, org_id, &missing).await?;
            // Filed only when no write came in between (it would be
            // computed from data newer than its version says).
            let after = data_versions(conn, ind.id).await?;
            let computed_years = missing.len();
            let mut keep = Vec::new();
            for y in missing {
                let slice = Arc::new(computed.remove(&y).unwrap_or_default());
                let before = versions.get(&i64::from(y));
                if before.is_some() && before == after.get(&i64::from(y)) {
                    if let Some(v) = before {
                        cache.put((ind.id, org_id, i64::from(y)), stamp(*v), slice.clone());
                        keep.push((y, *v, slice.clone()));
                    }
                }
                years.insert(y, slice);
            }
            let all_filed = keep.len() == computed_years;
            self.keep_protected(ind.id, org_id, kept_stamp, keep, all_filed);
        }
        Ok(Arc::new(Protected { years }))
    }

    /// What a protected year kept in the database is valid for besides its
    /// version: the engine's revision, the threshold, the aggregation and
    /// the settings that choose between protecting the whole table and a
    /// small cell's neighbourhood (both are safe, but they can hide
    /// different cells, and two protections of one table together may
    /// reveal what each hides).
    fn kept_stamp(&self, ind: &Indicator) -> String {
        format!(
            "engine {}/{KEPT_REVISION} threshold {:016x} aggregation {} whole-table units {} \
             neighbourhood {NEIGHBOURHOOD_PRIMARIES}/{NEIGHBOURHOOD_UNITS}",
            kasvu_core::disclosure::REVISION,
            self.threshold.to_bits(),
            ind.spec.aggregation.code(),
            self.whole_table_units,
        )
    }

    /// Protects the given years: from their small cells, found through the
    /// partial index, outwards.
    async fn compute_slices(
        &self,
        conn: &mut AnyConnection,
        ind: &Indicator,
        org_id: i64,
        years: &BTreeSet<i32>,
    ) -> Result<HashMap<i32, Slice>> {
        let t = self.threshold;
        let cap = if t <= SMALL_INDEX_CAP {
            " AND r.basis < 10"
        } else {
            ""
        };
        let in_years = years_sql(years).replace("period", "r.period");
        let small = sqlx::query(&format!(
            "SELECT r.unit_id, r.period FROM rollups r JOIN org_units u ON u.id = r.unit_id \
             WHERE r.indicator_id = $1 AND r.basis_n = r.n AND r.n > 0{cap} AND r.basis < $2 \
             AND u.org_id = $3 AND {in_years}"
        ))
        .bind(ind.id)
        .bind(t)
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut primary_units: BTreeSet<i64> = BTreeSet::new();
        let mut small_years: BTreeSet<i32> = BTreeSet::new();
        for r in &small {
            let p: String = r.try_get("period")?;
            let p = Period::parse(&p).map_err(|e| StoreError::Corrupt(format!("period: {e}")))?;
            primary_units.insert(r.try_get("unit_id")?);
            small_years.insert(p.year_number());
        }
        // Units without sub-units have no stored rows: a cell of theirs is
        // small only if one of its counts is (counts sum to it), so the
        // units with a small count (partial index `data_values_small`) are
        // the candidates, and their cells are summed to find which are —
        // unless whole years are protected anyway.
        let d_cap = if t <= SMALL_INDEX_CAP {
            " AND d.count < 10"
        } else {
            ""
        };
        let d_years = years_sql(years).replace("period", "d.period");
        let leaf_in_years = leaf_years(self.backend(), years);
        let candidates: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT DISTINCT d.unit_id, substr(d.period, 1, 4) FROM data_values d \
             JOIN org_units u ON u.id = d.unit_id \
             WHERE d.indicator_id = $1 AND d.count < $2{d_cap} AND u.org_id = $3 AND {d_years} \
             AND NOT {}",
            has_sub_units("d.unit_id")
        ))
        .bind(ind.id)
        .bind(t)
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
        let candidate_years = candidates
            .iter()
            .map(|(_, y)| {
                y.parse::<i32>()
                    .map_err(|e| StoreError::Corrupt(format!("period {y}…: {e}")))
            })
            .collect::<Result<BTreeSet<i32>>>()?;
        let candidates: BTreeSet<i64> = candidates.into_iter().map(|(u, _)| u).collect();
        let candidates: Vec<i64> = candidates.into_iter().collect();
        let org_size: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(&mut *conn)
            .await?;
        // Whole years, or only the small cells' neighbourhoods.
        let whole_years = |primaries: usize| {
            org_size <= self.whole_table_units || primaries > NEIGHBOURHOOD_PRIMARIES
        };
        for chunk in candidates.chunks(400) {
            if whole_years(primary_units.len()) {
                // Which of the rest are small decides nothing more: whole
                // years are protected, and a candidate's years are taken
                // as if they had a small cell (a year without one hides
                // nothing). At 10 M values summing every candidate's cells
                // was a quarter of a table's protection from cold.
                small_years.extend(&candidate_years);
                break;
            }
            let json: String = sqlx::query_scalar(&leaf_values_json(
                self.backend(),
                &format!(
                    "d.indicator_id = $1 AND d.unit_id IN ({}) AND {leaf_in_years}",
                    id_list(chunk)
                ),
            ))
            .bind(ind.id)
            .fetch_one(&mut *conn)
            .await?;
            let mut cells = Vec::new();
            add_leaf_rows(&json, ind.spec.aggregation == Aggregation::Last, &mut cells)?;
            for c in cells {
                if c.acc.basis_n == c.acc.n && c.acc.n > 0 && c.acc.basis < t {
                    primary_units.insert(c.unit);
                    small_years.insert(c.period.year_number());
                }
            }
        }
        if small_years.is_empty() {
            return Ok(HashMap::new());
        }
        if !whole_years(primary_units.len()) {
            let units = neighbourhood(conn, &primary_units).await?;
            let p = self.protect_units(conn, ind, &units, &small_years).await?;
            if let Some(p) = p {
                return Ok(p);
            }
        }
        self.protect_whole_years(conn, ind, org_id, &small_years)
            .await
    }
}

/// The year versions of every indicator, by indicator (one query for a
/// dashboard's many indicators).
pub(super) async fn all_data_versions(
    conn: &mut AnyConnection,
) -> Result<HashMap<i64, HashMap<i64, i64>>> {
    let rows: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT indicator_id, year, version FROM protection_versions")
            .fetch_all(&mut *conn)
            .await?;
    let mut out: HashMap<i64, HashMap<i64, i64>> = HashMap::new();
    for (i, y, v) in rows {
        out.entry(i).or_default().insert(y, v);
    }
    Ok(out)
}

/// The data version of each year of an indicator.
async fn data_versions(conn: &mut AnyConnection, indicator_id: i64) -> Result<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT year, version FROM protection_versions WHERE indicator_id = $1")
            .bind(indicator_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().collect())
}

impl Store {
    /// This store's cache of protected tables.
    fn protection_cache(&self) -> Arc<ProtectionCache> {
        self.caches.get()
    }

    /// How many times this store computed protected years (rather than
    /// finding them cached or kept).
    #[cfg(feature = "testing")]
    pub fn protection_computations_for_tests(&self) -> usize {
        self.protection_cache()
            .computations
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}
