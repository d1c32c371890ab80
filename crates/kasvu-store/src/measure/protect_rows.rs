//! Reading the rows of a table that `protection` protects — whole years of
//! an organisation, or the units around its small cells — and protecting
//! them.
//!
//! The protecting (parsing the rows, building the linked table, the engine)
//! runs on tokio's blocking threads, not on the server's request workers,
//! and while one year is protected the next is read. Measured on the
//! benchmark's first dashboard from cold at 10 M values (every table of 20
//! indicators protected at once, 42 s), the database's worker thread and
//! the request's thread each took about half of the time, one after the
//! other; and a year protected on a request worker (~0.4 s of CPU) took
//! that worker from the other requests meanwhile (the server has one a
//! core).

use super::linked_table::build_table;
use super::protection::{id_list, leaf_years, years_sql, At, Slice};
use super::rollup_rows::{add_leaf_rows, all_rows, leaf_values_json, row_of, RollupRow, RowsSeed};
use super::*;
use kasvu_core::disclosure::protect;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// A parent subtree this size or smaller is read around a small cell.
pub(super) const NEIGHBOURHOOD_UNITS: i64 = 600;

/// How many years are protected at once in this process: one a core, as
/// many as the request workers that protected them before (each holds
/// tens of MB at its peak at 10 M values). It bounds the engines, not what
/// is read ahead for them (a year's JSON text per table being protected).
static ENGINES: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    Arc::new(Semaphore::new(
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
    ))
});

/// The years protected from what was read (`None`: the units read were
/// not enough, see [`kasvu_core::disclosure::Protection::needs_full_table`]).
type Years = Option<HashMap<i32, Slice>>;

/// A protection under way on a blocking thread.
type Protecting = tokio::task::JoinHandle<Result<Years>>;

/// The organisation's tree as the linked table needs it: each unit's
/// parent, and how many children each unit has in the whole tree.
#[derive(Default)]
struct Tree {
    parent: HashMap<i64, Option<i64>>,
    children: HashMap<i64, i64>,
}

/// Rows as read, before they are parsed.
enum Read {
    /// Whole years of an organisation: its stored roll-up rows and the
    /// values of its units without sub-units, each as one JSON array
    /// (decoding hundreds of thousands of rows one by one through sqlx's
    /// `Any` driver costs ~3 µs a row, a single text value a fraction).
    Whole { rollups: String, leaves: String },
    /// The rows of some units.
    Units(Vec<RollupRow>),
}

impl Store {
    /// Protects whole years of the organisation's table, one at a time
    /// (they are independent, and a large table read whole holds several
    /// times its size while it is protected), each year read while the one
    /// before is protected: two years are held at once, the one protected
    /// and the next as read (its JSON text).
    pub(super) async fn protect_whole_years(
        &self,
        conn: &mut AnyConnection,
        ind: &Indicator,
        org_id: i64,
        years: &BTreeSet<i32>,
    ) -> Result<HashMap<i32, Slice>> {
        let tree = Arc::new(read_tree(conn, org_id).await?);
        let dropped = Dropped::default();
        let mut out = HashMap::new();
        let mut before: Option<Protecting> = None;
        for y in years {
            let read = self.read_whole(conn, ind, org_id, *y).await?;
            if let Some(task) = before.take() {
                out.extend(protected(task).await?.unwrap_or_default());
            }
            let task = self
                .start_protecting(ind, read, Arc::clone(&tree), dropped.flag())
                .await;
            before = Some(task);
        }
        if let Some(task) = before {
            out.extend(protected(task).await?.unwrap_or_default());
        }
        Ok(out)
    }

    /// Protects the table of `years` read for `units` alone; `None` when
    /// that was not enough.
    pub(super) async fn protect_units(
        &self,
        conn: &mut AnyConnection,
        ind: &Indicator,
        units: &BTreeSet<i64>,
        years: &BTreeSet<i32>,
    ) -> Result<Years> {
        let cols =
            "r.unit_id, r.sex, r.grade, r.age_group, r.period, r.total, r.n, r.basis, r.basis_n";
        let in_years = years_sql(years).replace("period", "r.period");
        let mut rows: Vec<RollupRow> = Vec::new();
        let mut tree = Tree::default();
        let ids: Vec<i64> = units.iter().copied().collect();
        for chunk in ids.chunks(400) {
            let list = id_list(chunk);
            let rows_of = all_rows(
                &format!("r.indicator_id = $1 AND r.unit_id IN ({list}) AND {in_years}"),
                &format!(
                    "d.indicator_id = $1 AND d.unit_id IN ({list}) AND {}",
                    leaf_years(self.backend(), years)
                ),
            );
            for r in sqlx::query(&format!("SELECT {cols} FROM ({rows_of}) r WHERE r.n > 0"))
                .bind(ind.id)
                .fetch_all(&mut *conn)
                .await?
            {
                rows.push(row_of(&r)?);
            }
            for r in sqlx::query(&format!(
                "SELECT id, parent_id FROM org_units WHERE id IN ({list})"
            ))
            .fetch_all(&mut *conn)
            .await?
            {
                tree.parent
                    .insert(r.try_get("id")?, r.try_get("parent_id")?);
            }
            for r in sqlx::query(&format!(
                "SELECT parent_id, COUNT(*) AS c FROM org_units WHERE parent_id IN ({list}) \
                 GROUP BY parent_id"
            ))
            .fetch_all(&mut *conn)
            .await?
            {
                tree.children
                    .insert(r.try_get("parent_id")?, r.try_get("c")?);
            }
        }
        let dropped = Dropped::default();
        let task = self
            .start_protecting(ind, Read::Units(rows), Arc::new(tree), dropped.flag())
            .await;
        protected(task).await
    }

    /// Reads a whole year of the organisation's table.
    async fn read_whole(
        &self,
        conn: &mut AnyConnection,
        ind: &Indicator,
        org_id: i64,
        year: i32,
    ) -> Result<Read> {
        let years = BTreeSet::from([year]);
        let in_years = years_sql(&years).replace("period", "r.period");
        let (total, basis) = match self.backend() {
            crate::support::db::Backend::Sqlite => (
                crate::support::db::sqlite_exact_real("r.total"),
                crate::support::db::sqlite_exact_real("r.basis"),
            ),
            crate::support::db::Backend::Postgres => ("r.total".into(), "r.basis".into()),
        };
        let arr = format!(
            "r.unit_id, r.sex, r.grade, r.age_group, r.period, {total}, r.n, {basis}, r.basis_n"
        );
        let from = format!(
            "FROM rollups r JOIN org_units u ON u.id = r.unit_id \
             WHERE r.indicator_id = $1 AND u.org_id = $2 AND r.n > 0 AND {in_years}"
        );
        let sql = match self.backend() {
            crate::support::db::Backend::Sqlite => {
                format!("SELECT json_group_array(json_array({arr})) {from}")
            }
            crate::support::db::Backend::Postgres => {
                format!("SELECT COALESCE(json_agg(json_build_array({arr})), '[]')::text {from}")
            }
        };
        let rollups: String = sqlx::query_scalar(&sql)
            .bind(ind.id)
            .bind(org_id)
            .fetch_one(&mut *conn)
            .await?;
        // The units without sub-units store no rows: their values are read
        // and summed (see `leaf_years`).
        let leaves: String = sqlx::query_scalar(&leaf_values_json(
            self.backend(),
            &format!(
                "d.indicator_id = $1 AND d.unit_id IN \
                 (SELECT id FROM org_units WHERE org_id = $2) AND {}",
                leaf_years(self.backend(), &years)
            ),
        ))
        .bind(ind.id)
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
        Ok(Read::Whole { rollups, leaves })
    }

    /// Starts protecting what was read on a blocking thread, once one of
    /// the process's engines is free. The task gives up, before each of its
    /// long steps, once `dropped` is set.
    async fn start_protecting(
        &self,
        ind: &Indicator,
        read: Read,
        tree: Arc<Tree>,
        dropped: Arc<AtomicBool>,
    ) -> Protecting {
        let threshold = ind.spec.threshold(self.threshold);
        let ind = ind.clone();
        // The semaphore is never closed.
        let permit = Arc::clone(&ENGINES).acquire_owned().await.ok();
        tokio::task::spawn_blocking(move || {
            let _engine = permit;
            protect_read(&ind, read, &tree, threshold, &dropped)
        })
    }
}

/// Set when the protection that started blocking tasks is dropped before
/// it took their results (a request's timeout, say), so that they stop
/// rather than protect for no one while holding an engine.
#[derive(Default)]
struct Dropped(Arc<AtomicBool>);

impl Dropped {
    fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }
}

impl Drop for Dropped {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// What a protection on a blocking thread came to; its panic is this
/// task's.
async fn protected(task: Protecting) -> Result<Years> {
    match task.await {
        Ok(years) => years,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(StoreError::Unsupported(
            "protecting a table was cancelled: the server is stopping".into(),
        )),
    }
}

/// Each unit of the organisation's parent and children.
async fn read_tree(conn: &mut AnyConnection, org_id: i64) -> Result<Tree> {
    let mut tree = Tree::default();
    for r in sqlx::query("SELECT id, parent_id FROM org_units WHERE org_id = $1")
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?
    {
        let id: i64 = r.try_get("id")?;
        let p: Option<i64> = r.try_get("parent_id")?;
        tree.parent.insert(id, p);
        if let Some(p) = p {
            *tree.children.entry(p).or_default() += 1;
        }
    }
    Ok(tree)
}

/// Protects what was read: the CPU's part, no I/O. `None` as well when
/// `dropped` was set (no one takes the result).
fn protect_read(
    ind: &Indicator,
    read: Read,
    tree: &Tree,
    threshold: f64,
    dropped: &AtomicBool,
) -> Result<Years> {
    if dropped.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let partial = matches!(read, Read::Units(_));
    let rows = match read {
        Read::Units(rows) => rows,
        Read::Whole { rollups, leaves } => {
            let mut rows = Vec::new();
            let mut de = serde_json::Deserializer::from_str(&rollups);
            serde::de::DeserializeSeed::deserialize(RowsSeed(&mut rows), &mut de)
                .and_then(|()| de.end())
                .map_err(|e| {
                    StoreError::Corrupt(format!("roll-ups of indicator {}: {e}", ind.code()))
                })?;
            drop(rollups);
            add_leaf_rows(
                &leaves,
                ind.spec.aggregation == Aggregation::Last,
                &mut rows,
            )?;
            rows
        }
    };
    let (table, decode) = build_table(ind, &rows, &tree.parent, &tree.children, partial, threshold);
    drop(rows);
    if dropped.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let p = protect(&table, threshold);
    if p.needs_full_table {
        return Ok(None);
    }
    let mut by_year: HashMap<i32, (Vec<At>, usize)> = HashMap::new();
    for k in &p.hidden {
        if let Some(at) = decode.at(k) {
            let (cells, primary) = by_year.entry(at.period.year_number()).or_default();
            if table.cells.get(k).is_some_and(|c| c.sensitive) {
                *primary += 1;
            }
            cells.push(at);
        }
    }
    Ok(Some(
        by_year
            .into_iter()
            .map(|(y, (cells, primary))| {
                let hidden = cells.into_iter().collect();
                (y, Slice { hidden, primary })
            })
            .collect(),
    ))
}

/// The units read around small cells in a large organisation: each small
/// cell's unit, its ancestors and children, and its parent's whole subtree
/// when that is small (for a split between siblings). A small cell's
/// children at the same place are small too, so they are read as well.
pub(super) async fn neighbourhood(
    conn: &mut AnyConnection,
    primary_units: &BTreeSet<i64>,
) -> Result<BTreeSet<i64>> {
    let mut out: BTreeSet<i64> = BTreeSet::new();
    for x in primary_units {
        let ancestors: Vec<(i64, i64)> =
            sqlx::query_as("SELECT ancestor_id, depth FROM org_closure WHERE unit_id = $1")
                .bind(x)
                .fetch_all(&mut *conn)
                .await?;
        out.extend(ancestors.iter().map(|(a, _)| *a));
        out.insert(*x);
        let kids: Vec<i64> = sqlx::query_scalar("SELECT id FROM org_units WHERE parent_id = $1")
            .bind(x)
            .fetch_all(&mut *conn)
            .await?;
        out.extend(kids);
        if let Some((parent, _)) = ancestors.iter().find(|(_, d)| *d == 1) {
            let size: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM org_closure WHERE ancestor_id = $1")
                    .bind(parent)
                    .fetch_one(&mut *conn)
                    .await?;
            if size <= NEIGHBOURHOOD_UNITS {
                let sub: Vec<i64> =
                    sqlx::query_scalar("SELECT unit_id FROM org_closure WHERE ancestor_id = $1")
                        .bind(parent)
                        .fetch_all(&mut *conn)
                        .await?;
                out.extend(sub);
            }
        }
    }
    Ok(out)
}
