//! Other writers during a long import: they wait for it and then succeed,
//! rather than fail (on SQLite they used to give up after the 5-second busy
//! timeout while an import held the database). The import stays
//! all-or-nothing, and one that fails lets the waiting writer in too. Runs
//! on SQLite and on PostgreSQL; a value write beside an unfinished change
//! of the unit tree on PostgreSQL alone (SQLite has one writer at a time).

use kasvu_core::{Aggregation, Cadence, IndicatorSpec, Level, Period};
use kasvu_store::testing::unit;
use kasvu_store::{
    both_databases, Actor, Backend, Breakdown, Indicator, OrgUnitSpec, Store, ValueRow,
    WriteOptions,
};
use std::time::Duration;

fn cli() -> Actor {
    Actor::system("test")
}

fn row(n: usize, ind: &Indicator, unit: i64, period: &str, value: f64) -> ValueRow {
    ValueRow {
        row: n,
        indicator_id: ind.id,
        unit_id: unit,
        period: Period::parse(period).unwrap(),
        breakdown: Breakdown::total(),
        value: Some(value),
        count: None,
    }
}

fn opts(source: &str) -> WriteOptions {
    WriteOptions {
        source: source.into(),
        ..Default::default()
    }
}

async fn total(store: &Store, i: &Indicator, unit: i64, period: &str) -> Option<f64> {
    store
        .observe(i, unit, Period::parse(period).unwrap(), &Breakdown::total())
        .await
        .unwrap()
        .raw
}

/// Imports the units and a monthly summed indicator `code`, and returns it.
async fn set_up(store: &Store, units: &[(usize, OrgUnitSpec)], code: &str) -> Indicator {
    store
        .import_org_units(&cli(), units, false, &mut |_| {})
        .await
        .unwrap();
    let spec = IndicatorSpec::plain(code, code, Cadence::Monthly, Aggregation::Sum);
    store
        .import_indicators(&cli(), &[(2, spec)], false)
        .await
        .unwrap();
    store.indicator(code).await.unwrap().unwrap()
}

async fn writers_wait_for_an_import(store: Store) {
    let rows = vec![
        (2, unit("city", None, Level::Organisation)),
        (3, unit("school-a", Some("city"), Level::Unit)),
        (4, unit("school-b", Some("city"), Level::Unit)),
    ];
    let calls = set_up(&store, &rows, "calls").await;
    let city = store.org_unit("city").await.unwrap().unwrap().id;
    let a = store.org_unit("school-a").await.unwrap().unwrap().id;
    let b = store.org_unit("school-b").await.unwrap().unwrap().id;

    // An import is under way: its rows are staged, it has not finished.
    let mut import = store.begin_values(&cli(), opts("big.csv")).await.unwrap();
    let staged: Vec<ValueRow> = (0..24)
        .map(|m| {
            let period = format!("{}{:02}", 2024 + m / 12, m % 12 + 1);
            row(m + 2, &calls, a, &period, 10.0)
        })
        .collect();
    import.push(&staged).await.unwrap();

    // Another writer starts meanwhile.
    let other = {
        let store = store.clone();
        let calls = calls.clone();
        tokio::spawn(async move {
            store
                .write_values(&cli(), &[row(1, &calls, b, "202401", 7.0)], opts("form"))
                .await
        })
    };
    // On SQLite the import holds the database for longer than the busy
    // timeout (5 s), which the other writer used to give up after.
    let hold = if store.backend() == Backend::Sqlite {
        Duration::from_millis(5500)
    } else {
        Duration::from_millis(500)
    };
    tokio::time::sleep(hold).await;
    if store.backend() == Backend::Sqlite {
        // It waits: SQLite has one writer at a time.
        assert!(
            !other.is_finished(),
            "the other write ran during the import"
        );
    }
    let summary = import.finish().await.unwrap();
    assert_eq!(summary.created, 24);
    let written = other.await.unwrap().unwrap();
    assert_eq!(written.created, 1);
    // Both are stored and rolled up together.
    assert_eq!(total(&store, &calls, city, "202401").await, Some(17.0));
    assert_eq!(total(&store, &calls, city, "2024").await, Some(127.0));
    assert_eq!(total(&store, &calls, a, "2025").await, Some(120.0));

    // An import that fails changes nothing, and lets the next writer in.
    let mut failing = store.begin_values(&cli(), opts("bad.csv")).await.unwrap();
    failing
        .push(&[row(2, &calls, a, "202601", 5.0)])
        .await
        .unwrap();
    let next = {
        let store = store.clone();
        let calls = calls.clone();
        tokio::spawn(async move {
            store
                .write_values(&cli(), &[row(1, &calls, b, "202602", 3.0)], opts("form"))
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The same key twice: refused naming both rows, nothing is written.
    let refused = failing.push(&[row(3, &calls, a, "202601", 6.0)]).await;
    assert!(refused.is_err(), "a duplicate row was accepted");
    drop(failing);
    assert_eq!(next.await.unwrap().unwrap().created, 1);
    assert_eq!(total(&store, &calls, a, "202601").await, None);
    assert_eq!(total(&store, &calls, city, "2026").await, Some(3.0));
}

/// A large import enlarges its SQLite connection's page cache to 64 MiB; one
/// that fails must not leave that on the pooled connection (repeated
/// failures would pin it on every connection of the pool).
async fn a_failed_large_import_gives_its_cache_back(store: Store) {
    let mut rows = vec![(2, unit("town", None, Level::Organisation))];
    for i in 0..14 {
        rows.push((
            3 + i,
            unit(&format!("school-{i}"), Some("town"), Level::Unit),
        ));
    }
    let visits = set_up(&store, &rows, "visits").await;
    let town = store.org_unit("town").await.unwrap().unwrap().id;
    let mut schools = Vec::new();
    for i in 0..14 {
        schools.push(
            store
                .org_unit(&format!("school-{i}"))
                .await
                .unwrap()
                .unwrap()
                .id,
        );
    }
    let before = store.sqlite_cache_sizes_for_tests().await.unwrap();
    // 50,400 distinct monthly values (the months of 1900–2199 at each of
    // 14 schools), then a duplicate.
    let mut import = store.begin_values(&cli(), opts("big.csv")).await.unwrap();
    let months: Vec<ValueRow> = (0..50_400)
        .map(|m| {
            let period = format!("{}{:02}", 1900 + (m / 12) % 300, m % 12 + 1);
            row(m + 2, &visits, schools[m / 3600], &period, 1.0)
        })
        .collect();
    for chunk in months.chunks(5000) {
        import.push(chunk).await.unwrap();
    }
    assert!(
        import.push(&months[..1]).await.is_err(),
        "a duplicate was accepted"
    );
    drop(import);
    let after = store.sqlite_cache_sizes_for_tests().await.unwrap();
    assert!(
        after.iter().all(|s| *s == -2000),
        "page cache sizes after a failed import: {after:?} (before: {before:?})"
    );
    assert_eq!(total(&store, &visits, town, "2000").await, None);
}

/// PostgreSQL lets two writers run at once (two server nodes here: two
/// stores on one database). A unit's first sub-unit stores the unit's
/// roll-ups from its values, and a value write adds to a unit's stored
/// rows only if it has sub-units: a value written while the sub-unit is
/// being added must not fall between the two. The unit change is held open
/// (its import paused in its progress callback, on its own thread) while
/// the value write finishes; the value must then count at the unit. Without
/// the value write's lock on the tree it committed first, seeing no
/// sub-unit, and the unit served nothing. (SQLite has one writer at a time.)
#[tokio::test]
async fn a_value_write_waits_for_a_first_sub_unit_in_flight() {
    let Some(db) = kasvu_store::testing::TestDb::postgres().await else {
        return;
    };
    let store = db.store.clone();
    let rows = vec![
        (2, unit("city", None, Level::Organisation)),
        (3, unit("north", Some("city"), Level::Area)),
    ];
    let calls = set_up(&store, &rows, "calls").await;
    let north = store.org_unit("north").await.unwrap().unwrap().id;
    let mut write = store.begin_values(&cli(), opts("form")).await.unwrap();
    write
        .push(&[row(1, &calls, north, "202401", 10.0)])
        .await
        .unwrap();

    // The other node adds north's first sub-unit and stops before commit.
    let (added, added_rx) = tokio::sync::oneshot::channel::<()>();
    let (go, go_rx) = std::sync::mpsc::channel::<()>();
    let url = db.url.clone();
    let other = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let node = Store::connect(&url).await.unwrap();
            let mut added = Some(added);
            let sub = [(2, unit("school", Some("north"), Level::Unit))];
            node.import_org_units(&cli(), &sub, false, &mut move |_| {
                if let Some(a) = added.take() {
                    let _ = a.send(());
                    let _ = go_rx.recv();
                }
            })
            .await
            .unwrap();
            node.close().await;
        })
    });
    // Bounded: a unit change that waited for the value write would hang.
    tokio::time::timeout(Duration::from_secs(30), added_rx)
        .await
        .expect("the sub-unit was added within 30 s")
        .unwrap();
    let finishing = tokio::spawn(async move { write.finish().await });
    // Until the value write finished or waits for a lock on the tree.
    let waiting = "SELECT COUNT(*) FROM pg_locks WHERE NOT granted \
                   AND relation = 'org_units'::regclass \
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
    for _ in 0..500 {
        if finishing.is_finished() || store.raw_count_for_tests(waiting).await.unwrap() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    go.send(()).unwrap();
    other.join().unwrap();
    assert_eq!(finishing.await.unwrap().unwrap().created, 1);
    // north now has a sub-unit without values: it serves its own value.
    assert_eq!(total(&store, &calls, north, "202401").await, Some(10.0));
    assert_eq!(total(&store, &calls, north, "2024").await, Some(10.0));
    let city = store.org_unit("city").await.unwrap().unwrap().id;
    assert_eq!(total(&store, &calls, city, "2024").await, Some(10.0));
    db.finish().await;
}

both_databases!(
    writers_wait_for_an_import,
    a_failed_large_import_gives_its_cache_back
);
