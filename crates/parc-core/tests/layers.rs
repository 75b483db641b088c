//! The layers of `ARCHITECTURE.md`'s code map, kept: a module of parc-core, its tests too, uses
//! only the top-level modules of its own layer or below it, so no two folders import each other.

use std::collections::BTreeSet;
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

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative.components().next().unwrap().as_os_str().to_string_lossy();
        let top = top.trim_end_matches(".rs");
        if top == "lib" {
            continue;
        }
        let Some(own) = LAYERS.iter().position(|l| *l == top) else {
            wrong.push(format!("{}: {top} is not in LAYERS (nor in ARCHITECTURE.md)", relative.display()));
            continue;
        };
        for used in uses(&code(&std::fs::read_to_string(&file).unwrap())) {
            let Some(layer) = LAYERS.iter().position(|l| *l == used) else { continue };
            if layer > own {
                wrong.push(format!("{} ({top}) uses {used}, a layer above it", relative.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "layers broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_reader_finds_uses_in_paths_and_groups() {
    let found = uses("use crate::{customer::{A, B}, ground::vat};\nlet x = crate::fleet::share::f();\n");
    assert_eq!(found, ["customer", "fleet", "ground"].map(String::from).into_iter().collect());
    assert_eq!(code("use a;\n//! see crate::host\nlet b = 1; // crate::pdf\n"), "use a;\nlet b = 1;\n");
}
