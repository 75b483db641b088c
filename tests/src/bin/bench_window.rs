//! The window benchmark: what a person feels of the packaged app on a large office.
//!
//! Starts the given `parc` binary (the release build) on a copy-free link of the given
//! database, through the same WebDriver chain as the end-to-end tests, and prints:
//! - cold start: from the process's start (the kernel's record of it) to Home drawn, read from
//!   the `parc:home` mark the screen sets (`ui/marks.js`);
//! - the memory of the app and its WebKit processes, as proportional set size summed over all
//!   of them (`/proc/PID/smaps_rollup`), after Home, the customer list, a card and the funnel.
//!
//! `scripts/bench-window` builds the release app and a 100,000-customer office and runs this.
//! Figures only, no pass or fail: run it on a machine doing nothing else.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use parc_core::host::workstation::{self, WorkstationSettings};
use parc_core::office::UserRole;
use parc_core::Store;
use parc_e2e::App;

fn arg(name: &str) -> Option<String> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == name {
            return args.next();
        }
    }
    None
}

/// The epoch milliseconds at which `mark` was set in the page.
async fn mark_time(app: &App, mark: &str) -> f64 {
    let script = format!(
        "const m = performance.getEntriesByName('parc:{mark}'); \
         return m.length ? performance.timeOrigin + m[0].startTime : null;"
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let value = app.client.execute(&script, vec![]).await.expect("read the page's marks");
        if let Some(ms) = value.as_f64() {
            return ms;
        }
        assert!(Instant::now() < deadline, "the page never set parc:{mark}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Clears the page's marks, so the next one read is the next drawing.
async fn clear_marks(app: &App) {
    app.client.execute("performance.clearMarks();", vec![]).await.expect("clear marks");
}

fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: split after it.
    let rest = &stat[stat.rfind(')')? + 2..];
    Some(rest.split_whitespace().map(str::to_string).collect())
}

/// When the process started, in epoch milliseconds (10 ms resolution: the kernel's clock ticks).
fn started_ms(pid: u32) -> f64 {
    let ticks: f64 = stat_fields(pid).expect("process stat")[19].parse().expect("start time");
    let boot: f64 = std::fs::read_to_string("/proc/stat")
        .expect("/proc/stat")
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .expect("boot time")
        .trim()
        .parse()
        .expect("boot time");
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (boot + ticks / hz) * 1000.0
}

fn pids() -> Vec<u32> {
    std::fs::read_dir("/proc").unwrap().flatten().filter_map(|e| e.file_name().to_str()?.parse().ok()).collect()
}

/// The app's process: runs `binary` and was given `db` as its database.
fn app_pid(binary: &Path, db: &Path) -> u32 {
    let want = format!("PARC_DB={}", db.display());
    pids()
        .into_iter()
        .find(|pid| {
            std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary)
                && std::fs::read(format!("/proc/{pid}/environ"))
                    .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == want.as_bytes()))
        })
        .expect("the app's process")
}

/// The process and every process below it (WebKit's web and network processes).
fn family(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> =
        pids().into_iter().filter_map(|p| Some((p, stat_fields(p)?[1].parse().ok()?))).collect();
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(parents.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    out
}

/// (name, Pss kB, Pss_Anon kB) of a process.
fn pss(pid: u32) -> (String, u64, u64) {
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_string();
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let field = |key: &str| {
        rollup
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (name, field("Pss:"), field("Pss_Anon:"))
}

#[tokio::main]
async fn main() {
    let binary = PathBuf::from(arg("--binary").unwrap_or_else(|| "target/release/parc".into()));
    let binary = binary.canonicalize().unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    let source = PathBuf::from(arg("--db").expect("--db FILE: an office made by parc-cli demo"));
    let source = source.canonicalize().unwrap_or_else(|e| panic!("{}: {e}", source.display()));

    // The person at the workstation: the office's first salesperson, remembered as a person's
    // choice is, so the window opens straight on their Home.
    let mut store = Store::open(&source).expect("open the office");
    let customers = store.count_customers().expect("count customers");
    let me = store
        .users()
        .expect("users")
        .into_iter()
        .find(|u| u.data.role == UserRole::Salesperson)
        .expect("a salesperson");
    drop(store);

    let app = App::launch_binary_with(&binary, |dir| {
        let db = dir.join("parc.sqlite3");
        // A link, not a copy: the office is large, and the benchmark throws it away.
        std::fs::hard_link(&source, &db).or_else(|_| std::fs::copy(&source, &db).map(drop)).expect("link the office");
        let mut settings = WorkstationSettings::default();
        settings.users.insert(db.display().to_string(), me.id);
        std::env::set_var("XDG_CONFIG_HOME", dir.join("config"));
        settings.save(&workstation::settings_path()).expect("workstation settings");
    })
    .await;
    let pid = app_pid(&binary, &app.db_path());
    let home = mark_time(&app, "home").await;
    let started = started_ms(pid);

    let mut steps = Vec::new();
    clear_marks(&app).await;
    let t = now_ms();
    app.click(".tab[data-screen=customers]").await;
    // The list was read at start-up; a search draws it anew (after the screen's typing pause).
    app.type_into("#search", "tra").await;
    steps.push(("the customer list searched", mark_time(&app, "customers").await - t));
    clear_marks(&app).await;
    let t = now_ms();
    app.click("#results .result").await;
    steps.push(("a card", mark_time(&app, "card").await - t));
    clear_marks(&app).await;
    let t = now_ms();
    app.click(".tab[data-screen=funnel]").await;
    steps.push(("the funnel board", mark_time(&app, "board").await - t));
    // Let WebKit settle (images decoded, timers run) before reading its memory.
    tokio::time::sleep(Duration::from_secs(3)).await;

    println!("Window benchmark: {} on {customers} customers ({})", binary.display(), source.display());
    println!("cold start, process start to Home drawn: {:.0} ms", home - started);
    for (what, ms) in steps {
        println!("click to {what} drawn: {ms:.0} ms");
    }
    let (mut total, mut anon) = (0, 0);
    for p in family(pid) {
        let (name, p_kb, a_kb) = pss(p);
        if p_kb == 0 {
            continue;
        }
        println!("  {name:<24} PSS {:>6.1} MB (anonymous {:>6.1} MB)", p_kb as f64 / 1024.0, a_kb as f64 / 1024.0);
        total += p_kb;
        anon += a_kb;
    }
    println!(
        "memory after Home, the customer list, a card and the funnel: PSS {:.0} MB (anonymous {:.0} MB), all processes",
        total as f64 / 1024.0,
        anon as f64 / 1024.0
    );
    app.close().await;
}

fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64() * 1000.0
}
