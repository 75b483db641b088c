//! Home in the real Parc window: what a salesperson sees first (today's actions, deals needing
//! action, customers going cold, renewals due), and what the sales manager sees instead (the
//! funnel and forecasts, then the direction's market share and this year against last), and
//! the director, who starts on the direction.

use parc_core::contact::ContactData;
use parc_core::customer::CustomerData;
use parc_core::fleet::FleetLineData;
use parc_core::funnel::deal::DealData;
use parc_core::office::UserRole;
use parc_core::Store;
use parc_e2e::{App, USER_NAME};

fn day_in(days: i64) -> String {
    (parc_core::chrono::Local::now().date_naive() + parc_core::chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn customer(name: &str, owner: i64) -> CustomerData {
    CustomerData {
        name: name.into(),
        city: "Verona".into(),
        country: "IT".into(),
        owner_id: Some(owner),
        ..Default::default()
    }
}

/// The person at the workstation (the office's first user) takes `role`.
fn take_role(app: &App, role: UserRole) {
    let mut store = Store::open(app.db_path()).unwrap();
    let me = store.users().unwrap().remove(0);
    let data = parc_core::office::UserData { role, ..me.data };
    store.update_user(me.id, me.version, data).unwrap();
}

#[tokio::test]
async fn a_salesperson_starts_on_their_day_and_the_manager_on_the_team() {
    let app = App::launch_home_with(|_| {}).await;
    // The data of Anna's day, written once she exists.
    {
        let mut store = Store::open(app.db_path()).unwrap();
        let me = store.users().unwrap()[0].id;
        let conti = store.create_customer(customer("Conti Edilizia", me)).unwrap();
        store.create_customer(customer("Bianchi Logistica", me)).unwrap();
        let call = ContactData {
            happened_at: format!("{}T09:00", day_in(-3)),
            kind: "phone".into(),
            agreed: "Asked for the TGX price".into(),
            next_action: "Call back about the Volvos".into(),
            next_kind: "phone".into(),
            next_due: Some(day_in(0)),
            next_user_id: Some(me),
            ..Default::default()
        };
        store.log_contact(conti.id, call, Some(me)).unwrap();
        let volvos = FleetLineData {
            brand: "Volvo".into(),
            category: "tractor".into(),
            vehicles: 2,
            renewal_manual: true,
            renewal_due: Some(day_in(40)),
            ..Default::default()
        };
        store.add_fleet_line(conti.id, volvos).unwrap();
        let deal = DealData {
            title: "2 tractors".into(),
            value: 18_000_000,
            currency: "EUR".into(),
            owner_id: Some(me),
            expected_close: Some(day_in(-5)),
            ..Default::default()
        };
        store.create_deal(conti.id, deal, None, "card", Some(me)).unwrap();
    }
    app.click(".tab[data-screen=home]").await;
    app.wait_text("#home-title", |t| t == format!("Good day, {USER_NAME}")).await;
    app.wait_text("#home-today", |t| t.contains("Conti Edilizia") && t.contains("Call back about the Volvos")).await;
    app.wait_text("#home-deals", |t| t.contains("2 tractors") && t.contains("has passed")).await;
    app.wait_text("#home-cold", |t| t.contains("Bianchi Logistica")).await;
    app.wait_text("#home-renewals", |t| t.contains("Conti Edilizia") && t.contains("2 vehicles due")).await;
    app.shot("home-mine").await;
    // A salesperson has one view: no tabs to switch.
    assert!(app.texts(".home-tab:not([hidden])").await.is_empty());
    // A block's title opens its screen.
    app.click(".home-block[data-block=today] h2 .link").await;
    app.wait_css("#screen-agenda:not([hidden])").await;

    // Anna becomes the sales manager: the next morning Home opens on the team.
    take_role(&app, UserRole::Manager);
    let app = app.restart().await;
    app.click(".tab[data-screen=home]").await;
    app.wait_text("#home-title", |t| t == "The sales team today").await;
    app.wait_text("#home-funnel tbody", |t| t.contains("180,000 EUR")).await;
    let forecasts = app.texts("#home-forecasts tbody tr th").await;
    assert_eq!(forecasts, ["Commit", "Best case", "Pipeline (weighted)", "Won"]);
    app.wait_text("#home-stalled", |t| t.contains("2 tractors")).await;
    app.wait_css("#home-activity thead").await;
    // The contact plans: each salesperson's customers in a plan (none ranked yet, so none).
    app.wait_css("#home-compliance thead").await;
    app.shot("home-team").await;
    // The direction's view, remembered on this workstation.
    app.click(".home-tab[data-home=direction]").await;
    app.wait_text("#home-market-total", |t| t.contains("Our share")).await;
    let year = app.texts("#home-year tbody tr th").await;
    assert_eq!(year.len(), 5, "{year:?}");
    app.shot("home-direction").await;
    let app = app.restart().await;
    app.click(".tab[data-screen=home]").await;
    app.wait_text("#home-title", |t| t == "The office at a glance").await;

    // The manager sets tier A's visits every two weeks in Settings.
    app.click(".tab[data-screen=settings]").await;
    app.wait_css("#plans-form [name='plans.0.every_days']:not([disabled])").await;
    app.type_into("#plans-form [name='plans.0.every_days']", "14").await;
    app.click("#plans-form button[type=submit]").await;
    app.wait_text("#toasts", |t| t.contains("Contact plans saved.")).await;
    app.shot("plans").await;
    let plans = Store::open(app.db_path()).unwrap().plan_settings().unwrap();
    assert_eq!((plans.plans[0].tier.as_str(), plans.plans[0].every_days, plans.version), ("A", 14, 1));
    // A number out of range is refused on its field, and nothing changes.
    app.type_into("#plans-form [name='plans.1.every_days']", "0").await;
    app.click("#plans-form button[type=submit]").await;
    app.wait_text("#plans-form .field-error[data-for='plans.1.every_days']", |t| t == "Between 1 and 730 days.").await;
    assert_eq!(Store::open(app.db_path()).unwrap().plan_settings().unwrap().version, 1);
    app.close().await;
}

#[tokio::test]
async fn the_director_adds_themselves_and_starts_on_the_direction_with_the_managers_rights() {
    let app = App::launch_home_with(|_| {}).await;
    app.wait_text("#home-title", |t| t == format!("Good day, {USER_NAME}")).await;
    // The director sits down at the salesperson's workstation and adds themselves.
    app.click("#who-button").await;
    app.type_into("#who-form [name=name]", "Alberto Conti").await;
    app.wait_css("#who-form [name=role]").await.select_by_value("director").await.expect("choose the role");
    app.click("#who-form button[type=submit]").await;
    app.wait_text("#home-title", |t| t == "The office at a glance").await;
    // An office without fleet lines yet says so instead of a share of nothing.
    app.wait_text("#home-market-total", |t| t.starts_with("No fleet recorded yet")).await;
    assert_eq!(app.texts(".home-tab:not([hidden])").await.len(), 3, "the team's and their own day are a click away");
    let director =
        Store::open(app.db_path()).unwrap().users().unwrap().into_iter().find(|u| u.data.name == "Alberto Conti");
    assert_eq!(director.map(|u| u.data.role), Some(UserRole::Director));
    // The who-are-you list names the role.
    app.click("#who-button").await;
    app.wait_text("#who-list", |t| t.contains("Alberto Conti") && t.contains("Director")).await;
    app.shot("who-director").await;
    app.click("#who-list button[data-user-id='2']").await;
    // The office's settings are theirs to change, as the sales manager's are.
    app.click(".tab[data-screen=settings]").await;
    app.wait_css("#plans-form [name='plans.0.every_days']:not([disabled])").await;
    app.type_into("#plans-form [name='plans.0.every_days']", "21").await;
    app.click("#plans-form button[type=submit]").await;
    app.wait_text("#toasts", |t| t.contains("Contact plans saved.")).await;
    assert_eq!(Store::open(app.db_path()).unwrap().plan_settings().unwrap().plans[0].every_days, 21);
    app.close().await;
}
