use parc_core::{demo, Store};
use parc_e2e::App;

#[tokio::test]
async fn shots() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        demo::load_office(&mut store, 300, 3, parc_core::chrono::Local::now().date_naive(), |_, _| {}).unwrap();
    })
    .await;
    app.click("#who-button").await;
    app.wait_css("#who-dialog[open]").await;
    app.click("#who-list button[data-user-id='1']").await;
    app.click(".tab[data-screen=reports]:not([hidden])").await;
    for kind in ["activity", "contacts", "contact-roles", "products", "outcomes", "stages", "cost", "pyramid", "market"] {
        app.click(&format!(".reports-item[data-report='{kind}']")).await;
        tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
        let png = app.client.screenshot().await.unwrap();
        std::fs::write(format!("/tmp/reports-dbg/shot-{kind}.png"), png).unwrap();
    }
    app.click(".tab[data-screen=customers]").await;
    app.click("#results .result").await;
    app.click(".card-tab[data-panel=analysis]").await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let png = app.client.screenshot().await.unwrap();
    std::fs::write("/tmp/reports-dbg/shot-analysis.png", png).unwrap();
    app.close().await;
}
