//! The window on the desktop: one running copy per workstation, a title that says which office
//! and which database, Settings › About.

use std::process::Command;
use std::time::{Duration, Instant};

use parc_core::Store;
use parc_e2e::{App, PATIENCE};

/// The X windows whose title starts with "Parc", as the desktop's task bar would list them.
fn parc_windows(app: &App) -> Vec<(String, String)> {
    let xdotool = |args: &[&str]| {
        let out = Command::new("xdotool").env("DISPLAY", &app.display).args(args).output().expect("xdotool");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    xdotool(&["search", "--onlyvisible", "--name", "^Parc"])
        .lines()
        .map(|id| (id.to_string(), xdotool(&["getwindowname", id]).trim().to_string()))
        .collect()
}

fn wait_title(app: &App, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let windows = parc_windows(app);
        if let [(_, title)] = windows.as_slice() {
            if ok(title) {
                return title.clone();
            }
        }
        assert!(Instant::now() < deadline, "window titles: {windows:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test]
async fn starting_parc_again_brings_the_open_window_forward_instead_of_a_second_one() {
    let app = App::launch().await;
    wait_title(&app, |t| t == "Parc — parc.sqlite3");

    // The salesperson clicks the menu entry again: the second copy hands over and exits.
    let mut second = app.second_start().spawn().expect("start parc a second time");
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = second.try_wait().expect("wait for the second parc") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("the second parc kept running: two copies on one database");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "the second start failed: {status}");
    // Still one window, and it still works.
    assert_eq!(parc_windows(&app).len(), 1, "{:?}", parc_windows(&app));
    app.click(".tab[data-screen=customers]").await;
    app.wait_css("#screen-customers:not([hidden]) #empty-state:not([hidden])").await;
    app.close().await;
}

#[tokio::test]
async fn the_title_names_the_office_once_it_has_a_letterhead_and_about_tells_the_versions() {
    let app = App::launch().await;
    wait_title(&app, |t| t == "Parc — parc.sqlite3");
    // The sales manager names the office in Settings › Offers: the title follows at once.
    {
        let mut store = Store::open(app.db_path()).unwrap();
        let me = store.users().unwrap()[0].id;
        let data = parc_core::office::UserData {
            role: parc_core::office::UserRole::Manager,
            ..store.users().unwrap()[0].data.clone()
        };
        let version = store.users().unwrap()[0].version;
        store.update_user(me, version, data).unwrap();
    }
    let app = app.restart().await;
    app.click(".tab[data-screen=settings]").await;
    app.type_into("#letterhead-form [name=company_name]", "Autocarri Rossi S.p.A.").await;
    app.click("#letterhead-form button[type=submit]").await;
    wait_title(&app, |t| t == "Parc — Autocarri Rossi S.p.A. — parc.sqlite3");
    assert_eq!(Store::open(app.db_path()).unwrap().letterhead().unwrap().company_name, "Autocarri Rossi S.p.A.");

    // About: the workspace's version, the schema and the database in use.
    let schema = Store::open(app.db_path()).unwrap().schema_version().unwrap();
    app.wait_text("#about-version", |t| t == env!("CARGO_PKG_VERSION")).await;
    app.wait_text("#about-schema", |t| t == schema.to_string()).await;
    let path = app.db_path().display().to_string();
    app.wait_text("#about-database", |t| t == path).await;

    // The next morning the title names the office from the start.
    let app = app.restart().await;
    wait_title(&app, |t| t == "Parc — Autocarri Rossi S.p.A. — parc.sqlite3");
    app.close().await;
}

#[tokio::test]
async fn the_window_opens_the_next_day_as_big_as_it_was_left() {
    let app = App::launch().await;
    wait_title(&app, |t| t == "Parc — parc.sqlite3");
    app.client.set_window_size(1000, 640).await.expect("resize the window");
    let (_, _, w, h) = app.client.get_window_rect().await.expect("window rect");
    assert_eq!((w, h), (1000, 640));
    // Written once the window is still, so a PC switched off without closing Parc keeps it too.
    let state = app.dir.path().join("config/eu.parc-crm.desktop/.window-state.json");
    let deadline = Instant::now() + PATIENCE;
    let saved = || -> Option<serde_json::Value> { serde_json::from_slice(&std::fs::read(&state).ok()?).ok() };
    while saved().is_none_or(|s| (s["main"]["width"].as_u64(), s["main"]["height"].as_u64()) != (Some(1000), Some(640)))
    {
        assert!(Instant::now() < deadline, "no window state written: {:?}", std::fs::read_to_string(&state));
        std::thread::sleep(Duration::from_millis(100));
    }
    let app = app.restart().await;
    let (_, _, w, h) = app.client.get_window_rect().await.expect("window rect");
    assert_eq!((w, h), (1000, 640), "the window came back at its default size");
    app.close().await;
}
