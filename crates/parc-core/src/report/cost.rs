//! The cost and time of selling.

use super::*;

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
