//! Exchange fixtures for tests: an office with what a customers file carries, profiles,
//! options and runs that report nothing.

use std::collections::BTreeMap;
use std::path::Path;

use crate::customer::person::PersonData;
use crate::customer::testing::customer;
use crate::exchange::import::{self, Decision, ImportOptions};
use crate::exchange::{export, Entity, FileFormat, Kind, Profile, Progress};
use crate::ground::i18n::Locale;
use crate::office::{UserData, UserRole};
use crate::storage::testing::{fresh_postgres_target, postgres_url};
use crate::storage::Store;

pub fn quiet(_: Progress) {}

pub fn profile(store: &mut Store, kind: Kind, name: &str) -> Profile {
    store.exchange_profile(kind, name).unwrap()
}

/// Sets the format of both shipped `customers` profiles.
pub fn use_format(store: &mut Store, format: &FileFormat) {
    for kind in [Kind::Export, Kind::Import] {
        let mut p = profile(store, kind, "customers");
        p.data.settings.format = format.clone();
        p.data.settings.detect = false;
        store.save_exchange_profile(Some(p.id), p.version, p.data).unwrap();
    }
}

pub fn options(store: &mut Store, entity: Entity, name: &str) -> ImportOptions {
    let p = profile(store, Kind::Import, name);
    ImportOptions {
        entity,
        settings: p.data.settings,
        encoding: None,
        delimiter: None,
        decisions: BTreeMap::new(),
        duplicates: Decision::Skip,
        sheet: None,
        defaults: BTreeMap::new(),
    }
}

pub fn export(store: &mut Store, name: &str, out: &Path, full: bool) -> export::ExportReport {
    store.export_csv(name, out, full, &mut quiet).unwrap()
}

pub fn import_file(store: &mut Store, opts: &ImportOptions, bytes: &[u8]) -> import::ImportReport {
    import::commit(store, bytes, opts, Locale::En, None, None, &mut quiet).unwrap()
}

pub fn everyone(store: &mut Store) -> Vec<crate::customer::Customer> {
    store.all_customers().unwrap()
}

/// An office with what a customers file carries: keys, a main contact, an owner, money.
pub fn office(store: &mut Store, names: &[(&str, &str, &str, &str)]) {
    let anna = anna(store);
    for (i, (name, city, country, vat)) in names.iter().enumerate() {
        let mut d = customer(name, city, country, vat);
        d.erp_code = if i % 2 == 0 { format!("K-{i:04}") } else { String::new() };
        d.owner_id = Some(anna.id);
        d.annual_turnover = Some(12_345_678 + i as i64);
        d.employees = Some(12 + i as i64);
        d.email = "info@example.com".into();
        d.phone = "+39 045 123456".into();
        d.street = "Via \"Roma\"; 1".into();
        let c = store.create_customer(d).unwrap();
        let p = PersonData { name: format!("Contact {i}"), is_main: true, active: true, ..Default::default() };
        store.create_person(c.id, p).unwrap();
    }
}

pub const MIXED: &[(&str, &str, &str, &str)] = &[
    ("Trans-Łódź Sp. z o.o.", "Łódź", "PL", "5261040828"),
    ("UAB Šiaulių krovinys", "Šiauliai", "LT", ""),
    ("Rossi Trasporti S.r.l.", "Verona", "IT", "01234567897"),
    ("Bianchi, Verdi & Figli", "Milano", "IT", ""),
    ("=HYPERLINK(\"http://evil\")", "Torino", "IT", ""),
    ("上海顺达物流有限公司", "上海", "CN", ""),
];

/// A new, empty store of the same kind.
pub fn fresh(kind: &str) -> Store {
    match kind {
        "postgres" => Store::connect(&fresh_postgres_target(&postgres_url().unwrap())).unwrap(),
        _ => Store::open_in_memory().unwrap(),
    }
}

pub fn customers_csv(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from(
        "erp_code;name;city;country;vat_id;email;employees;annual_turnover;owner;person_name;person_email\r\n",
    );
    for r in rows {
        text.push_str(r);
        text.push_str("\r\n");
    }
    text.into_bytes()
}

/// The salesperson whose initials the office's files carry in their owner column.
pub fn anna(store: &mut Store) -> crate::office::User {
    store
        .create_user(UserData {
            name: "Anna Testa".into(),
            initials: "AT".into(),
            role: UserRole::Salesperson,
            active: true,
        })
        .unwrap()
}
