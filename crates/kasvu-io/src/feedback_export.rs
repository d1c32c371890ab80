//! A feedback round's results as CSV (UTF-8 with BOM, `;`, decimal comma,
//! for Finnish Excel) and XLSX: one row per question and answer category,
//! with small numbers left empty and flagged, as on the page. Free-text
//! answers are never exported. Text cells that a spreadsheet would run as
//! a formula are exported as text.

use crate::export::decimal_comma;
use crate::spreadsheet_text::neutralise;
use kasvu_core::QuestionKind;
use kasvu_store::{Round, RoundResults};

const HEADER: [&str; 7] = [
    "question",
    "question_text",
    "category",
    "count",
    "suppressed",
    "respondents",
    "mean",
];

/// One exported row: the cells as text, and the count/mean as numbers.
struct Line {
    question: usize,
    text: String,
    category: String,
    count: Option<f64>,
    suppressed: bool,
    respondents: Option<f64>,
    mean: Option<f64>,
}

fn lines(results: &RoundResults) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, (q, r)) in results.questions.iter().enumerate() {
        if q.kind == QuestionKind::Text {
            continue;
        }
        let labels: Vec<String> = match q.kind {
            QuestionKind::Scale | QuestionKind::Smiley => (1..=5).map(|n| n.to_string()).collect(),
            _ => q.options.clone(),
        };
        for (label, cell) in labels.iter().zip(&r.counts) {
            out.push(Line {
                question: i + 1,
                text: q.text.clone(),
                category: label.clone(),
                count: cell.shown(),
                suppressed: cell.suppressed,
                respondents: (!r.suppressed).then_some(r.respondents as f64),
                mean: r.mean,
            });
        }
    }
    out
}

pub fn to_csv(_round: &Round, results: &RoundResults) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    let num = |v: Option<f64>| v.map(decimal_comma).unwrap_or_default();
    // Writing to a Vec cannot fail; a failure would lose only this export.
    let _ = w.write_record(HEADER);
    for l in lines(results) {
        let _ = w.write_record([
            l.question.to_string(),
            neutralise(&l.text).into_owned(),
            neutralise(&l.category).into_owned(),
            num(l.count),
            if l.suppressed { "1" } else { "0" }.to_owned(),
            num(l.respondents),
            num(l.mean),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

pub fn to_xlsx(round: &Round, results: &RoundResults) -> Result<Vec<u8>, String> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    ws.set_name("results").map_err(e)?;
    ws.write_string(0, 0, &round.title).map_err(e)?;
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(2, c as u16, *h).map_err(e)?;
    }
    for (i, l) in lines(results).into_iter().enumerate() {
        let row = i as u32 + 3;
        ws.write_number(row, 0, l.question as f64).map_err(e)?;
        ws.write_string(row, 1, &l.text).map_err(e)?;
        ws.write_string(row, 2, &l.category).map_err(e)?;
        if let Some(v) = l.count {
            ws.write_number(row, 3, v).map_err(e)?;
        }
        ws.write_boolean(row, 4, l.suppressed).map_err(e)?;
        if let Some(v) = l.respondents {
            ws.write_number(row, 5, v).map_err(e)?;
        }
        if let Some(v) = l.mean {
            ws.write_number(row, 6, v).map_err(e)?;
        }
    }
    wb.save_to_buffer().map_err(e)
}
