//! Roll-up rows as disclosure control reads them (`protection`): one at a
//! time through sqlx, or a whole year as one JSON array; and the rows of
//! units without sub-units, which are not stored (migration 0039).

use super::*;

/// The roll-up rows of units without sub-units, summed from their values
/// when asked, with the columns of `rollups` (`period` is the containing
/// period). `filter` is a condition on the values `d` (`data_values`): the
/// unit, the indicator, a year as `d.period` (a container holds only
/// periods of its own year). Such a unit's row is exactly this sum — no
/// reported figure can stand between a unit and itself — and the write path
/// keeps `rollups` free of them (`bulk::add_unblocked`, `closure`).
pub(super) fn leaf_rows(filter: &str) -> String {
    own_rows(&format!("NOT {} AND {filter}", has_sub_units("d.unit_id")))
}

/// "The unit `unit` (an SQL expression) has sub-units": the one definition
/// of which units store roll-up rows (those without are summed from their
/// values when read). The alias `sub` is its own, so `unit` may name any
/// outer table.
pub(super) fn has_sub_units(unit: &str) -> String {
    format!("EXISTS (SELECT 1 FROM org_units sub WHERE sub.parent_id = {unit})")
}

/// The roll-up rows that the values matching `filter` (on `d`) make at
/// their own units alone: a leaf's rows, and the rows a unit stores when it
/// gets its first sub-unit.
pub(super) fn own_rows(filter: &str) -> String {
    format!(
        "SELECT d.unit_id, d.indicator_id, d.sex, d.grade, d.age_group, p.container AS period, \
           SUM(d.value) AS total, COUNT(*) AS n, SUM(COALESCE(d.count, 0.0)) AS basis, \
           COUNT(d.count) AS basis_n, COUNT(*) AS own_n \
         FROM data_values d JOIN period_closure p ON p.period = d.period \
         JOIN indicators i ON i.id = d.indicator_id \
         WHERE (i.aggregation <> 'last' OR p.container = p.period) AND {filter} \
         GROUP BY d.unit_id, d.indicator_id, d.sex, d.grade, d.age_group, p.container"
    )
}

/// Every roll-up row matching `stored` (a condition on `rollups` as `r`)
/// and `leaf` (the same on `data_values` as `d`), as `rollups` held them
/// before migration 0039, with the columns of `rollups`.
pub(super) fn all_rows(stored: &str, leaf: &str) -> String {
    format!(
        "SELECT r.unit_id, r.indicator_id, r.sex, r.grade, r.age_group, r.period, r.total, \
           r.n, r.basis, r.basis_n, r.own_n FROM rollups r WHERE {stored} \
         UNION ALL {}",
        leaf_rows(leaf)
    )
}

/// The values of units without sub-units matching `filter` (on `d`) as
/// one JSON array of (unit, sex, grade, age group, period, value, count),
/// for [`add_leaf_rows`].
pub(super) fn leaf_values_json(backend: crate::support::db::Backend, filter: &str) -> String {
    use crate::support::db::{sqlite_exact_real, Backend};
    let arr = match backend {
        Backend::Sqlite => format!(
            "d.unit_id, d.sex, d.grade, d.age_group, d.period, {}, \
             CASE WHEN d.count IS NULL THEN NULL ELSE {} END",
            sqlite_exact_real("d.value"),
            sqlite_exact_real("d.count")
        ),
        Backend::Postgres => {
            "d.unit_id, d.sex, d.grade, d.age_group, d.period, d.value, d.count".to_owned()
        }
    };
    let from = format!(
        "FROM data_values d WHERE NOT {} AND {filter}",
        has_sub_units("d.unit_id")
    );
    match backend {
        Backend::Sqlite => format!("SELECT json_group_array(json_array({arr})) {from}"),
        Backend::Postgres => format!(
            "SELECT COALESCE(json_agg(json_build_array({arr}) \
             ORDER BY d.unit_id, d.sex, d.grade, d.age_group), '[]')::text {from}"
        ),
    }
}

/// A value of [`leaf_values_json`]; codes borrowed from the JSON text as
/// in `Flat`.
type LeafValue<'a> = (i64, &'a str, &'a str, String, &'a str, f64, Option<f64>);

/// Sums the values of [`leaf_values_json`] into their units' roll-up rows
/// over the periods containing them (only their own for `last`), as
/// [`leaf_rows`] does in SQL, and appends the rows to `rows`. Here rather
/// than by SQL's `GROUP BY` for a whole year of an organisation: at 1 M
/// values that made disclosure control of one table from cold 4.6 times
/// slower than reading stored rows had been (862 ms against 186 ms).
///
/// The values are summed as they are parsed, one unit and breakdown at a
/// time (they come in that order: the table's key order on SQLite, the
/// aggregate's `ORDER BY` on PostgreSQL), so no more than the rows are
/// held beside the JSON text: a year of 97,000 values at 10 M first went
/// through a vector of them and a map of its sums, and the server's peak
/// memory rose from 92 to 122 MB. Values in another order are still summed
/// right (the rows are merged at the end), only with more memory.
pub(super) fn add_leaf_rows(json: &str, last: bool, rows: &mut Vec<RollupRow>) -> Result<()> {
    let from = rows.len();
    let mut de = serde_json::Deserializer::from_str(json);
    let in_order = serde::de::DeserializeSeed::deserialize(LeafSeed { rows, last }, &mut de)
        .and_then(|in_order| de.end().map(|()| in_order))
        .map_err(|e| StoreError::Corrupt(format!("values of units without sub-units: {e}")))?;
    if !in_order {
        let mut merged: BTreeMap<(i64, Breakdown, Period), Acc> = BTreeMap::new();
        for r in rows.drain(from..) {
            let a = merged.entry((r.unit, r.breakdown, r.period)).or_default();
            a.total += r.acc.total;
            a.n += r.acc.n;
            a.basis += r.acc.basis;
            a.basis_n += r.acc.basis_n;
        }
        rows.extend(
            merged
                .into_iter()
                .map(|((unit, breakdown, period), acc)| RollupRow {
                    unit,
                    breakdown,
                    period,
                    acc,
                }),
        );
    }
    Ok(())
}

/// Parses and sums [`leaf_values_json`]; says whether each unit and
/// breakdown came as one run.
struct LeafSeed<'r> {
    rows: &'r mut Vec<RollupRow>,
    last: bool,
}

impl<'de> serde::de::DeserializeSeed<'de> for LeafSeed<'_> {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<bool, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for LeafSeed<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of values")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<bool, A::Error> {
        use serde::de::Error;
        let mut done: HashSet<(i64, Breakdown)> = HashSet::new();
        let mut group: Option<(i64, Breakdown)> = None;
        // A unit and breakdown's sums by period: a list searched from its
        // end, not a map (whose ordering of periods took a twentieth of
        // protecting a year at 10 M values). A year has at most 19 periods
        // (months, quarters, halves, the year), and on SQLite the values
        // come in period order, so a value's containers are among the last
        // 19 (in another order the sums are the same, found later).
        let mut sums: Vec<(Period, Acc)> = Vec::new();
        let mut in_order = true;
        let mut flush = |group: (i64, Breakdown), sums: &mut Vec<(Period, Acc)>| {
            for (period, acc) in std::mem::take(sums) {
                self.rows.push(RollupRow {
                    unit: group.0,
                    breakdown: group.1.clone(),
                    period,
                    acc,
                });
            }
            done.insert(group)
        };
        while let Some((unit, sex, grade, age, period, value, count)) =
            seq.next_element::<LeafValue<'de>>()?
        {
            let breakdown = Breakdown::from_codes(sex, grade, age).map_err(|e| match e {
                StoreError::Corrupt(why) => A::Error::custom(why),
                e => A::Error::custom(e),
            })?;
            let period =
                Period::parse(period).map_err(|e| A::Error::custom(format!("period: {e}")))?;
            if group
                .as_ref()
                .is_none_or(|(u, b)| *u != unit || *b != breakdown)
            {
                if let Some(g) = group.take() {
                    in_order &= flush(g, &mut sums);
                }
                group = Some((unit, breakdown));
            }
            let chain = period.chain();
            let containers = if self.last { &chain[..1] } else { &chain[..] };
            for p in containers {
                let i = match sums.iter().rposition(|(q, _)| q == p) {
                    Some(i) => i,
                    None => {
                        sums.push((*p, Acc::default()));
                        sums.len() - 1
                    }
                };
                let a = &mut sums[i].1;
                a.total += value;
                a.n += 1;
                a.basis += count.unwrap_or(0.0);
                a.basis_n += i64::from(count.is_some());
            }
        }
        if let Some(g) = group.take() {
            in_order &= flush(g, &mut sums);
        }
        Ok(in_order)
    }
}

/// One roll-up row as protection reads it.
pub(super) struct RollupRow {
    pub unit: i64,
    pub breakdown: Breakdown,
    pub period: Period,
    pub acc: Acc,
}

pub(super) fn row_of(r: &AnyRow) -> Result<RollupRow> {
    let p: String = r.try_get("period")?;
    Ok(RollupRow {
        unit: r.try_get("unit_id")?,
        breakdown: Breakdown::from_row(r)?,
        period: Period::parse(&p).map_err(|e| StoreError::Corrupt(format!("period: {e}")))?,
        acc: Acc {
            total: r.try_get("total")?,
            n: r.try_get("n")?,
            basis: r.try_get("basis")?,
            basis_n: r.try_get("basis_n")?,
            own_n: 0,
        },
    })
}

/// A year's roll-up rows as one JSON array (see `protect_rows`), each
/// element a tuple of these; codes are borrowed from the JSON text (they
/// hold nothing that needs escaping), an age group is owned (it may).
type Flat<'a> = (i64, &'a str, &'a str, String, &'a str, f64, i64, f64, i64);

/// Reads the array into roll-up rows one element at a time. A vector of the
/// tuples first (112 bytes an element, 18 MB for a year of 162,000 cells)
/// was held beside the rows and the JSON text, at the peak of the server's
/// memory.
pub(super) struct RowsSeed<'r>(pub &'r mut Vec<RollupRow>);

impl<'de> serde::de::DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RowsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of roll-up rows")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<(), A::Error> {
        use serde::de::Error;
        while let Some((unit, sex, grade, age, period, total, n, basis, basis_n)) =
            seq.next_element::<Flat<'de>>()?
        {
            self.0.push(RollupRow {
                unit,
                breakdown: Breakdown::from_codes(sex, grade, age).map_err(|e| match e {
                    // The caller names it as stored data that is not valid.
                    StoreError::Corrupt(why) => A::Error::custom(why),
                    e => A::Error::custom(e),
                })?,
                period: Period::parse(period)
                    .map_err(|e| A::Error::custom(format!("period: {e}")))?,
                acc: Acc {
                    total,
                    n,
                    basis,
                    basis_n,
                    own_n: 0,
                },
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> std::result::Result<Vec<RollupRow>, serde_json::Error> {
        let mut rows = Vec::new();
        let mut de = serde_json::Deserializer::from_str(json);
        serde::de::DeserializeSeed::deserialize(RowsSeed(&mut rows), &mut de)?;
        de.end()?;
        Ok(rows)
    }

    #[test]
    fn a_year_is_read_row_by_row() {
        let rows = read(
            r#"[[7,"total","","","2021",12.5,3,10.0,2],
                [8,"female","3","7\u201312","202102",4.0,1,4.0,1]]"#,
        )
        .expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].unit, 7);
        assert_eq!(rows[0].breakdown, Breakdown::total());
        assert_eq!(rows[0].period, Period::parse("2021").expect("a year"));
        assert_eq!((rows[0].acc.total, rows[0].acc.n), (12.5, 3));
        assert_eq!((rows[0].acc.basis, rows[0].acc.basis_n), (10.0, 2));
        assert_eq!(rows[1].breakdown.sex, Sex::Female);
        assert_eq!(rows[1].breakdown.grade, Some(3));
        // An escaped age group is owned, not borrowed, and read whole.
        assert_eq!(rows[1].breakdown.age_group.as_deref(), Some("7\u{2013}12"));
        assert_eq!(rows[1].period, Period::parse("202102").expect("a month"));
        assert!(read("[]").expect("no rows").is_empty());
    }

    #[test]
    fn a_leafs_values_are_summed_over_their_periods() {
        let json = r#"[[7,"total","","","202101",2.0,2.0],
                       [7,"total","","","202102",0.5,null],
                       [7,"female","3","","202101",1.0,1.0],
                       [8,"total","","","2021",9.0,9.0]]"#;
        let cell = |rows: &[RollupRow], unit: i64, b: &Breakdown, p: &str| {
            rows.iter()
                .find(|r| r.unit == unit && &r.breakdown == b && r.period.code() == p)
                .map(|r| (r.acc.total, r.acc.n, r.acc.basis, r.acc.basis_n))
        };
        let total = Breakdown::total();
        let mut sums = Vec::new();
        add_leaf_rows(json, false, &mut sums).expect("values");
        // Months, quarter, half year and year of unit 7's total; its
        // girls' January and containers; unit 8's year alone.
        assert_eq!(sums.len(), 2 + 3 + 4 + 1);
        assert_eq!(cell(&sums, 7, &total, "202101"), Some((2.0, 1, 2.0, 1)));
        assert_eq!(cell(&sums, 7, &total, "2021Q1"), Some((2.5, 2, 2.0, 1)));
        assert_eq!(cell(&sums, 7, &total, "2021"), Some((2.5, 2, 2.0, 1)));
        assert_eq!(cell(&sums, 8, &total, "2021"), Some((9.0, 1, 9.0, 1)));
        let girls = sums
            .iter()
            .find(|r| r.unit == 7 && r.breakdown.sex == Sex::Female)
            .expect("girls");
        assert_eq!(girls.breakdown.grade, Some(3));
        // `last`: only the values' own periods.
        let mut own = Vec::new();
        add_leaf_rows(json, true, &mut own).expect("values");
        assert_eq!(own.len(), 4);
        assert_eq!(cell(&own, 7, &total, "2021Q1"), None);
        assert!(add_leaf_rows(r#"[[7,"total","","","2021x",1.0,null]]"#, false, &mut own).is_err());
        // Out of order (unit 7 again after unit 8): still one row a cell.
        let json = r#"[[7,"total","","","202101",2.0,2.0],
                       [8,"total","","","2021",9.0,9.0],
                       [7,"total","","","202103",1.0,1.0]]"#;
        let mut rows = vec![];
        add_leaf_rows(json, false, &mut rows).expect("values");
        assert_eq!(rows.len(), 2 + 3 + 1);
        assert_eq!(cell(&rows, 7, &total, "2021Q1"), Some((3.0, 2, 3.0, 2)));
        assert_eq!(cell(&rows, 7, &total, "202103"), Some((1.0, 1, 1.0, 1)));
        // Rows already there are left alone.
        let before = rows.len();
        add_leaf_rows(json, true, &mut rows).expect("values");
        assert_eq!(rows.len(), before + 3);
    }

    #[test]
    fn a_bad_row_is_refused_with_its_reason() {
        for (json, why) in [
            (r#"[[7,"total","","","2021x",1.0,1,1.0,1]]"#, "period"),
            (r#"[[7,"nobody","","","2021",1.0,1,1.0,1]]"#, "nobody"),
            (r#"[[7,"total","","","2021",1.0]]"#, "invalid length"),
            (
                r#"[[7,"total","","","2021",1.0,1,1.0,1]] trailing"#,
                "trailing",
            ),
            (r#"{"rows": []}"#, "an array of roll-up rows"),
        ] {
            let e = read(json)
                .err()
                .unwrap_or_else(|| panic!("{json} was read"));
            assert!(e.to_string().contains(why), "{json}: {e}");
        }
    }
}
