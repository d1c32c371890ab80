//! Protected years kept in the database (migration 0037): a server started
//! afresh on the same database serves what an earlier one protected,
//! without protecting it again — but only while the year's data, the
//! place of every unit and every setting that decides what is hidden are
//! unchanged. On SQLite and on PostgreSQL.
//!
//! That a kept year is what is served is shown by changing the kept row in
//! the database (to a cell the data would never hide) and seeing a new
//! store hide exactly that.

use kasvu_core::IndicatorSpec;
use kasvu_core::{Aggregation, Cadence, Level, Period, Sex};
use kasvu_store::testing::unit;
use kasvu_store::testing::TestDb;
use kasvu_store::{
    Actor, Breakdown, Indicator, ProtectScope, ProtectedAhead, Store, ValueRow, WriteOptions,
};
use std::collections::HashMap;

fn cli() -> Actor {
    Actor::system("test")
}

fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

/// k → north (→ school-a, school-b), south (→ school-c); one monthly
/// count of people by sex, with school-a's girls (3) small.
async fn setup(store: &Store) -> (Indicator, i64, HashMap<String, i64>) {
    let rows = vec![
        (2, unit("k", None, Level::Organisation)),
        (3, unit("k-north", Some("k"), Level::Area)),
        (4, unit("k-south", Some("k"), Level::Area)),
        (5, unit("k-school-a", Some("k-north"), Level::Unit)),
        (6, unit("k-school-b", Some("k-north"), Level::Unit)),
        (7, unit("k-school-c", Some("k-south"), Level::Unit)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    let mut spec = IndicatorSpec::plain("calls", "calls", Cadence::Monthly, Aggregation::Sum);
    spec.by_sex = true;
    store
        .import_indicators(&cli(), &[(2, spec)], false)
        .await
        .unwrap();
    let ind = store.indicators().await.unwrap().remove(0);
    let org = store.org_unit("k").await.unwrap().unwrap();
    let units: HashMap<String, i64> = store
        .org_units(org.org_id)
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.code.trim_start_matches("k-").to_owned(), u.id))
        .collect();
    let mut values = Vec::new();
    for (n, (u, sex, v)) in [
        ("school-a", Sex::Total, 20.0),
        ("school-a", Sex::Male, 17.0),
        ("school-a", Sex::Female, 3.0),
        ("school-b", Sex::Total, 40.0),
        ("school-b", Sex::Male, 18.0),
        ("school-b", Sex::Female, 22.0),
        ("school-c", Sex::Total, 30.0),
    ]
    .into_iter()
    .enumerate()
    {
        values.push(ValueRow {
            row: n + 2,
            indicator_id: ind.id,
            unit_id: units[u],
            period: p("202401"),
            breakdown: Breakdown::sex(sex),
            value: Some(v),
            count: None,
        });
    }
    store
        .write_values(&cli(), &values, WriteOptions::default())
        .await
        .unwrap();
    (ind, org.org_id, units)
}

/// How many kept rows match the condition (an UPDATE that changes nothing
/// counts them).
async fn kept_rows(store: &Store, condition: &str) -> u64 {
    store
        .raw_execute_for_tests(&format!(
            "UPDATE kept_protection SET year = year WHERE {condition}"
        ))
        .await
        .unwrap()
}

/// Changes the kept year 2024 to hide only the unit's total of January —
/// a cell the data would never hide.
async fn hide_only(store: &Store, unit: i64) {
    store
        .raw_execute_for_tests(&format!(
            "UPDATE kept_protection SET primary_cells = 1, \
             hidden = '[[{unit},\"total\",\"\",\"\",\"202401\"]]' WHERE year = 2024"
        ))
        .await
        .unwrap();
}

async fn kept_years_are_served_after_a_restart(db: &TestDb) {
    let store = &db.store;
    let (ind, org, u) = setup(store).await;
    let girls_a = |p: &kasvu_store::Protected| {
        p.hides(
            u["school-a"],
            Period::parse("202401").unwrap(),
            &Breakdown::sex(Sex::Female),
        )
    };
    let c_total = |p: &kasvu_store::Protected| {
        p.hides(
            u["school-c"],
            Period::parse("202401").unwrap(),
            &Breakdown::total(),
        )
    };
    let first = store.protection(&ind, org).await.unwrap();
    store.kept_protection_settled().await;
    assert!(girls_a(&first), "3 girls are hidden");
    assert!(!c_total(&first), "school-c's 30 is not");
    assert_eq!(kept_rows(store, "year = 2024").await, 1, "the year is kept");
    let (primary, complementary) = first.counts();

    // The kept row, changed to hide only school-c's total: a new store on
    // the same database (a restarted server) serves it as it is kept.
    hide_only(store, u["school-c"]).await;
    let restarted = Store::open(&db.url).await.unwrap();
    let kept = restarted.protection(&ind, org).await.unwrap();
    assert!(c_total(&kept) && !girls_a(&kept), "the kept year is served");
    assert_eq!(kept.counts(), (1, 0));
    restarted.close().await;

    // Another threshold, another whole-table size: what they would hide
    // is computed, not taken from the kept year.
    for other in [
        Store::open(&db.url).await.unwrap().with_threshold(4.0),
        Store::open(&db.url)
            .await
            .unwrap()
            .with_whole_table_units(1),
    ] {
        let p = other.protection(&ind, org).await.unwrap();
        other.kept_protection_settled().await;
        assert!(girls_a(&p) && !c_total(&p), "computed afresh");
        other.close().await;
    }
    // Each kept a row of its own beside the changed one, which stays.
    assert_eq!(kept_rows(store, "year = 2024").await, 3);
    assert_eq!(
        kept_rows(store, "year = 2024 AND hidden LIKE '%female%'").await,
        2
    );

    // Every row made to hide only school-c, then a write into the year:
    // its version moves, so the kept year is not used and is replaced (the
    // other settings' rows stay as they are, at the old version).
    hide_only(store, u["school-c"]).await;
    let write = ValueRow {
        row: 2,
        indicator_id: ind.id,
        unit_id: u["school-c"],
        period: p("202402"),
        breakdown: Breakdown::total(),
        value: Some(25.0),
        count: None,
    };
    store
        .write_values(&cli(), &[write], WriteOptions::default())
        .await
        .unwrap();
    let after_write = Store::open(&db.url).await.unwrap();
    let p2 = after_write.protection(&ind, org).await.unwrap();
    after_write.kept_protection_settled().await;
    assert!(
        girls_a(&p2) && !c_total(&p2),
        "computed afresh after the write"
    );
    assert_eq!(p2.counts(), (primary, complementary));
    assert_eq!(
        kept_rows(store, "year = 2024 AND hidden LIKE '%female%'").await,
        1,
        "the year is kept again at its new version"
    );
    after_write.close().await;

    // Made to hide only school-c again, then school-b moved to the south:
    // the tree's roll-ups change, and so does what is protected.
    hide_only(store, u["school-c"]).await;
    store
        .update_org_unit(&cli(), &unit("k-school-b", Some("k-south"), Level::Unit))
        .await
        .unwrap();
    let moved = Store::open(&db.url).await.unwrap();
    let p4 = moved.protection(&ind, org).await.unwrap();
    assert!(girls_a(&p4), "computed afresh after the move");
    moved.kept_protection_settled().await;
    moved.close().await;

    // A row that cannot be read is computed afresh, not an error.
    store
        .raw_execute_for_tests("UPDATE kept_protection SET hidden = 'not json'")
        .await
        .unwrap();
    let broken = Store::open(&db.url).await.unwrap();
    let p3 = broken.protection(&ind, org).await.unwrap();
    assert!(girls_a(&p3) && !c_total(&p3));
    broken.close().await;
}

/// A second people-counting indicator ("visits", yearly) with a small
/// cell at school-a.
async fn second_indicator(store: &Store, units: &HashMap<String, i64>) -> Indicator {
    let spec = IndicatorSpec::plain("visits", "visits", Cadence::Yearly, Aggregation::Sum);
    store
        .import_indicators(&cli(), &[(2, spec)], false)
        .await
        .unwrap();
    let ind = store
        .indicators()
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.code() == "visits")
        .unwrap();
    let values: Vec<ValueRow> = [("school-a", 2.0), ("school-b", 40.0), ("school-c", 30.0)]
        .into_iter()
        .enumerate()
        .map(|(n, (u, v))| ValueRow {
            row: n + 2,
            indicator_id: ind.id,
            unit_id: units[u],
            period: p("2024"),
            breakdown: Breakdown::total(),
            value: Some(v),
            count: None,
        })
        .collect();
    store
        .write_values(&cli(), &values, WriteOptions::default())
        .await
        .unwrap();
    ind
}

/// A protection ahead covers the indicators it is given, in every
/// organisation, and nothing else; a second pass over everything only
/// reads what the first kept.
async fn protection_ahead_covers_what_it_is_given(db: &TestDb) {
    let (calls, _, u) = setup(&db.store).await;
    let visits = second_indicator(&db.store, &u).await;
    let store = Store::open(&db.url).await.unwrap();
    let done = store
        .protect_ahead(
            &ProtectScope::Indicators([visits.id].into()),
            &mut |_, _| {},
        )
        .await
        .unwrap();
    assert_eq!(
        done,
        ProtectedAhead {
            tables: 1,
            not_kept: 0
        }
    );
    assert_eq!(store.protection_computations_for_tests(), 1);
    let of = |i: &Indicator| format!("indicator_id = {}", i.id);
    assert_eq!(kept_rows(&store, &of(&visits)).await, 1);
    assert_eq!(kept_rows(&store, &of(&calls)).await, 0, "not asked for");
    store.close().await;

    let again = Store::open(&db.url).await.unwrap();
    let mut seen = Vec::new();
    let done = again
        .protect_ahead(&ProtectScope::Everything, &mut |d, t| seen.push((d, t)))
        .await
        .unwrap();
    assert_eq!(done.tables, 2);
    assert_eq!(seen, vec![(1, 2), (2, 2)], "progress after each table");
    assert_eq!(
        again.protection_computations_for_tests(),
        1,
        "visits read from its kept year, calls computed"
    );
    assert_eq!(kept_rows(&again, &of(&calls)).await, 1);
    again.close().await;
}

/// While another process holds SQLite's write lock, a year is not kept,
/// and the connection that tried goes back to the pool with its usual
/// busy timeout (it waits only 100 ms while keeping).
#[tokio::test]
async fn a_year_not_kept_leaves_the_connection_as_it_was() {
    use sqlx::Connection;
    let db = TestDb::sqlite().await;
    let (ind, org, u) = setup(&db.store).await;
    let restarted = Store::open(&db.url).await.unwrap();
    // Opened before the lock is taken (opening runs the migrations).
    let ahead = Store::open(&db.url).await.unwrap();
    let mut other = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let p = restarted.protection(&ind, org).await.unwrap();
    assert!(p.hides(
        u["school-a"],
        self::p("202401"),
        &Breakdown::sex(Sex::Female)
    ));
    restarted.kept_protection_settled().await;
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kept_protection")
        .fetch_one(&mut other)
        .await
        .unwrap();
    assert_eq!(kept, 0, "nothing kept while the lock was held");
    let timeouts = restarted.sqlite_busy_timeouts_for_tests().await.unwrap();
    assert!(timeouts.iter().all(|t| *t == 5000), "{timeouts:?}");
    // A protection ahead meanwhile says which tables it could not keep.
    let done = ahead
        .protect_ahead(&ProtectScope::Everything, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        done,
        ProtectedAhead {
            tables: 1,
            not_kept: 1
        }
    );
    assert_eq!(
        ahead.protection_computations_for_tests(),
        1,
        "protected, then not kept"
    );
    ahead.close().await;
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    other.close().await.unwrap();
    // And once the lock is gone, that it kept them.
    let ahead = Store::open(&db.url).await.unwrap();
    let done = ahead
        .protect_ahead(&ProtectScope::Everything, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        done,
        ProtectedAhead {
            tables: 1,
            not_kept: 0
        }
    );
    assert_eq!(kept_rows(&ahead, "year = 2024").await, 1);
    ahead.close().await;
    restarted.close().await;
    db.finish().await;
}

/// Two requests for the same table at once: one protects it, the other
/// waits and takes its years (at 10 M values each would otherwise spend
/// seconds and tens of MB on the same work — an import's background
/// protection and a dashboard, say).
async fn one_table_is_protected_once_at_a_time(db: &TestDb) {
    let (ind, org, u) = setup(&db.store).await;
    let store = Store::open(&db.url).await.unwrap();
    store.warm_pool_for_tests().await.unwrap();
    let (a, b) = tokio::join!(store.protection(&ind, org), store.protection(&ind, org));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(store.protection_computations_for_tests(), 1);
    let girls_a = Breakdown::sex(Sex::Female);
    assert!(a.hides(u["school-a"], p("202401"), &girls_a));
    assert!(b.hides(u["school-a"], p("202401"), &girls_a));
    assert_eq!(a.counts(), b.counts());
    store.kept_protection_settled().await;
    store.close().await;
}

kasvu_store::both_databases!(
    db: kept_years_are_served_after_a_restart,
    one_table_is_protected_once_at_a_time,
    protection_ahead_covers_what_it_is_given,
);
