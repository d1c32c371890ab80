//! The yearly welfare report as files: an XLSX of its figures and a PDF of
//! the whole report. The web builds a [`ReportDoc`] in the reader's language
//! (figures already suppressed, as text), and these writers only lay it out.
//!
//! The PDF is written with pdf-writer in the standard Helvetica font, so no
//! font is embedded; its text is encoded as WinAnsi (Windows-1252), which
//! covers Finnish and Swedish letters. Line breaking is by an average
//! character width — written here because pdf-writer is deliberately
//! low-level and the layout needed is just headed paragraphs and rows.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A figure row: the indicator, the year's figure, the previous year's, and
/// the judgement (all text; a hidden figure says so).
#[derive(Debug, Clone, PartialEq)]
pub struct FigureRow {
    pub indicator: String,
    pub value: String,
    /// The number behind `value`, `None` when missing or suppressed.
    pub number: Option<f64>,
    pub previous: String,
    pub previous_number: Option<f64>,
    pub verdict: String,
}

/// A measure and what happened to it in the year.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureRow {
    pub goal: String,
    pub focus_area: String,
    pub measure: String,
    pub status: String,
    pub rating: Option<u8>,
    pub evaluation: String,
}

/// Labels of the report's parts in the reader's language.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportLabels {
    pub measures: String,
    pub figures: String,
    pub conclusions: String,
    pub goal: String,
    pub focus_area: String,
    pub measure: String,
    pub status: String,
    pub rating: String,
    pub evaluation: String,
    pub indicator: String,
    pub value: String,
    pub previous: String,
    pub verdict: String,
    pub suppression_note: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportDoc {
    pub title: String,
    /// The plan's title (the PDF's subject).
    pub plan_title: String,
    /// Plan, period, scope, status: one line each.
    pub facts: Vec<String>,
    pub measures: Vec<MeasureRow>,
    pub figures: Vec<FigureRow>,
    /// Written conclusions: (period, text).
    pub conclusions: Vec<(String, String)>,
    pub labels: ReportLabels,
}

/// The report's figures and measures as a workbook of two sheets.
pub fn to_xlsx(doc: &ReportDoc) -> Result<Vec<u8>, String> {
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let l = &doc.labels;
    {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&l.figures)).map_err(e)?;
        ws.write_string_with_format(0, 0, &doc.title, &bold)
            .map_err(e)?;
        for (c, h) in [&l.indicator, &l.value, &l.previous, &l.verdict]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(2, c as u16, h.as_str(), &bold)
                .map_err(e)?;
        }
        for (i, f) in doc.figures.iter().enumerate() {
            let r = i as u32 + 3;
            ws.write_string(r, 0, &f.indicator).map_err(e)?;
            // A number where there is one; the text ("hidden", "–") where not.
            match f.number {
                Some(v) => ws.write_number(r, 1, v).map_err(e)?,
                None => ws.write_string(r, 1, &f.value).map_err(e)?,
            };
            match f.previous_number {
                Some(v) => ws.write_number(r, 2, v).map_err(e)?,
                None => ws.write_string(r, 2, &f.previous).map_err(e)?,
            };
            ws.write_string(r, 3, &f.verdict).map_err(e)?;
        }
        let note_row = doc.figures.len() as u32 + 4;
        ws.write_string(note_row, 0, &l.suppression_note)
            .map_err(e)?;
        ws.set_column_width(0, 48).map_err(e)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&l.measures)).map_err(e)?;
        let heads = [
            &l.goal,
            &l.focus_area,
            &l.measure,
            &l.status,
            &l.rating,
            &l.evaluation,
        ];
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h.as_str(), &bold)
                .map_err(e)?;
        }
        for (i, m) in doc.measures.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &m.goal).map_err(e)?;
            ws.write_string(r, 1, &m.focus_area).map_err(e)?;
            ws.write_string(r, 2, &m.measure).map_err(e)?;
            ws.write_string(r, 3, &m.status).map_err(e)?;
            if let Some(v) = m.rating {
                ws.write_number(r, 4, f64::from(v)).map_err(e)?;
            }
            ws.write_string(r, 5, &m.evaluation).map_err(e)?;
        }
    }
    wb.save_to_buffer().map_err(e)
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    s.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// Windows-1252 bytes of a text; characters it lacks become `?` (a minus
/// sign becomes a hyphen, an arrow is dropped).
fn winansi(s: &str) -> Vec<u8> {
    s.chars()
        .filter_map(|c| match c {
            '\u{2212}' => Some(b'-'),
            '\u{2192}' | '\u{2191}' | '\u{2193}' => None,
            '\u{a0}' => Some(b' '),
            c if (c as u32) < 0x80 => Some(c as u8),
            c if (0xa0..=0xff).contains(&(c as u32)) => Some(c as u32 as u8),
            '€' => Some(0x80),
            '‚' => Some(0x82),
            '„' => Some(0x84),
            '…' => Some(0x85),
            '‰' => Some(0x89),
            '‘' => Some(0x91),
            '’' => Some(0x92),
            '“' => Some(0x93),
            '”' => Some(0x94),
            '•' => Some(0x95),
            '–' => Some(0x96),
            '—' => Some(0x97),
            _ => Some(b'?'),
        })
        .collect()
}

/// Breaks a text into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;

/// Lays text out top to bottom, starting a new page when one is full.
struct Writer {
    pages: Vec<Content>,
    y: f32,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            pages: vec![Content::new()],
            y: PAGE_H - MARGIN,
        }
    }

    fn line(&mut self, text: &str, bold: bool, size: f32, indent: f32) {
        let lead = size * 1.35;
        if self.y - lead < MARGIN {
            self.pages.push(Content::new());
            self.y = PAGE_H - MARGIN;
        }
        self.y -= lead;
        if let Some(c) = self.pages.last_mut() {
            c.begin_text();
            c.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
            c.next_line(MARGIN + indent, self.y);
            c.show(Str(&winansi(text)));
            c.end_text();
        }
    }

    fn paragraph(&mut self, text: &str, size: f32, indent: f32) {
        // Helvetica's average glyph is about half an em wide.
        let width = ((PAGE_W - 2.0 * MARGIN - indent) / (size * 0.5)) as usize;
        for l in wrap(text, width.max(20)) {
            self.line(&l, false, size, indent);
        }
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }
}

/// The whole report as an A4 PDF.
pub fn to_pdf(doc: &ReportDoc) -> Vec<u8> {
    let mut w = Writer::new();
    let l = &doc.labels;
    w.paragraph(&doc.title, 16.0, 0.0);
    for f in &doc.facts {
        w.line(f, false, 10.0, 0.0);
    }
    w.gap(10.0);
    w.line(&l.measures, true, 13.0, 0.0);
    let mut last_goal = "";
    for m in &doc.measures {
        if m.goal != last_goal {
            w.gap(4.0);
            w.paragraph(&m.goal, 11.0, 0.0);
            last_goal = &m.goal;
        }
        w.paragraph(
            &format!("{} – {}: {}", m.focus_area, m.measure, m.status),
            9.5,
            12.0,
        );
        if !m.evaluation.is_empty() {
            let rating = m
                .rating
                .map(|r| format!("{} {r}/5. ", l.rating))
                .unwrap_or_default();
            w.paragraph(&format!("{rating}{}", m.evaluation), 9.0, 24.0);
        }
    }
    w.gap(10.0);
    w.line(&l.figures, true, 13.0, 0.0);
    for f in &doc.figures {
        w.paragraph(
            &format!(
                "{}: {} ({} {}) {}",
                f.indicator, f.value, l.previous, f.previous, f.verdict
            ),
            9.5,
            12.0,
        );
    }
    w.paragraph(&l.suppression_note, 8.5, 0.0);
    if !doc.conclusions.is_empty() {
        w.gap(10.0);
        w.line(&l.conclusions, true, 13.0, 0.0);
        for (period, text) in &doc.conclusions {
            w.line(period, true, 10.0, 0.0);
            w.paragraph(text, 9.5, 0.0);
        }
    }

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 6;
    let n = w.pages.len() as i32;
    let page_ids: Vec<Ref> = (0..n).map(|k| Ref::new(first_page + 2 * k)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(n);
    for (k, content) in w.pages.into_iter().enumerate() {
        let page_id = page_ids[k];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(content_id);
        let mut res = page.resources();
        let mut fonts = res.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        fonts.finish();
        res.finish();
        page.finish();
        pdf.stream(content_id, &content.finish());
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
        .creator(TextStr("Kasvu"));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(measures: usize) -> ReportDoc {
        ReportDoc {
            title: "Hyvinvointikertomus 2025: Itäinen alue".into(),
            plan_title: "Itäisen alueen kehittämissuunnitelma 2024–2026".into(),
            facts: vec!["Lasten ja nuorten hyvinvointisuunnitelma 2022–2026".into()],
            measures: (0..measures)
                .map(|k| MeasureRow {
                    goal: "Osallisuuden ja vaikuttamisen vahvistaminen".into(),
                    focus_area: "Taide-, kulttuuri- ja liikuntakerhot".into(),
                    measure: format!("Toimenpide {k}: maksuttomat kerhot koulupäivän yhteydessä"),
                    status: "Käynnissä".into(),
                    rating: Some(4),
                    evaluation: "Kerhoihin osallistui enemmän oppilaita kuin edellisenä vuonna."
                        .into(),
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
            conclusions: vec![("2025".into(), "Johtopäätös.".into())],
            labels: ReportLabels {
                figures: "Mittarit".into(),
                measures: "Toimenpiteet".into(),
                suppression_note: "Pienet luvut on piilotettu.".into(),
                ..Default::default()
            },
        }
    }

    #[test]
    fn a_long_report_has_pages_and_its_title() {
        let pdf = to_pdf(&doc(120));
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        assert!(
            pages >= 2,
            "a long report runs over several pages, got {pages}"
        );
        assert!(text.contains("/BaseFont /Helvetica"));
        // The Finnish letters are WinAnsi bytes in the content (written as a
        // hex string), not UTF-8.
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
        let upper = text.to_uppercase();
        assert!(upper.contains(&hex(b"It\xe4inen")), "WinAnsi ä");
        assert!(!upper.contains(&hex("Itäinen".as_bytes())), "no UTF-8 ä");
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

    #[test]
    fn lines_wrap_at_spaces() {
        assert_eq!(wrap("yksi kaksi kolme", 10), vec!["yksi kaksi", "kolme"]);
    }
}
