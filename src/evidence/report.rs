//! Results on disk: one JSON per run, `summary.json` / `summary.md`, plots, and the numbers
//! the tutorials report (`datasets/reported.json`).
//!
//! Everything a `reproduce` run writes is first written to a staging folder inside the output
//! folder and moved into place only when every run has finished: a run that is killed leaves
//! the previous results as they were.

use crate::error::{Error, Result};
use crate::host::Host;
use crate::plot::{Svg, confusion_heatmap, history_chart};
use crate::staging::Staging;
use crate::tutorials::{Experiment, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Versions of the crates the numbers were produced with.
pub const VERSIONS: [(&str, &str); 4] = [
    ("lstm-lab", env!("CARGO_PKG_VERSION")),
    ("burn", "0.22.1"),
    ("polars", "0.55.2"),
    ("rand", "0.10.4"),
];

/// [`VERSIONS`] as one line: `lstm-lab 0.1.0, burn 0.22.1, ...`.
pub fn versions() -> String {
    VERSIONS
        .iter()
        .map(|(name, version)| format!("{name} {version}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a tutorial reports, with the line it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reported {
    /// The seed file it comes from.
    pub source: String,
    /// Percent; `None` where the tutorial prints no number.
    pub reported: Option<f64>,
    /// The line (or sentence) that states it.
    pub quote: String,
    /// Which of our numbers is the like-for-like one.
    pub metric: Metric,
    /// What that number is, in words.
    pub measures: String,
    /// How the number is judged over seeds.
    pub claim: ClaimKind,
    /// Two frameworks' mean per-seed numbers count as the same when the 90% interval of their
    /// difference lies inside +-margin, in percentage points (fixed before the 20-seed runs).
    pub margin: f64,
}

/// What kind of statement a tutorial's number makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimKind {
    /// The model gets (at least) there: "converges to 100%", "acc 0.95".
    AtLeast,
    /// The number describes a limit or a failure, as one run printed it: a typical run should
    /// print about the same.
    Typical,
}

/// Which number of a run a tutorial's claim is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    /// The run's scored accuracy ([`Outcome::accuracy`]).
    Evaluation,
    /// The training accuracy logged for the last epoch or fit (what tutorials 000 and 002 quote).
    LastFit,
}

impl Metric {
    /// In words, for tables.
    pub fn words(self) -> &'static str {
        match self {
            Metric::Evaluation => "evaluation",
            Metric::LastFit => "last fit's training accuracy",
        }
    }

    /// This metric of `outcome`, in percent.
    pub fn of(self, outcome: &Outcome) -> f64 {
        match self {
            Metric::Evaluation => outcome.accuracy,
            Metric::LastFit => outcome
                .history
                .accuracy
                .last()
                // Stored as an f32 fraction: rounded to 1e-4 % so that 0.95 reads as 95.
                .map_or(f64::NAN, |a| (f64::from(*a) * 1e6).round() / 1e4),
        }
    }
}

/// `datasets/reported.json`, compiled in.
pub fn reported() -> Result<BTreeMap<String, Reported>> {
    let mut all: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(include_str!("../../datasets/reported.json"))?;
    all.remove("_about");
    all.into_iter()
        .map(|(k, v)| Ok((k, serde_json::from_value(v)?)))
        .collect()
}

/// The reported number for one experiment.
pub(crate) fn reported_for(experiment: Experiment) -> Result<Reported> {
    reported()?
        .remove(experiment.id())
        .ok_or_else(|| Error::invalid("reported.json", format!("no entry for {experiment}")))
}

/// `results/<id>.json`: one run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRecord {
    /// Experiment id.
    pub id: String,
    /// Seed of the data, weights and device.
    pub seed: u64,
    /// `cpu` or `wgpu`.
    pub device: String,
    /// The tutorial's number, percent.
    pub reported: Option<f64>,
    /// Where it comes from.
    pub reported_source: String,
    /// Which of this run's numbers the tutorial's is compared with (`datasets/reported.json`).
    pub metric: Metric,
    /// That number, measured as the tutorial measured its own, percent.
    pub like_for_like: f64,
    /// Everything the run produced (accuracy, history, seconds, printout, confusion).
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Crate versions.
    pub versions: BTreeMap<String, String>,
    /// The machine the run was made on.
    #[serde(default)]
    pub host: Host,
}

impl RunRecord {
    /// Wraps an outcome with its context.
    pub fn new(experiment: Experiment, seed: u64, device: &str, outcome: Outcome) -> Result<Self> {
        let reported = reported_for(experiment)?;
        Ok(Self {
            id: experiment.id().to_string(),
            seed,
            device: device.to_string(),
            reported: reported.reported,
            reported_source: reported.source,
            metric: reported.metric,
            like_for_like: reported.metric.of(&outcome),
            outcome,
            versions: VERSIONS
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            host: Host::this(),
        })
    }

    /// A notebook's check in one call: `outcome`, a run of `experiment` with `seed` on the CPU,
    /// against the run `reproduce` saved in `dir`, number for number (see
    /// [`RunRecord::check_agrees_with`]). Returns the record, to display.
    pub fn check_saved(dir: &Path, experiment: Experiment, seed: u64, outcome: Outcome) -> Result<Self> {
        let record = Self::new(experiment, seed, "cpu", outcome)?;
        record.check_agrees_with(&Self::load(dir, experiment.id())?)?;
        Ok(record)
    }

    /// Reads `dir/<id>.json`, as `reproduce` wrote it.
    pub fn load(dir: &Path, id: &str) -> Result<Self> {
        let path = dir.join(format!("{id}.json"));
        crate::files::read_json(&path, " (run `lstm-lab reproduce` first)")
    }

    /// Checks that this run produced the same numbers as `saved` (a run of the same experiment,
    /// seed and device): accuracy, epochs, every epoch of the history, the printout and the
    /// confusion matrix. Train seconds are not compared.
    pub fn check_agrees_with(&self, saved: &RunRecord) -> Result<()> {
        let id = &self.id;
        let (o, s) = (&self.outcome, &saved.outcome);
        Error::unless_same(id, "id", &*self.id, &*saved.id)?;
        Error::unless_same(id, "seed", self.seed, saved.seed)?;
        Error::unless_same(id, "device", &*self.device, &*saved.device)?;
        Error::unless_same(id, "epochs", o.epochs, s.epochs)?;
        Error::unless_same(id, "accuracy", o.accuracy, s.accuracy)?;
        let h = (&o.history, &s.history);
        Error::unless_same_values(id, "loss history", &h.0.loss, &h.1.loss)?;
        Error::unless_same_values(id, "accuracy history", &h.0.accuracy, &h.1.accuracy)?;
        Error::unless_same_values(id, "validation loss history", &h.0.val_loss, &h.1.val_loss)?;
        Error::unless_same_values(
            id,
            "validation accuracy history",
            &h.0.val_accuracy,
            &h.1.val_accuracy,
        )?;
        Error::unless_same_values(id, "printout", &o.printout, &s.printout)?;
        let counts = |c: &Option<crate::metrics::Confusion>| -> Vec<usize> {
            c.as_ref().map_or(Vec::new(), |c| c.counts.concat())
        };
        Error::unless_same_values(
            id,
            "confusion matrix (row by row)",
            &counts(&o.confusion),
            &counts(&s.confusion),
        )
    }

    /// Its row of the summary.
    pub fn summary_row(&self) -> ResultsRow {
        ResultsRow {
            id: self.id.clone(),
            seed: self.seed,
            device: self.device.clone(),
            epochs: self.outcome.epochs,
            reported: self.reported,
            metric: self.metric,
            like_for_like: self.like_for_like,
            accuracy: self.outcome.accuracy,
            train_seconds: self.outcome.train_seconds,
        }
    }
}

/// One row of `summary.json`: the tutorial's number beside ours measured the same way
/// (`like_for_like`), and the run's evaluation accuracy as a column of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsRow {
    /// Experiment id.
    pub id: String,
    /// Seed.
    pub seed: u64,
    /// `cpu` or `wgpu`.
    pub device: String,
    /// Epochs (or fits) trained.
    pub epochs: usize,
    /// The tutorial's number, percent.
    pub reported: Option<f64>,
    /// How the tutorial measured it (`datasets/reported.json`'s `metric`).
    pub metric: Metric,
    /// Ours, measured as the tutorial measured its number, percent.
    pub like_for_like: f64,
    /// The run's evaluation accuracy (`outcome.accuracy`: fresh data where the tutorial makes
    /// it, the training windows for the alphabet), percent.
    pub accuracy: f64,
    /// Seconds of training.
    pub train_seconds: f64,
}

impl ResultsRow {
    /// The columns of the summary table.
    pub const HEADERS: [&str; 9] = [
        "experiment",
        "seed",
        "device",
        "tutorial",
        "ours, same measure",
        "measured as",
        "evaluation accuracy",
        "epochs",
        "train s",
    ];

    /// This row's cells, in the order of [`ResultsRow::HEADERS`].
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.seed.to_string(),
            self.device.clone(),
            percent(self.reported),
            percent(Some(self.like_for_like)),
            self.metric.words().to_string(),
            percent(Some(self.accuracy)),
            self.epochs.to_string(),
            format!("{:.1}", self.train_seconds),
        ]
    }
}

/// `results/summary.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResultsTable {
    /// Every run, in experiment order, then seed.
    pub runs: Vec<ResultsRow>,
}

impl ResultsTable {
    /// Reads `dir/summary.json`, or an empty summary if there is none.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join("summary.json");
        if !path.exists() {
            return Ok(Self::default());
        }
        crate::files::read_json(
            &path,
            " (`lstm-lab reproduce` with every experiment writes it anew)",
        )
    }

    /// Replaces the rows of the ids (and device) in `rows` with `rows`, keeping the others.
    pub fn merge(&mut self, rows: Vec<ResultsRow>) {
        self.runs.retain(|old| {
            !rows
                .iter()
                .any(|new| new.id == old.id && new.device == old.device)
        });
        self.runs.extend(rows);
        let order = |id: &str| {
            Experiment::ALL
                .iter()
                .position(|e| e.id() == id)
                .unwrap_or(usize::MAX)
        };
        self.runs
            .sort_by(|a, b| (order(&a.id), &a.device, a.seed).cmp(&(order(&b.id), &b.device, b.seed)));
    }

    /// Each run's like-for-like accuracy minus the tutorial's number, in percentage points (a
    /// dot per run on a line from 0; a run whose tutorial printed no number says so): equal
    /// numbers sit on the 0 line, and a difference of a few points shows.
    pub fn chart(&self, title: &str) -> Result<Svg> {
        let rows: Vec<(String, Option<f64>, f64)> = self
            .runs
            .iter()
            .map(|r| (r.id.clone(), r.reported, r.like_for_like))
            .collect();
        crate::plot::difference_dots(&rows, title)
    }

    /// Total training seconds.
    pub fn total_seconds(&self) -> f64 {
        self.runs.iter().map(|r| r.train_seconds).sum()
    }

    /// The summary as a markdown table.
    pub fn to_markdown(&self) -> String {
        let mut md = format!(
            "| {} |\n|---|---:|---|---:|---:|---|---:|---:|---:|\n",
            ResultsRow::HEADERS.join(" | ")
        );
        for r in &self.runs {
            md.push_str(&format!("| {} |\n", r.cells().join(" | ")));
        }
        md.push_str(&format!(
            "\nTotal training time: {:.1} s over {} runs.\n",
            self.total_seconds(),
            self.runs.len()
        ));
        md
    }
}

/// Writing a run into a staged output folder.
impl Staging {
    /// Stages a run's JSON and plots.
    pub fn write_run(&mut self, record: &RunRecord, name: &str) -> Result<()> {
        self.write(
            &format!("{name}.json"),
            serde_json::to_string_pretty(record)?.as_bytes(),
        )?;
        let title = format!("{} (seed {}, {})", record.id, record.seed, record.device);
        let chart = history_chart(&record.outcome.history, &title)?;
        self.write(&format!("plots/{name}.svg"), chart.as_str().as_bytes())?;
        if let Some(confusion) = &record.outcome.confusion {
            let heatmap = confusion_heatmap(confusion, &format!("{title}: confusion matrix"))?;
            self.write(
                &format!("plots/{name}-confusion.svg"),
                heatmap.as_str().as_bytes(),
            )?;
        }
        Ok(())
    }
}

/// `12.34%`, or `-` for no number.
pub(crate) fn percent(value: Option<f64>) -> String {
    value.map_or("-".to_string(), |v| format!("{v:.2}%"))
}
