//! Reporting completeness (DHIS2's reporting rates): which units are
//! expected to enter an indicator for a period — the catalogue's
//! `reported_by` kinds in the subtree, in operation during the period — and
//! which of them have.

use super::*;

/// One unit expected to report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectedUnit {
    #[serde(skip)]
    pub unit_id: i64,
    pub code: String,
    #[serde(skip)]
    pub names: kasvu_core::Names,
    /// Has a value of the indicator in the period.
    pub reported: bool,
}

/// Who reported an indicator for a period under a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completeness {
    pub period: Period,
    /// The period's last day has passed: who has not reported is late.
    pub over: bool,
    pub units: Vec<ExpectedUnit>,
}

impl Completeness {
    pub fn expected(&self) -> usize {
        self.units.len()
    }

    pub fn reporting(&self) -> usize {
        self.units.iter().filter(|u| u.reported).count()
    }

    /// Expected units without a value for a period that is over.
    pub fn late(&self) -> impl Iterator<Item = &ExpectedUnit> {
        self.units.iter().filter(move |u| self.over && !u.reported)
    }

    /// All expected units have reported (and someone was expected).
    pub fn complete(&self) -> bool {
        self.reporting() == self.expected()
    }
}

/// The ids of `root`'s subtree (itself included), from every unit's
/// (id, parent) of the organisation.
pub(super) fn subtree(parents: &[(i64, Option<i64>)], root: i64) -> HashSet<i64> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let id = out[i];
        out.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == Some(id))
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    out.into_iter().collect()
}

impl Store {
    /// Which units under `unit_id` are expected to report `ind` for
    /// `period` (a period of the indicator's cadence or longer), and which
    /// have a value in it; `None` when the catalogue names no kind of unit
    /// that reports the indicator.
    pub async fn completeness(
        &self,
        ind: &Indicator,
        unit_id: i64,
        period: Period,
        today: Date,
    ) -> Result<Option<Completeness>> {
        if ind.spec.reported_by.is_empty() || !period.ptype().covers(ind.spec.cadence.period_type())
        {
            return Ok(None);
        }
        let org_id: Option<i64> = sqlx::query_scalar("SELECT org_id FROM org_units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(org_id) = org_id else {
            return Ok(None);
        };
        let units = self.org_units(org_id).await?;
        let reported: HashSet<i64> = sqlx::query_scalar(
            "SELECT DISTINCT d.unit_id FROM data_values d \
             JOIN org_closure c ON c.unit_id = d.unit_id AND c.ancestor_id = $1 \
             JOIN period_closure p ON p.period = d.period AND p.container = $3 \
             WHERE d.indicator_id = $2",
        )
        .bind(unit_id)
        .bind(ind.id)
        .bind(period.code())
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .collect();
        let parents: Vec<(i64, Option<i64>)> = units.iter().map(|u| (u.id, u.parent_id)).collect();
        let within = subtree(&parents, unit_id);
        let mut expected: Vec<ExpectedUnit> = units
            .iter()
            .filter(|u| within.contains(&u.id))
            .filter(|u| {
                let operating = u.valid.from.is_none_or(|f| f <= period.end())
                    && u.valid.to.is_none_or(|to| to >= period.start());
                ind.spec.expected_of(u.kind) && operating
            })
            .map(|u| ExpectedUnit {
                unit_id: u.id,
                code: u.code.clone(),
                names: u.names.clone(),
                reported: reported.contains(&u.id),
            })
            .collect();
        expected.sort_by(|a, b| a.names.fi.cmp(&b.names.fi));
        Ok(Some(Completeness {
            period,
            over: kasvu_core::measure::is_over(period, today),
            units: expected,
        }))
    }
}
