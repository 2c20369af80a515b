//! Tutorial 002: echo a random sequence with `to_supervised(encoded, n_in, n_out)` framing.
//!
//! - `echo-whole`: LSTM(20, stateful, return_sequences) -> TimeDistributed(Dense(100)),
//!   batch 7, 500 epochs, each on a fresh 25-long sequence, state reset after each. The tutorial
//!   says it reaches 100% "pretty much every time".
//! - `echo-partial`: encoder LSTM(150, stateful) -> RepeatVector(2) -> decoder LSTM(150,
//!   stateful, return_sequences) -> TimeDistributed(Dense(100)), batch 21, 5000 epochs.
//!   The tutorial says it converges to 100%.
//!
//! Scored on fresh sequences: token accuracy over every predicted value.

use super::{FreshScore, Outcome, RunOptions, fit_on_fresh};
use crate::array::Array3;
use crate::data::{generate_sequence, one_hot_encode};
use crate::error::{Error, Result};
use crate::framing::{Framed, to_supervised};
use crate::metrics::expected_predicted;
use crate::models::{ModelConfig, Topology};
use crate::train::{FitConfig, Learner};
use burn::tensor::Device;
use rand::{Rng, SeedableRng, rngs::StdRng};

/// The tutorial's numbers; [`EchoConfig::whole`] and [`EchoConfig::partial`] are its two models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EchoConfig {
    /// Length of each random sequence.
    pub length: usize,
    /// Values are drawn from `0..n_unique`.
    pub n_unique: usize,
    /// Input window (time steps).
    pub n_in: usize,
    /// Output steps: the first `n_out` values of the window.
    pub n_out: usize,
    /// Memory units of each LSTM layer.
    pub units: usize,
    /// Fixed batch size of the stateful LSTM.
    pub batch_size: usize,
    /// Epochs, each on fresh sequences, then a state reset.
    pub epochs: usize,
    /// Fresh sequences per epoch (1 in the tutorial; more to scale the batch).
    pub sequences_per_epoch: usize,
    /// Fresh sequences the trained model is scored on.
    pub eval_sequences: usize,
    /// Carry the state across batches, reset after each epoch (the tutorial: `true`); `false`
    /// starts every batch from zeros, as a stateless Keras LSTM does.
    pub stateful: bool,
}

impl Default for EchoConfig {
    fn default() -> Self {
        Self::whole()
    }
}

impl EchoConfig {
    /// Echo the whole sequence: seq2seq, LSTM(20), batch 7, 500 epochs.
    pub fn whole() -> Self {
        Self {
            length: 25,
            n_unique: 100,
            n_in: 5,
            n_out: 5,
            units: 20,
            batch_size: 7,
            epochs: 500,
            sequences_per_epoch: 1,
            eval_sequences: 20,
            stateful: true,
        }
    }

    /// Echo a partial sequence: encoder-decoder, LSTM(150) x 2, batch 21, 5000 epochs.
    pub fn partial() -> Self {
        Self {
            n_out: 2,
            units: 150,
            batch_size: 21,
            epochs: 5000,
            ..Self::whole()
        }
    }

    /// The wiring: seq2seq when the whole window is echoed, encoder-decoder otherwise.
    pub fn topology(&self) -> Topology {
        if self.n_out == self.n_in {
            Topology::Seq2Seq
        } else {
            Topology::EncoderDecoder {
                out_steps: self.n_out,
            }
        }
    }

    /// `get_data(n_in, n_out)`: a fresh sequence, one-hot encoded and framed.
    pub fn get_data<R: Rng>(&self, rng: &mut R) -> Result<Framed> {
        self.frame(&generate_sequence(rng, self.length, self.n_unique)?)
    }

    /// One sequence one-hot encoded and framed with `to_supervised(n_in, n_out)`.
    pub fn frame(&self, sequence: &[usize]) -> Result<Framed> {
        to_supervised(&one_hot_encode(sequence, self.n_unique)?, self.n_in, self.n_out)
    }

    fn epoch_data<R: Rng>(&self, rng: &mut R) -> Result<(Array3, Array3)> {
        self.frame_epoch(self.draw_epoch(rng)?)
    }

    /// The random part of one epoch's data: `sequences_per_epoch` fresh sequences.
    fn draw_epoch<R: Rng>(&self, rng: &mut R) -> Result<Vec<Vec<usize>>> {
        (0..self.sequences_per_epoch)
            .map(|_| generate_sequence(rng, self.length, self.n_unique))
            .collect()
    }

    /// The deterministic part: each sequence one-hot encoded and framed, then concatenated.
    fn frame_epoch(&self, sequences: Vec<Vec<usize>>) -> Result<(Array3, Array3)> {
        let (xs, ys): (Vec<Array3>, Vec<Array3>) = sequences
            .iter()
            .map(|sequence| self.frame(sequence).map(|f| (f.x, f.y)))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .unzip();
        Ok((Array3::concat(&xs)?, Array3::concat(&ys)?))
    }

    /// The tutorial's model: LSTM(units) on `[n_in, n_unique]`, seq2seq or encoder-decoder.
    pub fn model(&self) -> Result<ModelConfig> {
        ModelConfig::new(
            self.n_in,
            self.n_unique,
            self.units,
            self.n_unique,
            self.topology(),
        )
    }

    /// Trains and scores the model; `device` is the plain (non-autodiff) device.
    pub fn run(&self, options: &RunOptions, device: &Device) -> Result<Outcome> {
        if self.sequences_per_epoch == 0 {
            return Err(Error::invalid("sequences_per_epoch", "must be at least 1"));
        }
        let mut rng = StdRng::seed_from_u64(options.seed);
        let model = self.model()?.init(&mut rng, &device.clone().autodiff())?;
        let mut learner = Learner::new(model, self.stateful)?;
        let (history, train_seconds) = fit_on_fresh(
            &mut learner,
            self.epochs,
            FitConfig::new(1, self.batch_size).with_shuffle(false),
            &mut rng,
            options.progress,
            |rng| self.draw_epoch(rng),
            |sequences| self.frame_epoch(sequences),
        )?;
        let score = FreshScore::measure(
            &mut learner,
            self.eval_sequences,
            self.batch_size,
            &mut rng,
            |rng| self.epoch_data(rng),
        )?;
        let printout = (score.first_expected.iter().zip(&score.first_predicted))
            .map(|(e, p)| expected_predicted(e, p))
            .collect();
        Ok(score.into_outcome(self.epochs, self.eval_sequences, history, train_seconds, printout))
    }
}

impl super::Tutorial for EchoConfig {
    fn model(&self) -> Result<ModelConfig> {
        EchoConfig::model(self)
    }

    fn epochs(&self) -> usize {
        self.epochs
    }

    fn set_epochs(&mut self, epochs: usize) {
        self.epochs = epochs;
    }

    fn batch_size(&self) -> usize {
        self.batch_size
    }

    fn samples_per_epoch(&self) -> usize {
        (self.length - self.n_in + 1) * self.sequences_per_epoch
    }

    /// Scales the batch and the fresh sequences per epoch together, so that an epoch is still
    /// one batch of `scale` sequences' samples.
    fn scale_batch(&mut self, scale: usize) -> Result<()> {
        if scale == 0 {
            return Err(Error::invalid("batch_scale", "must be at least 1"));
        }
        self.batch_size *= scale;
        self.sequences_per_epoch *= scale;
        Ok(())
    }

    fn run(&self, options: &RunOptions, device: &Device) -> Result<Outcome> {
        EchoConfig::run(self, options, device)
    }
}
