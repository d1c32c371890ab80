//! An impact indicator's series as a vector chart in the PDF: a line chart,
//! or bars when there are too few values for a line. The chart is one
//! `Figure` element whose Alt text names every value; a table of the values
//! follows it.

use super::layout::{show, text_width, Cell, Writer, BODY_W, MARGIN};
use super::ChartSeries;
use pdf_writer::types::StructRole;
use pdf_writer::Content;

const CHART_H: f32 = 150.0;
const AXIS_W: f32 = 44.0;
const LABEL_SIZE: f32 = 7.5;

/// A round step for about four gridlines between `lo` and `hi`.
fn nice_step(lo: f64, hi: f64) -> f64 {
    let raw = (hi - lo) / 4.0;
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let m = raw / mag;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 2.5 {
        2.5
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// An axis number: no decimals when whole, one otherwise, with a decimal
/// comma unless the reader's language is English.
fn axis_label(v: f64, lang: &str) -> String {
    let s = if (v.fract()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    if lang.starts_with("en") {
        s
    } else {
        s.replace('.', ",")
    }
}

/// The chart of `series` with its heading and the table of its values.
pub fn chart(
    w: &mut Writer,
    series: &ChartSeries,
    period_label: &str,
    value_label: &str,
    lang: &str,
) {
    w.heading(StructRole::H3, &series.title, 11.0, CHART_H + 30.0);
    let fig = w.open(StructRole::Figure);
    w.nodes[fig].alt = Some(series.alt.clone());
    w.ensure(CHART_H + 24.0);
    let bottom = w.y - CHART_H;
    w.begin_marked(fig);
    if let Some(page) = w.pages.last_mut() {
        draw(&mut page.content, series, bottom, lang);
    }
    w.end_marked();
    w.y = bottom - 20.0;
    w.close();
    let rows: Vec<Vec<Cell>> = series
        .periods
        .iter()
        .zip(&series.texts)
        .map(|(p, t)| {
            vec![
                Cell {
                    text: p.clone(),
                    row_header: true,
                },
                Cell {
                    text: t.clone(),
                    row_header: false,
                },
            ]
        })
        .collect();
    w.table(
        &[period_label.to_owned(), value_label.to_owned()],
        &[0.3, 0.3],
        &rows,
    );
}

/// Axes, gridlines with their values, and the series as a line (or bars)
/// in a box of the body's width whose bottom is at `bottom`.
fn draw(c: &mut Content, s: &ChartSeries, bottom: f32, lang: &str) {
    let shown: Vec<f64> = s.values.iter().flatten().copied().collect();
    let lo = shown.iter().copied().fold(0f64, f64::min);
    let hi = shown.iter().copied().fold(0f64, f64::max);
    let step = nice_step(lo, hi);
    let lo = (lo / step).floor() * step;
    let hi = ((hi / step).ceil() * step).max(lo + step);
    let left = MARGIN + AXIS_W;
    let width = BODY_W - AXIS_W - 8.0;
    let plot_bottom = bottom + 16.0;
    let plot_h = CHART_H - 24.0;
    let y_of = |v: f64| plot_bottom + ((v - lo) / (hi - lo)) as f32 * plot_h;
    let n = s.values.len().max(1);
    let slot = width / n as f32;
    let x_of = |i: usize| left + slot * (i as f32 + 0.5);

    // Gridlines and their values.
    c.set_line_width(0.5);
    c.set_stroke_gray(0.8);
    let mut v = lo;
    while v <= hi + step / 2.0 {
        let y = y_of(v);
        c.move_to(left, y);
        c.line_to(left + width, y);
        c.stroke();
        let label = axis_label(v, lang);
        let lw = text_width(&label, LABEL_SIZE, false);
        show(c, left - 4.0 - lw, y - 2.5, &label, false, LABEL_SIZE);
        v += step;
    }
    // The axes.
    c.set_line_width(0.8);
    c.set_stroke_gray(0.3);
    c.move_to(left, plot_bottom + plot_h);
    c.line_to(left, plot_bottom);
    c.line_to(left + width, plot_bottom);
    c.stroke();
    // Period labels, thinned so they do not overlap.
    let widest = s
        .periods
        .iter()
        .map(|p| text_width(p, LABEL_SIZE, false))
        .fold(0f32, f32::max);
    let every = ((widest + 6.0) / slot).ceil().max(1.0) as usize;
    for (i, p) in s.periods.iter().enumerate() {
        if i % every == 0 || i + 1 == s.periods.len() {
            let pw = text_width(p, LABEL_SIZE, false);
            show(
                c,
                x_of(i) - pw / 2.0,
                plot_bottom - 11.0,
                p,
                false,
                LABEL_SIZE,
            );
        }
    }
    // The values: bars for one to three, otherwise a line with a dot at each
    // value (broken where a value is missing or hidden).
    c.set_fill_rgb(0.0, 0.37, 0.6);
    c.set_stroke_rgb(0.0, 0.37, 0.6);
    if s.values.len() <= 3 {
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let bw = (slot * 0.5).min(60.0);
                let (y0, y1) = (y_of(0f64.max(lo)), y_of(*v));
                c.rect(x_of(i) - bw / 2.0, y0.min(y1), bw, (y1 - y0).abs().max(0.5));
                c.fill_nonzero();
            }
        }
        return;
    }
    c.set_line_width(1.8);
    let mut drawing = false;
    for (i, v) in s.values.iter().enumerate() {
        match v {
            Some(v) if drawing => {
                c.line_to(x_of(i), y_of(*v));
            }
            Some(v) => {
                c.move_to(x_of(i), y_of(*v));
                drawing = true;
            }
            None => {
                if drawing {
                    c.stroke();
                }
                drawing = false;
            }
        }
    }
    if drawing {
        c.stroke();
    }
    for (i, v) in s.values.iter().enumerate() {
        if let Some(v) = v {
            c.rect(x_of(i) - 2.0, y_of(*v) - 2.0, 4.0, 4.0);
            c.fill_nonzero();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.0, 40.0), 10.0);
        assert_eq!(nice_step(0.0, 7.0), 2.0);
        assert_eq!(nice_step(0.0, 0.0), 1.0);
        assert_eq!(axis_label(2.5, "fi"), "2,5");
        assert_eq!(axis_label(2.5, "en"), "2.5");
        assert_eq!(axis_label(20.0, "sv"), "20");
    }
}
