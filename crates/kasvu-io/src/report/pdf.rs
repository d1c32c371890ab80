//! The whole report as a tagged A4 PDF (PDF/UA-style): the structure tree
//! (Document, H1–H3, P, L/LI, Table/TR/TH/TD, Figure with Alt text) in
//! reading order, every piece of content marked with its element's marked
//! content id, the document's language and title, and the organisation's
//! name, the plan's title and page numbers on every page as artifacts.
//!
//! The text is in the standard Helvetica, encoded as WinAnsi (Windows-1252),
//! which covers Finnish and Swedish letters; no font is embedded.

use super::chart::chart;
use super::layout::{show, text_width, Cell, Kid, Writer, MARGIN, PAGE_H, PAGE_W};
use super::ReportDoc;
use pdf_writer::types::{ArtifactType, StructRole, TabOrder};
use pdf_writer::{Finish, Name, Pdf, Rect, Ref, TextStr};

/// Lays the report out: the same parts, in the same order, as the page.
fn lay_out(doc: &ReportDoc) -> Writer {
    let l = &doc.labels;
    let mut w = Writer::new();
    w.block(StructRole::H1, &doc.title, 16.0, true, 0.0);
    w.gap(4.0);
    w.list(&doc.facts, 10.0);

    w.heading(StructRole::H2, &l.measures, 13.0, 40.0);
    let rows: Vec<Vec<Cell>> = doc
        .measures
        .iter()
        .map(|m| {
            let rating = m
                .rating
                .map(|r| format!("{} {r}/5. ", l.rating))
                .unwrap_or_default();
            vec![
                Cell {
                    text: format!("{}\n{}", m.goal, m.focus_area),
                    row_header: false,
                },
                Cell {
                    text: m.measure.clone(),
                    row_header: true,
                },
                Cell {
                    text: m.status.clone(),
                    row_header: false,
                },
                Cell {
                    text: format!("{rating}{}", m.evaluation),
                    row_header: false,
                },
            ]
        })
        .collect();
    w.table(
        &[
            l.goal.clone(),
            l.measure.clone(),
            l.status.clone(),
            l.evaluation.clone(),
        ],
        &[0.24, 0.24, 0.13, 0.39],
        &rows,
    );

    if !doc.impacts.is_empty() {
        w.heading(StructRole::H2, &l.impacts, 13.0, 40.0);
        let rows: Vec<Vec<Cell>> = doc
            .impacts
            .iter()
            .map(|x| {
                vec![
                    Cell {
                        text: x.statement.clone(),
                        row_header: true,
                    },
                    Cell {
                        text: x.indicator.clone(),
                        row_header: false,
                    },
                    Cell {
                        text: x.direction.clone(),
                        row_header: false,
                    },
                ]
            })
            .collect();
        w.table(
            &[
                l.impact_statement.clone(),
                l.indicator.clone(),
                l.impact_direction.clone(),
            ],
            &[0.45, 0.35, 0.2],
            &rows,
        );
    }

    w.heading(StructRole::H2, &l.figures, 13.0, 40.0);
    let rows: Vec<Vec<Cell>> = doc
        .figures
        .iter()
        .map(|f| {
            [&f.indicator, &f.value, &f.previous, &f.verdict]
                .into_iter()
                .enumerate()
                .map(|(k, t)| Cell {
                    text: t.clone(),
                    row_header: k == 0,
                })
                .collect()
        })
        .collect();
    w.table(
        &[
            l.indicator.clone(),
            l.value.clone(),
            l.previous.clone(),
            l.verdict.clone(),
        ],
        &[0.46, 0.14, 0.2, 0.2],
        &rows,
    );
    for series in &doc.charts {
        chart(&mut w, series, &l.period, &l.chart_value, &doc.lang);
    }
    w.block(StructRole::P, &l.suppression_note, 8.5, false, 0.0);

    if !doc.conclusions.is_empty() {
        w.heading(StructRole::H2, &l.conclusions, 13.0, 40.0);
        for (period, text) in &doc.conclusions {
            w.heading(StructRole::H3, period, 11.0, 24.0);
            for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
                w.block(StructRole::P, para.trim(), 9.5, false, 0.0);
                w.gap(4.0);
            }
        }
    }
    w
}

/// The running header (organisation, plan) and footer (report, page n / N)
/// of every page, as pagination artifacts.
fn paginate(w: &mut Writer, doc: &ReportDoc) {
    let total = w.pages.len();
    let right = |text: &str, size: f32| PAGE_W - MARGIN - text_width(text, size, false);
    for k in 0..total {
        let number = format!("{} {} / {total}", doc.labels.page, k + 1);
        w.artifact(k, ArtifactType::Pagination, |c| {
            let y = PAGE_H - MARGIN + 8.0;
            show(c, MARGIN, y, &doc.org_name, true, 8.0);
            show(
                c,
                right(&doc.plan_title, 8.0),
                y,
                &doc.plan_title,
                false,
                8.0,
            );
            c.set_line_width(0.5);
            c.set_stroke_gray(0.6);
            c.move_to(MARGIN, y - 4.0);
            c.line_to(PAGE_W - MARGIN, y - 4.0);
            c.stroke();
            let y = MARGIN - 14.0;
            show(c, MARGIN, y, &doc.title, false, 8.0);
            show(c, right(&number, 8.0), y, &number, false, 8.0);
        });
    }
}

/// The XMP metadata of the document: its title and language (PDF/UA wants
/// the title here as well as in the document information).
fn xmp(doc: &ReportDoc) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{plan}</rdf:li></rdf:Alt></dc:description>
<dc:creator><rdf:Seq><rdf:li>{org}</rdf:li></rdf:Seq></dc:creator>
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
<xmp:CreatorTool>Kasvu</xmp:CreatorTool>
<pdf:Producer>Kasvu</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        title = esc(&doc.title),
        plan = esc(&doc.plan_title),
        org = esc(&doc.org_name),
        lang = esc(&doc.lang),
    )
}

/// The whole report as a tagged A4 PDF.
pub fn to_pdf(doc: &ReportDoc) -> Vec<u8> {
    let mut w = lay_out(doc);
    paginate(&mut w, doc);

    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = alloc();
    let page_tree = alloc();
    let regular = alloc();
    let bold = alloc();
    let info = alloc();
    let root = alloc();
    let metadata = alloc();
    let page_ids: Vec<(Ref, Ref, Ref)> = w
        .pages
        .iter()
        .map(|_| (alloc(), alloc(), alloc()))
        .collect();
    let node_ids: Vec<Ref> = w.nodes.iter().map(|_| alloc()).collect();

    let lang = if doc.lang.is_empty() { "fi" } else { &doc.lang };
    {
        let mut cat = pdf.catalog(catalog);
        cat.pages(page_tree);
        cat.lang(TextStr(lang));
        cat.mark_info().marked(true);
        cat.viewer_preferences().display_doc_title(true);
        cat.pair(Name(b"StructTreeRoot"), root);
        cat.metadata(metadata);
    }
    pdf.pages(page_tree)
        .kids(page_ids.iter().map(|p| p.0))
        .count(page_ids.len() as i32);
    for (k, page) in w.pages.iter().enumerate() {
        let (page_id, content_id, parents_id) = page_ids[k];
        let mut p = pdf.page(page_id);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        p.parent(page_tree);
        p.contents(content_id);
        p.struct_parents(k as i32);
        p.tab_order(TabOrder::StructureOrder);
        let mut res = p.resources();
        let mut fonts = res.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        fonts.finish();
        res.finish();
        p.finish();
        // The page's entry in the parent tree: the element owning each
        // marked content id, in order.
        pdf.indirect(parents_id)
            .array()
            .items(page.owners.iter().map(|o| node_ids[*o]));
    }
    for (k, page) in std::mem::take(&mut w.pages).into_iter().enumerate() {
        pdf.stream(page_ids[k].1, &page.content.finish());
    }
    {
        let mut tree = pdf
            .indirect(root)
            .start::<pdf_writer::writers::StructTreeRoot>();
        tree.child(node_ids[0]);
        let mut parents = tree.parent_tree();
        let mut nums = parents.nums();
        for (k, ids) in page_ids.iter().enumerate() {
            nums.insert(k as i32, ids.2);
        }
        nums.finish();
        parents.finish();
        tree.parent_tree_next_key(page_ids.len() as i32);
    }
    for (k, node) in w.nodes.iter().enumerate() {
        let mut el = pdf.struct_element(node_ids[k]);
        el.kind(node.role);
        el.parent(node.parent.map(|p| node_ids[p]).unwrap_or(root));
        if let Some(alt) = &node.alt {
            el.alt(TextStr(alt));
        }
        if let Some(scope) = node.scope {
            el.attributes().push().table().scope(scope);
        }
        let mut kids = el.children();
        for kid in &node.kids {
            match *kid {
                Kid::Elem(e) => {
                    kids.struct_element(node_ids[e]);
                }
                Kid::Marked { page, mcid } => {
                    kids.marked_content_ref()
                        .page(page_ids[page].0)
                        .marked_content_id(mcid);
                }
            }
        }
    }
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info)
        .title(TextStr(&doc.title))
        .subject(TextStr(&doc.plan_title))
        .author(TextStr(&doc.org_name))
        .creator(TextStr("Kasvu"));
    let xmp = xmp(doc);
    pdf.metadata(metadata, xmp.as_bytes());
    pdf.finish()
}
