//! The layers of `ARCHITECTURE.md`'s code map, kept: a module of parc-core, its tests too, uses
//! only the top-level modules of its own layer or below it, so no two folders import each other,
//! and calls no method of `Store` that a layer above it defines (a method is reachable from
//! anywhere, so an import check alone would not see such a call).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lowest first; a module may use those before it.
const LAYERS: &[&str] = &[
    "ground", "storage", "office", "customer", "fleet", "funnel", "contact", "offer", "segment", "report", "pdf",
    "exchange", "host",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (a comment may name any module).
fn code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        out.push_str(line.split(" // ").next().unwrap());
        out.push('\n');
    }
    out
}

fn first_name(path: &str) -> String {
    path.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// The top-level modules a piece of code names through `crate::`.
fn uses(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::…, b, c::{…}}`: the first name of each item of the group.
            let (mut depth, mut item) = (0, String::new());
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.extend(Some(first_name(&item)).filter(|n| !n.is_empty()));
                        item.clear();
                    }
                    c if depth == 0 => item.push(c),
                    _ => {}
                }
            }
            out.extend(Some(first_name(&item)).filter(|n| !n.is_empty()));
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.insert(name);
        }
    }
    out
}

/// Every source file of parc-core but `lib.rs`: its path under `src/`, its layer's index and
/// its code without comments. A top-level module missing from `LAYERS` fails here.
fn layered_files() -> Vec<(String, usize, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut out = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative.components().next().unwrap().as_os_str().to_string_lossy();
        let top = top.trim_end_matches(".rs");
        if top == "lib" {
            continue;
        }
        let own = LAYERS
            .iter()
            .position(|l| *l == top)
            .unwrap_or_else(|| panic!("{}: {top} is not in LAYERS (nor in ARCHITECTURE.md)", relative.display()));
        out.push((relative.display().to_string(), own, code(&std::fs::read_to_string(&file).unwrap())));
    }
    out
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let mut wrong = Vec::new();
    for (path, own, code) in layered_files() {
        for used in uses(&code) {
            let Some(layer) = LAYERS.iter().position(|l| *l == used) else { continue };
            if layer > own {
                wrong.push(format!("{path} ({}) uses {used}, a layer above it", LAYERS[own]));
            }
        }
    }
    assert!(wrong.is_empty(), "layers broken:\n{}", wrong.join("\n"));
}

/// The methods each `impl Store` block defines (`fn name(&self` or `&mut self`), by name.
fn store_methods(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in code.split("impl Store {").skip(1).chain(code.split("impl crate::Store {").skip(1)) {
        // The block ends at the first line that is a closing brace in the first column.
        let block = block.split("\n}").next().unwrap_or_default();
        for line in block.lines() {
            let line = line.trim_start();
            let line = line.strip_prefix("pub(crate) ").or_else(|| line.strip_prefix("pub ")).unwrap_or(line);
            if let Some(rest) = line.strip_prefix("fn ") {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let after = &rest[name.len()..];
                if after.contains("(&self") || after.contains("(&mut self") {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// The names called as methods of a store: `self.name(` or `store.name(` (and the names the
/// copy and its tests give stores).
fn store_calls(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for receiver in ["self.", "store.", "to.", "from.", "source.", "dest.", "copy.", "other."] {
        for (at, _) in code.match_indices(receiver) {
            if code[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let rest = &code[at + receiver.len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() && rest[name.len()..].starts_with('(') {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn no_module_calls_a_store_method_of_a_layer_above_its_own() {
    let files = layered_files();
    let mut defined: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (_, own, code) in &files {
        for name in store_methods(code) {
            defined.entry(name).or_default().insert(*own);
        }
    }
    let mut wrong = Vec::new();
    for (path, own, code) in &files {
        for name in store_calls(code) {
            // A name some layer at or below this one defines is taken to be that one.
            let Some(layers) = defined.get(&name) else { continue };
            if layers.iter().all(|l| l > own) {
                let above = LAYERS[*layers.iter().next().unwrap()];
                wrong.push(format!("{path} ({}) calls Store::{name}, defined in {above}", LAYERS[*own]));
            }
        }
    }
    assert!(wrong.is_empty(), "layers broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_reader_finds_store_methods_and_their_calls() {
    let code = "impl Store {\n    pub fn agenda(&mut self) -> X {\n        self.read(|x| f(x))\n    }\n    fn helper(x: i64) {}\n}\nfn g() {}\n";
    assert_eq!(store_methods(code), ["agenda"]);
    let calls = store_calls("let a = store.agenda(day);\nself.read(f);\nmy.store.x(1);\nself.field;\n");
    assert_eq!(calls, ["agenda", "read"].map(String::from).into_iter().collect());
}

#[test]
fn the_reader_finds_uses_in_paths_and_groups() {
    let found = uses("use crate::{customer::{A, B}, ground::vat};\nlet x = crate::fleet::share::f();\n");
    assert_eq!(found, ["customer", "fleet", "ground"].map(String::from).into_iter().collect());
    assert_eq!(code("use a;\n//! see crate::host\nlet b = 1; // crate::pdf\n"), "use a;\nlet b = 1;\n");
}
