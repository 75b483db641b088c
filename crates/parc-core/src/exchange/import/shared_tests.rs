//! The import on every store: every row checked with reasons for the bad ones, duplicates
//! found, nothing changed the second time, the price list, files without a country, and
//! arbitrary bytes that never panic nor write half an import.

use proptest::prelude::*;

use crate::customer::person::PersonData;
use crate::customer::store::search::CustomerQuery;
use crate::customer::testing::customer;
use crate::customer::CustomerData;
use crate::exchange::import::{self, Decision, RowStatus};
use crate::exchange::testing::*;
use crate::exchange::*;
use crate::fleet::competitor::CompetitorData;
use crate::ground::i18n::Locale;
use crate::office::{UserData, UserRole};
use crate::storage::testing::stores;
use crate::storage::Store;

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
