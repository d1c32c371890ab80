//! The org tree of one organisation held in memory: small (hundreds to a few
//! thousand units), so scope checks walk parent links rather than asking the
//! database.

use crate::orgunit::Level;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    pub id: i64,
    pub parent: Option<i64>,
    pub level: Level,
}

#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    nodes: HashMap<i64, TreeNode>,
}

impl OrgTree {
    pub fn new(nodes: impl IntoIterator<Item = TreeNode>) -> Self {
        OrgTree {
            nodes: nodes.into_iter().map(|n| (n.id, n)).collect(),
        }
    }

    pub fn get(&self, id: i64) -> Option<&TreeNode> {
        self.nodes.get(&id)
    }

    /// The chain from `id` up to its root, starting with `id` itself. Stops at
    /// a missing parent or a cycle, so bad data cannot loop forever.
    pub fn ancestors(&self, id: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            if out.contains(&c) || !self.nodes.contains_key(&c) {
                break;
            }
            out.push(c);
            cur = self.nodes.get(&c).and_then(|n| n.parent);
        }
        out
    }

    /// True when `node` is `ancestor` or lies beneath it.
    pub fn is_within(&self, node: i64, ancestor: i64) -> bool {
        self.ancestors(node).contains(&ancestor)
    }

    /// Would hanging `node` under `new_parent` make a cycle?
    pub fn would_cycle(&self, node: i64, new_parent: i64) -> bool {
        self.is_within(new_parent, node)
    }

    /// The nearest ancestor (or the node itself) at `level`.
    pub fn ancestor_at(&self, node: i64, level: Level) -> Option<i64> {
        self.ancestors(node)
            .into_iter()
            .find(|id| self.nodes.get(id).is_some_and(|n| n.level == level))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// 1 oulu ─ 2 keskinen ─ 4 tuira ─ 6 school
    ///        └ 3 pohjoinen ─ 5 kiiminki ─ 7 clinic
    ///        └ 8 central culture unit
    pub(crate) fn sample() -> OrgTree {
        let n = |id, parent, level| TreeNode { id, parent, level };
        OrgTree::new([
            n(1, None, Level::Organisation),
            n(2, Some(1), Level::Area),
            n(3, Some(1), Level::Area),
            n(4, Some(2), Level::Cluster),
            n(5, Some(3), Level::Cluster),
            n(6, Some(4), Level::Unit),
            n(7, Some(5), Level::Unit),
            n(8, Some(1), Level::Unit),
        ])
    }

    #[test]
    fn ancestry() {
        let t = sample();
        assert_eq!(t.ancestors(6), vec![6, 4, 2, 1]);
        assert!(t.is_within(6, 2));
        assert!(t.is_within(2, 2));
        assert!(!t.is_within(7, 2));
        assert!(!t.is_within(1, 2));
        assert_eq!(t.ancestor_at(6, Level::Area), Some(2));
        assert_eq!(t.ancestor_at(8, Level::Area), None);
        assert!(t.would_cycle(2, 6));
        assert!(!t.would_cycle(6, 5));
    }

    #[test]
    fn cycles_in_data_do_not_hang() {
        let t = OrgTree::new([
            TreeNode {
                id: 1,
                parent: Some(2),
                level: Level::Area,
            },
            TreeNode {
                id: 2,
                parent: Some(1),
                level: Level::Area,
            },
        ]);
        assert_eq!(t.ancestors(1), vec![1, 2]);
    }
}
