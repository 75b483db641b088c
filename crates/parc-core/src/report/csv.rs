//! CSV.

use super::*;

fn decimal_text(x: f64, decimals: usize, sep: char) -> String {
    format!("{x:.decimals$}").replace('.', &sep.to_string())
}

fn csv_cell(c: &Cell, col: &Column, sep: char) -> String {
    match (c, col.kind) {
        (Cell::Empty(()), _) => String::new(),
        (Cell::Text(t), _) => formula::neutralise(t).into_owned(),
        (Cell::Int(n), ColumnKind::Money) => {
            let sign = if *n < 0 { "-" } else { "" };
            format!("{sign}{}{sep}{:02}", n.unsigned_abs() / 100, n.unsigned_abs() % 100)
        }
        (Cell::Int(n), _) => n.to_string(),
        (Cell::Num(x), _) => decimal_text(*x, 1, sep),
    }
}

/// The table as a CSV file for a spreadsheet: UTF-8 with a byte-order mark (so Excel reads the
/// accents), `;` between fields, CRLF line ends, a heading row, numbers with the locale's
/// decimal sign and no grouping, money in major units, and text that a spreadsheet would take
/// for a formula prefixed with `'`.
pub fn csv(table: &ReportTable, locale: Locale) -> Result<Vec<u8>> {
    let sep = locale.format().decimal;
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w =
            ::csv::WriterBuilder::new().delimiter(b';').terminator(::csv::Terminator::CRLF).from_writer(&mut out);
        let io = |e: ::csv::Error| Error::Io(std::io::Error::other(e.to_string()));
        w.write_record(table.columns.iter().map(|c| formula::neutralise(&c.label).into_owned())).map_err(io)?;
        for row in table.rows.iter().chain(table.total.iter()) {
            w.write_record(row.iter().zip(&table.columns).map(|(c, col)| csv_cell(c, col, sep))).map_err(io)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// Writes the table's CSV to `path` whole or not at all.
pub fn write_csv(table: &ReportTable, locale: Locale, path: &std::path::Path) -> Result<()> {
    Ok(crate::ground::atomic::write(path, &csv(table, locale)?)?)
}

/// A file name for the table: `parc-<kind>-<from>-<to>.csv`.
pub fn csv_name(kind: ReportKind, period: &Period) -> String {
    format!("parc-{}-{}-{}.csv", kind.code(), period.start(), period.end())
}
