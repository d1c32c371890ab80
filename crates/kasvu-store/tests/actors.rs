//! The register of regional actors in storage, on SQLite and PostgreSQL:
//! entries written and replaced by code, a file imported all-or-nothing with
//! the row and field named, review by age, and proposals that change nothing
//! until approved.

use kasvu_core::actor::{review_due, Audience};
use kasvu_core::{Level, Names, OrgCode, Sector, UnitKind, ValidRange};
use kasvu_store::{both_databases, Actor, ActorSpec, OrgUnitSpec, Store, StoreError};
use time::macros::date;

fn cli() -> Actor {
    Actor::system("test")
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

fn mll(confirmed: &str) -> ActorSpec {
    ActorSpec {
        code: "mll-tuira".into(),
        name: "MLL:n Tuiran paikallisyhdistys".into(),
        sector: Sector::ThirdSector,
        unit: "p-mll".into(),
        offer: "Perhekahvila ja lastenhoitoapu".into(),
        audiences: vec![Audience::Families, Audience::UnderSchool],
        themes: vec!["perhekahvila".into(), "vertaistuki".into()],
        languages: vec!["fi".into(), "en".into()],
        opening_hours: "ti 9–12".into(),
        areas: vec!["p-tuira".into()],
        phone: "+358 40 000 0000".into(),
        email: "tuira@mll.example".into(),
        website: "https://tuira.mll.example".into(),
        contact_person: "Maija Meikäläinen".into(),
        contact_phone: "040 111 2222".into(),
        contact_email: "maija@mll.example".into(),
        confirmed_on: confirmed.into(),
    }
}

async fn the_register(store: Store) {
    let rows = vec![
        (2, unit("p", None, Level::Organisation)),
        (3, unit("p-north", Some("p"), Level::Area)),
        (4, unit("p-tuira", Some("p-north"), Level::Cluster)),
        (5, unit("p-mll", Some("p-tuira"), Level::Unit)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    let org = store.org_unit("p").await.unwrap().unwrap().org_id;
    let today = date!(2026 - 11 - 23);
    let id = store
        .save_actor(&cli(), org, &mll("2025-06-01"), today)
        .await
        .unwrap();
    let e = store.actor_entry(org, "mll-tuira").await.unwrap().unwrap();
    assert_eq!(e.id, id);
    assert_eq!(e.spec.areas, ["p-tuira"]);
    assert_eq!(
        e.spec.audiences,
        [Audience::Families, Audience::UnderSchool]
    );
    assert!(
        review_due(e.confirmed_on, today, 365),
        "confirmed over a year ago"
    );
    store.confirm_actor(&cli(), id, today).await.unwrap();
    let e = store.actor_entry(org, "mll-tuira").await.unwrap().unwrap();
    assert!(!review_due(e.confirmed_on, today, 365));

    // A file: all rows or none; a bad row is named with its field.
    let mut second = mll("");
    second.code = "seurakunta-tuira".into();
    second.name = "Tuiran seurakunta".into();
    second.unit = String::new();
    let mut bad = second.clone();
    bad.code = "kela".into();
    bad.website = "kela.fi".into();
    match store
        .import_actors(&cli(), org, &[(2, second.clone()), (3, bad)], today)
        .await
    {
        Err(StoreError::Row { row, error }) => {
            assert_eq!((row, error.field.as_str()), (3, "website"))
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(store.actors(org).await.unwrap().len(), 1, "nothing stored");
    let s = store
        .import_actors(&cli(), org, &[(2, second), (3, mll(""))], today)
        .await
        .unwrap();
    assert_eq!((s.created, s.updated), (1, 1));
    let mut future = mll("2027-01-01");
    future.code = "x".into();
    assert!(
        matches!(store.save_actor(&cli(), org, &future, today).await, Err(StoreError::Invalid(e)) if e.field == "confirmed_on")
    );

    // A proposal changes nothing until approved; a decision is made once.
    let mut proposed = mll("");
    proposed.opening_hours = "ti ja to 9–12".into();
    let pid = store
        .propose_actor_update(&cli(), id, &proposed, today)
        .await
        .unwrap();
    let e = store.actor_entry(org, "mll-tuira").await.unwrap().unwrap();
    assert_eq!(e.spec.opening_hours, "ti 9–12", "not before approval");
    assert_eq!(store.pending_proposals(id).await.unwrap().len(), 1);
    store
        .decide_proposal(&cli(), pid, true, today)
        .await
        .unwrap();
    let e = store.actor_entry(org, "mll-tuira").await.unwrap().unwrap();
    assert_eq!(e.spec.opening_hours, "ti ja to 9–12");
    assert!(matches!(
        store.decide_proposal(&cli(), pid, false, today).await,
        Err(StoreError::Conflict(_))
    ));
    let pid = store
        .propose_actor_update(&cli(), id, &mll(""), today)
        .await
        .unwrap();
    store
        .decide_proposal(&cli(), pid, false, today)
        .await
        .unwrap();
    let e = store.actor_entry(org, "mll-tuira").await.unwrap().unwrap();
    assert_eq!(
        e.spec.opening_hours, "ti ja to 9–12",
        "a rejected proposal changes nothing"
    );
    assert!(store.pending_proposals(id).await.unwrap().is_empty());
}

both_databases!(the_register);
