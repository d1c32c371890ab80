//! Disclosure control for an indicator's whole published table: which cells
//! to hide so that no small number can be worked out — exactly or to within
//! the threshold — from everything else Kasvu publishes.
//!
//! # The table
//! An indicator's figures form one linked table with five hierarchical
//! dimensions: the org tree (a unit is the sum of its sub-units), periods (a
//! year is the sum of its halves, a half of its quarters, …), sex (total =
//! male + female), grade (all grades = the sum of the grades) and age group
//! (all ages = the sum of the age groups). Every cell that exists is
//! published through some route (pages, the API, exports), so every cell is
//! in one [`LinkedTable`] and protected once.
//!
//! # The method: certified protection patterns
//! An attacker knows the published cells, the relations above and that every
//! cell is ≥ 0, and asks for the smallest and largest value a hidden cell can
//! take (a linear programme per cell: the audit statistical offices run,
//! e.g. sdcTable's `attack`). A hidden cell is safe when that interval is at
//! least the threshold wide.
//!
//! Kasvu protects each sensitive cell with a *pattern*: a change δ to hidden
//! cells only that keeps every relation true. It is built as in the
//! hypercube method (τ-ARGUS's GHMITER, sdcTable's `GAUSS`/`HYPERCUBE`):
//! in each dimension it takes either two nodes under one parent (+1 / −1,
//! with a path down to where the data ends) or the node's whole chain to
//! the root (+1), and multiplies the dimensions together, so every relation
//! along every dimension sees +t and −t cancel. If the cells with sign −
//! are all at least `a` and those with sign + at least `b`, the true table
//! plus t·δ for any t in [−b, a] is consistent with everything published,
//! so every cell of the pattern can lie anywhere in an interval at least
//! a + b wide. A pattern is chosen only when a + b ≥ the threshold, so the
//! guarantee holds by construction for every hidden cell — primary or
//! complementary — however the published figures are combined; the linear
//! programming audit in the tests checks it rather than being needed at run
//! time. Among the valid patterns the one hiding the least (new cells,
//! weighted by their value: totals cost more than details) is chosen.
//!
//! Why this and not an optimal (linear programming) cell suppression: it
//! runs in milliseconds on the neighbourhood of each small cell, with no
//! solver in the server, and each hidden cell carries its own proof. What
//! it may lose is a few more hidden cells than an optimum would.
//!
//! When no pattern exists (sparse data where every route up is published),
//! every cell connected to the sensitive one — same year, same root in every
//! dimension — is hidden, which is always safe.

use rustc_hash::FxBuildHasher;
use std::collections::{HashMap, HashSet};

/// The dimensions of a table: org unit, period, sex, grade, age group.
pub const DIMS: usize = 5;

/// The revision of what [`protect`] hides for a given table. Protected
/// years are kept in the database under it (kasvu-store's
/// `kept_protection`), so a change that can make [`protect`] hide other
/// cells must raise it: a server would otherwise serve years protected by
/// the old method beside years protected anew, and two different
/// protections of one table, both published, can together reveal what each
/// hides. `tests/disclosure_audit.rs` pins what [`protect`] hides on its
/// generated tables to this number, so such a change fails there first.
pub const REVISION: u32 = 1;

/// A cell's coordinates: one node per dimension.
pub type Key = [u32; DIMS];

/// Cells by key, hashed with FxHash (rustc's): a key is a table's own node
/// numbers, never chosen by input, and SipHash was about a tenth of the CPU
/// time of protecting a year at 10 M values (looking cells up).
pub type KeyMap<V> = HashMap<Key, V, FxBuildHasher>;
/// A set of cells, hashed as [`KeyMap`].
pub type KeySet = HashSet<Key, FxBuildHasher>;

/// One dimension's tree: each node's parent (roots have none). A node's
/// value is the sum of its children's where they exist.
#[derive(Debug, Clone, Default)]
pub struct Hierarchy {
    parent: Vec<Option<u32>>,
    children: Vec<Vec<u32>>,
    complete: Vec<bool>,
}

impl Hierarchy {
    /// A hierarchy from each node's parent. A parent out of range or a
    /// cycle makes the node a root, so bad input cannot loop.
    pub fn new(mut parent: Vec<Option<u32>>) -> Hierarchy {
        let n = parent.len();
        for p in parent.iter_mut() {
            if p.is_some_and(|p| p as usize >= n) {
                *p = None;
            }
        }
        for i in 0..n {
            let mut cur = parent[i];
            let mut steps = 0;
            while let Some(c) = cur {
                if c as usize == i || steps > n {
                    parent[i] = None;
                    break;
                }
                cur = parent[c as usize];
                steps += 1;
            }
        }
        let mut children = vec![Vec::new(); n];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p as usize].push(i as u32);
            }
        }
        Hierarchy {
            parent,
            children,
            complete: vec![true; n],
        }
    }

    /// A dimension with one node (the table is not broken down by it).
    pub fn single() -> Hierarchy {
        Hierarchy::new(vec![None])
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    pub fn parent(&self, node: u32) -> Option<u32> {
        self.parent.get(node as usize).copied().flatten()
    }

    pub fn children(&self, node: u32) -> &[u32] {
        self.children
            .get(node as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Marks a node whose children's cells are not all in the table (the
    /// edge of a partial table): no pattern ends at it or splits below it.
    pub fn set_incomplete(&mut self, node: u32) {
        if let Some(c) = self.complete.get_mut(node as usize) {
            *c = false;
        }
    }

    fn is_complete(&self, node: u32) -> bool {
        self.complete.get(node as usize).copied().unwrap_or(false)
    }

    /// The node's ancestors, its parent first.
    fn ancestors(&self, node: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cur = self.parent(node);
        while let Some(c) = cur {
            if out.len() > self.len() {
                break;
            }
            out.push(c);
            cur = self.parent(c);
        }
        out
    }

    fn root(&self, node: u32) -> u32 {
        self.ancestors(node).last().copied().unwrap_or(node)
    }
}

/// One cell of the table: its value, and whether it is sensitive (a count
/// of people below the threshold, or a ratio part that is).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableCell {
    pub value: f64,
    pub sensitive: bool,
}

/// An indicator's published table.
#[derive(Debug, Clone, Default)]
pub struct LinkedTable {
    pub dims: [Hierarchy; DIMS],
    pub cells: KeyMap<TableCell>,
}

/// "`total` = the sum of `parts`" (where the data holds it: a unit's own
/// reported figure may make the total larger, see [`Relation::residual`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub total: Key,
    pub parts: Vec<Key>,
    /// Total minus the sum of the parts: 0 for an exact sum, more when the
    /// total includes something not published as a part.
    pub residual: f64,
}

/// What [`protect`] decided.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Protection {
    /// Every hidden cell: the sensitive ones and their complements.
    pub hidden: KeySet,
    /// How many cells were hidden for being small.
    pub primary: usize,
    /// How many further cells were hidden to protect them.
    pub complementary: usize,
    /// How many sensitive cells needed their whole connected slice hidden.
    pub whole_slices: usize,
    /// True when a whole slice was hidden in a table with incomplete nodes:
    /// the caller must protect the full table instead.
    pub needs_full_table: bool,
}

impl LinkedTable {
    /// A table with one node in every dimension but those set later.
    pub fn new(dims: [Hierarchy; DIMS]) -> LinkedTable {
        LinkedTable {
            dims,
            cells: KeyMap::default(),
        }
    }

    /// Every relation the published table obeys, along every dimension:
    /// what an attacker writes down (used by the audit).
    pub fn relations(&self) -> Vec<Relation> {
        let mut out = Vec::new();
        let mut keys: Vec<&Key> = self.cells.keys().collect();
        keys.sort();
        for k in keys {
            let total = self.cells[k].value;
            for d in 0..DIMS {
                let parts: Vec<Key> = self.dims[d]
                    .children(k[d])
                    .iter()
                    .map(|c| with(k, d, *c))
                    .filter(|c| self.cells.contains_key(c))
                    .collect();
                if parts.is_empty() {
                    continue;
                }
                let sum: f64 = parts.iter().map(|p| self.cells[p].value).sum();
                out.push(Relation {
                    total: *k,
                    parts,
                    residual: total - sum,
                });
            }
        }
        out
    }

    fn value(&self, k: &Key) -> Option<f64> {
        self.cells.get(k).map(|c| c.value)
    }
}

fn with(k: &Key, d: usize, node: u32) -> Key {
    let mut out = *k;
    out[d] = node;
    out
}

/// One dimension's part of a pattern: nodes with their signs, and the
/// nodes where the pattern ends downwards (their children must have no
/// cells, or the change would not add up there).
#[derive(Debug, Clone)]
struct Factor {
    nodes: Vec<(u32, i8)>,
    bottoms: Vec<u32>,
}

/// How many partners per level and levels up a split is tried with.
const PARTNERS: usize = 4;
const LEVELS: usize = 2;
/// A remainder below this is rounding, not an unpublished part.
const REMAINDER_EPSILON: f64 = 1e-9;
/// How many combinations are checked per sensitive cell, smallest first.
const COMBINATIONS: usize = 600;

struct Search<'a> {
    table: &'a LinkedTable,
    hidden: &'a KeySet,
}

impl Search<'_> {
    /// The preferred way down from `start` at the cell `at`: into a child
    /// that is already hidden, else the largest.
    fn descend(&self, d: usize, start: u32, at: &Key) -> (Vec<u32>, u32) {
        let h = &self.table.dims[d];
        let mut path = Vec::new();
        let mut cur = start;
        while path.len() <= h.len() {
            let next = h
                .children(cur)
                .iter()
                .filter_map(|c| {
                    let k = with(at, d, *c);
                    self.table
                        .value(&k)
                        .map(|v| (*c, self.hidden.contains(&k), v))
                })
                .max_by(|a, b| a.1.cmp(&b.1).then(a.2.total_cmp(&b.2)));
            match next {
                Some((c, _, _)) => {
                    path.push(c);
                    cur = c;
                }
                None => break,
            }
        }
        (path, cur)
    }

    fn factors(&self, d: usize, p: &Key) -> Vec<Factor> {
        let h = &self.table.dims[d];
        let x = p[d];
        let ancestors = h.ancestors(x);
        let (down, bottom) = self.descend(d, x, p);
        let mut out = Vec::new();
        // The chain to the root.
        let mut chain: Vec<(u32, i8)> = ancestors.iter().rev().map(|a| (*a, 1)).collect();
        chain.push((x, 1));
        chain.extend(down.iter().map(|n| (*n, 1)));
        out.push(Factor {
            nodes: chain,
            bottoms: vec![bottom],
        });
        // Splits under a parent or grandparent.
        let mut below: Vec<u32> = vec![x];
        // The parent of a split need not be complete: its other children
        // are unchanged, and +t − t leaves it as it is.
        for l in ancestors.iter().take(LEVELS) {
            let c1 = *below.last().unwrap_or(&x);
            let mut partners: Vec<(u32, bool, f64)> = h
                .children(*l)
                .iter()
                .filter(|c| **c != c1)
                .filter_map(|c| {
                    let k = with(p, d, *c);
                    self.table
                        .value(&k)
                        .map(|v| (*c, self.hidden.contains(&k), v))
                })
                .collect();
            partners.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0)));
            for (c2, _, _) in partners.into_iter().take(PARTNERS) {
                let mut nodes: Vec<(u32, i8)> = below.iter().rev().map(|n| (*n, 1)).collect();
                nodes.extend(down.iter().map(|n| (*n, 1)));
                let (down2, bottom2) = self.descend(d, c2, &with(p, d, c2));
                nodes.push((c2, -1));
                nodes.extend(down2.iter().map(|n| (*n, -1)));
                out.push(Factor {
                    nodes,
                    bottoms: vec![bottom, bottom2],
                });
            }
            below.push(*l);
        }
        out
    }

    /// The pattern's cells and signs, its width and cost; `None` when it
    /// does not add up or a cell is missing.
    fn evaluate(&self, combo: &[&Factor; DIMS]) -> Option<Pattern> {
        let mut cells: Vec<(Key, i8)> = vec![([0; DIMS], 1)];
        for (d, f) in combo.iter().enumerate() {
            let mut next = Vec::with_capacity(cells.len() * f.nodes.len());
            for (k, s) in &cells {
                for (n, sn) in &f.nodes {
                    next.push((with(k, d, *n), s * sn));
                }
            }
            cells = next;
        }
        let (mut min_plus, mut min_minus) = (f64::INFINITY, f64::INFINITY);
        let mut cost = 0.0;
        for (k, s) in &cells {
            let v = self.table.value(k)?;
            if *s > 0 {
                min_plus = min_plus.min(v);
            } else {
                min_minus = min_minus.min(v);
            }
            if !self.hidden.contains(k) {
                cost += 1.0 + v.max(0.0);
            }
            // Where the pattern ends downwards, either nothing lies beneath,
            // or the cell is more than the sum of what does (a unit's own
            // figure, pupils of other grades): that unpublished remainder
            // moves with the cell, and may not go below zero.
            for (d, f) in combo.iter().enumerate() {
                if !f.bottoms.contains(&k[d]) {
                    continue;
                }
                let h = &self.table.dims[d];
                if !h.is_complete(k[d]) {
                    return None;
                }
                let parts: Vec<f64> = h
                    .children(k[d])
                    .iter()
                    .filter_map(|c| self.table.value(&with(k, d, *c)))
                    .collect();
                if parts.is_empty() {
                    continue;
                }
                let remainder = v - parts.iter().sum::<f64>();
                if remainder <= REMAINDER_EPSILON {
                    return None;
                }
                if *s > 0 {
                    min_plus = min_plus.min(remainder);
                } else {
                    min_minus = min_minus.min(remainder);
                }
            }
        }
        Some(Pattern {
            width: min_plus.max(0.0) + min_minus.max(0.0),
            cost,
            cells: cells.into_iter().map(|(k, _)| k).collect(),
        })
    }

    fn best(&self, p: &Key, threshold: f64) -> Option<Pattern> {
        let factors: Vec<Vec<Factor>> = (0..DIMS).map(|d| self.factors(d, p)).collect();
        // Every combination, smallest first; at least one dimension splits
        // unless the whole chain to the grand total is hidden anyway.
        let mut combos: Vec<([usize; DIMS], usize)> = vec![([0; DIMS], 1)];
        for (d, fs) in factors.iter().enumerate() {
            let mut next = Vec::with_capacity(combos.len() * fs.len());
            for (c, size) in &combos {
                for (i, f) in fs.iter().enumerate() {
                    let mut c = *c;
                    c[d] = i;
                    next.push((c, size * f.nodes.len()));
                }
            }
            combos = next;
        }
        combos.sort_by_key(|(c, size)| (*size, *c));
        let mut best: Option<Pattern> = None;
        for (c, _) in combos.into_iter().take(COMBINATIONS) {
            let combo: [&Factor; DIMS] = std::array::from_fn(|d| &factors[d][c[d]]);
            let Some(pat) = self.evaluate(&combo) else {
                continue;
            };
            if pat.width < threshold {
                continue;
            }
            let better = match &best {
                None => true,
                Some(b) => {
                    pat.cost < b.cost || (pat.cost == b.cost && pat.cells.len() < b.cells.len())
                }
            };
            if better {
                let free = pat.cost == 0.0;
                best = Some(pat);
                if free {
                    break;
                }
            }
        }
        best
    }
}

struct Pattern {
    cells: Vec<Key>,
    width: f64,
    cost: f64,
}

/// Chooses the cells to hide: every sensitive cell, and for each a pattern
/// of complements that keeps it (and them) at least `threshold` wide.
pub fn protect(table: &LinkedTable, threshold: f64) -> Protection {
    let mut primaries: Vec<Key> = table
        .cells
        .iter()
        .filter(|(_, c)| c.sensitive)
        .map(|(k, _)| *k)
        .collect();
    primaries.sort();
    let mut hidden: KeySet = primaries.iter().copied().collect();
    let mut width: KeyMap<f64> = KeyMap::default();
    let mut out = Protection {
        primary: primaries.len(),
        ..Protection::default()
    };
    if threshold <= 0.0 {
        out.hidden = hidden;
        return out;
    }
    let partial = table
        .dims
        .iter()
        .any(|h| (0..h.len() as u32).any(|n| !h.is_complete(n)));
    for p in &primaries {
        if width.get(p).is_some_and(|w| *w >= threshold) {
            continue;
        }
        let found = Search {
            table,
            hidden: &hidden,
        }
        .best(p, threshold);
        match found {
            Some(pat) => {
                for k in pat.cells {
                    hidden.insert(k);
                    let w = width.entry(k).or_insert(0.0);
                    *w = w.max(pat.width);
                }
            }
            None => {
                out.whole_slices += 1;
                out.needs_full_table |= partial;
                let roots: Key = std::array::from_fn(|d| table.dims[d].root(p[d]));
                for k in table.cells.keys() {
                    if (0..DIMS).all(|d| table.dims[d].root(k[d]) == roots[d]) {
                        hidden.insert(*k);
                        width.insert(*k, f64::INFINITY);
                    }
                }
            }
        }
    }
    out.complementary = hidden.len() - out.primary;
    out.hidden = hidden;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Org: 0 = city, 1..=3 = areas. Period: a single year. Sex: 0 = total,
    /// 1 = male, 2 = female.
    fn city(values: &[[f64; 3]; 4], threshold: f64) -> LinkedTable {
        let mut t = LinkedTable::new([
            Hierarchy::new(vec![None, Some(0), Some(0), Some(0)]),
            Hierarchy::single(),
            Hierarchy::new(vec![None, Some(0), Some(0)]),
            Hierarchy::single(),
            Hierarchy::single(),
        ]);
        for (u, row) in values.iter().enumerate() {
            for (s, v) in row.iter().enumerate() {
                t.cells.insert(
                    [u as u32, 0, s as u32, 0, 0],
                    TableCell {
                        value: *v,
                        sensitive: *v < threshold,
                    },
                );
            }
        }
        t
    }

    #[test]
    fn a_small_cell_is_hidden_with_a_rectangle_not_a_total() {
        // Area 1 has 3 boys: hide a 2×2 rectangle of areas × sexes.
        let t = city(
            &[
                [100.0, 43.0, 57.0],
                [30.0, 3.0, 27.0],
                [35.0, 20.0, 15.0],
                [35.0, 20.0, 15.0],
            ],
            5.0,
        );
        let p = protect(&t, 5.0);
        assert!(p.hidden.contains(&[1, 0, 1, 0, 0]));
        assert_eq!(p.primary, 1);
        assert_eq!(p.complementary, 3, "{:?}", p.hidden);
        // No total is hidden.
        assert!(!p.hidden.contains(&[0, 0, 0, 0, 0]));
        assert!(!p.hidden.contains(&[1, 0, 0, 0, 0]));
        assert_eq!(p.whole_slices, 0);
    }

    #[test]
    fn complements_are_large_enough_to_widen_the_interval() {
        // Area 2's girls are 1: a rectangle with them would leave the
        // boys' cell an interval of width 3 + 1 < 5; area 3's are used.
        let t = city(
            &[
                [100.0, 43.0, 57.0],
                [30.0, 3.0, 27.0],
                [21.0, 20.0, 1.0],
                [49.0, 20.0, 29.0],
            ],
            5.0,
        );
        let p = protect(&t, 5.0);
        assert!(p.hidden.contains(&[1, 0, 1, 0, 0]));
        // Area 2's female 1 is sensitive itself, so it is hidden too, but
        // every hidden cell is in a pattern at least 5 wide.
        assert!(p.hidden.contains(&[2, 0, 2, 0, 0]));
        assert!(!p.hidden.contains(&[0, 0, 0, 0, 0]));
    }

    #[test]
    fn a_lonely_small_cell_hides_its_whole_slice() {
        // One area, one sex: nothing to pair with.
        let mut t = LinkedTable::new([
            Hierarchy::new(vec![None, Some(0)]),
            Hierarchy::single(),
            Hierarchy::single(),
            Hierarchy::single(),
            Hierarchy::single(),
        ]);
        for u in 0..2 {
            t.cells.insert(
                [u, 0, 0, 0, 0],
                TableCell {
                    value: 2.0,
                    sensitive: true,
                },
            );
        }
        let p = protect(&t, 5.0);
        assert_eq!(p.hidden.len(), 2);
        assert!(!p.needs_full_table);
    }

    #[test]
    fn no_threshold_hides_nothing_more() {
        let t = city(&[[1.0, 0.0, 1.0]; 4], 0.0);
        assert!(protect(&t, 0.0).hidden.is_empty());
    }

    #[test]
    fn cycles_and_bad_parents_become_roots() {
        let h = Hierarchy::new(vec![Some(1), Some(0), Some(9)]);
        assert!(h.ancestors(0).len() <= 3);
        assert_eq!(h.parent(2), None);
    }

    #[test]
    fn relations_carry_their_residual() {
        let t = city(&[[101.0, 43.0, 57.0]; 4], 5.0);
        let r = t.relations();
        let sex = r
            .iter()
            .find(|r| r.total == [1, 0, 0, 0, 0] && r.parts.len() == 2)
            .map(|r| r.residual);
        assert_eq!(sex, Some(1.0));
    }
}
