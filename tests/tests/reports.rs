//! The manager's reports in the real window, on a demo office: every report opens with its
//! chart and table, a wider period changes the figures to what the core computes, one report
//! is exported as CSV through the system's save dialog, the pyramid's tier shows on a card and
//! filters the customer list, the card's analysis shows the seven P's, and a report kept to a
//! saved segment counts only its customers.

use std::time::{Duration, Instant};

use parc_core::customer::CustomerQuery;
use parc_core::ground::i18n::{tr, Locale};
use parc_core::report::{Cell, ReportKind, ReportQuery};
use parc_core::segment::{SegmentData, SegmentFilter};
use parc_core::{host::demo, Store};
use parc_e2e::fantoccini::Locator;
use parc_e2e::{answer_save_dialog, App, PATIENCE};

fn today() -> parc_core::chrono::NaiveDate {
    parc_core::chrono::Local::now().date_naive()
}

fn en(key: &str) -> String {
    tr(Locale::En, key).to_string()
}

/// Sets a date field the way a person's pick does: value, then the change event.
async fn set_date(app: &App, id: &str, day: &str) {
    let js = format!(
        "const e = document.getElementById('{id}'); e.value = '{day}'; e.dispatchEvent(new Event('change', {{ bubbles: true }}));"
    );
    app.client.execute(&js, vec![]).await.unwrap();
}

/// The number of elements matching `css`, once it is `n`.
async fn wait_count(app: &App, css: &str, ok: impl Fn(usize) -> bool) -> usize {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let n = app.client.find_all(Locator::Css(css)).await.map(|v| v.len()).unwrap_or(0);
        if ok(n) {
            return n;
        }
        assert!(Instant::now() < deadline, "{css}: {n} elements");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_manager_reads_every_report_over_a_period_exports_one_and_sees_tiers_and_the_seven_ps() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        demo::load_office(&mut store, 120, 3, today(), |_, _| {}).unwrap();
        let italy = SegmentFilter { countries: vec!["IT".into()], ..Default::default() };
        store.create_segment(SegmentData { name: "Italy".into(), filter: italy }).unwrap();
    })
    .await;
    // A salesperson has no reports; the sales manager of the demo office has.
    assert!(app.client.find(Locator::Css(".tab[data-screen=reports]:not([hidden])")).await.is_err());
    app.click("#who-button").await;
    app.wait_css("#who-dialog[open]").await;
    // The demo's six salespeople and the one the harness added: a row each, side by side.
    let (manager, sellers) = {
        let mut store = Store::open(app.db_path()).unwrap();
        let users = store.users().unwrap();
        let manager = users.iter().find(|u| u.data.name == "Francesca Moretti").unwrap().id;
        (manager, users.iter().filter(|u| u.data.role == parc_core::office::UserRole::Salesperson).count())
    };
    assert_eq!(sellers, 7);
    app.click(&format!("#who-list button[data-user-id='{manager}']")).await;
    app.click(".tab[data-screen=reports]:not([hidden])").await;

    // Prospects and orders, this month and the two before: each salesperson side by side.
    let title = en("report.activity.title");
    app.wait_text("#reports-title", |t| t == title).await;
    wait_count(&app, "#reports-table tbody tr", |n| n == sellers).await;
    app.wait_text("#reports-table tbody", |t| t.contains("Giulia Romano")).await;
    wait_count(&app, "#reports-chart rect", |n| n > 0).await;

    // From 2020 on, the totals are the core's for that period.
    let orders = |from: Option<&str>, segment_id: Option<i64>| {
        let mut store = Store::open(app.db_path()).unwrap();
        let q = ReportQuery {
            from: from.map(str::to_string),
            currency: Some("EUR".into()),
            segment_id,
            ..Default::default()
        };
        let t = store.report(ReportKind::Activity, &q, today(), Locale::En).unwrap().table;
        match &t.total.unwrap()[3] {
            Cell::Int(n) => *n,
            other => panic!("{other:?}"),
        }
    };
    let (recent, since_2020) = (orders(None, None), orders(Some("2020-01-01"), None));
    assert!(since_2020 > recent, "a wider period has more orders: {recent} then {since_2020}");
    set_date(&app, "reports-from", "2020-01-01").await;
    app.wait_text("#reports-subtitle", |t| t.starts_with("01/01/2020")).await;
    // Salesperson, deals opened, prospects, orders…
    let wait_orders = |n: i64| {
        let app = &app;
        async move {
            let deadline = Instant::now() + PATIENCE;
            loop {
                let cells = app.texts("#reports-table tfoot tr > *").await;
                if cells.get(3).map(String::as_str) == Some(n.to_string().as_str()) {
                    break;
                }
                assert!(Instant::now() < deadline, "the totals {cells:?} should show {n} orders");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    wait_orders(since_2020).await;

    // Kept to the Italian customers (a saved segment): their orders only, and the subtitle says so.
    let italy = Store::open(app.db_path()).unwrap().segment_named("Italy").unwrap().unwrap().id;
    let italian = orders(Some("2020-01-01"), Some(italy));
    assert!(italian > 0 && italian < since_2020, "{italian} of {since_2020} orders");
    app.wait_css("#reports-segment").await.select_by_value(&italy.to_string()).await.unwrap();
    app.wait_text("#reports-subtitle", |t| t.contains("segment “Italy”")).await;
    wait_orders(italian).await;
    app.shot("reports-segment").await;
    app.wait_css("#reports-segment").await.select_by_value("").await.unwrap();
    app.wait_text("#reports-subtitle", |t| !t.contains("Italy")).await;
    wait_orders(since_2020).await;
    // The same from the Segments screen: the saved segment's Reports button.
    app.click(".tab[data-screen=segments]").await;
    app.wait_text("#segment-rows", |t| t.contains("Italy")).await;
    app.click("#segment-rows tr:first-child td").await;
    app.wait_css("#segment-report:not([hidden])").await;
    app.shot("segment-reports-button").await;
    app.click("#segment-report:not([hidden])").await;
    app.wait_text("#reports-subtitle", |t| t.contains("segment “Italy”")).await;
    assert_eq!(app.value("#reports-segment").await, italy.to_string());
    wait_orders(italian).await;
    app.wait_css("#reports-segment").await.select_by_value("").await.unwrap();
    wait_orders(since_2020).await;

    // Every report opens with its table (and a chart where there is one).
    for (kind, chart) in [
        ("contacts", "rect"),
        ("contact-roles", "rect"),
        ("products", "rect"),
        ("outcomes", "rect"),
        ("reasons", "rect"),
        ("competitors", "rect"),
        ("stages", "rect"),
        ("cost", ""),
        ("pyramid", "polygon"),
        ("market", "polyline"),
        ("activity", "rect"),
    ] {
        app.click(&format!(".reports-item[data-report='{kind}']")).await;
        let title = en(&ReportKind::parse(kind).unwrap().title_key());
        app.wait_text("#reports-title", |t| t == title).await;
        wait_count(&app, "#reports-table thead th", |n| n >= 3).await;
        if !chart.is_empty() {
            wait_count(&app, &format!("#reports-chart {chart}"), |n| n > 0).await;
        }
    }
    // The pyramid: three tiers, and the cut-offs only the manager changes.
    app.click(".reports-item[data-report='pyramid']").await;
    wait_count(&app, "#reports-chart polygon", |n| n == 3).await;
    assert!(app.wait_css("#reports-pyramid-form [name=a]").await.is_enabled().await.unwrap());

    // Won, lost, postponed as CSV, where the manager chooses.
    app.click(".reports-item[data-report='outcomes']").await;
    let title = en("report.outcomes.title");
    app.wait_text("#reports-title", |t| t == title).await;
    let file = app.dir.path().join("outcomes.csv");
    app.click("#reports-export").await;
    let (display, title, target) = (app.display.clone(), en("reports.export_title"), file.clone());
    tokio::task::spawn_blocking(move || answer_save_dialog(&display, &title, &target)).await.unwrap();
    app.wait_text("#toasts", |t| t.contains(&file.display().to_string())).await;
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with(&en("report.col.salesperson")), "{}", lines[0]);
    assert_eq!(lines.len(), sellers + 2, "heading, the salespeople, total: {text}");
    assert!(lines.iter().any(|l| l.starts_with("Giulia Romano;")));

    // The tier filters the customer list and shows on the card; the card's analysis.
    let first_a = {
        let mut store = Store::open(app.db_path()).unwrap();
        let q = CustomerQuery { tier: Some("A".into()), ..Default::default() };
        store.search_customers(&q).unwrap()[0].name.clone()
    };
    app.click(".tab[data-screen=customers]").await;
    app.wait_css("#tier-filter").await.select_by_value("A").await.unwrap();
    app.wait_text("#results .result .name", |t| t.starts_with(&first_a)).await;
    app.click("#results .result").await;
    app.wait_text("#card-tier", |t| t == "Tier A").await;
    app.click(".card-tab[data-panel=analysis]").await;
    wait_count(&app, "#analysis-ps .analysis-p", |n| n == 7).await;
    let persistency = en("report.p.persistency");
    app.wait_text("#analysis-ps", |t| t.contains(&persistency)).await;
    app.close().await;
}
