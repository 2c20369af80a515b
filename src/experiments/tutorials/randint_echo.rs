//! Tutorial 000: a stateful LSTM echoes the random integer one step back.
//!
//! Each fit draws a fresh 25-long sequence of integers in `0..100`, frames it with 5 lags
//! (`values[5:]`, target `encoded[4:-1]`), fits one epoch in batches of 5 without shuffling,
//! and resets the state. The tutorial's run ends at acc 0.95 on the last fit and prints 20
//! expected vs predicted values with one mismatch.

use super::{FreshScore, Outcome, RunOptions, Tutorial, fit_on_fresh};
use crate::ChaCha12Rng;
use crate::array::Array3;
use crate::config::{Checked, ParamGuard, config_struct};
use crate::data::{generate_sequence, one_hot_encode};
use crate::error::Result;
use crate::framing::{Framed, lag_echo, lag_echo_arrays};
use crate::models::{ModelConfig, Topology};
use crate::train::{FitConfig, Learner};
use burn::tensor::Device;
use rand::{Rng, SeedableRng};

config_struct! {
    /// The tutorial's numbers.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
    pub struct RandintEchoConfig {
        /// Length of each random sequence.
        length / with_length: usize,
        /// Values are drawn from `0..n_unique`.
        n_unique / with_n_unique: usize,
        /// Lag window (time steps per sample).
        n_lags / with_n_lags: usize,
        /// LSTM memory units.
        units / with_units: usize,
        /// Fixed batch size of the stateful LSTM.
        batch_size / with_batch_size: usize,
        /// Fits, each one epoch on a fresh sequence, then a state reset.
        fits / with_fits: usize,
        /// Fresh sequences the trained model is scored on.
        eval_sequences / with_eval_sequences: usize,
        /// Carry the state across batches, reset after each fit (the tutorial: `true`); `false`
        /// starts every batch from zeros, as a stateless Keras LSTM does.
        stateful / with_stateful: bool,
        /// Shuffle the samples of each fit (the tutorial: `false`).
        shuffle / with_shuffle: bool,
    }
}

impl Default for RandintEchoConfig {
    fn default() -> Self {
        Self {
            length: 25,
            n_unique: 100,
            n_lags: 5,
            units: 50,
            batch_size: 5,
            fits: 2000,
            eval_sequences: 20,
            stateful: true,
            shuffle: false,
        }
    }
}

impl RandintEchoConfig {
    /// `generate_data()`: a fresh sequence, one-hot encoded and framed with `n_lags` lags.
    pub fn generate_data<R: Rng>(&self, rng: &mut R) -> Result<Framed> {
        self.frame(&generate_sequence(rng, self.length, self.n_unique)?)
    }

    /// One sequence one-hot encoded and framed with `n_lags` lags.
    pub fn frame(&self, sequence: &[usize]) -> Result<Framed> {
        lag_echo(&one_hot_encode(sequence, self.n_unique)?, self.n_lags)
    }

    /// [`RandintEchoConfig::frame`]'s arrays, without the polars table (the training loop's
    /// framing).
    fn frame_arrays(&self, sequence: &[usize]) -> Result<(Array3, Array3)> {
        lag_echo_arrays(&one_hot_encode(sequence, self.n_unique)?, self.n_lags)
    }
}

impl ParamGuard for RandintEchoConfig {
    fn validate(&self) -> Result<()> {
        if self.fits == 0 {
            return Err(crate::Error::invalid("fits", "must be at least 1"));
        }
        if self.eval_sequences == 0 {
            return Err(crate::Error::invalid("eval_sequences", "must be at least 1"));
        }
        FitConfig::new(1, self.batch_size).validate()?;
        self.model().map(|_| ())
    }
}

impl Checked<RandintEchoConfig> {
    /// Trains and scores the model; `device` is the plain (non-autodiff) device.
    pub fn run(&self, options: &RunOptions, device: &Device) -> Result<Outcome> {
        let mut rng = ChaCha12Rng::seed_from_u64(options.seed);
        let model = self.model()?.init(&mut rng, &device.clone().autodiff())?;
        let mut learner = Learner::new(model, self.stateful)?;
        let data =
            |rng: &mut ChaCha12Rng| self.frame_arrays(&generate_sequence(rng, self.length, self.n_unique)?);
        let (history, train_seconds) = fit_on_fresh(
            &mut learner,
            self.fits,
            options
                .fit_config(1, self.batch_size)
                .with_progress(false)
                .with_shuffle(self.shuffle)
                .check()?,
            &mut rng,
            options.progress,
            |rng| generate_sequence(rng, self.length, self.n_unique),
            |sequence| self.frame_arrays(&sequence),
        )?;
        let score = FreshScore::measure(&mut learner, self.eval_sequences, self.batch_size, &mut rng, data)?;
        let flatten = |v: &[Vec<usize>]| v.concat();
        let printout = vec![
            format!("Expected: {:?}", flatten(&score.first_expected)),
            format!("Predicted: {:?}", flatten(&score.first_predicted)),
        ];
        Ok(score.into_outcome(self.fits, self.eval_sequences, history, train_seconds, printout))
    }
}

impl Tutorial for RandintEchoConfig {
    /// The tutorial's model: LSTM(50) on `[5, 100]` -> Dense(100).
    fn model(&self) -> Result<ModelConfig> {
        ModelConfig::new(
            self.n_lags,
            self.n_unique,
            self.units,
            self.n_unique,
            Topology::ManyToOne,
        )
    }

    fn batch_size(&self) -> usize {
        self.batch_size
    }

    fn samples_per_epoch(&self) -> usize {
        self.length - self.n_lags
    }

    super::schedule_and_run!(fits);
}
