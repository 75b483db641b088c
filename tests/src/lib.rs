//! Harness for Parc's end-to-end tests: the real app window, driven through WebDriver.
//!
//! Chain: fantoccini → `tauri-driver` → `WebKitWebDriver` → the debug `parc` binary (or
//! another one: the packaged app), under an Xvfb display this harness starts when there is
//! none. Each [`App`] gets its own database, config folder and D-Bus session bus (where the
//! one-copy-per-workstation check lives) through environment variables that tauri-driver passes
//! on to the app, and cleans up after itself even when a test panics.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

pub use fantoccini;

/// The user the harness creates on a first start.
pub const USER_NAME: &str = "Anna Testa";

/// How long any one thing may take to appear on screen before a test fails.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// How long long work (checking tens of thousands of rows in the unoptimised test build) may
/// take before a test fails: its time grows with the machine's load, a screen's reaction not.
pub const LONG_WORK: Duration = Duration::from_secs(120);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// Builds the app once per test run (a no-op when it is up to date) and returns its path.
fn app_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", "parc"])
            .current_dir(workspace_root())
            .status()
            .expect("run cargo build -p parc");
        assert!(status.success(), "building the app failed");
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"));
        let bin = target.join("debug").join("parc");
        assert!(bin.exists(), "{} missing after build", bin.display());
        bin
    })
}

fn find_tool(name: &str) -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(std::env::var_os("CARGO_HOME").map(|h| PathBuf::from(h).join("bin")))
        .chain(std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin")))
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/local/bin")]);
    for dir in candidates {
        let path = dir.join(name);
        if path.is_file() {
            return path;
        }
    }
    panic!("{name} not found: run the README's test command, which installs it");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port()
}

fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not open port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process stopped with SIGTERM on drop: tauri-driver only stops WebKitWebDriver and
/// the app from its signal handler, so SIGKILL would leave them running.
struct Guarded(Child);

impl Drop for Guarded {
    fn drop(&mut self) {
        // SAFETY: plain kill(2) on our own child's pid.
        unsafe { libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An X display for the app: the session's own if it has one, else a private Xvfb.
fn start_display() -> (String, Option<Guarded>) {
    if let Ok(display) = std::env::var("DISPLAY") {
        if !display.is_empty() {
            return (display, None);
        }
    }
    let base = 90 + (std::process::id() % 400);
    let n = (base..base + 200)
        .find(|n| {
            !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .expect("a free X display");
    let display = format!(":{n}");
    let child = Command::new(find_tool("Xvfb"))
        .args([display.as_str(), "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start Xvfb");
    let guard = Guarded(child);
    let socket = format!("/tmp/.X11-unix/X{n}");
    let deadline = Instant::now() + PATIENCE;
    while !Path::new(&socket).exists() {
        assert!(Instant::now() < deadline, "Xvfb did not start on {display}");
        std::thread::sleep(Duration::from_millis(20));
    }
    (display, Some(guard))
}

/// A private D-Bus session bus: the app's single-instance check registers its name there, so
/// test windows never meet each other (or a Parc the developer has open).
fn start_session_bus() -> (String, Guarded) {
    let mut child = Command::new(find_tool("dbus-daemon"))
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start dbus-daemon");
    let stdout = child.stdout.take().expect("dbus-daemon's stdout");
    let guard = Guarded(child);
    let mut address = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut address).expect("dbus-daemon's address");
    assert!(!address.trim().is_empty(), "dbus-daemon printed no address");
    (address.trim().to_string(), guard)
}

/// What the start page of an empty database gets from the harness.
#[derive(Clone, Copy, PartialEq)]
enum OnStart {
    /// "Start empty", as a person who came to do something else.
    StartEmpty,
    /// Nothing: the test drives the start page.
    Stay,
}

/// One running Parc window with its own data. Tests run one window at a time: two cores
/// are better spent on one WebKit than shared by several.
pub struct App {
    pub client: Client,
    pub dir: tempfile::TempDir,
    /// The X display the window is on (for tools that answer native dialogs).
    pub display: String,
    /// The app binary this window runs.
    pub binary: PathBuf,
    /// The environment the app got (display, database, config folders, session bus).
    env: Vec<(&'static str, std::ffi::OsString)>,
    // Dropped in this order: the driver (and with it the app), the bus, the display, the lock.
    _driver: Guarded,
    _bus: Guarded,
    _display: Option<Guarded>,
    _serial: MutexGuard<'static, ()>,
}

impl App {
    /// A fresh app on an empty database.
    pub async fn launch() -> App {
        Self::launch_with(|_| {}).await
    }

    /// A fresh app whose data folder `prepare` may fill first (e.g. with a database), on the
    /// customer list, where most scenarios begin.
    pub async fn launch_with(prepare: impl FnOnce(&Path)) -> App {
        let app = Self::launch_home_with(prepare).await;
        app.to_customers().await;
        app
    }

    /// Opens the customer list, unless the database could not be opened (no list to show).
    pub async fn to_customers(&self) {
        if self.client.find(Locator::Css("body:not([data-db-error]) .tab[data-screen=customers]")).await.is_ok() {
            self.click(".tab[data-screen=customers]").await;
            self.wait_css("#screen-customers:not([hidden])").await;
        }
    }

    /// Like `launch_with`, left on the screen the app opens with (Home).
    pub async fn launch_home_with(prepare: impl FnOnce(&Path)) -> App {
        let dir = tempfile::tempdir().expect("temp dir");
        prepare(dir.path());
        Self::launch_in(dir, app_binary(), OnStart::StartEmpty).await
    }

    /// Like `launch_home_with`, running `binary` instead of the debug build.
    pub async fn launch_binary_with(binary: &Path, prepare: impl FnOnce(&Path)) -> App {
        let dir = tempfile::tempdir().expect("temp dir");
        prepare(dir.path());
        Self::launch_in(dir, binary, OnStart::StartEmpty).await
    }

    /// `binary` (the debug build when `None`) on a fresh database, left where it opens: the
    /// start page of an empty database, once the harness has said who works here.
    pub async fn launch_to_start(binary: Option<&Path>) -> App {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::launch_in(dir, binary.unwrap_or(app_binary()), OnStart::Stay).await
    }

    /// A command that starts this app's binary again, as a second start on the same
    /// workstation would: same display, database, folders and session bus.
    pub fn second_start(&self) -> Command {
        let mut command = Command::new(&self.binary);
        command.env_remove("LC_ALL").env_remove("LC_MESSAGES");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    /// Closes the window and starts the app again on the same database and settings, as a
    /// person does the next morning.
    pub async fn restart(self) -> App {
        let _ = self.client.clone().close().await;
        let App { dir, binary, _driver, _bus, _display, _serial, .. } = self;
        drop(_driver);
        drop(_bus);
        drop(_display);
        drop(_serial);
        let app = Self::launch_in(dir, &binary, OnStart::StartEmpty).await;
        app.to_customers().await;
        app
    }

    // The lock is held across the launch on purpose: windows start one at a time, so two
    // tests never race for the display or the driver's ports.
    #[allow(clippy::await_holding_lock)]
    async fn launch_in(dir: tempfile::TempDir, binary: &Path, on_start: OnStart) -> App {
        static SERIAL: Mutex<()> = Mutex::new(());
        let serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let (display, display_guard) = start_display();
        let (bus, bus_guard) = start_session_bus();
        let (port, native_port) = (free_port(), free_port());
        let log = std::fs::File::create(dir.path().join("driver.log")).expect("driver log");
        let env: Vec<(&'static str, std::ffi::OsString)> = vec![
            ("DISPLAY", display.clone().into()),
            ("PARC_DB", dir.path().join("parc.sqlite3").into()),
            ("XDG_CONFIG_HOME", dir.path().join("config").into()),
            ("XDG_DATA_HOME", dir.path().join("data").into()),
            ("DBUS_SESSION_BUS_ADDRESS", bus.into()),
            ("LANG", "en_GB.UTF-8".into()),
            // No accessibility bus under Xvfb; without this GTK waits for it.
            ("NO_AT_BRIDGE", "1".into()),
        ];
        let driver = Command::new(find_tool("tauri-driver"))
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .arg("--native-driver")
            .arg(find_tool("WebKitWebDriver"))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start tauri-driver");
        let driver = Guarded(driver);
        // tauri-driver forwards to WebKitWebDriver: both must listen before a session starts.
        wait_for_port(port, "tauri-driver");
        wait_for_port(native_port, "WebKitWebDriver");

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), serde_json::json!({ "application": binary }));
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| {
                let log = std::fs::read_to_string(dir.path().join("driver.log")).unwrap_or_default();
                panic!("WebDriver session failed: {e}\n{log}")
            });
        let app = App {
            client,
            dir,
            display: display.clone(),
            binary: binary.to_path_buf(),
            env,
            _driver: driver,
            _bus: bus_guard,
            _display: display_guard,
            _serial: serial,
        };
        app.answer_who().await;
        if on_start == OnStart::StartEmpty {
            app.start_empty().await;
        }
        app
    }

    /// On an empty database the app opens on its start page: leaves it by "Start empty" (after
    /// skipping the office's essentials, which the sales manager sees first).
    pub async fn start_empty(&self) {
        if self.client.find(Locator::Css("#screen-start:not([hidden])")).await.is_err() {
            return;
        }
        if self.client.find(Locator::Css("#start-essentials:not([hidden])")).await.is_ok() {
            self.click("#start-skip").await;
        }
        self.click("#start-empty").await;
        self.wait_css("#screen-home:not([hidden])").await;
    }

    /// Waits for the window to be ready; on a database without users it first asks who works
    /// here, and the harness answers as a new salesperson would.
    pub async fn answer_who(&self) {
        self.wait_css("body[data-ready='true'], #who-dialog[open]").await;
        if self.client.find(Locator::Css("#who-dialog[open]")).await.is_ok() {
            self.type_into("#who-form [name=name]", USER_NAME).await;
            self.click("#who-form button[type=submit]").await;
        }
        self.wait_css("body[data-ready='true']").await;
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("parc.sqlite3")
    }

    /// Waits until an element matching `css` is present.
    pub async fn wait_css(&self, css: &str) -> Element {
        let found =
            self.client.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await.map_err(|e| e.to_string());
        match found {
            Ok(el) => el,
            Err(e) => self.fail(&format!("no element {css}: {e}")).await,
        }
    }

    /// Waits until `css`'s text satisfies `ok`; returns the text.
    pub async fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_text_for(PATIENCE, css, ok).await
    }

    /// [`App::wait_text`] with its own patience, for the end of long work ([`LONG_WORK`]).
    pub async fn wait_text_for(&self, patience: Duration, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + patience;
        let mut last = String::new();
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = el.text().await {
                    if ok(&text) {
                        return text;
                    }
                    last = text;
                }
            }
            if Instant::now() >= deadline {
                self.fail(&format!("{css} never showed the expected text; last: {last:?}")).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Texts of every element matching `css`, in document order. A list redrawn while it is
    /// being read is read again.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let deadline = Instant::now() + PATIENCE;
        'again: loop {
            let mut out = Vec::new();
            for el in self.client.find_all(Locator::Css(css)).await.expect("find_all") {
                match el.text().await {
                    Ok(text) => out.push(text),
                    Err(e) => {
                        assert!(Instant::now() < deadline, "cannot read {css}: {e}");
                        continue 'again;
                    }
                }
            }
            return out;
        }
    }

    /// Waits until the list shows exactly `names` (visible customer names in order).
    pub async fn wait_results(&self, names: &[&str]) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let shown = self.texts("#results .result .name").await;
            let shown: Vec<String> = shown.iter().map(|s| s.lines().next().unwrap_or("").trim().to_string()).collect();
            if shown == names {
                return;
            }
            if Instant::now() >= deadline {
                self.fail(&format!("list shows {shown:?}, expected {names:?}")).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clears an input and types `text` into it, as a person would.
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.wait_css(css).await;
        el.clear().await.expect("clear");
        if !text.is_empty() {
            el.send_keys(text).await.expect("type");
        }
    }

    /// Clicks the element; when the screen draws it again between finding and clicking (a
    /// list refreshing), finds it again instead of failing on the stale one.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.wait_css(css).await.click().await {
                Ok(()) => return,
                Err(e) if is_stale(&e) && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => self.fail(&format!("click {css}: {e}")).await,
            }
        }
    }

    /// Clicks what reloads the window (switching the database): the page may unload before
    /// WebKitWebDriver answers the click, which it reports as an error though the click landed.
    pub async fn click_reloading(&self, css: &str) {
        if let Err(e) = self.wait_css(css).await.click().await {
            assert!(e.to_string().contains("unload"), "click {css}: {e}");
        }
    }

    pub async fn value(&self, css: &str) -> String {
        self.wait_css(css).await.prop("value").await.expect("value").unwrap_or_default()
    }

    /// Saves a screenshot as `$PARC_SHOTS/<name>.png` when PARC_SHOTS names a folder: a way to
    /// look at a screen as the test left it. Does nothing otherwise.
    pub async fn shot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("PARC_SHOTS") {
            let png = self.client.screenshot().await.expect("screenshot");
            std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("write screenshot");
        }
    }

    /// Fails the test with `why`, leaving a screenshot of the window as it was in
    /// `target/e2e-failures/` (or `$PARC_SHOTS`), named after the test: a flaky failure is
    /// otherwise gone with the window.
    pub async fn fail(&self, why: &str) -> ! {
        let dir = std::env::var_os("PARC_SHOTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace_root().join("target").join("e2e-failures"));
        let test = std::thread::current().name().unwrap_or("test").replace("::", "-");
        let path = dir.join(format!("{test}.png"));
        let saved = match self.client.screenshot().await {
            Ok(png) => std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, png)).is_ok(),
            Err(_) => false,
        };
        if saved {
            panic!("{why}\n(the window as it was: {})", path.display());
        }
        panic!("{why}");
    }

    /// Ends the WebDriver session; the app closes with it.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// The element was found, then replaced in the page before the command reached it.
/// WebKitWebDriver also answers a click on an element being redrawn with an error that has no
/// message at all; the retry finds the new element.
fn is_stale(e: &fantoccini::error::CmdError) -> bool {
    let text = e.to_string();
    text.contains("stale element")
        || text.contains("was not found")
        || text.trim_end().ends_with("webdriver returned error:")
}

/// Answers the system's save dialog (GTK, a window of its own) with `path`, as a person
/// typing the name and pressing Enter: found by its title, focused, typed into.
pub fn answer_save_dialog(display: &str, title: &str, path: &Path) {
    let xdotool = |args: &[&str]| {
        Command::new("xdotool")
            .env("DISPLAY", display)
            .args(args)
            .output()
            .expect("xdotool (scripts/install-deps --tests)")
    };
    let deadline = Instant::now() + PATIENCE;
    let window = loop {
        let out = xdotool(&["search", "--name", title]);
        let found = String::from_utf8_lossy(&out.stdout).lines().last().map(str::to_string);
        if let Some(w) = found.filter(|w| !w.is_empty()) {
            break w;
        }
        assert!(Instant::now() < deadline, "no save dialog titled {title:?}");
        std::thread::sleep(Duration::from_millis(100));
    };
    // The dialog draws its name field a moment after it maps.
    std::thread::sleep(Duration::from_millis(700));
    xdotool(&["windowfocus", "--sync", &window]);
    xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
    xdotool(&["type", "--delay", "5", &path.display().to_string()]);
    xdotool(&["key", "Return"]);
}
