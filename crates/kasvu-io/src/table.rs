//! Tables people save from spreadsheets: CSV with `,` or `;` (Finnish Excel
//! saves with `;`), UTF-8 with or without a byte-order mark; and XLSX. Both
//! come out as a header and rows of text cells with spreadsheet row numbers
//! (the header is row 1), so every importer reads them alike.

use crate::limits::{check_zip, Limits};
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
/// A file over the size limit is refused; rows and fields are checked as
/// they are read ([`csv_record`]).
pub fn csv_reader<'a>(
    bytes: &'a [u8],
    file: &str,
    limits: &Limits,
) -> Result<csv::Reader<&'a [u8]>, ImportError> {
    limits.check_size(file, bytes.len())?;
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

/// Reads the header of a CSV reader (row 1, within the column and field limits).
pub fn csv_header(
    rdr: &mut csv::Reader<&[u8]>,
    file: &str,
    limits: &Limits,
) -> Result<Header, ImportError> {
    let head = rdr
        .headers()
        .map_err(|e| ImportError::file(file, format!("cannot read the header row: {e}")))?;
    check_fields(head, file, 1, limits)?;
    Ok(Header::new(head.iter().map(str::to_owned)))
}

/// Reads the next record of a CSV table into `rec`, checked against the
/// limits; `row` is its spreadsheet number (the header is row 1). False at
/// the end of the file.
pub fn csv_record(
    rdr: &mut csv::Reader<&[u8]>,
    rec: &mut csv::StringRecord,
    file: &str,
    row: usize,
    limits: &Limits,
) -> Result<bool, ImportError> {
    match rdr.read_record(rec) {
        Ok(false) => Ok(false),
        Ok(true) => {
            limits.check_row(file, row)?;
            check_fields(rec, file, row, limits)?;
            Ok(true)
        }
        Err(e) => Err(csv_row_error(file, row, e)),
    }
}

/// Calls `f` with each non-blank data row of a CSV reader and its
/// spreadsheet row number (the header is row 1), every row checked against
/// `limits` as [`csv_record`] does; the first error stops the reading. For
/// importers that read the whole table before storing it (values are read
/// in batches between writes and keep their own loop).
pub fn for_each_csv_row(
    rdr: &mut csv::Reader<&[u8]>,
    file: &str,
    limits: &Limits,
    mut f: impl FnMut(usize, &csv::StringRecord) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut rec = csv::StringRecord::new();
    let mut row = 1;
    loop {
        row += 1;
        if !csv_record(rdr, &mut rec, file, row, limits)? {
            return Ok(());
        }
        if rec.iter().all(str::is_empty) {
            continue;
        }
        f(row, &rec)?;
    }
}

fn check_fields(
    rec: &csv::StringRecord,
    file: &str,
    row: usize,
    limits: &Limits,
) -> Result<(), ImportError> {
    for (col, text) in rec.iter().enumerate() {
        limits.check_field(file, row, col, text)?;
    }
    Ok(())
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

/// The non-empty cells of a sheet, in one text buffer: 24 bytes a cell
/// besides its text, so what a sheet keeps is bounded by the cell limit and
/// the unpacked size, however its cells are spread (blank rows and cells
/// take nothing).
#[derive(Debug, Default)]
pub struct Sheet {
    text: String,
    /// Sorted by row, then column.
    cells: Vec<CellAt>,
}

#[derive(Debug, Clone, Copy)]
struct CellAt {
    row: u32,
    col: u32,
    start: usize,
    len: u32,
}

impl Sheet {
    /// The rows that hold something, in order, the header first.
    pub fn rows(&self) -> impl Iterator<Item = SheetRow<'_>> {
        self.cells
            .chunk_by(|a, b| a.row == b.row)
            .map(|cells| SheetRow {
                number: cells[0].row as usize + 1,
                cells,
                text: &self.text,
            })
    }
}

/// A row of a sheet that has at least one non-empty cell: its spreadsheet
/// number (1-based) and its cells by column (0 = the table's first column).
pub struct SheetRow<'a> {
    pub number: usize,
    cells: &'a [CellAt],
    text: &'a str,
}

impl SheetRow<'_> {
    /// The text of a column, or "".
    pub fn get(&self, col: usize) -> &str {
        match self.cells.binary_search_by_key(&col, |c| c.col as usize) {
            Ok(i) => {
                let c = self.cells[i];
                self.text
                    .get(c.start..c.start + c.len as usize)
                    .unwrap_or("")
            }
            Err(_) => "",
        }
    }

    /// The first `width` columns as text (empty where the sheet has nothing).
    pub fn dense(&self, width: usize) -> Vec<String> {
        (0..width).map(|c| self.get(c).to_owned()).collect()
    }

    /// The cells as far as the last non-empty one (for a header row).
    pub fn all(&self) -> Vec<String> {
        self.dense(self.cells.last().map_or(0, |c| c.col as usize + 1))
    }
}

/// The first sheet of an XLSX workbook: its cells that hold something, with
/// their spreadsheet row numbers.
///
/// Never allocates by the sheet's declared dimensions (a one-cell sheet may
/// declare `A1:XFD1048576`): the zip is first walked under the unpacked-size
/// limits ([`check_zip`]), then the cells are streamed one by one and each
/// is checked against the row, column, cell and field limits before it is
/// kept. A table that starts right of column A is read from its first
/// column, as the whole-range reading did before. Should a cell appear
/// twice, the first is kept.
pub fn xlsx_rows(bytes: &[u8], file: &str, limits: &Limits) -> Result<Sheet, ImportError> {
    limits.check_size(file, bytes.len())?;
    check_zip(bytes, file, limits)?;
    // calamine 0.38 parses hostile XML with unchecked arithmetic in places
    // (an over-long cell reference such as `AAAAAAAA1` overflows a u32 in
    // `get_row_column`: a panic in debug builds, found by
    // tests/fuzz_importers.rs). A panic inside the reader is the file's
    // fault, so it refuses the file like any other unreadable workbook.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_first_sheet(bytes, file, limits)
    }))
    .unwrap_or_else(|_| {
        Err(ImportError::file(
            file,
            "not a readable XLSX workbook: the sheet's XML is malformed",
        ))
    })
}

fn read_first_sheet(bytes: &[u8], file: &str, limits: &Limits) -> Result<Sheet, ImportError> {
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| ImportError::file(file, format!("not a readable XLSX workbook: {e}")))?;
    let first = wb
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| ImportError::file(file, "the workbook has no sheets"))?;
    let sheet_err = |e: calamine::XlsxError| {
        ImportError::file(file, format!("cannot read the first sheet: {e}"))
    };
    let mut reader = wb.worksheet_cells_reader(&first).map_err(sheet_err)?;
    let mut sheet = Sheet::default();
    let mut first_col = u32::MAX;
    while let Some(cell) = reader.next_cell().map_err(sheet_err)? {
        let (r, c) = cell.get_position();
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let row = r as usize + 1;
        limits.check_row(file, row)?;
        limits.check_field(file, row, c as usize, &text)?;
        if sheet.cells.len() >= limits.cells {
            return Err(ImportError {
                row: Some(row),
                ..ImportError::file(
                    file,
                    format!(
                        "the sheet has more than {} non-empty cells (cell limit)",
                        limits.cells
                    ),
                )
            });
        }
        first_col = first_col.min(c);
        sheet.cells.push(CellAt {
            row: r,
            col: c,
            start: sheet.text.len(),
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
        });
        sheet.text.push_str(&text);
    }
    // Sheets list their cells in order, so this sort only checks that.
    sheet.cells.sort_by_key(|c| (c.row, c.col));
    sheet.cells.dedup_by_key(|c| (c.row, c.col));
    for c in &mut sheet.cells {
        c.col -= first_col;
    }
    sheet.cells.shrink_to_fit();
    sheet.text.shrink_to_fit();
    Ok(sheet)
}

fn cell_text(c: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match c {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Float(f) => format_number(*f),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#ERROR {e}"),
    }
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
