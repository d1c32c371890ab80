//! Page layout for the tagged report PDF: text measured with Helvetica's
//! metrics, lines broken to a width, pages broken when full, and every piece
//! of content either marked as part of a structure element (with a marked
//! content id) or as an artifact.
//!
//! pdf-writer is deliberately low-level, so the structure tree is kept here
//! as plain nodes and written out by [`super::pdf`] once the layout is done.

use pdf_writer::types::{ArtifactType, StructRole, TableHeaderScope};
use pdf_writer::{Content, Name, Str};

pub const PAGE_W: f32 = 595.0;
pub const PAGE_H: f32 = 842.0;
pub const MARGIN: f32 = 56.0;
/// The body runs between the running header and the footer.
pub const TOP: f32 = PAGE_H - MARGIN - 14.0;
pub const BOTTOM: f32 = MARGIN + 14.0;
pub const BODY_W: f32 = PAGE_W - 2.0 * MARGIN;

/// Helvetica's advance widths (per 1000 em) of the printable ASCII
/// characters, from the standard font's metrics.
const ASCII_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
    278, 278, 584, 584, 584, 556, 1015, // :..@
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A-M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N-Z
    278, 278, 278, 469, 556, 333, // [..`
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a-m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n-z
    334, 260, 334, 584, // {..~
];

/// The width of a WinAnsi-encoded character in thousandths of an em. Latin
/// letters with diacritics are as wide as their base letter.
fn char_width(c: char, bold: bool) -> f32 {
    let base = match c {
        ' '..='~' => ASCII_WIDTHS[c as usize - 32],
        'Ä' | 'Å' | 'À' | 'Á' | 'Â' | 'Ã' => 667,
        'Ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' => 778,
        'Ü' | 'Ù' | 'Ú' | 'Û' => 722,
        'É' | 'È' | 'Ê' | 'Ë' => 667,
        'ä' | 'å' | 'à' | 'á' | 'â' | 'ã' | 'ö' | 'ø' | 'ò' | 'ó' | 'ô' | 'õ' | 'ü' | 'ù' | 'ú'
        | 'û' | 'é' | 'è' | 'ê' | 'ë' => 556,
        '\u{a0}' => 278,
        '—' => 1000,
        '•' => 350,
        _ => 556,
    };
    // Helvetica-Bold is a little wider; erring wide keeps text in its box.
    f32::from(base) * if bold { 1.08 } else { 1.0 }
}

/// The width of a text in points.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    text.chars().map(|c| char_width(c, bold)).sum::<f32>() * size / 1000.0
}

/// Breaks a text into lines no wider than `width` points at spaces (a word
/// wider than a line is broken where it must be). Line breaks in the text
/// are kept.
pub fn wrap(text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, size, bold) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than the line: split it by characters.
            for c in word.chars() {
                line.push(c);
                if text_width(&line, size, bold) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Windows-1252 bytes of a text; characters it lacks become `?` (a minus
/// sign becomes a hyphen, an arrow is dropped).
pub fn winansi(s: &str) -> Vec<u8> {
    s.chars()
        .filter_map(|c| match c {
            '\u{2212}' => Some(b'-'),
            '\u{2192}' | '\u{2191}' | '\u{2193}' => None,
            '\u{a0}' | '\u{202f}' => Some(b' '),
            c if (c as u32) < 0x80 => Some(c as u8),
            c if (0xa0..=0xff).contains(&(c as u32)) => Some(c as u32 as u8),
            '€' => Some(0x80),
            '‚' => Some(0x82),
            '„' => Some(0x84),
            '…' => Some(0x85),
            '‰' => Some(0x89),
            '‘' => Some(0x91),
            '’' => Some(0x92),
            '“' => Some(0x93),
            '”' => Some(0x94),
            '•' => Some(0x95),
            '–' => Some(0x96),
            '—' => Some(0x97),
            _ => Some(b'?'),
        })
        .collect()
}

/// A child of a structure element: another element, or a marked content
/// sequence on a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kid {
    Elem(usize),
    Marked { page: usize, mcid: i32 },
}

/// A structure element, written out as a `StructElem`.
#[derive(Debug, Clone)]
pub struct Node {
    pub role: StructRole,
    pub parent: Option<usize>,
    pub kids: Vec<Kid>,
    pub alt: Option<String>,
    pub scope: Option<TableHeaderScope>,
}

/// A page's content and, by marked content id, the element owning it.
pub struct Page {
    pub content: Content,
    pub owners: Vec<usize>,
}

/// A table's column heads and widths (fractions of the body's width),
/// repeated as an artifact at the top of a page the table runs onto.
#[derive(Clone)]
struct RunningHead {
    heads: Vec<String>,
    widths: Vec<f32>,
}

/// A cell of a table row: its text, and whether it heads its row.
pub struct Cell {
    pub text: String,
    pub row_header: bool,
}

pub const CELL_SIZE: f32 = 9.0;
const CELL_LEAD: f32 = 11.5;
const CELL_PAD: f32 = 3.0;

/// Lays the report out top to bottom and keeps its structure tree.
pub struct Writer {
    pub pages: Vec<Page>,
    pub nodes: Vec<Node>,
    stack: Vec<usize>,
    pub y: f32,
    running: Option<RunningHead>,
}

impl Writer {
    /// A writer with one empty page and the `Document` element open.
    pub fn new() -> Writer {
        Writer {
            pages: vec![Page {
                content: Content::new(),
                owners: Vec::new(),
            }],
            nodes: vec![Node {
                role: StructRole::Document,
                parent: None,
                kids: Vec::new(),
                alt: None,
                scope: None,
            }],
            stack: vec![0],
            y: TOP,
            running: None,
        }
    }

    fn current(&self) -> usize {
        self.stack.last().copied().unwrap_or(0)
    }

    /// Adds an element under `parent` without opening it.
    pub fn add(&mut self, parent: usize, role: StructRole) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            role,
            parent: Some(parent),
            kids: Vec::new(),
            alt: None,
            scope: None,
        });
        self.nodes[parent].kids.push(Kid::Elem(id));
        id
    }

    /// Opens an element under the current one; content goes into it until
    /// [`Writer::close`].
    pub fn open(&mut self, role: StructRole) -> usize {
        let id = self.add(self.current(), role);
        self.stack.push(id);
        id
    }

    pub fn close(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }

    fn page(&mut self) -> &mut Page {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page {
            content: Content::new(),
            owners: Vec::new(),
        });
        self.y = TOP;
        if let Some(head) = self.running.clone() {
            self.head_row(&head.heads, &head.widths, None);
        }
    }

    /// Starts a new page unless `height` points fit above the footer.
    pub fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// Begins a marked content sequence owned by `owner` on the current
    /// page; returns its id. The caller draws, then calls `end_marked`.
    pub fn begin_marked(&mut self, owner: usize) {
        let role = self.nodes[owner].role;
        let page_index = self.pages.len() - 1;
        let page = self.page();
        let mcid = page.owners.len() as i32;
        page.owners.push(owner);
        page.content
            .begin_marked_content_with_properties(role.to_name())
            .properties()
            .identify(mcid);
        self.nodes[owner].kids.push(Kid::Marked {
            page: page_index,
            mcid,
        });
    }

    pub fn end_marked(&mut self) {
        self.page().content.end_marked_content();
    }

    /// Draws one line of text at `(x, y)` as content of `owner`.
    pub fn text_at(&mut self, owner: usize, x: f32, y: f32, text: &str, bold: bool, size: f32) {
        self.begin_marked(owner);
        show(&mut self.page().content, x, y, text, bold, size);
        self.end_marked();
    }

    /// Draws an artifact (decoration, running header or footer) on page
    /// `page` with `draw`.
    pub fn artifact(&mut self, page: usize, kind: ArtifactType, draw: impl FnOnce(&mut Content)) {
        let c = &mut self.pages[page].content;
        c.begin_marked_content_with_properties(Name(b"Artifact"))
            .properties()
            .artifact()
            .kind(kind);
        draw(c);
        c.end_marked_content();
    }

    /// A block of text (a heading, a paragraph, a list item's body) as an
    /// element of `role`, wrapped to the body's width less `indent`.
    pub fn block(&mut self, role: StructRole, text: &str, size: f32, bold: bool, indent: f32) {
        let id = self.open(role);
        self.lines(id, text, size, bold, indent);
        self.close();
    }

    /// Wrapped lines of text into element `owner`.
    pub fn lines(&mut self, owner: usize, text: &str, size: f32, bold: bool, indent: f32) {
        let lead = size * 1.3;
        for line in wrap(text, BODY_W - indent, size, bold) {
            self.ensure(lead);
            self.y -= lead;
            let y = self.y + size * 0.25;
            self.text_at(owner, MARGIN + indent, y, &line, bold, size);
        }
    }

    /// A heading kept with at least `keep` points of what follows it.
    pub fn heading(&mut self, role: StructRole, text: &str, size: f32, keep: f32) {
        self.gap(size * 0.6);
        self.ensure(size * 1.3 + keep);
        self.block(role, text, size, true, 0.0);
        self.gap(size * 0.3);
    }

    /// A bulleted list of lines (L > LI > Lbl + LBody).
    pub fn list(&mut self, items: &[String], size: f32) {
        self.open(StructRole::L);
        for item in items {
            let li = self.open(StructRole::LI);
            self.ensure(size * 1.3);
            let lbl = self.add(li, StructRole::Lbl);
            let y = self.y - size * 1.3 + size * 0.25;
            self.text_at(lbl, MARGIN, y, "•", false, size);
            self.block(StructRole::LBody, item, size, false, 12.0);
            self.close();
        }
        self.close();
    }

    /// A table: a row of column heads, then rows of cells, in columns of the
    /// given widths (fractions of the body). A row that does not fit runs
    /// onto the next page, where the column heads are repeated as an
    /// artifact.
    pub fn table(&mut self, heads: &[String], widths: &[f32], rows: &[Vec<Cell>]) {
        let table = self.open(StructRole::Table);
        self.ensure(2.0 * (CELL_LEAD + 2.0 * CELL_PAD) + 2.0 * CELL_LEAD);
        self.head_row(heads, widths, Some(table));
        self.running = Some(RunningHead {
            heads: heads.to_vec(),
            widths: widths.to_vec(),
        });
        for row in rows {
            let tr = self.open(StructRole::TR);
            let cells: Vec<(usize, Vec<String>)> = row
                .iter()
                .zip(widths)
                .map(|(cell, w)| {
                    let role = if cell.row_header {
                        StructRole::TH
                    } else {
                        StructRole::TD
                    };
                    let id = self.add(tr, role);
                    if cell.row_header {
                        self.nodes[id].scope = Some(TableHeaderScope::Row);
                    }
                    let lines = wrap(
                        &cell.text,
                        w * BODY_W - 2.0 * CELL_PAD,
                        CELL_SIZE,
                        cell.row_header,
                    );
                    (id, lines)
                })
                .collect();
            let height = cells.iter().map(|(_, l)| l.len()).max().unwrap_or(1);
            // Keep short rows whole: start them on a new page if they do
            // not fit; long ones break where the page ends.
            let whole = height as f32 * CELL_LEAD + 2.0 * CELL_PAD;
            if self.y - whole < BOTTOM && height <= 6 {
                self.new_page();
            }
            let mut start = 0;
            while start < height {
                let room = ((self.y - BOTTOM - 2.0 * CELL_PAD) / CELL_LEAD).floor();
                let fit = if room < 1.0 { 0 } else { room as usize };
                if fit == 0 {
                    self.new_page();
                    continue;
                }
                let take = fit.min(height - start);
                let top = self.y - CELL_PAD;
                let mut x = MARGIN;
                for ((id, lines), w) in cells.iter().zip(widths) {
                    for (k, line) in lines.iter().enumerate().skip(start).take(take) {
                        if line.is_empty() {
                            continue;
                        }
                        let y = top - (k - start + 1) as f32 * CELL_LEAD + 2.5;
                        let bold = self.nodes[*id].role == StructRole::TH;
                        self.text_at(*id, x + CELL_PAD, y, line, bold, CELL_SIZE);
                    }
                    x += w * BODY_W;
                }
                self.y = top - take as f32 * CELL_LEAD - CELL_PAD;
                start += take;
                if start < height {
                    self.new_page();
                }
            }
            self.rule(0.8);
            self.close();
        }
        self.running = None;
        self.close();
        self.gap(6.0);
    }

    /// The row of column heads: a `TR` of `TH`s in `table`, or, repeated on a
    /// later page (`table` is `None`), an artifact.
    fn head_row(&mut self, heads: &[String], widths: &[f32], table: Option<usize>) {
        let wrapped: Vec<Vec<String>> = heads
            .iter()
            .zip(widths)
            .map(|(h, w)| wrap(h, w * BODY_W - 2.0 * CELL_PAD, CELL_SIZE, true))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let top = self.y - CELL_PAD;
        let tr = table.map(|t| self.add(t, StructRole::TR));
        let mut x = MARGIN;
        for (lines, w) in wrapped.iter().zip(widths) {
            let th = tr.map(|tr| {
                let th = self.add(tr, StructRole::TH);
                self.nodes[th].scope = Some(TableHeaderScope::Column);
                th
            });
            for (k, line) in lines.iter().enumerate() {
                let y = top - (k + 1) as f32 * CELL_LEAD + 2.5;
                match th {
                    Some(th) => self.text_at(th, x + CELL_PAD, y, line, true, CELL_SIZE),
                    None => {
                        let last = self.pages.len() - 1;
                        self.artifact(last, ArtifactType::Layout, |c| {
                            show(c, x + CELL_PAD, y, line, true, CELL_SIZE);
                        });
                    }
                }
            }
            x += w * BODY_W;
        }
        self.y = top - height as f32 * CELL_LEAD - CELL_PAD;
        self.rule(1.2);
    }

    /// A horizontal rule across the body at the current height (an artifact).
    fn rule(&mut self, width: f32) {
        let y = self.y;
        let last = self.pages.len() - 1;
        self.artifact(last, ArtifactType::Layout, |c| {
            c.set_line_width(width);
            c.set_stroke_gray(0.6);
            c.move_to(MARGIN, y);
            c.line_to(PAGE_W - MARGIN, y);
            c.stroke();
        });
    }
}

/// Shows one line of text in Helvetica (`F1`) or Helvetica-Bold (`F2`).
pub fn show(c: &mut Content, x: f32, y: f32, text: &str, bold: bool, size: f32) {
    c.set_fill_gray(0.0);
    c.begin_text();
    c.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
    c.next_line(x, y);
    c.show(Str(&winansi(text)));
    c.end_text();
}
