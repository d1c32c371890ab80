//! The indicator catalogue spreadsheet: `code,name_fi,name_sv,name_en,unit,
//! cadence,aggregation,direction,numerator,denominator,factor,external_codes`,
//! optionally followed by `source, definition_fi, definition_sv,
//! definition_en, by_sex, by_grade, by_age_group, min_value, max_value,
//! not_above, themes, not_needed_note, counts, reported_by,
//! denominator_age_group, rate`. `reported_by` lists the kinds of unit that
//! enter the indicator (`school;daycare`). `denominator_age_group` reads a
//! ratio's denominator at that age group (a rate per 1,000 aged 0–17);
//! `rate` names a count's rate, the ratio by which areas are compared.
//! `counts` is `people`
//! (the default: small values hidden) or `activities` (meetings, groups,
//! calls: shown as they are).
//!
//! The `unit` may be written as people write it (`%`, `prosenttia`, `‰`,
//! `per 1 000`, `lkm`, `kpl`, `antal` …: [`ValueUnit::parse_written`]);
//! codes may be written in any capitals, and references to other
//! indicators (`numerator`, `denominator`, `not_above`) find them without
//! regard to case — the store matches by [`kasvu_core::code_key`].

use crate::limits::Limits;
use crate::table::{csv_header, csv_reader, for_each_csv_row};
use crate::ImportError;
use kasvu_core::Counts;
use kasvu_core::{
    check_age_group, check_indicator_code, parse_number, Aggregation, Cadence, Direction,
    ExternalCode, FieldError, IndicatorSpec, Names, Problem, Source, UnitKind, ValueUnit,
};

pub const REQUIRED: &[&str] = &[
    "code",
    "name_fi",
    "name_sv",
    "name_en",
    "unit",
    "cadence",
    "aggregation",
    "direction",
    "numerator",
    "denominator",
    "factor",
    "external_codes",
];
pub const OPTIONAL: &[&str] = &[
    "source",
    "definition_fi",
    "definition_sv",
    "definition_en",
    "by_sex",
    "by_grade",
    "by_age_group",
    "min_value",
    "max_value",
    "not_above",
    "themes",
    "not_needed_note",
    "counts",
    "reported_by",
    "denominator_age_group",
    "rate",
];

/// Reads and checks every row (within `limits`); the first bad one is reported.
pub fn parse(
    bytes: &[u8],
    file: &str,
    limits: &Limits,
) -> Result<Vec<(usize, IndicatorSpec)>, ImportError> {
    let mut rdr = csv_reader(bytes, file, limits)?;
    let header = csv_header(&mut rdr, file, limits)?;
    header.check(file, REQUIRED, OPTIONAL)?;
    let mut out = Vec::new();
    for_each_csv_row(&mut rdr, file, limits, |row, rec| {
        let get = |name: &str| -> String {
            header
                .col(name)
                .and_then(|c| rec.get(c))
                .unwrap_or("")
                .to_owned()
        };
        out.push((
            row,
            parse_row(&get).map_err(|e| ImportError::field(file, row, e))?,
        ));
        Ok(())
    })?;
    if out.is_empty() {
        return Err(ImportError::file(file, "the file has no data rows"));
    }
    Ok(out)
}

fn flag(s: &str) -> Result<bool, Problem> {
    match s.trim().to_lowercase().as_str() {
        "" | "0" | "false" | "no" | "ei" | "nej" => Ok(false),
        "1" | "true" | "yes" | "kyllä" | "ja" | "x" => Ok(true),
        other => Err(Problem::not_one_of(other, &["true", "false"])),
    }
}

fn optional_number(s: &str) -> Result<Option<f64>, Problem> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse_number(s).map(Some)
    }
}

fn optional_code(s: &str) -> Result<Option<String>, Problem> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        check_indicator_code(s).map(Some)
    }
}

fn parse_row(get: &dyn Fn(&str) -> String) -> Result<IndicatorSpec, FieldError> {
    let f = |field: &'static str| move |p| FieldError::new(field, p);
    let source = match get("source").trim() {
        "" => Source::Own,
        s => Source::parse(s).map_err(f("source"))?,
    };
    let counts = match get("counts").trim() {
        "" => Counts::People,
        s => Counts::parse(s).map_err(f("counts"))?,
    };
    let spec = IndicatorSpec {
        code: check_indicator_code(&get("code")).map_err(f("code"))?,
        names: Names::parse(&get("name_fi"), &get("name_sv"), &get("name_en"))?,
        definitions: Names {
            fi: get("definition_fi").trim().to_owned(),
            sv: get("definition_sv").trim().to_owned(),
            en: get("definition_en").trim().to_owned(),
        },
        unit: ValueUnit::parse_written(&get("unit")).map_err(f("unit"))?,
        source,
        counts,
        cadence: Cadence::parse(&get("cadence")).map_err(f("cadence"))?,
        aggregation: Aggregation::parse(&get("aggregation")).map_err(f("aggregation"))?,
        direction: Direction::parse(&get("direction")).map_err(f("direction"))?,
        numerator: optional_code(&get("numerator")).map_err(f("numerator"))?,
        denominator: optional_code(&get("denominator")).map_err(f("denominator"))?,
        factor: optional_number(&get("factor")).map_err(f("factor"))?,
        denominator_age_group: match get("denominator_age_group").trim() {
            "" => None,
            g => Some(check_age_group(g).map_err(f("denominator_age_group"))?),
        },
        rate: optional_code(&get("rate")).map_err(f("rate"))?,
        by_sex: flag(&get("by_sex")).map_err(f("by_sex"))?,
        by_grade: flag(&get("by_grade")).map_err(f("by_grade"))?,
        by_age_group: flag(&get("by_age_group")).map_err(f("by_age_group"))?,
        min_value: optional_number(&get("min_value")).map_err(f("min_value"))?,
        max_value: optional_number(&get("max_value")).map_err(f("max_value"))?,
        not_above: optional_code(&get("not_above")).map_err(f("not_above"))?,
        external_codes: ExternalCode::parse_list(&get("external_codes"))
            .map_err(f("external_codes"))?,
        themes: get("themes")
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        not_needed_note: get("not_needed_note").trim().to_owned(),
        reported_by: get("reported_by")
            .split(';')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(UnitKind::parse)
            .collect::<Result<_, _>>()
            .map_err(f("reported_by"))?,
    };
    spec.check()?;
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "code,name_fi,name_sv,name_en,unit,cadence,aggregation,direction,numerator,denominator,factor,external_codes";

    #[test]
    fn reads_a_catalogue() {
        let text = format!(
            "\u{feff}{HEAD},by_sex\nlonely_n,Yksinäiset,Ensamma,Lonely,count,biennial,sum,down,,,,,true\n\
             lonely,Yksinäisten osuus,Andel,Share lonely,percent,biennial,ratio,down,lonely_n,respondents,100,sotkanet:1234,true\n"
        );
        let rows = parse(text.as_bytes(), "i.csv", &Limits::default()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].0, 3);
        assert_eq!(rows[1].1.factor, Some(100.0));
        assert!(rows[1].1.by_sex);
        assert_eq!(rows[1].1.external_codes[0].code, "1234");
    }

    #[test]
    fn says_who_is_counted() {
        let text = format!(
            "{HEAD},counts\nmeetings,Kokoukset,Möten,Meetings,count,monthly,sum,up,,,,,activities\n\
             clients,Asiakkaat,Klienter,Clients,count,monthly,sum,up,,,,,people\n\
             staff,Henkilöstö,Personal,Staff,count,monthly,last,up,,,,,\n"
        );
        let rows = parse(text.as_bytes(), "i.csv", &Limits::default()).unwrap();
        let counts: Vec<Counts> = rows.iter().map(|(_, s)| s.counts).collect();
        assert_eq!(
            counts,
            [Counts::Activities, Counts::People, Counts::People],
            "an empty cell is people, the safe side"
        );
        // Without the column every indicator counts people.
        let text = format!("{HEAD}\nx,X,X,X,count,monthly,sum,up,,,,\n");
        let rows = parse(text.as_bytes(), "i.csv", &Limits::default()).unwrap();
        assert_eq!(rows[0].1.counts, Counts::People);
        let text = format!("{HEAD},counts\nx,X,X,X,count,monthly,sum,up,,,,,events\n");
        let e = parse(text.as_bytes(), "i.csv", &Limits::default()).unwrap_err();
        assert_eq!((e.row, e.field.as_deref()), (Some(2), Some("counts")));
        assert!(
            e.to_string().starts_with("i.csv, row 2, field 'counts'"),
            "{e}"
        );
        assert!(e.to_string().contains("events"), "{e}");
    }

    #[test]
    fn reads_units_and_codes_as_people_write_them() {
        let text = format!(
            "{HEAD}\nLONELY_N,Yksinäiset,Ensamma,Lonely,lkm,biennial,sum,down,,,,\n\
             Lonely,Osuus,Andel,Share,%,biennial,ratio,down,lonely_n,RESPONDENTS,100,\n\
             births,Syntyneet,Födda,Births,per 1 000,yearly,average,neutral,,,,\n"
        );
        let rows = parse(text.as_bytes(), "i.csv", &Limits::default()).unwrap();
        let got: Vec<_> = rows
            .iter()
            .map(|(_, s)| (s.code.as_str(), s.unit))
            .collect();
        assert_eq!(
            got,
            [
                ("LONELY_N", ValueUnit::Count),
                ("Lonely", ValueUnit::Percent),
                ("births", ValueUnit::PerThousand),
            ],
            "codes are kept as written"
        );
        assert_eq!(rows[1].1.numerator.as_deref(), Some("lonely_n"));
        let text = format!("{HEAD}\nx,X,X,X,kg,monthly,sum,up,,,,\n");
        let e = parse(text.as_bytes(), "i.csv", &Limits::default()).unwrap_err();
        assert_eq!((e.row, e.field.as_deref()), (Some(2), Some("unit")));
    }

    #[test]
    fn names_the_row_and_field() {
        let text = format!("{HEAD}\nx,X,X,X,count,weekly,sum,up,,,,\n");
        let e = parse(text.as_bytes(), "i.csv", &Limits::default()).unwrap_err();
        assert_eq!((e.row, e.field.as_deref()), (Some(2), Some("cadence")));
        assert!(
            e.to_string().starts_with("i.csv, row 2, field 'cadence'"),
            "{e}"
        );
        let text = format!("{HEAD}\nx,X,X,X,count,monthly,ratio,up,a,b,,\n");
        let e = parse(text.as_bytes(), "i.csv", &Limits::default()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("factor"));
    }
}
