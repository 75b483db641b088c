//! A salesperson's day in the real Parc window (WebKitGTK through tauri-driver, under Xvfb).
//! Each test starts the app on its own empty database and checks what a person sees, then
//! what the database holds.

use parc_core::customer::CustomerData;
use parc_core::customer::CustomerQuery;
use parc_core::ground::i18n::{tr, Locale};
use parc_core::Store;
use parc_e2e::App;

const ENTER: &str = "\u{e007}";
const DOWN: &str = "\u{e015}";

/// Reads the database the way support would, beside the running app (WAL allows it).
fn stored(app: &App) -> Vec<parc_core::customer::Customer> {
    let mut store = Store::open(app.db_path()).expect("open the app's database");
    let rows = store.search_customers(&CustomerQuery { include_archived: true, ..Default::default() }).unwrap();
    rows.into_iter().map(|r| store.customer(r.id).unwrap()).collect()
}

fn chrono_today() -> parc_core::chrono::NaiveDate {
    parc_core::chrono::Local::now().date_naive()
}

/// The PostgreSQL client runs a runtime of its own, which cannot start inside the test's.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("blocking task")
}

async fn fill_new_customer(app: &App, name: &str, city: &str, country: &str, vat: &str) {
    app.click("#new-customer").await;
    app.wait_text("#card-title", |t| t == tr(Locale::En, "card.new_title")).await;
    app.type_into("#card [name=name]", name).await;
    app.type_into("#card [name=city]", city).await;
    app.wait_css("#card [name=country]").await.select_by_value(country).await.expect("choose country");
    app.type_into("#card [name=vat_id]", vat).await;
}

#[tokio::test]
async fn create_a_customer_find_it_by_city_without_accents_and_edit_it() {
    let app = App::launch().await;
    // An empty database offers to start.
    app.wait_css("#empty-state:not([hidden])").await;

    fill_new_customer(&app, "Trans-Łódź Sp. z o.o.", "Łódź", "PL", "PL 526-104-08-28").await;
    app.type_into("#card [name=phone]", "+48 42 123 45 67").await;
    app.click("#save").await;
    app.wait_text("#card-title", |t| t == "Trans-Łódź Sp. z o.o.").await;
    app.wait_text("#toasts", |t| t.contains(tr(Locale::En, "card.created"))).await;
    // The saved VAT id is shown normalised.
    assert_eq!(app.value("#card [name=vat_id]").await, "5261040828");

    // Found by the city typed without diacritics, then opened from the keyboard.
    app.click("#cancel").await;
    app.type_into("#search", "lodz").await;
    app.wait_results(&["Trans-Łódź Sp. z o.o."]).await;
    app.wait_css("#search").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#card-title", |t| t == "Trans-Łódź Sp. z o.o.").await;

    app.type_into("#card [name=street]", "ul. Piotrkowska 104").await;
    app.type_into("#card [name=employees]", "42").await;
    app.click("#save").await;
    app.wait_text("#toasts", |t| t.contains(tr(Locale::En, "card.saved"))).await;

    let rows = stored(&app);
    assert_eq!(rows.len(), 1);
    let c = &rows[0];
    assert_eq!((c.data.city.as_str(), c.data.country.as_str()), ("Łódź", "PL"));
    assert_eq!(c.data.street, "ul. Piotrkowska 104");
    assert_eq!(c.data.employees, Some(42));
    assert_eq!(c.version, 2, "one create and one edit");
    app.close().await;
}

#[tokio::test]
async fn a_bad_vat_id_shows_a_translated_error_and_saves_nothing() {
    let app = App::launch().await;
    fill_new_customer(&app, "Rossi Trasporti S.r.l.", "Forlì", "IT", "12345678900").await;
    app.click("#save").await;
    app.wait_text("#card-errors", |t| t.contains(tr(Locale::En, "card.errors_title"))).await;
    let vat_error = app.wait_text("#card [name=vat_id] + .field-error", |t| !t.is_empty()).await;
    assert_eq!(vat_error, tr(Locale::En, "vat.bad_check_digit"));
    let invalid = app.wait_css("#card [name=vat_id]").await.attr("aria-invalid").await.unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));
    assert!(stored(&app).is_empty(), "nothing was saved");

    // The same mistake in Polish gets the Polish message.
    app.click(".tab[data-screen=settings]").await;
    app.wait_css("#language").await.select_by_value("pl").await.unwrap();
    app.wait_text(".tab[data-screen=customers]", |t| t == tr(Locale::Pl, "nav.customers")).await;
    app.click(".tab[data-screen=customers]").await;
    app.click("#save").await;
    app.wait_text("#card [name=vat_id] + .field-error", |t| t == tr(Locale::Pl, "vat.bad_check_digit")).await;
    assert!(stored(&app).is_empty());
    app.close().await;
}

#[tokio::test]
async fn switching_to_polish_translates_the_screen_and_is_remembered() {
    let app = App::launch().await;
    app.wait_text(".tab[data-screen=customers]", |t| t == tr(Locale::En, "nav.customers")).await;
    app.click(".tab[data-screen=settings]").await;
    app.wait_css("#language").await.select_by_value("pl").await.unwrap();
    app.wait_text(".tab[data-screen=settings]", |t| t == tr(Locale::Pl, "nav.settings")).await;
    app.wait_text("#screen-settings h1", |t| t == tr(Locale::Pl, "settings.title")).await;
    app.click(".tab[data-screen=customers]").await;
    app.wait_text("#empty-state h2", |t| t == tr(Locale::Pl, "customers.empty_title")).await;
    let placeholder = app.wait_css("#search").await.attr("placeholder").await.unwrap();
    assert_eq!(placeholder.as_deref(), Some(tr(Locale::Pl, "search.placeholder")));
    let lang = app.wait_css("html").await.attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("pl"));

    let app = app.restart().await;
    app.wait_text(".tab[data-screen=customers]", |t| t == tr(Locale::Pl, "nav.customers")).await;
    app.close().await;
}

#[tokio::test]
async fn a_name_that_looks_like_html_is_shown_as_text_and_runs_nothing() {
    let hostile = "<img src=x onerror=alert(1)>";
    let app = App::launch().await;
    fill_new_customer(&app, hostile, "Milano", "IT", "").await;
    app.click("#save").await;
    app.wait_text("#card-title", |t| t == hostile).await;
    app.type_into("#search", "img").await;
    app.wait_results(&[hostile]).await;
    let images =
        app.client.find_all(parc_e2e::fantoccini::Locator::Css("#results img, #card-title img")).await.unwrap();
    assert!(images.is_empty(), "the name became an element");
    assert!(app.client.get_alert_text().await.is_err(), "an alert opened: the name ran as code");
    assert_eq!(stored(&app)[0].data.name, hostile);
    app.close().await;
}

#[tokio::test]
async fn a_duplicate_vat_id_links_to_the_existing_customer_and_archiving_can_be_undone() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        let existing = CustomerData {
            name: "Pirelli Logistica S.p.A.".into(),
            city: "Milano".into(),
            country: "IT".into(),
            vat_id: "00743110157".into(),
            ..Default::default()
        };
        store.create_customer(existing).unwrap();
    })
    .await;
    app.wait_results(&["Pirelli Logistica S.p.A."]).await;
    fill_new_customer(&app, "Copia S.r.l.", "Roma", "IT", "IT00743110157").await;
    app.click("#save").await;
    app.wait_text("#card-errors", |t| t.contains("Pirelli Logistica S.p.A.")).await;
    app.click("#card-errors-action").await;
    app.wait_text("#card-title", |t| t == "Pirelli Logistica S.p.A.").await;
    assert_eq!(stored(&app).len(), 1);

    app.click("#archive").await;
    app.wait_css("#card-archived-notice:not([hidden])").await;
    app.wait_css("#empty-state:not([hidden])").await;
    assert!(stored(&app)[0].archived_at.is_some());
    app.click("#toasts .toast button").await;
    app.wait_results(&["Pirelli Logistica S.p.A."]).await;
    app.wait_css("#card-archived-notice[hidden]").await;
    assert!(stored(&app)[0].archived_at.is_none());
    app.close().await;
}

#[tokio::test]
async fn demo_data_loads_from_the_empty_state_and_the_list_follows_the_keyboard() {
    let app = App::launch().await;
    app.click("#load-demo").await;
    app.wait_text("#result-count", |t| t.contains("100")).await;
    app.type_into("#search", "siauliai").await;
    // Wait for the answer to the whole word, not to a keystroke on the way.
    let deadline = std::time::Instant::now() + parc_e2e::PATIENCE;
    while !app.texts("#results .result .meta").await.iter().all(|m| m.contains("Šiauliai")) {
        assert!(std::time::Instant::now() < deadline, "the list never narrowed to Šiauliai");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let names = app.texts("#results .result .name").await;
    assert!(names.len() >= 2, "several demo customers in Šiauliai: {names:?}");
    let search = app.wait_css("#search").await;
    search.send_keys(DOWN).await.unwrap();
    search.send_keys(ENTER).await.unwrap();
    app.wait_text("#card-title", |t| t == names[1]).await;
    assert_eq!(app.value("#card [name=city]").await, "Šiauliai");
    assert_eq!(Store::open(app.db_path()).unwrap().count_customers().unwrap(), 200);
    app.close().await;
}

#[tokio::test]
async fn a_file_that_is_not_a_parc_database_is_refused_with_a_clear_message_and_left_alone() {
    let letter = "Dear customer, this is a letter, not a database. ".repeat(10);
    let app = App::launch_with(|dir| std::fs::write(dir.join("parc.sqlite3"), &letter).unwrap()).await;
    let message = app.wait_text("#fatal-message", |t| !t.is_empty()).await;
    assert!(message.contains("is not a Parc database"), "{message}");
    app.wait_css(".tab[data-screen=customers][hidden]").await;
    assert_eq!(std::fs::read_to_string(app.db_path()).unwrap(), letter);

    // Settings stays reachable: choose a good file and work on.
    let good = app.dir.path().join("good.sqlite3");
    Store::open(&good)
        .unwrap()
        .create_customer(CustomerData {
            name: "Baltic Haulage UAB".into(),
            city: "Klaipėda".into(),
            country: "LT".into(),
            ..Default::default()
        })
        .unwrap();
    app.click("#fatal-settings").await;
    app.type_into("#db-address", good.to_str().unwrap()).await;
    app.click_reloading("#db-use").await;
    app.wait_css("#who-dialog[open]").await;
    app.answer_who().await;
    app.to_customers().await;
    app.wait_results(&["Baltic Haulage UAB"]).await;
    assert_eq!(std::fs::read_to_string(app.db_path()).unwrap(), letter, "the letter was never touched");
    app.close().await;
}

#[tokio::test]
async fn settings_test_a_database_address_and_explain_what_is_wrong() {
    let app = App::launch().await;
    app.click(".tab[data-screen=settings]").await;
    // Nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    app.type_into("#db-address", &format!("postgres://parc@127.0.0.1:{port}/parc")).await;
    app.click("#db-test").await;
    app.wait_text("#db-result.bad", |t| t == tr(Locale::En, "error.connection.unreachable")).await;
    // A password in the address is refused before anything is tried or saved.
    app.type_into("#db-address", "postgres://parc:secret@127.0.0.1/parc").await;
    app.click("#db-use").await;
    app.wait_text("#db-result.bad", |t| t == tr(Locale::En, "validation.password_in_address")).await;
    let settings = std::fs::read_to_string(app.dir.path().join("config/parc/settings.json")).unwrap_or_default();
    assert!(!settings.contains("secret"));

    // The office's PostgreSQL server, when the test run has one: switch to it and create there.
    if let Some(url) = parc_core::host::testing::postgres_url() {
        let target = blocking(move || parc_core::host::testing::fresh_postgres_target(&url)).await;
        let parc_core::storage::Target::Postgres(office) = target.clone() else { unreachable!() };
        app.type_into("#db-address", &office).await;
        app.click("#db-test").await;
        app.wait_text("#db-result:not(.bad)", |t| t.contains("0")).await;
        app.click_reloading("#db-use").await;
        // The window reloads on the new database, which asks who works here.
        app.wait_css("#who-dialog[open]").await;
        app.answer_who().await;
        app.to_customers().await;
        app.wait_css("body[data-ready='true'][data-db-kind='postgres'] #empty-state:not([hidden])").await;
        fill_new_customer(&app, "Serwer Biuro Sp. z o.o.", "Poznań", "PL", "").await;
        app.click("#save").await;
        app.wait_text("#card-title", |t| t == "Serwer Biuro Sp. z o.o.").await;
        let count = blocking(move || Store::connect(&target).unwrap().count_customers().unwrap()).await;
        assert_eq!(count, 1);
        assert_eq!(Store::open(app.db_path()).unwrap().count_customers().unwrap(), 0, "the file was left alone");
    }
    app.close().await;
}

fn day_from_today(days: u64) -> String {
    (chrono_today() + parc_core::chrono::Days::new(days)).format("%Y-%m-%d").to_string()
}

/// A customer with a main contact, on a database the test prepares.
fn prepare_customer(dir: &std::path::Path, name: &str, city: &str, country: &str, person: &str) {
    let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
    let c = store
        .create_customer(CustomerData {
            name: name.into(),
            city: city.into(),
            country: country.into(),
            ..Default::default()
        })
        .unwrap();
    let main = parc_core::customer::person::PersonData {
        name: person.into(),
        is_main: true,
        active: true,
        ..Default::default()
    };
    store.create_person(c.id, main).unwrap();
}

async fn open_by_search(app: &App, text: &str, name: &str) {
    app.type_into("#search", text).await;
    app.wait_results(&[name]).await;
    app.wait_css("#search").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#card-title", |t| t == name).await;
}

#[tokio::test]
async fn logging_a_call_with_a_note_and_a_next_action_takes_three_interactions() {
    let app =
        App::launch_with(|dir| prepare_customer(dir, "Rossi Trasporti S.r.l.", "Forlì", "IT", "Mario Rossi")).await;
    open_by_search(&app, "rossi", "Rossi Trasporti S.r.l.").await;

    // The friction budget, counted from the open card.
    let mut interactions = 0;
    interactions += 1; // the shortcut
    app.client.active_element().await.unwrap().send_keys("\u{e009}l\u{e000}").await.unwrap();
    let note = app.wait_css("#contact-form:not([hidden]) [name=agreed]").await;
    interactions += 1; // typing the note
    note.send_keys("Wants an offer for two tractor units").await.unwrap();
    interactions += 1; // Enter
    note.send_keys(ENTER).await.unwrap();
    app.wait_text("#timeline .contact .agreed", |t| t == "Wants an offer for two tractor units").await;
    assert!(interactions <= 3, "logging a call took {interactions} interactions");

    // The defaults did the rest: a phone call now, by me, with the main contact, and a call back in 3 days.
    let mut store = Store::open(app.db_path()).unwrap();
    let me = store.users().unwrap().into_iter().find(|u| u.data.name == parc_e2e::USER_NAME).unwrap();
    let history = store.contact_history(1, &Default::default()).unwrap();
    let call = &history[0].data;
    assert_eq!(call.kind, "phone");
    assert_eq!(call.user_id, Some(me.id));
    assert_eq!(call.person_ids, [store.people(1).unwrap()[0].id]);
    assert_eq!(call.next_action, tr(Locale::En, "contact.default_next"));
    assert_eq!(call.next_due.as_deref(), Some(day_from_today(3).as_str()));
    assert_eq!(call.next_user_id, Some(me.id));
    app.close().await;
}

#[tokio::test]
async fn add_a_person_with_a_role_log_a_visit_and_complete_its_action_from_the_agenda() {
    let app =
        App::launch_with(|dir| prepare_customer(dir, "Baltic Haulage UAB", "Klaipėda", "LT", "Jonas Petraitis")).await;
    open_by_search(&app, "baltic", "Baltic Haulage UAB").await;

    app.click(".card-tab[data-panel=people]").await;
    app.click("#person-new").await;
    app.type_into("#person-form [name=name]", "Rūta Jankauskienė").await;
    app.type_into("#person-form [name=position]", "Fleet manager").await;
    app.wait_css("#person-form [name=decision_role]").await.select_by_value("technical_decision_maker").await.unwrap();
    app.click("#person-form button[type=submit]").await;
    app.wait_text("#people-list", |t| {
        t.contains("Rūta Jankauskienė") && t.contains(tr(Locale::En, "decision_role.technical_decision_maker"))
    })
    .await;

    // A visit with both people, and an action due today.
    app.click("#log-contact").await;
    app.wait_css("#contact-form:not([hidden])")
        .await
        .find(parc_e2e::fantoccini::Locator::Css("[name=kind]"))
        .await
        .unwrap()
        .select_by_value("visit")
        .await
        .unwrap();
    for b in app
        .client
        .find_all(parc_e2e::fantoccini::Locator::Css("#contact-form .pick input:not(:checked)"))
        .await
        .unwrap()
    {
        b.click().await.unwrap();
    }
    app.type_into("#contact-form [name=next_action]", "Send the offer").await;
    app.client
        .execute(
            "document.querySelector('#contact-form [name=next_due]').value = arguments[0]",
            vec![day_from_today(0).into()],
        )
        .await
        .unwrap();
    let note = app.wait_css("#contact-form [name=agreed]").await;
    note.send_keys("Showed the new T 480 at their depot").await.unwrap();
    note.send_keys(ENTER).await.unwrap();
    app.wait_text("#timeline .contact .when", |t| {
        t.contains(tr(Locale::En, "kind.visit")) && t.contains("Rūta Jankauskienė")
    })
    .await;

    app.click(".tab[data-screen=agenda]").await;
    app.wait_text("#agenda-today", |t| t.contains("Send the offer") && t.contains("Baltic Haulage UAB")).await;
    app.click("#agenda-today .done").await;
    app.type_into("#complete-form [name=outcome]", "Offer sent by e-mail").await;
    app.click("#complete-form button[type=submit]").await;
    app.wait_text("#toasts", |t| t.contains(tr(Locale::En, "agenda.completed"))).await;
    app.wait_text("#agenda-upcoming", |t| t.contains(tr(Locale::En, "contact.default_next"))).await;
    assert!(!app.texts("#agenda-today .action").await.iter().any(|t| t.contains("Send the offer")));

    let mut store = Store::open(app.db_path()).unwrap();
    let history = store.contact_history(1, &Default::default()).unwrap();
    assert_eq!(history.len(), 2, "the visit and the follow-up");
    let visit = history.iter().find(|c| c.data.kind == "visit").unwrap();
    assert_eq!(visit.data.person_ids.len(), 2);
    assert_eq!(visit.next_outcome, "Offer sent by e-mail");
    app.close().await;
}

#[tokio::test]
async fn a_material_sent_regularly_comes_due_in_the_agenda_and_is_marked_sent() {
    let app =
        App::launch_with(|dir| prepare_customer(dir, "Šiaulių Krovinių Vežimas UAB", "Šiauliai", "LT", "Rūta")).await;
    // Make the customer mine, so its materials are in my agenda.
    {
        let mut store = Store::open(app.db_path()).unwrap();
        let me = store.users().unwrap().into_iter().find(|u| u.data.name == parc_e2e::USER_NAME).unwrap();
        let c = store.customer(1).unwrap();
        let mut d = c.data.clone();
        d.owner_id = Some(me.id);
        store.update_customer(1, c.version, d).unwrap();
    }
    open_by_search(&app, "siauliu", "Šiaulių Krovinių Vežimas UAB").await;
    app.click(".card-tab[data-panel=people]").await;
    app.type_into("#material-form [name=name]", "Price list").await;
    app.type_into("#material-form [name=every_days]", "90").await;
    app.click("#material-form button[type=submit]").await;
    app.wait_text("#materials-list", |t| {
        t.contains("Price list") && t.contains(tr(Locale::En, "materials.never_sent"))
    })
    .await;

    app.click(".tab[data-screen=agenda]").await;
    app.wait_text("#agenda-materials", |t| t.contains("Price list") && t.contains("Šiaulių Krovinių Vežimas UAB"))
        .await;
    app.click("#agenda-materials .done").await;
    app.wait_text("#toasts", |t| t.contains("Price list")).await;
    let deadline = std::time::Instant::now() + parc_e2e::PATIENCE;
    while !app.texts("#agenda-materials .action").await.is_empty() {
        assert!(std::time::Instant::now() < deadline, "the sent material stayed in the agenda");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let sent = Store::open(app.db_path()).unwrap().materials(1).unwrap();
    assert_eq!(sent[0].data.last_sent.as_deref(), Some(day_from_today(0).as_str()));
    app.close().await;
}

#[tokio::test]
async fn the_manager_adds_office_fields_and_a_salesperson_fills_and_finds_them() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        let manager = parc_core::office::UserData {
            name: "Marta Capo".into(),
            role: parc_core::office::UserRole::Manager,
            active: true,
            ..Default::default()
        };
        store.create_user(manager).unwrap();
        store
            .create_customer(CustomerData {
                name: "Rossi Trasporti".into(),
                city: "Milano".into(),
                ..Default::default()
            })
            .unwrap();
    })
    .await;
    // The salesperson sees the fields but may not define them.
    app.click(".tab[data-screen=settings]").await;
    app.wait_text("#fields-locked", |t| t == tr(Locale::En, "settings.fields_manager_only")).await;
    app.wait_css("#field-add[hidden]").await;

    // The manager sits down and adds a text field and a choice list.
    app.click("#who-button").await;
    app.click("#who-list button[data-user-id='1']").await;
    app.wait_css("#field-add:not([hidden])").await;
    app.type_into("#field-add [name=label]", "Depot").await;
    app.click("#field-add button[type=submit]").await;
    app.wait_text("#field-list", |t| t.contains(tr(Locale::En, "fields.kind.text"))).await;
    app.type_into("#field-add [name=label]", "Tier").await;
    app.wait_css("#field-add [name=kind]").await.select_by_value("choice").await.unwrap();
    app.click("#field-add button[type=submit]").await;
    // No choices given: the form says so and nothing is added.
    app.wait_text("#field-add [data-choices-only] .field-error", |t| {
        t == tr(Locale::En, "validation.choices_required")
    })
    .await;
    app.type_into("#field-add [name=choices]", &format!("Gold{ENTER}Silver")).await;
    app.click("#field-add button[type=submit]").await;
    app.wait_text("#field-list", |t| t.contains(tr(Locale::En, "fields.kind.choice"))).await;

    // Back to the salesperson: the card has both fields; they are saved and searchable.
    app.click("#who-button").await;
    app.click("#who-list button[data-user-id='2']").await;
    app.click(".tab[data-screen=customers]").await;
    app.wait_results(&["Rossi Trasporti"]).await;
    app.click("#results .result").await;
    app.type_into("#card [name='custom.1']", "Piacenza Interporto").await;
    // From the keyboard, as the sticky Save bar may cover the list's bottom row.
    app.wait_css("#card [name='custom.2']").await.send_keys("Gold").await.unwrap();
    app.click("#save").await;
    app.wait_text("#toasts", |t| t.contains(tr(Locale::En, "card.saved"))).await;
    app.click("#cancel").await;
    app.type_into("#search", "interporto").await;
    app.wait_results(&["Rossi Trasporti"]).await;
    let saved = &stored(&app)[0];
    assert_eq!(saved.data.custom.get(&1).map(String::as_str), Some("Piacenza Interporto"));
    assert_eq!(saved.data.custom.get(&2).map(String::as_str), Some("Gold"));
    app.close().await;
}

#[tokio::test]
async fn a_file_received_at_a_visit_is_kept_with_the_contact() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        store
            .create_customer(CustomerData {
                name: "Rossi Trasporti".into(),
                city: "Milano".into(),
                ..Default::default()
            })
            .unwrap();
    })
    .await;
    let file = app.dir.path().join("Capitolato gara.txt");
    std::fs::write(&file, "Tender: 12 tractor units, Euro 6").unwrap();
    app.wait_results(&["Rossi Trasporti"]).await;
    app.click("#results .result").await;
    app.click("#log-contact").await;
    app.type_into("#contact-form [name=agreed]", "Received the tender specification").await;
    app.wait_css("#contact-form [name=files]").await.send_keys(file.to_str().unwrap()).await.unwrap();
    app.click("#contact-form button[type=submit]").await;
    app.wait_text("#timeline .files", |t| t.contains("Capitolato gara.txt (32 B)")).await;

    let mut store = Store::open(app.db_path()).unwrap();
    let history = store.contact_history(1, &Default::default()).unwrap();
    let (meta, bytes) = store.attachment(history[0].attachments[0].id).unwrap();
    assert_eq!(meta.name, "Capitolato gara.txt");
    assert_eq!(bytes, b"Tender: 12 tractor units, Euro 6");
    app.close().await;
}

/// Not a check: refreshes `docs/screenshot.png` for the README from the real window.
/// Run with `cargo test -p parc-e2e -- --ignored readme_screenshot`.
#[tokio::test]
#[ignore]
async fn readme_screenshot() {
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        parc_core::host::demo::load(&mut store, 500, 1, chrono_today(), |_, _| {}).unwrap();
    })
    .await;
    app.type_into("#search", "lodz").await;
    let deadline = std::time::Instant::now() + parc_e2e::PATIENCE;
    while !app.texts("#results .result .meta").await.iter().all(|m| m.contains("Łódź")) {
        assert!(std::time::Instant::now() < deadline);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    app.wait_css("#search").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#card-title", |t| !t.is_empty() && t != tr(Locale::En, "card.new_title")).await;
    let png = app.client.screenshot().await.unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshot.png");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, png).unwrap();
    app.close().await;
}
