//! The customer's fleet ("parc"): what vehicles it runs, ours and the competitors', and when
//! they are due for renewal. A line stands for N identical vehicles, or for one vehicle with
//! its VIN and plate. The office's settings (which brands we sell, the categories, the renewal
//! rule of each category) live in the office database, so every workstation agrees on them.
//! Nothing here touches the database; the share arithmetic is in `share.rs`.

pub(crate) mod store;
#[cfg(test)]
pub(crate) mod testing;

pub mod competitor;
pub mod share;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ground::dates::DATE_FORMAT;
use crate::ground::error::{Error, FieldError, Result};

pub const OWNERSHIPS: &[&str] = &["owned", "leased", "rented"];

/// The categories of a new office; each has a `fleet.category.<key>` translation. An office
/// may add its own, shown as typed.
pub const DEFAULT_CATEGORIES: &[&str] = &["tractor", "rigid", "tipper", "van", "bus", "trailer", "other"];

/// Gross weight classes: key and the heaviest gross weight (kg) in the class.
pub const WEIGHT_CLASSES: &[(&str, i64)] = &[
    ("3_5t", 3_500),
    ("7_5t", 7_500),
    ("12t", 12_000),
    ("18t", 18_000),
    ("26t", 26_000),
    ("40t", 40_000),
    ("over_40t", i64::MAX),
];

/// The class a gross weight in kg falls in.
pub fn weight_class_of(kg: i64) -> &'static str {
    WEIGHT_CLASSES.iter().find(|(_, max)| kg <= *max).map(|(k, _)| *k).unwrap_or("over_40t")
}

/// One line of a customer's fleet, as the form sends it and as it is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FleetLineData {
    pub brand: String,
    pub model: String,
    /// One of the office's categories ([`FleetSettings::categories`]).
    pub category: String,
    /// One of [`WEIGHT_CLASSES`], or empty when unknown; set from `gross_weight_kg` when given.
    pub weight_class: String,
    /// Gross vehicle weight of one vehicle, when known: the tonnage share counts these.
    pub gross_weight_kg: Option<i64>,
    /// How many identical vehicles the line stands for (1 with a VIN or plate).
    pub vehicles: i64,
    pub vin: String,
    /// Free text: every country writes its plates its own way.
    pub plate: String,
    /// Year of first registration.
    pub first_registered: Option<i32>,
    pub mileage_km: Option<i64>,
    /// The day the mileage was read, `YYYY-MM-DD`.
    pub mileage_read_on: Option<String>,
    /// One of [`OWNERSHIPS`], or empty.
    pub ownership: String,
    /// Who supplied it (dealer, leasing company).
    pub supplier: String,
    /// Expected renewal, `YYYY-MM-DD`: from the category's rule unless `renewal_manual`.
    pub renewal_due: Option<String>,
    pub renewal_manual: bool,
    /// Next periodic inspection, `YYYY-MM-DD`: a service reminder in the agenda.
    pub inspection_due: Option<String>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetLine {
    pub id: i64,
    pub customer_id: i64,
    #[serde(flatten)]
    pub data: FleetLineData,
    pub version: i64,
    /// Whether the brand is one the office sells, by its settings when the line was read
    /// through the `Store` (false as stored: it is not a column).
    #[serde(default)]
    pub ours: bool,
}

/// A customer's fleet with our share of it, for the card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerFleet {
    pub lines: Vec<FleetLine>,
    pub share: crate::fleet::share::CustomerShare,
}

/// A periodic inspection coming due: a service reminder in the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDue {
    pub line_id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub brand: String,
    pub model: String,
    pub plate: String,
    pub vin: String,
    pub vehicles: i64,
    pub inspection_due: String,
}

/// A saved line with what deserves a second look but did not stop the save (a VIN whose
/// check digit does not match, which is legal outside North America).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Saved<T> {
    pub saved: T,
    pub warnings: Vec<FieldError>,
}

/// A brand the office knows, and whether the dealership sells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    pub name: String,
    #[serde(default)]
    pub ours: bool,
}

/// When a category's vehicles are due for renewal: after so many years, or so many km,
/// whichever comes first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalRule {
    pub category: String,
    pub years: Option<i32>,
    pub km: Option<i64>,
}

/// The office's fleet settings (the `fleet` key of the `setting` table). `version` guards
/// against two workstations saving over each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetSettings {
    #[serde(default)]
    pub version: i64,
    pub brands: Vec<Brand>,
    pub categories: Vec<String>,
    pub rules: Vec<RenewalRule>,
}

/// The key of the fleet settings in the office's `setting` table.
pub const SETTING_KEY: &str = "fleet";

impl Default for FleetSettings {
    /// The brands commonly met, none of them ours: the office says which it sells.
    fn default() -> Self {
        let brand = |name: &str, ours| Brand { name: name.into(), ours };
        let rule = |category: &str, years, km| RenewalRule { category: category.into(), years: Some(years), km };
        FleetSettings {
            version: 0,
            brands: vec![
                brand("Renault Trucks", false),
                brand("Volvo", false),
                brand("Scania", false),
                brand("MAN", false),
                brand("DAF", false),
                brand("Mercedes-Benz", false),
                brand("Iveco", false),
                brand("Sinotruk", false),
                brand("FAW", false),
                brand("Dongfeng", false),
                brand("Foton", false),
                brand("Shacman", false),
            ],
            categories: DEFAULT_CATEGORIES.iter().map(|c| c.to_string()).collect(),
            rules: vec![
                rule("tractor", 5, Some(600_000)),
                rule("rigid", 7, Some(500_000)),
                rule("tipper", 7, Some(400_000)),
                rule("van", 6, Some(300_000)),
                rule("bus", 10, Some(800_000)),
                rule("trailer", 10, None),
                rule("other", 8, None),
            ],
        }
    }
}

fn too_long(text: &str, max: usize) -> bool {
    text.chars().count() > max
}

impl FleetSettings {
    pub fn is_ours(&self, brand: &str) -> bool {
        self.brands.iter().any(|b| b.ours && b.name == brand)
    }

    pub fn our_brands(&self) -> Vec<String> {
        self.brands.iter().filter(|b| b.ours).map(|b| b.name.clone()).collect()
    }

    pub fn rule(&self, category: &str) -> Option<&RenewalRule> {
        self.rules.iter().find(|r| r.category == category)
    }

    /// The brand as the office spells it, when it knows it in another case.
    fn canonical_brand(&self, brand: &str) -> Option<&str> {
        let folded = brand.to_lowercase();
        self.brands.iter().find(|b| b.name.to_lowercase() == folded).map(|b| b.name.as_str())
    }

    /// The expected renewal of a line by its category's rule: `years` after the middle of the
    /// year of first registration (only the year is known), or the day the mileage reaches
    /// `km` at the pace read so far, whichever comes first. `None` without a rule or the data.
    pub fn default_renewal(&self, d: &FleetLineData) -> Option<NaiveDate> {
        let rule = self.rule(&d.category)?;
        let start = NaiveDate::from_ymd_opt(d.first_registered?, 7, 1)?;
        let by_age = rule.years.and_then(|y| NaiveDate::from_ymd_opt(start.year() + y, 7, 1));
        let by_km = (|| {
            let (limit, km) = (rule.km?, d.mileage_km?);
            let read = NaiveDate::parse_from_str(d.mileage_read_on.as_deref()?, DATE_FORMAT).ok()?;
            let days = (read - start).num_days();
            // Too soon after registration, or too little driven, to tell a pace.
            if days < 30 || km < 1_000 {
                return None;
            }
            let at = days.checked_mul(limit)? / km;
            start.checked_add_days(chrono::Days::new(u64::try_from(at).ok()?))
        })();
        match (by_age, by_km) {
            (Some(a), Some(k)) => Some(a.min(k)),
            (a, k) => a.or(k),
        }
    }

    /// Trims and checks the settings; every problem at once. Keeps `version`.
    pub fn validated(mut self) -> Result<FleetSettings> {
        let mut errors = Vec::new();
        let mut err = |field, key| errors.push(FieldError::new(field, key));
        for b in &mut self.brands {
            b.name = b.name.trim().to_string();
        }
        self.brands.retain(|b| !b.name.is_empty());
        let mut seen = std::collections::HashSet::new();
        if self.brands.iter().any(|b| too_long(&b.name, 60) || !seen.insert(b.name.to_lowercase())) {
            err("brands", "validation.brand_repeated");
        }
        for c in &mut self.categories {
            *c = c.trim().to_string();
        }
        self.categories.retain(|c| !c.is_empty());
        let mut seen = std::collections::HashSet::new();
        if self.categories.iter().any(|c| too_long(c, 60) || !seen.insert(c.to_lowercase())) {
            err("categories", "validation.category_repeated");
        }
        if self.categories.is_empty() {
            err("categories", "validation.category_required");
        }
        self.rules.retain(|r| r.years.is_some() || r.km.is_some());
        let mut seen = std::collections::HashSet::new();
        for r in &self.rules {
            if !self.categories.contains(&r.category) || !seen.insert(r.category.clone()) {
                err("rules", "validation.choice");
            }
            if r.years.is_some_and(|y| !(1..=40).contains(&y)) {
                err("rules", "validation.renewal_years");
            }
            if r.km.is_some_and(|k| !(10_000..=5_000_000).contains(&k)) {
                err("rules", "validation.renewal_km");
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }

    /// The categories whose renewal rule differs between `self` and `other`.
    pub fn changed_rules(&self, other: &FleetSettings) -> Vec<String> {
        let rules = |s: &FleetSettings| -> BTreeMap<String, (Option<i32>, Option<i64>)> {
            s.rules.iter().map(|r| (r.category.clone(), (r.years, r.km))).collect()
        };
        let (a, b) = (rules(self), rules(other));
        let mut changed: Vec<String> = a.keys().chain(b.keys()).filter(|c| a.get(*c) != b.get(*c)).cloned().collect();
        changed.sort();
        changed.dedup();
        changed
    }
}

/// Transliteration of VIN letters for the check digit (ISO 3779 / 49 CFR 565).
fn vin_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        'A' | 'J' => Some(1),
        'B' | 'K' | 'S' => Some(2),
        'C' | 'L' | 'T' => Some(3),
        'D' | 'M' | 'U' => Some(4),
        'E' | 'N' | 'V' => Some(5),
        'F' | 'W' => Some(6),
        'G' | 'P' | 'X' => Some(7),
        'H' | 'Y' => Some(8),
        'R' | 'Z' => Some(9),
        _ => None,
    }
}

const VIN_WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/// What a VIN check finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VinCheck {
    Valid,
    /// Well formed, but the 9th character is not the North American check digit: common and
    /// legal for vehicles built for Europe or China, so only a warning.
    CheckDigitMismatch,
    /// Not 17 characters of digits and letters other than I, O and Q.
    Malformed,
}

/// Upper case, without spaces and dashes: how a VIN is stored.
pub fn normalise_vin(vin: &str) -> String {
    vin.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// The check digit a VIN should carry in position 9, if it is well formed.
pub fn vin_check_digit(vin: &str) -> Option<char> {
    let chars: Vec<char> = vin.chars().collect();
    if chars.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in chars.iter().zip(VIN_WEIGHTS) {
        sum += vin_value(*c)? * w;
    }
    Some(match sum % 11 {
        10 => 'X',
        d => char::from_digit(d, 10).expect("below 10"),
    })
}

/// Checks a normalised VIN.
pub fn check_vin(vin: &str) -> VinCheck {
    let ok_chars = vin.chars().all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"IOQ".contains(c)));
    if vin.chars().count() != 17 || !ok_chars {
        return VinCheck::Malformed;
    }
    match vin_check_digit(vin) {
        Some(d) if vin.chars().nth(8) == Some(d) => VinCheck::Valid,
        _ => VinCheck::CheckDigitMismatch,
    }
}

/// A `YYYY-MM-DD` field in canonical form; `Err` when it is not a day.
fn canonical_day(value: &mut Option<String>) -> std::result::Result<(), ()> {
    if let Some(text) = value.as_deref().map(str::trim) {
        if text.is_empty() {
            *value = None;
            return Ok(());
        }
        let day = NaiveDate::parse_from_str(text, DATE_FORMAT).map_err(|_| ())?;
        *value = Some(day.format(DATE_FORMAT).to_string());
    }
    Ok(())
}

impl FleetLineData {
    /// Normalises and checks a line against the office's settings, every problem at once,
    /// and sets the renewal date from the category's rule unless it was set by hand. Returns
    /// the line with its warnings (a VIN check digit that does not match).
    pub fn validated(mut self, settings: &FleetSettings, today: NaiveDate) -> Result<(FleetLineData, Vec<FieldError>)> {
        for text in [&mut self.brand, &mut self.model, &mut self.plate, &mut self.supplier, &mut self.category] {
            *text = text.trim().to_string();
        }
        self.notes = self.notes.trim_end().to_string();
        if let Some(known) = settings.canonical_brand(&self.brand) {
            self.brand = known.to_string();
        }
        self.vin = normalise_vin(&self.vin);
        self.ownership = self.ownership.trim().to_lowercase();
        if let Some(kg) = self.gross_weight_kg {
            if (500..=100_000).contains(&kg) {
                self.weight_class = weight_class_of(kg).to_string();
            }
        }
        if !self.renewal_manual || self.renewal_due.as_deref().is_none_or(|d| d.trim().is_empty()) {
            self.renewal_manual = false;
            self.renewal_due = None;
        }

        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let mut err = |field, key| errors.push(FieldError::new(field, key));
        if self.brand.is_empty() {
            err("brand", "validation.brand_required");
        }
        for (field, text, max) in [
            ("brand", &self.brand, 60),
            ("model", &self.model, 100),
            ("plate", &self.plate, 20),
            ("supplier", &self.supplier, 200),
        ] {
            if too_long(text, max) {
                err(field, "validation.too_long");
            }
        }
        if too_long(&self.notes, 2000) {
            err("notes", "validation.too_long");
        }
        if !settings.categories.contains(&self.category) {
            err("category", "validation.choice");
        }
        if !self.weight_class.is_empty() && !WEIGHT_CLASSES.iter().any(|(k, _)| *k == self.weight_class) {
            err("weight_class", "validation.choice");
        }
        if self.gross_weight_kg.is_some_and(|kg| !(500..=100_000).contains(&kg)) {
            err("gross_weight_kg", "validation.gross_weight");
        }
        if !(1..=10_000).contains(&self.vehicles) {
            err("vehicles", "validation.vehicles");
        }
        if !self.vin.is_empty() {
            match check_vin(&self.vin) {
                VinCheck::Malformed => err("vin", "validation.vin"),
                VinCheck::CheckDigitMismatch => warnings.push(FieldError::new("vin", "warning.vin_check_digit")),
                VinCheck::Valid => {}
            }
        }
        if (!self.vin.is_empty() || !self.plate.is_empty()) && self.vehicles != 1 {
            err("vehicles", "validation.vin_one_vehicle");
        }
        if self.first_registered.is_some_and(|y| !(1950..=today.year() + 1).contains(&y)) {
            err("first_registered", "validation.year");
        }
        if self.mileage_km.is_some_and(|km| !(0..=5_000_000).contains(&km)) {
            err("mileage_km", "validation.mileage");
        }
        if canonical_day(&mut self.mileage_read_on).is_err() {
            err("mileage_read_on", "validation.date");
        } else if self.mileage_km.is_some() && self.mileage_read_on.is_none() {
            err("mileage_read_on", "validation.mileage_date");
        } else if self.mileage_km.is_none() {
            self.mileage_read_on = None;
        }
        if !self.ownership.is_empty() && !OWNERSHIPS.contains(&self.ownership.as_str()) {
            err("ownership", "validation.choice");
        }
        if canonical_day(&mut self.renewal_due).is_err() {
            err("renewal_due", "validation.date");
        }
        if canonical_day(&mut self.inspection_due).is_err() {
            err("inspection_due", "validation.date");
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        if !self.renewal_manual {
            self.renewal_due = settings.default_renewal(&self).map(|d| d.format(DATE_FORMAT).to_string());
        }
        Ok((self, warnings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::testing::static_field;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, DATE_FORMAT).unwrap()
    }

    fn line(brand: &str, category: &str, vehicles: i64) -> FleetLineData {
        FleetLineData { brand: brand.into(), category: category.into(), vehicles, ..Default::default() }
    }

    fn fields(e: Error) -> Vec<(&'static str, &'static str)> {
        match e {
            Error::Validation(f) => f.into_iter().map(|f| (static_field(f.field), f.key)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn vin_check_digit_follows_iso_3779() {
        assert_eq!(vin_check_digit("1M8GDM9AXKP042788"), Some('X'));
        assert_eq!(check_vin("1M8GDM9AXKP042788"), VinCheck::Valid);
        assert_eq!(check_vin("11111111111111111"), VinCheck::Valid);
        // European VINs often carry something else in position 9: only a warning.
        assert_eq!(check_vin("VF611A165AD012345"), VinCheck::CheckDigitMismatch);
        assert_eq!(check_vin("1M8GDM9AXKP04278"), VinCheck::Malformed, "16 characters");
        assert_eq!(check_vin("1M8GDM9AXKP04278O"), VinCheck::Malformed, "letter O");
        assert_eq!(check_vin("IM8GDM9AXKP042788"), VinCheck::Malformed, "letter I");
        assert_eq!(normalise_vin(" 1m8gdm9a-xkp 042788"), "1M8GDM9AXKP042788");
    }

    #[test]
    fn a_bad_vin_is_an_error_and_a_wrong_check_digit_a_warning() {
        let s = FleetSettings::default();
        let today = day("2026-11-23");
        let mut l = line("Volvo", "tractor", 1);
        l.vin = "YV2RT40A0GB12345Q".into();
        assert_eq!(fields(l.clone().validated(&s, today).unwrap_err()), [("vin", "validation.vin")]);
        l.vin = "yv2rt40a6gb123456".into();
        let (ok, warnings) = l.clone().validated(&s, today).unwrap();
        assert_eq!(ok.vin, "YV2RT40A6GB123456");
        assert_eq!(warnings, [FieldError::new("vin", "warning.vin_check_digit")]);
        l.vin = "1M8GDM9AXKP042788".into();
        assert!(l.clone().validated(&s, today).unwrap().1.is_empty());
        l.vehicles = 3;
        assert_eq!(fields(l.validated(&s, today).unwrap_err()), [("vehicles", "validation.vin_one_vehicle")]);
    }

    #[test]
    fn lines_are_checked_against_the_office_settings() {
        let s = FleetSettings::default();
        let mut l = line(" scania ", "spaceship", 0);
        l.ownership = "stolen".into();
        l.mileage_km = Some(1000);
        l.first_registered = Some(1900);
        let got = fields(l.validated(&s, day("2026-11-23")).unwrap_err());
        assert_eq!(
            got,
            [
                ("category", "validation.choice"),
                ("vehicles", "validation.vehicles"),
                ("first_registered", "validation.year"),
                ("mileage_read_on", "validation.mileage_date"),
                ("ownership", "validation.choice"),
            ]
        );
        let mut l = line(" scania ", "tipper", 4);
        l.gross_weight_kg = Some(32_000);
        let (ok, _) = l.validated(&s, day("2026-11-23")).unwrap();
        assert_eq!(
            (ok.brand.as_str(), ok.weight_class.as_str()),
            ("Scania", "40t"),
            "known brand spelled as the office does"
        );
    }

    #[test]
    fn renewal_comes_from_the_category_rule_by_age_or_km_whichever_first() {
        let s = FleetSettings::default();
        let today = day("2026-11-23");
        // Tractor unit from 2022: five years after mid-2022.
        let mut l = line("Volvo", "tractor", 2);
        l.first_registered = Some(2022);
        let (ok, _) = l.clone().validated(&s, today).unwrap();
        assert_eq!(ok.renewal_due.as_deref(), Some("2027-07-01"));
        // 300,000 km in the 500 days from 2022-07-01 to 2023-11-13: 600,000 km after 1000 days.
        l.mileage_km = Some(300_000);
        l.mileage_read_on = Some("2023-11-13".into());
        let (ok, _) = l.clone().validated(&s, today).unwrap();
        assert_eq!(ok.renewal_due.as_deref(), Some("2025-03-27"));
        // Set by hand, it stays.
        l.renewal_manual = true;
        l.renewal_due = Some("2028-1-15".into());
        let (ok, _) = l.clone().validated(&s, today).unwrap();
        assert_eq!((ok.renewal_due.as_deref(), ok.renewal_manual), (Some("2028-01-15"), true));
        // No year of registration, no default.
        let (ok, _) = line("Volvo", "tractor", 1).validated(&s, today).unwrap();
        assert_eq!(ok.renewal_due, None);
        // A category without a rule has none either.
        let mut custom = s.clone();
        custom.categories.push("crane".into());
        let mut l = line("MAN", "crane", 1);
        l.first_registered = Some(2020);
        assert_eq!(l.validated(&custom, today).unwrap().0.renewal_due, None);
    }

    #[test]
    fn settings_refuse_repeated_brands_and_rules_for_unknown_categories() {
        let mut s = FleetSettings::default();
        s.brands.push(Brand { name: " volvo ".into(), ours: false });
        s.rules.push(RenewalRule { category: "boat".into(), years: Some(50), km: None });
        let got = fields(s.validated().unwrap_err());
        assert_eq!(
            got,
            [
                ("brands", "validation.brand_repeated"),
                ("rules", "validation.choice"),
                ("rules", "validation.renewal_years")
            ]
        );
        let mut t = FleetSettings::default();
        t.rules[0].km = Some(700_000);
        t.rules.retain(|r| r.category != "van");
        assert_eq!(FleetSettings::default().changed_rules(&t), ["tractor", "van"]);
    }
}
