//! Excel files on every store: the office's customer list (`tests/fixtures/clienti.*`, written
//! by LibreOffice) read by its cells' types with its title row and sheets, imported once with
//! its bad rows rejected; reports and export profiles written as `.xlsx` and read back.

use std::io::Cursor;

use calamine::{Data, Reader};

use super::import::{self, ImportOptions};
use super::workbook;
use super::*;
use crate::customer::custom_field::{CustomFieldData, FieldKind};
use crate::customer::store::search::CustomerQuery;
use crate::customer::testing::customer;
use crate::ground::i18n::Locale;
use crate::office::{UserData, UserRole};
use crate::report::{Cell, Column as ReportColumn, ColumnKind, ReportTable};
use crate::storage::testing::stores;
use crate::storage::Store;

const XLSX: &[u8] = include_bytes!("../../../../tests/fixtures/clienti.xlsx");
const XLS: &[u8] = include_bytes!("../../../../tests/fixtures/clienti.xls");

fn options(store: &mut Store, entity: Entity, name: &str, sheet: Option<&str>) -> ImportOptions {
    ImportOptions { sheet: sheet.map(str::to_string), ..crate::exchange::testing::options(store, entity, name) }
}

#[test]
fn a_workbook_is_read_by_its_cells_types_below_its_title_in_the_first_sheet_with_data() {
    for (name, bytes) in [("xlsx", XLSX), ("xls", XLS)] {
        assert!(workbook::is_workbook(bytes), "{name}");
        let book = workbook::read(bytes, None, ',').unwrap();
        assert_eq!(book.sheets, ["Clienti", "Parco veicoli"], "{name}");
        assert_eq!(book.sheet, "Clienti");
        let lines: Vec<usize> = book.rows.iter().map(|(l, _)| *l).collect();
        // The title (row 1) is read as a row, the header on row 3; the merged total below the
        // last customer (row 11) is not.
        assert_eq!(lines, [1, 3, 4, 5, 6, 7, 8, 9, 10], "{name}");
        let row = |line: usize| &book.rows.iter().find(|(l, _)| *l == line).unwrap().1;
        assert_eq!(row(1)[0], "Elenco clienti al 30/11/2026");
        let bianchi = row(4);
        assert_eq!(bianchi[0], "10023", "a whole number is its digits");
        assert_eq!(bianchi[3], "40121");
        assert_eq!(bianchi[9], "1250000,5", "a number with the profile's decimal sign, no grouping");
        assert_eq!(bianchi[10], "45");
        assert_eq!(bianchi[11], "2019-03-15", "a date cell shown dd/mm/yyyy");
        let rossi = row(6);
        assert_eq!(rossi[6], "12345678903", "a VAT id stored as a number is not 1.2345678903E10");
        assert_eq!(rossi[7], "3471234567");
        let verdi = row(7);
        let gialli = row(8);
        assert_eq!(gialli[6], "1234567897", "zeros Excel dropped without a format are not invented");
        if name == "xlsx" {
            // Zeros a format shows (00000, 00000000000) are kept; only .xlsx gives calamine the
            // cells' formats, so an .xls reads Rome's CAP as 185.
            assert_eq!((rossi[3].as_str(), verdi[6].as_str()), ("00185", "04567890126"));
        } else {
            assert_eq!((rossi[3].as_str(), verdi[6].as_str()), ("185", "4567890126"));
        }
        let fleet = workbook::read(bytes, Some("Parco veicoli"), '.').unwrap();
        assert_eq!(fleet.rows[1].1, ["02345678904", "MAN", "TGX 18.510", "tractor", "3", "2027-04-30"]);
        let Err(Error::Validation(e)) = workbook::read(bytes, Some("Foglio3"), ',') else { panic!("{name}") };
        assert_eq!(e[0].key, "validation.exchange_sheet");
    }
    let Err(Error::Validation(e)) = workbook::read(b"PK\x03\x04 not a workbook", None, ',') else { panic!() };
    assert_eq!(e[0].key, "validation.exchange_workbook");
}

#[test]
fn the_office_customer_list_imports_from_excel_once_with_its_bad_rows_rejected() {
    let dir = tempfile::tempdir().unwrap();
    // A fresh office for each format and store: the same list.
    for (ext, bytes) in [("xlsx", XLSX), ("xls", XLS)] {
        for (kind, mut store) in stores() {
            let boss = store
                .create_user(UserData {
                    name: "Direzione".into(),
                    initials: "DIR".into(),
                    role: UserRole::Manager,
                    active: true,
                })
                .unwrap();
            let since = store
                .define_custom_field(
                    Some(boss.id),
                    CustomFieldData {
                        label: "Cliente dal".into(),
                        kind: FieldKind::Date,
                        choices: vec![],
                        retired: false,
                    },
                )
                .unwrap();
            let settings = store.exchange_profile(Kind::Import, "customers").unwrap().data.settings;
            let preview =
                import::preview(&mut store, bytes, Entity::Customers, &settings, None, None, Locale::It).unwrap();
            assert_eq!((preview.sheets.len(), preview.sheet.as_deref()), (2, Some("Clienti")), "{kind} {ext}");
            assert_eq!(preview.header_line, 3, "the title above the header is skipped");
            assert_eq!(preview.headers[1], "Ragione sociale");
            assert_eq!(preview.total_rows, 7);
            let mapped = |h: &str| {
                let i = preview.headers.iter().position(|x| x == h).unwrap();
                preview.mapping[i].clone()
            };
            assert_eq!(mapped("Partita IVA").as_deref(), Some("vat_id"));
            assert_eq!(mapped("CAP").as_deref(), Some("postal_code"));
            assert_eq!(mapped("Cliente dal"), Some(format!("custom.{}", since.id)));

            let opts = options(&mut store, Entity::Customers, "customers", None);
            let source = dir.path().join(format!("{kind}-clienti.{ext}"));
            let report = import::commit(
                &mut store,
                bytes,
                &opts,
                Locale::It,
                Some(&source),
                None,
                &mut crate::exchange::testing::quiet,
            )
            .unwrap();
            // The .xls has no formats for calamine: Verdi's VAT id reads without its zero too.
            let (created, bad) = if ext == "xlsx" { (4, 2) } else { (3, 3) };
            assert_eq!(
                (report.customers_created, report.people_created, report.check.rejected),
                (created, 4, bad),
                "{kind} {ext}: {:?}",
                report.check.reports
            );
            let problems = |line: usize| -> Vec<String> {
                let r = report.check.reports.iter().find(|r| r.line == line).unwrap();
                r.problems.iter().map(|p| format!("{}={}", p.column, p.key)).collect()
            };
            // Lines are the sheet's rows, as Excel numbers them.
            assert_eq!(problems(8), ["Partita IVA=vat.bad_format"], "{kind} {ext}");
            assert_eq!(problems(9), ["E-mail=validation.email"]);
            let rejected = report.rejected_file.clone().unwrap();
            assert!(rejected.ends_with(&format!("{kind}-clienti-rejected.csv")), "{rejected}");
            let text = std::fs::read_to_string(&rejected).unwrap();
            assert!(text.contains("Gialli Autolinee") && text.contains("Partita IVA: "), "{text}");
            assert_eq!(text.lines().count(), 1 + bad, "{text}");

            let find = |store: &mut Store, name: &str| {
                let q = CustomerQuery { text: name.into(), ..Default::default() };
                let id = store.search_customers(&q).unwrap()[0].id;
                store.customer(id).unwrap()
            };
            let bianchi = find(&mut store, "Bianchi");
            assert_eq!(bianchi.data.annual_turnover, Some(125_000_050), "{kind} {ext}");
            assert_eq!(bianchi.data.employees, Some(45));
            assert_eq!(bianchi.data.custom.get(&since.id).map(String::as_str), Some("2019-03-15"));
            let people: Vec<String> = store.people(bianchi.id).unwrap().into_iter().map(|p| p.data.name).collect();
            assert_eq!(people, ["Marco Bianchi", "Laura Neri"]);
            let rossi = find(&mut store, "Rossi Logistica");
            assert_eq!((rossi.data.vat_id.as_str(), rossi.data.phone.as_str()), ("12345678903", "3471234567"));
            if ext == "xlsx" {
                assert_eq!(rossi.data.postal_code, "00185");
                assert_eq!(find(&mut store, "Verdi").data.vat_id, "04567890126");
            } else {
                assert_eq!(problems(7), ["Partita IVA=vat.bad_format"], "{kind} {ext}");
            }

            // The same file again changes nothing.
            let again =
                import::commit(&mut store, bytes, &opts, Locale::It, None, None, &mut crate::exchange::testing::quiet)
                    .unwrap();
            assert_eq!(
                (again.customers_created, again.customers_updated, again.people_created, again.people_updated),
                (0, 0, 0, 0),
                "{kind} {ext}: {:?}",
                again.check.reports
            );
            assert_eq!(store.count_customers().unwrap(), created as i64);

            // The fleet on the second sheet, onto the customers by their VAT id.
            let fleet = options(&mut store, Entity::Fleet, "fleet", Some("Parco veicoli"));
            let done =
                import::commit(&mut store, bytes, &fleet, Locale::It, None, None, &mut crate::exchange::testing::quiet)
                    .unwrap();
            assert_eq!((done.lines_created, done.check.rejected), (2, 0), "{kind} {ext}: {:?}", done.check.reports);
            let lines = store.fleet(bianchi.id).unwrap();
            assert_eq!(lines.lines[0].data.inspection_due.as_deref(), Some("2027-04-30"));
        }
    }
}

#[test]
fn a_title_above_a_csv_header_is_skipped_too() {
    for (kind, mut store) in stores() {
        let csv = "Elenco clienti al 30/11/2026;;;\r\n;;;\r\nRagione sociale;Città;Paese;Partita IVA\r\n\
                   Nuova Logistica;Padova;IT;\r\n";
        let settings = store.exchange_profile(Kind::Import, "customers").unwrap().data.settings;
        let p =
            import::preview(&mut store, csv.as_bytes(), Entity::Customers, &settings, None, None, Locale::It).unwrap();
        assert_eq!((p.header_line, p.total_rows, p.sheets.len()), (3, 1, 0), "{kind}");
        assert_eq!(p.mapping[0].as_deref(), Some("name"));
    }
}

fn cell_at(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

#[test]
fn a_report_saved_as_xlsx_reads_back_with_numbers_money_percent_and_dates_typed() {
    let table = ReportTable {
        kind: "activity".into(),
        title_key: "report.activity.title".into(),
        title: "Attività".into(),
        subtitle: "01/09/2026 – 30/11/2026".into(),
        columns: vec![
            ReportColumn { key: "a".into(), label: "Venditore".into(), kind: ColumnKind::Text, currency: None },
            ReportColumn {
                key: "b".into(),
                label: "Valore (EUR)".into(),
                kind: ColumnKind::Money,
                currency: Some("EUR".into()),
            },
            ReportColumn { key: "c".into(), label: "Quota".into(), kind: ColumnKind::Percent, currency: None },
            ReportColumn { key: "d".into(), label: "Contatti".into(), kind: ColumnKind::Integer, currency: None },
            ReportColumn { key: "e".into(), label: "Al giorno".into(), kind: ColumnKind::Decimal, currency: None },
            ReportColumn { key: "f".into(), label: "Ultimo".into(), kind: ColumnKind::Date, currency: None },
        ],
        rows: vec![
            vec![
                Cell::Text("=HYPERLINK(\"x\")".into()),
                Cell::Int(-123_456),
                Cell::Num(37.5),
                Cell::Int(12),
                Cell::Num(2.5),
                Cell::Text("2026-11-30".into()),
            ],
            vec![
                Cell::Text("Giulia Romano".into()),
                Cell::Int(7),
                Cell::Empty(()),
                Cell::Int(0),
                Cell::Num(0.0),
                Cell::Empty(()),
            ],
        ],
        total: Some(vec![
            Cell::Text("Totale".into()),
            Cell::Int(-123_449),
            Cell::Empty(()),
            Cell::Int(12),
            Cell::Empty(()),
            Cell::Empty(()),
        ]),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attivita.xlsx");
    crate::report::write_report(&table, Locale::It, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(&bytes[..])).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    assert_eq!(cell_at(&range, 0, 0), Data::String("Attività".into()));
    assert_eq!(cell_at(&range, 1, 0), Data::String("01/09/2026 – 30/11/2026".into()));
    assert_eq!(cell_at(&range, 3, 1), Data::String("Valore (EUR)".into()));
    // Text stays text, a formula's text included.
    assert_eq!(cell_at(&range, 4, 0), Data::String("=HYPERLINK(\"x\")".into()));
    assert_eq!(cell_at(&range, 4, 1), Data::Float(-1234.56));
    assert_eq!(cell_at(&range, 4, 2), Data::Float(0.375));
    assert_eq!(cell_at(&range, 4, 3), Data::Float(12.0));
    assert_eq!(cell_at(&range, 4, 4), Data::Float(2.5));
    let Data::DateTime(day) = cell_at(&range, 4, 5) else { panic!("a date cell: {:?}", cell_at(&range, 4, 5)) };
    assert_eq!(day.to_ymd_hms_milli().0..=day.to_ymd_hms_milli().0, 2026..=2026);
    assert_eq!((day.to_ymd_hms_milli().1, day.to_ymd_hms_milli().2), (11, 30));
    assert_eq!(cell_at(&range, 5, 2), Data::Empty);
    assert_eq!(cell_at(&range, 6, 1), Data::Float(-1234.49));
    let styles = book.worksheet_style(&sheet).unwrap();
    let format = |r: u32, c: u32| {
        styles.get((r, c)).and_then(|s| s.number_format.clone()).map(|f| f.format_code).unwrap_or_default()
    };
    assert!(format(4, 1).contains('€') && format(4, 1).contains("0.00"), "{}", format(4, 1));
    assert!(format(4, 2).contains('%'), "{}", format(4, 2));
    let bold = |r: u32, c: u32| styles.get((r, c)).and_then(|s| s.font.clone()).is_some_and(|f| f.is_bold());
    assert!(bold(3, 0) && bold(6, 0) && !bold(4, 0), "the header and the total in bold");
    // What the window saves where the person chose: a workbook for a .xlsx name, else CSV.
    let csv = dir.path().join("attivita.csv");
    crate::report::write_table(&table, Locale::It, &csv).unwrap();
    assert_eq!(&std::fs::read(&csv).unwrap()[..3], b"\xEF\xBB\xBF");
    let xlsx = dir.path().join("attivita-2.XLSX");
    crate::report::write_table(&table, Locale::It, &xlsx).unwrap();
    assert!(workbook::is_workbook(&std::fs::read(&xlsx).unwrap()));
    // The same numbers through the import's reader: as the import would read them.
    let rows = workbook::read(&bytes, None, ',').unwrap().rows;
    assert_eq!(rows[3].1[..5], ["=HYPERLINK(\"x\")", "-1234,56", "0,375", "12", "2,5"]);
}

#[test]
fn an_export_profile_writes_xlsx_with_typed_cells_and_imports_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, mut store) in stores() {
        let mut d = customer("Trasporti Ómega S.r.l.", "Verona", "IT", "01234567897");
        d.erp_code = "00042".into();
        d.annual_turnover = Some(12_345_678);
        d.employees = Some(12);
        d.postal_code = "00185".into();
        d.phone = "+39 045 123456".into();
        store.create_customer(d).unwrap();
        store.create_customer(customer("=cmd|' /C calc'!A0", "Roma", "IT", "")).unwrap();
        let mut p = store.exchange_profile(Kind::Export, "customers").unwrap();
        p.data.settings.format.kind = FileKind::Xlsx;
        store.save_exchange_profile(Some(p.id), p.version, p.data.clone()).unwrap();
        let out = dir.path().join(format!("{kind}-customers.xlsx"));
        let report = store.export_csv("customers", &out, true, &mut crate::exchange::testing::quiet).unwrap();
        assert_eq!(report.rows, 2, "{kind}");
        let bytes = std::fs::read(&out).unwrap();
        assert!(workbook::is_workbook(&bytes));
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(&bytes[..])).unwrap();
        let range = book.worksheet_range("customers").unwrap();
        let col = |header: &str| {
            let headers = &p.data.settings.columns;
            headers.iter().position(|c| c.field == header).unwrap() as u32
        };
        let row = (1..=2u32)
            .find(|r| cell_at(&range, *r, col("name")) == Data::String("Trasporti Ómega S.r.l.".into()))
            .unwrap();
        assert_eq!(cell_at(&range, row, col("annual_turnover")), Data::Float(123_456.78), "{kind}");
        assert_eq!(cell_at(&range, row, col("employees")), Data::Float(12.0));
        assert_eq!(cell_at(&range, row, col("erp_code")), Data::String("00042".into()), "a code stays text");
        assert_eq!(cell_at(&range, row, col("postal_code")), Data::String("00185".into()));
        let other = 3 - row;
        assert_eq!(cell_at(&range, other, col("name")), Data::String("=cmd|' /C calc'!A0".into()));
        let partial = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".partial"));
        assert!(!partial, "no temporary file left");
        // The workbook back through the import profile: nothing to change.
        let opts = options(&mut store, Entity::Customers, "customers", None);
        let again = import::check(&mut store, &bytes, &opts, Locale::En, &mut crate::exchange::testing::quiet).unwrap();
        assert_eq!(
            (again.create, again.update, again.unchanged, again.rejected),
            (0, 0, 2, 0),
            "{kind}: {:?}",
            again.reports
        );
    }
}
