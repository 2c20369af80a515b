//! The crate's modules import one way: no module of `src/` uses a module that uses it back,
//! directly or through others. `cargo test --test layering` checks it, and prints the modules in
//! order, each above everything it uses.
//!
//! A module is a top-level file or folder of `src/` (`train.rs`, `tutorials/`); it uses another
//! when any of its files names `crate::other` (in a `use` or a path, `crate::{a, b}` included).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every top-level module with the modules it uses.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(&src).expect("src/") {
        let path = entry.expect("a src/ entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if name == "lib" || name == "main" {
            continue;
        }
        let files: Vec<std::path::PathBuf> = if path.is_dir() {
            std::fs::read_dir(&path)
                .expect("a module folder")
                .map(|e| e.expect("a file").path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect()
        } else if path.extension().is_some_and(|e| e == "rs") {
            vec![path.clone()]
        } else {
            continue;
        };
        let texts = files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("a readable source file"))
            .collect();
        modules.insert(name, texts);
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(name, texts)| {
            let mut uses = BTreeSet::new();
            for text in texts {
                for line in text.lines().map(str::trim) {
                    // Doc comments and comments may name modules without using them.
                    if line.starts_with("//") {
                        continue;
                    }
                    for (i, _) in line.match_indices("crate::") {
                        let rest = &line[i + "crate::".len()..];
                        let named: Vec<&str> = match rest.strip_prefix('{') {
                            Some(group) => group
                                .split([',', '}'])
                                .map(|s| s.trim().split("::").next().unwrap_or(""))
                                .collect(),
                            None => vec![
                                rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                                    .next()
                                    .unwrap_or(""),
                            ],
                        };
                        for other in named {
                            if other != name && names.contains(other) {
                                uses.insert(other.to_string());
                            }
                        }
                    }
                }
            }
            (name.clone(), uses)
        })
        .collect()
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let graph = graph();
    assert!(
        graph.contains_key("train") && graph.contains_key("plot"),
        "src/ read"
    );
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
    for (i, floor) in floors.iter().enumerate() {
        println!("floor {}: {}", i + 1, floor.join(", "));
    }
    let circles: Vec<String> = left
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
    assert!(
        circles.is_empty(),
        "modules on an import loop, or above one (each with what it uses among them):\n{}",
        circles.join("\n")
    );
    // Training never imports plotting.
    assert!(!graph["train"].contains("plot") && !graph["metrics"].contains("plot"));
    assert!(!graph["models"].contains("summary"));
}
