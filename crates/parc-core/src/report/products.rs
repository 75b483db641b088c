//! Products sold.

use super::*;

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
