//! Which x-axis labels a chart draws: only as many periods as fit the
//! chart's width at the tick font size, never two closer than their text.

use crate::support::charts::{LEFT, RIGHT, W};

/// The font size of tick labels (`.chart .tick` in kasvu.css), in the
/// chart's user units.
const TICK_FONT: f64 = 12.0;
/// A generous average glyph width at that size: wider than most of the
/// font's letters, so an estimate never lets labels touch.
const CHAR_WIDTH: f64 = TICK_FONT * 0.62;
/// The least free space between two x-axis labels.
pub(crate) const LABEL_GAP: f64 = 8.0;
/// Crowded labels of shorter periods give way to years from this many
/// years on (below it, every k-th period keeps its own label).
const MIN_YEARS_FOR_YEAR_LABELS: usize = 3;

/// The width a tick label takes on the chart (estimated from its length).
pub(crate) fn label_width(label: &str) -> f64 {
    label.chars().count() as f64 * CHAR_WIDTH
}

/// The year a period label ends with ("3. neljännes 2026" → 2026).
fn label_year(label: &str) -> Option<i32> {
    let last = label.split_whitespace().last()?;
    (last.len() == 4 && last.bytes().all(|b| b.is_ascii_digit()))
        .then(|| last.parse().ok())
        .flatten()
}

/// A drawn x-axis label: the category's position and its text.
pub(crate) type Tick = (usize, String);

/// Which x-axis labels to draw, and as what: every label when they fit;
/// when they do not and the periods are shorter than a year, only each
/// year at its first period; otherwise every k-th label. Never two labels
/// closer than their half-widths and a gap, and never past the chart's
/// edges. The data table beside a chart keeps every period.
pub(crate) fn x_labels(labels: &[String]) -> Vec<Tick> {
    let n = labels.len();
    let plot = W - LEFT - RIGHT;
    let x = |i: usize| {
        if n <= 1 {
            LEFT + plot / 2.0
        } else {
            LEFT + plot * i as f64 / (n - 1) as f64
        }
    };
    let widest = labels.iter().map(|l| label_width(l)).fold(0.0, f64::max);
    let spacing = if n <= 1 {
        f64::INFINITY
    } else {
        plot / (n - 1) as f64
    };
    let stride = ((widest + LABEL_GAP) / spacing).ceil().max(1.0) as usize;
    let years: Option<Vec<i32>> = labels.iter().map(|l| label_year(l)).collect();
    let (candidates, first): (Vec<Tick>, Option<Tick>) = match years {
        // Several years of months, quarters or halves: the years alone, each
        // at its first period; the series' first period (maybe mid-year)
        // only if it fits before the next year's label.
        Some(years)
            if stride > 1
                && years.windows(2).any(|w| w[0] == w[1])
                && years.windows(2).filter(|w| w[0] != w[1]).count()
                    >= MIN_YEARS_FOR_YEAR_LABELS - 1 =>
        {
            let starts = years
                .iter()
                .enumerate()
                .skip(1)
                .filter(|(i, y)| years[*i - 1] != **y)
                .map(|(i, y)| (i, y.to_string()))
                .collect();
            (starts, years.first().map(|y| (0, y.to_string())))
        }
        _ => (
            labels
                .iter()
                .enumerate()
                .step_by(stride)
                .map(|(i, l)| (i, l.clone()))
                .collect(),
            None,
        ),
    };
    // Keep a label only where it fits within the chart and clear of the one
    // before it.
    let fits = |i: usize, l: &str| {
        let half = label_width(l) / 2.0;
        (x(i) - half >= 0.0 && x(i) + half <= W).then_some((x(i) - half, x(i) + half))
    };
    let mut out: Vec<Tick> = Vec::new();
    let mut right_edge = f64::NEG_INFINITY;
    for (i, l) in candidates {
        if let Some((left, right)) = fits(i, &l) {
            if left >= right_edge + LABEL_GAP {
                right_edge = right;
                out.push((i, l));
            }
        }
    }
    if let Some((i, l)) = first {
        let next_left = out
            .first()
            .and_then(|(j, m)| fits(*j, m))
            .map_or(f64::INFINITY, |(left, _)| left);
        if fits(i, &l).is_some_and(|(_, right)| right + LABEL_GAP <= next_left) {
            out.insert(0, (i, l));
        }
    }
    out
}
