//! The org-unit spreadsheet: `code,parent_code,level,kind,name_fi,name_sv,
//! name_en,external_codes`, optionally followed by `sector,valid_from,valid_to`
//! and `everyday_name` (what families call an area or cluster, read by
//! [`parse_with_everyday_names`]).
//! Comma- or semicolon-separated (Finnish Excel saves with `;`), UTF-8 with or
//! without a byte-order mark.
//!
//! Codes (`code`, `parent_code`) may be written in any capitals: `TK-P` is
//! the unit `tk-p` (the store matches codes by [`kasvu_core::code_key`]). A
//! `kind` on an organisation, area or cluster row, which take no kind, is
//! ignored with a [`Warning`]; a `kind` that is no kind at all is still
//! refused, as it more likely means the columns are off.

use crate::limits::{read_bounded, Limits};
use crate::table::for_each_csv_row;
use crate::{ImportError, Parsed, Warning, WARN_KIND_IGNORED};
use kasvu_core::{ExternalCode, FieldError, Level, Names, OrgCode, Sector, UnitKind, ValidRange};
use kasvu_store::OrgUnitSpec;
use std::io::Read;

pub const REQUIRED: &[&str] = &[
    "code",
    "parent_code",
    "level",
    "kind",
    "name_fi",
    "name_sv",
    "name_en",
    "external_codes",
];
pub const OPTIONAL: &[&str] = &["sector", "valid_from", "valid_to", "everyday_name"];

/// At most this many rows in one file (and at most the row limit); a
/// city's tree has a few thousand.
pub const MAX_ROWS: usize = 100_000;

/// Reads and validates every row (within `limits`); the first bad one is
/// reported. Reads no more of `input` than the file size limit. What was
/// ignored comes back as warnings, in row order.
pub fn parse(
    input: impl Read,
    file: &str,
    limits: &Limits,
) -> Result<Parsed<OrgUnitSpec>, ImportError> {
    parse_with_everyday_names(input, file, limits).map(|(parsed, _)| parsed)
}

/// Like [`parse`], with the `everyday_name` column's (code, name) of every
/// row when the file has that column (empty names clear), checked.
#[allow(clippy::type_complexity)]
pub fn parse_with_everyday_names(
    input: impl Read,
    file: &str,
    limits: &Limits,
) -> Result<(Parsed<OrgUnitSpec>, Vec<(String, String)>), ImportError> {
    let bytes = read_bounded(input, file, limits)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        ImportError::file(
            file,
            format!("not UTF-8 text (save the sheet as CSV UTF-8): {e}"),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let head = rdr
        .headers()
        .map_err(|e| ImportError::file(file, format!("cannot read the header row: {e}")))?;
    for (col, h) in head.iter().enumerate() {
        limits.check_field(file, 1, col, h)?;
    }
    let headers: Vec<String> = head.iter().map(|h| h.trim().to_lowercase()).collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    for r in REQUIRED {
        if col(r).is_none() {
            return Err(ImportError {
                row: Some(1),
                field: Some((*r).to_owned()),
                ..ImportError::file(
                    file,
                    format!(
                        "the header row has no column '{r}' (expected {})",
                        REQUIRED.join(",")
                    ),
                )
            });
        }
    }
    if let Some(unknown) = headers
        .iter()
        .find(|h| !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()))
    {
        return Err(ImportError {
            row: Some(1),
            field: Some(unknown.clone()),
            ..ImportError::file(file, format!("unknown column '{unknown}'"))
        });
    }
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let mut everyday = Vec::new();
    let has_everyday = col("everyday_name").is_some();
    for_each_csv_row(&mut rdr, file, limits, |row, rec| {
        if out.len() >= MAX_ROWS {
            return Err(ImportError::file(
                file,
                format!("more than {MAX_ROWS} rows"),
            ));
        }
        let get =
            |name: &str| -> String { col(name).and_then(|c| rec.get(c)).unwrap_or("").to_owned() };
        let (spec, ignored_kind) = parse_row(&get).map_err(|e| ImportError::field(file, row, e))?;
        if let Some(kind) = ignored_kind {
            warnings.push(kind_ignored(file, row, spec.level, kind));
        }
        if has_everyday {
            let name = kasvu_store::check_everyday_name(&get("everyday_name"))
                .map_err(|p| ImportError::field(file, row, FieldError::new("everyday_name", p)))?;
            everyday.push((spec.code.as_str().to_owned(), name));
        }
        out.push((row, spec));
        Ok(())
    })?;
    if out.is_empty() {
        return Err(ImportError::file(file, "the file has no data rows"));
    }
    Ok((
        Parsed {
            rows: out,
            warnings,
        },
        everyday,
    ))
}

fn kind_ignored(file: &str, row: usize, level: Level, kind: UnitKind) -> Warning {
    Warning {
        file: file.to_owned(),
        row,
        field: "kind".to_owned(),
        message: format!(
            "only units have a kind, not a unit of level '{level}': '{kind}' was ignored"
        ),
        code: WARN_KIND_IGNORED,
        args: vec![
            ("level", level.code().to_owned()),
            ("value", kind.code().to_owned()),
        ],
    }
}

/// A row as a spec, and the kind it carried but was ignored (on a level
/// that takes no kind).
fn parse_row(get: &dyn Fn(&str) -> String) -> Result<(OrgUnitSpec, Option<UnitKind>), FieldError> {
    let f = |field: &'static str| move |p| FieldError::new(field, p);
    let code = OrgCode::parse(&get("code")).map_err(f("code"))?;
    let parent = match get("parent_code").as_str() {
        "" => None,
        p => Some(OrgCode::parse(p).map_err(f("parent_code"))?),
    };
    let level = Level::parse(&get("level")).map_err(f("level"))?;
    let kind = match get("kind").as_str() {
        "" => None,
        k => Some(UnitKind::parse(k).map_err(f("kind"))?),
    };
    // Only units have a kind. On another level it says nothing the level
    // does not, so it is dropped (and the caller warns); a unit without
    // one is still refused.
    let (kind, ignored) = match (level, kind) {
        (Level::Unit, k) => (k, None),
        (_, k) => (None, k),
    };
    kasvu_core::check_kind(level, kind).map_err(f("kind"))?;
    let sector = match get("sector").as_str() {
        "" => None,
        s => Some(Sector::parse(s).map_err(f("sector"))?),
    };
    let spec = OrgUnitSpec {
        code,
        parent,
        level,
        kind,
        sector,
        names: Names::parse(&get("name_fi"), &get("name_sv"), &get("name_en"))?,
        external_codes: ExternalCode::parse_list(&get("external_codes"))
            .map_err(f("external_codes"))?,
        valid: ValidRange::parse(&get("valid_from"), &get("valid_to"))?,
    };
    Ok((spec, ignored))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "code,parent_code,level,kind,name_fi,name_sv,name_en,external_codes\n";

    fn err(body: &str) -> ImportError {
        parse(
            format!("{HEAD}{body}").as_bytes(),
            "puu.csv",
            &Limits::default(),
        )
        .unwrap_err()
    }

    #[test]
    fn reads_everyday_names_when_the_column_is_there() {
        let text =
            "code,parent_code,level,kind,name_fi,name_sv,name_en,external_codes,everyday_name\n\
                    tuira,keskinen,cluster,,Tuiran palvelukeskittymä,,,,\"Tuira, Toppila\"\n\
                    toppila,keskinen,cluster,,Toppilan palvelukeskittymä,,,,\n";
        let (parsed, names) =
            parse_with_everyday_names(text.as_bytes(), "puu.csv", &Limits::default()).unwrap();
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(
            names,
            [
                ("tuira".to_owned(), "Tuira, Toppila".to_owned()),
                ("toppila".to_owned(), String::new())
            ]
        );
        let long = format!(
            "code,parent_code,level,kind,name_fi,name_sv,name_en,external_codes,everyday_name\n\
             tuira,keskinen,cluster,,Tuira,,,,{}\n",
            "x".repeat(121)
        );
        let e =
            parse_with_everyday_names(long.as_bytes(), "puu.csv", &Limits::default()).unwrap_err();
        assert_eq!(e.row, Some(2));
        assert_eq!(e.field.as_deref(), Some("everyday_name"));
        // Without the column, nothing to set.
        let (_, none) = parse_with_everyday_names(
            format!("{HEAD}tuira,keskinen,cluster,,Tuira,,,\n").as_bytes(),
            "puu.csv",
            &Limits::default(),
        )
        .unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn reads_a_good_file_with_bom_and_semicolons() {
        let text = "\u{feff}code;parent_code;level;kind;name_fi;name_sv;name_en;external_codes;sector;valid_to\n\
                    oulu;;organisation;;Oulu;Uleåborg;Oulu;kunta:564;;\n\
                    tuira;keskinen;cluster;;Tuira;;;;;2025-12-31\n\
                    ;;;;;;;;;\n\
                    mll;tuira;unit;ngo;MLL Tuira;;;;third_sector;\n";
        let parsed = parse(text.as_bytes(), "puu.csv", &Limits::default()).unwrap();
        assert!(parsed.warnings.is_empty());
        let rows = parsed.rows;
        assert_eq!(rows.len(), 3, "blank rows are skipped");
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.external_codes[0].code, "564");
        assert_eq!(
            rows[1].1.valid.to.map(kasvu_core::format_date).as_deref(),
            Some("2025-12-31")
        );
        assert_eq!(rows[2].0, 5, "row numbers follow the spreadsheet");
        assert_eq!(rows[2].1.sector, Some(Sector::ThirdSector));
    }

    #[test]
    fn errors_name_file_row_and_field() {
        let e = err("oulu,,organisation,,Oulu,,,\ntuira,oulu,cluster,,,,,\n");
        assert_eq!((e.row, e.field.as_deref()), (Some(3), Some("name_fi")));
        assert_eq!(
            e.to_string(),
            "puu.csv, row 3, field 'name_fi': a value is required"
        );
        let e = err("oulu,,town,,Oulu,,,\n");
        assert_eq!((e.row, e.field.as_deref()), (Some(2), Some("level")));
        let e = err("x,oulu,unit,castle,X,,,\n");
        assert_eq!(e.field.as_deref(), Some("kind"));
        let e = err("x,oulu,unit,,X,,,\n");
        assert_eq!(e.field.as_deref(), Some("kind"));
        let e = err("x,oulu,unit,school,X,,,kunta\n");
        assert_eq!(e.field.as_deref(), Some("external_codes"));
        let e = err("X Y,oulu,area,,X,,,\n");
        assert_eq!(e.field.as_deref(), Some("code"));
        let e = err("x,oulu,area,castle,X,,,\n");
        assert_eq!(
            (e.row, e.field.as_deref()),
            (Some(2), Some("kind")),
            "a kind that is no kind is refused on any level"
        );
        let e = err("x,oulu,area,,X,,\n");
        assert_eq!(e.row, Some(2), "a short row is named");
    }

    #[test]
    fn codes_in_capitals_are_kept_as_written() {
        let rows = parse(
            format!("{HEAD}TK-P,OULU,area,,Tuira,,,\nmll,tk-p,unit,ngo,MLL,,,\n").as_bytes(),
            "puu.csv",
            &Limits::default(),
        )
        .unwrap()
        .rows;
        assert_eq!(rows[0].1.code.as_str(), "TK-P");
        assert_eq!(
            rows[0].1.parent.as_ref().map(OrgCode::key).as_deref(),
            Some("oulu")
        );
        assert_eq!(rows[1].1.parent.as_ref().map(OrgCode::as_str), Some("tk-p"));
    }

    #[test]
    fn a_kind_on_an_area_row_is_ignored_with_a_warning() {
        let parsed = parse(
            format!(
                "{HEAD}oulu,,organisation,,Oulu,,,\ntuira,oulu,area,school,Tuira,,,\n\
                 tk,tuira,cluster,,TK,,,\nkoulu,tk,unit,school,Koulu,,,\n"
            )
            .as_bytes(),
            "puu.csv",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(parsed.rows.len(), 4);
        assert_eq!(parsed.rows[1].1.kind, None, "the area's kind is dropped");
        assert_eq!(parsed.rows[3].1.kind, Some(UnitKind::School));
        let w: Vec<_> = parsed
            .warnings
            .iter()
            .map(|w| (w.row, w.field.as_str(), w.code))
            .collect();
        assert_eq!(
            w,
            [(3, "kind", WARN_KIND_IGNORED)],
            "one warning, naming the row and field: {:?}",
            parsed.warnings
        );
        assert_eq!(
            parsed.warnings[0].to_string(),
            "puu.csv, row 3, field 'kind': only units have a kind, not a unit of level 'area': 'school' was ignored"
        );
        assert_eq!(
            parsed.warnings[0].args,
            [("level", "area".to_owned()), ("value", "school".to_owned())]
        );
    }

    #[test]
    fn header_problems() {
        let e = parse(
            "code,level\nx,area\n".as_bytes(),
            "f.csv",
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!((e.row, e.field.as_deref()), (Some(1), Some("parent_code")));
        let e = parse(
            HEAD.replace('\n', ",colour\n").as_bytes(),
            "f.csv",
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("colour"));
        let e = parse(HEAD.as_bytes(), "f.csv", &Limits::default()).unwrap_err();
        assert!(e.message.contains("no data rows"));
        let e = parse(&[0xff, 0xfe, 0x00][..], "f.csv", &Limits::default()).unwrap_err();
        assert!(e.message.contains("UTF-8"));
    }
}
