//! The import's fast write path on every store: it leaves exactly what the screens' own writes
//! leave (rows, versions, history, search, change numbers, every table's count), and Cancel,
//! while checking or while writing, leaves nothing and a store that goes on working.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use super::import::{self, Decision, ImportOptions};
use super::{Entity, Kind, Progress, Stage};
use crate::customer::person::PersonData;
use crate::customer::store::search::CustomerQuery;
use crate::customer::testing::customer;
use crate::customer::CustomerData;
use crate::ground::error::Error;
use crate::ground::i18n::Locale;
use crate::storage::testing::each_store;
use crate::storage::testing::stores;
use crate::storage::Store;

fn options(store: &mut Store) -> ImportOptions {
    ImportOptions {
        entity: Entity::Customers,
        settings: store.exchange_profile(Kind::Import, "customers").unwrap().data.settings,
        encoding: None,
        delimiter: None,
        decisions: BTreeMap::new(),
        duplicates: Decision::Skip,
        defaults: BTreeMap::new(),
        sheet: None,
    }
}

/// The office both stores start from: a salesperson and a stored customer with its main
/// contact, which the file updates.
fn office(store: &mut Store) -> (i64, i64) {
    crate::exchange::testing::anna(store);
    let mut d = customer("Rossi Trasporti S.r.l.", "Verona", "IT", "01234567897");
    d.erp_code = "K-0001".into();
    let rossi = store.create_customer(d).unwrap();
    let main = PersonData { name: "Marco Rossi".into(), is_main: true, active: true, ..Default::default() };
    let marco = store.create_person(rossi.id, main).unwrap();
    (rossi.id, marco.id)
}

/// `n` new customers with their main contacts, every third with a second person on a row of
/// its own; then the stored customer with a new e-mail, a new person and its main contact's
/// new phone.
fn file(n: usize) -> Vec<u8> {
    let mut text = String::from("erp_code;name;city;country;email;owner;person_name;person_phone\n");
    let cities = ["Łódź", "Verona", "Šiauliai", "上海", "Milano"];
    for i in 0..n {
        let name = format!("Trasporti {i} Sp. z o.o.");
        let city = cities[i % cities.len()];
        text.push_str(&format!("E-{i:05};{name};{city};IT;info{i}@example.com;AT;Anna {i};+39 045 {i:06}\n"));
        if i % 3 == 0 {
            text.push_str(&format!("E-{i:05};{name};{city};IT;;;Beppe {i};\n"));
        }
    }
    text.push_str("K-0001;;;;ordini@rossi.it;;Lucia Rossi;\n");
    text.push_str("K-0001;;;;;;Marco Rossi;+39 045 999999\n");
    text.into_bytes()
}

/// A line of history: id, entity, its id, by whom, field, old and new values.
type Change = (i64, String, i64, Option<i64>, String, String, String);

/// Everything a write leaves, timestamps aside.
#[derive(Debug, PartialEq)]
struct Left {
    customers: Vec<(i64, CustomerData, i64, Option<String>)>,
    people: Vec<(i64, i64, PersonData, i64)>,
    changes: Vec<Change>,
    searches: Vec<Vec<i64>>,
    counts: Vec<(String, i64)>,
    /// Customers and people in the order of their change numbers.
    change_order: Vec<(String, i64)>,
}

fn left(store: &mut Store) -> Left {
    let searches = ["trasporti 1", "łódź", "lodz", "上海", "rossi", "info7"]
        .iter()
        .map(|q| {
            let query = CustomerQuery { text: q.to_string(), limit: 1000, ..Default::default() };
            store.search_customers(&query).unwrap().into_iter().map(|c| c.id).collect()
        })
        .collect();
    let change_order = store
        .read(|x| {
            let rows = x.rows(
                "SELECT 'customer', id, change_seq FROM customer UNION ALL SELECT 'person', id, change_seq FROM person
             ORDER BY 3, 1, 2",
                &[],
            )?;
            rows.iter().map(|r| Ok((r.text(0)?, r.int(1)?))).collect()
        })
        .unwrap();
    Left {
        customers: store
            .all_customers()
            .unwrap()
            .into_iter()
            .map(|c| (c.id, c.data, c.version, c.archived_at))
            .collect(),
        people: store
            .read(crate::customer::store::people::all_people)
            .unwrap()
            .into_iter()
            .map(|p| (p.id, p.customer_id, p.data, p.version))
            .collect(),
        changes: store
            .read(crate::storage::trail::all_changes)
            .unwrap()
            .into_iter()
            .map(|c| (c.id, c.entity, c.entity_id, c.changed_by, c.field, c.old.to_string(), c.new.to_string()))
            .collect(),
        searches,
        counts: store.check().unwrap().counts.into_iter().collect(),
        change_order,
    }
}

#[test]
fn an_import_leaves_exactly_what_the_screens_writes_leave() {
    for ((kind, mut imported), (_, mut typed)) in stores().into_iter().zip(stores()) {
        let (rossi, marco) = office(&mut imported);
        office(&mut typed);
        // Reading the profiles stores the shipped ones: in both, so that the stores compare.
        let opts = options(&mut imported);
        options(&mut typed);
        let report = import::commit(&mut imported, &file(40), &opts, Locale::En, None, None, &mut |_| {}).unwrap();
        assert_eq!((report.customers_created, report.people_created), (40, 41 + 14), "{kind}");
        assert_eq!((report.customers_updated, report.people_updated), (1, 1), "{kind}");

        // The same rows through the screens' writes, in the import's order: new customers,
        // updated ones, new people, updated people.
        let customers = imported.all_customers().unwrap();
        for c in customers.iter().filter(|c| c.id != rossi) {
            assert_eq!(typed.create_customer(c.data.clone()).unwrap().id, c.id, "{kind}");
        }
        let version = typed.customer(rossi).unwrap().version;
        let updated = customers.iter().find(|c| c.id == rossi).unwrap().data.clone();
        typed.update_customer(rossi, version, updated).unwrap();
        let people = imported.read(crate::customer::store::people::all_people).unwrap();
        for p in people.iter().filter(|p| p.id != marco) {
            assert_eq!(typed.create_person(p.customer_id, p.data.clone()).unwrap().id, p.id, "{kind}");
        }
        let version = typed.person(marco).unwrap().version;
        typed.update_person(marco, version, people.iter().find(|p| p.id == marco).unwrap().data.clone()).unwrap();

        let (a, b) = (left(&mut imported), left(&mut typed));
        assert_eq!(a.customers, b.customers, "{kind}");
        assert_eq!(a.people, b.people, "{kind}");
        assert_eq!(a.changes, b.changes, "{kind}");
        assert_eq!(a.searches, b.searches, "{kind}");
        assert!(a.searches.iter().all(|s| !s.is_empty()), "{kind}: {:?}", a.searches);
        assert_eq!(a.counts, b.counts, "{kind}");
        if kind == "sqlite" {
            // On PostgreSQL a change number is the writing transaction's: one for the import.
            assert_eq!(a.change_order, b.change_order, "{kind}");
        }
    }
}

/// Cancels once progress reaches `stage` past its start.
fn cancel_at<'a>(stage: Stage, cancel: &'a AtomicBool, seen: &'a mut Vec<Progress>) -> impl FnMut(Progress) + 'a {
    move |p| {
        if p.stage == stage && p.done > 0 {
            cancel.store(true, Ordering::Relaxed);
        }
        seen.push(p);
    }
}

#[test]
fn cancel_while_checking_or_writing_leaves_nothing_and_the_store_goes_on() {
    for (kind, mut store) in stores() {
        office(&mut store);
        let opts = options(&mut store);
        let bytes = file(2400);
        let before = left(&mut store);

        let (cancel, mut seen) = (AtomicBool::new(false), Vec::new());
        let stopped = {
            let mut tell = cancel_at(Stage::Checking, &cancel, &mut seen);
            import::check_with_cancel(&mut store, &bytes, &opts, Locale::En, &mut tell, &cancel)
        };
        assert!(matches!(stopped, Err(Error::Cancelled)), "{kind}: {stopped:?}");
        assert!(seen.iter().all(|p| p.done < p.total), "{kind}: stopped before the end: {seen:?}");

        let (cancel, mut seen) = (AtomicBool::new(false), Vec::new());
        let stopped = {
            let mut tell = cancel_at(Stage::Writing, &cancel, &mut seen);
            import::commit_with_cancel(&mut store, &bytes, &opts, Locale::En, None, None, &mut tell, &cancel)
        };
        assert!(matches!(stopped, Err(Error::Cancelled)), "{kind}: {stopped:?}");
        let written: Vec<u64> = seen.iter().filter(|p| p.stage == Stage::Writing).map(|p| p.done).collect();
        assert!(written.len() >= 2 && written.iter().all(|d| *d < seen[seen.len() - 1].total), "{kind}: {written:?}");
        assert_eq!(Error::Cancelled.code(), "cancelled");
        assert_eq!(left(&mut store), before, "{kind}: nothing of the cancelled import is left");

        // The store works on: the same file imports whole.
        let report = import::commit(&mut store, &bytes, &opts, Locale::En, None, None, &mut |_| {}).unwrap();
        assert_eq!(report.customers_created, 2400, "{kind}");
        assert_eq!(store.count_customers().unwrap(), 2401, "{kind}");
    }
}

#[test]
fn broad_queries_still_return_a_full_page() {
    each_store(|store| {
        let rows = (0..3000).map(|i| customer(&format!("Info Trasporti {i:04}"), "Milano", "IT", "")).collect();
        store.create_customers_bulk(rows).unwrap();
        let q = CustomerQuery { text: "info".into(), limit: 100, ..Default::default() };
        let rows = store.search_customers(&q).unwrap();
        assert_eq!(rows.len(), 100);
        assert!(rows
            .windows(2)
            .all(|w| crate::ground::search_key::fold(&w[0].name) <= crate::ground::search_key::fold(&w[1].name)));
    });
}

#[test]
fn bulk_create_is_all_or_nothing() {
    each_store(|store| {
        let rows = vec![customer("Ok", "Milano", "IT", ""), customer("", "Milano", "IT", "")];
        assert!(store.create_customers_bulk(rows).is_err());
        let rows =
            vec![customer("Same", "Milano", "IT", "00743110157"), customer("Same 2", "Roma", "IT", "00743110157")];
        assert!(matches!(store.create_customers_bulk(rows), Err(Error::Validation(_))));
        assert_eq!(store.count_customers().unwrap(), 0);

        let owner = store.create_customer(customer("Owner", "Milano", "IT", "00743110157")).unwrap();
        let rows = vec![customer("New", "Roma", "IT", ""), customer("Copy", "Roma", "IT", "00743110157")];
        match store.create_customers_bulk(rows) {
            Err(Error::DuplicateVat { existing_id, .. }) => assert_eq!(existing_id, owner.id),
            other => panic!("{other:?}"),
        }
        assert_eq!(store.count_customers().unwrap(), 1, "the valid row was not saved either");
    });
}
