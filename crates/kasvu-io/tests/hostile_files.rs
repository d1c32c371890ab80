//! Hostile workbooks, built here with the `zip` crate, are refused quickly
//! and without the memory their declared or unpacked size would take:
//! issue 17's 1.5 KB sheet with one cell at `XFD1048576` (it aborted the
//! server: "memory allocation of 549755813888 bytes failed") and a zip bomb
//! whose sheet unpacks to 1 GB. Peak memory (VmHWM) of this test binary is
//! printed and checked against a bound far below what the files claim.

use kasvu_io::table::xlsx_rows;
use kasvu_io::{ImportError, Limits};
use std::io::{Cursor, Write};
use std::time::{Duration, Instant};
use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// A workbook of one sheet whose XML is written by `sheet` (streaming).
fn workbook(sheet: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Vec<u8> {
    workbook_with(sheet, None)
}

/// The same, with a shared-strings part written by `strings`.
type Part<'a> = &'a mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>;

fn workbook_with(
    sheet: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    strings: Option<Part>,
) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    for (name, text) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        z.start_file(name, opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    if let Some(strings) = strings {
        z.start_file("xl/sharedStrings.xml", opts).unwrap();
        strings(&mut z).unwrap();
    }
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    sheet(&mut z).unwrap();
    z.finish().unwrap().into_inner()
}

/// Issue 17's workbook: one cell at XFD1048576 and a dimension to match.
fn xfd_workbook() -> Vec<u8> {
    workbook(|w| {
        write!(
            w,
            r#"{SHEET_HEAD}<dimension ref="A1:XFD1048576"/><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
        )
    })
}

/// Peak resident memory of this process so far, in MB (Linux).
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn refused(bytes: &[u8], limit: &str) -> (ImportError, Duration) {
    let t = Instant::now();
    let e = xlsx_rows(bytes, "hostile.xlsx", &Limits::default())
        .expect_err("a hostile workbook is refused");
    let took = t.elapsed();
    assert_eq!(e.file, "hostile.xlsx");
    assert!(e.message.contains(limit), "names the {limit}: {e}");
    (e, took)
}

#[test]
fn the_one_cell_at_xfd1048576_is_refused_by_the_column_limit() {
    let bytes = xfd_workbook();
    assert!(bytes.len() < 2048, "the attack is {} bytes", bytes.len());
    let (e, took) = refused(&bytes, "column limit");
    assert_eq!(e.row, Some(1_048_576), "{e}");
    assert!(e.message.contains("cell XFD1048576"), "{e}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    println!(
        "XFD1048576 ({} bytes): refused in {:.1} ms: {e}",
        bytes.len(),
        took.as_secs_f64() * 1000.0
    );
    // Without any limit the cell is read as what it is: one row of one
    // cell (the reading never sizes anything by the declared dimensions).
    let sheet = xlsx_rows(&bytes, "hostile.xlsx", &Limits::none()).unwrap();
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].number, rows[0].get(0)), (1_048_576, "1"));
    // Within the column limit, the same far cell is read: one row, kept
    // with its spreadsheet number, nothing allocated for the empty ones.
    let far = workbook(|w| {
        write!(
            w,
            r#"{SHEET_HEAD}<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c></row><row r="1048576"><c r="B1048576"><v>7</v></c></row></sheetData></worksheet>"#
        )
    });
    let sheet = xlsx_rows(&far, "far.xlsx", &Limits::default()).unwrap();
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[1].number, rows[1].get(1)), (1_048_576, "7"));
    // Past the row limit it is refused, naming the row.
    let tight = Limits {
        rows: 1000,
        ..Limits::default()
    };
    let e = xlsx_rows(&far, "far.xlsx", &tight).unwrap_err();
    assert_eq!(e.row, Some(1_048_576));
    assert!(e.message.contains("row limit"), "{e}");
    assert_peak_bounded();
}

/// The same attack as a file (`tests/fixtures/xfd1048576.xlsx`, 1,580
/// bytes, written by Python's zipfile from the parts above): the web and CLI
/// regression tests upload and import it as it is.
#[test]
fn the_fixture_is_the_attack() {
    let bytes = include_bytes!("fixtures/xfd1048576.xlsx");
    assert!(bytes.len() < 1600);
    let (e, _) = refused(bytes, "column limit");
    assert!(e.message.contains("cell XFD1048576"), "{e}");
}

#[test]
fn a_zip_bomb_is_refused_at_the_part_limit() {
    const GB: u64 = 1 << 30;
    let t = Instant::now();
    let bytes = workbook(|w| {
        write!(w, "{SHEET_HEAD}<sheetData>")?;
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..GB / (1 << 20) {
            w.write_all(&chunk)?;
        }
        write!(w, "</sheetData></worksheet>")
    });
    let built = t.elapsed();
    assert!(
        bytes.len() < 2 * 1024 * 1024,
        "1 GB compresses to {} bytes",
        bytes.len()
    );
    let (e, took) = refused(&bytes, "XLSX part size limit");
    assert!(e.message.contains("xl/worksheets/sheet1.xml"), "{e}");
    println!(
        "zip bomb ({} bytes, a 1 GB sheet; built in {:.1} s): refused in {:.2} s: {e}",
        bytes.len(),
        built.as_secs_f64(),
        took.as_secs_f64()
    );
    // The total is checked too.
    let total = Limits {
        xlsx_part_bytes: 2 << 30,
        xlsx_total_bytes: 512 << 20,
        ..Limits::default()
    };
    let e = xlsx_rows(&bytes, "hostile.xlsx", &total).unwrap_err();
    assert!(e.message.contains("XLSX unpacked size limit"), "{e}");
    assert_peak_bounded();
}

#[test]
fn a_wide_or_long_sheet_is_refused_by_cells_and_fields() {
    let tight = Limits {
        cells: 100,
        field_bytes: 50,
        ..Limits::default()
    };
    let many = workbook(|w| {
        write!(w, "{SHEET_HEAD}<sheetData>")?;
        for r in 1..=200 {
            write!(w, r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#)?;
        }
        write!(w, "</sheetData></worksheet>")
    });
    let e = xlsx_rows(&many, "many.xlsx", &tight).unwrap_err();
    assert!(e.message.contains("cell limit"), "{e}");
    assert_eq!(e.row, Some(101));
    let long = workbook(|w| {
        write!(
            w,
            r#"{SHEET_HEAD}<sheetData><row r="1"><c r="C1" t="inlineStr"><is><t>{}</t></is></c></row></sheetData></worksheet>"#,
            "x".repeat(51)
        )
    });
    let e = xlsx_rows(&long, "long.xlsx", &tight).unwrap_err();
    assert!(
        e.message.contains("cell C1") && e.message.contains("field length limit"),
        "{e}"
    );
}

/// The hostile files are refused without their claimed memory: the whole
/// test binary (the 1 GB sheet is written and unpacked streaming) stays far
/// below even one of the 512 GB the dense range asked for, or the 1 GB part.
fn assert_peak_bounded() {
    if let Some(mb) = peak_mb() {
        println!("peak resident memory of the test process (VmHWM): {mb:.1} MB");
        assert!(mb < 256.0, "peak {mb:.1} MB");
    }
}

/// And JSON: the most values the default allows, as short as they come.
#[test]
#[ignore]
fn peak_memory_of_the_longest_json() {
    let n = Limits::default().json_values - 1;
    let mut text = Vec::with_capacity(n * 2 + 2);
    text.push(b'[');
    for i in 0..n {
        if i > 0 {
            text.push(b',');
        }
        text.push(b'0');
    }
    text.push(b']');
    let before = peak_mb().unwrap_or(0.0);
    let t = Instant::now();
    kasvu_io::limits::check_json(&text, "long.json", &Limits::default()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&text).unwrap();
    println!(
        "{} JSON values ({} bytes): checked and parsed in {:.1} s; peak {before:.0} MB before, {:.0} MB after",
        v.as_array().map_or(0, Vec::len),
        text.len(),
        t.elapsed().as_secs_f64(),
        peak_mb().unwrap_or(0.0)
    );
}

/// The worst case within the default limits that the reader keeps whole:
/// calamine holds the shared-strings table in memory, so a part just under
/// the part limit of empty strings (`<si><t/></si>`, 13 bytes each, 24 in
/// memory) is the largest thing a workbook can make it hold. Run for the
/// README's figure: `cargo test -p kasvu-io --test hostile_files --
/// --ignored --nocapture` (a release build is some times faster).
#[test]
#[ignore]
fn peak_memory_of_the_largest_shared_strings_table() {
    let limit = Limits::default().xlsx_part_bytes;
    let entry = b"<si><t/></si>";
    let n = (limit as usize - 200) / entry.len();
    let bytes = workbook_with(
        |w| {
            write!(
                w,
                r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#
            )
        },
        Some(&mut |w: &mut dyn Write| {
            write!(
                w,
                r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            )?;
            let chunk: Vec<u8> = entry.repeat(80_000);
            for _ in 0..n / 80_000 {
                w.write_all(&chunk)?;
            }
            write!(w, "</sst>")
        }),
    );
    let before = peak_mb().unwrap_or(0.0);
    let t = Instant::now();
    let r = xlsx_rows(&bytes, "strings.xlsx", &Limits::default());
    println!(
        "{} empty shared strings ({} bytes zipped): {:?} in {:.1} s; peak {before:.0} MB before, {:.0} MB after",
        n / 80_000 * 80_000,
        bytes.len(),
        r.map(|s| s.rows().count()),
        t.elapsed().as_secs_f64(),
        peak_mb().unwrap_or(0.0)
    );
}

/// And the cells the reader keeps: a sheet as large as the part limit of
/// one short text cell per row, in the last column allowed.
#[test]
#[ignore]
fn peak_memory_of_the_most_cells() {
    let limits = Limits::default();
    let row_len = r#"<row r="1000000"><c r="IV1000000"><v>1</v></c></row>"#.len();
    let n = ((limits.xlsx_part_bytes as usize - 300) / row_len).min(limits.cells);
    let bytes = workbook(|w| {
        write!(w, "{SHEET_HEAD}<sheetData>")?;
        for r in 1..=n {
            write!(w, r#"<row r="{r}"><c r="IV{r}"><v>1</v></c></row>"#)?;
        }
        write!(w, "</sheetData></worksheet>")
    });
    let before = peak_mb().unwrap_or(0.0);
    let t = Instant::now();
    let rows = xlsx_rows(&bytes, "cells.xlsx", &limits).map(|s| s.rows().count());
    println!(
        "{n} cells in their own rows ({} bytes zipped): {rows:?} rows in {:.1} s; peak {before:.0} MB before, {:.0} MB after",
        bytes.len(),
        t.elapsed().as_secs_f64(),
        peak_mb().unwrap_or(0.0)
    );
}
