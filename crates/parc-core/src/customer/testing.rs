//! Customer fixtures for tests (not used by the app).

use crate::customer::custom_field::{CustomFieldData, FieldKind};
use crate::customer::person::PersonData;
use crate::customer::{CustomerData, CustomerQuery};
use crate::Store;

/// A customer with just the fields most tests care about.
pub fn customer(name: &str, city: &str, country: &str, vat: &str) -> CustomerData {
    CustomerData {
        name: name.into(),
        city: city.into(),
        country: country.into(),
        vat_id: vat.into(),
        ..Default::default()
    }
}

pub fn person(name: &str) -> PersonData {
    PersonData { name: name.into(), active: true, ..Default::default() }
}

pub fn field(label: &str, kind: FieldKind, choices: &[&str]) -> CustomFieldData {
    CustomFieldData {
        label: label.into(),
        kind,
        choices: choices.iter().map(|c| c.to_string()).collect(),
        retired: false,
    }
}

pub fn fill(store: &mut Store, rows: &[CustomerData]) {
    for r in rows {
        store.create_customer(r.clone()).unwrap();
    }
}

pub fn names(store: &mut Store, text: &str) -> Vec<String> {
    let q = CustomerQuery { text: text.into(), ..Default::default() };
    store.search_customers(&q).unwrap().into_iter().map(|c| c.name).collect()
}
