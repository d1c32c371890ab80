//! Importing values in every format, good files and bad ones; a bad file
//! names its row or cell and field and leaves the database unchanged. Both
//! databases.

use kasvu_core::Period;
use kasvu_io::values::{import, Format};
use kasvu_io::ImportError;
use kasvu_store::{both_databases, Actor, Breakdown, Store, WriteOptions, WriteSummary};

const FAMILY_CENTRES: [&str; 4] = [
    "tuiran-perhekeskus",
    "haukiputaan-perhekeskus",
    "hiukkavaaran-perhekeskus",
    "kaakkurin-perhekeskus",
];

async fn run(
    store: &Store,
    bytes: &[u8],
    file: &str,
    format: Format,
) -> Result<WriteSummary, ImportError> {
    run_scheme(store, bytes, file, format, None).await
}

async fn run_scheme(
    store: &Store,
    bytes: &[u8],
    file: &str,
    format: Format,
    scheme: Option<&str>,
) -> Result<WriteSummary, ImportError> {
    let mut seen = 0;
    let r = import(
        store,
        &Actor::system("test"),
        bytes,
        file,
        format,
        scheme,
        WriteOptions {
            source: file.into(),
            ..Default::default()
        },
        &kasvu_io::Limits::default(),
        &mut |done, _| seen = done,
    )
    .await;
    if r.is_ok() {
        assert!(seen > 0, "progress was reported");
    }
    r
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

/// Runs a bad import and checks what it names and that nothing changed.
async fn refused(store: &Store, bytes: &[u8], file: &str, format: Format) -> ImportError {
    let before = store.value_count().await.unwrap();
    let e = run(store, bytes, file, format)
        .await
        .expect_err("a bad file is refused");
    assert_eq!(
        store.value_count().await.unwrap(),
        before,
        "{e}: nothing stored"
    );
    assert!(e.to_string().starts_with(file), "{e}");
    e
}

async fn csv_and_xlsx(store: Store) {
    kasvu_io::demo::load(&store).await.unwrap();
    let base = value(
        &store,
        "pilot_phone_calls",
        "oulu",
        "2030",
        &Breakdown::total(),
    )
    .await;
    assert_eq!(base, None);
    let text = "\u{feff}indicator;orgunit;period;value\n\
                pilot_phone_calls;tuiran-perhekeskus;203001;120\n\
                pilot_phone_calls;kaakkurin-perhekeskus;203002;80\n";
    let s = run(&store, text.as_bytes(), "calls.csv", Format::Csv)
        .await
        .unwrap();
    assert_eq!(s.created, 2);
    assert_eq!(
        value(
            &store,
            "pilot_phone_calls",
            "oulu",
            "2030",
            &Breakdown::total()
        )
        .await,
        Some(200.0)
    );
    // The same file again changes nothing; a changed value replaces the old one.
    let s = run(&store, text.as_bytes(), "calls.csv", Format::Csv)
        .await
        .unwrap();
    assert_eq!((s.created, s.replaced, s.unchanged), (0, 0, 2));
    let changed = text.replace(";120", ";100");
    let s = run(&store, changed.as_bytes(), "calls.csv", Format::Csv)
        .await
        .unwrap();
    assert_eq!(s.replaced, 1);
    assert_eq!(
        value(
            &store,
            "pilot_phone_calls",
            "oulu",
            "2030Q1",
            &Breakdown::total()
        )
        .await,
        Some(180.0)
    );

    let e = refused(&store, b"indicator,orgunit,period,value\npilot_phone_calls,tuiran-perhekeskus,203003,12\npilot_phone_calls,tuiran-perhekeskus,203004,lots\n", "bad.csv", Format::Csv).await;
    assert_eq!((e.row, e.field.as_deref()), (Some(3), Some("value")));
    let e = refused(
        &store,
        b"indicator,orgunit,period,value\npilot_phone_calls,atlantis,203003,12\n",
        "bad.csv",
        Format::Csv,
    )
    .await;
    assert_eq!(
        (e.row, e.field.as_deref(), e.code),
        (Some(2), Some("orgunit"), Some("err-unit-missing"))
    );
    let e = refused(
        &store,
        b"indicator,orgunit,period,value\npilot_phone_calls,tuiran-perhekeskus,2030-03,12\n",
        "bad.csv",
        Format::Csv,
    )
    .await;
    assert_eq!((e.row, e.field.as_deref()), (Some(2), Some("period")));
    let e = refused(
        &store,
        b"indicator,orgunit,value\npilot_phone_calls,tuiran-perhekeskus,12\n",
        "bad.csv",
        Format::Csv,
    )
    .await;
    assert_eq!((e.row, e.field.as_deref()), (Some(1), Some("period")));
    let e = refused(
        &store,
        b"indicator,orgunit,period,value\npilot_phone_calls,tuiran-perhekeskus,203003\n",
        "bad.csv",
        Format::Csv,
    )
    .await;
    assert_eq!(e.row, Some(2), "a short row");
    // A bad row after many good ones (past the first batch) still stores nothing.
    let mut big = String::from("indicator,orgunit,period,value\n");
    for unit in FAMILY_CENTRES {
        for y in 2060..2200 {
            for m in 1..=12 {
                big.push_str(&format!("pilot_phone_calls,{unit},{y}{m:02},5\n"));
            }
        }
    }
    big.push_str("pilot_phone_calls,tuiran-perhekeskus,203012,x\n");
    let e = refused(&store, big.as_bytes(), "big.csv", Format::Csv).await;
    assert_eq!(e.row, Some(4 * 140 * 12 + 2));

    // XLSX in the same long format.
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet();
    let ws = wb.worksheet_from_index(0).unwrap();
    for (c, h) in ["indicator", "orgunit", "period", "value", "sex"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "child_protection_clients").unwrap();
    ws.write_string(1, 1, "keskinen").unwrap();
    ws.write_number(1, 2, 2030.0).unwrap();
    ws.write_number(1, 3, 321.0).unwrap();
    let good = wb.save_to_buffer().unwrap();
    let ws = wb.worksheet_from_index(0).unwrap();
    let s = run(&store, &good, "values.xlsx", Format::Xlsx)
        .await
        .unwrap();
    assert_eq!(s.created, 1);
    assert_eq!(
        value(
            &store,
            "child_protection_clients",
            "keskinen",
            "2030",
            &Breakdown::total()
        )
        .await,
        Some(321.0)
    );
    ws.write_string(2, 0, "child_protection_clients").unwrap();
    ws.write_string(2, 1, "pohjoinen").unwrap();
    ws.write_number(2, 2, 2030.0).unwrap();
    ws.write_string(2, 3, "n/a").unwrap();
    let bad = wb.save_to_buffer().unwrap();
    let e = refused(&store, &bad, "values.xlsx", Format::Xlsx).await;
    assert_eq!((e.row, e.field.as_deref()), (Some(3), Some("value")));
    let e = refused(&store, b"not a workbook", "values.xlsx", Format::Xlsx).await;
    assert_eq!(e.row, None);
}

async fn sotkanet_and_jsonstat(store: Store) {
    kasvu_io::demo::load(&store).await.unwrap();
    let good = br#"[
        {"indicator": 1244, "region": 564, "year": 2031, "gender": "total", "value": 1210, "absValue": 1210},
        {"indicator": 1244, "region": 564, "year": 2030, "gender": "total", "value": null}
    ]"#;
    let s = run(&store, good, "sotkanet.json", Format::Sotkanet)
        .await
        .unwrap();
    assert_eq!(s.created, 1, "null values are skipped");
    assert_eq!(
        value(
            &store,
            "child_protection_clients",
            "oulu",
            "2031",
            &Breakdown::total()
        )
        .await,
        Some(1210.0)
    );
    let e = refused(
        &store,
        br#"[{"indicator": 1244, "region": 999, "year": 2032, "gender": "total", "value": 5}]"#,
        "s.json",
        Format::Sotkanet,
    )
    .await;
    assert_eq!((e.row, e.field.as_deref()), (Some(1), Some("region")));
    let e = refused(
        &store,
        br#"[{"indicator": 1244, "region": 564, "year": "last", "gender": "total", "value": 5}]"#,
        "s.json",
        Format::Sotkanet,
    )
    .await;
    assert_eq!(e.field.as_deref(), Some("year"));
    let e = refused(&store, br#"{"indicator": 1}"#, "s.json", Format::Sotkanet).await;
    assert_eq!(e.row, None, "wrong shape");

    // JSON-stat 2.0 with roles, a sparse value object and a status.
    let ds = br#"{
      "version": "2.0", "class": "dataset",
      "id": ["alue", "vuosi", "mittari", "sukupuoli"], "size": [2, 2, 1, 1],
      "role": {"time": ["vuosi"], "geo": ["alue"], "metric": ["mittari"]},
      "dimension": {
        "alue": {"category": {"index": {"keskinen": 0, "etelainen": 1}}},
        "vuosi": {"category": {"index": ["2032", "2033"]}},
        "mittari": {"category": {"index": {"specialised_care_clients": 0}}},
        "sukupuoli": {"category": {"index": {"SSS": 0}, "label": {"SSS": "Yhteensa"}}}
      },
      "value": {"0": 40, "1": 44, "3": 51},
      "status": {"2": ".."}
    }"#;
    let s = run(&store, ds, "thl.json", Format::JsonStat).await.unwrap();
    assert_eq!(s.created, 3);
    assert_eq!(
        value(
            &store,
            "specialised_care_clients",
            "etelainen",
            "2033",
            &Breakdown::total()
        )
        .await,
        Some(51.0)
    );
    // Array values, matched through external codes with --scheme.
    let px = br#"{
      "version": "2.0", "class": "dataset", "id": ["Alue", "Tiedot", "Vuosi"], "size": [1, 1, 2],
      "dimension": {
        "Alue": {"category": {"index": {"564": 0}}},
        "Tiedot": {"category": {"index": {"1244": 0}}},
        "Vuosi": {"category": {"index": {"2034": 0, "2035": 1}}}
      },
      "value": [900, 880]
    }"#;
    let s = run_scheme(&store, px, "px.json", Format::JsonStat, Some("sotkanet"))
        .await
        .unwrap();
    assert_eq!(s.created, 2);
    assert_eq!(
        value(
            &store,
            "child_protection_clients",
            "oulu",
            "2035",
            &Breakdown::total()
        )
        .await,
        Some(880.0)
    );
    let bad_cell = String::from_utf8_lossy(ds).replace("\"etelainen\": 1", "\"atlantis\": 1");
    let e = refused(&store, bad_cell.as_bytes(), "thl.json", Format::JsonStat).await;
    assert_eq!((e.cell, e.field.as_deref()), (Some(4), Some("alue")));
    assert!(e.to_string().contains("cell 4"), "{e}");
    let wrong_size = String::from_utf8_lossy(px).replace("[900, 880]", "[900]");
    let e = refused(&store, wrong_size.as_bytes(), "px.json", Format::JsonStat).await;
    assert!(e.message.contains("cells"), "{e}");
    let text = String::from_utf8_lossy(ds).replace("\"3\": 51", "\"3\": \"many\"");
    let e = refused(&store, text.as_bytes(), "thl.json", Format::JsonStat).await;
    assert_eq!((e.cell, e.field.as_deref()), (Some(4), Some("value")));
}

both_databases!(csv_and_xlsx, sotkanet_and_jsonstat);
