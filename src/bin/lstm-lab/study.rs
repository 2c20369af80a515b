//! `lstm-lab study`: every claim over many seeds, beside Keras's and PyTorch's runs.

use crate::jobs_or_cores;
use clap::{Args, Subcommand};
use lstm_lab::staging::{Staging, update_readme_section};
use lstm_lab::study::{self, FrameworkStudy, Grid, Part, Shard, Study};
use lstm_lab::tutorials::{Experiment, RunOptions};
use lstm_lab::{Result, device};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Where `just keras-study` writes real Keras's runs.
const KERAS_STUDY: &str = "datasets/keras/study.json";

/// Where tools/seed_study.py `--framework torch --merge` writes PyTorch's runs (it need not be
/// there: the claims then have no PyTorch side).
const TORCH_STUDY: &str = "datasets/torch/study.json";

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct StudyArgs {
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
        #[command(flatten)]
        judged: Judged,
    },
    /// Judge the runs saved in a study.json again, against the current Keras and PyTorch runs,
    /// and rewrite study.json, study.md, the study's plots (and, for results/, the README's
    /// verdict table); nothing is re-run.
    Report {
        /// The study whose runs are judged.
        #[arg(long, default_value = "results/study.json")]
        study: PathBuf,
        #[command(flatten)]
        judged: Judged,
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
    /// Train through the reference step (Burn's autodiff) everywhere and compare every claim's
    /// number with the study's (`--out`'s study.json, through the fused step) in steps.json and
    /// steps.md, instead of writing a study.
    #[arg(long)]
    reference_step: bool,
    #[command(flatten)]
    judged: Judged,
}

/// Where a complete study is written and what it is judged against.
#[derive(Args)]
struct Judged {
    /// Output folder.
    #[arg(long, default_value = "results")]
    out: PathBuf,
    /// Keras's runs (tools/seed_study.py).
    #[arg(long, default_value = KERAS_STUDY)]
    keras: PathBuf,
    /// PyTorch's runs (tools/seed_study.py --framework torch); none if the file is absent.
    #[arg(long, default_value = TORCH_STUDY)]
    torch: PathBuf,
    /// The tutorials' own Keras programs' runs (`just tutorial-programs`), compared with the
    /// Keras rewrite in programs.md; none if the file is absent.
    #[arg(long, default_value = crate::programs::PROGRAMS)]
    programs: PathBuf,
}

/// Runs `lstm-lab study` as its arguments say.
pub(crate) fn command(args: StudyArgs) -> Result<()> {
    let progress = std::io::stderr().is_terminal();
    match args.action {
        Some(StudyAction::Merge { paths, judged }) => {
            let part = study::merge(&study::find_parts(&paths)?)?;
            finish_study(part, &judged)
        }
        Some(StudyAction::Report { study, judged }) => {
            // study.json holds the part's fields beside the claims: its runs, read back as they
            // were saved, are judged again.
            let part = Part::load(&study)?;
            finish_study(part, &judged)
        }
        Some(StudyAction::Check { seeds, study, jobs }) => {
            let saved = Study::load(&study)?;
            let grid = &saved.part.grid;
            let seeds = seeds.min(grid.seeds);
            let check = Grid::new(grid.experiments.clone(), grid.first_seed, seeds)?;
            let device = device::from_name(&saved.part.device)?;
            let mut base = RunOptions::new(grid.first_seed).with_fused_step(saved.part.fused_step);
            base.epochs = saved.part.epochs;
            let runs = study::run_cells(&check.cells(), jobs_or_cores(jobs), &base, &device, progress)?;
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
            let mut base = RunOptions::new(o.seed).with_fused_step(!o.reference_step);
            base.epochs = o.epochs;
            // The fused study to compare with is read before hours of runs, not after.
            if o.reference_step && o.shard.is_some() {
                return Err(lstm_lab::Error::invalid(
                    "study --reference-step",
                    "is compared with the whole study: run it without --shard",
                ));
            }
            let fused = match o.reference_step {
                true => Some(Study::load(&o.judged.out.join("study.json"))?),
                false => None,
            };
            // A shard, or the reference step, keeps each finished cell at once in a folder of its
            // own, so that a killed run re-run with the same options resumes.
            let whole = Shard { index: 1, count: 1 };
            let cell_dir = match (o.shard, o.reference_step) {
                (Some(shard), _) => Some(study::cell_dir(&o.judged.out, shard, &base, &o.device)),
                (None, true) => Some(study::cell_dir(&o.judged.out, whole, &base, &o.device)),
                (None, false) => None,
            };
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
                Some(dir) => study::run_cells_resumable(&cells, jobs, &base, &device, progress, dir)?,
                None => study::run_cells(&cells, jobs, &base, &device, progress)?,
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
                fused_step: !o.reference_step,
                hosts: vec![lstm_lab::host::Host::this()],
                runs,
            };
            if let Some(fused) = fused {
                let comparison = fused.compare_steps(part)?;
                let markdown = comparison.to_markdown();
                let mut staging = Staging::new(&o.judged.out)?;
                staging.write(
                    "steps.json",
                    (serde_json::to_string(&comparison)? + "\n").as_bytes(),
                )?;
                staging.write("steps.md", markdown.as_bytes())?;
                staging.commit()?;
                if let Some(dir) = &cell_dir {
                    lstm_lab::staging::remove_dir_if_present(dir)?;
                }
                println!("{markdown}");
                return Ok(());
            }
            match o.shard {
                Some(shard) => {
                    let mut staging = Staging::new(&o.judged.out)?;
                    let name = Part::file_name(shard);
                    staging.write(&name, (serde_json::to_string(&part)? + "\n").as_bytes())?;
                    staging.commit()?;
                    if let Some(dir) = &cell_dir {
                        lstm_lab::staging::remove_dir_if_present(dir)?;
                    }
                    println!(
                        "{}: shard {shard} of the study",
                        o.judged.out.join(name).display()
                    );
                    Ok(())
                }
                None => finish_study(part, &o.judged),
            }
        }
    }
}

/// Judges a complete study against Keras's runs (the file must be there) and PyTorch's (if its
/// file is there) and writes study.json, study.md, the plots and (for results/) the README's
/// verdict table.
fn finish_study(part: Part, judged: &Judged) -> Result<()> {
    let (out, keras_path, torch_path) = (
        judged.out.as_path(),
        judged.keras.as_path(),
        judged.torch.as_path(),
    );
    let keras = FrameworkStudy::load(keras_path)?;
    let torch = FrameworkStudy::load_if_present(torch_path)?;
    if torch.is_none() {
        eprintln!(
            "study: no {}: the claims have no PyTorch side",
            torch_path.display()
        );
    }
    let study = Study::new(
        part,
        Some((keras_path, &keras)),
        torch.as_ref().map(|t| (torch_path, t)),
    )?;
    let markdown = study.to_markdown();
    let mut staging = Staging::new(out)?;
    // Compact: 160 runs' loss curves are 2 MB this way (study.md is the one to read).
    staging.write("study.json", (serde_json::to_string(&study)? + "\n").as_bytes())?;
    staging.write("study.md", markdown.as_bytes())?;
    for (name, chart) in study.charts()? {
        staging.write(&format!("plots/{name}.svg"), chart.as_str().as_bytes())?;
    }
    if let Some(programs) = FrameworkStudy::load_if_present(&judged.programs)? {
        let table = crate::programs::to_markdown(&study, &keras, &programs)?;
        staging.write("programs.md", table.as_bytes())?;
    }
    staging.commit()?;
    println!("{markdown}");
    if out == Path::new("results") && update_readme_section("README.md".as_ref(), "study", &markdown)? {
        println!("README.md: verdict table updated");
    }
    Ok(())
}
