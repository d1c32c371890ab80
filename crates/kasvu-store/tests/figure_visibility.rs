//! Who may read an organisation's figures: public unless its admin made an
//! indicator signed-in only; the choice is per organisation and indicator,
//! audited, and refused for what is not an organisation. Both databases.

use kasvu_core::{Aggregation, Cadence, IndicatorSpec, Level, Names, OrgCode, ValidRange};
use kasvu_store::{both_databases, Actor, AuditFilter, OrgUnitSpec, Store, StoreError};
use std::collections::HashSet;

fn cli() -> Actor {
    Actor::system("test")
}

fn unit(code: &str, parent: Option<&str>, level: Level) -> OrgUnitSpec {
    OrgUnitSpec {
        code: OrgCode::parse(code).unwrap(),
        parent: parent.map(|p| OrgCode::parse(p).unwrap()),
        level,
        kind: None,
        sector: None,
        names: Names::parse(code, "", "").unwrap(),
        external_codes: vec![],
        valid: ValidRange::default(),
    }
}

/// Two organisations (one with an area) and two indicators: (org ids, area
/// id, indicator ids).
async fn setup(store: &Store) -> ((i64, i64), i64, (i64, i64)) {
    let rows = vec![
        (2, unit("north", None, Level::Organisation)),
        (3, unit("north-area", Some("north"), Level::Area)),
        (4, unit("south", None, Level::Organisation)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    let inds = vec![
        (
            2,
            IndicatorSpec::plain("calls", "calls", Cadence::Monthly, Aggregation::Sum),
        ),
        (
            3,
            IndicatorSpec::plain("clients", "clients", Cadence::Yearly, Aggregation::Sum),
        ),
    ];
    store.import_indicators(&cli(), &inds, false).await.unwrap();
    let id = |c: &'static str| async move { store.org_unit(c).await.unwrap().unwrap().id };
    let ind = |c: &'static str| async move { store.indicator(c).await.unwrap().unwrap().id };
    (
        (id("north").await, id("south").await),
        id("north-area").await,
        (ind("calls").await, ind("clients").await),
    )
}

async fn public_until_made_signed_in_only(store: Store) {
    let ((north, south), area, (calls, clients)) = setup(&store).await;
    assert!(store.figures_public(north, calls).await.unwrap());
    assert!(store
        .signed_in_only_indicators(north)
        .await
        .unwrap()
        .is_empty());

    assert!(store
        .set_figure_visibility(&cli(), north, calls, true)
        .await
        .unwrap());
    assert!(!store.figures_public(north, calls).await.unwrap());
    // Per indicator and per organisation.
    assert!(store.figures_public(north, clients).await.unwrap());
    assert!(store.figures_public(south, calls).await.unwrap());
    assert_eq!(
        store.signed_in_only_indicators(north).await.unwrap(),
        HashSet::from([calls])
    );
    // Setting it again changes nothing and is not audited again.
    assert!(!store
        .set_figure_visibility(&cli(), north, calls, true)
        .await
        .unwrap());
    let audit = store
        .audit_entries(&AuditFilter {
            org_id: north,
            entity: Some("figure_visibility".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].entity_key, "calls");
    assert_eq!(
        audit[0].new_value,
        Some(serde_json::json!({"signed_in_only": true}))
    );

    // Public again: no row left.
    assert!(store
        .set_figure_visibility(&cli(), north, calls, false)
        .await
        .unwrap());
    assert!(store.figures_public(north, calls).await.unwrap());

    // The whole choice at once.
    let n = store
        .set_signed_in_only_indicators(&cli(), south, &HashSet::from([calls, clients]))
        .await
        .unwrap();
    assert_eq!(n, 2);
    let n = store
        .set_signed_in_only_indicators(&cli(), south, &HashSet::from([clients]))
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        store.signed_in_only_indicators(south).await.unwrap(),
        HashSet::from([clients])
    );
    assert!(store.figures_public(north, clients).await.unwrap());

    // Only an organisation's root, and only indicators that exist.
    assert!(matches!(
        store.set_figure_visibility(&cli(), area, calls, true).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .set_figure_visibility(&cli(), north, calls + clients + 100, true)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .set_signed_in_only_indicators(&cli(), north, &HashSet::from([calls + clients + 100]))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.figures_public(north, calls).await.unwrap());
}

both_databases!(public_until_made_signed_in_only);
