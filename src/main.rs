//! `lstm-lab`: reproduce the tutorials' experiments and write results/.
//!
//! ```text
//! cargo run --release -- reproduce                 # all eight, tutorial scale, CPU, seed 1
//! cargo run --release -- run echo-whole --seeds 5  # one experiment, seeds 1..=5
//! cargo run --release -- study --seeds 20          # every claim over 20 seeds, beside Keras's
//! ```

use clap::{Args, Parser, Subcommand};
use lstm_lab::exercises::{Answer, Exercise};
use lstm_lab::report::{RunRecord, Staging, Summary, update_readme, update_readme_section};
use lstm_lab::study::{self, Grid, KerasStudy, Part, Shard, Study};
use lstm_lab::tutorials::{Experiment, RunOptions};
use lstm_lab::{Error, Result, device};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(version, about = "The classic Keras LSTM tutorials, reproduced in Rust")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run all eight experiments and write results/.
    Reproduce(Options),
    /// Run one experiment (by id, e.g. echo-whole) and update its results.
    Run {
        /// The experiment.
        #[arg(value_enum)]
        id: Experiment,
        #[command(flatten)]
        options: Options,
    },
    /// The reproducibility study: every experiment over many seeds, each tutorial claim judged
    /// on the distribution beside real Keras's (results/study.json, study.md, plots/study-*).
    Study(StudyArgs),
    /// The tutorials' open questions, answered by experiment (results/exercises/<id>.json and
    /// summary.md).
    Exercises(ExercisesArgs),
    /// Print, as JSON, each experiment's training FLOPs and this CPU's GEMM rate on its own
    /// matrix shapes and on a 1024^3 product (the floor `just bench` compares against).
    Floor {
        /// Seconds to time each GEMM rate.
        #[arg(long, default_value_t = 1.0)]
        seconds: f64,
    },
}

#[derive(Args)]
struct Options {
    /// First seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of seeds, run one after another: seed, seed+1, ...
    #[arg(long, default_value_t = 1)]
    seeds: u64,
    /// Override the tutorial's epochs (or fits).
    #[arg(long)]
    epochs: Option<usize>,
    /// cpu, or wgpu (needs a build with `--features wgpu`).
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Output folder.
    #[arg(long, default_value = "results")]
    out: PathBuf,
    /// Multiply echo-partial's batch size (and its sequences per epoch) by this.
    #[arg(long, default_value_t = 1)]
    batch_scale: usize,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
struct ExercisesArgs {
    #[command(subcommand)]
    action: Option<ExercisesAction>,
    /// Exercises to run, comma-separated (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Exercise>,
    /// Seeds per arm (default: each exercise's own, 5 or 3 for the minute-long runs).
    #[arg(long)]
    seeds: Option<u64>,
    /// Runs at a time (default: one per core); the numbers do not depend on it.
    #[arg(long)]
    jobs: Option<usize>,
    /// Output folder (the answers go to its exercises/ folder).
    #[arg(long, default_value = "results")]
    out: PathBuf,
}

#[derive(Subcommand)]
enum ExercisesAction {
    /// Re-run the first seeds of every arm of the saved answers and check that each seed gives
    /// the same accuracy and the same epoch of reaching 99% (what CI runs in place of the
    /// full regeneration).
    Check {
        /// Seeds per arm to re-run.
        #[arg(long, default_value_t = 1)]
        seeds: u64,
        /// Exercises to check, comma-separated (default: all).
        #[arg(long, value_enum, value_delimiter = ',')]
        only: Vec<Exercise>,
        /// Exercises not to check, comma-separated (CI skips echo-longer, whose first seeds
        /// alone take ~18 CPU-minutes; `just reproduce` regenerates it).
        #[arg(long, value_enum, value_delimiter = ',')]
        skip: Vec<Exercise>,
        /// The folder holding exercises/<id>.json.
        #[arg(long, default_value = "results")]
        dir: PathBuf,
        /// Runs at a time (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Redraw every chart and summary.md from the saved answers, without training (after a
    /// change to the plotting code).
    Charts {
        /// The folder holding exercises/<id>.json.
        #[arg(long, default_value = "results")]
        dir: PathBuf,
    },
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
struct StudyArgs {
    #[command(subcommand)]
    action: Option<StudyAction>,
    #[command(flatten)]
    grid: StudyOptions,
}

#[derive(Subcommand)]
enum StudyAction {
    /// Combine the parts that `study --shard I/N` wrote (files, or folders holding
    /// study-part-*.json) into study.json; refuses overlaps and gaps.
    Merge {
        /// Part files, or folders of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "results")]
        out: PathBuf,
        /// Keras's runs (tools/keras_study.py).
        #[arg(long, default_value = KERAS_STUDY)]
        keras: PathBuf,
    },
    /// Re-run the first seeds of every experiment of a study.json and check that they give the
    /// same numbers (everything but the seconds).
    Check {
        /// Seeds per experiment to re-run.
        #[arg(long, default_value_t = 2)]
        seeds: u64,
        /// The study to check against.
        #[arg(long, default_value = "results/study.json")]
        study: PathBuf,
        /// Runs at a time (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
    },
}

#[derive(Args)]
struct StudyOptions {
    /// Seeds per experiment.
    #[arg(long, default_value_t = 20)]
    seeds: u64,
    /// First seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Experiments to run, comma-separated (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    experiments: Vec<Experiment>,
    /// Runs at a time (default: one per core); the numbers do not depend on it.
    #[arg(long)]
    jobs: Option<usize>,
    /// Override the tutorials' epochs (or fits).
    #[arg(long)]
    epochs: Option<usize>,
    /// Run only the I-th of N disjoint slices of the grid and write study-part-I-of-N.json
    /// (combine them with `study merge`).
    #[arg(long)]
    shard: Option<Shard>,
    /// cpu, or wgpu (needs a build with `--features wgpu`).
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Output folder.
    #[arg(long, default_value = "results")]
    out: PathBuf,
    /// Keras's runs (tools/keras_study.py).
    #[arg(long, default_value = KERAS_STUDY)]
    keras: PathBuf,
}

/// Where `just keras-study` writes real Keras's runs.
const KERAS_STUDY: &str = "datasets/keras/study.json";

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let (experiments, options, all) = match cli.command {
        Command::Reproduce(options) => (Experiment::ALL.to_vec(), options, true),
        Command::Run { id, options } => (vec![id], options, false),
        Command::Study(args) => return study(args),
        Command::Exercises(args) => {
            return match args.action {
                Some(ExercisesAction::Check {
                    seeds,
                    only,
                    skip,
                    dir,
                    jobs,
                }) => check_exercises(&only, &skip, seeds, jobs, &dir),
                Some(ExercisesAction::Charts { dir }) => redraw_exercises(&dir),
                None => exercises(&args.only, args.seeds, args.jobs, &args.out),
            };
        }
        Command::Floor { seconds } => return floor(seconds),
    };
    if options.seeds == 0 {
        return Err(Error::invalid("seeds", "must be at least 1"));
    }
    let device = device::from_name(&options.device)?;
    let progress = std::io::stderr().is_terminal();
    let mut staging = Staging::new(&options.out)?;
    let mut rows = Vec::new();
    let mut out = std::io::stdout();
    writeln!(
        out,
        "{:<26} {:>5} {:>9} {:>13} {:>11} {:>7} {:>9}",
        "experiment", "seed", "tutorial", "ours (same)", "evaluation", "epochs", "train s"
    )?;
    for experiment in experiments {
        staging.replace_seeds_of(experiment.id())?;
        for k in 0..options.seeds {
            let seed = options.seed + k;
            let mut run = RunOptions::new(seed)
                .with_progress(progress)
                .with_batch_scale(options.batch_scale);
            if let Some(epochs) = options.epochs {
                run = run.with_epochs(epochs);
            }
            let outcome = experiment.run(&run, &device)?;
            let record = RunRecord::new(experiment, seed, &options.device, outcome)?;
            writeln!(
                out,
                "{:<26} {:>5} {:>9} {:>12.2}% {:>10.2}% {:>7} {:>9.1}",
                experiment.id(),
                seed,
                record.reported.map_or("-".to_string(), |v| format!("{v:.2}%")),
                record.like_for_like,
                record.outcome.accuracy,
                record.outcome.epochs,
                record.outcome.train_seconds
            )?;
            let name = if k == 0 {
                experiment.id().to_string()
            } else {
                format!("{}.seed-{seed}", experiment.id())
            };
            staging.write_run(&record, &name)?;
            rows.push(record.summary_row());
        }
    }
    // A run of every experiment replaces the summary; a run of some merges into it.
    let mut summary = if all {
        Summary::default()
    } else {
        Summary::load(&options.out)?
    };
    summary.merge(rows);
    let markdown = summary.to_markdown();
    staging.write("summary.json", serde_json::to_string_pretty(&summary)?.as_bytes())?;
    staging.write("summary.md", markdown.as_bytes())?;
    staging.commit()?;
    writeln!(out, "\n{markdown}")?;
    if all && options.out == Path::new("results") && update_readme("README.md".as_ref(), &markdown)? {
        writeln!(out, "README.md: results table updated")?;
    }
    Ok(())
}

fn floor(seconds: f64) -> Result<()> {
    if !(seconds > 0.0 && seconds.is_finite()) {
        return Err(Error::invalid(
            "seconds",
            format!("must be positive, got {seconds}"),
        ));
    }
    let experiments = Experiment::ALL
        .iter()
        .map(|&e| lstm_lab::bench::floor(e, seconds))
        .collect::<Result<Vec<_>>>()?;
    let large = lstm_lab::bench::gemm_rate(&[[1024, 1024, 1024]], seconds);
    let json = serde_json::json!({ "gemm_rate_1024": large, "threads": 1, "experiments": experiments });
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(())
}

fn jobs_or_cores(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn study(args: StudyArgs) -> Result<()> {
    let progress = std::io::stderr().is_terminal();
    match args.action {
        Some(StudyAction::Merge { paths, out, keras }) => {
            let part = study::merge(&study::find_parts(&paths)?)?;
            finish_study(part, &out, &keras)
        }
        Some(StudyAction::Check { seeds, study, jobs }) => {
            let saved = Study::load(&study)?;
            let grid = &saved.part.grid;
            let seeds = seeds.min(grid.seeds);
            let check = Grid::new(grid.experiments.clone(), grid.first_seed, seeds)?;
            let device = device::from_name(&saved.part.device)?;
            let runs = study::run_cells(
                &check.cells(),
                jobs_or_cores(jobs),
                saved.part.epochs,
                &device,
                progress,
            )?;
            saved.check(&runs)?;
            println!(
                "{} runs ({} seeds of {} experiments) agree with {}",
                runs.len(),
                seeds,
                check.experiments.len(),
                study.display()
            );
            Ok(())
        }
        None => {
            let o = args.grid;
            let experiments = if o.experiments.is_empty() {
                Experiment::ALL.to_vec()
            } else {
                o.experiments
            };
            let grid = Grid::new(experiments, o.seed, o.seeds)?;
            let cells = match o.shard {
                Some(shard) => grid.shard(shard),
                None => grid.cells(),
            };
            let device = device::from_name(&o.device)?;
            let jobs = jobs_or_cores(o.jobs);
            // A shard keeps each finished cell at once in a folder of its own, so that a killed
            // shard re-run with the same options resumes.
            let cell_dir = o
                .shard
                .map(|shard| study::cell_dir(&o.out, shard, o.epochs, &o.device));
            let kept = cell_dir.as_ref().map_or(0, |dir| {
                cells
                    .iter()
                    .filter(|&&(e, s)| study::cell_file(dir, e, s).exists())
                    .count()
            });
            match kept {
                0 => eprintln!("study: {} runs, {jobs} at a time", cells.len()),
                _ => eprintln!(
                    "study: {} runs, {kept} of them finished before (read back), {jobs} at a time",
                    cells.len()
                ),
            }
            let start = std::time::Instant::now();
            let runs = match &cell_dir {
                Some(dir) => study::run_cells_resumable(&cells, jobs, o.epochs, &device, progress, dir)?,
                None => study::run_cells(&cells, jobs, o.epochs, &device, progress)?,
            };
            eprintln!(
                "study: {} runs in {:.1} s",
                runs.len(),
                start.elapsed().as_secs_f64()
            );
            let part = Part {
                grid,
                shard: o.shard,
                epochs: o.epochs,
                device: o.device,
                hosts: vec![lstm_lab::host::Host::this()],
                runs,
            };
            match o.shard {
                Some(shard) => {
                    let mut staging = Staging::new(&o.out)?;
                    let name = Part::file_name(shard);
                    staging.write(&name, (serde_json::to_string(&part)? + "\n").as_bytes())?;
                    staging.commit()?;
                    if let Some(dir) = &cell_dir {
                        lstm_lab::report::remove_dir_if_present(dir)?;
                    }
                    println!("{}: shard {shard} of the study", o.out.join(name).display());
                    Ok(())
                }
                None => finish_study(part, &o.out, &o.keras),
            }
        }
    }
}

/// Judges a complete study against Keras's runs and writes study.json, study.md, the plots and
/// (for results/) the README's verdict table.
fn finish_study(part: Part, out: &Path, keras_path: &Path) -> Result<()> {
    let keras = KerasStudy::load(keras_path)?;
    let study = Study::new(part, Some((keras_path, &keras)))?;
    let markdown = study.to_markdown();
    let mut staging = Staging::new(out)?;
    // Compact: 160 runs' loss curves are 2 MB this way (study.md is the one to read).
    staging.write("study.json", (serde_json::to_string(&study)? + "\n").as_bytes())?;
    staging.write("study.md", markdown.as_bytes())?;
    for (name, chart) in study.charts()? {
        staging.write(&format!("plots/{name}.svg"), chart.as_str().as_bytes())?;
    }
    staging.commit()?;
    println!("{markdown}");
    if out == Path::new("results") && update_readme_section("README.md".as_ref(), "study", &markdown)? {
        println!("README.md: verdict table updated");
    }
    Ok(())
}

/// Re-runs the first `seeds` seeds of each chosen exercise (`only`, or all, less `skip`) and
/// checks them against `dir`.
fn check_exercises(
    only: &[Exercise],
    skip: &[Exercise],
    seeds: u64,
    jobs: Option<usize>,
    dir: &Path,
) -> Result<()> {
    let chosen: Vec<Exercise> = (if only.is_empty() { Exercise::ALL } else { only })
        .iter()
        .copied()
        .filter(|e| !skip.contains(e))
        .collect();
    if chosen.is_empty() {
        return Err(Error::invalid(
            "skip",
            "every exercise is skipped: nothing to check",
        ));
    }
    let device = device::cpu();
    let progress = std::io::stderr().is_terminal();
    let mut runs = 0;
    for &exercise in &chosen {
        let saved = Answer::load(dir, exercise)?;
        let seeds = seeds.min(exercise.default_seeds());
        eprintln!("exercise {} (check, {seeds} seeds)", exercise.id());
        let fresh = exercise.run(seeds, jobs_or_cores(jobs), &device, progress)?;
        saved.check_agrees_with(&fresh)?;
        runs += fresh.arms.len() as u64 * seeds;
    }
    let skipped: Vec<&str> = skip.iter().map(|e| e.id()).collect();
    println!(
        "{runs} runs of {} exercises agree with {}{}",
        chosen.len(),
        dir.join("exercises").display(),
        match skipped.len() {
            0 => String::new(),
            _ => format!(" (not checked: {})", skipped.join(", ")),
        }
    );
    Ok(())
}

fn exercises(only: &[Exercise], seeds: Option<u64>, jobs: Option<usize>, out: &Path) -> Result<()> {
    let chosen = if only.is_empty() { Exercise::ALL } else { only };
    let device = device::cpu();
    let progress = std::io::stderr().is_terminal();
    let mut answers = Vec::new();
    for &exercise in chosen {
        eprintln!("exercise {}", exercise.id());
        let seeds = seeds.unwrap_or(exercise.default_seeds());
        let answer = exercise.run(seeds, jobs_or_cores(jobs), &device, progress)?;
        println!("{}: {}", answer.id, answer.answer);
        answers.push(answer);
    }
    write_exercises(&answers, out)
}

/// Rewrites every saved answer's charts and summary.md from `dir/exercises/*.json`.
fn redraw_exercises(dir: &Path) -> Result<()> {
    let answers = Exercise::ALL
        .iter()
        .map(|&e| Answer::load(dir, e))
        .collect::<Result<Vec<_>>>()?;
    write_exercises(&answers, dir)
}

/// Writes `answers` (their JSON and charts) into `out/exercises/`, and summary.md over every
/// exercise: those given, and the others as `out` holds them.
fn write_exercises(answers: &[Answer], out: &Path) -> Result<()> {
    let mut staging = Staging::new(out)?;
    for answer in answers {
        staging.write(
            &format!("exercises/{}.json", answer.id),
            serde_json::to_string_pretty(answer)?.as_bytes(),
        )?;
        for (name, chart) in answer.charts()? {
            staging.write(&format!("exercises/{name}.svg"), chart.as_str().as_bytes())?;
        }
    }
    let mut summary = String::from("# The tutorials' open questions, answered\n\n");
    for &exercise in Exercise::ALL {
        let answer = match answers.iter().find(|a| a.id == exercise.id()) {
            Some(answer) => answer.clone(),
            None if out
                .join("exercises")
                .join(format!("{}.json", exercise.id()))
                .exists() =>
            {
                Answer::load(out, exercise)?
            }
            None => continue,
        };
        summary.push_str(&answer.to_markdown());
        summary.push('\n');
    }
    staging.write("exercises/summary.md", summary.as_bytes())?;
    staging.commit()?;
    println!(
        "{}: {} answers written",
        out.join("exercises").display(),
        answers.len()
    );
    Ok(())
}
