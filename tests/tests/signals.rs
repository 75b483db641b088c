//! What one part of the window changes, the others show at once, without reopening anything
//! (`ui/signals.js`): a person saved on the card is offered in the history's filter, a
//! competitor's vehicles in the fleet make it present on the Competitors tab, a customer field
//! the manager defines appears on the open card, and the days after which a customer is cold
//! are those the agenda states.

use parc_core::ground::i18n::{tr, Locale};
use parc_core::host::testing::customer;
use parc_core::office::{UserData, UserRole};
use parc_core::Store;
use parc_e2e::fantoccini::key::Key;
use parc_e2e::App;
use std::time::{Duration, Instant};

/// The options of the select `css` (read from the page: WebDriver reads a closed list's options
/// as having no text), once `ok` holds for them.
async fn wait_options(app: &App, css: &str, ok: impl Fn(&[String]) -> bool) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let js =
        format!("return Array.from(document.querySelectorAll({:?}), (o) => o.textContent)", format!("{css} option"));
    loop {
        let options: Vec<String> = serde_json::from_value(app.client.execute(&js, vec![]).await.unwrap()).unwrap();
        if ok(&options) {
            return options;
        }
        assert!(Instant::now() < deadline, "{css}: {options:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clicks `css` after scrolling it into the middle of its pane (WebKitWebDriver does not
/// scroll nested panes itself).
async fn click_in_view(app: &App, css: &str) {
    let el = app.wait_css(css).await;
    app.client
        .execute("arguments[0].scrollIntoView({block: 'center'})", vec![serde_json::to_value(&el).unwrap()])
        .await
        .unwrap();
    app.click(css).await;
}

async fn open_card(app: &App, name: &str) {
    app.wait_results(&[name]).await;
    app.click("#results .result").await;
    app.wait_text("#card-title", |t| t == name).await;
}

#[tokio::test]
async fn what_one_panel_of_the_card_saves_the_others_show_at_once() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        store.create_customer(customer("Rossi Trasporti S.r.l.", "Forlì", "IT", "")).unwrap();
    })
    .await;
    open_card(&app, "Rossi Trasporti S.r.l.").await;

    // The history's person filter knows the card's people as they were when it opened: none.
    app.click(".card-tab[data-panel=history]").await;
    app.wait_css("#panel-history:not([hidden])").await;
    let none = wait_options(&app, "#history-person", |_| true).await;
    assert_eq!(none, [tr(Locale::En, "history.all_people")]);

    // A person saved on the People tab is at once one to filter the history by.
    app.click(".card-tab[data-panel=people]").await;
    app.click("#person-new").await;
    app.type_into("#person-form [name=name]", "Marta Bianchi").await;
    click_in_view(&app, "#person-form button[type=submit]").await;
    app.wait_text("#toasts", |t| t.contains(tr(Locale::En, "people.saved"))).await;
    app.click(".card-tab[data-panel=history]").await;
    wait_options(&app, "#history-person", |o| o.iter().any(|t| t == "Marta Bianchi")).await;

    // Nobody else's vehicles yet; three Scania tractors in the fleet make Scania present.
    app.click(".card-tab[data-panel=competitors]").await;
    app.wait_css("#competitors-none:not([hidden])").await;
    app.click(".card-tab[data-panel=fleet]").await;
    app.click("#fleet-new").await;
    app.type_into("#fleet-form [name=brand]", "Scania").await;
    app.type_into("#fleet-form [name=model]", "R 450").await;
    app.wait_css("#fleet-form [name=category]").await.select_by_value("tractor").await.unwrap();
    app.type_into("#fleet-form [name=vehicles]", "3").await;
    app.type_into("#fleet-form [name=first_registered]", "2021").await;
    click_in_view(&app, "#fleet-form button[type=submit]").await;
    app.wait_text("#toasts", |t| t.contains(tr(Locale::En, "fleet.saved"))).await;
    app.click(".card-tab[data-panel=competitors]").await;
    app.wait_text("#competitors-present", |t| t.contains("Scania")).await;
    app.wait_css("#competitors-none[hidden]").await;
    app.close().await;
}

#[tokio::test]
async fn a_field_the_manager_defines_is_on_the_open_card_and_the_agenda_states_the_cold_days_set() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        store.create_customer(customer("Rossi Trasporti S.r.l.", "Forlì", "IT", "")).unwrap();
        let manager = UserData {
            name: "Francesca Moretti".into(),
            initials: String::new(),
            role: UserRole::Manager,
            active: true,
        };
        store.create_user(manager).unwrap();
    })
    .await;
    open_card(&app, "Rossi Trasporti S.r.l.").await;
    assert!(app.texts("#custom-fields label").await.is_empty(), "the office has no fields of its own yet");

    // A salesperson may not define fields; once the manager sits here, the form is theirs.
    app.click(".tab[data-screen=settings]").await;
    app.wait_css("#fields-locked:not([hidden])").await;
    app.click("#who-button").await;
    app.wait_css("#who-dialog[open]").await;
    let manager = Store::open(app.db_path())
        .unwrap()
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.data.role == UserRole::Manager)
        .unwrap()
        .id;
    app.click(&format!("#who-list button[data-user-id='{manager}']")).await;
    app.wait_css("#fields-locked[hidden]").await;

    // The field added in Settings is on the card that stayed open.
    app.type_into("#field-add [name=label]", "Depot").await;
    click_in_view(&app, "#field-add button[type=submit]").await;
    app.wait_text("#toasts", |t| t.contains(tr(Locale::En, "fields.added"))).await;
    app.click(".tab[data-screen=customers]").await;
    app.wait_text("#custom-fields", |t| t.contains("Depot")).await;

    // Cold after 45 days instead of 60: the agenda says so.
    app.click(".tab[data-screen=settings]").await;
    let cold = app.wait_css("#cold-days").await;
    app.client
        .execute("arguments[0].scrollIntoView({block: 'center'})", vec![serde_json::to_value(&cold).unwrap()])
        .await
        .unwrap();
    // As a person does it: erase the 60, type 45, leave the field.
    app.click("#cold-days").await;
    let keys = format!("{}{}{}45{}", Key::End, Key::Backspace, Key::Backspace, Key::Tab);
    cold.send_keys(&keys).await.expect("type 45");
    app.wait_text("#toasts", |t| t.contains(tr(Locale::En, "settings.cold_days_saved"))).await;
    app.click(".tab[data-screen=agenda]").await;
    let hint = tr(Locale::En, "agenda.cold_hint").replace("{days}", "45");
    app.wait_text("#cold-hint", |t| t == hint).await;
    app.close().await;
}
