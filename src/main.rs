//! `lstm-lab`: reproduce the tutorials' experiments and write results/.
//!
//! ```text
//! cargo run --release -- reproduce                 # all eight, tutorial scale, CPU, seed 1
//! cargo run --release -- run echo-whole --seeds 5  # one experiment, seeds 1..=5
//! ```

use clap::{Args, Parser, Subcommand};
use lstm_lab::report::{RunRecord, Staging, Summary, update_readme};
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
        /// Experiment id: randint-echo, vanilla-index, echo-whole, echo-partial,
        /// alphabet-2step, alphabet-feature-window, alphabet-timestep-window, vanilla-second.
        id: String,
        #[command(flatten)]
        options: Options,
    },
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
        Command::Run { id, options } => (vec![id.parse::<Experiment>()?], options, false),
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
        "{:<26} {:>5} {:>9} {:>11} {:>7} {:>9}",
        "experiment", "seed", "reported", "reproduced", "epochs", "train s"
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
                "{:<26} {:>5} {:>9} {:>10.2}% {:>7} {:>9.1}",
                experiment.id(),
                seed,
                record.reported.map_or("-".to_string(), |v| format!("{v:.2}%")),
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
    let mut summary = Summary::load(&options.out)?;
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
