//! Periods in DHIS2-style codes: `2024` (year), `2024S1` (half), `2024Q3`
//! (quarter), `202409` (month). Biennial surveys are reported in years.
//!
//! Every period knows the periods that contain it (month ⊂ quarter ⊂ half ⊂
//! year), its sub-periods, its neighbours and its dates; roll-ups over time
//! are built on this algebra.

use crate::error::Problem;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, Month};

code_enum! {
    /// The length of a period, shortest last.
    PeriodType {
        Yearly = "yearly",
        SixMonthly = "sixmonthly",
        Quarterly = "quarterly",
        Monthly = "monthly",
    }
}

impl PeriodType {
    /// How many periods of this type make a year.
    pub fn per_year(self) -> u8 {
        match self {
            PeriodType::Yearly => 1,
            PeriodType::SixMonthly => 2,
            PeriodType::Quarterly => 4,
            PeriodType::Monthly => 12,
        }
    }

    fn months(self) -> u8 {
        12 / self.per_year()
    }

    /// The next longer type (month → quarter → half → year).
    pub fn longer(self) -> Option<PeriodType> {
        match self {
            PeriodType::Monthly => Some(PeriodType::Quarterly),
            PeriodType::Quarterly => Some(PeriodType::SixMonthly),
            PeriodType::SixMonthly => Some(PeriodType::Yearly),
            PeriodType::Yearly => None,
        }
    }

    /// True when a period of this type is never shorter than one of `other`.
    pub fn covers(self, other: PeriodType) -> bool {
        self.months() >= other.months()
    }
}

/// One period. Ordered by start, then longest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    ptype: PeriodType,
    year: i32,
    /// 1-based number within the year (1 for a year).
    number: u8,
}

/// The years Kasvu accepts; outside them a period code is surely a typo.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

impl Period {
    pub fn new(ptype: PeriodType, year: i32, number: u8) -> Result<Period, Problem> {
        if !YEARS.contains(&year) || number == 0 || number > ptype.per_year() {
            return Err(Problem::new(
                "err-period",
                format!("there is no {} period {number} of {year}", ptype.code()),
            )
            .arg("value", format!("{year}/{number}")));
        }
        Ok(Period {
            ptype,
            year,
            number,
        })
    }

    pub fn year(year: i32) -> Result<Period, Problem> {
        Period::new(PeriodType::Yearly, year, 1)
    }

    /// Parses `2024`, `2024S1`, `2024Q3` or `202409`, and the forms of
    /// statistics services: `2024K3` (Statistics Finland's quarter) and
    /// `2024M09` (PxWeb's month).
    pub fn parse(s: &str) -> Result<Period, Problem> {
        let t = s.trim();
        let bad = || {
            Problem::new(
                "err-period",
                format!("'{t}' is not a period: use 2024, 2024S1, 2024Q3 or 202409"),
            )
            .arg("value", t)
        };
        if t.len() < 4 || !t.is_char_boundary(4) {
            return Err(bad());
        }
        let (y, rest) = t.split_at(4);
        if !y.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let (ptype, num) = match rest.as_bytes() {
            [] => (PeriodType::Yearly, "1"),
            [b'S' | b's', ..] => (PeriodType::SixMonthly, &rest[1..]),
            // `K` is the Finnish quarter (neljännes) of Statistics Finland.
            [b'Q' | b'q' | b'K' | b'k', ..] => (PeriodType::Quarterly, &rest[1..]),
            // PxWeb's month, `2025M03`.
            [b'M' | b'm', _, _] => (PeriodType::Monthly, &rest[1..]),
            [_, _] => (PeriodType::Monthly, rest),
            _ => return Err(bad()),
        };
        if num.is_empty() || num.len() > 2 || !num.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let number: u8 = num.parse().map_err(|_| bad())?;
        Period::new(ptype, year, number).map_err(|_| bad())
    }

    pub fn ptype(self) -> PeriodType {
        self.ptype
    }

    pub fn year_number(self) -> i32 {
        self.year
    }

    /// The number within the year: month 1–12, quarter 1–4, half 1–2, 1.
    pub fn number(self) -> u8 {
        self.number
    }

    /// The DHIS2-style code.
    pub fn code(self) -> String {
        match self.ptype {
            PeriodType::Yearly => format!("{}", self.year),
            PeriodType::SixMonthly => format!("{}S{}", self.year, self.number),
            PeriodType::Quarterly => format!("{}Q{}", self.year, self.number),
            PeriodType::Monthly => format!("{}{:02}", self.year, self.number),
        }
    }

    /// First month (1–12) of the period.
    fn first_month(self) -> u8 {
        (self.number - 1) * self.ptype.months() + 1
    }

    fn last_month(self) -> u8 {
        self.number * self.ptype.months()
    }

    pub fn start(self) -> Date {
        let m = Month::try_from(self.first_month()).unwrap_or(Month::January);
        Date::from_calendar_date(self.year, m, 1).unwrap_or(Date::MIN)
    }

    /// The last day of the period.
    pub fn end(self) -> Date {
        let m = Month::try_from(self.last_month()).unwrap_or(Month::December);
        let days = m.length(self.year);
        Date::from_calendar_date(self.year, m, days).unwrap_or(Date::MAX)
    }

    /// The period of type `t` containing this one; `None` when `t` is shorter.
    pub fn containing(self, t: PeriodType) -> Option<Period> {
        if !t.covers(self.ptype) {
            return None;
        }
        let number = (self.first_month() - 1) / t.months() + 1;
        Some(Period {
            ptype: t,
            year: self.year,
            number,
        })
    }

    /// This period and every period containing it, shortest first.
    pub fn chain(self) -> Vec<Period> {
        let mut out = vec![self];
        let mut t = self.ptype;
        while let Some(longer) = t.longer() {
            if let Some(p) = self.containing(longer) {
                out.push(p);
            }
            t = longer;
        }
        out
    }

    /// True when `other` lies within this period (a period contains itself).
    pub fn contains(self, other: Period) -> bool {
        other.containing(self.ptype) == Some(self)
    }

    /// The periods of type `t` that make up this one (empty when `t` is longer).
    pub fn sub_periods(self, t: PeriodType) -> Vec<Period> {
        if !self.ptype.covers(t) {
            return Vec::new();
        }
        let n = self.ptype.months() / t.months();
        let first = (self.first_month() - 1) / t.months() + 1;
        (first..first + n)
            .map(|number| Period {
                ptype: t,
                year: self.year,
                number,
            })
            .collect()
    }

    /// A running number of periods of this type (consecutive periods differ by 1).
    pub fn index(self) -> i64 {
        i64::from(self.year) * i64::from(self.ptype.per_year()) + i64::from(self.number) - 1
    }

    pub fn from_index(t: PeriodType, index: i64) -> Option<Period> {
        let per = i64::from(t.per_year());
        let year = i32::try_from(index.div_euclid(per)).ok()?;
        let number = u8::try_from(index.rem_euclid(per) + 1).ok()?;
        Period::new(t, year, number).ok()
    }

    /// The period `n` steps later (earlier when negative).
    pub fn offset(self, n: i64) -> Option<Period> {
        Period::from_index(self.ptype, self.index() + n)
    }

    pub fn previous(self) -> Option<Period> {
        self.offset(-1)
    }

    pub fn next(self) -> Option<Period> {
        self.offset(1)
    }

    /// The `n` periods of type `t` up to the one containing `date`, newest
    /// first (the choices of a data-entry form).
    pub fn recent(t: PeriodType, date: Date, n: usize) -> Vec<Period> {
        let current = Period::of_date(t, date);
        (0..n as i64).filter_map(|k| current.offset(-k)).collect()
    }

    /// Whether data entry for this period is closed: it ended before `locked_before`.
    pub fn is_locked(self, locked_before: Option<Date>) -> bool {
        locked_before.is_some_and(|d| self.end() < d)
    }

    /// The period of type `t` that contains `date`.
    pub fn of_date(t: PeriodType, date: Date) -> Period {
        let month = u8::from(date.month());
        Period {
            ptype: t,
            year: date.year(),
            number: (month - 1) / t.months() + 1,
        }
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.year, self.first_month(), other.ptype.months()).cmp(&(
            other.year,
            other.first_month(),
            self.ptype.months(),
        ))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Period {
        Period::parse(s).expect(s)
    }

    #[test]
    fn recent_periods_and_locks() {
        let d = time::macros::date!(2026 - 02 - 10);
        let months: Vec<String> = Period::recent(PeriodType::Monthly, d, 3)
            .into_iter()
            .map(Period::code)
            .collect();
        assert_eq!(months, ["202602", "202601", "202512"]);
        let quarters = Period::recent(PeriodType::Quarterly, d, 2);
        assert_eq!(quarters, [p("2026Q1"), p("2025Q4")]);
        // 2025Q4 ended on 31 December: locked from 1 January on, not before.
        assert!(p("2025Q4").is_locked(Some(time::macros::date!(2026 - 01 - 01))));
        assert!(!p("2025Q4").is_locked(Some(time::macros::date!(2025 - 12 - 31))));
        assert!(!p("2001").is_locked(None), "admins have no lock");
    }

    #[test]
    fn parses_the_four_forms() {
        assert_eq!(p("2024").ptype(), PeriodType::Yearly);
        assert_eq!(p("2024S1").ptype(), PeriodType::SixMonthly);
        assert_eq!(p("2024Q3").ptype(), PeriodType::Quarterly);
        assert_eq!(p("202409").ptype(), PeriodType::Monthly);
        assert_eq!(p("202409").number(), 9);
        assert_eq!(p(" 2024q3 ").code(), "2024Q3");
    }

    #[test]
    fn parses_the_forms_of_statistics_services() {
        assert_eq!(p("2025K1"), p("2025Q1"));
        assert_eq!(p("2025k4").code(), "2025Q4");
        assert_eq!(p("2025M03"), p("202503"));
        assert_eq!(p("2025m12").code(), "202512");
        for bad in [
            "2025K5", "2025K0", "2025M13", "2025M00", "2025M3", "2025M", "2025K",
        ] {
            assert_eq!(
                Period::parse(bad).expect_err(bad).code,
                "err-period",
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_period() {
        for bad in [
            "", "24", "2024Q5", "2024Q0", "2024S3", "202413", "202400", "2024-09", "20240901",
            "abcd", "2024W12", "ÄÄÄÄ", "2024Q", "1066", "2024S01x",
        ] {
            let e = Period::parse(bad).expect_err(bad);
            assert_eq!(e.code, "err-period", "{bad}");
        }
    }

    #[test]
    fn containment() {
        assert!(p("2024").contains(p("202409")));
        assert!(p("2024Q3").contains(p("202409")));
        assert!(p("2024S2").contains(p("2024Q3")));
        assert!(!p("2024S1").contains(p("2024Q3")));
        assert!(!p("202409").contains(p("2024Q3")));
        assert_eq!(
            p("202409").chain(),
            vec![p("202409"), p("2024Q3"), p("2024S2"), p("2024")]
        );
        assert_eq!(
            p("2024S1").sub_periods(PeriodType::Quarterly),
            vec![p("2024Q1"), p("2024Q2")]
        );
    }

    #[test]
    fn dates_and_neighbours() {
        assert_eq!(format!("{}", p("2024Q1").end()), "2024-03-31");
        assert_eq!(format!("{}", p("202402").end()), "2024-02-29");
        assert_eq!(format!("{}", p("2024S2").start()), "2024-07-01");
        assert_eq!(p("202401").previous(), Some(p("202312")));
        assert_eq!(p("2024Q4").next(), Some(p("2025Q1")));
        assert_eq!(
            Period::of_date(PeriodType::Quarterly, time::macros::date!(2026 - 11 - 23)),
            p("2026Q4")
        );
    }

    fn any_period() -> impl Strategy<Value = Period> {
        (0usize..4, 1990i32..2100, 1u8..=12).prop_map(|(t, y, n)| {
            let t = PeriodType::ALL[t];
            let n = (n - 1) % t.per_year() + 1;
            Period::new(t, y, n).expect("generated in range")
        })
    }

    proptest! {
        #[test]
        fn code_round_trips(per in any_period()) {
            prop_assert_eq!(Period::parse(&per.code()), Ok(per));
        }

        #[test]
        fn chain_members_contain_the_period(per in any_period()) {
            for c in per.chain() {
                prop_assert!(c.contains(per));
                prop_assert!(c.start() <= per.start() && per.end() <= c.end());
            }
        }

        #[test]
        fn sub_periods_tile_their_parent(per in any_period(), t in 0usize..4) {
            let t = PeriodType::ALL[t];
            let subs = per.sub_periods(t);
            if per.ptype().covers(t) {
                prop_assert_eq!(subs.len(), usize::from(t.per_year() / per.ptype().per_year()));
                prop_assert_eq!(subs[0].start(), per.start());
                prop_assert_eq!(subs[subs.len() - 1].end(), per.end());
                for w in subs.windows(2) {
                    prop_assert_eq!(w[0].next(), Some(w[1]));
                }
                for s in &subs {
                    prop_assert!(per.contains(*s));
                }
            } else {
                prop_assert!(subs.is_empty());
            }
        }

        #[test]
        fn containment_agrees_with_dates(a in any_period(), b in any_period()) {
            let by_dates = a.ptype().covers(b.ptype()) && a.start() <= b.start() && b.end() <= a.end();
            prop_assert_eq!(a.contains(b), by_dates);
        }

        #[test]
        fn index_is_consecutive(per in any_period(), n in -30i64..30) {
            if let Some(q) = per.offset(n) {
                prop_assert_eq!(q.index() - per.index(), n);
                prop_assert_eq!(q.offset(-n), Some(per));
                prop_assert_eq!(q > per, n > 0);
            }
        }
    }
}
