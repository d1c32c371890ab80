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

use kasvu_core::disclosure::{Key, LinkedTable};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use std::collections::{HashMap, HashSet};

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
pub fn narrow_cells(table: &LinkedTable, hidden: &HashSet<Key>, threshold: f64) -> Vec<Interval> {
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
pub fn audit(table: &LinkedTable, hidden: &HashSet<Key>, threshold: f64) -> Report {
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
    for (target, var) in vars.iter().enumerate() {
        if *var >= cells.len() {
            continue; // a slack, not a cell
        }
        if wide(seen_hi[target] - seen_lo[target]) {
            continue;
        }
        let mut solve = |direction, seen_lo: &mut [f64], seen_hi: &mut [f64]| {
            report.programmes += 1;
            match optimum(vars.len(), target, &rows, direction) {
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
        // The minimum is at most the lowest value seen: no need for it
        // when the maximum is already far enough above that.
        if wide(hi - seen_lo[target]) {
            continue;
        }
        let lo = solve(OptimizationDirection::Minimize, &mut seen_lo, &mut seen_hi)
            .expect("a minimum over cells ≥ 0");
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

/// The optimum of variable `target` over the component, and the point
/// reaching it; `None` when it is unbounded.
fn optimum(
    n: usize,
    target: usize,
    rows: &[Row],
    direction: OptimizationDirection,
) -> Result<Option<(f64, Vec<f64>)>, microlp::Error> {
    let mut p = Problem::new(direction);
    let handles: Vec<microlp::Variable> = (0..n)
        .map(|l| p.add_var(if l == target { 1.0 } else { 0.0 }, (0.0, f64::INFINITY)))
        .collect();
    for row in rows {
        let expr: Vec<(microlp::Variable, f64)> =
            row.terms.iter().map(|(v, c)| (handles[*v], *c)).collect();
        p.add_constraint(expr, ComparisonOp::Eq, row.rhs);
    }
    match p.solve() {
        Ok(s) => Ok(Some((
            s.objective(),
            handles.iter().map(|h| *s.var_value(*h)).collect(),
        ))),
        Err(microlp::Error::Unbounded) => Ok(None),
        Err(e) => Err(e),
    }
}
