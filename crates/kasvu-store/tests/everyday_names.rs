//! The names families know areas and clusters by, and the places public
//! choices offer, on SQLite and PostgreSQL: current areas each with their
//! current clusters, ended ones (and those of an ended area) never.

use kasvu_core::{Level, Names, OrgCode, ValidRange};
use kasvu_store::{both_databases, Actor, AuditFilter, OrgUnitSpec, Store, StoreError};
use time::macros::date;

fn unit(code: &str, parent: Option<&str>, level: Level, valid: ValidRange) -> OrgUnitSpec {
    OrgUnitSpec {
        code: OrgCode::parse(code).unwrap(),
        parent: parent.map(|p| OrgCode::parse(p).unwrap()),
        level,
        kind: None,
        sector: None,
        names: Names::parse(&format!("{code} palvelukeskittymä"), "", "").unwrap(),
        external_codes: vec![],
        valid,
    }
}

async fn everyday_names_and_public_choices(store: Store) {
    let actor = Actor::system("test");
    let open = ValidRange::default();
    let ended = ValidRange::parse("2019-08-01", "2023-07-31").unwrap();
    let rows = vec![
        (2, unit("e", None, Level::Organisation, open)),
        (3, unit("e-keskinen", Some("e"), Level::Area, open)),
        (4, unit("e-tuira", Some("e-keskinen"), Level::Cluster, open)),
        (
            5,
            unit("e-hietasaari", Some("e-keskinen"), Level::Cluster, ended),
        ),
        (6, unit("e-old-area", Some("e"), Level::Area, ended)),
        (
            7,
            unit("e-old-cluster", Some("e-old-area"), Level::Cluster, open),
        ),
    ];
    store
        .import_org_units(&actor, &rows, false, &mut |_| {})
        .await
        .unwrap();
    let org = store.org_unit("e").await.unwrap().unwrap().org_id;
    let version = store.tree_version().await.unwrap();

    assert!(store
        .set_everyday_name(&actor, "e-tuira", "  Tuira, Toppila ")
        .await
        .unwrap());
    assert!(
        store.tree_version().await.unwrap() > version,
        "public pages read the change at once"
    );
    assert!(
        !store
            .set_everyday_name(&actor, "E-TUIRA", "Tuira, Toppila")
            .await
            .unwrap(),
        "the same name again changes nothing"
    );
    let tuira = store.org_unit("e-tuira").await.unwrap().unwrap();
    assert_eq!(tuira.everyday_name, "Tuira, Toppila");
    let audit = store
        .audit_entries(&AuditFilter {
            org_id: org,
            entity: Some("org_unit".into()),
            entity_key: Some("e-tuira".into()),
            before_id: None,
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(
        audit.iter().filter(|a| a.action == "everyday_name").count(),
        1,
        "one change, audited"
    );

    // Refused: too long, control characters, a unit that is not there.
    let long = "x".repeat(kasvu_store::MAX_EVERYDAY_NAME + 1);
    match store.set_everyday_name(&actor, "e-tuira", &long).await {
        Err(StoreError::Invalid(f)) => assert_eq!(f.field, "everyday_name"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        store
            .set_everyday_name(&actor, "e-tuira", "Tuira\u{7}")
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.set_everyday_name(&actor, "no-such", "x").await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store
            .org_unit("e-tuira")
            .await
            .unwrap()
            .unwrap()
            .everyday_name,
        "Tuira, Toppila",
        "a refusal changes nothing"
    );

    // Public choices today: Keskinen with Tuira only.
    let areas = store
        .public_areas(org, date!(2026 - 12 - 06))
        .await
        .unwrap();
    assert_eq!(areas.len(), 1, "{areas:?}");
    assert_eq!(areas[0].area.code, "e-keskinen");
    let clusters: Vec<(&str, &str)> = areas[0]
        .clusters
        .iter()
        .map(|c| (c.code.as_str(), c.everyday_name.as_str()))
        .collect();
    assert_eq!(clusters, [("e-tuira", "Tuira, Toppila")]);
    // Before the end date Hietasaari and the old area were current.
    let then = store
        .public_areas(org, date!(2023 - 07 - 31))
        .await
        .unwrap();
    let codes: Vec<&str> = then
        .iter()
        .flat_map(|a| {
            std::iter::once(a.area.code.as_str()).chain(a.clusters.iter().map(|c| c.code.as_str()))
        })
        .collect();
    assert_eq!(
        codes,
        [
            "e-keskinen",
            "e-hietasaari",
            "e-tuira",
            "e-old-area",
            "e-old-cluster"
        ]
    );

    // Clearing the name gives the unit's own name back.
    assert!(store
        .set_everyday_name(&actor, "e-tuira", "")
        .await
        .unwrap());
    assert_eq!(
        store
            .org_unit("e-tuira")
            .await
            .unwrap()
            .unwrap()
            .everyday_name,
        ""
    );
}

both_databases!(everyday_names_and_public_choices);
