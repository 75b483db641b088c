//! Nothing is lost, in the real window: the history of changes on a card and a person,
//! backups taken and restored from Settings, and a damaged database at start-up offering
//! the newest good backup instead of opening.

use std::path::Path;

use parc_core::customer::CustomerQuery;
use parc_core::ground::i18n::{tr, Locale};
use parc_core::host::testing::customer;
use parc_core::Store;
use parc_e2e::{App, USER_NAME};

fn names(db: &Path) -> Vec<String> {
    let mut store = Store::open(db).expect("open the app's database");
    let q = CustomerQuery { include_archived: true, ..Default::default() };
    store.search_customers(&q).unwrap().into_iter().map(|c| c.name).collect()
}

fn en(key: &'static str) -> &'static str {
    tr(Locale::En, key)
}

/// Clicks `css`, again if the list it is in was redrawn meanwhile (a stale element).
async fn click_fresh(app: &App, css: &str) {
    for _ in 0..20 {
        if app.wait_css(css).await.click().await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("cannot click {css}");
}

/// Overwrites pages in the middle of a file with garbage, as a failing disk would.
fn damage(path: &Path) {
    use std::io::{Seek, SeekFrom, Write};
    let len = std::fs::metadata(path).unwrap().len();
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(len / 2)).unwrap();
    f.write_all(&vec![0x5a; 8192]).unwrap();
}

#[tokio::test]
async fn the_card_and_a_person_show_who_changed_which_field_and_html_stays_text() {
    let app = App::launch().await;
    let hostile = "<img src=x onerror=alert(1)> Rossi & Figli";
    app.click("#new-customer").await;
    app.type_into("#card [name=name]", hostile).await;
    app.type_into("#card [name=city]", "Verona").await;
    app.click("#save").await;
    app.wait_text("#card-title", |t| t == hostile).await;
    app.type_into("#card [name=city]", "Verona (VR)").await;
    app.click("#save").await;
    app.wait_text("#toasts", |t| t.contains(en("card.saved"))).await;

    app.click("#card-changes").await;
    app.wait_css("#changes-dialog[open]").await;
    app.wait_text("#changes-title", |t| t.contains(hostile)).await;
    let rows = app.texts("#changes-rows tr").await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].contains(en("field.city")) && rows[0].contains("Verona (VR)"), "{rows:?}");
    assert!(rows[0].contains(USER_NAME), "who: {rows:?}");
    assert!(rows[1].contains(en("changes.created")), "{rows:?}");
    app.click("#changes-dialog button[value=close]").await;

    // A person, then a change of phone, in the person's own history.
    app.click(".card-tab[data-panel=people]").await;
    app.click("#person-new").await;
    app.type_into("#person-form [name=name]", "Mario Rossi").await;
    app.click("#person-form button[type=submit]").await;
    app.wait_text("#people-list", |t| t.contains("Mario Rossi")).await;
    click_fresh(&app, "#people-list .person button").await;
    app.type_into("#person-form [name=phone]", "+39 045 123456").await;
    app.click("#person-form button[type=submit]").await;
    app.wait_text("#toasts", |t| t.contains(en("people.saved"))).await;
    click_fresh(&app, "#people-list .person button").await;
    app.click("#person-changes").await;
    app.wait_text("#changes-title", |t| t.contains("Mario Rossi")).await;
    let rows = app.texts("#changes-rows tr").await;
    assert!(rows[0].contains(en("field.phone")) && rows[0].contains("+39 045 123456"), "{rows:?}");
    // No script ran: the name is text in the list and the page still answers.
    assert_eq!(names(&app.db_path()), [hostile]);
    app.close().await;
}

#[tokio::test]
async fn a_backup_taken_in_settings_restores_after_showing_its_date_and_counts() {
    let app = App::launch().await;
    let db = app.db_path();
    Store::open(&db).unwrap().create_customer(customer("Rossi Trasporti", "Verona", "IT", "")).unwrap();
    app.click(".tab[data-screen=settings]").await;
    app.wait_css("#backup-file:not([hidden])").await;
    app.click("#backup-now").await;
    app.wait_text("#backup-status", |t| t.contains("Backup saved and checked")).await;
    let listed = app.texts("#backup-list li").await;
    assert!(listed[0].contains("1 customers"), "{listed:?}");

    // Work goes on after the backup, then the backup is restored over it.
    Store::open(&db).unwrap().create_customer(customer("After the backup", "Milano", "IT", "")).unwrap();
    app.click("#backup-list li button").await;
    let question = app.wait_text("#confirm-text", |t| !t.is_empty()).await;
    assert!(question.contains("1 customers"), "{question}");
    app.click("#confirm-ok").await;
    app.wait_text("#toasts", |t| t.contains("restored")).await;
    assert_eq!(names(&db), ["Rossi Trasporti"]);
    // The database as it was before the restore is kept, and listed.
    app.click(".tab[data-screen=settings]").await;
    app.wait_text("#backup-list", |t| t.contains(en("backups.kind.before_restore"))).await;
    let kept = std::fs::read_dir(app.dir.path().join("backups"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("parc-before-restore-"))
        .count();
    assert_eq!(kept, 1);
    app.close().await;
}

#[tokio::test]
async fn a_damaged_database_is_not_opened_and_the_newest_good_backup_is_offered() {
    let app = App::launch_with(|dir| {
        let db = dir.join("parc.sqlite3");
        {
            let mut store = Store::open(&db).unwrap();
            let rows = (0..400).map(|i| customer(&format!("Customer {i:03}"), "Verona", "IT", "")).collect();
            store.create_customers_bulk(rows).unwrap();
        }
        let now = parc_core::chrono::Local::now().naive_local();
        parc_core::host::backup::backup(&db, &dir.join("backups"), now).unwrap();
        damage(&db);
    })
    .await;
    app.wait_css("#screen-fatal:not([hidden])").await;
    app.wait_text("#fatal-message", |t| t == en("error.corrupt")).await;
    app.wait_text("#fatal-backup-text", |t| t.contains("400 customers")).await;
    app.click("#fatal-restore").await;
    app.wait_text("#confirm-text", |t| t.contains("400 customers")).await;
    app.click("#confirm-ok").await;
    // The app starts afresh on the restored database, which has no users yet.
    app.wait_css("#who-dialog[open]").await;
    app.answer_who().await;
    app.to_customers().await;
    assert_eq!(Store::open(app.db_path()).unwrap().count_customers().unwrap(), 400);
    assert!(std::fs::read_dir(app.dir.path().join("backups"))
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("parc-damaged-")));
    app.close().await;
}

/// Two workstations edit one card: the other one's save lands while this form is open. The
/// save here is refused and the conflict dialog shows, field by field, what each side
/// changed and who saved theirs; keeping their city and this phone saves both over the new
/// version, and nothing of either is lost.
#[tokio::test]
async fn a_card_saved_meanwhile_elsewhere_is_merged_field_by_field_keeping_one_of_each_side() {
    use parc_core::customer::CustomerData;
    let app = App::launch_with(|dir| {
        let mut store = Store::open(dir.join("parc.sqlite3")).unwrap();
        let marta = parc_core::office::UserData { name: "Marta Capo".into(), active: true, ..Default::default() };
        store.create_user(marta).unwrap();
        let card = CustomerData { phone: "+39 045 111111".into(), ..customer("Rossi Trasporti", "Verona", "IT", "") };
        store.create_customer(card).unwrap();
    })
    .await;
    app.wait_results(&["Rossi Trasporti"]).await;
    app.click("#results .result").await;
    app.wait_text("#card-title", |t| t == "Rossi Trasporti").await;
    app.type_into("#card [name=phone]", "+39 045 333333").await;
    app.type_into("#card [name=email]", "info@rossi.it").await;

    // Meanwhile Marta, at another workstation on the same database, changes the city and the phone.
    {
        let mut other = Store::open(app.db_path()).unwrap();
        other.set_actor(Some(1));
        let c = other.customer(1).unwrap();
        let data = CustomerData { city: "Verona (VR)".into(), phone: "+39 045 222222".into(), ..c.data };
        other.update_customer(1, c.version, data).unwrap();
    }
    app.click("#save").await;
    app.wait_css("#conflict-dialog[open]").await;
    let rows = app.texts("#conflict-rows tr").await;
    assert_eq!(rows.len(), 3, "city, e-mail, phone: {rows:?}");
    let row = |field: &'static str| {
        rows.iter().find(|r| r.starts_with(en(field))).unwrap_or_else(|| panic!("{field}: {rows:?}"))
    };
    assert!(row("field.city").contains("Verona (VR)") && row("field.city").contains("Marta Capo"), "{rows:?}");
    assert!(row("field.phone").contains("+39 045 222222") && row("field.phone").contains("+39 045 333333"));
    assert!(row("field.email").contains("info@rossi.it"));

    // Back to the form: nothing saved, the edits still there.
    app.click("#conflict-form .cancel").await;
    app.wait_css("#conflict-dialog:not([open])").await;
    assert_eq!(app.value("#card [name=phone]").await, "+39 045 333333");
    assert_eq!(Store::open(app.db_path()).unwrap().customer(1).unwrap().data.phone, "+39 045 222222");

    // Saved again: the phone, changed on both sides, needs a choice before anything is saved.
    app.click("#save").await;
    app.wait_css("#conflict-dialog[open]").await;
    app.click("#conflict-form button[type=submit]").await;
    app.wait_text("#conflict-form .errors", |t| t == en("conflict.choose")).await;
    app.click("#conflict-rows tr[data-field=phone] input[value=mine]").await;
    app.click("#conflict-form button[type=submit]").await;
    app.wait_css("#conflict-dialog:not([open])").await;
    app.wait_text("#toasts", |t| t.contains(en("card.saved"))).await;
    assert_eq!(app.value("#card [name=city]").await, "Verona (VR)");

    let mut store = Store::open(app.db_path()).unwrap();
    let saved = store.customer(1).unwrap();
    assert_eq!(
        (saved.data.city.as_str(), saved.data.phone.as_str(), saved.data.email.as_str(), saved.version),
        ("Verona (VR)", "+39 045 333333", "info@rossi.it", 3)
    );
    // Both saves are in the card's history, each in its author's name.
    let trail = store.changes("customer", 1).unwrap();
    let by = |field: &str| trail.iter().filter(|c| c.field == field).map(|c| c.changed_by).collect::<Vec<_>>();
    assert_eq!(by("city"), [Some(1)]);
    assert_eq!(by("phone"), [Some(1), Some(2)]);
    assert_eq!(by("email"), [Some(2)]);
    app.close().await;
}
