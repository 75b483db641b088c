//! What the sales manager reads: each salesperson's activity side by side, the cost and time of
//! selling, the customer pyramid, market share by segment and year, and the seven P's of one
//! customer. Pure arithmetic over small groups the store aggregates (per salesperson, day,
//! kind…), never over every contact or deal one by one, so a report over a hundred thousand
//! customers answers at once; and the one shape every report also takes, [`ReportTable`], which
//! the screens show, CSV files carry and printing lays out.
//!
//! # Definitions
//! - A **period** is whole days, both ends included ([`Period`]); without one, the current
//!   month and the two before it.
//! - A customer **had bought** from us before a day when it has a deal won before that day, or
//!   vehicles of one of our brands (the office's fleet settings) registered in an earlier year.
//!   Such a customer is an **existing** customer on that day; any other is **new**.
//! - **New prospects** of a salesperson: customers that had not bought from us, with whom the
//!   salesperson opened a deal in the period (each customer once per salesperson).
//! - **Orders won**: deals won in the period (closed on a day in it). Their value is split by
//!   whether the customer had bought before the day the deal was won.
//! - **Contacts** count by the salesperson who made them (`user_id`) on the day they happened;
//!   new or existing as the customer was on that day when the contact was logged or corrected;
//!   by role, a contact counts once under each role among the people met (no person, or a
//!   person without a role: "not recorded"). Per day is over working days (Monday to Friday),
//!   per week over the period's days ÷ 7.
//! - **Products sold**: the vehicles of the deals won; a deal's value is shared among its lines
//!   by vehicle count (the remainder on the last line), so the lines add up to the deal.
//! - **Deals moved forward** from a stage: moves to a later step of the ladder (won included)
//!   made in the period; **average days** in a stage: over every move out of it in the period.
//! - **Cost of selling**: the time of a salesperson's contacts in the period at the office's
//!   hourly cost, per order won in the period; **deals worked** are those open at some moment
//!   of the period.
//! - Amounts in different currencies are never added up: money columns show one currency (the
//!   one asked for, else the most used); counts count every deal.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::contact::{CONTACT_KINDS, DATE_FORMAT};
use crate::deal::{name_in, ReasonSettings, StageKind, StageSettings, VehicleLine};
use crate::error::{Error, FieldError, Result};
use crate::formula;
use crate::i18n::{tr, trf, Locale};
use crate::person::DECISION_ROLES;
use crate::share::MarketShare;
use crate::user::{User, UserRole};

// --- what a report is asked ---

/// The reports, by the name `parc-cli report --kind` and the screens use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    /// New prospects against orders won; the value of new contracts from new and existing customers.
    Activity,
    /// Contacts per day and week, new and existing customers, by type, time spent.
    Contacts,
    /// Contacts by the role of the person met.
    ContactRoles,
    /// Vehicles sold by category and model.
    Products,
    /// Deals won, lost and postponed.
    Outcomes,
    /// Why deals were lost or postponed.
    Reasons,
    /// The competitors that won the deals we lost.
    Competitors,
    /// Deals moved forward per stage, and the average days per stage.
    Stages,
    /// The time and cost of selling per deal and per order.
    Cost,
    /// The customer pyramid: tiers A, B and C.
    Pyramid,
    /// Customers that moved tier in the period.
    PyramidMovers,
    /// Market share (QM) by segment and year of registration.
    Market,
    /// The seven P's of one customer.
    Customer,
}

impl ReportKind {
    pub const ALL: [ReportKind; 13] = [
        ReportKind::Activity,
        ReportKind::Contacts,
        ReportKind::ContactRoles,
        ReportKind::Products,
        ReportKind::Outcomes,
        ReportKind::Reasons,
        ReportKind::Competitors,
        ReportKind::Stages,
        ReportKind::Cost,
        ReportKind::Pyramid,
        ReportKind::PyramidMovers,
        ReportKind::Market,
        ReportKind::Customer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportKind::Activity => "activity",
            ReportKind::Contacts => "contacts",
            ReportKind::ContactRoles => "contact-roles",
            ReportKind::Products => "products",
            ReportKind::Outcomes => "outcomes",
            ReportKind::Reasons => "reasons",
            ReportKind::Competitors => "competitors",
            ReportKind::Stages => "stages",
            ReportKind::Cost => "cost",
            ReportKind::Pyramid => "pyramid",
            ReportKind::PyramidMovers => "pyramid-movers",
            ReportKind::Market => "market",
            ReportKind::Customer => "customer",
        }
    }

    pub fn parse(code: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// The catalogue key of its title; `report.<kind>.hint` explains it.
    pub fn title_key(self) -> String {
        format!("report.{}.title", self.code().replace('-', "_"))
    }
}

/// What a report is asked for. Empty fields take their defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    /// `YYYY-MM-DD`, both included; see [`Period::resolve`].
    pub from: Option<String>,
    pub to: Option<String>,
    /// The currency of money columns; default: the one most deals are in.
    pub currency: Option<String>,
    /// Only this salesperson (products, reasons, competitors, stages).
    pub owner_id: Option<i64>,
    /// The customer of the seven P's.
    pub customer_id: Option<i64>,
    /// Only the customers of this saved segment, as of the day the report is asked.
    pub segment_id: Option<i64>,
}

/// Whole days from `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn parse_day(text: Option<&str>, field: &'static str) -> Result<Option<NaiveDate>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => {
            NaiveDate::parse_from_str(t, DATE_FORMAT).map(Some).map_err(|_| Error::invalid(field, "validation.date"))
        }
    }
}

impl Period {
    /// The period asked for: `to` defaults to `today`, `from` to the first day of the month two
    /// months before `to`'s (the current month and the two before it). `from` after `to` is
    /// refused.
    pub fn resolve(from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Result<Period> {
        let (f, t) = (parse_day(from, "from"), parse_day(to, "to"));
        let mut errors = Vec::new();
        for e in [&f, &t].into_iter().filter_map(|r| r.as_ref().err()) {
            if let Error::Validation(list) = e {
                errors.extend(list.iter().cloned());
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let to = t?.unwrap_or(today);
        let from = match f? {
            Some(d) => d,
            None => to.with_day(1).expect("day 1 exists") - Months::new(2),
        };
        if from > to {
            return Err(Error::invalid("to", "validation.period_order"));
        }
        Ok(Period { from, to })
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Monday to Friday in the period.
    pub fn working_days(&self) -> i64 {
        let full_weeks = self.days() / 7;
        let mut n = full_weeks * 5;
        let mut d = self.from + chrono::Days::new(full_weeks as u64 * 7);
        while d <= self.to {
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                n += 1;
            }
            d = d + chrono::Days::new(1);
        }
        n
    }

    pub fn start(&self) -> String {
        self.from.format(DATE_FORMAT).to_string()
    }

    pub fn end(&self) -> String {
        self.to.format(DATE_FORMAT).to_string()
    }

    /// The day after the period: stamps (`YYYY-MM-DDT…`) before it are in the period.
    pub fn after(&self) -> String {
        (self.to + chrono::Days::new(1)).format(DATE_FORMAT).to_string()
    }
}

// --- the one shape of every report ---

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
    fn opt_num(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty(()), Cell::Num)
    }

    fn opt_int(v: Option<i64>) -> Cell {
        v.map_or(Cell::Empty(()), Cell::Int)
    }

    fn text(s: impl Into<String>) -> Cell {
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

    fn column(&self, key: &str, kind: ColumnKind) -> Column {
        Column { key: key.to_string(), label: self.t(key), kind, currency: None }
    }

    fn money(&self, key: &str, currency: &str) -> Column {
        Column {
            key: key.to_string(),
            label: format!("{} ({currency})", self.t(key)),
            kind: ColumnKind::Money,
            currency: Some(currency.to_string()),
        }
    }

    fn user_column(&self, id: Option<i64>, kind: ColumnKind) -> Column {
        Column {
            key: id.map_or_else(|| "report.nobody".to_string(), |i| format!("user.{i}")),
            label: self.user(id),
            kind,
            currency: None,
        }
    }

    fn subtitle(&self, period: &Period, currency: Option<&str>) -> String {
        let f = self.locale.format();
        let mut s = trf(self.locale, "report.period", &[("from", &f.date(period.from)), ("to", &f.date(period.to))]);
        if let Some(c) = currency {
            s.push_str(" · ");
            s.push_str(c);
        }
        s
    }

    fn table(&self, kind: ReportKind, subtitle: String, columns: Vec<Column>) -> ReportTable {
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

// --- small arithmetic ---

/// `part` of `whole` in percent, to one decimal; `None` when there is no whole.
pub fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// `a / b` to one decimal; `None` when `b` is zero.
pub fn ratio(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| (a as f64 * 10.0 / b as f64).round() / 10.0)
}

/// Minutes as hours to one decimal.
pub fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 6.0).round() / 10.0
}

/// `a / b` rounded half up in integers (money per order); `None` when `b` is zero.
pub fn per(a: i64, b: i64) -> Option<i64> {
    (b > 0).then(|| ((i128::from(a) * 2 + i128::from(b)) / (2 * i128::from(b))) as i64)
}

/// The rows of a report per salesperson: the salespeople listed (active ones, by name) first,
/// then anyone else with figures, then deals and contacts of nobody.
pub fn owner_order(listed: &[i64], seen: impl IntoIterator<Item = Option<i64>>) -> Vec<Option<i64>> {
    let mut out: Vec<Option<i64>> = listed.iter().map(|&id| Some(id)).collect();
    let mut others: BTreeSet<i64> = BTreeSet::new();
    let mut nobody = false;
    for s in seen {
        match s {
            Some(id) if !listed.contains(&id) => {
                others.insert(id);
            }
            Some(_) => {}
            None => nobody = true,
        }
    }
    out.extend(others.into_iter().map(Some));
    if nobody {
        out.push(None);
    }
    out
}

/// The salespeople a report lists even without figures: active salespeople, by name.
pub fn listed_sellers(users: &[User]) -> Vec<i64> {
    let mut sellers: Vec<&User> =
        users.iter().filter(|u| u.data.active && u.data.role == UserRole::Salesperson).collect();
    sellers.sort_by_key(|u| crate::search_key::fold(&u.data.name));
    sellers.into_iter().map(|u| u.id).collect()
}

// --- salesperson activity: prospects, orders and the value of new contracts ---

/// Deals an owner opened in the period, and with how many customers that had not bought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedGroup {
    pub owner_id: Option<i64>,
    pub deals: i64,
    pub prospects: i64,
}

/// Deals won in the period by an owner, in a currency, from existing customers or new ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WonGroup {
    pub owner_id: Option<i64>,
    pub currency: String,
    pub existing: bool,
    pub deals: i64,
    pub value: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ActivityRow {
    pub owner_id: Option<i64>,
    pub deals_opened: i64,
    pub prospects: i64,
    /// Deals won, every currency.
    pub orders: i64,
    /// Orders won per new prospect, in percent.
    pub ratio: Option<f64>,
    /// Value won in the report's currency, from new and from existing customers.
    pub value_new: i64,
    pub value_existing: i64,
    pub existing_share: Option<f64>,
}

/// One row per salesperson (see [`owner_order`]) and the office's total.
pub fn activity(
    listed: &[i64],
    opened: &[OpenedGroup],
    won: &[WonGroup],
    currency: &str,
) -> (Vec<ActivityRow>, ActivityRow) {
    let order = owner_order(listed, opened.iter().map(|g| g.owner_id).chain(won.iter().map(|g| g.owner_id)));
    let mut rows: BTreeMap<Option<i64>, ActivityRow> =
        order.iter().map(|&o| (o, ActivityRow { owner_id: o, ..Default::default() })).collect();
    for g in opened {
        let r = rows.get_mut(&g.owner_id).expect("every owner has a row");
        r.deals_opened += g.deals;
        r.prospects += g.prospects;
    }
    for g in won {
        let r = rows.get_mut(&g.owner_id).expect("every owner has a row");
        r.orders += g.deals;
        if g.currency == currency {
            if g.existing {
                r.value_existing += g.value;
            } else {
                r.value_new += g.value;
            }
        }
    }
    let mut total = ActivityRow::default();
    let finish = |r: &mut ActivityRow| {
        r.ratio = pct(r.orders, r.prospects);
        r.existing_share = pct(r.value_existing, r.value_new + r.value_existing);
    };
    let mut out = Vec::with_capacity(order.len());
    for o in order {
        let mut r = rows.remove(&o).expect("every owner has a row");
        finish(&mut r);
        total.deals_opened += r.deals_opened;
        total.prospects += r.prospects;
        total.orders += r.orders;
        total.value_new += r.value_new;
        total.value_existing += r.value_existing;
        out.push(r);
    }
    finish(&mut total);
    (out, total)
}

pub fn activity_table(
    l: &Labels,
    period: &Period,
    currency: &str,
    rows: &[ActivityRow],
    total: &ActivityRow,
) -> (ReportTable, Chart) {
    let columns = vec![
        l.column("report.col.salesperson", ColumnKind::Text),
        l.column("report.col.deals_opened", ColumnKind::Integer),
        l.column("report.col.prospects", ColumnKind::Integer),
        l.column("report.col.orders", ColumnKind::Integer),
        l.column("report.col.orders_per_prospect", ColumnKind::Percent),
        l.money("report.col.value_new", currency),
        l.money("report.col.value_existing", currency),
        l.money("report.col.value_total", currency),
        l.column("report.col.existing_share", ColumnKind::Percent),
    ];
    let mut table = l.table(ReportKind::Activity, l.subtitle(period, Some(currency)), columns);
    let cells = |name: String, r: &ActivityRow| {
        vec![
            Cell::text(name),
            Cell::Int(r.deals_opened),
            Cell::Int(r.prospects),
            Cell::Int(r.orders),
            Cell::opt_num(r.ratio),
            Cell::Int(r.value_new),
            Cell::Int(r.value_existing),
            Cell::Int(r.value_new + r.value_existing),
            Cell::opt_num(r.existing_share),
        ]
    };
    table.rows = rows.iter().map(|r| cells(l.user(r.owner_id), r)).collect();
    table.total = Some(cells(l.t("report.total"), total));
    let chart = Chart::Bars {
        labels: rows.iter().map(|r| l.user(r.owner_id)).collect(),
        series: vec![
            Series {
                label: l.t("report.col.prospects"),
                values: rows.iter().map(|r| Some(r.prospects as f64)).collect(),
            },
            Series { label: l.t("report.col.orders"), values: rows.iter().map(|r| Some(r.orders as f64)).collect() },
        ],
        unit: ColumnKind::Integer,
        currency: None,
        stacked: false,
    };
    (table, chart)
}

// --- contacts: per day and week, new and existing customers, by type and by role ---

/// Contacts a user made of a kind, with new or existing customers, and their minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactGroup {
    pub user_id: Option<i64>,
    pub kind: String,
    pub existing: bool,
    pub contacts: i64,
    pub minutes: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ContactRow {
    pub user_id: Option<i64>,
    pub contacts: i64,
    pub per_day: Option<f64>,
    pub per_week: Option<f64>,
    pub new_customers: i64,
    pub existing_customers: i64,
    /// In the order of [`CONTACT_KINDS`].
    pub by_kind: Vec<i64>,
    pub minutes: i64,
}

pub fn contacts(listed: &[i64], groups: &[ContactGroup], period: &Period) -> (Vec<ContactRow>, ContactRow) {
    let order = owner_order(listed, groups.iter().map(|g| g.user_id));
    let blank = |u| ContactRow { user_id: u, by_kind: vec![0; CONTACT_KINDS.len()], ..Default::default() };
    let mut rows: BTreeMap<Option<i64>, ContactRow> = order.iter().map(|&u| (u, blank(u))).collect();
    let mut total = blank(None);
    for g in groups {
        let k = CONTACT_KINDS.iter().position(|k| *k == g.kind).unwrap_or(CONTACT_KINDS.len() - 1);
        for r in [rows.get_mut(&g.user_id).expect("every user has a row"), &mut total] {
            r.contacts += g.contacts;
            r.minutes += g.minutes;
            r.by_kind[k] += g.contacts;
            if g.existing {
                r.existing_customers += g.contacts;
            } else {
                r.new_customers += g.contacts;
            }
        }
    }
    let (working, days) = (period.working_days(), period.days());
    let finish = |r: &mut ContactRow| {
        r.per_day = ratio(r.contacts, working);
        r.per_week = ratio(r.contacts * 7, days);
    };
    finish(&mut total);
    let out = order
        .into_iter()
        .map(|u| {
            let mut r = rows.remove(&u).expect("every user has a row");
            finish(&mut r);
            r
        })
        .collect();
    (out, total)
}

pub fn contacts_table(l: &Labels, period: &Period, rows: &[ContactRow], total: &ContactRow) -> (ReportTable, Chart) {
    let mut columns = vec![
        l.column("report.col.user", ColumnKind::Text),
        l.column("report.col.contacts", ColumnKind::Integer),
        l.column("report.col.per_day", ColumnKind::Decimal),
        l.column("report.col.per_week", ColumnKind::Decimal),
        l.column("report.col.with_new", ColumnKind::Integer),
        l.column("report.col.with_existing", ColumnKind::Integer),
    ];
    columns.extend(CONTACT_KINDS.iter().map(|k| l.column(&format!("kind.{k}"), ColumnKind::Integer)));
    columns.push(l.column("report.col.hours", ColumnKind::Decimal));
    let mut table = l.table(ReportKind::Contacts, l.subtitle(period, None), columns);
    let cells = |name: String, r: &ContactRow| {
        let mut c = vec![
            Cell::text(name),
            Cell::Int(r.contacts),
            Cell::opt_num(r.per_day),
            Cell::opt_num(r.per_week),
            Cell::Int(r.new_customers),
            Cell::Int(r.existing_customers),
        ];
        c.extend(r.by_kind.iter().map(|n| Cell::Int(*n)));
        c.push(Cell::Num(hours(r.minutes)));
        c
    };
    table.rows = rows.iter().map(|r| cells(l.user(r.user_id), r)).collect();
    table.total = Some(cells(l.t("report.total"), total));
    let chart = Chart::Bars {
        labels: rows.iter().map(|r| l.user(r.user_id)).collect(),
        series: CONTACT_KINDS
            .iter()
            .enumerate()
            .map(|(k, kind)| Series {
                label: l.t(&format!("kind.{kind}")),
                values: rows.iter().map(|r| Some(r.by_kind[k] as f64)).collect(),
            })
            .collect(),
        unit: ColumnKind::Integer,
        currency: None,
        stacked: true,
    };
    (table, chart)
}

/// Contacts of a user that met someone of a role (`""`: no one, or a role not recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGroup {
    pub user_id: Option<i64>,
    pub role: String,
    pub contacts: i64,
}

/// The roles of the role report, in order: the decision roles, then "not recorded".
pub fn role_columns() -> Vec<&'static str> {
    DECISION_ROLES.iter().copied().chain([""]).collect()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RoleRow {
    pub user_id: Option<i64>,
    pub contacts: i64,
    /// In the order of [`role_columns`].
    pub by_role: Vec<i64>,
    /// Contacts that reached a decision maker, of all contacts.
    pub decision_maker_share: Option<f64>,
}

/// `totals` are each user's contacts (from [`contacts`]): a contact meeting two roles counts
/// under both, so the roles do not add up to them.
pub fn roles(listed: &[i64], groups: &[RoleGroup], totals: &[(Option<i64>, i64)]) -> (Vec<RoleRow>, RoleRow) {
    let roles = role_columns();
    let order = owner_order(listed, groups.iter().map(|g| g.user_id).chain(totals.iter().map(|t| t.0)));
    let blank = |u| RoleRow { user_id: u, by_role: vec![0; roles.len()], ..Default::default() };
    let mut rows: BTreeMap<Option<i64>, RoleRow> = order.iter().map(|&u| (u, blank(u))).collect();
    let mut total = blank(None);
    for g in groups {
        let k = roles.iter().position(|r| *r == g.role).unwrap_or(roles.len() - 1);
        rows.get_mut(&g.user_id).expect("every user has a row").by_role[k] += g.contacts;
        total.by_role[k] += g.contacts;
    }
    for (u, n) in totals {
        rows.get_mut(u).expect("every user has a row").contacts += n;
        total.contacts += n;
    }
    let finish = |r: &mut RoleRow| r.decision_maker_share = pct(r.by_role[0], r.contacts);
    finish(&mut total);
    let out = order
        .into_iter()
        .map(|u| {
            let mut r = rows.remove(&u).expect("every user has a row");
            finish(&mut r);
            r
        })
        .collect();
    (out, total)
}

fn role_label(l: &Labels, role: &str) -> String {
    if role.is_empty() {
        l.t("report.role_unknown")
    } else {
        l.t(&format!("decision_role.{role}"))
    }
}

pub fn roles_table(l: &Labels, period: &Period, rows: &[RoleRow], total: &RoleRow) -> (ReportTable, Chart) {
    let roles = role_columns();
    let mut columns =
        vec![l.column("report.col.user", ColumnKind::Text), l.column("report.col.contacts", ColumnKind::Integer)];
    for r in &roles {
        let key = if r.is_empty() { "report.role_unknown".to_string() } else { format!("decision_role.{r}") };
        columns.push(Column { key, label: role_label(l, r), kind: ColumnKind::Integer, currency: None });
    }
    columns.push(l.column("report.col.decision_maker_share", ColumnKind::Percent));
    let mut table = l.table(ReportKind::ContactRoles, l.subtitle(period, None), columns);
    let cells = |name: String, r: &RoleRow| {
        let mut c = vec![Cell::text(name), Cell::Int(r.contacts)];
        c.extend(r.by_role.iter().map(|n| Cell::Int(*n)));
        c.push(Cell::opt_num(r.decision_maker_share));
        c
    };
    table.rows = rows.iter().map(|r| cells(l.user(r.user_id), r)).collect();
    table.total = Some(cells(l.t("report.total"), total));
    let chart = Chart::Bars {
        labels: rows.iter().map(|r| l.user(r.user_id)).collect(),
        series: roles
            .iter()
            .enumerate()
            .map(|(k, role)| Series {
                label: role_label(l, role),
                values: rows.iter().map(|r| Some(r.by_role[k] as f64)).collect(),
            })
            .collect(),
        unit: ColumnKind::Integer,
        currency: None,
        stacked: true,
    };
    (table, chart)
}

// --- products sold ---

/// A deal won in the period, with what it sold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WonDeal {
    pub owner_id: Option<i64>,
    pub currency: String,
    pub value: i64,
    pub vehicles: Vec<VehicleLine>,
}

/// A deal's value shared among its lines by vehicle count, the remainder on the last line.
pub fn share_value(value: i64, lines: &[VehicleLine]) -> Vec<i64> {
    let total: i64 = lines.iter().map(|v| v.count.max(0)).sum();
    if lines.is_empty() {
        return Vec::new();
    }
    if total == 0 {
        let mut out = vec![0; lines.len()];
        out[lines.len() - 1] = value;
        return out;
    }
    let mut out: Vec<i64> =
        lines.iter().map(|v| (i128::from(value) * i128::from(v.count.max(0)) / i128::from(total)) as i64).collect();
    let rest = value - out.iter().sum::<i64>();
    *out.last_mut().expect("not empty") += rest;
    out
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProductRow {
    pub category: String,
    /// Empty when the deal named no model.
    pub model: String,
    /// Vehicles per salesperson, in the order of the report's owners.
    pub by_owner: Vec<i64>,
    pub vehicles: i64,
    /// Deals with this line.
    pub deals: i64,
    /// Their share of the deals' value, in the report's currency.
    pub value: i64,
}

/// Vehicles sold per category and model (most vehicles first within the office's category
/// order), per salesperson (`owners`, in order).
pub fn products(owners: &[Option<i64>], deals: &[WonDeal], currency: &str, categories: &[String]) -> Vec<ProductRow> {
    let mut rows: BTreeMap<(String, String), ProductRow> = BTreeMap::new();
    for d in deals {
        let shares = share_value(d.value, &d.vehicles);
        let slot = owners.iter().position(|o| *o == d.owner_id);
        let mut seen = BTreeSet::new();
        for (v, share) in d.vehicles.iter().zip(shares) {
            let key = (v.category.clone(), v.model.trim().to_string());
            let r = rows.entry(key.clone()).or_insert_with(|| ProductRow {
                category: key.0.clone(),
                model: key.1.clone(),
                by_owner: vec![0; owners.len()],
                ..Default::default()
            });
            r.vehicles += v.count;
            if let Some(i) = slot {
                r.by_owner[i] += v.count;
            }
            if seen.insert(key) {
                r.deals += 1;
            }
            if d.currency == currency {
                r.value += share;
            }
        }
    }
    let rank = |c: &str| categories.iter().position(|k| k == c).unwrap_or(usize::MAX);
    let mut out: Vec<ProductRow> = rows.into_values().collect();
    out.sort_by(|a, b| {
        rank(&a.category)
            .cmp(&rank(&b.category))
            .then_with(|| a.category.cmp(&b.category))
            .then_with(|| b.vehicles.cmp(&a.vehicles))
            .then_with(|| a.model.cmp(&b.model))
    });
    out
}

pub fn products_table(
    l: &Labels,
    period: &Period,
    currency: &str,
    owners: &[Option<i64>],
    rows: &[ProductRow],
) -> (ReportTable, Chart) {
    let mut columns =
        vec![l.column("report.col.category", ColumnKind::Text), l.column("report.col.model", ColumnKind::Text)];
    columns.extend(owners.iter().map(|o| l.user_column(*o, ColumnKind::Integer)));
    columns.extend([
        l.column("report.col.vehicles", ColumnKind::Integer),
        l.column("report.col.deals", ColumnKind::Integer),
        l.money("report.col.value", currency),
    ]);
    let mut table = l.table(ReportKind::Products, l.subtitle(period, Some(currency)), columns);
    let mut total = ProductRow { by_owner: vec![0; owners.len()], ..Default::default() };
    for r in rows {
        let mut c = vec![Cell::text(l.category(&r.category)), Cell::text(r.model.clone())];
        c.extend(r.by_owner.iter().map(|n| Cell::Int(*n)));
        c.extend([Cell::Int(r.vehicles), Cell::Int(r.deals), Cell::Int(r.value)]);
        table.rows.push(c);
        for (t, n) in total.by_owner.iter_mut().zip(&r.by_owner) {
            *t += n;
        }
        total.vehicles += r.vehicles;
        total.value += r.value;
    }
    let mut c = vec![Cell::text(l.t("report.total")), Cell::text("")];
    c.extend(total.by_owner.iter().map(|n| Cell::Int(*n)));
    c.extend([Cell::Int(total.vehicles), Cell::Empty(()), Cell::Int(total.value)]);
    table.total = Some(c);
    // Vehicles per category, one bar per salesperson.
    let mut cats: Vec<String> = Vec::new();
    for r in rows {
        if !cats.contains(&r.category) {
            cats.push(r.category.clone());
        }
    }
    let series = owners
        .iter()
        .enumerate()
        .map(|(i, o)| Series {
            label: l.user(*o),
            values: cats
                .iter()
                .map(|c| Some(rows.iter().filter(|r| &r.category == c).map(|r| r.by_owner[i]).sum::<i64>() as f64))
                .collect(),
        })
        .collect();
    let chart = Chart::Bars {
        labels: cats.iter().map(|c| l.category(c)).collect(),
        series,
        unit: ColumnKind::Integer,
        currency: None,
        stacked: false,
    };
    (table, chart)
}

// --- won, lost and postponed: reasons and the competitors that won ---

/// Deals an owner closed in the period as won, lost or postponed, in a currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedGroup {
    pub owner_id: Option<i64>,
    pub kind: StageKind,
    pub currency: String,
    pub deals: i64,
    pub value: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OutcomeRow {
    pub owner_id: Option<i64>,
    pub won: i64,
    pub won_value: i64,
    pub lost: i64,
    pub lost_value: i64,
    pub postponed: i64,
    pub postponed_value: i64,
    /// Won ÷ (won + lost), in percent.
    pub win_rate: Option<f64>,
}

pub fn outcomes(listed: &[i64], groups: &[ClosedGroup], currency: &str) -> (Vec<OutcomeRow>, OutcomeRow) {
    let order = owner_order(listed, groups.iter().map(|g| g.owner_id));
    let mut rows: BTreeMap<Option<i64>, OutcomeRow> =
        order.iter().map(|&o| (o, OutcomeRow { owner_id: o, ..Default::default() })).collect();
    let mut total = OutcomeRow::default();
    for g in groups {
        let value = if g.currency == currency { g.value } else { 0 };
        for r in [rows.get_mut(&g.owner_id).expect("every owner has a row"), &mut total] {
            let (n, v) = match g.kind {
                StageKind::Won => (&mut r.won, &mut r.won_value),
                StageKind::Lost => (&mut r.lost, &mut r.lost_value),
                StageKind::Postponed => (&mut r.postponed, &mut r.postponed_value),
                StageKind::Open => continue,
            };
            *n += g.deals;
            *v += value;
        }
    }
    let finish = |r: &mut OutcomeRow| r.win_rate = pct(r.won, r.won + r.lost);
    finish(&mut total);
    let out = order
        .into_iter()
        .map(|o| {
            let mut r = rows.remove(&o).expect("every owner has a row");
            finish(&mut r);
            r
        })
        .collect();
    (out, total)
}

pub fn outcomes_table(
    l: &Labels,
    period: &Period,
    currency: &str,
    rows: &[OutcomeRow],
    total: &OutcomeRow,
) -> (ReportTable, Chart) {
    let columns = vec![
        l.column("report.col.salesperson", ColumnKind::Text),
        l.column("report.col.won", ColumnKind::Integer),
        l.money("report.col.won_value", currency),
        l.column("report.col.lost", ColumnKind::Integer),
        l.money("report.col.lost_value", currency),
        l.column("report.col.postponed", ColumnKind::Integer),
        l.money("report.col.postponed_value", currency),
        l.column("report.col.win_rate", ColumnKind::Percent),
    ];
    let mut table = l.table(ReportKind::Outcomes, l.subtitle(period, Some(currency)), columns);
    let cells = |name: String, r: &OutcomeRow| {
        vec![
            Cell::text(name),
            Cell::Int(r.won),
            Cell::Int(r.won_value),
            Cell::Int(r.lost),
            Cell::Int(r.lost_value),
            Cell::Int(r.postponed),
            Cell::Int(r.postponed_value),
            Cell::opt_num(r.win_rate),
        ]
    };
    table.rows = rows.iter().map(|r| cells(l.user(r.owner_id), r)).collect();
    table.total = Some(cells(l.t("report.total"), total));
    let series = [("report.col.won", 0), ("report.col.lost", 1), ("report.col.postponed", 2)]
        .into_iter()
        .map(|(key, i)| Series {
            label: l.t(key),
            values: rows.iter().map(|r| Some([r.won, r.lost, r.postponed][i] as f64)).collect(),
        })
        .collect();
    let chart = Chart::Bars {
        labels: rows.iter().map(|r| l.user(r.owner_id)).collect(),
        series,
        unit: ColumnKind::Integer,
        currency: None,
        stacked: true,
    };
    (table, chart)
}

/// Deals an owner lost or postponed in the period for a reason, in a currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonGroup {
    pub owner_id: Option<i64>,
    pub kind: StageKind,
    pub reason: String,
    pub currency: String,
    pub deals: i64,
    pub value: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReasonRow {
    pub kind: Option<StageKind>,
    pub reason: String,
    pub by_owner: Vec<i64>,
    pub deals: i64,
    pub value: i64,
    /// Of the deals lost (or postponed) in the period.
    pub share: Option<f64>,
}

/// Lost reasons, then postponed ones, each most deals first.
pub fn reasons(owners: &[Option<i64>], groups: &[ReasonGroup], currency: &str) -> Vec<ReasonRow> {
    let mut rows: BTreeMap<(u8, String), ReasonRow> = BTreeMap::new();
    let mut all = [0i64; 2];
    for g in groups {
        let side = match g.kind {
            StageKind::Lost => 0,
            StageKind::Postponed => 1,
            _ => continue,
        };
        all[side as usize] += g.deals;
        let r = rows.entry((side, g.reason.clone())).or_insert_with(|| ReasonRow {
            kind: Some(g.kind),
            reason: g.reason.clone(),
            by_owner: vec![0; owners.len()],
            ..Default::default()
        });
        r.deals += g.deals;
        if let Some(i) = owners.iter().position(|o| *o == g.owner_id) {
            r.by_owner[i] += g.deals;
        }
        if g.currency == currency {
            r.value += g.value;
        }
    }
    let mut out: Vec<ReasonRow> = rows
        .into_iter()
        .map(|((side, _), mut r)| {
            r.share = pct(r.deals, all[side as usize]);
            r
        })
        .collect();
    out.sort_by(|a, b| {
        (a.kind != Some(StageKind::Lost))
            .cmp(&(b.kind != Some(StageKind::Lost)))
            .then(b.deals.cmp(&a.deals))
            .then_with(|| a.reason.cmp(&b.reason))
    });
    out
}

pub fn reasons_table(
    l: &Labels,
    period: &Period,
    currency: &str,
    owners: &[Option<i64>],
    rows: &[ReasonRow],
) -> (ReportTable, Chart) {
    let mut columns =
        vec![l.column("report.col.outcome", ColumnKind::Text), l.column("report.col.reason", ColumnKind::Text)];
    columns.extend(owners.iter().map(|o| l.user_column(*o, ColumnKind::Integer)));
    columns.extend([
        l.column("report.col.deals", ColumnKind::Integer),
        l.money("report.col.value", currency),
        l.column("report.col.share", ColumnKind::Percent),
    ]);
    let mut table = l.table(ReportKind::Reasons, l.subtitle(period, Some(currency)), columns);
    let kind_label =
        |k: Option<StageKind>| l.t(if k == Some(StageKind::Lost) { "report.col.lost" } else { "report.col.postponed" });
    for r in rows {
        let kind = r.kind.unwrap_or(StageKind::Lost);
        let mut c = vec![Cell::text(kind_label(r.kind)), Cell::text(l.reason(kind, &r.reason))];
        c.extend(r.by_owner.iter().map(|n| Cell::Int(*n)));
        c.extend([Cell::Int(r.deals), Cell::Int(r.value), Cell::opt_num(r.share)]);
        table.rows.push(c);
    }
    let lost: Vec<&ReasonRow> = rows.iter().filter(|r| r.kind == Some(StageKind::Lost)).collect();
    let postponed: Vec<&ReasonRow> = rows.iter().filter(|r| r.kind == Some(StageKind::Postponed)).collect();
    let mut labels = Vec::new();
    let (mut lost_v, mut postponed_v) = (Vec::new(), Vec::new());
    for r in &lost {
        labels.push(l.reason(StageKind::Lost, &r.reason));
        lost_v.push(Some(r.deals as f64));
        postponed_v.push(None);
    }
    for r in &postponed {
        labels.push(l.reason(StageKind::Postponed, &r.reason));
        lost_v.push(None);
        postponed_v.push(Some(r.deals as f64));
    }
    let chart = Chart::Bars {
        labels,
        series: vec![
            Series { label: l.t("report.col.lost"), values: lost_v },
            Series { label: l.t("report.col.postponed"), values: postponed_v },
        ],
        unit: ColumnKind::Integer,
        currency: None,
        stacked: true,
    };
    (table, chart)
}

/// A deal lost in the period: to whom, and at what price when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostDeal {
    pub owner_id: Option<i64>,
    pub lost_to: String,
    pub currency: String,
    pub value: i64,
    pub lost_price: Option<i64>,
    pub lost_currency: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CompetitorRow {
    /// As most often written; empty when nobody noted who won.
    pub competitor: String,
    pub by_owner: Vec<i64>,
    pub deals: i64,
    /// Our value of those deals, in the report's currency.
    pub value: i64,
    /// Deals with the winner's price known in the report's currency.
    pub priced: i64,
    /// How far below our value the winners' prices were, over the priced deals, in percent.
    pub price_gap: Option<f64>,
}

/// The competitors that won the deals we lost, most deals first; names compared without case
/// or spacing.
pub fn competitors(owners: &[Option<i64>], lost: &[LostDeal], currency: &str) -> Vec<CompetitorRow> {
    struct Acc {
        row: CompetitorRow,
        spellings: HashMap<String, i64>,
        ours: i64,
        theirs: i64,
    }
    let mut by: BTreeMap<String, Acc> = BTreeMap::new();
    for d in lost {
        let name = d.lost_to.split_whitespace().collect::<Vec<_>>().join(" ");
        let key = crate::search_key::fold(&name);
        let a = by.entry(key).or_insert_with(|| Acc {
            row: CompetitorRow { by_owner: vec![0; owners.len()], ..Default::default() },
            spellings: HashMap::new(),
            ours: 0,
            theirs: 0,
        });
        *a.spellings.entry(name).or_default() += 1;
        a.row.deals += 1;
        if let Some(i) = owners.iter().position(|o| *o == d.owner_id) {
            a.row.by_owner[i] += 1;
        }
        if d.currency == currency {
            a.row.value += d.value;
            if let Some(p) = d.lost_price.filter(|_| d.lost_currency == currency) {
                a.row.priced += 1;
                a.ours += d.value;
                a.theirs += p;
            }
        }
    }
    let mut out: Vec<CompetitorRow> = by
        .into_values()
        .map(|mut a| {
            let mut spellings: Vec<(String, i64)> = a.spellings.into_iter().collect();
            spellings.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
            a.row.competitor = spellings.into_iter().next().map(|s| s.0).unwrap_or_default();
            a.row.price_gap = pct(a.ours - a.theirs, a.ours);
            a.row
        })
        .collect();
    out.sort_by(|a, b| {
        a.competitor
            .is_empty()
            .cmp(&b.competitor.is_empty())
            .then(b.deals.cmp(&a.deals))
            .then_with(|| a.competitor.cmp(&b.competitor))
    });
    out
}

pub fn competitors_table(
    l: &Labels,
    period: &Period,
    currency: &str,
    owners: &[Option<i64>],
    rows: &[CompetitorRow],
) -> (ReportTable, Chart) {
    let mut columns = vec![l.column("report.col.competitor", ColumnKind::Text)];
    columns.extend(owners.iter().map(|o| l.user_column(*o, ColumnKind::Integer)));
    columns.extend([
        l.column("report.col.deals_lost", ColumnKind::Integer),
        l.money("report.col.value", currency),
        l.column("report.col.priced", ColumnKind::Integer),
        l.column("report.col.price_gap", ColumnKind::Percent),
    ]);
    let mut table = l.table(ReportKind::Competitors, l.subtitle(period, Some(currency)), columns);
    let name = |r: &CompetitorRow| {
        if r.competitor.is_empty() {
            l.t("report.competitor_unknown")
        } else {
            r.competitor.clone()
        }
    };
    for r in rows {
        let mut c = vec![Cell::text(name(r))];
        c.extend(r.by_owner.iter().map(|n| Cell::Int(*n)));
        c.extend([Cell::Int(r.deals), Cell::Int(r.value), Cell::Int(r.priced), Cell::opt_num(r.price_gap)]);
        table.rows.push(c);
    }
    let chart = Chart::Bars {
        labels: rows.iter().map(name).collect(),
        series: vec![Series {
            label: l.t("report.col.deals_lost"),
            values: rows.iter().map(|r| Some(r.deals as f64)).collect(),
        }],
        unit: ColumnKind::Integer,
        currency: None,
        stacked: false,
    };
    (table, chart)
}

// --- deals moved forward per stage, and days per stage ---

/// Moves from one stage to another made in the period on an owner's deals, and the time the
/// deals had spent in the stage they left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveGroup {
    pub owner_id: Option<i64>,
    pub from_stage: i64,
    pub to_stage: i64,
    pub moves: i64,
    pub seconds: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StageRow {
    pub owner_id: Option<i64>,
    pub stage_id: i64,
    /// Moved to a later step (won included).
    pub forward: i64,
    /// Moved back to an earlier step.
    pub back: i64,
    pub lost: i64,
    pub postponed: i64,
    /// Average days in the stage over every move out of it.
    pub avg_days: Option<f64>,
}

/// Per salesperson (`owners`, in order) and open stage of the ladder (retired ones only when
/// deals left them in the period).
pub fn stages(process: &StageSettings, owners: &[Option<i64>], groups: &[MoveGroup]) -> Vec<StageRow> {
    let ladder: Vec<i64> = process.ladder().map(|s| s.id).collect();
    let pos = |id: i64| ladder.iter().position(|l| *l == id);
    let mut acc: HashMap<(Option<i64>, i64), (StageRow, i64, i64)> = HashMap::new();
    for g in groups {
        let Some(from) = pos(g.from_stage) else { continue };
        let e = acc
            .entry((g.owner_id, g.from_stage))
            .or_insert_with(|| (StageRow { owner_id: g.owner_id, stage_id: g.from_stage, ..Default::default() }, 0, 0));
        e.1 += g.moves;
        e.2 += g.seconds;
        match (process.stage(g.to_stage).map(|s| s.kind), pos(g.to_stage)) {
            (Some(StageKind::Lost), _) => e.0.lost += g.moves,
            (Some(StageKind::Postponed), _) => e.0.postponed += g.moves,
            (_, Some(to)) if to > from => e.0.forward += g.moves,
            (_, Some(_)) => e.0.back += g.moves,
            _ => {}
        }
    }
    let mut out = Vec::new();
    for o in owners {
        for s in process.stages.iter().filter(|s| s.kind == StageKind::Open) {
            match acc.remove(&(*o, s.id)) {
                Some((mut row, n, seconds)) => {
                    row.avg_days = (n > 0).then(|| (seconds as f64 / n as f64 / 86_400.0 * 10.0).round() / 10.0);
                    out.push(row);
                }
                None if !s.retired => out.push(StageRow { owner_id: *o, stage_id: s.id, ..Default::default() }),
                None => {}
            }
        }
    }
    out
}

pub fn stages_table(l: &Labels, period: &Period, owners: &[Option<i64>], rows: &[StageRow]) -> (ReportTable, Chart) {
    let columns = vec![
        l.column("report.col.salesperson", ColumnKind::Text),
        l.column("report.col.stage", ColumnKind::Text),
        l.column("report.col.forward", ColumnKind::Integer),
        l.column("report.col.back", ColumnKind::Integer),
        l.column("report.col.lost", ColumnKind::Integer),
        l.column("report.col.postponed", ColumnKind::Integer),
        l.column("report.col.avg_days", ColumnKind::Decimal),
    ];
    let mut table = l.table(ReportKind::Stages, l.subtitle(period, None), columns);
    for r in rows {
        table.rows.push(vec![
            Cell::text(l.user(r.owner_id)),
            Cell::text(l.stage(r.stage_id)),
            Cell::Int(r.forward),
            Cell::Int(r.back),
            Cell::Int(r.lost),
            Cell::Int(r.postponed),
            Cell::opt_num(r.avg_days),
        ]);
    }
    let mut stage_ids: Vec<i64> = Vec::new();
    for r in rows {
        if !stage_ids.contains(&r.stage_id) {
            stage_ids.push(r.stage_id);
        }
    }
    let series = owners
        .iter()
        .map(|o| Series {
            label: l.user(*o),
            values: stage_ids
                .iter()
                .map(|s| rows.iter().find(|r| r.owner_id == *o && r.stage_id == *s).map(|r| r.forward as f64))
                .collect(),
        })
        .collect();
    let chart = Chart::Bars {
        labels: stage_ids.iter().map(|s| l.stage(*s)).collect(),
        series,
        unit: ColumnKind::Integer,
        currency: None,
        stacked: false,
    };
    (table, chart)
}

// --- the cost and time of selling ---

/// The office's hourly cost of a salesperson's time: what one hour of selling costs, in minor
/// units of `currency` (the `report.costs` office setting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostSettings {
    #[serde(default)]
    pub version: i64,
    /// `None` until the manager sets it.
    pub hourly_cost: Option<i64>,
    pub currency: String,
}

impl Default for CostSettings {
    fn default() -> Self {
        CostSettings { version: 0, hourly_cost: None, currency: "EUR".into() }
    }
}

pub const COSTS_KEY: &str = "report.costs";

impl CostSettings {
    pub fn validated(mut self) -> Result<CostSettings> {
        self.currency = self.currency.trim().to_uppercase();
        let mut errors = Vec::new();
        if self.hourly_cost.is_some_and(|c| !(0..=100_000_000).contains(&c)) {
            errors.push(FieldError::new("hourly_cost", "validation.amount"));
        }
        if !crate::customer::CURRENCIES.contains(&self.currency.as_str()) {
            errors.push(FieldError::new("currency", "validation.currency"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

/// A salesperson's time and deals in the period, as the store counts them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CostInputs {
    pub owner_id: Option<i64>,
    /// Minutes of the contacts the salesperson made.
    pub minutes: i64,
    /// Deals of theirs open at some moment of the period.
    pub deals_worked: i64,
    /// Deals of theirs won in the period.
    pub orders: i64,
    /// Minutes of the contacts logged on those won deals.
    pub order_minutes: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CostRow {
    pub owner_id: Option<i64>,
    pub hours: f64,
    pub deals_worked: i64,
    pub hours_per_deal: Option<f64>,
    pub orders: i64,
    pub hours_per_order: Option<f64>,
    /// Hours logged on the won deals' own contacts, per order.
    pub logged_hours_per_order: Option<f64>,
    /// The time at the hourly cost, in the cost's currency.
    pub cost: Option<i64>,
    pub cost_per_order: Option<i64>,
}

/// Minutes as hours per item, to one decimal; `None` for no items.
fn hours_each(minutes: i64, items: i64) -> Option<f64> {
    (items > 0).then(|| (minutes as f64 / 6.0 / items as f64).round() / 10.0)
}

fn cost_row(i: &CostInputs, hourly: Option<i64>) -> CostRow {
    let cost = hourly.map(|h| per(i.minutes * h, 60).unwrap_or(0));
    CostRow {
        owner_id: i.owner_id,
        hours: hours(i.minutes),
        deals_worked: i.deals_worked,
        hours_per_deal: hours_each(i.minutes, i.deals_worked),
        orders: i.orders,
        hours_per_order: hours_each(i.minutes, i.orders),
        logged_hours_per_order: hours_each(i.order_minutes, i.orders),
        cost,
        cost_per_order: cost.and_then(|c| per(c, i.orders)),
    }
}

pub fn cost(listed: &[i64], inputs: &[CostInputs], settings: &CostSettings) -> (Vec<CostRow>, CostRow) {
    let order = owner_order(listed, inputs.iter().map(|i| i.owner_id));
    let mut total = CostInputs::default();
    let rows = order
        .iter()
        .map(|o| {
            let mut sum = CostInputs { owner_id: *o, ..Default::default() };
            for i in inputs.iter().filter(|i| i.owner_id == *o) {
                sum.minutes += i.minutes;
                sum.deals_worked += i.deals_worked;
                sum.orders += i.orders;
                sum.order_minutes += i.order_minutes;
            }
            total.minutes += sum.minutes;
            total.deals_worked += sum.deals_worked;
            total.orders += sum.orders;
            total.order_minutes += sum.order_minutes;
            cost_row(&sum, settings.hourly_cost)
        })
        .collect();
    (rows, cost_row(&total, settings.hourly_cost))
}

pub fn cost_table(
    l: &Labels,
    period: &Period,
    settings: &CostSettings,
    rows: &[CostRow],
    total: &CostRow,
) -> (ReportTable, Chart) {
    let c = settings.currency.as_str();
    let columns = vec![
        l.column("report.col.salesperson", ColumnKind::Text),
        l.column("report.col.hours", ColumnKind::Decimal),
        l.column("report.col.deals_worked", ColumnKind::Integer),
        l.column("report.col.hours_per_deal", ColumnKind::Decimal),
        l.column("report.col.orders", ColumnKind::Integer),
        l.column("report.col.hours_per_order", ColumnKind::Decimal),
        l.column("report.col.logged_hours_per_order", ColumnKind::Decimal),
        l.money("report.col.cost", c),
        l.money("report.col.cost_per_order", c),
    ];
    let mut table = l.table(ReportKind::Cost, l.subtitle(period, Some(c)), columns);
    let cells = |name: String, r: &CostRow| {
        vec![
            Cell::text(name),
            Cell::Num(r.hours),
            Cell::Int(r.deals_worked),
            Cell::opt_num(r.hours_per_deal),
            Cell::Int(r.orders),
            Cell::opt_num(r.hours_per_order),
            Cell::opt_num(r.logged_hours_per_order),
            Cell::opt_int(r.cost),
            Cell::opt_int(r.cost_per_order),
        ]
    };
    table.rows = rows.iter().map(|r| cells(l.user(r.owner_id), r)).collect();
    table.total = Some(cells(l.t("report.total"), total));
    let chart = Chart::Bars {
        labels: rows.iter().map(|r| l.user(r.owner_id)).collect(),
        series: vec![
            Series { label: l.t("report.col.hours_per_deal"), values: rows.iter().map(|r| r.hours_per_deal).collect() },
            Series {
                label: l.t("report.col.hours_per_order"),
                values: rows.iter().map(|r| r.hours_per_order).collect(),
            },
        ],
        unit: ColumnKind::Decimal,
        currency: None,
        stacked: false,
    };
    (table, chart)
}

// --- the customer pyramid ---

/// What customers are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PyramidVariable {
    /// The annual turnover on the card (in the pyramid's currency).
    Turnover,
    /// The value of the deals won over the last `years` years.
    Purchases,
    /// The vehicles in the customer's fleet, ours and competitors'.
    Fleet,
    /// The value of the open deals.
    Pipeline,
}

impl PyramidVariable {
    pub fn is_money(self) -> bool {
        self != PyramidVariable::Fleet
    }

    pub fn code(self) -> &'static str {
        match self {
            PyramidVariable::Turnover => "turnover",
            PyramidVariable::Purchases => "purchases",
            PyramidVariable::Fleet => "fleet",
            PyramidVariable::Pipeline => "pipeline",
        }
    }
}

/// How the cut-offs read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutMode {
    /// A: the top `a` % of the customers; B: the next `b` %; C: the rest.
    Customers,
    /// A: the customers that make the first `a` % of the total value; B: the next `b` %.
    Value,
}

/// The office's pyramid: what ranks customers and where the tiers are cut (the `report.pyramid`
/// office setting; only the sales manager changes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PyramidSettings {
    #[serde(default)]
    pub version: i64,
    pub variable: PyramidVariable,
    /// For purchases: over how many years up to the day of ranking.
    pub years: u32,
    /// For money variables; `None`: the currency most deals are in.
    #[serde(default)]
    pub currency: Option<String>,
    pub mode: CutMode,
    pub a: u32,
    pub b: u32,
}

pub const PYRAMID_KEY: &str = "report.pyramid";

impl Default for PyramidSettings {
    /// By fleet size, the top 20 % of customers in A, the next 30 % in B, the rest in C.
    fn default() -> Self {
        PyramidSettings {
            version: 0,
            variable: PyramidVariable::Fleet,
            years: 3,
            currency: None,
            mode: CutMode::Customers,
            a: 20,
            b: 30,
        }
    }
}

impl PyramidSettings {
    pub fn validated(mut self) -> Result<PyramidSettings> {
        self.currency = self.currency.map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
        let mut errors = Vec::new();
        if !(1..=10).contains(&self.years) {
            errors.push(FieldError::new("years", "validation.pyramid_years"));
        }
        if self.a < 1 || self.b < 1 || self.a + self.b > 99 {
            errors.push(FieldError::new("a", "validation.pyramid_cuts"));
        }
        if self.currency.as_deref().is_some_and(|c| !crate::customer::CURRENCIES.contains(&c)) {
            errors.push(FieldError::new("currency", "validation.currency"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

pub const TIERS: [&str; 3] = ["A", "B", "C"];

/// Ranks customers (`(id, value)`, every active customer, 0 for no value) into tiers: highest
/// value first (ties by id); a customer without value is always C; customers of equal value
/// share a tier (the higher one), so a tier may run a little past its cut.
pub fn rank(values: &[(i64, i64)], mode: CutMode, a: u32, b: u32) -> Vec<(i64, &'static str, i64)> {
    let mut sorted: Vec<(i64, i64)> = values.to_vec();
    sorted.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    let n = sorted.len() as i128;
    let total: i128 = sorted.iter().map(|v| i128::from(v.1.max(0))).sum();
    let mut out = Vec::with_capacity(sorted.len());
    let mut before: i128 = 0; // value (or customers) ranked before this one
    let mut last: Option<(i64, &'static str)> = None;
    for (i, (id, value)) in sorted.into_iter().enumerate() {
        let tier = if value <= 0 {
            "C"
        } else if let Some((_, t)) = last.filter(|(v, _)| *v == value) {
            t
        } else {
            // Integer arithmetic: "before < a % of the whole" is before × 100 < a × whole.
            let (done, whole) = match mode {
                CutMode::Customers => (i as i128, n),
                CutMode::Value => (before, total),
            };
            if done * 100 < i128::from(a) * whole {
                "A"
            } else if done * 100 < i128::from(a + b) * whole {
                "B"
            } else {
                "C"
            }
        };
        before += i128::from(value.max(0));
        last = Some((value, tier));
        out.push((id, tier, value));
    }
    out
}

/// One tier of the pyramid.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TierFigures {
    pub tier: String,
    pub customers: i64,
    pub customers_pct: Option<f64>,
    pub value: i64,
    pub value_pct: Option<f64>,
    /// The smallest value in the tier (its threshold).
    pub min_value: Option<i64>,
}

pub fn tier_figures(ranked: &[(i64, &str, i64)]) -> Vec<TierFigures> {
    let n = ranked.len() as i64;
    let total: i64 = ranked.iter().map(|r| r.2.max(0)).sum();
    TIERS
        .iter()
        .map(|t| {
            let of: Vec<i64> = ranked.iter().filter(|r| r.1 == *t).map(|r| r.2.max(0)).collect();
            let value: i64 = of.iter().sum();
            TierFigures {
                tier: t.to_string(),
                customers: of.len() as i64,
                customers_pct: pct(of.len() as i64, n),
                value,
                value_pct: pct(value, total),
                min_value: of.iter().copied().min(),
            }
        })
        .collect()
}

/// A ranking as kept: when, by what, in which currency, and its tiers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    pub ranked_on: String,
    pub settings: PyramidSettings,
    /// The currency money variables were counted in.
    pub currency: Option<String>,
    pub tiers: Vec<TierFigures>,
}

/// The pyramid report: the ranking in force at the period's end, and how many customers moved
/// tier during the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pyramid {
    pub ranking: Option<Ranking>,
    /// The office's settings now (the next ranking uses them).
    pub settings: PyramidSettings,
    pub moved_up: i64,
    pub moved_down: i64,
}

fn tier_unit(r: &Ranking) -> (ColumnKind, Option<String>) {
    if r.settings.variable.is_money() {
        (ColumnKind::Money, r.currency.clone())
    } else {
        (ColumnKind::Integer, None)
    }
}

pub fn pyramid_table(l: &Labels, period: &Period, p: &Pyramid) -> (ReportTable, Chart) {
    let (unit, currency) = p.ranking.as_ref().map(tier_unit).unwrap_or((ColumnKind::Integer, None));
    let value_key = match p.ranking.as_ref().map(|r| r.settings.variable) {
        Some(v) => format!("report.pyramid.variable.{}", v.code()),
        None => "report.col.value".to_string(),
    };
    let value_col = |key: &str| match &currency {
        Some(c) if unit == ColumnKind::Money => l.money(key, c),
        _ => l.column(key, unit),
    };
    let columns = vec![
        l.column("report.col.tier", ColumnKind::Text),
        l.column("report.col.customers", ColumnKind::Integer),
        l.column("report.col.customers_share", ColumnKind::Percent),
        value_col(&value_key),
        l.column("report.col.value_share", ColumnKind::Percent),
        value_col("report.col.threshold"),
    ];
    let mut subtitle = l.subtitle(period, currency.as_deref());
    if let Some(r) = &p.ranking {
        let day =
            NaiveDate::parse_from_str(&r.ranked_on, DATE_FORMAT).map(|d| l.locale.format().date(d)).unwrap_or_default();
        subtitle.push_str(" · ");
        subtitle.push_str(&trf(l.locale, "report.pyramid.ranked_on", &[("date", &day)]));
    }
    let mut table = l.table(ReportKind::Pyramid, subtitle, columns);
    let tiers = p.ranking.as_ref().map(|r| r.tiers.clone()).unwrap_or_default();
    for t in &tiers {
        table.rows.push(vec![
            Cell::text(t.tier.clone()),
            Cell::Int(t.customers),
            Cell::opt_num(t.customers_pct),
            Cell::Int(t.value),
            Cell::opt_num(t.value_pct),
            Cell::opt_int(t.min_value),
        ]);
    }
    if !tiers.is_empty() {
        table.total = Some(vec![
            Cell::text(l.t("report.total")),
            Cell::Int(tiers.iter().map(|t| t.customers).sum()),
            Cell::Empty(()),
            Cell::Int(tiers.iter().map(|t| t.value).sum()),
            Cell::Empty(()),
            Cell::Empty(()),
        ]);
    }
    (table, Chart::Pyramid { tiers, unit, currency })
}

/// A customer whose tier changed in the period: from the tier before the period to the one at
/// its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mover {
    pub customer_id: i64,
    pub name: String,
    pub owner_id: Option<i64>,
    pub from: String,
    pub to: String,
    pub ranked_on: String,
}

/// A tier change as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierMove {
    pub customer_id: i64,
    pub ranked_on: String,
    pub from: String,
    pub to: String,
}

/// From the moves of the period (in time order), the customers whose tier at the end differs
/// from the tier before: up first (A before B), then down, each by name.
pub fn movers(moves: &[TierMove], names: &HashMap<i64, (String, Option<i64>)>) -> Vec<Mover> {
    let mut first_last: BTreeMap<i64, (String, String, String)> = BTreeMap::new();
    for m in moves {
        let e = first_last.entry(m.customer_id).or_insert_with(|| (m.from.clone(), m.to.clone(), m.ranked_on.clone()));
        e.1 = m.to.clone();
        e.2 = m.ranked_on.clone();
    }
    let mut out: Vec<Mover> = first_last
        .into_iter()
        .filter(|(_, (from, to, _))| from != to && !from.is_empty() && !to.is_empty())
        .map(|(id, (from, to, day))| {
            let (name, owner_id) = names.get(&id).cloned().unwrap_or_default();
            Mover { customer_id: id, name, owner_id, from, to, ranked_on: day }
        })
        .collect();
    out.sort_by(|a, b| {
        let up = |m: &Mover| m.to < m.from;
        up(b)
            .cmp(&up(a))
            .then_with(|| a.to.cmp(&b.to))
            .then_with(|| crate::search_key::fold(&a.name).cmp(&crate::search_key::fold(&b.name)))
            .then(a.customer_id.cmp(&b.customer_id))
    });
    out
}

pub fn movers_table(l: &Labels, period: &Period, movers: &[Mover]) -> (ReportTable, Chart) {
    let columns = vec![
        l.column("report.col.customer", ColumnKind::Text),
        l.column("report.col.salesperson", ColumnKind::Text),
        l.column("report.col.tier_from", ColumnKind::Text),
        l.column("report.col.tier_to", ColumnKind::Text),
        l.column("report.col.direction", ColumnKind::Text),
        l.column("report.col.ranked_on", ColumnKind::Date),
    ];
    let mut table = l.table(ReportKind::PyramidMovers, l.subtitle(period, None), columns);
    for m in movers {
        let dir = if m.to < m.from { "report.pyramid.up" } else { "report.pyramid.down" };
        table.rows.push(vec![
            Cell::text(m.name.clone()),
            Cell::text(l.user(m.owner_id)),
            Cell::text(m.from.clone()),
            Cell::text(m.to.clone()),
            Cell::text(l.t(dir)),
            Cell::text(m.ranked_on.clone()),
        ]);
    }
    // Moves between tiers, as bars: A→B, B→A…
    let mut pairs: BTreeMap<(String, String), i64> = BTreeMap::new();
    for m in movers {
        *pairs.entry((m.from.clone(), m.to.clone())).or_default() += 1;
    }
    let chart = Chart::Bars {
        labels: pairs.keys().map(|(f, t)| format!("{f} → {t}")).collect(),
        series: vec![Series {
            label: l.t("report.col.customers"),
            values: pairs.values().map(|n| Some(*n as f64)).collect(),
        }],
        unit: ColumnKind::Integer,
        currency: None,
        stacked: false,
    };
    (table, chart)
}

// --- market share (QM) by segment and year ---

/// The QM table: every segment and the office, per registration year in the period's years
/// (newest first), with our share; the trend is the office's share year by year.
pub fn market_table(l: &Labels, period: &Period, m: &MarketShare, categories_order: &[String]) -> (ReportTable, Chart) {
    let _ = categories_order;
    let (from_y, to_y) = (period.from.year(), period.to.year());
    let in_period = |y: Option<i32>| y.is_some_and(|y| y >= from_y && y <= to_y);
    let columns = vec![
        l.column("report.col.category", ColumnKind::Text),
        l.column("report.col.weight_class", ColumnKind::Text),
        l.column("report.col.year", ColumnKind::Integer),
        l.column("report.col.vehicles", ColumnKind::Integer),
        l.column("report.col.ours", ColumnKind::Integer),
        l.column("report.col.share", ColumnKind::Percent),
    ];
    let subtitle = trf(l.locale, "report.market.years", &[("from", &from_y.to_string()), ("to", &to_y.to_string())]);
    let mut table = l.table(ReportKind::Market, subtitle, columns);
    let weight = |c: &str| {
        if c.is_empty() {
            l.t("fleet.weight_unknown")
        } else {
            l.t(&format!("fleet.weight.{c}"))
        }
    };
    for seg in &m.segments {
        for y in seg.years.iter().filter(|y| in_period(y.year)) {
            table.rows.push(vec![
                Cell::text(l.category(&seg.category)),
                Cell::text(weight(&seg.weight_class)),
                Cell::opt_int(y.year.map(i64::from)),
                Cell::Int(y.share.vehicles),
                Cell::Int(y.share.ours),
                Cell::opt_num(y.share.vehicle_pct),
            ]);
        }
    }
    let office = l.t("report.market.office");
    for y in m.years.iter().filter(|y| in_period(y.year)) {
        table.rows.push(vec![
            Cell::text(office.clone()),
            Cell::text(""),
            Cell::opt_int(y.year.map(i64::from)),
            Cell::Int(y.share.vehicles),
            Cell::Int(y.share.ours),
            Cell::opt_num(y.share.vehicle_pct),
        ]);
    }
    // The trend: oldest year on the left; the office and each category.
    let mut years: Vec<i32> = m.years.iter().filter_map(|y| y.year).filter(|y| *y >= from_y && *y <= to_y).collect();
    years.sort_unstable();
    let mut series = vec![Series {
        label: office,
        values: years
            .iter()
            .map(|y| m.years.iter().find(|s| s.year == Some(*y)).and_then(|s| s.share.vehicle_pct))
            .collect(),
    }];
    let mut cats: Vec<&str> = Vec::new();
    for seg in &m.segments {
        if !cats.contains(&seg.category.as_str()) {
            cats.push(&seg.category);
        }
    }
    for c in cats {
        let values = years
            .iter()
            .map(|y| {
                let (mut all, mut ours) = (0, 0);
                for seg in m.segments.iter().filter(|s| s.category == c) {
                    for s in seg.years.iter().filter(|s| s.year == Some(*y)) {
                        all += s.share.vehicles;
                        ours += s.share.ours;
                    }
                }
                pct(ours, all)
            })
            .collect();
        series.push(Series { label: l.category(c), values });
    }
    let chart =
        Chart::Lines { labels: years.iter().map(|y| y.to_string()).collect(), series, unit: ColumnKind::Percent };
    (table, chart)
}

// --- the seven P's of one customer ---

/// A customer along the seven P's of the seeds' customer analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerAnalysis {
    pub customer_id: i64,
    pub name: String,
    pub profile: Profile,
    pub persistency: Persistency,
    pub profitability: Profitability,
    pub performance: Performance,
    pub prospecting: Prospecting,
    pub product: ProductMix,
    pub promotion: Promotion,
}

/// Profile: who the customer is.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Profile {
    pub business_type: String,
    pub market_sectors: String,
    pub city: String,
    pub country: String,
    pub employees: Option<i64>,
    pub annual_turnover: Option<i64>,
    pub turnover_currency: String,
    pub lead_source: String,
    pub owner_id: Option<i64>,
    pub tier: Option<String>,
    pub people: i64,
    pub decision_makers: i64,
}

/// Persistency: loyalty over the years.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Persistency {
    /// The day it first bought from us (first deal won, or January 1st after the first year
    /// of our vehicles in its fleet), if it did.
    pub customer_since: Option<String>,
    pub years_as_customer: Option<i64>,
    pub orders: i64,
    /// Orders after the first one.
    pub repeat_orders: i64,
    /// Distinct years with an order.
    pub years_with_orders: i64,
    pub last_order: Option<String>,
    /// Our share of its fleet, in percent of vehicles.
    pub fleet_share: Option<f64>,
    pub first_contact: Option<String>,
    pub last_contact: Option<String>,
}

/// Money won from (and lost at) a customer, in one currency.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MoneyLine {
    pub currency: String,
    pub won: i64,
    pub won_in_period: i64,
    pub orders: i64,
    pub average_order: Option<i64>,
    pub lost: i64,
    /// How far below our value the winners of lost deals priced, in percent.
    pub price_gap: Option<f64>,
}

/// Profitability: what it brought.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Profitability {
    pub lines: Vec<MoneyLine>,
    /// Won value per year (`YYYY`, value) in the main currency, oldest first.
    pub by_year: Vec<(String, i64)>,
    pub main_currency: Option<String>,
}

/// Performance: what it bought, by product and by channel.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Performance {
    /// Category, vehicles, value (in the main currency).
    pub by_category: Vec<(String, i64, i64)>,
    /// How its deals started (card, radar, lead) and what they became: origin, deals, won.
    pub by_origin: Vec<(String, i64, i64)>,
}

/// Prospecting: what is coming.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Prospecting {
    pub open_deals: i64,
    /// In the main currency.
    pub open_value: i64,
    pub weighted_value: i64,
    pub next_close: Option<String>,
    pub open_actions: i64,
    pub next_action: Option<String>,
    /// Vehicles due for renewal in the next twelve months, and how many are competitors'.
    pub renewals_due: i64,
    pub competitor_renewals_due: i64,
    pub open_leads: i64,
}

/// Product: what it runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProductMix {
    pub vehicles: i64,
    pub ours: i64,
    /// Brand, vehicles, ours.
    pub brands: Vec<(String, i64, bool)>,
    /// Category, vehicles, ours.
    pub categories: Vec<(String, i64, i64)>,
}

/// Promotion: what we sent and what followed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Promotion {
    /// Name, every days, last sent.
    pub materials: Vec<(String, i64, Option<String>)>,
    /// Contacts in the period by kind ([`CONTACT_KINDS`] order).
    pub contacts_by_kind: Vec<i64>,
    /// Documents sent in contacts of the period.
    pub documents_sent: i64,
    /// Leads: source, received on, status, the deal's stage kind when qualified.
    pub leads: Vec<(String, String, String, Option<String>)>,
}

/// The seven P's as a table of figures: P, figure, value (in the report's language).
pub fn customer_table(l: &Labels, period: &Period, a: &CustomerAnalysis) -> (ReportTable, Chart) {
    let f = l.locale.format();
    let columns = vec![
        l.column("report.col.p", ColumnKind::Text),
        l.column("report.col.figure", ColumnKind::Text),
        l.column("report.col.value_text", ColumnKind::Text),
    ];
    let mut table = l.table(ReportKind::Customer, format!("{} · {}", a.name, l.subtitle(period, None)), columns);
    let day = |d: &Option<String>| {
        d.as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), DATE_FORMAT).ok())
            .map(|d| f.date(d))
            .unwrap_or_else(|| "–".into())
    };
    let num = |n: i64| f.integer(n);
    let pc = |p: Option<f64>| {
        p.map(|p| format!("{}%", format!("{p:.1}").replace('.', &f.decimal.to_string()))).unwrap_or_else(|| "–".into())
    };
    let mut add = |p: &str, key: &str, value: String| {
        table.rows.push(vec![Cell::text(l.t(&format!("report.p.{p}"))), Cell::text(l.t(key)), Cell::text(value)]);
    };
    let pr = &a.profile;
    let or_dash = |s: String| if s.trim().is_empty() { "–".to_string() } else { s };
    add(
        "profile",
        "field.business_type",
        or_dash(if pr.business_type.is_empty() {
            String::new()
        } else {
            l.t(&format!("business_type.{}", pr.business_type))
        }),
    );
    add("profile", "field.market_sectors", or_dash(pr.market_sectors.clone()));
    add(
        "profile",
        "field.city",
        or_dash(
            [pr.city.clone(), pr.country.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", "),
        ),
    );
    add("profile", "field.employees", pr.employees.map(num).unwrap_or_else(|| "–".into()));
    add(
        "profile",
        "field.annual_turnover",
        pr.annual_turnover.map(|t| f.money(t, &pr.turnover_currency)).unwrap_or_else(|| "–".into()),
    );
    add(
        "profile",
        "field.lead_source",
        or_dash(if pr.lead_source.is_empty() {
            String::new()
        } else {
            l.t(&format!("lead_source.{}", pr.lead_source))
        }),
    );
    add("profile", "field.owner", l.user(pr.owner_id));
    add("profile", "report.col.tier", pr.tier.clone().unwrap_or_else(|| "–".into()));
    add(
        "profile",
        "report.p.people",
        format!("{} ({} {})", num(pr.people), num(pr.decision_makers), l.t("decision_role.decision_maker")),
    );
    let ps = &a.persistency;
    add("persistency", "report.p.customer_since", day(&ps.customer_since));
    add("persistency", "report.p.years_as_customer", ps.years_as_customer.map(num).unwrap_or_else(|| "–".into()));
    add("persistency", "report.p.orders", num(ps.orders));
    add("persistency", "report.p.repeat_orders", num(ps.repeat_orders));
    add("persistency", "report.p.years_with_orders", num(ps.years_with_orders));
    add("persistency", "report.p.last_order", day(&ps.last_order));
    add("persistency", "report.p.fleet_share", pc(ps.fleet_share));
    add("persistency", "report.p.first_contact", day(&ps.first_contact));
    add("persistency", "report.p.last_contact", day(&ps.last_contact));
    for m in &a.profitability.lines {
        add("profitability", "report.p.won_total", f.money(m.won, &m.currency));
        add("profitability", "report.p.won_in_period", f.money(m.won_in_period, &m.currency));
        add(
            "profitability",
            "report.p.average_order",
            m.average_order.map(|v| f.money(v, &m.currency)).unwrap_or_else(|| "–".into()),
        );
        add("profitability", "report.p.lost_value", f.money(m.lost, &m.currency));
        add("profitability", "report.p.price_gap", pc(m.price_gap));
    }
    let main = a.profitability.main_currency.clone().unwrap_or_default();
    for (cat, vehicles, value) in &a.performance.by_category {
        add(
            "performance",
            "report.col.category",
            format!("{}: {} · {}", l.category(cat), num(*vehicles), f.money(*value, &main)),
        );
    }
    for (origin, deals, won) in &a.performance.by_origin {
        add(
            "performance",
            "report.p.channel",
            format!("{}: {} / {}", l.t(&format!("report.origin.{origin}")), num(*deals), num(*won)),
        );
    }
    let pp = &a.prospecting;
    add("prospecting", "report.p.open_deals", format!("{} · {}", num(pp.open_deals), f.money(pp.open_value, &main)));
    add("prospecting", "report.p.weighted", f.money(pp.weighted_value, &main));
    add("prospecting", "report.p.next_close", day(&pp.next_close));
    add("prospecting", "report.p.open_actions", format!("{} · {}", num(pp.open_actions), day(&pp.next_action)));
    add(
        "prospecting",
        "report.p.renewals_due",
        format!(
            "{} ({} {})",
            num(pp.renewals_due),
            num(pp.competitor_renewals_due),
            l.t("report.p.competitors_vehicles")
        ),
    );
    add("prospecting", "report.p.open_leads", num(pp.open_leads));
    let pm = &a.product;
    add(
        "product",
        "report.col.vehicles",
        format!("{} ({} {})", num(pm.vehicles), num(pm.ours), l.t("report.col.ours")),
    );
    for (brand, n, ours) in &pm.brands {
        let mark = if *ours { format!(" ({})", l.t("report.col.ours")) } else { String::new() };
        add("product", "report.p.brand", format!("{brand}{mark}: {}", num(*n)));
    }
    for (cat, n, ours) in &pm.categories {
        add(
            "product",
            "report.col.category",
            format!("{}: {} ({} {})", l.category(cat), num(*n), num(*ours), l.t("report.col.ours")),
        );
    }
    let pro = &a.promotion;
    for (name, every, last) in &pro.materials {
        add(
            "promotion",
            "report.p.material",
            format!("{name} · {} · {}", trf(l.locale, "report.p.every_days", &[("days", &num(*every))]), day(last)),
        );
    }
    for (k, n) in CONTACT_KINDS.iter().zip(&pro.contacts_by_kind) {
        add("promotion", &format!("kind.{k}"), num(*n));
    }
    add("promotion", "report.p.documents_sent", num(pro.documents_sent));
    for (source, received, status, outcome) in &pro.leads {
        let mut text = format!(
            "{} · {} · {}",
            l.t(&format!("lead_source.{source}")),
            day(&Some(received.clone())),
            l.t(&format!("report.lead.{status}"))
        );
        if let Some(o) = outcome {
            text.push_str(&format!(" → {}", l.t(&format!("report.lead.deal_{o}"))));
        }
        add("promotion", "report.p.lead", text);
    }
    let chart = Chart::Bars {
        labels: a.profitability.by_year.iter().map(|(y, _)| y.clone()).collect(),
        series: vec![Series {
            label: l.t("report.p.won_total"),
            values: a.profitability.by_year.iter().map(|(_, v)| Some(*v as f64)).collect(),
        }],
        unit: ColumnKind::Money,
        currency: a.profitability.main_currency.clone(),
        stacked: false,
    };
    (table, chart)
}

// --- CSV ---

/// A cell starting with one of these would be read as a formula by a spreadsheet.
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
    Ok(crate::atomic::write(path, &csv(table, locale)?)?)
}

/// A file name for the table: `parc-<kind>-<from>-<to>.csv`.
pub fn csv_name(kind: ReportKind, period: &Period) -> String {
    format!("parc-{}-{}-{}.csv", kind.code(), period.start(), period.end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, DATE_FORMAT).unwrap()
    }

    #[test]
    fn a_period_defaults_to_this_month_and_the_two_before_and_counts_working_days() {
        let p = Period::resolve(None, None, day("2026-11-23")).unwrap();
        assert_eq!((p.start(), p.end(), p.after()), ("2026-09-01".into(), "2026-11-23".into(), "2026-11-24".into()));
        let p = Period::resolve(Some("2026-11-02"), Some("2026-11-15"), day("2026-12-01")).unwrap();
        // Two full weeks: ten working days.
        assert_eq!((p.days(), p.working_days()), (14, 10));
        let p = Period::resolve(Some("2026-11-21"), Some("2026-11-23"), day("2026-12-01")).unwrap();
        assert_eq!(p.working_days(), 1, "Saturday, Sunday, Monday");
        let Err(Error::Validation(e)) = Period::resolve(Some("2026-12-01"), Some("2026-11-01"), day("2026-12-01"))
        else {
            panic!()
        };
        assert_eq!((e[0].field.as_ref(), e[0].key), ("to", "validation.period_order"));
        let Err(Error::Validation(e)) = Period::resolve(Some("1/11/2026"), Some("x"), day("2026-12-01")) else {
            panic!()
        };
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn activity_sets_prospects_against_orders_and_splits_value_by_customer() {
        // Anna (1) opened 5 deals, 4 with customers that had not bought; won 2 EUR orders, one
        // from an existing customer (3,000) and one from a new one (1,000), and one in PLN.
        // Bruno (2) opened 2 deals with new prospects and won nothing. Nobody's deal won 500.
        let opened = [
            OpenedGroup { owner_id: Some(1), deals: 5, prospects: 4 },
            OpenedGroup { owner_id: Some(2), deals: 2, prospects: 2 },
        ];
        let won = [
            WonGroup { owner_id: Some(1), currency: "EUR".into(), existing: true, deals: 1, value: 3_000 },
            WonGroup { owner_id: Some(1), currency: "EUR".into(), existing: false, deals: 1, value: 1_000 },
            WonGroup { owner_id: Some(1), currency: "PLN".into(), existing: false, deals: 1, value: 9_999 },
            WonGroup { owner_id: None, currency: "EUR".into(), existing: false, deals: 1, value: 500 },
        ];
        let (rows, total) = activity(&[2, 1], &opened, &won, "EUR");
        let ids: Vec<_> = rows.iter().map(|r| r.owner_id).collect();
        assert_eq!(ids, [Some(2), Some(1), None], "listed order, then nobody");
        let anna = &rows[1];
        assert_eq!((anna.prospects, anna.orders, anna.ratio), (4, 3, Some(75.0)));
        assert_eq!((anna.value_new, anna.value_existing, anna.existing_share), (1_000, 3_000, Some(75.0)));
        assert_eq!((rows[0].orders, rows[0].ratio), (0, Some(0.0)));
        assert_eq!(rows[2].ratio, None, "no prospects, no ratio");
        assert_eq!((total.deals_opened, total.prospects, total.orders), (7, 6, 4));
        assert_eq!((total.value_new, total.value_existing), (1_500, 3_000));
    }

    #[test]
    fn contacts_per_day_week_kind_and_customer_with_roles_beside() {
        // Two working weeks (14 days, 10 working days).
        let p = Period::resolve(Some("2026-11-02"), Some("2026-11-15"), day("2026-12-01")).unwrap();
        let g = |u, kind: &str, existing, contacts, minutes| ContactGroup {
            user_id: Some(u),
            kind: kind.into(),
            existing,
            contacts,
            minutes,
        };
        let groups = [
            g(1, "visit", true, 6, 360),
            g(1, "phone", false, 20, 200),
            g(1, "phone", true, 5, 50),
            g(3, "email", false, 7, 70),
        ];
        let (rows, total) = contacts(&[1], &groups, &p);
        let a = &rows[0];
        assert_eq!((a.contacts, a.per_day, a.per_week), (31, Some(3.1), Some(15.5)));
        assert_eq!((a.new_customers, a.existing_customers, a.minutes), (20, 11, 610));
        assert_eq!(a.by_kind, [6, 25, 0, 0, 0], "visit, phone, letter, e-mail, other");
        assert_eq!(rows[1].user_id, Some(3), "an assistant with contacts gets a row");
        assert_eq!((total.contacts, total.minutes, total.by_kind[3]), (38, 680, 7));
        assert_eq!(hours(610), 10.2);

        let roles_g = [
            RoleGroup { user_id: Some(1), role: "decision_maker".into(), contacts: 10 },
            RoleGroup { user_id: Some(1), role: "assistant".into(), contacts: 25 },
            RoleGroup { user_id: Some(3), role: "".into(), contacts: 7 },
        ];
        let totals: Vec<(Option<i64>, i64)> = rows.iter().map(|r| (r.user_id, r.contacts)).collect();
        let (rr, rt) = roles(&[1], &roles_g, &totals);
        assert_eq!(rr[0].by_role, [10, 0, 0, 25, 0, 0, 0]);
        assert_eq!(rr[0].decision_maker_share, Some(32.3), "10 of 31 contacts reached a decision maker");
        assert_eq!((rr[1].by_role[6], rt.contacts), (7, 38));
    }

    fn line(category: &str, count: i64, model: &str) -> VehicleLine {
        VehicleLine { category: category.into(), count, model: model.into(), ..Default::default() }
    }

    #[test]
    fn products_share_a_deals_value_among_its_lines_exactly() {
        assert_eq!(share_value(1_000, &[line("tractor", 1, ""), line("van", 2, "")]), [333, 667]);
        assert_eq!(share_value(7, &[line("van", 0, "")]), [7]);
        let deals = [
            WonDeal {
                owner_id: Some(1),
                currency: "EUR".into(),
                value: 300_000,
                vehicles: vec![line("tractor", 3, "T 480")],
            },
            WonDeal {
                owner_id: Some(2),
                currency: "EUR".into(),
                value: 150_000,
                vehicles: vec![line("tractor", 1, "T 480"), line("van", 2, "Master")],
            },
            WonDeal { owner_id: Some(2), currency: "PLN".into(), value: 999, vehicles: vec![line("van", 1, "Master")] },
        ];
        let owners = [Some(1), Some(2)];
        let cats: Vec<String> = ["tractor", "rigid", "van"].map(String::from).to_vec();
        let rows = products(&owners, &deals, "EUR", &cats);
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.category.as_str(), r.model.as_str(), r.by_owner.clone(), r.vehicles, r.deals, r.value))
            .collect();
        assert_eq!(
            got,
            [("tractor", "T 480", vec![3, 1], 4, 2, 350_000), ("van", "Master", vec![0, 3], 3, 2, 100_000)]
        );
    }

    #[test]
    fn outcomes_reasons_and_the_competitors_that_won() {
        let closed = [
            ClosedGroup { owner_id: Some(1), kind: StageKind::Won, currency: "EUR".into(), deals: 3, value: 300 },
            ClosedGroup { owner_id: Some(1), kind: StageKind::Lost, currency: "EUR".into(), deals: 1, value: 100 },
            ClosedGroup { owner_id: Some(2), kind: StageKind::Lost, currency: "EUR".into(), deals: 2, value: 50 },
            ClosedGroup { owner_id: Some(2), kind: StageKind::Postponed, currency: "PLN".into(), deals: 1, value: 70 },
        ];
        let (rows, total) = outcomes(&[1, 2], &closed, "EUR");
        assert_eq!((rows[0].won, rows[0].lost, rows[0].win_rate), (3, 1, Some(75.0)));
        assert_eq!((rows[1].win_rate, rows[1].postponed, rows[1].postponed_value), (Some(0.0), 1, 0));
        assert_eq!((total.won, total.lost, total.lost_value, total.win_rate), (3, 3, 150, Some(50.0)));

        let rg = |o, kind, reason: &str, deals, value| ReasonGroup {
            owner_id: Some(o),
            kind,
            reason: reason.into(),
            currency: "EUR".into(),
            deals,
            value,
        };
        let groups = [
            rg(1, StageKind::Lost, "price", 1, 100),
            rg(2, StageKind::Lost, "price", 1, 20),
            rg(2, StageKind::Lost, "delivery", 1, 30),
            rg(2, StageKind::Postponed, "tender", 1, 70),
        ];
        let r = reasons(&[Some(1), Some(2)], &groups, "EUR");
        let got: Vec<_> =
            r.iter().map(|x| (x.reason.as_str(), x.by_owner.clone(), x.deals, x.value, x.share)).collect();
        assert_eq!(
            got,
            [
                ("price", vec![1, 1], 2, 120, Some(66.7)),
                ("delivery", vec![0, 1], 1, 30, Some(33.3)),
                ("tender", vec![0, 1], 1, 70, Some(100.0))
            ]
        );

        let lost = |o, to: &str, value, price: Option<i64>| LostDeal {
            owner_id: Some(o),
            lost_to: to.into(),
            currency: "EUR".into(),
            value,
            lost_price: price,
            lost_currency: "EUR".into(),
        };
        let deals = [
            lost(1, "Scania", 1_000, Some(900)),
            lost(2, " Scania ", 1_000, Some(950)),
            lost(2, "SCANIA", 500, None),
            lost(1, "Volvo", 2_000, None),
            lost(1, "", 10, None),
        ];
        let c = competitors(&[Some(1), Some(2)], &deals, "EUR");
        let got: Vec<_> = c
            .iter()
            .map(|x| (x.competitor.as_str(), x.by_owner.clone(), x.deals, x.value, x.priced, x.price_gap))
            .collect();
        assert_eq!(
            got,
            [
                ("Scania", vec![1, 2], 3, 2_500, 2, Some(7.5)),
                ("Volvo", vec![1, 0], 1, 2_000, 0, None),
                ("", vec![1, 0], 1, 10, 0, None)
            ],
            "three spellings are one competitor; 1,850 against 2,000 is 7.5% below"
        );
    }

    #[test]
    fn stages_count_moves_forward_back_and_out_with_days() {
        let p = StageSettings::default_process();
        let mg = |o, from, to, moves, days: i64| MoveGroup {
            owner_id: Some(o),
            from_stage: from,
            to_stage: to,
            moves,
            seconds: days * 86_400,
        };
        // Anna: 4 moves 1→2 (10 days each), 1 jump 1→3 (5 days), 1 back 3→2 (3 days), 1 lost
        // from 2 (20 days), 1 won from 5 (2 days).
        let groups = [mg(1, 1, 2, 4, 40), mg(1, 1, 3, 1, 5), mg(1, 3, 2, 1, 3), mg(1, 2, 7, 1, 20), mg(1, 5, 6, 1, 2)];
        let rows = stages(&p, &[Some(1)], &groups);
        let got: Vec<_> = rows.iter().map(|r| (r.stage_id, r.forward, r.back, r.lost, r.avg_days)).collect();
        assert_eq!(
            got,
            [
                (1, 5, 0, 0, Some(9.0)),
                (2, 0, 0, 1, Some(20.0)),
                (3, 0, 1, 0, Some(3.0)),
                (4, 0, 0, 0, None),
                (5, 1, 0, 0, Some(2.0))
            ]
        );
    }

    #[test]
    fn the_cost_of_selling_per_deal_and_per_order() {
        let settings = CostSettings { version: 1, hourly_cost: Some(4_500), currency: "EUR".into() };
        let inputs = [
            CostInputs { owner_id: Some(1), minutes: 600, deals_worked: 4, orders: 2, order_minutes: 90 },
            CostInputs { owner_id: Some(2), minutes: 100, deals_worked: 0, orders: 0, order_minutes: 0 },
        ];
        let (rows, total) = cost(&[1, 2], &inputs, &settings);
        let a = &rows[0];
        // 10 h at 45.00 = 450.00; per order 225.00.
        assert_eq!(
            (a.hours, a.hours_per_deal, a.hours_per_order, a.logged_hours_per_order),
            (10.0, Some(2.5), Some(5.0), Some(0.8))
        );
        assert_eq!((a.cost, a.cost_per_order), (Some(45_000), Some(22_500)));
        let b = &rows[1];
        assert_eq!((b.hours, b.hours_per_deal, b.cost, b.cost_per_order), (1.7, None, Some(7_500), None));
        assert_eq!((total.cost, total.cost_per_order), (Some(52_500), Some(26_250)));
        let (rows, _) = cost(&[1], &inputs, &CostSettings::default());
        assert_eq!(rows[0].cost, None, "no hourly cost set, no cost");
        assert!(CostSettings { hourly_cost: Some(-1), ..CostSettings::default() }.validated().is_err());
    }

    #[test]
    fn the_pyramid_cuts_by_customers_or_by_value_and_keeps_ties_together() {
        // Ten customers: 100, 90, 80, 70, 60, 50, 40, 30, 0, 0.
        let values: Vec<(i64, i64)> =
            [100, 90, 80, 70, 60, 50, 40, 30, 0, 0].iter().enumerate().map(|(i, v)| (i as i64 + 1, *v)).collect();
        let tiers = |ranked: Vec<(i64, &str, i64)>| ranked.iter().map(|r| r.1).collect::<String>();
        // 20/30/50 of the customers: 2 A, 3 B, the rest C.
        assert_eq!(tiers(rank(&values, CutMode::Customers, 20, 30)), "AABBBCCCCC");
        // By value, total 520: A until 80% (416) is reached: 100+90+80+70 = 340 < 416, +60 = 400
        // < 416 → the sixth (50) starts at 400 < 416 so it is A too; B until 95% (494): 450
        // → 40 is B, 490 → 30 is B; zeros are C.
        assert_eq!(tiers(rank(&values, CutMode::Value, 80, 15)), "AAAAAABBCC");
        // Ties share the higher tier.
        let tied = [(1, 50), (2, 50), (3, 50), (4, 10)];
        assert_eq!(tiers(rank(&tied, CutMode::Customers, 25, 25)), "AAAC");
        let figures = tier_figures(&rank(&values, CutMode::Customers, 20, 30));
        let got: Vec<_> =
            figures.iter().map(|t| (t.tier.as_str(), t.customers, t.value, t.value_pct, t.min_value)).collect();
        assert_eq!(
            got,
            [
                ("A", 2, 190, Some(36.5), Some(90)),
                ("B", 3, 210, Some(40.4), Some(60)),
                ("C", 5, 120, Some(23.1), Some(0))
            ]
        );
        assert!(PyramidSettings { a: 60, b: 40, ..Default::default() }.validated().is_err());
        assert!(PyramidSettings::default().validated().is_ok());
    }

    #[test]
    fn movers_compare_the_tier_before_the_period_with_the_one_at_its_end() {
        let m = |c, day: &str, from: &str, to: &str| TierMove {
            customer_id: c,
            ranked_on: day.into(),
            from: from.into(),
            to: to.into(),
        };
        let moves = [
            m(1, "2026-10-01", "B", "A"),
            m(2, "2026-10-01", "A", "B"),
            m(2, "2026-11-01", "B", "A"), // back where it was: not a mover
            m(3, "2026-10-01", "C", "B"),
            m(3, "2026-11-01", "B", "C"),
            m(4, "2026-11-01", "", "C"), // ranked for the first time
            m(5, "2026-11-01", "B", "C"),
        ];
        let names: HashMap<i64, (String, Option<i64>)> =
            (1..=5).map(|i| (i, (format!("Customer {i}"), Some(7)))).collect();
        let got: Vec<_> = movers(&moves, &names).into_iter().map(|m| (m.customer_id, m.from, m.to)).collect();
        assert_eq!(got, [(1, "B".into(), "A".into()), (5, "B".into(), "C".into())]);
    }

    #[test]
    fn csv_has_a_bom_semicolons_locale_decimals_and_no_formulas() {
        let table = ReportTable {
            kind: "activity".into(),
            title_key: "report.activity.title".into(),
            title: "Activity".into(),
            subtitle: String::new(),
            columns: vec![
                Column { key: "a".into(), label: "Name; full".into(), kind: ColumnKind::Text, currency: None },
                Column {
                    key: "b".into(),
                    label: "Value (EUR)".into(),
                    kind: ColumnKind::Money,
                    currency: Some("EUR".into()),
                },
                Column { key: "c".into(), label: "Share".into(), kind: ColumnKind::Percent, currency: None },
                Column { key: "d".into(), label: "Count".into(), kind: ColumnKind::Integer, currency: None },
            ],
            rows: vec![
                vec![Cell::text("=HYPERLINK(\"x\")"), Cell::Int(-123_456), Cell::Num(37.5), Cell::Int(-5)],
                vec![Cell::text("-5"), Cell::Int(7), Cell::Empty(()), Cell::Int(0)],
                vec![Cell::text("@cmd"), Cell::Int(0), Cell::Num(0.0), Cell::Int(1)],
                // A phone number is no formula: as an export writes it (one rule, crate::formula).
                vec![Cell::text("+39 02 1234"), Cell::Int(0), Cell::Num(0.0), Cell::Int(1)],
            ],
            total: Some(vec![Cell::text("Total"), Cell::Int(100), Cell::Empty(()), Cell::Int(3)]),
        };
        let bytes = csv(&table, Locale::It).unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines,
            [
                "\"Name; full\";Value (EUR);Share;Count",
                "\"'=HYPERLINK(\"\"x\"\")\";-1234,56;37,5;-5",
                "-5;0,07;;0",
                "'@cmd;0,00;0,0;1",
                "+39 02 1234;0,00;0,0;1",
                "Total;1,00;;3",
                ""
            ]
        );
        let en = String::from_utf8(csv(&table, Locale::En).unwrap()[3..].to_vec()).unwrap();
        assert!(en.contains("-1234.56;37.5;-5"), "{en}");
    }
}
