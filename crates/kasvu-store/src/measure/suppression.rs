//! Complementary suppression: which further cells to hide so a hidden one
//! cannot be worked out from its margins.

use super::*;

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

/// Complementary suppression within one unit and period. Every margin is
/// protected: the sexes of each grade against that grade's total, and the
/// grades of each sex against that sex's all-grades figure, repeated until
/// nothing changes (hiding a cell in one margin can expose one in another).
pub fn protect_breakdowns(rows: &mut [(Breakdown, Observation)]) {
    let find = |rows: &[(Breakdown, Observation)], sex: Sex, grade: Option<u8>| {
        rows.iter()
            .position(|(b, _)| b.sex == sex && b.grade == grade && b.age_group.is_none())
    };
    let grades: Vec<Option<u8>> = {
        let mut g: Vec<Option<u8>> = rows.iter().map(|(b, _)| b.grade).collect();
        g.sort();
        g.dedup();
        g
    };
    loop {
        let before: Vec<bool> = rows.iter().map(|(_, o)| o.cell.suppressed).collect();
        // Sexes against the total of the same grade.
        for g in &grades {
            let Some(t) = find(rows, Sex::Total, *g) else {
                continue;
            };
            let idx: Vec<usize> = [Sex::Male, Sex::Female]
                .iter()
                .filter_map(|s| find(rows, *s, *g))
                .collect();
            protect_group(rows, t, &idx);
        }
        // Grades against the all-grades figure of the same sex.
        for sex in Sex::ALL {
            let Some(t) = find(rows, *sex, None) else {
                continue;
            };
            let idx: Vec<usize> = grades
                .iter()
                .flatten()
                .filter_map(|g| find(rows, *sex, Some(*g)))
                .collect();
            protect_group(rows, t, &idx);
        }
        let after: Vec<bool> = rows.iter().map(|(_, o)| o.cell.suppressed).collect();
        if before == after {
            return;
        }
    }
}

fn protect_group(rows: &mut [(Breakdown, Observation)], total: usize, parts: &[usize]) {
    let t = rows[total].1.cell;
    let mut cells: Vec<Cell> = parts.iter().map(|i| rows[*i].1.cell).collect();
    protect_parts(&t, &mut cells);
    for (i, c) in parts.iter().zip(cells) {
        rows[*i].1.cell = c;
    }
}
