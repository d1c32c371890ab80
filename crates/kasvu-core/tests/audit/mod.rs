//! The attacker's audit of a protected table, by linear programming: the
//! check statistical offices run on a suppression pattern (sdcTable's
//! `attack`, τ-ARGUS's audit).
//!
//! The attacker knows every published cell, every relation "total = sum of
//! parts" of [`LinkedTable::relations`] (a total with a positive residual
//! also holds an unpublished remainder ≥ 0) and that every cell is ≥ 0. For
//! each hidden cell two linear programmes give the smallest and the largest
//! value it can take; a cell whose interval is narrower than the threshold
//! is disclosed.
//!
//! Shared by kasvu-core's synthetic tables (`tests/disclosure_audit.rs`)
//! and kasvu-io's demo (`tests/demo_disclosure_audit.rs`, by `#[path]`).

#![allow(dead_code)]

use kasvu_core::disclosure::{Key, KeySet, LinkedTable};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use std::collections::HashMap;

/// How much narrower than the threshold an interval may be before it
/// counts as disclosed (the solver's rounding).
pub const TOLERANCE: f64 = 1e-6;

/// A hidden cell and the interval the attacker narrows it to.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub key: Key,
    /// The true value.
    pub value: f64,
    pub lo: f64,
    /// `f64::INFINITY` when nothing bounds it from above.
    pub hi: f64,
}

impl Interval {
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}

/// What an audit did, besides its verdict.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The hidden cells narrower than the threshold, by key.
    pub narrow: Vec<Interval>,
    /// How many linear programmes were solved.
    pub programmes: usize,
    /// The largest connected set of hidden cells (variables of one LP).
    pub largest_component: usize,
}

/// The hidden cells an attacker narrows to less than `threshold`.
pub fn narrow_cells(table: &LinkedTable, hidden: &KeySet, threshold: f64) -> Vec<Interval> {
    audit(table, hidden, threshold).narrow
}

/// One relation as the attacker writes it: Σ coef·variable = rhs, the
/// published cells moved to the right-hand side.
struct Row {
    terms: Vec<(usize, f64)>,
    rhs: f64,
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The full audit: every hidden cell's interval is computed as far as
/// needed to decide whether it is at least `threshold` wide.
pub fn audit(table: &LinkedTable, hidden: &KeySet, threshold: f64) -> Report {
    let mut report = Report::default();
    // Variables: the hidden cells that exist, then one slack per relation
    // with an unpublished remainder.
    let mut cells: Vec<Key> = hidden
        .iter()
        .filter(|k| table.cells.contains_key(*k))
        .copied()
        .collect();
    cells.sort();
    let index: HashMap<Key, usize> = cells.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let mut truth: Vec<f64> = cells.iter().map(|k| table.cells[k].value).collect();
    let mut rows: Vec<Row> = Vec::new();
    for r in table.relations() {
        if r.residual < -1e-9 {
            // The data does not obey it: the attacker cannot rely on it.
            continue;
        }
        let touches = std::iter::once(&r.total)
            .chain(&r.parts)
            .any(|k| index.contains_key(k));
        if !touches {
            // Published cells only: constants that tell nothing new.
            continue;
        }
        // total − Σ parts − slack = 0
        let mut terms = Vec::new();
        let mut rhs = 0.0;
        for (k, coef) in std::iter::once((&r.total, 1.0)).chain(r.parts.iter().map(|p| (p, -1.0))) {
            match index.get(k) {
                Some(i) => terms.push((*i, coef)),
                None => rhs -= coef * table.cells[k].value,
            }
        }
        if r.residual > 1e-9 {
            terms.push((truth.len(), -1.0));
            truth.push(r.residual);
        }
        rows.push(Row { terms, rhs });
    }
    for row in &rows {
        let lhs: f64 = row.terms.iter().map(|(v, c)| c * truth[*v]).sum();
        assert!(
            (lhs - row.rhs).abs() < 1e-6,
            "the true table breaks its own relation ({lhs} ≠ {})",
            row.rhs
        );
    }
    // Connected components: variables sharing a relation.
    let n = truth.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for row in &rows {
        let first = row.terms[0].0;
        for (v, _) in &row.terms[1..] {
            let (a, b) = (find(&mut parent, first), find(&mut parent, *v));
            if a != b {
                parent[a] = b;
            }
        }
    }
    let mut components: HashMap<usize, Vec<usize>> = HashMap::new();
    for v in 0..n {
        let root = find(&mut parent, v);
        components.entry(root).or_default().push(v);
    }
    let mut rows_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let root = find(&mut parent, row.terms[0].0);
        rows_of.entry(root).or_default().push(i);
    }
    let mut roots: Vec<usize> = components.keys().copied().collect();
    roots.sort_by_key(|r| components[r][0]);
    for root in roots {
        let vars = &components[&root];
        let component_rows: Vec<&Row> = rows_of
            .get(&root)
            .map(|rs| rs.iter().map(|i| &rows[*i]).collect())
            .unwrap_or_default();
        let cells_here = vars.iter().filter(|v| **v < cells.len()).count();
        report.largest_component = report.largest_component.max(cells_here);
        audit_component(
            vars,
            &component_rows,
            &cells,
            &truth,
            threshold,
            &mut report,
        );
    }
    report.narrow.sort_by_key(|a| a.key);
    report
}

fn audit_component(
    vars: &[usize],
    rows: &[&Row],
    cells: &[Key],
    truth: &[f64],
    threshold: f64,
    report: &mut Report,
) {
    // The component's constraints once, in its own variable numbering:
    // every programme below reuses them with another objective.
    let local: HashMap<usize, usize> = vars.iter().enumerate().map(|(l, v)| (*v, l)).collect();
    let rows: Vec<Row> = rows
        .iter()
        .map(|r| Row {
            terms: r.terms.iter().map(|(v, c)| (local[v], *c)).collect(),
            rhs: r.rhs,
        })
        .collect();
    // Every feasible point seen so far (the true table first) bounds each
    // interval from inside: a cell already seen spread ≥ threshold needs
    // no programme of its own.
    let mut seen_lo: Vec<f64> = vars.iter().map(|v| truth[*v]).collect();
    let mut seen_hi = seen_lo.clone();
    let wide = |w: f64| w >= threshold - TOLERANCE;
    let is_cell: Vec<bool> = vars.iter().map(|v| *v < cells.len()).collect();
    report.programmes += 1;
    let unbounded = unbounded_cells(&rows, &is_cell);
    for (target, var) in vars.iter().enumerate() {
        if !is_cell[target] || unbounded[target] {
            continue; // a slack, or a cell nothing bounds from above
        }
        if wide(seen_hi[target] - seen_lo[target]) {
            continue;
        }
        let mut solve = |direction, seen_lo: &mut [f64], seen_hi: &mut [f64]| {
            report.programmes += 1;
            let objective: Vec<f64> = (0..vars.len())
                .map(|l| if l == target { 1.0 } else { 0.0 })
                .collect();
            match optimum(&rows, &objective, direction) {
                Ok(Some((objective, point))) => {
                    for (l, x) in point.into_iter().enumerate() {
                        seen_lo[l] = seen_lo[l].min(x);
                        seen_hi[l] = seen_hi[l].max(x);
                    }
                    Some(objective)
                }
                Ok(None) => None,
                Err(e) => panic!(
                    "the audit's programme for {:?} failed ({e}); the true table is feasible",
                    cells[*var]
                ),
            }
        };
        let Some(hi) = solve(OptimizationDirection::Maximize, &mut seen_lo, &mut seen_hi) else {
            continue; // unbounded above
        };
        assert!(
            truth[*var] <= hi + TOLERANCE,
            "the audit's solver put {:?} (value {}) at most {hi}",
            cells[*var],
            truth[*var]
        );
        // The minimum is at most the lowest value seen: no need for it
        // when the maximum is already far enough above that.
        if wide(hi - seen_lo[target]) {
            continue;
        }
        let lo = solve(OptimizationDirection::Minimize, &mut seen_lo, &mut seen_hi)
            .expect("a minimum over cells ≥ 0");
        // The true table is feasible: a solver answer excluding it is wrong.
        assert!(
            lo <= truth[*var] + TOLERANCE && truth[*var] <= hi + TOLERANCE,
            "the audit's solver put {:?} (value {}) in [{lo}, {hi}]",
            cells[*var],
            truth[*var]
        );
        if !wide(hi - lo) {
            report.narrow.push(Interval {
                key: cells[*var],
                value: truth[*var],
                lo,
                hi,
            });
        }
    }
}

/// The optimum of `objective` over the component, and the point reaching
/// it; `None` when it is unbounded. The simplex can lose its way on these
/// highly redundant systems (every relation of a linked table is implied
/// by the others several times over) and call a feasible programme
/// infeasible; the same programme stated differently (rows reversed, each
/// equation as two inequalities) is tried then.
fn optimum(
    rows: &[Row],
    objective: &[f64],
    direction: OptimizationDirection,
) -> Result<Option<(f64, Vec<f64>)>, microlp::Error> {
    let mut last = microlp::Error::Infeasible;
    for variant in 0..3 {
        let mut p = Problem::new(direction);
        let handles: Vec<microlp::Variable> = objective
            .iter()
            .map(|c| p.add_var(*c, (0.0, f64::INFINITY)))
            .collect();
        let order: Box<dyn Iterator<Item = &Row>> = if variant == 1 {
            Box::new(rows.iter().rev())
        } else {
            Box::new(rows.iter())
        };
        for row in order {
            let expr: Vec<(microlp::Variable, f64)> =
                row.terms.iter().map(|(v, c)| (handles[*v], *c)).collect();
            if variant == 2 {
                p.add_constraint(expr.clone(), ComparisonOp::Le, row.rhs);
                p.add_constraint(expr, ComparisonOp::Ge, row.rhs);
            } else {
                p.add_constraint(expr, ComparisonOp::Eq, row.rhs);
            }
        }
        match p.solve() {
            Ok(s) => {
                return Ok(Some((
                    s.objective(),
                    handles.iter().map(|h| *s.var_value(*h)).collect(),
                )))
            }
            Err(microlp::Error::Unbounded) => return Ok(None),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The cells with no upper bound, from one programme: a direction `d ≥ 0`
/// with `A·d = 0` can be added to the true table any number of times, so
/// every cell it raises is unbounded; and since the sum of two such
/// directions is one, the direction raising the most cells (each counted
/// up to 1) raises exactly the unbounded ones. When the whole slice is
/// hidden this settles most cells at once.
fn unbounded_cells(rows: &[Row], is_cell: &[bool]) -> Vec<bool> {
    let mut p = Problem::new(OptimizationDirection::Maximize);
    let d: Vec<microlp::Variable> = is_cell
        .iter()
        .map(|_| p.add_var(0.0, (0.0, f64::INFINITY)))
        .collect();
    let y: Vec<Option<microlp::Variable>> = is_cell
        .iter()
        .map(|c| c.then(|| p.add_var(1.0, (0.0, 1.0))))
        .collect();
    for row in rows {
        let expr: Vec<(microlp::Variable, f64)> =
            row.terms.iter().map(|(v, c)| (d[*v], *c)).collect();
        p.add_constraint(expr, ComparisonOp::Eq, 0.0);
    }
    for (l, y) in y.iter().enumerate() {
        if let Some(y) = y {
            p.add_constraint([(*y, 1.0), (d[l], -1.0)], ComparisonOp::Le, 0.0);
        }
    }
    match p.solve() {
        Ok(s) => y
            .iter()
            .map(|y| y.is_some_and(|y| *s.var_value(y) > 0.5))
            .collect(),
        // Bounded in every direction as far as this tells: decide each
        // cell by its own programmes.
        Err(_) => vec![false; is_cell.len()],
    }
}
