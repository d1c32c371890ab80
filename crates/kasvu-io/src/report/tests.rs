use super::layout::{winansi, wrap};
use super::*;
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::BTreeMap;

const ORG: &str = "Esimerkkilän kaupunki";
const PLAN: &str = "Itäisen alueen kehittämissuunnitelma 2024–2026";

fn doc(measures: usize) -> ReportDoc {
    ReportDoc {
        title: "Hyvinvointikertomus 2025: Itäinen alue".into(),
        plan_title: PLAN.into(),
        org_name: ORG.into(),
        lang: "fi".into(),
        facts: vec!["Lasten ja nuorten hyvinvointisuunnitelma 2022–2026".into()],
        measures: (0..measures)
            .map(|k| MeasureRow {
                goal: "Osallisuuden ja vaikuttamisen vahvistaminen".into(),
                focus_area: "Taide-, kulttuuri- ja liikuntakerhot".into(),
                measure: format!("Toimenpide {k}: maksuttomat kerhot koulupäivän yhteydessä"),
                status: "Käynnissä".into(),
                rating: Some(4),
                evaluation: format!(
                    "Arvio {k}: kerhoihin osallistui enemmän oppilaita kuin edellisenä vuonna."
                ),
            })
            .collect(),
        figures: vec![FigureRow {
            indicator: "Kokee itsensä usein yksinäiseksi (lkm)".into(),
            value: "piilotettu".into(),
            number: None,
            previous: "12".into(),
            previous_number: Some(12.0),
            verdict: String::new(),
        }],
        impacts: vec![ImpactRow {
            statement: "Yksinäisyys vähenee".into(),
            indicator: "Kokee itsensä usein yksinäiseksi (%)".into(),
            direction: "pienempi".into(),
        }],
        charts: vec![ChartSeries {
            title: "Kokee itsensä usein yksinäiseksi (%)".into(),
            alt: "Viivakaavio: 2021 12,5 %, 2023 10,1 %, 2025 9,4 %".into(),
            periods: vec!["2021".into(), "2022".into(), "2023".into(), "2025".into()],
            values: vec![Some(12.5), None, Some(10.1), Some(9.4)],
            texts: vec!["12,5 %".into(), "–".into(), "10,1 %".into(), "9,4 %".into()],
        }],
        conclusions: vec![(
            "2025".into(),
            "Johtopäätös: yhteistyö koulujen kanssa kantaa.\n\nToinen kappale.".into(),
        )],
        labels: ReportLabels {
            figures: "Mittarit".into(),
            measures: "Toimenpiteet".into(),
            conclusions: "Johtopäätökset".into(),
            impacts: "Vaikutukset".into(),
            suppression_note: "Pienet luvut on piilotettu.".into(),
            page: "Sivu".into(),
            period: "Ajanjakso".into(),
            chart_value: "Arvo".into(),
            goal: "Tavoite".into(),
            measure: "Toimenpide".into(),
            status: "Tila".into(),
            evaluation: "Arvio".into(),
            indicator: "Mittari".into(),
            ..Default::default()
        },
    }
}

/// A structure element: role, Alt text, the text of its marked content.
type Element = (String, Option<String>, Vec<u8>);
/// A shown string with the marked content id it was shown in.
type Shown = (Option<i64>, Vec<u8>);

/// A parsed PDF with what the tests ask of it.
struct Parsed {
    doc: Document,
}

impl Parsed {
    fn new(bytes: &[u8]) -> Parsed {
        Parsed {
            doc: Document::load_mem(bytes).expect("a readable PDF"),
        }
    }

    fn resolve<'a>(&'a self, o: &'a Object) -> &'a Object {
        self.doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
    }

    fn dict<'a>(&'a self, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
        d.get(key)
            .ok()
            .map(|o| self.resolve(o))
            .and_then(|o| o.as_dict().ok())
    }

    fn catalog(&self) -> &Dictionary {
        self.doc.catalog().expect("a catalog")
    }

    fn pages(&self) -> BTreeMap<u32, ObjectId> {
        self.doc.get_pages()
    }

    /// The text shown on a page, each string WinAnsi bytes, in content order,
    /// with the marked content id (or `None` outside one, `Some(-1)` in an
    /// artifact) each was shown in.
    fn page_text(&self, page: ObjectId) -> Vec<Shown> {
        let bytes = self.doc.get_page_content(page).expect("page content");
        let content = Content::decode(&bytes).expect("content decodes");
        let mut marks: Vec<Option<i64>> = Vec::new();
        let mut out = Vec::new();
        for op in content.operations {
            match op.operator.as_str() {
                "BDC" => {
                    let tag = op.operands[0].as_name().unwrap_or_default();
                    let mcid = self
                        .resolve(&op.operands[1])
                        .as_dict()
                        .ok()
                        .and_then(|d| d.get(b"MCID").ok())
                        .and_then(|m| m.as_i64().ok());
                    marks.push(if tag == b"Artifact" { Some(-1) } else { mcid });
                }
                "BMC" => marks.push(Some(-1)),
                "EMC" => {
                    marks.pop();
                }
                "Tj" => {
                    let s = op.operands[0].as_str().unwrap_or_default().to_vec();
                    out.push((marks.last().copied().flatten(), s));
                }
                _ => {}
            }
        }
        out
    }

    /// The structure elements in reading (depth-first) order: role, Alt
    /// text, and the text of the marked content belonging to each.
    fn elements(&self) -> Vec<Element> {
        let root = self
            .dict(self.catalog(), b"StructTreeRoot")
            .expect("StructTreeRoot");
        let page_ids: BTreeMap<ObjectId, u32> =
            self.pages().into_iter().map(|(n, id)| (id, n)).collect();
        let texts: BTreeMap<u32, Vec<Shown>> = self
            .pages()
            .into_iter()
            .map(|(n, id)| (n, self.page_text(id)))
            .collect();
        let mut out: Vec<Element> = Vec::new();
        let mut todo: Vec<&Object> = vec![root.get(b"K").expect("root kids")];
        while let Some(k) = todo.pop() {
            let k = self.resolve(k);
            if let Ok(arr) = k.as_array() {
                todo.extend(arr.iter().rev());
                continue;
            }
            let Ok(d) = k.as_dict() else { continue };
            if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"MCR".as_slice()) {
                let page = d
                    .get(b"Pg")
                    .and_then(Object::as_reference)
                    .expect("MCR page");
                let mcid = d.get(b"MCID").and_then(Object::as_i64).expect("MCID");
                let n = page_ids[&page];
                let text: Vec<u8> = texts[&n]
                    .iter()
                    .filter(|(m, _)| *m == Some(mcid))
                    .flat_map(|(_, s)| s.iter().copied().chain([b' ']))
                    .collect();
                if let Some(last) = out.last_mut() {
                    last.2.extend(text);
                }
                continue;
            }
            let role = d
                .get(b"S")
                .and_then(Object::as_name_str)
                .unwrap_or("?")
                .to_owned();
            let alt = d
                .get(b"Alt")
                .ok()
                .and_then(|a| lopdf::decode_text_string(a).ok());
            out.push((role, alt, Vec::new()));
            if let Ok(kids) = d.get(b"K") {
                todo.push(kids);
            }
        }
        out
    }
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let n = winansi(needle);
    hay.windows(n.len()).any(|w| w == n.as_slice())
}

#[test]
fn the_pdf_is_tagged_with_tables_figures_and_lists() {
    let p = Parsed::new(&to_pdf(&doc(3)));
    let els = p.elements();
    let roles: Vec<&str> = els.iter().map(|e| e.0.as_str()).collect();
    for role in [
        "Document", "H1", "H2", "H3", "P", "L", "LI", "LBody", "Table", "TR", "TH", "TD", "Figure",
    ] {
        assert!(roles.contains(&role), "a {role} element in {roles:?}");
    }
    assert_eq!(roles[0], "Document");
    let figure = els.iter().find(|e| e.0 == "Figure").expect("a figure");
    assert_eq!(
        figure.1.as_deref(),
        Some("Viivakaavio: 2021 12,5 %, 2023 10,1 %, 2025 9,4 %"),
        "the chart's Alt text names its values"
    );
    // Reading order is structure order: title, measures, figures, the
    // chart, conclusions.
    let all: Vec<u8> = els.iter().flat_map(|e| e.2.clone()).collect();
    let at = |s: &str| {
        let n = winansi(s);
        all.windows(n.len())
            .position(|w| w == n.as_slice())
            .unwrap_or_else(|| panic!("{s} in the structure's text"))
    };
    assert!(at("Hyvinvointikertomus") < at("Toimenpiteet"));
    assert!(at("Toimenpiteet") < at("Arvio 2:"));
    assert!(at("Arvio 2:") < at("Vaikutukset"));
    assert!(at("Vaikutukset") < at("Mittarit"));
    assert!(at("Mittarit") < at("10,1 %"));
    assert!(at("10,1 %") < at("Johtopäätökset"));
    assert!(at("Johtopäätökset") < at("Toinen kappale."));
    // Column heads carry their scope.
    let bytes = to_pdf(&doc(1));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("/Scope /Column"));
    assert!(text.contains("/Scope /Row"));
}

#[test]
fn the_document_has_language_title_and_marks() {
    let p = Parsed::new(&to_pdf(&doc(2)));
    let cat = p.catalog();
    let lang = cat.get(b"Lang").expect("Lang");
    assert_eq!(lopdf::decode_text_string(lang).unwrap(), "fi");
    let mark = p.dict(cat, b"MarkInfo").expect("MarkInfo");
    assert!(mark.get(b"Marked").and_then(Object::as_bool).unwrap());
    let prefs = p
        .dict(cat, b"ViewerPreferences")
        .expect("ViewerPreferences");
    assert!(prefs
        .get(b"DisplayDocTitle")
        .and_then(Object::as_bool)
        .unwrap());
    let info = p
        .doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .and_then(|r| p.doc.get_dictionary(r))
        .expect("document info");
    let title = lopdf::decode_text_string(info.get(b"Title").unwrap()).unwrap();
    assert_eq!(title, "Hyvinvointikertomus 2025: Itäinen alue");
    let meta = cat
        .get(b"Metadata")
        .and_then(Object::as_reference)
        .and_then(|r| p.doc.get_object(r))
        .and_then(Object::as_stream)
        .expect("XMP metadata");
    let xmp = String::from_utf8_lossy(&meta.content);
    assert!(
        xmp.contains("<dc:title>") && xmp.contains("Itäinen alue"),
        "{xmp}"
    );
    // Every page's marked content is in the parent tree and tab order
    // follows the structure.
    let root = p.dict(cat, b"StructTreeRoot").unwrap();
    let parents = p.dict(root, b"ParentTree").expect("ParentTree");
    let nums = parents.get(b"Nums").and_then(Object::as_array).unwrap();
    for (_, page) in p.pages() {
        let d = p.doc.get_dictionary(page).unwrap();
        let key = d.get(b"StructParents").and_then(Object::as_i64).unwrap();
        assert_eq!(d.get(b"Tabs").and_then(Object::as_name).unwrap(), b"S");
        let k = nums
            .chunks(2)
            .find(|c| c[0].as_i64().ok() == Some(key))
            .expect("a parent tree entry");
        let owners = p.resolve(&k[1]).as_array().unwrap().len();
        let mcids = p
            .page_text(page)
            .iter()
            .filter_map(|(m, _)| *m)
            .filter(|m| *m >= 0)
            .max()
            .unwrap();
        assert!(owners as i64 > mcids, "every MCID has an owner");
    }
}

#[test]
fn every_page_has_the_city_and_plan_and_all_text_is_marked() {
    let long = doc(60);
    let p = Parsed::new(&to_pdf(&long));
    let pages = p.pages();
    assert!(
        pages.len() >= 3,
        "a long report runs over pages: {}",
        pages.len()
    );
    let mut everything = Vec::new();
    for (n, id) in &pages {
        let text = p.page_text(*id);
        let artifacts: Vec<u8> = text
            .iter()
            .filter(|(m, _)| *m == Some(-1))
            .flat_map(|(_, s)| s.clone())
            .collect();
        assert!(contains(&artifacts, ORG), "page {n} has the city's name");
        assert!(contains(&artifacts, PLAN), "page {n} has the plan's title");
        assert!(
            contains(&artifacts, &format!("Sivu {n} / {}", pages.len())),
            "page {n} is numbered"
        );
        assert!(
            text.iter().all(|(m, _)| m.is_some()),
            "every text on page {n} is tagged or an artifact"
        );
        for (m, s) in text {
            if m != Some(-1) {
                everything.extend(s);
                everything.push(b' ');
            }
        }
    }
    for needle in [
        "Toimenpide 59: maksuttomat kerhot",
        "Arvio 59:",
        "Johtopäätös: yhteistyö koulujen kanssa kantaa.",
        "Yksinäisyys vähenee",
        "piilotettu",
        "Pienet luvut on piilotettu.",
    ] {
        assert!(contains(&everything, needle), "the PDF has {needle:?}");
    }
    // The Finnish letters are WinAnsi, not UTF-8.
    assert!(contains(&everything, "Itäinen"));
    assert!(
        !everything.windows(2).any(|w| w == [0xc3, 0xa4]),
        "no UTF-8 ä"
    );
}

#[test]
fn a_long_evaluation_breaks_across_pages() {
    let mut d = doc(1);
    d.measures[0].evaluation = "Pitkä arvio, jossa on paljon sanoja. ".repeat(400);
    let p = Parsed::new(&to_pdf(&d));
    assert!(p.pages().len() >= 3);
    let els = p.elements();
    let td = els
        .iter()
        .filter(|e| e.0 == "TD")
        .max_by_key(|e| e.2.len())
        .unwrap();
    assert!(td.2.len() > 10_000, "the whole evaluation is in one cell");
}

#[test]
fn text_is_measured_and_wrapped() {
    assert_eq!(
        wrap("yksi kaksi kolme", 50.0, 10.0, false),
        vec!["yksi kaksi", "kolme"]
    );
    assert_eq!(wrap("a\nb", 500.0, 10.0, false), vec!["a", "b"]);
    let long = wrap(&"x".repeat(100), 50.0, 10.0, false);
    assert!(
        long.len() > 1
            && long
                .iter()
                .all(|l| layout::text_width(l, 10.0, false) <= 50.0)
    );
}

#[test]
fn winansi_keeps_finnish_and_swedish_letters() {
    assert_eq!(winansi("äöåÄÖÅ"), vec![0xe4, 0xf6, 0xe5, 0xc4, 0xd6, 0xc5]);
    assert_eq!(winansi("2022–2026"), b"2022\x962026".to_vec());
    assert_eq!(winansi("\u{2212}3 →"), b"-3 ".to_vec());
}

#[test]
fn a_hidden_figure_stays_hidden_in_the_workbook() {
    let bytes = to_xlsx(&doc(2)).unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip");
    let mut zip = std::io::Cursor::new(bytes);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(&mut zip).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("Mittarit").unwrap();
    let cell = sheet.get_value((3, 1)).unwrap().to_string();
    assert_eq!(cell, "piilotettu");
    assert_eq!(sheet.get_value((3, 2)).unwrap().to_string(), "12");
}

/// `qpdf --check` finds the file's structure sound, when qpdf is installed.
#[test]
fn qpdf_finds_no_errors() {
    let Ok(out) = std::process::Command::new("qpdf").arg("--version").output() else {
        eprintln!("NOTE: qpdf is not installed; the structural check is skipped");
        return;
    };
    assert!(out.status.success());
    let path = std::env::temp_dir().join(format!("kasvu-report-{}.pdf", std::process::id()));
    std::fs::write(&path, to_pdf(&doc(40))).unwrap();
    let check = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    let says = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "qpdf --check: {says}");
    assert!(
        says.contains("No syntax or stream encoding errors"),
        "{says}"
    );
}
