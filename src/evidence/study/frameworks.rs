//! Other frameworks' runs of the study: real Keras's (`datasets/keras/study.json`, from
//! tools/seed_study.py) and PyTorch's (`datasets/torch/study.json`, from tools/seed_study.py
//! `--framework torch`), one file per framework, read into one type.

use crate::error::{Error, Result};
use crate::report::Metric;
use crate::tutorials::Experiment;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// One run of another framework: an (experiment, seed) cell's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameworkRun {
    /// Experiment id.
    pub experiment: String,
    /// Seed (the framework's own seeding: `keras.utils.set_random_seed`, `torch.manual_seed`).
    pub seed: u64,
    /// The same evaluation as ours, percent.
    pub accuracy: f64,
    /// Training accuracy logged for the last epoch or fit, percent.
    pub last_fit_accuracy: f64,
    /// Seconds of training.
    pub train_seconds: f64,
}

/// One framework's runs of the experiments over seeds: `datasets/keras/study.json` (with
/// `keras` and `tensorflow` versions) or `datasets/torch/study.json` (with `torch`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameworkStudy {
    /// Keras's version (a Keras study).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keras: Option<String>,
    /// TensorFlow's version (Keras's backend).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tensorflow: Option<String>,
    /// PyTorch's version (a PyTorch study).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torch: Option<String>,
    /// The machine the runs were made on.
    pub machine: String,
    /// Every run.
    pub runs: Vec<FrameworkRun>,
}

impl FrameworkStudy {
    /// Reads and checks a framework's study file: one framework's version (`keras` or `torch`),
    /// known experiments, finite numbers, each (experiment, seed) once.
    pub fn load(path: &Path) -> Result<Self> {
        let study: Self = crate::files::read_json(
            path,
            " (`just keras-study` or tools/seed_study.py --framework torch writes it)",
        )?;
        study
            .check()
            .map_err(|why| Error::invalid("study", format!("{}: {why}", path.display())))?;
        Ok(study)
    }

    /// [`load`](Self::load), or `None` when there is no file at `path` (no runs of that
    /// framework yet); a file that is there but malformed is an error.
    pub fn load_if_present(path: &Path) -> Result<Option<Self>> {
        match path.try_exists().map_err(crate::files::reading(path))? {
            true => Self::load(path).map(Some),
            false => Ok(None),
        }
    }

    /// What is wrong with the file, if anything.
    fn check(&self) -> std::result::Result<(), String> {
        match (&self.keras, &self.tensorflow, &self.torch) {
            (Some(_), _, None) | (None, None, Some(_)) => {}
            _ => {
                return Err(
                    "names no framework, or more than one: it needs `keras` (and `tensorflow`) or \
                     `torch`"
                        .into(),
                );
            }
        }
        let mut seen = BTreeSet::new();
        for run in &self.runs {
            let cell = format!("{} seed {}", run.experiment, run.seed);
            run.experiment
                .parse::<Experiment>()
                .map_err(|_| format!("{cell}: `{}` is no experiment", run.experiment))?;
            let numbers = [run.accuracy, run.last_fit_accuracy, run.train_seconds];
            if numbers.iter().any(|v| !v.is_finite()) {
                return Err(format!("{cell}: a number is not finite ({numbers:?})"));
            }
            if !seen.insert((run.experiment.as_str(), run.seed)) {
                return Err(format!("{cell} is there twice"));
            }
        }
        Ok(())
    }

    /// `Keras` or `PyTorch`.
    pub fn name(&self) -> &'static str {
        if self.torch.is_some() { "PyTorch" } else { "Keras" }
    }

    /// `experiment`'s runs, in seed order.
    pub fn runs_of(&self, experiment: Experiment) -> Vec<&FrameworkRun> {
        let mut runs: Vec<&FrameworkRun> = self
            .runs
            .iter()
            .filter(|r| r.experiment == experiment.id())
            .collect();
        runs.sort_by_key(|r| r.seed);
        runs
    }

    /// The numbers `metric` names of `experiment`'s runs, in seed order.
    pub fn values(&self, experiment: Experiment, metric: Metric) -> Vec<f64> {
        self.runs_of(experiment)
            .iter()
            .map(|r| match metric {
                Metric::Evaluation => r.accuracy,
                Metric::LastFit => r.last_fit_accuracy,
            })
            .collect()
    }

    /// `Keras 3.15.1 (TensorFlow 2.21.0)` or `PyTorch 2.15.0`.
    pub fn versions(&self) -> String {
        match (&self.keras, &self.tensorflow, &self.torch) {
            (Some(k), Some(tf), _) => format!("Keras {k} (TensorFlow {tf})"),
            (Some(k), None, _) => format!("Keras {k}"),
            (None, _, Some(t)) => format!("PyTorch {t}"),
            (None, _, None) => "an unnamed framework".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(experiment: &str, seed: u64, accuracy: f64) -> FrameworkRun {
        FrameworkRun {
            experiment: experiment.into(),
            seed,
            accuracy,
            last_fit_accuracy: 100.0,
            train_seconds: 1.0,
        }
    }

    fn torch(runs: Vec<FrameworkRun>) -> FrameworkStudy {
        FrameworkStudy {
            keras: None,
            tensorflow: None,
            torch: Some("2.15.0".into()),
            machine: "test".into(),
            runs,
        }
    }

    #[test]
    fn versions_and_names_follow_the_framework() {
        let t = torch(vec![run("echo-whole", 2, 90.0), run("echo-whole", 1, 80.0)]);
        assert_eq!((t.name(), t.versions().as_str()), ("PyTorch", "PyTorch 2.15.0"));
        assert_eq!(t.values(Experiment::EchoWhole, Metric::Evaluation), [80.0, 90.0]);
        assert_eq!(t.check(), Ok(()));
        let k = FrameworkStudy {
            keras: Some("3.15.1".into()),
            tensorflow: Some("2.21.0".into()),
            torch: None,
            ..t.clone()
        };
        assert_eq!(
            (k.name(), k.versions().as_str()),
            ("Keras", "Keras 3.15.1 (TensorFlow 2.21.0)")
        );
    }

    #[test]
    fn malformed_studies_are_refused() {
        let twice = torch(vec![run("echo-whole", 1, 80.0), run("echo-whole", 1, 90.0)]);
        assert!(twice.check().unwrap_err().contains("twice"));
        let unknown = torch(vec![run("echo-hole", 1, 80.0)]);
        assert!(unknown.check().unwrap_err().contains("no experiment"));
        let nan = torch(vec![run("echo-whole", 1, f64::NAN)]);
        assert!(nan.check().unwrap_err().contains("not finite"));
        let both = FrameworkStudy {
            keras: Some("3".into()),
            ..torch(vec![])
        };
        assert!(both.check().unwrap_err().contains("more than one"));
    }
}
