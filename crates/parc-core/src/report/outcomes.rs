//! Won, lost and postponed: reasons and the competitors that won.

use super::*;

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
    let mut rows =
        PerOwner::new(listed, groups.iter().map(|g| g.owner_id), |o| OutcomeRow { owner_id: o, ..Default::default() });
    for g in groups {
        let value = if g.currency == currency { g.value } else { 0 };
        for r in rows.row_and_total(g.owner_id) {
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
    rows.finish(|r| r.win_rate = pct(r.won, r.won + r.lost))
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
        let key = crate::ground::search_key::fold(&name);
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
