//! Cancel in the import wizard, with a file large enough to be stopped half-way: Esc while its
//! rows are checked, the Cancel button while they are saved. (A file of its own: the wizard's
//! file comes from `PARC_TEST_OPEN_PATH`, which the tests of one binary would share.)

use parc_core::ground::i18n::{tr, Locale};
use parc_core::host::testing::customer;
use parc_core::Store;
use parc_e2e::{App, LONG_WORK};

fn en(key: &'static str) -> &'static str {
    tr(Locale::En, key)
}

/// A large file: Esc stops its check, and Cancel stops its import while rows are being saved;
/// neither leaves a customer behind, and the wizard says so calmly.
#[tokio::test]
async fn cancel_stops_a_large_import_and_saves_nothing() {
    let files = tempfile::tempdir().unwrap();
    let source = files.path().join("erp-customers.csv");
    let mut text = String::from("name;city;country;email;person_name\n");
    for i in 0..60_000 {
        text.push_str(&format!("Autotrasporti {i} S.r.l.;Verona;IT;info{i}@example.com;Mario Bianchi {i}\n"));
    }
    std::fs::write(&source, text).unwrap();
    std::env::set_var("PARC_TEST_OPEN_PATH", &source);
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        store.create_customer(customer("Rossi Trasporti S.r.l.", "Verona", "IT", "")).unwrap();
    })
    .await;

    app.click(".tab[data-screen=exchange]").await;
    app.wait_css("#exchange-profiles tr[data-profile=customers]").await;
    app.click("#exchange-choose").await;
    app.wait_text("#exchange-file-rows", |t| t.contains("60")).await;

    // Esc while the rows are being checked.
    app.click("#exchange-check").await;
    app.wait_css("#exchange-import-status:not([hidden])").await;
    app.client.active_element().await.unwrap().send_keys("\u{e00c}").await.unwrap();
    let note = app.wait_text("#exchange-import-note", |t| !t.is_empty()).await;
    assert_eq!(note, en("error.cancelled"));
    app.wait_css("#exchange-import-status[hidden]").await;
    assert!(app.texts("#exchange-import-error:not([hidden])").await.is_empty(), "a cancel is not an error");

    // Checked whole, then Cancel while saving.
    app.click("#exchange-check").await;
    // The whole check of 60,000 rows: ~10 s in the debug build on an idle 2-core machine,
    // past PATIENCE when the machine is loaded (the flake seen with three builds beside it).
    let summary = app.wait_text_for(LONG_WORK, "#exchange-summary", |t| !t.is_empty()).await;
    assert!(summary.starts_with("60,000 rows: 60,000 new"), "{summary}");
    app.click("#exchange-import").await;
    let saving = format!("{} {}", en("exchange.importing"), en("exchange.stage.writing"));
    // Saving starts once the rows are checked again.
    app.wait_text_for(LONG_WORK, "#exchange-import-text", |t| t.starts_with(&saving)).await;
    app.click("#exchange-cancel").await;
    let note = app.wait_text("#exchange-import-note", |t| !t.is_empty()).await;
    assert_eq!(note, en("error.cancelled"));
    assert!(app.texts("#exchange-done:not([hidden])").await.is_empty(), "nothing was imported");
    app.shot("import-cancelled").await;
    let mut store = Store::open(app.db_path()).unwrap();
    assert_eq!(store.count_customers().unwrap(), 1, "the cancelled import left no customer");
    app.close().await;
}
