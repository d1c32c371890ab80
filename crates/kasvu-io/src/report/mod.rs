//! The yearly welfare report as files: an XLSX of its figures and a PDF of
//! the whole report. The web builds a [`ReportDoc`] in the reader's language
//! (figures already suppressed, as text), and these writers only lay it out.
//!
//! The PDF (see [`pdf`]) is a tagged PDF: a structure tree of headings,
//! paragraphs, lists, tables and figures in reading order, with the running
//! header and footer as artifacts.

mod chart;
mod layout;
mod pdf;
mod xlsx;

pub use pdf::to_pdf;
pub use xlsx::to_xlsx;

/// A figure row: the indicator, the year's figure, the previous year's, and
/// the judgement (all text; a hidden figure says so).
#[derive(Debug, Clone, PartialEq)]
pub struct FigureRow {
    pub indicator: String,
    pub value: String,
    /// The number behind `value`, `None` when missing or suppressed.
    pub number: Option<f64>,
    pub previous: String,
    pub previous_number: Option<f64>,
    pub verdict: String,
}

/// A measure and what happened to it in the year.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureRow {
    pub goal: String,
    pub focus_area: String,
    pub measure: String,
    pub status: String,
    pub rating: Option<u8>,
    pub evaluation: String,
}

/// An intended impact of the plan: what should change, seen in which
/// indicator, in which direction.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactRow {
    pub statement: String,
    pub indicator: String,
    pub direction: String,
}

/// An impact indicator's series up to the report's year, for a chart and
/// the table of its values.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    /// The indicator's name (the chart's heading).
    pub title: String,
    /// A text alternative naming the chart and every value in it.
    pub alt: String,
    /// Period labels, oldest first.
    pub periods: Vec<String>,
    /// The shown numbers (`None` when missing or suppressed)...
    pub values: Vec<Option<f64>>,
    /// ...and the same as text in the reader's language.
    pub texts: Vec<String>,
}

/// Labels of the report's parts in the reader's language.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportLabels {
    pub measures: String,
    pub figures: String,
    pub conclusions: String,
    pub goal: String,
    pub focus_area: String,
    pub measure: String,
    pub status: String,
    pub rating: String,
    pub evaluation: String,
    pub indicator: String,
    pub value: String,
    pub previous: String,
    pub verdict: String,
    pub suppression_note: String,
    pub impacts: String,
    pub impact_statement: String,
    pub impact_direction: String,
    pub period: String,
    pub chart_value: String,
    /// "Page" (the footer reads "Page 2 / 7").
    pub page: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportDoc {
    pub title: String,
    /// The plan's title (the PDF's subject and running header).
    pub plan_title: String,
    /// The organisation's (city's) name, on every page of the PDF.
    pub org_name: String,
    /// The reader's language as a language tag ("fi", "sv", "en").
    pub lang: String,
    /// Plan, period, scope, status: one line each.
    pub facts: Vec<String>,
    pub measures: Vec<MeasureRow>,
    pub figures: Vec<FigureRow>,
    pub impacts: Vec<ImpactRow>,
    /// The impact indicators' series.
    pub charts: Vec<ChartSeries>,
    /// Written conclusions: (period, text).
    pub conclusions: Vec<(String, String)>,
    pub labels: ReportLabels,
}

#[cfg(test)]
mod tests;
