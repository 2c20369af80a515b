//! The reported numbers and the version stamp of the results.

use lstm_lab::report::{Summary, SummaryRow, VERSIONS, reported};
use lstm_lab::tutorials::Experiment;

#[test]
fn every_experiment_has_its_reported_number_and_source() {
    let all = reported().unwrap();
    for e in Experiment::ALL {
        let r = &all[e.id()];
        assert!(r.source.ends_with(".txt") && !r.quote.is_empty(), "{e}");
    }
    assert_eq!(all["alphabet-feature-window"].reported, Some(86.96));
    assert_eq!(all.len(), Experiment::ALL.len());
}

#[test]
fn versions_match_cargo_lock() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    for (name, version) in VERSIONS.iter().skip(1) {
        let entry = format!("name = \"{name}\"\nversion = \"{version}\"");
        assert!(lock.contains(&entry), "Cargo.lock has no {name} {version}");
    }
}

#[test]
fn ids_round_trip_and_summary_merges_by_id() {
    for e in Experiment::ALL {
        assert_eq!(e.id().parse::<Experiment>().unwrap(), e);
    }
    let row = |id: &str, seed, accuracy| SummaryRow {
        id: id.into(),
        seed,
        device: "cpu".into(),
        epochs: 1,
        accuracy,
        reported: None,
        train_seconds: 1.0,
    };
    let mut summary = Summary {
        runs: vec![row("vanilla-second", 1, 50.0), row("echo-whole", 1, 10.0)],
    };
    summary.merge(vec![row("echo-whole", 1, 100.0), row("echo-whole", 2, 90.0)]);
    let ids: Vec<_> = summary
        .runs
        .iter()
        .map(|r| (r.id.as_str(), r.seed, r.accuracy))
        .collect();
    assert_eq!(
        ids,
        [
            ("echo-whole", 1, 100.0),
            ("echo-whole", 2, 90.0),
            ("vanilla-second", 1, 50.0)
        ]
    );
    assert!(
        summary
            .to_markdown()
            .contains("| echo-whole | 2 | cpu | - | 90.00% | 1 | 1.0 |")
    );
}
