//! Segments in the real Parc window: a salesperson describes the customers worth calling
//! (competitors' vehicles due for renewal), watches the count follow the filter, saves the
//! segment and finds it ranked in the office's table.

use parc_core::customer::CustomerData;
use parc_core::fleet::FleetLineData;
use parc_core::Store;
use parc_e2e::{answer_save_dialog, App, PATIENCE};

fn customer(name: &str, city: &str, country: &str) -> CustomerData {
    CustomerData { name: name.into(), city: city.into(), country: country.into(), ..Default::default() }
}

fn due_in(days: u64) -> String {
    (parc_core::chrono::Local::now().date_naive() + parc_core::chrono::Days::new(days)).format("%Y-%m-%d").to_string()
}

fn line(brand: &str, n: i64, due: String) -> FleetLineData {
    FleetLineData {
        brand: brand.into(),
        category: "tractor".into(),
        vehicles: n,
        renewal_manual: true,
        renewal_due: Some(due),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_segment_of_competitors_due_for_renewal_is_counted_live_saved_and_ranked() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        let mut s = store.fleet_settings().unwrap();
        s.brands.iter_mut().find(|b| b.name == "MAN").unwrap().ours = true;
        store.save_fleet_settings(s).unwrap();
        let conti = store.create_customer(customer("Conti Edilizia S.r.l.", "Bologna", "IT")).unwrap();
        let bianchi = store.create_customer(customer("Bianchi Logistica S.p.A.", "Verona", "IT")).unwrap();
        let nowak = store.create_customer(customer("Nowak Transport", "Łódź", "PL")).unwrap();
        store
            .create_fleet_bulk(vec![
                (conti.id, line("Volvo", 3, due_in(60))),
                (bianchi.id, line("MAN", 6, due_in(60))),
                (nowak.id, line("Scania", 2, due_in(900))),
            ])
            .unwrap();
    })
    .await;
    app.click(".tab[data-screen=segments]").await;
    // The empty filter keeps everyone; the table says no segment is saved yet.
    app.wait_text("#segment-count", |t| t == "Customers: 3").await;
    app.wait_css("#segment-none:not([hidden])").await;

    // Competitors' vehicles due within 6 months: only Conti's Volvos.
    app.type_into("#segment-form [name=renewal_months]", "6").await;
    app.click("#segment-form [name=renewal_competitors]").await;
    app.wait_text("#segment-count", |t| t == "Customers: 1").await;
    assert_eq!(app.texts("#segment-customers tr td:first-child").await, ["Conti Edilizia S.r.l."]);
    app.wait_text("#segment-figures", |t| t.contains("3 competitors' vehicles due within 12 months")).await;

    // A mistyped number is refused with a clear message, and saving without a name too.
    app.type_into("#segment-form [name=competitor_share_min]", "150").await;
    app.wait_text("#segment-form .errors", |t| !t.is_empty()).await;
    let message = app.texts("#segment-form [name=competitor_share_min] ~ .field-error").await;
    assert!(message[0].contains("0 to 100"), "{message:?}");
    app.type_into("#segment-form [name=competitor_share_min]", "").await;
    app.wait_text("#segment-count", |t| t == "Customers: 1").await;
    app.click("#segment-form button[type=submit]").await;
    app.wait_text("#segment-form [name=name] ~ .field-error", |t| t == "Give the segment a name.").await;
    // The count of the field just cleared comes after the save: it must not wipe the message.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(app.texts("#segment-form [name=name] ~ .field-error").await, ["Give the segment a name."]);
    app.wait_text("#segment-count", |t| t == "Customers: 1").await;
    assert!(Store::open(app.db_path()).unwrap().segments().unwrap().is_empty());

    app.type_into("#segment-form [name=name]", "Competitors due soon").await;
    app.click("#segment-form button[type=submit]").await;
    app.wait_text("#toasts", |t| t.contains("Competitors due soon")).await;
    app.wait_text("#segment-rows", |t| t.contains("Competitors due soon")).await;
    let cells = app.texts("#segment-rows tr:first-child td").await;
    assert_eq!(cells[..4], ["Competitors due soon", "1", "3", "3"], "{cells:?}");
    let saved = Store::open(app.db_path()).unwrap().segments().unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!((saved[0].filter.renewal_months, saved[0].filter.renewal_competitors), (Some(6), true));

    // A second segment, everyone in Italy, saved as new from the cleared filter.
    app.click("#segment-clear").await;
    app.wait_text("#segment-count", |t| t == "Customers: 3").await;
    app.wait_css("#segment-form [name=countries]").await.select_by_value("IT").await.unwrap();
    app.wait_text("#segment-count", |t| t == "Customers: 2").await;
    app.type_into("#segment-form [name=name]", "Italy").await;
    app.click("#segment-save-as").await;
    app.wait_text("#segment-rows", |t| t.contains("Italy")).await;
    app.shot("segments").await;
    // Ranked by competitors' vehicles due (Conti's 3 are in both), then by fleet: Italy first;
    // sorted by name on a click of its column.
    assert_eq!(app.texts("#segment-rows tr td:first-child").await, ["Italy", "Competitors due soon"]);
    app.click("#segment-table th[data-sort=name]").await;
    app.wait_text("#segment-rows tr:first-child td:first-child", |t| t == "Competitors due soon").await;

    // Its customers as a spreadsheet, where the person chooses.
    let file = app.dir.path().join("italy.csv");
    app.click("#segment-export").await;
    let (display, target) = (app.display.clone(), file.clone());
    tokio::task::spawn_blocking(move || answer_save_dialog(&display, "Save the segment's customers", &target))
        .await
        .unwrap();
    app.wait_text("#toasts", |t| t.contains("2 customers written to")).await;
    let deadline = std::time::Instant::now() + PATIENCE;
    while !file.exists() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let text = String::from_utf8(std::fs::read(&file).unwrap()).unwrap();
    let names: Vec<&str> = text.lines().skip(1).map(|l| l.split(';').next().unwrap()).collect();
    assert_eq!(names, ["Bianchi Logistica S.p.A.", "Conti Edilizia S.r.l."]);

    // Back to the first segment from the table; a row of its customers opens the card.
    app.click("#segment-rows tr:first-child td").await;
    app.wait_text("#segment-count", |t| t == "Customers: 1").await;
    assert_eq!(app.value("#segment-form [name=renewal_months]").await, "6");
    app.click("#segment-customers tr td").await;
    app.wait_text("#card-title", |t| t == "Conti Edilizia S.r.l.").await;
    app.close().await;
}

#[tokio::test]
async fn a_calling_campaign_on_a_segment_records_three_answers_and_its_lead_reaches_the_funnel() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        let mut s = store.fleet_settings().unwrap();
        s.brands.iter_mut().find(|b| b.name == "MAN").unwrap().ours = true;
        store.save_fleet_settings(s).unwrap();
        let mut lines = Vec::new();
        for (name, brand) in [("Conti Edilizia", "Volvo"), ("Bianchi Logistica", "Scania"), ("Rossi Trasporti", "DAF")]
        {
            let c = store.create_customer(customer(name, "Verona", "IT")).unwrap();
            lines.push((c.id, line(brand, 2, due_in(45))));
        }
        let ours = store.create_customer(customer("Verdi Autolinee", "Padova", "IT")).unwrap();
        lines.push((ours.id, line("MAN", 4, due_in(45))));
        store.create_fleet_bulk(lines).unwrap();
    })
    .await;
    // The segment: competitors' vehicles due within 6 months.
    app.click(".tab[data-screen=segments]").await;
    app.wait_text("#segment-count", |t| t == "Customers: 4").await;
    app.type_into("#segment-form [name=renewal_months]", "6").await;
    app.click("#segment-form [name=renewal_competitors]").await;
    app.wait_text("#segment-count", |t| t == "Customers: 3").await;
    app.type_into("#segment-form [name=name]", "Competitors due").await;
    app.click("#segment-form button[type=submit]").await;
    app.wait_text("#segment-rows", |t| t.contains("Competitors due")).await;

    // A calling campaign on it, saved, then started: its list is the segment's three customers.
    app.click(".tab[data-screen=campaigns]").await;
    app.wait_css("#campaign-none:not([hidden])").await;
    app.click("#campaign-new").await;
    app.type_into("#campaign-form [name=name]", "Winter calls").await;
    app.wait_css("#campaign-form [name=segment_id]").await.select_by_label("Competitors due").await.unwrap();
    app.type_into("#campaign-form [name=budget]", "1500").await;
    app.click("#campaign-form button[type=submit]").await;
    app.wait_text("#campaign-rows", |t| t.contains("Winter calls")).await;
    app.click("#campaign-start").await;
    app.click("#confirm-ok").await;
    app.wait_text("#campaign-count", |t| t == "3").await;
    let names = app.texts("#campaign-targets tr td:first-child").await;
    assert_eq!(names, ["Bianchi Logistica", "Conti Edilizia", "Rossi Trasporti"]);

    // Three answers: two keystrokes on the list (the next customer comes up by itself), one click.
    let focused = app.client.active_element().await.unwrap();
    focused.send_keys("1").await.unwrap();
    app.wait_text("#campaign-targets tr:nth-child(1) .response", |t| t == "Interested").await;
    app.wait_text("#toasts", |t| t.contains("Bianchi Logistica is interested")).await;
    app.client.active_element().await.unwrap().send_keys("2").await.unwrap();
    app.wait_text("#campaign-targets tr:nth-child(2) .response", |t| t == "Not now").await;
    app.click("#campaign-targets tr:nth-child(3) button[data-response=wrong_contact]").await;
    app.wait_text("#campaign-targets tr:nth-child(3) .response", |t| t == "Wrong contact").await;
    app.wait_text("#campaign-summary", |t| t == "Contacted 3 of 3 · leads 1 · deals won 0").await;
    let cells = app.texts("#campaign-rows tr:first-child td").await;
    assert_eq!(cells[4..8], ["3", "3", "1", "0"], "{cells:?}");
    assert_eq!(cells[10], "1,500 EUR", "cost per lead: {cells:?}");
    app.shot("campaign").await;

    // The lead is in the funnel, with the campaign's name.
    app.click(".tab[data-screen=funnel]").await;
    app.click(".view-tab[data-view=leads]").await;
    app.wait_text("#open-leads", |t| t.contains("Bianchi Logistica")).await;
    let store_leads = Store::open(app.db_path()).unwrap().campaign_targets(1).unwrap();
    assert!(store_leads[0].lead_id.is_some() && store_leads[1].lead_id.is_none());
    // The call is in the customer's history.
    let mut store = Store::open(app.db_path()).unwrap();
    let history = store.contact_history(store_leads[1].customer_id, &Default::default()).unwrap();
    assert_eq!(history[0].data.agreed, "Winter calls: Not now");
    app.close().await;
}
