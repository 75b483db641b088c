//! Segments: saved filters over the office's active customers (where they are, what they do,
//! their tier and owner, their fleet, their deals and contacts, the office's own fields), and
//! the figures that rank segments by how attractive they are.
//!
//! Counting is pure arithmetic over [`Facts`], one compact row per active customer that the
//! store reads in a few aggregate queries and keeps while nothing changes: editing a filter
//! recounts a hundred thousand customers in memory instead of asking the database again.
//!
//! Definitions:
//! - fleet: vehicles on the customer's fleet lines; competitors' vehicles are those of brands the
//!   office does not sell; competitors' share = competitors' vehicles / fleet.
//! - due for renewal within N months: a line whose renewal date is on or before today + N
//!   months (overdue lines included: they are the most urgent).
//! - last contact older than N days: no contact logged, or the last one before today − N days.
//! - won value: deals won in the 12 months up to today, per currency.

pub(crate) mod scope;
pub(crate) mod store;
#[cfg(test)]
pub(crate) mod testing;

pub use store::SegmentPage;

pub mod campaign;
pub mod plan;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ground::error::{Error, FieldError, Result};
use crate::ground::search_key;

/// What a segment keeps: every condition given must hold; an empty list or `None` is no
/// condition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SegmentFilter {
    /// ISO country codes.
    pub countries: Vec<String>,
    /// Text the customer's region contains (case and accents ignored).
    pub region: String,
    pub business_types: Vec<String>,
    /// Text the customer's market sectors contain.
    pub sector: String,
    /// Pyramid tiers ("A", "B", "C"); "-" for customers not ranked.
    pub tiers: Vec<String>,
    /// Owners; 0 for customers without one.
    pub owner_ids: Vec<i64>,
    pub fleet_min: Option<i64>,
    pub fleet_max: Option<i64>,
    /// At least one vehicle of one of these brands.
    pub brands: Vec<String>,
    /// Competitors' share of the fleet, at least this percentage.
    pub competitor_share_min: Option<i64>,
    /// Vehicles due for renewal within this many months.
    pub renewal_months: Option<i64>,
    /// With `renewal_months`: only competitors' vehicles count.
    pub renewal_competitors: bool,
    /// `Some(true)`: with an open deal; `Some(false)`: without one.
    pub open_deals: Option<bool>,
    /// Last contact older than this many days (or never contacted).
    pub silent_days: Option<i64>,
    /// The office's own fields: the value each must have (field id → canonical value).
    pub custom: BTreeMap<i64, String>,
}

/// A saved segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub id: i64,
    pub name: String,
    pub filter: SegmentFilter,
    pub version: i64,
    pub updated_at: String,
}

/// A segment as the form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SegmentData {
    pub name: String,
    pub filter: SegmentFilter,
}

const MAX_NAME: usize = 100;
const MAX_TEXT: usize = 200;
const MAX_LIST: usize = 200;

fn text_field(errors: &mut Vec<FieldError>, field: &'static str, value: &mut String, max: usize) {
    *value = value.trim().to_string();
    if value.chars().any(char::is_control) {
        errors.push(FieldError::new(field, "validation.control_chars"));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(field, "validation.too_long"));
    }
}

fn range(errors: &mut Vec<FieldError>, field: &'static str, value: Option<i64>, max: i64) {
    if value.is_some_and(|v| !(0..=max).contains(&v)) {
        errors.push(FieldError::new(field, "segment.bad_number"));
    }
}

impl SegmentFilter {
    /// Trims and normalises the conditions, reporting every invalid one at once.
    pub fn validated(mut self) -> Result<SegmentFilter> {
        let mut errors = Vec::new();
        text_field(&mut errors, "region", &mut self.region, MAX_TEXT);
        text_field(&mut errors, "sector", &mut self.sector, MAX_TEXT);
        let list = |v: &mut Vec<String>, upper: bool| {
            for s in v.iter_mut() {
                *s = if upper { s.trim().to_uppercase() } else { s.trim().to_string() };
            }
            v.retain(|s| !s.is_empty());
            v.sort();
            v.dedup();
        };
        list(&mut self.countries, true);
        list(&mut self.business_types, false);
        list(&mut self.tiers, true);
        list(&mut self.brands, false);
        self.owner_ids.sort_unstable();
        self.owner_ids.dedup();
        for (field, v) in [
            ("countries", &self.countries),
            ("business_types", &self.business_types),
            ("tiers", &self.tiers),
            ("brands", &self.brands),
        ] {
            if v.len() > MAX_LIST || v.iter().any(|s| s.chars().count() > MAX_TEXT || s.chars().any(char::is_control)) {
                errors.push(FieldError::new(field, "validation.choice"));
            }
        }
        if self.tiers.iter().any(|t| !matches!(t.as_str(), "A" | "B" | "C" | "-")) {
            errors.push(FieldError::new("tiers", "validation.choice"));
        }
        if self.owner_ids.len() > MAX_LIST || self.owner_ids.iter().any(|id| *id < 0) {
            errors.push(FieldError::new("owner_ids", "validation.choice"));
        }
        range(&mut errors, "fleet_min", self.fleet_min, 1_000_000);
        range(&mut errors, "fleet_max", self.fleet_max, 1_000_000);
        if let (Some(lo), Some(hi)) = (self.fleet_min, self.fleet_max) {
            if lo > hi {
                errors.push(FieldError::new("fleet_max", "segment.min_above_max"));
            }
        }
        range(&mut errors, "competitor_share_min", self.competitor_share_min, 100);
        range(&mut errors, "renewal_months", self.renewal_months, 120);
        range(&mut errors, "silent_days", self.silent_days, 10_000);
        self.custom =
            self.custom.into_iter().map(|(k, v)| (k, v.trim().to_string())).filter(|(_, v)| !v.is_empty()).collect();
        if self.custom.len() > MAX_LIST
            || self.custom.values().any(|v| v.chars().count() > MAX_TEXT || v.chars().any(char::is_control))
        {
            errors.push(FieldError::new("custom", "validation.too_long"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

impl SegmentData {
    pub fn validated(mut self) -> Result<SegmentData> {
        let mut errors = Vec::new();
        text_field(&mut errors, "name", &mut self.name, MAX_NAME);
        if self.name.is_empty() {
            errors.push(FieldError::new("name", "segment.name_required"));
        }
        match std::mem::take(&mut self.filter).validated() {
            Ok(f) => self.filter = f,
            Err(Error::Validation(more)) => errors.extend(more),
            Err(e) => return Err(e),
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

/// One active customer as segments see it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fact {
    pub id: i64,
    /// The list's order (`customer.sort_key`), kept so that changed customers can be put back
    /// in place without reading everyone again.
    pub sort_key: String,
    pub country: String,
    pub region: String,
    pub business_type: String,
    pub sectors: String,
    /// "A", "B", "C" or "-".
    pub tier: String,
    pub owner_id: i64,
    /// Day number of the last contact; `None`: never contacted.
    pub last_contact: Option<i32>,
    pub custom: BTreeMap<i64, String>,
    /// The fleet's facts, read per customer by the store (see [`FactsBuilder::fleet`]).
    pub fleet: i64,
    pub competitors: i64,
    /// Day numbers (`NaiveDate::num_days_from_ce`) of the first renewal due, of any line and of
    /// a competitors' line; `i32::MAX` when none.
    pub first_due: i32,
    pub first_competitor_due: i32,
    /// Competitors' vehicles due within 12 months of the facts' day.
    pub competitors_due: i64,
    /// Brands on the fleet, indexes into [`Facts::brands`].
    pub brands: Vec<u32>,
    pub open_deals: i64,
    /// Won in the last 12 months, per currency (index into [`Facts::currencies`]).
    pub won: Vec<(u32, i64)>,
}

/// Every active customer's facts, read at one moment.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub(crate) rows: Vec<Fact>,
    /// Brand names (folded), indexed by [`Fact::brands`].
    pub(crate) brands: Vec<String>,
    pub(crate) currencies: Vec<String>,
}

fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// The day number of a stored day or timestamp (`YYYY-MM-DD…`), if it is one.
fn day_of(text: Option<&str>) -> Option<i32> {
    text.and_then(crate::ground::dates::day_of).map(day)
}

/// The day `months` after `today`, clamped to the month's end.
fn months_after(today: NaiveDate, months: i64) -> NaiveDate {
    today.checked_add_months(Months::new(months.clamp(0, 1200) as u32)).unwrap_or(NaiveDate::MAX)
}

/// A filter ready to test customers: texts folded, brands as indexes, days as numbers.
struct Compiled<'a> {
    f: &'a SegmentFilter,
    region: String,
    sector: String,
    brands: Vec<u32>,
    custom: Vec<(i64, String)>,
    renewal_until: Option<i32>,
    silent_before: Option<i32>,
}

impl Facts {
    fn compile<'a>(&self, f: &'a SegmentFilter, today: NaiveDate) -> Compiled<'a> {
        let wanted: Vec<String> = f.brands.iter().map(|b| search_key::fold(b)).collect();
        Compiled {
            f,
            region: search_key::fold(&f.region),
            sector: search_key::fold(&f.sector),
            brands: (0..self.brands.len() as u32).filter(|i| wanted.contains(&self.brands[*i as usize])).collect(),
            custom: f.custom.iter().map(|(k, v)| (*k, search_key::fold(v))).collect(),
            renewal_until: f.renewal_months.map(|m| day(months_after(today, m))),
            silent_before: f.silent_days.map(|d| day(today) - d.clamp(0, 100_000) as i32),
        }
    }

    fn matches(&self, q: &Compiled, c: &Fact) -> bool {
        let f = q.f;
        if !f.countries.is_empty() && !f.countries.contains(&c.country) {
            return false;
        }
        if !f.business_types.is_empty() && !f.business_types.contains(&c.business_type) {
            return false;
        }
        if !f.tiers.is_empty() && !f.tiers.contains(&c.tier) {
            return false;
        }
        if !f.owner_ids.is_empty() && !f.owner_ids.contains(&c.owner_id) {
            return false;
        }
        if !q.region.is_empty() && !c.region.contains(&q.region) {
            return false;
        }
        if !q.sector.is_empty() && !c.sectors.contains(&q.sector) {
            return false;
        }
        if let Some(open) = f.open_deals {
            if open != (c.open_deals > 0) {
                return false;
            }
        }
        if let Some(before) = q.silent_before {
            if c.last_contact.is_some_and(|d| d >= before) {
                return false;
            }
        }
        for (field, value) in &q.custom {
            if c.custom.get(field) != Some(value) {
                return false;
            }
        }
        if !f.brands.is_empty() && !c.brands.iter().any(|b| q.brands.contains(b)) {
            return false;
        }
        if let Some(until) = q.renewal_until {
            let first = if f.renewal_competitors { c.first_competitor_due } else { c.first_due };
            if first > until {
                return false;
            }
        }
        if f.fleet_min.is_some_and(|m| c.fleet < m) || f.fleet_max.is_some_and(|m| c.fleet > m) {
            return false;
        }
        if let Some(min) = f.competitor_share_min {
            // No fleet: no share to speak of, so not in a "competitors hold N %" segment.
            if c.fleet == 0 || c.competitors * 100 < min * c.fleet {
                return false;
            }
        }
        true
    }

    /// The customers the filter keeps, in the facts' order (by name).
    pub fn select(&self, f: &SegmentFilter, today: NaiveDate) -> Vec<i64> {
        let q = self.compile(f, today);
        self.rows.iter().filter(|c| self.matches(&q, c)).map(|c| c.id).collect()
    }

    pub fn count(&self, f: &SegmentFilter, today: NaiveDate) -> usize {
        let q = self.compile(f, today);
        self.rows.iter().filter(|c| self.matches(&q, c)).count()
    }

    /// The figures that say how attractive the customers the filter keeps are; competitors'
    /// vehicles due are counted over the 12 months from the facts' day.
    pub fn figures(&self, f: &SegmentFilter, today: NaiveDate) -> SegmentFigures {
        let q = self.compile(f, today);
        let mut out = SegmentFigures::default();
        let mut won: HashMap<u32, i64> = HashMap::new();
        for c in self.rows.iter().filter(|c| self.matches(&q, c)) {
            out.customers += 1;
            out.fleet += c.fleet;
            out.competitors += c.competitors;
            out.competitors_due += c.competitors_due;
            for (cur, v) in &c.won {
                *won.entry(*cur).or_default() += v;
            }
        }
        out.our_share = (out.fleet > 0).then(|| ((out.fleet - out.competitors) * 1000 / out.fleet) as f64 / 10.0);
        let mut won: Vec<(String, i64)> =
            won.into_iter().map(|(k, v)| (self.currencies[k as usize].clone(), v)).collect();
        won.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.won = won;
        out
    }
}

/// How attractive a segment is.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SegmentFigures {
    pub customers: i64,
    /// Vehicles on their fleets.
    pub fleet: i64,
    /// Competitors' vehicles among them.
    pub competitors: i64,
    /// Competitors' vehicles due for renewal within 12 months.
    pub competitors_due: i64,
    /// Our brands' share of the fleet, in percent with one decimal; `None` without a fleet.
    pub our_share: Option<f64>,
    /// Won in the last 12 months, per currency, largest first.
    pub won: Vec<(String, i64)>,
}

/// A saved segment with its figures, for the office's table of segments.
#[derive(Debug, Clone, Serialize)]
pub struct RankedSegment {
    pub segment: Segment,
    pub figures: SegmentFigures,
}

/// Builds [`Facts`] from the rows the store reads; names and texts are folded here once.
#[derive(Default)]
pub(crate) struct FactsBuilder {
    facts: Facts,
    index: HashMap<i64, usize>,
    brand_ids: HashMap<String, u32>,
    currency_ids: HashMap<String, u32>,
}

impl FactsBuilder {
    /// Earlier facts without the `moved` customers, ready to take those customers' rows again.
    pub fn resume(mut facts: Facts, moved: &HashSet<i64>) -> FactsBuilder {
        facts.rows.retain(|c| !moved.contains(&c.id));
        let ids = |names: &[String]| names.iter().enumerate().map(|(i, n)| (n.clone(), i as u32)).collect();
        FactsBuilder {
            brand_ids: ids(&facts.brands),
            currency_ids: ids(&facts.currencies),
            facts,
            index: HashMap::new(),
        }
    }

    /// Each customer once, in any order: [`FactsBuilder::finish`] puts them in the list's.
    #[allow(clippy::too_many_arguments)]
    pub fn customer(
        &mut self,
        id: i64,
        sort_key: &str,
        country: &str,
        region: &str,
        business_type: &str,
        sectors: &str,
        tier: Option<&str>,
        owner_id: Option<i64>,
        last_contact: Option<&str>,
        custom: &str,
    ) {
        let last_contact = day_of(last_contact);
        let custom: BTreeMap<i64, String> = serde_json::from_str::<BTreeMap<i64, String>>(custom)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, search_key::fold(&v)))
            .collect();
        self.index.insert(id, self.facts.rows.len());
        self.facts.rows.push(Fact {
            id,
            sort_key: sort_key.to_string(),
            country: country.to_string(),
            region: search_key::fold(region),
            business_type: business_type.to_string(),
            sectors: search_key::fold(sectors),
            tier: tier.unwrap_or("-").to_string(),
            owner_id: owner_id.unwrap_or(0),
            last_contact,
            custom,
            first_due: i32::MAX,
            first_competitor_due: i32::MAX,
            ..Default::default()
        });
    }

    /// A customer's fleet: vehicles, competitors' vehicles, the first renewal due of any line
    /// and of a competitors' line (`YYYY-MM-DD`), competitors' vehicles due within 12 months,
    /// and its brands separated by commas. Unknown (archived) customers are skipped.
    #[allow(clippy::too_many_arguments)]
    pub fn fleet(
        &mut self,
        customer_id: i64,
        vehicles: i64,
        competitors: i64,
        first_due: Option<&str>,
        first_competitor_due: Option<&str>,
        competitors_due: i64,
        brands: &str,
    ) {
        let Some(&i) = self.index.get(&customer_id) else { return };
        let mut ids = Vec::new();
        for brand in brands.split(',').map(str::trim).filter(|b| !b.is_empty()) {
            let folded = search_key::fold(brand);
            let next = self.facts.brands.len() as u32;
            let id = *self.brand_ids.entry(folded.clone()).or_insert_with(|| {
                self.facts.brands.push(folded);
                next
            });
            ids.push(id);
        }
        let row = &mut self.facts.rows[i];
        row.fleet = vehicles;
        row.competitors = competitors;
        row.first_due = day_of(first_due).unwrap_or(i32::MAX);
        row.first_competitor_due = day_of(first_competitor_due).unwrap_or(i32::MAX);
        row.competitors_due = competitors_due;
        row.brands = ids;
    }

    pub fn open_deals(&mut self, customer_id: i64, count: i64) {
        if let Some(&i) = self.index.get(&customer_id) {
            self.facts.rows[i].open_deals = count;
        }
    }

    pub fn won(&mut self, customer_id: i64, currency: &str, value: i64) {
        let Some(&i) = self.index.get(&customer_id) else { return };
        let next = self.facts.currencies.len() as u32;
        let cur = *self.currency_ids.entry(currency.to_string()).or_insert_with(|| {
            self.facts.currencies.push(currency.to_string());
            next
        });
        self.facts.rows[i].won.push((cur, value));
    }

    pub fn finish(mut self) -> Facts {
        // The store reads customers by name and resumed facts add a few at the end: the sort
        // finds the runs already in order and merges them.
        self.facts.rows.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.id.cmp(&b.id)));
        self.facts
    }
}

/// The last day of the 12 months from `today` in which competitors' vehicles due are counted.
pub(crate) fn horizon(today: NaiveDate) -> NaiveDate {
    months_after(today, 12)
}

/// The first day of the 12 months of won value that end on `today`.
pub(crate) fn won_since(today: NaiveDate) -> NaiveDate {
    today.checked_sub_months(Months::new(12)).unwrap_or(today).succ_opt().unwrap_or(today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Three customers: a Milan haulier with 10 Volvos due soon and 2 MANs (ours), a Polish
    /// builder with 3 MANs and an open deal, a Lithuanian haulier with no fleet never contacted.
    fn facts() -> Facts {
        let mut b = FactsBuilder::default();
        b.customer(
            1,
            "autotrasporti rossi",
            "IT",
            "Lombardia",
            "haulier",
            "Food, cold chain",
            Some("A"),
            Some(7),
            Some("2026-06-01T10:00:00"),
            r#"{"3":"Gold"}"#,
        );
        b.customer(
            2,
            "budmax",
            "PL",
            "Mazowieckie",
            "construction",
            "",
            Some("B"),
            Some(8),
            Some("2025-01-10T09:00:00"),
            "{}",
        );
        b.customer(3, "ltrans", "LT", "Vilniaus", "haulier", "", None, None, None, "{}");
        // The office sells MAN: the store counts competitors' vehicles and their renewals.
        b.fleet(1, 12, 10, Some("2026-09-30"), Some("2026-09-30"), 10, "Volvo,man");
        b.fleet(2, 3, 0, None, None, 0, "MAN");
        b.fleet(99, 50, 50, Some("2026-07-01"), Some("2026-07-01"), 50, "Volvo"); // archived customer: ignored
        b.open_deals(2, 1);
        b.won(1, "EUR", 12_000_000);
        b.won(2, "PLN", 5_000_000);
        b.won(2, "EUR", 1_000_000);
        b.finish()
    }

    fn ids(f: SegmentFilter) -> Vec<i64> {
        facts().select(&f, d("2026-06-15"))
    }

    #[test]
    fn an_empty_filter_keeps_every_active_customer() {
        assert_eq!(ids(SegmentFilter::default()), vec![1, 2, 3]);
    }

    #[test]
    fn where_and_what_they_do() {
        assert_eq!(ids(SegmentFilter { countries: vec!["IT".into(), "LT".into()], ..Default::default() }), vec![1, 3]);
        assert_eq!(ids(SegmentFilter { business_types: vec!["haulier".into()], ..Default::default() }), vec![1, 3]);
        assert_eq!(ids(SegmentFilter { region: "lombard".into(), ..Default::default() }), vec![1]);
        assert_eq!(ids(SegmentFilter { sector: "COLD".into(), ..Default::default() }), vec![1]);
        assert_eq!(ids(SegmentFilter { tiers: vec!["-".into(), "B".into()], ..Default::default() }), vec![2, 3]);
        assert_eq!(ids(SegmentFilter { owner_ids: vec![0, 7], ..Default::default() }), vec![1, 3]);
        let gold = BTreeMap::from([(3, "gold".to_string())]);
        assert_eq!(ids(SegmentFilter { custom: gold, ..Default::default() }), vec![1]);
    }

    #[test]
    fn fleet_facts() {
        assert_eq!(ids(SegmentFilter { fleet_min: Some(3), ..Default::default() }), vec![1, 2]);
        assert_eq!(ids(SegmentFilter { fleet_max: Some(3), ..Default::default() }), vec![2, 3]);
        assert_eq!(ids(SegmentFilter { brands: vec!["VOLVO".into()], ..Default::default() }), vec![1]);
        // 10 of 12 are competitors' (83 %); the builder drives only ours; no fleet, no share.
        assert_eq!(ids(SegmentFilter { competitor_share_min: Some(80), ..Default::default() }), vec![1]);
        assert_eq!(ids(SegmentFilter { competitor_share_min: Some(84), ..Default::default() }), Vec::<i64>::new());
        assert_eq!(ids(SegmentFilter { competitor_share_min: Some(0), ..Default::default() }), vec![1, 2]);
        // Due on 30 September: within 4 months of 15 June (15 October), not within 3 (15 September).
        assert_eq!(ids(SegmentFilter { renewal_months: Some(4), ..Default::default() }), vec![1]);
        assert_eq!(ids(SegmentFilter { renewal_months: Some(3), ..Default::default() }), Vec::<i64>::new());
        let theirs = SegmentFilter { renewal_months: Some(2), renewal_competitors: true, ..Default::default() };
        assert_eq!(facts().count(&theirs, d("2026-09-01")), 1, "overdue or due soon");
        assert_eq!(facts().count(&theirs, d("2026-06-15")), 0);
    }

    #[test]
    fn deals_and_contacts() {
        assert_eq!(ids(SegmentFilter { open_deals: Some(true), ..Default::default() }), vec![2]);
        assert_eq!(ids(SegmentFilter { open_deals: Some(false), ..Default::default() }), vec![1, 3]);
        // Contacted 14 days before: not silent for 14 days, silent for 13; never contacted: silent.
        assert_eq!(ids(SegmentFilter { silent_days: Some(14), ..Default::default() }), vec![2, 3]);
        assert_eq!(ids(SegmentFilter { silent_days: Some(13), ..Default::default() }), vec![1, 2, 3]);
    }

    #[test]
    fn figures_say_how_attractive_a_segment_is() {
        let all = facts().figures(&SegmentFilter::default(), d("2026-06-15"));
        assert_eq!((all.customers, all.fleet, all.competitors, all.competitors_due), (3, 15, 10, 10));
        assert_eq!(all.our_share, Some(33.3));
        assert_eq!(all.won, vec![("EUR".to_string(), 13_000_000), ("PLN".to_string(), 5_000_000)]);
        let none =
            facts().figures(&SegmentFilter { countries: vec!["LT".into()], ..Default::default() }, d("2026-06-15"));
        assert_eq!((none.customers, none.fleet, none.our_share), (1, 0, None));
    }

    #[test]
    fn bad_conditions_are_all_reported() {
        let f = SegmentFilter {
            tiers: vec!["Z".into()],
            fleet_min: Some(10),
            fleet_max: Some(5),
            competitor_share_min: Some(101),
            silent_days: Some(-1),
            region: "a\u{7}".into(),
            ..Default::default()
        };
        let Err(Error::Validation(errors)) = (SegmentData { name: " ".into(), filter: f }).validated() else {
            panic!("invalid")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["name", "region", "tiers", "fleet_max", "competitor_share_min", "silent_days"]);
        let ok = SegmentData {
            name: "  Hauliers ".into(),
            filter: SegmentFilter { countries: vec!["it".into(), "IT".into(), " ".into()], ..Default::default() },
        }
        .validated()
        .unwrap();
        assert_eq!((ok.name.as_str(), ok.filter.countries), ("Hauliers", vec!["IT".to_string()]));
    }

    /// Customers that moved are taken out and read again; the rest stay as they were, and the
    /// list keeps its order by name.
    #[test]
    fn resumed_facts_replace_the_customers_that_moved() {
        let mut b = FactsBuilder::resume(facts(), &HashSet::from([2, 3]));
        // Budmax renamed "Alfa Budmax", now with 4 Scanias and no open deal; customer 3 archived.
        b.customer(2, "alfa budmax", "PL", "Mazowieckie", "construction", "", Some("B"), Some(8), None, "{}");
        b.fleet(2, 4, 4, None, None, 0, "Scania");
        let f = b.finish();
        let all = f.select(&SegmentFilter::default(), d("2026-06-15"));
        assert_eq!(all, vec![2, 1]);
        assert_eq!(
            f.select(&SegmentFilter { brands: vec!["scania".into()], ..Default::default() }, d("2026-06-15")),
            [2]
        );
        assert_eq!(
            f.select(&SegmentFilter { brands: vec!["volvo".into()], ..Default::default() }, d("2026-06-15")),
            [1]
        );
        assert_eq!(f.count(&SegmentFilter { open_deals: Some(true), ..Default::default() }, d("2026-06-15")), 0);
        let figures = f.figures(&SegmentFilter::default(), d("2026-06-15"));
        assert_eq!((figures.customers, figures.fleet, figures.competitors), (2, 16, 14));
        assert_eq!(figures.won, vec![("EUR".to_string(), 12_000_000)], "what Budmax won was read again: nothing");
    }

    #[test]
    fn won_value_counts_twelve_months() {
        assert_eq!(won_since(d("2026-06-15")), d("2025-06-16"));
    }
}
