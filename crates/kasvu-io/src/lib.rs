//! Kasvu's importers and exporters, and the Oulu demo data.

// An import error is built once, on the cold path of a failed import; its
// size (file, row, field, message, catalogue id) does not matter.
#![allow(clippy::result_large_err)]

pub mod actors_csv;
pub mod demo;
mod demo_backbone;
mod demo_governance;
mod demo_teams;
pub mod export;
pub mod feedback_export;
pub mod ics;
pub mod indicators_csv;
pub mod limits;
pub mod linked_events;
pub mod mail;
pub mod orgunits_csv;
pub mod report;
pub mod spreadsheet_text;
pub mod table;
pub mod values;

pub use limits::Limits;
pub use values::jsonstat;

use std::fmt;

/// An import error that names the file, the row (spreadsheet numbering: the
/// header is row 1) and the field. Imports are all-or-nothing, so one such
/// error means nothing was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    pub row: Option<usize>,
    /// For JSON-stat: the cell (1-based position in the value array).
    pub cell: Option<usize>,
    pub field: Option<String>,
    pub message: String,
    /// Catalogue id and arguments for the web, when the cause is a domain rule.
    pub code: Option<&'static str>,
    pub args: Vec<(&'static str, String)>,
}

impl ImportError {
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        ImportError {
            file: file.to_owned(),
            row: None,
            cell: None,
            field: None,
            message: message.into(),
            code: None,
            args: Vec::new(),
        }
    }

    pub fn field(file: &str, row: usize, e: kasvu_core::FieldError) -> Self {
        ImportError {
            file: file.to_owned(),
            row: Some(row),
            cell: None,
            field: Some(e.field),
            message: e.problem.english,
            code: Some(e.problem.code),
            args: e.problem.args,
        }
    }
}

impl ImportError {
    /// A problem with one cell of a JSON-stat dataset.
    pub fn cell(file: &str, cell: usize, e: kasvu_core::FieldError) -> Self {
        ImportError {
            row: None,
            cell: Some(cell),
            ..ImportError::field(file, 0, e)
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        if let Some(c) = self.cell {
            write!(f, ", cell {c}")?;
        }
        if let Some(c) = &self.field {
            write!(f, ", field '{c}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ImportError {}

/// Something an import let pass but ignored, and says so: the file, the row
/// (spreadsheet numbering) and the field, with a catalogue id and its
/// arguments for the reader's language (the English text is for logs and
/// tests). Imports forgive only what is safe to forgive — a `kind` on an
/// area row, which an area cannot have — and warn each time; codes written
/// in other capitals are the same code and match silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    pub row: usize,
    pub field: String,
    /// English, as in [`ImportError::message`].
    pub message: String,
    /// Catalogue id (one of [`WARNING_IDS`]).
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
}

/// A `kind` on a row whose level takes none was ignored; args `level`, `value`.
pub const WARN_KIND_IGNORED: &str = "warn-kind-ignored";

/// Every catalogue id a [`Warning`] may carry (the web's catalogue test
/// checks that fi, sv and en have each).
pub const WARNING_IDS: &[&str] = &[WARN_KIND_IGNORED];

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, row {}, field '{}': {}",
            self.file, self.row, self.field, self.message
        )
    }
}

/// The rows an importer read, with their spreadsheet row numbers, and what
/// it ignored on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    pub rows: Vec<(usize, T)>,
    pub warnings: Vec<Warning>,
}

/// Turns a store error from a bulk operation into an import error of `file`.
pub fn import_error_from_store(file: &str, e: kasvu_store::StoreError) -> ImportError {
    match e {
        kasvu_store::StoreError::Row { row, error } => ImportError::field(file, row, error),
        other => ImportError::file(file, other.to_string()),
    }
}
