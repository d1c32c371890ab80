//! The register's CSV export reads back exactly, hostile text included:
//! formula-like cells leave as text (`'=…`) and come back as they were.

use kasvu_io::actors_csv::{parse, to_csv};
use kasvu_io::Limits;
use kasvu_store::ActorEntry;

#[test]
fn hostile_cells_are_exported_as_text_and_read_back_unchanged() {
    let source = "code;name;sector;areas;offer;phone;contact_person\n\
        kerho;Kerho;third_sector;tuira;\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\";+358 40 123 4567;@Maija\n\
        seura;'=jo lainausmerkki;third_sector;tuira;-alennus;;Matti\n";
    let specs =
        parse(source.as_bytes(), "toimijat.csv", &Limits::default()).expect("the source reads");
    assert_eq!(
        specs[0].1.offer,
        "=HYPERLINK(\"http://evil.example\",\"x\")"
    );
    let entries: Vec<ActorEntry> = specs
        .iter()
        .enumerate()
        .map(|(i, (_, spec))| ActorEntry {
            id: i as i64 + 1,
            org_id: 1,
            spec: spec.clone(),
            unit_id: None,
            areas: Vec::new(),
            confirmed_on: time::macros::date!(2026 - 12 - 01),
        })
        .collect();
    for private in [false, true] {
        let exported = to_csv(&entries, private);
        let text = String::from_utf8(exported.clone()).expect("UTF-8");
        for line in text.lines().skip(1) {
            for cell in line.split(';') {
                let cell = cell.trim_start_matches('"');
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "a formula-like cell left as it was: {line}"
                );
            }
        }
        let back =
            parse(&exported, "actors.csv", &Limits::default()).expect("the export reads back");
        for ((_, a), (_, b)) in specs.iter().zip(&back) {
            assert_eq!(a.offer, b.offer);
            assert_eq!(a.phone, b.phone);
            assert_eq!(a.name, b.name);
            if private {
                assert_eq!(a.contact_person, b.contact_person);
            }
        }
    }
}
