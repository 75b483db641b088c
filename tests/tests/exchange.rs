//! The CSV exchange in the real window: a small file imported through the wizard, with one
//! bad row (rejected with its reason, into the rejected rows' file) and one duplicate (the
//! person chooses to update the stored customer), then an export saved where the native
//! dialog would have asked; and a Polish ERP's export imported with only what the wizard
//! proposes and a country for the whole file, twice.

use std::sync::Mutex;

use parc_core::customer::CustomerQuery;
use parc_core::ground::i18n::{tr, Locale};
use parc_core::host::testing::customer;
use parc_core::Store;
use parc_e2e::App;

fn en(key: &'static str) -> &'static str {
    tr(Locale::En, key)
}

/// The file "Choose file…" picks is the app's environment, set before it starts: one test at
/// a time sets it and runs.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static DIALOG: Mutex<()> = Mutex::new(());
    DIALOG.lock().unwrap_or_else(|p| p.into_inner())
}

#[tokio::test]
#[allow(clippy::await_holding_lock)]
async fn a_file_with_a_bad_row_and_a_duplicate_goes_through_the_wizard() {
    let _one = one_at_a_time();
    let files = tempfile::tempdir().unwrap();
    let source = files.path().join("prospects.csv");
    // Semicolons, a decimal comma and Windows line ends, as the Italian Excel saves them.
    std::fs::write(
        &source,
        "Ragione sociale;Città;Paese;Partita IVA;E-mail;Fatturato annuo\r\n\
         Nuova Logistica;Padova;IT;;info@nuova.it;1.234,50\r\n\
         Partita Sbagliata;Roma;IT;01234567890;;\r\n\
         ROSSI TRASPORTI SRL;verona;IT;;ordini@rossi.it;\r\n",
    )
    .unwrap();
    // What the native dialogs would answer: WebDriver cannot drive them.
    std::env::set_var("PARC_TEST_OPEN_PATH", &source);
    std::env::set_var("PARC_TEST_SAVE_DIR", files.path());
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        store.create_customer(customer("Rossi Trasporti S.r.l.", "Verona", "IT", "")).unwrap();
    })
    .await;
    let rossi = Store::open(app.db_path()).unwrap().all_customers().unwrap()[0].id;

    app.click(".tab[data-screen=exchange]").await;
    app.wait_css("#exchange-profiles tr[data-profile=customers]").await;
    app.click("#exchange-choose").await;
    app.wait_text("#exchange-file-name", |t| t == "prospects.csv").await;
    app.wait_text("#exchange-file-rows", |t| t.contains('3')).await;
    // The Italian headers are understood: each column goes to its field.
    assert_eq!(app.value("#exchange-preview-table select[data-column='0']").await, "name");
    assert_eq!(app.value("#exchange-preview-table select[data-column='3']").await, "vat_id");
    assert_eq!(app.value("#exchange-preview-table select[data-column='5']").await, "annual_turnover");
    assert_eq!(app.value("#exchange-delimiter").await, ";");

    app.click("#exchange-check").await;
    let summary = app.wait_text("#exchange-summary", |t| !t.is_empty()).await;
    assert!(summary.starts_with("3 rows: 1 new"), "{summary}");
    let bad = app.wait_text("#exchange-rows tr[data-line='3']", |t| !t.is_empty()).await;
    assert!(bad.contains(en("exchange.status.rejected")) && bad.contains("Partita IVA: "), "{bad}");
    let dup = app.wait_text("#exchange-rows tr[data-line='4']", |t| !t.is_empty()).await;
    assert!(dup.contains("Rossi Trasporti S.r.l. (Verona)"), "the stored one is offered: {dup}");
    // The duplicate updates the stored customer instead of creating a second one.
    app.click(&format!("#exchange-rows tr[data-line='4'] select option[value='update:{rossi}']")).await;
    app.click("#exchange-import").await;
    let done = app.wait_text("#exchange-done-text", |t| !t.is_empty()).await;
    assert!(done.contains("1 new customers, 1 updates") && done.contains("1 rows rejected"), "{done}");
    app.wait_css("#exchange-open-rejected:not([hidden])").await;

    let mut store = Store::open(app.db_path()).unwrap();
    let all = store.search_customers(&CustomerQuery::default()).unwrap();
    assert_eq!(all.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Nuova Logistica", "ROSSI TRASPORTI SRL"]);
    assert_eq!(store.customer(rossi).unwrap().data.email, "ordini@rossi.it");
    let nuova = store.customer(all[0].id).unwrap();
    assert_eq!(nuova.data.annual_turnover, Some(123_450));
    let rejected = std::fs::read_to_string(files.path().join("prospects-rejected.csv")).unwrap();
    assert!(rejected.contains("Partita Sbagliata;Roma") && rejected.contains("Partita IVA: "), "{rejected}");
    assert!(!rejected.contains("Nuova"), "{rejected}");

    // An export of the changes: saved as the dialog would have, every customer the first time.
    app.click("#exchange-profiles tr[data-profile=customers] .exchange-export-changes").await;
    let said = app.wait_text("#exchange-export-text", |t| t.contains("written to")).await;
    assert!(said.starts_with("All 2 rows"), "{said}");
    let exported = std::fs::read_dir(files.path())
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("customers-"))
        .expect("the export was saved");
    let text = std::fs::read_to_string(exported.path()).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    app.close().await;
}

#[tokio::test]
#[allow(clippy::await_holding_lock)]
async fn a_polish_erp_export_imports_with_what_the_wizard_proposes_and_a_country_for_the_file() {
    let _one = one_at_a_time();
    let files = tempfile::tempdir().unwrap();
    let source = files.path().join("kontrahenci.csv");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/parc-cli/tests/fixtures/import/pl-erp-cp1250.csv");
    std::fs::copy(fixture, &source).unwrap();
    std::env::set_var("PARC_TEST_OPEN_PATH", &source);
    // The office's home country is Italy: the file's own value (Poland) must win over it.
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        let boss = store
            .create_user(parc_core::office::UserData {
                name: "Marta Zielińska".into(),
                initials: "MZ".into(),
                role: parc_core::office::UserRole::Manager,
                active: true,
            })
            .unwrap();
        store.set_home_country(Some(boss.id), "IT").unwrap();
    })
    .await;

    let import = |again: bool| {
        let app = &app;
        async move {
            app.click(".tab[data-screen=exchange]").await;
            app.wait_css("#exchange-profiles tr[data-profile=customers]").await;
            app.click("#exchange-choose").await;
            // The import before hid the preview: shown again, it is this file's.
            app.wait_css("#exchange-preview:not([hidden])").await;
            app.wait_text("#exchange-file-rows", |t| t.contains('9')).await;
            assert_eq!(app.value("#exchange-encoding").await, "windows-1250");
            // Every column of the ERP's header is proposed; the register number is named as
            // not imported.
            let proposed = [
                "name",
                "vat_id",
                "city",
                "street",
                "postal_code",
                "phone",
                "email",
                "annual_turnover",
                "employees",
                "",
            ];
            for (i, field) in proposed.iter().enumerate() {
                let css = format!("#exchange-preview-table select[data-column='{i}']");
                assert_eq!(app.value(&css).await, *field, "column {i}");
            }
            let unmapped = app.wait_text("#exchange-unmapped", |t| !t.is_empty()).await;
            assert!(unmapped.contains("REGON"), "{unmapped}");
            let country =
                app.wait_text("#exchange-defaults select[name=country] option[value='']", |t| !t.is_empty()).await;
            assert!(country.contains("Italy"), "the home country is what a row gets otherwise: {country}");
            app.click("#exchange-defaults select[name=country] option[value=PL]").await;
            app.shot("import-preview").await;
            app.click("#exchange-check").await;
            let summary = app.wait_text("#exchange-summary", |t| !t.is_empty()).await;
            let expected = if again { "9 rows: 0 new, 0 updates, 6 already in Parc" } else { "9 rows: 6 new" };
            assert!(summary.starts_with(expected) && summary.contains("3 rejected"), "{summary}");
            let bad_nip = app.wait_text("#exchange-rows tr[data-line='8']", |t| !t.is_empty()).await;
            assert!(bad_nip.contains("NIP: "), "{bad_nip}");
            let no_name = app.wait_text("#exchange-rows tr[data-line='9']", |t| !t.is_empty()).await;
            assert!(no_name.contains(&format!("Nazwa: {}", en("validation.name_required"))), "{no_name}");
            app.wait_text("#exchange-rows tr[data-line='10']", |t| t.contains("NIP: ")).await;
            app.shot("import-check").await;
            app.click("#exchange-import").await;
            app.wait_text("#exchange-done-text", |t| !t.is_empty()).await
        }
    };
    let done = import(false).await;
    assert!(done.contains("6 new customers, 0 updates") && done.contains("3 rows rejected"), "{done}");
    let all = Store::open(app.db_path()).unwrap().all_customers().unwrap();
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|c| c.data.country == "PL"), "{all:?}");

    // The same file again: nothing new, nothing changed.
    let done = import(true).await;
    assert!(done.contains("0 new customers, 0 updates"), "{done}");
    assert_eq!(Store::open(app.db_path()).unwrap().all_customers().unwrap().len(), 6);

    // Settings show the office's home country; only a manager changes it.
    app.click(".tab[data-screen=settings]").await;
    app.wait_css("#screen-settings:not([hidden])").await;
    app.wait_text("#home-country option:checked", |t| t.contains("Italy")).await;
    assert!(app.client.find(fantoccini::Locator::Css("#home-country:disabled")).await.is_ok(), "a salesperson");
    app.shot("settings-home-country").await;

    // Anna becomes the sales manager: she sets the home country, and imports a file with a
    // header only close to a name (guessed) and a column she keeps as an office field.
    {
        let mut store = Store::open(app.db_path()).unwrap();
        let anna = store.users().unwrap().into_iter().find(|u| u.data.name == parc_e2e::USER_NAME).unwrap();
        let data = parc_core::office::UserData { role: parc_core::office::UserRole::Manager, ..anna.data };
        store.update_user(anna.id, anna.version, data).unwrap();
    }
    let segments = files.path().join("segmenty.csv");
    std::fs::write(&segments, "Company Name;Kraj;Telefono 1;NIP;Segment floty\r\nNowa Firma Sp. z o.o.;Polska;+48 22 600 00 00;7120003453;20+\r\n")
        .unwrap();
    std::env::set_var("PARC_TEST_OPEN_PATH", &segments);
    let app = app.restart().await;
    app.click(".tab[data-screen=settings]").await;
    app.wait_css("#home-country:not(:disabled)").await;
    app.click("#home-country option[value=PL]").await;
    for _ in 0..50 {
        if Store::open(app.db_path()).unwrap().home_country().unwrap().as_deref() == Some("PL") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(Store::open(app.db_path()).unwrap().home_country().unwrap().as_deref(), Some("PL"));

    app.click(".tab[data-screen=exchange]").await;
    app.wait_css("#exchange-profiles tr[data-profile=customers]").await;
    app.click("#exchange-choose").await;
    app.wait_text("#exchange-file-name", |t| t == "segmenty.csv").await;
    let mapped: Vec<String> = {
        let mut v = Vec::new();
        for i in 0..5 {
            v.push(app.value(&format!("#exchange-preview-table select[data-column='{i}']")).await);
        }
        v
    };
    assert_eq!(mapped, ["name", "country", "phone", "vat_id", ""]);
    let guessed = app.texts("#exchange-preview-table .guessed").await;
    assert_eq!(guessed, [en("exchange.guessed")], "only the close header is a guess");
    app.wait_text("#exchange-unmapped", |t| t.contains("Segment floty")).await;
    app.shot("import-guessed").await;
    app.click("#exchange-preview-table select[data-column='4'] option[value='__keep__']").await;
    app.wait_css("#exchange-unmapped[hidden]").await;
    assert!(app.value("#exchange-preview-table select[data-column='4']").await.starts_with("custom."));
    app.click("#exchange-check").await;
    let summary = app.wait_text("#exchange-summary", |t| !t.is_empty()).await;
    assert!(summary.starts_with("1 rows: 1 new"), "{summary}");
    app.click("#exchange-import").await;
    app.wait_text("#exchange-done-text", |t| t.contains("1 new customers")).await;
    let mut store = Store::open(app.db_path()).unwrap();
    let field = store.custom_fields().unwrap().into_iter().find(|f| f.data.label == "Segment floty").unwrap();
    let nowa = store.all_customers().unwrap().into_iter().find(|c| c.data.name == "Nowa Firma Sp. z o.o.").unwrap();
    assert_eq!((nowa.data.country.as_str(), nowa.data.phone.as_str()), ("PL", "+48 22 600 00 00"));
    assert_eq!(nowa.data.custom.get(&field.id).map(String::as_str), Some("20+"));
    app.close().await;
}
