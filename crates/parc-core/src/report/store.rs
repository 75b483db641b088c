//! The reports' part of [`Store`]: every report of [`crate::report`] read from the store, the
//! office's settings the reports use (the hourly cost of selling, the pyramid), the ranking of
//! customers into tiers, and CSV files of the reports. Rules and arithmetic live in
//! the files of `report/`; `rows.rs` only reads and writes rows.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::contact::CONTACT_KINDS;
use crate::funnel::deal::{weighted, StageKind};
use crate::funnel::rows as deals;
use crate::funnel::rows::bought::Bought;
use crate::ground::dates::{day_text, DATE_FORMAT};
use crate::ground::error::{Error, Result};
use crate::ground::i18n::Locale;
use crate::report::rows::{self as reports, Scope};
use crate::report::{
    self, CostInputs, CostSettings, CustomerAnalysis, Labels, Period, Pyramid, PyramidSettings, PyramidVariable,
    Ranking, ReportKind, ReportOutput, ReportQuery, ReportTable, COSTS_KEY, PYRAMID_KEY,
};
use crate::storage::exec::Exec;
use crate::storage::settings;
use crate::storage::Store;

/// A customer's place in the pyramid, for its card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerTier {
    pub tier: String,
    /// The day of the ranking that put it there.
    pub since: String,
}

/// The currency asked for if any, else the most used, else EUR.
fn pick(asked: Option<&str>, known: &[String]) -> String {
    asked
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty())
        .or_else(|| known.first().cloned())
        .unwrap_or_else(|| "EUR".into())
}

impl Store {
    // --- settings of the reports ---

    /// The office's hourly cost of selling (unset until the manager gives it).
    pub fn cost_settings(&mut self) -> Result<CostSettings> {
        self.read(|x| Ok(settings::stored::<CostSettings>(x, COSTS_KEY)?.1))
    }

    /// Saves the hourly cost; only the sales manager may. `settings.version` must be the one read.
    pub fn save_cost_settings(&mut self, by: Option<i64>, settings: CostSettings) -> Result<CostSettings> {
        self.require_manager(by)?;
        let mut settings = settings.validated()?;
        self.write(|x| {
            settings::save_versioned(x, COSTS_KEY, &mut settings, |s| &mut s.version)?;
            Ok(settings)
        })
    }

    /// The office's pyramid settings (by fleet size, 20/30/50 until the manager changes them).
    pub fn pyramid_settings(&mut self) -> Result<PyramidSettings> {
        self.read(|x| Ok(settings::stored::<PyramidSettings>(x, PYRAMID_KEY)?.1))
    }

    // --- the customer pyramid ---

    /// Saves the pyramid's settings and ranks every active customer with them as of `today`, in
    /// one transaction; only the sales manager may. `settings.version` must be the one read.
    pub fn rank_customers(&mut self, by: Option<i64>, settings: PyramidSettings, today: NaiveDate) -> Result<Ranking> {
        self.require_manager(by)?;
        let settings = settings.validated()?;
        self.rank_at(settings, today, true)
    }

    /// Ranks the customers with the office's settings unless a ranking was made this month
    /// (the app does this when it starts, so tiers follow the figures month by month). Once per
    /// month whatever the number of workstations. Returns the ranking made, if one was.
    pub fn rank_if_due(&mut self, today: NaiveDate) -> Result<Option<Ranking>> {
        let month_start = day_text(today.with_day(1).expect("day 1 exists"));
        if self.read(|x| reports::pyramid::ranked_since(x, &month_start))? {
            return Ok(None);
        }
        let settings = self.pyramid_settings()?;
        let key = format!("pyramid-rank:{}", &month_start[..7]);
        match self.once(&key, |s| s.rank_at(settings, today, false))? {
            crate::storage::Once::Now(r) => Ok(Some(r)),
            crate::storage::Once::Before(_) => Ok(None),
        }
    }

    /// Ranks every active customer by `settings` as of `day` without saving the settings (demo
    /// data, scripts, benchmarks); see [`Store::rank_customers`].
    pub fn rank_as_of(&mut self, settings: PyramidSettings, day: NaiveDate) -> Result<Ranking> {
        self.rank_at(settings.validated()?, day, false)
    }

    /// Ranks every active customer by `settings` as of `day` (values as they stood that day
    /// where the data tells: deals won or open then, vehicles registered by that year) and keeps
    /// the tiers that changed, their moves and the ranking; with `save`, the settings too (their
    /// version checked) in the same transaction.
    pub(crate) fn rank_at(&mut self, settings: PyramidSettings, day: NaiveDate, save: bool) -> Result<Ranking> {
        let day_s = day_text(day);
        let (currency, values, actives, previous) = self.read(|x| {
            let known: Vec<String> = deals::figures::currencies(x, None)?.into_iter().map(|(c, _)| c).collect();
            let currency = settings.variable.is_money().then(|| pick(settings.currency.as_deref(), &known));
            let cur = currency.clone().unwrap_or_default();
            let values = ranking_values(x, &settings, &cur, day, None)?;
            Ok((currency, values, reports::pyramid::active_customers(x)?, reports::pyramid::tiers(x)?))
        })?;
        let by_id: HashMap<i64, i64> = values.into_iter().collect();
        let list: Vec<(i64, i64)> = actives.iter().map(|id| (*id, by_id.get(id).copied().unwrap_or(0))).collect();
        let ranked = report::rank(&list, settings.mode, settings.a, settings.b);
        let changed: Vec<(i64, String, &str)> = ranked
            .iter()
            .filter(|(id, tier, _)| previous.get(id).map(String::as_str) != Some(*tier))
            .map(|(id, tier, _)| (*id, previous.get(id).cloned().unwrap_or_default(), *tier))
            .collect();
        let active: BTreeSet<i64> = actives.iter().copied().collect();
        let removed: Vec<i64> = previous.keys().filter(|id| !active.contains(id)).copied().collect();
        let mut settings = settings;
        self.write(|x| {
            if save {
                settings::save_versioned(x, PYRAMID_KEY, &mut settings, |s| &mut s.version)?;
            }
            let ranking = Ranking {
                ranked_on: day_s.clone(),
                settings: settings.clone(),
                currency: currency.clone(),
                tiers: report::tier_figures(&ranked),
            };
            reports::pyramid::save_ranking(x, &day_s, &changed, &removed, &ranking)?;
            Ok(ranking)
        })
    }

    /// Whether the customers were ever ranked.
    pub fn has_ranking(&mut self) -> Result<bool> {
        self.read(|x| reports::pyramid::ranked_since(x, "0000-01-01"))
    }

    /// A customer's tier, if it has been ranked.
    pub fn customer_tier(&mut self, customer_id: i64) -> Result<Option<CustomerTier>> {
        Ok(self
            .read(|x| reports::pyramid::customer_tier(x, customer_id))?
            .map(|(tier, since)| CustomerTier { tier, since }))
    }

    // --- the reports ---

    /// Report `kind` for `query` as of `today`, its table in `locale`.
    pub fn report(
        &mut self,
        kind: ReportKind,
        query: &ReportQuery,
        today: NaiveDate,
        locale: Locale,
    ) -> Result<ReportOutput> {
        let period = Period::resolve(query.from.as_deref(), query.to.as_deref(), today)?;
        let users = self.users()?;
        let process = self.stage_settings()?;
        let reasons = self.reason_settings()?;
        let known: Vec<String> =
            self.read(|x| deals::figures::currencies(x, None))?.into_iter().map(|(c, _)| c).collect();
        let currency = pick(query.currency.as_deref(), &known);
        let listed = report::listed_sellers(&users);
        let l = Labels { locale, users: &users, process: &process, reasons: &reasons };
        let p = &period;
        let won_id = process.of_kind(StageKind::Won).id;
        let lost_id = process.of_kind(StageKind::Lost).id;
        let postponed_id = process.of_kind(StageKind::Postponed).id;
        // Side by side: one column per salesperson, or only the one asked for.
        let owners = |seen: Vec<Option<i64>>| match query.owner_id {
            Some(o) => vec![Some(o)],
            None => report::owner_order(&listed, seen),
        };
        // A segment's customers as of today; the seven P's are one customer's already.
        let segment = match query.segment_id.filter(|_| kind != ReportKind::Customer) {
            Some(id) => {
                let s = self.segment(id)?;
                Some((s.name, self.segment_scope(s.filter, today)?))
            }
            None => None,
        };
        let scope = segment.as_ref().map(|s| &s.1);
        let mut money = Some(currency.clone());
        let (mut table, chart, data) = match kind {
            ReportKind::Activity => {
                let (opened, won) = self.read(|x| {
                    let bought = Bought::read(x)?;
                    let since = bought.since_map(x, scope)?;
                    Ok((
                        reports::opened_groups(x, p, &since, scope)?,
                        reports::won_groups(x, p, bought.won, &since, scope)?,
                    ))
                })?;
                let (rows, total) = report::activity(&listed, &opened, &won, &currency);
                let (t, c) = report::activity_table(&l, p, &currency, &rows, &total);
                (t, c, json(&(rows, total)))
            }
            ReportKind::Contacts => {
                money = None;
                let groups = self.read(|x| reports::contact_groups(x, p, scope))?;
                let (rows, total) = report::contacts(&listed, &groups, p);
                let (t, c) = report::contacts_table(&l, p, &rows, &total);
                (t, c, json(&(rows, total)))
            }
            ReportKind::ContactRoles => {
                money = None;
                let (roles, totals) = self.read(|x| reports::role_groups(x, p, scope))?;
                let (rows, total) = report::roles(&listed, &roles, &totals);
                let (t, c) = report::roles_table(&l, p, &rows, &total);
                (t, c, json(&(rows, total)))
            }
            ReportKind::Products => {
                let won = self.read(|x| reports::won_deals(x, p, won_id, query.owner_id, scope))?;
                let owners = owners(won.iter().map(|d| d.owner_id).collect());
                let categories = self.fleet_settings()?.categories;
                let rows = report::products(&owners, &won, &currency, &categories);
                let (t, c) = report::products_table(&l, p, &currency, &owners, &rows);
                (t, c, json(&rows))
            }
            ReportKind::Outcomes => {
                let ids = [(won_id, StageKind::Won), (lost_id, StageKind::Lost), (postponed_id, StageKind::Postponed)];
                let groups = self.read(|x| reports::closed_groups(x, p, ids, scope))?;
                let (rows, total) = report::outcomes(&listed, &groups, &currency);
                let (t, c) = report::outcomes_table(&l, p, &currency, &rows, &total);
                (t, c, json(&(rows, total)))
            }
            ReportKind::Reasons => {
                let groups =
                    self.read(|x| reports::reason_groups(x, p, lost_id, postponed_id, query.owner_id, scope))?;
                let owners = owners(groups.iter().map(|g| g.owner_id).collect());
                let rows = report::reasons(&owners, &groups, &currency);
                let (t, c) = report::reasons_table(&l, p, &currency, &owners, &rows);
                (t, c, json(&rows))
            }
            ReportKind::Competitors => {
                let lost = self.read(|x| reports::lost_deals(x, p, lost_id, query.owner_id, scope))?;
                let owners = owners(lost.iter().map(|d| d.owner_id).collect());
                let rows = report::competitors(&owners, &lost, &currency);
                let (t, c) = report::competitors_table(&l, p, &currency, &owners, &rows);
                (t, c, json(&rows))
            }
            ReportKind::Stages => {
                money = None;
                let groups = self.read(|x| reports::move_groups(x, p, query.owner_id, scope))?;
                let owners = owners(groups.iter().map(|g| g.owner_id).collect());
                let rows = report::stages(&process, &owners, &groups);
                let (t, c) = report::stages_table(&l, p, &owners, &rows);
                (t, c, json(&rows))
            }
            ReportKind::Cost => {
                let settings = self.cost_settings()?;
                money = Some(settings.currency.clone());
                let inputs = self.read(|x| {
                    let bought = Bought::read(x)?;
                    let mut by: BTreeMap<Option<i64>, CostInputs> = BTreeMap::new();
                    let mut add = |o: Option<i64>, f: &dyn Fn(&mut CostInputs)| {
                        f(by.entry(o).or_insert_with(|| CostInputs { owner_id: o, ..Default::default() }))
                    };
                    for g in reports::contact_groups(x, p, scope)? {
                        add(g.user_id, &|i| i.minutes += g.minutes);
                    }
                    for (o, n) in reports::deals_worked(x, p, scope)? {
                        add(o, &|i| i.deals_worked += n);
                    }
                    for (o, n) in reports::orders(x, p, bought.won, scope)? {
                        add(o, &|i| i.orders += n);
                    }
                    for (o, m) in reports::order_minutes(x, p, bought.won, scope)? {
                        add(o, &|i| i.order_minutes += m);
                    }
                    Ok(by.into_values().collect::<Vec<_>>())
                })?;
                let (rows, total) = report::cost(&listed, &inputs, &settings);
                let (t, c) = report::cost_table(&l, p, &settings, &rows, &total);
                (t, c, serde_json::json!({ "rows": rows, "total": total, "settings": settings }))
            }
            ReportKind::Pyramid => {
                let settings = self.pyramid_settings()?;
                let (ranking, moves) = self.read(|x| {
                    let ranking = reports::pyramid::ranking(x, &p.end())?;
                    let ranking = match (ranking, scope) {
                        (Some(r), Some(s)) => Some(scoped_ranking(x, &r, s)?),
                        (r, _) => r,
                    };
                    Ok((ranking, reports::pyramid::tier_moves(x, p, scope)?))
                })?;
                let movers = report::movers(&moves, &HashMap::new());
                let up = movers.iter().filter(|m| m.to < m.from).count() as i64;
                money = ranking.as_ref().and_then(|r| r.currency.clone());
                let pyramid = Pyramid { ranking, settings, moved_up: up, moved_down: movers.len() as i64 - up };
                let (t, c) = report::pyramid_table(&l, p, &pyramid);
                (t, c, json(&pyramid))
            }
            ReportKind::PyramidMovers => {
                money = None;
                let movers = self.read(|x| {
                    let moves = reports::pyramid::tier_moves(x, p, scope)?;
                    let ids: Vec<i64> =
                        moves.iter().map(|m| m.customer_id).collect::<BTreeSet<_>>().into_iter().collect();
                    let names = reports::pyramid::customer_names(x, &ids)?;
                    Ok(report::movers(&moves, &names))
                })?;
                let (t, c) = report::movers_table(&l, p, &movers);
                (t, c, json(&movers))
            }
            ReportKind::Market => {
                money = None;
                let settings = self.fleet_settings()?;
                let market = match scope {
                    None => self.market_share()?,
                    Some(s) => {
                        let rows = self.read(|x| reports::scoped_share_rows(x, s))?;
                        crate::fleet::share::market_share(&rows, &settings.categories, |b| settings.is_ours(b))
                    }
                };
                let (t, c) = report::market_table(&l, p, &market, &settings.categories);
                (t, c, serde_json::Value::Null)
            }
            ReportKind::Customer => {
                let id = query.customer_id.ok_or_else(|| Error::invalid("customer", "validation.report_customer"))?;
                let analysis = self.customer_analysis(id, p, today)?;
                money = analysis.profitability.main_currency.clone();
                let (t, c) = report::customer_table(&l, p, &analysis);
                (t, c, json(&analysis))
            }
        };
        if let Some((name, ids)) = &segment {
            let count = locale.format().integer(ids.len() as i64);
            let of = crate::ground::i18n::trf(locale, "report.segment_of", &[("name", name), ("count", &count)]);
            table.subtitle = format!("{} · {of}", table.subtitle);
        }
        Ok(ReportOutput { kind, from: p.start(), to: p.end(), currency: money, currencies: known, table, chart, data })
    }

    /// The report's table only (for files and printing).
    pub fn report_table(
        &mut self,
        kind: ReportKind,
        query: &ReportQuery,
        today: NaiveDate,
        locale: Locale,
    ) -> Result<ReportTable> {
        Ok(self.report(kind, query, today, locale)?.table)
    }

    /// Writes report `kind` at `path` (complete or not at all), an Excel workbook when the name
    /// ends in `.xlsx`, else CSV; returns its rows.
    pub fn export_report(
        &mut self,
        kind: ReportKind,
        query: &ReportQuery,
        today: NaiveDate,
        locale: Locale,
        path: &Path,
    ) -> Result<usize> {
        let table = self.report_table(kind, query, today, locale)?;
        crate::report::write_table(&table, locale, path)?;
        Ok(table.rows.len())
    }

    /// A customer along the seven P's, activity counted in the period, as of `today`.
    pub fn customer_analysis(&mut self, id: i64, p: &Period, today: NaiveDate) -> Result<CustomerAnalysis> {
        let customer = self.customer(id)?;
        let people = self.people(id)?;
        let fleet = self.fleet(id)?;
        let materials = self.materials(id)?;
        let leads = self.leads(false, None, Some(id))?;
        let process = self.stage_settings()?;
        let (deals_of, span, contacts, actions, tier, since) = self.read(|x| {
            let bought = Bought::read(x)?;
            Ok((
                reports::customer::customer_deals(x, id)?,
                reports::customer::contact_span(x, id)?,
                reports::customer::customer_contacts(x, id, p)?,
                reports::customer::open_actions(x, id)?,
                reports::pyramid::customer_tier(x, id)?,
                bought.since(x, id)?,
            ))
        })?;
        let kind_of = |stage: i64| process.stage(stage).map(|s| s.kind).unwrap_or(StageKind::Open);
        let won: Vec<&reports::customer::CustomerDeal> =
            deals_of.iter().filter(|d| kind_of(d.stage_id) == StageKind::Won).collect();
        // The main currency: the one most of its deals are in (else its turnover's).
        let mut per_currency: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &deals_of {
            *per_currency.entry(&d.currency).or_default() += 1;
        }
        let main = per_currency
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(c, _)| c.to_string())
            .or_else(|| Some(customer.data.turnover_currency.clone()).filter(|c| !c.is_empty()));
        let main_c = main.clone().unwrap_or_default();

        let profile = report::Profile {
            business_type: customer.data.business_type.clone(),
            market_sectors: customer.data.market_sectors.clone(),
            city: customer.data.city.clone(),
            country: customer.data.country.clone(),
            employees: customer.data.employees,
            annual_turnover: customer.data.annual_turnover,
            turnover_currency: customer.data.turnover_currency.clone(),
            lead_source: customer.data.lead_source.clone(),
            owner_id: customer.data.owner_id,
            tier: tier.map(|t| t.0),
            people: people.iter().filter(|p| p.data.active).count() as i64,
            decision_makers: people
                .iter()
                .filter(|p| p.data.active && p.data.decision_role.ends_with("decision_maker"))
                .count() as i64,
        };

        let order_days: Vec<&str> = won.iter().filter_map(|d| d.closed_on.as_deref()).collect();
        let years: BTreeSet<&str> = order_days.iter().filter_map(|d| d.get(..4)).collect();
        let years_as_customer = since
            .as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s, DATE_FORMAT).ok())
            .map(|s| ((today - s).num_days().max(0)) / 365);
        let persistency = report::Persistency {
            customer_since: since.clone(),
            years_as_customer,
            orders: won.len() as i64,
            repeat_orders: (won.len() as i64 - 1).max(0),
            years_with_orders: years.len() as i64,
            last_order: order_days.iter().max().map(|d| d.to_string()),
            fleet_share: fleet.share.total.vehicle_pct,
            first_contact: span.0.clone(),
            last_contact: span.1.clone(),
        };

        let mut lines: BTreeMap<String, report::MoneyLine> = BTreeMap::new();
        let mut gaps: HashMap<String, (i64, i64)> = HashMap::new();
        for d in &deals_of {
            let line = lines
                .entry(d.currency.clone())
                .or_insert_with(|| report::MoneyLine { currency: d.currency.clone(), ..Default::default() });
            match kind_of(d.stage_id) {
                StageKind::Won => {
                    line.won += d.value;
                    line.orders += 1;
                    if d.closed_on.as_deref().is_some_and(|c| c >= p.start().as_str() && c <= p.end().as_str()) {
                        line.won_in_period += d.value;
                    }
                }
                StageKind::Lost => {
                    line.lost += d.value;
                    if let Some(price) = d.lost_price.filter(|_| d.lost_currency == d.currency) {
                        let g = gaps.entry(d.currency.clone()).or_default();
                        g.0 += d.value;
                        g.1 += price;
                    }
                }
                _ => {}
            }
        }
        let mut money_lines: Vec<report::MoneyLine> = lines
            .into_values()
            .map(|mut m| {
                m.average_order = report::per(m.won, m.orders);
                m.price_gap = gaps.get(&m.currency).and_then(|(ours, theirs)| report::pct(ours - theirs, *ours));
                m
            })
            .collect();
        money_lines.sort_by_key(|m| (m.currency != main_c, m.currency.clone()));
        let mut by_year: BTreeMap<String, i64> = BTreeMap::new();
        for d in won.iter().filter(|d| d.currency == main_c) {
            if let Some(y) = d.closed_on.as_deref().and_then(|c| c.get(..4)) {
                *by_year.entry(y.to_string()).or_default() += d.value;
            }
        }
        let profitability = report::Profitability {
            lines: money_lines,
            by_year: by_year.into_iter().collect(),
            main_currency: main.clone(),
        };

        let mut by_category: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for d in &won {
            for (v, share) in d.vehicles.iter().zip(report::share_value(d.value, &d.vehicles)) {
                let e = by_category.entry(v.category.clone()).or_default();
                e.0 += v.count;
                if d.currency == main_c {
                    e.1 += share;
                }
            }
        }
        let mut by_origin: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for d in &deals_of {
            let e = by_origin.entry(if d.origin.is_empty() { "card".into() } else { d.origin.clone() }).or_default();
            e.0 += 1;
            if kind_of(d.stage_id) == StageKind::Won {
                e.1 += 1;
            }
        }
        let performance = report::Performance {
            by_category: by_category.into_iter().map(|(c, (n, v))| (c, n, v)).collect(),
            by_origin: by_origin.into_iter().map(|(o, (n, w))| (o, n, w)).collect(),
        };

        let open: Vec<&reports::customer::CustomerDeal> = deals_of.iter().filter(|d| d.closed_on.is_none()).collect();
        let horizon = day_text(today + Months::new(12));
        let today_s = day_text(today);
        let due: Vec<&crate::fleet::FleetLine> = fleet
            .lines
            .iter()
            .filter(|l| l.data.renewal_due.as_deref().is_some_and(|d| d >= today_s.as_str() && d <= horizon.as_str()))
            .collect();
        let prospecting = report::Prospecting {
            open_deals: open.len() as i64,
            open_value: open.iter().filter(|d| d.currency == main_c).map(|d| d.value).sum(),
            weighted_value: open
                .iter()
                .filter(|d| d.currency == main_c)
                .map(|d| weighted(d.value, process.stage(d.stage_id).map_or(0, |s| s.probability)))
                .sum(),
            next_close: open.iter().filter_map(|d| d.expected_close.clone()).min(),
            open_actions: actions.0,
            next_action: actions.1,
            renewals_due: due.iter().map(|l| l.data.vehicles).sum(),
            competitor_renewals_due: due.iter().filter(|l| !l.ours).map(|l| l.data.vehicles).sum(),
            open_leads: leads.iter().filter(|l| l.status == crate::funnel::deal::LeadStatus::Open).count() as i64,
        };

        let product = report::ProductMix {
            vehicles: fleet.share.total.vehicles,
            ours: fleet.share.total.ours,
            brands: fleet.share.brands.iter().map(|b| (b.brand.clone(), b.vehicles, b.ours)).collect(),
            categories: fleet
                .share
                .categories
                .iter()
                .map(|c| (c.category.clone(), c.share.vehicles, c.share.ours))
                .collect(),
        };

        let mut contacts_by_kind = vec![0; CONTACT_KINDS.len()];
        let mut documents_sent = 0;
        for (kind, docs) in &contacts {
            let k = CONTACT_KINDS.iter().position(|c| c == kind).unwrap_or(CONTACT_KINDS.len() - 1);
            contacts_by_kind[k] += 1;
            documents_sent += docs.len() as i64;
        }
        let deal_kind: HashMap<i64, StageKind> = deals_of.iter().map(|d| (d.id, kind_of(d.stage_id))).collect();
        let kind_code = |k: StageKind| match k {
            StageKind::Open => "open",
            StageKind::Won => "won",
            StageKind::Lost => "lost",
            StageKind::Postponed => "postponed",
        };
        let promotion = report::Promotion {
            materials: materials
                .iter()
                .map(|m| (m.data.name.clone(), m.data.every_days, m.data.last_sent.clone()))
                .collect(),
            contacts_by_kind,
            documents_sent,
            leads: leads
                .iter()
                .map(|l| {
                    let outcome = l.deal_id.and_then(|d| deal_kind.get(&d)).map(|k| kind_code(*k).to_string());
                    (l.data.source.clone(), l.data.received_on.clone(), l.status.code().to_string(), outcome)
                })
                .collect(),
        };
        Ok(CustomerAnalysis {
            customer_id: id,
            name: customer.data.name,
            profile,
            persistency,
            profitability,
            performance,
            prospecting,
            product,
            promotion,
        })
    }
}

/// Each customer's value of the pyramid's variable as of `day` (money in `currency`): values as
/// they stood that day where the data tells.
fn ranking_values(
    x: &mut dyn Exec,
    settings: &PyramidSettings,
    currency: &str,
    day: NaiveDate,
    scope: Option<&Scope>,
) -> Result<Vec<(i64, i64)>> {
    let day_s = day_text(day);
    let won = Bought::read(x)?.won;
    match settings.variable {
        PyramidVariable::Fleet => reports::pyramid::fleet_sizes(x, day.year(), scope),
        PyramidVariable::Purchases => {
            let since = day_text(day - Months::new(12 * settings.years));
            reports::pyramid::purchases(x, won, currency, (&since, &day_s), scope)
        }
        PyramidVariable::Pipeline => {
            reports::pyramid::pipeline(x, currency, (&day_s, &day_text(day + chrono::Days::new(1))), scope)
        }
        PyramidVariable::Turnover => reports::pyramid::turnovers(x, currency, scope),
    }
}

/// The ranking's tiers for the scope's customers alone: their tiers after it and their values
/// as of its day.
fn scoped_ranking(x: &mut dyn Exec, ranking: &Ranking, scope: &Scope) -> Result<Ranking> {
    let day = NaiveDate::parse_from_str(&ranking.ranked_on, DATE_FORMAT)
        .map_err(|_| Error::invalid("ranked_on", "validation.date"))?;
    let tiers = reports::pyramid::tiers_on(x, &ranking.ranked_on, scope)?;
    let values: HashMap<i64, i64> =
        ranking_values(x, &ranking.settings, ranking.currency.as_deref().unwrap_or_default(), day, Some(scope))?
            .into_iter()
            .collect();
    let ranked: Vec<(i64, &str, i64)> =
        tiers.iter().map(|(id, tier)| (*id, tier.as_str(), values.get(id).copied().unwrap_or(0))).collect();
    Ok(Ranking { tiers: report::tier_figures(&ranked), ..ranking.clone() })
}

fn json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("report figures serialise")
}

#[cfg(test)]
mod segment_tests;
#[cfg(test)]
mod tests;
