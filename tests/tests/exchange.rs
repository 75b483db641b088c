//! The CSV exchange in the real window: a small file imported through the wizard, with one
//! bad row (rejected with its reason, into the rejected rows' file) and one duplicate (the
//! person chooses to update the stored customer), then an export saved where the native
//! dialog would have asked.

use parc_core::i18n::{tr, Locale};
use parc_core::storage::CustomerQuery;
use parc_core::testing::customer;
use parc_core::Store;
use parc_e2e::App;

fn en(key: &'static str) -> &'static str {
    tr(Locale::En, key)
}

#[tokio::test]
async fn a_file_with_a_bad_row_and_a_duplicate_goes_through_the_wizard() {
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
