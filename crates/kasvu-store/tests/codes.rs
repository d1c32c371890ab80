//! Codes as people write them (issue 19, part 6), on SQLite and PostgreSQL:
//! org-unit, indicator and actor codes are stored as written, found without
//! regard to case, and never differ from another code by case alone.

use kasvu_core::{
    Aggregation, Cadence, IndicatorSpec, Level, Names, OrgCode, Sector, UnitKind, ValidRange,
};
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
        kind: (level == Level::Unit).then_some(UnitKind::School),
        sector: None,
        names: Names::parse("Nimi", "", "").unwrap(),
        external_codes: vec![],
        valid: ValidRange::default(),
    }
}

fn row_error(e: StoreError) -> (usize, String, &'static str) {
    match e {
        StoreError::Row { row, error } => (row, error.field, error.problem.code),
        other => panic!("not a row error: {other:?}"),
    }
}

async fn org_unit_codes_match_without_case(store: Store) {
    let tree = vec![
        (2, unit("Oulu", None, Level::Organisation)),
        (3, unit("TK-P", Some("OULU"), Level::Area)),
        (4, unit("koulu", Some("tk-p"), Level::Unit)),
    ];
    let s = store
        .import_org_units(&cli(), &tree, false, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(s.created, 3);
    let tkp = store.org_unit(" tk-p ").await.unwrap().unwrap();
    assert_eq!(tkp.code, "TK-P", "stored as written");
    assert_eq!(tkp.parent_code.as_deref(), Some("Oulu"));
    let koulu = store.org_unit("KOULU").await.unwrap().unwrap();
    assert_eq!(koulu.parent_code.as_deref(), Some("TK-P"));

    // The same tree in other capitals is the same tree: nothing changes,
    // and the codes keep the spelling they were created with.
    let again = vec![
        (2, unit("oulu", None, Level::Organisation)),
        (3, unit("tk-p", Some("oulu"), Level::Area)),
        (4, unit("Koulu", Some("Tk-P"), Level::Unit)),
    ];
    let s = store
        .import_org_units(&cli(), &again, false, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (0, 0, 3));
    assert_eq!(store.org_unit("tk-p").await.unwrap().unwrap().code, "TK-P");

    // A new unit `Tk-p` beside `tk-p` in one file is refused, naming the row.
    let twice = vec![
        (2, unit("uusi", Some("oulu"), Level::Area)),
        (3, unit("Uusi", Some("oulu"), Level::Area)),
    ];
    let e = store
        .import_org_units(&cli(), &twice, false, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(row_error(e), (3, "code".to_owned(), "err-code-twice"));
    assert!(
        store.org_unit("uusi").await.unwrap().is_none(),
        "all or nothing"
    );

    // Created one at a time (the form, the API), the database refuses it.
    match store
        .create_org_unit(&cli(), &unit("Tk-p", Some("oulu"), Level::Area))
        .await
    {
        Err(StoreError::Conflict(e)) => {
            assert_eq!(
                (e.field.as_str(), e.problem.code),
                ("code", "err-code-taken")
            )
        }
        other => panic!("not refused: {other:?}"),
    }
    assert_eq!(store.org_units(tkp.org_id).await.unwrap().len(), 3);
}

async fn indicator_codes_match_without_case(store: Store) {
    let plain = |code: &str| IndicatorSpec::plain(code, "Nimi", Cadence::Yearly, Aggregation::Sum);
    let mut ratio = IndicatorSpec::plain("Lonely", "Osuus", Cadence::Yearly, Aggregation::Ratio);
    ratio.numerator = Some("LONELY_N".into());
    ratio.denominator = Some("pupils".into());
    ratio.factor = Some(100.0);
    ratio.not_above = Some("Pupils".into());
    let rows = vec![
        (2, plain("PUPILS")),
        (3, plain("lonely_n")),
        (4, ratio.clone()),
    ];
    let s = store.import_indicators(&cli(), &rows, false).await.unwrap();
    assert_eq!(s.created, 3);
    let lonely = store.indicator("LONELY").await.unwrap().unwrap();
    assert_eq!(lonely.spec.code, "Lonely");
    assert_eq!(lonely.spec.numerator.as_deref(), Some("lonely_n"));
    assert_eq!(lonely.spec.denominator.as_deref(), Some("PUPILS"));
    assert_eq!(lonely.spec.not_above.as_deref(), Some("PUPILS"));

    // Other capitals: the same indicators, unchanged, their codes kept.
    let mut ratio2 = ratio.clone();
    ratio2.code = "lonely".into();
    ratio2.numerator = Some("Lonely_N".into());
    let mut pupils = plain("pupils");
    pupils.names.fi = "Oppilaat".into();
    let rows = vec![(2, pupils), (3, plain("LONELY_N")), (4, ratio2)];
    let s = store.import_indicators(&cli(), &rows, false).await.unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (0, 1, 2));
    let pupils = store.indicator("pupils").await.unwrap().unwrap();
    assert_eq!(
        (pupils.spec.code.as_str(), pupils.spec.names.fi.as_str()),
        ("PUPILS", "Oppilaat")
    );
    assert_eq!(store.indicators().await.unwrap().len(), 3);

    // Two rows of one code in different capitals are refused.
    let rows = vec![(2, plain("staff")), (3, plain("Staff"))];
    let e = store
        .import_indicators(&cli(), &rows, false)
        .await
        .unwrap_err();
    assert_eq!(row_error(e), (3, "code".to_owned(), "err-code-twice"));

    // A reference that is no code in any capitals is still refused.
    let mut bad = ratio;
    bad.denominator = Some("pupil".into());
    let e = store
        .import_indicators(&cli(), &[(2, bad)], false)
        .await
        .unwrap_err();
    assert_eq!(
        row_error(e),
        (2, "denominator".to_owned(), "err-indicator-missing")
    );
}

async fn actor_codes_match_without_case(store: Store) {
    let tree = vec![
        (2, unit("p", None, Level::Organisation)),
        (3, unit("P-North", Some("p"), Level::Area)),
    ];
    store
        .import_org_units(&cli(), &tree, false, &mut |_| {})
        .await
        .unwrap();
    let org = store.org_unit("P").await.unwrap().unwrap().org_id;
    let entry = |code: &str, name: &str, area: &str| ActorSpec {
        code: code.into(),
        name: name.into(),
        sector: Sector::ThirdSector,
        unit: String::new(),
        offer: String::new(),
        audiences: vec![],
        themes: vec![],
        languages: vec![],
        opening_hours: String::new(),
        areas: vec![area.into()],
        phone: String::new(),
        email: String::new(),
        website: String::new(),
        contact_person: String::new(),
        contact_phone: String::new(),
        contact_email: String::new(),
        confirmed_on: String::new(),
    };
    let today = date!(2026 - 11 - 23);
    let s = store
        .import_actors(
            &cli(),
            org,
            &[(2, entry("MLL-Tuira", "MLL", "p-north"))],
            today,
        )
        .await
        .unwrap();
    assert_eq!(s.created, 1);
    let s = store
        .import_actors(
            &cli(),
            org,
            &[(2, entry("mll-tuira", "MLL ry", "P-NORTH"))],
            today,
        )
        .await
        .unwrap();
    assert_eq!((s.created, s.updated), (0, 1), "the same entry");
    let all = store.actors(org).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        (all[0].spec.code.as_str(), all[0].spec.name.as_str()),
        ("MLL-Tuira", "MLL ry")
    );
    assert_eq!(all[0].spec.areas, ["P-North"]);
    assert!(store.actor_entry(org, "mll-TUIRA").await.unwrap().is_some());
}

both_databases!(
    org_unit_codes_match_without_case,
    indicator_codes_match_without_case,
    actor_codes_match_without_case,
);
