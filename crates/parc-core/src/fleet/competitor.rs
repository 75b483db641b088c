//! Competitors: the brands and local dealers the office sells against, what they are good and
//! bad at, which of them are present at a customer (from its fleet, and noted by hand), and
//! the products and prices seen there. Money is integer minor units with its currency.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::customer::CURRENCIES;
use crate::ground::dates::DATE_FORMAT;
use crate::ground::error::{Error, FieldError, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompetitorData {
    /// The brand it sells, as the office spells it in its fleet settings.
    pub brand: String,
    /// The local dealer, when the record is about one.
    pub dealer: String,
    /// Who to know there: name, phone, address.
    pub contact: String,
    pub notes: String,
    pub strengths: String,
    pub weaknesses: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Competitor {
    pub id: i64,
    #[serde(flatten)]
    pub data: CompetitorData,
    pub version: i64,
}

/// A competitor's product and price seen at a customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SightingData {
    pub competitor_id: Option<i64>,
    /// `YYYY-MM-DD`.
    pub seen_on: String,
    pub product: String,
    /// Integer minor units (cents) of `currency`; `None` when no price was seen.
    pub price_minor: Option<i64>,
    pub currency: String,
    /// Discount, financing, trade-in, delivery: what the price came with.
    pub conditions: String,
    /// Where it was seen: the customer said, an offer on the desk, a tender.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sighting {
    pub id: i64,
    pub customer_id: i64,
    #[serde(flatten)]
    pub data: SightingData,
    pub version: i64,
}

/// A competitor present at a customer: from the fleet (its brand runs there), by hand, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PresentCompetitor {
    /// The competitor record, when the office keeps one for it.
    pub competitor_id: Option<i64>,
    pub brand: String,
    pub dealer: String,
    /// Vehicles of its brand in the customer's fleet.
    pub vehicles: i64,
    /// Noted on the customer by hand.
    pub by_hand: bool,
}

/// The competitors of one customer: who is present, and the prices seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerCompetitors {
    pub present: Vec<PresentCompetitor>,
    pub sightings: Vec<Sighting>,
}

/// Merges competitors present by fleet (`fleet`: competitor brand and vehicles) with those
/// noted by hand (`by_hand` competitor ids): one entry per competitor record, plus brands in
/// the fleet with no record. Most vehicles first, then by name.
pub fn present(records: &[Competitor], fleet: &[(String, i64)], by_hand: &[i64]) -> Vec<PresentCompetitor> {
    let mut out: Vec<PresentCompetitor> = Vec::new();
    let mut brands_done = std::collections::HashSet::new();
    for r in records {
        let noted = by_hand.contains(&r.id);
        let vehicles: i64 = fleet
            .iter()
            .filter(|(b, _)| !r.data.brand.is_empty() && b.eq_ignore_ascii_case(&r.data.brand))
            .map(|(_, n)| n)
            .sum();
        // A dealer's record stands for its brand at the customer only when noted by hand, or
        // when it is the brand's only record: else each of the brand's dealers would claim
        // the same vehicles.
        let brand_records = records.iter().filter(|o| o.data.brand.eq_ignore_ascii_case(&r.data.brand)).count();
        let from_fleet = vehicles > 0 && (brand_records == 1 || noted);
        if noted || from_fleet {
            if vehicles > 0 {
                brands_done.insert(r.data.brand.to_lowercase());
            }
            out.push(PresentCompetitor {
                competitor_id: Some(r.id),
                brand: r.data.brand.clone(),
                dealer: r.data.dealer.clone(),
                vehicles,
                by_hand: noted,
            });
        }
    }
    for (brand, vehicles) in fleet {
        if brands_done.insert(brand.to_lowercase()) {
            out.push(PresentCompetitor {
                competitor_id: None,
                brand: brand.clone(),
                dealer: String::new(),
                vehicles: *vehicles,
                by_hand: false,
            });
        }
    }
    out.sort_by(|a, b| b.vehicles.cmp(&a.vehicles).then_with(|| a.brand.cmp(&b.brand)).then(a.dealer.cmp(&b.dealer)));
    out
}

fn too_long(text: &str, max: usize) -> bool {
    text.chars().count() > max
}

impl CompetitorData {
    pub fn validated(mut self) -> Result<CompetitorData> {
        for text in [&mut self.brand, &mut self.dealer] {
            *text = text.trim().to_string();
        }
        for text in [&mut self.contact, &mut self.notes, &mut self.strengths, &mut self.weaknesses] {
            *text = text.trim_end().to_string();
        }
        let mut errors = Vec::new();
        if self.brand.is_empty() && self.dealer.is_empty() {
            errors.push(FieldError::new("brand", "validation.competitor_name_required"));
        }
        if too_long(&self.brand, 60) {
            errors.push(FieldError::new("brand", "validation.too_long"));
        }
        if too_long(&self.dealer, 200) {
            errors.push(FieldError::new("dealer", "validation.too_long"));
        }
        for (field, text) in [
            ("contact", &self.contact),
            ("notes", &self.notes),
            ("strengths", &self.strengths),
            ("weaknesses", &self.weaknesses),
        ] {
            if too_long(text, 5000) {
                errors.push(FieldError::new(field, "validation.too_long"));
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

impl SightingData {
    pub fn validated(mut self) -> Result<SightingData> {
        self.product = self.product.trim().to_string();
        self.source = self.source.trim().to_string();
        self.conditions = self.conditions.trim_end().to_string();
        self.currency = self.currency.trim().to_uppercase();
        if self.currency.is_empty() {
            self.currency = "EUR".into();
        }
        let seen = NaiveDate::parse_from_str(self.seen_on.trim(), DATE_FORMAT);
        if let Ok(day) = seen {
            self.seen_on = day.format(DATE_FORMAT).to_string();
        }
        let mut errors = Vec::new();
        let mut err = |field, key| errors.push(FieldError::new(field, key));
        if seen.is_err() {
            err("seen_on", "validation.date");
        }
        if self.product.is_empty() {
            err("product", "validation.product_required");
        }
        if too_long(&self.product, 200) {
            err("product", "validation.too_long");
        }
        if self.price_minor.is_some_and(|p| !(0..=1_000_000_000_000).contains(&p)) {
            err("price_minor", "validation.price");
        }
        if !CURRENCIES.contains(&self.currency.as_str()) {
            err("currency", "validation.currency");
        }
        if too_long(&self.conditions, 2000) {
            err("conditions", "validation.too_long");
        }
        if too_long(&self.source, 200) {
            err("source", "validation.too_long");
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64, brand: &str, dealer: &str) -> Competitor {
        Competitor {
            id,
            data: CompetitorData { brand: brand.into(), dealer: dealer.into(), ..Default::default() },
            version: 1,
        }
    }

    #[test]
    fn present_competitors_come_from_the_fleet_and_by_hand() {
        let records = [
            record(1, "Volvo", "Volvo Milano"),
            record(2, "Scania", "Nord"),
            record(3, "Scania", "Sud"),
            record(4, "", "Broker"),
        ];
        let fleet = [("Volvo".to_string(), 12), ("Scania".to_string(), 3), ("DAF".to_string(), 2)];
        let got = present(&records, &fleet, &[3, 4]);
        let summary: Vec<_> = got.iter().map(|p| (p.competitor_id, p.brand.as_str(), p.vehicles, p.by_hand)).collect();
        assert_eq!(
            summary,
            [
                (Some(1), "Volvo", 12, false),
                (Some(3), "Scania", 3, true),
                (None, "DAF", 2, false),
                (Some(4), "", 0, true),
            ],
            "Scania has two dealers: the one noted by hand holds its vehicles"
        );
    }

    #[test]
    fn a_sighting_needs_a_day_a_product_and_a_known_currency() {
        let s = SightingData {
            seen_on: "2026-11-3".into(),
            product: " FH 500 ".into(),
            price_minor: Some(9_500_000),
            currency: "eur".into(),
            ..Default::default()
        };
        let ok = s.validated().unwrap();
        assert_eq!((ok.seen_on.as_str(), ok.product.as_str(), ok.currency.as_str()), ("2026-11-03", "FH 500", "EUR"));
        let bad = SightingData {
            seen_on: "yesterday".into(),
            price_minor: Some(-1),
            currency: "XYZ".into(),
            ..Default::default()
        };
        let Err(Error::Validation(e)) = bad.validated() else { panic!() };
        let fields: Vec<_> = e.iter().map(|f| f.field.as_ref()).collect();
        assert_eq!(fields, ["seen_on", "product", "price_minor", "currency"]);
    }

    #[test]
    fn a_competitor_needs_a_brand_or_a_dealer() {
        assert!(CompetitorData::default().validated().is_err());
        assert!(CompetitorData { dealer: "Autocarri Rossi".into(), ..Default::default() }.validated().is_ok());
    }
}
