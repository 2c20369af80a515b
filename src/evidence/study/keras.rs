//! Real Keras's runs of the study (`datasets/keras/study.json`, from tools/seed_study.py).

use crate::error::Result;
use crate::report::Metric;
use crate::tutorials::Experiment;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One Keras run of `datasets/keras/study.json` (tools/seed_study.py).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KerasRun {
    /// Experiment id.
    pub experiment: String,
    /// Seed (`keras.utils.set_random_seed`).
    pub seed: u64,
    /// The same evaluation as ours, percent.
    pub accuracy: f64,
    /// Training accuracy Keras logged for the last epoch or fit, percent.
    pub last_fit_accuracy: f64,
    /// Seconds of training.
    pub train_seconds: f64,
}

/// `datasets/keras/study.json`: real Keras runs of the experiments over seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KerasStudy {
    /// Keras's version.
    pub keras: String,
    /// TensorFlow's version.
    pub tensorflow: String,
    /// The machine the runs were made on.
    pub machine: String,
    /// Every run.
    pub runs: Vec<KerasRun>,
}

impl KerasStudy {
    /// Reads the file `tools/seed_study.py` writes.
    pub fn load(path: &Path) -> Result<Self> {
        crate::files::read_json(path, " (`just keras-study` makes it)")
    }

    /// `experiment`'s runs, in seed order.
    pub fn runs_of(&self, experiment: Experiment) -> Vec<&KerasRun> {
        let mut runs: Vec<&KerasRun> = self
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

    /// `Keras 3.15.1 (TensorFlow 2.21.0)`.
    pub fn versions(&self) -> String {
        format!("Keras {} (TensorFlow {})", self.keras, self.tensorflow)
    }
}
