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
//!
//! The tutorial's extensions are knobs of the same config, each off by default:
//! [`Representation::Scaled`] (integers scaled to [0, 1], a linear head trained on mean squared
//! error), `masked` (the rows framing drops kept, padded with [`MASK_VALUE`], behind Keras's
//! `Masking`), and the other [`EchoLayout`]s (an encoder-decoder for any length, one-to-one and
//! vector-output many-to-one).

use super::{FreshScore, Outcome, RunOptions, Tutorial, fit_on_fresh};
use crate::ChaCha12Rng;
use crate::array::Array3;
use crate::config::{Checked, ParamGuard, config_struct};
use crate::data::{generate_sequence, one_hot_encode};
use crate::error::{Error, Result};
use crate::framing::{Framed, supervised_arrays, to_supervised, to_supervised_padded};
use crate::metrics::expected_predicted;
use crate::models::{ModelConfig, Output, Topology};
use crate::train::{FitConfig, Learner};
use burn::tensor::Device;
use rand::{Rng, SeedableRng};

/// The value that pads the rows framing would drop, and that Keras's `Masking` skips: -1 is
/// neither a one-hot entry nor a scaled integer.
pub const MASK_VALUE: f32 = -1.0;

/// How each integer is fed to the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Representation {
    /// A one-hot vector of `n_unique` values, a softmax head (the tutorial).
    #[default]
    OneHot,
    /// One value `v / (n_unique - 1)` in [0, 1], a linear head trained on mean squared error;
    /// a prediction is right when it rounds back to the integer.
    Scaled,
}

/// How the network is wired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum EchoLayout {
    /// The tutorial's: many-to-many (seq2seq) when the whole window is echoed, encoder-decoder
    /// otherwise.
    #[default]
    Tutorial,
    /// Encoder-decoder whatever `n_out` is (echo the first `n_out` steps).
    EncoderDecoder,
    /// One step whose features are the whole window, and the output as one vector.
    OneToOne,
    /// Many-to-one: the window as steps, the output as one vector of `n_out * width` values.
    ManyToOneVector,
}

config_struct! {
    /// The tutorial's numbers; [`EchoConfig::whole`] and [`EchoConfig::partial`] are its two models.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
    pub struct EchoConfig {
        /// Length of each random sequence.
        length / with_length: usize,
        /// Values are drawn from `0..n_unique`.
        n_unique / with_n_unique: usize,
        /// Input window (time steps).
        n_in / with_n_in: usize,
        /// Output steps: the first `n_out` values of the window.
        n_out / with_n_out: usize,
        /// Memory units of each LSTM layer.
        units / with_units: usize,
        /// Fixed batch size of the stateful LSTM.
        batch_size / with_batch_size: usize,
        /// Epochs, each on fresh sequences, then a state reset.
        epochs / with_epochs: usize,
        /// Fresh sequences per epoch (1 in the tutorial; more to scale the batch).
        sequences_per_epoch / with_sequences_per_epoch: usize,
        /// Fresh sequences the trained model is scored on.
        eval_sequences / with_eval_sequences: usize,
        /// Carry the state across batches, reset after each epoch (the tutorial: `true`); `false`
        /// starts every batch from zeros, as a stateless Keras LSTM does.
        stateful / with_stateful: bool,
        /// How integers are fed (default [`Representation::OneHot`]).
        representation / with_representation: Representation,
        /// The wiring (default [`EchoLayout::Tutorial`]).
        layout / with_layout: EchoLayout,
        /// Keep the `n_in - 1` rows of each sequence that framing drops, their empty steps set to
        /// [`MASK_VALUE`], behind `Masking(MASK_VALUE)` (default `false`). Needs the many-to-many
        /// model, the one whose loss Keras masks.
        masked / with_masked: bool,
    }
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
            representation: Representation::OneHot,
            layout: EchoLayout::Tutorial,
            masked: false,
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

    /// The wiring: with the tutorial's layout, seq2seq when the whole window is echoed and
    /// encoder-decoder otherwise.
    pub fn topology(&self) -> Topology {
        let out_steps = self.n_out;
        match self.layout {
            EchoLayout::Tutorial if self.n_out == self.n_in => Topology::Seq2Seq,
            EchoLayout::Tutorial | EchoLayout::EncoderDecoder => Topology::EncoderDecoder { out_steps },
            EchoLayout::OneToOne | EchoLayout::ManyToOneVector => Topology::VectorOutput { out_steps },
        }
    }

    /// Values per integer: `n_unique` one-hot, 1 scaled.
    pub fn width(&self) -> usize {
        match self.representation {
            Representation::OneHot => self.n_unique,
            Representation::Scaled => 1,
        }
    }

    /// `get_data(n_in, n_out)`: a fresh sequence, encoded and framed.
    pub fn get_data<R: Rng>(&self, rng: &mut R) -> Result<Framed> {
        self.frame(&generate_sequence(rng, self.length, self.n_unique)?)
    }

    /// One sequence encoded (one-hot or scaled) and framed with `to_supervised(n_in, n_out)`
    /// (padded instead of dropped when `masked`); one-to-one lays each window out as one step.
    pub fn frame(&self, sequence: &[usize]) -> Result<Framed> {
        let encoded = self.encode(sequence)?;
        let mut framed = if self.masked {
            to_supervised_padded(&encoded, self.n_in, self.n_out, MASK_VALUE)?
        } else {
            to_supervised(&encoded, self.n_in, self.n_out)?
        };
        framed.x = self.lay_out(framed.x)?;
        Ok(framed)
    }

    /// [`EchoConfig::frame`]'s arrays, without the polars table (the training loop's framing).
    fn frame_arrays(&self, sequence: &[usize]) -> Result<(Array3, Array3)> {
        let fill = self.masked.then_some(MASK_VALUE);
        let (x, y) = supervised_arrays(&self.encode(sequence)?, self.n_in, self.n_out, fill)?;
        Ok((self.lay_out(x)?, y))
    }

    /// The sequence one-hot encoded, or scaled to `[0, 1]`.
    fn encode(&self, sequence: &[usize]) -> Result<Vec<Vec<f32>>> {
        Ok(match self.representation {
            Representation::OneHot => one_hot_encode(sequence, self.n_unique)?,
            Representation::Scaled => {
                let top = (self.n_unique.max(2) - 1) as f32;
                sequence.iter().map(|&v| vec![v as f32 / top]).collect()
            }
        })
    }

    /// One-to-one lays each window `[n_in, width]` out as one step `[1, n_in * width]`.
    fn lay_out(&self, x: Array3) -> Result<Array3> {
        if self.layout != EchoLayout::OneToOne {
            return Ok(x);
        }
        let [n, steps, width] = x.shape();
        Array3::new(x.as_slice().to_vec(), [n, 1, steps * width])
    }

    /// A row of the output (target or prediction) as its integer; `None` for a masked target.
    pub fn decode(&self, row: &[f32]) -> Option<usize> {
        if self.masked && row.iter().all(|&v| v == MASK_VALUE) {
            return None;
        }
        Some(match self.representation {
            Representation::OneHot => crate::data::argmax(row),
            Representation::Scaled => {
                let top = (self.n_unique.max(2) - 1) as f32;
                (row[0] * top).round().clamp(0.0, top) as usize
            }
        })
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

    /// The deterministic part: each sequence encoded and framed, then concatenated.
    fn frame_epoch(&self, sequences: Vec<Vec<usize>>) -> Result<(Array3, Array3)> {
        let (xs, ys): (Vec<Array3>, Vec<Array3>) = sequences
            .iter()
            .map(|sequence| self.frame_arrays(sequence))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .unzip();
        Ok((Array3::concat(&xs)?, Array3::concat(&ys)?))
    }
}

impl ParamGuard for EchoConfig {
    fn validate(&self) -> Result<()> {
        if self.sequences_per_epoch == 0 {
            return Err(Error::invalid("sequences_per_epoch", "must be at least 1"));
        }
        if self.eval_sequences == 0 {
            return Err(Error::invalid("eval_sequences", "must be at least 1"));
        }
        if self.masked && self.topology() != Topology::Seq2Seq {
            return Err(Error::invalid(
                "masked",
                format!(
                    "Keras masks the loss of a many-to-many model only: needs n_out == n_in and the \
                     tutorial's layout, got n_out {} of n_in {} with {:?}",
                    self.n_out, self.n_in, self.layout
                ),
            ));
        }
        FitConfig::new(self.epochs, self.batch_size).validate()?;
        self.model().map(|_| ())
    }
}

impl Checked<EchoConfig> {
    /// Trains and scores the model; `device` is the plain (non-autodiff) device.
    pub fn run(&self, options: &RunOptions, device: &Device) -> Result<Outcome> {
        let mut rng = ChaCha12Rng::seed_from_u64(options.seed);
        let model = self.model()?.init(&mut rng, &device.clone().autodiff())?;
        let mut learner = Learner::new(model, self.stateful)?;
        let (history, train_seconds) = fit_on_fresh(
            &mut learner,
            self.epochs,
            options
                .fit_config(1, self.batch_size)
                .with_progress(false)
                .with_shuffle(false)
                .check()?,
            &mut rng,
            options.progress,
            |rng| self.draw_epoch(rng),
            |sequences| self.frame_epoch(sequences),
        )?;
        let score = FreshScore::measure_decoded(
            &mut learner,
            self.eval_sequences,
            self.batch_size,
            &mut rng,
            |rng| self.epoch_data(rng),
            |row| self.decode(row),
        )?;
        let printout = (score.first_expected.iter().zip(&score.first_predicted))
            .map(|(e, p)| expected_predicted(e, p))
            .collect();
        Ok(score.into_outcome(self.epochs, self.eval_sequences, history, train_seconds, printout))
    }
}

impl Tutorial for EchoConfig {
    /// The tutorial's model: LSTM(units) on `[n_in, n_unique]`, seq2seq or encoder-decoder
    /// (or the variant the knobs ask for).
    fn model(&self) -> Result<ModelConfig> {
        let width = self.width();
        let (steps, features) = match self.layout {
            EchoLayout::OneToOne => (1, self.n_in * width),
            _ => (self.n_in, width),
        };
        let config = ModelConfig::new(steps, features, self.units, width, self.topology())?;
        let config = match self.representation {
            Representation::OneHot => config,
            Representation::Scaled => config.with_output(Output::Linear {
                levels: self.n_unique,
            })?,
        };
        Ok(if self.masked {
            config.with_masking(MASK_VALUE)
        } else {
            config
        })
    }

    fn batch_size(&self) -> usize {
        self.batch_size
    }

    fn samples_per_epoch(&self) -> usize {
        let rows = if self.masked {
            self.length
        } else {
            self.length - self.n_in + 1
        };
        rows * self.sequences_per_epoch
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

    super::schedule_and_run!(epochs);
}
