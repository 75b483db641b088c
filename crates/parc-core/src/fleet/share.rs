//! Share arithmetic over fleets: our share of a customer (vehicles and, where the gross weight
//! is known, tonnage; overall and per category) and its brand mix; the office's market share
//! (QM) by segment and year of registration; and the renewal radar. Pure functions over rows
//! the store reads, so the arithmetic is tested by hand-computed cases.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::fleet::{FleetLine, FleetLineData};

/// Vehicles and tonnage of a group, all of them and ours, with our share in percent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Share {
    pub vehicles: i64,
    pub ours: i64,
    /// Vehicles whose gross weight is known, and the tonnage (kg) of those, all and ours.
    pub weighed: i64,
    pub tonnage_kg: i64,
    pub ours_tonnage_kg: i64,
    /// Our share of the vehicles, in percent to one decimal; `None` when there are none.
    pub vehicle_pct: Option<f64>,
    /// Our share of the known tonnage, in percent to one decimal; `None` when none is known.
    pub tonnage_pct: Option<f64>,
}

fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

impl Share {
    /// Adds `vehicles` vehicles of `kg` each (`None`: unknown weight).
    fn add(&mut self, vehicles: i64, kg: Option<i64>, ours: bool) {
        self.add_weighed(vehicles, kg.map(|kg| (vehicles, vehicles * kg)), ours);
    }

    /// Adds `vehicles` vehicles of which `weighed.0` weigh `weighed.1` kg together.
    fn add_weighed(&mut self, vehicles: i64, weighed: Option<(i64, i64)>, ours: bool) {
        self.vehicles += vehicles;
        let (w, kg) = weighed.unwrap_or((0, 0));
        self.weighed += w;
        self.tonnage_kg += kg;
        if ours {
            self.ours += vehicles;
            self.ours_tonnage_kg += kg;
        }
        self.vehicle_pct = pct(self.ours, self.vehicles);
        self.tonnage_pct = pct(self.ours_tonnage_kg, self.tonnage_kg);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryShare {
    pub category: String,
    pub share: Share,
}

/// Vehicles of one brand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrandCount {
    pub brand: String,
    pub ours: bool,
    pub vehicles: i64,
    pub tonnage_kg: i64,
    /// Of all the vehicles counted, in percent to one decimal.
    pub pct: Option<f64>,
}

/// Our share of one customer's fleet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerShare {
    pub total: Share,
    /// In the order of the office's categories.
    pub categories: Vec<CategoryShare>,
    /// The brand mix, largest first.
    pub brands: Vec<BrandCount>,
}

fn brand_counts(counts: HashMap<&str, (i64, i64)>, total: i64, ours: impl Fn(&str) -> bool) -> Vec<BrandCount> {
    let mut brands: Vec<BrandCount> = counts
        .into_iter()
        .map(|(brand, (vehicles, tonnage_kg))| BrandCount {
            brand: brand.to_string(),
            ours: ours(brand),
            vehicles,
            tonnage_kg,
            pct: pct(vehicles, total),
        })
        .collect();
    brands.sort_by(|a, b| b.vehicles.cmp(&a.vehicles).then_with(|| a.brand.cmp(&b.brand)));
    brands
}

/// Our share of a customer from its fleet lines; `ours` tells our brands, `categories` gives
/// the order (categories not in it follow, by name).
pub fn customer_share(lines: &[FleetLine], categories: &[String], ours: impl Fn(&str) -> bool) -> CustomerShare {
    let mut total = Share::default();
    let mut by_category: BTreeMap<(usize, &str), Share> = BTreeMap::new();
    let mut brands: HashMap<&str, (i64, i64)> = HashMap::new();
    for l in lines {
        let d = &l.data;
        let is_ours = ours(&d.brand);
        total.add(d.vehicles, d.gross_weight_kg, is_ours);
        let rank = categories.iter().position(|c| *c == d.category).unwrap_or(usize::MAX);
        by_category.entry((rank, &d.category)).or_default().add(d.vehicles, d.gross_weight_kg, is_ours);
        let b = brands.entry(&d.brand).or_default();
        b.0 += d.vehicles;
        b.1 += d.vehicles * d.gross_weight_kg.unwrap_or(0);
    }
    CustomerShare {
        total,
        categories: by_category
            .into_iter()
            .map(|((_, category), share)| CategoryShare { category: category.to_string(), share })
            .collect(),
        brands: brand_counts(brands, total.vehicles, ours),
    }
}

/// One row of the office-wide fleet summary the store keeps in step with the lines of active
/// customers: vehicles of a brand in a segment and registration year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRow {
    pub category: String,
    /// Empty when unknown.
    pub weight_class: String,
    /// Year of first registration; 0 when unknown.
    pub year: i32,
    pub brand: String,
    pub vehicles: i64,
    /// Vehicles of known gross weight, and their tonnage in kg.
    pub weighed: i64,
    pub tonnage_kg: i64,
}

/// The summary's key: category, weight class, year (0 unknown), brand.
pub(crate) type ShareKey = (String, String, i32, String);

/// Changes to the summary from writing fleet lines, summed per key before they are applied,
/// in key order (two PostgreSQL writers lock the summary's rows in the same order).
#[derive(Debug, Default)]
pub(crate) struct ShareDelta(pub BTreeMap<ShareKey, [i64; 3]>);

impl ShareDelta {
    /// Counts line `d` in (`sign` 1) or out (`sign` -1).
    pub fn add(&mut self, d: &FleetLineData, sign: i64) {
        let key = (d.category.clone(), d.weight_class.clone(), d.first_registered.unwrap_or(0), d.brand.clone());
        let e = self.0.entry(key).or_default();
        e[0] += sign * d.vehicles;
        if let Some(kg) = d.gross_weight_kg {
            e[1] += sign * d.vehicles;
            e[2] += sign * d.vehicles * kg;
        }
    }

    /// The changes that change something.
    pub fn entries(&self) -> impl Iterator<Item = (&ShareKey, &[i64; 3])> {
        self.0.iter().filter(|(_, v)| v.iter().any(|n| *n != 0))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearShare {
    /// Year of first registration; `None` when unknown.
    pub year: Option<i32>,
    pub share: Share,
}

/// A market segment: category and gross weight class (empty when unknown).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentShare {
    pub category: String,
    pub weight_class: String,
    pub total: Share,
    /// Newest year first, unknown year last; only years with vehicles.
    pub years: Vec<YearShare>,
}

/// The office's market share (QM) among its customers' fleets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketShare {
    pub total: Share,
    /// Every year in the data, newest first, unknown last.
    pub years: Vec<YearShare>,
    /// By category (in the office's order), then weight class (lightest first, unknown last).
    pub segments: Vec<SegmentShare>,
    /// Every brand, largest fleet first: the competitors that hold the most of our customers'
    /// vehicles, and ours among them.
    pub brands: Vec<BrandCount>,
}

fn year_order(year: i32) -> std::cmp::Reverse<i32> {
    // Newest first; unknown (0) sorts last.
    std::cmp::Reverse(year)
}

fn years(map: BTreeMap<std::cmp::Reverse<i32>, Share>) -> Vec<YearShare> {
    map.into_iter().map(|(y, share)| YearShare { year: (y.0 != 0).then_some(y.0), share }).collect()
}

/// The QM from the office summary; `categories` gives the order of segments.
pub fn market_share(rows: &[ShareRow], categories: &[String], ours: impl Fn(&str) -> bool) -> MarketShare {
    let class_rank = |c: &str| {
        crate::fleet::WEIGHT_CLASSES.iter().position(|(k, _)| *k == c).unwrap_or(crate::fleet::WEIGHT_CLASSES.len())
    };
    let mut total = Share::default();
    let mut by_year: BTreeMap<std::cmp::Reverse<i32>, Share> = BTreeMap::new();
    type SegmentKey<'a> = (usize, &'a str, usize, &'a str);
    let mut segments: BTreeMap<SegmentKey, (Share, BTreeMap<std::cmp::Reverse<i32>, Share>)> = BTreeMap::new();
    let mut brands: HashMap<&str, (i64, i64)> = HashMap::new();
    for r in rows {
        let is_ours = ours(&r.brand);
        let weighed = (r.weighed > 0).then_some((r.weighed, r.tonnage_kg));
        total.add_weighed(r.vehicles, weighed, is_ours);
        by_year.entry(year_order(r.year)).or_default().add_weighed(r.vehicles, weighed, is_ours);
        let rank = categories.iter().position(|c| *c == r.category).unwrap_or(usize::MAX);
        let seg = segments.entry((rank, &r.category, class_rank(&r.weight_class), &r.weight_class)).or_default();
        seg.0.add_weighed(r.vehicles, weighed, is_ours);
        seg.1.entry(year_order(r.year)).or_default().add_weighed(r.vehicles, weighed, is_ours);
        let b = brands.entry(&r.brand).or_default();
        b.0 += r.vehicles;
        b.1 += r.tonnage_kg;
    }
    MarketShare {
        total,
        years: years(by_year),
        segments: segments
            .into_iter()
            .map(|((_, category, _, weight_class), (total, by_year))| SegmentShare {
                category: category.to_string(),
                weight_class: weight_class.to_string(),
                total,
                years: years(by_year),
            })
            .collect(),
        brands: brand_counts(brands, total.vehicles, ours),
    }
}

// --- the renewal radar ---

/// A fleet line due for renewal in the radar's window, with its customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadarLine {
    pub line_id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub city: String,
    pub brand: String,
    pub model: String,
    pub category: String,
    pub vehicles: i64,
    pub renewal_due: String,
    /// Our brand: a renewal to keep; the others are vehicles to win.
    #[serde(default)]
    pub ours: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RadarSort {
    /// Most competitor vehicles first: the conquest opportunities.
    #[default]
    Competitors,
    /// Most vehicles first.
    Volume,
    /// Soonest due first.
    Date,
}

/// What the radar looks at: the next `months` months, one owner's customers or everyone's.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RadarQuery {
    pub months: u32,
    pub owner_id: Option<i64>,
    pub sort: RadarSort,
    /// At most this many customers.
    pub limit: u32,
}

impl Default for RadarQuery {
    fn default() -> Self {
        RadarQuery { months: 12, owner_id: None, sort: RadarSort::Competitors, limit: 200 }
    }
}

/// Vehicles due in one month (`YYYY-MM`), and how many of them are competitors'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthCount {
    pub month: String,
    pub vehicles: i64,
    pub competitor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RadarCustomer {
    pub customer_id: i64,
    pub name: String,
    pub city: String,
    pub vehicles: i64,
    pub competitor: i64,
    /// The soonest renewal, `YYYY-MM-DD`.
    pub first_due: String,
    /// One per month of the window, in order (zero when nothing is due).
    pub months: Vec<MonthCount>,
    /// Competitors' vehicles first, then by due date.
    pub lines: Vec<RadarLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Radar {
    /// The window: from this day to this day, both included.
    pub from: String,
    pub until: String,
    /// Totals per month of the window.
    pub months: Vec<MonthCount>,
    pub vehicles: i64,
    pub competitor: i64,
    /// How many customers have something due (more than listed when over the limit).
    pub customer_count: usize,
    pub customers: Vec<RadarCustomer>,
}

/// The radar's window from `today`: the rest of this month and the `months - 1` after it.
pub fn radar_window(today: NaiveDate, months: u32) -> (NaiveDate, NaiveDate) {
    let months = months.clamp(1, 60);
    let first = today.with_day(1).expect("day 1 exists");
    let end = first + Months::new(months) - chrono::Days::new(1);
    (today, end)
}

/// One fleet line due for renewal as the radar counts it: numbers only, because a radar over
/// a large office counts a hundred thousand lines to show a few hundred customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueCount {
    pub customer_id: i64,
    /// The renewal day as the number `YYYYMMDD`.
    pub due: u32,
    pub vehicles: i64,
    pub ours: bool,
}

/// `YYYY-MM-DD` (or longer) as the number `YYYYMMDD`; 0 when it is not a date.
pub fn day_number(text: &str) -> u32 {
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return 0;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(y), Some(m), Some(d)) => y * 10_000 + m * 100 + d,
        _ => 0,
    }
}

fn day_text(n: u32) -> String {
    format!("{:04}-{:02}-{:02}", n / 10_000, n / 100 % 100, n % 100)
}

fn month_keys(from: NaiveDate, until: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let mut m = from.with_day(1).expect("day 1 exists");
    while m <= until {
        out.push(m.format("%Y-%m").to_string());
        m = m + Months::new(1);
    }
    out
}

/// A customer's sums while the radar counts.
struct Tally {
    vehicles: i64,
    competitor: i64,
    first_due: u32,
    months: Vec<[i64; 2]>,
}

/// Groups the lines due in the window `[from, until]` by customer and month, sorted as asked,
/// at most `limit` customers (ties: soonest first, then by id). Counts outside the window are
/// ignored. Names and lines are left empty for [`attach_lines`].
pub fn radar(counts: &[DueCount], from: NaiveDate, until: NaiveDate, sort: RadarSort, limit: usize) -> Radar {
    let keys = month_keys(from, until);
    let ymd = |d: NaiveDate| d.year() as u32 * 10_000 + d.month() * 100 + d.day();
    let (from_n, until_n) = (ymd(from), ymd(until));
    let first_month = from.year() as i64 * 12 + i64::from(from.month0());
    let mut totals = vec![[0i64; 2]; keys.len()];
    let mut tallies: HashMap<i64, Tally> = HashMap::new();
    for c in counts {
        if c.due < from_n || c.due > until_n {
            continue;
        }
        let slot = ((c.due / 10_000) as i64 * 12 + (c.due / 100 % 100) as i64 - 1 - first_month) as usize;
        let competitor = if c.ours { 0 } else { c.vehicles };
        totals[slot][0] += c.vehicles;
        totals[slot][1] += competitor;
        let t = tallies.entry(c.customer_id).or_insert_with(|| Tally {
            vehicles: 0,
            competitor: 0,
            first_due: c.due,
            months: vec![[0; 2]; keys.len()],
        });
        t.vehicles += c.vehicles;
        t.competitor += competitor;
        t.first_due = t.first_due.min(c.due);
        t.months[slot][0] += c.vehicles;
        t.months[slot][1] += competitor;
    }
    let mut ranked: Vec<(i64, Tally)> = tallies.into_iter().collect();
    ranked.sort_unstable_by(|(a_id, a), (b_id, b)| {
        match sort {
            RadarSort::Competitors => b.competitor.cmp(&a.competitor).then(b.vehicles.cmp(&a.vehicles)),
            RadarSort::Volume => b.vehicles.cmp(&a.vehicles).then(b.competitor.cmp(&a.competitor)),
            RadarSort::Date => a.first_due.cmp(&b.first_due).then(b.vehicles.cmp(&a.vehicles)),
        }
        .then(a.first_due.cmp(&b.first_due))
        .then(a_id.cmp(b_id))
    });
    let customer_count = ranked.len();
    ranked.truncate(limit);
    let months = |m: &[[i64; 2]]| -> Vec<MonthCount> {
        keys.iter()
            .zip(m)
            .map(|(k, [vehicles, competitor])| MonthCount {
                month: k.clone(),
                vehicles: *vehicles,
                competitor: *competitor,
            })
            .collect()
    };
    Radar {
        from: from.format("%Y-%m-%d").to_string(),
        until: until.format("%Y-%m-%d").to_string(),
        vehicles: totals.iter().map(|m| m[0]).sum(),
        competitor: totals.iter().map(|m| m[1]).sum(),
        months: months(&totals),
        customer_count,
        customers: ranked
            .into_iter()
            .map(|(customer_id, t)| RadarCustomer {
                customer_id,
                name: String::new(),
                city: String::new(),
                vehicles: t.vehicles,
                competitor: t.competitor,
                first_due: day_text(t.first_due),
                months: months(&t.months),
                lines: Vec::new(),
            })
            .collect(),
    }
}

/// Gives the radar's customers their names and their lines in the window (competitors'
/// vehicles first, then by due date).
pub fn attach_lines(radar: &mut Radar, lines: Vec<RadarLine>) {
    let slot: HashMap<i64, usize> = radar.customers.iter().enumerate().map(|(i, c)| (c.customer_id, i)).collect();
    for line in lines {
        if line.renewal_due < radar.from || line.renewal_due > radar.until {
            continue;
        }
        if let Some(&i) = slot.get(&line.customer_id) {
            let c = &mut radar.customers[i];
            if c.name.is_empty() {
                c.name = line.customer_name.clone();
                c.city = line.city.clone();
            }
            c.lines.push(line);
        }
    }
    for c in &mut radar.customers {
        c.lines.sort_by(|a, b| {
            a.ours.cmp(&b.ours).then_with(|| a.renewal_due.cmp(&b.renewal_due)).then(a.line_id.cmp(&b.line_id))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fl(brand: &str, category: &str, vehicles: i64, kg: Option<i64>) -> FleetLine {
        FleetLine {
            id: 0,
            customer_id: 1,
            data: FleetLineData {
                brand: brand.into(),
                category: category.into(),
                vehicles,
                gross_weight_kg: kg,
                ..Default::default()
            },
            version: 1,
            ours: false,
        }
    }

    fn ours(b: &str) -> bool {
        b == "Renault Trucks"
    }

    fn cats() -> Vec<String> {
        ["tractor", "rigid", "van"].map(String::from).to_vec()
    }

    #[test]
    fn a_customers_share_counts_n_vehicle_lines_and_tonnage_where_known() {
        // 10 of ours (4 tractors of 18 t, 6 vans of unknown weight), 15 of theirs (5 Volvo
        // tractors of 18 t, 10 Iveco vans of 3.5 t).
        let lines = [
            fl("Renault Trucks", "tractor", 4, Some(18_000)),
            fl("Volvo", "tractor", 5, Some(18_000)),
            fl("Renault Trucks", "van", 6, None),
            fl("Iveco", "van", 10, Some(3_500)),
        ];
        let s = customer_share(&lines, &cats(), ours);
        assert_eq!((s.total.vehicles, s.total.ours), (25, 10));
        assert_eq!(s.total.vehicle_pct, Some(40.0));
        // Tonnage: ours 72 t of 72 + 90 + 35 = 197 t known (the 6 vans are unknown).
        assert_eq!((s.total.weighed, s.total.tonnage_kg, s.total.ours_tonnage_kg), (19, 197_000, 72_000));
        assert_eq!(s.total.tonnage_pct, Some(36.5));
        let per: Vec<_> = s.categories.iter().map(|c| (c.category.as_str(), c.share.vehicle_pct)).collect();
        assert_eq!(per, [("tractor", Some(44.4)), ("van", Some(37.5))]);
        let van = &s.categories[1].share;
        assert_eq!(van.tonnage_pct, Some(0.0), "our vans have no known weight: 0 of 35 t");
        let mix: Vec<_> = s.brands.iter().map(|b| (b.brand.as_str(), b.vehicles, b.pct)).collect();
        assert_eq!(mix, [("Iveco", 10, Some(40.0)), ("Renault Trucks", 10, Some(40.0)), ("Volvo", 5, Some(20.0))]);
    }

    #[test]
    fn an_empty_fleet_has_no_share_rather_than_zero() {
        let s = customer_share(&[], &cats(), ours);
        assert_eq!((s.total.vehicle_pct, s.total.tonnage_pct), (None, None));
        let s = customer_share(&[fl("Volvo", "rigid", 3, None)], &cats(), ours);
        assert_eq!((s.total.vehicle_pct, s.total.tonnage_pct), (Some(0.0), None), "no weight known: no tonnage share");
    }

    fn row(category: &str, class: &str, year: i32, brand: &str, vehicles: i64, weighed: i64, kg: i64) -> ShareRow {
        ShareRow {
            category: category.into(),
            weight_class: class.into(),
            year,
            brand: brand.into(),
            vehicles,
            weighed,
            tonnage_kg: kg,
        }
    }

    #[test]
    fn market_share_by_segment_and_year() {
        let rows = [
            row("tractor", "26t", 2024, "Renault Trucks", 3, 3, 54_000),
            row("tractor", "26t", 2024, "Volvo", 9, 0, 0),
            row("tractor", "26t", 2025, "Renault Trucks", 2, 2, 36_000),
            row("tractor", "26t", 2025, "Scania", 2, 2, 36_000),
            row("van", "3_5t", 0, "Iveco", 4, 4, 14_000),
            row("tractor", "", 2025, "Volvo", 1, 0, 0),
        ];
        let m = market_share(&rows, &cats(), ours);
        assert_eq!((m.total.vehicles, m.total.ours, m.total.vehicle_pct), (21, 5, Some(23.8)));
        let years: Vec<_> = m.years.iter().map(|y| (y.year, y.share.vehicles, y.share.ours)).collect();
        assert_eq!(years, [(Some(2025), 5, 2), (Some(2024), 12, 3), (None, 4, 0)]);
        let segs: Vec<_> =
            m.segments.iter().map(|s| (s.category.as_str(), s.weight_class.as_str(), s.total.vehicle_pct)).collect();
        assert_eq!(segs, [("tractor", "26t", Some(31.3)), ("tractor", "", Some(0.0)), ("van", "3_5t", Some(0.0))]);
        let t = &m.segments[0];
        let by_year: Vec<_> = t.years.iter().map(|y| (y.year, y.share.vehicle_pct, y.share.tonnage_pct)).collect();
        assert_eq!(by_year, [(Some(2025), Some(50.0), Some(50.0)), (Some(2024), Some(25.0), Some(100.0))]);
        let brands: Vec<_> = m.brands.iter().map(|b| (b.brand.as_str(), b.vehicles, b.ours)).collect();
        assert_eq!(
            brands,
            [("Volvo", 10, false), ("Renault Trucks", 5, true), ("Iveco", 4, false), ("Scania", 2, false)]
        );
    }

    #[test]
    fn the_summary_delta_adds_and_removes_lines() {
        let mut d = ShareDelta::default();
        let a = fl("Volvo", "tractor", 3, Some(18_000)).data;
        let mut b = a.clone();
        b.vehicles = 5;
        d.add(&a, -1);
        d.add(&b, 1);
        let got: Vec<_> = d.entries().map(|(k, v)| (k.3.as_str(), *v)).collect();
        assert_eq!(got, [("Volvo", [2, 2, 36_000])]);
        let mut same = ShareDelta::default();
        same.add(&a, 1);
        same.add(&a, -1);
        assert_eq!(same.entries().count(), 0);
    }

    fn due(customer: i64, brand: &str, vehicles: i64, day: &str) -> RadarLine {
        RadarLine {
            line_id: customer * 100 + vehicles,
            customer_id: customer,
            customer_name: format!("C{customer}"),
            city: String::new(),
            brand: brand.into(),
            model: String::new(),
            category: "tractor".into(),
            vehicles,
            renewal_due: day.into(),
            ours: ours(brand),
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The radar as the store makes it: counted from numbers, then given names and lines.
    fn grouped(lines: &[RadarLine], from: NaiveDate, until: NaiveDate, sort: RadarSort, limit: usize) -> Radar {
        let counts: Vec<DueCount> = lines
            .iter()
            .map(|l| DueCount {
                customer_id: l.customer_id,
                due: day_number(&l.renewal_due),
                vehicles: l.vehicles,
                ours: l.ours,
            })
            .collect();
        let mut r = radar(&counts, from, until, sort, limit);
        attach_lines(&mut r, lines.to_vec());
        r
    }

    #[test]
    fn days_become_numbers_and_back() {
        assert_eq!(day_number("2027-01-15"), 20270115);
        assert_eq!(day_number("2027-1-15"), 0);
        assert_eq!(day_text(20270115), "2027-01-15");
    }

    #[test]
    fn the_radar_window_is_the_rest_of_this_month_and_the_next_ones() {
        assert_eq!(radar_window(day("2026-11-23"), 3), (day("2026-11-23"), day("2027-01-31")));
        assert_eq!(radar_window(day("2026-01-31"), 1), (day("2026-01-31"), day("2026-01-31")));
    }

    #[test]
    fn the_radar_groups_by_customer_and_month_competitors_first() {
        let (from, until) = radar_window(day("2026-11-23"), 3);
        let lines = vec![
            due(1, "Renault Trucks", 8, "2026-12-01"),
            due(1, "Volvo", 1, "2027-01-15"),
            due(2, "Scania", 2, "2026-11-30"),
            due(2, "DAF", 3, "2027-01-02"),
            due(3, "Volvo", 4, "2027-02-01"), // after the window
            due(3, "Iveco", 1, "2026-11-22"), // before it
        ];
        let r = grouped(&lines, from, until, RadarSort::Competitors, 10);
        assert_eq!((r.vehicles, r.competitor, r.customer_count), (14, 6, 2));
        let months: Vec<_> = r.months.iter().map(|m| (m.month.as_str(), m.vehicles, m.competitor)).collect();
        assert_eq!(months, [("2026-11", 2, 2), ("2026-12", 8, 0), ("2027-01", 4, 4)]);
        let order: Vec<_> = r.customers.iter().map(|c| (c.customer_id, c.vehicles, c.competitor)).collect();
        assert_eq!(order, [(2, 5, 5), (1, 9, 1)], "competitor vehicles first");
        let c1 = &r.customers[1];
        assert_eq!(c1.lines[0].brand, "Volvo", "a customer's competitor vehicles come first");
        assert_eq!(c1.months.iter().map(|m| m.vehicles).collect::<Vec<_>>(), [0, 8, 1]);
        assert_eq!(c1.first_due, "2026-12-01");

        let by_volume = grouped(&lines, from, until, RadarSort::Volume, 10);
        assert_eq!(by_volume.customers.iter().map(|c| c.customer_id).collect::<Vec<_>>(), [1, 2]);
        let by_date = grouped(&lines, from, until, RadarSort::Date, 1);
        assert_eq!(by_date.customers.iter().map(|c| c.customer_id).collect::<Vec<_>>(), [2]);
        assert_eq!(by_date.customer_count, 2, "the count tells how many there are beyond the limit");
    }
}
