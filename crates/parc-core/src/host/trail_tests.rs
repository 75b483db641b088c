//! Shared store tests of the audit trail, copies of fleets and settings, and operations applied once.

use super::*;
use crate::customer::custom_field::FieldKind;
use crate::customer::person::PersonData;
use crate::customer::testing::customer;
use crate::customer::testing::field;
use crate::customer::testing::person;
use crate::fleet::competitor::CompetitorData;
use crate::fleet::competitor::SightingData;
use crate::fleet::testing::vehicles;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::storage::testing::each_store;
use crate::storage::Once;
use crate::storage::Store;

#[test]
fn every_change_of_a_customer_or_person_is_in_its_history_with_who_and_when() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let boss = user(store, "Capo", UserRole::Manager);
        let tier = store.define_custom_field(Some(boss.id), field("Tier", FieldKind::Text, &[])).unwrap();
        store.set_actor(Some(anna.id));
        let c = store.create_customer(customer("Rossi", "Verona", "IT", "")).unwrap();
        let mut d = c.data.clone();
        d.name = "Rossi Trasporti".into();
        d.employees = Some(12);
        d.custom.insert(tier.id, "gold".into());
        store.set_actor(Some(boss.id));
        let c = store.update_customer(c.id, c.version, d.clone()).unwrap();
        // A refused save leaves no history.
        assert!(store.update_customer(c.id, 1, d).is_err());
        store.archive_customer(c.id).unwrap();
        let h = store.changes(crate::ground::audit::CUSTOMER, c.id).unwrap();
        let lines: Vec<(&str, Option<i64>, String, String)> =
            h.iter().map(|x| (x.field.as_str(), x.changed_by, x.old.to_string(), x.new.to_string())).collect();
        let tier_field = format!("custom.{}", tier.id);
        assert_eq!(
            lines,
            [
                ("", Some(anna.id), "null".into(), "null".into()),
                (tier_field.as_str(), Some(boss.id), "null".into(), "\"gold\"".into()),
                ("employees", Some(boss.id), "null".into(), "12".into()),
                ("name", Some(boss.id), "\"Rossi\"".into(), "\"Rossi Trasporti\"".into()),
                ("archived", Some(boss.id), "false".into(), "true".into()),
            ]
        );
        assert!(h.windows(2).all(|w| w[0].changed_at <= w[1].changed_at));

        store.set_actor(None);
        let mario = store.create_person(c.id, PersonData { is_main: true, ..person("Mario") }).unwrap();
        let sara = store.create_person(c.id, PersonData { is_main: true, ..person("Sara") }).unwrap();
        let mut p = sara.data.clone();
        p.phone = "+39 045 123456".into();
        store.update_person(sara.id, sara.version, p).unwrap();
        let fields = |store: &mut Store, id| -> Vec<String> {
            store.changes(crate::ground::audit::PERSON, id).unwrap().into_iter().map(|x| x.field).collect()
        };
        assert_eq!(fields(store, mario.id), ["", "is_main"], "unmarked as main contact by Sara's creation");
        assert_eq!(fields(store, sara.id), ["", "phone"]);
        assert!(store.changes(crate::ground::audit::CUSTOMER, 999).unwrap().is_empty());
    });
}

#[test]
fn a_copy_carries_fleets_settings_and_competitors() {
    let mut source = Store::open_in_memory().unwrap();
    let a = source.create_customer(customer("A", "Milano", "IT", "")).unwrap();
    let b = source.create_customer(customer("B", "Torino", "IT", "")).unwrap();
    let mut s = source.fleet_settings().unwrap();
    s.categories.push("crane".into());
    source.save_fleet_settings(s).unwrap();
    source
        .create_fleet_bulk(vec![
            (a.id, vehicles("Volvo", "tractor", 3, Some(2021))),
            (b.id, vehicles("Renault Trucks", "crane", 1, Some(2020))),
        ])
        .unwrap();
    source.archive_customer(b.id).unwrap();
    let k = source.create_competitor(CompetitorData { brand: "Volvo".into(), ..Default::default() }).unwrap();
    source.note_competitor(a.id, k.id, true).unwrap();
    source
        .add_sighting(a.id, SightingData { seen_on: "2026-11-20".into(), product: "FH".into(), ..Default::default() })
        .unwrap();
    each_store(|dest| {
        let report = copy_store(&mut source, dest).unwrap();
        assert_eq!(
            (report.counts["fleet_line"], report.counts["competitor"], report.counts["price_sighting"]),
            (2, 1, 1)
        );
        assert_eq!(dest.market_share().unwrap(), source.market_share().unwrap());
        assert_eq!(dest.market_share().unwrap().total.vehicles, 3, "the archived customer's fleet stays out");
        assert_eq!(dest.fleet_settings().unwrap(), source.fleet_settings().unwrap());
        assert_eq!(dest.customer_competitors(a.id).unwrap(), source.customer_competitors(a.id).unwrap());
        // New rows continue after the copied ids.
        let next = dest.add_fleet_line(a.id, vehicles("MAN", "rigid", 1, None)).unwrap().saved;
        assert_eq!(next.id, 3);
    });
}

#[test]
fn an_operation_with_a_key_is_applied_once() {
    each_store(|store| {
        let rows = vec![customer("Import A", "Verona", "IT", ""), customer("Import B", "Milano", "IT", "")];
        let first = store.once("import:file-1", |s| s.create_customers_bulk(rows.clone())).unwrap();
        let Once::Now(ids) = first else { panic!("applied now") };
        let again = store.once("import:file-1", |s| s.create_customers_bulk(rows.clone())).unwrap();
        match again {
            Once::Before(op) => {
                assert_eq!(op.key, "import:file-1");
                assert_eq!(serde_json::from_value::<Vec<i64>>(op.result).unwrap(), ids);
            }
            Once::Now(_) => panic!("applied twice"),
        }
        assert_eq!(store.count_customers().unwrap(), 2);
        // A failed operation records no key: the retry applies it.
        let bad = vec![customer("", "Verona", "IT", "")];
        assert!(store.once("import:file-2", |s| s.create_customers_bulk(bad)).is_err());
        assert!(store.operation("import:file-2").unwrap().is_none());
        assert!(matches!(store.once("import:file-2", |s| s.create_customers_bulk(rows)), Ok(Once::Now(_))));
        // The key is spent by the first write: a later write is not keyed.
        store.create_customer(customer("Unkeyed", "Roma", "IT", "")).unwrap();
        assert_eq!(store.count_customers().unwrap(), 5);
    });
}
