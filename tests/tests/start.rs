//! The first start on an empty database: after "who works here", the start page's three ways
//! in, and the office's essentials for the sales manager.

use parc_core::Store;
use parc_e2e::fantoccini::key::Key;
use parc_e2e::{App, PATIENCE};

async fn focused_id(app: &App) -> String {
    let value = app
        .client
        .execute("return document.activeElement.id || document.activeElement.name;", vec![])
        .await
        .expect("active element");
    value.as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_salesperson_chooses_a_way_in_by_keyboard_and_the_demo_office_loads_with_progress() {
    let app = App::launch_to_start(None).await;
    app.wait_css("#start-ways:not([hidden])").await;
    assert!(app.client.find(parc_e2e::fantoccini::Locator::Css("#start-essentials:not([hidden])")).await.is_err());
    let ways = app.texts("#start-ways .start-choice strong").await;
    assert_eq!(ways, ["Import the customer list", "Load the demo office", "Start empty"]);
    // The first way has the focus; Tab goes to the next, Enter takes it.
    assert_eq!(focused_id(&app).await, "start-import");
    let import = app.wait_css("#start-import").await;
    import.send_keys(&Key::Tab.to_string()).await.expect("Tab");
    assert_eq!(focused_id(&app).await, "start-demo");
    app.shot("start-ways").await;
    app.wait_css("#start-demo").await.send_keys(&Key::Enter.to_string()).await.expect("Enter");

    app.wait_css("#screen-home:not([hidden])").await;
    // The bar showed the load to its end.
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let script = "const b = document.getElementById('start-demo-progress'); return [b.value, b.max];";
        let bar = app.client.execute(script, vec![]).await.expect("read the progress bar");
        let (value, max) = (bar[0].as_f64(), bar[1].as_f64());
        if value == Some(200.0) && max == Some(200.0) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "progress stopped at {value:?} of {max:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(Store::open(app.db_path()).unwrap().count_customers().unwrap(), 200);
    // With customers, the next start goes straight to Home.
    let app = app.restart().await;
    app.click(".tab[data-screen=home]").await;
    assert!(app.client.find(parc_e2e::fantoccini::Locator::Css("#screen-start:not([hidden])")).await.is_err());
    app.close().await;
}

#[tokio::test]
async fn importing_the_customer_list_opens_the_wizard_on_the_old_programs_file() {
    // The list as an older Windows program writes it: Windows-1252, semicolons, Italian headers.
    let files = tempfile::tempdir().unwrap();
    let source = files.path().join("clienti vecchio gestionale.csv");
    let mut bytes = b"Ragione sociale;Citt\xe0;Nazione;Partita IVA\r\n".to_vec();
    bytes.extend_from_slice(b"Trasporti Lucchesi S.r.l.;Lucca;IT;\r\nForl\xec Logistica;Forl\xec;IT;\r\n");
    std::fs::write(&source, bytes).unwrap();
    // What the system's open dialog would answer: WebDriver cannot drive it.
    std::env::set_var("PARC_TEST_OPEN_PATH", &source);

    let app = App::launch_to_start(None).await;
    app.click("#start-import").await;
    app.wait_css("#screen-exchange:not([hidden])").await;
    app.wait_css("#exchange-kind option[value=customers]:checked").await;
    app.wait_text("#exchange-file-name", |t| t == "clienti vecchio gestionale.csv").await;
    app.wait_text("#exchange-file-rows", |t| t.contains('2')).await;
    assert_eq!(app.value("#exchange-preview-table select[data-column='0']").await, "name");
    assert_eq!(app.value("#exchange-encoding").await, "windows-1252");
    app.close().await;
}

#[tokio::test]
async fn the_sales_manager_fills_the_office_essentials_each_skippable() {
    let app = App::launch_to_start(None).await;
    app.wait_css("#start-ways:not([hidden])").await;
    // The sales manager sits down: the essentials come first.
    app.click("#who-button").await;
    app.type_into("#who-form [name=name]", "Marta Capo").await;
    app.wait_css("#who-form [name=role]").await.select_by_value("manager").await.expect("role");
    app.click("#who-form button[type=submit]").await;
    app.wait_css("#start-essentials:not([hidden])").await;
    assert_eq!(focused_id(&app).await, "company_name");
    assert_eq!(app.value("#start-essentials [name=currency]").await, "EUR");

    // A phone without the company's name: refused, with the reason by the field; nothing saved.
    app.type_into("#start-essentials [name=phone]", "+39 0583 123456").await;
    app.wait_css("#start-essentials [name=currency]").await.select_by_value("PLN").await.expect("currency");
    app.wait_css("#start-essentials [name=home_country]").await.select_by_value("IT").await.expect("country");
    app.click("#start-essentials button[type=submit]").await;
    app.wait_text("#start-essentials [name=company_name] + .field-error", |t| t == "Enter the company name.").await;
    {
        let mut store = Store::open(app.db_path()).unwrap();
        assert_eq!(store.letterhead().unwrap().phone, "");
        assert_eq!(store.offer_settings().unwrap().currency, "EUR");
        assert_eq!(store.home_country().unwrap(), None);
    }

    app.type_into("#start-essentials [name=company_name]", "Autocarri Bianchi S.r.l.").await;
    app.type_into("#start-essentials [name=address_lines]", "Via Emilia 12").await;
    let address = app.wait_css("#start-essentials [name=address_lines]").await;
    address.send_keys(&format!("{}47121 Forlì FC", Key::Enter)).await.expect("second line");
    let volvo = app.texts("#start-brands label").await.iter().position(|b| b.trim() == "Volvo").expect("Volvo offered");
    app.click(&format!("#start-brands label:nth-child({}) input", volvo + 1)).await;
    app.shot("start-essentials").await;
    app.click("#start-essentials button[type=submit]").await;
    app.wait_css("#start-ways:not([hidden])").await;
    {
        let mut store = Store::open(app.db_path()).unwrap();
        let letterhead = store.letterhead().unwrap();
        assert_eq!(letterhead.company_name, "Autocarri Bianchi S.r.l.");
        assert_eq!(letterhead.address_lines, ["Via Emilia 12", "47121 Forlì FC"]);
        assert_eq!(letterhead.vat_id, "", "a field left empty stays as it was");
        assert_eq!(store.offer_settings().unwrap().currency, "PLN");
        assert_eq!(store.home_country().unwrap().as_deref(), Some("IT"));
        let ours: Vec<String> =
            store.fleet_settings().unwrap().brands.into_iter().filter(|b| b.ours).map(|b| b.name).collect();
        assert_eq!(ours, ["Volvo"]);
    }
    app.click("#start-empty").await;
    app.wait_css("#screen-home:not([hidden])").await;
    app.close().await;
}
