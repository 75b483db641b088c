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

pub(crate) mod rows;
mod store;
#[cfg(test)]
pub(crate) mod testing;

pub use store::CustomerTier;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::contact::CONTACT_KINDS;
use crate::customer::person::DECISION_ROLES;
use crate::fleet::share::MarketShare;
use crate::funnel::deal::{name_in, ReasonSettings, StageKind, StageSettings, VehicleLine};
use crate::ground::dates::DATE_FORMAT;
use crate::ground::error::{Error, FieldError, Result};
use crate::ground::formula;
use crate::ground::i18n::{tr, trf, Locale};
use crate::office::{User, UserRole};

mod activity;
mod contacts;
mod cost;
mod csv;
mod customer;
mod market;
mod outcomes;
mod products;
mod pyramid;
mod stages;
mod table;
mod xlsx;
pub use activity::*;
pub use contacts::*;
pub use cost::*;
pub use csv::*;
pub use customer::*;
pub use market::*;
pub use outcomes::*;
pub use products::*;
pub use pyramid::*;
pub use stages::*;
pub use table::*;
pub use xlsx::*;

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

/// A report's rows per salesperson in report order ([`owner_order`]), and the office's total:
/// the roll-up every per-salesperson report shares.
pub struct PerOwner<R> {
    order: Vec<Option<i64>>,
    rows: BTreeMap<Option<i64>, R>,
    pub total: R,
}

impl<R> PerOwner<R> {
    /// A row for each salesperson listed or `seen`, and the total, each made by `blank`.
    pub fn new(listed: &[i64], seen: impl IntoIterator<Item = Option<i64>>, blank: impl Fn(Option<i64>) -> R) -> Self {
        let order = owner_order(listed, seen);
        let rows = order.iter().map(|&o| (o, blank(o))).collect();
        PerOwner { order, rows, total: blank(None) }
    }

    /// The row of `owner` and the total, for a figure that counts in both.
    pub fn row_and_total(&mut self, owner: Option<i64>) -> [&mut R; 2] {
        [self.rows.get_mut(&owner).expect("every owner seen has a row"), &mut self.total]
    }

    /// The rows in report order and the total, each passed through `finish` (its ratios).
    pub fn finish(mut self, finish: impl Fn(&mut R)) -> (Vec<R>, R) {
        let mut out = Vec::with_capacity(self.order.len());
        for o in &self.order {
            let mut r = self.rows.remove(o).expect("every owner seen has a row");
            finish(&mut r);
            out.push(r);
        }
        finish(&mut self.total);
        (out, self.total)
    }
}

/// The salespeople a report lists even without figures: active salespeople, by name.
pub fn listed_sellers(users: &[User]) -> Vec<i64> {
    let mut sellers: Vec<&User> =
        users.iter().filter(|u| u.data.active && u.data.role == UserRole::Salesperson).collect();
    sellers.sort_by_key(|u| crate::ground::search_key::fold(&u.data.name));
    sellers.into_iter().map(|u| u.id).collect()
}

#[cfg(test)]
mod tests;
