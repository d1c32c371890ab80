//! How much an imported file may hold. Every importer takes [`Limits`], so
//! a hostile or broken file is refused with a message naming the limit (and
//! the row or cell) instead of taking the process's memory or time: the web
//! upload runs inside the server. Each limit is a setting of `kasvu serve`
//! and `kasvu import` (README, "Limits on imported files").
//!
//! Memory while reading stays within a small multiple of these figures:
//! CSV is read record by record from the file's bytes; XLSX is first walked
//! part by part with every part stream-decompressed into a counting sink
//! under a hard cap (see [`check_zip`]), and then its first sheet is read
//! cell by cell ([`crate::table::xlsx_rows`]), never as a range sized by the
//! sheet's declared dimensions; JSON is first walked without building
//! anything ([`check_json`]), counting values and depth, and only then parsed.

use crate::ImportError;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::io::{Cursor, Read};

/// The limits on one imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The file as uploaded or read (bytes); in the web, the upload's size.
    pub file_bytes: usize,
    /// One unpacked part of an XLSX workbook (a sheet, the shared strings…).
    pub xlsx_part_bytes: u64,
    /// All unpacked parts of an XLSX workbook together.
    pub xlsx_total_bytes: u64,
    /// Columns of a sheet or CSV table: a value in a column past this is refused.
    pub columns: usize,
    /// Rows of a table (spreadsheet row numbers; the header is row 1).
    pub rows: usize,
    /// Non-empty cells of a sheet, and cells (values) of a JSON-stat dataset.
    pub cells: usize,
    /// One cell or field (bytes of UTF-8 text).
    pub field_bytes: usize,
    /// Nesting of JSON arrays and objects. serde_json itself stops at 128
    /// (to protect the stack), so a setting above 128 has no effect.
    pub json_depth: usize,
    /// Values in a JSON document (every number, string, array and object,
    /// and every object key, counts one): JSON's length. Its bytes are
    /// bounded by `file_bytes`.
    pub json_values: usize,
}

/// Parts of an XLSX workbook; Excel writes a few dozen. Not a setting: the
/// zip's directory is read before this can be checked, so it only stops
/// the walk, and a real workbook is nowhere near it.
pub const MAX_XLSX_PARTS: usize = 10_000;

impl Default for Limits {
    fn default() -> Self {
        // Sized so that what a reader keeps whole stays near 100 MB even
        // for a file made to inflate it (README, "Limits on imported
        // files"): calamine keeps the shared strings of a part of up to 32
        // MB (about 2 bytes in memory per byte of XML at worst), the sheet
        // keeps up to a million cells, and parsed JSON takes tens of bytes
        // per value. Larger tables go in as CSV, which streams (with
        // `--max-rows` and `--max-file-mb` raised).
        Limits {
            file_bytes: 64 * 1024 * 1024,
            xlsx_part_bytes: 32 * 1024 * 1024,
            xlsx_total_bytes: 64 * 1024 * 1024,
            columns: 256,
            // Excel's own maximum.
            rows: 1_048_576,
            cells: 1_000_000,
            field_bytes: 64 * 1024,
            json_depth: 32,
            json_values: 2_000_000,
        }
    }
}

impl Limits {
    /// No limit at all: for trusted, generated input (benchmarks).
    pub fn none() -> Limits {
        Limits {
            file_bytes: usize::MAX,
            xlsx_part_bytes: u64::MAX,
            xlsx_total_bytes: u64::MAX,
            columns: usize::MAX,
            rows: usize::MAX,
            cells: usize::MAX,
            field_bytes: usize::MAX,
            json_depth: 128,
            json_values: usize::MAX,
        }
    }

    /// Refuses a file larger than `file_bytes`.
    pub fn check_size(&self, file: &str, len: usize) -> Result<(), ImportError> {
        if len > self.file_bytes {
            return Err(ImportError::file(
                file,
                format!(
                    "the file is {} bytes, more than the limit of {} bytes (file size limit)",
                    len, self.file_bytes
                ),
            ));
        }
        Ok(())
    }

    /// Refuses a row past the row limit (`row` is the spreadsheet's number).
    pub fn check_row(&self, file: &str, row: usize) -> Result<(), ImportError> {
        if row > self.rows {
            return Err(ImportError {
                row: Some(row),
                ..ImportError::file(file, format!("more than {} rows (row limit)", self.rows))
            });
        }
        Ok(())
    }

    /// Refuses a field longer than `field_bytes`, or past the column limit
    /// (`col` counts from 0).
    pub fn check_field(
        &self,
        file: &str,
        row: usize,
        col: usize,
        text: &str,
    ) -> Result<(), ImportError> {
        if col >= self.columns && !text.is_empty() {
            return Err(ImportError {
                row: Some(row),
                ..ImportError::file(
                    file,
                    format!(
                        "cell {}{row} is past the limit of {} columns (column limit)",
                        column_name(col),
                        self.columns
                    ),
                )
            });
        }
        if text.len() > self.field_bytes {
            return Err(ImportError {
                row: Some(row),
                ..ImportError::file(
                    file,
                    format!(
                        "cell {}{row} holds {} bytes, more than the limit of {} bytes (field length limit)",
                        column_name(col),
                        text.len(),
                        self.field_bytes
                    ),
                )
            });
        }
        Ok(())
    }
}

/// A spreadsheet column's letters: 0 → A, 25 → Z, 26 → AA, 16383 → XFD.
pub fn column_name(col: usize) -> String {
    let mut n = col as u128 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let d = ((n - 1) % 26) as u8;
        out.push(b'A' + d);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Walks every part of a zip archive (an XLSX workbook) and decompresses
/// each into a counting sink that stops at the limit, refusing the file when
/// one part or all of them together unpack to more than the limits allow.
/// The sizes the archive declares are not trusted: they can lie, so the
/// bytes are counted as they come out of the decompressor. Calamine later
/// reads the same parts through the same zip reader, so its reads are
/// bounded by what this walk let through.
///
/// Hand-written because no crate does this: the `zip` crate and calamine
/// read whatever a part unpacks to, and zip-bomb checks elsewhere compare
/// declared sizes or ratios, which a crafted archive fakes.
pub fn check_zip(bytes: &[u8], file: &str, limits: &Limits) -> Result<(), ImportError> {
    let not_xlsx = |e: &dyn fmt::Display| {
        ImportError::file(file, format!("not a readable XLSX workbook: {e}"))
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_xlsx(&e))?;
    if zip.len() > MAX_XLSX_PARTS {
        return Err(ImportError::file(
            file,
            format!(
                "the workbook has {} parts, more than the limit of {MAX_XLSX_PARTS}",
                zip.len()
            ),
        ));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| not_xlsx(&e))?;
        let name: String = part
            .name()
            .map(|n| n.chars().take(100).collect())
            .unwrap_or_else(|_| format!("#{}", i + 1));
        let room = limits
            .xlsx_part_bytes
            .min(limits.xlsx_total_bytes.saturating_sub(total));
        let n = std::io::copy(
            &mut (&mut part).take(room.saturating_add(1)),
            &mut std::io::sink(),
        )
        .map_err(|e| ImportError::file(file, format!("cannot unpack the part {name}: {e}")))?;
        if n > limits.xlsx_part_bytes {
            return Err(ImportError::file(
                file,
                format!(
                    "the part {name} unpacks to more than the limit of {} bytes (XLSX part size limit)",
                    limits.xlsx_part_bytes
                ),
            ));
        }
        total += n;
        if total > limits.xlsx_total_bytes {
            return Err(ImportError::file(
                file,
                format!(
                    "the workbook unpacks to more than the limit of {} bytes (XLSX unpacked size limit)",
                    limits.xlsx_total_bytes
                ),
            ));
        }
    }
    Ok(())
}

/// Checks a JSON document's size, depth and number of values without
/// building it, before it is parsed into memory: a parsed value takes tens
/// of bytes however short its text (`[0,0,0,…]`), so the length of the text
/// alone does not bound memory. Syntax errors are left for the parse that
/// follows (which names them the same way).
pub fn check_json(bytes: &[u8], file: &str, limits: &Limits) -> Result<(), ImportError> {
    limits.check_size(file, bytes.len())?;
    let mut count = 0usize;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let walk = Walk {
        depth: 0,
        count: &mut count,
        limits,
    };
    match walk.deserialize(&mut de) {
        Ok(()) => Ok(()),
        Err(e) => match LimitHit::from_message(&e.to_string()) {
            Some(hit) => Err(ImportError::file(file, hit.message(limits))),
            // Not ours: a syntax error, reported by the parse that follows.
            None => Ok(()),
        },
    }
}

enum LimitHit {
    Depth,
    Values,
}

const DEPTH_HIT: &str = "kasvu-json-depth-limit";
const VALUES_HIT: &str = "kasvu-json-values-limit";

impl LimitHit {
    fn from_message(m: &str) -> Option<LimitHit> {
        if m.contains(DEPTH_HIT) {
            Some(LimitHit::Depth)
        } else if m.contains(VALUES_HIT) {
            Some(LimitHit::Values)
        } else if m.contains("recursion limit exceeded") {
            Some(LimitHit::Depth)
        } else {
            None
        }
    }

    fn message(&self, limits: &Limits) -> String {
        match self {
            LimitHit::Depth => format!(
                "arrays and objects are nested deeper than the limit of {} (JSON depth limit)",
                limits.json_depth.min(128)
            ),
            LimitHit::Values => format!(
                "the document holds more than {} values (JSON length limit)",
                limits.json_values
            ),
        }
    }
}

/// One JSON value, walked: counts it and what it holds, allocating nothing.
struct Walk<'a> {
    depth: usize,
    count: &'a mut usize,
    limits: &'a Limits,
}

impl Walk<'_> {
    fn tick<E: serde::de::Error>(&mut self) -> Result<(), E> {
        *self.count += 1;
        if *self.count > self.limits.json_values {
            return Err(E::custom(VALUES_HIT));
        }
        Ok(())
    }

    fn nest<E: serde::de::Error>(&mut self) -> Result<usize, E> {
        if self.depth + 1 > self.limits.json_depth {
            return Err(E::custom(DEPTH_HIT));
        }
        Ok(self.depth + 1)
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: serde::de::Error>(mut self, _: bool) -> Result<(), E> {
        self.tick()
    }
    fn visit_i64<E: serde::de::Error>(mut self, _: i64) -> Result<(), E> {
        self.tick()
    }
    fn visit_u64<E: serde::de::Error>(mut self, _: u64) -> Result<(), E> {
        self.tick()
    }
    fn visit_f64<E: serde::de::Error>(mut self, _: f64) -> Result<(), E> {
        self.tick()
    }
    fn visit_str<E: serde::de::Error>(mut self, _: &str) -> Result<(), E> {
        self.tick()
    }
    fn visit_unit<E: serde::de::Error>(mut self) -> Result<(), E> {
        self.tick()
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.tick()?;
        let depth = self.nest()?;
        while seq
            .next_element_seed(Walk {
                depth,
                count: self.count,
                limits: self.limits,
            })?
            .is_some()
        {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.tick()?;
        let depth = self.nest()?;
        while map
            .next_key_seed(Walk {
                depth,
                count: self.count,
                limits: self.limits,
            })?
            .is_some()
        {
            map.next_value_seed(Walk {
                depth,
                count: self.count,
                limits: self.limits,
            })?;
        }
        Ok(())
    }
}

/// Reads at most `limits.file_bytes` from `input`, refusing a longer input
/// without reading the rest (for files and standard input in the CLI).
pub fn read_bounded(input: impl Read, file: &str, limits: &Limits) -> Result<Vec<u8>, ImportError> {
    let mut bytes = Vec::new();
    input
        .take((limits.file_bytes as u64).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ImportError::file(file, format!("cannot read: {e}")))?;
    if bytes.len() > limits.file_bytes {
        return Err(ImportError::file(
            file,
            format!(
                "the file is more than the limit of {} bytes (file size limit)",
                limits.file_bytes
            ),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
    }

    #[test]
    fn json_depth_and_length() {
        let l = Limits {
            json_depth: 3,
            json_values: 10,
            ..Limits::default()
        };
        assert!(check_json(b"[[[1]]]", "a.json", &l).is_ok());
        let e = check_json(b"[[[[1]]]]", "a.json", &l).unwrap_err();
        assert!(e.message.contains("JSON depth limit"), "{e}");
        let e = check_json(b"[1,2,3,4,5,6,7,8,9,10]", "a.json", &l).unwrap_err();
        assert!(e.message.contains("JSON length limit"), "{e}");
        let deep = "[".repeat(100_000);
        let e = check_json(deep.as_bytes(), "a.json", &Limits::default()).unwrap_err();
        assert!(e.message.contains("JSON depth limit"), "{e}");
        assert!(
            check_json(b"{not json", "a.json", &l).is_ok(),
            "syntax is the parser's"
        );
    }
}
