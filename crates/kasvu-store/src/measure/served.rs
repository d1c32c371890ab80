//! Served tables: an indicator's figures as exports and tables may show them.

use super::*;

/// An indicator's roll-ups at one unit, with the protected tables its
/// figures are read against.
pub(super) struct IndicatorTables {
    pub(super) kind: Tables,
    pub(super) unit: i64,
    pub(super) shield: Shield,
}

pub(super) enum Tables {
    Plain(AccTable),
    Ratio {
        factor: f64,
        num: Box<Indicator>,
        den: Box<Indicator>,
        num_table: AccTable,
        den_table: AccTable,
        /// The denominator's age group (see
        /// [`kasvu_core::IndicatorSpec::denominator_age_group`]).
        den_age: Option<String>,
    },
}

/// The breakdown a ratio's denominator is read at: the ratio's own, with
/// the denominator's age group in place of the ratio's where one is set.
pub(super) fn den_breakdown(b: &Breakdown, den_age: &Option<String>) -> Breakdown {
    match den_age {
        Some(g) => Breakdown {
            age_group: Some(g.clone()),
            ..b.clone()
        },
        None => b.clone(),
    }
}

/// The protected tables (see [`super::protection`]) of an indicator in the
/// unit's organisation; for a ratio those of its numerator and denominator.
#[derive(Clone, Default)]
pub(super) struct Shield {
    pub(super) own: Arc<Protected>,
    pub(super) parts: Option<(Arc<Protected>, Arc<Protected>)>,
}

impl IndicatorTables {
    pub(super) fn observe(
        &self,
        ind: &Indicator,
        b: &Breakdown,
        p: Period,
        threshold: f64,
    ) -> Observation {
        let hides = |prot: &Protected, o: &Observation, b: &Breakdown| {
            o.raw.is_some() && prot.hides(self.unit, o.period_used.unwrap_or(p), b)
        };
        match &self.kind {
            Tables::Plain(t) => {
                let mut o = Store::plain(ind, t, b, p, threshold);
                if hides(&self.shield.own, &o, b) {
                    o.cell.suppressed = true;
                }
                o
            }
            Tables::Ratio {
                factor,
                num,
                den,
                num_table,
                den_table,
                den_age,
            } => {
                let db = den_breakdown(b, den_age);
                let n = Store::plain(num, num_table, b, p, threshold);
                let d = Store::plain(den, den_table, &db, p, threshold);
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
                o.source = Source::both(n.source, d.source);
                // A ratio beside its published parts tells what they tell:
                // hidden wherever either part is hidden.
                if let Some((pn, pd)) = &self.shield.parts {
                    if o.raw.is_some() && (hides(pn, &n, b) || hides(pd, &d, &db)) {
                        o.cell.suppressed = true;
                    }
                }
                o
            }
        }
    }

    pub(super) fn breakdown_keys(&self) -> Vec<Breakdown> {
        match &self.kind {
            Tables::Plain(t) => t.keys().map(|(b, _)| b.clone()).collect(),
            Tables::Ratio { num_table, .. } => num_table.keys().map(|(b, _)| b.clone()).collect(),
        }
    }

    pub(super) fn series(
        &self,
        ind: &Indicator,
        b: &Breakdown,
        threshold: f64,
    ) -> Vec<(Period, Observation)> {
        let native = ind.spec.cadence.period_type();
        let periods: std::collections::BTreeSet<Period> = match &self.kind {
            Tables::Plain(t) => t
                .keys()
                .filter(|(bb, p)| bb == b && p.ptype() == native)
                .map(|(_, p)| *p)
                .collect(),
            Tables::Ratio {
                num_table,
                den_table,
                den_age,
                ..
            } => {
                let db = den_breakdown(b, den_age);
                num_table
                    .keys()
                    .filter(|(bb, _)| bb == b)
                    .chain(den_table.keys().filter(|(bb, _)| *bb == db))
                    .filter(|(_, p)| p.ptype() == native)
                    .map(|(_, p)| *p)
                    .collect()
            }
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
    /// The unit's own (reported) figure, its sub-units' sum, or partly each.
    pub source: Source,
}

impl Store {
    /// Every figure of an indicator in an organisation, at its own cadence,
    /// for every unit with values (rolled up) and every breakdown, hidden
    /// as the organisation's protected table says: the same cells as every
    /// other route.
    pub async fn served_table(&self, ind: &Indicator, org_id: i64) -> Result<Vec<ServedRow>> {
        let catalogue = self.catalogue_map().await?;
        let mut units = self.org_units(org_id).await?;
        units.sort_by(|a, b| a.code.cmp(&b.code));
        let native = ind.spec.cadence.period_type();
        let mut tables = Vec::with_capacity(units.len());
        let mut periods: std::collections::BTreeSet<Period> = Default::default();
        for u in &units {
            let t = self.tables(&catalogue, ind, u.id).await?;
            let mut keys = t.breakdown_keys();
            keys.sort();
            keys.dedup();
            for b in &keys {
                periods.extend(t.series(ind, b, self.threshold).into_iter().map(|(p, _)| p));
            }
            tables.push((u, t, keys));
        }
        let mut out = Vec::new();
        for period in periods.into_iter().filter(|p| p.ptype() == native) {
            for (u, t, keys) in &tables {
                for b in keys {
                    let o = t.observe(ind, b, period, self.threshold);
                    if o.raw.is_none() {
                        continue;
                    }
                    out.push(ServedRow {
                        orgunit: u.code.to_string(),
                        period,
                        breakdown_sex: b.sex,
                        grade: b.grade,
                        value: o.shown(),
                        suppressed: o.suppressed(),
                        source: o.source,
                    });
                }
            }
        }
        Ok(out)
    }
}

/// The sum of a unit's sub-units' figures, served beside the unit's own
/// (reported) figure so that staff see the difference, with its coverage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummedFigure {
    /// The sum (or mean, or ratio of sums, as the indicator aggregates);
    /// `None` when no sub-unit has a figure or the sum is hidden.
    pub value: Option<f64>,
    /// Hidden: small, or a sub-unit's figure is hidden (the sum would give
    /// it away beside the others).
    pub suppressed: bool,
    /// Sub-units with a figure for the period: where the catalogue names
    /// the kinds of unit that report the indicator, the units of those
    /// kinds in the subtree that have reported.
    pub reporting: usize,
    /// Sub-units expected to have one: the units of the reporting kinds in
    /// the subtree, in operation during the period; else the direct
    /// sub-units in operation that have had a figure of the indicator.
    pub units: usize,
}

fn add_table(into: &mut AccTable, from: &AccTable) {
    for (k, a) in from {
        into.entry(k.clone()).or_default().add_summed(a);
    }
}

impl Store {
    /// The figure summed from the unit's sub-units for a period, whether or
    /// not the unit has a reported figure of its own; `None` for a unit
    /// without sub-units. Each sub-unit counts with its served figure (its
    /// own where it has one), read through the protected table: a hidden
    /// sub-unit hides the sum.
    pub async fn summed_figure(
        &self,
        ind: &Indicator,
        unit_id: i64,
        period: Period,
        breakdown: &Breakdown,
    ) -> Result<Option<SummedFigure>> {
        let org_id: Option<i64> = sqlx::query_scalar("SELECT org_id FROM org_units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(org_id) = org_id else {
            return Ok(None);
        };
        let children: Vec<_> = self
            .org_units(org_id)
            .await?
            .into_iter()
            .filter(|u| u.parent_id == Some(unit_id))
            .collect();
        if children.is_empty() {
            return Ok(None);
        }
        let catalogue = self.catalogue_map().await?;
        let mut units = 0;
        let mut reporting = 0;
        let mut hidden = false;
        let mut sum: Option<Tables> = None;
        for child in &children {
            let t = self.tables(&catalogue, ind, child.id).await?;
            let o = t.observe(ind, breakdown, period, self.threshold);
            // Expected to have a figure: in operation during the period and
            // with a figure of this indicator in some period (culture
            // services under the city never count child-protection clients).
            let operating = child.valid.from.is_none_or(|f| f <= period.end())
                && child.valid.to.is_none_or(|to| to >= period.start());
            let ever = match &t.kind {
                Tables::Plain(a) => a.values().any(|a| a.n > 0),
                Tables::Ratio { num_table, .. } => num_table.values().any(|a| a.n > 0),
            };
            if (operating && ever) || o.raw.is_some() {
                units += 1;
            }
            if o.raw.is_none() {
                continue;
            }
            reporting += 1;
            hidden |= o.suppressed();
            match (&mut sum, &t.kind) {
                (None, Tables::Plain(a)) => sum = Some(Tables::Plain(a.clone())),
                (Some(Tables::Plain(s)), Tables::Plain(a)) => add_table(s, a),
                (
                    None,
                    Tables::Ratio {
                        factor,
                        num,
                        den,
                        num_table,
                        den_table,
                        den_age,
                    },
                ) => {
                    sum = Some(Tables::Ratio {
                        factor: *factor,
                        num: num.clone(),
                        den: den.clone(),
                        num_table: num_table.clone(),
                        den_table: den_table.clone(),
                        den_age: den_age.clone(),
                    })
                }
                (
                    Some(Tables::Ratio {
                        num_table: sn,
                        den_table: sd,
                        ..
                    }),
                    Tables::Ratio {
                        num_table,
                        den_table,
                        ..
                    },
                ) => {
                    add_table(sn, num_table);
                    add_table(sd, den_table);
                }
                _ => {
                    return Err(StoreError::Corrupt(format!(
                        "{} is both a ratio and not",
                        ind.code()
                    )))
                }
            }
        }
        let value = sum.map(|kind| {
            IndicatorTables {
                kind,
                unit: unit_id,
                shield: Shield::default(),
            }
            .observe(ind, breakdown, period, self.threshold)
        });
        let suppressed = hidden || value.as_ref().is_some_and(|o| o.suppressed());
        // Where the catalogue says which kinds of unit report the
        // indicator, coverage counts those units ("14 of 16 schools").
        if let Some(c) = self
            .completeness(ind, unit_id, period, kasvu_core::clock::today())
            .await?
        {
            reporting = c.reporting();
            units = c.expected();
        }
        Ok(Some(SummedFigure {
            value: if suppressed {
                None
            } else {
                value.and_then(|o| o.shown())
            },
            suppressed,
            reporting,
            units,
        }))
    }
}
