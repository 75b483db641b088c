//! A command's name is written in five places: its `#[tauri::command]` function, the
//! `generate_handler!` list in `lib.rs`, `build.rs`'s permission list, the capability file and
//! the `invoke` in `ui/ipc.js`. A name missing from one of them only shows in the real window
//! (a refused or unknown command), so these tests read the five and name what disagrees.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The names found in one place, in the order written (a name twice is a mistake too).
struct Place {
    label: &'static str,
    names: Vec<String>,
}

fn shell_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text between `open` and the first `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str, what: &str) -> &'a str {
    let start = text.find(open).unwrap_or_else(|| panic!("{what}: `{open}` not found")) + open.len();
    let len = text[start..].find(close).unwrap_or_else(|| panic!("{what}: `{close}` not found"));
    &text[start..start + len]
}

/// Every `#[tauri::command]` function under `src/`, with the file (relative to `src/`) it is in.
fn command_functions(src: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let file = path.strip_prefix(src).unwrap().to_string_lossy().replace('\\', "/");
            let text = read(&path);
            let mut lines = text.lines().map(str::trim);
            while let Some(line) = lines.next() {
                if line != "#[tauri::command]" {
                    continue;
                }
                // The function follows, perhaps after more attributes.
                let signature = lines.find(|l| l.contains("fn ")).expect("a function after #[tauri::command]");
                let name = signature.split("fn ").nth(1).unwrap().split(['(', '<']).next().unwrap().trim();
                found.push((name.to_string(), file.clone()));
            }
        }
    }
    found.sort();
    found
}

/// The entries of `generate_handler![…]` as written (module path included).
fn handler_entries(lib_rs: &str) -> Vec<String> {
    between(lib_rs, "generate_handler![", "]", "lib.rs")
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(String::from)
        .collect()
}

/// The quoted names of `build.rs`'s `COMMANDS`.
fn build_list(build_rs: &str) -> Vec<String> {
    let list = between(build_rs, "const COMMANDS: &[&str] = &[", "];", "build.rs");
    list.split('"').skip(1).step_by(2).map(String::from).collect()
}

/// The app's own grants of the capability file (`allow-customer-get` → `customer_get`); a
/// plugin's (`dialog:…`) or core's permission is not a command of ours.
fn capability_grants(json: &str) -> Vec<String> {
    let capability: serde_json::Value = serde_json::from_str(json).expect("capabilities/default.json is JSON");
    capability["permissions"]
        .as_array()
        .expect("a permissions array")
        .iter()
        .map(|p| p.as_str().or_else(|| p["identifier"].as_str()).unwrap_or_default())
        .filter(|p| !p.contains(':'))
        .map(|p| p.strip_prefix("allow-").unwrap_or(p).replace('-', "_"))
        .collect()
}

/// The command names `ipc.js` invokes (`invoke('customer_get', …)`).
fn invoked(ipc_js: &str) -> Vec<String> {
    ipc_js.split("invoke('").skip(1).map(|rest| rest.split('\'').next().unwrap().to_string()).collect()
}

/// What disagrees: per command name, the places that lack it (against the union of all places),
/// and any place that writes a name twice. Empty when all agree.
fn disagreements(places: &[Place]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut everywhere: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for place in places {
        let mut seen = std::collections::BTreeSet::new();
        for name in &place.names {
            if !seen.insert(name) {
                problems.push(format!("`{name}` is written twice in {}", place.label));
            }
            everywhere.entry(name).or_default().push(place.label);
        }
    }
    for (name, present) in everywhere {
        let missing: Vec<&str> = places.iter().map(|p| p.label).filter(|l| !present.contains(l)).collect();
        if !missing.is_empty() {
            problems.push(format!("`{name}` is in {} but not in {}", present.join(", "), missing.join(", ")));
        }
    }
    problems
}

#[test]
fn every_command_is_written_alike_in_all_five_places() {
    let dir = shell_dir();
    let functions = command_functions(&dir.join("src"));
    let handler = handler_entries(&read(&dir.join("src/lib.rs")));
    let places = [
        Place { label: "a #[tauri::command] function", names: functions.iter().map(|(n, _)| n.clone()).collect() },
        Place {
            label: "generate_handler! (lib.rs)",
            names: handler.iter().map(|e| e.rsplit("::").next().unwrap().to_string()).collect(),
        },
        Place { label: "build.rs's COMMANDS", names: build_list(&read(&dir.join("build.rs"))) },
        Place {
            label: "capabilities/default.json",
            names: capability_grants(&read(&dir.join("capabilities/default.json"))),
        },
        Place { label: "ui/ipc.js", names: invoked(&read(&dir.join("../ui/ipc.js"))) },
    ];
    let problems = disagreements(&places);
    assert!(problems.is_empty(), "the command lists disagree:\n{}", problems.join("\n"));
    assert!(functions.len() > 100, "found only {} commands: is the scan still reading the files?", functions.len());
}

/// `generate_handler!` names each command by its file, so a newcomer goes from the list to the
/// command in one hop: `commands::offers::offer_send` lives in `commands/offers.rs`.
#[test]
fn each_registered_command_is_named_by_the_file_it_lives_in() {
    let dir = shell_dir();
    let functions: BTreeMap<String, String> = command_functions(&dir.join("src")).into_iter().collect();
    let mut wrong = Vec::new();
    for entry in handler_entries(&read(&dir.join("src/lib.rs"))) {
        let (module, name) = entry.rsplit_once("::").unwrap_or(("", &entry));
        let expected = format!("{}.rs", module.replace("::", "/"));
        match functions.get(name) {
            Some(file) if *file == expected => {}
            Some(file) => wrong.push(format!("`{entry}` is defined in src/{file}")),
            None => wrong.push(format!("`{entry}` has no #[tauri::command] function")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_disagreement_is_reported_with_the_name_and_the_places() {
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let places = [
        Place { label: "functions", names: names(&["customer_get", "user_update"]) },
        Place { label: "build.rs", names: names(&["customer_get", "user_update", "customer_get"]) },
        Place { label: "ipc.js", names: names(&["customer_get"]) },
    ];
    assert_eq!(
        disagreements(&places),
        ["`customer_get` is written twice in build.rs", "`user_update` is in functions, build.rs but not in ipc.js",]
    );
    assert_eq!(capability_grants(r#"{"permissions": ["allow-fleet-line-add", "dialog:default"]}"#), ["fleet_line_add"]);
    assert_eq!(
        invoked("a: () => invoke('app_info'),\n b: (id) => invoke('offer_view', { id }),"),
        ["app_info", "offer_view"]
    );
    assert_eq!(build_list("const COMMANDS: &[&str] = &[\n    \"a_b\",\n    \"c\",\n];"), ["a_b", "c"]);
}
