//! The reproducibility study: the same numbers whatever the job count, shards that merge into
//! the single run's study, overlaps and gaps refused, the verdict rule, and three frameworks
//! compared.

use burn::tensor::Device;
use lstm_lab::report::ClaimKind;
use lstm_lab::study::{
    Distribution, FrameworkRun, FrameworkStudy, Grid, Part, Sameness, SeedRun, Shard, Study, Verdict, merge,
    run_cells,
};
use lstm_lab::tutorials::{Experiment, RunOptions};
use std::path::PathBuf;

/// A short grid: three cheap experiments (stateful fresh-data, encoder-decoder, shuffled fit),
/// three seeds, 3 epochs each.
fn grid() -> Grid {
    Grid::new(
        vec![
            Experiment::RandintEcho,
            Experiment::EchoPartial,
            Experiment::AlphabetTimestepWindow,
        ],
        4,
        3,
    )
    .unwrap()
}

const EPOCHS: Option<usize> = Some(3);

/// Every cell at [`EPOCHS`] epochs, through the fused step.
fn base() -> RunOptions {
    RunOptions::new(1).with_epochs(3)
}

fn part(shard: Option<Shard>, runs: Vec<SeedRun>) -> Part {
    Part {
        grid: grid(),
        shard,
        epochs: EPOCHS,
        device: "cpu".into(),
        fused_step: true,
        hosts: vec![lstm_lab::host::Host::this()],
        runs,
    }
}

fn assert_same_numbers(a: &[SeedRun], b: &[SeedRun]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        x.check_agrees_with(y).unwrap();
    }
}

#[test]
fn jobs_do_not_change_the_numbers() {
    let device = Device::flex();
    let cells = grid().cells();
    let one = run_cells(&cells, 1, &base(), &device, false).unwrap();
    let two = run_cells(&cells, 2, &base(), &device, false).unwrap();
    let three = run_cells(&cells, 3, &base(), &device, false).unwrap();
    assert_eq!(one.len(), 9);
    assert_same_numbers(&one, &two);
    assert_same_numbers(&one, &three);
    // Each run is the experiment's own run, as `run --seed` gives it.
    let single = Experiment::EchoPartial
        .run(&RunOptions::new(5).with_epochs(3), &device)
        .unwrap();
    let cell = one
        .iter()
        .find(|r| r.experiment == Experiment::EchoPartial && r.seed == 5)
        .unwrap();
    assert_eq!(cell.accuracy, single.accuracy);
    assert_eq!(cell.loss, single.history.loss);

    // A changed number is named in a few lines: run, field, index, both values, how many differ.
    let mut changed = cell.clone();
    changed.loss[1] = 4.25;
    let err = cell.check_agrees_with(&changed).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "echo-partial seed 5: loss curve differs from the saved run first at index 1: {:?} here, \
             4.25 saved (1 of 3 entries differ, the largest by {:e})",
            cell.loss[1],
            (f64::from(cell.loss[1]) - 4.25).abs()
        )
    );
    changed.loss.pop();
    let err = cell.check_agrees_with(&changed).unwrap_err().to_string();
    assert_eq!(
        err,
        "echo-partial seed 5: loss curve differs from the saved run: 3 entries here, 2 saved"
    );
}

#[test]
fn shards_merge_into_the_single_run_and_refuse_overlaps_and_gaps() {
    let device = Device::flex();
    let g = grid();
    let all = run_cells(&g.cells(), 2, &base(), &device, false).unwrap();
    let (s1, s2) = ("1/2".parse::<Shard>().unwrap(), "2/2".parse::<Shard>().unwrap());
    let (c1, c2) = (g.shard(s1), g.shard(s2));
    assert_eq!(c1.len() + c2.len(), g.cells().len());
    assert!(c1.iter().all(|c| !c2.contains(c)), "shards are disjoint");
    let p1 = part(Some(s1), run_cells(&c1, 1, &base(), &device, false).unwrap());
    let p2 = part(Some(s2), run_cells(&c2, 1, &base(), &device, false).unwrap());
    let parts = vec![
        (PathBuf::from("a/study-part-1-of-2.json"), p1.clone()),
        (PathBuf::from("b/study-part-2-of-2.json"), p2.clone()),
    ];
    let merged = merge(&parts).unwrap();
    assert_eq!(merged.grid, g);
    assert_eq!(merged.shard, None);
    assert_same_numbers(&merged.runs, &all);

    // The judged study is the same as the single run's, seconds apart.
    let zero = |mut p: Part| {
        p.runs.iter_mut().for_each(|r| r.train_seconds = 0.0);
        Study::new(p, None, None).unwrap()
    };
    assert_eq!(zero(merged), zero(part(None, all)));

    let gap = merge(&parts[..1]).unwrap_err().to_string();
    assert!(
        gap.contains("gap") && gap.contains("run the missing shards"),
        "{gap}"
    );
    let twice = vec![
        parts[0].clone(),
        parts[1].clone(),
        (PathBuf::from("c/copy.json"), p1),
    ];
    let overlap = merge(&twice).unwrap_err().to_string();
    assert!(
        overlap.contains("overlap") && overlap.contains("c/copy.json"),
        "{overlap}"
    );
    let mut other = p2;
    other.epochs = Some(4);
    let mixed = merge(&[parts[0].clone(), (PathBuf::from("d.json"), other)])
        .unwrap_err()
        .to_string();
    assert!(mixed.contains("different studies"), "{mixed}");
    let shard_only = Study::new(parts[0].1.clone(), None, None)
        .unwrap_err()
        .to_string();
    assert!(shard_only.contains("merge the parts first"), "{shard_only}");
}

#[test]
fn shards_parse_and_bad_ones_are_refused() {
    assert_eq!("3/4".parse::<Shard>().unwrap(), Shard { index: 3, count: 4 });
    for bad in ["0/4", "5/4", "4", "a/b", "1/0"] {
        let e = bad.parse::<Shard>().unwrap_err().to_string();
        assert!(e.contains("is not I/N"), "{bad}: {e}");
    }
    assert!(Grid::new(vec![], 1, 2).is_err());
    assert!(Grid::new(vec![Experiment::EchoWhole], 1, 0).is_err());
}

#[test]
fn verdicts_follow_the_rule() {
    let d = |values: &[f64], reported| Distribution::of(values.to_vec(), reported).unwrap();
    let (hundred, at_least, typical) = (Some(100.0), ClaimKind::AtLeast, ClaimKind::Typical);
    // "Gets there": holds when the reach's 95% Wilson interval lies above one half, does not
    // when it lies below, and is not settled when it contains one half.
    let mostly = [100.0; 9].iter().copied().chain([95.0]).collect::<Vec<_>>();
    let nine = d(&mostly, hundred);
    assert_eq!(Verdict::judge(hundred, at_least, &nine), Verdict::Holds);
    let [lo, hi] = nine.reach_interval.unwrap();
    assert!(
        0.5 < lo && lo < 0.9 && 0.9 < hi && hi <= 1.0,
        "9 of 10: {lo}-{hi}"
    );
    let half = d(&[100.0, 100.0, 90.0, 80.0], hundred);
    assert_eq!(Verdict::judge(hundred, at_least, &half), Verdict::NotSettled);
    // Three seeds out of three cannot show that most runs get there.
    let three = d(&[100.0; 3], hundred);
    assert_eq!(Verdict::judge(hundred, at_least, &three), Verdict::NotSettled);
    let few: Vec<f64> = (0..20).map(|i| if i < 2 { 100.0 } else { 90.0 }).collect();
    assert_eq!(
        Verdict::judge(hundred, at_least, &d(&few, hundred)),
        Verdict::DoesNotHold
    );
    assert_eq!(d(&few, None).reach_interval, None);
    // A limit one run printed: holds between the 10th and 90th percentiles.
    let spread: Vec<f64> = (0..20).map(|i| 80.0 + i as f64).collect();
    assert_eq!(
        Verdict::judge(Some(86.96), typical, &d(&spread, Some(86.96))),
        Verdict::Holds
    );
    assert_eq!(
        Verdict::judge(Some(80.0), typical, &d(&spread, Some(80.0))),
        Verdict::DoesNotHold
    );
    assert_eq!(Verdict::judge(None, typical, &d(&spread, None)), Verdict::NoClaim);
    let s = d(&spread, Some(90.0));
    assert_eq!(s.reach, Some(0.5));
    assert_eq!((s.min, s.max, s.median), (80.0, 99.0, 89.5));
    // Compared at the printed precision: 20/23 = 86.9565...% is the tutorial's "86.96%".
    let printed = d(&[2000.0 / 23.0, 100.0 * 19.0 / 23.0], Some(86.96));
    assert_eq!(printed.reach, Some(0.5));
    assert!(Distribution::of(vec![], None).is_err());
    assert!(Distribution::of(vec![f64::NAN], None).is_err());
}

/// A study of two claims made up by hand (no training): randint-echo's at-least 95% and
/// vanilla-index's typical 0%, our 20 seeds beside 10 of Keras's and 10 of PyTorch's.
fn three_frameworks() -> (Part, FrameworkStudy, FrameworkStudy) {
    let grid = Grid::new(vec![Experiment::RandintEcho, Experiment::VanillaIndex], 1, 20).unwrap();
    let ours = |experiment: Experiment, seed: u64| {
        let value = match experiment {
            Experiment::RandintEcho if seed.is_multiple_of(4) => 94.0,
            Experiment::RandintEcho => 100.0,
            _ => (seed % 3) as f64,
        };
        SeedRun {
            experiment,
            seed,
            epochs: 1,
            accuracy: value,
            last_fit_accuracy: value,
            loss: vec![1.0],
            train_seconds: 2.0,
        }
    };
    let part = Part {
        runs: grid.cells().into_iter().map(|(e, s)| ours(e, s)).collect(),
        grid,
        shard: None,
        epochs: Some(1),
        device: "cpu".into(),
        fused_step: true,
        hosts: vec![],
    };
    let runs = |echo: fn(u64) -> f64| -> Vec<FrameworkRun> {
        (1..=10)
            .flat_map(|seed| {
                [("randint-echo", echo(seed)), ("vanilla-index", (seed % 2) as f64)].map(
                    |(experiment, value)| FrameworkRun {
                        experiment: experiment.into(),
                        seed,
                        accuracy: value,
                        last_fit_accuracy: value,
                        train_seconds: 3.0,
                    },
                )
            })
            .collect()
    };
    let keras = FrameworkStudy {
        keras: Some("3.15.1".into()),
        tensorflow: Some("2.21.0".into()),
        torch: None,
        machine: "test".into(),
        runs: runs(|_| 100.0),
    };
    // PyTorch's defaults: most runs miss 95%.
    let torch = FrameworkStudy {
        keras: None,
        tensorflow: None,
        torch: Some("2.15.0".into()),
        machine: "test".into(),
        runs: runs(|seed| if seed == 1 { 95.0 } else { 60.0 + seed as f64 }),
    };
    (part, keras, torch)
}

#[test]
fn three_frameworks_give_three_sides_three_pairs_and_fisher_only_on_at_least_claims() {
    let (part, keras, torch) = three_frameworks();
    let (k, t) = (PathBuf::from("k.json"), PathBuf::from("t.json"));
    let study = Study::new(part.clone(), Some((&k, &keras)), Some((&t, &torch))).unwrap();
    let echo = study.claim(Experiment::RandintEcho).unwrap();
    assert_eq!(echo.margin, 5.0, "reported.json's margin");
    assert_eq!(echo.ours.verdict, Verdict::Holds, "15 of 20 reach 95%");
    assert_eq!(echo.keras.as_ref().unwrap().verdict, Verdict::Holds);
    assert_eq!(echo.torch.as_ref().unwrap().verdict, Verdict::DoesNotHold);
    assert!(
        echo.across_frameworks.contains("tied to Keras's initialisers"),
        "{}",
        echo.across_frameworks
    );
    let labels: Vec<[String; 2]> = echo.pairs.iter().map(|p| p.sides.clone()).collect();
    assert_eq!(
        labels,
        [
            ["lstm-lab", "Keras"],
            ["lstm-lab", "PyTorch"],
            ["Keras", "PyTorch"]
        ]
        .map(|p| p.map(String::from))
    );
    assert!(echo.pairs.iter().all(|p| p.fisher_p.is_some()));
    let [_, ours_torch, _] = &echo.pairs[..] else {
        panic!("three pairs")
    };
    assert_eq!(ours_torch.sameness, Sameness::Different);
    let index = study.claim(Experiment::VanillaIndex).unwrap();
    assert_eq!(index.pairs.len(), 3);
    assert!(
        index
            .pairs
            .iter()
            .all(|p| p.fisher_p.is_none() && p.mann_whitney_p.is_some())
    );

    let md = study.to_markdown();
    assert!(
        md.contains("| randint-echo | lstm-lab vs PyTorch | ±5 | **different** |"),
        "{md}"
    );
    assert!(md.contains("PyTorch 2.15.0"), "{md}");
    assert!(md.contains(&study.rule) && study.rule.contains("Wilson"));
    // The JSON round trip keeps every field.
    let back: Study = serde_json::from_str(&serde_json::to_string(&study).unwrap()).unwrap();
    assert_eq!(back, study);

    // Without PyTorch's runs: one pair, and the claim says what is not known yet.
    let two = Study::new(part.clone(), Some((&k, &keras)), None).unwrap();
    let echo = two.claim(Experiment::RandintEcho).unwrap();
    assert_eq!((echo.torch.as_ref(), echo.pairs.len()), (None, 1));
    assert!(
        echo.across_frameworks.contains("PyTorch: no runs yet"),
        "{}",
        echo.across_frameworks
    );
    assert!(two.to_markdown().contains("PyTorch: no runs yet"));
    // A file of the other framework is refused, naming it.
    let swapped = Study::new(part, Some((&t, &torch)), None)
        .unwrap_err()
        .to_string();
    assert!(
        swapped.contains("t.json holds PyTorch's runs, not Keras's"),
        "{swapped}"
    );
}

#[test]
fn the_reference_step_is_compared_claim_by_claim_with_the_fused_one() {
    let device = Device::flex();
    let g = Grid::new(vec![Experiment::Alphabet2Step, Experiment::EchoWhole], 1, 5).unwrap();
    let run = |fused: bool| {
        let runs = run_cells(&g.cells(), 2, &base().with_fused_step(fused), &device, false).unwrap();
        Part {
            grid: g.clone(),
            shard: None,
            epochs: EPOCHS,
            device: "cpu".into(),
            fused_step: fused,
            hosts: vec![],
            runs,
        }
    };
    let (fused, reference) = (run(true), run(false));
    // The steps differ in their last bits: some loss in these 10 runs differs.
    assert!(
        fused
            .runs
            .iter()
            .zip(&reference.runs)
            .any(|(a, b)| a.loss != b.loss)
    );
    let study = Study::new(fused.clone(), None, None).unwrap();
    let comparison = study.compare_steps(reference.clone()).unwrap();
    assert_eq!(comparison.rows.len(), 2);
    for row in &comparison.rows {
        assert_eq!(row.fused.values.len(), 5);
        let claim = study.claim(row.experiment).unwrap();
        assert_eq!(row.fused, claim.ours.distribution);
        assert_eq!(row.margin, claim.margin);
        let same = row
            .fused
            .values
            .iter()
            .zip(&row.reference.values)
            .filter(|(a, b)| a == b)
            .count();
        assert_eq!(row.same_number, same);
        assert!(
            row.same_loss <= row.same_number,
            "an identical curve gives an identical number"
        );
    }
    // alphabet-2step goes through the fused step: some seed's curve differs.
    assert!(comparison.rows.iter().any(|r| r.same_loss < 5));
    let md = comparison.to_markdown();
    assert!(
        md.contains("| alphabet-2step |") && md.contains("| echo-whole |"),
        "{md}"
    );

    // The study must be the fused one, and the grids the same.
    let err = Study::new(reference.clone(), None, None)
        .unwrap()
        .compare_steps(reference.clone())
        .unwrap_err()
        .to_string();
    assert!(err.contains("step"), "{err}");
    let mut fewer = reference;
    fewer.grid = Grid::new(vec![Experiment::Alphabet2Step], 1, 5).unwrap();
    let err = study.compare_steps(fewer).unwrap_err().to_string();
    assert!(err.contains("grid"), "{err}");
}
