//! Protected years kept in the database (`kept_protection`, migration
//! 0037), so that a restarted server, or another node of the same database,
//! serves them without protecting the whole table again: at 10 M values the
//! first dashboard after a start protected 20 indicators from cold for over
//! half a minute, and on a slow machine passed the request timeout.
//!
//! A kept year is used only under the version of that year it was computed
//! at (see `protection`: versions only grow; every write into the year and
//! every move of a unit bumps them — adding a unit does not, and the years
//! kept stay safe then: the new unit has no figures) and under the same
//! stamp — the revisions of the method, the threshold, the aggregation and
//! every setting that decides what is hidden.
//!
//! Years are kept in the background, after the request that protected them
//! has its answer: a commit on the request path would have added to every
//! write-to-visible read. A year is written only while its version is still
//! the current one, and only when that costs no long waiting: when no
//! pooled connection comes free within 2 s, another write of this process
//! holds the write lock for more than 2 s (an import, say), or another
//! process holds SQLite's (or another node the row on PostgreSQL) for more
//! than 100 ms, the year is simply not kept this time. The keeping runs on
//! the caller's Tokio runtime (as every caller of the store has one). A kept row whose
//! text cannot be read is computed afresh.

use super::protection::{At, Slice};
use super::*;
use crate::support::db::{Backend, BUSY_TIMEOUT_MS};
use std::collections::BTreeSet;

/// One hidden cell as kept: unit, sex, grade, age group and period, in the
/// codes the roll-ups store.
type KeptCell = (i64, String, String, String, String);

/// The hidden cells of a year as one JSON text.
fn encode(slice: &Slice) -> Result<String> {
    let cells: Vec<(i64, &str, String, String, String)> = slice
        .hidden
        .iter()
        .map(|a| {
            (
                a.unit,
                a.breakdown.sex.code(),
                a.breakdown.grade_code(),
                a.breakdown.age_code().to_owned(),
                a.period.code(),
            )
        })
        .collect();
    serde_json::to_string(&cells)
        .map_err(|e| StoreError::Corrupt(format!("protected cells as JSON: {e}")))
}

/// A kept year's cells read back; `None` when the text is not what
/// [`encode`] writes for that year (a cell of another year would be
/// looked for under that year and never hidden).
fn decode(year: i32, primary: i64, text: &str) -> Option<Slice> {
    let cells: Vec<KeptCell> = serde_json::from_str(text).ok()?;
    let mut hidden = Vec::with_capacity(cells.len());
    for (unit, sex, grade, age, period) in cells {
        let period = Period::parse(&period).ok()?;
        if period.year_number() != year {
            return None;
        }
        hidden.push(At {
            unit,
            period,
            breakdown: Breakdown::from_codes(&sex, &grade, age).ok()?,
        });
    }
    let hidden: super::hidden::HiddenCells = hidden.into_iter().collect();
    let primary = usize::try_from(primary).ok()?;
    // More small cells than hidden ones cannot be (and would break the
    // counts); repeated cells in the text could make it so.
    (primary <= hidden.len()).then_some(Slice { hidden, primary })
}

/// The kept years of an indicator in an organisation under `stamp` that
/// were computed at the wanted (year, version)s: (year, version, cells).
pub(super) async fn read_kept(
    conn: &mut AnyConnection,
    indicator_id: i64,
    org_id: i64,
    stamp: &str,
    wanted: &[(i32, i64)],
) -> Result<Vec<(i32, i64, Slice)>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    // Integers only, so they are written into the statement.
    let which: Vec<String> = wanted
        .iter()
        .map(|(y, v)| format!("(year = {y} AND version = {v})"))
        .collect();
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!(
        "SELECT year, version, primary_cells, hidden FROM kept_protection \
         WHERE indicator_id = $1 AND org_id = $2 AND stamp = $3 AND ({})",
        which.join(" OR ")
    ))
    .bind(indicator_id)
    .bind(org_id)
    .bind(stamp)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(year, version, primary, text)| {
            let year = i32::try_from(year).ok()?;
            Some((year, version, decode(year, primary, &text)?))
        })
        .collect())
}

/// The tasks keeping protected years, per store (so that tests and the
/// benchmark can wait for them).
#[derive(Default)]
pub(crate) struct Keeping {
    running: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// One protection ahead at a time ([`Store::protect_ahead_in_background`]),
    /// and what the one waiting to start will cover, if one waits.
    pass: Arc<tokio::sync::Mutex<()>>,
    queued: Arc<std::sync::Mutex<Option<ProtectScope>>>,
}

tokio::task_local! {
    /// Set while a protection ahead runs: the keeps it starts count the
    /// ones they give up here, so that the pass reports its own and not
    /// those of requests served meanwhile.
    static PASS_GIVEN_UP: Arc<std::sync::atomic::AtomicUsize>;
}

/// Which tables a protection ahead covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtectScope {
    /// Every people-counting indicator in every organisation: after a unit
    /// moved (which sets every kept year aside) or on request.
    Everything,
    /// These indicators, in every organisation (an import touched them; a
    /// year's version is per indicator, so a write in one organisation sets
    /// the year aside in all).
    Indicators(BTreeSet<i64>),
}

impl ProtectScope {
    /// What two passes asked for cover together.
    fn merge(&mut self, other: ProtectScope) {
        match (self, other) {
            (ProtectScope::Everything, _) => {}
            (this, ProtectScope::Everything) => *this = ProtectScope::Everything,
            (ProtectScope::Indicators(mine), ProtectScope::Indicators(theirs)) => {
                mine.extend(theirs)
            }
        }
    }

    fn covers(&self, indicator_id: i64) -> bool {
        match self {
            ProtectScope::Everything => true,
            ProtectScope::Indicators(ids) => ids.contains(&indicator_id),
        }
    }
}

/// What [`Store::protect_ahead`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtectedAhead {
    /// Tables (indicator × organisation) protected or found kept.
    pub tables: usize,
    /// Tables that could not be protected, or whose years this pass
    /// computed and could not keep (the database busy too long, a write
    /// into the year meanwhile, or an error): the server protects those
    /// when first asked. A table that another request protected meanwhile
    /// (this pass waited and took its years) counts as kept: whether that
    /// request's keep succeeded is not seen here.
    pub not_kept: usize,
}

impl Store {
    /// Keeps protected years — (year, the version computed at, its cells)
    /// — in the background (see the module's comment). Failing to keep
    /// them changes nothing but a later start's time, so their errors are
    /// not the caller's. `all_computed`: whether these are all the years
    /// computed (a year written into meanwhile is not kept, and a pass
    /// counts its table as not kept).
    pub(super) fn keep_protected(
        &self,
        indicator_id: i64,
        org_id: i64,
        stamp: String,
        years: Vec<(i32, i64, Arc<Slice>)>,
        all_computed: bool,
    ) {
        let mut pass = PASS_GIVEN_UP.try_with(Arc::clone).ok();
        if !all_computed {
            if let Some(given_up) = pass.take() {
                given_up.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        if years.is_empty() {
            return;
        }
        let store = self.clone();
        let keeping: Arc<Keeping> = self.caches.get();
        let task = tokio::spawn(async move {
            let kept = store.try_keep(indicator_id, org_id, &stamp, &years).await;
            if !matches!(kept, Ok(true)) {
                if let Some(given_up) = pass {
                    given_up.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        });
        let mut running = keeping
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        running.retain(|t| !t.is_finished());
        running.push(task);
    }

    /// Protects the people-counting tables `ahead` names, in every
    /// organisation, and waits until their years are kept, so that a server
    /// started afterwards — or the next dashboard — finds them ready instead
    /// of protecting from cold (about a minute for every table at 10 M
    /// values on the benchmark's machine). Years already protected at their
    /// current version are only read, so the first run after an upgrade
    /// protects its tables whole and later ones only the years that changed.
    /// `progress(done, total)` is told after each table.
    pub async fn protect_ahead(
        &self,
        ahead: &ProtectScope,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<ProtectedAhead> {
        let given_up = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let protected = PASS_GIVEN_UP
            .scope(Arc::clone(&given_up), self.protect_each(ahead, progress))
            .await;
        // Settled on failure too: a process that ends next would cut the
        // keeps already under way short.
        self.kept_protection_settled().await;
        let (tables, failed) = protected?;
        Ok(ProtectedAhead {
            tables,
            not_kept: failed + given_up.load(std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// [`Store::protect_ahead`] in the background (after an import through
    /// the web pages, or a unit's move): one pass at a time for the whole
    /// store; what is asked for while a pass waits to start is added to
    /// that pass.
    pub fn protect_ahead_in_background(&self, ahead: ProtectScope) {
        if tokio::runtime::Handle::try_current().is_err() {
            // Not in a runtime (never so in Kasvu): a pass that could not
            // be spawned must not stay queued.
            return;
        }
        let keeping: Arc<Keeping> = self.caches.get();
        {
            let mut queued = keeping
                .queued
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(waiting) = queued.as_mut() {
                waiting.merge(ahead);
                return;
            }
            *queued = Some(ahead);
        }
        let (store, pass, queued) = (
            self.clone(),
            Arc::clone(&keeping.pass),
            Arc::clone(&keeping.queued),
        );
        tokio::spawn(async move {
            let _turn = pass.lock().await;
            // From here on what is asked for needs a pass of its own.
            let ahead = queued
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            if let Some(ahead) = ahead {
                let _ = store.protect_ahead(&ahead, &mut |_, _| {}).await;
            }
        });
    }

    /// Protects each table in turn: (tables, those that failed). A table
    /// that fails (a pool timeout under load, say) does not stop the rest.
    async fn protect_each(
        &self,
        ahead: &ProtectScope,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<(usize, usize)> {
        let indicators: Vec<Indicator> = self
            .indicators()
            .await?
            .into_iter()
            .filter(|i| {
                ahead.covers(i.id) && !i.spec.is_ratio() && i.spec.threshold(self.threshold) > 0.0
            })
            .collect();
        let orgs = if indicators.is_empty() {
            Vec::new()
        } else {
            self.organisations().await?
        };
        let total = indicators.len() * orgs.len();
        let (mut done, mut failed) = (0, 0);
        for org in &orgs {
            for ind in &indicators {
                if self.protection(ind, org.org_id).await.is_err() {
                    failed += 1;
                }
                done += 1;
                progress(done, total);
            }
        }
        Ok((total, failed))
    }

    /// Waits until the protected years being kept have been written or
    /// given up.
    pub async fn kept_protection_settled(&self) {
        let keeping: Arc<Keeping> = self.caches.get();
        let tasks = std::mem::take(
            &mut *keeping
                .running
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        for t in tasks {
            let _ = t.await;
        }
    }

    /// Writes the years unless that means waiting long (see the module's
    /// comment): whether they were written.
    async fn try_keep(
        &self,
        indicator_id: i64,
        org_id: i64,
        stamp: &str,
        years: &[(i32, i64, Arc<Slice>)],
    ) -> Result<bool> {
        // Other keeps and short writes are waited for, a long import not.
        let wait = std::time::Duration::from_secs(2);
        let Some(mut write) = self.skippable_write(wait).await? else {
            return Ok(false);
        };
        let conn = &mut write.conn;
        let sqlite = self.backend() == Backend::Sqlite;
        // Waiting for another process's write (a long import from the
        // command line, say) would hold this process's writers back, as
        // the write lock is held: keeping is given up after a moment.
        if sqlite {
            sqlx::query("PRAGMA busy_timeout = 100")
                .execute(&mut **conn)
                .await?;
        }
        let kept = keep_on(conn, sqlite, indicator_id, org_id, stamp, years).await;
        if sqlite {
            let restored = sqlx::query(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"))
                .execute(&mut **conn)
                .await;
            if restored.is_err() {
                // Not given back to the pool with the short timeout.
                conn.close_on_drop();
            }
        }
        kept.map(|()| true)
    }
}

/// Writes the kept years in one transaction on `conn`.
async fn keep_on(
    conn: &mut AnyConnection,
    sqlite: bool,
    indicator_id: i64,
    org_id: i64,
    stamp: &str,
    years: &[(i32, i64, Arc<Slice>)],
) -> Result<()> {
    use sqlx::Connection;
    let mut tx = if sqlite {
        conn.begin_with("BEGIN IMMEDIATE").await?
    } else {
        let mut tx = conn.begin().await?;
        // The same on PostgreSQL: another node keeping the same year.
        sqlx::query("SET LOCAL lock_timeout = 100")
            .execute(&mut *tx)
            .await?;
        tx
    };
    for (year, version, slice) in years {
        // Only while the version is still the year's current one: a write
        // that came after the computation has bumped it.
        sqlx::query(
            "INSERT INTO kept_protection \
             (indicator_id, org_id, year, version, stamp, primary_cells, hidden) \
             SELECT $1, $2, $3, $4, $5, $6, $7 FROM protection_versions \
             WHERE indicator_id = $1 AND year = $3 AND version = $4 \
             ON CONFLICT (indicator_id, org_id, year, stamp) DO UPDATE SET \
             version = excluded.version, \
             primary_cells = excluded.primary_cells, hidden = excluded.hidden \
             WHERE kept_protection.version <= excluded.version",
        )
        .bind(indicator_id)
        .bind(org_id)
        .bind(i64::from(*year))
        .bind(*version)
        .bind(stamp)
        .bind(i64::try_from(slice.primary).unwrap_or(i64::MAX))
        .bind(encode(slice)?)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_year_reads_back_as_it_was() {
        let at = |unit, period: &str, breakdown| At {
            unit,
            period: Period::parse(period).expect("a period"),
            breakdown,
        };
        let slice = Slice {
            hidden: [
                at(7, "202401", Breakdown::total()),
                at(
                    8,
                    "2024Q1",
                    Breakdown {
                        sex: Sex::Female,
                        grade: Some(9),
                        age_group: Some("7\u{2013}12 \"x\"".into()),
                    },
                ),
                at(9, "2024S2", Breakdown::sex(Sex::Male)),
            ]
            .into_iter()
            .collect(),
            primary: 2,
        };
        let text = encode(&slice).expect("encoded");
        let back = decode(2024, 2, &text).expect("decoded");
        assert_eq!(back.hidden, slice.hidden);
        assert_eq!(back.primary, 2);
        let empty = encode(&Slice::default()).expect("encoded");
        assert!(decode(2024, 0, &empty).expect("decoded").hidden.is_empty());
        for bad in [
            "",
            "{}",
            r#"[[7,"nobody","","","2024"]]"#,
            r#"[[7,"total","","","2024x"]]"#,
            r#"[[7,"total","x","","2024"]]"#,
        ] {
            assert!(decode(2024, 1, bad).is_none(), "{bad}");
        }
        assert!(decode(2024, -1, &empty).is_none(), "a negative count");
        assert!(
            decode(2024, 4, &text).is_none(),
            "more small cells than hidden"
        );
        let twice = r#"[[7,"total","","","2024"],[7,"total","","","2024"]]"#;
        assert!(decode(2024, 2, twice).is_none(), "one cell named twice");
        assert_eq!(decode(2024, 1, twice).map(|s| s.hidden.len()), Some(1));
        assert!(decode(2025, 2, &text).is_none(), "cells of another year");
    }
}
