//! The collaboration map: actors are nodes and an edge joins two actors
//! that work together according to the records — the same leadership team,
//! a joint project, a shared plan measure — or a collaboration entered by
//! hand with its type. Edges are derived here, with no I/O, so the map can
//! only show what was recorded (property-tested below).

use crate::orgunit::Sector;
use crate::team::missing_sectors;
use std::collections::{BTreeMap, BTreeSet};

code_enum! {
    /// Where an edge comes from.
    LinkSource {
        Team = "team",
        Project = "project",
        Measure = "measure",
        Referral = "referral",
        JointActivity = "joint_activity",
        Consultation = "consultation",
    }
}

impl LinkSource {
    /// The types a person can enter by hand.
    pub const ENTERED: &'static [LinkSource] = &[
        LinkSource::Referral,
        LinkSource::JointActivity,
        LinkSource::Consultation,
    ];

    pub fn is_entered(self) -> bool {
        Self::ENTERED.contains(&self)
    }
}

/// A record that joins actors: a team, project or measure with the actors
/// in it, or a hand-entered collaboration of two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub source: LinkSource,
    /// What it is ("Tuiran johtoryhmä", a project's name …).
    pub label: String,
    pub actors: Vec<i64>,
}

/// Two actors (the smaller id first) and every record that joins them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub a: i64,
    pub b: i64,
    pub via: Vec<(LinkSource, String)>,
}

/// The edges the records make: one per pair of distinct actors that share
/// at least one record, with all the records they share.
pub fn edges(records: &[Record]) -> Vec<Edge> {
    let mut pairs: BTreeMap<(i64, i64), BTreeSet<(LinkSource, String)>> = BTreeMap::new();
    for r in records {
        let actors: BTreeSet<i64> = r.actors.iter().copied().collect();
        for &a in &actors {
            for &b in actors.range(a + 1..) {
                pairs
                    .entry((a, b))
                    .or_default()
                    .insert((r.source, r.label.clone()));
            }
        }
    }
    pairs
        .into_iter()
        .map(|((a, b), via)| Edge {
            a,
            b,
            via: via.into_iter().collect(),
        })
        .collect()
}

/// An actor on the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: i64,
    pub sector: Sector,
}

/// An actor's network figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// How many actors it is linked with.
    pub links: usize,
    /// How many of them are of another sector.
    pub other_sector: usize,
}

/// Each node's figures from the edges among the nodes.
pub fn figures(nodes: &[Node], edges: &[Edge]) -> BTreeMap<i64, Figures> {
    let sector: BTreeMap<i64, Sector> = nodes.iter().map(|n| (n.id, n.sector)).collect();
    let mut out: BTreeMap<i64, Figures> =
        nodes.iter().map(|n| (n.id, Figures::default())).collect();
    for e in edges {
        let (Some(sa), Some(sb)) = (sector.get(&e.a), sector.get(&e.b)) else {
            continue;
        };
        for (me, other_is_other) in [(e.a, sa != sb), (e.b, sa != sb)] {
            if let Some(f) = out.get_mut(&me) {
                f.links += 1;
                if other_is_other {
                    f.other_sector += 1;
                }
            }
        }
    }
    out
}

/// The sectors a multi-professional network should have that none of the
/// nodes is of.
pub fn missing(nodes: &[Node]) -> Vec<Sector> {
    let present: Vec<Sector> = nodes.iter().map(|n| n.sector).collect();
    missing_sectors(&present)
}

/// Which nodes and edges a filter keeps: the nodes that match, their
/// neighbours (so a match is shown with whom it works), and the edges with
/// a matching end.
pub fn filtered(
    nodes: &[Node],
    edges: &[Edge],
    matches: impl Fn(i64) -> bool,
) -> (BTreeSet<i64>, Vec<Edge>) {
    let known: BTreeSet<i64> = nodes.iter().map(|n| n.id).collect();
    let kept: Vec<Edge> = edges
        .iter()
        .filter(|e| known.contains(&e.a) && known.contains(&e.b) && (matches(e.a) || matches(e.b)))
        .cloned()
        .collect();
    let mut shown: BTreeSet<i64> = known.iter().copied().filter(|id| matches(*id)).collect();
    for e in &kept {
        shown.insert(e.a);
        shown.insert(e.b);
    }
    (shown, kept)
}

/// Points for `n` nodes evenly on a circle of radius `r` around (`cx`,
/// `cy`), the first at the top, going clockwise; rounded to tenths.
pub fn circle(n: usize, cx: f64, cy: f64, r: f64) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let angle =
                std::f64::consts::TAU * i as f64 / n.max(1) as f64 - std::f64::consts::FRAC_PI_2;
            let round = |v: f64| (v * 10.0).round() / 10.0;
            (round(cx + r * angle.cos()), round(cy + r * angle.sin()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rec(source: LinkSource, label: &str, actors: &[i64]) -> Record {
        Record {
            source,
            label: label.into(),
            actors: actors.to_vec(),
        }
    }

    #[test]
    fn a_team_of_three_makes_three_edges_and_records_merge() {
        let e = edges(&[
            rec(LinkSource::Team, "Tuira", &[3, 1, 2]),
            rec(LinkSource::Referral, "koulu→neuvola", &[1, 2]),
            rec(LinkSource::Project, "yksin", &[7]),
        ]);
        assert_eq!(e.len(), 3);
        assert_eq!((e[0].a, e[0].b), (1, 2));
        assert_eq!(e[0].via.len(), 2);
        assert!(e.iter().all(|e| e.a < e.b));
    }

    #[test]
    fn figures_count_links_and_other_sectors() {
        let nodes = [
            Node {
                id: 1,
                sector: Sector::EducationCulture,
            },
            Node {
                id: 2,
                sector: Sector::EducationCulture,
            },
            Node {
                id: 3,
                sector: Sector::Parish,
            },
        ];
        let e = edges(&[rec(LinkSource::Team, "t", &[1, 2, 3])]);
        let f = figures(&nodes, &e);
        assert_eq!(
            f[&1],
            Figures {
                links: 2,
                other_sector: 1
            }
        );
        assert_eq!(
            f[&3],
            Figures {
                links: 2,
                other_sector: 2
            }
        );
        let m = missing(&nodes);
        assert!(m.contains(&Sector::Kela) && !m.contains(&Sector::Parish));
    }

    #[test]
    fn a_filter_keeps_matches_and_their_neighbours() {
        let nodes: Vec<Node> = (1..=4)
            .map(|id| Node {
                id,
                sector: Sector::ThirdSector,
            })
            .collect();
        let e = edges(&[
            rec(LinkSource::Referral, "a", &[1, 2]),
            rec(LinkSource::Referral, "b", &[3, 4]),
        ]);
        let (shown, kept) = filtered(&nodes, &e, |id| id == 1);
        assert_eq!(shown.into_iter().collect::<Vec<_>>(), [1, 2]);
        assert_eq!(kept.len(), 1);
    }

    #[test]
    fn circle_points_are_on_the_circle() {
        let p = circle(4, 100.0, 100.0, 50.0);
        assert_eq!(p[0], (100.0, 50.0));
        assert_eq!(p[1], (150.0, 100.0));
        assert!(circle(0, 0.0, 0.0, 1.0).is_empty());
    }

    fn records() -> impl Strategy<Value = Vec<Record>> {
        let source = prop::sample::select(LinkSource::ALL.to_vec());
        prop::collection::vec(
            (source, 0u8..5, prop::collection::vec(0i64..12, 0..6)).prop_map(|(s, l, a)| Record {
                source: s,
                label: format!("r{l}"),
                actors: a,
            }),
            0..20,
        )
    }

    proptest! {
        /// The map's edges are exactly the pairs the records join, each
        /// carrying exactly the records that join it.
        #[test]
        fn edges_equal_the_recorded_collaborations(rs in records()) {
            let e = edges(&rs);
            let mut expected: BTreeMap<(i64, i64), BTreeSet<(LinkSource, String)>> = BTreeMap::new();
            for r in &rs {
                for &a in &r.actors {
                    for &b in &r.actors {
                        if a < b {
                            expected.entry((a, b)).or_default().insert((r.source, r.label.clone()));
                        }
                    }
                }
            }
            let got: BTreeMap<(i64, i64), BTreeSet<(LinkSource, String)>> = e
                .iter()
                .map(|e| ((e.a, e.b), e.via.iter().cloned().collect()))
                .collect();
            prop_assert_eq!(got, expected);
            prop_assert_eq!(e.len(), e.iter().map(|e| (e.a, e.b)).collect::<BTreeSet<_>>().len());
        }

        /// The sum of links is twice the number of edges among known nodes.
        #[test]
        fn links_sum_to_twice_the_edges(rs in records()) {
            let nodes: Vec<Node> = (0..12).map(|id| Node {
                id,
                sector: Sector::ALL[id as usize % Sector::ALL.len()],
            }).collect();
            let e = edges(&rs);
            let f = figures(&nodes, &e);
            prop_assert_eq!(f.values().map(|f| f.links).sum::<usize>(), 2 * e.len());
            prop_assert!(f.values().all(|f| f.other_sector <= f.links));
        }
    }
}
