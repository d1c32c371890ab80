//! Importing indicator values: CSV and XLSX in long format
//! (`indicator,orgunit,period,value[,sex][,grade][,age_group][,count]`),
//! Sotkanet JSON and JSON-stat (2.0 datasets and 1.0 bundles: THL, Statistics
//! Finland PxWeb `json-stat2`; read by [`jsonstat`]). Every format becomes
//! [`ValueRow`]s that one store transaction writes all-or-nothing; any bad
//! row or cell is named and nothing is stored.

// A child of this module (its file beside this one) so that it calls the
// Resolver's lookups by external code without their being made public.
#[path = "jsonstat.rs"]
pub mod jsonstat;

use crate::limits::{check_json, Limits};
use crate::table::{csv_header, csv_reader, csv_record, xlsx_rows, Header};
use crate::ImportError;
use jsonstat::DimMapping;
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

/// Rows pushed to the store at a time while reading a CSV file: a multiple
/// of what the store stages per statement, so that only a file's last
/// statement is shorter (and prepared apart).
const BATCH: usize = 3 * kasvu_store::VALUES_PER_STATEMENT;

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
    import_with_dims(
        store,
        actor,
        bytes,
        file,
        format,
        scheme,
        &[],
        opts,
        limits,
        progress,
    )
    .await
}

/// [`import`], with JSON-stat dimensions mapped by id (`--dim ID=KIND`;
/// other formats have no dimensions and ignore them).
#[allow(clippy::too_many_arguments)]
pub async fn import_with_dims(
    store: &Store,
    actor: &Actor,
    bytes: &[u8],
    file: &str,
    format: Format,
    scheme: Option<&str>,
    dims: &[DimMapping],
    opts: WriteOptions,
    limits: &Limits,
    progress: Progress<'_>,
) -> Result<WriteSummary, ImportError> {
    let mut touched = Touched::default();
    import_touching(
        store,
        actor,
        bytes,
        file,
        format,
        scheme,
        dims,
        opts,
        limits,
        progress,
        &mut touched,
    )
    .await
}

/// The indicators and units an import wrote values of (for "see what
/// changed" links after it ends).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    pub indicators: std::collections::BTreeSet<i64>,
    pub units: std::collections::BTreeSet<i64>,
}

impl Touched {
    fn add(&mut self, rows: &[ValueRow]) {
        for r in rows {
            self.indicators.insert(r.indicator_id);
            self.units.insert(r.unit_id);
        }
    }
}

/// [`import_with_dims`], noting in `touched` what it wrote values of.
#[allow(clippy::too_many_arguments)]
pub async fn import_touching(
    store: &Store,
    actor: &Actor,
    bytes: &[u8],
    file: &str,
    format: Format,
    scheme: Option<&str>,
    dims: &[DimMapping],
    opts: WriteOptions,
    limits: &Limits,
    progress: Progress<'_>,
    touched: &mut Touched,
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
                    touched.add(&batch);
                    writer.push(&batch).await.map_err(store_err)?;
                    done += batch.len();
                    batch.clear();
                    progress(done, None);
                }
            }
            touched.add(&batch);
            writer.push(&batch).await.map_err(store_err)?;
            done += batch.len();
        }
        other => {
            // Reading a workbook or a JSON document within the limits is
            // CPU work of up to seconds: it runs on a blocking thread, so a
            // server's other requests keep their worker meanwhile.
            let (owned, name, scheme, dims, limits) = (
                bytes.to_vec(),
                file.to_owned(),
                scheme.map(str::to_owned),
                dims.to_vec(),
                *limits,
            );
            let rows = tokio::task::spawn_blocking(move || match other {
                Format::Xlsx => parse_xlsx(&owned, &name, &resolver, &limits),
                Format::Sotkanet => parse_sotkanet(&owned, &name, &resolver, &limits),
                _ => jsonstat::parse(&owned, &name, &resolver, scheme.as_deref(), &dims, &limits),
            })
            .await
            .map_err(|e| ImportError::file(file, format!("the file could not be read: {e}")))??;
            let total = rows.len();
            for chunk in rows.chunks(BATCH) {
                touched.add(chunk);
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
