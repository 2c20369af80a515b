//! The command line: clear errors and a non-zero exit for bad input, results/ untouched by a
//! run that is killed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn lstm_lab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lstm-lab"))
}

fn fails_with(args: &[&str], needle: &str) {
    let out = lstm_lab().args(args).output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(
        stderr.contains(needle),
        "{args:?}: stderr {stderr:?} lacks {needle:?}"
    );
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lstm-lab-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn bad_input_exits_non_zero_with_a_clear_message() {
    let out = scratch("bad");
    let out = out.to_str().unwrap();
    fails_with(&["run", "no-such-id", "--out", out], "invalid value 'no-such-id'");
    fails_with(
        &["run", "echo-whole", "--device", "tpu", "--out", out],
        "unknown device `tpu`",
    );
    fails_with(
        &["reproduce", "--seeds", "0", "--out", out],
        "seeds: must be at least 1",
    );
    fails_with(
        &["run", "echo-whole", "--epochs", "0", "--out", out],
        "epochs: must be at least 1",
    );
    fails_with(
        &[
            "exercises",
            "check",
            "--only",
            "echo-longer,echo-masked",
            "--skip",
            "echo-masked,echo-longer",
        ],
        "every exercise is skipped",
    );
    #[cfg(not(feature = "wgpu"))]
    fails_with(
        &["run", "echo-whole", "--device", "wgpu", "--out", out],
        "--features wgpu",
    );
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(".staging-")
                {
                    stack.push(path);
                }
            } else {
                files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_short_run_writes_results_and_a_killed_run_leaves_them_as_they_were() {
    let out = scratch("kill");
    let status = lstm_lab()
        .args([
            "run",
            "echo-whole",
            "--epochs",
            "3",
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    for file in [
        "echo-whole.json",
        "summary.json",
        "summary.md",
        "plots/echo-whole.svg",
    ] {
        assert!(out.join(file).is_file(), "{file} was not written");
    }
    let before = snapshot(&out);

    let mut child = lstm_lab()
        .args(["reproduce", "--out", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        child.try_wait().unwrap().is_none(),
        "reproduce should still be running"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(snapshot(&out), before, "a killed run changed {}", out.display());
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_rerun_with_fewer_seeds_leaves_no_stale_seed_files() {
    let out = scratch("seeds");
    let run = |seeds: &str| {
        let status = lstm_lab()
            .args(["run", "echo-whole", "--epochs", "1", "--seeds", seeds])
            .args(["--out", out.to_str().unwrap()])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    };
    run("2");
    assert!(out.join("echo-whole.seed-2.json").is_file());
    assert!(out.join("plots/echo-whole.seed-2.svg").is_file());
    run("1");
    assert!(!out.join("echo-whole.seed-2.json").exists());
    assert!(!out.join("plots/echo-whole.seed-2.svg").exists());
    assert!(out.join("echo-whole.json").is_file());
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn study_shards_merge_and_a_missing_shard_is_named() {
    let out = scratch("study");
    let parts = out.join("parts");
    let (o, p) = (out.to_str().unwrap(), parts.to_str().unwrap());
    let shard = |i: &str| {
        let args = [
            "study",
            "--experiments",
            "alphabet-2step,vanilla-index",
            "--seeds",
            "3",
            "--epochs",
            "2",
            "--jobs",
            "2",
            "--shard",
            i,
            "--out",
            p,
        ];
        let status = lstm_lab()
            .args(args)
            .stderr(Stdio::null())
            .status()
            .expect("the binary runs");
        assert!(status.success(), "study --shard {i}");
    };
    shard("1/2");
    assert!(parts.join("study-part-1-of-2.json").exists());
    fails_with(
        &["study", "merge", p, "--out", o],
        "gap: 3 of 6 runs are in no part",
    );
    shard("2/2");
    let merged = lstm_lab()
        .args(["study", "merge", p, "--out", o])
        .output()
        .expect("the binary runs");
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let study = lstm_lab::study::Study::load(&out.join("study.json")).unwrap();
    assert_eq!(study.part.runs.len(), 6);
    assert_eq!(study.claims.len(), 2);
    assert!(out.join("study.md").exists() && out.join("plots/study-alphabet-2step.svg").exists());

    // `study report` judges the saved runs again, re-running nothing: without a PyTorch file
    // the claims have no PyTorch side, with one they do, and a malformed one is refused.
    let study_json = out.join("study.json");
    let programs = out.join("programs.json");
    let report = |torch: &Path, again: &Path| {
        lstm_lab()
            .args(["study", "report"])
            .arg("--study")
            .arg(&study_json)
            .arg("--out")
            .arg(again)
            .arg("--torch")
            .arg(torch)
            .arg("--programs")
            .arg(&programs)
            .output()
            .expect("the binary runs")
    };
    let again = out.join("again");
    let done = report(&out.join("no-such-torch.json"), &again);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let rejudged = lstm_lab::study::Study::load(&again.join("study.json")).unwrap();
    assert_eq!(rejudged.part, study.part, "the same runs");
    assert!(rejudged.claims.iter().all(|c| c.torch.is_none()) && rejudged.torch_source.is_none());
    assert!(again.join("study.md").exists() && again.join("plots/study-vanilla-index.svg").exists());
    assert!(
        !again.join("programs.md").exists(),
        "no programs' runs, no programs.md"
    );
    // The tutorials' own programs' runs, when there are some, are compared with the rewrite.
    let accuracies = [0.0, 1.0, 2.0, 1.0, 0.0];
    let runs: Vec<String> = (1..=5)
        .map(|seed| {
            format!(
                r#"{{"experiment": "vanilla-index", "seed": {seed}, "accuracy": {:.1}, "last_fit_accuracy": 0.0, "train_seconds": 3.0}}"#,
                accuracies[seed - 1]
            )
        })
        .collect();
    std::fs::write(
        &programs,
        format!(
            r#"{{"keras": "3.15.1", "tensorflow": "2.21.0", "machine": "test", "runs": [{}]}}"#,
            runs.join(", ")
        ),
    )
    .unwrap();
    let done = report(&out.join("no-such-torch.json"), &again);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let table = std::fs::read_to_string(again.join("programs.md")).unwrap();
    let row = table
        .lines()
        .find(|l| l.starts_with("| vanilla-index |"))
        .expect("a row");
    assert!(row.contains("0.80 ± 0.84 (n=5)"), "{row}");
    assert!(
        !table.contains("| alphabet-2step |"),
        "no programs' runs of it: {table}"
    );
    let torch = out.join("torch.json");
    let run = |seed: u64| {
        format!(
            r#"{{"experiment": "alphabet-2step", "seed": {seed}, "accuracy": 95.83, "last_fit_accuracy": 95.0, "train_seconds": 1.5}}"#
        )
    };
    let runs: Vec<String> = (1..=3).map(run).collect();
    std::fs::write(
        &torch,
        format!(
            r#"{{"torch": "2.15.0", "machine": "test", "runs": [{}]}}"#,
            runs.join(", ")
        ),
    )
    .unwrap();
    let done = report(&torch, &again);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let rejudged = lstm_lab::study::Study::load(&again.join("study.json")).unwrap();
    let claim = rejudged
        .claim(lstm_lab::tutorials::Experiment::Alphabet2Step)
        .unwrap();
    assert_eq!(claim.torch.as_ref().unwrap().distribution.values, [95.83; 3]);
    assert_eq!(claim.pairs.len(), 3, "ours-Keras, ours-PyTorch, Keras-PyTorch");
    std::fs::write(&torch, r#"{"torch": "2.15.0", "machine": "test"}"#).unwrap();
    let refused = report(&torch, &again);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(stderr.contains(&*torch.to_string_lossy()), "{stderr}");
    fails_with(&["study", "--shard", "3/2"], "is not I/N");
    fails_with(
        &["study", "--seeds", "0", "--out", o],
        "seeds: must be at least 1",
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_killed_shard_resumes_from_its_finished_cells_and_equals_an_uninterrupted_one() {
    let out = scratch("resume");
    let (killed, whole) = (out.join("killed"), out.join("whole"));
    // 8 cells of ~0.3 s, one at a time, so that the kill lands part-way.
    let args = |dir: &Path| -> Vec<String> {
        [
            "study",
            "--experiments",
            "alphabet-2step",
            "--seeds",
            "8",
            "--epochs",
            "60",
            "--jobs",
            "1",
            "--shard",
            "1/1",
            "--out",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([dir.display().to_string()])
        .collect()
    };
    let cells = killed.join(".cells-1-of-1-epochs-60-cpu");
    let count = |dir: &Path| {
        std::fs::read_dir(dir).map_or(0, |d| {
            d.filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".json")
            })
            .count()
        })
    };
    let mut child = lstm_lab()
        .args(args(&killed))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while count(&cells) < 3 {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no third cell file in 120 s"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the shard ended before it was killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let kept = count(&cells);
    assert!(
        (3..8).contains(&kept),
        "{kept} cells kept: the kill did not land part-way"
    );
    // The seconds of each kept cell: a resumed run must read these back, not train again.
    let kept_seconds: Vec<(u64, f64)> = std::fs::read_dir(&cells)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let run: lstm_lab::study::SeedRun =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (run.seed, run.train_seconds)
        })
        .collect();
    assert!(
        !killed.join("study-part-1-of-1.json").exists(),
        "a killed shard wrote its part"
    );

    for dir in [&killed, &whole] {
        let status = lstm_lab()
            .args(args(dir))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    }
    assert!(!cells.exists(), "the cells folder outlived its part");
    let resumed_part = lstm_lab::study::Part::load(&killed.join("study-part-1-of-1.json")).unwrap();
    for (seed, seconds) in &kept_seconds {
        let run = resumed_part.runs.iter().find(|r| r.seed == *seed).unwrap();
        assert_eq!(
            run.train_seconds, *seconds,
            "seed {seed} was trained again, not read back"
        );
    }
    let load = |dir: &Path| {
        let mut part = lstm_lab::study::Part::load(&dir.join("study-part-1-of-1.json")).unwrap();
        for run in &mut part.runs {
            run.train_seconds = 0.0;
        }
        part.runs
    };
    let (resumed, uninterrupted) = (load(&killed), load(&whole));
    assert_eq!(resumed.len(), 8);
    assert_eq!(
        resumed, uninterrupted,
        "the resumed shard differs from the uninterrupted one"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn staging_removes_only_folders_of_dead_processes_on_this_host() {
    let out = scratch("staging");
    std::fs::create_dir_all(&out).unwrap();
    let host = lstm_lab::staging::host_name();
    let live = out.join(format!(".staging-{host}-{}", std::process::id())); // this test: alive
    let other_host = out.join(format!(".staging-another.node-{}", u32::MAX - 1)); // dead pid, another host
    let dead = out.join(format!(".staging-{host}-{}", u32::MAX - 1)); // no such pid
    for dir in [&live, &other_host, &dead] {
        std::fs::create_dir_all(dir.join("plots")).unwrap();
    }
    let status = lstm_lab()
        .args(["run", "vanilla-index", "--out", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(live.exists(), "a live process's staging folder was removed");
    assert!(other_host.exists(), "another host's staging folder was removed");
    assert!(!dead.exists(), "a dead process's staging folder was kept");
    let _ = std::fs::remove_dir_all(&out);
}
