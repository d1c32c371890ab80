//! Served tables: an indicator's figures as exports and tables may show them.

use super::*;

pub(super) enum IndicatorTables {
    Plain(AccTable),
    Ratio {
        factor: f64,
        num: Box<Indicator>,
        den: Box<Indicator>,
        num_table: AccTable,
        den_table: AccTable,
    },
}

impl IndicatorTables {
    pub(super) fn observe(
        &self,
        ind: &Indicator,
        b: &Breakdown,
        p: Period,
        threshold: f64,
    ) -> Observation {
        match self {
            IndicatorTables::Plain(t) => Store::plain(ind, t, b, p, threshold),
            IndicatorTables::Ratio {
                factor,
                num,
                den,
                num_table,
                den_table,
            } => {
                let n = Store::plain(num, num_table, b, p, threshold);
                let d = Store::plain(den, den_table, b, p, threshold);
                // Protected when the numerator or the denominator counts
                // people, and then by the counts of those parts only: 2
                // meetings per 100 children is shown, 2 lonely pupils of
                // 40 respondents is not. The ratio's own `counts` agrees
                // (checked on import), so its threshold is the same.
                let counts: Vec<Option<f64>> = [(num, &n), (den, &d)]
                    .into_iter()
                    .filter(|(part, _)| part.spec.protects_people())
                    .map(|(_, o)| o.cell.count)
                    .collect();
                let mut o = Observation::new(
                    ratio(n.raw, d.raw, *factor),
                    &counts,
                    n.values + d.values,
                    ind.spec.threshold(threshold),
                );
                o.period_used = n.period_used.or(d.period_used);
                o
            }
        }
    }

    pub(super) fn breakdown_keys(&self) -> Vec<Breakdown> {
        match self {
            IndicatorTables::Plain(t) => t.keys().map(|(b, _)| b.clone()).collect(),
            IndicatorTables::Ratio { num_table, .. } => {
                num_table.keys().map(|(b, _)| b.clone()).collect()
            }
        }
    }

    pub(super) fn series(
        &self,
        ind: &Indicator,
        b: &Breakdown,
        threshold: f64,
    ) -> Vec<(Period, Observation)> {
        let native = ind.spec.cadence.period_type();
        let periods: std::collections::BTreeSet<Period> = match self {
            IndicatorTables::Plain(t) => t
                .keys()
                .filter(|(bb, p)| bb == b && p.ptype() == native)
                .map(|(_, p)| *p)
                .collect(),
            IndicatorTables::Ratio {
                num_table,
                den_table,
                ..
            } => num_table
                .keys()
                .chain(den_table.keys())
                .filter(|(bb, p)| bb == b && p.ptype() == native)
                .map(|(_, p)| *p)
                .collect(),
        };
        periods
            .into_iter()
            .map(|p| (p, self.observe(ind, b, p, threshold)))
            .filter(|(_, o)| o.raw.is_some())
            .collect()
    }
}

/// One served figure of an indicator: what exports and tables may show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServedRow {
    pub orgunit: String,
    pub period: Period,
    pub breakdown_sex: Sex,
    pub grade: Option<u8>,
    /// `None` when suppressed.
    pub value: Option<f64>,
    pub suppressed: bool,
}

impl Store {
    /// Every figure of an indicator in an organisation, at its own cadence,
    /// for every unit with values (rolled up) and every breakdown, with
    /// complementary suppression between siblings (a parent and its
    /// children are both in the table) and within each unit's breakdowns.
    pub async fn served_table(&self, ind: &Indicator, org_id: i64) -> Result<Vec<ServedRow>> {
        let units = self.org_units(org_id).await?;
        let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
        for u in &units {
            if let Some(p) = u.parent_id {
                children.entry(p).or_default().push(u.id);
            }
        }
        let code_of: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.code.as_str())).collect();
        let periods: Vec<Period> = self
            .series(ind, org_id, &Breakdown::total())
            .await?
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let mut out = Vec::new();
        for period in periods {
            // Totals, protected among siblings, top-down.
            let mut totals: HashMap<i64, Observation> = HashMap::new();
            let root = self
                .observe(ind, org_id, period, &Breakdown::total())
                .await?;
            totals.insert(org_id, root);
            let mut queue = vec![org_id];
            while let Some(parent) = queue.pop() {
                let Some(kids) = children.get(&parent) else {
                    continue;
                };
                let (_, mut obs) = self
                    .children_observations(ind, parent, kids, period, &Breakdown::total())
                    .await?;
                let parent_cell = totals.get(&parent).map(|o| o.cell);
                for (kid, o) in kids.iter().zip(obs.iter_mut()) {
                    if parent_cell.is_some_and(|c| c.suppressed) && o.raw.is_some() {
                        // A hidden parent would be recoverable as the sum of its children.
                        o.cell.suppressed = true;
                    }
                    if o.raw.is_some() {
                        totals.insert(*kid, o.clone());
                        queue.push(*kid);
                    }
                }
            }
            let mut ids: Vec<i64> = totals.keys().copied().collect();
            ids.sort_by_key(|id| code_of.get(id).copied().unwrap_or(""));
            for id in ids {
                let mut rows = self.breakdowns(ind, id, period).await?;
                if let (Some(t), Some(row)) =
                    (totals.get(&id), rows.iter_mut().find(|(b, _)| b.is_total()))
                {
                    row.1.cell = t.cell;
                }
                protect_breakdowns(&mut rows);
                for (b, o) in rows {
                    out.push(ServedRow {
                        orgunit: code_of.get(&id).copied().unwrap_or("").to_owned(),
                        period,
                        breakdown_sex: b.sex,
                        grade: b.grade,
                        value: o.shown(),
                        suppressed: o.suppressed(),
                    });
                }
            }
        }
        Ok(out)
    }
}
