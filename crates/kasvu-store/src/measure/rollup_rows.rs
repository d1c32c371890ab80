//! Roll-up rows as disclosure control reads them (`protection`): one at a
//! time through sqlx, or a whole year as one JSON array.

use super::*;

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

/// A year's roll-up rows as one JSON array (see `protect_units`), each
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
