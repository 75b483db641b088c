//! A report's table as a document: title, subtitle, the header repeated on every page,
//! numeric columns right-aligned, portrait when the table fits its width, landscape when not.

use serde::{Deserialize, Serialize};

use super::canvas::{Rgb, Style, Writer, A4, ACCENT, INK, MUTED};
use super::flow::{baseline, head_style, Cell, Col, Ctx, Flow, Table, MARGIN, TOP};
use super::fonts::clean;
use crate::ground::error::Result;
use crate::ground::i18n::Locale;

/// A column of a printed report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TableColumn {
    /// The header, already translated.
    pub label: String,
    /// Amounts, counts, percentages: right-aligned and never broken (shrunk to fit instead).
    pub numeric: bool,
}

const BODY: Style = Style::new(8.0, false, INK);
const PAD: f32 = 4.0;
const STRIPE: Rgb = Rgb(0.965, 0.972, 0.98);
/// The widest a text column is made before its cells wrap.
const MAX_TEXT_COLUMN: f32 = 240.0;
/// Rows looked at to size the columns; a longer report wraps what is wider further down.
const SAMPLED_ROWS: usize = 2000;

/// The natural width of each column: its widest cell (of the first rows) or header word.
fn widths(w: &Writer, columns: &[TableColumn], rows: &[Vec<String>], head: Style) -> Vec<f32> {
    columns
        .iter()
        .enumerate()
        .map(|(i, col)| {
            let label = clean(&col.label);
            let word = label.split_whitespace().map(|p| w.width(p, head)).fold(0.0, f32::max);
            let cells = rows
                .iter()
                .take(SAMPLED_ROWS)
                .filter_map(|r| r.get(i))
                .map(|c| w.width(&clean(c), BODY))
                .fold(0.0, f32::max);
            let text = word.max(cells) + 2.0 * PAD;
            if col.numeric {
                text.max(24.0)
            } else {
                text.clamp(36.0, MAX_TEXT_COLUMN)
            }
        })
        .collect()
}

/// The widths of the columns in `available` points: numbers get their full width, text
/// columns share the rest in proportion to their natural width.
fn fit_widths(columns: &[TableColumn], natural: &[f32], available: f32) -> Vec<f32> {
    let total: f32 = natural.iter().sum();
    let text_total: f32 = columns.iter().zip(natural).filter(|(c, _)| !c.numeric).map(|(_, n)| n).sum();
    if total <= available {
        // Room to spare goes to the text columns (or to all when there are none).
        let extra = available - total;
        return columns
            .iter()
            .zip(natural)
            .map(|(c, &n)| match (text_total > 0.0, c.numeric) {
                (true, false) => n + extra * n / text_total,
                (true, true) => n,
                (false, _) => n + extra * n / total,
            })
            .collect();
    }
    let numbers: f32 = total - text_total;
    if numbers >= available || text_total == 0.0 {
        return natural.iter().map(|n| n * available / total).collect();
    }
    let room = available - numbers;
    columns.iter().zip(natural).map(|(c, &n)| if c.numeric { n } else { n * room / text_total }).collect()
}

/// The table as a PDF in `locale` (its page numbers and the font choice for Chinese). Cells
/// are printed as given: format numbers and dates before. A row with fewer cells than
/// columns is padded, extra cells are ignored.
pub fn table_pdf(
    title: &str,
    subtitle: &str,
    columns: &[TableColumn],
    rows: &[Vec<String>],
    locale: Locale,
) -> Result<Vec<u8>> {
    let cx = Ctx::new(locale.code());
    let (head, fill) = head_style(7.5);
    let natural = widths(&cx.w, columns, rows, head);
    let portrait = A4.0 - 2.0 * MARGIN;
    let size = if natural.iter().sum::<f32>() <= portrait { A4 } else { (A4.1, A4.0) };
    let mut f = Flow::new(&cx, size);
    let title = clean(title).replace('\n', " ");
    let subtitle = clean(subtitle);
    f.running_head = (title.clone(), subtitle.lines().next().unwrap_or_default().to_string());

    let w = cx.w;
    let (x0, x1, width) = (f.left(), f.right(), f.width());
    let title_style = Style::new(14.0, true, ACCENT);
    let mut y = TOP;
    for line in w.wrap(&title, title_style, width).into_iter().take(3) {
        f.page().text(&w, x0, baseline(y, title_style), &line, title_style);
        y += title_style.leading();
    }
    f.y = y + 2.0;
    if !subtitle.trim().is_empty() {
        f.paragraph(x0, width, &subtitle, Style::new(9.0, false, MUTED));
    }
    let y = f.y + 4.0;
    f.page().hline(x0, x1, y, 1.2, ACCENT);
    f.y = y + 12.0;

    if !columns.is_empty() {
        let table = Table {
            x: x0,
            cols: fit_widths(columns, &natural, width)
                .into_iter()
                .zip(columns)
                .map(|(width, c)| Col { width, right: c.numeric })
                .collect(),
            head: columns.iter().map(|c| c.label.clone()).collect(),
            head_style: head,
            head_fill: fill,
            pad: PAD,
        };
        table.head(&mut f);
        for (n, row) in rows.iter().enumerate() {
            let cells: Vec<Cell> = columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let text = row.get(i).map_or("", String::as_str);
                    if c.numeric {
                        Cell::number(clean(text).replace('\n', " "), BODY)
                    } else {
                        Cell::text(text, BODY)
                    }
                })
                .collect();
            table.row(&mut f, &cells, (n % 2 == 1).then_some(STRIPE));
        }
    }
    let footer = [title.clone()];
    let pages = f.finish(&footer);
    Ok(super::canvas::render(&title, pages, &[]))
}
