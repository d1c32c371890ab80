//! The report's figures and measures as a workbook.

use super::ReportDoc;

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
