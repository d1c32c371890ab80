//! The indicator catalogue: what is measured, how often, how values combine,
//! and which way is better.

use crate::error::{FieldError, Problem};
use crate::orgunit::{code_key, same_code, ExternalCode, Names, UnitKind};
use crate::period::{Period, PeriodType};

code_enum! {
    /// How often an indicator is measured.
    Cadence {
        Monthly = "monthly",
        Quarterly = "quarterly",
        SixMonthly = "sixmonthly",
        Yearly = "yearly",
        Biennial = "biennial",
    }
}

impl Cadence {
    /// The type of the periods values are entered for. Biennial surveys are
    /// reported in the year they were made.
    pub fn period_type(self) -> PeriodType {
        match self {
            Cadence::Monthly => PeriodType::Monthly,
            Cadence::Quarterly => PeriodType::Quarterly,
            Cadence::SixMonthly => PeriodType::SixMonthly,
            Cadence::Yearly | Cadence::Biennial => PeriodType::Yearly,
        }
    }

    /// Checks that a value may be entered for `period`.
    pub fn check_period(self, period: Period) -> Result<(), Problem> {
        if period.ptype() == self.period_type() {
            Ok(())
        } else {
            Err(Problem::new(
                "err-period-cadence",
                format!(
                    "period {period} is not a {} period; this indicator takes {} values",
                    period.ptype().code(),
                    self.code()
                ),
            )
            .arg("value", period.code())
            .arg("cadence", self.code()))
        }
    }
}

code_enum! {
    /// How values combine up the tree and over time.
    Aggregation {
        /// Counts add up (clients, discussions held).
        Sum = "sum",
        /// The mean of the values below.
        Average = "average",
        /// Stocks (trained staff): over time the latest value; up the tree the sum.
        Last = "last",
        /// factor × numerator / denominator, computed from the rolled-up
        /// numerator and denominator indicators — never an average of ratios.
        Ratio = "ratio",
    }
}

code_enum! {
    /// Which way is better.
    Direction {
        Up = "up",
        Down = "down",
        Neutral = "neutral",
    }
}

code_enum! {
    /// Breakdown by sex; `total` is everyone.
    Sex {
        Total = "total",
        Male = "male",
        Female = "female",
    }
}

code_enum! {
    /// What an indicator counts, which decides whether its small values are
    /// hidden. People — children, pupils, respondents, clients, staff — are
    /// protected by small-number suppression: a count of 2 children in a
    /// unit may point at a family. Activities — meetings, groups, calls,
    /// discussions, events — are not: 2 expert-group meetings in a cluster
    /// say nothing about any one person, and hiding them would empty the
    /// series the leadership teams follow. People is the default, the safe
    /// side.
    #[derive(Default)]
    Counts {
        #[default]
        People = "people",
        Activities = "activities",
    }
}

code_enum! {
    /// The unit a value is expressed in.
    ValueUnit {
        Count = "count",
        Percent = "percent",
        PerThousand = "per_1000",
        Euro = "euro",
        Days = "days",
        Hours = "hours",
        Score = "score",
        Number = "number",
    }
}

impl ValueUnit {
    /// Synonyms people write in a catalogue sheet, by unit (compared after
    /// [`unit_words`]). The unit's own code is always accepted too.
    const SYNONYMS: &'static [(ValueUnit, &'static [&'static str])] = &[
        (
            ValueUnit::Percent,
            &["%", "prosentti", "prosenttia", "percent", "procent"],
        ),
        (
            ValueUnit::PerThousand,
            &[
                "‰",
                "promille",
                "per 1000",
                "per 1 000",
                "/1000",
                "1/1000",
                "per mille",
                "per_1000",
            ],
        ),
        (
            ValueUnit::Count,
            &["lkm", "kpl", "määrä", "count", "antal", "st", "n"],
        ),
    ];

    /// Reads a unit as people write it in a spreadsheet: the unit's code or
    /// a Finnish, Swedish or English synonym (`%`, `prosenttia`, `‰`,
    /// `per 1 000`, `lkm`, `kpl`, `antal` …), without regard to case or
    /// extra spaces. Anything else is refused with the list of codes.
    pub fn parse_written(s: &str) -> Result<ValueUnit, Problem> {
        let words = unit_words(s);
        for (unit, synonyms) in Self::SYNONYMS {
            if synonyms.iter().any(|w| unit_words(w) == words) {
                return Ok(*unit);
            }
        }
        ValueUnit::ALL
            .iter()
            .copied()
            .find(|u| u.code() == words)
            .ok_or_else(|| Problem::not_one_of(s.trim(), Self::CODES))
    }
}

/// A unit as compared: lower case (Unicode-aware), spaces of every kind
/// (the no-break spaces of `1 000`) as one plain space, trimmed.
fn unit_words(s: &str) -> String {
    s.to_lowercase()
        .split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

code_enum! {
    /// Where the values come from.
    Source {
        Own = "own",
        Sotkanet = "sotkanet",
        SchoolHealthSurvey = "shps",
        StatisticsFinland = "statfin",
        Other = "other",
    }
}

/// A school grade (1–13; 0 means pre-school) as a breakdown; `None` is all grades.
pub fn parse_grade(s: &str) -> Result<Option<u8>, Problem> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("total") || t.eq_ignore_ascii_case("all") {
        return Ok(None);
    }
    match t.parse::<u8>() {
        Ok(g) if g <= 13 => Ok(Some(g)),
        _ => Err(Problem::new(
            "err-grade",
            format!("'{t}' is not a school grade (0–13, or empty for all grades)"),
        )
        .arg("value", t)),
    }
}

/// An age-group code as a breakdown (`0-17`, `7-12`, `65-`): 1–20 of
/// digits, letters, `-`, `_` and `+`.
pub fn check_age_group(s: &str) -> Result<String, Problem> {
    let t = s.trim();
    if t.is_empty()
        || t.len() > 20
        || !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+'))
    {
        return Err(Problem::new(
            "err-age-group",
            format!("'{t}' is not an age group (such as 0-17)"),
        )
        .arg("value", t));
    }
    Ok(t.to_owned())
}

/// Parses a number written the Finnish way or the English way (`12,5` or
/// `12.5`, spaces as thousands separators).
pub fn parse_number(s: &str) -> Result<f64, Problem> {
    let t = s.trim();
    let cleaned: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let bad = || Problem::new("err-number", format!("'{t}' is not a number")).arg("value", t);
    if cleaned.is_empty() || cleaned.matches('.').count() > 1 {
        return Err(bad());
    }
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(bad()),
    }
}

/// An indicator as defined in the catalogue (codes, not ids).
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSpec {
    pub code: String,
    pub names: Names,
    pub definitions: Names,
    pub unit: ValueUnit,
    pub source: Source,
    /// People (small values hidden) or activities (shown as they are). A
    /// ratio carries its own value, which must be the one its parts give
    /// ([`ratio_counts`], checked on import by [`check_ratio_counts`]): so
    /// the catalogue reads the same everywhere without looking up the
    /// parts, while the read path still hides a ratio by the counts of the
    /// parts that count people.
    pub counts: Counts,
    pub cadence: Cadence,
    pub aggregation: Aggregation,
    pub direction: Direction,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub factor: Option<f64>,
    /// A ratio's denominator read at this age group (with the ratio's own
    /// sex breakdown) instead of its total: a rate per 1,000 children aged
    /// 0–17 divides by the population of `0-17`, not by everyone. The
    /// denominator must be broken down by age group (the store checks).
    pub denominator_age_group: Option<String>,
    /// A count's rate: the ratio indicator (numerator this one) by which
    /// areas of different size are compared. The store checks it exists
    /// and is such a ratio.
    pub rate: Option<String>,
    pub by_sex: bool,
    pub by_grade: bool,
    pub by_age_group: bool,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    /// Cross-check: a value may not exceed this indicator's value for the
    /// same unit, period and breakdown ("LP-trained staff ≤ staff").
    pub not_above: Option<String>,
    pub external_codes: Vec<ExternalCode>,
    pub themes: Vec<String>,
    /// Seed 003: "what would have to exist for this service not to be needed at all?"
    pub not_needed_note: String,
    /// The kinds of unit that enter this indicator (schools and day-care
    /// centres enter Let's Talk discussions; no school is offered the pilot
    /// phone). Empty: no unit is expected to, any may.
    pub reported_by: Vec<UnitKind>,
}

/// Indicator codes: 1–40 of `a–z A–Z 0–9 _ -`, stored as written and
/// matched without regard to case ([`crate::code_key`]).
pub fn check_indicator_code(s: &str) -> Result<String, Problem> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Problem::required());
    }
    if t.len() > 40
        || !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Problem::new(
            "err-indicator-code",
            format!("'{t}' is not an indicator code: use 1–40 of letters a–z, digits, _ and -"),
        )
        .arg("value", t));
    }
    Ok(t.to_owned())
}

impl IndicatorSpec {
    /// A plain indicator: a count of own data, better when higher, with no
    /// breakdowns, bounds or external codes; adjust the fields from there.
    pub fn plain(code: &str, name_fi: &str, cadence: Cadence, aggregation: Aggregation) -> Self {
        IndicatorSpec {
            code: code.to_owned(),
            names: Names {
                fi: name_fi.to_owned(),
                sv: String::new(),
                en: String::new(),
            },
            definitions: Names::default(),
            unit: ValueUnit::Count,
            source: Source::Own,
            counts: Counts::People,
            cadence,
            aggregation,
            direction: Direction::Up,
            numerator: None,
            denominator: None,
            factor: None,
            denominator_age_group: None,
            rate: None,
            by_sex: false,
            by_grade: false,
            by_age_group: false,
            min_value: None,
            max_value: None,
            not_above: None,
            external_codes: vec![],
            themes: vec![],
            not_needed_note: String::new(),
            reported_by: vec![],
        }
    }

    /// Whether a unit of this kind enters the indicator: one of
    /// `reported_by`, or any unit when the catalogue names none.
    pub fn entered_by(&self, kind: Option<UnitKind>) -> bool {
        self.reported_by.is_empty() || kind.is_some_and(|k| self.reported_by.contains(&k))
    }

    /// Whether units of this kind are expected to report every period (and
    /// are late when they have not).
    pub fn expected_of(&self, kind: Option<UnitKind>) -> bool {
        kind.is_some_and(|k| self.reported_by.contains(&k))
    }

    /// Checks the rules that need no other indicator; returns the first
    /// broken one with its field.
    pub fn check(&self) -> Result<(), FieldError> {
        check_indicator_code(&self.code).map_err(|p| FieldError::new("code", p))?;
        Names::parse(&self.names.fi, &self.names.sv, &self.names.en)?;
        let ratio = self.aggregation == Aggregation::Ratio;
        if ratio {
            if self.numerator.is_none() {
                return Err(FieldError::new(
                    "numerator",
                    Problem::new(
                        "err-ratio-parts",
                        "a ratio needs a numerator and a denominator",
                    ),
                ));
            }
            if self.denominator.is_none() {
                return Err(FieldError::new(
                    "denominator",
                    Problem::new(
                        "err-ratio-parts",
                        "a ratio needs a numerator and a denominator",
                    ),
                ));
            }
            match self.factor {
                Some(f) if f > 0.0 && f.is_finite() => {}
                _ => {
                    return Err(FieldError::new(
                        "factor",
                        Problem::new(
                            "err-ratio-factor",
                            "a ratio needs a positive factor (100 for %, 1000 for per 1,000)",
                        ),
                    ))
                }
            }
            if self.rate.is_some() {
                return Err(FieldError::new(
                    "rate",
                    Problem::new(
                        "err-rate-of-ratio",
                        "a ratio is a rate itself; only a count names its rate",
                    ),
                ));
            }
            if self.numerator.as_deref().map(code_key) == self.denominator.as_deref().map(code_key)
            {
                return Err(FieldError::new(
                    "denominator",
                    Problem::new(
                        "err-ratio-same",
                        "the numerator and the denominator must be different indicators",
                    ),
                ));
            }
        } else {
            for (field, v) in [
                ("numerator", self.numerator.is_some()),
                ("denominator", self.denominator.is_some()),
                ("factor", self.factor.is_some()),
                (
                    "denominator_age_group",
                    self.denominator_age_group.is_some(),
                ),
            ] {
                if v {
                    return Err(FieldError::new(
                        field,
                        Problem::new(
                            "err-ratio-only",
                            "only a ratio has a numerator, a denominator, a factor and a \
                             denominator age group",
                        ),
                    ));
                }
            }
            if self
                .rate
                .as_deref()
                .is_some_and(|c| same_code(c, &self.code))
            {
                return Err(FieldError::new(
                    "rate",
                    Problem::new("err-rate-self", "an indicator cannot be its own rate"),
                ));
            }
        }
        if let Some(g) = &self.denominator_age_group {
            check_age_group(g).map_err(|p| FieldError::new("denominator_age_group", p))?;
        }
        if let (Some(lo), Some(hi)) = (self.min_value, self.max_value) {
            if lo > hi {
                return Err(FieldError::new(
                    "max_value",
                    Problem::new("err-min-max", "the maximum is below the minimum"),
                ));
            }
        }
        if self
            .not_above
            .as_deref()
            .is_some_and(|c| same_code(c, &self.code))
        {
            return Err(FieldError::new(
                "not_above",
                Problem::new(
                    "err-not-above-self",
                    "an indicator cannot be checked against itself",
                ),
            ));
        }
        Ok(())
    }

    /// Checks one value against the indicator's own rules (whole, non-negative
    /// counts; min/max). Cross-checks against other indicators are the store's.
    pub fn check_value(&self, v: f64) -> Result<(), Problem> {
        if !v.is_finite() {
            return Err(Problem::new("err-number", "not a number").arg("value", v.to_string()));
        }
        if self.unit == ValueUnit::Count && (v < 0.0 || v.fract() != 0.0) {
            return Err(Problem::new(
                "err-count",
                format!("{v} is not a count: use a whole number 0 or more"),
            )
            .arg("value", v.to_string()));
        }
        if let Some(lo) = self.min_value {
            if v < lo {
                return Err(Problem::new(
                    "err-below-min",
                    format!("{v} is below the minimum {lo}"),
                )
                .arg("value", v.to_string())
                .arg("min", lo.to_string()));
            }
        }
        if let Some(hi) = self.max_value {
            if v > hi {
                return Err(Problem::new(
                    "err-above-max",
                    format!("{v} is above the maximum {hi}"),
                )
                .arg("value", v.to_string())
                .arg("max", hi.to_string()));
            }
        }
        Ok(())
    }

    pub fn is_ratio(&self) -> bool {
        self.aggregation == Aggregation::Ratio
    }

    /// The small-number threshold this indicator's own figures obey: the
    /// organisation's `threshold` when it counts people, 0 (nothing hidden)
    /// when it counts activities. Every served figure goes through here.
    pub fn threshold(&self, threshold: f64) -> f64 {
        match self.counts {
            Counts::People => threshold,
            Counts::Activities => 0.0,
        }
    }

    /// Whether small values of this indicator are hidden.
    pub fn protects_people(&self) -> bool {
        self.counts == Counts::People
    }
}

/// What a ratio counts follows from its parts: people when its numerator
/// or its denominator counts people (a ratio of activities over a part
/// that counts people would show what the part hides), activities only
/// when both parts count activities.
pub fn ratio_counts(numerator: Counts, denominator: Counts) -> Counts {
    if numerator == Counts::People || denominator == Counts::People {
        Counts::People
    } else {
        Counts::Activities
    }
}

/// Checks that a ratio's own `counts` is the one its parts give
/// ([`ratio_counts`]); the error is the ratio's `counts` field.
pub fn check_ratio_counts(
    ratio: Counts,
    numerator: Counts,
    denominator: Counts,
) -> Result<(), FieldError> {
    let expected = ratio_counts(numerator, denominator);
    if ratio == expected {
        return Ok(());
    }
    Err(FieldError::new(
        "counts",
        Problem::new(
            "err-ratio-counts",
            format!(
                "a ratio counts people when its numerator or denominator does, activities \
                 otherwise: this one is {expected}, not {ratio}"
            ),
        )
        .arg("value", ratio.code())
        .arg("expected", expected.code()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn spec(code: &str) -> IndicatorSpec {
        IndicatorSpec::plain(code, "Nimi", Cadence::Monthly, Aggregation::Sum)
    }

    #[test]
    fn numbers_in_finnish_and_english() {
        assert_eq!(parse_number("12,5"), Ok(12.5));
        assert_eq!(parse_number(" 1 234.5 "), Ok(1234.5));
        assert_eq!(parse_number("-3"), Ok(-3.0));
        for bad in ["", "abc", "1,2,3", "NaN", "inf", "12 kpl", "1.2.3"] {
            assert_eq!(
                parse_number(bad).map_err(|p| p.code),
                Err("err-number"),
                "{bad}"
            );
        }
    }

    #[test]
    fn ratio_needs_its_parts() {
        let mut s = spec("share");
        s.aggregation = Aggregation::Ratio;
        assert_eq!(s.check().map_err(|e| e.field), Err("numerator".to_string()));
        s.numerator = Some("a".into());
        s.denominator = Some("b".into());
        assert_eq!(s.check().map_err(|e| e.field), Err("factor".to_string()));
        s.factor = Some(100.0);
        assert_eq!(s.check(), Ok(()));
        let mut plain = spec("plain");
        plain.factor = Some(100.0);
        assert_eq!(
            plain.check().map_err(|e| e.field),
            Err("factor".to_string())
        );
    }

    #[test]
    fn rates_and_age_group_denominators() {
        let mut r = spec("rate");
        r.aggregation = Aggregation::Ratio;
        r.numerator = Some("clients".into());
        r.denominator = Some("population".into());
        r.factor = Some(1000.0);
        r.denominator_age_group = Some("0-17".into());
        assert_eq!(r.check(), Ok(()));
        r.denominator_age_group = Some("0 – 17".into());
        assert_eq!(
            r.check().map_err(|e| (e.field, e.problem.code)),
            Err(("denominator_age_group".to_string(), "err-age-group"))
        );
        r.denominator_age_group = Some("0-17".into());
        // A ratio does not name a rate: it is one.
        r.rate = Some("other".into());
        assert_eq!(r.check().map_err(|e| e.field), Err("rate".to_string()));

        let mut count = spec("clients");
        count.rate = Some("rate".into());
        assert_eq!(count.check(), Ok(()));
        // Only a ratio has a denominator, so only a ratio has its age group.
        count.denominator_age_group = Some("0-17".into());
        assert_eq!(
            count.check().map_err(|e| e.field),
            Err("denominator_age_group".to_string())
        );
        count.denominator_age_group = None;
        count.rate = Some("CLIENTS".into());
        assert_eq!(
            count.check().map_err(|e| (e.field, e.problem.code)),
            Err(("rate".to_string(), "err-rate-self"))
        );
    }

    #[test]
    fn values_obey_unit_and_bounds() {
        let mut s = spec("x");
        assert!(s.check_value(3.0).is_ok());
        assert_eq!(s.check_value(2.5).map_err(|p| p.code), Err("err-count"));
        assert_eq!(s.check_value(-1.0).map_err(|p| p.code), Err("err-count"));
        s.unit = ValueUnit::Percent;
        s.min_value = Some(0.0);
        s.max_value = Some(100.0);
        assert!(s.check_value(55.5).is_ok());
        assert_eq!(
            s.check_value(101.0).map_err(|p| p.code),
            Err("err-above-max")
        );
    }

    #[test]
    fn cadence_fixes_the_period_type() {
        let q = Period::parse("2024Q1").expect("period");
        assert!(Cadence::Quarterly.check_period(q).is_ok());
        assert_eq!(
            Cadence::Monthly.check_period(q).map_err(|p| p.code),
            Err("err-period-cadence")
        );
        assert!(Cadence::Biennial
            .check_period(Period::parse("2023").expect("year"))
            .is_ok());
    }

    #[test]
    fn who_is_counted() {
        let mut s = spec("meetings");
        assert_eq!(s.counts, Counts::People, "people is the safe default");
        assert_eq!(Counts::default(), Counts::People);
        assert_eq!(s.threshold(5.0), 5.0);
        assert!(s.protects_people());
        s.counts = Counts::Activities;
        assert_eq!(s.threshold(5.0), 0.0, "activities are shown as they are");
        assert!(!s.protects_people());
        assert_eq!(Counts::parse("activities"), Ok(Counts::Activities));
        assert_eq!(Counts::parse("people"), Ok(Counts::People));
        assert!(Counts::parse("events").is_err());
        // A ratio is protected when either part counts people.
        use Counts::{Activities as A, People as P};
        assert_eq!(ratio_counts(A, P), P);
        assert_eq!(ratio_counts(P, A), P);
        assert_eq!(ratio_counts(A, A), A);
        assert_eq!(check_ratio_counts(P, A, P), Ok(()));
        assert_eq!(check_ratio_counts(A, A, A), Ok(()));
        for (r, n, d) in [(A, P, A), (A, A, P), (A, P, P), (P, A, A)] {
            let e = check_ratio_counts(r, n, d).map_err(|e| (e.field, e.problem.code));
            assert_eq!(
                e,
                Err(("counts".to_string(), "err-ratio-counts")),
                "{r} = {n} / {d}"
            );
        }
    }

    #[test]
    fn units_as_people_write_them() {
        use ValueUnit::*;
        for (written, unit) in [
            ("%", Percent),
            (" Prosenttia ", Percent),
            ("prosentti", Percent),
            ("PERCENT", Percent),
            ("procent", Percent),
            ("‰", PerThousand),
            ("promille", PerThousand),
            ("Per 1000", PerThousand),
            ("per 1 000", PerThousand),
            ("per 1\u{a0}000", PerThousand),
            ("per\u{202f}1\u{202f}000", PerThousand),
            ("/1000", PerThousand),
            ("1/1000", PerThousand),
            ("per mille", PerThousand),
            ("per_1000", PerThousand),
            ("lkm", Count),
            ("KPL", Count),
            ("määrä", Count),
            ("MÄÄRÄ", Count),
            ("count", Count),
            ("antal", Count),
            ("st", Count),
            ("N", Count),
            ("euro", Euro),
            ("Days", Days),
            ("hours", Hours),
            ("score", Score),
            ("number", Number),
        ] {
            assert_eq!(ValueUnit::parse_written(written), Ok(unit), "{written:?}");
        }
        for bad in ["", "kg", "per 100", "%%", "prosentit"] {
            assert_eq!(
                ValueUnit::parse_written(bad).map_err(|p| p.code),
                Err("err-not-one-of"),
                "{bad:?}"
            );
        }
        // Stored units are read strictly, by their codes.
        assert!(ValueUnit::parse("%").is_err());
    }

    #[test]
    fn codes_are_compared_without_case() {
        assert_eq!(
            check_indicator_code(" LONELY_n "),
            Ok("LONELY_n".to_owned())
        );
        assert!(check_indicator_code("ä").is_err());
        let mut s = spec("Share");
        s.not_above = Some("share".into());
        assert_eq!(s.check().map_err(|e| e.field), Err("not_above".to_string()));
        let mut s = spec("share");
        s.aggregation = Aggregation::Ratio;
        s.numerator = Some("A".into());
        s.denominator = Some("a".into());
        s.factor = Some(100.0);
        assert_eq!(
            s.check().map_err(|e| e.field),
            Err("denominator".to_string())
        );
    }

    #[test]
    fn grades() {
        assert_eq!(parse_grade(""), Ok(None));
        assert_eq!(parse_grade("8"), Ok(Some(8)));
        assert!(parse_grade("14").is_err());
        assert!(parse_grade("x").is_err());
    }
}
