//! Excel files in the real window: an office's customer list kept in Excel (`fixtures/clienti.xlsx`,
//! written by LibreOffice: a title above the header, numbers stored as numbers, dates, two sheets)
//! imported through the wizard with only what it proposes, its bad rows rejected with their
//! reason, and nothing changed the second time; a report saved as an `.xlsx` workbook through
//! the system's save dialog.

use std::path::Path;

use parc_core::customer::custom_field::{CustomFieldData, FieldKind};
use parc_core::customer::CustomerQuery;
use parc_core::ground::i18n::{tr, Locale};
use parc_core::office::{UserData, UserRole};
use parc_core::{host::demo, Store};
use parc_e2e::{answer_save_dialog, App};

fn en(key: &str) -> String {
    tr(Locale::En, key).to_string()
}

fn today() -> parc_core::chrono::NaiveDate {
    parc_core::chrono::Local::now().date_naive()
}

#[tokio::test]
async fn an_excel_customer_list_with_a_title_row_goes_through_the_wizard_once() {
    let files = tempfile::tempdir().unwrap();
    let source = files.path().join("clienti.xlsx");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clienti.xlsx");
    std::fs::copy(fixture, &source).unwrap();
    // What the native dialogs would answer: WebDriver cannot drive them.
    std::env::set_var("PARC_TEST_OPEN_PATH", &source);
    std::env::set_var("PARC_TEST_SAVE_DIR", files.path());
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        let boss = UserData { name: "Direzione".into(), initials: "DIR".into(), role: UserRole::Manager, active: true };
        let boss = store.create_user(boss).unwrap();
        let since =
            CustomFieldData { label: "Cliente dal".into(), kind: FieldKind::Date, choices: vec![], retired: false };
        store.define_custom_field(Some(boss.id), since).unwrap();
    })
    .await;

    let import_once = |first: bool| {
        let app = &app;
        async move {
            app.click(".tab[data-screen=exchange]").await;
            app.wait_css("#exchange-profiles tr[data-profile=customers]").await;
            app.click("#exchange-choose").await;
            app.wait_text("#exchange-file-name", |t| t == "clienti.xlsx").await;
            app.wait_text("#exchange-file-rows", |t| t.starts_with('7')).await;
            // The workbook's sheets instead of an encoding; the title row above the header skipped.
            app.wait_css("#exchange-sheet-label:not([hidden])").await;
            assert_eq!(app.value("#exchange-sheet").await, "Clienti");
            app.wait_text("#exchange-header-line", |t| t.contains('3')).await;
            app.wait_css("#exchange-workbook-note:not([hidden])").await;
            assert!(!app.wait_css("#exchange-encoding").await.is_displayed().await.unwrap());
            // The Italian headers go to their fields as the wizard proposes.
            assert_eq!(app.value("#exchange-preview-table select[data-column='1']").await, "name");
            assert_eq!(app.value("#exchange-preview-table select[data-column='3']").await, "postal_code");
            assert_eq!(app.value("#exchange-preview-table select[data-column='6']").await, "vat_id");
            if first {
                app.shot("excel-wizard-preview").await;
            }
            app.click("#exchange-check").await;
            let summary = app.wait_text("#exchange-summary", |t| !t.is_empty()).await;
            assert!(summary.starts_with("7 rows:"), "{summary}");
            let vat = app.wait_text("#exchange-rows tr[data-line='8']", |t| !t.is_empty()).await;
            assert!(vat.contains(&en("exchange.status.rejected")) && vat.contains("Partita IVA: "), "{vat}");
            let mail = app.wait_text("#exchange-rows tr[data-line='9']", |t| !t.is_empty()).await;
            assert!(mail.contains("E-mail: "), "{mail}");
            if first {
                app.shot("excel-wizard-check").await;
            }
            app.click("#exchange-import").await;
            let done = app.wait_text("#exchange-done-text", |t| !t.is_empty()).await;
            let created =
                if first { "4 new customers, 0 updates, 4 people" } else { "0 new customers, 0 updates, 0 people" };
            assert!(done.contains(created) && done.contains("2 rows rejected"), "{done}");
            app.wait_css("#exchange-open-rejected:not([hidden])").await;
        }
    };
    import_once(true).await;
    {
        let mut store = Store::open(app.db_path()).unwrap();
        assert_eq!(store.count_customers().unwrap(), 4);
        let q = CustomerQuery { text: "Rossi Logistica".into(), ..Default::default() };
        let id = store.search_customers(&q).unwrap()[0].id;
        let rossi = store.customer(id).unwrap();
        assert_eq!((rossi.data.postal_code.as_str(), rossi.data.vat_id.as_str()), ("00185", "12345678903"));
    }
    let rejected = std::fs::read_to_string(files.path().join("clienti-rejected.csv")).unwrap();
    assert!(rejected.contains("Gialli Autolinee") && rejected.contains("Partita IVA: "), "{rejected}");
    // The same file again: every row already there.
    import_once(false).await;
    assert_eq!(Store::open(app.db_path()).unwrap().count_customers().unwrap(), 4);

    // The customers export profile turned into an Excel one: its export is a workbook.
    app.click("#exchange-profiles tr[data-profile=customers] .exchange-edit").await;
    app.wait_css("#exchange-editor:not([hidden])").await;
    app.wait_css("#exchange-editor [name=file_kind]").await.select_by_value("xlsx").await.unwrap();
    assert!(!app.wait_css("#exchange-editor [name=delimiter]").await.is_displayed().await.unwrap());
    if std::env::var_os("PARC_SHOTS").is_some() {
        let js = "document.getElementById('exchange-editor').scrollIntoView()";
        app.client.execute(js, vec![]).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        app.shot("excel-profile-editor").await;
    }
    app.click("#exchange-editor button[type=submit]").await;
    app.wait_css("#exchange-editor[hidden]").await;
    app.click("#exchange-profiles tr[data-profile=customers] .exchange-export-full").await;
    app.wait_text("#exchange-export-text", |t| t.contains("written to")).await;
    let exported = std::fs::read_dir(files.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("customers-"))
        .expect("the export was saved");
    assert_eq!(exported.extension().unwrap(), "xlsx");
    let book = parc_core::exchange::workbook::read(&std::fs::read(&exported).unwrap(), None, ',').unwrap();
    assert_eq!(book.rows.len(), 5, "the header and four customers");
    app.close().await;
}

#[tokio::test]
async fn a_report_is_saved_as_an_excel_workbook() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        demo::load_office(&mut store, 60, 3, today(), |_, _| {}).unwrap();
    })
    .await;
    let manager = {
        let mut store = Store::open(app.db_path()).unwrap();
        store.users().unwrap().into_iter().find(|u| u.data.name == "Francesca Moretti").unwrap().id
    };
    app.click("#who-button").await;
    app.wait_css("#who-dialog[open]").await;
    app.click(&format!("#who-list button[data-user-id='{manager}']")).await;
    app.click(".tab[data-screen=reports]:not([hidden])").await;
    app.click(".reports-item[data-report='outcomes']").await;
    let title = en("report.outcomes.title");
    app.wait_text("#reports-title", |t| t == title).await;
    app.wait_css("#reports-export-kind").await.select_by_value("xlsx").await.unwrap();
    let file = app.dir.path().join("outcomes.xlsx");
    app.shot("excel-report-choice").await;
    app.click("#reports-export").await;
    let (display, dialog, target) = (app.display.clone(), en("reports.export_title"), file.clone());
    tokio::task::spawn_blocking(move || answer_save_dialog(&display, &dialog, &target)).await.unwrap();
    app.wait_text("#toasts", |t| t.contains(&file.display().to_string())).await;
    let bytes = std::fs::read(&file).unwrap();
    let sheet = parc_core::exchange::workbook::read(&bytes, None, '.').unwrap();
    assert_eq!(sheet.rows[0].1[0], title, "the report's title above its table");
    let header = &sheet.rows[2].1;
    assert_eq!(header[0], en("report.col.salesperson"));
    let total = &sheet.rows.last().unwrap().1;
    // Counts are number cells (a text cell would keep what the screen shows).
    assert!(total[1..].iter().filter(|c| !c.is_empty()).all(|c| c.parse::<f64>().is_ok()), "{total:?}");
    app.close().await;
}
