//! The register of regional actors (seed 004: "yhteinen tietovaranto
//! alueellisista toimijoista"): who offers what to whom in an area, how to
//! reach them, and when the entry was last confirmed — an entry older than
//! the review age is flagged, so the register stays true.

use crate::error::Problem;
use time::Date;

code_enum! {
    /// Whom an actor's offer is for.
    Audience {
        Babies = "babies",
        UnderSchool = "under_school",
        SchoolAge = "school_age",
        Teens = "teens",
        YoungAdults = "young_adults",
        Parents = "parents",
        Families = "families",
    }
}

/// Days after which an entry not confirmed again is flagged for review.
pub const DEFAULT_REVIEW_DAYS: i64 = 365;

/// Whether an entry confirmed on `confirmed_on` is due for review.
pub fn review_due(confirmed_on: Date, today: Date, max_age_days: i64) -> bool {
    (today - confirmed_on).whole_days() > max_age_days
}

/// Languages served, as ISO 639-1 codes separated by `;` or `,`
/// (`fi;sv;en`), lower-cased, without repeats.
pub fn parse_languages(s: &str) -> Result<Vec<String>, Problem> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        let code = part.to_lowercase();
        if code.len() != 2 || !code.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(Problem::new(
                "err-language",
                format!("'{part}' is not a two-letter language code (fi, sv, en …)"),
            )
            .arg("value", part.to_owned()));
        }
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

/// Free-form tags (themes) separated by `;`, trimmed, without repeats.
pub fn parse_list(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in s.split(';').map(str::trim).filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.to_owned());
        }
    }
    out
}

/// A web address people can open: http(s) only.
pub fn check_url(s: &str) -> Result<(), Problem> {
    let t = s.trim();
    if t.is_empty() || t.starts_with("https://") || t.starts_with("http://") {
        Ok(())
    } else {
        Err(Problem::new("err-url", format!("'{t}' is not a web address")).arg("value", t))
    }
}

/// A phone number as people write it: digits, spaces, `+`, `-`, `(`, `)`.
pub fn check_phone(s: &str) -> Result<(), Problem> {
    let t = s.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if t.is_empty() || (digits >= 5 && t.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)))
    {
        Ok(())
    } else {
        Err(Problem::new("err-phone", format!("'{t}' is not a phone number")).arg("value", t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn old_entries_are_flagged() {
        let today = date!(2026 - 11 - 23);
        assert!(!review_due(date!(2026 - 01 - 05), today, 365));
        assert!(review_due(date!(2025 - 11 - 22), today, 365));
        assert!(
            !review_due(date!(2025 - 11 - 23), today, 365),
            "exactly a year is still fine"
        );
        assert!(review_due(date!(2026 - 10 - 01), today, 30));
    }

    #[test]
    fn languages_lists_and_channels() {
        assert_eq!(parse_languages("fi; SV,en,fi").unwrap(), ["fi", "sv", "en"]);
        assert_eq!(parse_languages("finnish").unwrap_err().code, "err-language");
        assert!(parse_languages("").unwrap().is_empty());
        assert_eq!(parse_list("perheet; LP;  ; lp"), ["perheet", "LP"]);
        assert!(check_url("https://mll.fi").is_ok());
        assert_eq!(check_url("mll.fi").unwrap_err().code, "err-url");
        assert!(check_phone("+358 40 123 4567").is_ok());
        assert!(check_phone("(08) 558-45").is_ok());
        assert_eq!(check_phone("soita").unwrap_err().code, "err-phone");
    }
}
