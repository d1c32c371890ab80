//! Complementary suppression: which further cells to hide so a hidden one
//! cannot be worked out from its margins.

use super::*;
use kasvu_core::measure::{protect_margins, MarginCell};

/// Complementary suppression for ratio or average children: a parent's
/// value does not reveal a child by subtraction, but its numerator and
/// denominator counts would; hide the next smallest child when exactly one
/// is hidden, as for sums.
/// Complementary suppression among the children of one parent. Only sums
/// (and last values) add up to their parent; averages and ratios do not
/// reveal a hidden child by subtraction, but a ratio's parts do.
pub(super) fn protect_siblings(
    ind: &Indicator,
    parent: &Observation,
    children: &mut [Observation],
) {
    if ind.spec.aggregation == Aggregation::Sum || ind.spec.aggregation == Aggregation::Last {
        let mut cells: Vec<Cell> = children.iter().map(|o| o.cell).collect();
        protect_parts(&parent.cell, &mut cells);
        for (o, c) in children.iter_mut().zip(cells) {
            o.cell = c;
        }
    } else {
        protect_ratio_parts(parent, children);
    }
}

fn protect_ratio_parts(parent: &Observation, children: &mut [Observation]) {
    let mut cells: Vec<Cell> = children.iter().map(|o| o.cell).collect();
    protect_parts(&parent.cell, &mut cells);
    for (o, c) in children.iter_mut().zip(cells) {
        o.cell = c;
    }
}

/// Complementary suppression within one unit and period: the rules are
/// kasvu-core's [`protect_margins`]; this applies them to a unit's
/// breakdowns.
pub fn protect_breakdowns(rows: &mut [(Breakdown, Observation)]) {
    let mut cells: Vec<MarginCell> = rows
        .iter()
        .map(|(b, o)| MarginCell {
            sex: b.sex,
            grade: b.grade,
            by_age: b.age_group.is_some(),
            cell: o.cell,
        })
        .collect();
    protect_margins(&mut cells);
    for ((_, o), c) in rows.iter_mut().zip(cells) {
        o.cell = c.cell;
    }
}
