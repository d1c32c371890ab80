//! (a) on PostgreSQL: the bench's values CSV imported through Kasvu into a
//! fresh database on the server at `KASVU_TEST_PG`, against `COPY` of the
//! same file into a plain table — PostgreSQL's own bulk load, as
//! `sqlite3 .import` is SQLite's.

use crate::{import_csv, synthetic_city};
use anyhow::{bail, Context, Result};
use sqlx::Connection;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

/// What was measured on PostgreSQL.
pub struct PgImport {
    /// Kasvu's import of the file.
    pub kasvu: Duration,
    /// `COPY` of the same file into a plain table.
    pub copy: Duration,
    /// The phases of Kasvu's import (as `last_write_phases`).
    pub phases: Vec<(&'static str, Duration)>,
}

/// Kasvu's import and `COPY`, each timed, or `None` when `KASVU_TEST_PG`
/// is not set and no server answers at the default address (said on
/// stderr by the test helper; with `KASVU_TEST_PG` set, an unreachable
/// server stops the bench, as it fails the test suites).
pub async fn run(
    csv_path: &Path,
    n_values: u64,
    units: usize,
    clusters: usize,
) -> Result<Option<PgImport>> {
    let Some(pg) = kasvu_store::testing::TestDb::postgres().await else {
        return Ok(None);
    };
    let measured = measure(&pg, csv_path, n_values, units, clusters).await;
    pg.finish().await;
    measured.map(Some)
}

async fn measure(
    pg: &kasvu_store::testing::TestDb,
    csv_path: &Path,
    n_values: u64,
    units: usize,
    clusters: usize,
) -> Result<PgImport> {
    synthetic_city(&pg.store, units, clusters).await?;
    let bytes = std::fs::read(csv_path)?;
    let t = Instant::now();
    let summary = import_csv(&pg.store, &bytes).await?;
    let kasvu = t.elapsed();
    let phases = kasvu_store::last_write_phases();
    drop(bytes);
    if summary.created != n_values {
        bail!(
            "imported {} values into PostgreSQL, expected {n_values}",
            summary.created
        );
    }

    // The yardstick: the file streamed from disk into `COPY … FROM STDIN`
    // on a connection of its own, into a plain (logged) table of text
    // columns, as `sqlite3 .import` makes one.
    let mut conn = sqlx::PgConnection::connect(&pg.url).await?;
    sqlx::query("CREATE TABLE plain (indicator text, orgunit text, period text, value text)")
        .execute(&mut conn)
        .await?;
    let t = Instant::now();
    let mut copy = conn
        .copy_in_raw("COPY plain FROM STDIN (FORMAT csv, HEADER true)")
        .await?;
    let mut file = std::fs::File::open(csv_path)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).context("read the values CSV")?;
        if n == 0 {
            break;
        }
        copy.send(&buf[..n]).await?;
    }
    let copied = copy.finish().await?;
    let copy_time = t.elapsed();
    if copied != n_values {
        bail!("COPY loaded {copied} rows, expected {n_values}");
    }
    conn.close().await?;
    Ok(PgImport {
        kasvu,
        copy: copy_time,
        phases,
    })
}
