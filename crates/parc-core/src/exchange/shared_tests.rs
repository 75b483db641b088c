//! The CSV exchange on every store: round trips in each encoding and separator, incremental
//! exports that neither skip nor repeat (a late commit included), formula cells, imports
//! that check every row, find duplicates and change nothing the second time, and arbitrary
//! bytes that never panic nor write half an import.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use super::import::{self, Decision, ImportOptions, RowStatus};
use super::*;
use crate::customer::person::PersonData;
use crate::customer::store::search::CustomerQuery;
use crate::customer::testing::customer;
use crate::customer::CustomerData;
use crate::fleet::competitor::CompetitorData;
use crate::fleet::FleetLineData;
use crate::ground::i18n::Locale;
use crate::office::{UserData, UserRole};
use crate::storage::testing::{fresh_postgres_target, postgres_url, stores};
use crate::storage::{Store, Target};

fn quiet(_: Progress) {}

fn profile(store: &mut Store, kind: Kind, name: &str) -> Profile {
    store.exchange_profile(kind, name).unwrap()
}

/// Sets the format of both shipped `customers` profiles.
fn use_format(store: &mut Store, format: &FileFormat) {
    for kind in [Kind::Export, Kind::Import] {
        let mut p = profile(store, kind, "customers");
        p.data.settings.format = format.clone();
        p.data.settings.detect = false;
        store.save_exchange_profile(Some(p.id), p.version, p.data).unwrap();
    }
}

fn options(store: &mut Store, entity: Entity, name: &str) -> ImportOptions {
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

fn export(store: &mut Store, name: &str, out: &Path, full: bool) -> export::ExportReport {
    store.export_csv(name, out, full, &mut quiet).unwrap()
}

fn import_file(store: &mut Store, opts: &ImportOptions, bytes: &[u8]) -> import::ImportReport {
    import::commit(store, bytes, opts, Locale::En, None, None, &mut quiet).unwrap()
}

fn everyone(store: &mut Store) -> Vec<crate::customer::Customer> {
    store.all_customers().unwrap()
}

/// An office with what a customers file carries: keys, a main contact, an owner, money.
fn office(store: &mut Store, names: &[(&str, &str, &str, &str)]) {
    let anna = store
        .create_user(UserData {
            name: "Anna Testa".into(),
            initials: "AT".into(),
            role: UserRole::Salesperson,
            active: true,
        })
        .unwrap();
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

const MIXED: &[(&str, &str, &str, &str)] = &[
    ("Trans-Łódź Sp. z o.o.", "Łódź", "PL", "5261040828"),
    ("UAB Šiaulių krovinys", "Šiauliai", "LT", ""),
    ("Rossi Trasporti S.r.l.", "Verona", "IT", "01234567897"),
    ("Bianchi, Verdi & Figli", "Milano", "IT", ""),
    ("=HYPERLINK(\"http://evil\")", "Torino", "IT", ""),
    ("上海顺达物流有限公司", "上海", "CN", ""),
];

#[test]
fn export_then_import_of_the_customers_profile_changes_nothing_in_each_encoding_and_separator() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (Encoding::Utf8Bom, ';', ',', MIXED),
        (Encoding::Utf8, ',', '.', MIXED),
        (Encoding::Utf8, '\t', ',', MIXED),
        (Encoding::Utf8Bom, '|', '.', MIXED),
        (Encoding::Windows1250, ';', ',', &MIXED[..1]),
        (Encoding::Windows1257, ';', ',', &MIXED[1..2]),
        (Encoding::Windows1252, ';', ',', &MIXED[2..5]),
    ];
    for (kind, _) in stores() {
        for (n, (encoding, delimiter, decimal, names)) in cases.iter().enumerate() {
            let mut store = fresh(kind);
            let format = FileFormat {
                encoding: *encoding,
                delimiter: *delimiter,
                decimal: *decimal,
                date_format: DateFormat::DmyDot,
                ..Default::default()
            };
            use_format(&mut store, &format);
            office(&mut store, names);
            let before = everyone(&mut store);
            let people_before: Vec<_> = before.iter().map(|c| store.people(c.id).unwrap()).collect();
            let out = dir.path().join(format!("{kind}-{n}.csv"));
            let report = export(&mut store, "customers", &out, false);
            assert_eq!(report.rows, names.len() as u64, "{kind} {encoding:?}");
            let bytes = std::fs::read(&out).unwrap();
            let opts = options(&mut store, Entity::Customers, "customers");
            let again = import_file(&mut store, &opts, &bytes);
            assert_eq!(
                (again.check.unchanged, again.check.rejected, again.customers_created, again.customers_updated),
                (names.len(), 0, 0, 0),
                "{kind} {encoding:?} {delimiter:?}: {:?}",
                again.check.reports
            );
            assert_eq!(everyone(&mut store), before, "{kind} {encoding:?}: nothing changed, not even a version");
            let people_after: Vec<_> = before.iter().map(|c| store.people(c.id).unwrap()).collect();
            assert_eq!(people_after, people_before);

            // The same file into an empty office gives the same cards and main contacts.
            let mut other = fresh(kind);
            use_format(&mut other, &format);
            other
                .create_user(UserData {
                    name: "Anna Testa".into(),
                    initials: "AT".into(),
                    role: UserRole::Salesperson,
                    active: true,
                })
                .unwrap();
            let opts = options(&mut other, Entity::Customers, "customers");
            let made = import_file(&mut other, &opts, &bytes);
            assert_eq!(made.customers_created, names.len(), "{kind} {encoding:?}: {:?}", made.check.reports);
            let copied: Vec<CustomerData> = everyone(&mut other).into_iter().map(|c| c.data).collect();
            let originals: Vec<CustomerData> = before.iter().map(|c| c.data.clone()).collect();
            assert_eq!(copied, originals, "{kind} {encoding:?}");
            for c in everyone(&mut other) {
                let people = other.people(c.id).unwrap();
                assert_eq!(people.len(), 1);
                assert!(people[0].data.is_main && people[0].data.name.starts_with("Contact "));
            }
        }
    }
}

/// A new, empty store of the same kind.
fn fresh(kind: &str) -> Store {
    match kind {
        "postgres" => Store::connect(&fresh_postgres_target(&postgres_url().unwrap())).unwrap(),
        _ => Store::open_in_memory().unwrap(),
    }
}

#[test]
fn formula_cells_are_neutralised_in_the_file_unless_the_profile_says_raw() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    store.create_customer(customer("=cmd|' /C calc'!A0", "@Milano", "IT", "")).unwrap();
    let out = dir.path().join("x.csv");
    export(&mut store, "customers", &out, true);
    let text = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
    assert!(text.contains(";'=cmd|' /C calc'!A0;"), "{text}");
    assert!(text.contains(";'@Milano;"), "{text}");
    let mut p = profile(&mut store, Kind::Export, "customers");
    p.data.settings.format.neutralise = false;
    store.save_exchange_profile(Some(p.id), p.version, p.data).unwrap();
    export(&mut store, "customers", &out, true);
    let text = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
    assert!(text.contains(";=cmd|' /C calc'!A0;"), "{text}");
}

#[test]
fn incremental_exports_send_each_change_once() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, mut store) in stores() {
        office(&mut store, &MIXED[..3]);
        let out = dir.path().join(format!("{kind}.csv"));
        let first = export(&mut store, "customers", &out, false);
        assert_eq!((first.rows, first.full_reason), (3, Some("first")), "{kind}");
        let nothing = export(&mut store, "customers", &out, false);
        assert_eq!((nothing.rows, nothing.full), (0, false), "{kind}");
        let lines = std::fs::read_to_string(&out).unwrap().lines().count();
        assert_eq!(lines, 1, "{kind}: the header alone");

        let c = everyone(&mut store).remove(1);
        store.update_customer(c.id, c.version, CustomerData { city: "Kaunas".into(), ..c.data }).unwrap();
        store.create_customer(customer("Nuovo Cliente", "Padova", "IT", "")).unwrap();
        // Logging a contact moves the customer's last contact, which the ERP does not get.
        store
            .log_contact(
                c.id,
                crate::contact::ContactData {
                    happened_at: "2026-11-20T10:00".into(),
                    kind: "phone".into(),
                    ..Default::default()
                },
                None,
            )
            .unwrap();
        let changed = export(&mut store, "customers", &out, false);
        assert_eq!(changed.rows, 2, "{kind}");
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("Kaunas") && text.contains("Nuovo Cliente"), "{kind}: {text}");
        // A change of the main contact is a change of the customer's row.
        let person = store.people(c.id).unwrap().remove(0);
        store
            .update_person(person.id, person.version, PersonData { phone: "+370 600 12345".into(), ..person.data })
            .unwrap();
        assert_eq!(export(&mut store, "customers", &out, false).rows, 1, "{kind}");
        assert_eq!(export(&mut store, "customers", &out, true).rows, 4, "{kind}: a full export sends everyone");
        assert_eq!(export(&mut store, "customers", &out, false).rows, 0, "{kind}");
        // Other profiles keep their own watermark.
        assert_eq!(export(&mut store, "people", &out, false).rows, 3, "{kind}");
        assert_eq!(export(&mut store, "contacts", &out, false).rows, 1, "{kind}");
    }
}

/// The case a timestamp watermark gets wrong: a change made before an export but committed
/// after it must go with the next export, not be skipped.
#[test]
fn a_change_committed_after_an_export_started_goes_with_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("office.sqlite3");
    let mut targets = vec![Target::File(file.clone())];
    if let Some(url) = postgres_url() {
        targets.push(fresh_postgres_target(&url));
    }
    for target in targets {
        let mut pg_late: Option<postgres::Client> = None;
        let mut store = Store::connect(&target).unwrap();
        office(&mut store, &MIXED[..2]);
        let out = dir.path().join("late.csv");
        export(&mut store, "customers", &out, false);
        let id = everyone(&mut store)[0].id;
        // Another workstation changes a customer and has not committed yet.
        let late = match &target {
            Target::File(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.execute_batch(&format!("BEGIN IMMEDIATE; UPDATE customer SET city = 'Late' WHERE id = {id};"))
                    .unwrap();
                Late::Sqlite(conn)
            }
            Target::Postgres(url) => {
                let mut client = crate::storage::postgres_client(url).unwrap();
                client.batch_execute(&format!("BEGIN; UPDATE customer SET city = 'Late' WHERE id = {id};")).unwrap();
                Late::Postgres(client)
            }
        };
        // Meanwhile this workstation changes another customer (on a server, where writers do
        // not wait for each other) and exports. On a file the export reads at once, then
        // waits for the other writer to commit before it moves its watermark.
        let other = everyone(&mut store)[1].clone();
        let committer = match late {
            Late::Sqlite(conn) => Some(std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(700));
                conn.execute_batch("COMMIT").unwrap();
            })),
            Late::Postgres(client) => {
                store
                    .update_customer(other.id, other.version, CustomerData { city: "Early".into(), ..other.data })
                    .unwrap();
                pg_late = Some(client);
                None
            }
        };
        let meanwhile = export(&mut store, "customers", &out, false);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(!text.contains("Late"), "{target}: not committed when the export read: {text}");
        if let Some(mut client) = pg_late.take() {
            client.batch_execute("COMMIT").unwrap();
        }
        if let Some(t) = committer {
            t.join().unwrap();
        }
        let next = export(&mut store, "customers", &out, false);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("Late"), "{target}: the late commit is sent: {text}");
        assert!(!text.contains("Early"), "{target}: what went before is not sent again: {text}");
        assert_eq!(next.rows, 1, "{target}: {meanwhile:?}");
        assert_eq!(export(&mut store, "customers", &out, false).rows, 0, "{target}");
    }
}

enum Late {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
}

#[test]
fn the_export_file_appears_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    office(&mut store, MIXED);
    let out = dir.path().join("missing-folder").join("x.csv");
    assert!(store.export_csv("customers", &out, false, &mut quiet).is_err());
    assert!(!out.exists());
    let p = profile(&mut store, Kind::Export, "customers");
    assert_eq!((p.watermark, p.runs), (None, 0), "a failed export moves no watermark");
    assert!(matches!(
        store.export_csv("no such profile", &dir.path().join("y.csv"), false, &mut quiet),
        Err(crate::Error::NotFound { .. })
    ));
}

fn customers_csv(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from(
        "erp_code;name;city;country;vat_id;email;employees;annual_turnover;owner;person_name;person_email\r\n",
    );
    for r in rows {
        text.push_str(r);
        text.push_str("\r\n");
    }
    text.into_bytes()
}

#[test]
fn an_import_checks_every_row_rejects_the_bad_ones_with_reasons_and_writes_the_rest_at_once() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, mut store) in stores() {
        office(&mut store, &MIXED[2..3]);
        let source = dir.path().join(format!("{kind}-prospects.csv"));
        let bytes = customers_csv(&[
            "E-1;Nuova Logistica;Padova;IT;;a@b.it;10;1.234,50;AT;Luca Neri;luca@nuova.it",
            "E-2;Bad Vat;Roma;IT;01234567890;;;;;;",
            "E-3;Bad Mail;Roma;IT;;not-an-email;;;;;",
            "E-4;Bad Number;Roma;IT;;;many;;;;",
            "E-5;Unknown Owner;Roma;IT;;;;;ZZ;;",
            "E-6;Bad Person;Roma;IT;;;;;;Mario;mario@",
            ";;Roma;IT;;;;;;;",
            // The stored customer, by its VAT id with the country prefix: updated.
            ";Rossi Trasporti S.r.l.;Verona;;IT 01234567897;nuovo@rossi.it;;;;;",
            // A second person for the first row's customer.
            "E-1;Nuova Logistica;Padova;IT;;;;;;Sara Blu;sara@nuova.it",
        ]);
        std::fs::write(&source, &bytes).unwrap();
        let opts = options(&mut store, Entity::Customers, "customers");
        let checked = import::check(&mut store, &bytes, &opts, Locale::It, &mut quiet).unwrap();
        assert_eq!((checked.create, checked.update, checked.rejected), (1, 2, 6), "{kind}: {:?}", checked.reports);
        let count = store.count_customers().unwrap();
        assert_eq!(count, 1, "{kind}: a check writes nothing");
        let fields = |line: usize| -> Vec<String> {
            let r = checked.reports.iter().find(|r| r.line == line).unwrap();
            r.problems.iter().map(|p| format!("{}={}", p.column, p.key)).collect()
        };
        assert_eq!(fields(3), ["vat_id=vat.bad_check_digit"]);
        assert_eq!(fields(4), ["email=validation.email"]);
        assert_eq!(fields(5), ["employees=validation.exchange_number"]);
        assert_eq!(fields(6), ["owner=validation.exchange_unknown_user"]);
        assert_eq!(fields(7), ["person_email=validation.email"]);
        assert_eq!(fields(8), ["name=validation.name_required"]);
        let r = checked.reports.iter().find(|r| r.line == 3).unwrap();
        assert!(r.problems[0].message.contains("controllo"), "translated: {}", r.problems[0].message);

        let report = import::commit(&mut store, &bytes, &opts, Locale::En, Some(&source), None, &mut quiet).unwrap();
        assert_eq!((report.customers_created, report.customers_updated, report.people_created), (1, 1, 2), "{kind}");
        let created = store.search_customers(&CustomerQuery { text: "Nuova".into(), ..Default::default() }).unwrap();
        let card = store.customer(created[0].id).unwrap();
        assert_eq!(
            (card.data.annual_turnover, card.data.employees, card.data.erp_code.as_str()),
            (Some(123450), Some(10), "E-1")
        );
        let people: Vec<(String, bool)> =
            store.people(card.id).unwrap().into_iter().map(|p| (p.data.name, p.data.is_main)).collect();
        assert_eq!(people, [("Luca Neri".to_string(), true), ("Sara Blu".to_string(), false)], "{kind}");
        let rossi = everyone(&mut store).into_iter().find(|c| c.data.name.starts_with("Rossi")).unwrap();
        assert_eq!(rossi.data.email, "nuovo@rossi.it");
        assert_eq!(rossi.data.phone, "+39 045 123456", "an empty cell erases nothing");

        let rejected = std::fs::read_to_string(report.rejected_file.as_deref().unwrap()).unwrap();
        let lines: Vec<&str> = rejected.lines().collect();
        assert_eq!(lines.len(), 7, "{rejected}");
        assert!(lines[0].trim_start_matches('\u{feff}').ends_with(";person_email;error"));
        assert!(lines[1].starts_with("E-2;Bad Vat") && lines[1].contains("vat_id: "), "{rejected}");

        // The same file again: nothing new.
        let again = import::commit(&mut store, &bytes, &opts, Locale::En, None, None, &mut quiet).unwrap();
        assert_eq!(
            (again.customers_created, again.customers_updated, again.people_created, again.people_updated),
            (0, 0, 0, 0),
            "{kind}: {:?}",
            again.check.reports
        );
        assert_eq!(store.count_customers().unwrap(), 2);
    }
}

#[test]
fn a_customer_like_a_stored_one_is_a_duplicate_to_skip_update_or_create() {
    for (kind, mut store) in stores() {
        let stored = store.create_customer(customer("Rossi Trasporti S.r.l.", "Verona", "IT", "")).unwrap();
        store.create_customer(customer("Rossi Trasporti", "Milano", "IT", "")).unwrap();
        let bytes = customers_csv(&[
            ";ROSSI TRASPORTI SRL;verona;IT;;info@rossi.it;;;;;",
            ";Rosi Trasporti;Verona;IT;;;;;;;",
            ";Verdi Trasporti;Verona;IT;;;;;;;",
        ]);
        let mut opts = options(&mut store, Entity::Customers, "customers");
        let checked = import::check(&mut store, &bytes, &opts, Locale::En, &mut quiet).unwrap();
        assert_eq!((checked.duplicates, checked.create), (2, 1), "{kind}: {:?}", checked.reports);
        let dup = checked.reports.iter().find(|r| r.line == 2).unwrap();
        assert_eq!(dup.status, RowStatus::Duplicate);
        assert_eq!(dup.candidates.iter().map(|c| c.id).collect::<Vec<_>>(), [stored.id], "only the one in Verona");
        // Without a decision duplicates are skipped.
        let r = import_file(&mut store, &opts, &bytes);
        assert_eq!((r.customers_created, r.check.duplicates), (1, 2), "{kind}");
        // The first updates the stored customer, the second is created all the same.
        opts.decisions.insert(2, Decision::Update(stored.id));
        opts.decisions.insert(3, Decision::Create);
        let r = import_file(&mut store, &opts, &bytes);
        assert_eq!(
            (r.customers_updated, r.customers_created, r.check.unchanged),
            (1, 1, 1),
            "{kind}: {:?}",
            r.check.reports
        );
        assert_eq!(store.customer(stored.id).unwrap().data.email, "info@rossi.it");
        // Nothing more the next time: each row now is a stored customer, unchanged.
        let r = import_file(&mut store, &opts, &bytes);
        assert_eq!(
            (r.customers_updated, r.customers_created, r.check.unchanged),
            (0, 0, 3),
            "{kind}: {:?}",
            r.check.reports
        );
        assert_eq!(store.count_customers().unwrap(), 4);
    }
}

#[test]
fn fleet_lines_and_sightings_import_onto_their_customers_and_not_twice() {
    for (kind, mut store) in stores() {
        let mut d = customer("Rossi Trasporti", "Verona", "IT", "01234567897");
        d.erp_code = "K-1".into();
        let c = store.create_customer(d).unwrap();
        store.create_competitor(CompetitorData { brand: "Volvo".into(), ..Default::default() }).unwrap();
        let fleet = "customer_erp_code;customer_vat_id;brand;model;category;vehicles;vin;first_registered;mileage_km;mileage_read_on\r\n\
            K-1;;Volvo;FH 500;tractor;1;YV2RT40A6GB123456;2021;300.000;01.06.2024\r\n\
            ;IT01234567897;Iveco;Daily;van;4;;2019;;\r\n\
            K-9;;MAN;TGX;tractor;1;;;;\r\n\
            K-1;;DAF;XF;spaceship;1;;;;\r\n";
        let mut opts = options(&mut store, Entity::Fleet, "fleet");
        opts.settings.format.date_format = DateFormat::DmyDot;
        let r = import_file(&mut store, &opts, fleet.as_bytes());
        assert_eq!((r.lines_created, r.check.rejected), (2, 2), "{kind}: {:?}", r.check.reports);
        let warned = r.check.reports.iter().find(|x| x.line == 2).unwrap();
        assert_eq!(warned.warnings[0].key, "warning.vin_check_digit");
        let bad: Vec<&str> = r.check.reports.iter().flat_map(|x| x.problems.iter().map(|p| p.key)).collect();
        assert_eq!(bad, ["validation.exchange_customer_not_found", "validation.choice"]);
        let lines = store.fleet(c.id).unwrap().lines;
        assert_eq!(lines.iter().map(|l| l.data.vehicles).sum::<i64>(), 5);
        let volvo = lines.iter().find(|l| l.data.brand == "Volvo").unwrap();
        assert_eq!((volvo.data.mileage_km, volvo.data.mileage_read_on.as_deref()), (Some(300_000), Some("2024-06-01")));
        let r = import_file(&mut store, &opts, fleet.as_bytes());
        assert_eq!((r.lines_created, r.lines_updated, r.check.unchanged), (0, 0, 2), "{kind}");
        // A line found by its VIN is updated.
        let moved = fleet.replace("300.000;01.06.2024", "350.000;01.09.2024");
        let r = import_file(&mut store, &opts, moved.as_bytes());
        assert_eq!((r.lines_created, r.lines_updated), (0, 1), "{kind}");

        let sightings = "customer_erp_code;competitor;seen_on;product;price;currency\r\n\
            K-1;Volvo;2026-10-01;FH 500 4x2;98.500,00;EUR\r\n\
            K-1;Scania Nord;2026-10-02;R 450;101.000;EUR\r\n\
            K-1;Scania Nord;2026-10-03;R 500;105.000;EUR\r\n\
            K-1;;yesterday;;;EUR\r\n";
        let opts = options(&mut store, Entity::Sightings, "sightings");
        let r = import_file(&mut store, &opts, sightings.as_bytes());
        assert_eq!(
            (r.sightings_created, r.competitors_created, r.check.rejected),
            (3, 1, 1),
            "{kind}: {:?}",
            r.check.reports
        );
        let seen = store.customer_competitors(c.id).unwrap().sightings;
        assert_eq!(seen.iter().find(|s| s.data.product == "FH 500 4x2").unwrap().data.price_minor, Some(9_850_000));
        let r = import_file(&mut store, &opts, sightings.as_bytes());
        assert_eq!((r.sightings_created, r.competitors_created), (0, 0), "{kind}");
        assert_eq!(store.competitors().unwrap().len(), 2);
    }
}

#[test]
fn encoding_and_separator_are_detected_and_may_be_chosen() {
    let mut store = Store::open_in_memory().unwrap();
    let text = "name,city,country\r\nZażółć Sp. z o.o.,Łódź,PL\r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(text);
    let settings = ProfileSettings { detect: true, ..Default::default() };
    let p = import::preview(&mut store, &bytes, Entity::Customers, &settings, None, None, Locale::En).unwrap();
    assert_eq!((p.encoding, p.delimiter, p.total_rows), (Encoding::Windows1250, ',', 1));
    assert_eq!(p.rows[0], ["Zażółć Sp. z o.o.", "Łódź", "PL"]);
    assert_eq!(p.mapping, [Some("name".to_string()), Some("city".into()), Some("country".into())]);
    // Headers in the office's language are understood too.
    let it = "Ragione sociale;Città;Paese\r\nRossi;Verona;IT\r\n";
    let p = import::preview(&mut store, it.as_bytes(), Entity::Customers, &settings, None, None, Locale::It).unwrap();
    assert_eq!(p.mapping, [Some("name".to_string()), Some("city".into()), Some("country".into())]);
    let p = import::preview(
        &mut store,
        &bytes,
        Entity::Customers,
        &settings,
        Some(Encoding::Windows1257),
        Some(';'),
        Locale::En,
    )
    .unwrap();
    assert_eq!((p.encoding, p.delimiter), (Encoding::Windows1257, ';'));
}

#[test]
fn an_import_that_fails_while_writing_leaves_nothing() {
    for (kind, mut store) in stores() {
        let stale = store.create_customer(customer("Stale", "Verona", "IT", "")).unwrap();
        store
            .update_customer(stale.id, stale.version, CustomerData { city: "Padova".into(), ..stale.data.clone() })
            .unwrap();
        let mut w = crate::exchange::store::ImportWrite::default();
        w.new_customers.push(customer("First", "Roma", "IT", "").validated().unwrap());
        w.new_people.push((
            crate::exchange::store::CustomerRef::New(0),
            PersonData { name: "P".into(), active: true, ..Default::default() },
        ));
        w.customer_updates.push((stale.id, stale.version, stale.data.clone()));
        let err = store.apply_import(&w, &mut |_| Ok(())).unwrap_err();
        assert!(matches!(err, crate::Error::Conflict { .. }), "{kind}: {err:?}");
        assert_eq!(store.count_customers().unwrap(), 1, "{kind}: the first customer went with the failure");
        assert_eq!(store.customer(stale.id).unwrap().data.city, "Padova");
    }
}

/// Bytes as broken files, other programs and attackers send them.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let cell = prop_oneof![
        3 => "[A-Za-z0-9 .,@-]{0,12}",
        1 => Just("\"quoted; \"\"cell\"\"\"".to_string()),
        1 => Just("=1+1".to_string()),
        1 => Just("5261040828".to_string()),
        1 => Just("Łódź".to_string()),
        1 => "[\\x00-\\x1f]{1,3}",
    ];
    let row = prop::collection::vec(cell, 0..8).prop_map(|cells| cells.join(";"));
    let text = prop::collection::vec(row, 0..12).prop_map(|rows| {
        let mut t = String::from("erp_code;name;city;country;vat_id;email;employees;person_name\r\n");
        t.push_str(&rows.join("\r\n"));
        t.into_bytes()
    });
    prop_oneof![2 => text, 1 => prop::collection::vec(any::<u8>(), 0..400)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever the bytes, the parser and the importer do not panic, and an import either
    /// writes exactly what it reported or nothing at all.
    #[test]
    fn arbitrary_bytes_never_panic_nor_write_half_an_import(bytes in file_bytes()) {
        for (kind, mut store) in stores() {
            store.create_customer(customer("Stored", "Verona", "IT", "")).unwrap();
            let _ = csv_file::detect_encoding(&bytes, None);
            let decoded = csv_file::decode(&bytes, None);
            let _ = csv_file::records(&decoded.text, csv_file::detect_delimiter(&decoded.text));
            let settings = ProfileSettings { detect: true, ..Default::default() };
            for entity in [Entity::Customers, Entity::Fleet, Entity::Sightings] {
                let _ = import::preview(&mut store, &bytes, entity, &settings, None, None, Locale::En);
            }
            let before = store.count_customers().unwrap();
            let opts = options(&mut store, Entity::Customers, "customers");
            match import::commit(&mut store, &bytes, &opts, Locale::En, None, None, &mut quiet) {
                Ok(r) => {
                    prop_assert_eq!(store.count_customers().unwrap(), before + r.customers_created as i64, "{}", kind);
                    prop_assert_eq!(r.check.rows, r.check.create + r.check.update + r.check.unchanged
                        + r.check.duplicates + r.check.skipped + r.check.rejected);
                }
                Err(e) => prop_assert_eq!(store.count_customers().unwrap(), before, "{}: {:?}", kind, e),
            }
        }
    }

    /// Any text a card may hold comes back from a file exactly.
    #[test]
    fn any_name_survives_a_round_trip(name in "[ \\PC]{1,40}", city in "[A-Za-z ]{0,12}") {
        let mut store = Store::open_in_memory().unwrap();
        let Ok(created) = store.create_customer(customer(&name, &city, "IT", "")) else { return Ok(()) };
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.csv");
        export(&mut store, "customers", &out, true);
        let mut other = Store::open_in_memory().unwrap();
        let opts = options(&mut other, Entity::Customers, "customers");
        let r = import_file(&mut other, &opts, &std::fs::read(&out).unwrap());
        prop_assert_eq!(r.customers_created, 1, "{:?}", r.check.reports);
        prop_assert_eq!(&everyone(&mut other)[0].data, &created.data);
    }
}

#[test]
fn fleet_exports_with_the_office_format() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, mut store) in stores() {
        let c = store.create_customer(customer("Rossi", "Verona", "IT", "01234567897")).unwrap();
        let line = FleetLineData {
            brand: "Volvo".into(),
            category: "tractor".into(),
            vehicles: 2,
            first_registered: Some(2022),
            inspection_due: Some("2027-03-07".into()),
            ..Default::default()
        };
        store.add_fleet_line(c.id, line).unwrap();
        let mut p = profile(&mut store, Kind::Export, "fleet");
        p.data.settings.format.date_format = DateFormat::DmySlash;
        store.save_exchange_profile(Some(p.id), p.version, p.data).unwrap();
        let out = dir.path().join(format!("{kind}-fleet.csv"));
        assert_eq!(export(&mut store, "fleet", &out, false).rows, 1);
        let text = std::fs::read_to_string(&out).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert!(row.contains(";01234567897;IT;Rossi;Volvo;;tractor;"), "{row}");
        assert!(row.contains(";2022;") && row.ends_with(";01/07/2027;07/03/2027"), "{row}");
        // The exported file imports back as the same line.
        let opts = options(&mut store, Entity::Fleet, "fleet");
        let mut opts = opts;
        opts.settings.format.date_format = DateFormat::DmySlash;
        let r = import_file(&mut store, &opts, text.as_bytes());
        assert_eq!((r.check.unchanged, r.lines_created), (1, 0), "{kind}: {:?}", r.check.reports);
    }
}

#[test]
fn accepted_offers_go_out_as_orders_one_row_per_line_once() {
    use crate::offer::store::OfferDecision;
    use crate::offer::{OfferLine, TradeIn};
    let dir = tempfile::tempdir().unwrap();
    for (kind, mut store) in stores() {
        let boss = store
            .create_user(UserData { name: "Capo".into(), initials: "CP".into(), role: UserRole::Manager, active: true })
            .unwrap();
        let mut d = customer("Trans-Łódź", "Łódź", "PL", "5261040828");
        d.erp_code = "K-7".into();
        let c = store.create_customer(d).unwrap();
        store.set_actor(Some(boss.id));
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let offer = |store: &mut Store, accept: bool| {
            let mut data = store.new_offer(c.id, None, today, Some(boss.id)).unwrap();
            data.lines = vec![
                OfferLine {
                    code: "TGX".into(),
                    description: "Ciągnik; 4x2".into(),
                    quantity: 2,
                    unit_price: 9_500_000,
                    discount_bp: 350,
                    vat_bp: 2300,
                    ..Default::default()
                },
                OfferLine {
                    description: "Szkolenie".into(),
                    quantity: 1,
                    unit_price: 120_000,
                    vat_bp: 2300,
                    ..Default::default()
                },
            ];
            data.trade_ins = vec![TradeIn { description: "MAN TGA".into(), value: 1_500_000 }];
            let o = store.create_offer(data).unwrap();
            let o = store.send_offer(o.id, o.version).unwrap();
            if accept {
                let decision = OfferDecision { status: "accepted".into(), ..Default::default() };
                store.decide_offer(o.id, o.version, decision, today).unwrap();
            }
            o
        };
        let accepted = offer(&mut store, true);
        offer(&mut store, false);
        let out = dir.path().join(format!("{kind}-orders.csv"));
        let r = export(&mut store, "orders", &out, false);
        assert_eq!((r.rows, r.records), (2, 1), "{kind}: one order of two lines; the sent offer is no order");
        let text = std::fs::read_to_string(&out).unwrap();
        let rows: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(rows[0], "order_number;revision;customer_erp_code;customer_vat_id;customer_name;order_date;currency;salesperson;line_no;code;description;quantity;unit_price;discount;vat_rate;line_net;order_net;order_vat;order_total");
        // 2 × 95 000,00 less 3,5 % = 183 350,00; + 1 200,00 = 184 550,00 net, VAT 23 %.
        assert_eq!(rows[1], format!("{};1;K-7;5261040828;Trans-Łódź;2026-11-23;{};CP;1;TGX;\"Ciągnik; 4x2\";2;95000,00;3,5;23;183350,00;184550,00;42446,50;211996,50", accepted.number, accepted.data.currency), "{kind}");
        assert!(rows[2].contains(";2;;Szkolenie;1;1200,00;0;23;1200,00;184550,00;"), "{kind}: {}", rows[2]);
        assert_eq!(export(&mut store, "orders", &out, false).rows, 0, "{kind}: sent once");
    }
}

#[test]
fn the_price_list_imports_in_any_encoding_with_per_row_reasons_and_only_for_the_manager() {
    for (kind, mut store) in stores() {
        let boss = store
            .create_user(UserData { name: "Capo".into(), initials: "CP".into(), role: UserRole::Manager, active: true })
            .unwrap();
        let anna = store
            .create_user(UserData {
                name: "Anna".into(),
                initials: "AN".into(),
                role: UserRole::Salesperson,
                active: true,
            })
            .unwrap();
        let text = "Kod;Rodzaj;Cena;Waluta;Ważna od;name_pl;name_en\r\n\
            TGX-18.510;Model;95.000,00;EUR;01.01.2026;Ciągnik TGX;TGX tractor\r\n\
            KIPPER;bodywork;12.500;EUR;;Wywrotka Meiller;Meiller tipper\r\n\
            BAD;model;95000.50;EUR;;Zła cena;Bad price\r\n\
            NONAME;model;1.000;EUR;;;\r\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(text);
        let mut opts = options(&mut store, Entity::PriceList, "price_list");
        opts.settings.columns.extend([
            Column { field: "code".into(), header: "Kod".into() },
            Column { field: "kind".into(), header: "Rodzaj".into() },
            Column { field: "price".into(), header: "Cena".into() },
            Column { field: "currency".into(), header: "Waluta".into() },
            Column { field: "valid_from".into(), header: "Ważna od".into() },
        ]);
        opts.settings.columns.retain(|c| {
            !["code", "kind", "price", "currency", "valid_from"].contains(&c.field.as_str()) || c.header != c.field
        });
        opts.settings.format.date_format = DateFormat::DmyDot;
        store.set_actor(Some(anna.id));
        let refused = import::commit(&mut store, &bytes, &opts, Locale::Pl, None, None, &mut quiet);
        assert!(matches!(refused, Err(crate::Error::ManagerOnly)), "{kind}");
        store.set_actor(Some(boss.id));
        let r = import::commit(&mut store, &bytes, &opts, Locale::Pl, None, None, &mut quiet).unwrap();
        assert_eq!(
            (r.check.encoding, r.prices_created, r.check.rejected),
            (Encoding::Windows1250, 2, 2),
            "{kind}: {:?}",
            r.check.reports
        );
        let items =
            store.price_items(&crate::offer::PriceQuery { include_retired: true, ..Default::default() }).unwrap();
        let tgx = items.iter().find(|i| i.data.code == "TGX-18.510").unwrap();
        assert_eq!(
            (tgx.data.kind.as_str(), tgx.data.price, tgx.data.valid_from.as_str()),
            ("model", 9_500_000, "2026-01-01")
        );
        assert_eq!(tgx.data.names["pl"], "Ciągnik TGX");
        let bad: Vec<(usize, &str)> =
            r.check.reports.iter().flat_map(|x| x.problems.iter().map(move |p| (x.line, p.key))).collect();
        assert_eq!(bad[0], (4, "validation.exchange_amount"), "{bad:?}");
        let again = import::commit(&mut store, &bytes, &opts, Locale::Pl, None, None, &mut quiet).unwrap();
        assert_eq!((again.prices_created, again.prices_updated, again.check.unchanged), (0, 0, 2), "{kind}");
    }
}

/// A file with no country column on every store: rows take the file's country, else the
/// office's home country, else their VAT id's prefix says; the file's owner fills the rows
/// without one; a second import matches them by VAT id and changes nothing.
#[test]
fn rows_without_a_country_take_the_files_or_the_offices_and_import_once() {
    let text = "Nazwa;NIP;Miasto\r\nTrans-Pol;5261040828;Warszawa\r\nRossi;IT: 02331250163;Bergamo\r\n";
    for (kind, _) in stores() {
        let mut store = fresh(kind);
        let boss = store
            .create_user(UserData {
                name: "Marta".into(),
                initials: "MZ".into(),
                role: UserRole::Manager,
                active: true,
            })
            .unwrap();
        let mut opts = options(&mut store, Entity::Customers, "customers");
        let check = import::check(&mut store, text.as_bytes(), &opts, Locale::En, &mut quiet).unwrap();
        assert_eq!((check.create, check.rejected), (1, 1), "{kind:?}: only the prefixed id knows its country");
        store.set_home_country(Some(boss.id), "PL").unwrap();
        opts.defaults.insert("owner".into(), "MZ".into());
        let done = import_file(&mut store, &opts, text.as_bytes());
        assert_eq!((done.customers_created, done.check.rejected), (2, 0), "{kind:?}");
        let all = everyone(&mut store);
        let country_of = |name: &str| all.iter().find(|c| c.data.name == name).unwrap().data.country.clone();
        assert_eq!((country_of("Trans-Pol"), country_of("Rossi")), ("PL".to_string(), "IT".to_string()));
        assert!(all.iter().all(|c| c.data.owner_id == Some(boss.id)), "{kind:?}");
        // The file says Lithuania now: the stored customers are still found by their VAT ids.
        opts.defaults.insert("country".into(), "Lietuva".into());
        let again = import_file(&mut store, &opts, text.as_bytes());
        assert_eq!((again.customers_created, again.customers_updated, again.check.unchanged), (0, 0, 2), "{kind:?}");
        opts.defaults.insert("country".into(), "Atlantis".into());
        let Err(Error::Validation(e)) = import::check(&mut store, text.as_bytes(), &opts, Locale::En, &mut quiet)
        else {
            panic!("{kind:?}: an unknown country for the file is refused")
        };
        assert_eq!((&*e[0].field, e[0].key), ("defaults.country", "validation.country"));
    }
}
