//! A report as an Excel workbook, written with the cell formats of [`crate::ground::workbook`].

use std::io::Write;

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};

use crate::ground::error::Result;
use crate::ground::i18n::Locale;
use crate::ground::workbook::{name_sheet, set_widths, shown_width, write_value, xlsx, Formats, Value};
use crate::report::{Cell, ColumnKind, ReportTable};

/// A report cell as a typed value of its column.
fn report_value(cell: &Cell, kind: ColumnKind, currency: &Option<String>) -> Value {
    match (cell, kind) {
        (Cell::Empty(()), _) => Value::Empty,
        (Cell::Int(n), ColumnKind::Money) => Value::Money(*n, currency.clone()),
        (Cell::Int(n), ColumnKind::Percent) => Value::Percent(*n as f64),
        (Cell::Int(n), ColumnKind::Decimal) => Value::Number(*n as f64, 1),
        (Cell::Int(n), _) => Value::Int(*n),
        (Cell::Num(x), ColumnKind::Percent) => Value::Percent(*x),
        (Cell::Num(x), ColumnKind::Integer) => Value::Number(*x, 0),
        (Cell::Num(x), _) => Value::Number(*x, 1),
        (Cell::Text(t), ColumnKind::Date) => match NaiveDate::parse_from_str(t, crate::ground::dates::DATE_FORMAT) {
            Ok(d) => Value::Date(d),
            Err(_) => Value::Text(t.clone()),
        },
        (Cell::Text(t), _) => Value::Text(t.clone()),
    }
}

/// A report as an `.xlsx` workbook: its title and subtitle above, a bold header row that stays
/// in view, numbers, money, percentages and dates as Excel's own types with their formats,
/// the total row in bold, columns wide enough for their content.
pub fn report(table: &ReportTable, locale: Locale) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let mut f = Formats::new(locale);
    let title_format = Format::new().set_bold().set_font_size(14);
    let sheet = book.add_worksheet();
    name_sheet(sheet, &table.title);
    let mut row = 0u32;
    if !table.title.is_empty() {
        sheet.write_string_with_format(row, 0, &table.title, &title_format).map_err(xlsx)?;
        row += 1;
    }
    if !table.subtitle.is_empty() {
        sheet.write_string(row, 0, &table.subtitle).map_err(xlsx)?;
        row += 1;
    }
    if row > 0 {
        row += 1;
    }
    let mut widths: Vec<usize> = table.columns.iter().map(|c| c.label.chars().count().min(24)).collect();
    for (i, c) in table.columns.iter().enumerate() {
        let format = if c.kind == ColumnKind::Text { &f.header } else { &f.number_header };
        sheet.write_string_with_format(row, i as u16, &c.label, format).map_err(xlsx)?;
    }
    sheet.set_freeze_panes(row + 1, 0).map_err(xlsx)?;
    let lines = table.rows.iter().map(|r| (r, false)).chain(table.total.iter().map(|r| (r, true)));
    for (cells, bold) in lines {
        row += 1;
        for (i, (cell, col)) in cells.iter().zip(&table.columns).enumerate() {
            let value = report_value(cell, col.kind, &col.currency);
            widths[i] = widths[i].max(shown_width(&value));
            write_value(sheet, &mut f, row, i as u16, &value, bold).map_err(xlsx)?;
        }
    }
    set_widths(sheet, &widths).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}

/// Writes the report's workbook to `path` under a temporary name first, then renames it.
pub fn write_report(table: &ReportTable, locale: Locale, path: &std::path::Path) -> Result<()> {
    let bytes = report(table, locale)?;
    let (partial, mut file) = crate::ground::atomic::Partial::create(path)?;
    file.write_all(&bytes)?;
    partial.commit(file)?;
    Ok(())
}

/// Writes a table where the person chose: an Excel workbook for a `.xlsx` name, else CSV.
pub fn write_table(table: &ReportTable, locale: Locale, path: &std::path::Path) -> Result<()> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
        write_report(table, locale, path)
    } else {
        crate::report::write_csv(table, locale, path)
    }
}
