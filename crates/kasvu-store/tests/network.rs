//! The network's knowledge in storage, on SQLite and PostgreSQL: hand-entered
//! collaborations and the records the map derives edges from, one-contact
//! paths, good practices, projects linked to actors and plan goals, and
//! Finnish-aware search that answers alike on both databases.

use kasvu_core::network::{edges, LinkSource};
use kasvu_core::path::StepKind;
use kasvu_core::search::{Query, SearchKind};
use kasvu_core::{Level, Names, OrgCode, Sector, UnitKind, ValidRange};
use kasvu_store::{
    both_databases, Actor, ActorSpec, GoalRef, OrgUnitSpec, PathSpec, PracticeSpec, ProjectSpec,
    StepSpec, Store, StoreError,
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
        kind: (level == Level::Unit).then_some(UnitKind::Ngo),
        sector: None,
        names: Names::parse(code, "", "").unwrap(),
        external_codes: vec![],
        valid: ValidRange::default(),
    }
}

fn entry(code: &str, name: &str, sector: Sector, offer: &str) -> ActorSpec {
    ActorSpec {
        code: code.into(),
        name: name.into(),
        sector,
        unit: String::new(),
        offer: offer.into(),
        audiences: vec![],
        themes: vec![],
        languages: vec![],
        opening_hours: String::new(),
        areas: vec!["p-tuira".into()],
        phone: String::new(),
        email: String::new(),
        website: String::new(),
        contact_person: "Maija Yksityinen".into(),
        contact_phone: String::new(),
        contact_email: String::new(),
        confirmed_on: String::new(),
    }
}

fn fi(s: &str) -> Names {
    Names {
        fi: s.into(),
        ..Default::default()
    }
}

fn step(kind: StepKind, what: &str, actor: &str) -> StepSpec {
    StepSpec {
        kind,
        what: fi(what),
        how: fi("soita"),
        actor: actor.into(),
        staff_note: "kirjaa Pegasokseen".into(),
    }
}

async fn setup(store: &Store) -> i64 {
    let rows = vec![
        (2, unit("p", None, Level::Organisation)),
        (3, unit("p-north", Some("p"), Level::Area)),
        (4, unit("p-tuira", Some("p-north"), Level::Cluster)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    let org = store.org_unit("p").await.unwrap().unwrap().org_id;
    let today = date!(2026 - 11 - 23);
    for (code, name, sector, offer) in [
        (
            "koulu",
            "Tuiran koulu",
            Sector::EducationCulture,
            "Perusopetus ja oppilashuolto",
        ),
        (
            "neuvola",
            "Tuiran perhekeskus",
            Sector::WellbeingCounty,
            "Neuvola ja perhekeskuksen palvelut",
        ),
        (
            "mll",
            "MLL Tuira",
            Sector::ThirdSector,
            "Perhekahvila perhekeskuksessa",
        ),
    ] {
        store
            .save_actor(&cli(), org, &entry(code, name, sector, offer), today)
            .await
            .unwrap();
    }
    org
}

async fn collaborations_and_records(store: Store) {
    let org = setup(&store).await;
    let id = store
        .add_collaboration(
            &cli(),
            org,
            "koulu",
            "neuvola",
            LinkSource::Referral,
            "huoli poissaoloista",
        )
        .await
        .unwrap();
    // Refusals name the field and change nothing.
    for (from, to, kind, field) in [
        ("koulu", "neuvola", LinkSource::Referral, "kind"),
        ("koulu", "koulu", LinkSource::Consultation, "to"),
        ("koulu", "nobody", LinkSource::Consultation, "to"),
        ("koulu", "mll", LinkSource::Team, "kind"),
    ] {
        match store
            .add_collaboration(&cli(), org, from, to, kind, "")
            .await
        {
            Err(StoreError::Invalid(e)) | Err(StoreError::Conflict(e)) => {
                assert_eq!(e.field, field)
            }
            other => panic!("expected a refusal for {from}->{to}, got {other:?}"),
        }
    }
    assert_eq!(store.collaborations(org).await.unwrap().len(), 1);

    // A project with two actors joins them too.
    let project = ProjectSpec {
        name: "Perhekeskushanke".into(),
        project_type: String::new(),
        portfolios: vec![],
        summary: String::new(),
        goals: String::new(),
        cost_lines: vec![],
        results: String::new(),
        benefits: String::new(),
        good_practices: String::new(),
        remarks: String::new(),
        state: Default::default(),
        start_on: String::new(),
        end_on: String::new(),
        funders: vec![],
        implementers: vec![],
        responsible: String::new(),
        manager: String::new(),
        links: vec![],
        units: vec!["p-tuira".into()],
        actors: vec!["neuvola".into(), "mll".into()],
        plan_goals: vec![],
    };
    let mut bad = project.clone();
    bad.actors.push("ghost".into());
    assert!(matches!(
        store.create_project(&cli(), org, &bad).await,
        Err(StoreError::Invalid(e)) if e.field == "actors[3]"
    ));
    let mut bad = project.clone();
    bad.plan_goals = vec![GoalRef {
        plan: "none".into(),
        goal: 1,
    }];
    assert!(matches!(
        store.create_project(&cli(), org, &bad).await,
        Err(StoreError::Invalid(e)) if e.field == "plan_goals[1].plan"
    ));
    assert!(
        store.projects(org).await.unwrap().is_empty(),
        "nothing stored"
    );
    let pid = store.create_project(&cli(), org, &project).await.unwrap();
    let p = store.project(pid).await.unwrap().unwrap();
    assert_eq!(p.actors.len(), 2);

    let records = store.network_records(org).await.unwrap();
    let e = edges(&records);
    assert_eq!(
        e.len(),
        2,
        "koulu–neuvola (referral) and neuvola–mll (project): {e:?}"
    );
    assert!(e
        .iter()
        .any(|e| e.via == [(LinkSource::Referral, "huoli poissaoloista".to_owned())]));
    assert!(e
        .iter()
        .any(|e| e.via == [(LinkSource::Project, "Perhekeskushanke".to_owned())]));

    store.remove_collaboration(&cli(), org, id).await.unwrap();
    assert!(store.collaborations(org).await.unwrap().is_empty());
    assert!(matches!(
        store.remove_collaboration(&cli(), org, id).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn paths_and_practices(store: Store) {
    let org = setup(&store).await;
    let path = PathSpec {
        code: "koulunkaynti".into(),
        need: fi("Huoli lapsen koulunkäynnistä"),
        intro: fi("Aloita arjesta."),
        area: "p-tuira".into(),
        published: false,
        steps: vec![
            step(
                StepKind::Everyday,
                "Keskustele opettajan kanssa (LP-keskustelu)",
                "koulu",
            ),
            step(StepKind::Contact, "Ota yhteys koulukuraattoriin", "neuvola"),
        ],
    };
    let mut bad = path.clone();
    bad.steps.swap(0, 1);
    assert!(matches!(
        store.save_path(&cli(), org, &bad).await,
        Err(StoreError::Invalid(e)) if e.field == "steps[1].kind"
    ));
    let mut bad = path.clone();
    bad.steps[1].actor = "ghost".into();
    assert!(matches!(
        store.save_path(&cli(), org, &bad).await,
        Err(StoreError::Invalid(e)) if e.field == "steps[2].actor"
    ));
    let mut bad = path.clone();
    bad.steps[1].what.fi = "  ".into();
    assert!(matches!(
        store.save_path(&cli(), org, &bad).await,
        Err(StoreError::Invalid(e)) if e.field == "steps[2].what.fi"
    ));
    assert!(
        store.paths(org, false).await.unwrap().is_empty(),
        "nothing stored"
    );
    store.save_path(&cli(), org, &path).await.unwrap();
    assert!(
        store.paths(org, true).await.unwrap().is_empty(),
        "not published"
    );
    let mut published = path.clone();
    published.published = true;
    store.save_path(&cli(), org, &published).await.unwrap();
    let got = store.path(org, "koulunkaynti").await.unwrap().unwrap();
    assert_eq!(got.spec, published);
    assert_eq!(store.paths(org, true).await.unwrap().len(), 1);

    let practice = PracticeSpec {
        code: "lp".into(),
        name: fi("LP-toimintamalli"),
        description: "Lapsiperheiden puheeksi ottaminen".into(),
        target_group: "Lapsiperheet".into(),
        problem: String::new(),
        how_to: String::new(),
        resources: String::new(),
        evidence: String::new(),
        in_use: "Perhekeskukset".into(),
        themes: vec!["varhainen tuki".into()],
        units: vec!["p-tuira".into()],
        projects: vec![999],
    };
    assert!(matches!(
        store.save_practice(&cli(), org, &practice).await,
        Err(StoreError::Invalid(e)) if e.field == "projects[1]"
    ));
    let mut ok = practice.clone();
    ok.projects.clear();
    store.save_practice(&cli(), org, &ok).await.unwrap();
    assert_eq!(store.practice(org, "lp").await.unwrap().unwrap().spec, ok);
}

async fn keys_of(store: &Store, hits: &[kasvu_store::SearchHit]) -> Vec<(SearchKind, String)> {
    let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
    let details = store.search_details(&ids).await.unwrap();
    hits.iter()
        .map(|h| (h.kind, details[&h.id].key.clone()))
        .collect()
}

async fn finnish_search(store: Store) {
    let org = setup(&store).await;
    store
        .save_path(
            &cli(),
            org,
            &PathSpec {
                code: "kriisi".into(),
                need: fi("Perhe kriisissä"),
                intro: fi("Perhekeskukset auttavat."),
                area: String::new(),
                published: false,
                steps: vec![
                    step(StepKind::Everyday, "Puhu neuvolassa", ""),
                    step(StepKind::Urgent, "Sosiaalipäivystys", ""),
                ],
            },
        )
        .await
        .unwrap();
    // Every form of "perhekeskus" finds the same entries: the family centre
    // (title), MLL and the unpublished path (text) — the path only for staff.
    let mut results = Vec::new();
    for form in [
        "perhekeskus",
        "perhekeskukset",
        "perhekeskuksen",
        "PERHEKESKUKSESSA",
    ] {
        let hits = store.search(org, &Query::parse(form), true).await.unwrap();
        results.push(keys_of(&store, &hits).await);
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]), "{results:?}");
    assert_eq!(
        results[0],
        [
            (SearchKind::Actor, "neuvola".to_owned()),
            (SearchKind::Actor, "mll".to_owned()),
            (SearchKind::Path, "kriisi".to_owned()),
        ],
        "title match first"
    );
    let public = store
        .search(org, &Query::parse("perhekeskus"), false)
        .await
        .unwrap();
    assert_eq!(public.len(), 2, "an unpublished path is not public");
    // All words must match; the private contact person is never indexed.
    let hits = store
        .search(org, &Query::parse("perhekahvila perhekeskus"), true)
        .await
        .unwrap();
    assert_eq!(
        keys_of(&store, &hits).await,
        [(SearchKind::Actor, "mll".to_owned())]
    );
    assert!(store
        .search(org, &Query::parse("Yksityinen"), true)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .search(org, &Query::parse(""), true)
        .await
        .unwrap()
        .is_empty());
    // Quotes and operators are words, not syntax.
    assert!(store
        .search(org, &Query::parse("\" OR * perhe-) AND"), true)
        .await
        .is_ok());
    let hit = &hits[0];
    assert_eq!(
        (hit.sector.as_str(), hit.areas.clone()),
        ("third_sector", vec!["p-tuira".to_owned()])
    );
    let details = store.search_details(&[hit.id]).await.unwrap();
    assert!(details[&hit.id].body.contains("Perhekahvila"));
    assert_eq!(details[&hit.id].title.fi, "MLL Tuira");
    // A rebuild gives the same answers.
    let before = keys_of(
        &store,
        &store
            .search(org, &Query::parse("perhekeskus"), true)
            .await
            .unwrap(),
    )
    .await;
    let n = store.reindex_search().await.unwrap();
    assert!(n >= 4, "{n}");
    assert_eq!(store.search_size().await.unwrap() as usize, n);
    let after = keys_of(
        &store,
        &store
            .search(org, &Query::parse("perhekeskus"), true)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(before, after);
}

both_databases!(
    collaborations_and_records,
    paths_and_practices,
    finnish_search
);
