//! The linked table that disclosure control protects (`protection`): an
//! indicator's roll-up rows in one organisation as org units × periods ×
//! sex × grade × age group, and the way back from a table key to the cell.

use super::hidden::{numbered_sex, sex_number};
use super::protection::At;
use super::rollup_rows::RollupRow;
use super::*;
use kasvu_core::disclosure::{Hierarchy, Key, LinkedTable, TableCell};
// FxHash, as the engine's maps: a lookup for every row, keys are ids.
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

/// The linked table of the rows: org units × periods × sex × grade × age
/// group, and the cell each key stands for.
pub(super) fn build_table(
    ind: &Indicator,
    rows: &[RollupRow],
    parent: &HashMap<i64, Option<i64>>,
    children_in_tree: &HashMap<i64, i64>,
    partial: bool,
    threshold: f64,
) -> (LinkedTable, Decode) {
    // Org units: every unit read, with its parent.
    let mut units: BTreeSet<i64> = rows.iter().map(|r| r.unit).collect();
    // Ancestors of units with rows always have rows (roll-ups), but keep
    // the chain whole even if not.
    let mut frontier: Vec<i64> = units.iter().copied().collect();
    while let Some(u) = frontier.pop() {
        if let Some(Some(p)) = parent.get(&u) {
            if units.insert(*p) {
                frontier.push(*p);
            }
        }
    }
    let unit_ix: FxHashMap<i64, u32> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (*u, i as u32))
        .collect();
    let unit_ids: Vec<i64> = units.iter().copied().collect();
    let mut org = Hierarchy::new(
        unit_ids
            .iter()
            .map(|u| {
                parent
                    .get(u)
                    .copied()
                    .flatten()
                    .and_then(|p| unit_ix.get(&p).copied())
            })
            .collect(),
    );
    for (i, u) in unit_ids.iter().enumerate() {
        let known = org.children(i as u32).len() as i64;
        let in_tree = children_in_tree.get(u).copied().unwrap_or(0);
        // A unit whose parent was not read would look like a root.
        let orphan = parent.get(u).copied().flatten().is_some() && org.parent(i as u32).is_none();
        if (partial && known < in_tree) || orphan {
            org.set_incomplete(i as u32);
        }
    }
    // Periods: a longer period is the sum of the next shorter ones present
    // (not for `last`, whose longer periods repeat a sub-period's value).
    let periods: Vec<Period> = rows
        .iter()
        .map(|r| r.period)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let period_ix: FxHashMap<Period, u32> = periods
        .iter()
        .enumerate()
        .map(|(i, p)| (*p, i as u32))
        .collect();
    let sums_over_time = ind.spec.aggregation != Aggregation::Last;
    let period_dim = Hierarchy::new(
        periods
            .iter()
            .map(|p| {
                if !sums_over_time {
                    return None;
                }
                p.chain()
                    .into_iter()
                    .skip(1)
                    .find_map(|c| period_ix.get(&c).copied())
            })
            .collect(),
    );
    let grades: Vec<u8> = rows
        .iter()
        .filter_map(|r| r.breakdown.grade)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let ages: Vec<String> = rows
        .iter()
        .filter_map(|r| r.breakdown.age_group.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let one_level = |n: usize| {
        let mut p = vec![None];
        p.extend(std::iter::repeat_n(Some(0), n));
        Hierarchy::new(p)
    };
    let mut table = LinkedTable::new([
        org,
        period_dim,
        Hierarchy::new(vec![None, Some(0), Some(0)]),
        one_level(grades.len()),
        one_level(ages.len()),
    ]);
    // Sized once: growing by doubling held the old and the new table
    // together at each step (16 MB at the last step for a year at 10 M).
    table.cells.reserve(rows.len());
    for r in rows {
        let (Some(u), Some(p)) = (unit_ix.get(&r.unit), period_ix.get(&r.period)) else {
            continue;
        };
        let g = match r.breakdown.grade {
            None => 0,
            Some(g) => grades
                .iter()
                .position(|x| *x == g)
                .map_or(0, |i| i as u32 + 1),
        };
        let a = match &r.breakdown.age_group {
            None => 0,
            Some(a) => ages.iter().position(|x| x == a).map_or(0, |i| i as u32 + 1),
        };
        let key: Key = [*u, *p, u32::from(sex_number(r.breakdown.sex)), g, a];
        table.cells.insert(
            key,
            TableCell {
                value: r.acc.total,
                sensitive: r.acc.count().is_some_and(|c| c < threshold),
            },
        );
    }
    let decode = Decode {
        units: unit_ids,
        periods,
        grades,
        ages,
    };
    (table, decode)
}

/// Turns a table key back into the cell it stands for.
pub(super) struct Decode {
    units: Vec<i64>,
    periods: Vec<Period>,
    grades: Vec<u8>,
    ages: Vec<String>,
}

impl Decode {
    pub(super) fn at(&self, k: &Key) -> Option<At> {
        let sex = numbered_sex(k[2])?;
        let grade = match k[3] {
            0 => None,
            g => Some(*self.grades.get(g as usize - 1)?),
        };
        let age_group = match k[4] {
            0 => None,
            a => Some(self.ages.get(a as usize - 1)?.clone()),
        };
        Some(At {
            unit: *self.units.get(k[0] as usize)?,
            period: *self.periods.get(k[1] as usize)?,
            breakdown: Breakdown {
                sex,
                grade,
                age_group,
            },
        })
    }
}
