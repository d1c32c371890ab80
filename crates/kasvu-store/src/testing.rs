//! Test support shared by Kasvu's test suites: a fresh database per test on
//! SQLite (a temporary file) and on PostgreSQL (a new database on the server
//! named by `KASVU_TEST_PG`, dropped afterwards). Only built with the
//! `testing` feature, so none of it is in a production binary.
//!
//! With `KASVU_TEST_PG` set (CI), PostgreSQL is required and its absence
//! fails the test. Without it, the default local server
//! `postgres://postgres@127.0.0.1:5432/test` is tried, and when none answers
//! the PostgreSQL half is skipped with a note on stderr.

use crate::Store;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

pub const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/test";

/// An org unit to import in a test: named by its code, a school when it is
/// a unit, valid always.
pub fn unit(code: &str, parent: Option<&str>, level: kasvu_core::Level) -> crate::OrgUnitSpec {
    crate::OrgUnitSpec {
        code: kasvu_core::OrgCode::parse(code).expect("a test's unit code"),
        parent: parent.map(|p| kasvu_core::OrgCode::parse(p).expect("a test's unit code")),
        level,
        kind: (level == kasvu_core::Level::Unit).then_some(kasvu_core::UnitKind::School),
        sector: None,
        names: kasvu_core::Names::parse(code, "", "").expect("a test's unit name"),
        external_codes: vec![],
        valid: kasvu_core::ValidRange::default(),
    }
}

pub struct TestDb {
    pub url: String,
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

static NOTED: AtomicBool = AtomicBool::new(false);

fn note_skip(why: &str) {
    if !NOTED.swap(true, Ordering::SeqCst) {
        // Written straight to the stderr handle: the test harness captures
        // `eprintln!`, and this note must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "\nNOTE: PostgreSQL tests skipped ({why}). Set KASVU_TEST_PG=postgres://USER@HOST/DB to run them.\n"
        );
    }
}

fn unique_name() -> String {
    use rand::RngCore;
    let mut b = [0u8; 6];
    rand::rngs::OsRng.fill_bytes(&mut b);
    format!("kasvu_t_{}", hex::encode(b))
}

impl TestDb {
    /// A migrated SQLite database in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("kasvu.db").display());
        let store = Store::open(&url).await.expect("open SQLite");
        TestDb {
            url,
            store,
            _dir: Some(dir),
            pg: None,
        }
    }

    /// The server URL to use, or `None` (with a note) to skip.
    pub async fn postgres_server() -> Option<String> {
        let required = std::env::var("KASVU_TEST_PG")
            .ok()
            .filter(|s| !s.is_empty());
        let url = required.clone().unwrap_or_else(|| DEFAULT_PG.to_owned());
        match Store::connect(&url).await {
            Ok(s) => {
                s.close().await;
                Some(url)
            }
            Err(e) if required.is_some() => {
                panic!("KASVU_TEST_PG is set but PostgreSQL at {url} is not reachable: {e}")
            }
            Err(e) => {
                note_skip(&format!("no server at {url}: {e}"));
                None
            }
        }
    }

    /// A migrated, empty PostgreSQL database of its own, or `None` to skip.
    pub async fn postgres() -> Option<TestDb> {
        let server = Self::postgres_server().await?;
        let name = unique_name();
        let admin = Store::connect(&server)
            .await
            .expect("connect to PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin.pool)
            .await
            .expect("create test database");
        admin.close().await;
        let (base, _) = server
            .rsplit_once('/')
            .expect("PostgreSQL URL has a database name");
        let url = format!("{base}/{name}");
        let store = Store::open(&url)
            .await
            .expect("open PostgreSQL test database");
        Some(TestDb {
            url,
            store,
            _dir: None,
            pg: Some((server, name)),
        })
    }
}

async fn drop_database(server: &str, name: &str) {
    if let Ok(admin) = Store::connect(server).await {
        // FORCE ends connections a failed test may have left open.
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&admin.pool)
            .await;
        admin.close().await;
    }
}

impl TestDb {
    /// Closes the store and drops a PostgreSQL test database.
    pub async fn finish(mut self) {
        self.store.close().await;
        if let Some((server, name)) = self.pg.take() {
            drop_database(&server, &name).await;
        }
    }
}

impl Drop for TestDb {
    /// The fallback when a test panicked before [`TestDb::finish`]. Drop may
    /// run on a blocked runtime thread, so the database is dropped from a
    /// thread with its own runtime, without touching the test's pool.
    fn drop(&mut self) {
        let Some((server, name)) = self.pg.take() else {
            return;
        };
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(drop_database(&server, &name));
        })
        .join();
    }
}

/// Runs an async test body against SQLite and PostgreSQL:
/// `both_databases!(name_of_async_fn_taking_store);`, or
/// `both_databases!(db: name_of_async_fn_taking_test_db);` for a story that
/// opens more stores on the same database (`&TestDb`: its `url`).
#[macro_export]
macro_rules! both_databases {
    (db: $($story:ident),+ $(,)?) => {
        $(
        mod $story {
            #[tokio::test]
            async fn sqlite() {
                let db = $crate::testing::TestDb::sqlite().await;
                super::$story(&db).await;
                db.finish().await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(db) = $crate::testing::TestDb::postgres().await {
                    super::$story(&db).await;
                    db.finish().await;
                }
            }
        }
        )+
    };
    ($($story:ident),+ $(,)?) => {
        $(
        mod $story {
            #[tokio::test]
            async fn sqlite() {
                let db = $crate::testing::TestDb::sqlite().await;
                super::$story(db.store.clone()).await;
                db.finish().await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(db) = $crate::testing::TestDb::postgres().await {
                    super::$story(db.store.clone()).await;
                    db.finish().await;
                }
            }
        }
        )+
    };
}

impl Store {
    /// Sums a write's roll-up differences in groups of about `group_rows`
    /// rows, writing the sums of units above others past `shared_rows`
    /// (the defaults are far larger than a test's writes).
    pub fn with_sum_bounds_for_tests(mut self, group_rows: i64, shared_rows: usize) -> Store {
        self.sum_bounds = Some((group_rows, shared_rows));
        self
    }

    /// Runs raw SQL; for tests that check what the database itself refuses.
    pub async fn raw_execute_for_tests(&self, sql: &str) -> Result<u64, sqlx::Error> {
        sqlx::query(sql)
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected())
    }

    /// The page cache size (`PRAGMA cache_size`) of every connection the
    /// pool holds, opening it up to its limit; empty on PostgreSQL.
    pub async fn sqlite_cache_sizes_for_tests(&self) -> Result<Vec<i64>, sqlx::Error> {
        self.sqlite_pragma_of_every_connection("cache_size").await
    }

    /// A number read by raw SQL (`SELECT COUNT(*) …`); for tests that
    /// look at what is stored without writing.
    pub async fn raw_count_for_tests(&self, sql: &str) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&self.pool)
            .await
    }

    /// Opens every connection the pool may hold and gives them back, so
    /// that concurrent requests in a test run side by side rather than one
    /// waiting for a connection to be opened.
    pub async fn warm_pool_for_tests(&self) -> Result<(), sqlx::Error> {
        let mut held = Vec::new();
        for _ in 0..self.pool.options().get_max_connections() {
            held.push(self.pool.acquire().await?);
        }
        Ok(())
    }

    /// The busy timeout (`PRAGMA busy_timeout`, ms) of every connection
    /// the pool holds, opening it up to its limit; empty on PostgreSQL.
    pub async fn sqlite_busy_timeouts_for_tests(&self) -> Result<Vec<i64>, sqlx::Error> {
        self.sqlite_pragma_of_every_connection("busy_timeout").await
    }

    /// A pragma's number on every connection the pool may hold.
    async fn sqlite_pragma_of_every_connection(
        &self,
        pragma: &str,
    ) -> Result<Vec<i64>, sqlx::Error> {
        if self.backend() != crate::Backend::Sqlite {
            return Ok(vec![]);
        }
        let mut held = Vec::new();
        let mut values = Vec::new();
        for _ in 0..self.pool.options().get_max_connections() {
            let mut conn = self.pool.acquire().await?;
            values.push(
                sqlx::query_scalar::<_, i64>(&format!("PRAGMA {pragma}"))
                    .fetch_one(&mut *conn)
                    .await?,
            );
            held.push(conn);
        }
        Ok(values)
    }
}
