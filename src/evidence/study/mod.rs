//! The reproducibility study: every experiment over many seeds, each tutorial claim judged on
//! the distribution, beside real Keras's and PyTorch's own distributions.
//!
//! A study is a grid of (experiment, seed) cells. Each cell is one full run through
//! [`Experiment::run`], the same code path as `reproduce` and `run --seeds`. Cells are
//! independent, so they run in parallel ([`run_cells`], `--jobs`) and can be split into disjoint
//! shards ([`Shard`]) for a batch scheduler; a [`Part`] holds the runs of one shard, [`merge`]
//! combines parts and refuses overlaps and gaps. `claims.rs` turns the runs into per-claim
//! distributions and verdicts in each framework, `compare.rs` compares every two frameworks
//! (`stats.rs` holds the statistics), `judged.rs` writes the tables and charts.
//!
//! ```no_run
//! use lstm_lab::study::{Grid, run_cells};
//! use lstm_lab::tutorials::Experiment;
//! let grid = Grid::new(vec![Experiment::Alphabet2Step], 1, 4).unwrap();
//! let base = lstm_lab::tutorials::RunOptions::new(1); // the tutorials' epochs, the fused step
//! let runs = run_cells(&grid.cells(), 2, &base, &burn::tensor::Device::flex(), false).unwrap();
//! assert_eq!(runs.len(), 4);
//! ```

mod claims;
mod compare;
mod frameworks;
mod judged;
mod stats;
mod steps;
mod verdict;

use crate::error::{Error, Result};
use crate::host::Host;
use crate::parallel::parallel_map;
use crate::report::Metric;
use crate::tutorials::{Experiment, RunOptions};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use claims::{Claim, RULE, Side};
pub use compare::Pair;
pub use frameworks::{FrameworkRun, FrameworkStudy};
pub use judged::Study;
pub use stats::{Comparison, Sameness, wilson};
pub use steps::{StepComparison, StepRow};
pub use verdict::{Distribution, Verdict};

/// One (experiment, seed) run of the study: the numbers a claim is judged on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedRun {
    /// The experiment.
    pub experiment: Experiment,
    /// Its seed.
    pub seed: u64,
    /// Epochs (or fits) trained.
    pub epochs: usize,
    /// The run's scored accuracy (`outcome.accuracy`), percent.
    pub accuracy: f64,
    /// The training accuracy of the last epoch or fit, percent.
    pub last_fit_accuracy: f64,
    /// Training loss per epoch (or fit): the learning curve.
    pub loss: Vec<f32>,
    /// Seconds of training (the only field that differs between two runs of the same cell).
    pub train_seconds: f64,
}

impl SeedRun {
    /// The number `metric` names.
    pub fn value(&self, metric: Metric) -> f64 {
        match metric {
            Metric::Evaluation => self.accuracy,
            Metric::LastFit => self.last_fit_accuracy,
        }
    }

    /// Checks that `other` (a run of the same cell) has the same numbers: everything but the
    /// seconds.
    pub fn check_agrees_with(&self, other: &SeedRun) -> Result<()> {
        let id = format!("{} seed {}", self.experiment, self.seed);
        let id = id.as_str();
        Error::unless_same(
            id,
            "experiment",
            self.experiment.to_string(),
            other.experiment.to_string(),
        )?;
        Error::unless_same(id, "seed", self.seed, other.seed)?;
        Error::unless_same(id, "epochs", self.epochs, other.epochs)?;
        Error::unless_same(id, "accuracy", self.accuracy, other.accuracy)?;
        Error::unless_same(
            id,
            "last fit accuracy",
            self.last_fit_accuracy,
            other.last_fit_accuracy,
        )?;
        Error::unless_same_values(id, "loss curve", &self.loss, &other.loss)
    }
}

/// Which experiments, which seeds: `seeds` consecutive seeds from `first_seed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grid {
    /// The experiments, in the order of [`Experiment::ALL`].
    pub experiments: Vec<Experiment>,
    /// The first seed.
    pub first_seed: u64,
    /// How many seeds per experiment.
    pub seeds: u64,
}

impl Grid {
    /// A checked grid: at least one experiment (each once) and one seed.
    pub fn new(mut experiments: Vec<Experiment>, first_seed: u64, seeds: u64) -> Result<Self> {
        if experiments.is_empty() {
            return Err(Error::Empty {
                what: "the study's list of experiments",
            });
        }
        if seeds == 0 {
            return Err(Error::invalid("seeds", "must be at least 1"));
        }
        if first_seed.checked_add(seeds).is_none() {
            return Err(Error::invalid("seed", "first seed + seeds overflows u64"));
        }
        experiments.sort();
        experiments.dedup();
        Ok(Self {
            experiments,
            first_seed,
            seeds,
        })
    }

    /// Every cell, experiment by experiment, seeds in order.
    pub fn cells(&self) -> Vec<(Experiment, u64)> {
        self.experiments
            .iter()
            .flat_map(|&e| (self.first_seed..self.first_seed + self.seeds).map(move |s| (e, s)))
            .collect()
    }

    /// The cells of one shard: cell `k` of [`Grid::cells`] belongs to shard `k % count + 1`,
    /// so that every shard gets a share of every experiment (and of the slow ones).
    pub fn shard(&self, shard: Shard) -> Vec<(Experiment, u64)> {
        self.cells()
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % shard.count == shard.index - 1)
            .map(|(_, cell)| cell)
            .collect()
    }
}

/// The `index`-th (from 1) of `count` disjoint slices of a grid: `--shard 2/4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which slice, from 1.
    pub index: usize,
    /// How many slices.
    pub count: usize,
}

impl FromStr for Shard {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::invalid("shard", format!("`{s}` is not I/N with 1 <= I <= N (e.g. 2/4)"));
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse::<usize>().map_err(|_| bad())?,
            n.trim().parse::<usize>().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The runs of a study or of one shard of it: what `study --shard` writes and `study merge`
/// reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// The whole study's grid.
    pub grid: Grid,
    /// Which slice of it these runs are (`None`: all of it).
    pub shard: Option<Shard>,
    /// The epoch override (`None`: the tutorials' epochs).
    pub epochs: Option<usize>,
    /// `cpu` or `wgpu`.
    pub device: String,
    /// Trained through the fused CPU step where it applies (true, `lstm-lab`'s default) or
    /// through the reference step (Burn's autodiff) everywhere (false: `study --reference-step`).
    #[serde(default = "fused_by_default")]
    pub fused_step: bool,
    /// The machines the runs were made on (one per part merged in).
    #[serde(default)]
    pub hosts: Vec<Host>,
    /// The runs, in grid order.
    pub runs: Vec<SeedRun>,
}

fn fused_by_default() -> bool {
    true
}

impl Part {
    /// The file name of a shard's part: `study-part-2-of-4.json`.
    pub fn file_name(shard: Shard) -> String {
        format!("study-part-{}-of-{}.json", shard.index, shard.count)
    }

    /// Reads a part file.
    pub fn load(path: &Path) -> Result<Self> {
        crate::files::read_json(path, "")
    }
}

/// Runs every cell, `jobs` at a time, each with `base` (its epochs and step; its seed and
/// progress bar are ignored) and the cell's seed. The runs come back in the order of `cells`, with the same numbers whatever `jobs` is:
/// each cell seeds its own data, weights and device. `progress` draws one bar over all cells.
pub fn run_cells(
    cells: &[(Experiment, u64)],
    jobs: usize,
    base: &RunOptions,
    device: &Device,
    progress: bool,
) -> Result<Vec<SeedRun>> {
    parallel_map(cells, jobs, progress, |&(experiment, seed)| {
        run_cell(experiment, seed, base, device)
    })
}

/// [`run_cells`], keeping each finished cell in `dir` at once (`EXPERIMENT-seed-NNN.json`,
/// written under a temporary name, then renamed): a run killed part-way loses only the cells it
/// was in, and the next call with the same `dir` reads the finished cells back instead of
/// training them again. A cell's numbers depend only on its experiment, seed, epochs, step and
/// device, so `dir` must hold cells of one `base` and one device (the study names the folder
/// after them and the shard, see [`cell_dir`]); the caller removes it once the runs are saved
/// elsewhere.
pub fn run_cells_resumable(
    cells: &[(Experiment, u64)],
    jobs: usize,
    base: &RunOptions,
    device: &Device,
    progress: bool,
    dir: &Path,
) -> Result<Vec<SeedRun>> {
    std::fs::create_dir_all(dir).map_err(crate::files::writing(dir))?;
    parallel_map(cells, jobs, progress, |&(experiment, seed)| {
        let path = cell_file(dir, experiment, seed);
        if path.exists() {
            let unreadable = |e: String| Error::invalid("resume", format!("{}: {e}", path.display()));
            let run: SeedRun = crate::files::read_json(&path, " (delete it to run the cell again)")?;
            if (run.experiment, run.seed) != (experiment, seed) {
                return Err(unreadable(format!(
                    "holds {} seed {}, not {} seed {seed}",
                    run.experiment.id(),
                    run.seed,
                    experiment.id()
                )));
            }
            let want = base.epochs.unwrap_or(experiment.default_epochs());
            if run.epochs != want {
                return Err(unreadable(format!(
                    "holds a run of {} epochs, not {want}",
                    run.epochs
                )));
            }
            return Ok(run);
        }
        let run = run_cell(experiment, seed, base, device)?;
        let tmp = path.with_extension(format!("json.tmp-{}", std::process::id()));
        std::fs::write(&tmp, serde_json::to_string(&run)? + "\n").map_err(crate::files::writing(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(crate::files::writing(&path))?;
        Ok(run)
    })
}

/// The folder in `out` where shard `shard` keeps its finished cells for [`run_cells_resumable`]:
/// `.cells-I-of-N-epochs-E-DEVICE` (E is `full` for the tutorials' epochs; `-reference-step`
/// follows for the reference step), one per shard, epochs, step and device, since a cell's
/// numbers depend on all four.
pub fn cell_dir(out: &Path, shard: Shard, base: &RunOptions, device: &str) -> PathBuf {
    let epochs = base.epochs.map_or("full".to_string(), |e| e.to_string());
    let step = if base.fused_step { "" } else { "-reference-step" };
    out.join(format!(
        ".cells-{}-of-{}-epochs-{epochs}-{device}{step}",
        shard.index, shard.count
    ))
}

/// Where [`run_cells_resumable`] keeps the finished cell `(experiment, seed)` in `dir`.
pub fn cell_file(dir: &Path, experiment: Experiment, seed: u64) -> PathBuf {
    dir.join(format!("{}-seed-{seed:03}.json", experiment.id()))
}

/// One cell, through [`Experiment::run`] with `base`'s epochs and step.
fn run_cell(experiment: Experiment, seed: u64, base: &RunOptions, device: &Device) -> Result<SeedRun> {
    let options = RunOptions {
        seed,
        progress: false,
        ..base.clone()
    };
    let outcome = experiment.run(&options, device)?;
    Ok(SeedRun {
        experiment,
        seed,
        epochs: outcome.epochs,
        accuracy: outcome.accuracy,
        last_fit_accuracy: Metric::LastFit.of(&outcome),
        loss: outcome.history.loss,
        train_seconds: outcome.train_seconds,
    })
}

/// Combines the parts of one study (read from `paths`) into one covering its whole grid.
/// Refuses parts of different studies, a cell run twice (an overlap) and a cell no part has
/// (a gap), naming the files and cells at fault.
pub fn merge(parts: &[(PathBuf, Part)]) -> Result<Part> {
    let Some((first_path, first)) = parts.first() else {
        return Err(Error::Empty {
            what: "the list of study parts to merge",
        });
    };
    let mut runs: Vec<SeedRun> = Vec::new();
    let mut seen: std::collections::BTreeMap<(Experiment, u64), &Path> = Default::default();
    for (path, part) in parts {
        let same = part.grid == first.grid
            && part.epochs == first.epochs
            && part.device == first.device
            && part.fused_step == first.fused_step;
        if !same {
            return Err(Error::invalid(
                "study merge",
                format!(
                    "{} and {} are parts of different studies (grid, epochs, device or step differ)",
                    first_path.display(),
                    path.display()
                ),
            ));
        }
        for run in &part.runs {
            let cell = (run.experiment, run.seed);
            if let Some(other) = seen.insert(cell, path) {
                return Err(Error::invalid(
                    "study merge",
                    format!(
                        "overlap: {} seed {} is in both {} and {}",
                        run.experiment,
                        run.seed,
                        other.display(),
                        path.display()
                    ),
                ));
            }
            runs.push(run.clone());
        }
    }
    let cells = first.grid.cells();
    let wanted: BTreeSet<(Experiment, u64)> = cells.iter().copied().collect();
    if let Some((e, s)) = seen.keys().find(|cell| !wanted.contains(cell)) {
        return Err(Error::invalid(
            "study merge",
            format!(
                "{e} seed {s} (in {}) is outside the study's grid",
                seen[&(*e, *s)].display()
            ),
        ));
    }
    let missing: Vec<String> = cells
        .iter()
        .filter(|cell| !seen.contains_key(cell))
        .map(|(e, s)| format!("{e} seed {s}"))
        .collect();
    if !missing.is_empty() {
        let shown = missing.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
        return Err(Error::invalid(
            "study merge",
            format!(
                "gap: {} of {} runs are in no part ({shown}{}); run the missing shards first",
                missing.len(),
                cells.len(),
                if missing.len() > 5 { ", ..." } else { "" }
            ),
        ));
    }
    runs.sort_by_key(|r| (r.experiment, r.seed));
    let mut hosts: Vec<Host> = Vec::new();
    for host in parts.iter().flat_map(|(_, p)| &p.hosts) {
        if !hosts.contains(host) {
            hosts.push(host.clone());
        }
    }
    Ok(Part {
        grid: first.grid.clone(),
        shard: None,
        epochs: first.epochs,
        device: first.device.clone(),
        fused_step: first.fused_step,
        hosts,
        runs,
    })
}

/// The part files in `dirs`: each entry is a part file, or a folder whose `study-part-*.json`
/// files are taken.
pub fn find_parts(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Part)>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(crate::files::reading(path))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("study-part-") && n.ends_with(".json"))
                })
                .collect();
            if found.is_empty() {
                return Err(Error::invalid(
                    "study merge",
                    format!("{} holds no study-part-*.json file", path.display()),
                ));
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    files
        .into_iter()
        .map(|p| Part::load(&p).map(|part| (p, part)))
        .collect()
}
