//! The customer (company) card: its fields and the rules a card must satisfy before it is
//! saved. Storage is in `storage::customers`; nothing here touches the database.

pub(crate) mod store;
#[doc(hidden)]
pub mod testing;

pub use store::search::{CustomerQuery, EXACT_RANKING_CAP};

/// The tiers of the customer pyramid, best first (the report ranks customers into them).
pub const TIERS: [&str; 3] = ["A", "B", "C"];

pub mod custom_field;
pub mod person;

use serde::{Deserialize, Serialize};

use crate::customer::custom_field::CustomValues;
use crate::ground::error::{Error, FieldError, Result};
use crate::{ground::search_key, ground::vat};

/// The editable fields of a customer, as the form sends them and as they are stored.
/// Money is integer minor units (cents) with its currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerData {
    pub name: String,
    pub legal_form: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub region: String,
    /// ISO 3166-1 alpha-2, upper case ("IT", "PL", "LT", "CN"…).
    pub country: String,
    /// A second address (branch, depot, postal), free text.
    pub other_address: String,
    pub phone: String,
    pub mobile: String,
    pub fax: String,
    pub email: String,
    pub web: String,
    /// VAT / tax id of `country`, stored normalised (no prefix, spaces or dots).
    pub vat_id: String,
    /// The customer's code in the company ERP, when it has one: imports and exports match
    /// customers by it. Unique in the office.
    pub erp_code: String,
    pub business_type: String,
    pub market_sectors: String,
    pub ownership: String,
    pub employees: Option<i64>,
    pub annual_turnover: Option<i64>,
    pub turnover_currency: String,
    pub lead_source: String,
    pub notes: String,
    /// The responsible salesperson (a user of the office).
    pub owner_id: Option<i64>,
    /// Users who assist the owner with this customer.
    pub assistant_ids: Vec<i64>,
    /// Values of the office's own fields ([`crate::customer::custom_field`]), checked by the store
    /// against their definitions.
    pub custom: CustomValues,
}

/// A stored customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: i64,
    #[serde(flatten)]
    pub data: CustomerData,
    /// When it was archived; `None` for an active customer.
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Bumped on every save; a save names the version it edited (optimistic concurrency).
    pub version: i64,
}

/// One row of the customer list or a search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub id: i64,
    pub name: String,
    pub city: String,
    pub country: String,
    pub vat_id: String,
    pub phone: String,
    pub email: String,
    pub owner_id: Option<i64>,
    pub archived: bool,
}

pub use crate::office::reasons::LEAD_SOURCES;

pub const BUSINESS_TYPES: &[&str] = &[
    "haulier",
    "logistics",
    "construction",
    "distribution",
    "retail",
    "manufacturing",
    "agriculture",
    "public_body",
    "rental",
    "bus_operator",
    "waste",
    "other",
];

pub use crate::ground::country::COUNTRIES;
pub use crate::ground::i18n::CURRENCIES;

/// The value lists of the customer form, for the UI's drop-downs.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerChoices {
    pub countries: &'static [&'static str],
    pub business_types: &'static [&'static str],
    pub currencies: &'static [&'static str],
}

pub const CHOICES: CustomerChoices =
    CustomerChoices { countries: COUNTRIES, business_types: BUSINESS_TYPES, currencies: CURRENCIES };

const MAX_TEXT: usize = 200;
const MAX_NOTES: usize = 20_000;

impl CustomerData {
    /// Trims and normalises every field, then checks all of them, reporting every problem at
    /// once. Returns the data as it will be stored.
    pub fn validated(mut self) -> Result<CustomerData> {
        // Checked as typed: normalising strips one country prefix, which would hide a doubled
        // one ("PL PL 767…").
        let typed_vat = self.vat_id.clone();
        self.normalise();
        let mut errors = Vec::new();
        let mut err = |field, key| errors.push(FieldError::new(field, key));

        if self.name.is_empty() {
            err("name", "validation.name_required");
        }
        for (field, value) in self.text_fields() {
            if value.chars().count() > MAX_TEXT {
                err(field, "validation.too_long");
            }
            if value.chars().any(|c| c.is_control()) {
                err(field, "validation.control_chars");
            }
        }
        if self.notes.chars().count() > MAX_NOTES {
            err("notes", "validation.too_long");
        }
        if vat::has_control_in_lines(&self.notes) {
            err("notes", "validation.control_chars");
        }
        if !self.country.is_empty()
            && (self.country.len() != 2 || !self.country.bytes().all(|b| b.is_ascii_uppercase()))
        {
            err("country", "validation.country");
        }
        if !self.vat_id.is_empty() {
            if self.country.is_empty() {
                err("country", "validation.country_for_vat");
            } else if let Err(problem) = vat::validate_vat(&self.country, &typed_vat) {
                err("vat_id", problem.key());
            }
        }
        if !self.email.is_empty() && !vat::is_valid_email(&self.email) {
            err("email", "validation.email");
        }
        for (field, value) in [("phone", &self.phone), ("mobile", &self.mobile), ("fax", &self.fax)] {
            if !value.is_empty() && !vat::is_valid_phone(value) {
                err(field, "validation.phone");
            }
        }
        if self.employees.is_some_and(|n| !(0..=10_000_000).contains(&n)) {
            err("employees", "validation.employees");
        }
        if self.annual_turnover.is_some_and(|n| n < 0) {
            err("annual_turnover", "validation.turnover");
        }
        if !CURRENCIES.contains(&self.turnover_currency.as_str()) {
            err("turnover_currency", "validation.currency");
        }
        if !self.business_type.is_empty() && !BUSINESS_TYPES.contains(&self.business_type.as_str()) {
            err("business_type", "validation.choice");
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }

    fn normalise(&mut self) {
        for value in self.text_fields_mut() {
            let trimmed = value.trim();
            if trimmed.len() != value.len() {
                *value = trimmed.to_string();
            }
        }
        self.notes = self.notes.trim_end().to_string();
        self.country = self.country.to_ascii_uppercase();
        if self.turnover_currency.is_empty() {
            self.turnover_currency = "EUR".into();
        }
        self.turnover_currency = self.turnover_currency.to_ascii_uppercase();
        if !self.vat_id.is_empty() {
            self.vat_id = vat::normalize_vat(&self.country, &self.vat_id);
        }
        if !self.web.is_empty() && !self.web.contains("://") {
            self.web = format!("https://{}", self.web);
        }
        self.assistant_ids.sort_unstable();
        self.assistant_ids.dedup();
        if let Some(owner) = self.owner_id {
            self.assistant_ids.retain(|a| *a != owner);
        }
    }

    fn text_fields(&self) -> [(&'static str, &String); 20] {
        [
            ("name", &self.name),
            ("legal_form", &self.legal_form),
            ("street", &self.street),
            ("postal_code", &self.postal_code),
            ("city", &self.city),
            ("region", &self.region),
            ("country", &self.country),
            ("other_address", &self.other_address),
            ("phone", &self.phone),
            ("mobile", &self.mobile),
            ("fax", &self.fax),
            ("email", &self.email),
            ("web", &self.web),
            ("vat_id", &self.vat_id),
            ("erp_code", &self.erp_code),
            ("business_type", &self.business_type),
            ("market_sectors", &self.market_sectors),
            ("ownership", &self.ownership),
            ("turnover_currency", &self.turnover_currency),
            ("lead_source", &self.lead_source),
        ]
    }

    fn text_fields_mut(&mut self) -> [&mut String; 20] {
        [
            &mut self.name,
            &mut self.legal_form,
            &mut self.street,
            &mut self.postal_code,
            &mut self.city,
            &mut self.region,
            &mut self.country,
            &mut self.other_address,
            &mut self.phone,
            &mut self.mobile,
            &mut self.fax,
            &mut self.email,
            &mut self.web,
            &mut self.vat_id,
            &mut self.erp_code,
            &mut self.business_type,
            &mut self.market_sectors,
            &mut self.ownership,
            &mut self.turnover_currency,
            &mut self.lead_source,
        ]
    }

    /// The folded text the search index holds for this customer.
    pub fn search_key(&self) -> String {
        let mut words = vec![self.name.as_str(), &self.city, &self.region, &self.email, &self.postal_code];
        words.extend(self.custom.values().map(String::as_str));
        search_key::customer_key(&words, &[&self.vat_id, &self.phone, &self.mobile, &self.erp_code])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> CustomerData {
        CustomerData {
            name: "  Trans-Łódź Sp. z o.o. ".into(),
            city: "Łódź".into(),
            country: "pl".into(),
            vat_id: "PL 526-104-08-28".into(),
            email: "biuro@trans-lodz.pl".into(),
            phone: "+48 42 123 45 67".into(),
            web: "trans-lodz.pl".into(),
            ..Default::default()
        }
    }

    #[test]
    fn normalises_what_it_stores() {
        let c = valid().validated().unwrap();
        assert_eq!(c.name, "Trans-Łódź Sp. z o.o.");
        assert_eq!(c.country, "PL");
        assert_eq!(c.vat_id, "5261040828");
        assert_eq!(c.web, "https://trans-lodz.pl");
        assert_eq!(c.turnover_currency, "EUR");
    }

    #[test]
    fn reports_every_invalid_field_at_once() {
        let bad = CustomerData {
            name: " ".into(),
            country: "PL".into(),
            vat_id: "5261040829".into(),
            email: "biuro@".into(),
            phone: "12".into(),
            employees: Some(-1),
            ..Default::default()
        };
        let Err(Error::Validation(errors)) = bad.validated() else { panic!("must fail") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["name", "vat_id", "email", "phone", "employees"]);
        assert_eq!(errors[1].key, "vat.bad_check_digit");
    }

    #[test]
    fn a_doubled_vat_prefix_is_refused_and_a_colon_is_a_separator() {
        let with = |vat: &str| CustomerData {
            name: "X".into(),
            country: "PL".into(),
            vat_id: vat.into(),
            ..Default::default()
        };
        let Err(Error::Validation(errors)) = with("PL PL 7671325342").validated() else { panic!("must fail") };
        assert_eq!((&*errors[0].field, errors[0].key), ("vat_id", "vat.bad_format"));
        assert_eq!(with("PL: 767-132-53-42").validated().unwrap().vat_id, "7671325342");
    }

    #[test]
    fn vat_needs_a_country() {
        let bad = CustomerData { name: "X".into(), vat_id: "5261040828".into(), ..Default::default() };
        let Err(Error::Validation(errors)) = bad.validated() else { panic!("must fail") };
        assert_eq!(errors[0].field, "country");
    }

    #[test]
    fn search_key_folds_name_city_and_compacts_numbers() {
        let c = valid().validated().unwrap();
        let key = c.search_key();
        assert!(key.contains("trans-lodz sp. z o.o."));
        assert!(key.contains("5261040828"));
        assert!(key.contains("48421234567"));
    }
}
