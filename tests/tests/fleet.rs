//! Fleets, share and the renewal radar in the real Parc window: a salesperson records a
//! customer's vehicles (a mistyped VIN is refused in their language), sees our share move, and
//! plans a next action from a renewal coming due.

use parc_core::customer::CustomerData;
use parc_core::fleet::FleetLineData;
use parc_core::ground::i18n::{tr, Locale};
use parc_core::Store;
use parc_e2e::fantoccini::Locator;
use parc_e2e::App;

fn today() -> parc_core::chrono::NaiveDate {
    parc_core::chrono::Local::now().date_naive()
}

fn customer(name: &str, city: &str) -> CustomerData {
    CustomerData { name: name.into(), city: city.into(), country: "IT".into(), ..Default::default() }
}

/// The office sells `brand`.
fn we_sell(store: &mut Store, brand: &str) {
    let mut s = store.fleet_settings().unwrap();
    s.brands.iter_mut().find(|b| b.name == brand).unwrap().ours = true;
    store.save_fleet_settings(s).unwrap();
}

/// Clicks `css` after scrolling it to the middle of its scrolling pane: WebKitWebDriver does
/// not scroll an element at the bottom edge of a nested scroll container into view itself.
async fn click_in_view(app: &App, css: &str) {
    let el = app.wait_css(css).await;
    app.client
        .execute("arguments[0].scrollIntoView({block: 'center'})", vec![serde_json::to_value(&el).unwrap()])
        .await
        .unwrap();
    app.click(css).await;
}

async fn open_fleet_of(app: &App, name: &str) {
    app.wait_results(&[name]).await;
    app.click("#results .result").await;
    app.wait_text("#card-title", |t| t == name).await;
    app.click(".card-tab[data-panel=fleet]").await;
    app.wait_css("#panel-fleet:not([hidden])").await;
}

async fn fill_line(app: &App, brand: &str, model: &str, vehicles: &str, vin: &str) {
    app.type_into("#fleet-form [name=brand]", brand).await;
    app.type_into("#fleet-form [name=model]", model).await;
    app.wait_css("#fleet-form [name=category]").await.select_by_value("tractor").await.unwrap();
    app.type_into("#fleet-form [name=vehicles]", vehicles).await;
    app.type_into("#fleet-form [name=gross_weight_kg]", "18000").await;
    app.type_into("#fleet-form [name=vin]", vin).await;
    app.type_into("#fleet-form [name=first_registered]", "2022").await;
}

#[tokio::test]
async fn a_bad_vin_is_refused_in_the_persons_language_and_a_good_line_moves_the_share() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        store.create_customer(customer("Rossi Trasporti S.r.l.", "Forlì")).unwrap();
    })
    .await;

    // The office says which brands it sells, in Settings.
    app.click(".tab[data-screen=settings]").await;
    click_in_view(&app, "#settings-brands input[data-brand='MAN']").await;
    click_in_view(&app, "#fleet-settings button[type=submit]").await;
    app.wait_text("#toasts", |t| t.contains(&tr(Locale::En, "settings.fleet_saved").replace("{brands}", "1"))).await;

    app.click(".tab[data-screen=customers]").await;
    open_fleet_of(&app, "Rossi Trasporti S.r.l.").await;
    app.wait_text("#fleet-share-total", |t| t == tr(Locale::En, "fleet.share_none")).await;

    // A VIN with the letter O: refused, the field says why, nothing is saved.
    app.click("#fleet-new").await;
    fill_line(&app, "man", "TGX 18.510", "1", "WMA06XZZ4NM12345O").await;
    click_in_view(&app, "#fleet-form button[type=submit]").await;
    let message = app.wait_text("#fleet-form [name=vin] ~ .field-error", |t| !t.is_empty()).await;
    assert_eq!(message, tr(Locale::En, "validation.vin"));
    let db = app.db_path();
    let id = Store::open(&db).unwrap().search_customers(&Default::default()).unwrap()[0].id;
    assert!(Store::open(&db).unwrap().fleet(id).unwrap().lines.is_empty(), "nothing was saved");

    // The same mistake in Italian gets the Italian message.
    app.click(".tab[data-screen=settings]").await;
    app.wait_css("#language").await.select_by_value("it").await.unwrap();
    app.wait_text(".tab[data-screen=customers]", |t| t == tr(Locale::It, "nav.customers")).await;
    app.click(".tab[data-screen=customers]").await;
    click_in_view(&app, "#fleet-form button[type=submit]").await;
    app.wait_text("#fleet-form [name=vin] ~ .field-error", |t| t == tr(Locale::It, "validation.vin")).await;

    // Corrected (a valid check digit), it is saved and the card shows our share.
    app.type_into("#fleet-form [name=vin]", "1M8GDM9AXKP042788").await;
    click_in_view(&app, "#fleet-form button[type=submit]").await;
    app.wait_text("#toasts", |t| t.contains(tr(Locale::It, "fleet.saved"))).await;
    let share = |pct: &str, ours: &str, all: &str| {
        tr(Locale::It, "fleet.share_total").replace("{pct}", pct).replace("{ours}", ours).replace("{vehicles}", all)
    };
    app.wait_text("#fleet-share-total", |t| t == share("100,0%", "1", "1")).await;
    app.wait_text("#fleet-lines tbody", |t| t.contains("MAN TGX 18.510") && t.contains("1M8GDM9AXKP042788")).await;

    // Three competitor tractors: our share falls to a quarter, and the brand mix shows both.
    app.click("#fleet-new").await;
    fill_line(&app, "Volvo", "FH 500", "3", "").await;
    click_in_view(&app, "#fleet-form button[type=submit]").await;
    app.wait_text("#fleet-share-total", |t| t == share("25,0%", "1", "4")).await;
    let bars = app.texts("#fleet-chart svg .label").await;
    assert_eq!(bars, ["Volvo", "MAN"]);
    app.wait_text("#fleet-count", |t| t == "4").await;

    let lines = Store::open(&db).unwrap().fleet(id).unwrap().lines;
    assert_eq!(lines.len(), 2);
    let man = lines.iter().find(|l| l.data.brand == "MAN").unwrap();
    assert_eq!((man.data.vin.as_str(), man.data.renewal_due.as_deref()), ("1M8GDM9AXKP042788", Some("2027-07-01")));

    // A line's history of changes: who added it, in the person's language.
    click_in_view(&app, "#fleet-lines tbody tr:first-child .link").await;
    click_in_view(&app, "#fleet-changes").await;
    app.wait_css("#changes-dialog[open]").await;
    app.wait_text("#changes-dialog", |t| t.contains(tr(Locale::It, "changes.created"))).await;
    app.close().await;
}

#[tokio::test]
async fn the_renewal_radar_plans_a_next_action_from_a_line() {
    let due = today() + parc_core::chrono::Days::new(40);
    let due_text = due.format("%Y-%m-%d").to_string();
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        we_sell(&mut store, "MAN");
        let a = store.create_customer(customer("Bianchi Logistica S.p.A.", "Verona")).unwrap();
        let b = store.create_customer(customer("Conti Edilizia S.r.l.", "Bologna")).unwrap();
        let by_hand = |brand: &str, model: &str, n: i64| FleetLineData {
            brand: brand.into(),
            model: model.into(),
            category: "tractor".into(),
            vehicles: n,
            renewal_manual: true,
            renewal_due: Some(due_text.clone()),
            ..Default::default()
        };
        store
            .create_fleet_bulk(vec![
                (a.id, by_hand("MAN", "TGX 18.470", 6)),
                (b.id, by_hand("Scania", "R 450", 2)),
                (b.id, by_hand("Volvo", "FH 460", 1)),
            ])
            .unwrap();
    })
    .await;

    app.click(".tab[data-screen=renewals]").await;
    // Competitors' vehicles first: Conti (3 to win) before Bianchi (6 of ours to keep).
    app.wait_text("#renewals-list", |t| t.contains("Conti Edilizia S.r.l.")).await;
    let rows = app.texts("#renewals-list .radar-customer summary .radar-who strong").await;
    assert_eq!(rows, ["Conti Edilizia S.r.l.", "Bianchi Logistica S.p.A."]);
    // Sorted by volume instead, Bianchi comes first.
    app.wait_css("#renewals-sort").await.select_by_value("volume").await.unwrap();
    app.wait_text("#renewals-list .radar-customer summary .radar-who strong", |t| t == "Bianchi Logistica S.p.A.")
        .await;
    app.wait_css("#renewals-sort").await.select_by_value("competitors").await.unwrap();
    app.wait_text("#renewals-list .radar-customer summary .radar-who strong", |t| t == "Conti Edilizia S.r.l.").await;

    // Open Conti's row: its lines, competitors' first; plan the next action from the Scania line.
    app.click("#renewals-list .radar-customer summary").await;
    let lines = app.texts("#renewals-list .radar-customer[open] .radar-lines li span").await;
    assert!(lines[0].contains("Scania R 450") && lines[1].contains("Volvo FH 460"), "{lines:?}");
    app.click("#renewals-list .radar-customer[open] .radar-lines li .plan").await;
    app.wait_css("#renewal-dialog[open]").await;
    let text = app.value("#renewal-form [name=next_action]").await;
    assert!(text.contains("Scania R 450"), "{text}");
    app.click("#renewal-form button[type=submit]").await;
    app.wait_text("#toasts", |t| t.contains("Conti Edilizia S.r.l.")).await;
    app.wait_css("#renewal-dialog:not([open])").await;

    let mut store = Store::open(app.db_path()).unwrap();
    let conti = store
        .search_customers(&parc_core::customer::CustomerQuery { text: "Conti".into(), ..Default::default() })
        .unwrap()[0]
        .id;
    let history = store.contact_history(conti, &Default::default()).unwrap();
    assert_eq!(history.len(), 1);
    let next = &history[0].data;
    assert_eq!(next.next_action, text);
    assert_eq!(next.next_kind, "visit", "competitors' vehicles are won on a visit");
    assert!(
        next.next_due.is_some()
            && next.next_user_id.is_some()
            && next.agreed.contains(&due.format("%d/%m/%Y").to_string())
    );

    // From the toast, the customer's card opens on its fleet.
    app.click("#toasts .toast button").await;
    app.wait_text("#card-title", |t| t == "Conti Edilizia S.r.l.").await;
    app.wait_css("#panel-fleet:not([hidden])").await;

    // Back on the radar, one click starts a deal for the vehicles of a line.
    app.click(".tab[data-screen=renewals]").await;
    app.click("#renewals-list .radar-customer summary").await;
    app.click("#renewals-list .radar-customer[open] .radar-lines li .start-deal").await;
    app.wait_text("#toasts", |t| {
        t.contains(&tr(Locale::En, "renewals.deal_started").replace("{name}", "Conti Edilizia S.r.l."))
    })
    .await;
    let deals = store
        .deals(&parc_core::funnel::deal::DealQuery::default(), parc_core::chrono::Local::now().date_naive())
        .unwrap();
    assert_eq!(deals.len(), 1);
    let deal = store.deal(deals[0].id).unwrap();
    assert_eq!(deal.customer_id, conti);
    assert_eq!(deal.data.vehicles[0].source, "radar");
    assert!(deal.data.vehicles[0].vehicle_id.is_some());
    app.close().await;
}

/// Not a check: screenshots of the fleet screens on a demo office, for a person to look at.
/// Run with `cargo test -p parc-e2e --test fleet -- --ignored look`; PNGs go to PARC_SHOTS
/// (default /tmp/parc-shots).
#[tokio::test]
#[ignore]
async fn look() {
    let out = std::path::PathBuf::from(std::env::var("PARC_SHOTS").unwrap_or_else(|_| "/tmp/parc-shots".into()));
    std::fs::create_dir_all(&out).unwrap();
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        parc_core::host::demo::load(&mut store, 400, 1, today(), |_, _| {}).unwrap();
    })
    .await;
    let shot = |name: &'static str| {
        let client = app.client.clone();
        let path = out.join(format!("{name}.png"));
        async move { std::fs::write(path, client.screenshot().await.unwrap()).unwrap() }
    };
    app.wait_css("#results .result").await;
    app.type_into("#search", "logist").await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    app.click("#results .result").await;
    app.wait_css("#card-view:not([hidden])").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.click(".card-tab[data-panel=fleet]").await;
    app.wait_css("#panel-fleet:not([hidden]) #fleet-chart svg").await;
    shot("fleet").await;
    app.click("#fleet-lines tbody tr .link").await;
    app.wait_css("#fleet-form:not([hidden])").await;
    shot("fleet-form").await;
    app.click(".card-tab[data-panel=competitors]").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    shot("competitors").await;
    app.click(".tab[data-screen=renewals]").await;
    app.wait_css("#renewals-list .radar-customer").await;
    app.click("#renewals-list .radar-customer summary").await;
    shot("renewals").await;
    app.click(".tab[data-screen=market]").await;
    app.wait_css("#market-table tbody tr").await;
    shot("market").await;
    let chart = app.wait_css("#market-chart").await;
    app.client.execute("arguments[0].scrollIntoView()", vec![serde_json::to_value(&chart).unwrap()]).await.unwrap();
    shot("market-brands").await;
    app.click(".tab[data-screen=agenda]").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    shot("agenda").await;
    app.click(".tab[data-screen=settings]").await;
    app.wait_css("#settings-brands li").await;
    let form = app.client.find(Locator::Css("#fleet-settings")).await.unwrap();
    app.client.execute("arguments[0].scrollIntoView()", vec![serde_json::to_value(&form).unwrap()]).await.unwrap();
    shot("settings").await;
    app.close().await;
}
