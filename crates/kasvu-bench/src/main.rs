//! `kasvu-bench`: measures shared measurement on a synthetic city, against
//! the real release binary where a server is involved. Run it with
//! `scripts/bench.sh` (which builds in release mode and installs the sqlite3
//! shell used as the yardstick). Prints one Markdown table for the README.
//!
//! (a) importing N values from CSV versus `sqlite3 .import` of the same file
//!     into a plain table;
//! (b) the area dashboard under concurrent load (p50/p99), and the same
//!     figures computed from the raw values with a plain GROUP BY;
//! (c) time from a write to its visibility in the area roll-up;
//! (d) the server's resident memory (RSS) while serving (b);
//! (g) disclosure control: protecting one indicator's whole table, and one
//!     year of it again after a write;
//! (h) every table protected ahead from cold, as after an import;
//! (e) `kasvu-bench search`: search latency over generated entries on both
//!     databases (see `search_bench.rs`);
//! (f) `kasvu-bench hobbies`: the public hobby search under concurrent
//!     load versus a static page of the same size (see `hobby_bench.rs`).

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use kasvu_core::{
    Aggregation, Cadence, IndicatorSpec, Level, Names, OrgCode, Period, UnitKind, ValidRange,
};
use kasvu_store::{Actor, Breakdown, OrgUnitSpec, Store, ValueRow, WriteOptions, WriteSummary};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const INDICATORS: usize = 20;
const MONTHS: i64 = 60;
const UNITS_PER_CLUSTER: usize = 40;
const AREAS: usize = 4;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn unit(code: &str, parent: Option<&str>, level: Level) -> Result<OrgUnitSpec> {
    Ok(OrgUnitSpec {
        code: OrgCode::parse(code).map_err(|p| anyhow::anyhow!("{p}"))?,
        parent: parent
            .map(OrgCode::parse)
            .transpose()
            .map_err(|p| anyhow::anyhow!("{p}"))?,
        level,
        kind: (level == Level::Unit).then_some(UnitKind::School),
        sector: None,
        names: Names::parse(code, "", "")?,
        external_codes: vec![],
        valid: ValidRange::default(),
    })
}

mod driver_bench;
mod hobby_bench;
mod pg_import;
mod search_bench;
mod server;

/// Kasvu's benchmarks. Without a subcommand: shared measurement (import,
/// dashboard under load, write-to-roll-up latency, server memory). Every
/// option has a default; `--help` prints this and runs nothing.
#[derive(Parser)]
#[command(
    name = "kasvu-bench",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Bench>,
    #[command(flatten)]
    measurement: MeasurementArgs,
}

#[derive(clap::Args)]
struct MeasurementArgs {
    /// Indicator values in the synthetic city (underscores allowed: 10_000_000).
    #[arg(long, default_value = "1000000", value_parser = count)]
    values: u64,
    /// Concurrent clients loading the dashboard.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Seconds of load per measurement.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Stop after (a), the import and its yardstick (quick iterations on
    /// the import).
    #[arg(long)]
    import_only: bool,
    /// Leave the bench's directory (its path is printed first) with its
    /// database `bench.db` as the bench left it (the import, and the writes
    /// of (b) and (c)), for experiments with the server on it.
    #[arg(long)]
    keep_db: bool,
    /// Also import the same file into a fresh database on the PostgreSQL
    /// server at KASVU_TEST_PG (default postgres://postgres@127.0.0.1:5432/test)
    /// and compare with `COPY` of it into a plain table. Only with
    /// --import-only: run before (b) and (c), the server's work after a
    /// large load (autovacuum) would disturb their latencies.
    #[arg(long, requires = "import_only")]
    pg: bool,
}

#[derive(Subcommand)]
enum Bench {
    /// Site search latency over generated entries on SQLite and PostgreSQL.
    Search {
        /// Generated entries.
        #[arg(long, default_value = "100000", value_parser = count)]
        entries: u64,
    },
    /// The same hot query and staging insert through sqlx's `Any` driver
    /// and through the native SQLite and PostgreSQL drivers.
    Drivers {
        /// Reads of one unit's roll-ups.
        #[arg(long, default_value = "20000", value_parser = count)]
        queries: u64,
        /// Staging inserts (one transaction, rolled back).
        #[arg(long, default_value = "100000", value_parser = count)]
        stage_rows: u64,
        /// Also measure PostgreSQL at KASVU_TEST_PG.
        #[arg(long)]
        pg: bool,
    },
    /// The public hobby search under load versus a static page of the same size.
    Hobbies {
        /// Generated activities.
        #[arg(long, default_value = "100000", value_parser = count)]
        entries: u64,
        /// Concurrent clients.
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// Seconds of load.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Also measure PostgreSQL at KASVU_TEST_PG.
        #[arg(long)]
        pg: bool,
        /// Serve without the rendered-page cache (every search renders):
        /// the uncached path alone, on the same query mix.
        #[arg(long)]
        no_page_cache: bool,
        /// Rounds of (static page, searches); the median round's figures
        /// are the result (one round is one sample of a noisy machine).
        #[arg(long, default_value_t = 1)]
        rounds: u64,
    },
}

/// A count as people write big numbers: `10000000` or `10_000_000`.
fn count(s: &str) -> Result<u64, String> {
    s.replace('_', "")
        .parse()
        .map_err(|_| format!("'{s}' is not a whole number"))
}

fn main() -> Result<()> {
    // The server's allocator settings, in every bench: the hobby bench
    // serves from this process, the import bench imports in it.
    kasvu_web::keep_large_blocks_out_of_the_heaps();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(bench())
}

async fn bench() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Bench::Search { entries }) => search_bench::run(entries as usize).await,
        Some(Bench::Drivers {
            queries,
            stage_rows,
            pg,
        }) => driver_bench::run(queries as usize, stage_rows as usize, pg).await,
        Some(Bench::Hobbies {
            entries,
            clients,
            seconds,
            pg,
            no_page_cache,
            rounds,
        }) => {
            hobby_bench::run(
                entries as usize,
                clients,
                seconds,
                pg,
                !no_page_cache,
                rounds,
            )
            .await
        }
        None => {
            let m = cli.measurement;
            shared_measurement(m).await
        }
    }
}

async fn shared_measurement(m: MeasurementArgs) -> Result<()> {
    let MeasurementArgs {
        values: n_values,
        clients,
        seconds,
        import_only,
        keep_db,
        pg,
    } = m;
    let kasvu_bin = std::env::var("KASVU_BIN").unwrap_or_else(|_| "target/release/kasvu".into());
    let units = (n_values as usize).div_ceil(INDICATORS * MONTHS as usize);
    let clusters = units.div_ceil(UNITS_PER_CLUSTER);
    let tmp = tempfile::tempdir()?;
    let (dir, _cleanup) = if keep_db {
        (tmp.keep(), None)
    } else {
        (tmp.path().to_owned(), Some(tmp))
    };
    let db_path = dir.join("bench.db");
    let db_url = format!("sqlite://{}", db_path.display());
    eprintln!("bench: {n_values} values = {units} units × {INDICATORS} indicators × {MONTHS} months, in {}", dir.display());

    // The synthetic city.
    let store = Store::open(&db_url).await?;
    let actor = Actor::system("bench");
    synthetic_city(&store, units, clusters).await?;

    // The CSV file.
    let csv_path = dir.join("values.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&csv_path)?);
        writeln!(f, "indicator,orgunit,period,value")?;
        let first = Period::parse("202101").map_err(|p| anyhow::anyhow!("{p}"))?;
        let mut written = 0u64;
        'outer: for u in 0..units {
            for i in 0..INDICATORS {
                for m in 0..MONTHS {
                    if written == n_values {
                        break 'outer;
                    }
                    let p = first.offset(m).context("period")?;
                    // About one value in a hundred is a small count (1–4),
                    // which disclosure control must protect.
                    let m_ = m as usize;
                    let v = if (u * 31 + i * 17 + m_ * 7).is_multiple_of(97) {
                        (u + m_) % 4 + 1
                    } else {
                        (u * 7 + i * 3 + m_) % 50 + 5
                    };
                    writeln!(f, "ind-{i},unit-{u},{},{v}", p.code())?;
                    written += 1;
                }
            }
        }
    }
    let bytes = std::fs::read(&csv_path)?;
    let mb = bytes.len() as f64 / 1e6;

    // (a) Import versus sqlite3 .import.
    let t = Instant::now();
    let summary = import_csv(&store, &bytes).await?;
    let kasvu_import = t.elapsed();
    let phases = kasvu_store::last_write_phases();
    drop(bytes);
    if summary.created != n_values {
        bail!("imported {} values, expected {n_values}", summary.created);
    }
    let plain = dir.join("plain.db");
    let t = Instant::now();
    let status = Command::new("sqlite3")
        .arg(&plain)
        .arg(".mode csv")
        .arg(format!(
            ".import \"{}\" plain",
            csv_path
                .display()
                .to_string()
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
        ))
        .stdout(Stdio::null())
        .status()
        .context("run sqlite3 (apt-get install sqlite3)")?;
    let sqlite_import = t.elapsed();
    if !status.success() {
        bail!("sqlite3 .import failed");
    }
    let floor = import_floor(&dir, &plain)?;
    let pg_import = if pg {
        let measured = pg_import::run(&csv_path, n_values, units, clusters).await?;
        if measured.is_none() {
            eprintln!("PostgreSQL not reachable: the import measured on SQLite only");
        }
        measured
    } else {
        None
    };
    drop(std::fs::remove_file(&csv_path));
    print_phases(&phases, pg_import.as_ref());
    let import_ratio = sqlite_import.as_secs_f64() / kasvu_import.as_secs_f64();
    if import_only {
        println!(
            "| (a) import through Kasvu | {:.1} s ({:.0} values/s) |",
            kasvu_import.as_secs_f64(),
            n_values as f64 / kasvu_import.as_secs_f64()
        );
        println!(
            "| (a) `sqlite3 .import` into a plain table | {:.1} s |",
            sqlite_import.as_secs_f64()
        );
        print_floor(floor, sqlite_import);
        print_pg_import(pg_import.as_ref(), n_values);
        println!("import-ratio sqlite {import_ratio:.3}");
        println!(
            "import-floor-ratio sqlite {:.3}",
            sqlite_import.as_secs_f64() / floor.as_secs_f64()
        );
        print_pg_ratio(pg_import.as_ref());
        return Ok(());
    }

    // (c) Write → visible in the area roll-up.
    let area = store.org_unit("area-0").await?.context("area-0")?;
    let leaf = store.org_unit("unit-0").await?.context("unit-0")?;
    let ind = store.indicator("ind-0").await?.context("ind-0")?;
    let year = Period::parse("2030").map_err(|p| anyhow::anyhow!("{p}"))?;
    let mut visibility = Vec::new();
    // The write's own share (its commit included) of each.
    let mut writing = Vec::new();
    let mut write_phases: Vec<(&str, Vec<Duration>)> = Vec::new();
    for k in 0..200 {
        let p = Period::parse("203001").map_err(|p| anyhow::anyhow!("{p}"))?;
        let before = store
            .observe(&ind, area.id, year, &Breakdown::total())
            .await?
            .raw
            .unwrap_or(0.0);
        let t = Instant::now();
        store
            .write_values(
                &actor,
                &[ValueRow {
                    row: 1,
                    indicator_id: ind.id,
                    unit_id: leaf.id,
                    period: p,
                    breakdown: Breakdown::total(),
                    value: Some(100.0 + f64::from(k)),
                    count: None,
                }],
                WriteOptions {
                    source: "bench".into(),
                    ..Default::default()
                },
            )
            .await?;
        writing.push(t.elapsed());
        for (name, d) in kasvu_store::last_write_phases() {
            match write_phases.iter_mut().find(|(n, _)| *n == name) {
                Some((_, all)) => all.push(d),
                None => write_phases.push((name, vec![d])),
            }
        }
        let seen = store
            .observe(&ind, area.id, year, &Breakdown::total())
            .await?
            .raw
            .unwrap_or(0.0);
        visibility.push(t.elapsed());
        if seen == before && k > 0 {
            bail!("the write was not visible in the area roll-up");
        }
    }
    visibility.sort();
    writing.sort();

    // (g) Disclosure control: the whole table of one indicator protected
    // from cold (every year), then one year again after each of 20 writes
    // of a small count into it (what the next reader of the indicator
    // waits for).
    let city = store.org_unit("city").await?.context("city")?;
    // A second handle on the same database has its own, empty caches; the
    // years that (c)'s reads protected and kept in the database are
    // dropped, so this is from cold.
    store.kept_protection_settled().await;
    store
        .raw_execute_for_tests("DELETE FROM kept_protection")
        .await?;
    let fresh = store.clone().with_whole_table_units(2000);
    let t = Instant::now();
    let cold = fresh.protection(&ind, city.org_id).await?;
    let protect_cold = t.elapsed();
    let (primary, complementary) = cold.counts();
    // A third handle (a restarted server) reads the years just kept.
    fresh.kept_protection_settled().await;
    let kept_years = store
        .raw_execute_for_tests(&format!(
            "UPDATE kept_protection SET year = year WHERE indicator_id = {}",
            ind.id
        ))
        .await?;
    if kept_years == 0 {
        bail!("no protected year was kept");
    }
    let second_handle = store.clone().with_whole_table_units(2000);
    let t = Instant::now();
    let from_kept = second_handle.protection(&ind, city.org_id).await?;
    let protect_kept = t.elapsed();
    if from_kept.counts() != (primary, complementary) {
        bail!("the kept years hide other cells than were computed");
    }
    let mut reprotect = Vec::new();
    for k in 0..20u32 {
        let row = ValueRow {
            row: 1,
            indicator_id: ind.id,
            unit_id: leaf.id,
            period: Period::parse("202506").map_err(|p| anyhow::anyhow!("{p}"))?,
            breakdown: Breakdown::total(),
            value: Some(f64::from(k % 4 + 1)),
            count: None,
        };
        store
            .write_values(&actor, &[row], WriteOptions::default())
            .await?;
        let t = Instant::now();
        let p = store.protection(&ind, city.org_id).await?;
        reprotect.push(t.elapsed());
        if !p.hides(
            leaf.id,
            Period::parse("202506").map_err(|p| anyhow::anyhow!("{p}"))?,
            &Breakdown::total(),
        ) {
            bail!("the small count written was not hidden");
        }
    }
    reprotect.sort();

    // (b) Roll-up reads versus a GROUP BY over raw values, in-process.
    // Protection is cached apart from the series (and measured in (g)):
    // read once so that what follows measures the roll-up reads.
    store.read_unit_series(area.id).await?;
    let mut rollup_reads = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let s = store.read_unit_series(area.id).await?;
        rollup_reads.push(t.elapsed());
        if s.len() != INDICATORS {
            bail!("dashboard series for {} indicators", s.len());
        }
    }
    rollup_reads.sort();
    let mut raw_reads = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let rows = store.raw_group_by_for_bench(area.id).await?;
        raw_reads.push(t.elapsed());
        if rows == 0 {
            bail!("the raw GROUP BY found nothing");
        }
    }
    raw_reads.sort();

    // (h) Every table protected ahead from cold, as `kasvu import --kind
    // values` does after a file that named every indicator (and the web
    // import job in the background): what that adds to such an import.
    store.kept_protection_settled().await;
    store
        .raw_execute_for_tests("DELETE FROM kept_protection")
        .await?;
    let ahead_handle = store.clone().with_whole_table_units(2000);
    let t = Instant::now();
    let ahead = ahead_handle
        .protect_ahead(&kasvu_store::ProtectScope::Everything, &mut |_, _| {})
        .await?;
    let protect_ahead = t.elapsed();

    // (b, d) The real server under concurrent load. The years protected
    // in-process above were kept in the database; the first start is to
    // protect from cold, as after an import.
    store.kept_protection_settled().await;
    store
        .raw_execute_for_tests("DELETE FROM kept_protection")
        .await?;
    let (mut child, base) = server::start(&kasvu_bin, &db_url)?;
    let pid = child.id();
    let rss_idle = rss_kb(pid);
    let url = format!("{base}/units/area-0/dashboard");
    let client = reqwest::Client::new();
    // The first dashboard protects every indicator it shows from cold (and
    // keeps the protected years in the database).
    let (warm_up, tries) = server::first_dashboard(&client, &url).await?;
    let rss_warm = rss_kb(pid);
    let page = load(&client, &url, clients, seconds).await?;
    // The same load while a value is written every 100 ms (from this
    // process, into the same database): each write invalidates the server's
    // cached dashboard, so some requests read the roll-ups afresh.
    let writer = {
        let store = store.clone();
        let (ind, leaf) = (ind.clone(), leaf.id);
        tokio::spawn(async move {
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let mut writes = 0u32;
            while Instant::now() < deadline {
                let row = ValueRow {
                    row: 1,
                    indicator_id: ind.id,
                    unit_id: leaf,
                    period: Period::parse("203002").map_err(|p| anyhow::anyhow!("{p}"))?,
                    breakdown: Breakdown::total(),
                    value: Some(f64::from(writes)),
                    count: None,
                };
                store
                    .write_values(&Actor::system("bench"), &[row], WriteOptions::default())
                    .await?;
                writes += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            anyhow::Ok(writes)
        })
    };
    let page_writes = load(&client, &url, clients, seconds).await?;
    let writes = writer.await??;
    store.close().await;
    let rss_loaded = rss_kb(pid);
    let hwm = hwm_kb(pid);
    let _ = Command::new("kill").arg(pid.to_string()).status();
    let _ = child.wait();
    // Started again: the protected years kept by the first run are served
    // (those a write of (b) moved on since are protected anew).
    let (mut child, base) = server::start(&kasvu_bin, &db_url)?;
    let restarted_url = format!("{base}/units/area-0/dashboard");
    let after_restart = server::first_dashboard(&client, &restarted_url).await;
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
    let (after_restart, restarted_tries) = after_restart?;

    let db_mb = std::fs::metadata(&db_path)
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(0.0);
    println!("| measure | result |");
    println!("|---|---|");
    println!("| values | {n_values} ({units} units, {INDICATORS} monthly indicators, {MONTHS} months; CSV {mb:.0} MB; database after import {db_mb:.0} MB) |");
    println!(
        "| (a) import through Kasvu (checks, audit entry, roll-ups to every level) | {:.1} s ({:.0} values/s) |",
        kasvu_import.as_secs_f64(),
        n_values as f64 / kasvu_import.as_secs_f64()
    );
    println!(
        "| (a) `sqlite3 .import` into a plain table | {:.1} s |",
        sqlite_import.as_secs_f64()
    );
    println!(
        "| (a) ratio, sqlite3 time / Kasvu time (goal ≥ 0.5) | {:.2} |",
        sqlite_import.as_secs_f64() / kasvu_import.as_secs_f64()
    );
    print_floor(floor, sqlite_import);
    print_pg_import(pg_import.as_ref(), n_values);
    println!(
        "| (b) dashboard page over HTTP, {clients} concurrent clients, {seconds} s: p50 / p99 | {} / {} ({} requests) |",
        ms(percentile(&page, 0.5)),
        ms(percentile(&page, 0.99)),
        page.len()
    );
    println!(
        "| (b) the first dashboard after start, protecting every indicator it shows from cold | {:.1} s ({tries} request{}) |",
        warm_up.as_secs_f64(),
        if tries == 1 { "" } else { "s" }
    );
    println!(
        "| (b) the first dashboard after a restart, its protected years kept in the database | {:.2} s ({restarted_tries} request{}) |",
        after_restart.as_secs_f64(),
        if restarted_tries == 1 { "" } else { "s" }
    );
    println!(
        "| (b) the same, while a value is written every 100 ms ({writes} writes): p50 / p99 | {} / {} ({} requests) |",
        ms(percentile(&page_writes, 0.5)),
        ms(percentile(&page_writes, 0.99)),
        page_writes.len()
    );
    println!(
        "| (b) the dashboard's figures from roll-ups, in-process: p50 / p99 | {} / {} |",
        ms(percentile(&rollup_reads, 0.5)),
        ms(percentile(&rollup_reads, 0.99))
    );
    println!(
        "| (b) the same figures by GROUP BY over raw values: p50 | {} |",
        ms(percentile(&raw_reads, 0.5))
    );
    println!(
        "| (c) write → visible in the area's yearly roll-up: p50 / p99 | {} / {} |",
        ms(percentile(&visibility, 0.5)),
        ms(percentile(&visibility, 0.99))
    );
    println!(
        "| (c) of it, the write until committed: p50 / p99 | {} / {} |",
        ms(percentile(&writing, 0.5)),
        ms(percentile(&writing, 0.99))
    );
    for (name, all) in &mut write_phases {
        all.sort();
        println!(
            "| (c) write phase {name}: p50 / p99 | {} / {} |",
            ms(percentile(all, 0.5)),
            ms(percentile(all, 0.99))
        );
    }
    println!(
        "| (g) disclosure control, one indicator's whole table ({primary} small cells, {complementary} hidden to protect them): from cold | {} |",
        ms(protect_cold)
    );
    println!(
        "| (g) the same table read from its years kept in the database, by a handle with empty caches | {} |",
        ms(protect_kept)
    );
    println!(
        "| (g) the same indicator's year re-protected after a write: p50 / p99 | {} / {} |",
        ms(percentile(&reprotect, 0.5)),
        ms(percentile(&reprotect, 0.99))
    );
    println!(
        "| (h) every table protected ahead from cold and kept, as after an import that named every indicator ({} tables, {} not kept) | {:.1} s |",
        ahead.tables,
        ahead.not_kept,
        protect_ahead.as_secs_f64()
    );
    println!(
        "| (d) server RSS: idle / after the first dashboard / after the load / peak (goal ≤ 100 MB) | {:.0} / {:.0} / {:.0} / {:.0} MB |",
        rss_idle / 1024.0,
        rss_warm / 1024.0,
        rss_loaded / 1024.0,
        hwm / 1024.0
    );
    // Lines a script can read (the goals: ≥ 0.3; ≤ 100 MB).
    println!();
    println!("import-ratio sqlite {import_ratio:.3}");
    println!(
        "import-floor-ratio sqlite {:.3}",
        sqlite_import.as_secs_f64() / floor.as_secs_f64()
    );
    print_pg_ratio(pg_import.as_ref());
    println!("server-peak-rss-mb {:.0}", hwm / 1024.0);
    Ok(())
}

/// The floor under any import into Kasvu's schema: the rows of the plain
/// table (already parsed by `sqlite3 .import`) written with their integer
/// keys into a copy of `data_values` (migration 0002's columns, primary key
/// and secondary index; no foreign keys) by one `INSERT … SELECT` in the
/// sqlite3 shell, with the 64 MiB page cache of Kasvu's large writes, and
/// the secondary index built after. No checks, no audit, no roll-ups, no
/// statement per row: what storing the values alone costs.
fn import_floor(dir: &std::path::Path, plain: &std::path::Path) -> Result<Duration> {
    let keyed = dir.join("floor.db");
    let t = Instant::now();
    let status = Command::new("sqlite3")
        .arg(&keyed)
        .arg("PRAGMA journal_mode = WAL")
        .arg("PRAGMA cache_size = -65536")
        .arg(
            "CREATE TABLE data_values (unit_id BIGINT NOT NULL, indicator_id BIGINT NOT NULL, \
             sex TEXT NOT NULL, grade TEXT NOT NULL, age_group TEXT NOT NULL, period TEXT NOT NULL, \
             value DOUBLE PRECISION NOT NULL, count DOUBLE PRECISION, updated_at BIGINT NOT NULL, \
             updated_by TEXT NOT NULL, \
             PRIMARY KEY (unit_id, indicator_id, sex, grade, age_group, period)) WITHOUT ROWID",
        )
        .arg(format!(
            "ATTACH '{}' AS p",
            plain.display().to_string().replace('\'', "''")
        ))
        .arg(
            "INSERT INTO data_values SELECT CAST(substr(orgunit, 6) AS INTEGER), \
             CAST(substr(indicator, 5) AS INTEGER), '', '', '', period, \
             CAST(value AS REAL), NULL, 0, 'bench' FROM p.plain",
        )
        .arg("CREATE INDEX data_values_indicator ON data_values(indicator_id, period)")
        .stdout(Stdio::null())
        .status()
        .context("run sqlite3")?;
    let took = t.elapsed();
    if !status.success() {
        bail!("the floor's INSERT … SELECT failed");
    }
    drop(std::fs::remove_file(&keyed));
    Ok(took)
}

/// The import's phases in seconds, PostgreSQL's beside SQLite's when it
/// was measured.
fn print_phases(sqlite: &[(&str, Duration)], pg: Option<&pg_import::PgImport>) {
    match pg {
        None => {
            println!("| import phase | seconds |");
            println!("|---|---|");
            for (name, d) in sqlite {
                println!("| {name} | {:.2} |", d.as_secs_f64());
            }
        }
        Some(pg) => {
            println!("| import phase | SQLite, s | PostgreSQL, s |");
            println!("|---|---|---|");
            let mut names: Vec<&str> = sqlite.iter().map(|(n, _)| *n).collect();
            for (n, _) in &pg.phases {
                if !names.contains(n) {
                    names.push(n);
                }
            }
            let of = |all: &[(&str, Duration)], name: &str| {
                all.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, d)| format!("{:.2}", d.as_secs_f64()))
                    .unwrap_or_else(|| "—".into())
            };
            for name in names {
                println!(
                    "| {name} | {} | {} |",
                    of(sqlite, name),
                    of(&pg.phases, name)
                );
            }
        }
    }
}

/// The floor's row of (a): the highest ratio any import into this schema
/// could reach.
fn print_floor(floor: Duration, sqlite_import: Duration) {
    println!(
        "| (a) floor: the parsed rows with their keys into `data_values` alone, one `INSERT … SELECT`, index after | {:.1} s (ratio at most {:.2}) |",
        floor.as_secs_f64(),
        sqlite_import.as_secs_f64() / floor.as_secs_f64()
    );
}

/// The PostgreSQL rows of (a)'s table, when it was measured.
fn print_pg_import(measured: Option<&pg_import::PgImport>, n_values: u64) {
    if let Some(pg_import::PgImport { kasvu, copy, .. }) = measured {
        println!(
            "| (a) import into PostgreSQL through Kasvu | {:.1} s ({:.0} values/s) |",
            kasvu.as_secs_f64(),
            n_values as f64 / kasvu.as_secs_f64()
        );
        println!(
            "| (a) PostgreSQL `COPY` into a plain table | {:.1} s |",
            copy.as_secs_f64()
        );
    }
}

/// `import-ratio postgres …`: `COPY`'s time / Kasvu's, when measured.
fn print_pg_ratio(measured: Option<&pg_import::PgImport>) {
    if let Some(pg_import::PgImport { kasvu, copy, .. }) = measured {
        println!(
            "import-ratio postgres {:.3}",
            copy.as_secs_f64() / kasvu.as_secs_f64()
        );
    }
}

/// The synthetic city: an organisation, its areas, `clusters` clusters and
/// `units` units under them, and the bench's monthly count indicators.
async fn synthetic_city(store: &Store, units: usize, clusters: usize) -> Result<()> {
    let actor = Actor::system("bench");
    let mut tree = vec![(2, unit("city", None, Level::Organisation)?)];
    for a in 0..AREAS {
        tree.push((
            tree.len() + 2,
            unit(&format!("area-{a}"), Some("city"), Level::Area)?,
        ));
    }
    for c in 0..clusters {
        let area = format!("area-{}", c % AREAS);
        tree.push((
            tree.len() + 2,
            unit(&format!("cluster-{c}"), Some(&area), Level::Cluster)?,
        ));
    }
    for u in 0..units {
        let cluster = format!("cluster-{}", u % clusters);
        tree.push((
            tree.len() + 2,
            unit(&format!("unit-{u}"), Some(&cluster), Level::Unit)?,
        ));
    }
    store
        .import_org_units(&actor, &tree, false, &mut |_| {})
        .await?;
    let specs: Vec<(usize, IndicatorSpec)> = (0..INDICATORS)
        .map(|i| {
            let name = format!("Indicator {i}");
            (
                i + 2,
                IndicatorSpec::plain(
                    &format!("ind-{i}"),
                    &name,
                    Cadence::Monthly,
                    Aggregation::Sum,
                ),
            )
        })
        .collect();
    store.import_indicators(&actor, &specs, false).await?;
    Ok(())
}

/// The values CSV imported through Kasvu, as `kasvu import` does it.
async fn import_csv(store: &Store, bytes: &[u8]) -> Result<WriteSummary> {
    kasvu_io::values::import(
        store,
        &Actor::system("bench"),
        bytes,
        "values.csv",
        kasvu_io::values::Format::Csv,
        None,
        WriteOptions {
            source: "bench".into(),
            ..Default::default()
        },
        // Generated here, and larger than an upload may be.
        &kasvu_io::Limits::none(),
        &mut |_, _| {},
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// `clients` concurrent clients requesting `url` for `seconds`; the sorted
/// latencies of the successful requests.
async fn load(
    client: &reqwest::Client,
    url: &str,
    clients: usize,
    seconds: u64,
) -> Result<Vec<Duration>> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let client = client.clone();
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let ok = client
                    .get(&url)
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                if ok {
                    lat.push(t.elapsed());
                }
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await?);
    }
    all.sort();
    Ok(all)
}

fn status_kb(pid: u32, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0.0)
}

fn rss_kb(pid: u32) -> f64 {
    status_kb(pid, "VmRSS:")
}

fn hwm_kb(pid: u32) -> f64 {
    status_kb(pid, "VmHWM:")
}
