//! Text cells of the CSV files Kasvu exports for Excel and LibreOffice. A
//! cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
//! taken as a formula when the file is opened (CSV injection: a register
//! entry's offer `=HYPERLINK(…)` would run in the reader's spreadsheet). Text
//! cells are exported with a leading `'`, which spreadsheets read as "this is
//! text"; numeric cells are written as they are. Kasvu's own importers take
//! the `'` off again, so an exported register reads back exactly (a phone
//! number `+358 …` included). Written by hand: the `csv` crate quotes, it
//! does not neutralise, and the rule is two functions long.

use std::borrow::Cow;

const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `s`, once any leading apostrophes are skipped, begins like a
/// formula. Counting the apostrophes too keeps the round trip exact: a text
/// that really begins `'=` is exported as `''=` and read back as `'=`.
fn looks_like_formula(s: &str) -> bool {
    s.trim_start_matches('\'')
        .starts_with(|c| FORMULA_START.contains(&c))
}

/// A text cell as it is written into an exported CSV file.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if looks_like_formula(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A text cell of an imported CSV file, as it was before [`neutralise`].
pub fn restore(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_come_back() {
        for (plain, exported) in [
            (
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "'=HYPERLINK(\"http://evil.example\",\"x\")",
            ),
            ("+358 8 558 41234", "'+358 8 558 41234"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("'=already", "''=already"),
            ("''+two", "'''+two"),
        ] {
            assert_eq!(neutralise(plain), exported);
            assert_eq!(restore(exported), plain);
        }
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for s in ["Tuiran koulu", "", "'quoted'", "it's", "5 = 5", "x+y", "'"] {
            assert_eq!(neutralise(s), s);
            assert_eq!(restore(s), s);
        }
    }
}
