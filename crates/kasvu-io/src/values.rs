//! Importing indicator values: CSV and XLSX in long format
//! (`indicator,orgunit,period,value[,sex][,grade][,age_group][,count]`),
//! Sotkanet JSON and JSON-stat 2.0 datasets (THL cubes, Statistics Finland
//! PxWeb `json-stat2`). Every format becomes [`ValueRow`]s that one store
//! transaction writes all-or-nothing; any bad row or cell is named and
//! nothing is stored.

use crate::limits::{check_json, Limits};
use crate::table::{csv_header, csv_reader, csv_record, xlsx_rows, Header};
use crate::ImportError;
use kasvu_core::{code_key, parse_grade, parse_number, FieldError, Period, Problem, Sex};
use kasvu_store::{
    Actor, Breakdown, Indicator, Store, StoreError, ValueRow, WriteOptions, WriteSummary,
};
use serde_json::Value as Json;
use std::collections::HashMap;

/// A file format of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Sotkanet,
    JsonStat,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format, Problem> {
        match s.trim() {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            "sotkanet" => Ok(Format::Sotkanet),
            "jsonstat" => Ok(Format::JsonStat),
            other => Err(Problem::not_one_of(
                other,
                &["csv", "xlsx", "sotkanet", "jsonstat"],
            )),
        }
    }

    /// Guesses the format from the file name and its first bytes.
    pub fn detect(file: &str, bytes: &[u8]) -> Option<Format> {
        let lower = file.to_lowercase();
        if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
            return Some(Format::Xlsx);
        }
        if lower.ends_with(".csv") || lower.ends_with(".txt") {
            return Some(Format::Csv);
        }
        let start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| bytes[i]);
        match start {
            Some(b'[') => Some(Format::Sotkanet),
            Some(b'{') => Some(Format::JsonStat),
            _ => None,
        }
    }
}

/// Codes and external codes of the catalogue and the tree, for matching.
///
/// Codes are matched without regard to case or surrounding spaces: the maps
/// are keyed by [`kasvu_core::code_key`], so a sheet's `TK-P` finds the
/// unit `tk-p` (silently: the code is the same code).
pub struct Resolver {
    indicators: HashMap<String, Indicator>,
    indicator_ext: HashMap<(String, String), String>,
    units: HashMap<String, i64>,
    unit_ext: HashMap<(String, String), Vec<i64>>,
}

impl Resolver {
    pub async fn load(store: &Store) -> Result<Resolver, StoreError> {
        let mut r = Resolver {
            indicators: HashMap::new(),
            indicator_ext: HashMap::new(),
            units: HashMap::new(),
            unit_ext: HashMap::new(),
        };
        for i in store.indicators().await? {
            for ec in &i.spec.external_codes {
                r.indicator_ext
                    .insert((ec.scheme.clone(), ec.code.clone()), i.spec.code.clone());
            }
            r.indicators.insert(code_key(&i.spec.code), i);
        }
        for org in store.organisations().await? {
            for u in store.org_units(org.id).await? {
                for ec in &u.external_codes {
                    r.unit_ext
                        .entry((ec.scheme.clone(), ec.code.clone()))
                        .or_default()
                        .push(u.id);
                }
                r.units.insert(code_key(&u.code), u.id);
            }
        }
        Ok(r)
    }

    pub fn indicator(&self, code: &str) -> Result<&Indicator, Problem> {
        let code = code.trim();
        self.indicators.get(&code_key(code)).ok_or_else(|| {
            Problem::new(
                "err-indicator-missing",
                format!("there is no indicator '{code}'"),
            )
            .arg("value", code)
        })
    }

    fn indicator_by(&self, scheme: Option<&str>, id: &str) -> Result<&Indicator, Problem> {
        match scheme {
            None => self.indicator(id),
            Some(s) => match self.indicator_ext.get(&(s.to_owned(), id.to_owned())) {
                Some(code) => self.indicator(code),
                None => Err(Problem::new(
                    "err-indicator-missing",
                    format!("no indicator has the external code {s}:{id}"),
                )
                .arg("value", format!("{s}:{id}"))),
            },
        }
    }

    pub fn unit(&self, code: &str) -> Result<i64, Problem> {
        let code = code.trim();
        self.units.get(&code_key(code)).copied().ok_or_else(|| {
            Problem::new("err-unit-missing", format!("there is no org unit '{code}'"))
                .arg("value", code)
        })
    }

    fn unit_by(&self, scheme: Option<&str>, id: &str) -> Result<i64, Problem> {
        match scheme {
            None => self.unit(id),
            Some(s) => match self
                .unit_ext
                .get(&(s.to_owned(), id.to_owned()))
                .map(Vec::as_slice)
            {
                Some([one]) => Ok(*one),
                Some([_, _, ..]) => Err(Problem::new(
                    "err-unit-ambiguous",
                    format!("several org units have the external code {s}:{id}"),
                )
                .arg("value", format!("{s}:{id}"))),
                _ => Err(Problem::new(
                    "err-unit-missing",
                    format!("no org unit has the external code {s}:{id}"),
                )
                .arg("value", format!("{s}:{id}"))),
            },
        }
    }
}

/// The columns of the long format.
pub const REQUIRED: &[&str] = &["indicator", "orgunit", "period", "value"];
pub const OPTIONAL: &[&str] = &["sex", "grade", "age_group", "count"];

fn field(name: &'static str) -> impl Fn(Problem) -> FieldError {
    move |p| FieldError::new(name, p)
}

/// One long-format row, from text cells.
fn long_row(
    resolver: &Resolver,
    row: usize,
    get: &dyn Fn(&str) -> String,
) -> Result<ValueRow, FieldError> {
    let ind = resolver
        .indicator(&get("indicator"))
        .map_err(field("indicator"))?;
    let unit_id = resolver.unit(&get("orgunit")).map_err(field("orgunit"))?;
    let period = Period::parse(&get("period")).map_err(field("period"))?;
    let v = get("value");
    if v.trim().is_empty() {
        return Err(FieldError::new("value", Problem::required()));
    }
    let value = parse_number(&v).map_err(field("value"))?;
    let sex = match get("sex").trim() {
        "" => Sex::Total,
        s => Sex::parse(s).map_err(field("sex"))?,
    };
    let grade = parse_grade(&get("grade")).map_err(field("grade"))?;
    let age = get("age_group").trim().to_owned();
    let count = match get("count").trim() {
        "" => None,
        c => Some(parse_number(c).map_err(field("count"))?),
    };
    Ok(ValueRow {
        row,
        indicator_id: ind.id,
        unit_id,
        period,
        breakdown: Breakdown {
            sex,
            grade,
            age_group: (!age.is_empty()).then_some(age),
        },
        value: Some(value),
        count,
    })
}

/// How an import goes: rows read so far, and the total when known.
pub type Progress<'a> = &'a mut (dyn FnMut(usize, Option<usize>) + Send);

/// Rows pushed to the store at a time while reading a CSV file.
const BATCH: usize = 5000;

/// Reads a file of values and writes it in one transaction. The file is
/// refused, naming the limit, when it is larger or holds more than `limits`.
#[allow(clippy::too_many_arguments)]
pub async fn import(
    store: &Store,
    actor: &Actor,
    bytes: &[u8],
    file: &str,
    format: Format,
    scheme: Option<&str>,
    opts: WriteOptions,
    limits: &Limits,
    progress: Progress<'_>,
) -> Result<WriteSummary, ImportError> {
    limits.check_size(file, bytes.len())?;
    let resolver = Resolver::load(store)
        .await
        .map_err(|e| ImportError::file(file, e.to_string()))?;
    let cells = format == Format::JsonStat;
    let store_err = |e: StoreError| match e {
        StoreError::Row { row, error } if cells => ImportError::cell(file, row, error),
        StoreError::Row { row, error } => ImportError::field(file, row, error),
        other => ImportError::file(file, other.to_string()),
    };
    let mut writer = store.begin_values(actor, opts).await.map_err(store_err)?;
    let mut done = 0usize;
    match format {
        Format::Csv => {
            let mut rdr = csv_reader(bytes, file, limits)?;
            let header = csv_header(&mut rdr, file, limits)?;
            header.check(file, REQUIRED, OPTIONAL)?;
            let mut batch = Vec::with_capacity(BATCH);
            let mut rec = csv::StringRecord::new();
            let mut row = 1;
            loop {
                row += 1;
                if !csv_record(&mut rdr, &mut rec, file, row, limits)? {
                    break;
                }
                if rec.iter().all(str::is_empty) {
                    continue;
                }
                let get = |name: &str| cell_of(&header, &rec, name);
                batch.push(
                    long_row(&resolver, row, &get).map_err(|e| ImportError::field(file, row, e))?,
                );
                if batch.len() == BATCH {
                    writer.push(&batch).await.map_err(store_err)?;
                    done += batch.len();
                    batch.clear();
                    progress(done, None);
                }
            }
            writer.push(&batch).await.map_err(store_err)?;
            done += batch.len();
        }
        other => {
            // Reading a workbook or a JSON document within the limits is
            // CPU work of up to seconds: it runs on a blocking thread, so a
            // server's other requests keep their worker meanwhile.
            let (owned, name, scheme, limits) = (
                bytes.to_vec(),
                file.to_owned(),
                scheme.map(str::to_owned),
                *limits,
            );
            let rows = tokio::task::spawn_blocking(move || match other {
                Format::Xlsx => parse_xlsx(&owned, &name, &resolver, &limits),
                Format::Sotkanet => parse_sotkanet(&owned, &name, &resolver, &limits),
                _ => parse_jsonstat(&owned, &name, &resolver, scheme.as_deref(), &limits),
            })
            .await
            .map_err(|e| ImportError::file(file, format!("the file could not be read: {e}")))??;
            let total = rows.len();
            for chunk in rows.chunks(BATCH) {
                writer.push(chunk).await.map_err(store_err)?;
                done += chunk.len();
                progress(done, Some(total));
            }
        }
    }
    if done == 0 {
        return Err(ImportError::file(file, "the file has no values"));
    }
    progress(done, Some(done));
    writer.finish().await.map_err(store_err)
}

fn cell_of(header: &Header, rec: &csv::StringRecord, name: &str) -> String {
    header
        .col(name)
        .and_then(|c| rec.get(c))
        .unwrap_or("")
        .to_owned()
}

/// The first sheet of a workbook in long format.
pub fn parse_xlsx(
    bytes: &[u8],
    file: &str,
    resolver: &Resolver,
    limits: &Limits,
) -> Result<Vec<ValueRow>, ImportError> {
    let sheet = xlsx_rows(bytes, file, limits)?;
    let mut rows = sheet.rows();
    let Some(head) = rows.next() else {
        return Err(ImportError::file(file, "the sheet is empty"));
    };
    let header = Header::new(head.all());
    header.check(file, REQUIRED, OPTIONAL)?;
    let mut out = Vec::new();
    for cells in rows {
        let row = cells.number;
        let get = |name: &str| {
            header
                .col(name)
                .map(|c| cells.get(c).to_owned())
                .unwrap_or_default()
        };
        out.push(long_row(resolver, row, &get).map_err(|e| ImportError::field(file, row, e))?);
    }
    Ok(out)
}

fn json_id(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.trim().to_owned()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Sotkanet's JSON: `[{"indicator":…,"region":…,"year":…,"gender":…,
/// "value":…,"absValue":…}]`. Indicators and regions are matched through
/// external codes `sotkanet:<id>`. Items without a value (Sotkanet leaves
/// out what it suppresses) are skipped.
pub fn parse_sotkanet(
    bytes: &[u8],
    file: &str,
    resolver: &Resolver,
    limits: &Limits,
) -> Result<Vec<ValueRow>, ImportError> {
    check_json(bytes, file, limits)?;
    let items: Vec<Json> = serde_json::from_slice(bytes)
        .map_err(|e| ImportError::file(file, format!("not a Sotkanet JSON array: {e}")))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let row = i + 1;
        let err = |name: &'static str, p: Problem| {
            ImportError::field(file, row, FieldError::new(name, p))
        };
        let Some(obj) = item.as_object() else {
            return Err(ImportError {
                row: Some(row),
                ..ImportError::file(file, "an item is not an object")
            });
        };
        let get = |name: &'static str| -> Result<String, ImportError> {
            obj.get(name)
                .and_then(json_id)
                .ok_or_else(|| err(name, Problem::required()))
        };
        let ind = resolver
            .indicator_by(Some("sotkanet"), &get("indicator")?)
            .map_err(|p| err("indicator", p))?;
        let unit_id = resolver
            .unit_by(Some("sotkanet"), &get("region")?)
            .map_err(|p| err("region", p))?;
        let period = Period::parse(&get("year")?).map_err(|p| err("year", p))?;
        let sex = match obj.get("gender").and_then(json_id).as_deref() {
            None | Some("") => Sex::Total,
            Some(g) => Sex::parse(g).map_err(|p| err("gender", p))?,
        };
        let value = match obj.get("value") {
            None => return Err(err("value", Problem::required())),
            Some(Json::Null) => continue,
            Some(Json::Number(n)) => n.as_f64(),
            Some(other) => Some(
                parse_number(&json_id(other).unwrap_or_default()).map_err(|p| err("value", p))?,
            ),
        };
        let count = match obj.get("absValue") {
            None | Some(Json::Null) => None,
            Some(Json::Number(n)) => n.as_f64(),
            Some(other) => Some(
                parse_number(&json_id(other).unwrap_or_default())
                    .map_err(|p| err("absValue", p))?,
            ),
        };
        out.push(ValueRow {
            row,
            indicator_id: ind.id,
            unit_id,
            period,
            breakdown: Breakdown::sex(sex),
            value,
            count,
        });
    }
    Ok(out)
}

/// What a JSON-stat dimension stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Indicator,
    Unit,
    Period,
    Sex,
    /// A dimension of one category that adds nothing.
    Constant,
}

fn role_by_name(id: &str) -> Option<Role> {
    let l = id.to_lowercase();
    let l = l.as_str();
    if [
        "indicator",
        "measure",
        "mittari",
        "tiedot",
        "contentscode",
        "metric",
        "indikaattori",
    ]
    .contains(&l)
    {
        Some(Role::Indicator)
    } else if [
        "orgunit",
        "alue",
        "region",
        "area",
        "kunta",
        "geo",
        "municipality",
        "hyvinvointialue",
    ]
    .contains(&l)
    {
        Some(Role::Unit)
    } else if [
        "period",
        "vuosi",
        "year",
        "time",
        "aika",
        "kuukausi",
        "vuosineljännes",
    ]
    .contains(&l)
    {
        Some(Role::Period)
    } else if ["sex", "sukupuoli", "gender", "kön"].contains(&l) {
        Some(Role::Sex)
    } else {
        None
    }
}

/// A sex category by its id or label.
fn sex_of(id: &str, label: &str) -> Option<Sex> {
    let norm = |s: &str| s.trim().to_lowercase();
    for s in [norm(id), norm(label)] {
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

/// Period ids as statistics services write them: `2024`, `2024Q3`,
/// `2024K3` (Finnish quarter), `2024M09` (PxWeb month), `2024S1`, `202409`.
fn period_of(id: &str) -> Result<Period, Problem> {
    let t = id.trim();
    let mapped = if t.len() == 7 && (t.as_bytes()[4] == b'M' || t.as_bytes()[4] == b'm') {
        format!("{}{}", &t[..4], &t[5..])
    } else if t.len() == 6 && (t.as_bytes()[4] == b'K' || t.as_bytes()[4] == b'k') {
        format!("{}Q{}", &t[..4], &t[5..])
    } else {
        t.to_owned()
    };
    Period::parse(&mapped).map_err(|_| {
        Problem::new(
            "err-period",
            format!("'{t}' is not a period: use 2024, 2024S1, 2024Q3 or 202409"),
        )
        .arg("value", t)
    })
}

struct Dim {
    id: String,
    role: Role,
    /// Category ids in index order, with labels.
    cats: Vec<(String, String)>,
}

/// A JSON-stat 2.0 dataset. Dimensions are mapped by `role` (time → period,
/// geo → org unit, metric → indicator) or by their ids; categories are
/// matched to codes, or with `scheme` to external codes of that scheme.
/// Cells whose value is null (with or without a status) are skipped.
pub fn parse_jsonstat(
    bytes: &[u8],
    file: &str,
    resolver: &Resolver,
    scheme: Option<&str>,
    limits: &Limits,
) -> Result<Vec<ValueRow>, ImportError> {
    check_json(bytes, file, limits)?;
    let doc: Json = serde_json::from_slice(bytes)
        .map_err(|e| ImportError::file(file, format!("not JSON: {e}")))?;
    // A bundle (JSON-stat 1 style or a collection) holds one dataset.
    let ds = if doc.get("class").and_then(Json::as_str) == Some("dataset")
        || doc.get("id").is_some()
    {
        &doc
    } else {
        doc.as_object()
            .and_then(|o| o.values().find(|v| v.get("dimension").is_some()))
            .ok_or_else(|| ImportError::file(file, "not a JSON-stat dataset (no 'dimension')"))?
    };
    let shape = |msg: &str| ImportError::file(file, format!("not a JSON-stat 2.0 dataset: {msg}"));
    let ids: Vec<String> = ds
        .get("id")
        .and_then(Json::as_array)
        .ok_or_else(|| shape("no 'id' array"))?
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| shape("'id' holds a non-string"))
        })
        .collect::<Result<_, _>>()?;
    let size: Vec<usize> = ds
        .get("size")
        .and_then(Json::as_array)
        .ok_or_else(|| shape("no 'size' array"))?
        .iter()
        .map(|v| {
            v.as_u64()
                .map(|n| n as usize)
                .ok_or_else(|| shape("'size' holds a non-number"))
        })
        .collect::<Result<_, _>>()?;
    if ids.len() != size.len() {
        return Err(shape("'id' and 'size' differ in length"));
    }
    let roles = ds.get("role");
    let role_of = |id: &str| -> Option<Role> {
        let listed = |key: &str| {
            roles
                .and_then(|r| r.get(key))
                .and_then(Json::as_array)
                .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(id)))
        };
        if listed("time") {
            Some(Role::Period)
        } else if listed("geo") {
            Some(Role::Unit)
        } else if listed("metric") {
            Some(Role::Indicator)
        } else {
            role_by_name(id)
        }
    };
    let mut dims = Vec::with_capacity(ids.len());
    for (id, n) in ids.iter().zip(&size) {
        let d = ds
            .get("dimension")
            .and_then(|d| d.get(id))
            .ok_or_else(|| shape(&format!("dimension '{id}' is not described")))?;
        let cat = d
            .get("category")
            .ok_or_else(|| shape(&format!("dimension '{id}' has no category")))?;
        let mut cats: Vec<(String, String)> = match cat.get("index") {
            Some(Json::Array(a)) => a
                .iter()
                .filter_map(json_id)
                .map(|c| (c, String::new()))
                .collect(),
            Some(Json::Object(o)) => {
                let mut v: Vec<(usize, String)> = o
                    .iter()
                    .filter_map(|(k, i)| i.as_u64().map(|i| (i as usize, k.clone())))
                    .collect();
                v.sort();
                v.into_iter().map(|(_, k)| (k, String::new())).collect()
            }
            _ => match cat.get("label").and_then(Json::as_object) {
                Some(l) if l.len() == 1 => l.keys().map(|k| (k.clone(), String::new())).collect(),
                _ => return Err(shape(&format!("dimension '{id}' has no category index"))),
            },
        };
        if cats.len() != *n {
            return Err(shape(&format!(
                "dimension '{id}' has {} categories, size says {n}",
                cats.len()
            )));
        }
        if let Some(labels) = cat.get("label").and_then(Json::as_object) {
            for (cid, label) in &mut cats {
                if let Some(l) = labels.get(cid.as_str()).and_then(Json::as_str) {
                    *label = l.to_owned();
                }
            }
        }
        let role = match role_of(id) {
            Some(r) => r,
            None if *n == 1 => Role::Constant,
            None => {
                return Err(ImportError {
                    field: Some(id.clone()),
                    ..ImportError::file(
                        file,
                        format!(
                            "dimension '{id}' is neither indicator, org unit, period nor sex (give it a role or one of those names)"
                        ),
                    )
                })
            }
        };
        dims.push(Dim {
            id: id.clone(),
            role,
            cats,
        });
    }
    for (role, name) in [
        (Role::Indicator, "indicator"),
        (Role::Unit, "org unit"),
        (Role::Period, "period"),
    ] {
        let count = dims.iter().filter(|d| d.role == role).count();
        if count != 1 {
            return Err(shape(&format!(
                "needs exactly one {name} dimension, found {count}"
            )));
        }
    }
    // The cells the sizes make, at most the cell limit (checked as they
    // multiply, so huge sizes cannot overflow).
    let total = size.iter().try_fold(1usize, |t, n| {
        t.checked_mul(*n).filter(|t| *t <= limits.cells)
    });
    let Some(total) = total else {
        return Err(ImportError::file(
            file,
            format!(
                "the sizes make more than {} cells (cell limit)",
                limits.cells
            ),
        ));
    };
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
            let mut v = Vec::with_capacity(o.len());
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
    // Resolve each dimension's categories once; errors name the first cell using them.
    let mut out = Vec::with_capacity(values.len());
    let mut strides = vec![1usize; dims.len()];
    for i in (0..dims.len().saturating_sub(1)).rev() {
        strides[i] = strides[i + 1].saturating_mul(size[i + 1]);
    }
    for (idx, val) in values {
        let cell = idx + 1;
        let cerr = |dim: &str, p: Problem| {
            ImportError::cell(file, cell, FieldError::new(dim.to_owned(), p))
        };
        let value = match val {
            Json::Null => continue,
            Json::Number(n) => n.as_f64().unwrap_or(f64::NAN),
            Json::String(s) => parse_number(s).map_err(|p| cerr("value", p))?,
            _ => {
                return Err(cerr(
                    "value",
                    Problem::new("err-number", "not a number").arg("value", val.to_string()),
                ))
            }
        };
        let mut ind = None;
        let mut unit = None;
        let mut period = None;
        let mut sex = Sex::Total;
        for (d, dim) in dims.iter().enumerate() {
            let pos = (idx / strides[d]) % size[d];
            let (cid, label) = &dim.cats[pos];
            match dim.role {
                Role::Indicator => {
                    ind = Some(
                        resolver
                            .indicator_by(scheme, cid)
                            .map_err(|p| cerr(&dim.id, p))?,
                    )
                }
                Role::Unit => {
                    unit = Some(
                        resolver
                            .unit_by(scheme, cid)
                            .map_err(|p| cerr(&dim.id, p))?,
                    )
                }
                Role::Period => period = Some(period_of(cid).map_err(|p| cerr(&dim.id, p))?),
                Role::Sex => {
                    sex = sex_of(cid, label).ok_or_else(|| {
                        cerr(
                            &dim.id,
                            Problem::not_one_of(cid, &["total", "male", "female"]),
                        )
                    })?
                }
                Role::Constant => {}
            }
        }
        let (Some(ind), Some(unit_id), Some(period)) = (ind, unit, period) else {
            continue;
        };
        out.push(ValueRow {
            row: cell,
            indicator_id: ind.id,
            unit_id,
            period,
            breakdown: Breakdown::sex(sex),
            value: Some(value),
            count: None,
        });
    }
    Ok(out)
}
