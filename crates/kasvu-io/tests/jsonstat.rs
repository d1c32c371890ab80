//! Importing real shapes of statistics files (issue 19): Statistics
//! Finland's PxWeb `json-stat2` with a region dimension without a role and
//! one-category totals, THL's JSON-stat 1.0 bundles, dimensions mapped with
//! `--dim`, and a region found only by its categories' codes. The files in
//! `tests/data/` are written from the documented structure of real
//! answers; their region and indicator categories carry the demo's external
//! codes (`sotkanet:564` is Oulu, `sotkanet:1244` child protection
//! clients). Both databases.

use kasvu_core::Period;
use kasvu_io::jsonstat::{parse_dims, DimMapping};
use kasvu_io::values::{import_with_dims, Format};
use kasvu_io::ImportError;
use kasvu_store::{both_databases, Actor, Breakdown, Store, WriteOptions, WriteSummary};

const STATFIN: &[u8] = include_bytes!("data/statfin_maakunta.json");
const THL_BUNDLE: &[u8] = include_bytes!("data/thl_bundle.json");
const SURVEY: &[u8] = include_bytes!("data/survey_kouluaste.json");
const SERVICE_AREAS: &[u8] = include_bytes!("data/palvelualue.json");
const POPULATION: &[u8] = include_bytes!("data/statfin_11re_population.json");

async fn run(
    store: &Store,
    bytes: &[u8],
    file: &str,
    scheme: Option<&str>,
    dims: &[DimMapping],
) -> Result<WriteSummary, ImportError> {
    import_with_dims(
        store,
        &Actor::system("test"),
        bytes,
        file,
        Format::JsonStat,
        scheme,
        dims,
        WriteOptions {
            source: file.into(),
            ..Default::default()
        },
        &kasvu_io::Limits::default(),
        &mut |_, _| {},
    )
    .await
}

/// A refused import: it names the file, and nothing changed.
async fn refused(
    store: &Store,
    bytes: &[u8],
    file: &str,
    scheme: Option<&str>,
    dims: &[DimMapping],
) -> ImportError {
    let before = store.value_count().await.unwrap();
    let e = run(store, bytes, file, scheme, dims)
        .await
        .expect_err("the file is refused");
    assert_eq!(
        store.value_count().await.unwrap(),
        before,
        "{e}: nothing stored"
    );
    assert!(e.to_string().starts_with(file), "{e}");
    e
}

async fn value(store: &Store, ind: &str, unit: &str, period: &str, b: &Breakdown) -> Option<f64> {
    let i = store.indicator(ind).await.unwrap().unwrap();
    let u = store.org_unit(unit).await.unwrap().unwrap();
    store
        .observe(&i, u.id, Period::parse(period).unwrap(), b)
        .await
        .unwrap()
        .shown()
}

fn total() -> Breakdown {
    Breakdown::total()
}

/// (a) PxWeb json-stat2: `Maakunta` has no role, `Sukupuoli` and `Ikä` are
/// one-category totals, a missing year has null with status `..`.
async fn statistics_finland_pxweb(store: Store) {
    kasvu_io::demo::load(&store).await.unwrap();
    let s = run(&store, STATFIN, "statfin.json", Some("sotkanet"), &[])
        .await
        .unwrap();
    assert_eq!((s.created, s.replaced), (2, 0), "the null year is skipped");
    let clients = "child_protection_clients";
    assert_eq!(
        value(&store, clients, "oulu", "2040", &total()).await,
        Some(1180.0)
    );
    assert_eq!(value(&store, clients, "oulu", "2041", &total()).await, None);
    assert_eq!(
        value(&store, clients, "oulu", "2042", &total()).await,
        Some(1233.0)
    );
    // Again: nothing changes.
    let s = run(&store, STATFIN, "statfin.json", Some("sotkanet"), &[])
        .await
        .unwrap();
    assert_eq!(s.unchanged, 2);

    // A region Kasvu does not have is named with the dimension and category.
    let text = String::from_utf8_lossy(STATFIN)
        .replace(r#""564": 0"#, r#""MK17": 0"#)
        .replace(r#""564": "Oulu""#, r#""MK17": "Pohjois-Pohjanmaa""#)
        .replace("1180", "1181");
    let e = refused(
        &store,
        text.as_bytes(),
        "statfin.json",
        Some("sotkanet"),
        &[],
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("Maakunta"));
    assert_eq!(e.code, Some("err-category-unit"));
    assert_eq!(e.cell, Some(1));
    assert!(
        e.message
            .contains("category MK17 (Pohjois-Pohjanmaa) is no org unit under scheme 'sotkanet'"),
        "{e}"
    );
    // Without the scheme its codes are no Kasvu codes either.
    let e = refused(&store, STATFIN, "statfin.json", None, &[]).await;
    assert_eq!(e.code, Some("err-category-unit-code"), "{e}");
    // A sex category that is not a total, or a year that is no period.
    let text = String::from_utf8_lossy(STATFIN).replace("SSS\": 0}", "X\": 0}");
    let e = refused(
        &store,
        text.as_bytes(),
        "statfin.json",
        Some("sotkanet"),
        &[],
    )
    .await;
    assert_eq!(
        (e.field.as_deref(), e.code),
        (Some("Sukupuoli"), Some("err-category-sex")),
        "{e}"
    );
    let text = String::from_utf8_lossy(STATFIN).replace(r#""2042": 2"#, r#""20x2": 2"#);
    let e = refused(
        &store,
        text.as_bytes(),
        "statfin.json",
        Some("sotkanet"),
        &[],
    )
    .await;
    assert_eq!(
        (e.field.as_deref(), e.code, e.cell),
        (Some("Vuosi"), Some("err-category-period"), Some(3)),
        "{e}"
    );
    // A huge size is refused by the cell limit before anything is built.
    let text = String::from_utf8_lossy(STATFIN)
        .replace("[3, 1, 1, 1, 1]", "[3, 100000, 100000, 100000, 1]");
    let e = refused(
        &store,
        text.as_bytes(),
        "statfin.json",
        Some("sotkanet"),
        &[],
    )
    .await;
    assert!(e.message.contains("cell limit"), "{e}");
}

/// (b) A THL JSON-stat 1.0 bundle of two datasets: years as THL's own ids
/// with the year as label, values as text, roles in one and not the other.
async fn thl_bundle(store: Store) {
    kasvu_io::demo::load(&store).await.unwrap();
    let s = run(&store, THL_BUNDLE, "thl.json", Some("sotkanet"), &[])
        .await
        .unwrap();
    assert_eq!(s.created, 3, "the '..' cell is skipped");
    for (year, want) in [
        ("2043", Some(1301.0)),
        ("2044", Some(1288.0)),
        ("2045", Some(1320.0)),
        ("2046", None),
    ] {
        assert_eq!(
            value(&store, "child_protection_clients", "oulu", year, &total()).await,
            want,
            "{year}"
        );
    }
    // One dataset alone, as a plain 1.0 dataset; and marked as a bundle.
    let doc: serde_json::Value = serde_json::from_slice(THL_BUNDLE).unwrap();
    let plain = serde_json::to_vec(&doc["dataset"]).unwrap();
    let s = run(&store, &plain, "thl1.json", Some("sotkanet"), &[])
        .await
        .unwrap();
    assert_eq!((s.created, s.unchanged), (0, 2));
    let mut marked = doc.clone();
    marked["class"] = "bundle".into();
    marked["version"] = "1.0".into();
    let s = run(
        &store,
        &serde_json::to_vec(&marked).unwrap(),
        "thl.json",
        Some("sotkanet"),
        &[],
    )
    .await
    .unwrap();
    assert_eq!(s.unchanged, 3);
    // A bad cell of the second dataset names it and the dimension, and
    // counts cells across the bundle (the first has 2).
    let text = String::from_utf8_lossy(THL_BUNDLE).replace("[1320,", "[\"lots\",");
    let e = refused(&store, text.as_bytes(), "thl.json", Some("sotkanet"), &[]).await;
    assert_eq!(
        (e.cell, e.field.as_deref()),
        (Some(3), Some("value")),
        "{e}"
    );
    let text = String::from_utf8_lossy(THL_BUNDLE)
        .replace(r#""853424": "2045""#, r#""853424": "ennakko""#);
    let e = refused(&store, text.as_bytes(), "thl.json", Some("sotkanet"), &[]).await;
    assert_eq!(
        (e.cell, e.field.as_deref()),
        (Some(3), Some("dataset2/vuosi")),
        "{e}"
    );
    assert!(e.message.contains("853424 (ennakko)"), "{e}");
}

/// (c) A dimension Kasvu cannot place is refused naming it, its size and
/// the kinds; `--dim` maps it.
async fn unknown_dimension_and_dim(store: Store) {
    kasvu_io::demo::load(&store).await.unwrap();
    let e = refused(&store, SURVEY, "survey.json", None, &[]).await;
    assert_eq!(e.field.as_deref(), Some("kouluaste"));
    assert_eq!(e.code, Some("err-dimension-unmapped"));
    assert!(e.message.contains("kouluaste (2 categories)"), "{e}");
    assert!(
        e.message.contains(
            "--dim kouluaste=KIND, KIND one of orgunit|indicator|period|sex|grade|age_group"
        ),
        "{e}"
    );
    assert!(e
        .args
        .iter()
        .any(|(k, v)| *k == "options" && v.contains("age_group")));
    // Mapped to what it is not, the category is named.
    let e = refused(
        &store,
        SURVEY,
        "survey.json",
        None,
        &parse_dims("kouluaste=sex").unwrap(),
    )
    .await;
    assert_eq!(
        (e.field.as_deref(), e.code),
        (Some("kouluaste"), Some("err-category-sex"))
    );
    assert!(e.message.contains("8 (8. luokka)"), "{e}");
    // A mapping of a dimension the file lacks is refused, naming the dimensions.
    let e = refused(
        &store,
        SURVEY,
        "survey.json",
        None,
        &parse_dims("kouluaste=grade, luokka=grade").unwrap(),
    )
    .await;
    assert_eq!(e.code, Some("err-dim-unknown"));
    assert!(e.message.contains("alue, vuosi, tiedot, kouluaste"), "{e}");
    // Two dimensions made the same kind.
    let e = refused(
        &store,
        SURVEY,
        "survey.json",
        None,
        &parse_dims("kouluaste=period").unwrap(),
    )
    .await;
    assert_eq!(e.code, Some("err-dimension-twice"), "{e}");
    // Mapped as grades (in any case), it imports.
    let s = run(
        &store,
        SURVEY,
        "survey.json",
        None,
        &parse_dims("Kouluaste=grade").unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(s.created, 2);
    for (grade, want) in [(8, 140.0), (9, 150.0)] {
        let b = Breakdown {
            grade: Some(grade),
            ..Breakdown::total()
        };
        assert_eq!(
            value(&store, "shps_respondents", "keskinen", "2041", &b).await,
            Some(want)
        );
    }
    // Without an indicator dimension the file is refused saying so.
    let text = String::from_utf8_lossy(SURVEY).replace(r#""tiedot"]}"#, r#""x"]}"#);
    let no_metric = text
        .replace(
            r#"["alue", "vuosi", "tiedot", "kouluaste"]"#,
            r#"["alue", "vuosi", "mitta", "kouluaste"]"#,
        )
        .replace(r#""tiedot": {"#, r#""mitta": {"#)
        .replace(r#""shps_respondents": 0"#, r#""vastanneet": 0"#);
    let e = refused(
        &store,
        no_metric.as_bytes(),
        "survey.json",
        None,
        &parse_dims("kouluaste=grade").unwrap(),
    )
    .await;
    assert_eq!(e.code, Some("err-dimension-missing"), "{e}");
    assert!(e.message.contains("indicator"), "{e}");
}

/// (d) A region dimension of no known name, found by its categories being
/// unit codes (Kasvu's, or the scheme's); months and quarters as PxWeb
/// writes them.
async fn region_by_its_codes(store: Store) {
    kasvu_io::demo::load(&store).await.unwrap();
    let s = run(&store, SERVICE_AREAS, "areas.json", None, &[])
        .await
        .unwrap();
    assert_eq!(s.created, 4);
    let calls = "pilot_phone_calls";
    assert_eq!(
        value(&store, calls, "tuiran-perhekeskus", "204002", &total()).await,
        Some(12.0)
    );
    assert_eq!(
        value(&store, calls, "kaakkurin-perhekeskus", "204001", &total()).await,
        Some(20.0)
    );
    assert_eq!(
        value(&store, calls, "oulu", "2040Q1", &total()).await,
        Some(64.0)
    );
    // Under a scheme: one category, a code of the scheme.
    let one = br#"{"version": "2.0", "class": "dataset",
      "id": ["Tilastoalue", "Vuosi", "Tiedot"], "size": [1, 1, 1],
      "dimension": {
        "Tilastoalue": {"category": {"index": {"564": 0}, "label": {"564": "Oulu"}}},
        "Vuosi": {"category": {"index": {"2047": 0}}},
        "Tiedot": {"category": {"index": {"1244": 0}}}
      },
      "value": [1400]}"#;
    let s = run(&store, one, "one.json", Some("sotkanet"), &[])
        .await
        .unwrap();
    assert_eq!(s.created, 1);
    assert_eq!(
        value(&store, "child_protection_clients", "oulu", "2047", &total()).await,
        Some(1400.0)
    );
    // Not every code a unit: the dimension is not taken for the region.
    let text = String::from_utf8_lossy(SERVICE_AREAS)
        .replace("kaakkurin-perhekeskus\": 1", "atlantis\": 1");
    let e = refused(&store, text.as_bytes(), "areas.json", None, &[]).await;
    assert_eq!(
        (e.field.as_deref(), e.code),
        (Some("Palvelualue"), Some("err-dimension-unmapped")),
        "{e}"
    );
    // Finnish quarters.
    let quarters = r#"{"version": "2.0", "class": "dataset",
      "id": ["alue", "Neljännes", "Tiedot"], "size": [1, 2, 1],
      "dimension": {
        "alue": {"category": {"index": ["tuiran-perhekeskus"]}},
        "Neljännes": {"category": {"index": ["2040K1", "2040Q2"]}},
        "Tiedot": {"category": {"index": ["lp_discussions"]}}
      },
      "value": [7, 9]}"#;
    let s = run(&store, quarters.as_bytes(), "q.json", None, &[])
        .await
        .unwrap();
    assert_eq!(s.created, 2);
    assert_eq!(
        value(
            &store,
            "lp_discussions",
            "tuiran-perhekeskus",
            "2040Q1",
            &total()
        )
        .await,
        Some(7.0)
    );
}

/// (e) Statistics Finland's population by area, sex and age (table 11re,
/// PxWeb json-stat2): `Ikä` is the age group (`SSS` the total), and the
/// rate per 1,000 aged 0–17 divides by the imported 0–17 population.
async fn population_by_age(store: Store) {
    kasvu_io::demo::load(&store).await.unwrap();
    let s = run(&store, POPULATION, "11re.json", None, &[])
        .await
        .unwrap();
    assert_eq!(s.created, 18);
    let at = |sex: kasvu_core::Sex, age: Option<&str>| Breakdown {
        sex,
        grade: None,
        age_group: age.map(str::to_owned),
    };
    use kasvu_core::Sex;
    let population = "population";
    assert_eq!(
        value(&store, population, "keskinen", "2040", &total()).await,
        Some(75600.0)
    );
    assert_eq!(
        value(
            &store,
            population,
            "keskinen",
            "2040",
            &at(Sex::Total, Some("0-17"))
        )
        .await,
        Some(16200.0)
    );
    assert_eq!(
        value(
            &store,
            population,
            "etelainen",
            "2040",
            &at(Sex::Male, Some("0-6"))
        )
        .await,
        Some(1190.0)
    );
    // The city: the areas' sum.
    assert_eq!(
        value(
            &store,
            population,
            "oulu",
            "2040",
            &at(Sex::Total, Some("0-17"))
        )
        .await,
        Some(22500.0)
    );
    let clients = br#"{"version": "2.0", "class": "dataset",
      "id": ["Alue", "Vuosi", "Tiedot"], "size": [2, 1, 1],
      "dimension": {
        "Alue": {"category": {"index": {"keskinen": 0, "etelainen": 1}}},
        "Vuosi": {"category": {"index": {"2040": 0}}},
        "Tiedot": {"category": {"index": {"child_protection_clients": 0}}}
      },
      "value": [324, 189]}"#;
    run(&store, clients, "clients.json", None, &[])
        .await
        .unwrap();
    let rate = "child_protection_rate";
    assert_eq!(
        value(&store, rate, "keskinen", "2040", &total()).await,
        Some(20.0)
    );
    assert_eq!(
        value(&store, rate, "etelainen", "2040", &total()).await,
        Some(30.0)
    );
}

both_databases!(
    population_by_age,
    statistics_finland_pxweb,
    thl_bundle,
    unknown_dimension_and_dim,
    region_by_its_codes
);
