//! Which way a table is protected — whole years read one after another,
//! or only the neighbourhoods of its small cells — and which years are
//! read never decides whether a small cell is hidden. On SQLite and on
//! PostgreSQL.

use kasvu_core::IndicatorSpec;
use kasvu_core::{Aggregation, Cadence, Level, Names, OrgCode, Period, UnitKind, ValidRange};
use kasvu_store::testing::TestDb;
use kasvu_store::{Actor, Breakdown, OrgUnitSpec, Store, ValueRow, WriteOptions};

fn unit(code: &str, parent: Option<&str>, level: Level) -> OrgUnitSpec {
    OrgUnitSpec {
        code: OrgCode::parse(code).unwrap(),
        parent: parent.map(|p| OrgCode::parse(p).unwrap()),
        level,
        kind: (level == Level::Unit).then_some(UnitKind::School),
        sector: None,
        names: Names::parse(code, "", "").unwrap(),
        external_codes: vec![],
        valid: ValidRange::default(),
    }
}

fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

/// More areas with small sums than the neighbourhood path takes (64), so
/// that the whole years are protected without summing every school's
/// cells; and a year in which one school alone is small. That year must be
/// protected too, and every year must come back from the years protected
/// while the next was read.
async fn a_year_with_one_small_school_is_protected(db: &TestDb) {
    let store = db.store.clone();
    const AREAS: usize = 70;
    let mut units = vec![(2, unit("w", None, Level::Organisation))];
    for a in 0..AREAS {
        let area = format!("w-a{a}");
        units.push((units.len() + 2, unit(&area, Some("w"), Level::Area)));
        for s in ["s1", "s2"] {
            let school = format!("{area}-{s}");
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
    let id = |code: &str| {
        let store = store.clone();
        let code = code.to_owned();
        async move { store.org_unit(&code).await.unwrap().unwrap().id }
    };
    let mut values = Vec::new();
    let mut value = |unit_id: i64, period: &str, v: f64| {
        values.push(ValueRow {
            row: values.len() + 2,
            indicator_id: ind.id,
            unit_id,
            period: p(period),
            breakdown: Breakdown::total(),
            value: Some(v),
            count: None,
        });
    };
    for a in 0..AREAS {
        let (s1, s2) = (
            id(&format!("w-a{a}-s1")).await,
            id(&format!("w-a{a}-s2")).await,
        );
        // 2023: every area's sum (1 + 2) is small.
        value(s1, "202301", 1.0);
        value(s2, "202301", 2.0);
        // 2024: only the first area's first school (3, its area 43).
        value(s1, "202401", if a == 0 { 3.0 } else { 20.0 });
        value(s2, "202401", 40.0);
    }
    store
        .write_values(&cli, &values, WriteOptions::default())
        .await
        .unwrap();
    let (a0, a0_s1, a1_s2) = (id("w-a0").await, id("w-a0-s1").await, id("w-a1-s2").await);
    let total = Breakdown::total();
    let mut seen = Vec::new();
    // A store of its own for the other way: the cache of protected years
    // is per store.
    let around = Store::open(&db.url)
        .await
        .unwrap()
        .with_whole_table_units(0);
    for (path, store) in [("whole table", &store), ("neighbourhoods allowed", &around)] {
        let protected = store.protection(&ind, org.org_id).await.unwrap();
        assert_eq!(store.protection_computations_for_tests(), 1, "{path}");
        assert!(
            protected.hides(a0_s1, p("202401"), &total),
            "{path}: the one small school of 2024 is hidden"
        );
        assert!(
            protected.hides(a0, p("202301"), &total) && protected.hides(a0_s1, p("202301"), &total),
            "{path}: the small sums of 2023 are hidden"
        );
        assert!(
            !protected.hides(a1_s2, p("202401"), &total),
            "{path}: a school of 40 in 2024 is shown"
        );
        let mut hidden = Vec::new();
        for a in 0..AREAS {
            for code in [
                format!("w-a{a}"),
                format!("w-a{a}-s1"),
                format!("w-a{a}-s2"),
            ] {
                let u = id(&code).await;
                for per in ["202301", "2023Q1", "2023", "202401", "2024Q1", "2024"] {
                    if protected.hides(u, p(per), &total) {
                        hidden.push((code.clone(), per));
                    }
                }
            }
        }
        seen.push((protected.counts(), hidden));
        store.kept_protection_settled().await;
    }
    around.close().await;
    assert_eq!(seen[0], seen[1], "both ways hide the same cells");
}

kasvu_store::both_databases!(db: a_year_with_one_small_school_is_protected);
