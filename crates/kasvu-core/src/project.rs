//! The development project database (seed 004, "hanketietokanta"): a
//! project's money in cost lines (the seed's project has two: Oulu's
//! sub-project and the coordination), each with its original budget, the
//! realised costs and their funding with the external share, and the
//! percentages computed from them — never typed in. Figures are whole euro
//! cents so sums are exact.

use crate::error::Problem;

code_enum! {
    /// Where a project stands (käsittelyvaihe).
    #[derive(Default)]
    ProjectState {
        #[default]
        Planned = "planned",
        Ongoing = "ongoing",
        Ended = "ended",
    }
}

/// Euros as whole cents.
pub type Cents = i64;

/// Reads a euro amount as people write it: `521 264`, `521264,50`,
/// `1 234.5 €`. Negative amounts are refused.
pub fn parse_euros(s: &str) -> Result<Cents, Problem> {
    let t: String = s
        .trim()
        .trim_end_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    let bad = || {
        Problem::new(
            "err-euros",
            format!("'{}' is not an amount of euros", s.trim()),
        )
        .arg("value", s.trim().to_owned())
    };
    if t.is_empty() {
        return Err(Problem::required());
    }
    let t = t.replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return Err(if whole.starts_with('-') {
            Problem::new("err-negative", "the amount cannot be negative")
        } else {
            bad()
        });
    }
    if frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let euros: i64 = whole.parse().map_err(|_| bad())?;
    let cents: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    euros
        .checked_mul(100)
        .and_then(|e| e.checked_add(cents))
        .ok_or_else(bad)
}

/// One line of a project's money.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CostLine {
    /// e.g. "Oukan osahanke", "Koordinaatio (koko hanke)".
    pub name: String,
    pub original_budget: Cents,
    pub realised_costs: Cents,
    /// The funding of the realised costs, all sources.
    pub funding: Cents,
    /// The part of `funding` from outside the organisation.
    pub external_funding: Cents,
}

impl CostLine {
    /// Realised costs as a percentage of the original budget.
    pub fn realised_percent(&self) -> Option<f64> {
        percent(self.realised_costs, self.original_budget)
    }

    /// External funding as a percentage of all funding.
    pub fn external_percent(&self) -> Option<f64> {
        percent(self.external_funding, self.funding)
    }

    /// The figures must be consistent: nothing negative, and the external
    /// share cannot exceed the total funding. The field names the culprit.
    pub fn check(&self) -> Result<(), (&'static str, Problem)> {
        if self.name.trim().is_empty() {
            return Err(("name", Problem::required()));
        }
        for (field, v) in [
            ("original_budget", self.original_budget),
            ("realised_costs", self.realised_costs),
            ("funding", self.funding),
            ("external_funding", self.external_funding),
        ] {
            if v < 0 {
                return Err((
                    field,
                    Problem::new("err-negative", "the amount cannot be negative"),
                ));
            }
        }
        if self.external_funding > self.funding {
            return Err((
                "external_funding",
                Problem::new(
                    "err-external-over-total",
                    "the external share cannot exceed the total funding",
                ),
            ));
        }
        Ok(())
    }
}

/// `part / whole` in per cent, when the whole is not zero.
pub fn percent(part: Cents, whole: Cents) -> Option<f64> {
    (whole != 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// The sums of cost lines (a project's, or a portfolio's).
pub fn total(lines: &[CostLine]) -> CostLine {
    lines.iter().fold(
        CostLine {
            name: String::new(),
            original_budget: 0,
            realised_costs: 0,
            funding: 0,
            external_funding: 0,
        },
        |mut t, l| {
            t.original_budget += l.original_budget;
            t.realised_costs += l.realised_costs;
            t.funding += l.funding;
            t.external_funding += l.external_funding;
            t
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(orig: Cents, real: Cents, fund: Cents, ext: Cents) -> CostLine {
        CostLine {
            name: "x".into(),
            original_budget: orig,
            realised_costs: real,
            funding: fund,
            external_funding: ext,
        }
    }

    #[test]
    fn euros_are_read_as_people_write_them() {
        assert_eq!(parse_euros("521 264"), Ok(52_126_400));
        assert_eq!(parse_euros("521\u{a0}264 €"), Ok(52_126_400));
        assert_eq!(parse_euros("1234,5"), Ok(123_450));
        assert_eq!(parse_euros("0.07"), Ok(7));
        assert_eq!(parse_euros("-5").unwrap_err().code, "err-negative");
        assert_eq!(parse_euros("5,123").unwrap_err().code, "err-euros");
        assert_eq!(parse_euros("x").unwrap_err().code, "err-euros");
        assert_eq!(parse_euros(" ").unwrap_err().code, "err-required");
    }

    #[test]
    fn seed_004_percentages() {
        // Oulu's sub-project: 521 264 € of the original 536 666 € (97.13 %),
        // 390 948 € of it external funding (75 %).
        let oukka = line(53_666_600, 52_126_400, 52_126_400, 39_094_800);
        assert!((oukka.realised_percent().unwrap() - 97.13).abs() < 0.005);
        assert!((oukka.external_percent().unwrap() - 75.0).abs() < 0.005);
        // The coordination: 243 792 € against 243 188 € is 100.25 %, though
        // the seed's text says 99.75 %; the figures are kept as given and
        // the percentage computed from them.
        let coord = line(24_318_800, 24_379_200, 24_379_200, 18_284_400);
        assert!((coord.realised_percent().unwrap() - 100.248).abs() < 0.001);
        assert!((coord.external_percent().unwrap() - 75.0).abs() < 0.005);
        let t = total(&[oukka, coord]);
        assert_eq!(t.realised_costs, 76_505_600);
        assert_eq!(t.external_funding, 57_379_200);
    }

    #[test]
    fn figures_must_be_consistent() {
        assert!(line(10, 10, 10, 10).check().is_ok());
        assert_eq!(
            line(10, 10, 10, 11).check().unwrap_err().0,
            "external_funding"
        );
        assert_eq!(line(10, -1, 10, 0).check().unwrap_err().0, "realised_costs");
        assert_eq!(line(0, 0, 0, 0).realised_percent(), None);
    }
}
