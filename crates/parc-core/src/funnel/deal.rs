//! Deals and the office's sales process: the stages a deal moves through (each with its win
//! probability, the checklist of questions to answer before leaving it, the role responsible
//! and the days after which a deal in it counts as stalled), and the deal itself with its vehicles, decision makers
//! and competitors.
//!
//! Stage names and questions are the office's own data, written in every UI language
//! ([`Names`]), not catalogue keys: the office renames and adds them. They are kept as one
//! versioned document each in the `setting` table, so the whole process is saved (and
//! refused when stale) at once; a stage is retired, never deleted, so history keeps its name.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ground::i18n::CURRENCIES;
// Paths the storage files still use (issue #22); they move to office and ground.
use crate::ground::dates::DATE_FORMAT;
use crate::ground::error::{Error, FieldError, Result};
pub use crate::ground::i18n::{name_in, Names};
pub use crate::office::reasons::*;

mod stages;
#[cfg(test)]
mod tests;

pub use stages::*;

/// Vehicle categories a deal asks for (the fleet uses the same words).
pub const VEHICLE_CATEGORIES: &[&str] = &["tractor", "rigid", "tipper", "van", "bus", "trailer", "other"];

/// A line of vehicles wanted: "3 tractors, T 480".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VehicleLine {
    /// One of [`VEHICLE_CATEGORIES`].
    pub category: String,
    pub count: i64,
    pub model: String,
    /// Where the line came from: `"radar"` (a fleet vehicle due for renewal) or `""` (by hand).
    pub source: String,
    /// The fleet vehicle it renews, when it came from the renewal radar.
    pub vehicle_id: Option<i64>,
}

/// A competitor in the deal and the price they offered, when known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Competitor {
    /// The brand or dealer, as typed (linked to competitor records later).
    pub name: String,
    /// Offered price in minor units of `currency`.
    pub price: Option<i64>,
    pub currency: String,
    pub note: String,
}

/// What a salesperson edits on a deal. The stage changes only by [`MoveRequest`]s.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DealData {
    pub owner_id: Option<i64>,
    pub title: String,
    /// The deal's value in minor units of `currency`.
    pub value: i64,
    pub currency: String,
    /// `YYYY-MM-DD`.
    pub expected_close: Option<String>,
    /// The owner commits to closing it this month: in the commit forecast whatever its stage.
    pub commit: bool,
    pub vehicles: Vec<VehicleLine>,
    /// The decision makers involved: people of the deal's customer.
    pub person_ids: Vec<i64>,
    pub competitors: Vec<Competitor>,
    pub notes: String,
}

/// The largest amount a deal holds: far above any fleet, far below overflow when weighted.
pub const MAX_VALUE: i64 = 1_000_000_000_000_000;

impl DealData {
    /// A new deal for a customer wanting `vehicles` (from the card or the renewal radar): a
    /// title made of the vehicles, expected to close in three months.
    pub fn prefilled(owner_id: Option<i64>, vehicles: Vec<VehicleLine>, currency: &str, today: NaiveDate) -> DealData {
        let title = vehicles
            .iter()
            .map(|v| {
                let what = if v.model.trim().is_empty() { v.category.clone() } else { v.model.trim().to_string() };
                format!("{} × {what}", v.count.max(1))
            })
            .collect::<Vec<_>>()
            .join(", ");
        DealData {
            owner_id,
            title,
            currency: currency.to_string(),
            expected_close: Some((today + chrono::Months::new(3)).format(DATE_FORMAT).to_string()),
            vehicles,
            ..Default::default()
        }
    }

    pub fn validated(mut self) -> Result<DealData> {
        self.title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        self.notes = self.notes.trim_end().to_string();
        self.currency = self.currency.trim().to_uppercase();
        if self.currency.is_empty() {
            self.currency = "EUR".into();
        }
        let close = self.expected_close.as_deref().map(|d| d.trim()).filter(|d| !d.is_empty());
        let parsed = close.map(|d| NaiveDate::parse_from_str(d, DATE_FORMAT));
        self.expected_close = match parsed {
            Some(Ok(day)) => Some(day.format(DATE_FORMAT).to_string()),
            Some(Err(_)) => self.expected_close.clone(),
            None => None,
        };
        for v in &mut self.vehicles {
            v.model = v.model.trim().to_string();
            v.category = v.category.trim().to_string();
        }
        self.vehicles.retain(|v| v.count != 0 || !v.model.is_empty() || !v.category.is_empty());
        for c in &mut self.competitors {
            c.name = c.name.split_whitespace().collect::<Vec<_>>().join(" ");
            c.note = c.note.trim().to_string();
            c.currency = c.currency.trim().to_uppercase();
            if c.currency.is_empty() {
                c.currency = self.currency.clone();
            }
        }
        self.competitors.retain(|c| !c.name.is_empty() || c.price.is_some());
        self.person_ids.sort_unstable();
        self.person_ids.dedup();

        let mut errors = Vec::new();
        let mut err = |field, key| errors.push(FieldError::new(field, key));
        if self.title.is_empty() {
            err("title", "validation.deal_title_required");
        }
        if self.title.chars().count() > 200 {
            err("title", "validation.too_long");
        }
        if !(0..=MAX_VALUE).contains(&self.value) {
            err("value", "validation.amount");
        }
        if !CURRENCIES.contains(&self.currency.as_str()) {
            err("currency", "validation.currency");
        }
        if matches!(parsed, Some(Err(_))) {
            err("expected_close", "validation.date");
        }
        if self.vehicles.len() > 50
            || self.vehicles.iter().any(|v| {
                !(1..=9999).contains(&v.count)
                    || !VEHICLE_CATEGORIES.contains(&v.category.as_str())
                    || v.model.chars().count() > 200
            })
        {
            err("vehicles", "validation.deal_vehicles");
        }
        if self.competitors.len() > 20
            || self.competitors.iter().any(|c| {
                c.name.is_empty()
                    || c.name.chars().count() > 200
                    || c.note.chars().count() > 500
                    || c.price.is_some_and(|p| !(0..=MAX_VALUE).contains(&p))
                    || !CURRENCIES.contains(&c.currency.as_str())
            })
        {
            err("competitors", "validation.competitors");
        }
        if self.notes.chars().count() > 20_000 {
            err("notes", "validation.too_long");
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

/// Where a deal stands beside its data: its stage, how it got there and how it closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealState {
    pub stage_id: i64,
    /// When the deal entered its stage (RFC 3339, UTC).
    pub stage_since: String,
    /// Every open stage (and won) the deal ever entered, ascending ids: how far it got.
    pub reached: Vec<i64>,
    /// Checklist questions answered, by stage id.
    pub answers: BTreeMap<i64, Vec<i64>>,
    /// The day it was won, lost or postponed (`YYYY-MM-DD`); `None` while open.
    pub closed_on: Option<String>,
    /// A reason code from the office's lost or postponed list.
    pub close_reason: String,
    pub close_note: String,
    /// Lost to whom, at what price (minor units of `lost_currency`), when known.
    pub lost_to: String,
    pub lost_price: Option<i64>,
    pub lost_currency: String,
    /// A postponed deal comes back on this day (`YYYY-MM-DD`): it is in the agenda.
    pub revisit_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    #[serde(flatten)]
    pub data: DealData,
    #[serde(flatten)]
    pub state: DealState,
    /// How it started: `"card"`, `"radar"`, `"lead"`.
    pub origin: String,
    pub created_at: String,
    pub created_by: Option<i64>,
    pub updated_at: String,
    pub version: i64,
}

/// One step of a deal's stage history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageMove {
    pub id: i64,
    pub deal_id: i64,
    /// `None` for the deal's creation.
    pub from_stage_id: Option<i64>,
    pub to_stage_id: i64,
    /// RFC 3339, UTC.
    pub moved_at: String,
    pub moved_by: Option<i64>,
    /// How long the deal had been in `from_stage_id`.
    pub seconds_in_from: i64,
    pub reason: String,
    pub note: String,
}

/// A move to another stage, as the move dialog sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MoveRequest {
    pub to_stage_id: i64,
    /// Checklist questions answered, by stage: replaces the deal's answers for those stages.
    pub answers: BTreeMap<i64, Vec<i64>>,
    /// Required for lost and postponed: a code from the office's list.
    pub reason: String,
    pub note: String,
    pub lost_to: String,
    pub lost_price: Option<i64>,
    pub lost_currency: String,
    /// Required when postponing: `YYYY-MM-DD`, today or later.
    pub revisit_on: Option<String>,
}

/// A deal in a list or on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealSummary {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub title: String,
    pub owner_id: Option<i64>,
    pub value: i64,
    pub currency: String,
    /// `value` × the stage's probability, rounded to a minor unit.
    pub weighted: i64,
    pub expected_close: Option<String>,
    pub commit: bool,
    pub stage_id: i64,
    pub stage_since: String,
    pub closed_on: Option<String>,
    pub revisit_on: Option<String>,
    /// Whole days in the current stage, as of the day asked.
    pub days_in_stage: i64,
    /// Longer in its stage than the stage allows.
    pub over_stage_days: bool,
    /// Open with its expected close date gone by.
    pub past_close: bool,
    pub version: i64,
}

impl DealSummary {
    pub fn stalled(&self) -> bool {
        self.over_stage_days || self.past_close
    }
}

/// `value × probability / 100`, rounded half up, without overflow.
pub fn weighted(value: i64, probability: i64) -> i64 {
    ((i128::from(value) * i128::from(probability) + 50) / 100) as i64
}

/// Which deals a list shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DealQuery {
    pub owner_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub stage_id: Option<i64>,
    /// `"open"` (the default), `"closed"` or `"all"`.
    pub status: String,
    /// Expected close month, `YYYY-MM`.
    pub close_month: Option<String>,
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    pub currency: Option<String>,
    /// Only stalled deals (open, over their stage's days or past their close date).
    pub stalled: bool,
    /// The funnel's period (see [`crate::funnel::FunnelQuery`]): open deals closing in it,
    /// closed deals closed in it.
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: u32,
}

/// A postponed deal to come back to, for the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revisit {
    pub deal_id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub title: String,
    pub owner_id: Option<i64>,
    pub revisit_on: String,
    pub close_reason: String,
}

/// A prospect from a lead source, to be qualified into a deal or disqualified.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadData {
    /// A code of the office's lead sources ([`ReasonSettings::sources`]).
    pub source: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    pub owner_id: Option<i64>,
    pub note: String,
}

impl LeadData {
    /// Checks a new lead; its source must be one of the office's sources in use.
    pub fn validated(mut self, reasons: &ReasonSettings) -> Result<LeadData> {
        self.note = self.note.trim().to_string();
        self.source = self.source.trim().to_string();
        let mut errors = Vec::new();
        if !reasons.allows_source(&self.source, "") || self.source.is_empty() {
            errors.push(FieldError::new("source", "validation.lead_source"));
        }
        match NaiveDate::parse_from_str(self.received_on.trim(), DATE_FORMAT) {
            Ok(d) => self.received_on = d.format(DATE_FORMAT).to_string(),
            Err(_) => errors.push(FieldError::new("received_on", "validation.date")),
        }
        if self.note.chars().count() > 2000 {
            errors.push(FieldError::new("note", "validation.too_long"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    Open,
    Qualified,
    Disqualified,
}

impl LeadStatus {
    pub fn code(self) -> &'static str {
        match self {
            LeadStatus::Open => "open",
            LeadStatus::Qualified => "qualified",
            LeadStatus::Disqualified => "disqualified",
        }
    }

    pub fn parse(s: &str) -> LeadStatus {
        match s {
            "qualified" => LeadStatus::Qualified,
            "disqualified" => LeadStatus::Disqualified,
            _ => LeadStatus::Open,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    #[serde(flatten)]
    pub data: LeadData,
    pub status: LeadStatus,
    /// Why it was disqualified: a code of the office's list.
    pub reason: String,
    /// The deal it was qualified into.
    pub deal_id: Option<i64>,
    pub decided_on: Option<String>,
    pub created_at: String,
    pub created_by: Option<i64>,
    pub version: i64,
}

/// A lead as an import (or the demo) brings it, already decided or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadRecord {
    pub customer_id: i64,
    pub data: LeadData,
    pub status: LeadStatus,
    pub reason: String,
    pub deal_id: Option<i64>,
    pub decided_on: Option<String>,
    pub by: Option<i64>,
}
