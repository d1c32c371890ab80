//! The yearly report as a tagged PDF worth publishing, and the authors of
//! written conclusions shown by name to staff and by role and unit to the
//! public (issue 20).

mod common;
use common::*;
use lopdf::{Dictionary, Document, Object};

/// Latin-1 (WinAnsi for these letters) bytes of a text: how the report's
/// text stands in the PDF's content streams.
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '–' => 0x96,
            c if (c as u32) < 0x100 => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}

fn has(hay: &[u8], needle: &str) -> bool {
    let n = latin1(needle);
    hay.windows(n.len()).any(|w| w == n.as_slice())
}

/// The strings shown on a page, joined by spaces.
fn page_text(doc: &Document, page: lopdf::ObjectId) -> Vec<u8> {
    let bytes = doc.get_page_content(page).expect("page content");
    let content = lopdf::content::Content::decode(&bytes).expect("content");
    let mut out = Vec::new();
    for op in content.operations {
        if op.operator == "Tj" {
            out.extend(op.operands[0].as_str().unwrap_or_default());
            out.push(b' ');
        }
    }
    out
}

fn resolved<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

/// The roles of the structure tree's elements and the Alt texts of its
/// figures.
fn structure(doc: &Document, root: &Dictionary) -> (Vec<String>, Vec<String>) {
    let (mut roles, mut alts) = (Vec::new(), Vec::new());
    let mut todo = vec![root.get(b"K").expect("the root's kids")];
    while let Some(k) = todo.pop() {
        let k = resolved(doc, k);
        if let Ok(arr) = k.as_array() {
            todo.extend(arr.iter());
            continue;
        }
        let Ok(d) = k.as_dict() else { continue };
        let Ok(role) = d.get(b"S").and_then(Object::as_name_str) else {
            continue;
        };
        if role == "Figure" {
            let alt = d.get(b"Alt").expect("a figure has Alt text");
            alts.push(lopdf::decode_text_string(alt).expect("Alt text"));
        }
        roles.push(role.to_owned());
        if let Ok(kids) = d.get(b"K") {
            todo.push(kids);
        }
    }
    (roles, alts)
}

async fn plan_ids(c: &reqwest::Client, s: &Server) -> (i64, i64) {
    let plans: serde_json::Value = c
        .get(s.url("/api/v1/plans"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = |scope: serde_json::Value| {
        plans
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["scope"] == scope)
            .expect("a demo plan")["id"]
            .as_i64()
            .unwrap()
    };
    (id(serde_json::Value::Null), id("keskinen".into()))
}

async fn pdf_of(c: &reqwest::Client, s: &Server, path: &str) -> Document {
    let r = c.get(s.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap();
    Document::load_mem(&bytes).expect("a readable PDF")
}

async fn the_report_pdf_is_tagged_and_paginated(db: &str) {
    let s = Server::start(db);
    let c = client();
    let (org_plan, keskinen_plan) = plan_ids(&c, &s).await;
    let doc = pdf_of(&c, &s, &format!("/plans/{org_plan}/report.pdf?year=2025")).await;
    let catalog = doc.catalog().expect("a catalog");
    assert_eq!(
        lopdf::decode_text_string(catalog.get(b"Lang").expect("/Lang")).unwrap(),
        "fi"
    );
    let mark = resolved(&doc, catalog.get(b"MarkInfo").unwrap())
        .as_dict()
        .unwrap();
    assert!(mark.get(b"Marked").and_then(Object::as_bool).unwrap());
    let prefs = resolved(&doc, catalog.get(b"ViewerPreferences").unwrap())
        .as_dict()
        .unwrap();
    assert!(prefs
        .get(b"DisplayDocTitle")
        .and_then(Object::as_bool)
        .unwrap());
    let root = resolved(&doc, catalog.get(b"StructTreeRoot").expect("tagged"))
        .as_dict()
        .unwrap();
    let (roles, alts) = structure(&doc, root);
    for role in [
        "Document", "H1", "H2", "P", "L", "LI", "Table", "TR", "TH", "TD", "Figure",
    ] {
        assert!(roles.iter().any(|r| r == role), "a {role} in {roles:?}");
    }
    assert!(
        alts.iter()
            .any(|a| a.contains("Kokee itsensä usein yksinäiseksi") && a.contains("2023: ")),
        "a chart's Alt text names the indicator and its values: {alts:?}"
    );
    let pages = doc.get_pages();
    assert!(pages.len() > 1, "the report runs over pages");
    let mut all = Vec::new();
    for (n, page) in &pages {
        let text = page_text(&doc, *page);
        assert!(has(&text, "Oulun kaupunki"), "page {n} names the city");
        assert!(
            has(&text, "Lasten ja nuorten hyvinvointisuunnitelma 2022–2026"),
            "page {n} names the plan"
        );
        assert!(
            has(&text, &format!("Sivu {n} / {}", pages.len())),
            "page {n} is numbered"
        );
        all.extend(text);
    }
    for needle in [
        "Hyvinvointikertomus 2025: Oulun kaupunki",
        "Vuoden 2025 tulokset",
        "Kokee itsensä usein yksinäiseksi (%)",
        "Vaikuttavuus",
    ] {
        assert!(has(&all, needle), "the PDF has {needle:?}");
    }
    // An area's report carries the area's written conclusions.
    let area = pdf_of(
        &c,
        &s,
        &format!("/plans/{keskinen_plan}/report.pdf?year=2025"),
    )
    .await;
    let text: Vec<u8> = area
        .get_pages()
        .values()
        .flat_map(|p| page_text(&area, *p))
        .collect();
    assert!(has(&text, "Kouluterveyskyselyn 2025 tulosten mukaan"));
    // In Swedish, the document says so.
    let sv = client();
    sv.get(s.url("/lang/sv")).send().await.unwrap();
    let doc = pdf_of(&sv, &s, &format!("/plans/{org_plan}/report.pdf?year=2025")).await;
    let lang = doc.catalog().unwrap().get(b"Lang").unwrap();
    assert_eq!(lopdf::decode_text_string(lang).unwrap(), "sv");
    let first = doc.get_pages()[&1];
    assert!(has(&page_text(&doc, first), "Sida 1 / "));
    // The HTML report has the same parts: the impacts and each chart's values.
    let html = c
        .get(s.url(&format!("/plans/{org_plan}/report?year=2025")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<h2 id=\"report-impacts\">Vaikuttavuus</h2>"));
    assert!(html.contains("class=\"data-table report-chart-values\""));
}

async fn authors_by_name_to_staff_by_role_to_the_public(db: &str) {
    let s = Server::start(db);
    // Keskinen's area manager writes the area's conclusions for 2026.
    let manager = "aluepaallikko.keskinen@oulu.example";
    let c = login_demo(&s, manager).await;
    let page = c
        .get(s.url("/units/keskinen/targets"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = c
        .post(s.url("/units/keskinen/analysis"))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("period", "2026"),
            (
                "body",
                "Vuoden 2026 johtopäätös: kerhot tavoittavat uusia lapsia.",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "saved and redirected");
    let public = client()
        .get(s.url("/units/keskinen/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(public.contains("Vuoden 2026 johtopäätös"), "{public}");
    for u in kasvu_io::demo::USERS {
        assert!(
            !public.contains(u.email),
            "the public dashboard shows no e-mail address ({})",
            u.email
        );
    }
    assert!(
        public.contains("<p class=\"muted\">Aluepäällikkö, Keskinen alue</p>"),
        "the public sees the author's role and unit: {}",
        &public[public.find("Vuoden 2026").unwrap_or(0)..]
    );
    assert!(!public.contains("Kaisa Keskinen"), "and not the name");
    // Staff see the author's name.
    let staff = login_demo(&s, "johtotiimi.tuira@oulu.example").await;
    let seen = staff
        .get(s.url("/units/keskinen/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        seen.contains("<p class=\"muted\">Kaisa Keskinen</p>"),
        "{seen}"
    );
    assert!(!seen.contains(manager));
    // Staff of another organisation in the learning network read the
    // dashboard as the public does: role and unit, not the name.
    let soite = login_demo(&s, "admin@soite.example").await;
    let other = soite
        .get(s.url("/units/keskinen/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(other.contains("Vuoden 2026 johtopäätös"), "{other}");
    assert!(
        !other.contains("Kaisa Keskinen"),
        "no name to another organisation"
    );
    assert!(!other.contains(manager));
    let targets = c
        .get(s.url("/units/keskinen/targets"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(targets.contains("<p class=\"muted\">Kaisa Keskinen</p>"));
    assert!(!targets.contains(&format!(">{manager}<")));
}

on_both_databases!(
    the_report_pdf_is_tagged_and_paginated,
    authors_by_name_to_staff_by_role_to_the_public
);
