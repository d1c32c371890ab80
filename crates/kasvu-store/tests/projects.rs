//! The project database in storage, on SQLite and PostgreSQL: seed 004's
//! record written whole and read back with its percentages computed, and
//! inconsistent figures refused with the field named and nothing stored.

use kasvu_core::project::{total, ProjectState};
use kasvu_core::{Level, Names, OrgCode, ValidRange};
use kasvu_store::{
    both_databases, Actor, CostLineSpec, LinkSpec, OrgUnitSpec, ProjectSpec, Store, StoreError,
};
use time::macros::date;

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

fn line(name: &str, orig: &str, real: &str, fund: &str, ext: &str) -> CostLineSpec {
    CostLineSpec {
        name: name.into(),
        original_budget: orig.into(),
        realised_costs: real.into(),
        funding: fund.into(),
        external_funding: ext.into(),
    }
}

fn seed_004() -> ProjectSpec {
    ProjectSpec {
        name: "Pohjois-Suomen Lasten Kaste, Oulun seutukaari-osahanke ja koordinaatio".into(),
        project_type: "Oulun kaupungin hanke".into(),
        portfolios: vec![
            "KONSTI Elämänhallinta- ja hyvinvointiohjelma 2010-2013".into(),
            "Hyvinvointisalkku 2014-2020".into(),
        ],
        summary: "Oulun kaupungin koordinoima hanke".into(),
        goals: "Perhekeskustoiminnan kehittäminen".into(),
        cost_lines: vec![
            line("Oukan osahanke", "536 666", "521 264", "521 264", "390 948"),
            line(
                "Koordinaatio (koko hanke)",
                "243 188",
                "243 792",
                "243 792",
                "182 844",
            ),
        ],
        results: "Uudet rakenteet".into(),
        benefits: "Verkostomainen työ juurtui".into(),
        good_practices: "Yhteinen tietovaranto alueellisista toimijoista".into(),
        remarks: "Lähtökohta oli oikea".into(),
        state: ProjectState::Ended,
        start_on: "2014-02-01".into(),
        end_on: "2016-10-31".into(),
        funders: vec![
            "Oulun kaupunki".into(),
            "Muut kunnat".into(),
            "STM Kaste-ohjelma".into(),
        ],
        implementers: vec![
            "Sivistys- ja kulttuuripalvelut".into(),
            "Hyvinvointipalvelut".into(),
        ],
        responsible: "Arto Willman".into(),
        manager: "Juhani Jarva".into(),
        links: vec![LinkSpec {
            title: "Innokylä".into(),
            url: "https://www.innokyla.fi/".into(),
        }],
        actors: vec![],
        plan_goals: vec![],
        units: vec!["p-kaakkuri".into()],
    }
}

fn refused_field(r: Result<i64, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(e)) => e.field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn a_project_is_written_whole(store: Store) {
    let rows = vec![
        (2, unit("p", None, Level::Organisation)),
        (3, unit("p-south", Some("p"), Level::Area)),
        (4, unit("p-kaakkuri", Some("p-south"), Level::Cluster)),
        (5, unit("q", None, Level::Organisation)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    let org = store.org_unit("p").await.unwrap().unwrap().org_id;
    let q = store.org_unit("q").await.unwrap().unwrap().org_id;

    let id = store
        .create_project(&cli(), org, &seed_004())
        .await
        .unwrap();
    let p = store.project(id).await.unwrap().unwrap();
    assert_eq!(p.portfolios.len(), 2);
    assert_eq!(
        p.funders,
        ["Oulun kaupunki", "Muut kunnat", "STM Kaste-ohjelma"]
    );
    assert_eq!(p.start_on, Some(date!(2014 - 02 - 01)));
    assert_eq!(p.units, vec![(p.units[0].0, "p-kaakkuri".to_owned())]);
    // The figures exactly as the seed gives them, the percentages computed.
    assert_eq!(p.cost_lines[0].realised_costs, 52_126_400);
    assert_eq!(p.cost_lines[1].original_budget, 24_318_800);
    assert!((p.cost_lines[0].realised_percent().unwrap() - 97.13).abs() < 0.005);
    assert!((p.cost_lines[1].external_percent().unwrap() - 75.0).abs() < 0.005);
    assert_eq!(total(&p.cost_lines).realised_costs, 76_505_600);
    assert!(p.active_in(2015) && !p.active_in(2017));

    // Inconsistent figures and other bad input: refused, field named, nothing stored.
    let mut bad = seed_004();
    bad.cost_lines[1].external_funding = "243 793".into();
    assert_eq!(
        refused_field(store.create_project(&cli(), org, &bad).await),
        "cost_lines[2].external_funding"
    );
    let mut bad = seed_004();
    bad.cost_lines[0].realised_costs = "-1".into();
    assert_eq!(
        refused_field(store.create_project(&cli(), org, &bad).await),
        "cost_lines[1].realised_costs"
    );
    let mut bad = seed_004();
    bad.end_on = "2013-12-31".into();
    assert_eq!(
        refused_field(store.create_project(&cli(), org, &bad).await),
        "end_on"
    );
    let mut bad = seed_004();
    bad.links[0].url = "javascript:alert(1)".into();
    assert_eq!(
        refused_field(store.create_project(&cli(), org, &bad).await),
        "links[1].url"
    );
    assert_eq!(
        refused_field(store.create_project(&cli(), q, &seed_004()).await),
        "units[1]",
        "another organisation's unit"
    );
    assert_eq!(store.projects(org).await.unwrap().len(), 1);
    assert!(store.projects(q).await.unwrap().is_empty());
}

both_databases!(a_project_is_written_whole);
