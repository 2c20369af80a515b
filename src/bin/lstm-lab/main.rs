//! `lstm-lab`: reproduce the tutorials' experiments and write results/.
//!
//! ```text
//! cargo run --release -- reproduce                 # all eight, tutorial scale, CPU, seed 1
//! cargo run --release -- run echo-whole --seeds 5  # one experiment, seeds 1..=5
//! cargo run --release -- study --seeds 20          # every claim over 20 seeds, beside Keras's
//! ```

use clap::{Args, Parser, Subcommand};
use lstm_lab::report::{ResultsTable, RunRecord};
use lstm_lab::staging::{Staging, update_readme_section};
use lstm_lab::tutorials::{Experiment, RunOptions};
use lstm_lab::{Error, Result, device};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod exercises;
mod programs;
mod study;

/// mimalloc rather than glibc's malloc. When a product is split over the helper thread
/// (echo-partial), glibc's per-thread arenas left the same fit's peak memory anywhere between 110
/// and 470 MiB from run to run; with mimalloc it is 100 MiB every time, and echo-partial trains in
/// 8.3 s against 9.5 s (`tools/bench/run.py --baseline`, 3 rounds). Same bits either way: the
/// allocator does no arithmetic.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use exercises::ExercisesArgs;
use study::StudyArgs;

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
    /// Output folder [default: results with the committed settings (seed 1, one seed, the
    /// tutorial's epochs and batches, cpu), target/scratch with any other]
    #[arg(long)]
    out: Option<PathBuf>,
    /// Multiply echo-partial's batch size (and its sequences per epoch) by this.
    #[arg(long, default_value_t = 1)]
    batch_scale: usize,
    /// Train through the reference step (Burn's autodiff) everywhere, instead of the fused CPU
    /// step where it applies (one LSTM layer and a softmax head; the same arithmetic to within
    /// 1e-5).
    #[arg(long)]
    reference_step: bool,
}

impl Options {
    /// `--out`, or results/ for the settings results/ holds and target/scratch/ for others, so
    /// that a trial run (`--epochs 5`, another seed or device) never overwrites the committed
    /// results and the README's table.
    fn out(&self) -> PathBuf {
        let committed = self.seed == 1
            && self.seeds == 1
            && self.epochs.is_none()
            && self.batch_scale == 1
            && !self.reference_step
            && self.device == "cpu";
        match &self.out {
            Some(out) => out.clone(),
            None if committed => PathBuf::from("results"),
            None => PathBuf::from("target/scratch"),
        }
    }
}

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
        Command::Study(args) => return study::command(args),
        Command::Exercises(args) => return exercises::command(args),
        Command::Floor { seconds } => return floor(seconds),
    };
    if options.seeds == 0 {
        return Err(Error::invalid("seeds", "must be at least 1"));
    }
    let device = device::from_name(&options.device)?;
    let progress = std::io::stderr().is_terminal();
    let out_dir = options.out();
    if out_dir != Path::new("results") {
        eprintln!(
            "writing to {} (results/ holds the committed settings' runs)",
            out_dir.display()
        );
    }
    let mut staging = Staging::new(&out_dir)?;
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
                .with_batch_scale(options.batch_scale)
                .with_fused_step(!options.reference_step);
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
        ResultsTable::default()
    } else {
        ResultsTable::load(&out_dir)?
    };
    summary.merge(rows);
    let markdown = summary.to_markdown();
    staging.write("summary.json", serde_json::to_string_pretty(&summary)?.as_bytes())?;
    staging.write("summary.md", markdown.as_bytes())?;
    staging.commit()?;
    writeln!(out, "\n{markdown}")?;
    if all
        && out_dir == Path::new("results")
        && update_readme_section("README.md".as_ref(), "results", &markdown)?
    {
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

/// `--jobs`, or one per core.
fn jobs_or_cores(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
