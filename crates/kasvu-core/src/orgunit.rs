//! Org units: the organisation (a city or a wellbeing services county), its
//! areas, service clusters and units, each with a stable code, names in three
//! languages, external codes and a validity period.

use crate::error::{FieldError, Problem};
use serde::{Deserialize, Serialize};
use std::fmt;
use time::Date;

code_enum! {
    /// The level of an org unit in the tree.
    Level {
        Organisation = "organisation",
        Area = "area",
        Cluster = "cluster",
        Unit = "unit",
    }
}

code_enum! {
    /// What kind of place a unit is.
    UnitKind {
        School = "school",
        DayCare = "daycare",
        FamilyCentre = "family_centre",
        ChildHealthClinic = "child_health_clinic",
        SchoolHealthCare = "school_health_care",
        Library = "library",
        YouthCentre = "youth_centre",
        CultureSports = "culture_sports",
        Ngo = "ngo",
        Parish = "parish",
        KelaOffice = "kela_office",
        Other = "other",
    }
}

code_enum! {
    /// Who runs a unit.
    Sector {
        EducationCulture = "education_culture",
        WellbeingCounty = "wellbeing_county",
        ThirdSector = "third_sector",
        Parish = "parish",
        Kela = "kela",
        Company = "company",
        CityCentral = "city_central",
    }
}

impl Level {
    /// The levels a unit of this level may hang under.
    pub fn allowed_parents(self) -> &'static [Level] {
        match self {
            Level::Organisation => &[],
            Level::Area => &[Level::Organisation],
            Level::Cluster => &[Level::Area],
            // Centralised services (culture, sports, community work) sit
            // directly under the organisation and take part in every area.
            Level::Unit => &[Level::Cluster, Level::Area, Level::Organisation],
        }
    }

    pub fn check_parent(self, parent: Option<Level>) -> Result<(), Problem> {
        match (self, parent) {
            (Level::Organisation, None) => Ok(()),
            (Level::Organisation, Some(_)) => Err(Problem::new(
                "err-organisation-has-parent",
                "an organisation is the root of its tree and has no parent",
            )),
            (_, None) => Err(Problem::new(
                "err-parent-required",
                format!("a unit of level '{self}' needs a parent"),
            )
            .arg("level", self.code())),
            (_, Some(p)) if self.allowed_parents().contains(&p) => Ok(()),
            (_, Some(p)) => Err(Problem::new(
                "err-parent-level",
                format!("a unit of level '{self}' cannot be placed under a unit of level '{p}'"),
            )
            .arg("level", self.code())
            .arg("parent", p.code())),
        }
    }
}

/// Units have a kind; organisations, areas and clusters do not.
pub fn check_kind(level: Level, kind: Option<UnitKind>) -> Result<(), Problem> {
    match (level, kind) {
        (Level::Unit, None) => Err(Problem::new("err-kind-required", "a unit needs a kind")),
        (Level::Unit, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(Problem::new(
            "err-kind-only-units",
            format!("only units have a kind, not a unit of level '{level}'"),
        )
        .arg("level", level.code())),
    }
}

impl UnitKind {
    /// The sector that usually runs this kind of unit in a Finnish city after
    /// the 2023 social and health care reform; `None` where it varies.
    pub fn default_sector(self) -> Option<Sector> {
        Some(match self {
            UnitKind::School | UnitKind::DayCare | UnitKind::Library | UnitKind::YouthCentre => {
                Sector::EducationCulture
            }
            UnitKind::FamilyCentre | UnitKind::ChildHealthClinic | UnitKind::SchoolHealthCare => {
                Sector::WellbeingCounty
            }
            UnitKind::CultureSports => Sector::CityCentral,
            UnitKind::Ngo => Sector::ThirdSector,
            UnitKind::Parish => Sector::Parish,
            UnitKind::KelaOffice => Sector::Kela,
            UnitKind::Other => return None,
        })
    }
}

/// A stable org-unit code: 1–64 characters of ASCII letters, digits, `-`
/// and `_`, starting with a letter or digit. Codes appear in URLs and files,
/// so they are kept plain. A code is stored as it was first written (`TK-P`
/// stays `TK-P`) but matched without regard to case ([`code_key`]): two
/// units never differ by case alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgCode(String);

impl OrgCode {
    pub const MAX_LEN: usize = 64;

    pub fn parse(s: &str) -> Result<Self, Problem> {
        let t = s.trim();
        if t.is_empty() {
            return Err(Problem::required());
        }
        if t.len() > Self::MAX_LEN {
            return Err(Problem::too_long(Self::MAX_LEN));
        }
        let first_ok = t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let all_ok = t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !first_ok || !all_ok {
            return Err(Problem::new(
                "err-code-format",
                format!("'{t}' is not a valid code: use letters a–z, digits, '-' and '_'"),
            )
            .arg("value", t));
        }
        Ok(OrgCode(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key the code is matched by ([`code_key`]).
    pub fn key(&self) -> String {
        code_key(&self.0)
    }
}

/// The key a code (of an org unit, an indicator or an actor) is matched by:
/// trimmed and lower-cased, Unicode-aware, so `TK-P`, ` tk-p ` and `Tk-P`
/// are one code. Codes are stored as written; every lookup by code compares
/// keys, and the databases keep keys unique (migration 0023).
pub fn code_key(code: &str) -> String {
    code.trim().to_lowercase()
}

/// Whether two codes are the same code ([`code_key`]).
pub fn same_code(a: &str, b: &str) -> bool {
    code_key(a) == code_key(b)
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Names in Finnish, Swedish and English. Finnish is required; the others
/// fall back to Finnish when shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Names {
    pub fi: String,
    /// Missing in JSON means not translated (shown in Finnish).
    #[serde(default)]
    pub sv: String,
    #[serde(default)]
    pub en: String,
}

impl Names {
    pub const MAX_LEN: usize = 200;

    /// Validates the three names; reports the field names `name_fi`, `name_sv`, `name_en`.
    pub fn parse(fi: &str, sv: &str, en: &str) -> Result<Self, FieldError> {
        let fi = fi.trim();
        if fi.is_empty() {
            return Err(FieldError::new("name_fi", Problem::required()));
        }
        for (field, v) in [
            ("name_fi", fi),
            ("name_sv", sv.trim()),
            ("name_en", en.trim()),
        ] {
            if v.chars().count() > Self::MAX_LEN {
                return Err(FieldError::new(field, Problem::too_long(Self::MAX_LEN)));
            }
            if v.chars().any(|c| c.is_control()) {
                return Err(FieldError::new(
                    field,
                    Problem::new("err-control-chars", "contains control characters"),
                ));
            }
        }
        Ok(Names {
            fi: fi.to_owned(),
            sv: sv.trim().to_owned(),
            en: en.trim().to_owned(),
        })
    }

    /// The name in a language (`fi`, `sv`, `en`), falling back to Finnish.
    pub fn get(&self, lang: &str) -> &str {
        let v = match lang {
            "sv" => &self.sv,
            "en" => &self.en,
            _ => &self.fi,
        };
        if v.is_empty() {
            &self.fi
        } else {
            v
        }
    }
}

/// A code of the unit in another system, e.g. `kunta:564` or `sotkanet:123`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExternalCode {
    pub scheme: String,
    pub code: String,
}

impl ExternalCode {
    fn parse_one(s: &str) -> Result<Self, Problem> {
        let bad = || {
            Problem::new(
                "err-external-code",
                format!("'{s}' is not a 'scheme:code' pair (e.g. kunta:564)"),
            )
            .arg("value", s)
        };
        let (scheme, code) = s.split_once(':').ok_or_else(bad)?;
        let (scheme, code) = (scheme.trim(), code.trim());
        let scheme_ok = !scheme.is_empty()
            && scheme.len() <= 32
            && scheme
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        let code_ok = !code.is_empty()
            && code.len() <= 64
            && !code.chars().any(|c| c.is_whitespace() || c == ';');
        if !scheme_ok || !code_ok {
            return Err(bad());
        }
        Ok(ExternalCode {
            scheme: scheme.to_owned(),
            code: code.to_owned(),
        })
    }

    /// Parses `scheme:code` pairs separated by `;`. Empty input is an empty
    /// list; a scheme given twice is an error. The result is sorted.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, Problem> {
        let mut out: Vec<ExternalCode> = Vec::new();
        for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let ec = Self::parse_one(part)?;
            if out.iter().any(|o| o.scheme == ec.scheme) {
                return Err(Problem::new(
                    "err-external-code-twice",
                    format!("scheme '{}' is given twice", ec.scheme),
                )
                .arg("scheme", ec.scheme));
            }
            out.push(ec);
        }
        out.sort();
        Ok(out)
    }

    pub fn format_list(list: &[ExternalCode]) -> String {
        list.iter()
            .map(|e| format!("{}:{}", e.scheme, e.code))
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// The period an org unit is valid: clusters get merged and renamed, and the
/// history stays readable. `to` is inclusive; `None` means open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ValidRange {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

const ISO_DATE: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub fn parse_date(s: &str) -> Result<Option<Date>, Problem> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    Date::parse(t, ISO_DATE).map(Some).map_err(|_| {
        Problem::new(
            "err-date",
            format!("'{t}' is not a date of the form YYYY-MM-DD"),
        )
        .arg("value", t)
    })
}

pub fn format_date(d: Date) -> String {
    d.format(ISO_DATE).unwrap_or_default()
}

impl ValidRange {
    /// Parses the two dates; reports the field names `valid_from`, `valid_to`.
    pub fn parse(from: &str, to: &str) -> Result<Self, FieldError> {
        let from = parse_date(from).map_err(|p| FieldError::new("valid_from", p))?;
        let to = parse_date(to).map_err(|p| FieldError::new("valid_to", p))?;
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err(FieldError::new(
                    "valid_to",
                    Problem::new("err-date-order", "the end date is before the start date"),
                ));
            }
        }
        Ok(ValidRange { from, to })
    }

    pub fn contains(&self, day: Date) -> bool {
        self.from.is_none_or(|f| f <= day) && self.to.is_none_or(|t| day <= t)
    }

    /// True when the unit has ended before `day` (it stays in the history).
    pub fn ended_before(&self, day: Date) -> bool {
        self.to.is_some_and(|t| t < day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn level_parent_rules() {
        assert!(Level::Organisation.check_parent(None).is_ok());
        assert!(Level::Organisation.check_parent(Some(Level::Area)).is_err());
        assert!(Level::Area.check_parent(Some(Level::Organisation)).is_ok());
        assert!(Level::Area.check_parent(None).is_err());
        assert!(Level::Cluster
            .check_parent(Some(Level::Organisation))
            .is_err());
        assert!(Level::Cluster.check_parent(Some(Level::Area)).is_ok());
        assert!(Level::Unit.check_parent(Some(Level::Cluster)).is_ok());
        assert!(Level::Unit.check_parent(Some(Level::Organisation)).is_ok());
        assert!(Level::Unit.check_parent(Some(Level::Unit)).is_err());
        let e = Level::Cluster.check_parent(Some(Level::Unit)).unwrap_err();
        assert_eq!(e.code, "err-parent-level");
        assert!(e.english.contains("'cluster'") && e.english.contains("'unit'"));
    }

    #[test]
    fn enums_round_trip_and_reject_unknown() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.code()), Ok(*k));
        }
        for s in Sector::ALL {
            assert_eq!(Sector::parse(s.code()), Ok(*s));
        }
        assert_eq!(Level::parse(" area "), Ok(Level::Area));
        let e = UnitKind::parse("castle").unwrap_err();
        assert_eq!(e.code, "err-not-one-of");
        assert!(e.english.contains("castle") && e.english.contains("school"));
    }

    #[test]
    fn kinds_belong_to_units() {
        assert!(check_kind(Level::Unit, Some(UnitKind::School)).is_ok());
        assert_eq!(
            check_kind(Level::Unit, None).unwrap_err().code,
            "err-kind-required"
        );
        assert!(check_kind(Level::Area, None).is_ok());
        assert_eq!(
            check_kind(Level::Cluster, Some(UnitKind::School))
                .unwrap_err()
                .code,
            "err-kind-only-units"
        );
    }

    #[test]
    fn default_sectors() {
        assert_eq!(
            UnitKind::School.default_sector(),
            Some(Sector::EducationCulture)
        );
        assert_eq!(
            UnitKind::ChildHealthClinic.default_sector(),
            Some(Sector::WellbeingCounty)
        );
        assert_eq!(UnitKind::Ngo.default_sector(), Some(Sector::ThirdSector));
        assert_eq!(UnitKind::Other.default_sector(), None);
    }

    #[test]
    fn codes() {
        assert_eq!(OrgCode::parse(" tuira ").unwrap().as_str(), "tuira");
        assert!(OrgCode::parse("oulu-keskinen_2").is_ok());
        assert_eq!(OrgCode::parse("").unwrap_err().code, "err-required");
        assert_eq!(
            OrgCode::parse("TK-P").unwrap().as_str(),
            "TK-P",
            "stored as given"
        );
        assert_eq!(OrgCode::parse(" TK-P ").unwrap().key(), "tk-p");
        assert!(same_code("Tk-p", " tk-P "));
        assert!(!same_code("tk-p", "tk_p"));
        assert_eq!(OrgCode::parse("-x").unwrap_err().code, "err-code-format");
        assert_eq!(OrgCode::parse("a b").unwrap_err().code, "err-code-format");
        assert_eq!(OrgCode::parse("ä").unwrap_err().code, "err-code-format");
        assert_eq!(
            OrgCode::parse(&"a".repeat(65)).unwrap_err().code,
            "err-too-long"
        );
    }

    #[test]
    fn names() {
        let n = Names::parse(" Tuira ", "", "Tuira cluster").unwrap();
        assert_eq!(n.get("fi"), "Tuira");
        assert_eq!(n.get("sv"), "Tuira", "Swedish falls back to Finnish");
        assert_eq!(n.get("en"), "Tuira cluster");
        assert_eq!(Names::parse("", "x", "y").unwrap_err().field, "name_fi");
        assert_eq!(
            Names::parse("a", &"x".repeat(201), "").unwrap_err().field,
            "name_sv"
        );
        assert_eq!(
            Names::parse("a", "", "b\u{7}").unwrap_err().field,
            "name_en"
        );
    }

    #[test]
    fn external_codes() {
        let l = ExternalCode::parse_list("sotkanet:12; kunta:564").unwrap();
        assert_eq!(
            ExternalCode::format_list(&l),
            "kunta:564;sotkanet:12",
            "sorted"
        );
        assert!(ExternalCode::parse_list("").unwrap().is_empty());
        assert!(ExternalCode::parse_list(" ; ").unwrap().is_empty());
        assert_eq!(
            ExternalCode::parse_list("kunta").unwrap_err().code,
            "err-external-code"
        );
        assert_eq!(
            ExternalCode::parse_list("kunta:").unwrap_err().code,
            "err-external-code"
        );
        assert_eq!(
            ExternalCode::parse_list("Kunta:1").unwrap_err().code,
            "err-external-code"
        );
        assert_eq!(
            ExternalCode::parse_list("kunta:1;kunta:2")
                .unwrap_err()
                .code,
            "err-external-code-twice"
        );
    }

    #[test]
    fn valid_ranges() {
        let r = ValidRange::parse("2020-01-01", "2023-12-31").unwrap();
        assert!(r.contains(date!(2021 - 06 - 01)));
        assert!(r.contains(date!(2023 - 12 - 31)));
        assert!(!r.contains(date!(2024 - 01 - 01)));
        assert!(r.ended_before(date!(2024 - 01 - 01)));
        let open = ValidRange::parse("", "").unwrap();
        assert!(open.contains(date!(1900 - 01 - 01)) && !open.ended_before(date!(2999 - 01 - 01)));
        assert_eq!(
            ValidRange::parse("2020-13-01", "").unwrap_err().field,
            "valid_from"
        );
        assert_eq!(
            ValidRange::parse("", "31.12.2023").unwrap_err().field,
            "valid_to"
        );
        let e = ValidRange::parse("2024-01-01", "2023-01-01").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.problem.code),
            ("valid_to", "err-date-order")
        );
    }
}
