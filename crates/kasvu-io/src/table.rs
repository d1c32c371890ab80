//! Tables people save from spreadsheets: CSV with `,` or `;` (Finnish Excel
//! saves with `;`), UTF-8 with or without a byte-order mark; and XLSX. Both
//! come out as a header and rows of text cells with spreadsheet row numbers
//! (the header is row 1), so every importer reads them alike.

use crate::ImportError;

/// A table's header (lower-cased, trimmed) and where each column is.
pub struct Header {
    pub names: Vec<String>,
}

impl Header {
    pub fn new(names: impl IntoIterator<Item = String>) -> Header {
        Header {
            names: names
                .into_iter()
                .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
                .collect(),
        }
    }

    pub fn col(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|h| h == name)
    }

    /// Checks that the required columns exist and no unknown one does.
    pub fn check(
        &self,
        file: &str,
        required: &[&str],
        optional: &[&str],
    ) -> Result<(), ImportError> {
        for r in required {
            if self.col(r).is_none() {
                return Err(ImportError {
                    row: Some(1),
                    field: Some((*r).to_owned()),
                    ..ImportError::file(
                        file,
                        format!(
                            "the header row has no column '{r}' (expected {})",
                            required.join(",")
                        ),
                    )
                });
            }
        }
        if let Some(unknown) = self
            .names
            .iter()
            .find(|h| !required.contains(&h.as_str()) && !optional.contains(&h.as_str()))
        {
            return Err(ImportError {
                row: Some(1),
                field: Some(unknown.clone()),
                ..ImportError::file(file, format!("unknown column '{unknown}'"))
            });
        }
        Ok(())
    }
}

/// Opens delimited text: strips a BOM and picks `;` or `,` from the header.
pub fn csv_reader<'a>(bytes: &'a [u8], file: &str) -> Result<csv::Reader<&'a [u8]>, ImportError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let first_line_end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    let first = std::str::from_utf8(&bytes[..first_line_end]).map_err(|e| {
        ImportError::file(
            file,
            format!("not UTF-8 text (save the sheet as CSV UTF-8): {e}"),
        )
    })?;
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    Ok(csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes))
}

/// Reads the header of a CSV reader.
pub fn csv_header(rdr: &mut csv::Reader<&[u8]>, file: &str) -> Result<Header, ImportError> {
    Ok(Header::new(
        rdr.headers()
            .map_err(|e| ImportError::file(file, format!("cannot read the header row: {e}")))?
            .iter()
            .map(str::to_owned),
    ))
}

/// Turns a CSV read error into one that names the row.
pub fn csv_row_error(file: &str, row: usize, e: csv::Error) -> ImportError {
    let msg = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text (save the sheet as CSV UTF-8)".to_owned(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("the row has {len} fields, the header {expected_len}")
        }
        _ => format!("cannot read the row: {e}"),
    };
    ImportError {
        row: Some(row),
        ..ImportError::file(file, msg)
    }
}

/// The first sheet of an XLSX workbook as text rows (the header first).
pub fn xlsx_rows(bytes: &[u8], file: &str) -> Result<Vec<Vec<String>>, ImportError> {
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| ImportError::file(file, format!("not a readable XLSX workbook: {e}")))?;
    let sheet = wb
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError::file(file, "the workbook has no sheets"))?
        .map_err(|e| ImportError::file(file, format!("cannot read the first sheet: {e}")))?;
    Ok(sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.trim().to_owned(),
                    Data::Float(f) => format_number(*f),
                    Data::Int(i) => i.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(d) => d.to_string(),
                    Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Error(e) => format!("#ERROR {e}"),
                })
                .collect()
        })
        .collect())
}

/// A number as plain text without a needless `.0` (periods like 2024 and
/// codes like 564 arrive from Excel as floats).
pub fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}
