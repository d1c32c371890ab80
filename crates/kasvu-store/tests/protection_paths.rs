//! Which way a table is protected — whole years read one after another,
//! or only the neighbourhoods of its small cells — and which years are
//! read never decides whether a small cell is hidden. On SQLite and on
//! PostgreSQL.

use kasvu_core::IndicatorSpec;
use kasvu_core::{Aggregation, Cadence, Level, Period};
use kasvu_store::testing::{unit, TestDb};
use kasvu_store::{Actor, Breakdown, Indicator, Store, ValueRow, WriteOptions};
use std::collections::HashMap;

fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

/// An organisation `w` of `areas` areas of `schools` schools each
/// (`w-a{i}-s{j}`), one monthly count of people: (indicator, organisation,
/// unit ids by code).
async fn set_up(
    store: &Store,
    areas: usize,
    schools: usize,
) -> (Indicator, i64, HashMap<String, i64>) {
    let mut units = vec![(2, unit("w", None, Level::Organisation))];
    for a in 0..areas {
        let area = format!("w-a{a}");
        units.push((units.len() + 2, unit(&area, Some("w"), Level::Area)));
        for s in 0..schools {
            let school = format!("{area}-s{s}");
            units.push((units.len() + 2, unit(&school, Some(&area), Level::Unit)));
        }
    }
    let cli = Actor::system("test");
    store
        .import_org_units(&cli, &units, false, &mut |_| {})
        .await
        .unwrap();
    let spec = IndicatorSpec::plain("calls", "calls", Cadence::Monthly, Aggregation::Sum);
    store
        .import_indicators(&cli, &[(2, spec)], false)
        .await
        .unwrap();
    let ind = store.indicators().await.unwrap().remove(0);
    let org = store.org_unit("w").await.unwrap().unwrap();
    let ids = store
        .org_units(org.org_id)
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect();
    (ind, org.org_id, ids)
}

/// Writes each (unit, month, value) as a value of the indicator.
async fn write(store: &Store, ind: &Indicator, values: &[(i64, &str, f64)]) {
    let rows: Vec<ValueRow> = values
        .iter()
        .enumerate()
        .map(|(n, (unit_id, period, v))| ValueRow {
            row: n + 2,
            indicator_id: ind.id,
            unit_id: *unit_id,
            period: p(period),
            breakdown: Breakdown::total(),
            value: Some(*v),
            count: None,
        })
        .collect();
    store
        .write_values(&Actor::system("test"), &rows, WriteOptions::default())
        .await
        .unwrap();
}

/// Protects the table on the default store (this organisation is protected
/// as a whole table) and on one that may read only neighbourhoods (a store
/// of its own: the cache of protected years is per store); checks that
/// each hides `small` and shows `shown` (unit code, period) and that both
/// hide the same cells.
async fn check_both(
    db: &TestDb,
    (ind, org_id, ids): &(Indicator, i64, HashMap<String, i64>),
    small: &[(&str, &str)],
    shown: &[(&str, &str)],
) {
    let around = Store::open(&db.url)
        .await
        .unwrap()
        .with_whole_table_units(0);
    let total = Breakdown::total();
    let mut seen = Vec::new();
    for (path, store) in [
        ("whole table", &db.store),
        ("neighbourhoods allowed", &around),
    ] {
        let protected = store.protection(ind, *org_id).await.unwrap();
        assert_eq!(store.protection_computations_for_tests(), 1, "{path}");
        for (code, per) in small {
            assert!(
                protected.hides(ids[*code], p(per), &total),
                "{path}: {code} {per} is hidden"
            );
        }
        for (code, per) in shown {
            assert!(
                !protected.hides(ids[*code], p(per), &total),
                "{path}: {code} {per} is shown"
            );
        }
        let mut hidden = Vec::new();
        let mut codes: Vec<&String> = ids.keys().collect();
        codes.sort();
        for code in codes {
            for per in ["202301", "2023Q1", "2023", "202401", "2024Q1", "2024"] {
                if protected.hides(ids[code], p(per), &total) {
                    hidden.push((code.clone(), per));
                }
            }
        }
        seen.push((protected.counts(), hidden));
        store.kept_protection_settled().await;
    }
    around.close().await;
    assert_eq!(seen[0], seen[1], "both ways hide the same cells");
}

/// More areas with small sums (stored roll-up rows) than the neighbourhood
/// path takes (64), so that the whole years are protected without summing
/// any school's cells; and a year in which one school alone is small. That
/// year must be protected too, and every year must come back from the
/// years protected while the next was read.
async fn a_year_with_one_small_school_is_protected(db: &TestDb) {
    let set = set_up(&db.store, 70, 2).await;
    let ids = &set.2;
    let mut values = Vec::new();
    for a in 0..70 {
        let (s0, s1) = (ids[&format!("w-a{a}-s0")], ids[&format!("w-a{a}-s1")]);
        // 2023: every area's sum (1 + 2) is small.
        values.push((s0, "202301", 1.0));
        values.push((s1, "202301", 2.0));
        // 2024: only the first area's first school (3; its area 43).
        values.push((s0, "202401", if a == 0 { 3.0 } else { 20.0 }));
        values.push((s1, "202401", 40.0));
    }
    write(&db.store, &set.0, &values).await;
    check_both(
        db,
        &set,
        &[
            ("w-a0-s0", "202401"),
            ("w-a0", "202301"),
            ("w-a0-s0", "202301"),
        ],
        &[("w-a1-s1", "202401"), ("w-a1", "202401")],
    )
    .await;
}

/// More schools with a small count than are summed at a time (400): once
/// the first 400 show more than 64 units with small cells, the rest are not
/// summed, and the year in which only the last of them is small must be
/// protected all the same.
async fn a_school_past_the_first_summed_is_protected(db: &TestDb) {
    let set = set_up(&db.store, 5, 90).await;
    let ids = &set.2;
    let last = "w-a4-s89";
    let mut values = Vec::new();
    for a in 0..5 {
        for s in 0..90 {
            let school = format!("w-a{a}-s{s}");
            values.push((ids[&school], "202301", 3.0));
            values.push((
                ids[&school],
                "202401",
                if school == last { 3.0 } else { 20.0 },
            ));
        }
    }
    write(&db.store, &set.0, &values).await;
    assert!(ids[last] > ids["w-a0-s0"], "the last school is summed last");
    check_both(
        db,
        &set,
        &[(last, "202401"), ("w-a0-s0", "202301")],
        &[("w-a0-s0", "202401"), ("w-a4", "202301")],
    )
    .await;
}

kasvu_store::both_databases!(
    db: a_year_with_one_small_school_is_protected,
    a_school_past_the_first_summed_is_protected
);
