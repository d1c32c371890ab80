//! The hidden cells of a protected year, held compactly.
//!
//! Every protected year a server has computed or read stays in its cache
//! (`protection::ProtectionCache`) for the dashboards that follow. As a
//! hash set of cells (unit, period and a breakdown with its own age-group
//! text: about 60 bytes a cell with the set's spare room) the 20 tables of
//! the 10 M bench, ~330,000 hidden cells, held ~20 MB for as long as the
//! server ran, on top of the working memory of the next table being
//! protected (README, "Measured", 10 M values: peak RSS 95–102 MB against
//! the 100 MB goal). Here a cell is 24 bytes in one sorted array, looked up
//! by binary search (a dashboard asks a few hundred times per table).

use super::protection::At;
use super::*;

/// One hidden cell; `age` indexes [`HiddenCells::ages`] (0: no age group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Cell {
    unit: i64,
    period: Period,
    sex: u8,
    grade: Option<u8>,
    age: u32,
}

/// A year's hidden cells: sorted, each once.
#[derive(Debug, Default, PartialEq)]
pub(super) struct HiddenCells {
    cells: Box<[Cell]>,
    /// The age groups of the cells, sorted; `Cell::age` is one past the index.
    ages: Box<[String]>,
}

/// A sex's number: in a hidden cell, and in a key of the linked table
/// (`linked_table`), whose sex dimension is the total (0) over the two.
pub(super) fn sex_number(s: Sex) -> u8 {
    match s {
        Sex::Total => 0,
        Sex::Male => 1,
        Sex::Female => 2,
    }
}

/// The sex of a [`sex_number`].
pub(super) fn numbered_sex(n: u32) -> Option<Sex> {
    match n {
        0 => Some(Sex::Total),
        1 => Some(Sex::Male),
        2 => Some(Sex::Female),
        _ => None,
    }
}

impl HiddenCells {
    /// How many cells are hidden.
    pub(super) fn len(&self) -> usize {
        self.cells.len()
    }

    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The age group's number in `ages`; `None` when no hidden cell has it.
    fn age_ix(&self, age: Option<&str>) -> Option<u32> {
        match age {
            None => Some(0),
            Some(a) => self
                .ages
                .binary_search_by(|x| x.as_str().cmp(a))
                .ok()
                .map(number),
        }
    }

    /// Whether the cell is hidden.
    pub(super) fn contains(&self, unit: i64, period: Period, breakdown: &Breakdown) -> bool {
        let Some(age) = self.age_ix(breakdown.age_group.as_deref()) else {
            return false;
        };
        let cell = Cell {
            unit,
            period,
            sex: sex_number(breakdown.sex),
            grade: breakdown.grade,
            age,
        };
        self.cells.binary_search(&cell).is_ok()
    }

    /// The cells, in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = At> + '_ {
        self.cells.iter().map(|c| At {
            unit: c.unit,
            period: c.period,
            breakdown: Breakdown {
                sex: numbered_sex(u32::from(c.sex)).unwrap_or(Sex::Total),
                grade: c.grade,
                age_group: (c.age > 0)
                    .then(|| self.ages.get(c.age as usize - 1).cloned())
                    .flatten(),
            },
        })
    }
}

/// The number of the age group at `index` in `ages`.
fn number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

impl FromIterator<At> for HiddenCells {
    /// Repeated cells count once (as in a set).
    fn from_iter<I: IntoIterator<Item = At>>(iter: I) -> Self {
        let at: Vec<At> = iter.into_iter().collect();
        let mut ages: Vec<String> = at
            .iter()
            .filter_map(|a| a.breakdown.age_group.clone())
            .collect();
        ages.sort();
        ages.dedup();
        let ix = |age: &Option<String>| match age {
            None => 0,
            Some(a) => ages.binary_search(a).map_or(u32::MAX, number),
        };
        let mut cells: Vec<Cell> = at
            .iter()
            .map(|a| Cell {
                unit: a.unit,
                period: a.period,
                sex: sex_number(a.breakdown.sex),
                grade: a.breakdown.grade,
                age: ix(&a.breakdown.age_group),
            })
            .collect();
        drop(at);
        cells.sort_unstable();
        cells.dedup();
        HiddenCells {
            cells: cells.into_boxed_slice(),
            ages: ages.into_boxed_slice(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unit: i64, period: &str, sex: Sex, age: Option<&str>) -> At {
        At {
            unit,
            period: Period::parse(period).expect("period"),
            breakdown: Breakdown {
                sex,
                grade: None,
                age_group: age.map(str::to_owned),
            },
        }
    }

    #[test]
    fn hidden_cells_are_found_and_others_not() {
        let cells = [
            at(7, "202403", Sex::Male, Some("7-12")),
            at(7, "202403", Sex::Male, Some("0-6")),
            at(3, "2024", Sex::Total, None),
            at(7, "202403", Sex::Male, Some("7-12")),
        ];
        let h: HiddenCells = cells.iter().cloned().collect();
        assert_eq!(h.len(), 3, "a repeated cell counts once");
        for c in &cells {
            assert!(h.contains(c.unit, c.period, &c.breakdown), "{c:?}");
        }
        let not = [
            at(7, "202403", Sex::Female, Some("7-12")),
            at(7, "202403", Sex::Male, Some("13-17")),
            at(7, "202403", Sex::Male, None),
            at(7, "202404", Sex::Male, Some("0-6")),
            at(3, "2024", Sex::Total, Some("0-6")),
            at(4, "2024", Sex::Total, None),
        ];
        for c in &not {
            assert!(!h.contains(c.unit, c.period, &c.breakdown), "{c:?}");
        }
        // Back as they went in, in order.
        let back: HiddenCells = h.iter().collect();
        assert_eq!(back, h);
        assert_eq!(h.iter().count(), 3);
        assert!(h.iter().any(|a| a == cells[1]));
        assert!(HiddenCells::default().is_empty());
    }
}
