//! Filling pages from top to bottom: the language of a document, a cursor that starts a new
//! page (with a running head) when the next block does not fit, tables whose header comes
//! back on every page and whose rows may continue across pages, and footers with "page X of
//! Y" written once the page count is known.

use chrono::{NaiveDate, NaiveDateTime};

use super::canvas::{Page, Rgb, Style, Writer, INK, MUTED, RULE, TINT};
use super::fonts::clean;
use crate::ground::i18n::{self, Locale, LocaleFormat};

pub(crate) const MARGIN: f32 = 48.0;
pub(crate) const TOP: f32 = 40.0;
/// Room kept at the bottom of every page for the footer.
pub(crate) const FOOTER: f32 = 58.0;

/// The language a document prints in and its formats.
pub(crate) struct Ctx {
    pub locale: Locale,
    pub fmt: LocaleFormat,
    pub w: Writer,
}

impl Ctx {
    /// Unknown languages print in English (the check reports them).
    pub fn new(language: &str) -> Ctx {
        let locale = Locale::parse(language).unwrap_or_default();
        Ctx { locale, fmt: locale.format(), w: Writer { cjk_first: locale == Locale::Zh } }
    }

    pub fn t(&self, key: &str) -> String {
        i18n::tr(self.locale, key).to_string()
    }

    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::trf(self.locale, key, args)
    }

    pub fn money(&self, minor: i64, currency: &str) -> String {
        self.fmt.money(minor, currency)
    }

    /// A number of minor units without the currency, for table cells.
    pub fn amount(&self, minor: i64) -> String {
        self.fmt.minor_units(minor, 2)
    }

    pub fn date(&self, iso: &str) -> String {
        date_text(&self.fmt, iso)
    }

    /// Basis points as a percentage: `2200` → `22%`, `350` → `3,5%` in Italian.
    pub fn percent(&self, bp: i64) -> String {
        let text = self.fmt.minor_units(bp, 2);
        let text = if text.contains(self.fmt.decimal) {
            text.trim_end_matches('0').trim_end_matches(self.fmt.decimal).to_string()
        } else {
            text
        };
        match self.locale {
            Locale::Lt => format!("{text}\u{a0}%"),
            _ => format!("{text}%"),
        }
    }

    /// A value that may be a catalogue entry under `prefix` (`decision_role.` + `user`):
    /// translated if it is one, printed as written otherwise.
    pub fn value(&self, prefix: &str, value: &str) -> String {
        let key = format!("{prefix}{value}");
        if !value.is_empty() && i18n::has_key(Locale::En, &key) {
            self.t(&key)
        } else {
            clean(value)
        }
    }
}

/// `YYYY-MM-DD` (or `YYYY-MM-DDTHH:MM`) as the locale writes it; anything else as given.
pub(crate) fn date_text(fmt: &LocaleFormat, iso: &str) -> String {
    let iso = iso.trim();
    if let Ok(dt) = NaiveDateTime::parse_from_str(iso, "%Y-%m-%dT%H:%M") {
        return fmt.datetime(dt);
    }
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => fmt.date(d),
        Err(_) => clean(iso),
    }
}

/// Where a line of text of style `st` whose top is at `y` has its baseline.
pub(crate) fn baseline(y: f32, st: Style) -> f32 {
    y + st.size * 0.95
}

pub(crate) struct Flow<'a> {
    pub cx: &'a Ctx,
    pub pages: Vec<Page>,
    /// The top of the free space on the current page.
    pub y: f32,
    pub size: (f32, f32),
    /// Printed at the top of every page after the first (left and right).
    pub running_head: (String, String),
}

impl<'a> Flow<'a> {
    pub fn new(cx: &'a Ctx, size: (f32, f32)) -> Flow<'a> {
        Flow { cx, pages: vec![Page::new(size)], y: TOP, size, running_head: Default::default() }
    }

    pub fn left(&self) -> f32 {
        MARGIN
    }

    pub fn right(&self) -> f32 {
        self.size.0 - MARGIN
    }

    pub fn width(&self) -> f32 {
        self.size.0 - 2.0 * MARGIN
    }

    pub fn bottom(&self) -> f32 {
        self.size.1 - FOOTER
    }

    pub fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow always has a page")
    }

    pub fn break_page(&mut self) {
        self.pages.push(Page::new(self.size));
        let (left, right) = self.running_head.clone();
        let (x0, x1, w) = (self.left(), self.right(), self.cx.w);
        let st = Style::new(8.0, true, super::canvas::ACCENT);
        let right_width = w.width(&right, st.bold().color(MUTED));
        let left = w.fit(&left, st, (self.width() - right_width - 12.0).max(40.0));
        let page = self.page();
        page.text(&w, x0, TOP + 8.0, &left, st);
        page.text_right(&w, x1, TOP + 8.0, &right, Style::new(8.0, false, MUTED));
        page.hline(x0, x1, TOP + 14.0, 0.5, RULE);
        self.y = TOP + 28.0;
    }

    /// Starts a new page unless `height` more fits on this one; true when it did.
    pub fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > self.bottom() {
            self.break_page();
            true
        } else {
            false
        }
    }

    /// Wrapped text from `x`, `width` wide, breaking pages between lines.
    pub fn paragraph(&mut self, x: f32, width: f32, text: &str, st: Style) {
        let w = self.cx.w;
        for line in w.wrap(&clean(text), st, width) {
            self.ensure(st.leading());
            let y = baseline(self.y, st);
            self.page().text(&w, x, y, &line, st);
            self.y += st.leading();
        }
    }

    /// The pages with their footers: `left` lines (fitted to one line each) and "page X of Y".
    pub fn finish(self, left: &[String]) -> Vec<Page> {
        let total = self.pages.len();
        let (x0, x1, w, h) = (self.left(), self.right(), self.cx.w, self.size.1);
        let small = Style::new(7.0, false, MUTED);
        let mut pages = self.pages;
        for (i, page) in pages.iter_mut().enumerate() {
            let label = self.cx.tf("pdf.page", &[("page", &(i + 1).to_string()), ("pages", &total.to_string())]);
            let label_width = w.width(&label, Style { size: 7.5, ..small });
            page.hline(x0, x1, h - 46.0, 0.5, RULE);
            page.text_right(&w, x1, h - 35.0, &label, Style { size: 7.5, ..small });
            for (n, line) in left.iter().take(2).enumerate() {
                let line = w.fit(&clean(line), small, x1 - x0 - label_width - 16.0);
                page.text(&w, x0, h - 35.0 + 9.0 * n as f32, &line, small);
            }
        }
        pages
    }
}

/// One column of a drawn table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col {
    pub width: f32,
    pub right: bool,
}

/// A table cell: wrapped text, or (`fit`) one line shrunk to the column when too wide, as
/// numbers are (a number is never broken).
pub(crate) struct Cell {
    pub text: String,
    pub style: Style,
    pub fit: bool,
}

impl Cell {
    pub fn text(text: &str, style: Style) -> Cell {
        Cell { text: clean(text), style, fit: false }
    }

    pub fn number(text: String, style: Style) -> Cell {
        Cell { text, style, fit: true }
    }
}

pub(crate) struct Table {
    pub x: f32,
    pub cols: Vec<Col>,
    pub head: Vec<String>,
    pub head_style: Style,
    pub head_fill: Rgb,
    pub pad: f32,
}

impl Table {
    fn lines(&self, w: &Writer, col: Col, cell: &Cell) -> Vec<String> {
        let inner = (col.width - 2.0 * self.pad).max(4.0);
        if cell.fit {
            vec![cell.text.clone()]
        } else {
            w.wrap(&cell.text, cell.style, inner)
        }
    }

    /// Each column's header lines and style: a header word wider than its column is set
    /// smaller (down to 5.5 pt) rather than broken.
    fn head_lines(&self, w: &Writer) -> Vec<(Vec<String>, Style)> {
        self.cols
            .iter()
            .zip(&self.head)
            .map(|(col, label)| {
                let label = clean(label);
                let inner = (col.width - 2.0 * self.pad).max(4.0);
                let widest = label.split_whitespace().map(|word| w.width(word, self.head_style)).fold(0.0, f32::max);
                let mut st = self.head_style;
                if widest > inner {
                    st.size = (st.size * inner / widest).max(5.5);
                }
                (w.wrap(&label, st, inner), st)
            })
            .collect()
    }

    fn head_height(&self, w: &Writer) -> (Vec<(Vec<String>, Style)>, f32) {
        let lines = self.head_lines(w);
        let n = lines.iter().map(|(l, _)| l.len()).max().unwrap_or(1).max(1) as f32;
        (lines, n * self.head_style.leading() + 2.0 * self.pad)
    }

    /// The height of a row of `cells` (unsplit).
    pub fn row_height(&self, w: &Writer, cells: &[Cell]) -> f32 {
        let leading = cells.iter().map(|c| c.style.leading()).fold(0.0, f32::max);
        let count = self.cols.iter().zip(cells).map(|(col, cell)| self.lines(w, *col, cell).len()).max().unwrap_or(1);
        count.max(1) as f32 * leading + 2.0 * self.pad
    }

    /// The height of the header row.
    pub fn head_row_height(&self, w: &Writer) -> f32 {
        self.head_height(w).1
    }

    /// Draws the header row, on a new page when it and one line of a row do not fit here.
    pub fn head(&self, f: &mut Flow) {
        let w = f.cx.w;
        let (lines, height) = self.head_height(&w);
        f.ensure(height + 2.0 * self.head_style.leading() + 2.0 * self.pad);
        let width: f32 = self.cols.iter().map(|c| c.width).sum();
        let (top, leading, pad) = (f.y, self.head_style.leading(), self.pad);
        f.page().fill(self.x, top, width, height, self.head_fill);
        let mut x = self.x;
        for (col, (col_lines, hs)) in self.cols.iter().zip(&lines) {
            let hs = *hs;
            for (i, line) in col_lines.iter().enumerate() {
                let y = baseline(top + pad + i as f32 * leading, self.head_style);
                if col.right {
                    f.page().text_right(&w, x + col.width - pad, y, line, hs);
                } else {
                    f.page().text(&w, x + pad, y, line, hs);
                }
            }
            x += col.width;
        }
        f.y = top + height;
    }

    /// Draws a row under the last one. A row that does not fit goes to the next page (under a
    /// repeated header); a row taller than a page is split between its lines.
    pub fn row(&self, f: &mut Flow, cells: &[Cell], fill: Option<Rgb>) {
        let w = f.cx.w;
        let lines: Vec<Vec<String>> =
            self.cols.iter().zip(cells).map(|(col, cell)| self.lines(&w, *col, cell)).collect();
        let leading = cells.iter().map(|c| c.style.leading()).fold(0.0, f32::max);
        let count = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = count as f32 * leading + 2.0 * self.pad;
        let fresh_page_room = f.bottom() - TOP - 28.0 - self.head_height(&w).1;
        if f.y + height > f.bottom() && (height <= fresh_page_room || f.y + 2.0 * self.pad + leading > f.bottom()) {
            f.break_page();
            self.head(f);
        }
        let width: f32 = self.cols.iter().map(|c| c.width).sum();
        let mut start = 0;
        while start < count {
            if start > 0 {
                f.break_page();
                self.head(f);
            }
            let room = ((f.bottom() - f.y - 2.0 * self.pad) / leading).floor().max(1.0) as usize;
            let end = (start + room).min(count);
            let chunk_height = (end - start) as f32 * leading + 2.0 * self.pad;
            let top = f.y;
            if let Some(color) = fill {
                f.page().fill(self.x, top, width, chunk_height, color);
            }
            let mut x = self.x;
            for ((col, cell), cell_lines) in self.cols.iter().zip(cells).zip(&lines) {
                let inner = col.width - 2.0 * self.pad;
                for (i, line) in cell_lines.iter().enumerate().take(end).skip(start) {
                    let mut st = cell.style;
                    if cell.fit {
                        let natural = w.width(line, st);
                        if natural > inner && natural > 0.0 {
                            st.size *= inner / natural;
                        }
                    }
                    let y = baseline(top + self.pad + (i - start) as f32 * leading, cell.style);
                    if col.right {
                        f.page().text_right(&w, x + col.width - self.pad, y, line, st);
                    } else {
                        f.page().text(&w, x + self.pad, y, line, st);
                    }
                }
                x += col.width;
            }
            f.page().hline(self.x, self.x + width, top + chunk_height, 0.4, RULE);
            f.y = top + chunk_height;
            start = end;
        }
    }
}

/// The usual table colours: a tinted header with dark bold labels.
pub(crate) fn head_style(size: f32) -> (Style, Rgb) {
    (Style::new(size, true, INK), TINT)
}
