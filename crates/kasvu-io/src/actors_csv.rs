//! The register of regional actors as a table (CSV or XLSX, read alike by
//! [`crate::table`]): one row per actor, lists in a cell separated by `;`.
//! Exports for the public leave out the private contact person's details.

use crate::limits::Limits;
use crate::spreadsheet_text::{neutralise, restore};
use crate::table::{csv_header, csv_reader, for_each_csv_row, xlsx_rows, Header};
use crate::ImportError;
use kasvu_core::actor::{parse_list, Audience};
use kasvu_core::{FieldError, Sector};
use kasvu_store::{ActorEntry, ActorSpec};

pub const REQUIRED: &[&str] = &["code", "name", "sector"];
pub const OPTIONAL: &[&str] = &[
    "unit",
    "offer",
    "audiences",
    "themes",
    "languages",
    "opening_hours",
    "areas",
    "phone",
    "email",
    "website",
    "contact_person",
    "contact_phone",
    "contact_email",
    "confirmed_on",
];
/// The columns only signed-in staff get.
const PRIVATE: &[&str] = &["contact_person", "contact_phone", "contact_email"];

fn row_of(file: &str, h: &Header, row: usize, cells: &[String]) -> Result<ActorSpec, ImportError> {
    let get = |name: &str| {
        h.col(name)
            .and_then(|i| cells.get(i))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let bad = |field: &str, p: kasvu_core::Problem| {
        ImportError::field(file, row, FieldError::new(field, p))
    };
    let sector = Sector::parse(&get("sector")).map_err(|p| bad("sector", p))?;
    let audiences = parse_list(&get("audiences"))
        .iter()
        .map(|a| Audience::parse(a))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|p| bad("audiences", p))?;
    Ok(ActorSpec {
        code: get("code"),
        name: get("name"),
        sector,
        unit: get("unit"),
        offer: get("offer"),
        audiences,
        themes: parse_list(&get("themes")),
        languages: parse_list(&get("languages").replace(',', ";")),
        opening_hours: get("opening_hours"),
        areas: parse_list(&get("areas")),
        phone: get("phone"),
        email: get("email"),
        website: get("website"),
        contact_person: get("contact_person"),
        contact_phone: get("contact_phone"),
        contact_email: get("contact_email"),
        confirmed_on: get("confirmed_on"),
    })
}

/// Reads a CSV or XLSX file (XLSX when it starts as a zip archive) into
/// numbered rows (the header is row 1), within `limits`.
pub fn parse(
    bytes: &[u8],
    file: &str,
    limits: &Limits,
) -> Result<Vec<(usize, ActorSpec)>, ImportError> {
    let mut out = Vec::new();
    if bytes.starts_with(b"PK") {
        let sheet = xlsx_rows(bytes, file, limits)?;
        let mut rows = sheet.rows();
        let h = Header::new(rows.next().map(|r| r.all()).unwrap_or_default());
        h.check(file, REQUIRED, OPTIONAL)?;
        for cells in rows {
            let row = cells.number;
            out.push((row, row_of(file, &h, row, &cells.dense(h.names.len()))?));
        }
    } else {
        let mut rdr = csv_reader(bytes, file, limits)?;
        let h = csv_header(&mut rdr, file, limits)?;
        h.check(file, REQUIRED, OPTIONAL)?;
        for_each_csv_row(&mut rdr, file, limits, |row, rec| {
            let cells: Vec<String> = rec.iter().map(|c| restore(c).to_owned()).collect();
            out.push((row, row_of(file, &h, row, &cells)?));
            Ok(())
        })?;
    }
    if out.is_empty() {
        return Err(ImportError::file(file, "the file has no rows"));
    }
    Ok(out)
}

fn columns(private: bool) -> Vec<&'static str> {
    REQUIRED
        .iter()
        .chain(OPTIONAL)
        .copied()
        .filter(|c| private || !PRIVATE.contains(c))
        .collect()
}

fn cells(e: &ActorEntry, private: bool) -> Vec<String> {
    let s = &e.spec;
    let all = [
        ("code", s.code.clone()),
        ("name", s.name.clone()),
        ("sector", s.sector.code().to_owned()),
        ("unit", s.unit.clone()),
        ("offer", s.offer.clone()),
        (
            "audiences",
            s.audiences
                .iter()
                .map(|a| a.code())
                .collect::<Vec<_>>()
                .join(";"),
        ),
        ("themes", s.themes.join(";")),
        ("languages", s.languages.join(";")),
        ("opening_hours", s.opening_hours.clone()),
        ("areas", s.areas.join(";")),
        ("phone", s.phone.clone()),
        ("email", s.email.clone()),
        ("website", s.website.clone()),
        ("contact_person", s.contact_person.clone()),
        ("contact_phone", s.contact_phone.clone()),
        ("contact_email", s.contact_email.clone()),
        ("confirmed_on", s.confirmed_on.clone()),
    ];
    all.into_iter()
        .filter(|(c, _)| private || !PRIVATE.contains(c))
        .map(|(_, v)| v)
        .collect()
}

/// CSV for Finnish Excel (UTF-8 BOM, `;`), re-importable as it is; text that
/// a spreadsheet would run as a formula is exported as text.
pub fn to_csv(entries: &[ActorEntry], private: bool) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(columns(private));
    for e in entries {
        let _ = w.write_record(cells(e, private).iter().map(|c| neutralise(c).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

pub fn to_xlsx(entries: &[ActorEntry], private: bool) -> Result<Vec<u8>, String> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    for (c, h) in columns(private).iter().enumerate() {
        ws.write_string(0, c as u16, *h).map_err(e)?;
    }
    for (r, entry) in entries.iter().enumerate() {
        for (c, v) in cells(entry, private).iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).map_err(e)?;
        }
    }
    wb.save_to_buffer().map_err(e)
}
