//! Market share (QM) by segment and year.

use super::*;

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
