//! Offers in the real window: built from the price list on a customer's card, totals following
//! a discount as it is typed, saved with the office's number, sent (and then read only), and
//! revised into revision 2 while revision 1 stays as it was sent.

use parc_core::host::testing::customer;
use parc_core::offer::{OfferStatus, PriceItemData};
use parc_core::office::{UserData, UserRole};
use parc_core::Store;
use parc_e2e::App;

const ENTER: &str = "\u{e007}";

#[tokio::test]
async fn an_offer_is_built_from_the_price_list_sent_printed_and_revised() {
    // Where "Save PDF…" writes instead of asking: WebDriver cannot drive the native dialog.
    let saved = tempfile::tempdir().unwrap();
    std::env::set_var("PARC_TEST_SAVE_DIR", saved.path());
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        store.create_customer(customer("Trans-Łódź Sp. z o.o.", "Łódź", "PL", "")).unwrap();
        let boss = UserData { name: "Capo".into(), role: UserRole::Manager, active: true, ..Default::default() };
        let boss = store.create_user(boss).unwrap();
        let tgx = PriceItemData {
            code: "TGX-18.510".into(),
            kind: "model".into(),
            names: [
                ("en".to_string(), "TGX 18.510 tractor".to_string()),
                ("pl".to_string(), "Ciągnik TGX 18.510".to_string()),
            ]
            .into(),
            price: 9_500_000,
            currency: "EUR".into(),
            ..Default::default()
        };
        store.save_price_item(Some(boss.id), None, 0, tgx, false).unwrap();
    })
    .await;

    app.type_into("#search", "lodz").await;
    app.wait_results(&["Trans-Łódź Sp. z o.o."]).await;
    app.click("#results .result").await;
    app.click(".card-tab[data-panel=deals]").await;
    app.click("#card-offer-new").await;
    app.wait_css("#offer-form:not([hidden])").await;
    assert_eq!(app.value("#offer-form [name=language]").await, "pl", "the customer's language, not the screen's");

    // From the price list by keyboard: type, Enter adds the first match in Polish.
    app.type_into("#offer-pick", "tgx").await;
    app.wait_css("#offer-picks button.offer-pick").await;
    app.wait_css("#offer-pick").await.send_keys(ENTER).await.unwrap();
    app.wait_css("#offer-lines tr [name=l_description]").await;
    assert_eq!(app.value("#offer-lines tr [name=l_description]").await, "Ciągnik TGX 18.510");
    app.type_into("#offer-lines tr [name=l_quantity]", "2").await;
    // 2 × 95,000.00 at the office's 22 % VAT.
    app.wait_text("#offer-totals", |t| t.contains("231,800.00 EUR")).await;
    app.type_into("#offer-form [name=global_discount]", "5").await;
    // Less 5 %: 180,500.00 net, 39,710.00 VAT, 220,210.00 in all.
    app.wait_text("#offer-totals", |t| t.contains("220,210.00 EUR") && t.contains("39,710.00 EUR")).await;

    // Saved twice in a hurry (the second before the first has answered): one offer, one
    // number, as both saves carry the builder's key.
    app.client.execute("const b = document.getElementById('offer-save'); b.click(); b.click();", vec![]).await.unwrap();
    let number = format!("OF-{}-0001", parc_core::chrono::Local::now().format("%Y"));
    app.wait_text("#offer-number", |t| t == number).await;
    let all = parc_core::offer::OfferQuery { limit: u32::MAX, ..Default::default() };
    assert_eq!(Store::open(app.db_path()).unwrap().offers(&all).unwrap().len(), 1, "one offer for two saves");
    app.click("#offer-send").await;
    app.wait_text("#offer-status", |t| t == "Sent").await;
    app.wait_css("#offer-locked:not([hidden])").await;
    app.click("#offer-pdf-save").await;
    let file = saved.path().join(format!("{number}-r1.pdf"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !file.exists() {
        assert!(std::time::Instant::now() < deadline, "the PDF was never saved");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let text =
        std::process::Command::new("pdftotext").args(["-raw", "-enc", "UTF-8"]).arg(&file).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Trans-Łódź Sp. z o.o.") && text.contains("Ciągnik TGX 18.510"), "{text}");
    app.click("#offer-revise").await;
    app.wait_text("#offer-revision", |t| t == "revision 2").await;
    app.wait_text("#offer-status", |t| t == "Draft").await;

    let mut store = Store::open(app.db_path()).unwrap();
    let sent = store.offer_by_number(&number, Some(1)).unwrap();
    assert_eq!(sent.status, OfferStatus::Sent);
    assert_eq!((sent.totals.net, sent.totals.gross), (18_050_000, 22_021_000));
    assert_eq!(sent.data.lines[0].unit_price, 9_500_000);
    let revised = store.offer_by_number(&number, None).unwrap();
    assert_eq!((revised.revision, revised.status), (2, OfferStatus::Draft));
    assert_eq!(revised.data.lines, sent.data.lines);
    app.close().await;
}
