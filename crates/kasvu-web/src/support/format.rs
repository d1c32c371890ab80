//! Numbers, periods, dates and language-tagged text as a reader sees them.

use crate::support::ctx::Ctx;
use crate::support::i18n::Lang;
use kasvu_core::Movement;
use kasvu_core::Names;
use kasvu_core::Period;
use kasvu_core::PeriodType;
use kasvu_core::ValueUnit;
use kasvu_core::Verdict;
use kasvu_store::Observation;
/// A period in words: "3. neljännes 2024", "Q3 2024", "september 2024".
pub fn period_label(lang: Lang, p: Period) -> String {
    let year = p.year_number().to_string();
    let n = p.number().to_string();
    match p.ptype() {
        PeriodType::Yearly => year,
        PeriodType::SixMonthly => lang.t_args("period-half", &[("n", n), ("year", year)]),
        PeriodType::Quarterly => lang.t_args("period-quarter", &[("n", n), ("year", year)]),
        PeriodType::Monthly => lang.t_args(
            "period-month",
            &[("month", lang.t(&format!("month-{n}"))), ("year", year)],
        ),
    }
}

/// A number in the page's language: decimal comma and no-break-space
/// thousands in Finnish and Swedish.
pub fn format_number(lang: Lang, v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let (sep, dec) = match lang {
        Lang::En => (",", "."),
        _ => ("\u{a0}", ","),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push_str(sep);
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "−"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{dec}{frac}")
    }
}

/// A value with its unit.
pub fn format_value(lang: Lang, unit: ValueUnit, v: f64) -> String {
    match unit {
        ValueUnit::Count => format_number(lang, v, 0),
        ValueUnit::Percent => format!("{}\u{a0}%", format_number(lang, v, 1)),
        ValueUnit::PerThousand => format!("{}\u{a0}‰", format_number(lang, v, 1)),
        ValueUnit::Euro => format!("{}\u{a0}€", format_number(lang, v, 0)),
        _ => format_number(lang, v, 1),
    }
}

pub(crate) fn shown_text(ctx: &Ctx, unit: ValueUnit, o: &Observation) -> String {
    match o.shown() {
        Some(v) => format_value(ctx.lang, unit, v),
        None if o.suppressed() => ctx.t("value-suppressed"),
        None => ctx.t("value-missing"),
    }
}

/// How a value moved from `previous` and whether that is better in the
/// indicator's direction: (text, CSS class, arrow).
pub(crate) fn change_between(
    ctx: &Ctx,
    direction: kasvu_core::Direction,
    v: f64,
    previous: f64,
) -> (String, &'static str, &'static str) {
    let verdict = kasvu_core::measure::judge(direction, v, previous);
    let m = kasvu_core::measure::movement(v, previous);
    let arrow = match m {
        Movement::Up => "↑",
        Movement::Down => "↓",
        Movement::Flat => "→",
    };
    (
        format!(
            "{} ({})",
            ctx.t(&format!("movement-{}", movement_code(m))),
            ctx.t(&format!("verdict-{}", verdict.code()))
        ),
        verdict_class(verdict),
        arrow,
    )
}

/// A date as the reader writes it — the one helper every page's dates go
/// through: Finnish 13.6.2022; Swedish 13.6.2022 too, as Finland-Swedish
/// writes dates (the Institute for the Languages of Finland recommends
/// day.month.year in Finland's Swedish, not Sweden's ISO 2022-06-13);
/// English 13 June 2022. ISO stays for machines only: `<time datetime>`,
/// date inputs' values, APIs and downloads.
pub fn date_label(lang: Lang, d: time::Date) -> String {
    match lang {
        Lang::En => format!(
            "{} {} {}",
            d.day(),
            lang.t(&format!("month-{}", u8::from(d.month()))),
            d.year()
        ),
        Lang::Fi | Lang::Sv => format!("{}.{}.{}", d.day(), u8::from(d.month()), d.year()),
    }
}

/// Periods of one length offered by a form (an `<optgroup>`): each as
/// (code, label, selected).
pub struct PeriodGroup {
    pub label: String,
    pub options: Vec<(String, String, bool)>,
}

/// The periods a form offers to choose from, in groups by length, longest
/// first: the years of `years`, and for each shorter type in `types` its
/// periods within `short_years`. The code stays the value the handler
/// validates; the reader sees only the label in their language.
pub fn period_choices(
    lang: Lang,
    types: &[PeriodType],
    years: std::ops::RangeInclusive<i32>,
    short_years: std::ops::RangeInclusive<i32>,
    selected: &str,
) -> Vec<PeriodGroup> {
    let selected = Period::parse(selected).ok();
    // A chosen period outside the offered years (an older target being
    // corrected) is offered too, so a form shown again keeps it.
    let widen = |r: &std::ops::RangeInclusive<i32>, t: PeriodType| match selected {
        Some(p) if p.ptype() == t => {
            (*r.start()).min(p.year_number())..=(*r.end()).max(p.year_number())
        }
        _ => r.clone(),
    };
    let mut groups = Vec::new();
    for &t in PeriodType::ALL {
        if !types.contains(&t) && selected.is_none_or(|p| p.ptype() != t) {
            continue;
        }
        let range = if t == PeriodType::Yearly {
            widen(&years, t)
        } else {
            widen(&short_years, t)
        };
        let options: Vec<(String, String, bool)> = range
            .filter_map(|y| Period::year(y).ok())
            .flat_map(|y| y.sub_periods(t))
            .map(|p| (p.code(), period_label(lang, p), selected == Some(p)))
            .collect();
        if !options.is_empty() {
            groups.push(PeriodGroup {
                label: lang.t(&format!("period-type-{}", t.code())),
                options,
            });
        }
    }
    groups
}

/// Text in the reader's language, or in Finnish when the organiser gave no
/// translation; `lang` is the text's own language, written on its element
/// so screen readers pronounce it right, and `foreign` lets a page say so.
#[derive(Debug, Clone, Default)]
pub struct LText {
    pub text: String,
    pub lang: &'static str,
    pub foreign: bool,
}

impl LText {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

pub(crate) fn lt(ctx: &Ctx, n: &Names) -> LText {
    let code = ctx.lang_code();
    let own = match code {
        "sv" => &n.sv,
        "en" => &n.en,
        _ => &n.fi,
    };
    if own.is_empty() && !n.fi.is_empty() && code != "fi" {
        LText {
            text: n.fi.clone(),
            lang: "fi",
            foreign: true,
        }
    } else {
        LText {
            text: own.clone(),
            lang: code,
            foreign: false,
        }
    }
}

pub(crate) fn movement_code(m: Movement) -> &'static str {
    match m {
        Movement::Up => "up",
        Movement::Down => "down",
        Movement::Flat => "flat",
    }
}

pub(crate) fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "better",
        Verdict::Worse => "worse",
        Verdict::Same | Verdict::Neutral => "neutral",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::i18n::Lang;
    use kasvu_core::ValueUnit;

    #[test]
    fn dates_in_each_language() {
        let d = time::macros::date!(2022 - 06 - 13);
        assert_eq!(date_label(Lang::Fi, d), "13.6.2022");
        assert_eq!(date_label(Lang::Sv, d), "13.6.2022");
        assert_eq!(date_label(Lang::En, d), "13 June 2022");
    }

    #[test]
    fn periods_are_offered_by_name() {
        let groups = period_choices(
            Lang::Fi,
            &[
                PeriodType::Yearly,
                PeriodType::Quarterly,
                PeriodType::Monthly,
            ],
            2025..=2027,
            2026..=2026,
            "2026Q3",
        );
        let labels: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["Vuodet", "Neljännekset", "Kuukaudet"]);
        assert_eq!(groups[0].options.len(), 3);
        assert_eq!(groups[1].options.len(), 4);
        assert_eq!(groups[2].options.len(), 12);
        let chosen: Vec<&(String, String, bool)> = groups
            .iter()
            .flat_map(|g| &g.options)
            .filter(|o| o.2)
            .collect();
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].0, "2026Q3");
        assert_eq!(chosen[0].1, "3. neljännes 2026");
        assert!(groups[2]
            .options
            .iter()
            .any(|o| o.0 == "202603" && o.1 == "maaliskuu 2026"));
        let sv = period_choices(
            Lang::Sv,
            &[PeriodType::Quarterly],
            2026..=2026,
            2026..=2026,
            "",
        );
        assert_eq!(sv[0].options[2].1, "kvartal 3 2026");
        let en = period_choices(
            Lang::En,
            &[PeriodType::Quarterly],
            2026..=2026,
            2026..=2026,
            "",
        );
        assert_eq!(en[0].options[2].1, "Q3 2026");
    }

    #[test]
    fn numbers_in_each_language() {
        assert_eq!(
            format_number(Lang::Fi, 1234567.891, 1),
            "1\u{a0}234\u{a0}567,9"
        );
        assert_eq!(format_number(Lang::En, 1234.5, 1), "1,234.5");
        assert_eq!(format_number(Lang::Sv, -3.0, 0), "−3");
        assert_eq!(format_number(Lang::Fi, -0.01, 0), "0");
        assert_eq!(
            format_value(Lang::Fi, ValueUnit::Percent, 12.34),
            "12,3\u{a0}%"
        );
    }
}
