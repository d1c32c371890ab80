//! The demo as an anonymous visitor reads it, audited by linear
//! programming: for every `sum` indicator and organisation, every figure
//! the read paths serve (each unit, each period at the indicator's cadence
//! and every period containing it, each breakdown) goes into one linked
//! table; the cells they hide must each stay at least the threshold wide
//! for an attacker who knows everything shown and how it adds up.

#[path = "../../kasvu-core/tests/audit/mod.rs"]
mod audit;

use kasvu_core::disclosure::{Hierarchy, Key, KeySet, LinkedTable, TableCell};
use kasvu_core::{Aggregation, Period, Sex};
use kasvu_store::{both_databases, Breakdown, Indicator, Observation, OrgUnit, Store};
use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

/// One indicator's table in one organisation, with names to report by.
struct Served {
    table: LinkedTable,
    hidden: KeySet,
    units: Vec<String>,
    periods: Vec<Period>,
    breakdowns: [Vec<String>; 3],
}

/// A dimension's node for each distinct value, the first (`None`: the
/// total) the root.
struct Nodes<T> {
    values: Vec<Option<T>>,
}

impl<T: PartialEq + Clone> Nodes<T> {
    fn new() -> Self {
        Nodes { values: vec![None] }
    }

    fn of(&mut self, v: Option<T>) -> u32 {
        match self.values.iter().position(|x| *x == v) {
            Some(i) => i as u32,
            None => {
                self.values.push(v);
                (self.values.len() - 1) as u32
            }
        }
    }

    fn hierarchy(&self) -> Hierarchy {
        Hierarchy::new(
            (0..self.values.len())
                .map(|i| (i > 0).then_some(0))
                .collect(),
        )
    }
}

async fn served(store: &Store, ind: &Indicator, units: &[OrgUnit], threshold: f64) -> Served {
    let total = Breakdown::total();
    // Units with figures, and every period they are served for.
    let mut with_data: Vec<&OrgUnit> = Vec::new();
    let mut periods: BTreeSet<Period> = BTreeSet::new();
    for u in units {
        let series = store.series(ind, u.id, &total).await.unwrap();
        if series.is_empty() {
            continue;
        }
        with_data.push(u);
        for (p, _) in series {
            periods.extend(p.chain());
        }
    }
    let periods: Vec<Period> = periods.into_iter().collect();
    let period_node: HashMap<Period, u32> = periods
        .iter()
        .enumerate()
        .map(|(i, p)| (*p, i as u32))
        .collect();
    let period_parent: Vec<Option<u32>> = periods
        .iter()
        .map(|p| {
            p.ptype()
                .longer()
                .and_then(|t| p.containing(t))
                .and_then(|c| period_node.get(&c).copied())
        })
        .collect();
    let unit_node: HashMap<i64, u32> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id, i as u32))
        .collect();
    let unit_parent: Vec<Option<u32>> = units
        .iter()
        .map(|u| u.parent_id.and_then(|p| unit_node.get(&p).copied()))
        .collect();
    let mut sexes: Nodes<Sex> = Nodes::new();
    for s in [Sex::Male, Sex::Female] {
        sexes.of(Some(s));
    }
    let mut grades: Nodes<u8> = Nodes::new();
    let mut ages: Nodes<String> = Nodes::new();
    // (key, value, shown anywhere)
    let mut cells: HashMap<Key, (f64, bool)> = HashMap::new();
    let mut put = |k: Key, o: &Observation| {
        if let Some(v) = o.raw {
            let e = cells.entry(k).or_insert((v, false));
            e.1 |= !o.suppressed() && o.shown().is_some();
        }
    };
    for u in &with_data {
        let un = unit_node[&u.id];
        for p in &periods {
            let pn = period_node[p];
            let o = store.observe(ind, u.id, *p, &total).await.unwrap();
            put([un, pn, 0, 0, 0], &o);
            for (b, o) in store.breakdowns(ind, u.id, *p).await.unwrap() {
                let sex = match b.sex {
                    Sex::Total => None,
                    s => Some(s),
                };
                let k = [
                    un,
                    pn,
                    sexes.of(sex),
                    grades.of(b.grade),
                    ages.of(b.age_group.clone()),
                ];
                put(k, &o);
            }
        }
    }
    let mut table = LinkedTable::new([
        Hierarchy::new(unit_parent),
        Hierarchy::new(period_parent),
        sexes.hierarchy(),
        grades.hierarchy(),
        ages.hierarchy(),
    ]);
    let mut hidden = KeySet::default();
    for (k, (value, shown)) in cells {
        table.cells.insert(
            k,
            TableCell {
                value,
                sensitive: value < threshold,
            },
        );
        if !shown {
            hidden.insert(k);
        }
    }
    let name = |v: &Option<String>| v.clone().unwrap_or_else(|| "total".into());
    Served {
        table,
        hidden,
        units: units.iter().map(|u| u.code.clone()).collect(),
        periods,
        breakdowns: [
            sexes
                .values
                .iter()
                .map(|s| name(&s.map(|s| s.to_string())))
                .collect(),
            grades
                .values
                .iter()
                .map(|g| name(&g.map(|g| format!("grade {g}"))))
                .collect(),
            ages.values.iter().map(name).collect(),
        ],
    }
}

impl Served {
    fn label(&self, k: &Key) -> String {
        let mut out = format!(
            "{} {}",
            self.units[k[0] as usize],
            self.periods[k[1] as usize].code()
        );
        for (names, node) in self.breakdowns.iter().zip(&k[2..]) {
            if *node > 0 {
                out.push(' ');
                out.push_str(&names[*node as usize]);
            }
        }
        out
    }
}

async fn the_demo_discloses_no_hidden_cell(store: Store) {
    let start = Instant::now();
    kasvu_io::demo::load(&store).await.unwrap();
    let loaded = start.elapsed();
    let (mut tables, mut cells, mut hidden, mut exact) = (0, 0, 0, 0);
    let (mut primary, mut complementary) = (0, 0);
    let mut leaks: Vec<String> = Vec::new();
    for org in store.organisations().await.unwrap() {
        let units = store.org_units(org.id).await.unwrap();
        for ind in store.indicators().await.unwrap() {
            // Ratios are protected through their parts, `last` and
            // `average` by rules of their own: the sums are what add up.
            if ind.spec.is_ratio() || ind.spec.aggregation != Aggregation::Sum {
                continue;
            }
            let threshold = ind.spec.threshold(store.threshold());
            if threshold <= 0.0 {
                continue;
            }
            let s = served(&store, &ind, &units, threshold).await;
            if s.table.cells.is_empty() {
                continue;
            }
            tables += 1;
            let (p, c) = store.protection(&ind, org.id).await.unwrap().counts();
            primary += p;
            complementary += c;
            cells += s.table.cells.len();
            hidden += s.hidden.len();
            for i in audit::narrow_cells(&s.table, &s.hidden, threshold) {
                if i.width() < audit::TOLERANCE {
                    exact += 1;
                }
                leaks.push(format!(
                    "  {} {} (value {}): [{}, {}], width {} < {threshold}",
                    ind.code(),
                    s.label(&i.key),
                    i.value,
                    i.lo,
                    i.hi,
                    i.width()
                ));
            }
        }
    }
    eprintln!(
        "demo disclosure audit: {tables} tables, {cells} cells, {hidden} hidden \
         ({primary} small, {complementary} to protect them); \
         {} narrower than the threshold ({exact} determined exactly); \
         load {:.1} s, read and audit {:.1} s",
        leaks.len(),
        loaded.as_secs_f64(),
        (start.elapsed() - loaded).as_secs_f64()
    );
    assert!(
        leaks.is_empty(),
        "{} of {hidden} hidden cells are narrowed below the threshold ({exact} exactly):\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

both_databases!(the_demo_discloses_no_hidden_cell);
