//! `lstm-lab exercises`: the tutorials' open questions, run, checked or redrawn.

use crate::jobs_or_cores;
use clap::{Args, Subcommand};
use lstm_lab::exercises::{Answer, Exercise};
use lstm_lab::staging::Staging;
use lstm_lab::{Error, Result, device};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct ExercisesArgs {
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
    /// Rewrite every answer's text, its charts and summary.md from the saved arms, without
    /// training (after a change to the plotting or the wording code).
    Charts {
        /// The folder holding exercises/<id>.json.
        #[arg(long, default_value = "results")]
        dir: PathBuf,
    },
}

/// Runs `lstm-lab exercises` as its arguments say.
pub(crate) fn command(args: ExercisesArgs) -> Result<()> {
    match args.action {
        Some(ExercisesAction::Check {
            seeds,
            only,
            skip,
            dir,
            jobs,
        }) => check_exercises(&only, &skip, seeds, jobs, &dir),
        Some(ExercisesAction::Charts { dir }) => redraw_exercises(&dir),
        None => exercises(&args.only, args.seeds, args.jobs, &args.out),
    }
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
        let saved = Answer::load(dir, exercise.id())?;
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

/// Rewrites every saved answer's text, its charts and summary.md from the arms saved in
/// `dir/exercises/*.json`.
fn redraw_exercises(dir: &Path) -> Result<()> {
    let answers = Exercise::ALL
        .iter()
        .map(|&e| {
            let mut answer = Answer::load(dir, e.id())?;
            answer.reword()?;
            Ok(answer)
        })
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
                Answer::load(out, exercise.id())?
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
