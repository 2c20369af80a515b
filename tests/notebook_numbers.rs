//! Every number the notebooks' prose states is on the same page: each number of two or more
//! significant digits in a markdown cell must be, at the prose's precision, a number the
//! notebook's code or outputs print ("53%" matches a printed 53.10%), or one of the constants
//! listed below with the reason it is not printed.
//!
//! A regeneration that moves a number the prose quotes fails here, naming the notebook, the
//! cell and the sentence, instead of leaving the page to contradict its outputs.
//!
//! The code on the page stays readable: a cell stops on an error with `?`, which evcxr reports
//! with the error's message, rather than with an `.expect(..)` on every fallible call.

use regex::Regex;
use std::path::Path;

/// Numbers a notebook's prose may state without printing them: the tutorials' own constants and
/// settings, with the reason.
const CONSTANTS: &[(&str, &str, &str)] = &[
    (
        "00-overview",
        "1000",
        "vanilla-second's training set size (tutorial 004)",
    ),
    ("00-overview", "3.11", "the Python version the set-up needs"),
    (
        "01-vanilla-lstm",
        "640",
        "the exercise's examples in thousands: 20000 steps x 32",
    ),
    (
        "02-vanilla-second-element",
        "32",
        "the tutorial's batch size (Keras's default)",
    ),
    (
        "02-vanilla-second-element",
        "200",
        "the validation split: 20% of 1000 samples",
    ),
    ("02-vanilla-second-element", "20", "the study's seeds"),
    (
        "02-vanilla-second-element",
        "47",
        "notebook 01's distance from index 2 to step 49",
    ),
    (
        "03-alphabet-framing",
        "25",
        "the alphabet's last index: letters are numbered 0 to 25",
    ),
    ("03-alphabet-framing", "20", "the study's seeds"),
    ("03-alphabet-framing", "0.96", "the letter Z scaled: 25 / 26"),
    (
        "03-alphabet-framing",
        "4352",
        "the LSTM's parameters with one feature: 4 x 32 x (1 + 32 + 1)",
    ),
    (
        "03-alphabet-framing",
        "4608",
        "the LSTM's parameters with three features: 4 x 32 x (3 + 32 + 1)",
    ),
    (
        "03-alphabet-framing",
        "1500",
        "2000 epochs less the tutorial's 500",
    ),
    ("06-study", "4.17", "one alphabet window in percent: 100 / 24"),
    (
        "06-study",
        "95.83",
        "one alphabet window short of all 24: 100 x 23 / 24",
    ),
    ("06-study", "5000", "echo-partial's epochs (tutorial 002)"),
    (
        "07-exercises",
        "198",
        "half of one step of the scaled values: 1 / (2 x 99)",
    ),
    (
        "07-exercises",
        "640",
        "the examples in thousands: 20000 steps x 32",
    ),
    (
        "07-exercises",
        "17",
        "index 2 of a 20-step sequence is 17 steps before the last",
    ),
];

/// The notebook's markdown and, separately, everything else on its page (code and outputs).
fn page(path: &Path) -> (Vec<(usize, String)>, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let notebook: serde_json::Value = serde_json::from_str(&text).unwrap();
    let join = |v: &serde_json::Value| match v {
        serde_json::Value::Array(lines) => lines.iter().filter_map(|l| l.as_str()).collect(),
        serde_json::Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let (mut markdown, mut rest) = (Vec::new(), String::new());
    for (i, cell) in notebook["cells"].as_array().unwrap().iter().enumerate() {
        let source = join(&cell["source"]);
        if cell["cell_type"] == "markdown" {
            markdown.push((i, source));
            continue;
        }
        rest.push_str(&source);
        for output in cell["outputs"].as_array().into_iter().flatten() {
            rest.push('\n');
            rest.push_str(&join(&output["text"]));
            for kind in ["text/plain", "text/html", "text/markdown"] {
                rest.push('\n');
                rest.push_str(&join(&output["data"][kind]));
            }
        }
        rest.push('\n');
    }
    (markdown, rest)
}

/// Significant digits of a printed number (`0.0016` has 2, `2000` has 4).
fn significant(number: &str) -> usize {
    let mantissa = number.split(['e', 'E']).next().unwrap_or("");
    mantissa.replace('.', "").trim_start_matches('0').len()
}

#[test]
fn every_number_in_the_prose_is_on_its_page() {
    let number = Regex::new(r"[0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)?").unwrap();
    let code_or_link = Regex::new(r"`[^`]*`|\]\([^)]*\)").unwrap();
    let value = Regex::new(r"[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?").unwrap();
    let mut missing = Vec::new();
    let mut checked = 0;
    let mut paths: Vec<_> = std::fs::read_dir("notebooks")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ipynb"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 8, "notebooks/ has {} notebooks", paths.len());
    for path in &paths {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let (markdown, rest) = page(path);
        // Every number the page prints, as a value ("2.3e-5" is one number, not 2.3).
        let printed: Vec<f64> = value
            .find_iter(&rest)
            .filter_map(|m| m.as_str().parse::<f64>().ok())
            .map(f64::abs)
            .collect();
        for (cell, source) in markdown {
            let prose = code_or_link.replace_all(&source, " ");
            for m in number.find_iter(&prose) {
                // Part of a word or of a larger token (a heading's "06", "x0", "10th", "3D"): not a
                // quantity. A ratio ("2.1x") is one.
                let before = prose[..m.start()].chars().next_back();
                let after = prose[m.end()..].chars().next();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_')
                    || after.is_some_and(|c| (c.is_alphabetic() && c != 'x') || c == '_')
                    || significant(m.as_str()) < 2
                {
                    continue;
                }
                checked += 1;
                let n = m.as_str();
                // At the prose's precision: "53%" is on a page that prints 53.10%.
                let (mantissa, exponent) = n.split_once(['e', 'E']).map_or((n, None), |(m, e)| (m, Some(e)));
                let decimals = mantissa.split_once('.').map_or(0, |(_, d)| d.len());
                let on_page = printed.iter().any(|v| match exponent {
                    Some(_) => format!("{v:.decimals$e}") == n,
                    None => format!("{v:.decimals$}") == n,
                });
                let constant = CONSTANTS.iter().any(|&(nb, c, _)| nb == name && c == n);
                if !on_page && !constant {
                    let context: String = prose[m.start().saturating_sub(50)..].chars().take(90).collect();
                    missing.push(format!(
                        "{name} cell {cell}: {n} in \"{}\"",
                        context.replace('\n', " ")
                    ));
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} numbers found in the prose");
    assert!(
        missing.is_empty(),
        "numbers in the prose that the page does not print (print them, or list a tutorial \
         constant with its reason):\n{}",
        missing.join("\n")
    );
}

/// The most `.expect(`, `.unwrap(` and `panic!` calls one notebook's code may hold.
const MOST_PANICKING_CALLS: usize = 6;

#[test]
fn notebook_code_stops_on_errors_with_question_marks() {
    let panicking = Regex::new(r"\.expect\(|\.unwrap\(|panic!\(|unreachable!\(").unwrap();
    let mut over = Vec::new();
    let mut notebooks = 0;
    for entry in std::fs::read_dir("notebooks").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ipynb") {
            continue;
        }
        notebooks += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let notebook: serde_json::Value = serde_json::from_str(&text).unwrap();
        let code: String = notebook["cells"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|cell| cell["cell_type"] == "code")
            .flat_map(|cell| {
                cell["source"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|l| l.as_str())
            })
            .collect();
        let calls = panicking.find_iter(&code).count();
        if calls > MOST_PANICKING_CALLS {
            over.push(format!("{}: {calls}", path.display()));
        }
    }
    assert!(notebooks >= 8, "notebooks/ has {notebooks} notebooks");
    assert!(
        over.is_empty(),
        "notebooks with more than {MOST_PANICKING_CALLS} panicking calls (use `?`):\n{}",
        over.join("\n")
    );
}
