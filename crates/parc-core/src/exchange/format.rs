//! A CSV file's format (separator, decimal sign, dates, encoding, line ends) and the cells it
//! holds: how Parc's values are written into it and read back out of it. Parc writes what the
//! `csv` crate does not: a byte-order mark, legacy encodings, decimal commas and neutralised
//! formula cells.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ground::dates::DATE_FORMAT;
use crate::ground::formula;

/// Text encodings an ERP may read or write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-8 with a byte-order mark: what Excel needs to open a UTF-8 file correctly.
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    /// Central European (Polish) Windows code page.
    #[serde(rename = "windows-1250")]
    Windows1250,
    /// Western European (Italian) Windows code page.
    #[serde(rename = "windows-1252")]
    Windows1252,
    /// Baltic (Lithuanian) Windows code page.
    #[serde(rename = "windows-1257")]
    Windows1257,
    /// Excel's "Unicode text"; read only (recognised by its byte-order mark).
    #[serde(rename = "utf-16le")]
    Utf16le,
    #[serde(rename = "utf-16be")]
    Utf16be,
    /// Chinese national standard (a superset of GBK and GB2312): what Chinese Windows
    /// programs save; read only.
    #[serde(rename = "gb18030")]
    Gb18030,
}

impl Encoding {
    /// The encodings an export can write.
    pub const WRITABLE: [Encoding; 5] =
        [Encoding::Utf8Bom, Encoding::Utf8, Encoding::Windows1250, Encoding::Windows1257, Encoding::Windows1252];

    pub fn code(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Windows1250 => "windows-1250",
            Encoding::Windows1252 => "windows-1252",
            Encoding::Windows1257 => "windows-1257",
            Encoding::Utf16le => "utf-16le",
            Encoding::Utf16be => "utf-16be",
            Encoding::Gb18030 => "gb18030",
        }
    }

    pub fn parse(code: &str) -> Option<Encoding> {
        let code = code.trim().to_ascii_lowercase().replace('_', "-");
        [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Windows1250,
            Encoding::Windows1252,
            Encoding::Windows1257,
            Encoding::Utf16le,
            Encoding::Utf16be,
            Encoding::Gb18030,
        ]
        .into_iter()
        .find(|e| {
            e.code() == code
                || (code == "cp1250" && *e == Encoding::Windows1250)
                || (matches!(code.as_str(), "gbk" | "gb2312") && *e == Encoding::Gb18030)
        })
    }

    pub(crate) fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => encoding_rs::UTF_8,
            Encoding::Windows1250 => encoding_rs::WINDOWS_1250,
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
            Encoding::Windows1257 => encoding_rs::WINDOWS_1257,
            Encoding::Utf16le => encoding_rs::UTF_16LE,
            Encoding::Utf16be => encoding_rs::UTF_16BE,
            Encoding::Gb18030 => encoding_rs::GB18030,
        }
    }
}

/// How dates are written: the ERP's convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// 2026-03-07
    Iso,
    /// 07.03.2026 (Polish, German)
    DmyDot,
    /// 07/03/2026 (Italian)
    DmySlash,
    /// 03/07/2026
    MdySlash,
    /// 20260307
    Compact,
}

impl DateFormat {
    pub const ALL: [DateFormat; 5] =
        [DateFormat::Iso, DateFormat::DmyDot, DateFormat::DmySlash, DateFormat::MdySlash, DateFormat::Compact];

    pub fn pattern(self) -> &'static str {
        match self {
            DateFormat::Iso => "%Y-%m-%d",
            DateFormat::DmyDot => "%d.%m.%Y",
            DateFormat::DmySlash => "%d/%m/%Y",
            DateFormat::MdySlash => "%m/%d/%Y",
            DateFormat::Compact => "%Y%m%d",
        }
    }

    /// The pattern as a person reads it (shown in the profile editor).
    pub fn example(self) -> &'static str {
        match self {
            DateFormat::Iso => "2026-03-07",
            DateFormat::DmyDot => "07.03.2026",
            DateFormat::DmySlash => "07/03/2026",
            DateFormat::MdySlash => "03/07/2026",
            DateFormat::Compact => "20260307",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineEnding {
    /// RFC 4180 and Windows.
    Crlf,
    Lf,
}

/// What kind of file an export profile writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Text with separators, in the encoding and with the decimal sign below.
    #[default]
    Csv,
    /// An Excel workbook: numbers, money and dates as typed cells, text as text (the
    /// separator, encoding, decimal sign and date format do not apply).
    Xlsx,
}

impl FileKind {
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Csv => "csv",
            FileKind::Xlsx => "xlsx",
        }
    }
}

/// The format of a file: written exactly so by an export, read so by an import (whose
/// encoding and separator are detected unless the person chose them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileFormat {
    /// `;` (the Italian, Polish and Lithuanian Excel), `,`, tab or `|`.
    pub delimiter: char,
    /// `,` or `.`.
    pub decimal: char,
    pub date_format: DateFormat,
    pub encoding: Encoding,
    pub line_ending: LineEnding,
    /// A text cell that a spreadsheet would run as a formula gets a leading `'`. On by
    /// default; an ERP that needs raw values may turn it off.
    pub neutralise: bool,
    /// The first line names the columns.
    pub header: bool,
    /// CSV or Excel (exports; an import tells a workbook by its content).
    pub kind: FileKind,
}

impl Default for FileFormat {
    fn default() -> Self {
        FileFormat {
            delimiter: ';',
            decimal: ',',
            date_format: DateFormat::Iso,
            encoding: Encoding::Utf8Bom,
            line_ending: LineEnding::Crlf,
            neutralise: true,
            header: true,
            kind: FileKind::Csv,
        }
    }
}

pub const DELIMITERS: [char; 4] = [';', ',', '\t', '|'];

impl FileFormat {
    /// Checks what a person may have typed in the profile editor.
    pub fn problems(&self) -> Vec<crate::ground::error::FieldError> {
        let mut out = Vec::new();
        if !DELIMITERS.contains(&self.delimiter) {
            out.push(crate::ground::error::FieldError::new("delimiter", "validation.choice"));
        }
        if !matches!(self.decimal, ',' | '.') || self.decimal == self.delimiter {
            out.push(crate::ground::error::FieldError::new("decimal", "validation.exchange_decimal"));
        }
        out
    }

    pub fn line_end(&self) -> &'static str {
        match self.line_ending {
            LineEnding::Crlf => "\r\n",
            LineEnding::Lf => "\n",
        }
    }

    /// Integer minor units as a decimal number with two places and the file's decimal sign,
    /// without grouping: `-1234,56`.
    pub fn money(&self, minor: i64) -> String {
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        format!("{sign}{}{}{:02}", abs / 100, self.decimal, abs % 100)
    }

    /// Reads an amount written with the file's decimal sign, grouped or not ("1.234,56",
    /// "1 234,56", "1234.5", "-12"), into integer minor units. `None` when it is not one.
    pub fn parse_money(&self, text: &str) -> Option<i64> {
        let (negative, whole, frac) = self.split_number(text)?;
        if frac.len() > 2 {
            return None;
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
        let frac: i64 = format!("{frac:0<2}").parse().ok()?;
        let minor = whole.checked_mul(100).and_then(|w| w.checked_add(frac))?;
        Some(if negative { -minor } else { minor })
    }

    /// Reads a whole number, grouped or not; a fraction of zeros is allowed ("12,00").
    pub fn parse_integer(&self, text: &str) -> Option<i64> {
        let (negative, whole, frac) = self.split_number(text)?;
        if whole.is_empty() || frac.chars().any(|c| c != '0') {
            return None;
        }
        let n: i64 = whole.parse().ok()?;
        Some(if negative { -n } else { n })
    }

    /// Sign, whole digits and fraction digits of a number as written in the file: spaces,
    /// no-break spaces and apostrophes group thousands, and so does the separator that is not
    /// the file's decimal sign. A group has exactly three digits, so "95000.50" in a file of
    /// decimal commas is refused rather than read as 9,500,050.
    fn split_number(&self, text: &str) -> Option<(bool, String, String)> {
        let t = text.trim();
        let (negative, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let group = if self.decimal == ',' { '.' } else { ',' };
        let (whole_part, frac) = match t.split_once(self.decimal) {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        if !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let groups: Vec<&str> = whole_part.split([group, ' ', '\u{a0}', '\u{202f}', '\'']).collect();
        if groups.iter().any(|g| !g.chars().all(|c| c.is_ascii_digit()))
            || groups.iter().skip(1).any(|g| g.len() != 3)
            || (groups.len() > 1 && groups[0].is_empty())
        {
            return None;
        }
        let whole: String = groups.concat();
        if (whole.is_empty() && frac.is_empty()) || whole.len() > 15 {
            return None;
        }
        Some((negative, whole, frac.to_string()))
    }

    /// Basis points as a percentage with the file's decimal sign: `1250` → `12,5`, `2200` → `22`.
    pub fn percent(&self, bp: i64) -> String {
        let sign = if bp < 0 { "-" } else { "" };
        let abs = bp.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        if frac == 0 {
            format!("{sign}{whole}")
        } else {
            let frac = format!("{frac:02}");
            format!("{sign}{whole}{}{}", self.decimal, frac.trim_end_matches('0'))
        }
    }

    /// A canonical decimal (`-1234.5`, as the office's number fields keep them) in the file's
    /// way.
    pub fn decimal_text(&self, canonical: &str) -> String {
        canonical.replacen('.', &self.decimal.to_string(), 1)
    }

    /// A decimal written in the file's way as canonical text; `None` when it is not a number.
    pub fn parse_decimal(&self, text: &str) -> Option<String> {
        let (negative, whole, frac) = self.split_number(text)?;
        let whole = if whole.is_empty() { "0".to_string() } else { whole };
        let sign = if negative { "-" } else { "" };
        Some(if frac.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole}.{frac}") })
    }

    /// A stored day (`YYYY-MM-DD`) in the file's date format; anything else as it is.
    pub fn date(&self, ymd: &str) -> String {
        match NaiveDate::parse_from_str(ymd, DATE_FORMAT) {
            Ok(d) => d.format(self.date_format.pattern()).to_string(),
            Err(_) => ymd.to_string(),
        }
    }

    /// A day in the file's date format (or ISO, which every file may use) as `YYYY-MM-DD`.
    pub fn parse_date(&self, text: &str) -> Option<String> {
        let t = text.trim();
        // A spreadsheet may add a time of midnight to a date.
        let t = t.strip_suffix(" 00:00:00").or_else(|| t.strip_suffix(" 00:00")).unwrap_or(t);
        NaiveDate::parse_from_str(t, self.date_format.pattern())
            .or_else(|_| NaiveDate::parse_from_str(t, DATE_FORMAT))
            .map(|d| d.format(DATE_FORMAT).to_string())
            .ok()
    }

    /// A stored local time (`YYYY-MM-DDTHH:MM`) as the file's date and `HH:MM`.
    pub fn datetime(&self, value: &str) -> String {
        match value.split_once('T') {
            Some((day, time)) => format!("{} {}", self.date(day), time),
            None => self.date(value),
        }
    }

    /// A text cell as the file holds it: neutralised against formula injection
    /// ([`crate::ground::formula`]) when the format says so.
    pub fn text<'a>(&self, value: &'a str) -> std::borrow::Cow<'a, str> {
        if self.neutralise {
            formula::neutralise(value)
        } else {
            std::borrow::Cow::Borrowed(value)
        }
    }

    /// A text cell read back: the `'` an export put before a formula character comes off.
    pub fn untext<'a>(&self, cell: &'a str) -> &'a str {
        if self.neutralise {
            formula::unneutralise(cell)
        } else {
            cell
        }
    }
}

/// Reads a yes/no cell: `1`/`0`, `true`/`false`, `yes`/`no`, `x`, and the words of the five
/// languages. `None` for anything else; an empty cell is no.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = crate::ground::search_key::fold(text.trim());
    match t.as_str() {
        "1" | "true" | "yes" | "y" | "x" | "si" | "tak" | "t" | "taip" | "是" => Some(true),
        "" | "0" | "false" | "no" | "n" | "nie" | "ne" | "否" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comma() -> FileFormat {
        FileFormat::default()
    }

    fn point() -> FileFormat {
        FileFormat { decimal: '.', delimiter: ',', ..Default::default() }
    }

    #[test]
    fn money_is_written_with_the_files_decimal_sign_and_read_back_grouped_or_not() {
        assert_eq!(comma().money(123456), "1234,56");
        assert_eq!(comma().money(-5), "-0,05");
        assert_eq!(point().money(100), "1.00");
        for (text, minor) in [("1.234,56", 123456), ("1 234,5", 123450), ("-12", -1200), ("0,07", 7), (",5", 50)] {
            assert_eq!(comma().parse_money(text), Some(minor), "{text}");
        }
        assert_eq!(point().parse_money("1,234.56"), Some(123456));
        for bad in ["", "1,234", "12a", "1,2,3", "1.000.000.000.000.000.000"] {
            assert!(comma().parse_money(bad).is_none() || bad == "1,234", "{bad}");
        }
        assert_eq!(comma().parse_money("1,234"), None, "three decimals");
        assert_eq!(comma().parse_integer("1.200"), Some(1200));
        assert_eq!(comma().parse_integer("12,00"), Some(12));
        assert_eq!(comma().parse_integer("12,5"), None);
        assert_eq!(comma().parse_decimal("-1.234,5"), Some("-1234.5".into()));
        assert_eq!(comma().parse_money("95000.50"), None, "a point that cannot group thousands");
        assert_eq!(comma().parse_money("1.2345,00"), None);
        assert_eq!(point().parse_money("95000.50"), Some(9_500_050));
        assert_eq!(
            (comma().percent(1250), comma().percent(2200), point().percent(5)),
            ("12,5".into(), "22".into(), "0.05".into())
        );
    }

    #[test]
    fn dates_follow_the_profile_and_iso_is_always_understood() {
        let pl = FileFormat { date_format: DateFormat::DmyDot, ..Default::default() };
        assert_eq!(pl.date("2026-03-07"), "07.03.2026");
        assert_eq!(pl.parse_date("7.3.2026"), Some("2026-03-07".into()));
        assert_eq!(pl.parse_date("2026-03-07"), Some("2026-03-07".into()));
        assert_eq!(pl.parse_date("31.02.2026"), None);
        assert_eq!(pl.datetime("2026-03-07T09:30"), "07.03.2026 09:30");
    }

    #[test]
    fn formula_cells_are_neutralised_only_when_the_format_says_so() {
        assert_eq!(comma().text("=1+1"), "'=1+1");
        assert_eq!(comma().untext("'=1+1"), "=1+1");
        let raw = FileFormat { neutralise: false, ..Default::default() };
        assert_eq!(raw.text("=1+1"), "=1+1");
        assert_eq!(raw.untext("'=1+1"), "'=1+1");
    }

    #[test]
    fn encodings_are_named_as_people_know_them() {
        for e in Encoding::WRITABLE.into_iter().chain([Encoding::Utf16le, Encoding::Utf16be]) {
            assert_eq!(serde_json::to_value(e).unwrap(), e.code());
            assert_eq!(Encoding::parse(e.code()), Some(e));
        }
    }

    #[test]
    fn yes_and_no_in_five_languages() {
        for yes in ["1", "TRUE", "Sì", "tak", "Taip", "x"] {
            assert_eq!(parse_bool(yes), Some(true), "{yes}");
        }
        for no in ["", "0", "No", "nie", "ne"] {
            assert_eq!(parse_bool(no), Some(false), "{no}");
        }
        assert!(parse_bool("maybe").is_none());
    }
}
