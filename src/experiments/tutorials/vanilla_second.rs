//! Tutorial 004: a vanilla LSTM(25) outputs the 2nd element of a 10-step sequence.
//!
//! 1000 samples of 10 values drawn with NumPy's `randint(0, n_max - 1)` (so 0..=3, one-hot over
//! `n_max` = 5 classes), 250 epochs, Keras's default batch size 32 and shuffling, the last 20%
//! held out by `validation_split`. Scored on 1000 freshly generated samples. The tutorial prints
//! no number; the study (`results/study.md`) sets 20 seeds beside real Keras's.

use super::{Outcome, RunOptions, Tutorial, labels};
use crate::ChaCha12Rng;
use crate::array::Array3;
use crate::config::{Checked, ParamGuard, config_struct};
use crate::data::one_hot_encode;
use crate::error::Result;
use crate::metrics::Confusion;
use crate::models::{ModelConfig, Topology};
use crate::train::{FitConfig, Learner};
use burn::tensor::Device;
use rand::{Rng, RngExt, SeedableRng};
use std::time::Instant;

config_struct! {
    /// The tutorial's numbers.
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    pub struct VanillaSecondConfig {
        /// One-hot width (classes).
        n_max / with_n_max: usize,
        /// Time steps per sample.
        n_steps / with_n_steps: usize,
        /// Samples to train on (and to score on, freshly drawn).
        n_samples / with_n_samples: usize,
        /// LSTM memory units.
        units / with_units: usize,
        /// Epochs.
        epochs / with_epochs: usize,
        /// Keras's default batch size.
        batch_size / with_batch_size: usize,
        /// Fraction held out for validation (the last samples).
        validation_split / with_validation_split: f32,
    }
}

impl Default for VanillaSecondConfig {
    fn default() -> Self {
        Self {
            n_max: 5,
            n_steps: 10,
            n_samples: 1000,
            units: 25,
            epochs: 250,
            batch_size: 32,
            validation_split: 0.2,
        }
    }
}

impl VanillaSecondConfig {
    /// `X_cat [n_samples, n_steps, n_max]` and `Y = X_cat[:, 1, :]` as `[n_samples, 1, n_max]`.
    pub fn generate<R: Rng>(&self, rng: &mut R) -> Result<(Array3, Array3)> {
        // np.random.randint(0, n_max - 1): the upper bound is exclusive.
        let high = self.n_max.saturating_sub(1).max(1);
        let values: Vec<usize> = (0..self.n_samples * self.n_steps)
            .map(|_| rng.random_range(0..high))
            .collect();
        let x = one_hot_encode(&values, self.n_max)?.concat();
        let x = Array3::new(x, [self.n_samples, self.n_steps, self.n_max])?;
        let y: Vec<f32> = (0..self.n_samples).flat_map(|s| x.row(s, 1).to_vec()).collect();
        let y = Array3::new(y, [self.n_samples, 1, self.n_max])?;
        Ok((x, y))
    }
}

impl ParamGuard for VanillaSecondConfig {
    fn validate(&self) -> Result<()> {
        if self.n_steps < 2 {
            return Err(crate::Error::invalid(
                "n_steps",
                format!(
                    "{}: the target is the 2nd element, so a sequence needs at least 2",
                    self.n_steps
                ),
            ));
        }
        if self.n_samples == 0 {
            return Err(crate::Error::invalid("n_samples", "must be at least 1"));
        }
        FitConfig::new(self.epochs, self.batch_size)
            .with_validation_split(self.validation_split)
            .validate()?;
        self.model().map(|_| ())
    }
}

impl Checked<VanillaSecondConfig> {
    /// Trains and scores the model; `device` is the plain (non-autodiff) device.
    pub fn run(&self, options: &RunOptions, device: &Device) -> Result<Outcome> {
        let mut rng = ChaCha12Rng::seed_from_u64(options.seed);
        let (x, y) = self.generate(&mut rng)?;
        let model = self.model()?.init(&mut rng, &device.clone().autodiff())?;
        let mut learner = Learner::new(model, false)?;
        let fit = options
            .fit_config(self.epochs, self.batch_size)
            .with_validation_split(self.validation_split)
            .check()?;
        let start = Instant::now();
        let history = learner.fit(&x, &y, &fit, &mut rng)?;
        let train_seconds = start.elapsed().as_secs_f64();

        let (x, y) = self.generate(&mut rng)?;
        let evaluation = learner.evaluate(&x, &y, self.batch_size)?;
        let predicted = labels(&learner.predict(&x, self.batch_size)?);
        let names = (0..self.n_max).map(|c| c.to_string()).collect();
        let confusion = Confusion::new(&labels(&y), &predicted, names)?;
        let correct: usize = (0..self.n_max).map(|c| confusion.counts[c][c]).sum();
        let printout = vec![
            format!("Accuracy : [{:.4}, {:.4}]", evaluation.loss, evaluation.accuracy),
            format!(" The # of examples correctly classified are  {correct}"),
        ];
        Ok(Outcome {
            epochs: self.epochs,
            accuracy: confusion.accuracy,
            evaluation: format!("accuracy on {} freshly generated samples", self.n_samples),
            history,
            train_seconds,
            printout,
            confusion: Some(confusion),
        })
    }
}

impl Tutorial for VanillaSecondConfig {
    /// The tutorial's model: LSTM(25) on `[10, 5]` -> Dense(5).
    fn model(&self) -> Result<ModelConfig> {
        ModelConfig::new(
            self.n_steps,
            self.n_max,
            self.units,
            self.n_max,
            Topology::ManyToOne,
        )
    }

    fn batch_size(&self) -> usize {
        self.batch_size
    }

    fn samples_per_epoch(&self) -> usize {
        self.n_samples - self.validation_samples_per_epoch()
    }

    fn validation_samples_per_epoch(&self) -> usize {
        // Keras's validation_split takes the last `n - floor(n * (1 - split))` samples.
        self.n_samples - (self.n_samples as f64 * (1.0 - self.validation_split as f64)).floor() as usize
    }

    super::schedule_and_run!(epochs);
}
