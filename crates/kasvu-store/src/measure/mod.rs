//! Values, their incrementally maintained roll-ups, and the reads that turn
//! roll-ups into (suppressed) observations.
//!
//! A roll-up row is a unit's *served* figure: its own value where one is
//! stored for it (a reported figure — Sotkanet's for the city, a school's
//! entry), else the sum of its sub-units' served figures; never both added.
//!
//! A write stages its rows in a temporary table, checks them, computes the
//! difference each row makes to what is stored, and adds those differences
//! to every roll-up row the value belongs to — each ancestor-or-self org unit
//! (`org_closure`) up to the first with its own value, times each containing
//! period (`period_closure`) — all in the write's transaction. So a value is visible in every roll-up the
//! moment it is committed, and bulk imports are a handful of set-based
//! statements rather than a per-row loop. `closure::recompute_rollups_in` rebuilds the
//! same numbers from raw values when the tree itself changes.
//!
//! Units without sub-units (schools, day-care centres: ~97 % of the roll-up
//! rows of a city) store none (migration 0039): their rows are their own
//! values summed over the containing periods, summed when read
//! (`rollup_rows::leaf_rows` in SQL, `rollup_rows::add_leaf_rows` for a
//! whole year). Only units with sub-units have rows in `rollups`; a unit
//! gets them when its first sub-unit is added.

use crate::measure::cache::UnitSeries;
use crate::measure::indicators::{load_catalogue, Indicator};
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::measure::{ratio, Acc, Cell, Source};
use kasvu_core::{Aggregation, FieldError, Period, Problem, Sex, ValueUnit};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use time::Date;

#[cfg(feature = "testing")]
mod bench;
mod bulk;
pub(crate) mod cache;
mod closure;
mod completeness;
mod hidden;
pub(crate) mod indicators;
mod kept;
mod linked_table;
mod phases;
mod protect_rows;
pub(crate) mod protection;
mod read;
mod rollup_rows;
mod search_docs;
mod served;
mod staging;
pub(crate) mod targets;
mod visibility;
mod write;

use closure::{add_periods, propagate, served_differences};
pub(crate) use closure::{closure_add_unit, tree_changed};
pub use completeness::{Completeness, ExpectedUnit};
pub use kept::{ProtectScope, ProtectedAhead};
#[cfg(feature = "testing")]
pub use phases::last_write_phases;
pub use protection::Protected;
use read::AccTable;
use served::{IndicatorTables, Shield, Tables};
pub use served::{ServedRow, SummedFigure};
pub use write::{
    UnitGuard, ValueRow, ValueWriter, WriteOptions, WriteSummary, AUDIT_EACH_CREATED_UP_TO,
    CHUNK as VALUES_PER_STATEMENT,
};
use write::{CHUNK, KEY_COLS};

/// Which part of the population a value describes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Breakdown {
    pub sex: Sex,
    pub grade: Option<u8>,
    pub age_group: Option<String>,
}

impl Default for Breakdown {
    fn default() -> Self {
        Breakdown {
            sex: Sex::Total,
            grade: None,
            age_group: None,
        }
    }
}

impl Breakdown {
    pub fn total() -> Breakdown {
        Breakdown::default()
    }

    pub fn sex(sex: Sex) -> Breakdown {
        Breakdown {
            sex,
            ..Breakdown::default()
        }
    }

    pub fn is_total(&self) -> bool {
        self == &Breakdown::default()
    }

    pub(crate) fn grade_code(&self) -> String {
        self.grade.map(|g| g.to_string()).unwrap_or_default()
    }

    pub(crate) fn age_code(&self) -> &str {
        self.age_group.as_deref().unwrap_or("")
    }

    fn from_row(r: &AnyRow) -> Result<Breakdown> {
        let sex: String = r.try_get("sex")?;
        let grade: String = r.try_get("grade")?;
        let age: String = r.try_get("age_group")?;
        Breakdown::from_codes(&sex, &grade, age)
    }

    /// From the stored columns (`grade` and `age` empty for all).
    fn from_codes(sex: &str, grade: &str, age: String) -> Result<Breakdown> {
        Ok(Breakdown {
            sex: Sex::parse(sex).map_err(|p| StoreError::Corrupt(p.to_string()))?,
            grade: if grade.is_empty() {
                None
            } else {
                Some(
                    grade
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("grade '{grade}'")))?,
                )
            },
            age_group: (!age.is_empty()).then_some(age),
        })
    }
}

/// What a value is, where it comes from, and whether it may be shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// The value as computed (never served directly: use [`Observation::shown`]).
    #[serde(skip)]
    pub raw: Option<f64>,
    #[serde(skip)]
    pub cell: Cell,
    /// How many raw values are behind it.
    pub values: i64,
    /// For `last` over a longer period: the sub-period whose value is used.
    pub period_used: Option<Period>,
    /// The unit's own (reported) figure, its sub-units' sum, or partly each.
    pub source: Source,
}

impl Observation {
    fn new(raw: Option<f64>, counts: &[Option<f64>], values: i64, threshold: f64) -> Self {
        Observation {
            raw,
            cell: Cell::new(raw, counts, threshold),
            values,
            period_used: None,
            source: Source::Reported,
        }
    }

    /// No figure (nothing to show, nothing hidden).
    pub fn missing(threshold: f64) -> Self {
        Observation::new(None, &[], 0, threshold)
    }

    /// The value as it may be served: `None` when missing or suppressed.
    pub fn shown(&self) -> Option<f64> {
        self.cell.shown()
    }

    pub fn suppressed(&self) -> bool {
        self.cell.suppressed
    }
}
