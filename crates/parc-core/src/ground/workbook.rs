//! Excel workbooks, both ways.
//!
//! Reading (`calamine`): an `.xlsx`, `.xls` or `.ods` file, told by its content (a zip or an
//! OLE container), becomes the same rows of text cells a CSV file gives the import, so the
//! mapping, the checks, the duplicates and the write stay one path. The cells' types decide
//! their text, not the locale: a number cell is written with the file format's decimal sign and
//! no grouping (so the import reads it back exactly, whatever the profile says), a date cell as
//! `YYYY-MM-DD` (which every file format reads), a whole number as its digits (a phone or a VAT
//! id stored as a number never becomes `7.671325342E9`). A whole number shown with leading zeros
//! by its cell format (`00000`, a CAP kept as a number) keeps them; one whose zeros Excel
//! dropped without such a format stays without them and the field's own check judges it.
//!
//! Writing (`rust_xlsxwriter`): typed cells with the locale's formats, used by
//! `report/xlsx.rs` for a report and by [`SheetWriter`], which streams an export profile's rows.

use std::io::{Cursor, Seek, Write};

use calamine::{Data, Reader, SheetType, SheetVisible};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::ground::error::{Error, Result};
use crate::ground::i18n::Locale;

/// Whether the bytes are a workbook rather than text: a zip container (`.xlsx`, `.ods`) or an
/// OLE compound file (`.xls`).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// A sheet's non-empty rows: the row number (from 1) and its cells as text.
pub type Rows = Vec<(usize, Vec<String>)>;

/// One sheet of a workbook as text rows.
#[derive(Debug, Clone)]
pub struct SheetRows {
    /// The workbook's visible worksheets, in order.
    pub sheets: Vec<String>,
    /// The sheet read: the one asked for, else the first with data.
    pub sheet: String,
    /// Non-empty rows: the sheet's row number (from 1, as Excel shows it) and the cells.
    pub rows: Rows,
}

fn unreadable<E: std::fmt::Display>(_: E) -> Error {
    Error::invalid("file", "validation.exchange_workbook")
}

/// Reads sheet `sheet` (default: the first with data) of a workbook; numbers are written with
/// `decimal` as their decimal sign.
pub fn read(bytes: &[u8], sheet: Option<&str>, decimal: char) -> Result<SheetRows> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let sheets: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    let wanted: Vec<String> = match sheet.filter(|s| !s.is_empty()) {
        Some(name) if sheets.iter().any(|s| s == name) => vec![name.to_string()],
        Some(_) => return Err(Error::invalid("sheet", "validation.exchange_sheet")),
        None => sheets.clone(),
    };
    let mut first: Option<(String, Rows)> = None;
    for name in wanted {
        let rows = sheet_rows(&mut book, &name, decimal)?;
        let has_data = !rows.is_empty();
        if first.is_none() || has_data {
            let done = has_data;
            first = Some((name, rows));
            if done {
                break;
            }
        }
    }
    let (sheet, rows) = first.ok_or_else(|| Error::invalid("sheet", "validation.exchange_sheet"))?;
    Ok(SheetRows { sheets, sheet, rows })
}

fn sheet_rows<RS: std::io::Read + Seek>(book: &mut calamine::Sheets<RS>, name: &str, decimal: char) -> Result<Rows> {
    let range = book.worksheet_range(name).map_err(unreadable)?;
    // Number formats (only .xlsx gives them): whole numbers shown zero-padded keep their zeros.
    let styles = book.worksheet_style(name).unwrap_or_else(|_| calamine::StyleRange::empty());
    // Cells merged across columns below the header are a group heading or a total, not a record.
    let merged: Vec<calamine::Dimensions> = match book {
        calamine::Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        calamine::Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    };
    let Some((top, left)) = range.start() else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let r = top + i as u32;
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let width = styles
                    .get((r, left + j as u32))
                    .and_then(|s| s.number_format.as_ref())
                    .and_then(|f| zero_padded(&f.format_code));
                text(c, width, decimal)
            })
            .collect();
        let filled: Vec<usize> = (0..cells.len()).filter(|j| !cells[*j].trim().is_empty()).collect();
        if filled.is_empty() {
            continue;
        }
        let across = |j: usize| {
            let c = left + j as u32;
            merged
                .iter()
                .any(|m| m.start.0 <= r && r <= m.end.0 && m.start.1 <= c && c <= m.end.1 && m.end.1 > m.start.1)
        };
        if !out.is_empty() && filled.len() == 1 && across(filled[0]) {
            continue;
        }
        out.push((r as usize + 1, cells));
    }
    Ok(out)
}

/// The width of a format that shows a whole number with leading zeros (`00000`).
fn zero_padded(code: &str) -> Option<usize> {
    let code = code.trim_matches('"');
    (!code.is_empty() && code.len() <= 20 && code.chars().all(|c| c == '0')).then_some(code.len())
}

/// A cell as the text an import reads.
fn text(cell: &Data, pad: Option<usize>, decimal: char) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::Int(n) => padded(n.to_string(), pad),
        Data::Float(x) => {
            let t = number(*x, decimal);
            if x.fract() == 0.0 && *x >= 0.0 {
                padded(t, pad)
            } else {
                t
            }
        }
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            if (h, min, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}")
            }
        }
        Data::DateTime(d) => number(d.as_f64(), decimal),
        // OpenDocument dates: `2026-03-07` or `2026-03-07T09:30:00`.
        Data::DateTimeIso(s) => match s.split_once('T') {
            Some((day, "00:00:00")) => day.to_string(),
            Some((day, time)) => format!("{day} {}", time.get(..5).unwrap_or(time)),
            None => s.clone(),
        },
        Data::DurationIso(s) => s.clone(),
    }
}

fn padded(digits: String, pad: Option<usize>) -> String {
    match pad {
        Some(w) if digits.len() < w => format!("{digits:0>w$}"),
        _ => digits,
    }
}

/// A number cell as text: whole numbers as their digits, others with at most the 15
/// significant digits Excel keeps (so a sum's binary noise, 0.1 + 0.2, does not show).
fn number(x: f64, decimal: char) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let digits = (x.abs().log10().floor() as i64 + 1).max(1);
    let places = (15 - digits).clamp(0, 15) as usize;
    let s = format!("{x:.places$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    s.replace('.', &decimal.to_string())
}

// --- writing ---

/// A typed cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number shown with `places` decimals.
    Number(f64, usize),
    /// Integer minor units of a currency.
    Money(i64, Option<String>),
    /// A percentage (37.5 is 37.5 %).
    Percent(f64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Bool(bool),
}

pub(crate) fn xlsx(e: XlsxError) -> Error {
    Error::Io(std::io::Error::other(e.to_string()))
}

/// Excel's number format for an amount in `currency`, the symbol placed as the locale writes it.
fn money_format(currency: Option<&str>, locale: Locale) -> String {
    let symbol = match currency.unwrap_or("") {
        "" => return "#,##0.00".into(),
        code => crate::ground::i18n::currency_symbol(code),
    };
    match locale {
        Locale::En | Locale::Zh => format!("\"{symbol}\"#,##0.00"),
        _ => format!("#,##0.00\\ \"{symbol}\""),
    }
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    ExcelDateTime::from_ymd(u16::try_from(d.year()).ok()?, d.month() as u8, d.day() as u8).ok()
}

/// The formats a sheet uses, made once.
pub(crate) struct Formats {
    pub(crate) header: Format,
    /// Above a column of numbers: aligned with them.
    pub(crate) number_header: Format,
    bold: Format,
    integer: Format,
    decimals: [Format; 3],
    percent: Format,
    /// Excel's own short date (format 14), shown in the reader's regional way.
    date: Format,
    datetime: Format,
    locale: Locale,
    money: Vec<(Option<String>, Format, Format)>,
}

impl Formats {
    pub(crate) fn new(locale: Locale) -> Formats {
        Formats {
            header: Format::new().set_bold().set_text_wrap(),
            number_header: Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Right),
            bold: Format::new().set_bold(),
            integer: Format::new().set_num_format("0"),
            decimals: [
                Format::new().set_num_format("0"),
                Format::new().set_num_format("0.0"),
                Format::new().set_num_format("0.00"),
            ],
            percent: Format::new().set_num_format("0.0%"),
            date: Format::new().set_num_format_index(14),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            locale,
            money: Vec::new(),
        }
    }

    fn money(&mut self, currency: &Option<String>, bold: bool) -> &Format {
        let i = match self.money.iter().position(|(c, ..)| c == currency) {
            Some(i) => i,
            None => {
                let code = money_format(currency.as_deref(), self.locale);
                let plain = Format::new().set_num_format(&code);
                let strong = plain.clone().set_bold();
                self.money.push((currency.clone(), plain, strong));
                self.money.len() - 1
            }
        };
        let (_, plain, strong) = &self.money[i];
        if bold {
            strong
        } else {
            plain
        }
    }
}

pub(crate) fn write_value(
    sheet: &mut Worksheet,
    f: &mut Formats,
    row: u32,
    col: u16,
    value: &Value,
    bold: bool,
) -> std::result::Result<(), XlsxError> {
    let with_bold = |format: &Format| if bold { format.clone().set_bold() } else { format.clone() };
    match value {
        Value::Empty => {}
        Value::Text(t) if bold => {
            sheet.write_string_with_format(row, col, t, &f.bold)?;
        }
        // A text cell stays text: Excel does not run it as a formula.
        Value::Text(t) => {
            sheet.write_string(row, col, t)?;
        }
        Value::Int(n) => {
            sheet.write_number_with_format(row, col, *n as f64, &with_bold(&f.integer))?;
        }
        Value::Number(x, places) => {
            sheet.write_number_with_format(row, col, *x, &with_bold(&f.decimals[(*places).min(2)]))?;
        }
        Value::Money(minor, currency) => {
            let format = f.money(currency, bold).clone();
            sheet.write_number_with_format(row, col, *minor as f64 / 100.0, &format)?;
        }
        Value::Percent(p) => {
            sheet.write_number_with_format(row, col, p / 100.0, &with_bold(&f.percent))?;
        }
        Value::Date(d) => match excel_date(*d) {
            Some(x) => {
                sheet.write_datetime_with_format(row, col, x, &with_bold(&f.date))?;
            }
            None => {
                sheet.write_string(row, col, d.to_string())?;
            }
        },
        Value::DateTime(t) => {
            let at = excel_date(t.date()).and_then(|d| d.and_hms(t.hour() as u16, t.minute() as u8, 0).ok());
            match at {
                Some(x) => {
                    sheet.write_datetime_with_format(row, col, x, &with_bold(&f.datetime))?;
                }
                None => {
                    sheet.write_string(row, col, t.to_string())?;
                }
            }
        }
        Value::Bool(b) => {
            sheet.write_boolean(row, col, *b)?;
        }
    }
    Ok(())
}

/// How wide a column shows a value, in characters.
pub(crate) fn shown_width(value: &Value) -> usize {
    match value {
        Value::Empty => 0,
        Value::Text(t) => {
            t.lines().map(|l| l.chars().map(|c| if c as u32 > 0x2E80 { 2 } else { 1 }).sum()).max().unwrap_or(0)
        }
        Value::Int(n) => n.to_string().len(),
        Value::Number(x, places) => format!("{x:.places$}").len(),
        Value::Money(minor, _) => (minor / 100).to_string().len() + 7,
        Value::Percent(_) => 7,
        Value::Date(_) => 10,
        Value::DateTime(_) => 16,
        Value::Bool(_) => 5,
    }
}

pub(crate) fn set_widths(sheet: &mut Worksheet, widths: &[usize]) -> std::result::Result<(), XlsxError> {
    for (i, w) in widths.iter().enumerate() {
        sheet.set_column_width(i as u16, (*w).clamp(6, 60) as f64 + 2.0)?;
    }
    Ok(())
}

/// Names the sheet after the report or profile, within Excel's rules for sheet names (31
/// characters, none of `[]:*?/\`); a name Excel still refuses leaves the default "Sheet1".
pub(crate) fn name_sheet(sheet: &mut Worksheet, name: &str) {
    let name: String = name.chars().filter(|c| !"[]:*?/\\'".contains(*c)).take(31).collect();
    if !name.trim().is_empty() {
        let _ = sheet.set_name(name.trim());
    }
}

/// Streams rows into a one-sheet workbook (an export profile's file): the header bold and
/// frozen, then each row as it comes, held in a temporary file rather than in memory.
pub struct SheetWriter {
    book: Workbook,
    formats: Formats,
    row: u32,
}

impl SheetWriter {
    /// `widths`: each column's width in characters, known before the rows (a streamed sheet
    /// writes its columns' widths first).
    pub fn new(name: &str, headers: Option<&[&str]>, widths: &[usize]) -> Result<SheetWriter> {
        let mut book = Workbook::new();
        // An export's amounts carry no currency: the locale only places a currency's symbol.
        let formats = Formats::new(Locale::En);
        let sheet = book.add_worksheet_with_constant_memory().map_err(xlsx)?;
        name_sheet(sheet, name);
        set_widths(sheet, widths).map_err(xlsx)?;
        let mut row = 0;
        if let Some(headers) = headers {
            for (i, h) in headers.iter().enumerate() {
                sheet.write_string_with_format(0, i as u16, *h, &formats.header).map_err(xlsx)?;
            }
            sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
            row = 1;
        }
        Ok(SheetWriter { book, formats, row })
    }

    pub fn record(&mut self, values: &[Value]) -> Result<()> {
        let sheet = self.book.worksheet_from_index(0).map_err(xlsx)?;
        for (i, v) in values.iter().enumerate() {
            write_value(sheet, &mut self.formats, self.row, i as u16, v, false).map_err(xlsx)?;
        }
        self.row += 1;
        Ok(())
    }

    /// Writes the workbook into `out` (an export's temporary file).
    pub fn finish<W: Write + Seek + Send>(mut self, out: W) -> Result<()> {
        self.book.save_to_writer(out).map_err(xlsx)
    }
}
