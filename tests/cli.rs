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
    fails_with(&["study", "--shard", "3/2"], "is not I/N");
    fails_with(
        &["study", "--seeds", "0", "--out", o],
        "seeds: must be at least 1",
    );
    let _ = std::fs::remove_dir_all(&out);
}
