//! The funnel's part of [`Store`]: the office's stages and reasons, deals and their moves,
//! the board, lists and deal page, the funnel and its forecasts, snapshots of the forecast at
//! month ends, and leads. Rules live here; `deals.rs` only reads and writes rows.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::deals::{self, DealFilter, NewDeal, Order, Status, TallyFilter};
use super::exec::{read, write};
use super::{now, Store};
use crate::audit;
use crate::dates::{day_of, DATE_FORMAT};
use crate::deal::{
    weighted, Deal, DealData, DealQuery, DealState, DealSummary, Lead, LeadData, LeadRecord, LeadStatus, MoveRequest,
    ReasonSettings, StageKind, StageMove, StageSettings, VehicleLine, MAX_VALUE,
};
use crate::error::{Error, FieldError, Result};
use crate::funnel::{
    self, Accuracy, Amounts, Forecast, ForecastGroup, ForecastSnapshot, FunnelQuery, LeadFigures, StageFigures,
};

const STAGES_KEY: &str = "funnel.stages";
const REASONS_KEY: &str = "funnel.reasons";

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

fn day_text(d: NaiveDate) -> String {
    d.format(DATE_FORMAT).to_string()
}

/// Seconds from `since` to `until` (RFC 3339), never negative.
fn seconds_between(since: &str, until: &str) -> i64 {
    match (DateTime::parse_from_rfc3339(since), DateTime::parse_from_rfc3339(until)) {
        (Ok(a), Ok(b)) => (b - a).num_seconds().max(0),
        _ => 0,
    }
}

impl Store {
    // --- generic office settings ---

    /// An office setting's stored JSON text, if saved.
    pub fn setting(&mut self, key: &str) -> Result<Option<String>> {
        read(&mut *self.backend, |x| deals::setting(x, key))
    }

    /// Saves an office setting if it still reads `expected` (`None`: never saved); else
    /// `Conflict`.
    pub fn set_setting(&mut self, key: &str, expected: Option<&str>, value: &str) -> Result<()> {
        write(&mut *self.backend, |x| deals::replace_setting(x, key, expected, value))
    }

    /// The office's home country (an ISO code), the country of an imported customer when
    /// nothing else says; `None` until a manager sets it.
    pub fn home_country(&mut self) -> Result<Option<String>> {
        read(&mut *self.backend, |x| home_in(x).map(|(_, code)| code))
    }

    /// Sets the office's home country (`""` clears it); only a manager or the director may.
    /// Returns it as stored.
    pub fn set_home_country(&mut self, by: Option<i64>, code: &str) -> Result<Option<String>> {
        self.require_manager(by)?;
        let code = crate::country::home_validated(code)?;
        write(&mut *self.backend, |x| {
            let (text, _) = home_in(x)?;
            deals::replace_setting(
                x,
                crate::country::HOME_KEY,
                text.as_deref(),
                &serde_json::to_string(&code).expect("serialises"),
            )?;
            Ok(code)
        })
    }

    // --- the office's process ---

    /// The office's stages (the default process until the manager saves one).
    pub fn stage_settings(&mut self) -> Result<StageSettings> {
        read(&mut *self.backend, |x| Ok(stages_in(x)?.1))
    }

    /// Saves the stages; only the sales manager may. `settings.version` must be the one read.
    pub fn save_stage_settings(&mut self, by: Option<i64>, settings: StageSettings) -> Result<StageSettings> {
        self.require_manager(by)?;
        write(&mut *self.backend, |x| {
            let (text, current) = stages_in(x)?;
            if settings.version != current.version {
                return Err(Error::Conflict { entity: "stages", id: 0 });
            }
            let saved = settings.validated(&current)?;
            deals::replace_setting(
                x,
                STAGES_KEY,
                text.as_deref(),
                &serde_json::to_string(&saved).expect("serialises"),
            )?;
            Ok(saved)
        })
    }

    /// The office's lost, postponed and disqualified reasons.
    pub fn reason_settings(&mut self) -> Result<ReasonSettings> {
        read(&mut *self.backend, |x| Ok(reasons_in(x)?.1))
    }

    pub fn save_reason_settings(&mut self, by: Option<i64>, settings: ReasonSettings) -> Result<ReasonSettings> {
        self.require_manager(by)?;
        write(&mut *self.backend, |x| {
            let (text, current) = reasons_in(x)?;
            if settings.version != current.version {
                return Err(Error::Conflict { entity: "reasons", id: 0 });
            }
            let saved = settings.validated(&current)?;
            deals::replace_setting(
                x,
                REASONS_KEY,
                text.as_deref(),
                &serde_json::to_string(&saved).expect("serialises"),
            )?;
            Ok(saved)
        })
    }

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
        let id = write(&mut *self.backend, |x| {
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
            deals::record_change(x, audit::DEAL, id, by, None, &serde_json::Value::Null, &stamp)?;
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
                if !crate::deal::VEHICLE_CATEGORIES.contains(&v.category.as_str()) {
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
        write(&mut *self.backend, |x| {
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
        let (by, stamp) = (self.backend.context().actor, now());
        write(&mut *self.backend, |x| {
            deals::update_deal(x, id, version, &data, &current.state, &[], &stamp)?;
            // Stage moves have their own history (`deal_move`); the trail keeps the data.
            let (before, after) = (audit::describe(&current.data), audit::describe(&data));
            deals::record_change(x, audit::DEAL, id, by, Some(&before), &after, &stamp)
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
        write(&mut *self.backend, |x| {
            deals::update_deal(x, id, version, &deal.data, &state, std::slice::from_ref(&step), &stamp)?;
            // The lead funnel counts a lead won by the mark its lead keeps.
            deals::mark_leads_won(x, id, won)
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
    fn won_into_fleet(&mut self, deal: &crate::deal::Deal, today: NaiveDate) -> Result<()> {
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
        read(&mut *self.backend, |x| deals::deal(x, id))?.ok_or(Error::NotFound { entity: "deal", id })
    }

    /// A deal, its history and the checklist gaps it left behind, as of `today`.
    pub fn deal_view(&mut self, id: i64, today: NaiveDate) -> Result<DealView> {
        let deal = self.deal(id)?;
        let moves = read(&mut *self.backend, |x| deals::moves(x, id))?;
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
        let rows = read(&mut *self.backend, |x| deals::list(x, &f, order, limit))?;
        Ok(rows.into_iter().map(|d| summarise(&process, d, today)).collect())
    }

    /// Stalled deals (every currency) of `owner_id` or everyone: longest waiting first.
    pub fn stalled_deals(&mut self, owner_id: Option<i64>, today: NaiveDate, limit: u32) -> Result<Vec<DealSummary>> {
        let query = DealQuery { owner_id, stalled: true, limit, ..Default::default() };
        self.deals(&query, today)
    }

    /// The board in one currency (default: the most used): each open stage in use with its
    /// deals, soonest to close first, then the deals won, lost and postponed this month.
    pub fn board(&mut self, owner_id: Option<i64>, currency: Option<String>, today: NaiveDate) -> Result<Board> {
        let process = self.stage_settings()?;
        let currencies: Vec<String> =
            read(&mut *self.backend, |x| deals::currencies(x, owner_id))?.into_iter().map(|(c, _)| c).collect();
        let currency = pick_currency(currency, &currencies);
        let month_start = day_text(today.with_day0(0).unwrap_or(today));
        let this_month = funnel::month_of(today);
        let totals = read(&mut *self.backend, |x| {
            deals::stage_month_totals(x, &TallyFilter { currency: Some(currency.clone()), owner_id, months: None })
        })?;
        let mut columns = Vec::new();
        for stage in &process.stages {
            if stage.retired {
                continue;
            }
            let f = DealFilter {
                currency: Some(currency.clone()),
                owner_id,
                stage_id: Some(stage.id),
                status: if stage.kind.is_closed() { Status::Closed } else { Status::Open },
                period: stage.kind.is_closed().then(|| (month_start.clone(), day_text(today))),
                ..Default::default()
            };
            let order = if stage.kind.is_closed() { Order::Closed } else { Order::Close };
            let rows = read(&mut *self.backend, |x| deals::list(x, &f, order, COLUMN_DEALS))?;
            let (mut n, mut value) = (0, 0);
            for (_, _, deals, v) in
                totals.iter().filter(|t| t.0 == stage.id && (!stage.kind.is_closed() || t.1 == this_month))
            {
                n += deals;
                value += v;
            }
            columns.push(BoardColumn {
                stage_id: stage.id,
                totals: Amounts { deals: n, raw: value, weighted: weighted(value, stage.probability) },
                deals: rows.into_iter().map(|d| summarise(&process, d, today)).collect(),
            });
        }
        Ok(Board { currency, currencies, columns })
    }

    /// The funnel and the three forecasts for `query` as of `today`; see [`crate::funnel`]
    /// for exactly which deals count where. Forecast months are those of the period, or the
    /// current month and the five after it.
    pub fn funnel(&mut self, query: &FunnelQuery, today: NaiveDate) -> Result<Funnel> {
        let process = self.stage_settings()?;
        let period = period(query.from.as_deref(), query.to.as_deref());
        let months = match &period {
            Some((f, t)) => funnel::months_between(parse_day(f).unwrap_or(today), parse_day(t).unwrap_or(today)),
            None => funnel::months_between(today, today + chrono::Months::new(5)),
        };
        let current_month = funnel::month_of(today);
        let limits = stall_limits(&process, today);
        let owner_id = query.owner_id;
        let (currencies, reach, stays, groups, stalled) = read(&mut *self.backend, |x| {
            let currencies: Vec<String> = deals::currencies(x, owner_id)?.into_iter().map(|(c, _)| c).collect();
            let currency = pick_currency(query.currency.clone(), &currencies);
            let months_of = |(f, t): &(String, String)| (f[..7].to_string(), t[..7].to_string());
            let f = TallyFilter { currency: Some(currency), owner_id, months: period.as_ref().map(months_of) };
            let reach = deals::reach_groups(x, &f)?;
            let stays = deals::stay_groups(x, &f)?;
            let groups = deals::forecast_groups(x, &TallyFilter { months: None, ..f })?;
            let stalled = deals::stalled_count(x, owner_id, &limits.0, &limits.1)?;
            Ok((currencies, reach, stays, groups, stalled))
        })?;
        let currency = pick_currency(query.currency.clone(), &currencies);
        let stages = funnel::stage_figures(&process, &reach, &stays);
        let mut open = Amounts::default();
        for s in stages.iter().filter(|s| s.kind == StageKind::Open) {
            open.deals += s.now.deals;
            open.raw += s.now.raw;
            open.weighted += s.now.weighted;
        }
        let count_of = |k: StageKind| stages.iter().filter(|s| s.kind == k).map(|s| s.now.deals).sum::<i64>();
        let (won, lost) = (count_of(StageKind::Won), count_of(StageKind::Lost));
        let win_rate = (won + lost > 0).then(|| (won as f64 / (won + lost) as f64 * 1000.0).round() / 1000.0);
        let forecast = funnel::forecast(&process, &groups, &months, &current_month);
        Ok(Funnel { currency, currencies, stages, open, win_rate, forecast, stalled })
    }

    /// Keeps the forecast as it stood at month end `as_of` for the three months after it, in
    /// every currency, for everyone and for each owner; a month end already kept is left as it
    /// is. Each deal counts in the stage it was in at the end of `as_of` (from its history),
    /// with its value and expected close date as they are now. Returns the rows kept.
    pub fn take_forecast_snapshot(&mut self, as_of: NaiveDate) -> Result<usize> {
        let process = self.stage_settings()?;
        let next = as_of + chrono::Days::new(1);
        let months = funnel::months_between(next, next + chrono::Months::new(2));
        let current = funnel::month_of(next);
        let rows = read(&mut *self.backend, |x| deals::stages_at(x, &day_text(next)))?;
        // (stage, owner, close month, commit) → (deals, value), per currency.
        type Cell = (i64, Option<i64>, Option<String>, bool);
        let mut groups: BTreeMap<String, HashMap<Cell, (i64, i64)>> = BTreeMap::new();
        for r in rows {
            let g = groups.entry(r.currency).or_default();
            let e = g
                .entry((r.stage_id, r.owner_id, r.expected_close.map(|d| d[..7.min(d.len())].to_string()), r.commit))
                .or_default();
            e.0 += 1;
            e.1 += r.value;
        }
        let stamp = now();
        let mut snapshots = Vec::new();
        for (currency, g) in groups {
            let groups: Vec<ForecastGroup> = g
                .into_iter()
                .filter(|((stage, ..), _)| process.stage(*stage).is_some_and(|s| s.kind == StageKind::Open))
                .map(|((stage_id, owner_id, month, commit), (deals, value))| ForecastGroup {
                    stage_id,
                    owner_id,
                    month,
                    commit,
                    deals,
                    value,
                })
                .collect();
            let f = funnel::forecast(&process, &groups, &months, &current);
            let mut keep = |month: &str, owner_id: Option<i64>, row: &funnel::ForecastRow| {
                snapshots.push(ForecastSnapshot {
                    as_of: day_text(as_of),
                    month: month.to_string(),
                    owner_id,
                    currency: currency.clone(),
                    commit: row.commit,
                    best_case: row.best_case,
                    pipeline: row.pipeline,
                    taken_at: stamp.clone(),
                });
            };
            for row in &f.months {
                keep(row.month.as_deref().unwrap_or_default(), None, row);
            }
            // Per owner, month by month.
            let owners: Vec<i64> = groups
                .iter()
                .filter_map(|g| g.owner_id)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            for owner in owners {
                let theirs: Vec<ForecastGroup> = groups.iter().filter(|g| g.owner_id == Some(owner)).cloned().collect();
                for row in funnel::forecast(&process, &theirs, &months, &current).months {
                    keep(row.month.as_deref().unwrap_or_default(), Some(owner), &row);
                }
            }
        }
        write(&mut *self.backend, |x| deals::insert_snapshots(x, &snapshots))
    }

    /// Takes the snapshot of the last month end before `today` if nobody has yet (the app
    /// does this on start). Returns the rows kept (0 when it was already taken).
    pub fn snapshot_passed_month_end(&mut self, today: NaiveDate) -> Result<usize> {
        let as_of = funnel::previous_month_end(today);
        if read(&mut *self.backend, |x| deals::has_snapshot(x, &day_text(as_of)))? {
            return Ok(0);
        }
        self.take_forecast_snapshot(as_of)
    }

    /// For the current month and the `months - 1` before it: the forecast kept at the end of
    /// the month before, beside what was won, in `currency`, for `owner_id` or everyone.
    pub fn forecast_accuracy(
        &mut self,
        owner_id: Option<i64>,
        currency: Option<String>,
        months: u32,
        today: NaiveDate,
    ) -> Result<Vec<Accuracy>> {
        let process = self.stage_settings()?;
        let won_id = process.of_kind(StageKind::Won).id;
        let first = today.with_day0(0).unwrap_or(today) - chrono::Months::new(months.clamp(1, 36) - 1);
        let list = funnel::months_between(first, today);
        let (currencies, snapshots, groups) = read(&mut *self.backend, |x| {
            let currencies: Vec<String> = deals::currencies(x, owner_id)?.into_iter().map(|(c, _)| c).collect();
            let currency = pick_currency(currency.clone(), &currencies);
            let snaps = deals::snapshots(x, &currency, &list[0], list.last().expect("at least one month"))?;
            let months = Some((list[0].clone(), list.last().expect("at least one month").clone()));
            let groups = deals::forecast_groups(x, &TallyFilter { currency: Some(currency), owner_id, months })?;
            // Only what was won: the open deals of those months are not what was forecast then.
            let won: Vec<_> = groups.into_iter().filter(|g| g.stage_id == won_id).collect();
            Ok((currencies, snaps, won))
        })?;
        let _ = currencies;
        let won = funnel::forecast(&process, &groups, &list, &funnel::month_of(today));
        Ok(list
            .iter()
            .zip(&won.months)
            .map(|(month, w)| {
                let start = parse_day(&format!("{month}-01")).unwrap_or(today);
                let as_of = day_text(funnel::previous_month_end(start));
                let snap = snapshots.iter().find(|s| &s.month == month && s.as_of == as_of && s.owner_id == owner_id);
                Accuracy {
                    month: month.clone(),
                    owner_id,
                    as_of,
                    commit: snap.map(|s| s.commit).unwrap_or_default(),
                    best_case: snap.map(|s| s.best_case).unwrap_or_default(),
                    pipeline: snap.map(|s| s.pipeline).unwrap_or_default(),
                    won: w.won,
                }
            })
            .collect())
    }

    // --- leads ---

    /// Records that a customer came in as a lead from one of the office's sources in use.
    pub fn create_lead(&mut self, customer_id: i64, data: LeadData, by: Option<i64>) -> Result<Lead> {
        let data = data.validated(&self.reason_settings()?)?;
        let id = write(&mut *self.backend, |x| deals::insert_lead(x, customer_id, &data, by, &now()))?;
        self.lead(id)
    }

    /// Saves many leads, decided or not, in one transaction (demo data, imports): all or
    /// none. Returns their ids.
    pub fn create_leads_bulk(&mut self, rows: Vec<LeadRecord>) -> Result<Vec<i64>> {
        let reasons = self.reason_settings()?;
        let rows = rows
            .into_iter()
            .map(|r| Ok(LeadRecord { data: r.data.validated(&reasons)?, ..r }))
            .collect::<Result<Vec<_>>>()?;
        let stamp = now();
        let won_id = self.stage_settings()?.of_kind(StageKind::Won).id;
        write(&mut *self.backend, |x| {
            rows.iter()
                .map(|r| {
                    let id = deals::insert_lead(x, r.customer_id, &r.data, r.by, &stamp)?;
                    if r.status != LeadStatus::Open {
                        let day = r.decided_on.clone().unwrap_or_else(|| r.data.received_on.clone());
                        deals::decide_lead(x, id, 1, r.status, &r.reason, r.deal_id, &day, won_id)?;
                    }
                    Ok(id)
                })
                .collect()
        })
    }

    pub fn lead(&mut self, id: i64) -> Result<Lead> {
        read(&mut *self.backend, |x| deals::lead(x, id))?.ok_or(Error::NotFound { entity: "lead", id })
    }

    /// Leads newest first: open ones only or all, of an owner and/or a customer.
    pub fn leads(&mut self, open_only: bool, owner_id: Option<i64>, customer_id: Option<i64>) -> Result<Vec<Lead>> {
        read(&mut *self.backend, |x| deals::leads(x, open_only, owner_id, customer_id, 500))
    }

    /// Qualifies an open lead into a new deal (in the first open stage), both in one
    /// transaction. Returns the deal.
    pub fn qualify_lead(
        &mut self,
        id: i64,
        version: i64,
        data: DealData,
        by: Option<i64>,
        today: NaiveDate,
    ) -> Result<Deal> {
        let data = data.validated()?;
        let lead = self.lead(id)?;
        self.check_people(lead.customer_id, &data)?;
        let process = self.stage_settings()?;
        let stamp = now();
        let (state, first) = first_state(process.first_open().id, &stamp, by);
        let deal_id = write(&mut *self.backend, |x| {
            let deal_id = deals::insert_deal(
                x,
                &NewDeal {
                    customer_id: lead.customer_id,
                    data: &data,
                    state: &state,
                    origin: "lead",
                    created_at: &stamp,
                    created_by: by,
                    moves: std::slice::from_ref(&first),
                },
            )?;
            deals::decide_lead(x, id, version, LeadStatus::Qualified, "", Some(deal_id), &day_text(today), 0)?;
            Ok(deal_id)
        })?;
        self.deal(deal_id)
    }

    /// Disqualifies an open lead with a reason of the office's list.
    pub fn disqualify_lead(&mut self, id: i64, version: i64, reason: &str, today: NaiveDate) -> Result<Lead> {
        let reasons = self.reason_settings()?;
        if !ReasonSettings::allows(&reasons.disqualified, reason) {
            return Err(Error::invalid("reason", "validation.reason_required"));
        }
        write(&mut *self.backend, |x| {
            deals::decide_lead(x, id, version, LeadStatus::Disqualified, reason, None, &day_text(today), 0)
        })?;
        self.lead(id)
    }

    /// The lead funnel per source over leads received in the query's period (all time without
    /// one): new, contacted, qualified, won and disqualified. Every source in use has its row,
    /// with or without leads; a retired one has its row while it has leads in the period.
    pub fn lead_funnel(&mut self, query: &FunnelQuery) -> Result<Vec<LeadFigures>> {
        let (from, to) = period(query.from.as_deref(), query.to.as_deref())
            .unwrap_or_else(|| ("0000-01-01".into(), "9999-12-31".into()));
        let groups = read(&mut *self.backend, |x| deals::lead_groups(x, &from, &to, query.owner_id))?;
        let sources = self.reason_settings()?.sources;
        Ok(funnel::lead_figures(&sources, &groups))
    }
}

/// The stored process text and the process it holds (the default when none is stored).
fn stages_in(x: &mut dyn super::exec::Exec) -> Result<(Option<String>, StageSettings)> {
    let text = deals::setting(x, STAGES_KEY)?;
    let process =
        text.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_else(StageSettings::default_process);
    Ok((text, process))
}

fn reasons_in(x: &mut dyn super::exec::Exec) -> Result<(Option<String>, ReasonSettings)> {
    let text = deals::setting(x, REASONS_KEY)?;
    let reasons =
        text.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_else(ReasonSettings::default_lists);
    Ok((text, reasons))
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

/// The home country's stored text and code.
fn home_in(x: &mut dyn super::exec::Exec) -> Result<(Option<String>, Option<String>)> {
    let text = deals::setting(x, crate::country::HOME_KEY)?;
    let code = match &text {
        Some(t) => serde_json::from_str::<Option<String>>(t)
            .map_err(|e| Error::Corrupt(format!("the home country cannot be read: {e}")))?,
        None => None,
    };
    Ok((text, code))
}
