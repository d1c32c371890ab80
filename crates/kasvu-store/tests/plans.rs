//! The welfare plan in storage, on SQLite and PostgreSQL: a plan written
//! whole as a draft, refused when it points outside its organisation, the
//! lifecycle with frozen versions and new versions, and the measure status log.

use kasvu_core::{
    Aggregation, Cadence, ChildRight, Direction, ImpactCondition, IndicatorSpec, Level,
    MeasureStatus, Names, Period, PlanPeriod, PlanStatus, PlanVisibility,
};
use kasvu_store::testing::unit;
use kasvu_store::{
    both_databases, Actor, AuditFilter, FocusAreaSpec, GoalSpec, ImpactSpec, MeasureSpec, PlanSpec,
    Store, StoreError, StructureSpec,
};
use time::macros::date;

fn cli() -> Actor {
    Actor::system("test")
}

fn names(fi: &str) -> Names {
    Names::parse(fi, "", "").unwrap()
}

fn spec(owner: &str, indicator: &str) -> PlanSpec {
    PlanSpec {
        code: "lanu".into(),
        title: names("Lasten ja nuorten hyvinvointisuunnitelma"),
        aim: names("Hyvinvoiva lapsi, nuori, perhe ja yhteisö"),
        period: PlanPeriod::new(2022, 2026).unwrap(),
        impacts: vec![ImpactSpec {
            statement: names("Perheet löytävät tuen arjessa"),
            indicator: indicator.into(),
            direction: Direction::Up,
        }],
        scope: None,
        parent: None,
        visibility: PlanVisibility::Public,
        strengths: vec![names("Monialainen verkostotyö toteutuu koko kaupungissa")],
        challenges: vec![names("Yhteistyö kolmannen sektorin kanssa on satunnaista")],
        structures: vec![StructureSpec {
            name: names("Monialainen ohjausryhmä"),
            tasks: names("Koordinoi suunnitelmaa ja vastaa sen laadinnasta"),
        }],
        goals: vec![GoalSpec {
            names: names("Välittävän toimintakulttuurin rakentaminen"),
            focus_areas: vec![FocusAreaSpec {
                names: names("Perhekeskustoiminta"),
                measures: vec![MeasureSpec {
                    names: names("Perhekeskuksen kohtaamispaikka joka alueelle"),
                    owners: vec![owner.into()],
                    responsible: "Aluepäällikkö".into(),
                    schedule: "2023–2024".into(),
                    budget: "oma budjetti".into(),
                    status: MeasureStatus::Ongoing,
                    rights: vec![ChildRight::Care, ChildRight::Participation],
                    conditions: vec![ImpactCondition::MutuallyReinforcing],
                    indicators: vec![indicator.into()],
                    key: None,
                }],
            }],
        }],
    }
}

/// A plan as written, without the keys the store gives new measures.
fn without_keys(mut s: PlanSpec) -> PlanSpec {
    for m in s
        .goals
        .iter_mut()
        .flat_map(|g| &mut g.focus_areas)
        .flat_map(|f| &mut f.measures)
    {
        assert!(m.key.as_ref().is_some_and(|k| !k.is_empty()));
        m.key = None;
    }
    s
}

async fn setup(store: &Store) -> (i64, i64) {
    let rows = vec![
        (2, unit("p", None, Level::Organisation)),
        (3, unit("p-north", Some("p"), Level::Area)),
        (4, unit("p-school", Some("p-north"), Level::Unit)),
        (5, unit("q", None, Level::Organisation)),
        (6, unit("q-school", Some("q"), Level::Unit)),
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
    let p = store.org_unit("p").await.unwrap().unwrap();
    let q = store.org_unit("q").await.unwrap().unwrap();
    (p.org_id, q.org_id)
}

async fn a_plan_is_written_whole(store: Store) {
    let (p, _) = setup(&store).await;
    let good = spec("p-school", "visits");
    let id = store.create_plan(&cli(), p, &good).await.unwrap();
    let tree = store.plan_tree(id).await.unwrap().unwrap();
    assert_eq!(
        without_keys(tree.to_spec()),
        good,
        "what was written is what is read (each measure given a key)"
    );
    assert_eq!(tree.plan.status, PlanStatus::Draft);
    assert_eq!(tree.plan.version, 1);
    // Another organisation's unit, an unknown indicator, a taken code: refused, nothing stored.
    for (bad, field) in [
        (spec("q-school", "visits"), "owners"),
        (spec("p-school", "nope"), "indicators"),
    ] {
        let mut bad = bad;
        bad.code = "other".into();
        match store.create_plan(&cli(), p, &bad).await {
            Err(StoreError::Invalid(e)) => assert_eq!(e.field, field),
            other => panic!("expected a refusal on {field}, got {other:?}"),
        }
    }
    assert!(matches!(
        store.create_plan(&cli(), p, &good).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.plans(p).await.unwrap().len(),
        1,
        "nothing else stored"
    );

    // A regional development plan takes up goals and focus areas of the
    // organisation's plan, for an area, with its own measures.
    let mut regional = spec("p-school", "visits");
    regional.code = "north-2024".into();
    regional.scope = Some("p-north".into());
    regional.parent = Some("lanu".into());
    regional.visibility = PlanVisibility::Internal;
    let rid = store.create_plan(&cli(), p, &regional).await.unwrap();
    let rt = store.plan_tree(rid).await.unwrap().unwrap();
    assert_eq!(
        rt.plan.scope.as_ref().map(|(_, c)| c.as_str()),
        Some("p-north")
    );
    assert_eq!(rt.plan.parent_code.as_deref(), Some("lanu"));
    assert_eq!(without_keys(rt.to_spec()), regional);
    assert!(!rt.plan.is_public(), "internal plans are not public");
    let refusals: Vec<(PlanSpec, &str)> = vec![
        {
            let mut s = regional.clone();
            s.goals[0].names = names("Oma tavoite");
            (s, "goals.1.names")
        },
        {
            let mut s = regional.clone();
            s.goals[0].focus_areas[0].names = names("Oma painopiste");
            (s, "goals.1.focus_areas.1.names")
        },
        {
            let mut s = regional.clone();
            s.scope = Some("p-school".into());
            (s, "scope")
        },
        {
            let mut s = regional.clone();
            s.parent = None;
            (s, "parent")
        },
        {
            let mut s = regional.clone();
            s.parent = Some("nope".into());
            (s, "parent")
        },
    ];
    for (mut bad, field) in refusals {
        bad.code = "north-bad".into();
        match store.create_plan(&cli(), p, &bad).await {
            Err(StoreError::Invalid(e)) => assert_eq!(e.field, field),
            other => panic!("expected a refusal on {field}, got {other:?}"),
        }
    }
    assert_eq!(store.plans(p).await.unwrap().len(), 2);
}

async fn lifecycle_and_versions(store: Store) {
    let (p, _) = setup(&store).await;
    let v1 = store
        .create_plan(&cli(), p, &spec("p-school", "visits"))
        .await
        .unwrap();
    // Draft → in force skips the council; approval needs a date and a decision.
    let e = store
        .set_plan_status(&cli(), v1, PlanStatus::InForce, None, "")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref f) if f.field == "status"),
        "{e:?}"
    );
    let e = store
        .set_plan_status(&cli(), v1, PlanStatus::Approved, None, "KV 12.6.2022 § 45")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(ref f) if f.field == "approved_on"),
        "{e:?}"
    );
    store
        .set_plan_status(
            &cli(),
            v1,
            PlanStatus::Approved,
            Some(date!(2022 - 06 - 13)),
            "KV 13.6.2022 § 45",
        )
        .await
        .unwrap();
    store
        .set_plan_status(&cli(), v1, PlanStatus::InForce, None, "")
        .await
        .unwrap();
    let plan = store.plan_tree(v1).await.unwrap().unwrap().plan;
    assert_eq!(plan.approved_on, Some(date!(2022 - 06 - 13)));
    assert_eq!(plan.decision_ref, "KV 13.6.2022 § 45");
    assert!(plan.status.is_frozen());

    // Changing a frozen plan makes a new draft version with the same content.
    let v2 = store.new_plan_version(&cli(), v1).await.unwrap();
    let t2 = store.plan_tree(v2).await.unwrap().unwrap();
    assert_eq!(
        (t2.plan.version, t2.plan.previous_id, t2.plan.status),
        (2, Some(v1), PlanStatus::Draft)
    );
    assert_eq!(t2.goals.len(), 1);
    assert!(
        store.new_plan_version(&cli(), v2).await.is_err(),
        "a draft is changed, not versioned"
    );
    // A draft's content is replaced whole; a frozen version's never.
    let mut changed = t2.to_spec();
    changed.goals[0].focus_areas[0].names = names("Perhekeskus ja kohtaamispaikat");
    assert!(matches!(
        store.replace_draft(&cli(), v1, &changed).await,
        Err(StoreError::Conflict(_))
    ));
    store.replace_draft(&cli(), v2, &changed).await.unwrap();
    let t2 = store.plan_tree(v2).await.unwrap().unwrap();
    assert_eq!(t2.to_spec(), changed);
    assert_eq!(
        store.plan_tree(v1).await.unwrap().unwrap().goals[0].focus_areas[0]
            .names
            .fi,
        "Perhekeskustoiminta",
        "the frozen version is untouched"
    );
    store
        .set_plan_status(
            &cli(),
            v2,
            PlanStatus::Approved,
            Some(date!(2026 - 05 - 30)),
            "KV § 7",
        )
        .await
        .unwrap();
    store
        .set_plan_status(&cli(), v2, PlanStatus::InForce, None, "")
        .await
        .unwrap();
    let statuses: Vec<(i64, PlanStatus)> = store
        .plans(p)
        .await
        .unwrap()
        .iter()
        .map(|p| (p.version, p.status))
        .collect();
    assert_eq!(
        statuses,
        [(2, PlanStatus::InForce), (1, PlanStatus::Superseded)],
        "the new version supersedes the old"
    );

    // A measure's status is follow-up: logged on a frozen version too.
    let measure = t2.measures().next().unwrap().2.id;
    store
        .set_measure_status(&cli(), measure, MeasureStatus::Done, "Avattu syksyllä")
        .await
        .unwrap();
    let log = store.measure_log(measure).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].status, log[0].note.as_str()),
        (MeasureStatus::Done, "Avattu syksyllä")
    );
    let t2 = store.plan_tree(v2).await.unwrap().unwrap();
    assert_eq!(t2.measures().next().unwrap().2.status, MeasureStatus::Done);
    // Evaluations: within the plan period, rated 1–5, one per period.
    let period = |s: &str| Period::parse(s).unwrap();
    for (p, rating, field) in [("2027", 3, "period"), ("2025", 6, "rating")] {
        match store
            .set_evaluation(&cli(), measure, period(p), rating, "Arvio", &[])
            .await
        {
            Err(StoreError::Invalid(e)) => assert_eq!(e.field, field),
            other => panic!("expected a refusal on {field}, got {other:?}"),
        }
    }
    for body in ["Ensimmäinen arvio", "Korjattu arvio"] {
        store
            .set_evaluation(&cli(), measure, period("2025"), 4, body, &["visits".into()])
            .await
            .unwrap();
    }
    let m = t2.measures().next().unwrap().2.id;
    let t2 = store.plan_tree(v2).await.unwrap().unwrap();
    let (_, _, evaluated) = t2.measures().find(|(_, _, x)| x.id == m).unwrap();
    assert_eq!(evaluated.evaluations.len(), 1, "one evaluation per period");
    assert_eq!(evaluated.evaluations[0].body, "Korjattu arvio");
    assert_eq!(evaluated.evaluations[0].indicators, ["visits"]);
    assert_eq!(t2.impacts.len(), 1, "impacts carried into the new version");
    let audit = store
        .audit_entries(&AuditFilter {
            org_id: p,
            before_id: Some(i64::MAX),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let plan_entries = audit
        .iter()
        .filter(|a| a.entity == "plan" || a.entity == "plan_measure")
        .count();
    assert_eq!(
        plan_entries, 8,
        "2 creations, 1 replacement, 4 status moves, 1 measure status"
    );
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.entity == "plan_evaluation")
            .count(),
        2,
        "an evaluation and its correction"
    );
}

both_databases!(a_plan_is_written_whole, lifecycle_and_versions);
