//! A measure's identity across versions, on SQLite and PostgreSQL: each
//! measure has a stable key; a new version copies the keys, and with them
//! the measures' evaluations and status history; changing a draft (moving,
//! renaming, removing measures) keeps the history with the key, not with
//! the name or the place; keys that are malformed or given twice are refused
//! and change nothing.

use kasvu_core::{
    Aggregation, Cadence, IndicatorSpec, Level, MeasureStatus, Names, OrgCode, Period, PlanPeriod,
    PlanStatus, PlanVisibility, UnitKind, ValidRange,
};
use kasvu_store::{
    both_databases, Actor, FocusAreaSpec, GoalSpec, MeasureSpec, OrgUnitSpec, PlanSpec, PlanTree,
    Store, StoreError,
};
use time::macros::date;

fn cli() -> Actor {
    Actor::system("test")
}

fn names(fi: &str) -> Names {
    Names::parse(fi, "", "").unwrap()
}

fn measure(name: &str) -> MeasureSpec {
    MeasureSpec {
        names: names(name),
        owners: vec!["h-school".into()],
        responsible: String::new(),
        schedule: "2025–2026".into(),
        budget: String::new(),
        status: MeasureStatus::Ongoing,
        rights: vec![],
        conditions: vec![],
        indicators: vec!["visits".into()],
        key: None,
    }
}

fn spec() -> PlanSpec {
    PlanSpec {
        code: "hyvis".into(),
        title: names("Hyvinvointisuunnitelma"),
        aim: Names::default(),
        period: PlanPeriod::new(2025, 2028).unwrap(),
        goals: vec![
            GoalSpec {
                names: names("Tavoite A"),
                focus_areas: vec![FocusAreaSpec {
                    names: names("Painopiste A"),
                    measures: vec![measure("Kohtaamispaikka"), measure("Harrastustakuu")],
                }],
            },
            GoalSpec {
                names: names("Tavoite B"),
                focus_areas: vec![],
            },
        ],
        impacts: vec![],
        scope: None,
        parent: None,
        visibility: PlanVisibility::Public,
        strengths: vec![],
        challenges: vec![],
        structures: vec![],
    }
}

async fn setup(store: &Store) -> i64 {
    let unit = |code: &str, parent: Option<&str>, level| OrgUnitSpec {
        code: OrgCode::parse(code).unwrap(),
        parent: parent.map(|p| OrgCode::parse(p).unwrap()),
        level,
        kind: (level == Level::Unit).then_some(UnitKind::School),
        sector: None,
        names: Names::parse(code, "", "").unwrap(),
        external_codes: vec![],
        valid: ValidRange::default(),
    };
    let rows = vec![
        (2, unit("h", None, Level::Organisation)),
        (3, unit("h-school", Some("h"), Level::Unit)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    store
        .import_indicators(
            &cli(),
            &[(
                2,
                IndicatorSpec::plain("visits", "Käynnit", Cadence::Monthly, Aggregation::Sum),
            )],
            false,
        )
        .await
        .unwrap();
    store.org_unit("h").await.unwrap().unwrap().org_id
}

/// The measure named `fi` in a version.
fn named<'t>(t: &'t PlanTree, fi: &str) -> &'t kasvu_store::Measure {
    t.measures()
        .map(|(_, _, m)| m)
        .find(|m| m.names.fi == fi)
        .unwrap_or_else(|| panic!("no measure {fi}"))
}

/// Version 1 in force with a 2025 evaluation and a status note on the
/// first measure; returns (v1, v2 = the new draft version).
async fn in_force_with_history(store: &Store, org: i64) -> (i64, i64) {
    let v1 = store.create_plan(&cli(), org, &spec()).await.unwrap();
    let t1 = store.plan_tree(v1).await.unwrap().unwrap();
    let meeting = named(&t1, "Kohtaamispaikka").id;
    store
        .set_evaluation(
            &cli(),
            meeting,
            Period::year(2025).unwrap(),
            4,
            "Kohtaamispaikka avattiin kolmelle alueelle.",
            &[],
        )
        .await
        .unwrap();
    store
        .set_measure_status(&cli(), meeting, MeasureStatus::Ongoing, "Avattu syksyllä")
        .await
        .unwrap();
    store
        .set_plan_status(
            &cli(),
            v1,
            PlanStatus::Approved,
            Some(date!(2025 - 02 - 10)),
            "KV 10.2.2025 § 7",
        )
        .await
        .unwrap();
    let v2 = store.new_plan_version(&cli(), v1).await.unwrap();
    (v1, v2)
}

async fn a_new_version_carries_evaluations_and_status_notes_by_key(store: Store) {
    let org = setup(&store).await;
    let (v1, v2) = in_force_with_history(&store, org).await;
    let (t1, t2) = (
        store.plan_tree(v1).await.unwrap().unwrap(),
        store.plan_tree(v2).await.unwrap().unwrap(),
    );
    let (old, new) = (named(&t1, "Kohtaamispaikka"), named(&t2, "Kohtaamispaikka"));
    assert_ne!(old.id, new.id, "a new version has measures of its own");
    assert_eq!(old.key, new.key, "…with the same keys");
    assert!(!new.key.is_empty());
    assert_ne!(
        named(&t2, "Harrastustakuu").key,
        new.key,
        "each measure its own key"
    );
    assert_eq!(
        new.evaluations.len(),
        1,
        "last year's evaluation came along"
    );
    assert_eq!(new.evaluations[0].period, Period::year(2025).unwrap());
    assert_eq!(new.evaluations[0].rating, 4);
    assert_eq!(
        new.evaluations[0].body,
        "Kohtaamispaikka avattiin kolmelle alueelle."
    );
    let log = store.measure_log(new.id).await.unwrap();
    assert_eq!(log.len(), 1, "the status note came along");
    assert_eq!(log[0].note, "Avattu syksyllä");
    assert!(named(&t2, "Harrastustakuu").evaluations.is_empty());
    // The old version keeps its own.
    assert_eq!(old.evaluations.len(), 1);
    assert_eq!(store.measure_log(old.id).await.unwrap().len(), 1);
}

async fn changing_a_draft_keeps_history_with_the_key(store: Store) {
    let org = setup(&store).await;
    let (_, v2) = in_force_with_history(&store, org).await;
    let t2 = store.plan_tree(v2).await.unwrap().unwrap();
    let key = named(&t2, "Kohtaamispaikka").key.clone();
    // Reordered, renamed and moved under another goal: the same measure.
    let mut s = t2.to_spec();
    let mut moved = s.goals[0].focus_areas[0].measures.remove(0);
    moved.names = names("Perhekeskuksen kohtaamispaikka");
    s.goals.swap(0, 1);
    s.goals[0].focus_areas.push(FocusAreaSpec {
        names: names("Painopiste B"),
        measures: vec![moved],
    });
    store.replace_draft(&cli(), v2, &s).await.unwrap();
    let t = store.plan_tree(v2).await.unwrap().unwrap();
    assert_eq!(t.goals[0].names.fi, "Tavoite B", "the goals were reordered");
    let m = named(&t, "Perhekeskuksen kohtaamispaikka");
    assert_eq!(m.key, key);
    assert_eq!(m.evaluations.len(), 1, "the history followed the key");
    assert_eq!(store.measure_log(m.id).await.unwrap().len(), 1);
    assert!(named(&t, "Harrastustakuu").evaluations.is_empty());

    // Removed, and added again under the old name without its key: a new
    // measure, without the removed one's history.
    let mut s = t.to_spec();
    s.goals[0].focus_areas[0].measures.clear();
    store.replace_draft(&cli(), v2, &s).await.unwrap();
    let t = store.plan_tree(v2).await.unwrap().unwrap();
    assert_eq!(t.measures().count(), 1);
    let mut s = t.to_spec();
    s.goals[0].focus_areas[0]
        .measures
        .push(measure("Perhekeskuksen kohtaamispaikka"));
    store.replace_draft(&cli(), v2, &s).await.unwrap();
    let t = store.plan_tree(v2).await.unwrap().unwrap();
    let again = named(&t, "Perhekeskuksen kohtaamispaikka");
    assert_ne!(again.key, key, "a new measure gets a new key");
    assert!(
        again.evaluations.is_empty(),
        "identity is the key, not the name"
    );
}

async fn bad_keys_are_refused_and_change_nothing(store: Store) {
    let org = setup(&store).await;
    let (v1, v2) = in_force_with_history(&store, org).await;
    let before = store.plan_tree(v2).await.unwrap().unwrap();
    let mut twice = before.to_spec();
    let key = twice.goals[0].focus_areas[0].measures[0].key.clone();
    twice.goals[0].focus_areas[0].measures[1].key = key;
    match store.replace_draft(&cli(), v2, &twice).await {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(
                (e.field.as_str(), e.problem.code),
                ("key", "err-measure-key-twice")
            )
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let mut bad = before.to_spec();
    bad.goals[0].focus_areas[0].measures[1].key = Some("Not a key".into());
    match store.replace_draft(&cli(), v2, &bad).await {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.field, "goals.1.focus_areas.1.measures.2.key")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        store.plan_tree(v2).await.unwrap().unwrap(),
        before,
        "nothing changed"
    );
    // The approved version is frozen, its history with it.
    assert!(matches!(
        store.replace_draft(&cli(), v1, &before.to_spec()).await,
        Err(StoreError::Conflict(_))
    ));
}

both_databases!(
    a_new_version_carries_evaluations_and_status_notes_by_key,
    changing_a_draft_keeps_history_with_the_key,
    bad_keys_are_refused_and_change_nothing
);
