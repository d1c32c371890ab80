//! The read path: roll-ups turned into (suppressed) observations.

use super::*;

fn acc_of(r: &AnyRow) -> Result<Acc> {
    Ok(Acc {
        total: r.try_get("total")?,
        n: r.try_get("n")?,
        basis: r.try_get("basis")?,
        basis_n: r.try_get("basis_n")?,
        own_n: r.try_get("own_n")?,
    })
}

fn parse_period(code: &str) -> Result<Period> {
    Period::parse(code).map_err(|p| StoreError::Corrupt(format!("period: {p}")))
}

/// A roll-up of the dashboard's one JSON query: indicator id, age group,
/// period, total, n, basis, basis_n, own_n.
type RollupJson = (i64, String, String, f64, i64, f64, i64, i64);

/// The roll-ups of one unit and indicator, by breakdown and period.
pub(super) type AccTable = BTreeMap<(Breakdown, Period), Acc>;

impl Store {
    /// The small-number threshold served values obey.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    async fn accs(&self, unit_id: i64, indicator_id: i64) -> Result<AccTable> {
        let rows = sqlx::query(&format!(
            "SELECT sex, grade, age_group, period, total, n, basis, basis_n, own_n FROM ({}) x",
            super::rollup_rows::all_rows(
                "r.unit_id = $1 AND r.indicator_id = $2",
                "d.unit_id = $1 AND d.indicator_id = $2"
            )
        ))
        .bind(unit_id)
        .bind(indicator_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = BTreeMap::new();
        for r in rows {
            let p: String = r.try_get("period")?;
            out.insert((Breakdown::from_row(&r)?, parse_period(&p)?), acc_of(&r)?);
        }
        Ok(out)
    }

    /// The plain (non-ratio) observation from a table of roll-ups, hidden
    /// when small only if the indicator counts people: `threshold` is the
    /// store's, and [`kasvu_core::IndicatorSpec::threshold`] turns it into
    /// this indicator's (0 for activities). Every served figure — pages, the
    /// API, exports, dashboards, comparisons — is observed through here.
    pub(super) fn plain(
        ind: &Indicator,
        table: &AccTable,
        breakdown: &Breakdown,
        period: Period,
        threshold: f64,
    ) -> Observation {
        let threshold = ind.spec.threshold(threshold);
        let native = ind.spec.cadence.period_type();
        if !period.ptype().covers(native) {
            return Observation::missing(threshold);
        }
        let agg = ind.spec.aggregation;
        if agg == Aggregation::Last && period.ptype() != native {
            let latest = period.sub_periods(native).into_iter().rev().find_map(|p| {
                table
                    .get(&(breakdown.clone(), p))
                    .filter(|a| a.n > 0)
                    .map(|a| (p, *a))
            });
            return match latest {
                Some((p, a)) => {
                    let mut o = Observation::new(a.value(agg), &[a.count()], a.n, threshold);
                    o.period_used = Some(p);
                    o.source = a.source();
                    o
                }
                None => Observation::missing(threshold),
            };
        }
        match table.get(&(breakdown.clone(), period)) {
            Some(a) if a.n > 0 => {
                let mut o = Observation::new(a.value(agg), &[a.count()], a.n, threshold);
                o.source = a.source();
                o
            }
            _ => Observation::missing(threshold),
        }
    }

    /// Everything needed to observe an indicator at a unit: its roll-ups, or
    /// for a ratio those of its numerator and denominator, and the
    /// protected tables of its organisation.
    pub(super) async fn tables(
        &self,
        catalogue: &HashMap<i64, Indicator>,
        ind: &Indicator,
        unit_id: i64,
    ) -> Result<IndicatorTables> {
        let org_id: Option<i64> = sqlx::query_scalar("SELECT org_id FROM org_units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(&self.pool)
            .await?;
        let org_id = org_id.unwrap_or(unit_id);
        if ind.spec.is_ratio() {
            let (Some(n), Some(d)) = (ind.numerator_id, ind.denominator_id) else {
                return Err(StoreError::Corrupt(format!(
                    "ratio {} lacks its parts",
                    ind.code()
                )));
            };
            let num = catalogue
                .get(&n)
                .ok_or_else(|| StoreError::Corrupt(format!("numerator of {}", ind.code())))?
                .clone();
            let den = catalogue
                .get(&d)
                .ok_or_else(|| StoreError::Corrupt(format!("denominator of {}", ind.code())))?
                .clone();
            let shield = Shield {
                own: Default::default(),
                parts: Some((
                    self.protection(&num, org_id).await?,
                    self.protection(&den, org_id).await?,
                )),
            };
            Ok(IndicatorTables {
                kind: Tables::Ratio {
                    factor: ind.spec.factor.unwrap_or(1.0),
                    num_table: self.accs(unit_id, n).await?,
                    den_table: self.accs(unit_id, d).await?,
                    den_age: ind.spec.denominator_age_group.clone(),
                    num: Box::new(num),
                    den: Box::new(den),
                },
                unit: unit_id,
                shield,
            })
        } else {
            Ok(IndicatorTables {
                kind: Tables::Plain(self.accs(unit_id, ind.id).await?),
                unit: unit_id,
                shield: Shield {
                    own: self.protection(ind, org_id).await?,
                    parts: None,
                },
            })
        }
    }

    /// The observation of an indicator at a unit (rolled up over its
    /// subtree) for a period (rolled up over sub-periods) and breakdown.
    pub async fn observe(
        &self,
        ind: &Indicator,
        unit_id: i64,
        period: Period,
        breakdown: &Breakdown,
    ) -> Result<Observation> {
        let catalogue = self.catalogue_map().await?;
        let t = self.tables(&catalogue, ind, unit_id).await?;
        Ok(t.observe(ind, breakdown, period, self.threshold))
    }

    /// The series at the indicator's own cadence for one breakdown, oldest first.
    pub async fn series(
        &self,
        ind: &Indicator,
        unit_id: i64,
        breakdown: &Breakdown,
    ) -> Result<Vec<(Period, Observation)>> {
        let catalogue = self.catalogue_map().await?;
        let t = self.tables(&catalogue, ind, unit_id).await?;
        Ok(t.series(ind, breakdown, self.threshold))
    }

    /// Every breakdown present for a unit and period, hidden as the
    /// organisation's protected table says.
    pub async fn breakdowns(
        &self,
        ind: &Indicator,
        unit_id: i64,
        period: Period,
    ) -> Result<Vec<(Breakdown, Observation)>> {
        let catalogue = self.catalogue_map().await?;
        let t = self.tables(&catalogue, ind, unit_id).await?;
        let mut keys: Vec<Breakdown> = t.breakdown_keys();
        keys.sort();
        keys.dedup();
        let out: Vec<(Breakdown, Observation)> = keys
            .into_iter()
            .map(|b| {
                let o = t.observe(ind, &b, period, self.threshold);
                (b, o)
            })
            .filter(|(_, o)| o.raw.is_some())
            .collect();
        Ok(out)
    }

    /// The indicator at each child of `parent` (and the parent itself, first),
    /// hidden as the organisation's protected table says.
    pub async fn children_observations(
        &self,
        ind: &Indicator,
        parent_id: i64,
        child_ids: &[i64],
        period: Period,
        breakdown: &Breakdown,
    ) -> Result<(Observation, Vec<Observation>)> {
        let catalogue = self.catalogue_map().await?;
        let parent = self.tables(&catalogue, ind, parent_id).await?.observe(
            ind,
            breakdown,
            period,
            self.threshold,
        );
        let mut children = Vec::with_capacity(child_ids.len());
        for c in child_ids {
            children.push(self.tables(&catalogue, ind, *c).await?.observe(
                ind,
                breakdown,
                period,
                self.threshold,
            ));
        }
        Ok((parent, children))
    }

    /// Several units' series side by side at the indicator's cadence (total
    /// breakdown): the periods any of them has, oldest first, and for each
    /// unit its observation per period, hidden as the organisation's
    /// protected table says (so a hidden unit cannot be recovered from its
    /// parent's total and the siblings shown beside it).
    pub async fn compare(
        &self,
        ind: &Indicator,
        _org_id: i64,
        unit_ids: &[i64],
    ) -> Result<(Vec<Period>, Vec<Vec<Observation>>)> {
        let catalogue = self.catalogue_map().await?;
        let total = Breakdown::total();
        let mut tables = Vec::with_capacity(unit_ids.len());
        let mut periods: Vec<Period> = Vec::new();
        for id in unit_ids {
            let t = self.tables(&catalogue, ind, *id).await?;
            periods.extend(
                t.series(ind, &total, self.threshold)
                    .into_iter()
                    .map(|(p, _)| p),
            );
            tables.push(t);
        }
        periods.sort();
        periods.dedup();
        let out = tables
            .iter()
            .map(|t| {
                periods
                    .iter()
                    .map(|p| t.observe(ind, &total, *p, self.threshold))
                    .collect()
            })
            .collect();
        Ok((periods, out))
    }

    /// Every indicator's series at a unit (total breakdown), for dashboards:
    /// one query for all roll-ups of the unit, cached until the next write
    /// (see [`crate::measure::cache`]).
    pub async fn unit_series(&self, unit_id: i64) -> Result<Arc<UnitSeries>> {
        let cache = self.measure_cache();
        let mut conn = self.pool.acquire().await?;
        let version = crate::measure::cache::version(&mut conn).await?;
        if let Some(s) = cache.series(version, unit_id) {
            return Ok(s);
        }
        let _filling = cache.filling.lock().await;
        // Another request may have filled it while this one waited; and the
        // version may have moved on, so read it again.
        let version = crate::measure::cache::version(&mut conn).await?;
        if let Some(s) = cache.series(version, unit_id) {
            return Ok(s);
        }
        let catalogue = match cache.catalogue(version) {
            Some(c) => c,
            None => {
                let c = Arc::new(crate::measure::indicators::load_catalogue(&mut conn).await?);
                cache.put_catalogue(version, c.clone());
                c
            }
        };
        let s = Arc::new(
            self.series_from_rollups(&mut conn, &catalogue, unit_id)
                .await?,
        );
        cache.put_series(version, unit_id, s.clone());
        Ok(s)
    }

    /// [`Store::unit_series`] read from the roll-ups, past the cache (the
    /// benchmark measures both).
    pub async fn read_unit_series(&self, unit_id: i64) -> Result<UnitSeries> {
        let mut conn = self.pool.acquire().await?;
        let catalogue = crate::measure::indicators::load_catalogue(&mut conn).await?;
        self.series_from_rollups(&mut conn, &catalogue, unit_id)
            .await
    }

    async fn series_from_rollups(
        &self,
        conn: &mut AnyConnection,
        catalogue: &[Indicator],
        unit_id: i64,
    ) -> Result<UnitSeries> {
        // The unit's roll-ups come as one JSON array: decoding a couple of
        // thousand rows one by one through sqlx's Any driver took ~3 µs a
        // row, the single text value a fraction of that — which is what
        // the first dashboard request after a write waits for.
        let rows = super::rollup_rows::all_rows(
            "r.unit_id = $1 AND r.sex = 'total' AND r.grade = ''",
            "d.unit_id = $1 AND d.sex = 'total' AND d.grade = ''",
        );
        let sql = match self.backend() {
            crate::support::db::Backend::Sqlite => format!(
                "SELECT json_group_array(json_array(indicator_id, age_group, period, {total}, n, {basis}, basis_n, own_n)) AS j \
                 FROM ({rows}) x",
                total = crate::support::db::sqlite_exact_real("total"),
                basis = crate::support::db::sqlite_exact_real("basis"),
            ),
            crate::support::db::Backend::Postgres => format!(
                "SELECT COALESCE(json_agg(json_build_array(indicator_id, age_group, period, total, n, basis, basis_n, own_n)), '[]')::text AS j \
                 FROM ({rows}) x"
            ),
        };
        let json: String = sqlx::query_scalar(&sql)
            .bind(unit_id)
            .fetch_one(&mut *conn)
            .await?;
        // The total breakdown, and by age group (the age groups that rates'
        // denominators are read at, see `den_breakdown`).
        let rows: Vec<RollupJson> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("roll-ups of unit {unit_id}: {e}")))?;
        let mut tables: HashMap<i64, AccTable> = HashMap::new();
        for (indicator_id, age_group, period, total, n, basis, basis_n, own_n) in rows {
            let breakdown = Breakdown {
                age_group: Some(age_group).filter(|g| !g.is_empty()),
                ..Breakdown::total()
            };
            tables.entry(indicator_id).or_default().insert(
                (breakdown, parse_period(&period)?),
                Acc {
                    total,
                    n,
                    basis,
                    basis_n,
                    own_n,
                },
            );
        }
        let by_id: HashMap<i64, &Indicator> = catalogue.iter().map(|i| (i.id, i)).collect();
        let org_id: Option<i64> = sqlx::query_scalar("SELECT org_id FROM org_units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(&mut *conn)
            .await?;
        let org_id = org_id.unwrap_or(unit_id);
        let versions = protection::all_data_versions(conn).await?;
        let none = HashMap::new();
        let versions_of = |id: i64| versions.get(&id).unwrap_or(&none);
        let empty = AccTable::new();
        let mut out = HashMap::new();
        for ind in catalogue {
            let t = if ind.spec.is_ratio() {
                let (Some(n), Some(d)) = (ind.numerator_id, ind.denominator_id) else {
                    continue;
                };
                let (Some(num), Some(den)) = (by_id.get(&n), by_id.get(&d)) else {
                    continue;
                };
                IndicatorTables {
                    kind: Tables::Ratio {
                        factor: ind.spec.factor.unwrap_or(1.0),
                        num_table: tables.get(&n).cloned().unwrap_or_default(),
                        den_table: tables.get(&d).cloned().unwrap_or_default(),
                        den_age: ind.spec.denominator_age_group.clone(),
                        num: Box::new((*num).clone()),
                        den: Box::new((*den).clone()),
                    },
                    unit: unit_id,
                    shield: Shield {
                        own: Default::default(),
                        parts: Some((
                            self.protection_with(conn, num, org_id, versions_of(num.id))
                                .await?,
                            self.protection_with(conn, den, org_id, versions_of(den.id))
                                .await?,
                        )),
                    },
                }
            } else {
                IndicatorTables {
                    kind: Tables::Plain(
                        tables
                            .get(&ind.id)
                            .cloned()
                            .unwrap_or_else(|| empty.clone()),
                    ),
                    unit: unit_id,
                    shield: Shield {
                        own: self
                            .protection_with(conn, ind, org_id, versions_of(ind.id))
                            .await?,
                        parts: None,
                    },
                }
            };
            out.insert(ind.id, t.series(ind, &Breakdown::total(), self.threshold));
        }
        Ok(out)
    }

    pub(super) async fn catalogue_map(&self) -> Result<HashMap<i64, Indicator>> {
        Ok(self
            .indicators()
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect())
    }

    /// The raw values stored for an org unit and period (for the data-entry
    /// form, shown only to those who may edit them).
    pub async fn raw_values(
        &self,
        unit_id: i64,
        period: Period,
    ) -> Result<Vec<(i64, Breakdown, f64, Option<f64>)>> {
        let rows = sqlx::query(
            "SELECT indicator_id, sex, grade, age_group, value, count FROM data_values \
             WHERE unit_id = $1 AND period = $2",
        )
        .bind(unit_id)
        .bind(period.code())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("indicator_id")?,
                    Breakdown::from_row(r)?,
                    r.try_get("value")?,
                    r.try_get("count")?,
                ))
            })
            .collect()
    }

    /// How many raw values are stored (all organisations).
    pub async fn value_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM data_values")
            .fetch_one(&self.pool)
            .await?)
    }
}
