//! The seven P's of one customer.

use super::*;

/// A customer along the seven P's of the seeds' customer analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerAnalysis {
    pub customer_id: i64,
    pub name: String,
    pub profile: Profile,
    pub persistency: Persistency,
    pub profitability: Profitability,
    pub performance: Performance,
    pub prospecting: Prospecting,
    pub product: ProductMix,
    pub promotion: Promotion,
}

/// Profile: who the customer is.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Profile {
    pub business_type: String,
    pub market_sectors: String,
    pub city: String,
    pub country: String,
    pub employees: Option<i64>,
    pub annual_turnover: Option<i64>,
    pub turnover_currency: String,
    pub lead_source: String,
    pub owner_id: Option<i64>,
    pub tier: Option<String>,
    pub people: i64,
    pub decision_makers: i64,
}

/// Persistency: loyalty over the years.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Persistency {
    /// The day it first bought from us (first deal won, or January 1st after the first year
    /// of our vehicles in its fleet), if it did.
    pub customer_since: Option<String>,
    pub years_as_customer: Option<i64>,
    pub orders: i64,
    /// Orders after the first one.
    pub repeat_orders: i64,
    /// Distinct years with an order.
    pub years_with_orders: i64,
    pub last_order: Option<String>,
    /// Our share of its fleet, in percent of vehicles.
    pub fleet_share: Option<f64>,
    pub first_contact: Option<String>,
    pub last_contact: Option<String>,
}

/// Money won from (and lost at) a customer, in one currency.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MoneyLine {
    pub currency: String,
    pub won: i64,
    pub won_in_period: i64,
    pub orders: i64,
    pub average_order: Option<i64>,
    pub lost: i64,
    /// How far below our value the winners of lost deals priced, in percent.
    pub price_gap: Option<f64>,
}

/// Profitability: what it brought.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Profitability {
    pub lines: Vec<MoneyLine>,
    /// Won value per year (`YYYY`, value) in the main currency, oldest first.
    pub by_year: Vec<(String, i64)>,
    pub main_currency: Option<String>,
}

/// Performance: what it bought, by product and by channel.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Performance {
    /// Category, vehicles, value (in the main currency).
    pub by_category: Vec<(String, i64, i64)>,
    /// How its deals started (card, radar, lead) and what they became: origin, deals, won.
    pub by_origin: Vec<(String, i64, i64)>,
}

/// Prospecting: what is coming.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Prospecting {
    pub open_deals: i64,
    /// In the main currency.
    pub open_value: i64,
    pub weighted_value: i64,
    pub next_close: Option<String>,
    pub open_actions: i64,
    pub next_action: Option<String>,
    /// Vehicles due for renewal in the next twelve months, and how many are competitors'.
    pub renewals_due: i64,
    pub competitor_renewals_due: i64,
    pub open_leads: i64,
}

/// Product: what it runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProductMix {
    pub vehicles: i64,
    pub ours: i64,
    /// Brand, vehicles, ours.
    pub brands: Vec<(String, i64, bool)>,
    /// Category, vehicles, ours.
    pub categories: Vec<(String, i64, i64)>,
}

/// Promotion: what we sent and what followed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Promotion {
    /// Name, every days, last sent.
    pub materials: Vec<(String, i64, Option<String>)>,
    /// Contacts in the period by kind ([`CONTACT_KINDS`] order).
    pub contacts_by_kind: Vec<i64>,
    /// Documents sent in contacts of the period.
    pub documents_sent: i64,
    /// Leads: source, received on, status, the deal's stage kind when qualified.
    pub leads: Vec<(String, String, String, Option<String>)>,
}

/// The seven P's as a table of figures: P, figure, value (in the report's language).
pub fn customer_table(l: &Labels, period: &Period, a: &CustomerAnalysis) -> (ReportTable, Chart) {
    let f = l.locale.format();
    let columns = vec![
        l.column("report.col.p", ColumnKind::Text),
        l.column("report.col.figure", ColumnKind::Text),
        l.column("report.col.value_text", ColumnKind::Text),
    ];
    let mut table = l.table(ReportKind::Customer, format!("{} · {}", a.name, l.subtitle(period, None)), columns);
    let day = |d: &Option<String>| {
        d.as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), DATE_FORMAT).ok())
            .map(|d| f.date(d))
            .unwrap_or_else(|| "–".into())
    };
    let num = |n: i64| f.integer(n);
    let pc = |p: Option<f64>| {
        p.map(|p| format!("{}%", format!("{p:.1}").replace('.', &f.decimal.to_string()))).unwrap_or_else(|| "–".into())
    };
    let mut add = |p: &str, key: &str, value: String| {
        table.rows.push(vec![Cell::text(l.t(&format!("report.p.{p}"))), Cell::text(l.t(key)), Cell::text(value)]);
    };
    let pr = &a.profile;
    let or_dash = |s: String| if s.trim().is_empty() { "–".to_string() } else { s };
    add(
        "profile",
        "field.business_type",
        or_dash(if pr.business_type.is_empty() {
            String::new()
        } else {
            l.t(&format!("business_type.{}", pr.business_type))
        }),
    );
    add("profile", "field.market_sectors", or_dash(pr.market_sectors.clone()));
    add(
        "profile",
        "field.city",
        or_dash(
            [pr.city.clone(), pr.country.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", "),
        ),
    );
    add("profile", "field.employees", pr.employees.map(num).unwrap_or_else(|| "–".into()));
    add(
        "profile",
        "field.annual_turnover",
        pr.annual_turnover.map(|t| f.money(t, &pr.turnover_currency)).unwrap_or_else(|| "–".into()),
    );
    add(
        "profile",
        "field.lead_source",
        or_dash(if pr.lead_source.is_empty() {
            String::new()
        } else {
            l.t(&format!("lead_source.{}", pr.lead_source))
        }),
    );
    add("profile", "field.owner", l.user(pr.owner_id));
    add("profile", "report.col.tier", pr.tier.clone().unwrap_or_else(|| "–".into()));
    add(
        "profile",
        "report.p.people",
        format!("{} ({} {})", num(pr.people), num(pr.decision_makers), l.t("decision_role.decision_maker")),
    );
    let ps = &a.persistency;
    add("persistency", "report.p.customer_since", day(&ps.customer_since));
    add("persistency", "report.p.years_as_customer", ps.years_as_customer.map(num).unwrap_or_else(|| "–".into()));
    add("persistency", "report.p.orders", num(ps.orders));
    add("persistency", "report.p.repeat_orders", num(ps.repeat_orders));
    add("persistency", "report.p.years_with_orders", num(ps.years_with_orders));
    add("persistency", "report.p.last_order", day(&ps.last_order));
    add("persistency", "report.p.fleet_share", pc(ps.fleet_share));
    add("persistency", "report.p.first_contact", day(&ps.first_contact));
    add("persistency", "report.p.last_contact", day(&ps.last_contact));
    for m in &a.profitability.lines {
        add("profitability", "report.p.won_total", f.money(m.won, &m.currency));
        add("profitability", "report.p.won_in_period", f.money(m.won_in_period, &m.currency));
        add(
            "profitability",
            "report.p.average_order",
            m.average_order.map(|v| f.money(v, &m.currency)).unwrap_or_else(|| "–".into()),
        );
        add("profitability", "report.p.lost_value", f.money(m.lost, &m.currency));
        add("profitability", "report.p.price_gap", pc(m.price_gap));
    }
    let main = a.profitability.main_currency.clone().unwrap_or_default();
    for (cat, vehicles, value) in &a.performance.by_category {
        add(
            "performance",
            "report.col.category",
            format!("{}: {} · {}", l.category(cat), num(*vehicles), f.money(*value, &main)),
        );
    }
    for (origin, deals, won) in &a.performance.by_origin {
        add(
            "performance",
            "report.p.channel",
            format!("{}: {} / {}", l.t(&format!("report.origin.{origin}")), num(*deals), num(*won)),
        );
    }
    let pp = &a.prospecting;
    add("prospecting", "report.p.open_deals", format!("{} · {}", num(pp.open_deals), f.money(pp.open_value, &main)));
    add("prospecting", "report.p.weighted", f.money(pp.weighted_value, &main));
    add("prospecting", "report.p.next_close", day(&pp.next_close));
    add("prospecting", "report.p.open_actions", format!("{} · {}", num(pp.open_actions), day(&pp.next_action)));
    add(
        "prospecting",
        "report.p.renewals_due",
        format!(
            "{} ({} {})",
            num(pp.renewals_due),
            num(pp.competitor_renewals_due),
            l.t("report.p.competitors_vehicles")
        ),
    );
    add("prospecting", "report.p.open_leads", num(pp.open_leads));
    let pm = &a.product;
    add(
        "product",
        "report.col.vehicles",
        format!("{} ({} {})", num(pm.vehicles), num(pm.ours), l.t("report.col.ours")),
    );
    for (brand, n, ours) in &pm.brands {
        let mark = if *ours { format!(" ({})", l.t("report.col.ours")) } else { String::new() };
        add("product", "report.p.brand", format!("{brand}{mark}: {}", num(*n)));
    }
    for (cat, n, ours) in &pm.categories {
        add(
            "product",
            "report.col.category",
            format!("{}: {} ({} {})", l.category(cat), num(*n), num(*ours), l.t("report.col.ours")),
        );
    }
    let pro = &a.promotion;
    for (name, every, last) in &pro.materials {
        add(
            "promotion",
            "report.p.material",
            format!("{name} · {} · {}", trf(l.locale, "report.p.every_days", &[("days", &num(*every))]), day(last)),
        );
    }
    for (k, n) in CONTACT_KINDS.iter().zip(&pro.contacts_by_kind) {
        add("promotion", &format!("kind.{k}"), num(*n));
    }
    add("promotion", "report.p.documents_sent", num(pro.documents_sent));
    for (source, received, status, outcome) in &pro.leads {
        let mut text = format!(
            "{} · {} · {}",
            l.t(&format!("lead_source.{source}")),
            day(&Some(received.clone())),
            l.t(&format!("report.lead.{status}"))
        );
        if let Some(o) = outcome {
            text.push_str(&format!(" → {}", l.t(&format!("report.lead.deal_{o}"))));
        }
        add("promotion", "report.p.lead", text);
    }
    let chart = Chart::Bars {
        labels: a.profitability.by_year.iter().map(|(y, _)| y.clone()).collect(),
        series: vec![Series {
            label: l.t("report.p.won_total"),
            values: a.profitability.by_year.iter().map(|(_, v)| Some(*v as f64)).collect(),
        }],
        unit: ColumnKind::Money,
        currency: a.profitability.main_currency.clone(),
        stacked: false,
    };
    (table, chart)
}
