//! Shared measurement rules without I/O: how roll-ups turn into values,
//! small-number suppression, the linear forecast and "turn the curve".

use crate::indicator::{Aggregation, Direction};
use crate::period::Period;
use crate::tree::OrgTree;
use serde::Serialize;

/// The running totals kept for one indicator, org unit, period and breakdown:
/// what the store maintains incrementally on every write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Acc {
    /// Sum of the values below.
    pub total: f64,
    /// How many raw values are below.
    pub n: i64,
    /// Sum of the counts behind the values (for suppression).
    pub basis: f64,
    /// How many of the raw values carried a count.
    pub basis_n: i64,
    /// How many of the raw values are the unit's own (its reported or
    /// entered figure) rather than its sub-units'.
    pub own_n: i64,
}

impl Acc {
    /// The value this accumulator stands for; `None` when nothing is below.
    /// Ratios are not values of one accumulator (see [`ratio`]).
    pub fn value(&self, agg: Aggregation) -> Option<f64> {
        if self.n <= 0 {
            return None;
        }
        match agg {
            Aggregation::Sum | Aggregation::Last => Some(self.total),
            Aggregation::Average => Some(self.total / self.n as f64),
            Aggregation::Ratio => None,
        }
    }

    /// The count behind the value, when every raw value below carried one.
    pub fn count(&self) -> Option<f64> {
        (self.n > 0 && self.basis_n == self.n).then_some(self.basis)
    }

    /// Where the figure comes from.
    pub fn source(&self) -> Source {
        Source::of(self.own_n, self.n)
    }

    /// Adds another accumulator's totals (a sibling's, for a sum over
    /// sub-units); what is added is not the unit's own.
    pub fn add_summed(&mut self, other: &Acc) {
        self.total += other.total;
        self.n += other.n;
        self.basis += other.basis;
        self.basis_n += other.basis_n;
    }
}

/// Where a served figure comes from: a value stored for the unit itself
/// (reported: Sotkanet's for the city, an area's survey result, a school's
/// own entry), the sum of its sub-units' figures, or — over a longer period
/// — partly each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    #[default]
    Reported,
    Summed,
    Partly,
}

impl Source {
    /// From how many of `n` values are the unit's own.
    pub fn of(own_n: i64, n: i64) -> Source {
        if own_n <= 0 {
            Source::Summed
        } else if own_n >= n {
            Source::Reported
        } else {
            Source::Partly
        }
    }

    /// Of a figure made of two (a ratio's numerator and denominator).
    pub fn both(a: Source, b: Source) -> Source {
        if a == b {
            a
        } else {
            Source::Partly
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Source::Reported => "reported",
            Source::Summed => "summed",
            Source::Partly => "partly",
        }
    }
}

/// factor × numerator / denominator; `None` when either is missing or the
/// denominator is zero.
pub fn ratio(numerator: Option<f64>, denominator: Option<f64>, factor: f64) -> Option<f64> {
    match (numerator, denominator) {
        (Some(n), Some(d)) if d != 0.0 => Some(factor * n / d),
        _ => None,
    }
}

/// The default small-number threshold: counts below 5 are not shown.
pub const DEFAULT_THRESHOLD: f64 = 5.0;

/// True when any of the counts behind a value is below the threshold.
pub fn is_small(counts: &[Option<f64>], threshold: f64) -> bool {
    counts.iter().flatten().any(|c| *c < threshold)
}

/// One published figure of a breakdown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub value: Option<f64>,
    /// The smallest count behind the value (for a ratio the smaller of the
    /// numerator's and the denominator's), when known.
    pub count: Option<f64>,
    pub suppressed: bool,
}

impl Cell {
    pub fn new(value: Option<f64>, counts: &[Option<f64>], threshold: f64) -> Cell {
        let count = counts
            .iter()
            .flatten()
            .copied()
            .fold(None, |m: Option<f64>, c| Some(m.map_or(c, |m| m.min(c))));
        Cell {
            value,
            count,
            suppressed: value.is_some() && is_small(counts, threshold),
        }
    }

    /// The value as it may be served.
    pub fn shown(&self) -> Option<f64> {
        if self.suppressed {
            None
        } else {
            self.value
        }
    }
}

/// Complementary suppression for parts that add up to a published total
/// (male + female = total; the grades of a school; the clusters of an area):
/// with one part hidden, the total minus the others would reveal it, so the
/// next smallest part is hidden too. A hidden total hides every part.
pub fn protect_parts(total: &Cell, parts: &mut [Cell]) {
    if total.suppressed {
        for p in parts.iter_mut().filter(|p| p.value.is_some()) {
            p.suppressed = true;
        }
        return;
    }
    if total.value.is_none() {
        return;
    }
    loop {
        let hidden = parts
            .iter()
            .filter(|p| p.value.is_some() && p.suppressed)
            .count();
        if hidden != 1 {
            return;
        }
        let next = parts
            .iter_mut()
            .filter(|p| p.value.is_some() && !p.suppressed)
            .min_by(|a, b| {
                let ka = a.count.or(a.value).unwrap_or(f64::MAX);
                let kb = b.count.or(b.value).unwrap_or(f64::MAX);
                ka.total_cmp(&kb)
            });
        match next {
            Some(p) => p.suppressed = true,
            None => return,
        }
    }
}

/// A straight line fitted to history by least squares: the forecast if
/// nothing changes. Labelled as a linear trend wherever it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trend {
    pub slope: f64,
    pub intercept: f64,
}

impl Trend {
    /// Fits (x, y) points; needs at least three distinct x.
    pub fn fit(points: &[(f64, f64)]) -> Option<Trend> {
        if points.len() < 3 {
            return None;
        }
        let n = points.len() as f64;
        let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
        let my = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        if sxx == 0.0 {
            return None;
        }
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let slope = sxy / sxx;
        Some(Trend {
            slope,
            intercept: my - slope * mx,
        })
    }

    pub fn at(&self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }
}

/// How a value compares with another in the indicator's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Better,
    Worse,
    Same,
    /// The direction is neutral: a change is neither better nor worse.
    Neutral,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Same => "same",
            Verdict::Neutral => "neutral",
        }
    }
}

/// Compares `actual` with `reference` (a previous value, a forecast or a
/// target). Differences under 0.5 % of the reference count as the same.
pub fn judge(direction: Direction, actual: f64, reference: f64) -> Verdict {
    let tolerance = reference.abs().max(1.0) * 0.005;
    if (actual - reference).abs() <= tolerance {
        return Verdict::Same;
    }
    match direction {
        Direction::Neutral => Verdict::Neutral,
        Direction::Up if actual > reference => Verdict::Better,
        Direction::Down if actual < reference => Verdict::Better,
        _ => Verdict::Worse,
    }
}

/// Whether a period is over on `today` (its last day has passed). Until
/// then its figure is provisional — units are still entering theirs — so it
/// is shown as such and no change or verdict is drawn from it.
pub fn is_over(period: Period, today: time::Date) -> bool {
    period.end() < today
}

/// Which way a value moved (for the arrow beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    Up,
    Down,
    Flat,
}

pub fn movement(actual: f64, previous: f64) -> Movement {
    let tolerance = previous.abs().max(1.0) * 0.005;
    if (actual - previous).abs() <= tolerance {
        Movement::Flat
    } else if actual > previous {
        Movement::Up
    } else {
        Movement::Down
    }
}

/// One raw value, for recomputing roll-ups from scratch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawValue {
    pub unit: i64,
    pub period: Period,
    pub value: f64,
}

/// The roll-up of raw values for `unit` and `period`, computed from scratch:
/// the definition the incrementally maintained roll-ups must agree with.
///
/// A unit's served figure for a base period is its own value where it has
/// one (a reported figure), else the sum of its sub-units' served figures:
/// so a value counts for `unit` when it lies in the subtree and no unit
/// between it and `unit` (or `unit` itself, for values beneath it) has its
/// own value for the same period. Over a longer period, `sum` adds the
/// counted values, `average` is their mean, and `last` takes the latest
/// period that has values and adds that period's counted values.
pub fn recompute(
    tree: &OrgTree,
    values: &[RawValue],
    agg: Aggregation,
    unit: i64,
    period: Period,
) -> Option<f64> {
    let inside: Vec<&RawValue> = values
        .iter()
        .filter(|v| tree.is_within(v.unit, unit) && period.contains(v.period))
        .filter(|v| {
            // Not counted when a unit above it, up to `unit`, has its own.
            !values.iter().any(|w| {
                w.period == v.period
                    && w.unit != v.unit
                    && tree.is_within(v.unit, w.unit)
                    && tree.is_within(w.unit, unit)
            })
        })
        .collect();
    if inside.is_empty() {
        return None;
    }
    match agg {
        Aggregation::Sum => Some(inside.iter().map(|v| v.value).sum()),
        Aggregation::Average => {
            Some(inside.iter().map(|v| v.value).sum::<f64>() / inside.len() as f64)
        }
        Aggregation::Last => {
            let latest = inside.iter().map(|v| v.period).max()?;
            Some(
                inside
                    .iter()
                    .filter(|v| v.period == latest)
                    .map(|v| v.value)
                    .sum(),
            )
        }
        Aggregation::Ratio => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cell(v: f64) -> Cell {
        Cell::new(Some(v), &[Some(v)], DEFAULT_THRESHOLD)
    }

    #[test]
    fn the_issue_example_hides_both_sexes() {
        let total = cell(20.0);
        let mut parts = [cell(17.0), cell(3.0)];
        assert!(!parts[0].suppressed && parts[1].suppressed);
        protect_parts(&total, &mut parts);
        assert!(parts[0].suppressed && parts[1].suppressed);
        assert_eq!(total.shown(), Some(20.0));
    }

    #[test]
    fn two_small_parts_protect_each_other() {
        let total = cell(30.0);
        let mut parts = [cell(3.0), cell(2.0), cell(25.0)];
        protect_parts(&total, &mut parts);
        assert_eq!(
            parts.iter().map(|p| p.suppressed).collect::<Vec<_>>(),
            [true, true, false]
        );
    }

    #[test]
    fn a_ratio_is_small_when_either_count_is() {
        let c = Cell::new(Some(50.0), &[Some(3.0), Some(6.0)], 5.0);
        assert!(c.suppressed);
        assert_eq!(c.count, Some(3.0));
        assert!(!Cell::new(Some(50.0), &[Some(30.0), Some(60.0)], 5.0).suppressed);
        assert!(!Cell::new(None, &[Some(1.0)], 5.0).suppressed);
    }

    #[test]
    fn a_reported_figure_is_served_and_never_added() {
        use crate::orgunit::Level;
        use crate::tree::TreeNode;
        // city 1 → areas 2, 3 → schools 4, 5 under 2.
        let n = |id, parent, level| TreeNode { id, parent, level };
        let tree = OrgTree::new([
            n(1, None, Level::Organisation),
            n(2, Some(1), Level::Area),
            n(3, Some(1), Level::Area),
            n(4, Some(2), Level::Unit),
            n(5, Some(2), Level::Unit),
        ]);
        let y = Period::parse("2025").expect("period");
        let v = |unit, value| RawValue {
            unit,
            period: y,
            value,
        };
        let mut values = vec![v(4, 300.0), v(5, 250.0), v(3, 200.0)];
        assert_eq!(
            recompute(&tree, &values, Aggregation::Sum, 1, y),
            Some(750.0)
        );
        values.push(v(1, 1400.0));
        assert_eq!(
            recompute(&tree, &values, Aggregation::Sum, 1, y),
            Some(1400.0)
        );
        values.push(v(2, 600.0));
        assert_eq!(
            recompute(&tree, &values, Aggregation::Sum, 2, y),
            Some(600.0)
        );
        values.retain(|x| x.unit != 1);
        assert_eq!(
            recompute(&tree, &values, Aggregation::Sum, 1, y),
            Some(800.0)
        );
        assert_eq!(Source::of(0, 3), Source::Summed);
        assert_eq!(Source::of(3, 3), Source::Reported);
        assert_eq!(Source::of(1, 3), Source::Partly);
    }

    #[test]
    fn a_period_is_over_after_its_last_day() {
        let q4 = Period::parse("2026Q4").expect("period");
        let day = |m, d| {
            time::Date::from_calendar_date(2026, time::Month::try_from(m).expect("month"), d)
                .expect("date")
        };
        assert!(!is_over(q4, day(12, 6)));
        assert!(!is_over(q4, day(12, 31)));
        assert!(is_over(
            Period::parse("2026Q3").expect("period"),
            day(10, 1)
        ));
    }

    #[test]
    fn trend_and_verdicts() {
        let t = Trend::fit(&[(0.0, 10.0), (1.0, 12.0), (2.0, 14.0)]).expect("fits");
        assert!((t.at(3.0) - 16.0).abs() < 1e-9);
        assert_eq!(Trend::fit(&[(0.0, 1.0), (1.0, 2.0)]), None);
        assert_eq!(judge(Direction::Down, 10.0, 12.0), Verdict::Better);
        assert_eq!(judge(Direction::Up, 10.0, 12.0), Verdict::Worse);
        assert_eq!(judge(Direction::Up, 100.0, 100.2), Verdict::Same);
        assert_eq!(judge(Direction::Neutral, 10.0, 12.0), Verdict::Neutral);
        assert_eq!(movement(10.0, 12.0), Movement::Down);
    }

    #[test]
    fn ratios_and_accumulators() {
        assert_eq!(ratio(Some(5.0), Some(20.0), 100.0), Some(25.0));
        assert_eq!(ratio(Some(5.0), Some(0.0), 100.0), None);
        let a = Acc {
            total: 9.0,
            n: 3,
            basis: 9.0,
            basis_n: 2,
            own_n: 0,
        };
        assert_eq!(a.value(Aggregation::Average), Some(3.0));
        assert_eq!(a.count(), None);
        assert_eq!(Acc::default().value(Aggregation::Sum), None);
    }

    proptest! {
        /// Whatever the parts, after protection no hidden part can be
        /// recovered by subtracting the shown parts from the shown total.
        #[test]
        fn no_single_hidden_part_is_recoverable(
            counts in proptest::collection::vec(0u32..40, 1..7),
        ) {
            let parts_v: Vec<f64> = counts.iter().map(|c| f64::from(*c)).collect();
            let total = cell(parts_v.iter().sum());
            let mut parts: Vec<Cell> = parts_v.iter().map(|v| cell(*v)).collect();
            protect_parts(&total, &mut parts);
            let hidden = parts.iter().filter(|p| p.suppressed).count();
            if !total.suppressed {
                prop_assert!(hidden != 1);
            } else {
                prop_assert_eq!(hidden, parts.len());
            }
            for p in &parts {
                if p.count.is_some_and(|c| c < DEFAULT_THRESHOLD) {
                    prop_assert!(p.suppressed);
                }
            }
        }
    }
}
