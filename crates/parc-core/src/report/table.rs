//! The one shape of every report.

use super::*;

/// How a column's cells are written and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Text,
    Integer,
    /// A number with one decimal (contacts per day, hours).
    Decimal,
    /// Integer minor units of the column's currency.
    Money,
    /// Percent with one decimal (37.5 is 37.5 %).
    Percent,
    /// `YYYY-MM-DD`.
    Date,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// A catalogue key (or, for a column per salesperson, `user.<id>`).
    pub key: String,
    /// The heading in the report's language (money columns name their currency).
    pub label: String,
    pub kind: ColumnKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// One cell: text, a whole number (integers and money in minor units), a decimal number
/// (decimal and percent columns), or nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Int(i64),
    Num(f64),
    Text(String),
    Empty(()),
}

impl Cell {
    pub(super) fn opt_num(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty(()), Cell::Num)
    }

    pub(super) fn opt_int(v: Option<i64>) -> Cell {
        v.map_or(Cell::Empty(()), Cell::Int)
    }

    pub(super) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
}

/// A report as a table: what the screen shows under its chart, what a CSV file holds and what
/// printing lays out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportTable {
    /// The report's kind ([`ReportKind::code`]).
    pub kind: String,
    pub title_key: String,
    /// The title and what it covers (period, currency), in the report's language.
    pub title: String,
    pub subtitle: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// The totals, when the columns add up.
    #[serde(default)]
    pub total: Option<Vec<Cell>>,
}

/// A picture of a report, computed here, drawn by the screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Chart {
    None,
    /// One row of bars per label: the series side by side, or stacked into one bar.
    Bars {
        labels: Vec<String>,
        series: Vec<Series>,
        unit: ColumnKind,
        currency: Option<String>,
        stacked: bool,
    },
    /// A line per series across the labels (years, left to right).
    Lines {
        labels: Vec<String>,
        series: Vec<Series>,
        unit: ColumnKind,
    },
    /// The customer pyramid, top tier first.
    Pyramid {
        tiers: Vec<TierFigures>,
        unit: ColumnKind,
        currency: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub label: String,
    /// One per label; `None` where there is nothing to draw.
    pub values: Vec<Option<f64>>,
}

/// What a report answers: its table, its picture, and the figures a screen needs beside them.
#[derive(Debug, Clone, Serialize)]
pub struct ReportOutput {
    pub kind: ReportKind,
    pub from: String,
    pub to: String,
    /// The currency of the money columns, and every currency deals are in.
    pub currency: Option<String>,
    pub currencies: Vec<String>,
    pub table: ReportTable,
    pub chart: Chart,
    /// The report's own figures (the pyramid's settings and ranking, the seven P's…).
    pub data: serde_json::Value,
}

/// Names for people, stages, reasons and categories in one language: what turns figures into a
/// table a person reads.
pub struct Labels<'a> {
    pub locale: Locale,
    pub users: &'a [User],
    pub process: &'a StageSettings,
    pub reasons: &'a ReasonSettings,
}

impl Labels<'_> {
    pub fn t(&self, key: &str) -> String {
        tr(self.locale, key).to_string()
    }

    /// A user's name; deals and contacts of nobody are "no salesperson".
    pub fn user(&self, id: Option<i64>) -> String {
        match id.and_then(|id| self.users.iter().find(|u| u.id == id)) {
            Some(u) => u.data.name.clone(),
            None => self.t("report.nobody"),
        }
    }

    pub fn stage(&self, id: i64) -> String {
        self.process.stage(id).map(|s| name_in(&s.names, self.locale.code()).to_string()).unwrap_or_default()
    }

    pub fn reason(&self, kind: StageKind, code: &str) -> String {
        if code.is_empty() {
            return self.t("report.no_reason");
        }
        let list = if kind == StageKind::Lost { &self.reasons.lost } else { &self.reasons.postponed };
        list.iter()
            .find(|r| r.code == code)
            .map(|r| name_in(&r.names, self.locale.code()).to_string())
            .unwrap_or_else(|| code.to_string())
    }

    /// A vehicle category: the catalogue's word, or the office's own as typed.
    pub fn category(&self, code: &str) -> String {
        let key = format!("fleet.category.{code}");
        match tr(self.locale, &key) {
            k if k == key => code.to_string(),
            word => word.to_string(),
        }
    }

    pub(super) fn column(&self, key: &str, kind: ColumnKind) -> Column {
        Column { key: key.to_string(), label: self.t(key), kind, currency: None }
    }

    pub(super) fn money(&self, key: &str, currency: &str) -> Column {
        Column {
            key: key.to_string(),
            label: format!("{} ({currency})", self.t(key)),
            kind: ColumnKind::Money,
            currency: Some(currency.to_string()),
        }
    }

    pub(super) fn user_column(&self, id: Option<i64>, kind: ColumnKind) -> Column {
        Column {
            key: id.map_or_else(|| "report.nobody".to_string(), |i| format!("user.{i}")),
            label: self.user(id),
            kind,
            currency: None,
        }
    }

    pub(super) fn subtitle(&self, period: &Period, currency: Option<&str>) -> String {
        let f = self.locale.format();
        let mut s = trf(self.locale, "report.period", &[("from", &f.date(period.from)), ("to", &f.date(period.to))]);
        if let Some(c) = currency {
            s.push_str(" · ");
            s.push_str(c);
        }
        s
    }

    pub(super) fn table(&self, kind: ReportKind, subtitle: String, columns: Vec<Column>) -> ReportTable {
        ReportTable {
            kind: kind.code().to_string(),
            title_key: kind.title_key(),
            title: self.t(&kind.title_key()),
            subtitle,
            columns,
            rows: Vec::new(),
            total: None,
        }
    }
}
