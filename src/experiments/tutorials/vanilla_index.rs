//! Tutorial 001: a vanilla LSTM(25) must output the value at index 2 of a 50-long sequence of
//! integers in `0..100`. The tutorial fits only 10 single examples and shows the model has not
//! learned (0% over 100 new examples); with many more examples it does learn.

use super::{Outcome, RunOptions, Tutorial, labels, rows_to_array};
use crate::ChaCha12Rng;
use crate::array::Array3;
use crate::config::{Checked, ParamGuard, config_struct};
use crate::data::{generate_sequence, one_hot_encode};
use crate::error::Result;
use crate::metrics::accuracy_percent;
use crate::models::{LstmModel, ModelConfig, Topology};
use crate::progress::progress_bar;
use crate::train::{History, Learner};
use burn::tensor::Device;
use rand::{Rng, SeedableRng};
use std::time::Instant;

config_struct! {
    /// The tutorial's numbers.
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    pub struct VanillaIndexConfig {
        /// Sequence length (time steps).
        length / with_length: usize,
        /// Values are drawn from `0..n_features` (one-hot width).
        n_features / with_n_features: usize,
        /// The index whose value the model must output.
        out_index / with_out_index: usize,
        /// LSTM memory units.
        units / with_units: usize,
        /// Fits, each one epoch on fresh examples.
        fits / with_fits: usize,
        /// Fresh examples per fit (1 in the tutorial), trained as one batch.
        examples_per_fit / with_examples_per_fit: usize,
        /// Fresh examples the trained model is scored on.
        eval_examples / with_eval_examples: usize,
        /// Feed each sequence last value first (default `false`). In order, the value at index 2
        /// is read `length - 3` steps before the model answers; reversed, 2 steps before.
        reverse / with_reverse: bool,
        /// The forget gate's initial bias (default 1.0, Keras's `unit_forget_bias`). A larger bias
        /// starts the gate nearer 1, so the cell keeps more of what it saw.
        forget_bias / with_forget_bias: f32,
    }
}

impl Default for VanillaIndexConfig {
    fn default() -> Self {
        Self {
            length: 50,
            n_features: 100,
            out_index: 2,
            units: 25,
            fits: 10,
            examples_per_fit: 1,
            eval_examples: 100,
            reverse: false,
            forget_bias: 1.0,
        }
    }
}

impl VanillaIndexConfig {
    /// `generate_example()`: x `[1, length, n_features]`, y `[1, 1, n_features]` (x fed last
    /// value first when `reverse`).
    pub fn generate_example<R: Rng>(&self, rng: &mut R) -> Result<(Array3, Array3, Vec<usize>)> {
        let sequence = generate_sequence(rng, self.length, self.n_features)?;
        let mut encoded = one_hot_encode(&sequence, self.n_features)?;
        let y = rows_to_array(&encoded[self.out_index..=self.out_index])?;
        if self.reverse {
            encoded.reverse();
        }
        Ok((rows_to_array(&encoded)?, y, sequence))
    }

    /// `n` examples stacked: x `[n, length, n_features]`, y `[n, 1, n_features]`.
    pub fn generate_batch<R: Rng>(&self, rng: &mut R, n: usize) -> Result<(Array3, Array3)> {
        let (mut xs, mut ys) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for _ in 0..n {
            let (x, y, _) = self.generate_example(rng)?;
            xs.push(x);
            ys.push(y);
        }
        Ok((Array3::concat(&xs)?, Array3::concat(&ys)?))
    }

    /// The model with Keras's initialisers drawn from `rng`, and the forget-gate bias set to
    /// `forget_bias` when it is not Keras's 1.0.
    pub fn init_model<R: Rng>(&self, rng: &mut R, device: &Device) -> Result<LstmModel> {
        let mut model = self.model()?.init(rng, device)?;
        if self.forget_bias != 1.0 {
            model = model.with_forget_bias(self.forget_bias);
        }
        Ok(model)
    }
}

impl ParamGuard for VanillaIndexConfig {
    fn validate(&self) -> Result<()> {
        if self.out_index >= self.length {
            return Err(crate::Error::invalid(
                "out_index",
                format!("{} is past the sequence length {}", self.out_index, self.length),
            ));
        }
        if self.fits == 0 {
            return Err(crate::Error::invalid("fits", "must be at least 1"));
        }
        if self.examples_per_fit == 0 {
            return Err(crate::Error::invalid("examples_per_fit", "must be at least 1"));
        }
        if self.eval_examples == 0 {
            return Err(crate::Error::invalid("eval_examples", "must be at least 1"));
        }
        self.model().map(|_| ())
    }
}

impl Checked<VanillaIndexConfig> {
    /// Trains and scores the model; `device` is the plain (non-autodiff) device.
    pub fn run(&self, options: &RunOptions, device: &Device) -> Result<Outcome> {
        let mut rng = ChaCha12Rng::seed_from_u64(options.seed);
        let model = self.init_model(&mut rng, &device.clone().autodiff())?;
        let mut learner = Learner::new(model, false)?;
        // One Adam step per fit: the tutorial's one example is one batch.
        let fit = options
            .fit_config(1, self.examples_per_fit)
            .with_progress(false)
            .check()?;
        let bar = progress_bar(options.progress, self.fits as u64, "fits");
        let mut history = History::default();
        let start = Instant::now();
        for _ in 0..self.fits {
            let (x, y) = self.generate_batch(&mut rng, self.examples_per_fit)?;
            history.extend(learner.fit(&x, &y, &fit, &mut rng)?);
            bar.inc(1);
        }
        let train_seconds = start.elapsed().as_secs_f64();
        bar.finish_and_clear();

        let (x, y) = self.generate_batch(&mut rng, self.eval_examples)?;
        let yhat = learner.predict(&x, 32)?;
        let accuracy = accuracy_percent(&labels(&y), &labels(&yhat))?;

        let (x, y, sequence) = self.generate_example(&mut rng)?;
        let p = labels(&learner.predict(&x, 1)?);
        let printout = vec![
            format!("Sequence: {sequence:?}"),
            format!("Expected: {:?}", labels(&y)),
            format!("Predicted: {p:?}"),
        ];
        Ok(Outcome {
            epochs: self.fits,
            accuracy,
            evaluation: format!(
                "exact-match accuracy over {} new examples, after {} examples",
                self.eval_examples,
                self.fits * self.examples_per_fit
            ),
            history,
            train_seconds,
            printout,
            confusion: None,
        })
    }
}

impl Tutorial for VanillaIndexConfig {
    /// The tutorial's model: LSTM(25) on `[50, 100]` -> Dense(100).
    fn model(&self) -> Result<ModelConfig> {
        ModelConfig::new(
            self.length,
            self.n_features,
            self.units,
            self.n_features,
            Topology::ManyToOne,
        )
    }

    fn batch_size(&self) -> usize {
        self.examples_per_fit
    }

    fn samples_per_epoch(&self) -> usize {
        self.examples_per_fit
    }

    super::schedule_and_run!(fits);
}
