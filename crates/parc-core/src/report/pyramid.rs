//! The customer pyramid.

use super::*;

/// What customers are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PyramidVariable {
    /// The annual turnover on the card (in the pyramid's currency).
    Turnover,
    /// The value of the deals won over the last `years` years.
    Purchases,
    /// The vehicles in the customer's fleet, ours and competitors'.
    Fleet,
    /// The value of the open deals.
    Pipeline,
}

impl PyramidVariable {
    pub fn is_money(self) -> bool {
        self != PyramidVariable::Fleet
    }

    pub fn code(self) -> &'static str {
        match self {
            PyramidVariable::Turnover => "turnover",
            PyramidVariable::Purchases => "purchases",
            PyramidVariable::Fleet => "fleet",
            PyramidVariable::Pipeline => "pipeline",
        }
    }
}

/// How the cut-offs read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutMode {
    /// A: the top `a` % of the customers; B: the next `b` %; C: the rest.
    Customers,
    /// A: the customers that make the first `a` % of the total value; B: the next `b` %.
    Value,
}

/// The office's pyramid: what ranks customers and where the tiers are cut (the `report.pyramid`
/// office setting; only the sales manager changes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PyramidSettings {
    #[serde(default)]
    pub version: i64,
    pub variable: PyramidVariable,
    /// For purchases: over how many years up to the day of ranking.
    pub years: u32,
    /// For money variables; `None`: the currency most deals are in.
    #[serde(default)]
    pub currency: Option<String>,
    pub mode: CutMode,
    pub a: u32,
    pub b: u32,
}

pub const PYRAMID_KEY: &str = "report.pyramid";

impl Default for PyramidSettings {
    /// By fleet size, the top 20 % of customers in A, the next 30 % in B, the rest in C.
    fn default() -> Self {
        PyramidSettings {
            version: 0,
            variable: PyramidVariable::Fleet,
            years: 3,
            currency: None,
            mode: CutMode::Customers,
            a: 20,
            b: 30,
        }
    }
}

impl PyramidSettings {
    pub fn validated(mut self) -> Result<PyramidSettings> {
        self.currency = self.currency.map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
        let mut errors = Vec::new();
        if !(1..=10).contains(&self.years) {
            errors.push(FieldError::new("years", "validation.pyramid_years"));
        }
        if self.a < 1 || self.b < 1 || self.a + self.b > 99 {
            errors.push(FieldError::new("a", "validation.pyramid_cuts"));
        }
        if self.currency.as_deref().is_some_and(|c| !crate::customer::CURRENCIES.contains(&c)) {
            errors.push(FieldError::new("currency", "validation.currency"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

pub use crate::customer::TIERS;

/// Ranks customers (`(id, value)`, every active customer, 0 for no value) into tiers: highest
/// value first (ties by id); a customer without value is always C; customers of equal value
/// share a tier (the higher one), so a tier may run a little past its cut.
pub fn rank(values: &[(i64, i64)], mode: CutMode, a: u32, b: u32) -> Vec<(i64, &'static str, i64)> {
    let mut sorted: Vec<(i64, i64)> = values.to_vec();
    sorted.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    let n = sorted.len() as i128;
    let total: i128 = sorted.iter().map(|v| i128::from(v.1.max(0))).sum();
    let mut out = Vec::with_capacity(sorted.len());
    let mut before: i128 = 0; // value (or customers) ranked before this one
    let mut last: Option<(i64, &'static str)> = None;
    for (i, (id, value)) in sorted.into_iter().enumerate() {
        let tier = if value <= 0 {
            "C"
        } else if let Some((_, t)) = last.filter(|(v, _)| *v == value) {
            t
        } else {
            // Integer arithmetic: "before < a % of the whole" is before × 100 < a × whole.
            let (done, whole) = match mode {
                CutMode::Customers => (i as i128, n),
                CutMode::Value => (before, total),
            };
            if done * 100 < i128::from(a) * whole {
                "A"
            } else if done * 100 < i128::from(a + b) * whole {
                "B"
            } else {
                "C"
            }
        };
        before += i128::from(value.max(0));
        last = Some((value, tier));
        out.push((id, tier, value));
    }
    out
}

/// One tier of the pyramid.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TierFigures {
    pub tier: String,
    pub customers: i64,
    pub customers_pct: Option<f64>,
    pub value: i64,
    pub value_pct: Option<f64>,
    /// The smallest value in the tier (its threshold).
    pub min_value: Option<i64>,
}

pub fn tier_figures(ranked: &[(i64, &str, i64)]) -> Vec<TierFigures> {
    let n = ranked.len() as i64;
    let total: i64 = ranked.iter().map(|r| r.2.max(0)).sum();
    TIERS
        .iter()
        .map(|t| {
            let of: Vec<i64> = ranked.iter().filter(|r| r.1 == *t).map(|r| r.2.max(0)).collect();
            let value: i64 = of.iter().sum();
            TierFigures {
                tier: t.to_string(),
                customers: of.len() as i64,
                customers_pct: pct(of.len() as i64, n),
                value,
                value_pct: pct(value, total),
                min_value: of.iter().copied().min(),
            }
        })
        .collect()
}

/// A ranking as kept: when, by what, in which currency, and its tiers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    pub ranked_on: String,
    pub settings: PyramidSettings,
    /// The currency money variables were counted in.
    pub currency: Option<String>,
    pub tiers: Vec<TierFigures>,
}

/// The pyramid report: the ranking in force at the period's end, and how many customers moved
/// tier during the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pyramid {
    pub ranking: Option<Ranking>,
    /// The office's settings now (the next ranking uses them).
    pub settings: PyramidSettings,
    pub moved_up: i64,
    pub moved_down: i64,
}

fn tier_unit(r: &Ranking) -> (ColumnKind, Option<String>) {
    if r.settings.variable.is_money() {
        (ColumnKind::Money, r.currency.clone())
    } else {
        (ColumnKind::Integer, None)
    }
}

pub fn pyramid_table(l: &Labels, period: &Period, p: &Pyramid) -> (ReportTable, Chart) {
    let (unit, currency) = p.ranking.as_ref().map(tier_unit).unwrap_or((ColumnKind::Integer, None));
    let value_key = match p.ranking.as_ref().map(|r| r.settings.variable) {
        Some(v) => format!("report.pyramid.variable.{}", v.code()),
        None => "report.col.value".to_string(),
    };
    let value_col = |key: &str| match &currency {
        Some(c) if unit == ColumnKind::Money => l.money(key, c),
        _ => l.column(key, unit),
    };
    let columns = vec![
        l.column("report.col.tier", ColumnKind::Text),
        l.column("report.col.customers", ColumnKind::Integer),
        l.column("report.col.customers_share", ColumnKind::Percent),
        value_col(&value_key),
        l.column("report.col.value_share", ColumnKind::Percent),
        value_col("report.col.threshold"),
    ];
    let mut subtitle = l.subtitle(period, currency.as_deref());
    if let Some(r) = &p.ranking {
        let day =
            NaiveDate::parse_from_str(&r.ranked_on, DATE_FORMAT).map(|d| l.locale.format().date(d)).unwrap_or_default();
        subtitle.push_str(" · ");
        subtitle.push_str(&trf(l.locale, "report.pyramid.ranked_on", &[("date", &day)]));
    }
    let mut table = l.table(ReportKind::Pyramid, subtitle, columns);
    let tiers = p.ranking.as_ref().map(|r| r.tiers.clone()).unwrap_or_default();
    for t in &tiers {
        table.rows.push(vec![
            Cell::text(t.tier.clone()),
            Cell::Int(t.customers),
            Cell::opt_num(t.customers_pct),
            Cell::Int(t.value),
            Cell::opt_num(t.value_pct),
            Cell::opt_int(t.min_value),
        ]);
    }
    if !tiers.is_empty() {
        table.total = Some(vec![
            Cell::text(l.t("report.total")),
            Cell::Int(tiers.iter().map(|t| t.customers).sum()),
            Cell::Empty(()),
            Cell::Int(tiers.iter().map(|t| t.value).sum()),
            Cell::Empty(()),
            Cell::Empty(()),
        ]);
    }
    (table, Chart::Pyramid { tiers, unit, currency })
}

/// A customer whose tier changed in the period: from the tier before the period to the one at
/// its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mover {
    pub customer_id: i64,
    pub name: String,
    pub owner_id: Option<i64>,
    pub from: String,
    pub to: String,
    pub ranked_on: String,
}

/// A tier change as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierMove {
    pub customer_id: i64,
    pub ranked_on: String,
    pub from: String,
    pub to: String,
}

/// From the moves of the period (in time order), the customers whose tier at the end differs
/// from the tier before: up first (A before B), then down, each by name.
pub fn movers(moves: &[TierMove], names: &HashMap<i64, (String, Option<i64>)>) -> Vec<Mover> {
    let mut first_last: BTreeMap<i64, (String, String, String)> = BTreeMap::new();
    for m in moves {
        let e = first_last.entry(m.customer_id).or_insert_with(|| (m.from.clone(), m.to.clone(), m.ranked_on.clone()));
        e.1 = m.to.clone();
        e.2 = m.ranked_on.clone();
    }
    let mut out: Vec<Mover> = first_last
        .into_iter()
        .filter(|(_, (from, to, _))| from != to && !from.is_empty() && !to.is_empty())
        .map(|(id, (from, to, day))| {
            let (name, owner_id) = names.get(&id).cloned().unwrap_or_default();
            Mover { customer_id: id, name, owner_id, from, to, ranked_on: day }
        })
        .collect();
    out.sort_by(|a, b| {
        let up = |m: &Mover| m.to < m.from;
        up(b)
            .cmp(&up(a))
            .then_with(|| a.to.cmp(&b.to))
            .then_with(|| crate::ground::search_key::fold(&a.name).cmp(&crate::ground::search_key::fold(&b.name)))
            .then(a.customer_id.cmp(&b.customer_id))
    });
    out
}

pub fn movers_table(l: &Labels, period: &Period, movers: &[Mover]) -> (ReportTable, Chart) {
    let columns = vec![
        l.column("report.col.customer", ColumnKind::Text),
        l.column("report.col.salesperson", ColumnKind::Text),
        l.column("report.col.tier_from", ColumnKind::Text),
        l.column("report.col.tier_to", ColumnKind::Text),
        l.column("report.col.direction", ColumnKind::Text),
        l.column("report.col.ranked_on", ColumnKind::Date),
    ];
    let mut table = l.table(ReportKind::PyramidMovers, l.subtitle(period, None), columns);
    for m in movers {
        let dir = if m.to < m.from { "report.pyramid.up" } else { "report.pyramid.down" };
        table.rows.push(vec![
            Cell::text(m.name.clone()),
            Cell::text(l.user(m.owner_id)),
            Cell::text(m.from.clone()),
            Cell::text(m.to.clone()),
            Cell::text(l.t(dir)),
            Cell::text(m.ranked_on.clone()),
        ]);
    }
    // Moves between tiers, as bars: A→B, B→A…
    let mut pairs: BTreeMap<(String, String), i64> = BTreeMap::new();
    for m in movers {
        *pairs.entry((m.from.clone(), m.to.clone())).or_default() += 1;
    }
    let chart = Chart::Bars {
        labels: pairs.keys().map(|(f, t)| format!("{f} → {t}")).collect(),
        series: vec![Series {
            label: l.t("report.col.customers"),
            values: pairs.values().map(|n| Some(*n as f64)).collect(),
        }],
        unit: ColumnKind::Integer,
        currency: None,
        stacked: false,
    };
    (table, chart)
}
