//! The reported numbers and the version stamp of the results.

use lstm_lab::report::{ResultsRow, ResultsTable, VERSIONS, reported};
use lstm_lab::tutorials::Experiment;

#[test]
fn every_experiment_has_its_reported_number_and_source() {
    let all = reported().unwrap();
    for e in Experiment::ALL {
        let r = &all[e.id()];
        assert!(r.source.ends_with(".txt") && !r.quote.is_empty(), "{e}");
        assert!(!r.measures.is_empty(), "{e}: what the number measures");
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
        assert_eq!(e.id().parse::<Experiment>().unwrap(), *e);
        let json = serde_json::to_string(e).unwrap();
        assert_eq!(json, format!("\"{}\"", e.id()));
        assert_eq!(serde_json::from_str::<Experiment>(&json).unwrap(), *e);
        // The config's epochs are the ones the experiment reports at full scale.
        assert!(e.default_epochs() >= 1, "{e}");
    }
    let row = |id: &str, seed, accuracy| ResultsRow {
        id: id.into(),
        seed,
        device: "cpu".into(),
        epochs: 1,
        reported: None,
        metric: lstm_lab::report::Metric::Evaluation,
        like_for_like: accuracy,
        accuracy,
        train_seconds: 1.0,
    };
    let mut summary = ResultsTable {
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
            .contains("| echo-whole | 2 | cpu | - | 90.00% | evaluation | 90.00% | 1 | 1.0 |")
    );
}

#[test]
fn a_rerun_agrees_with_its_saved_record_and_a_changed_one_does_not() {
    use lstm_lab::report::RunRecord;
    use lstm_lab::tutorials::RunOptions;
    let device = lstm_lab::device::cpu();
    let outcome = Experiment::VanillaIndex
        .run(&RunOptions::new(3), &device)
        .unwrap();
    let record = RunRecord::new(Experiment::VanillaIndex, 3, "cpu", outcome).unwrap();
    let dir = std::env::temp_dir().join(format!("lstm-lab-agree-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("vanilla-index.json"),
        serde_json::to_string_pretty(&record).unwrap(),
    )
    .unwrap();
    let saved = RunRecord::load(&dir, "vanilla-index").unwrap();
    let again = Experiment::VanillaIndex
        .run(&RunOptions::new(3), &device)
        .unwrap();
    RunRecord::new(Experiment::VanillaIndex, 3, "cpu", again)
        .unwrap()
        .check_agrees_with(&saved)
        .unwrap();

    let mut changed = saved.clone();
    changed.outcome.history.loss[4] += 1e-3;
    changed.outcome.history.loss[7] -= 2e-3;
    let err = record.check_agrees_with(&changed).unwrap_err().to_string();
    let (ours, theirs) = (record.outcome.history.loss[4], changed.outcome.history.loss[4]);
    assert_eq!(
        err,
        format!(
            "vanilla-index: loss history differs from the saved run first at index 4: {ours:?} \
             here, {theirs:?} saved (2 of 10 entries differ, the largest by {:e})",
            (f64::from(record.outcome.history.loss[7]) - f64::from(changed.outcome.history.loss[7])).abs()
        )
    );
    assert!(err.lines().count() <= 5 && err.len() < 400, "{err}");
    let mut nan = saved.clone();
    nan.outcome.history.loss[0] = f32::NAN;
    let err = record.check_agrees_with(&nan).unwrap_err().to_string();
    assert!(
        err.contains("first at index 0") && err.contains("NaN saved"),
        "{err}"
    );
    let missing = RunRecord::load(&dir, "echo-whole").unwrap_err().to_string();
    assert!(missing.contains("run `lstm-lab reproduce` first"), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_summary_chart_labels_every_experiment() {
    let summary = ResultsTable::load(concat!(env!("CARGO_MANIFEST_DIR"), "/results").as_ref()).unwrap();
    let svg = summary
        .chart("ours minus the tutorial's number")
        .unwrap()
        .into_string();
    for row in &summary.runs {
        assert!(svg.contains(&format!("\n{}\n", row.id)), "no label {}", row.id);
    }
    // One dot per reported number, its difference written beside it; the others say so.
    let reported: Vec<_> = summary.runs.iter().filter(|r| r.reported.is_some()).collect();
    assert_eq!(svg.matches("<circle").count(), reported.len());
    for row in &reported {
        let (ours, theirs) = (row.like_for_like, row.reported.unwrap());
        let text = format!("{:+.2}: ours {ours:.2}%, tutorial {theirs:.2}%", ours - theirs);
        assert!(svg.contains(&text), "no {text}");
    }
    let silent = summary.runs.len() - reported.len();
    assert_eq!(svg.matches("the tutorial prints no number").count(), silent);
}

/// The headline table compares like with like: each row's tutorial number sits beside ours
/// measured the way `datasets/reported.json` says the tutorial measured it.
#[test]
fn each_headline_row_is_measured_as_the_tutorial_measured_its_number() {
    use lstm_lab::report::RunRecord;
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/results"));
    let summary = ResultsTable::load(dir).unwrap();
    let all = reported().unwrap();
    assert_eq!(summary.runs.len(), Experiment::ALL.len());
    for row in &summary.runs {
        let r = &all[&row.id];
        assert_eq!(row.metric, r.metric, "{}: summary.json's measure", row.id);
        assert_eq!(row.reported, r.reported, "{}: the tutorial's number", row.id);
        let record = RunRecord::load(dir, &row.id).unwrap();
        assert_eq!(
            record.metric, r.metric,
            "{}: results/{}.json's measure",
            row.id, row.id
        );
        let measured = r.metric.of(&record.outcome);
        assert_eq!(
            row.like_for_like.to_bits(),
            measured.to_bits(),
            "{}: like for like",
            row.id
        );
        assert_eq!(
            row.accuracy.to_bits(),
            record.outcome.accuracy.to_bits(),
            "{}",
            row.id
        );
        let md = summary.to_markdown();
        let line = md
            .lines()
            .find(|l| l.starts_with(&format!("| {} |", row.id)))
            .unwrap();
        assert!(
            line.contains(&format!("| {:.2}% | {} |", measured, r.metric.words())),
            "{line}"
        );
    }
    // The three tutorials that print a training accuracy are compared with ours, not with the
    // evaluation on fresh sequences.
    for id in ["randint-echo", "echo-whole", "echo-partial"] {
        assert_eq!(all[id].metric, lstm_lab::report::Metric::LastFit, "{id}");
    }
}
