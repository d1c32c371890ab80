//! Reading indicator values from JSON-stat: 2.0 datasets (Statistics
//! Finland's PxWeb `json-stat2`, THL), 1.0 bundles (THL's cube API answers
//! `{"<name>": {"dimension": {"id", "size", "role", …}, "value": …}}`, one
//! or several datasets) and plain 1.0 datasets, and 2.0 collections that
//! embed their datasets.
//!
//! Each dimension gets a meaning: the one given with `--dim ID=KIND` (the
//! upload's Dimensions field), else its `role` (geo, time, metric), else
//! its id (`Maakunta`, `Vuosi`, `Tiedot`, `Sukupuoli`, `Ikä` …, in any
//! case), else — for the org unit and the indicator — its categories all
//! being codes of units or indicators (external codes of `--scheme`, or
//! Kasvu's codes). A dimension of one category that is none of these is a
//! constant (a "Yhteensä" total); one of several is refused, naming it, its
//! size and the kinds it could be mapped to.
//!
//! Each category is resolved when a cell first uses it, and a bad one is
//! refused naming the cell, the dimension and the category. Cells are
//! numbered from 1 across the datasets of a bundle in order. Null cells,
//! cells whose value or status is a missing marker (`..`, `.`), are
//! skipped.
//!
//! This module is a child of [`crate::values`] so that it calls the
//! [`Resolver`]'s lookups by external code, which are private there.

use super::Resolver;
use crate::limits::{check_json, Limits};
use crate::ImportError;
use kasvu_core::{parse_grade, parse_number, FieldError, Period, Problem, Sex};
use kasvu_store::{Breakdown, ValueRow};
use serde_json::Value as Json;

/// What a dimension can be mapped to with `--dim ID=KIND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DimKind {
    OrgUnit,
    Indicator,
    Period,
    Sex,
    Grade,
    AgeGroup,
}

impl DimKind {
    pub const ALL: [DimKind; 6] = [
        DimKind::OrgUnit,
        DimKind::Indicator,
        DimKind::Period,
        DimKind::Sex,
        DimKind::Grade,
        DimKind::AgeGroup,
    ];

    /// The word used in `--dim` and in messages.
    pub fn code(self) -> &'static str {
        match self {
            DimKind::OrgUnit => "orgunit",
            DimKind::Indicator => "indicator",
            DimKind::Period => "period",
            DimKind::Sex => "sex",
            DimKind::Grade => "grade",
            DimKind::AgeGroup => "age_group",
        }
    }

    pub fn parse(s: &str) -> Option<DimKind> {
        let l = s.trim().to_lowercase();
        DimKind::ALL.into_iter().find(|k| k.code() == l)
    }
}

/// The kinds as `--dim` takes them: `orgunit|indicator|…`.
pub fn kind_options() -> String {
    DimKind::ALL.map(DimKind::code).join("|")
}

/// One `--dim ID=KIND`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimMapping {
    pub dim: String,
    pub kind: DimKind,
}

/// Parses mappings `ID=KIND`, several separated by commas, semicolons or
/// lines (the web form's field; each `--dim` of the CLI is read the same way).
pub fn parse_dims(text: &str) -> Result<Vec<DimMapping>, Problem> {
    let mut out = Vec::new();
    for part in text.split([',', ';', '\n']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let bad = || {
            Problem::new(
                "err-dim-option",
                format!(
                    "'{part}' is not a dimension mapping: write ID=KIND with KIND one of {}",
                    kind_options()
                ),
            )
            .arg("value", part)
            .arg("options", kind_options())
        };
        let (dim, kind) = part.split_once('=').ok_or_else(bad)?;
        let kind = DimKind::parse(kind).ok_or_else(bad)?;
        let dim = dim.trim();
        if dim.is_empty() {
            return Err(bad());
        }
        out.push(DimMapping {
            dim: dim.to_owned(),
            kind,
        });
    }
    Ok(out)
}

/// What a dimension of one dataset stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Kind(DimKind),
    /// One category that adds nothing (a total).
    Constant,
}

/// Dimension ids, lowercased, that say what a dimension is (Finnish,
/// Swedish and English, as Statistics Finland, THL and others name them).
const UNIT_IDS: &[&str] = &[
    "alue",
    "kunta",
    "maakunta",
    "hyvinvointialue",
    "seutukunta",
    "region",
    "landskap",
    "kommun",
    "välfärdsområde",
    "area",
    "municipality",
    "orgunit",
    "geo",
];
const PERIOD_IDS: &[&str] = &[
    "vuosi",
    "year",
    "år",
    "kuukausi",
    "month",
    "månad",
    "neljännes",
    "vuosineljännes",
    "quarter",
    "kvartal",
    "aika",
    "time",
    "tid",
    "period",
];
const INDICATOR_IDS: &[&str] = &[
    "tiedot",
    "uppgifter",
    "indikaattori",
    "indicator",
    "mittari",
    "measure",
    "contentscode",
    "metric",
];
const SEX_IDS: &[&str] = &["sukupuoli", "sex", "kön", "gender"];
const AGE_IDS: &[&str] = &[
    "ikä",
    "ikäryhmä",
    "ikäluokka",
    "age",
    "age_group",
    "ålder",
    "åldersgrupp",
];
const GRADE_IDS: &[&str] = &["luokka", "luokka-aste", "grade", "årskurs", "klass"];

fn kind_by_id(id: &str) -> Option<DimKind> {
    let l = id.trim().to_lowercase();
    let l = l.as_str();
    [
        (UNIT_IDS, DimKind::OrgUnit),
        (PERIOD_IDS, DimKind::Period),
        (INDICATOR_IDS, DimKind::Indicator),
        (SEX_IDS, DimKind::Sex),
        (AGE_IDS, DimKind::AgeGroup),
        (GRADE_IDS, DimKind::Grade),
    ]
    .into_iter()
    .find(|(ids, _)| ids.contains(&l))
    .map(|(_, k)| k)
}

/// Category codes and labels that mean "all" (for sex, grade, age group).
const TOTALS: &[&str] = &[
    "sss",
    "total",
    "totalt",
    "yhteensä",
    "yht",
    "yht.",
    "kaikki",
    "all",
    "alla",
    "samtliga",
    "t",
];

fn is_total(c: &Category) -> bool {
    let norm = |s: &str| s.trim().to_lowercase();
    TOTALS.contains(&norm(&c.code).as_str()) || TOTALS.contains(&norm(&c.label).as_str())
}

/// A sex category by its code or label.
fn sex_of(c: &Category) -> Option<Sex> {
    let norm = |s: &str| s.trim().to_lowercase();
    for s in [norm(&c.code), norm(&c.label)] {
        match s.as_str() {
            "total" | "sss" | "0" | "yhteensä" | "kaikki" | "totalt" | "t" => {
                return Some(Sex::Total)
            }
            "male" | "1" | "m" | "miehet" | "pojat" | "män" | "pojkar" | "males" | "boys" => {
                return Some(Sex::Male)
            }
            "female" | "2" | "f" | "n" | "naiset" | "tytöt" | "kvinnor" | "flickor" | "females"
            | "girls" => return Some(Sex::Female),
            _ => {}
        }
    }
    None
}

/// Status or value text that marks a missing figure: `..` not available,
/// `.` logically impossible, `-` nothing to report (PxWeb, THL).
const MISSING: &[&str] = &["..", ".", "...", "…", "-", "–", ""];
/// Statuses under which even a number is not a figure.
const MISSING_STATUS: &[&str] = &["..", ".", "...", "…"];

#[derive(Debug, Clone)]
struct Category {
    code: String,
    label: String,
}

impl Category {
    /// `MK17 (Pohjois-Pohjanmaa)`, or the code alone.
    fn text(&self) -> String {
        if self.label.is_empty() || self.label == self.code {
            self.code.clone()
        } else {
            format!("{} ({})", self.code, self.label)
        }
    }
}

#[derive(Debug)]
struct Dimension {
    id: String,
    cats: Vec<Category>,
    /// The kind its `role` gives (geo, time, metric).
    role: Option<DimKind>,
}

/// One dataset's structure, borrowing its cells from the document.
struct Dataset<'a> {
    /// The key of a bundle's dataset.
    name: Option<String>,
    dims: Vec<Dimension>,
    /// Cells the sizes make.
    total: usize,
    /// Cells given, by index (0-based), in index order.
    values: Vec<(usize, &'a Json)>,
    status: Option<&'a Json>,
}

/// The datasets of a document: itself, a bundle's members, or a
/// collection's embedded items. Names are kept for messages.
fn datasets_of(doc: &Json) -> Vec<(Option<String>, &Json)> {
    if doc.get("dimension").is_some() {
        return vec![(None, doc)];
    }
    if let Some(items) = doc
        .get("link")
        .and_then(|l| l.get("item"))
        .and_then(Json::as_array)
    {
        let found: Vec<_> = items
            .iter()
            .enumerate()
            .filter(|(_, d)| d.get("dimension").is_some())
            .map(|(i, d)| {
                let name = d
                    .get("label")
                    .and_then(Json::as_str)
                    .map_or_else(|| format!("item {}", i + 1), str::to_owned);
                (Some(name), d)
            })
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    match doc.as_object() {
        Some(o) => o
            .iter()
            .filter(|(_, v)| v.is_object() && v.get("dimension").is_some())
            .map(|(k, v)| (Some(k.clone()), v))
            .collect(),
        None => Vec::new(),
    }
}

fn json_id(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.trim().to_owned()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads one dataset's dimensions and cells. `cells_left` is what the
/// cell limit leaves; the sizes are multiplied against it before anything
/// is built from them.
fn read_dataset<'a>(
    name: Option<String>,
    ds: &'a Json,
    file: &str,
    cells_left: usize,
    limits: &Limits,
) -> Result<Dataset<'a>, ImportError> {
    let within = match &name {
        Some(n) => format!(" (dataset '{n}')"),
        None => String::new(),
    };
    let shape = |msg: &str| ImportError::file(file, format!("not JSON-stat{within}: {msg}"));
    let dimension = ds
        .get("dimension")
        .and_then(Json::as_object)
        .ok_or_else(|| shape("'dimension' is not an object"))?;
    // 2.0 has id, size and role beside 'dimension', 1.0 inside it.
    let meta = |key: &str| ds.get(key).or_else(|| dimension.get(key));
    let ids: Vec<String> = meta("id")
        .and_then(Json::as_array)
        .ok_or_else(|| shape("no 'id' array"))?
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| shape("'id' holds a non-string"))
        })
        .collect::<Result<_, _>>()?;
    let size: Vec<usize> = meta("size")
        .and_then(Json::as_array)
        .ok_or_else(|| shape("no 'size' array"))?
        .iter()
        .map(|v| {
            v.as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| shape("'size' holds something other than a count"))
        })
        .collect::<Result<_, _>>()?;
    if ids.len() != size.len() {
        return Err(shape("'id' and 'size' differ in length"));
    }
    // The cells the sizes make, at most what the cell limit leaves
    // (checked as they multiply, so huge sizes cannot overflow), before
    // anything is allocated by them.
    let total = size.iter().try_fold(1usize, |t, n| {
        t.checked_mul(*n).filter(|t| *t <= cells_left)
    });
    let Some(total) = total else {
        return Err(ImportError::file(
            file,
            format!(
                "the sizes{within} make more than {} cells (cell limit)",
                limits.cells
            ),
        ));
    };
    let roles = meta("role");
    let role_of = |id: &str| -> Option<DimKind> {
        let listed = |key: &str| {
            roles
                .and_then(|r| r.get(key))
                .and_then(Json::as_array)
                .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(id)))
        };
        if listed("time") {
            Some(DimKind::Period)
        } else if listed("geo") {
            Some(DimKind::OrgUnit)
        } else if listed("metric") {
            Some(DimKind::Indicator)
        } else {
            None
        }
    };
    let mut dims = Vec::with_capacity(ids.len());
    for (id, n) in ids.iter().zip(&size) {
        let d = dimension
            .get(id)
            .ok_or_else(|| shape(&format!("dimension '{id}' is not described")))?;
        let cat = d
            .get("category")
            .ok_or_else(|| shape(&format!("dimension '{id}' has no category")))?;
        let bad_index = || shape(&format!("dimension '{id}' has a broken category index"));
        let codes: Vec<String> = match cat.get("index") {
            Some(Json::Array(a)) => a
                .iter()
                .map(|c| json_id(c).ok_or_else(bad_index))
                .collect::<Result<_, _>>()?,
            Some(Json::Object(o)) => {
                let mut v: Vec<(usize, String)> = o
                    .iter()
                    .map(|(k, i)| {
                        i.as_u64()
                            .and_then(|i| usize::try_from(i).ok())
                            .map(|i| (i, k.clone()))
                            .ok_or_else(bad_index)
                    })
                    .collect::<Result<_, _>>()?;
                v.sort();
                // The positions must be 0, 1, 2 … each once.
                if v.iter().enumerate().any(|(want, (i, _))| *i != want) {
                    return Err(bad_index());
                }
                v.into_iter().map(|(_, k)| k).collect()
            }
            // A dimension of one category may give only its label.
            _ => match cat.get("label").and_then(Json::as_object) {
                Some(l) if l.len() == 1 => l.keys().cloned().collect(),
                _ => return Err(shape(&format!("dimension '{id}' has no category index"))),
            },
        };
        if codes.len() != *n {
            return Err(shape(&format!(
                "dimension '{id}' has {} categories, 'size' says {n}",
                codes.len()
            )));
        }
        let labels = cat.get("label").and_then(Json::as_object);
        let cats = codes
            .into_iter()
            .map(|code| Category {
                label: labels
                    .and_then(|l| l.get(code.as_str()))
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
                code,
            })
            .collect();
        dims.push(Dimension {
            id: id.clone(),
            cats,
            role: role_of(id),
        });
    }
    let values: Vec<(usize, &Json)> = match ds.get("value") {
        Some(Json::Array(a)) => {
            if a.len() != total {
                return Err(shape(&format!(
                    "'value' has {} cells, the sizes make {total}",
                    a.len()
                )));
            }
            a.iter().enumerate().collect()
        }
        Some(Json::Object(o)) => {
            let mut v = Vec::with_capacity(o.len().min(total));
            for (k, val) in o {
                let i: usize = k
                    .parse()
                    .map_err(|_| shape(&format!("'value' key '{k}' is not a cell index")))?;
                if i >= total {
                    return Err(shape(&format!(
                        "'value' key {i} is outside the {total} cells"
                    )));
                }
                v.push((i, val));
            }
            v.sort_by_key(|(i, _)| *i);
            v
        }
        _ => return Err(shape("no 'value'")),
    };
    Ok(Dataset {
        name,
        dims,
        total,
        values,
        status: ds.get("status"),
    })
}

/// A dimension- or file-level problem, naming the dimension as the field.
fn dim_error(file: &str, field: Option<String>, p: Problem) -> ImportError {
    ImportError {
        field,
        code: Some(p.code),
        args: p.args,
        ..ImportError::file(file, p.english)
    }
}

/// How a dimension is named in messages: its id, with the dataset's name
/// when the bundle has several.
fn field_name(ds: &Dataset, dim: &str, several: bool) -> String {
    match (&ds.name, several) {
        (Some(n), true) => format!("{n}/{dim}"),
        _ => dim.to_owned(),
    }
}

/// Gives every dimension of a dataset its meaning, or refuses the file.
fn meanings(
    ds: &Dataset,
    file: &str,
    several: bool,
    mapped: &[DimMapping],
    resolver: &Resolver,
    scheme: Option<&str>,
) -> Result<Vec<Meaning>, ImportError> {
    let explicit = |id: &str| {
        let lower = id.to_lowercase();
        mapped
            .iter()
            .find(|m| m.dim == id)
            .or_else(|| mapped.iter().find(|m| m.dim.to_lowercase() == lower))
            .map(|m| m.kind)
    };
    let mut out: Vec<Option<Meaning>> = ds
        .dims
        .iter()
        .map(|d| {
            explicit(&d.id)
                .or(d.role)
                .or_else(|| kind_by_id(&d.id))
                .map(Meaning::Kind)
        })
        .collect();
    // The org unit and the indicator by their categories: every code one
    // of a unit (an indicator) under the scheme.
    for kind in [DimKind::OrgUnit, DimKind::Indicator] {
        let known = |c: &str| match kind {
            DimKind::OrgUnit => resolver.unit_by(scheme, c).is_ok(),
            _ => resolver.indicator_by(scheme, c).is_ok(),
        };
        if out.contains(&Some(Meaning::Kind(kind))) {
            continue;
        }
        let found: Vec<usize> = (0..ds.dims.len())
            .filter(|i| out[*i].is_none())
            .filter(|i| {
                let cats = &ds.dims[*i].cats;
                !cats.is_empty() && cats.iter().all(|c| known(&c.code))
            })
            .collect();
        if let [one] = found.as_slice() {
            out[*one] = Some(Meaning::Kind(kind));
        }
    }
    let mut meanings = Vec::with_capacity(out.len());
    for (d, m) in ds.dims.iter().zip(out) {
        meanings.push(match m {
            Some(m) => m,
            None if d.cats.len() <= 1 => Meaning::Constant,
            None => {
                let field = field_name(ds, &d.id, several);
                let size = d.cats.len();
                return Err(dim_error(
                    file,
                    Some(field.clone()),
                    Problem::new(
                        "err-dimension-unmapped",
                        format!(
                            "dimension {field} ({size} categories) is not recognised: map it with --dim {}=KIND, KIND one of {}",
                            d.id,
                            kind_options()
                        ),
                    )
                    .arg("dim", field)
                    .arg("size", size.to_string())
                    .arg("options", kind_options()),
                ));
            }
        });
    }
    let all_dims = ds
        .dims
        .iter()
        .map(|d| format!("{} ({})", d.id, d.cats.len()))
        .collect::<Vec<_>>()
        .join(", ");
    for kind in DimKind::ALL {
        let of: Vec<&str> = ds
            .dims
            .iter()
            .zip(&meanings)
            .filter(|(_, m)| **m == Meaning::Kind(kind))
            .map(|(d, _)| d.id.as_str())
            .collect();
        let required = matches!(
            kind,
            DimKind::OrgUnit | DimKind::Indicator | DimKind::Period
        );
        if of.is_empty() && required {
            let within = ds.name.as_deref().filter(|_| several).unwrap_or_default();
            return Err(dim_error(
                file,
                ds.name.clone().filter(|_| several),
                Problem::new(
                    "err-dimension-missing",
                    format!(
                        "no dimension{} is {} (its dimensions: {all_dims}): map one with --dim ID={}",
                        if within.is_empty() { String::new() } else { format!(" of {within}") },
                        kind.code(),
                        kind.code()
                    ),
                )
                .arg("kind", kind.code())
                .arg("dims", all_dims.clone()),
            ));
        }
        if of.len() > 1 {
            let list = of.join(", ");
            return Err(dim_error(
                file,
                Some(field_name(ds, of[1], several)),
                Problem::new(
                    "err-dimension-twice",
                    format!(
                        "dimensions {list} would all be {}: map them with --dim ID=KIND, KIND one of {}",
                        kind.code(),
                        kind_options()
                    ),
                )
                .arg("dims", list)
                .arg("kind", kind.code())
                .arg("options", kind_options()),
            ));
        }
    }
    Ok(meanings)
}

/// A category resolved to what it means in Kasvu.
#[derive(Debug, Clone)]
enum Resolved {
    Unit(i64),
    Indicator(i64),
    Period(Period),
    Sex(Sex),
    Grade(Option<u8>),
    AgeGroup(Option<String>),
    Nothing,
}

fn resolve(
    kind: Meaning,
    c: &Category,
    resolver: &Resolver,
    scheme: Option<&str>,
) -> Result<Resolved, Problem> {
    let text = c.text();
    let kind = match kind {
        Meaning::Constant => return Ok(Resolved::Nothing),
        Meaning::Kind(k) => k,
    };
    Ok(match kind {
        DimKind::OrgUnit => match resolver.unit_by(scheme, &c.code) {
            Ok(id) => Resolved::Unit(id),
            Err(p) if p.code == "err-unit-ambiguous" => return Err(p),
            Err(_) => return Err(not_found(DimKind::OrgUnit, &text, scheme)),
        },
        DimKind::Indicator => match resolver.indicator_by(scheme, &c.code) {
            Ok(ind) => Resolved::Indicator(ind.id),
            Err(_) => return Err(not_found(DimKind::Indicator, &text, scheme)),
        },
        // THL's cubes give their own ids as codes and the year as the label.
        DimKind::Period => Resolved::Period(
            Period::parse(&c.code)
                .or_else(|_| Period::parse(&c.label))
                .map_err(|_| {
                    Problem::new(
                        "err-category-period",
                        format!(
                            "category {text} is not a period: use 2025, 2025S1, 2025Q1, 2025K1, 202503 or 2025M03"
                        ),
                    )
                    .arg("category", text.clone())
                })?,
        ),
        DimKind::Sex => Resolved::Sex(sex_of(c).ok_or_else(|| {
            Problem::new(
                "err-category-sex",
                format!("category {text} is no sex: use total, male or female (SSS, 1, 2)"),
            )
            .arg("category", text.clone())
        })?),
        DimKind::Grade if is_total(c) => Resolved::Grade(None),
        DimKind::Grade => {
            let leading: String = c
                .label
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            match parse_grade(&c.code).or_else(|_| parse_grade(&leading)) {
                Ok(Some(g)) => Resolved::Grade(Some(g)),
                _ => {
                    return Err(Problem::new(
                        "err-category-grade",
                        format!("category {text} is no school grade (0–13, or a total)"),
                    )
                    .arg("category", text))
                }
            }
        }
        DimKind::AgeGroup if is_total(c) => Resolved::AgeGroup(None),
        DimKind::AgeGroup => Resolved::AgeGroup(Some(c.code.trim().to_owned())),
    })
}

/// A category that is no org unit or indicator under the scheme (or, with
/// none, no Kasvu code).
fn not_found(kind: DimKind, text: &str, scheme: Option<&str>) -> Problem {
    let what = if kind == DimKind::OrgUnit {
        "org unit"
    } else {
        "indicator"
    };
    match (scheme, kind) {
        (Some(s), _) => Problem::new(
            if kind == DimKind::OrgUnit {
                "err-category-unit"
            } else {
                "err-category-indicator"
            },
            format!("category {text} is no {what} under scheme '{s}'"),
        )
        .arg("category", text)
        .arg("scheme", s),
        (None, _) => Problem::new(
            if kind == DimKind::OrgUnit {
                "err-category-unit-code"
            } else {
                "err-category-indicator-code"
            },
            format!(
                "category {text} is no {what} code of Kasvu (give the scheme when the file has other codes)"
            ),
        )
        .arg("category", text),
    }
}

fn status_of(status: Option<&Json>, idx: usize) -> Option<&str> {
    match status? {
        Json::String(s) => Some(s),
        Json::Array(a) => a.get(idx).and_then(Json::as_str),
        Json::Object(o) => o.get(&idx.to_string()).and_then(Json::as_str),
        _ => None,
    }
}

/// Reads a JSON-stat document into value rows (see the module's
/// documentation). `scheme` matches categories to external codes of that
/// scheme instead of Kasvu's codes; `mapped` gives dimensions their
/// meaning by id.
pub fn parse(
    bytes: &[u8],
    file: &str,
    resolver: &Resolver,
    scheme: Option<&str>,
    mapped: &[DimMapping],
    limits: &Limits,
) -> Result<Vec<ValueRow>, ImportError> {
    check_json(bytes, file, limits)?;
    let doc: Json = serde_json::from_slice(bytes)
        .map_err(|e| ImportError::file(file, format!("not JSON: {e}")))?;
    let found = datasets_of(&doc);
    if found.is_empty() {
        return Err(ImportError::file(
            file,
            "not a JSON-stat dataset or bundle (no 'dimension')",
        ));
    }
    let several = found.len() > 1;
    let mut sets = Vec::with_capacity(found.len());
    let mut cells_left = limits.cells;
    for (name, ds) in found {
        let set = read_dataset(name, ds, file, cells_left, limits)?;
        cells_left -= set.total;
        sets.push(set);
    }
    // A mapping must name a dimension the file has.
    for m in mapped {
        let lower = m.dim.to_lowercase();
        if !sets
            .iter()
            .any(|s| s.dims.iter().any(|d| d.id.to_lowercase() == lower))
        {
            let mut ids: Vec<&str> = sets
                .iter()
                .flat_map(|s| s.dims.iter().map(|d| d.id.as_str()))
                .collect();
            ids.dedup();
            let dims = ids.join(", ");
            return Err(dim_error(
                file,
                Some(m.dim.clone()),
                Problem::new(
                    "err-dim-unknown",
                    format!(
                        "--dim names {}, which the file does not have (its dimensions: {dims})",
                        m.dim
                    ),
                )
                .arg("dim", m.dim.clone())
                .arg("dims", dims),
            ));
        }
    }
    let mut out = Vec::new();
    let mut offset = 0usize;
    for ds in &sets {
        let meaning = meanings(ds, file, several, mapped, resolver, scheme)?;
        let mut strides = vec![1usize; ds.dims.len()];
        for i in (0..ds.dims.len().saturating_sub(1)).rev() {
            strides[i] = strides[i + 1].saturating_mul(ds.dims[i + 1].cats.len());
        }
        // Categories resolved so far, per dimension.
        let mut cache: Vec<Vec<Option<Resolved>>> =
            ds.dims.iter().map(|d| vec![None; d.cats.len()]).collect();
        for (idx, val) in &ds.values {
            let idx = *idx;
            let cell = offset + idx + 1;
            let cerr = |field: String, p: Problem| {
                ImportError::cell(file, cell, FieldError::new(field, p))
            };
            if status_of(ds.status, idx).is_some_and(|s| MISSING_STATUS.contains(&s.trim())) {
                continue;
            }
            let value = match val {
                Json::Null => continue,
                Json::String(s) if MISSING.contains(&s.trim()) => continue,
                Json::Number(n) => n.as_f64().ok_or_else(|| {
                    cerr(
                        "value".into(),
                        Problem::new("err-number", "not a number").arg("value", n.to_string()),
                    )
                })?,
                Json::String(s) => parse_number(s).map_err(|p| cerr("value".into(), p))?,
                other => {
                    return Err(cerr(
                        "value".into(),
                        Problem::new("err-number", "not a number").arg("value", other.to_string()),
                    ))
                }
            };
            let (mut ind, mut unit, mut period) = (None, None, None);
            let mut b = Breakdown::total();
            for (d, dim) in ds.dims.iter().enumerate() {
                let n = dim.cats.len();
                if n == 0 {
                    continue;
                }
                let pos = (idx / strides[d]) % n;
                let slot = &mut cache[d][pos];
                if slot.is_none() {
                    let r = resolve(meaning[d], &dim.cats[pos], resolver, scheme)
                        .map_err(|p| cerr(field_name(ds, &dim.id, several), p))?;
                    *slot = Some(r);
                }
                match slot {
                    Some(Resolved::Unit(u)) => unit = Some(*u),
                    Some(Resolved::Indicator(i)) => ind = Some(*i),
                    Some(Resolved::Period(p)) => period = Some(*p),
                    Some(Resolved::Sex(s)) => b.sex = *s,
                    Some(Resolved::Grade(g)) => b.grade = *g,
                    Some(Resolved::AgeGroup(a)) => b.age_group.clone_from(a),
                    Some(Resolved::Nothing) | None => {}
                }
            }
            let (Some(indicator_id), Some(unit_id), Some(period)) = (ind, unit, period) else {
                continue;
            };
            out.push(ValueRow {
                row: cell,
                indicator_id,
                unit_id,
                period,
                breakdown: b,
                value: Some(value),
                count: None,
            });
        }
        offset += ds.total;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dims_parse_one_or_several() {
        assert_eq!(
            parse_dims(" Palvelu = age_group ; Luokka=GRADE\nAlue 2024=orgunit,").unwrap(),
            vec![
                DimMapping {
                    dim: "Palvelu".into(),
                    kind: DimKind::AgeGroup
                },
                DimMapping {
                    dim: "Luokka".into(),
                    kind: DimKind::Grade
                },
                DimMapping {
                    dim: "Alue 2024".into(),
                    kind: DimKind::OrgUnit
                },
            ]
        );
        assert_eq!(parse_dims("  ").unwrap(), vec![]);
        for bad in ["Palvelu", "Palvelu=colour", "=sex", "a=b=c"] {
            let p = parse_dims(bad).expect_err(bad);
            assert_eq!(p.code, "err-dim-option", "{bad}");
            assert!(p
                .english
                .contains("orgunit|indicator|period|sex|grade|age_group"));
        }
    }

    #[test]
    fn dimensions_are_known_by_their_ids_in_any_case() {
        for (id, kind) in [
            ("Maakunta", DimKind::OrgUnit),
            ("hyvinvointialue", DimKind::OrgUnit),
            ("Landskap", DimKind::OrgUnit),
            ("Vuosi", DimKind::Period),
            ("År", DimKind::Period),
            ("Kuukausi", DimKind::Period),
            ("Tiedot", DimKind::Indicator),
            ("ContentsCode", DimKind::Indicator),
            ("measure", DimKind::Indicator),
            ("Sukupuoli", DimKind::Sex),
            ("Kön", DimKind::Sex),
            ("Ikä", DimKind::AgeGroup),
            ("Ålder", DimKind::AgeGroup),
            ("Luokka", DimKind::Grade),
        ] {
            assert_eq!(kind_by_id(id), Some(kind), "{id}");
        }
        assert_eq!(kind_by_id("Palvelu"), None);
    }

    fn cat(code: &str, label: &str) -> Category {
        Category {
            code: code.into(),
            label: label.into(),
        }
    }

    #[test]
    fn sexes_and_totals_by_code_or_label() {
        assert_eq!(sex_of(&cat("SSS", "Yhteensä")), Some(Sex::Total));
        assert_eq!(sex_of(&cat("1", "Miehet")), Some(Sex::Male));
        assert_eq!(sex_of(&cat("2", "Naiset")), Some(Sex::Female));
        assert_eq!(sex_of(&cat("533", "Tytöt")), Some(Sex::Female));
        assert_eq!(sex_of(&cat("x", "muu")), None);
        assert!(is_total(&cat("SSS", "Yhteensä")));
        assert!(is_total(&cat("123", "Yhteensä")));
        assert!(!is_total(&cat("0-6", "0-6 vuotta")));
        assert_eq!(
            cat("MK17", "Pohjois-Pohjanmaa").text(),
            "MK17 (Pohjois-Pohjanmaa)"
        );
        assert_eq!(cat("2025", "2025").text(), "2025");
    }

    /// A dataset's name, dimension ids, cells made and cells given.
    type Shape = (Option<String>, Vec<String>, usize, usize);

    fn read(text: &str, limits: &Limits) -> Result<Vec<Shape>, ImportError> {
        let doc: Json = serde_json::from_str(text).unwrap();
        let mut out = Vec::new();
        for (name, ds) in datasets_of(&doc) {
            let s = read_dataset(name, ds, "t.json", limits.cells, limits)?;
            out.push((
                s.name.clone(),
                s.dims.iter().map(|d| d.id.clone()).collect(),
                s.total,
                s.values.len(),
            ));
        }
        Ok(out)
    }

    #[test]
    fn reads_the_shapes_of_both_versions() {
        let l = Limits::default();
        // 2.0: id, size and role beside 'dimension'.
        let v2 = r#"{"version": "2.0", "class": "dataset", "id": ["a", "b"], "size": [2, 1],
            "dimension": {"a": {"category": {"index": ["x", "y"]}}, "b": {"category": {"label": {"z": "Z"}}}},
            "value": [1, null]}"#;
        assert_eq!(
            read(v2, &l).unwrap(),
            vec![(None, vec!["a".into(), "b".into()], 2, 2)]
        );
        // A 1.0 bundle of two datasets: id, size and role inside 'dimension'.
        let v1 = r#"{"one": {"dimension": {"id": ["a"], "size": [2], "role": {"geo": ["a"]},
                      "a": {"category": {"index": {"x": 0, "y": 1}}}}, "value": {"1": 3}},
                     "two": {"dimension": {"id": ["b"], "size": [1],
                      "b": {"category": {"index": {"z": 0}}}}, "value": [4]}}"#;
        assert_eq!(
            read(v1, &l).unwrap(),
            vec![
                (Some("one".into()), vec!["a".into()], 2, 1),
                (Some("two".into()), vec!["b".into()], 1, 1)
            ]
        );
        // A plain 1.0 dataset.
        let plain = r#"{"label": "x", "dimension": {"id": ["a"], "size": [1],
            "a": {"category": {"index": {"x": 0}}}}, "value": [4]}"#;
        assert_eq!(read(plain, &l).unwrap().len(), 1);
        // Broken index positions are refused, not guessed.
        let gap = v1.replace(r#""y": 1"#, r#""y": 2"#);
        assert!(read(&gap, &l).unwrap_err().message.contains("index"));
        // A huge size is refused by the cell limit before anything is built.
        let huge = v2.replace("[2, 1]", "[4294967296, 4294967296]");
        let e = read(&huge, &l).unwrap_err();
        assert!(e.message.contains("cell limit"), "{e}");
    }
}
