//! The funnel's part of [`Store`]: deals and their moves, lists and the deal page here; the
//! office's stages and reasons, the board, funnel and forecasts, and leads in `sales/`. Rules
//! live here; `rows.rs` only reads and writes rows.

mod board;
mod leads;
mod settings;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::funnel::deal::{
    weighted, Deal, DealData, DealQuery, DealState, DealSummary, Lead, LeadData, LeadRecord, LeadStatus, MoveRequest,
    ReasonSettings, StageKind, StageMove, StageSettings, VehicleLine, MAX_VALUE,
};
use crate::funnel::rows::figures::TallyFilter;
use crate::funnel::rows::{self as deals, DealFilter, NewDeal, Order, Status};
use crate::funnel::{
    self, Accuracy, Amounts, Forecast, ForecastGroup, ForecastSnapshot, FunnelQuery, LeadFigures, StageFigures,
};
use crate::ground::audit;
use crate::ground::dates::{day_of, day_text, DATE_FORMAT};
use crate::ground::error::{Error, FieldError, Result};
use crate::storage::trail;
use crate::storage::{now, Store};

const STAGES_KEY: &str = "funnel.stages";

/// A deal with everything its page shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DealView {
    pub deal: Deal,
    pub summary: DealSummary,
    /// Its stage history, oldest first.
    pub moves: Vec<StageMove>,
    /// Checklist questions of stages it left without an answer: `(stage_id, question_id)`.
    pub gaps: Vec<(i64, i64)>,
}

/// One column of the board: the deals in a stage (the first of them) with the column's totals.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BoardColumn {
    pub stage_id: i64,
    pub totals: Amounts,
    pub deals: Vec<DealSummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Board {
    pub currency: String,
    pub currencies: Vec<String>,
    /// Open stages in use, then won, lost and postponed (those closed this month).
    pub columns: Vec<BoardColumn>,
}

/// What the funnel screen shows: stages, totals and the three forecasts, in one currency.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Funnel {
    pub currency: String,
    /// Every currency deals are in, most used first.
    pub currencies: Vec<String>,
    pub stages: Vec<StageFigures>,
    /// Open deals: count, value, weighted value.
    pub open: Amounts,
    /// Won ÷ (won + lost) among the deals closed, `None` before any.
    pub win_rate: Option<f64>,
    pub forecast: Forecast,
    /// Open deals over their stage's days or past their expected close date (every currency).
    pub stalled: i64,
}

/// How many of the newest deals a board column or list brings.
const COLUMN_DEALS: u32 = 100;

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), DATE_FORMAT).ok()
}

/// Seconds from `since` to `until` (RFC 3339), never negative.
fn seconds_between(since: &str, until: &str) -> i64 {
    match (DateTime::parse_from_rfc3339(since), DateTime::parse_from_rfc3339(until)) {
        (Ok(a), Ok(b)) => (b - a).num_seconds().max(0),
        _ => 0,
    }
}

impl Store {
    // --- deals ---

    /// The decision makers must be people of the deal's customer.
    fn check_people(&mut self, customer_id: i64, data: &DealData) -> Result<()> {
        if data.person_ids.is_empty() {
            return Ok(());
        }
        let theirs: Vec<i64> = self.people(customer_id)?.iter().map(|p| p.id).collect();
        if data.person_ids.iter().all(|p| theirs.contains(p)) {
            Ok(())
        } else {
            Err(Error::invalid("person_ids", "validation.choice"))
        }
    }

    /// Starts a deal for a customer in `stage_id` (default: the first open stage), made by
    /// user `by`. `origin` says how it started (`"card"`, `"radar"`, `"lead"`).
    pub fn create_deal(
        &mut self,
        customer_id: i64,
        data: DealData,
        stage_id: Option<i64>,
        origin: &str,
        by: Option<i64>,
    ) -> Result<Deal> {
        let data = data.validated()?;
        self.check_people(customer_id, &data)?;
        let process = self.stage_settings()?;
        let stage = match stage_id {
            Some(id) => process.stage(id).filter(|s| s.kind == StageKind::Open && !s.retired),
            None => Some(process.first_open()),
        }
        .ok_or_else(|| Error::invalid("stage_id", "validation.choice"))?;
        let stamp = now();
        let (state, first) = first_state(stage.id, &stamp, by);
        let origin = if origin.is_empty() { "card" } else { origin };
        let id = self.write(|x| {
            let id = deals::insert_deal(
                x,
                &NewDeal {
                    customer_id,
                    data: &data,
                    state: &state,
                    origin,
                    created_at: &stamp,
                    created_by: by,
                    moves: std::slice::from_ref(&first),
                },
            )?;
            trail::record(x, audit::DEAL, id, by, None, &serde_json::Value::Null, &stamp)?;
            Ok(id)
        })?;
        self.deal(id)
    }

    /// One action from the renewal radar or the card: a deal for `customer_id` prefilled with
    /// the vehicles due (title, expected close in three months, the customer's owner and
    /// currency), in the first open stage.
    pub fn start_deal_with_vehicles(
        &mut self,
        customer_id: i64,
        vehicles: Vec<VehicleLine>,
        by: Option<i64>,
        today: NaiveDate,
    ) -> Result<Deal> {
        let customer = self.customer(customer_id)?;
        let owner = customer.data.owner_id.or(by);
        // The office may keep fleet categories of its own ("crane"); a deal knows the standard ones.
        let vehicles = vehicles
            .into_iter()
            .map(|mut v| {
                if !crate::funnel::deal::VEHICLE_CATEGORIES.contains(&v.category.as_str()) {
                    v.category = "other".into();
                }
                v
            })
            .collect();
        let data = DealData::prefilled(owner, vehicles, &customer.data.turnover_currency, today);
        let origin = if data.vehicles.iter().any(|v| v.source == "radar") { "radar" } else { "card" };
        self.create_deal(customer_id, data, None, origin, by)
    }

    /// Saves many deals with their histories in one transaction (demo data, imports): all or
    /// none. Each is `(customer_id, data, state, moves)`; the data is validated, the history
    /// trusted. Returns their ids.
    pub fn create_deals_bulk(&mut self, rows: Vec<(i64, DealData, DealState, Vec<StageMove>)>) -> Result<Vec<i64>> {
        let rows = rows.into_iter().map(|(c, d, s, m)| Ok((c, d.validated()?, s, m))).collect::<Result<Vec<_>>>()?;
        self.write(|x| {
            rows.iter()
                .map(|(customer_id, data, state, moves)| {
                    let first = moves.first();
                    let stamp = first.map_or_else(now, |m| m.moved_at.clone());
                    deals::insert_deal(
                        x,
                        &NewDeal {
                            customer_id: *customer_id,
                            data,
                            state,
                            origin: "card",
                            created_at: &stamp,
                            created_by: first.and_then(|m| m.moved_by),
                            moves,
                        },
                    )
                })
                .collect()
        })
    }

    /// Saves a deal's data if nobody saved it since `version` was read.
    pub fn update_deal(&mut self, id: i64, version: i64, data: DealData) -> Result<Deal> {
        let data = data.validated()?;
        let current = self.deal(id)?;
        self.check_people(current.customer_id, &data)?;
        let (by, stamp) = (self.actor(), now());
        self.write(|x| {
            deals::update_deal(x, id, version, &data, &current.state, &[], &stamp)?;
            // Stage moves have their own history (`deal_move`); the trail keeps the data.
            let (before, after) = (audit::describe(&current.data), audit::describe(&data));
            trail::record(x, audit::DEAL, id, by, Some(&before), &after, &stamp)
        })?;
        self.deal(id)
    }

    /// Moves a deal to another stage, recording the move, the checklist answers given, and
    /// for lost and postponed deals the reason (and for lost ones the winner and their price,
    /// for postponed ones the day to come back). `today` is the workstation's day.
    pub fn move_deal(
        &mut self,
        id: i64,
        version: i64,
        request: MoveRequest,
        by: Option<i64>,
        today: NaiveDate,
    ) -> Result<Deal> {
        let deal = self.deal(id)?;
        if deal.version != version {
            return Err(Error::Conflict { entity: "deal", id });
        }
        let process = self.stage_settings()?;
        let reasons = self.reason_settings()?;
        let stamp = now();
        let (state, step) = moved_state(&deal, request, &process, &reasons, by, &stamp, today)?;
        let won = process.stage(state.stage_id).is_some_and(|s| s.kind == StageKind::Won);
        self.write(|x| {
            deals::update_deal(x, id, version, &deal.data, &state, std::slice::from_ref(&step), &stamp)?;
            // The lead funnel counts a lead won by the mark its lead keeps.
            deals::leads::mark_leads_won(x, id, won)
        })?;
        if won {
            self.won_into_fleet(&deal, today)?;
        }
        self.deal(id)
    }

    /// A won deal's vehicles join the customer's fleet as ours: one line per vehicle line,
    /// of the office's (first) brand, registered this year. Once per deal (an idempotency
    /// key), so a deal reopened and won again adds nothing twice; nothing is added while the
    /// office has not said which brand it sells.
    fn won_into_fleet(&mut self, deal: &crate::funnel::deal::Deal, today: NaiveDate) -> Result<()> {
        let settings = self.fleet_settings()?;
        let Some(brand) = settings.brands.iter().find(|b| b.ours).map(|b| b.name.clone()) else {
            return Ok(());
        };
        // A category the office no longer keeps becomes its "other" (or its first).
        let category = |c: &str| -> String {
            if settings.categories.iter().any(|k| k == c) {
                c.to_string()
            } else if settings.categories.iter().any(|k| k == "other") {
                "other".into()
            } else {
                settings.categories.first().cloned().unwrap_or_default()
            }
        };
        let year = today.year();
        let lines: Vec<_> = deal
            .data
            .vehicles
            .iter()
            .filter(|v| v.count > 0)
            .map(|v| {
                let data = crate::fleet::FleetLineData {
                    brand: brand.clone(),
                    model: v.model.clone(),
                    category: category(&v.category),
                    vehicles: v.count,
                    first_registered: Some(year),
                    ownership: "owned".into(),
                    notes: deal.data.title.clone(),
                    ..Default::default()
                };
                (deal.customer_id, data)
            })
            .collect();
        if lines.is_empty() {
            return Ok(());
        }
        self.once(&format!("deal-won-fleet:{}", deal.id), |s| s.create_fleet_bulk(lines)).map(|_| ())
    }

    pub fn deal(&mut self, id: i64) -> Result<Deal> {
        self.read(|x| deals::deal(x, id))?.ok_or(Error::NotFound { entity: "deal", id })
    }

    /// A deal, its history and the checklist gaps it left behind, as of `today`.
    pub fn deal_view(&mut self, id: i64, today: NaiveDate) -> Result<DealView> {
        let deal = self.deal(id)?;
        let moves = self.read(|x| deals::moves(x, id))?;
        let process = self.stage_settings()?;
        let mut gaps = Vec::new();
        for stage_id in &deal.state.reached {
            if *stage_id == deal.state.stage_id {
                continue;
            }
            let Some(stage) = process.stage(*stage_id) else { continue };
            let answered = deal.state.answers.get(stage_id).cloned().unwrap_or_default();
            gaps.extend(stage.checklist.iter().filter(|q| !answered.contains(&q.id)).map(|q| (stage.id, q.id)));
        }
        let summary = summarise(
            &process,
            DealSummary {
                id: deal.id,
                customer_id: deal.customer_id,
                customer_name: deal.customer_name.clone(),
                title: deal.data.title.clone(),
                owner_id: deal.data.owner_id,
                value: deal.data.value,
                currency: deal.data.currency.clone(),
                weighted: 0,
                expected_close: deal.data.expected_close.clone(),
                commit: deal.data.commit,
                stage_id: deal.state.stage_id,
                stage_since: deal.state.stage_since.clone(),
                closed_on: deal.state.closed_on.clone(),
                revisit_on: deal.state.revisit_on.clone(),
                days_in_stage: 0,
                over_stage_days: false,
                past_close: false,
                version: deal.version,
            },
            today,
        );
        Ok(DealView { deal, summary, moves, gaps })
    }

    /// The list view: deals matching `query`, soonest to close first (closed ones: latest
    /// closed first; stalled ones: longest waiting first).
    pub fn deals(&mut self, query: &DealQuery, today: NaiveDate) -> Result<Vec<DealSummary>> {
        let process = self.stage_settings()?;
        let status = match query.status.as_str() {
            "closed" => Status::Closed,
            "all" => Status::All,
            _ => Status::Open,
        };
        let mut f = DealFilter {
            currency: query.currency.clone().filter(|c| !c.is_empty()),
            owner_id: query.owner_id,
            customer_id: query.customer_id,
            stage_id: query.stage_id,
            status,
            period: period(query.from.as_deref(), query.to.as_deref()),
            close_month: query.close_month.clone().filter(|m| m.len() == 7),
            min_value: query.min_value,
            max_value: query.max_value,
            stalled: None,
        };
        // A stage's own list shows its deals whatever the status asked.
        if let Some(stage) = query.stage_id.and_then(|s| process.stage(s)) {
            f.status = if stage.kind.is_closed() { Status::Closed } else { Status::Open };
        }
        let order = if query.stalled {
            f.stalled = Some(stall_limits(&process, today));
            f.status = Status::Open;
            Order::Waiting
        } else if f.status == Status::Closed {
            Order::Closed
        } else {
            Order::Close
        };
        let limit = if query.limit == 0 { 200 } else { query.limit.min(1000) };
        let rows = self.read(|x| deals::list(x, &f, order, limit))?;
        Ok(rows.into_iter().map(|d| summarise(&process, d, today)).collect())
    }

    /// Stalled deals (every currency) of `owner_id` or everyone: longest waiting first.
    pub fn stalled_deals(&mut self, owner_id: Option<i64>, today: NaiveDate, limit: u32) -> Result<Vec<DealSummary>> {
        let query = DealQuery { owner_id, stalled: true, limit, ..Default::default() };
        self.deals(&query, today)
    }
}

/// The stored process text and the process it holds (the default when none is stored).
fn stages_in(x: &mut dyn crate::storage::exec::Exec) -> Result<(Option<String>, StageSettings)> {
    let text = crate::storage::settings::setting(x, STAGES_KEY)?;
    let process =
        text.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_else(StageSettings::default_process);
    Ok((text, process))
}

/// A new deal's state in `stage_id` and the move that creates it.
fn first_state(stage_id: i64, stamp: &str, by: Option<i64>) -> (DealState, StageMove) {
    let state = DealState { stage_id, stage_since: stamp.to_string(), reached: vec![stage_id], ..Default::default() };
    let step = StageMove {
        id: 0,
        deal_id: 0,
        from_stage_id: None,
        to_stage_id: stage_id,
        moved_at: stamp.to_string(),
        moved_by: by,
        seconds_in_from: 0,
        reason: String::new(),
        note: String::new(),
    };
    (state, step)
}

/// The state a move leads to, and the move itself; every problem of the request at once.
fn moved_state(
    deal: &Deal,
    request: MoveRequest,
    process: &StageSettings,
    reasons: &ReasonSettings,
    by: Option<i64>,
    stamp: &str,
    today: NaiveDate,
) -> Result<(DealState, StageMove)> {
    let mut errors = Vec::new();
    let target = process.stage(request.to_stage_id).filter(|s| !s.retired);
    let Some(target) = target else {
        return Err(Error::invalid("to_stage_id", "validation.choice"));
    };
    if target.id == deal.state.stage_id {
        return Err(Error::invalid("to_stage_id", "validation.same_stage"));
    }
    let mut state = deal.state.clone();
    // Answers count only for questions that exist.
    for (stage_id, answered) in request.answers {
        if let Some(stage) = process.stage(stage_id) {
            let mut keep: Vec<i64> =
                answered.into_iter().filter(|q| stage.checklist.iter().any(|c| c.id == *q)).collect();
            keep.sort_unstable();
            keep.dedup();
            state.answers.insert(stage_id, keep);
        }
    }
    state.answers.retain(|_, v| !v.is_empty());
    let reason = request.reason.trim().to_string();
    let note = request.note.trim().to_string();
    if note.chars().count() > 2000 {
        errors.push(FieldError::new("note", "validation.too_long"));
    }
    state.close_reason = String::new();
    state.close_note = String::new();
    state.lost_to = String::new();
    state.lost_price = None;
    state.lost_currency = String::new();
    state.revisit_on = None;
    state.closed_on = target.kind.is_closed().then(|| day_text(today));
    match target.kind {
        StageKind::Lost => {
            if !ReasonSettings::allows(&reasons.lost, &reason) {
                errors.push(FieldError::new("reason", "validation.reason_required"));
            }
            state.lost_to = request.lost_to.split_whitespace().collect::<Vec<_>>().join(" ");
            if state.lost_to.chars().count() > 200 {
                errors.push(FieldError::new("lost_to", "validation.too_long"));
            }
            if request.lost_price.is_some_and(|p| !(0..=MAX_VALUE).contains(&p)) {
                errors.push(FieldError::new("lost_price", "validation.amount"));
            }
            state.lost_price = request.lost_price;
            let currency = request.lost_currency.trim().to_uppercase();
            state.lost_currency = if currency.is_empty() { deal.data.currency.clone() } else { currency };
            if !crate::customer::CURRENCIES.contains(&state.lost_currency.as_str()) {
                errors.push(FieldError::new("lost_currency", "validation.currency"));
            }
        }
        StageKind::Postponed => {
            if !ReasonSettings::allows(&reasons.postponed, &reason) {
                errors.push(FieldError::new("reason", "validation.reason_required"));
            }
            match request.revisit_on.as_deref().map(parse_day) {
                Some(Some(day)) if day >= today => state.revisit_on = Some(day_text(day)),
                Some(Some(_)) => errors.push(FieldError::new("revisit_on", "validation.revisit_past")),
                _ => errors.push(FieldError::new("revisit_on", "validation.revisit_required")),
            }
        }
        StageKind::Open | StageKind::Won => {
            if !state.reached.contains(&target.id) {
                state.reached.push(target.id);
                state.reached.sort_unstable();
            }
        }
    }
    if target.kind.is_closed() {
        state.close_reason = reason.clone();
        state.close_note = note.clone();
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let step = StageMove {
        id: 0,
        deal_id: deal.id,
        from_stage_id: Some(deal.state.stage_id),
        to_stage_id: target.id,
        moved_at: stamp.to_string(),
        moved_by: by,
        seconds_in_from: seconds_between(&deal.state.stage_since, stamp),
        reason: if target.kind.is_closed() { reason } else { String::new() },
        note,
    };
    state.stage_id = target.id;
    state.stage_since = stamp.to_string();
    Ok((state, step))
}

/// Today, and `(stage, entered before)` for every open stage: a deal that entered it before
/// that day has been in it more than its days (`None` for a stage that never stalls by days).
fn stall_limits(process: &StageSettings, today: NaiveDate) -> deals::StallLimits {
    let limits = process
        .stages
        .iter()
        .filter(|s| s.kind == StageKind::Open)
        .map(|s| (s.id, (s.stall_days > 0).then(|| day_text(today - chrono::Days::new(s.stall_days as u64)))))
        .collect();
    (day_text(today), limits)
}

/// Adds to a listed deal what depends on its stage and the day.
fn summarise(process: &StageSettings, mut d: DealSummary, today: NaiveDate) -> DealSummary {
    let stage = process.stage(d.stage_id);
    d.weighted = weighted(d.value, stage.map_or(0, |s| s.probability));
    d.days_in_stage = day_of(&d.stage_since).map_or(0, |since| (today - since).num_days().max(0));
    let open = d.closed_on.is_none();
    d.over_stage_days = open && stage.is_some_and(|s| s.stall_days > 0 && d.days_in_stage > s.stall_days);
    d.past_close = open && d.expected_close.as_deref().and_then(parse_day).is_some_and(|c| c < today);
    d
}

/// The currency asked for if any, else the most used, else EUR.
fn pick_currency(asked: Option<String>, known: &[String]) -> String {
    asked
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty())
        .or_else(|| known.first().cloned())
        .unwrap_or_else(|| "EUR".into())
}

/// A period from optional days, in whole months (the funnel's tallies are kept by month):
/// from the first of `from`'s month to the end of `to`'s; open-ended sides are far away.
fn period(from: Option<&str>, to: Option<&str>) -> Option<(String, String)> {
    let from = from.and_then(parse_day);
    let to = to.and_then(parse_day);
    if from.is_none() && to.is_none() {
        return None;
    }
    Some((
        from.map_or_else(|| "0000-01-01".into(), |d| format!("{}-01", funnel::month_of(d))),
        to.map_or_else(|| "9999-12-31".into(), |d| format!("{}-31", funnel::month_of(d))),
    ))
}

#[cfg(test)]
mod tests;
