//! The CSV exchange's exports on every store: round trips in each encoding and separator,
//! incremental exports that neither skip nor repeat (a late commit included), formula cells,
//! files written whole, fleet lines and orders out in the ERP's format.

use super::*;
use crate::customer::person::PersonData;
use crate::customer::testing::customer;
use crate::customer::CustomerData;
use crate::exchange::testing::*;
use crate::fleet::FleetLineData;
use crate::office::{UserData, UserRole};
use crate::storage::testing::{fresh_postgres_target, postgres_url, stores};
use crate::storage::{Store, Target};

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
            crate::exchange::testing::anna(&mut other);
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
