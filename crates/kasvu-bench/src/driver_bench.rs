//! `Any` versus the native drivers (issue 22, item 5): the same hot query —
//! a unit's roll-ups of one indicator, the dashboard's and the roll-up
//! check's read (`Store::accs`) — and the same staging insert (one value a
//! row, in one transaction, as an import stages) through sqlx's `Any`
//! driver and through the native SQLite and PostgreSQL drivers, on the same
//! database and table. The store reaches every database through `Any`;
//! this measures what that costs, so the decision to keep it or move hot
//! paths to the native drivers is made from numbers.

use anyhow::Result;
use sqlx::any::AnyPoolOptions;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::Row;
use std::time::{Duration, Instant};

use crate::{ms, percentile};

/// Units × indicators × periods × breakdowns of the generated roll-ups.
const UNITS: i64 = 200;
const INDICATORS: i64 = 10;
const PERIODS: i64 = 24;
const BREAKDOWNS: [(&str, &str); 3] = [("total", ""), ("girl", ""), ("boy", "")];

const CREATE: &str = "CREATE TABLE {t} (unit_id BIGINT NOT NULL, indicator_id BIGINT NOT NULL, \
     sex TEXT NOT NULL, grade TEXT NOT NULL, age_group TEXT NOT NULL, period TEXT NOT NULL, \
     total DOUBLE PRECISION NOT NULL, n BIGINT NOT NULL, basis DOUBLE PRECISION NOT NULL, \
     basis_n BIGINT NOT NULL, own_n BIGINT NOT NULL, \
     PRIMARY KEY (unit_id, indicator_id, sex, grade, age_group, period))";
const SELECT: &str = "SELECT sex, grade, age_group, period, total, n, basis, basis_n, own_n \
     FROM {t} WHERE unit_id = $1 AND indicator_id = $2";
const STAGE: &str =
    "INSERT INTO {s} (indicator_id, unit_id, period, value) VALUES ($1, $2, $3, $4)";

/// One measurement: the per-query latencies, sorted.
struct Timing {
    sorted: Vec<Duration>,
    stage_per_row: Duration,
}

fn p(t: &Timing, q: f64) -> Duration {
    percentile(&t.sorted, q)
}

/// The queries asked: (unit, indicator), spread over the table.
fn keys(n: usize) -> Vec<(i64, i64)> {
    (0..n as i64)
        .map(|i| ((i * 7919) % UNITS, (i * 31) % INDICATORS))
        .collect()
}

macro_rules! measure {
    ($pool:expr, $table:expr, $stage:expr, $queries:expr, $stage_rows:expr) => {{
        let select = SELECT.replace("{t}", $table);
        // Warm the connection's statement cache and the database's pages.
        for (u, i) in keys($queries / 10 + 1) {
            sqlx::query(&select)
                .bind(u)
                .bind(i)
                .fetch_all(&$pool)
                .await?;
        }
        let mut sorted = Vec::with_capacity($queries);
        let mut checksum = 0f64;
        for (u, i) in keys($queries) {
            let t = Instant::now();
            let rows = sqlx::query(&select)
                .bind(u)
                .bind(i)
                .fetch_all(&$pool)
                .await?;
            for r in &rows {
                let _: String = r.try_get("period")?;
                checksum += r.try_get::<f64, _>("total")?;
                let _: i64 = r.try_get("n")?;
            }
            sorted.push(t.elapsed());
        }
        sorted.sort();
        let insert = STAGE.replace("{s}", $stage);
        let t = Instant::now();
        let mut tx = $pool.begin().await?;
        for k in 0..$stage_rows as i64 {
            sqlx::query(&insert)
                .bind(k % INDICATORS)
                .bind(k % UNITS)
                .bind(format!("2026{:02}", k % 12 + 1))
                .bind(k as f64)
                .execute(&mut *tx)
                .await?;
        }
        tx.rollback().await?;
        let stage_per_row = t.elapsed() / $stage_rows as u32;
        (
            Timing {
                sorted,
                stage_per_row,
            },
            checksum,
        )
    }};
}

/// Fills the roll-up table through the native pool (not measured).
macro_rules! fill {
    ($pool:expr, $table:expr, $stage:expr) => {{
        sqlx::query(&CREATE.replace("{t}", $table)).execute(&$pool).await?;
        sqlx::query(&format!(
            "CREATE TABLE {} (indicator_id BIGINT NOT NULL, unit_id BIGINT NOT NULL, period TEXT NOT NULL, value DOUBLE PRECISION NOT NULL)",
            $stage
        ))
        .execute(&$pool)
        .await?;
        let insert = format!(
            "INSERT INTO {} VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8, $9, $10)",
            $table
        );
        let mut tx = $pool.begin().await?;
        for u in 0..UNITS {
            for i in 0..INDICATORS {
                for m in 0..PERIODS {
                    for (b, (sex, grade)) in BREAKDOWNS.iter().enumerate() {
                        sqlx::query(&insert)
                            .bind(u)
                            .bind(i)
                            .bind(*sex)
                            .bind(*grade)
                            .bind(format!("{}{:02}", 2025 + m / 12, m % 12 + 1))
                            .bind((u + i + m + b as i64) as f64)
                            .bind(1i64)
                            .bind(0f64)
                            .bind(0i64)
                            .bind(1i64)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
            }
        }
        tx.commit().await?;
    }};
}

fn row(label: &str, t: &Timing) {
    println!(
        "| {label} | {} | {} | {} | {:.1} µs |",
        ms(p(t, 0.5)),
        ms(p(t, 0.99)),
        ms(t.sorted.iter().sum::<Duration>() / t.sorted.len().max(1) as u32),
        t.stage_per_row.as_secs_f64() * 1e6
    );
}

pub async fn run(queries: usize, stage_rows: usize, pg: bool) -> Result<()> {
    sqlx::any::install_default_drivers();
    let rows = UNITS * INDICATORS * PERIODS * BREAKDOWNS.len() as i64;
    println!(
        "{rows} roll-up rows ({UNITS} units × {INDICATORS} indicators × {PERIODS} periods × {} breakdowns); \
         {queries} reads of one unit's indicator ({} rows each); {stage_rows} staged inserts in one transaction, rolled back\n",
        BREAKDOWNS.len(),
        PERIODS * BREAKDOWNS.len() as i64
    );
    println!("| driver | read p50 | read p99 | read mean | staging insert, per row |");
    println!("|---|---|---|---|---|");

    let dir = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("drivers.db").display()
    );
    let native = SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    sqlx::query("PRAGMA journal_mode = WAL")
        .execute(&native)
        .await?;
    fill!(native, "rollups_probe", "staging_probe");
    let (sqlite_native, a) = measure!(
        native,
        "rollups_probe",
        "staging_probe",
        queries,
        stage_rows
    );
    native.close().await;
    let any = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    let (sqlite_any, b) = measure!(any, "rollups_probe", "staging_probe", queries, stage_rows);
    any.close().await;
    anyhow::ensure!(a == b, "the drivers read different values");
    row("SQLite, native (`SqlitePool`)", &sqlite_native);
    row("SQLite, `Any`", &sqlite_any);
    let mut ratios = vec![(
        "sqlite",
        p(&sqlite_any, 0.5).as_secs_f64() / p(&sqlite_native, 0.5).as_secs_f64(),
        sqlite_any.stage_per_row.as_secs_f64() / sqlite_native.stage_per_row.as_secs_f64(),
    )];

    if pg {
        let server = std::env::var("KASVU_TEST_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let suffix = std::process::id();
        let table = format!("rollups_probe_{suffix}");
        let stage = format!("staging_probe_{suffix}");
        let native = PgPoolOptions::new()
            .max_connections(1)
            .connect(&server)
            .await?;
        fill!(native, &table, &stage);
        sqlx::query(&format!("ANALYZE {table}"))
            .execute(&native)
            .await?;
        let measured = async {
            let (pg_native, a) = measure!(native, &table, &stage, queries, stage_rows);
            let any = AnyPoolOptions::new()
                .max_connections(1)
                .connect(&server)
                .await?;
            let (pg_any, b) = measure!(any, &table, &stage, queries, stage_rows);
            any.close().await;
            anyhow::ensure!(a == b, "the drivers read different values");
            Ok::<_, anyhow::Error>((pg_native, pg_any))
        }
        .await;
        sqlx::query(&format!("DROP TABLE IF EXISTS {table}, {stage}"))
            .execute(&native)
            .await?;
        let (pg_native, pg_any) = measured?;
        row("PostgreSQL, native (`PgPool`)", &pg_native);
        row("PostgreSQL, `Any`", &pg_any);
        ratios.push((
            "postgres",
            p(&pg_any, 0.5).as_secs_f64() / p(&pg_native, 0.5).as_secs_f64(),
            pg_any.stage_per_row.as_secs_f64() / pg_native.stage_per_row.as_secs_f64(),
        ));
    }
    println!();
    // Lines a script can read.
    for (db, read, stage) in ratios {
        println!("driver-ratio {db} read-p50 any/native {read:.2}");
        println!("driver-ratio {db} staging any/native {stage:.2}");
    }
    Ok(())
}
