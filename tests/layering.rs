//! The crate's shape, as rules that keep holding:
//!
//! - `src/` is six layer folders, bottom to top [`LAYERS`]; a module (a file or folder inside a
//!   layer) imports only from modules of its own layer or of the layers below it;
//! - no module uses a module that uses it back, directly or through others;
//! - no source file is over [`MAX_LINES`] lines.
//!
//! `cargo test --test layering -- --nocapture` prints the layers and, within the crate, the
//! modules in floors, each floor above everything it uses. A module uses another when any of its
//! files names `crate::other` (in a `use` or a path, `crate::{a, b}` included); comments don't
//! count. The command line (`src/bin/`) uses the library as any user would and is not a layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layer folders of `src/`, bottom to top.
const LAYERS: [&str; 6] = ["base", "input", "network", "training", "experiments", "evidence"];

/// The longest a source file may be.
const MAX_LINES: usize = 500;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, in a stable order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The modules `text` names as `crate::<module>`, outside comments.
fn named_modules(text: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("//") {
            continue;
        }
        for (i, _) in line.match_indices("crate::") {
            let rest = &line[i + "crate::".len()..];
            match rest.strip_prefix('{') {
                Some(group) => named.extend(
                    group
                        .split([',', '}'])
                        .map(|s| s.trim().split("::").next().unwrap_or("").to_string()),
                ),
                None => {
                    named.insert(
                        rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .next()
                            .unwrap_or("")
                            .to_string(),
                    );
                }
            }
        }
    }
    named.retain(|n| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_'));
    named
}

/// Every module (`layer/module`, a file or folder inside a layer folder) with the modules it
/// uses, and the layer of each module's name.
fn graph() -> (BTreeMap<String, BTreeSet<String>>, BTreeMap<String, usize>) {
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut layer_of: BTreeMap<String, usize> = BTreeMap::new();
    for (layer, folder) in LAYERS.iter().enumerate() {
        let dir = src().join(folder);
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a layer entry").path();
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            if name == "mod" {
                continue;
            }
            let files = if path.is_dir() {
                rust_files(&path)
            } else {
                vec![path]
            };
            let text = files
                .iter()
                .map(|f| std::fs::read_to_string(f).expect("a readable source file"))
                .collect::<Vec<_>>()
                .join("\n");
            assert!(
                layer_of.insert(name.clone(), layer).is_none(),
                "two modules named {name}"
            );
            texts.insert(name, text);
        }
    }
    let graph = texts
        .iter()
        .map(|(name, text)| {
            let uses = named_modules(text)
                .into_iter()
                .filter(|other| other != name && layer_of.contains_key(other))
                .collect();
            (name.clone(), uses)
        })
        .collect();
    (graph, layer_of)
}

/// Each import of a module from a layer above its own, as `user (layer) -> used (layer)`.
fn upward_imports(
    graph: &BTreeMap<String, BTreeSet<String>>,
    layer_of: &BTreeMap<String, usize>,
) -> Vec<String> {
    let mut up = Vec::new();
    for (user, uses) in graph {
        for used in uses {
            if layer_of[used] > layer_of[user] {
                up.push(format!(
                    "{user} ({}) -> {used} ({})",
                    LAYERS[layer_of[user]], LAYERS[layer_of[used]]
                ));
            }
        }
    }
    up
}

/// The modules in floors, each floor using only floors below it, and what is left on an import
/// loop (each with what it uses among the left).
fn floors(graph: &BTreeMap<String, BTreeSet<String>>) -> (Vec<Vec<String>>, Vec<String>) {
    // Peel off, again and again, the modules that use nothing left: what cannot be peeled off
    // lies on a circle.
    let mut left = graph.clone();
    let mut floors: Vec<Vec<String>> = Vec::new();
    loop {
        let ground: Vec<String> = left
            .iter()
            .filter(|(_, uses)| uses.iter().all(|u| !left.contains_key(u)))
            .map(|(name, _)| name.clone())
            .collect();
        if ground.is_empty() {
            break;
        }
        for name in &ground {
            left.remove(name);
        }
        floors.push(ground);
    }
    let circles = left
        .iter()
        .map(|(name, uses)| {
            let back: Vec<&str> = uses
                .iter()
                .filter(|u| left.contains_key(*u))
                .map(String::as_str)
                .collect();
            format!("{name} -> {}", back.join(", "))
        })
        .collect();
    (floors, circles)
}

#[test]
fn src_is_the_six_layer_folders_and_the_command_line() {
    let mut entries: Vec<String> = std::fs::read_dir(src())
        .expect("src/")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    let mut expected: Vec<String> = LAYERS.iter().map(|l| l.to_string()).collect();
    expected.extend(["bin".to_string(), "lib.rs".to_string()]);
    expected.sort();
    assert_eq!(
        entries, expected,
        "a new module belongs in one of the layers {LAYERS:?}"
    );
}

#[test]
fn layers_import_only_from_below() {
    let (graph, layer_of) = graph();
    assert!(
        graph.contains_key("train") && graph.contains_key("plot"),
        "src/ read"
    );
    for (layer, folder) in LAYERS.iter().enumerate() {
        let modules: Vec<&str> = layer_of
            .iter()
            .filter(|(_, l)| **l == layer)
            .map(|(m, _)| m.as_str())
            .collect();
        println!("layer {} {folder}/: {}", layer + 1, modules.join(", "));
    }
    let up = upward_imports(&graph, &layer_of);
    assert!(up.is_empty(), "imports from a layer above:\n{}", up.join("\n"));
}

#[test]
fn the_check_catches_an_upward_import() {
    let (mut graph, layer_of) = graph();
    // `train` (training) using `report` (evidence) is what the rule forbids.
    graph
        .get_mut("train")
        .expect("train")
        .insert("report".to_string());
    assert_eq!(
        upward_imports(&graph, &layer_of),
        ["train (training) -> report (evidence)"]
    );
    assert_eq!(
        named_modules("use crate::{report::X, train};\n// crate::study\nlet x = crate::plot::f();"),
        ["plot", "report", "train"].map(String::from).into()
    );
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let (graph, _) = graph();
    let (floors, circles) = floors(&graph);
    for (i, floor) in floors.iter().enumerate() {
        println!("floor {}: {}", i + 1, floor.join(", "));
    }
    assert!(
        circles.is_empty(),
        "modules on an import loop, or above one (each with what it uses among them):\n{}",
        circles.join("\n")
    );
    // Training never imports plotting; a model never imports its summary.
    assert!(!graph["train"].contains("plot") && !graph["metrics"].contains("plot"));
    assert!(!graph["models"].contains("summary"));
}

#[test]
fn no_source_file_is_over_the_limit() {
    let long: Vec<String> = rust_files(&src())
        .iter()
        .map(|f| {
            (
                f,
                std::fs::read_to_string(f).expect("a source file").lines().count(),
            )
        })
        .filter(|(_, n)| *n > MAX_LINES)
        .map(|(f, n)| format!("{}: {n} lines", f.display()))
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines (split by concern):\n{}",
        long.join("\n")
    );
}
