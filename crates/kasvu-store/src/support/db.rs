use crate::support::error::{Result, StoreError};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite's default page cache per schema, in KiB (`PRAGMA cache_size = -2000`;
/// Kasvu's connections keep it, except during a large write).
pub(crate) const DEFAULT_CACHE_KIB: i64 = 2000;

/// How long a SQLite connection waits for another process's write lock.
pub(crate) const BUSY_TIMEOUT_MS: u32 = 5000;

/// How many SQLite connections may hold a large write's enlarged page cache
/// that the write did not restore (it failed or was dropped). Only a hint:
/// while it is above zero, the pool's release hook reads each released
/// connection's cache size and puts an enlarged one back to the default, so
/// failing imports cannot pin 64 MiB on every pooled connection.
static ENLARGED_CACHES: AtomicUsize = AtomicUsize::new(0);

/// A large write enlarged its connection's page cache.
pub(crate) fn note_enlarged_cache() {
    ENLARGED_CACHES.fetch_add(1, Ordering::SeqCst);
}

/// A connection's enlarged page cache is back to the default.
pub(crate) fn note_restored_cache() {
    let _ = ENLARGED_CACHES.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
}

/// The pool's release hook on SQLite: see [`ENLARGED_CACHES`].
async fn restore_cache(conn: &mut sqlx::AnyConnection) -> std::result::Result<(), sqlx::Error> {
    if ENLARGED_CACHES.load(Ordering::SeqCst) == 0 {
        return Ok(());
    }
    // A dropped transaction's rollback is queued on the connection before
    // this statement, so it runs outside any transaction.
    let size: i64 = sqlx::query_scalar("PRAGMA main.cache_size")
        .fetch_one(&mut *conn)
        .await?;
    if size != -DEFAULT_CACHE_KIB {
        for schema in ["main", "temp"] {
            sqlx::query(&format!(
                "PRAGMA {schema}.cache_size = -{DEFAULT_CACHE_KIB}"
            ))
            .execute(&mut *conn)
            .await?;
        }
        note_restored_cache();
        // And its large multi-row statements (`measure::staging`,
        // `measure::bulk`), as `ValueWriter::finish` drops them.
        sqlx::Connection::clear_cached_statements(&mut *conn).await?;
    }
    Ok(())
}

/// A REAL column of SQLite as a JSON number that reads back as the same
/// double. SQLite's JSON functions print REALs with 15 significant digits
/// (1/3 comes back as 0.333333333333333, and roll-up differences summed from
/// such text drift); `%!.17g` prints the 17 that every double needs. The
/// reading side parses with serde_json's exact `float_roundtrip`.
pub(crate) fn sqlite_exact_real(column: &str) -> String {
    format!("json(printf('%!.17g', {column}))")
}

/// The one storage interface of Kasvu.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
    /// Counts below this are not served (small-number suppression).
    pub(crate) threshold: f64,
    /// Organisations up to this many units are protected as whole tables;
    /// larger ones from each small cell's neighbourhood (see
    /// `measure::protection`).
    pub(crate) whole_table_units: i64,
    /// The memory bounds of a write's roll-up sums, as (rows summed at a
    /// time, shared sums kept) — `None`: the measurement feature's own
    /// defaults; tests make them small.
    pub(crate) sum_bounds: Option<(i64, usize)>,
    /// What features cache per store (the measure cache of roll-ups and
    /// the catalogue, the families' activity index), kept by type.
    pub(crate) caches: Arc<Caches>,
    /// Taken by every write transaction on SQLite for as long as it runs
    /// (see [`Store::begin_write`]).
    write_lock: Arc<tokio::sync::Mutex<()>>,
}

/// A pooled connection for [`Store::skippable_write`], with the store's
/// write lock on SQLite until it is dropped.
pub(crate) struct SkippableWrite {
    // Declared first: given back to the pool before the lock is let go.
    pub(crate) conn: sqlx::pool::PoolConnection<sqlx::Any>,
    _lock: Option<tokio::sync::OwnedMutexGuard<()>>,
}

/// A write transaction that holds the store's write lock until it commits,
/// rolls back or is dropped. Dereferences to the connection, so `&mut *tx`
/// is an executor as with a plain transaction.
pub struct WriteTx {
    // Declared first so that it is dropped (and rolled back) before the
    // lock lets the next writer in.
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _lock: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> std::result::Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> std::result::Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

/// Caches that features keep per store, keyed by their type. The store holds
/// them without naming them, so this shared plumbing imports no feature
/// (it used to name the measure cache and the activity index: a circle).
#[derive(Default)]
pub(crate) struct Caches(Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>);

impl Caches {
    /// The cache of type `T`, empty on first use.
    pub(crate) fn get<T: Any + Default + Send + Sync>(&self) -> Arc<T> {
        // A panic while holding the lock leaves a plain map; go on with it.
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = map
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()));
        match Arc::clone(entry).downcast::<T>() {
            Ok(cache) => cache,
            // Cannot happen (the entry is keyed by its own type); starting
            // that cache over is still better than a panic.
            Err(_) => {
                let cache = Arc::new(T::default());
                *entry = cache.clone();
                cache
            }
        }
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `sqlite://FILE` (created when missing) or
    /// `postgres://…`. Does not migrate; call [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            let mut u = format!("sqlite:{rest}");
            if !rest.contains("mode=") && !rest.contains(":memory:") {
                u.push(if rest.contains('?') { '&' } else { '?' });
                u.push_str("mode=rwc");
            }
            (Backend::Sqlite, u)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            return Err(StoreError::Unsupported(format!(
                "unsupported database URL '{url}': use sqlite://FILE or postgres://USER@HOST/DB"
            )));
        };
        let opts = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10));
        let opts = if backend == Backend::Sqlite {
            opts.after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL lets readers go on while a writer writes; a busy
                    // timeout makes concurrent writers wait, not fail.
                    sqlx::query("PRAGMA journal_mode = WAL")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"))
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA foreign_keys = ON")
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            })
            .after_release(|conn, _| {
                Box::pin(async move {
                    restore_cache(conn).await?;
                    Ok(true)
                })
            })
        } else {
            opts
        };
        let pool = opts.connect(&url).await?;
        Ok(Store {
            pool,
            backend,
            threshold: kasvu_core::measure::DEFAULT_THRESHOLD,
            whole_table_units: 2000,
            sum_bounds: None,
            caches: Default::default(),
            write_lock: Default::default(),
        })
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Begins a transaction that will write.
    ///
    /// On SQLite, where one writer at a time holds the database, the
    /// transaction first takes the store's in-process write lock and holds
    /// it until it ends: writers of this process queue for the lock (without
    /// holding a pooled connection) instead of waiting on SQLite's busy
    /// timeout and failing after it — so a write started during a long
    /// import runs when the import has committed. Then it takes SQLite's
    /// write lock at once (`BEGIN IMMEDIATE`), instead of failing with
    /// "database is locked" when a read transaction later tries to become a
    /// write one; the busy timeout remains for other processes. PostgreSQL
    /// locks rows, and its writers wait for each other without a timeout.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let lock = Arc::clone(&self.write_lock).lock_owned().await;
                WriteTx {
                    tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _lock: Some(lock),
                }
            }
            Backend::Postgres => WriteTx {
                tx: self.pool.begin().await?,
                _lock: None,
            },
        })
    }

    /// A connection for a write that may be skipped (background work),
    /// holding the store's write lock on SQLite: `None` when another write
    /// transaction of this process holds the lock for longer than `wait`
    /// (an import, say; short writes are waited for), or no pooled
    /// connection is free then. Neither is held while waiting for the
    /// other: the lock is waited for first without a connection (as
    /// [`Store::begin_write`] does), and then a connection is taken only
    /// if one is idle or the pool may open one. The caller begins its own
    /// transaction.
    pub(crate) async fn skippable_write(&self, wait: Duration) -> Result<Option<SkippableWrite>> {
        let lock = match self.backend {
            Backend::Sqlite => {
                let lock = Arc::clone(&self.write_lock).lock_owned();
                match tokio::time::timeout(wait, lock).await {
                    Ok(lock) => Some(lock),
                    Err(_) => return Ok(None),
                }
            }
            Backend::Postgres => None,
        };
        let conn = match self.pool.try_acquire() {
            Some(conn) => conn,
            // Below its limit the pool opens one more (no one to wait for).
            None if self.pool.size() < self.pool.options().get_max_connections() => {
                match tokio::time::timeout(wait, self.pool.acquire()).await {
                    Ok(conn) => conn?,
                    Err(_) => return Ok(None),
                }
            }
            None => return Ok(None),
        };
        Ok(Some(SkippableWrite { conn, _lock: lock }))
    }

    /// Connects and migrates.
    pub async fn open(url: &str) -> Result<Store> {
        let s = Store::connect(url).await?;
        s.migrate().await?;
        Ok(s)
    }

    /// Protects organisations larger than `units` (default 2000) from the
    /// neighbourhoods of their small cells rather than as whole tables.
    /// The result is as safe either way; this trades reading for hiding.
    pub fn with_whole_table_units(mut self, units: i64) -> Store {
        self.whole_table_units = units;
        self.caches = Default::default();
        self
    }

    /// Sets the small-number threshold (default 5): counts below it are served as suppressed.
    pub fn with_threshold(mut self, threshold: f64) -> Store {
        self.threshold = threshold;
        // Cached observations were suppressed at the old threshold.
        self.caches = Default::default();
        self
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers (for `/healthz`).
    /// The embedded migrations this binary expects that the database has
    /// not applied (empty when the schema is current). For `/readyz`: a
    /// server started against a database another node has not migrated yet,
    /// or one migrated only in part, is not ready.
    pub async fn pending_migrations(&self) -> Result<Vec<i64>> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await?;
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        Ok(migrator
            .iter()
            .map(|m| m.version)
            .filter(|v| !applied.contains(v))
            .collect())
    }

    /// The connection pool: (open connections, idle ones, the most allowed).
    pub fn pool_stats(&self) -> (u32, usize, u32) {
        (
            self.pool.size(),
            self.pool.num_idle(),
            self.pool.options().get_max_connections(),
        )
    }

    pub async fn health(&self) -> Result<()> {
        let row: AnyRow = sqlx::query("SELECT 1 AS ok").fetch_one(&self.pool).await?;
        let ok: i64 = row
            .try_get("ok")
            .or_else(|_| row.try_get::<i32, _>("ok").map(i64::from))?;
        if ok == 1 {
            Ok(())
        } else {
            Err(StoreError::Corrupt("SELECT 1 did not return 1".into()))
        }
    }

    /// Writes a consistent copy of a live SQLite database to `path`
    /// (`VACUUM INTO`, safe while the app runs). PostgreSQL has pg_dump.
    pub async fn backup(&self, path: &str) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                if std::path::Path::new(path).exists() {
                    return Err(StoreError::Unsupported(format!(
                        "'{path}' exists already; choose a new file name"
                    )));
                }
                sqlx::query("VACUUM INTO $1")
                    .bind(path)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
            Backend::Postgres => Err(StoreError::Unsupported(
                "on PostgreSQL, back up with pg_dump (e.g. pg_dump -Fc -f kasvu.dump DBNAME)"
                    .into(),
            )),
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// sqlx 0.8's `Any` driver declares a NULL `f64` parameter to PostgreSQL as
/// `float4` (and a NULL `f32` as `float8`). PostgreSQL caches a prepared
/// statement with the types of its first execution, so a later non-NULL
/// `f64` in the same parameter is refused ("incorrect binary data format").
/// Queries that bind `Option<f64>` are therefore not persistent: each
/// execution is prepared with its own parameter types.
#[allow(dead_code)]
pub(crate) const NULLABLE_FLOAT: () = ();

/// True when a database error is a unique-constraint violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.code()
                .is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
                || d.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

/// Names in three languages from the columns `{prefix}_fi`, `_sv` and `_en`.
pub(crate) fn names_of(row: &AnyRow, prefix: &str) -> Result<kasvu_core::Names> {
    Ok(kasvu_core::Names {
        fi: row.try_get(format!("{prefix}_fi").as_str())?,
        sv: row.try_get(format!("{prefix}_sv").as_str())?,
        en: row.try_get(format!("{prefix}_en").as_str())?,
    })
}

/// Names in three languages checked for a form or file: trimmed, at most
/// `max` characters each, Finnish required when `required`; the error
/// names the language (`need.fi`).
pub(crate) fn checked_names(
    field: &str,
    n: &kasvu_core::Names,
    required: bool,
    max: usize,
) -> Result<kasvu_core::Names> {
    let check = |lang: &str, v: &str| -> Result<String> {
        if v.chars().count() > max {
            return Err(StoreError::invalid(
                &format!("{field}.{lang}"),
                kasvu_core::Problem::too_long(max),
            ));
        }
        Ok(v.trim().to_owned())
    };
    let fi = if required {
        kasvu_core::team::parse_text(&n.fi, max)
            .map_err(|p| StoreError::invalid(&format!("{field}.fi"), p))?
    } else {
        check("fi", &n.fi)?
    };
    Ok(kasvu_core::Names {
        fi,
        sv: check("sv", &n.sv)?,
        en: check("en", &n.en)?,
    })
}

/// A stored ISO date (always present where this is used).
pub(crate) fn stored_date(s: &str) -> Result<time::Date> {
    kasvu_core::parse_date(s)
        .map_err(|p| StoreError::corrupt("date", p))?
        .ok_or_else(|| StoreError::Corrupt("empty date".into()))
}

/// The id of the row of `table` (org_units or actors) with `code` in an
/// organisation, matched without regard to case ([`kasvu_core::code_key`]
/// against `lower(code)`, see migration 0023); refused with `missing`
/// naming `field` when there is none.
async fn id_by_code(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    org_id: i64,
    code: &str,
    field: &str,
    missing: kasvu_core::Problem,
) -> Result<i64> {
    let id: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM {table} WHERE lower(code) = $1 AND org_id = $2"
    ))
    .bind(kasvu_core::code_key(code))
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    id.ok_or_else(|| StoreError::invalid(field, missing))
}

/// The id of the org unit `code` of an organisation; refused naming `field`
/// when the organisation has no such unit.
pub(crate) async fn unit_in(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    code: &str,
    field: &str,
) -> Result<i64> {
    let c = code.trim();
    let missing =
        kasvu_core::Problem::new("err-unit-missing", format!("there is no org unit '{c}'"))
            .arg("value", c);
    id_by_code(conn, "org_units", org_id, c, field, missing).await
}

/// The id of the register's actor `code` of an organisation; refused naming
/// `field` when the register has no such actor.
pub(crate) async fn actor_in(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    code: &str,
    field: &str,
) -> Result<i64> {
    let c = code.trim();
    let missing = kasvu_core::Problem::new(
        "err-actor-missing",
        format!("the register has no actor '{c}'"),
    )
    .arg("value", c);
    id_by_code(conn, "actors", org_id, c, field, missing).await
}
