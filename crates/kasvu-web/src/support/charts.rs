//! Charts as server-rendered SVG. Written by hand because the charting
//! crates emit inline styles (refused by our Content-Security-Policy) and no
//! `<title>`/`<desc>`: here every chart is `role="img"` with a title and a
//! description, colours come from CSS classes, series are told apart by
//! marker shape and line style (not colour alone), and every chart on a page
//! has a data table and a one-sentence summary beside it.

use crate::support::axis::x_labels;
use std::fmt::Write;

/// Escapes text for SVG/HTML content and attributes.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Round steps for an axis: 1, 2 or 5 times a power of ten.
pub fn nice_ticks(min: f64, max: f64, max_ticks: usize) -> Vec<f64> {
    let (min, max) = if max > min {
        (min, max)
    } else {
        (min - 1.0, min + 1.0)
    };
    let raw = (max - min) / max_ticks.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    // Multiples of the step, rounded so 3 × 0.2 is 0.6, not 0.6000000000000001.
    let at = |k: f64| ((k * step) * 1e9).round() / 1e9;
    let first = (min / step).floor();
    let mut out = Vec::new();
    let mut k = first;
    while at(k) < max && out.len() < 50 {
        out.push(at(k));
        k += 1.0;
    }
    out.push(at(k));
    out
}

pub struct LineChart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    /// Category labels along the x axis.
    pub labels: &'a [String],
    /// The observed series (None: missing or suppressed, a gap).
    pub values: &'a [Option<f64>],
    /// Targets at x positions.
    pub targets: &'a [(usize, f64)],
    /// The linear forecast at x positions (drawn dashed).
    pub forecast: &'a [(usize, f64)],
    pub legend_value: &'a str,
    pub legend_target: &'a str,
    pub legend_forecast: &'a str,
    /// Formats a tick value in the page's language.
    pub fmt: &'a dyn Fn(f64) -> String,
}

pub(crate) const W: f64 = 640.0;
const H: f64 = 300.0;
pub(crate) const LEFT: f64 = 64.0;
pub(crate) const RIGHT: f64 = 16.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 44.0;

/// The frame shared by the charts: the y scale from round ticks, the x
/// positions of the categories, and the opening of the SVG with its title,
/// description, grid and axis labels.
struct Axes {
    n: usize,
    y0: f64,
    y1: f64,
}

impl Axes {
    fn open(
        s: &mut String,
        id: &str,
        title: &str,
        desc: &str,
        labels: &[String],
        values: impl Iterator<Item = f64>,
        fmt: &dyn Fn(f64) -> String,
    ) -> Axes {
        let all: Vec<f64> = values.collect();
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
        let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let hi = if hi.is_finite() { hi } else { 1.0 };
        let ticks = nice_ticks(lo, hi, 5);
        let a = Axes {
            n: labels.len().max(1),
            y0: ticks.first().copied().unwrap_or(0.0),
            y1: ticks.last().copied().unwrap_or(1.0),
        };
        let _ = write!(
            s,
            r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{t}</title><desc id="{id}-d">{d}</desc>"#,
            t = esc(title),
            d = esc(desc)
        );
        for t in &ticks {
            let _ = write!(
                s,
                r#"<line class="grid" x1="{LEFT}" x2="{x2}" y1="{yy:.1}" y2="{yy:.1}"/><text class="tick" x="{tx}" y="{ty:.1}" text-anchor="end">{label}</text>"#,
                x2 = W - RIGHT,
                yy = a.y(*t),
                tx = LEFT - 6.0,
                ty = a.y(*t) + 4.0,
                label = esc(&fmt(*t))
            );
        }
        for (i, l) in x_labels(labels) {
            let _ = write!(
                s,
                r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                a.x(i),
                H - BOTTOM + 18.0,
                esc(&l)
            );
        }
        a
    }

    fn x(&self, i: usize) -> f64 {
        if self.n == 1 {
            LEFT + (W - LEFT - RIGHT) / 2.0
        } else {
            LEFT + (W - LEFT - RIGHT) * i as f64 / (self.n - 1) as f64
        }
    }

    fn y(&self, v: f64) -> f64 {
        TOP + (H - TOP - BOTTOM) * (1.0 - (v - self.y0) / (self.y1 - self.y0).max(f64::EPSILON))
    }

    /// A path through the present values, with gaps where they are missing.
    fn path(&self, values: &[Option<f64>]) -> String {
        let mut d = String::new();
        let mut pen_down = false;
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        self.x(i),
                        self.y(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        d.trim().to_owned()
    }
}

pub fn line_chart(c: &LineChart) -> String {
    let mut s = String::new();
    let a = Axes::open(
        &mut s,
        c.id,
        c.title,
        c.desc,
        c.labels,
        c.values
            .iter()
            .flatten()
            .copied()
            .chain(c.targets.iter().map(|t| t.1))
            .chain(c.forecast.iter().map(|t| t.1)),
        c.fmt,
    );
    let (x, y) = (|i| a.x(i), |v| a.y(v));
    let d = a.path(c.values);
    if !d.is_empty() {
        let _ = write!(s, r#"<path class="series" d="{d}"/>"#);
    }
    for (i, v) in c.values.iter().enumerate() {
        if let Some(v) = v {
            let _ = write!(
                s,
                r#"<circle class="point" cx="{:.1}" cy="{:.1}" r="3.5"/>"#,
                x(i),
                y(*v)
            );
        }
    }
    if c.forecast.len() >= 2 {
        let pts: Vec<String> = c
            .forecast
            .iter()
            .map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline class="forecast" points="{}"/>"#,
            pts.join(" ")
        );
    }
    for (i, v) in c.targets {
        let (cx, cy) = (x(*i), y(*v));
        let _ = write!(
            s,
            r#"<path class="target" d="M{:.1},{:.1} l6,6 l-6,6 l-6,-6 z"/>"#,
            cx,
            cy - 6.0
        );
    }
    // Legend: shapes and line styles, not colour alone.
    let _ = write!(
        s,
        r#"<g class="legend"><circle class="point" cx="{a}" cy="14" r="3.5"/><text x="{at}" y="18">{lv}</text>"#,
        a = LEFT + 4.0,
        at = LEFT + 12.0,
        lv = esc(c.legend_value)
    );
    if !c.targets.is_empty() {
        let _ = write!(
            s,
            r#"<path class="target" d="M{:.1},8 l6,6 l-6,6 l-6,-6 z"/><text x="{:.1}" y="18">{}</text>"#,
            LEFT + 184.0,
            LEFT + 194.0,
            esc(c.legend_target)
        );
    }
    if c.forecast.len() >= 2 {
        let _ = write!(
            s,
            r#"<line class="forecast" x1="{:.1}" x2="{:.1}" y1="14" y2="14"/><text x="{:.1}" y="18">{}</text>"#,
            LEFT + 330.0,
            LEFT + 356.0,
            LEFT + 362.0,
            esc(c.legend_forecast)
        );
    }
    s.push_str("</g></svg>");
    s
}

pub struct CompareChart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub labels: &'a [String],
    /// One named series per compared unit (None: missing or suppressed).
    pub series: &'a [(String, Vec<Option<f64>>)],
    pub fmt: &'a dyn Fn(f64) -> String,
}

/// At most this many series in one comparison: beyond six, shapes and line
/// styles no longer tell them apart.
pub const MAX_SERIES: usize = 6;

/// A marker of series `k` at (x, y): circle, square, triangle, diamond,
/// triangle down, cross — so series differ by shape, not colour alone.
fn marker(k: usize, x: f64, y: f64) -> String {
    let class = format!("point s{k}");
    match k % MAX_SERIES {
        0 => format!(r#"<circle class="{class}" cx="{x:.1}" cy="{y:.1}" r="4"/>"#),
        1 => format!(
            r#"<rect class="{class}" x="{:.1}" y="{:.1}" width="7" height="7"/>"#,
            x - 3.5,
            y - 3.5
        ),
        2 => format!(
            r#"<path class="{class}" d="M{x:.1},{:.1} l4.5,8 l-9,0 z"/>"#,
            y - 5.0
        ),
        3 => format!(
            r#"<path class="{class}" d="M{x:.1},{:.1} l5,5 l-5,5 l-5,-5 z"/>"#,
            y - 5.0
        ),
        4 => format!(
            r#"<path class="{class}" d="M{x:.1},{:.1} l4.5,-8 l-9,0 z"/>"#,
            y + 5.0
        ),
        _ => format!(
            r#"<path class="{class} cross" d="M{:.1},{:.1} l8,8 m0,-8 l-8,8"/>"#,
            x - 4.0,
            y - 4.0
        ),
    }
}

/// Several series on one frame, each with its own colour, line style and
/// marker, and a legend above the plot.
pub fn compare_chart(c: &CompareChart) -> String {
    let mut s = String::new();
    let a = Axes::open(
        &mut s,
        c.id,
        c.title,
        c.desc,
        c.labels,
        c.series
            .iter()
            .flat_map(|(_, v)| v.iter().flatten().copied()),
        c.fmt,
    );
    for (k, (_, values)) in c.series.iter().enumerate().take(MAX_SERIES) {
        let d = a.path(values);
        if !d.is_empty() {
            let _ = write!(s, r#"<path class="series s{k}" d="{d}"/>"#);
        }
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                s.push_str(&marker(k, a.x(i), a.y(*v)));
            }
        }
    }
    s.push_str(r#"<g class="legend">"#);
    for (k, (name, _)) in c.series.iter().enumerate().take(MAX_SERIES) {
        let lx = LEFT + 4.0 + (k % 3) as f64 * 190.0;
        let ly = 10.0 + (k / 3) as f64 * 14.0;
        let _ = write!(
            s,
            r#"<line class="series s{k}" x1="{:.1}" x2="{:.1}" y1="{ly:.1}" y2="{ly:.1}"/>{}<text x="{:.1}" y="{:.1}">{}</text>"#,
            lx - 4.0,
            lx + 14.0,
            marker(k, lx + 5.0, ly),
            lx + 20.0,
            ly + 4.0,
            esc(name)
        );
    }
    s.push_str("</g></svg>");
    s
}

/// A small trend line for dashboards; `label` is its accessible name.
pub fn sparkline(values: &[Option<f64>], label: &str) -> String {
    let (w, h, pad) = (120.0, 32.0, 3.0);
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let lo = present.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let n = values.len().max(2);
    let mut d = String::new();
    let mut pen_down = false;
    let mut last = None;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let px = pad + (w - 2.0 * pad) * i as f64 / (n - 1) as f64;
                let py = h - pad - (h - 2.0 * pad) * (v - lo) / span;
                let _ = write!(d, "{}{px:.1},{py:.1} ", if pen_down { "L" } else { "M" });
                pen_down = true;
                last = Some((px, py));
            }
            None => pen_down = false,
        }
    }
    let mut s = format!(
        r#"<svg class="sparkline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(label)
    );
    if !d.is_empty() {
        let _ = write!(s, r#"<path class="series" d="{}"/>"#, d.trim());
    }
    if let Some((px, py)) = last {
        let _ = write!(
            s,
            r#"<circle class="point" cx="{px:.1}" cy="{py:.1}" r="2.5"/>"#
        );
    }
    s.push_str("</svg>");
    s
}

/// A horizontal bar chart of counts (a feedback question's answers): one
/// bar per category, its label at the left and its count at the bar's end.
/// A hidden (suppressed) count has no bar and shows `hidden` instead, so the
/// chart never tells more than the table beside it.
pub fn bar_chart(
    id: &str,
    title: &str,
    desc: &str,
    bars: &[(String, Option<f64>)],
    hidden: &str,
) -> String {
    const W: f64 = 560.0;
    const LABEL: f64 = 220.0;
    const ROW: f64 = 28.0;
    let h = ROW * bars.len().max(1) as f64 + 8.0;
    let max = bars
        .iter()
        .filter_map(|(_, v)| *v)
        .fold(0.0f64, f64::max)
        .max(1.0);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart bars" viewBox="0 0 {W} {h}" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{t}</title><desc id="{id}-d">{d}</desc>"#,
        t = esc(title),
        d = esc(desc)
    );
    let span = W - LABEL - 60.0;
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let short: String = label.chars().take(32).collect();
        let _ = write!(
            out,
            r#"<text class="tick" x="{x}" y="{ty}" text-anchor="end">{l}</text>"#,
            x = LABEL - 8.0,
            ty = y + ROW * 0.6,
            l = esc(&short)
        );
        match v {
            Some(v) => {
                let w = (v / max * span).max(if *v > 0.0 { 2.0 } else { 0.0 });
                let _ = write!(
                    out,
                    r#"<rect class="bar" x="{LABEL}" y="{by}" width="{w:.1}" height="{bh}"/><text class="tick" x="{tx:.1}" y="{ty}">{v}</text>"#,
                    by = y + 4.0,
                    bh = ROW - 10.0,
                    tx = LABEL + w + 6.0,
                    ty = y + ROW * 0.6,
                    v = crate::support::charts::esc(&format!("{v}"))
                );
            }
            None => {
                let _ = write!(
                    out,
                    r#"<text class="tick suppressed" x="{LABEL}" y="{ty}">{hidden}</text>"#,
                    ty = y + ROW * 0.6,
                    hidden = esc(hidden)
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::axis::{label_width, LABEL_GAP};

    #[test]
    fn ticks_are_round() {
        assert_eq!(
            nice_ticks(0.0, 87.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 0.7, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8]);
        assert_eq!(nice_ticks(5.0, 5.0, 5), vec![4.0, 4.5, 5.0, 5.5, 6.0]);
        assert_eq!(nice_ticks(0.0, 80.0, 4), vec![0.0, 20.0, 40.0, 60.0, 80.0]);
    }

    #[test]
    fn compared_series_differ_by_shape_and_line() {
        let labels: Vec<String> = ["2023", "2025"].iter().map(|s| s.to_string()).collect();
        let series = vec![
            ("Keskinen".to_string(), vec![Some(10.0), Some(12.0)]),
            ("Itäinen & <b>".to_string(), vec![None, Some(8.0)]),
        ];
        let svg = compare_chart(&CompareChart {
            id: "cmp",
            title: "Lonely",
            desc: "Two areas",
            labels: &labels,
            series: &series,
            fmt: &|v| format!("{v}"),
        });
        assert!(svg.contains(r#"role="img""#) && !svg.contains("style="));
        assert_eq!(
            svg.matches("<circle class=\"point s0\"").count(),
            3,
            "2 points + legend"
        );
        assert_eq!(
            svg.matches("<rect class=\"point s1\"").count(),
            2,
            "1 point + legend"
        );
        assert!(svg.contains("Itäinen &amp; &lt;b&gt;"));
    }

    const MONTHS: [&str; 12] = [
        "tammikuu",
        "helmikuu",
        "maaliskuu",
        "huhtikuu",
        "toukokuu",
        "kesäkuu",
        "heinäkuu",
        "elokuu",
        "syyskuu",
        "lokakuu",
        "marraskuu",
        "joulukuu",
    ];

    fn month_labels(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("{} {}", MONTHS[i % 12], 2016 + i / 12))
            .collect()
    }

    fn quarter_labels(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("{}. neljännes {}", i % 4 + 1, 2000 + i / 4))
            .collect()
    }

    /// The x-axis labels a drawn chart carries: (centre x, text).
    fn drawn_x_labels(labels: &[String]) -> Vec<(f64, String)> {
        let values: Vec<Option<f64>> = (0..labels.len()).map(|i| Some(i as f64)).collect();
        let svg = line_chart(&LineChart {
            id: "c",
            title: "t",
            desc: "d",
            labels,
            values: &values,
            targets: &[],
            forecast: &[],
            legend_value: "v",
            legend_target: "t",
            legend_forecast: "f",
            fmt: &|v| format!("{v}"),
        });
        let axis_y = format!("y=\"{:.1}\"", H - BOTTOM + 18.0);
        svg.split("<text class=\"tick\" ")
            .skip(1)
            .filter(|t| t.contains(&axis_y))
            .filter_map(|t| {
                let x: f64 = t.strip_prefix("x=\"")?.split('"').next()?.parse().ok()?;
                let text = t.split('>').nth(1)?.split('<').next()?.to_owned();
                Some((x, text))
            })
            .collect()
    }

    fn assert_spaced(drawn: &[(f64, String)]) {
        for w in drawn.windows(2) {
            let ((xa, a), (xb, b)) = (&w[0], &w[1]);
            let needed = label_width(a) / 2.0 + label_width(b) / 2.0 + LABEL_GAP;
            assert!(
                xb - xa >= needed,
                "{a} at {xa} and {b} at {xb} are {} apart, need {needed}",
                xb - xa
            );
        }
        for (x, l) in drawn {
            assert!(x - label_width(l) / 2.0 >= 0.0 && x + label_width(l) / 2.0 <= W);
        }
    }

    #[test]
    fn twelve_months_label_every_third() {
        let labels = month_labels(12);
        let drawn = drawn_x_labels(&labels);
        assert_spaced(&drawn);
        assert!(drawn.len() >= 3, "{drawn:?}");
        assert!(drawn.len() < 12, "twelve month names do not fit: {drawn:?}");
        assert_eq!(drawn[0].1, "tammikuu 2016");
        // The old rule (every ⌈n/8⌉-th and the last) drew 7 overlapping labels.
        assert!(drawn.iter().all(|(_, l)| labels.contains(l)));
    }

    #[test]
    fn forty_quarters_label_the_years() {
        let labels = quarter_labels(40);
        let drawn = drawn_x_labels(&labels);
        assert_spaced(&drawn);
        let texts: Vec<&str> = drawn.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(texts.first(), Some(&"2000"));
        assert!(texts.len() >= 5, "{texts:?}");
        assert!(texts.iter().all(|t| t.len() == 4), "years only: {texts:?}");
    }

    #[test]
    fn a_hundred_and_twenty_months_label_the_years() {
        let labels = month_labels(120);
        let drawn = drawn_x_labels(&labels);
        assert_spaced(&drawn);
        let texts: Vec<String> = drawn.iter().map(|(_, l)| l.clone()).collect();
        assert_eq!(
            texts,
            (2016..2026).map(|y| y.to_string()).collect::<Vec<_>>()
        );
        // And a series of short labels that all fit keeps every one.
        let years: Vec<String> = (2015..2027).map(|y| y.to_string()).collect();
        assert_eq!(drawn_x_labels(&years).len(), 12);
    }

    #[test]
    fn a_mid_year_start_gives_way_to_the_next_year() {
        // Starts in November: "2016" would crowd "2017" two months later.
        let labels: Vec<String> = month_labels(60).into_iter().skip(10).collect();
        let drawn = drawn_x_labels(&labels);
        assert_spaced(&drawn);
        assert_eq!(drawn.first().map(|(_, l)| l.as_str()), Some("2017"));
    }

    #[test]
    fn a_chart_is_accessible_and_has_gaps() {
        let labels: Vec<String> = ["2021", "2022", "2023", "2024"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let svg = line_chart(&LineChart {
            id: "c1",
            title: "Calls <per> month",
            desc: "Rising",
            labels: &labels,
            values: &[Some(1.0), None, Some(3.0), Some(4.0)],
            targets: &[(3, 5.0)],
            forecast: &[(2, 3.0), (3, 4.0)],
            legend_value: "Value",
            legend_target: "Target",
            legend_forecast: "Forecast (linear trend)",
            fmt: &|v| format!("{v}"),
        });
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"c1-t\">Calls &lt;per&gt; month</title>"));
        assert!(!svg.contains("style="), "no inline styles under our CSP");
        assert_eq!(
            svg.matches("<circle class=\"point\"").count(),
            4,
            "3 points and the legend"
        );
        let path = svg.split("class=\"series\" d=\"").nth(1).unwrap();
        assert_eq!(
            path.split('"').next().unwrap().matches('M').count(),
            2,
            "a gap splits the line"
        );
        assert!(svg.contains("class=\"forecast\""));
    }
}
