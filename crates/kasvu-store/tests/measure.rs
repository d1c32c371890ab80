//! Shared measurement in storage: the catalogue, writes and their rules,
//! incremental roll-ups (checked against recomputation from raw values for
//! random trees, values and write orders), and suppression. Every story runs
//! on SQLite and on PostgreSQL.

use kasvu_core::measure::{recompute, RawValue};
use kasvu_core::{
    Aggregation, Cadence, Counts, IndicatorSpec, Level, OrgCode, Period, PeriodType, Sex, ValueUnit,
};
use kasvu_store::testing::unit;
use kasvu_store::{
    both_databases, Actor, AuditFilter, Breakdown, Indicator, Observation, OrgUnitSpec, Store,
    StoreError, ValueRow, WriteOptions,
};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use std::collections::HashMap;

fn cli() -> Actor {
    Actor::system("test")
}

fn ind(code: &str, cadence: Cadence, agg: Aggregation) -> IndicatorSpec {
    let mut s = IndicatorSpec::plain(code, code, cadence, agg);
    if agg == Aggregation::Average {
        s.unit = ValueUnit::Number;
    }
    s.by_sex = true;
    s.by_grade = true;
    s
}

/// org → north (→ tuira → school-a, school-b), south (→ kaakkuri → school-c).
async fn tree(store: &Store, org: &str) -> HashMap<String, i64> {
    let p = |s: &str| format!("{org}-{s}");
    let rows = vec![
        (2, unit(org, None, Level::Organisation)),
        (3, unit(&p("north"), Some(org), Level::Area)),
        (4, unit(&p("south"), Some(org), Level::Area)),
        (5, unit(&p("tuira"), Some(&p("north")), Level::Cluster)),
        (6, unit(&p("kaakkuri"), Some(&p("south")), Level::Cluster)),
        (7, unit(&p("school-a"), Some(&p("tuira")), Level::Unit)),
        (8, unit(&p("school-b"), Some(&p("tuira")), Level::Unit)),
        (9, unit(&p("school-c"), Some(&p("kaakkuri")), Level::Unit)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    let o = store.org_unit(org).await.unwrap().unwrap();
    store
        .org_units(o.org_id)
        .await
        .unwrap()
        .into_iter()
        .map(|u| {
            (
                u.code.trim_start_matches(&format!("{org}-")).to_owned(),
                u.id,
            )
        })
        .collect()
}

async fn catalogue(store: &Store) -> HashMap<String, Indicator> {
    let mut staff = ind("staff", Cadence::SixMonthly, Aggregation::Last);
    staff.by_sex = false;
    let mut lp = ind("lp_trained", Cadence::SixMonthly, Aggregation::Last);
    lp.not_above = Some("staff".into());
    lp.by_sex = false;
    let mut share = ind("lp_share", Cadence::SixMonthly, Aggregation::Ratio);
    share.unit = ValueUnit::Percent;
    share.numerator = Some("lp_trained".into());
    share.denominator = Some("staff".into());
    share.factor = Some(100.0);
    let rows = vec![
        (2, ind("calls", Cadence::Monthly, Aggregation::Sum)),
        (3, ind("wait_days", Cadence::Monthly, Aggregation::Average)),
        (4, ind("trained", Cadence::Monthly, Aggregation::Last)),
        (5, staff),
        (6, lp),
        (7, share),
        (8, ind("clients", Cadence::Yearly, Aggregation::Sum)),
    ];
    store.import_indicators(&cli(), &rows, false).await.unwrap();
    store
        .indicators()
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.spec.code.clone(), i))
        .collect()
}

fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

fn row(n: usize, ind: &Indicator, unit: i64, period: &str, value: f64) -> ValueRow {
    total_row(n, ind.id, unit, p(period), Some(value))
}

/// Row `n` of a write: a total (no breakdown, no count); `None` removes.
fn total_row(
    n: usize,
    indicator_id: i64,
    unit: i64,
    period: Period,
    value: Option<f64>,
) -> ValueRow {
    ValueRow {
        row: n,
        indicator_id,
        unit_id: unit,
        period,
        breakdown: Breakdown::total(),
        value,
        count: None,
    }
}

fn opts() -> WriteOptions {
    WriteOptions {
        source: "test".into(),
        ..Default::default()
    }
}

async fn value(store: &Store, i: &Indicator, unit: i64, period: &str) -> Option<f64> {
    store
        .observe(i, unit, p(period), &Breakdown::total())
        .await
        .unwrap()
        .raw
}

async fn catalogue_rules(store: Store) {
    let cat = catalogue(&store).await;
    assert_eq!(cat.len(), 7);
    assert_eq!(
        cat["lp_share"].spec.numerator.as_deref(),
        Some("lp_trained")
    );
    assert_eq!(cat["lp_share"].numerator_id, Some(cat["lp_trained"].id));
    // The same file again changes nothing.
    let again: Vec<(usize, IndicatorSpec)> = cat
        .values()
        .enumerate()
        .map(|(i, x)| (i + 2, x.spec.clone()))
        .collect();
    let s = store
        .import_indicators(&cli(), &again, false)
        .await
        .unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (0, 0, 7));
    // A ratio of a missing indicator names its row and field.
    let mut bad = ind("bad_share", Cadence::Monthly, Aggregation::Ratio);
    bad.numerator = Some("nope".into());
    bad.denominator = Some("calls".into());
    bad.factor = Some(100.0);
    match store
        .import_indicators(
            &cli(),
            &[
                (2, ind("fine", Cadence::Monthly, Aggregation::Sum)),
                (3, bad),
            ],
            false,
        )
        .await
    {
        Err(StoreError::Row { row: 3, error }) => {
            assert_eq!(error.field, "numerator");
            assert_eq!(error.problem.code, "err-indicator-missing");
        }
        other => panic!("expected row 3 to fail, got {other:?}"),
    }
    assert!(
        store.indicator("fine").await.unwrap().is_none(),
        "all or nothing"
    );
    // Cadence cannot change once there are values.
    let u = tree(&store, "c").await;
    store
        .write_values(
            &cli(),
            &[row(2, &cat["calls"], u["school-a"], "202401", 3.0)],
            opts(),
        )
        .await
        .unwrap();
    let changed = IndicatorSpec {
        cadence: Cadence::Quarterly,
        ..cat["calls"].spec.clone()
    };
    match store
        .import_indicators(&cli(), &[(2, changed)], false)
        .await
    {
        Err(StoreError::Row { error, .. }) => {
            assert_eq!(error.problem.code, "err-indicator-has-values")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn values_roll_up_on_write(store: Store) {
    let cat = catalogue(&store).await;
    let u = tree(&store, "o").await;
    let calls = &cat["calls"];
    let s = store
        .write_values(
            &cli(),
            &[
                row(2, calls, u["school-a"], "202401", 10.0),
                row(3, calls, u["school-b"], "202401", 5.0),
                row(4, calls, u["school-b"], "202402", 7.0),
                row(5, calls, u["school-c"], "202405", 1.0),
            ],
            opts(),
        )
        .await
        .unwrap();
    assert_eq!((s.created, s.replaced, s.unchanged), (4, 0, 0));
    assert_eq!(value(&store, calls, u["tuira"], "202401").await, Some(15.0));
    assert_eq!(value(&store, calls, u["north"], "2024Q1").await, Some(22.0));
    let org = store.org_unit("o").await.unwrap().unwrap();
    assert_eq!(value(&store, calls, org.id, "2024").await, Some(23.0));
    assert_eq!(value(&store, calls, org.id, "2024S1").await, Some(23.0));
    assert_eq!(value(&store, calls, org.id, "2024Q2").await, Some(1.0));
    assert_eq!(value(&store, calls, org.id, "2025").await, None);

    // A changed value replaces the old one everywhere at once, audited.
    let s = store
        .write_values(
            &cli(),
            &[row(2, calls, u["school-a"], "202401", 12.0)],
            opts(),
        )
        .await
        .unwrap();
    assert_eq!((s.created, s.replaced), (0, 1));
    assert_eq!(value(&store, calls, org.id, "2024").await, Some(25.0));
    let audit = store
        .audit_entries(&AuditFilter {
            org_id: org.id,
            entity: Some("data_value".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 5, "four creations and one replacement");
    assert_eq!(audit[0].action, "update");
    assert_eq!(audit[0].entity_key, "calls/o-school-a/202401/total");
    assert_eq!(
        audit[0].old_value.as_ref().unwrap()["value"].as_f64(),
        Some(10.0)
    );
    assert_eq!(
        audit[0].new_value.as_ref().unwrap()["value"].as_f64(),
        Some(12.0)
    );

    // The same write again changes nothing; removing a value rolls it out.
    let s = store
        .write_values(
            &cli(),
            &[row(2, calls, u["school-a"], "202401", 12.0)],
            opts(),
        )
        .await
        .unwrap();
    assert_eq!((s.created, s.replaced, s.unchanged), (0, 0, 1));
    let mut del = row(2, calls, u["school-b"], "202402", 0.0);
    del.value = None;
    let s = store.write_values(&cli(), &[del], opts()).await.unwrap();
    assert_eq!(s.removed, 1);
    assert_eq!(value(&store, calls, org.id, "2024").await, Some(18.0));
    assert_eq!(
        value(&store, calls, u["school-b"], "2024Q1").await,
        Some(5.0)
    );

    // Averages are means of the raw values; `last` takes the latest period.
    let wait = &cat["wait_days"];
    let trained = &cat["trained"];
    store
        .write_values(
            &cli(),
            &[
                row(2, wait, u["school-a"], "202401", 10.0),
                row(3, wait, u["school-b"], "202401", 20.0),
                row(4, wait, u["school-b"], "202403", 60.0),
                row(5, trained, u["school-a"], "202401", 4.0),
                row(6, trained, u["school-a"], "202403", 6.0),
                row(7, trained, u["school-b"], "202403", 3.0),
                row(8, trained, u["school-c"], "202402", 9.0),
            ],
            opts(),
        )
        .await
        .unwrap();
    assert_eq!(value(&store, wait, u["tuira"], "2024Q1").await, Some(30.0));
    assert_eq!(
        value(&store, trained, u["tuira"], "2024Q1").await,
        Some(9.0)
    );
    assert_eq!(
        value(&store, trained, u["school-a"], "2024").await,
        Some(6.0)
    );
    let o = store
        .observe(trained, u["school-c"], p("2024"), &Breakdown::total())
        .await
        .unwrap();
    assert_eq!(o.period_used, Some(p("202402")));

    // Ratios come from rolled-up numerators and denominators.
    let staff = &cat["staff"];
    let lp = &cat["lp_trained"];
    store
        .write_values(
            &cli(),
            &[
                row(2, staff, u["school-a"], "2024S1", 40.0),
                row(3, lp, u["school-a"], "2024S1", 30.0),
                row(4, staff, u["school-b"], "2024S1", 10.0),
                row(5, lp, u["school-b"], "2024S1", 5.0),
            ],
            opts(),
        )
        .await
        .unwrap();
    assert_eq!(
        value(&store, &cat["lp_share"], u["tuira"], "2024S1").await,
        Some(70.0)
    );
    assert_eq!(
        value(&store, &cat["lp_share"], u["tuira"], "2024").await,
        Some(70.0)
    );
    let series = store
        .series(&cat["lp_share"], u["school-a"], &Breakdown::total())
        .await
        .unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].1.shown(), Some(75.0));
    let dash = store.unit_series(u["tuira"]).await.unwrap();
    assert_eq!(dash[&cat["lp_share"].id][0].1.shown(), Some(70.0));
    assert_eq!(dash[&calls.id].len(), 1, "one month of calls in tuira");
    // The dashboard is cached until the next write, in this process and in
    // another one sharing the database (a store with its own cache).
    let other = store.clone().with_threshold(store.threshold());
    let seen = other.unit_series(u["tuira"]).await.unwrap();
    assert_eq!(seen[&calls.id].len(), 1);
    store
        .write_values(
            &cli(),
            &[row(2, calls, u["school-b"], "202403", 4.0)],
            opts(),
        )
        .await
        .unwrap();
    for s in [&store, &other] {
        let dash = s.unit_series(u["tuira"]).await.unwrap();
        assert_eq!(dash[&calls.id].len(), 2, "the new month shows at once");
        assert_eq!(*dash, s.read_unit_series(u["tuira"]).await.unwrap());
    }
}

async fn bad_writes_change_nothing(store: Store) {
    let cat = catalogue(&store).await;
    let u = tree(&store, "b").await;
    let org = store.org_unit("b").await.unwrap().unwrap();
    store
        .write_values(
            &cli(),
            &[
                row(2, &cat["calls"], u["school-a"], "202401", 10.0),
                row(3, &cat["staff"], u["school-a"], "2024S1", 10.0),
                row(4, &cat["lp_trained"], u["school-a"], "2024S1", 8.0),
            ],
            opts(),
        )
        .await
        .unwrap();
    let before = store.value_count().await.unwrap();
    let calls = &cat["calls"];
    let expect = |r: Result<kasvu_store::WriteSummary, StoreError>,
                  row: usize,
                  field: &str,
                  code: &str| match r {
        Err(StoreError::Row { row: got, error }) => {
            assert_eq!(
                (got, error.field.as_str(), error.problem.code),
                (row, field, code)
            )
        }
        other => panic!("expected row {row} {field} {code}, got {other:?}"),
    };
    let good = row(2, calls, u["school-b"], "202402", 1.0);
    expect(
        store
            .write_values(
                &cli(),
                &[good.clone(), row(3, calls, u["school-b"], "2024Q1", 1.0)],
                opts(),
            )
            .await,
        3,
        "period",
        "err-period-cadence",
    );
    expect(
        store
            .write_values(
                &cli(),
                &[good.clone(), row(3, calls, u["school-b"], "202402", 2.0)],
                opts(),
            )
            .await,
        3,
        "value",
        "err-value-twice",
    );
    expect(
        store
            .write_values(
                &cli(),
                &[good.clone(), row(3, calls, u["school-b"], "202403", 2.5)],
                opts(),
            )
            .await,
        3,
        "value",
        "err-count",
    );
    expect(
        store
            .write_values(
                &cli(),
                &[
                    good.clone(),
                    row(3, &cat["lp_share"], u["school-b"], "2024S1", 50.0),
                ],
                opts(),
            )
            .await,
        3,
        "indicator",
        "err-ratio-computed",
    );
    // LP-trained staff ≤ staff, against stored and staged values, both ways.
    expect(
        store
            .write_values(
                &cli(),
                &[
                    good.clone(),
                    row(3, &cat["lp_trained"], u["school-a"], "2024S1", 11.0),
                ],
                opts(),
            )
            .await,
        3,
        "value",
        "err-above-other",
    );
    expect(
        store
            .write_values(
                &cli(),
                &[
                    good.clone(),
                    row(3, &cat["staff"], u["school-a"], "2024S1", 7.0),
                ],
                opts(),
            )
            .await,
        3,
        "value",
        "err-below-other",
    );
    let mut sexed = good.clone();
    sexed.row = 3;
    sexed.indicator_id = cat["staff"].id;
    sexed.period = p("2024S2");
    sexed.breakdown = Breakdown::sex(Sex::Male);
    expect(
        store
            .write_values(&cli(), &[good.clone(), sexed], opts())
            .await,
        3,
        "sex",
        "err-no-breakdown",
    );
    let locked = WriteOptions {
        locked_before: Some(p("2025").start()),
        ..opts()
    };
    expect(
        store
            .write_values(&cli(), std::slice::from_ref(&good), locked)
            .await,
        2,
        "period",
        "err-period-locked",
    );
    let guarded = WriteOptions {
        guard: Some(Box::new(|_| {
            Err(kasvu_core::Problem::new("err-forbidden-unit", "no"))
        })),
        ..opts()
    };
    expect(
        store
            .write_values(&cli(), std::slice::from_ref(&good), guarded)
            .await,
        2,
        "orgunit",
        "err-forbidden-unit",
    );
    // Staged together, a consistent pair passes.
    store
        .write_values(
            &cli(),
            &[
                row(2, &cat["staff"], u["school-a"], "2024S1", 20.0),
                row(3, &cat["lp_trained"], u["school-a"], "2024S1", 15.0),
            ],
            WriteOptions {
                dry_run: true,
                ..opts()
            },
        )
        .await
        .unwrap();
    assert_eq!(store.value_count().await.unwrap(), before, "nothing stored");
    assert_eq!(value(&store, calls, org.id, "2024").await, Some(10.0));
    assert_eq!(
        value(&store, &cat["staff"], org.id, "2024").await,
        Some(10.0),
        "dry run rolled back"
    );
}

async fn small_numbers_are_suppressed(store: Store) {
    let cat = catalogue(&store).await;
    let u = tree(&store, "s").await;
    let calls = &cat["calls"];
    let mut rows = vec![
        row(2, calls, u["school-a"], "202401", 20.0),
        row(3, calls, u["school-a"], "202401", 17.0),
        row(4, calls, u["school-a"], "202401", 3.0),
        row(5, calls, u["school-b"], "202401", 2.0),
        row(6, calls, u["school-c"], "202401", 30.0),
    ];
    rows[1].breakdown = Breakdown::sex(Sex::Male);
    rows[2].breakdown = Breakdown::sex(Sex::Female);
    store.write_values(&cli(), &rows, opts()).await.unwrap();
    let b = store
        .breakdowns(calls, u["school-a"], p("202401"))
        .await
        .unwrap();
    let shown: HashMap<Sex, (Option<f64>, bool)> = b
        .iter()
        .map(|(k, o)| (k.sex, (o.shown(), o.suppressed())))
        .collect();
    let school_a_total = shown[&Sex::Total];
    assert_eq!(shown[&Sex::Female], (None, true), "3 < 5");
    assert_eq!(shown[&Sex::Male], (None, true), "20 − 17 would reveal 3");
    // A 2×2 of sex and grade with one small cell hides all four inner cells:
    // each margin (a sex's all grades, a grade's total) would reveal one.
    let mut grid = Vec::new();
    for (n, (sex, grade, v)) in [
        (Sex::Total, None, 60.0),
        (Sex::Total, Some(8), 30.0),
        (Sex::Total, Some(9), 30.0),
        (Sex::Male, None, 24.0),
        (Sex::Female, None, 36.0),
        (Sex::Male, Some(8), 4.0),
        (Sex::Male, Some(9), 20.0),
        (Sex::Female, Some(8), 26.0),
        (Sex::Female, Some(9), 10.0),
    ]
    .into_iter()
    .enumerate()
    {
        let mut r = row(n + 2, calls, u["school-c"], "202402", v);
        r.breakdown = Breakdown {
            sex,
            grade,
            age_group: None,
        };
        grid.push(r);
    }
    store.write_values(&cli(), &grid, opts()).await.unwrap();
    let b = store
        .breakdowns(calls, u["school-c"], p("202402"))
        .await
        .unwrap();
    let hidden: Vec<(Sex, Option<u8>)> = b
        .iter()
        .filter(|(_, o)| o.suppressed())
        .map(|(k, _)| (k.sex, k.grade))
        .collect();
    assert_eq!(hidden.len(), 4, "{hidden:?}");
    assert!(hidden.iter().all(|(s, g)| *s != Sex::Total && g.is_some()));
    // Children of tuira: school-b (2) is small, so school-a is hidden too.
    let (parent, kids) = store
        .children_observations(
            calls,
            u["tuira"],
            &[u["school-a"], u["school-b"]],
            p("202401"),
            &Breakdown::total(),
        )
        .await
        .unwrap();
    // school-b is hidden, and tuira's total minus what is shown beside it
    // does not give it back: either the total or school-a is hidden too.
    assert!(kids[1].suppressed() && kids[1].shown().is_none());
    assert!(parent.suppressed() || kids[0].suppressed());
    // One cell, one answer: school-a's total is the same here as in its
    // breakdown table above.
    assert_eq!((kids[0].shown(), kids[0].suppressed()), school_a_total);
    // The raw value is stored, only never served.
    assert_eq!(kids[1].raw, Some(2.0));
    // Compared side by side, school-a alone is hidden too: its area's total
    // is public, so showing it would reveal school-b by subtraction.
    let org = store.org_unit("s").await.unwrap().unwrap();
    let (periods, rows) = store
        .compare(calls, org.org_id, &[u["school-a"], u["north"]])
        .await
        .unwrap();
    let at = periods.iter().position(|x| *x == p("202401")).unwrap();
    assert_eq!(
        (rows[0][at].shown(), rows[0][at].suppressed()),
        school_a_total,
        "school-a is the same cell in a comparison"
    );
    // A ratio is hidden when its numerator count is small.
    store
        .write_values(
            &cli(),
            &[
                row(2, &cat["staff"], u["school-c"], "2024S1", 40.0),
                row(3, &cat["lp_trained"], u["school-c"], "2024S1", 4.0),
            ],
            opts(),
        )
        .await
        .unwrap();
    let o = store
        .observe(
            &cat["lp_share"],
            u["school-c"],
            p("2024S1"),
            &Breakdown::total(),
        )
        .await
        .unwrap();
    assert_eq!((o.raw, o.shown(), o.suppressed()), (Some(10.0), None, true));
}

/// Issue 18, item 4: small numbers are hidden only where people are
/// counted. An activity indicator's 2 meetings are served as 2 everywhere
/// (a unit, its siblings, comparisons, the served table, dashboards) while
/// a people indicator's 2 is hidden; a ratio is protected when a part
/// counts people, and its own `counts` must agree with its parts.
async fn activities_are_shown_as_they_are(store: Store) {
    let cat = catalogue(&store).await;
    let u = tree(&store, "a").await;
    let mut meetings = ind("meetings", Cadence::Monthly, Aggregation::Sum);
    meetings.counts = Counts::Activities;
    let mut groups = ind("groups", Cadence::Monthly, Aggregation::Sum);
    groups.counts = Counts::Activities;
    let children = ind("children", Cadence::Monthly, Aggregation::Sum);
    let ratio = |code: &str, num: &str, den: &str, counts: Counts| {
        let mut r = ind(code, Cadence::Monthly, Aggregation::Ratio);
        r.unit = ValueUnit::PerThousand;
        r.numerator = Some(num.into());
        r.denominator = Some(den.into());
        r.factor = Some(1000.0);
        r.counts = counts;
        r
    };
    // An activity ratio over a part that counts people is refused.
    match store
        .import_indicators(
            &cli(),
            &[
                (2, meetings.clone()),
                (3, children.clone()),
                (
                    4,
                    ratio("per_child", "meetings", "children", Counts::Activities),
                ),
            ],
            false,
        )
        .await
    {
        Err(StoreError::Row { row: 4, error }) => {
            assert_eq!(error.field, "counts");
            assert_eq!(error.problem.code, "err-ratio-counts");
        }
        other => panic!("expected row 4 to fail, got {other:?}"),
    }
    store
        .import_indicators(
            &cli(),
            &[
                (2, meetings.clone()),
                (3, groups.clone()),
                (4, children.clone()),
                (
                    5,
                    ratio("per_child", "meetings", "children", Counts::People),
                ),
                (
                    6,
                    ratio("per_group", "meetings", "groups", Counts::Activities),
                ),
            ],
            false,
        )
        .await
        .unwrap();
    let get = |code: &'static str| {
        let store = store.clone();
        async move { store.indicator(code).await.unwrap().unwrap() }
    };
    let (meetings, children, per_child) = (
        get("meetings").await,
        get("children").await,
        get("per_child").await,
    );
    assert_eq!(
        meetings.spec.counts,
        Counts::Activities,
        "stored and read back"
    );
    assert_eq!(children.spec.counts, Counts::People, "the default");
    assert_eq!(get("per_group").await.spec.counts, Counts::Activities);
    // Turning a stored activity ratio's part into people names the part's row.
    let mut groups_people = groups.clone();
    groups_people.counts = Counts::People;
    match store
        .import_indicators(&cli(), &[(7, groups_people)], false)
        .await
    {
        Err(StoreError::Row { row: 7, error }) => {
            assert_eq!(
                (error.field.as_str(), error.problem.code),
                ("counts", "err-ratio-counts")
            );
        }
        other => panic!("expected row 7 to fail, got {other:?}"),
    }

    let calls = &cat["calls"];
    let mut rows = Vec::new();
    for (n, (i, unit, v)) in [
        (&meetings, "school-a", 20.0),
        (&meetings, "school-b", 2.0),
        (calls, "school-a", 20.0),
        (calls, "school-b", 2.0),
        (&children, "school-b", 40.0),
        (&children, "school-c", 3.0),
        (&meetings, "school-c", 1.0),
    ]
    .into_iter()
    .enumerate()
    {
        rows.push(row(n + 2, i, u[unit], "202401", v));
    }
    store.write_values(&cli(), &rows, opts()).await.unwrap();
    let at = |i: &Indicator, unit: &str| {
        let (store, i, unit) = (store.clone(), i.clone(), u[unit]);
        async move {
            store
                .observe(&i, unit, p("202401"), &Breakdown::total())
                .await
                .unwrap()
        }
    };
    let o = at(&meetings, "school-b").await;
    assert_eq!(
        (o.shown(), o.suppressed()),
        (Some(2.0), false),
        "activities"
    );
    let o = at(calls, "school-b").await;
    assert_eq!(
        (o.raw, o.shown(), o.suppressed()),
        (Some(2.0), None, true),
        "people"
    );
    // Among siblings nothing is hidden for activities; for people the
    // complement is hidden too.
    let kids = [u["school-a"], u["school-b"]];
    let (_, m) = store
        .children_observations(
            &meetings,
            u["tuira"],
            &kids,
            p("202401"),
            &Breakdown::total(),
        )
        .await
        .unwrap();
    assert_eq!(
        m.iter().map(|o| o.shown()).collect::<Vec<_>>(),
        [Some(20.0), Some(2.0)]
    );
    let (_, c) = store
        .children_observations(calls, u["tuira"], &kids, p("202401"), &Breakdown::total())
        .await
        .unwrap();
    assert!(c.iter().all(|o| o.suppressed()));
    // Compared side by side, in the served table and on dashboards alike.
    let org = store.org_unit("a").await.unwrap().unwrap();
    let (periods, cmp) = store
        .compare(&meetings, org.org_id, &[u["school-b"]])
        .await
        .unwrap();
    assert_eq!((periods, cmp[0][0].shown()), (vec![p("202401")], Some(2.0)));
    let served = store.served_table(&meetings, org.org_id).await.unwrap();
    assert!(served.iter().all(|r| !r.suppressed), "{served:?}");
    assert!(served
        .iter()
        .any(|r| r.orgunit == "a-school-b" && r.value == Some(2.0)));
    let served = store.served_table(calls, org.org_id).await.unwrap();
    assert!(served
        .iter()
        .any(|r| r.orgunit == "a-school-b" && r.suppressed));
    let series = store.unit_series(u["school-b"]).await.unwrap();
    assert_eq!(series[&meetings.id][0].1.shown(), Some(2.0));
    assert_eq!(series[&calls.id][0].1.shown(), None);
    // A ratio over people is hidden by its people part only: 2 meetings
    // per 40 children is shown, 1 meeting per 3 children is not.
    let o = at(&per_child, "school-b").await;
    assert_eq!(o.shown(), Some(50.0));
    let o = at(&per_child, "school-c").await;
    assert_eq!((o.raw.is_some(), o.suppressed()), (true, true));
}

/// Values that need all 17 significant digits of a double roll up to the
/// last bit: a roll-up of one value is that value, of two their mean, and a
/// value written, replaced and removed leaves nothing behind. (Roll-up
/// differences once went through SQLite's JSON, which prints 15 digits.)
async fn fractions_roll_up_to_the_last_bit(store: Store) {
    let cat = catalogue(&store).await;
    let u = tree(&store, "f").await;
    let wait = &cat["wait_days"];
    let third = 1.0_f64 / 3.0;
    let tenth = 0.1_f64;
    store
        .write_values(
            &cli(),
            &[
                row(2, wait, u["school-a"], "202401", third),
                row(3, wait, u["school-b"], "202401", tenth),
                row(4, wait, u["school-c"], "202401", tenth),
            ],
            opts(),
        )
        .await
        .unwrap();
    assert_eq!(
        value(&store, wait, u["school-a"], "202401").await,
        Some(third)
    );
    assert_eq!(
        value(&store, wait, u["school-a"], "2024").await,
        Some(third)
    );
    assert_eq!(
        value(&store, wait, u["tuira"], "202401").await,
        Some((third + tenth) / 2.0)
    );
    assert_eq!(
        value(&store, wait, u["north"], "2024").await,
        Some((third + tenth) / 2.0)
    );
    // school-c: 0.1, replaced by 0.3, then removed.
    store
        .write_values(
            &cli(),
            &[row(2, wait, u["school-c"], "202401", 0.3)],
            opts(),
        )
        .await
        .unwrap();
    assert_eq!(
        value(&store, wait, u["kaakkuri"], "2024Q1").await,
        Some(0.3)
    );
    let mut gone = row(2, wait, u["school-c"], "202401", 0.0);
    gone.value = None;
    store.write_values(&cli(), &[gone], opts()).await.unwrap();
    assert_eq!(value(&store, wait, u["kaakkuri"], "2024Q1").await, None);
    assert_eq!(value(&store, wait, u["south"], "2024").await, None);
    // Written again, it is the whole roll-up: nothing was left over.
    store
        .write_values(
            &cli(),
            &[row(2, wait, u["school-c"], "202401", 0.25)],
            opts(),
        )
        .await
        .unwrap();
    assert_eq!(
        value(&store, wait, u["kaakkuri"], "2024Q1").await,
        Some(0.25)
    );
    assert_eq!(value(&store, wait, u["south"], "2024").await, Some(0.25));
}

/// Incremental roll-ups equal recomputation from raw values, for random
/// trees, values and write orders (batches with overwrites and removals).
async fn incremental_equals_recomputation(store: Store) {
    let cat = catalogue(&store).await;
    let inds = [&cat["calls"], &cat["wait_days"], &cat["trained"]];
    let strategy = (
        proptest::collection::vec(0usize..100, 2..9),
        proptest::collection::vec(
            proptest::collection::vec(
                (0usize..3, 0usize..100, 0usize..8, 0u32..60, 0u8..10),
                1..12,
            ),
            1..5,
        ),
    );
    let mut runner = TestRunner::deterministic();
    let whole = store.clone();
    for case in 0..8 {
        // Every other case sums a write's differences a few rows at a time
        // and writes the shared ancestors' sums past a handful (a large
        // import's path, which the defaults keep for large writes).
        let store = if case % 2 == 1 {
            whole.clone().with_sum_bounds_for_tests(3, 5)
        } else {
            whole.clone()
        };
        let (parents, batches) = strategy.new_tree(&mut runner).unwrap().current();
        // A random tree: org, 1–2 areas, a cluster per area, then units
        // hung under random clusters.
        let org = format!("p{case}");
        let mut specs = vec![
            (2, unit(&org, None, Level::Organisation)),
            (3, unit(&format!("{org}-a1"), Some(&org), Level::Area)),
            (4, unit(&format!("{org}-a2"), Some(&org), Level::Area)),
            (
                5,
                unit(
                    &format!("{org}-c1"),
                    Some(&format!("{org}-a1")),
                    Level::Cluster,
                ),
            ),
            (
                6,
                unit(
                    &format!("{org}-c2"),
                    Some(&format!("{org}-a2")),
                    Level::Cluster,
                ),
            ),
            (
                7,
                unit(
                    &format!("{org}-c3"),
                    Some(&format!("{org}-a2")),
                    Level::Cluster,
                ),
            ),
        ];
        for (i, pick) in parents.iter().enumerate() {
            let cluster = format!("{org}-c{}", pick % 3 + 1);
            specs.push((
                8 + i,
                unit(&format!("{org}-u{i}"), Some(&cluster), Level::Unit),
            ));
        }
        store
            .import_org_units(&cli(), &specs, false, &mut |_| {})
            .await
            .unwrap();
        let root = store.org_unit(&org).await.unwrap().unwrap();
        let units = store.org_units(root.org_id).await.unwrap();
        let leaves: Vec<i64> = units
            .iter()
            .filter(|u| u.level == Level::Unit)
            .map(|u| u.id)
            .collect();
        // Units with sub-units get values too (a reported figure: the
        // city's official one, an area's survey), one pick in five.
        let inner: Vec<i64> = units
            .iter()
            .filter(|u| units.iter().any(|c| c.parent_id == Some(u.id)))
            .map(|u| u.id)
            .collect();
        let tree = store.org_tree(root.org_id).await.unwrap();
        let months: Vec<Period> = (0..8).map(|m| p("202311").offset(m).unwrap()).collect();
        let mut truth: HashMap<(usize, i64, Period), f64> = HashMap::new();
        for batch in &batches {
            let mut rows = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (n, (i, u, m, v, op)) in batch.iter().enumerate() {
                let unit = if u % 5 == 0 {
                    inner[(u / 5) % inner.len()]
                } else {
                    leaves[u % leaves.len()]
                };
                let key = (*i, unit, months[*m]);
                if !seen.insert(key) {
                    continue;
                }
                // Fractions too (sevenths have no finite binary form) for the
                // average waiting time, whose unit is not a count.
                let value = if *op == 0 {
                    None
                } else if op % 2 == 0 && *i == 1 {
                    Some(f64::from(*v) / 7.0)
                } else {
                    Some(f64::from(*v))
                };
                match value {
                    Some(v) => truth.insert(key, v),
                    None => truth.remove(&key),
                };
                rows.push(total_row(n + 2, inds[key.0].id, key.1, key.2, value));
            }
            store.write_values(&cli(), &rows, opts()).await.unwrap();
        }
        let mut periods: Vec<Period> = months.iter().flat_map(|m| m.chain()).collect();
        periods.sort();
        periods.dedup();
        for (i, indicator) in inds.iter().enumerate() {
            let raw = raw_values(&truth, i);
            let what = format!("case {case}");
            assert_recomputed(&store, &tree, &raw, indicator, &units, &periods, &what).await;
        }
        // Units without sub-units store no roll-up rows (their figures are
        // their values, summed when read).
        assert_eq!(
            leaf_rows_stored(&store).await,
            0,
            "case {case}: roll-up rows of units without sub-units"
        );
        // A value at each cluster (some have no units: a leaf's value).
        let mut rows = Vec::new();
        for c in 1..=3 {
            let cluster = units
                .iter()
                .find(|u| u.code == format!("{org}-c{c}"))
                .unwrap();
            truth.insert((0, cluster.id, months[1]), 40.0 + f64::from(c));
            rows.push(total_row(
                rows.len() + 2,
                inds[0].id,
                cluster.id,
                months[1],
                Some(40.0 + f64::from(c)),
            ));
        }
        store.write_values(&cli(), &rows, opts()).await.unwrap();
        // A new unit under each cluster: a cluster's values, until now
        // perhaps a leaf's (whose roll-ups were not stored), become
        // reported figures that the new unit's values do not add to.
        let mut added = Vec::new();
        for c in 1..=3 {
            added.push((
                100 + c,
                unit(
                    &format!("{org}-x{c}"),
                    Some(&format!("{org}-c{c}")),
                    Level::Unit,
                ),
            ));
        }
        store
            .import_org_units(&cli(), &added, false, &mut |_| {})
            .await
            .unwrap();
        let units = store.org_units(root.org_id).await.unwrap();
        let tree = store.org_tree(root.org_id).await.unwrap();
        let mut rows = Vec::new();
        for (n, u) in units
            .iter()
            .filter(|u| u.code.starts_with(&format!("{org}-x")))
            .enumerate()
        {
            for m in [0, 1, 3, 7] {
                truth.insert((0, u.id, months[m]), 5.0 + n as f64);
                rows.push(total_row(
                    rows.len() + 2,
                    inds[0].id,
                    u.id,
                    months[m],
                    Some(5.0 + n as f64),
                ));
            }
        }
        store.write_values(&cli(), &rows, opts()).await.unwrap();
        let raw = raw_values(&truth, 0);
        let what = format!("case {case}: after adding units");
        assert_recomputed(&store, &tree, &raw, inds[0], &units, &periods, &what).await;
        // The clusters' values removed: each is served again as the sum of
        // its sub-units, read before the write (those without sub-units
        // from their values), while the same write changes the new units'
        // values beneath.
        let mut rows = Vec::new();
        for (n, u) in units
            .iter()
            .filter(|u| u.code.starts_with(&format!("{org}-x")))
            .enumerate()
        {
            truth.insert((0, u.id, months[1]), 9.0 + n as f64);
            rows.push(total_row(
                rows.len() + 2,
                inds[0].id,
                u.id,
                months[1],
                Some(9.0 + n as f64),
            ));
        }
        for c in 1..=3 {
            let cluster = units
                .iter()
                .find(|u| u.code == format!("{org}-c{c}"))
                .unwrap();
            truth.remove(&(0, cluster.id, months[1]));
            rows.push(total_row(
                rows.len() + 2,
                inds[0].id,
                cluster.id,
                months[1],
                None,
            ));
        }
        store.write_values(&cli(), &rows, opts()).await.unwrap();
        let raw = raw_values(&truth, 0);
        let what = format!("case {case}: after removing the clusters' values");
        assert_recomputed(&store, &tree, &raw, inds[0], &units, &periods, &what).await;
        // Moving a unit to another cluster recomputes what it belongs to.
        let moved = units.iter().find(|u| u.level == Level::Unit).unwrap();
        let mut spec = OrgUnitSpec::of(moved).unwrap();
        let target = if moved.parent_code.as_deref() == Some(&format!("{org}-c1")) {
            format!("{org}-c2")
        } else {
            format!("{org}-c1")
        };
        spec.parent = Some(OrgCode::parse(&target).unwrap());
        store.update_org_unit(&cli(), &spec).await.unwrap();
        let tree = store.org_tree(root.org_id).await.unwrap();
        let raw = raw_values(&truth, 0);
        for u in &units {
            let e = recompute(&tree, &raw, Aggregation::Sum, u.id, p("2024"));
            assert_eq!(
                value(&store, inds[0], u.id, "2024").await,
                e,
                "after the move, {}",
                u.code
            );
        }
        assert_eq!(
            leaf_rows_stored(&store).await,
            0,
            "case {case}: after the move, roll-up rows of units without sub-units"
        );
    }
}

/// The raw values of the `i`th indicator in a test's record of what was
/// written: (indicator, unit, period) → value.
fn raw_values(truth: &HashMap<(usize, i64, Period), f64>, i: usize) -> Vec<RawValue> {
    truth
        .iter()
        .filter(|((ii, _, _), _)| *ii == i)
        .map(|((_, unit, period), value)| RawValue {
            unit: *unit,
            period: *period,
            value: *value,
        })
        .collect()
}

/// Asserts that the store serves, at every unit in every period, what
/// recomputation from the raw values gives.
async fn assert_recomputed(
    store: &Store,
    tree: &kasvu_core::OrgTree,
    raw: &[RawValue],
    indicator: &Indicator,
    units: &[kasvu_store::OrgUnit],
    periods: &[Period],
    what: &str,
) {
    for u in units {
        for per in periods {
            let expected = recompute(tree, raw, indicator.spec.aggregation, u.id, *per);
            let got = value(store, indicator, u.id, &per.code()).await;
            match (expected, got) {
                (None, None) => {}
                (Some(e), Some(g)) => assert!(
                    (e - g).abs() < 1e-6,
                    "{what}: {} at {} {per}: expected {e}, got {g}",
                    indicator.code(),
                    u.code
                ),
                _ => panic!(
                    "{what}: {} at {} {per}: expected {expected:?}, got {got:?}",
                    indicator.code(),
                    u.code
                ),
            }
        }
    }
}

/// Roll-up rows stored for units without sub-units (there must be none).
async fn leaf_rows_stored(store: &Store) -> i64 {
    store
        .raw_count_for_tests(
            "SELECT COUNT(*) FROM rollups r WHERE NOT EXISTS \
             (SELECT 1 FROM org_units ch WHERE ch.parent_id = r.unit_id)",
        )
        .await
        .unwrap()
}

async fn targets_and_conclusions(store: Store) {
    use kasvu_store::Target;
    let cat = catalogue(&store).await;
    let u = tree(&store, "o").await;
    let calls = &cat["calls"];
    let org = store.org_unit("o").await.unwrap().unwrap();
    let target = |v: f64| Target {
        period: p("2025"),
        value: v,
        baseline_period: Some(p("2023")),
        note: "kolmannes vähemmän".into(),
    };
    store
        .set_target(&cli(), calls.id, u["north"], &target(100.0))
        .await
        .unwrap();
    store
        .set_target(&cli(), calls.id, u["north"], &target(90.0))
        .await
        .unwrap();
    assert_eq!(
        store.targets(calls.id, u["north"]).await.unwrap(),
        vec![target(90.0)],
        "a second target for the same period replaces the first"
    );
    assert!(matches!(
        store
            .set_target(&cli(), calls.id, u["north"], &target(f64::NAN))
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(store
        .remove_target(&cli(), calls.id, u["north"], p("2025"))
        .await
        .unwrap());
    assert!(!store
        .remove_target(&cli(), calls.id, u["north"], p("2025"))
        .await
        .unwrap());
    assert!(store
        .targets(calls.id, u["north"])
        .await
        .unwrap()
        .is_empty());
    let audit = store
        .audit_entries(&AuditFilter {
            org_id: org.org_id,
            entity: Some("target".into()),
            limit: 10,
            before_id: Some(i64::MAX),
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["delete", "update", "create"]);

    store
        .set_analysis(&cli(), u["north"], p("2025"), "  Parempaan päin.  ")
        .await
        .unwrap();
    store
        .set_analysis(&cli(), u["north"], p("2025"), "Parempaan päin.")
        .await
        .unwrap();
    let a = store.analyses(u["north"]).await.unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].body, "Parempaan päin.");
    let audit = store
        .audit_entries(&AuditFilter {
            org_id: org.org_id,
            entity: Some("analysis".into()),
            limit: 10,
            before_id: Some(i64::MAX),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "saving the same text again changes nothing");
    let long = "x".repeat(kasvu_store::MAX_ANALYSIS + 1);
    assert!(store
        .set_analysis(&cli(), u["north"], p("2024"), &long)
        .await
        .is_err());
}

/// Issue 18: no hidden figure comes back by subtraction, across units or
/// over time. School-a's December is 2 while its year, half-year, quarter
/// and other months exist; school-c's June is 3 beside its cluster's and
/// area's totals. In every relation whose total is shown, the parts hidden
/// are never exactly one — on the whole-table path and on the
/// neighbourhood path of large organisations.
async fn subtraction_fails_across_units_and_time(store: Store) {
    for (org, store) in [
        ("w", store.clone()),
        ("n", store.clone().with_whole_table_units(0)),
    ] {
        let cat = catalogue(&store).await;
        let u = tree(&store, org).await;
        let calls = &cat["calls"];
        let mut rows = Vec::new();
        for m in 1..=12u32 {
            let month = format!("2023{m:02}");
            let a = if m == 12 { 2.0 } else { 20.0 + f64::from(m) };
            rows.push(row(rows.len() + 2, calls, u["school-a"], &month, a));
            rows.push(row(rows.len() + 2, calls, u["school-b"], &month, 30.0));
        }
        rows.push(row(rows.len() + 2, calls, u["school-c"], "202306", 3.0));
        store.write_values(&cli(), &rows, opts()).await.unwrap();

        let year = p("2023");
        let mut periods = vec![year];
        for t in [
            PeriodType::SixMonthly,
            PeriodType::Quarterly,
            PeriodType::Monthly,
        ] {
            periods.extend(year.sub_periods(t));
        }
        let names = [
            "school-a", "school-b", "school-c", "tuira", "kaakkuri", "north", "south",
        ];
        let mut ids: Vec<(String, i64)> = names.iter().map(|n| (n.to_string(), u[*n])).collect();
        let root = store.org_unit(org).await.unwrap().unwrap();
        ids.push((org.to_string(), root.id));
        let mut seen: HashMap<(i64, Period), Observation> = HashMap::new();
        for (_, id) in &ids {
            for per in &periods {
                let o = store
                    .observe(calls, *id, *per, &Breakdown::total())
                    .await
                    .unwrap();
                seen.insert((*id, *per), o);
            }
        }
        assert!(
            seen[&(u["school-a"], p("202312"))].suppressed(),
            "{org}: 2 < 5"
        );
        assert!(
            seen[&(u["school-c"], p("202306"))].suppressed(),
            "{org}: 3 < 5"
        );
        let check = |total: (i64, Period), parts: Vec<(i64, Period)>, what: &str| {
            let t = &seen[&total];
            if t.raw.is_none() || t.suppressed() {
                return;
            }
            let hidden = parts
                .iter()
                .filter(|k| seen[*k].raw.is_some() && seen[*k].suppressed())
                .count();
            assert_ne!(hidden, 1, "{org}: {what} gives its one hidden part away");
        };
        let tree_links = [
            ("tuira", vec!["school-a", "school-b"]),
            ("kaakkuri", vec!["school-c"]),
            ("north", vec!["tuira"]),
            ("south", vec!["kaakkuri"]),
            (org, vec!["north", "south"]),
        ];
        for per in &periods {
            for (parent, kids) in &tree_links {
                let pid = if *parent == org { root.id } else { u[*parent] };
                check(
                    (pid, *per),
                    kids.iter().map(|k| (u[*k], *per)).collect(),
                    &format!("{parent} {}", per.code()),
                );
            }
        }
        for (name, id) in &ids {
            for per in &periods {
                let shorter = match per.ptype() {
                    PeriodType::Yearly => PeriodType::SixMonthly,
                    PeriodType::SixMonthly => PeriodType::Quarterly,
                    PeriodType::Quarterly => PeriodType::Monthly,
                    _ => continue,
                };
                check(
                    (*id, *per),
                    per.sub_periods(shorter)
                        .into_iter()
                        .map(|s| (*id, s))
                        .collect(),
                    &format!("{name} {}", per.code()),
                );
            }
        }
    }
}

/// Issue 19: the city's official figure (Sotkanet's 1 400 clients) stored
/// for the organisation itself is served as itself, never added to its
/// areas' sum, and the sum is known beside it with its coverage.
async fn reported_figures_are_served_not_added(store: Store) {
    use kasvu_core::measure::Source;
    let cat = catalogue(&store).await;
    let u = tree(&store, "o").await;
    let clients = &cat["clients"];
    let write = |rows: Vec<ValueRow>| {
        let store = store.clone();
        async move { store.write_values(&cli(), &rows, opts()).await.unwrap() }
    };
    let remove = |n: usize, unit: i64| {
        let mut r = row(n, clients, unit, "2025", 0.0);
        r.value = None;
        r
    };
    let served = |unit: &'static str| {
        let (store, clients, id) = (store.clone(), clients.clone(), u[unit]);
        async move {
            let o = store
                .observe(&clients, id, p("2025"), &Breakdown::total())
                .await
                .unwrap();
            (o.raw, o.source)
        }
    };
    write(vec![
        row(2, clients, u["school-a"], "2025", 300.0),
        row(3, clients, u["school-b"], "2025", 250.0),
        row(4, clients, u["school-c"], "2025", 200.0),
    ])
    .await;
    assert_eq!(served("o").await, (Some(750.0), Source::Summed));
    assert_eq!(served("school-a").await, (Some(300.0), Source::Reported));

    write(vec![row(2, clients, u["o"], "2025", 1400.0)]).await;
    assert_eq!(
        served("o").await,
        (Some(1400.0), Source::Reported),
        "the official figure, not 1 400 + 750"
    );
    let summed = store
        .summed_figure(clients, u["o"], p("2025"), &Breakdown::total())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (summed.value, summed.reporting, summed.units),
        (Some(750.0), 2, 2)
    );
    assert_eq!(
        store
            .summed_figure(clients, u["school-a"], p("2025"), &Breakdown::total())
            .await
            .unwrap(),
        None,
        "a unit without sub-units has no sum"
    );

    // An area's own figure stands for its schools in the city's sum too.
    write(vec![row(2, clients, u["north"], "2025", 600.0)]).await;
    assert_eq!(served("north").await, (Some(600.0), Source::Reported));
    assert_eq!(served("o").await, (Some(1400.0), Source::Reported));
    let summed = store
        .summed_figure(clients, u["o"], p("2025"), &Breakdown::total())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(summed.value, Some(800.0));
    // A school's change stops at the area's reported figure.
    write(vec![row(2, clients, u["school-a"], "2025", 310.0)]).await;
    assert_eq!(served("tuira").await, (Some(560.0), Source::Summed));
    assert_eq!(served("north").await, (Some(600.0), Source::Reported));

    // Without the official figure the city is its areas' sum again.
    write(vec![remove(2, u["o"])]).await;
    assert_eq!(served("o").await, (Some(800.0), Source::Summed));
    write(vec![remove(2, u["north"])]).await;
    assert_eq!(served("o").await, (Some(760.0), Source::Summed));

    // Re-importing Kasvu's own export (every unit's figure stored for the
    // unit itself) changes no figure.
    write(vec![
        row(2, clients, u["o"], "2025", 760.0),
        row(3, clients, u["north"], "2025", 560.0),
        row(4, clients, u["south"], "2025", 200.0),
        row(5, clients, u["tuira"], "2025", 560.0),
        row(6, clients, u["kaakkuri"], "2025", 200.0),
    ])
    .await;
    for (unit, v) in [("o", 760.0), ("north", 560.0), ("tuira", 560.0)] {
        assert_eq!(served(unit).await, (Some(v), Source::Reported), "{unit}");
    }
    let table = store.served_table(clients, u["o"]).await.unwrap();
    assert!(table
        .iter()
        .any(|r| r.orgunit == "o" && r.value == Some(760.0) && r.source == Source::Reported));
}

/// A rate per 1,000 children of an age group (issue 19, part 3): the
/// ratio's denominator is read at `denominator_age_group` (with the ratio's
/// own sex), never at the population total, and rolls up as
/// 1000 × Σclients / Σpopulation 0–17 — on every read path.
async fn rates_per_children_of_an_age_group(store: Store) {
    let u = tree(&store, "r").await;
    let mut clients = ind("clients", Cadence::Yearly, Aggregation::Sum);
    clients.by_grade = false;
    clients.rate = Some("clients_rate".into());
    let mut population = ind("population", Cadence::Yearly, Aggregation::Sum);
    population.by_grade = false;
    population.by_age_group = true;
    let mut rate = ind("clients_rate", Cadence::Yearly, Aggregation::Ratio);
    rate.by_grade = false;
    rate.unit = ValueUnit::PerThousand;
    rate.numerator = Some("clients".into());
    rate.denominator = Some("population".into());
    rate.factor = Some(1000.0);
    rate.denominator_age_group = Some("0-17".into());
    let rows = vec![
        (2, clients.clone()),
        (3, population.clone()),
        (4, rate.clone()),
    ];

    // The denominator must be broken down by age group.
    let mut flat = population.clone();
    flat.by_age_group = false;
    let e = store
        .import_indicators(
            &cli(),
            &[(2, clients.clone()), (3, flat), (4, rate.clone())],
            true,
        )
        .await
        .unwrap_err();
    let StoreError::Row { row: at_row, error } = e else {
        panic!("{e}")
    };
    assert_eq!(
        (at_row, error.field.as_str(), error.problem.code),
        (4, "denominator_age_group", "err-denominator-age-group")
    );
    // A count's rate is a ratio of this count.
    for (bad, other) in [("population", None), ("other_rate", Some("population"))] {
        let mut c = clients.clone();
        c.rate = Some(bad.into());
        let mut rows = vec![(2, c), (3, population.clone()), (4, rate.clone())];
        if let Some(num) = other {
            let mut r = rate.clone();
            r.code = "other_rate".into();
            r.numerator = Some(num.into());
            r.denominator = Some("clients".into());
            r.denominator_age_group = None;
            rows.push((5, r));
        }
        let e = store
            .import_indicators(&cli(), &rows, true)
            .await
            .unwrap_err();
        let StoreError::Row { row: at_row, error } = e else {
            panic!("{e}")
        };
        assert_eq!(
            (at_row, error.field.as_str(), error.problem.code),
            (2, "rate", "err-rate-not-ratio"),
            "{bad}"
        );
    }

    store.import_indicators(&cli(), &rows, false).await.unwrap();
    let cat: HashMap<String, Indicator> = store
        .indicators()
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.spec.code.clone(), i))
        .collect();
    let (clients, population, rate) = (&cat["clients"], &cat["population"], &cat["clients_rate"]);
    assert_eq!(clients.spec.rate.as_deref(), Some("clients_rate"));
    assert_eq!(clients.rate_id, Some(rate.id));
    assert_eq!(rate.spec.denominator_age_group.as_deref(), Some("0-17"));

    let at = |ind: &Indicator, unit: &str, sex: Sex, age: Option<&str>, v: f64| ValueRow {
        breakdown: Breakdown {
            sex,
            grade: None,
            age_group: age.map(str::to_owned),
        },
        ..row(0, ind, u[unit], "2025", v)
    };
    let mut rows = Vec::new();
    // (school, clients, boys, girls, children 0–17 in all, everyone)
    for (school, c, boys_c, girls_c, children, everyone) in [
        ("school-a", 60.0, 35.0, 25.0, 3000.0, 14000.0),
        ("school-b", 30.0, 10.0, 20.0, 1000.0, 5000.0),
        ("school-c", 90.0, 50.0, 40.0, 6000.0, 30000.0),
    ] {
        rows.push(at(clients, school, Sex::Total, None, c));
        rows.push(at(clients, school, Sex::Male, None, boys_c));
        rows.push(at(clients, school, Sex::Female, None, girls_c));
        rows.push(at(population, school, Sex::Total, None, everyone));
        rows.push(at(population, school, Sex::Total, Some("0-17"), children));
        rows.push(at(
            population,
            school,
            Sex::Male,
            Some("0-17"),
            children / 2.0,
        ));
        rows.push(at(
            population,
            school,
            Sex::Female,
            Some("0-17"),
            children / 2.0,
        ));
        rows.push(at(
            population,
            school,
            Sex::Total,
            Some("0-6"),
            children * 0.4,
        ));
    }
    for (n, r) in rows.iter_mut().enumerate() {
        r.row = n + 2;
    }
    store.write_values(&cli(), &rows, opts()).await.unwrap();

    let rate_at = |unit: &str, sex: Sex| {
        let store = store.clone();
        let id = u[unit];
        async move {
            store
                .observe(rate, id, p("2025"), &Breakdown::sex(sex))
                .await
                .unwrap()
                .shown()
        }
    };
    assert_eq!(rate_at("school-a", Sex::Total).await, Some(20.0));
    // North = 1000 × (60 + 30) / (3000 + 1000), not over everyone.
    assert_eq!(rate_at("north", Sex::Total).await, Some(22.5));
    assert_eq!(rate_at("tuira", Sex::Total).await, Some(22.5));
    assert_eq!(rate_at("south", Sex::Total).await, Some(15.0));
    // The organisation: 1000 × 180 / 10,000.
    assert_eq!(rate_at("r", Sex::Total).await, Some(18.0));
    // By sex: boys over boys aged 0–17 (1000 × 45 / 2000).
    assert_eq!(rate_at("north", Sex::Male).await, Some(22.5));
    assert_eq!(
        rate_at("south", Sex::Female).await,
        Some(1000.0 * 40.0 / 3000.0)
    );
    // The series, the dashboard's series and the comparison agree.
    let series = store
        .series(rate, u["north"], &Breakdown::total())
        .await
        .unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].1.shown(), Some(22.5));
    let dash = store.unit_series(u["north"]).await.unwrap();
    assert_eq!(
        dash.get(&rate.id)
            .and_then(|s| s.first())
            .and_then(|(_, o)| o.shown()),
        Some(22.5)
    );
    let (periods, obs) = store
        .compare(rate, u["r"], &[u["north"], u["south"]])
        .await
        .unwrap();
    assert_eq!(periods, vec![p("2025")]);
    assert_eq!(
        obs.iter().map(|o| o[0].shown()).collect::<Vec<_>>(),
        vec![Some(22.5), Some(15.0)]
    );
    let summed = store
        .summed_figure(rate, u["r"], p("2025"), &Breakdown::total())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(summed.value, Some(18.0));
}

/// A write large enough to stage full chunks and upsert full chunks of
/// roll-up rows (the statements kept per connection, besides the shorter
/// last ones): every roll-up adds up, when the rows are new and again when
/// a second write replaces every value (the upserts' update path).
async fn a_large_write_adds_up_in_full_chunks(store: Store) {
    let cat = catalogue(&store).await;
    let calls = &cat["calls"];
    let specs = vec![
        (2, unit("big", None, Level::Organisation)),
        (3, unit("big-1", Some("big"), Level::Unit)),
        (4, unit("big-2", Some("big"), Level::Unit)),
    ];
    store
        .import_org_units(&cli(), &specs, false, &mut |_| {})
        .await
        .unwrap();
    let id = |code: &'static str| {
        let store = store.clone();
        async move { store.org_unit(code).await.unwrap().unwrap().id }
    };
    let (org, one, two) = (id("big").await, id("big-1").await, id("big-2").await);
    // 1,500 months (1900–2024) at each school: 3,000 values staged as one
    // full chunk and a shorter one; 2,375 roll-up rows for the organisation
    // (a school's are not stored: it has no sub-units).
    let month = |m: usize| format!("{}{:02}", 1900 + m / 12, m % 12 + 1);
    // Staged as a full chunk and a shorter one (checked when compiled).
    const { assert!(3000 > kasvu_store::VALUES_PER_STATEMENT) };
    for (round, base) in [(0, 10.0), (1, 1000.0)] {
        let mut rows = Vec::new();
        for m in 0..1500 {
            let v = base + (m % 97) as f64;
            rows.push(row(2 * m + 2, calls, one, &month(m), v));
            rows.push(row(2 * m + 3, calls, two, &month(m), 2.0 * v));
        }
        let s = store.write_values(&cli(), &rows, opts()).await.unwrap();
        assert_eq!(s.created + s.replaced, 3000, "round {round}");
        for m in [0usize, 1, 777, 1499] {
            let v = base + (m % 97) as f64;
            assert_eq!(value(&store, calls, org, &month(m)).await, Some(3.0 * v));
        }
        for year in [1900usize, 1960, 2024] {
            let first = (year - 1900) * 12;
            let sum: f64 = (first..first + 12).map(|m| base + (m % 97) as f64).sum();
            let y = year.to_string();
            assert_eq!(value(&store, calls, one, &y).await, Some(sum), "{y}");
            assert_eq!(value(&store, calls, two, &y).await, Some(2.0 * sum), "{y}");
            assert_eq!(value(&store, calls, org, &y).await, Some(3.0 * sum), "{y}");
            let q = format!("{y}Q4");
            let q4: f64 = (first + 9..first + 12)
                .map(|m| base + (m % 97) as f64)
                .sum();
            assert_eq!(value(&store, calls, org, &q).await, Some(3.0 * q4), "{q}");
        }
    }
}

both_databases!(
    rates_per_children_of_an_age_group,
    reported_figures_are_served_not_added,
    targets_and_conclusions,
    subtraction_fails_across_units_and_time,
    catalogue_rules,
    values_roll_up_on_write,
    bad_writes_change_nothing,
    small_numbers_are_suppressed,
    activities_are_shown_as_they_are,
    incremental_equals_recomputation,
    fractions_roll_up_to_the_last_bit,
    a_large_write_adds_up_in_full_chunks,
);
