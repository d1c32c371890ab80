//! Fuzzing every importer in kasvu-io with random and mutated files, for a
//! fixed number of cases from a fixed seed (so a failure reproduces: the
//! case is printed). Seeds are valid files written from each format's
//! documented structure; mutations flip, drop and repeat bytes, truncate,
//! splice seeds into each other, put in huge numbers and deep nesting, and
//! for XLSX also mutate the sheet XML inside a well-formed zip. Each case
//! must end without a panic; a refusal must name the file and say what is
//! wrong; what is accepted must stay within the limits. The limits are set
//! small here so that "within the limits" is tested too.
//!
//! Runs in a few seconds in a debug build (`CASES` below); raise
//! `KASVU_FUZZ_CASES` for a longer run, or set `KASVU_FUZZ_SEED` for others.

// As in the library: an import error is built on the cold path of a refusal.
#![allow(clippy::result_large_err)]

use kasvu_io::jsonstat::{self, DimKind, DimMapping};
use kasvu_io::values::{parse_sotkanet, parse_xlsx, Format, Resolver};
use kasvu_io::{actors_csv, indicators_csv, linked_events, orgunits_csv, ImportError, Limits};
use kasvu_store::{Actor, WriteOptions};
use std::io::{Cursor, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Cases per importer (the values CSV goes through the store: a tenth of these).
const CASES: usize = 2000;
const SEED: u64 = 17;

/// The seed: fixed, or `KASVU_FUZZ_SEED` for a run of other cases.
fn seed() -> u64 {
    std::env::var("KASVU_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED)
}

fn cases() -> usize {
    std::env::var("KASVU_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(CASES)
}

fn limits() -> Limits {
    Limits {
        file_bytes: 256 * 1024,
        xlsx_part_bytes: 512 * 1024,
        xlsx_total_bytes: 1024 * 1024,
        columns: 40,
        rows: 2_000,
        cells: 5_000,
        field_bytes: 2_000,
        json_depth: 16,
        json_values: 20_000,
    }
}

const VALUES_CSV: &str = "\u{feff}indicator;orgunit;period;value;sex;count\n\
    pilot_phone_calls;tuiran-perhekeskus;203001;120;total;\n\
    pilot_phone_calls;kaakkurin-perhekeskus;203002;80,5;;12\n\
    child_protection_clients;oulu;2031;1210;male;1210\n";

const SOTKANET: &str = r#"[
  {"indicator": 1244, "region": 564, "year": 2031, "gender": "total", "value": 1210, "absValue": 1210},
  {"indicator": 1244, "region": 564, "year": 2030, "gender": "male", "value": null},
  {"indicator": "1244", "region": "564", "year": "2029", "gender": "female", "value": "12,5"}
]"#;

const JSONSTAT: &str = r#"{
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

const PXWEB: &str = r#"{
  "version": "2.0", "class": "dataset", "id": ["Alue", "Tiedot", "Vuosi"], "size": [1, 1, 2],
  "dimension": {
    "Alue": {"category": {"index": {"564": 0}}},
    "Tiedot": {"category": {"index": {"1244": 0}}},
    "Vuosi": {"category": {"index": {"2034": 0, "2035": 1}}}
  },
  "value": [900, 880]
}"#;

/// A THL JSON-stat 1.0 bundle: id, size and role inside `dimension`, years
/// as THL's ids with the year as label, values as text, a grade dimension
/// mapped with `--dim`.
const THL_BUNDLE: &str = r#"{
  "dataset": {
    "label": "Vastanneet", "source": "THL",
    "dimension": {
      "id": ["hyvinvointialue", "vuosi", "measure", "kouluaste"], "size": [1, 2, 1, 2],
      "role": {"geo": ["hyvinvointialue"], "time": ["vuosi"], "metric": ["measure"]},
      "hyvinvointialue": {"category": {"index": {"keskinen": 0}}},
      "vuosi": {"category": {"index": {"853422": 0, "853423": 1}, "label": {"853422": "2041", "853423": "2043"}}},
      "measure": {"category": {"index": {"shps_respondents": 0}}},
      "kouluaste": {"category": {"index": {"8": 0, "9": 1}, "label": {"8": "8. luokka", "9": "9. luokka"}}}
    },
    "value": {"0": "140", "1": "150", "2": "..", "3": "160"}
  }
}"#;

const EVENTS: &str = r#"{
  "meta": {"count": 1, "next": null, "previous": null},
  "data": [
    {"id": "helsinki:agggfz67ay", "@type": "Event", "name": {"fi": "Satutunti", "sv": "Sagostund"},
     "description": {"fi": "<p>Satuja lapsille</p>"},
     "start_time": "2026-12-05T08:00:00Z", "end_time": "2026-12-05T09:00:00Z",
     "location": {"name": {"fi": "Oodi"}, "street_address": {"fi": "Töölönlahdenkatu 4"}},
     "keywords": [{"name": {"fi": "lapset"}}], "audience_min_age": 3, "audience_max_age": 7,
     "offers": [{"is_free": true, "price": {"fi": "0 €"}}], "event_status": "EventScheduled"}
  ]
}"#;

const ORGUNITS: &str = include_str!("../demo/oulu_orgunits.csv");
const INDICATORS: &str = include_str!("../demo/oulu_indicators.csv");
const ACTORS: &str = include_str!("../demo/oulu_actors.csv");

/// A values workbook as Excel writes it (shared strings, numbers).
fn values_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let rows = [
        ["indicator", "orgunit", "period", "value"],
        ["pilot_phone_calls", "tuiran-perhekeskus", "203001", ""],
        ["pilot_phone_calls", "kaakkurin-perhekeskus", "203002", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    ws.write_number(1, 3, 120.0).unwrap();
    ws.write_number(2, 3, 80.5).unwrap();
    wb.save_to_buffer().unwrap()
}

/// The sheet XML of a small values table, for mutation inside a valid zip.
const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:D3"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c><c r="B1" t="inlineStr"><is><t>orgunit</t></is></c><c r="C1" t="inlineStr"><is><t>period</t></is></c><c r="D1" t="inlineStr"><is><t>value</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>pilot_phone_calls</t></is></c><c r="B2" t="inlineStr"><is><t>tuiran-perhekeskus</t></is></c><c r="C2"><v>203001</v></c><c r="D2"><v>120</v></c></row><row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3" t="inlineStr"><is><t>kaakkurin-perhekeskus</t></is></c><c r="C3"><v>203002</v></c><c r="D3"><v>80.5</v></c></row></sheetData></worksheet>"#;

/// A workbook around `sheet` (with one shared string).
fn zip_sheet(sheet: &[u8]) -> Vec<u8> {
    let parts: [(&str, &[u8]); 6] = [
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#),
        ("xl/sharedStrings.xml", br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>pilot_phone_calls</t></si></sst>"#),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        z.start_file(name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// One mutation of `seed` (or noise), splicing from `others`.
fn mutate(rng: &mut fastrand::Rng, seed: &[u8], others: &[&[u8]]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..rng.usize(1..=4) {
        let at = |rng: &mut fastrand::Rng, b: &Vec<u8>| rng.usize(0..=b.len());
        match rng.u8(0..12) {
            // Flip bits of a few bytes.
            0 => {
                for _ in 0..rng.usize(1..8) {
                    if !b.is_empty() {
                        let i = rng.usize(0..b.len());
                        b[i] ^= 1 << rng.u8(0..8);
                    }
                }
            }
            // Truncate.
            1 => b.truncate(at(rng, &b)),
            // Drop a span.
            2 => {
                let i = at(rng, &b);
                let j = (i + rng.usize(0..64)).min(b.len());
                b.drain(i..j);
            }
            // Repeat a span many times.
            3 => {
                let i = at(rng, &b);
                let j = (i + rng.usize(1..32)).min(b.len());
                let span = b[i..j].to_vec();
                let n = rng.usize(2..2000);
                let rep: Vec<u8> = span.iter().copied().cycle().take(span.len() * n).collect();
                b.splice(i..i, rep);
            }
            // Splice a piece of another seed in.
            4 => {
                let o = others[rng.usize(0..others.len())];
                if !o.is_empty() {
                    let s = rng.usize(0..o.len());
                    let e = (s + rng.usize(1..200)).min(o.len());
                    let i = at(rng, &b);
                    b.splice(i..i, o[s..e].iter().copied());
                }
            }
            // A huge or odd number where a digit was.
            5 => {
                if let Some(i) = (0..b.len())
                    .cycle()
                    .skip(rng.usize(0..=b.len()))
                    .take(b.len())
                    .find(|i| b[*i].is_ascii_digit())
                {
                    let n: &[u8] = match rng.u8(0..7) {
                        0 => b"1e400",
                        1 => b"18446744073709551616000000",
                        2 => b"-99999999999999999999",
                        3 => b"4294967296",
                        4 => b"NaN",
                        5 => b"0.0000000000000000000000000001",
                        _ => b"9007199254740993",
                    };
                    b.splice(i..i + 1, n.iter().copied());
                }
            }
            // Deep nesting.
            6 => {
                let n = rng.usize(10..400);
                let (open, close) = if rng.bool() {
                    (b'[', b']')
                } else {
                    (b'{', b'}')
                };
                let i = at(rng, &b);
                let mut deep = vec![open; n];
                if rng.bool() {
                    deep.extend(std::iter::repeat_n(close, n));
                }
                b.splice(i..i, deep);
            }
            // Random bytes in.
            7 => {
                let i = at(rng, &b);
                let noise: Vec<u8> = (0..rng.usize(1..64)).map(|_| rng.u8(..)).collect();
                b.splice(i..i, noise);
            }
            // Separators and quotes, which CSV and JSON care about.
            8 => {
                let i = at(rng, &b);
                let c = [b'"', b';', b',', b'\n', b'\r', b'\\', b':', b'<', b'>'][rng.usize(0..9)];
                b.splice(i..i, std::iter::repeat_n(c, rng.usize(1..5)));
            }
            // A long field.
            9 => {
                let i = at(rng, &b);
                b.splice(i..i, std::iter::repeat_n(b'x', rng.usize(1000..5000)));
            }
            // Many rows.
            10 => {
                let line = b.split(|c| *c == b'\n').nth(1).unwrap_or(b"").to_vec();
                for _ in 0..rng.usize(10..3000) {
                    if b.len() > MAX_INPUT {
                        break;
                    }
                    b.extend_from_slice(&line);
                    b.push(b'\n');
                }
            }
            // Pure noise.
            _ => b = (0..rng.usize(0..512)).map(|_| rng.u8(..)).collect(),
        }
        // Some over the file size limit, not much more: the test's own
        // memory stays small, so the peak it prints is the importers'.
        b.truncate(MAX_INPUT);
    }
    b
}

/// The largest input made: over the limit of `limits()`, so it is tried too.
const MAX_INPUT: usize = 320 * 1024;

/// Runs one importer on one input, checking that it ends well: no panic; a
/// refusal names the file and says something; an acceptance is within the
/// limits (`size` counts what was accepted).
fn check<T>(
    name: &str,
    case: usize,
    input: &[u8],
    run: impl FnOnce() -> Result<T, ImportError>,
    size: impl FnOnce(&T) -> usize,
) {
    let show = || {
        let text = String::from_utf8_lossy(&input[..input.len().min(400)]).into_owned();
        format!(
            "{name} case {case} (seed {}), {} bytes: {text:?}",
            seed(),
            input.len()
        )
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Err(_) => panic!("panicked on {}", show()),
        Ok(Err(e)) => {
            assert_eq!(e.file, FILE, "{}: {e}", show());
            assert!(!e.message.trim().is_empty(), "{}: {e:?}", show());
            assert!(e.to_string().starts_with(FILE), "{}: {e}", show());
        }
        Ok(Ok(t)) => {
            let n = size(&t);
            assert!(
                n <= limits().cells.max(limits().rows),
                "{}: {n} accepted",
                show()
            );
        }
    }
}

const FILE: &str = "fuzz.bin";

/// Panics inside the importers are caught (calamine's, by the XLSX
/// reader; any other, by `check`, which then fails the test naming the
/// case). Only this file's own panics are printed: the default hook would
/// also print every caught one, and with `RUST_BACKTRACE` set resolve a
/// backtrace for each (tens of MB, which would blur the peak memory).
fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info
                .location()
                .is_some_and(|l| l.file().ends_with("fuzz_importers.rs"))
            {
                default(info);
            }
        }));
    });
}

/// The demo's catalogue and tree, for resolving codes.
async fn resolver() -> (kasvu_store::testing::TestDb, Resolver) {
    quiet_caught_panics();
    let db = kasvu_store::testing::TestDb::sqlite().await;
    kasvu_io::demo::load(&db.store).await.unwrap();
    let r = Resolver::load(&db.store).await.unwrap();
    (db, r)
}

#[tokio::test]
async fn every_importer_survives_random_and_mutated_files() {
    let (db, resolver) = resolver().await;
    let l = limits();
    let xlsx = values_xlsx();
    let seeds: Vec<&[u8]> = vec![
        VALUES_CSV.as_bytes(),
        SOTKANET.as_bytes(),
        JSONSTAT.as_bytes(),
        PXWEB.as_bytes(),
        THL_BUNDLE.as_bytes(),
        EVENTS.as_bytes(),
        ORGUNITS.as_bytes(),
        INDICATORS.as_bytes(),
        ACTORS.as_bytes(),
        SHEET.as_bytes(),
    ];
    // Every seed is good as it is (so mutations start from real files).
    assert!(parse_xlsx(&xlsx, FILE, &resolver, &l).unwrap().len() == 2);
    assert!(parse_xlsx(&zip_sheet(SHEET.as_bytes()), FILE, &resolver, &l).is_ok());
    assert!(parse_sotkanet(SOTKANET.as_bytes(), FILE, &resolver, &l).is_ok());
    assert!(jsonstat::parse(JSONSTAT.as_bytes(), FILE, &resolver, None, &[], &l).is_ok());
    assert!(jsonstat::parse(PXWEB.as_bytes(), FILE, &resolver, Some("sotkanet"), &[], &l).is_ok());
    let grade = [DimMapping {
        dim: "kouluaste".into(),
        kind: DimKind::Grade,
    }];
    assert_eq!(
        jsonstat::parse(THL_BUNDLE.as_bytes(), FILE, &resolver, None, &grade, &l)
            .unwrap()
            .len(),
        3
    );
    assert!(linked_events::parse(EVENTS, FILE, &l).is_ok());
    assert!(orgunits_csv::parse(ORGUNITS.as_bytes(), FILE, &l).is_ok());
    assert!(indicators_csv::parse(INDICATORS.as_bytes(), FILE, &l).is_ok());
    assert!(actors_csv::parse(ACTORS.as_bytes(), FILE, &l).is_ok());

    let mut rng = fastrand::Rng::with_seed(seed());
    let n = cases();
    let started = std::time::Instant::now();
    for case in 0..n {
        // JSON importers.
        let b = mutate(&mut rng, SOTKANET.as_bytes(), &seeds);
        check(
            "sotkanet",
            case,
            &b,
            || parse_sotkanet(&b, FILE, &resolver, &l),
            Vec::len,
        );
        let seed = [JSONSTAT, PXWEB, THL_BUNDLE][rng.usize(0..3)];
        let b = mutate(&mut rng, seed.as_bytes(), &seeds);
        let scheme = rng.bool().then_some("sotkanet");
        let dims: &[DimMapping] = if rng.bool() { &grade } else { &[] };
        check(
            "jsonstat",
            case,
            &b,
            || jsonstat::parse(&b, FILE, &resolver, scheme, dims, &l),
            Vec::len,
        );
        let b = mutate(&mut rng, EVENTS.as_bytes(), &seeds);
        let text = String::from_utf8_lossy(&b).into_owned();
        check(
            "events",
            case,
            &b,
            || linked_events::parse(&text, FILE, &l),
            Vec::len,
        );
        // CSV importers.
        let b = mutate(&mut rng, ORGUNITS.as_bytes(), &seeds);
        check(
            "orgunits",
            case,
            &b,
            || orgunits_csv::parse(&b[..], FILE, &l),
            |p: &kasvu_io::Parsed<_>| p.rows.len(),
        );
        let b = mutate(&mut rng, INDICATORS.as_bytes(), &seeds);
        check(
            "indicators",
            case,
            &b,
            || indicators_csv::parse(&b, FILE, &l),
            Vec::len,
        );
        let b = mutate(&mut rng, ACTORS.as_bytes(), &seeds);
        check(
            "actors",
            case,
            &b,
            || actors_csv::parse(&b, FILE, &l),
            Vec::len,
        );
        // XLSX: the file's bytes mutated, or the sheet XML mutated in a valid zip.
        let b = if rng.bool() {
            mutate(&mut rng, &xlsx, &seeds)
        } else {
            zip_sheet(&mutate(&mut rng, SHEET.as_bytes(), &seeds))
        };
        check(
            "xlsx values",
            case,
            &b,
            || parse_xlsx(&b, FILE, &resolver, &l),
            Vec::len,
        );
        check(
            "xlsx actors",
            case,
            &b,
            || actors_csv::parse(&b, FILE, &l),
            Vec::len,
        );
    }
    // The values CSV is read inside the store's transaction (dry runs).
    for case in 0..n / 10 {
        let b = mutate(&mut rng, VALUES_CSV.as_bytes(), &seeds);
        let r = kasvu_io::values::import(
            &db.store,
            &Actor::system("fuzz"),
            &b,
            FILE,
            Format::Csv,
            None,
            WriteOptions {
                source: FILE.into(),
                dry_run: true,
                ..Default::default()
            },
            &l,
            &mut |_, _| {},
        )
        .await;
        check(
            "values csv",
            case,
            &b,
            || r,
            |s| (s.created + s.replaced) as usize,
        );
    }
    let took = started.elapsed();
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .unwrap_or_default();
    println!(
        "{} cases ({} per importer) in {:.1} s; {peak}",
        n * 8 + n / 10,
        n,
        took.as_secs_f64()
    );
    // Bounded memory: two demo databases (this test and the next, run in
    // parallel) take about 90 MB; the importers add little to that.
    let kb: u64 = peak
        .split_whitespace()
        .nth(1)
        .and_then(|k| k.parse().ok())
        .unwrap_or(0);
    assert!(kb < 256 * 1024, "peak memory {peak}");
    db.finish().await;
}

/// Pure noise, of every length up to a few kilobytes, to every importer.
#[tokio::test]
async fn noise_is_refused_by_name() {
    let (db, resolver) = resolver().await;
    let l = limits();
    let mut rng = fastrand::Rng::with_seed(seed() + 1);
    for case in 0..cases() {
        let len = rng.usize(0..4096);
        let b: Vec<u8> = (0..len).map(|_| rng.u8(..)).collect();
        check(
            "noise xlsx",
            case,
            &b,
            || parse_xlsx(&b, FILE, &resolver, &l),
            Vec::len,
        );
        check(
            "noise sotkanet",
            case,
            &b,
            || parse_sotkanet(&b, FILE, &resolver, &l),
            Vec::len,
        );
        check(
            "noise jsonstat",
            case,
            &b,
            || jsonstat::parse(&b, FILE, &resolver, None, &[], &l),
            Vec::len,
        );
        check(
            "noise actors",
            case,
            &b,
            || actors_csv::parse(&b, FILE, &l),
            Vec::len,
        );
        check(
            "noise indicators",
            case,
            &b,
            || indicators_csv::parse(&b, FILE, &l),
            Vec::len,
        );
        check(
            "noise orgunits",
            case,
            &b,
            || orgunits_csv::parse(&b[..], FILE, &l),
            |p: &kasvu_io::Parsed<_>| p.rows.len(),
        );
    }
    db.finish().await;
}
