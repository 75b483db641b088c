//! Salesperson activity: prospects, orders and the value of new contracts.

use super::*;

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
    let seen = opened.iter().map(|g| g.owner_id).chain(won.iter().map(|g| g.owner_id));
    let mut rows = PerOwner::new(listed, seen, |o| ActivityRow { owner_id: o, ..Default::default() });
    for g in opened {
        for r in rows.row_and_total(g.owner_id) {
            r.deals_opened += g.deals;
            r.prospects += g.prospects;
        }
    }
    for g in won {
        for r in rows.row_and_total(g.owner_id) {
            r.orders += g.deals;
            if g.currency == currency {
                if g.existing {
                    r.value_existing += g.value;
                } else {
                    r.value_new += g.value;
                }
            }
        }
    }
    rows.finish(|r| {
        r.ratio = pct(r.orders, r.prospects);
        r.existing_share = pct(r.value_existing, r.value_new + r.value_existing);
    })
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
