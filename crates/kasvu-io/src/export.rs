//! Exports of an indicator's served figures (suppressed cells stay empty):
//! CSV for people (UTF-8 with BOM, `;`, decimal comma, as Finnish Excel
//! expects), XLSX, and JSON-stat 2.0 for machines.

use kasvu_core::measure::Source;
use kasvu_core::Sex;
use kasvu_store::{Indicator, ServedRow};
use serde_json::json;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    JsonStat,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            "jsonstat" => Some(ExportFormat::JsonStat),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::JsonStat => "application/json",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::JsonStat => "json",
        }
    }
}

/// `source` says whether a figure is the unit's own (`reported`: entered
/// for it, or an official figure such as Sotkanet's for the city), the sum
/// of its sub-units' figures (`summed`), or over a longer period `partly`
/// each. Importing an export back stores only the reported rows.
const HEADER: [&str; 8] = [
    "indicator",
    "orgunit",
    "period",
    "sex",
    "grade",
    "value",
    "suppressed",
    "source",
];

pub(crate) fn decimal_comma(v: f64) -> String {
    let s = format!("{}", (v * 1e6).round() / 1e6);
    s.replace('.', ",")
}

pub fn to_csv(ind: &Indicator, rows: &[ServedRow]) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend_from_slice(HEADER.join(";").as_bytes());
    out.extend_from_slice(b"\r\n");
    for r in rows {
        let line = [
            ind.code().to_owned(),
            r.orgunit.clone(),
            r.period.code(),
            r.breakdown_sex.code().to_owned(),
            r.grade.map(|g| g.to_string()).unwrap_or_default(),
            r.value.map(decimal_comma).unwrap_or_default(),
            if r.suppressed { "1" } else { "0" }.to_owned(),
            r.source.code().to_owned(),
        ];
        out.extend_from_slice(line.join(";").as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

pub fn to_xlsx(ind: &Indicator, rows: &[ServedRow]) -> Result<Vec<u8>, String> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).map_err(e)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, ind.code()).map_err(e)?;
        ws.write_string(row, 1, &r.orgunit).map_err(e)?;
        ws.write_string(row, 2, r.period.code()).map_err(e)?;
        ws.write_string(row, 3, r.breakdown_sex.code()).map_err(e)?;
        if let Some(g) = r.grade {
            ws.write_number(row, 4, f64::from(g)).map_err(e)?;
        }
        if let Some(v) = r.value {
            ws.write_number(row, 5, v).map_err(e)?;
        }
        ws.write_boolean(row, 6, r.suppressed).map_err(e)?;
        ws.write_string(row, 7, r.source.code()).map_err(e)?;
    }
    wb.save_to_buffer().map_err(e)
}

/// A JSON-stat 2.0 dataset with dimensions indicator × orgunit × period ×
/// sex × grade (`total` for all grades). Suppressed cells are null with
/// status `c` (confidential); missing cells are null.
pub fn to_jsonstat(ind: &Indicator, rows: &[ServedRow], lang: &str) -> serde_json::Value {
    let units: Vec<String> = rows
        .iter()
        .map(|r| r.orgunit.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let periods: Vec<String> = rows
        .iter()
        .map(|r| r.period)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|p| p.code())
        .collect();
    let sexes: Vec<&str> = Sex::ALL
        .iter()
        .filter(|s| rows.iter().any(|r| r.breakdown_sex == **s))
        .map(|s| s.code())
        .collect();
    let grade_code = |g: Option<u8>| g.map(|g| g.to_string()).unwrap_or_else(|| "total".into());
    let grades: Vec<String> = rows
        .iter()
        .map(|r| r.grade)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(grade_code)
        .collect();
    let size = [1, units.len(), periods.len(), sexes.len(), grades.len()];
    let total: usize = size.iter().product();
    let mut value = vec![serde_json::Value::Null; total];
    let mut status = serde_json::Map::new();
    let mut source = serde_json::Map::new();
    let pos = |list: &[String], v: &str| list.iter().position(|x| x == v).unwrap_or(0);
    for r in rows {
        let idx = ((pos(&units, &r.orgunit) * size[2] + pos(&periods, &r.period.code())) * size[3]
            + sexes
                .iter()
                .position(|s| *s == r.breakdown_sex.code())
                .unwrap_or(0))
            * size[4]
            + pos(&grades, &grade_code(r.grade));
        if r.source != Source::Reported {
            source.insert(idx.to_string(), json!(r.source.code()));
        }
        if r.suppressed {
            status.insert(idx.to_string(), json!("c"));
        } else if let Some(v) = r.value {
            value[idx] = json!(v);
        }
    }
    let index = |list: &[String]| -> serde_json::Value {
        serde_json::Value::Object(
            list.iter()
                .enumerate()
                .map(|(i, c)| (c.clone(), json!(i)))
                .collect(),
        )
    };
    let sexes_owned: Vec<String> = sexes.iter().map(|s| (*s).to_owned()).collect();
    json!({
        "version": "2.0",
        "class": "dataset",
        "label": ind.spec.names.get(lang),
        "source": "Kasvu",
        "id": ["indicator", "orgunit", "period", "sex", "grade"],
        "size": size,
        "role": {"metric": ["indicator"], "geo": ["orgunit"], "time": ["period"]},
        "dimension": {
            "indicator": {"category": {"index": {ind.code(): 0}, "label": {ind.code(): ind.spec.names.get(lang)}}},
            "orgunit": {"category": {"index": index(&units)}},
            "period": {"category": {"index": index(&periods)}},
            "sex": {"category": {"index": index(&sexes_owned)}},
            "grade": {"category": {"index": index(&grades)}},
        },
        "value": value,
        "status": status,
        "extension": {
            "suppression": "cells with status c are hidden: a count of people below the threshold, or one that would reveal such a count by subtraction; indicators that count activities hide nothing",
            "counts": ind.spec.counts.code(),
            "source": source,
            "source_note": "cells listed in source are summed from the unit's sub-units (or partly so over a longer period); the others are the unit's own reported or entered figures",
        },
    })
}
