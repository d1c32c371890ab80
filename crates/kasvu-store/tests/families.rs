//! What families find, in storage, on SQLite and PostgreSQL: places and
//! activities with their rules (refusals name the field and change
//! nothing), the approval that makes an organiser's entry public, the
//! search filters checked against generated data, children's wishes and
//! the organisation's guidance number.

use kasvu_core::activity::{
    age_fits, weekday_bit, ActivityKind, ActivityStatus, AgeGroup, Category, PlaceKind,
};
use kasvu_core::{Level, Names, OrgCode, Sector, UnitKind, ValidRange};
use kasvu_store::{
    both_databases, ActivityQuery, ActivitySpec, Actor, ActorSpec, CancelSpec, DateSpec,
    OrgUnitSpec, PlaceSpec, PublicSettings, SlotSpec, Store, StoreError, WishSpec,
};
use time::macros::date;
use time::Weekday;

fn cli() -> Actor {
    Actor::system("test")
}

fn fi(s: &str) -> Names {
    Names {
        fi: s.into(),
        ..Default::default()
    }
}

fn unit(code: &str, parent: Option<&str>, level: Level) -> OrgUnitSpec {
    OrgUnitSpec {
        code: OrgCode::parse(code).unwrap(),
        parent: parent.map(|p| OrgCode::parse(p).unwrap()),
        level,
        kind: (level == Level::Unit).then_some(UnitKind::Ngo),
        sector: None,
        names: Names::parse(code, "", "").unwrap(),
        external_codes: vec![],
        valid: ValidRange::default(),
    }
}

async fn setup(store: &Store) -> i64 {
    let rows = vec![
        (2, unit("f", None, Level::Organisation)),
        (3, unit("f-north", Some("f"), Level::Area)),
        (4, unit("f-tuira", Some("f-north"), Level::Cluster)),
        (5, unit("f-south", Some("f"), Level::Area)),
        (6, unit("f-mll", Some("f-tuira"), Level::Unit)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    let org = store.org_unit("f").await.unwrap().unwrap().org_id;
    let mll = ActorSpec {
        code: "mll".into(),
        name: "MLL Tuira".into(),
        sector: Sector::ThirdSector,
        unit: String::new(),
        offer: "Kerhot ja perhekahvila".into(),
        audiences: vec![],
        themes: vec![],
        languages: vec![],
        opening_hours: String::new(),
        areas: vec!["f-tuira".into()],
        phone: String::new(),
        email: String::new(),
        website: String::new(),
        contact_person: String::new(),
        contact_phone: String::new(),
        contact_email: String::new(),
        confirmed_on: String::new(),
    };
    store
        .save_actor(&cli(), org, &mll, date!(2026 - 11 - 23))
        .await
        .unwrap();
    store
        .save_place(
            &cli(),
            org,
            &PlaceSpec {
                code: "tuira-pk".into(),
                kind: PlaceKind::FamilyCentre,
                name: fi("Tuiran perhekeskus"),
                area: "f-tuira".into(),
                address: "Kastellintie 1".into(),
                hours: fi("ma–pe 8–16"),
                what: fi("Neuvola, perhekahvila"),
                directions: fi("Bussit 3 ja 4"),
                access: fi("Esteetön sisäänkäynti"),
                actor: "mll".into(),
                phone: "08 123 4567".into(),
                website: String::new(),
                published: true,
                source_id: String::new(),
            },
        )
        .await
        .unwrap();
    org
}

fn hobby(name: &str) -> ActivitySpec {
    ActivitySpec {
        kind: ActivityKind::Hobby,
        category: Category::Art,
        name: fi(name),
        description: fi("Piirretään ja maalataan"),
        signup: fi("Tule paikalle"),
        price: Names::default(),
        is_free: true,
        min_age: Some(7),
        max_age: Some(12),
        languages: vec!["fi".into()],
        keywords: vec![],
        equipment_lent: true,
        organiser: "mll".into(),
        provider: String::new(),
        place: "tuira-pk".into(),
        location: String::new(),
        area: "f-tuira".into(),
        season_start: "2026-09-01".into(),
        season_end: "2026-12-15".into(),
        slots: vec![SlotSpec {
            weekday: 2,
            starts: "17:00".into(),
            ends: "18:30".into(),
        }],
        dates: vec![],
        cancellations: vec![],
        info_url: String::new(),
        source_id: String::new(),
    }
}

fn public() -> ActivityQuery {
    ActivityQuery {
        limit: 100,
        ..ActivityQuery::default()
    }
}

async fn count(store: &Store, org: i64) -> i64 {
    let q = ActivityQuery {
        statuses: Some(ActivityStatus::ALL.to_vec()),
        ..public()
    };
    store.find_activities(org, &q).await.unwrap().total
}

async fn rules_and_approval(store: Store) {
    let org = setup(&store).await;
    // Refusals name the field and store nothing.
    let mut cases: Vec<(ActivitySpec, &str)> = Vec::new();
    let mut s = hobby("Taidekerho");
    s.kind = ActivityKind::Event;
    s.slots.clear();
    s.season_start.clear();
    s.season_end.clear();
    s.dates = vec![DateSpec {
        on: "2026-11-28".into(),
        starts: "14:00".into(),
        ends_on: String::new(),
        ends: "13:00".into(),
    }];
    cases.push((s, "dates[1].ends"));
    let mut s = hobby("Taidekerho");
    s.min_age = Some(12);
    s.max_age = Some(7);
    cases.push((s, "max_age"));
    let mut s = hobby("Taidekerho");
    s.is_free = false;
    cases.push((s, "price.fi"));
    let mut s = hobby("Taidekerho");
    s.organiser = "nobody".into();
    cases.push((s, "organiser"));
    let mut s = hobby("Taidekerho");
    s.area = "f".into();
    cases.push((s, "area"));
    let mut s = hobby("Taidekerho");
    s.place = "nowhere".into();
    cases.push((s, "place"));
    let mut s = hobby("Taidekerho");
    s.slots[0].weekday = 8;
    cases.push((s, "slots[1].weekday"));
    let mut s = hobby("Taidekerho");
    s.season_end.clear();
    cases.push((s, "season_end"));
    for (spec, field) in cases {
        match store
            .save_activity(&cli(), org, None, &spec, ActivityStatus::Pending)
            .await
        {
            Err(StoreError::Invalid(e)) => assert_eq!(e.field, field),
            other => panic!("expected a refusal naming {field}, got {other:?}"),
        }
    }
    assert_eq!(count(&store, org).await, 0);

    // An organiser's entry waits; the public sees nothing until it is published.
    let mut s = hobby("Taidekerho");
    s.cancellations = vec![CancelSpec {
        on: "2026-11-17".into(),
        note: "Ohjaaja sairastui".into(),
    }];
    let id = store
        .save_activity(&cli(), org, None, &s, ActivityStatus::Pending)
        .await
        .unwrap();
    assert_eq!(
        store.find_activities(org, &public()).await.unwrap().total,
        0
    );
    store
        .set_activity_status(&cli(), org, id, ActivityStatus::Published)
        .await
        .unwrap();
    let page = store.find_activities(org, &public()).await.unwrap();
    assert_eq!(page.total, 1);
    let a = &page.items[0];
    assert_eq!(a.spec.name.fi, "Taidekerho");
    assert_eq!(a.place_name.fi, "Tuiran perhekeskus");
    assert_eq!(a.organiser_name, "MLL Tuira");
    assert_eq!(a.spec.area, "f-tuira");
    assert_eq!(a.cancelled(), vec![date!(2026 - 11 - 17)]);
    // The schedule expands: Tuesdays of November, one cancelled.
    let occ = kasvu_core::activity::occurrences(
        &a.schedule,
        date!(2026 - 11 - 01),
        date!(2026 - 11 - 30),
        &a.cancelled(),
    );
    assert_eq!(occ.len(), 4);
    assert_eq!(occ.iter().filter(|o| o.cancelled).count(), 1);
    // The cluster's entries are also its area's.
    let north = store.org_unit("f-north").await.unwrap().unwrap().id;
    let south = store.org_unit("f-south").await.unwrap().unwrap().id;
    for (area, n) in [(north, 1), (south, 0)] {
        let q = ActivityQuery {
            area_id: Some(area),
            ..public()
        };
        assert_eq!(store.find_activities(org, &q).await.unwrap().total, n);
    }
    // Replacing the entry replaces its times; withdrawing hides it.
    let mut s2 = s.clone();
    s2.slots.push(SlotSpec {
        weekday: 4,
        starts: "09:00".into(),
        ends: "10:00".into(),
    });
    store
        .save_activity(&cli(), org, Some(id), &s2, ActivityStatus::Published)
        .await
        .unwrap();
    let a = store.activity(org, id).await.unwrap().unwrap();
    assert_eq!(a.spec.slots.len(), 2);
    assert_eq!(count(&store, org).await, 1);
    store
        .set_activity_status(&cli(), org, id, ActivityStatus::Withdrawn)
        .await
        .unwrap();
    assert_eq!(
        store.find_activities(org, &public()).await.unwrap().total,
        0
    );
    // Another organisation's id is not found.
    assert!(matches!(
        store
            .save_activity(&cli(), org + 1000, Some(id), &s, ActivityStatus::Pending)
            .await,
        Err(StoreError::Invalid(_)) | Err(StoreError::NotFound(_))
    ));

    // An import is all or nothing, and a source id updates in place.
    let mut batch: Vec<ActivitySpec> = (0..5)
        .map(|i| {
            let mut e = hobby(&format!("Tapahtuma {i}"));
            e.kind = ActivityKind::Event;
            e.source_id = format!("le:{i}");
            e
        })
        .collect();
    batch[3].max_age = Some(200);
    match store
        .save_activities(&cli(), org, &batch, ActivityStatus::Published, &|_| {})
        .await
    {
        Err(StoreError::Row { row, error }) => {
            assert_eq!((row, error.field.as_str()), (4, "max_age"))
        }
        other => panic!("expected row 4 refused, got {other:?}"),
    }
    assert_eq!(count(&store, org).await, 1);
    batch[3].max_age = Some(12);
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let (created, updated) = store
        .save_activities(&cli(), org, &batch, ActivityStatus::Published, &|n| {
            seen.store(n, std::sync::atomic::Ordering::Relaxed)
        })
        .await
        .unwrap();
    assert_eq!((created, updated), (5, 0));
    assert_eq!(seen.load(std::sync::atomic::Ordering::Relaxed), 5);
    batch[0].name = fi("Tapahtuma nolla");
    let (created, updated) = store
        .save_activities(&cli(), org, &batch, ActivityStatus::Published, &|_| {})
        .await
        .unwrap();
    assert_eq!((created, updated), (0, 5));
    assert_eq!(count(&store, org).await, 6);
}

/// A small deterministic generator, so a failure can be reproduced.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

async fn filters_on_generated_data(store: Store) {
    let org = setup(&store).await;
    let mut rng = Lcg(7);
    let areas = ["f-tuira", "f-north", "f-south", "f-mll"];
    let cats = Category::ALL;
    let mut specs = Vec::new();
    for i in 0..240 {
        let mut s = hobby(&format!("Kerho {:03}", rng.next(1000)));
        s.kind = if rng.next(4) == 0 {
            ActivityKind::Group
        } else {
            ActivityKind::Hobby
        };
        s.category = cats[rng.next(cats.len() as u64) as usize];
        s.area = areas[rng.next(4) as usize].into();
        s.place = String::new();
        s.location = "Puisto".into();
        s.is_free = rng.next(2) == 0;
        s.price = if s.is_free {
            Names::default()
        } else {
            fi("30 €")
        };
        s.min_age = (rng.next(3) > 0).then(|| rng.next(12) as i64);
        s.max_age = s.min_age.map(|m| m + rng.next(10) as i64);
        s.slots = (0..=rng.next(2))
            .map(|_| SlotSpec {
                weekday: 1 + rng.next(7) as i64,
                starts: "16:00".into(),
                ends: "17:00".into(),
            })
            .collect();
        s.source_id = format!("gen:{i}");
        specs.push(s);
    }
    store
        .save_activities(&cli(), org, &specs, ActivityStatus::Published, &|_| {})
        .await
        .unwrap();
    // A few are withdrawn: never in a public answer.
    let all = store
        .find_activities(
            org,
            &ActivityQuery {
                limit: 1000,
                ..public()
            },
        )
        .await
        .unwrap()
        .items;
    assert_eq!(all.len(), 240);
    for a in all.iter().step_by(17) {
        store
            .set_activity_status(&cli(), org, a.id, ActivityStatus::Withdrawn)
            .await
            .unwrap();
    }
    let withdrawn: Vec<i64> = all.iter().step_by(17).map(|a| a.id).collect();
    let north = store.org_unit("f-north").await.unwrap().unwrap().id;
    let tuira = store.org_unit("f-tuira").await.unwrap().unwrap().id;
    let days = [Weekday::Monday, Weekday::Wednesday, Weekday::Saturday];
    let mut checked = 0;
    for q_no in 0..60u64 {
        let mut r = Lcg(q_no + 100);
        let q = ActivityQuery {
            kinds: if r.next(2) == 0 {
                vec![ActivityKind::Hobby]
            } else {
                vec![]
            },
            area_id: (r.next(3) == 0).then_some(north),
            cluster_id: (r.next(3) == 0).then_some(tuira),
            age: (r.next(2) == 0).then(|| r.next(20) as i64),
            weekdays: if r.next(2) == 0 {
                weekday_bit(days[r.next(3) as usize])
            } else {
                0
            },
            free_only: r.next(2) == 0,
            category: (r.next(3) == 0).then(|| cats[r.next(cats.len() as u64) as usize]),
            limit: 10,
            offset: r.next(3) as i64 * 10,
            ..ActivityQuery::default()
        };
        let mut expected: Vec<&std::sync::Arc<kasvu_store::Activity>> = all
            .iter()
            .filter(|a| !withdrawn.contains(&a.id))
            .filter(|a| q.kinds.is_empty() || q.kinds.contains(&a.spec.kind))
            .filter(|a| q.area_id.is_none_or(|x| a.area_id == x))
            .filter(|a| q.cluster_id.is_none_or(|x| a.cluster_id == Some(x)))
            .filter(|a| {
                q.age
                    .is_none_or(|x| age_fits(a.spec.min_age, a.spec.max_age, x))
            })
            .filter(|a| {
                q.weekdays == 0
                    || a.schedule
                        .slots
                        .iter()
                        .any(|s| weekday_bit(s.weekday) & q.weekdays != 0)
            })
            .filter(|a| !q.free_only || a.spec.is_free)
            .filter(|a| q.category.is_none_or(|c| a.spec.category == c))
            .collect();
        expected.sort_by(|a, b| a.spec.name.fi.cmp(&b.spec.name.fi).then(a.id.cmp(&b.id)));
        let page = store.find_activities(org, &q).await.unwrap();
        assert_eq!(page.total as usize, expected.len(), "query {q_no}: {q:?}");
        let want: Vec<i64> = expected
            .iter()
            .skip(q.offset as usize)
            .take(10)
            .map(|a| a.id)
            .collect();
        let got: Vec<i64> = page.items.iter().map(|a| a.id).collect();
        assert_eq!(got, want, "query {q_no}");
        checked += usize::from(!want.is_empty());
    }
    // The generated queries were not all empty answers.
    assert!(checked > 20, "only {checked} queries had results");
}

async fn wishes_and_settings(store: Store) {
    let org = setup(&store).await;
    let wish = |area: &str, text: &str| WishSpec {
        area: area.into(),
        age_group: AgeGroup::From7To12,
        categories: vec![Category::Games, Category::Sports],
        text: text.into(),
    };
    match store.add_wish(org, &wish("f-nowhere", "")).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e.field, "area"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    match store
        .add_wish(
            org,
            &WishSpec {
                categories: vec![],
                ..wish("f-tuira", "")
            },
        )
        .await
    {
        Err(StoreError::Invalid(e)) => assert_eq!(e.field, "categories"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    for i in 0..4 {
        store
            .add_wish(org, &wish("f-tuira", &format!("sählyä {i}")))
            .await
            .unwrap();
    }
    let counts = store.wish_counts(org, 5).await.unwrap();
    assert_eq!(counts.len(), 1);
    // A wish from a cluster counts for its area.
    assert_eq!(counts[0].area.fi, "f-north");
    assert_eq!(counts[0].wishes, 4);
    assert_eq!(counts[0].categories[0].1, 4);
    // Four are too few to show what they wrote.
    assert!(counts[0].texts.is_empty());
    store.add_wish(org, &wish("f-north", "")).await.unwrap();
    let counts = store.wish_counts(org, 5).await.unwrap();
    assert_eq!(counts[0].texts.len(), 4);

    assert_eq!(
        store.public_settings(org).await.unwrap(),
        PublicSettings::default()
    );
    let s = PublicSettings {
        guidance_phone: "08 558 45 600".into(),
        guidance_hours: fi("ma–pe 9–12"),
    };
    store.set_public_settings(&cli(), org, &s).await.unwrap();
    assert_eq!(store.public_settings(org).await.unwrap(), s);
    let bad = PublicSettings {
        guidance_phone: "soita".into(),
        ..s.clone()
    };
    match store.set_public_settings(&cli(), org, &bad).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e.field, "guidance_phone"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(store.public_settings(org).await.unwrap(), s);
}

/// The activity filter's rules live in `kasvu_core::activity::ActivityFilter`;
/// the public search applies them in memory, staff lists as SQL. On
/// generated activities and proptest-generated filters, the SQL answer, the
/// in-memory answer and the core function applied to each activity agree.
async fn filter_rules_agree_with_sql(store: Store) {
    use kasvu_core::activity::{weekday_mask, FilterColumns};
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let org = setup(&store).await;
    let mut rng = Lcg(11);
    let areas = ["f-tuira", "f-north", "f-south", "f-mll"];
    let mut specs = Vec::new();
    for i in 0..120 {
        let mut s = hobby(&format!("Ryhmä {:03}", rng.next(1000)));
        s.kind = ActivityKind::ALL[rng.next(2) as usize * 2];
        s.category = Category::ALL[rng.next(Category::ALL.len() as u64) as usize];
        s.area = areas[rng.next(4) as usize].into();
        s.place = String::new();
        s.location = "Puisto".into();
        s.is_free = rng.next(2) == 0;
        s.price = if s.is_free {
            Names::default()
        } else {
            fi("10 €")
        };
        s.min_age = (rng.next(3) > 0).then(|| rng.next(12) as i64);
        s.max_age = (rng.next(3) > 0).then(|| s.min_age.unwrap_or(0) + rng.next(10) as i64);
        s.slots = (0..=rng.next(2))
            .map(|_| SlotSpec {
                weekday: 1 + rng.next(7) as i64,
                starts: "16:00".into(),
                ends: "17:00".into(),
            })
            .collect();
        s.source_id = format!("parity:{i}");
        specs.push(s);
    }
    store
        .save_activities(&cli(), org, &specs, ActivityStatus::Published, &|_| {})
        .await
        .unwrap();
    let published = |q: &ActivityQuery| ActivityQuery {
        statuses: Some(vec![ActivityStatus::Published]),
        limit: 1000,
        ..q.clone()
    };
    let all = store
        .find_activities(org, &published(&ActivityQuery::default()))
        .await
        .unwrap()
        .items;
    assert_eq!(all.len(), 120);
    // Some are withdrawn: in no answer of the three.
    for a in all.iter().step_by(13) {
        store
            .set_activity_status(&cli(), org, a.id, ActivityStatus::Withdrawn)
            .await
            .unwrap();
    }
    let all = store
        .find_activities(org, &published(&ActivityQuery::default()))
        .await
        .unwrap()
        .items;
    let columns = |a: &kasvu_store::Activity| FilterColumns {
        kind: a.spec.kind,
        category: a.spec.category,
        area_id: a.area_id,
        cluster_id: a.cluster_id,
        // No generated activity has a place.
        place_id: None,
        min_age: a.spec.min_age,
        max_age: a.spec.max_age,
        weekday_mask: weekday_mask(&a.schedule),
        is_free: a.spec.is_free,
    };
    let mut units = Vec::new();
    for code in areas {
        units.push(store.org_unit(code).await.unwrap().unwrap().id);
    }
    // Each filter is left out more often than not, so answers are not all
    // empty; a place is named rarely (no generated activity has one).
    let some = |p| proptest::option::weighted(p, proptest::sample::select(units.clone()));
    let filters = (
        proptest::collection::vec(proptest::sample::select(ActivityKind::ALL), 0..3),
        some(0.3),
        some(0.3),
        proptest::option::weighted(0.05, -1i64..1_000_000),
        proptest::option::weighted(0.4, 0i64..25),
        prop_oneof![Just(0i64), 1i64..128],
        proptest::bool::weighted(0.3),
        proptest::option::weighted(0.3, proptest::sample::select(Category::ALL)),
    );
    let mut runner = TestRunner::deterministic();
    let mut nonempty = 0;
    for n in 0..80 {
        let (kinds, area_id, cluster_id, place_id, age, weekdays, free_only, category) =
            filters.new_tree(&mut runner).unwrap().current();
        let q = ActivityQuery {
            kinds,
            area_id,
            cluster_id,
            place_id,
            age,
            weekdays,
            free_only,
            category,
            limit: 1000,
            ..ActivityQuery::default()
        };
        let by_core: Vec<i64> = all
            .iter()
            .filter(|a| q.filter().matches(&columns(a)))
            .map(|a| a.id)
            .collect();
        let in_memory: Vec<i64> = store
            .find_activities(org, &q)
            .await
            .unwrap()
            .items
            .iter()
            .map(|a| a.id)
            .collect();
        let by_sql: Vec<i64> = store
            .find_activities(org, &published(&q))
            .await
            .unwrap()
            .items
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(by_sql, by_core, "filter {n}: SQL and core differ for {q:?}");
        assert_eq!(
            in_memory, by_core,
            "filter {n}: memory and core differ for {q:?}"
        );
        nonempty += usize::from(!by_core.is_empty());
    }
    // The generated filters were not all empty answers.
    assert!(nonempty > 20, "only {nonempty} filters matched anything");
}

/// The organisation's breaks: kept in date order, refused when backwards
/// (nothing stored), removed by id within the organisation only; with the
/// built-in holidays they make the days off of weekly sessions.
async fn breaks_of_weekly_activities(store: Store) {
    let org = setup(&store).await;
    assert!(store.activity_breaks(org).await.unwrap().is_empty());
    let winter = store
        .add_activity_break(
            &cli(),
            org,
            date!(2027 - 03 - 08),
            date!(2027 - 03 - 12),
            "Talviloma",
        )
        .await
        .unwrap();
    let autumn = store
        .add_activity_break(
            &cli(),
            org,
            date!(2026 - 10 - 19),
            date!(2026 - 10 - 23),
            " Syysloma ",
        )
        .await
        .unwrap();
    match store
        .add_activity_break(
            &cli(),
            org,
            date!(2026 - 12 - 31),
            date!(2026 - 12 - 21),
            "x",
        )
        .await
    {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.field, "last");
            assert_eq!(e.problem.code, "err-break-order");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let breaks = store.activity_breaks(org).await.unwrap();
    let names: Vec<&str> = breaks.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["Syysloma", "Talviloma"], "in date order, trimmed");
    assert_eq!(breaks[0].id, autumn);
    assert_eq!(breaks[1].first, date!(2027 - 03 - 08));
    assert_eq!(breaks[1].last, date!(2027 - 03 - 12));
    let off = store.days_off(org).await.unwrap();
    assert!(off.is_off(date!(2026 - 10 - 21)), "autumn break");
    assert!(off.is_off(date!(2026 - 12 - 24)), "Christmas Eve, built in");
    assert!(!off.is_off(date!(2026 - 10 - 26)));
    // Another organisation's id is not removed here.
    assert!(!store
        .remove_activity_break(&cli(), org + 1000, winter)
        .await
        .unwrap());
    assert!(store
        .remove_activity_break(&cli(), org, winter)
        .await
        .unwrap());
    assert!(!store
        .remove_activity_break(&cli(), org, winter)
        .await
        .unwrap());
    let left = store.activity_breaks(org).await.unwrap();
    assert_eq!(left.len(), 1);
    assert!(!store
        .days_off(org)
        .await
        .unwrap()
        .is_off(date!(2027 - 03 - 10)));
}

/// What the public pages' search shows of each hit: its name, organiser
/// and place, read as those pages read them (versions first).
async fn shown(store: &Store, org: i64) -> Vec<(String, String, String)> {
    let versions = store.public_versions().await.unwrap();
    let page = store
        .find_activities_at(org, &public(), &versions)
        .await
        .unwrap();
    page.items
        .iter()
        .map(|a| {
            (
                a.spec.name.fi.clone(),
                a.organiser_name.clone(),
                a.place_name.fi.clone(),
            )
        })
        .collect()
}

/// The public pages' search keeps the rows it read under the versions it
/// read before them; every write that changes what such a row shows moves
/// a version, so the next search shows the write.
async fn kept_rows_follow_every_write(store: Store) {
    let org = setup(&store).await;
    let row = |n: &str, o: &str, p: &str| vec![(n.to_owned(), o.to_owned(), p.to_owned())];
    let id = store
        .save_activity(
            &cli(),
            org,
            None,
            &hobby("Taidekerho"),
            ActivityStatus::Published,
        )
        .await
        .unwrap();
    let first = row("Taidekerho", "MLL Tuira", "Tuiran perhekeskus");
    assert_eq!(shown(&store, org).await, first);
    // Asked again: the kept row, the same answer.
    assert_eq!(shown(&store, org).await, first);

    // The activity itself.
    store
        .save_activity(
            &cli(),
            org,
            Some(id),
            &hobby("Maalauskerho"),
            ActivityStatus::Published,
        )
        .await
        .unwrap();
    let now = row("Maalauskerho", "MLL Tuira", "Tuiran perhekeskus");
    assert_eq!(shown(&store, org).await, now);

    // Its organiser's register entry, saved from the form ...
    let mut mll = store.actor_entry(org, "mll").await.unwrap().unwrap().spec;
    mll.name = "MLL:n Tuiran yhdistys".into();
    mll.confirmed_on.clear();
    store
        .save_actor(&cli(), org, &mll, date!(2026 - 11 - 24))
        .await
        .unwrap();
    let now = row(
        "Maalauskerho",
        "MLL:n Tuiran yhdistys",
        "Tuiran perhekeskus",
    );
    assert_eq!(shown(&store, org).await, now);
    // ... and from a file.
    mll.name = "Tuiran MLL".into();
    store
        .import_actors(&cli(), org, &[(2, mll.clone())], date!(2026 - 11 - 24))
        .await
        .unwrap();
    let now = row("Maalauskerho", "Tuiran MLL", "Tuiran perhekeskus");
    assert_eq!(shown(&store, org).await, now);
    // ... and by approving a proposed update.
    let entry = store.actor_entry(org, "mll").await.unwrap().unwrap();
    mll.name = "MLL Tuira ry".into();
    let proposal = store
        .propose_actor_update(&cli(), entry.id, &mll, date!(2026 - 11 - 24))
        .await
        .unwrap();
    store
        .decide_proposal(&cli(), proposal, true, date!(2026 - 11 - 24))
        .await
        .unwrap();
    let now = row("Maalauskerho", "MLL Tuira ry", "Tuiran perhekeskus");
    assert_eq!(shown(&store, org).await, now);

    // Its place.
    let mut place = store.place(org, "tuira-pk").await.unwrap().unwrap().spec;
    place.name = fi("Perhekeskus Tuira");
    store.save_place(&cli(), org, &place).await.unwrap();
    let now = row("Maalauskerho", "MLL Tuira ry", "Perhekeskus Tuira");
    assert_eq!(shown(&store, org).await, now);

    // Withdrawn: gone from the public pages.
    store
        .set_activity_status(&cli(), org, id, ActivityStatus::Withdrawn)
        .await
        .unwrap();
    assert_eq!(shown(&store, org).await, vec![]);
}

both_databases!(
    breaks_of_weekly_activities,
    kept_rows_follow_every_write,
    rules_and_approval,
    filters_on_generated_data,
    filter_rules_agree_with_sql,
    wishes_and_settings
);
