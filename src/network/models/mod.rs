//! The three model families of the tutorials, as one Keras-`Sequential`-like module.
//!
//! - many-to-one: `LSTM -> Dense(softmax)` (seeds 000, 001, 003, 004);
//! - seq2seq: `LSTM(return_sequences) -> TimeDistributed(Dense(softmax))` (seed 002a);
//! - encoder-decoder: `LSTM -> RepeatVector(n) -> LSTM(return_sequences) ->
//!   TimeDistributed(Dense(softmax))` (seed 002b);
//! - vector output: `LSTM -> Dense(n * classes) -> Reshape((n, classes)) -> softmax`, the
//!   many-to-one alternative the echo tutorial names as an extension.
//!
//! Two options from the echo tutorial's extensions, both with Keras's semantics and parity
//! fixtures: a `Masking(mask_value)` layer in front of the LSTM ([`ModelConfig::with_masking`])
//! and a linear regression head trained with mean squared error ([`Output::Linear`]).

use crate::error::{Error, Result};
use crate::layers::{Dense, Lstm, LstmConfig, LstmState, repeat_vector};
use burn::module::Module;
use burn::tensor::Device;
use burn::tensor::Tensor;
use rand::Rng;

mod loss;

pub use loss::{Loss, probabilities};

/// How the LSTM layers are wired to the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topology {
    /// Last hidden state -> Dense: one prediction per sample.
    ManyToOne,
    /// Every hidden state -> TimeDistributed(Dense): one prediction per input step.
    Seq2Seq,
    /// Encoder's last state repeated `out_steps` times -> decoder LSTM -> TimeDistributed(Dense).
    EncoderDecoder {
        /// Length of the output sequence (the `RepeatVector` count).
        out_steps: usize,
    },
    /// Last hidden state -> Dense(`out_steps * classes`) reshaped to `[out_steps, classes]`: a
    /// whole output sequence as one vector (Keras: `Dense`, `Reshape`, `Activation(softmax)`).
    VectorOutput {
        /// Output steps packed in the vector.
        out_steps: usize,
    },
}

/// What the head outputs and how it is trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    /// Class probabilities (softmax), categorical cross-entropy: the tutorials' models.
    #[default]
    Softmax,
    /// A linear value per output feature, mean squared error (Keras's `Dense(1)` with
    /// `loss="mse"`). Targets are integers scaled as `v / (levels - 1)`; a prediction counts as
    /// correct when it rounds back to the target's integer.
    Linear {
        /// How many integers the scaled values stand for (100 for `0..100`).
        levels: usize,
    },
}

/// Sizes of an [`LstmModel`], checked when built ([`ModelConfig::new`], [`ModelConfig::with_output`]),
/// read through its getters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelConfig {
    /// Input time steps (needed for the summary and for checks; the LSTM itself takes any).
    steps: usize,
    /// Input features per step.
    features: usize,
    /// Memory units of each LSTM layer.
    units: usize,
    /// Output classes of the softmax layer.
    classes: usize,
    /// The wiring.
    topology: Topology,
    /// The head (default [`Output::Softmax`]).
    output: Output,
    /// Keras's `Masking(mask_value)` in front of the first LSTM (default `None`: no masking).
    mask_value: Option<f32>,
}

impl ModelConfig {
    /// Input time steps (needed for the summary and for checks; the LSTM itself takes any).
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Input features per step.
    pub fn features(&self) -> usize {
        self.features
    }

    /// Memory units of each LSTM layer.
    pub fn units(&self) -> usize {
        self.units
    }

    /// Output classes of the softmax layer.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// The wiring.
    pub fn topology(&self) -> Topology {
        self.topology
    }

    /// The head (default [`Output::Softmax`]).
    pub fn output(&self) -> Output {
        self.output
    }

    /// Keras's `Masking(mask_value)` in front of the first LSTM (default `None`: no masking).
    pub fn mask_value(&self) -> Option<f32> {
        self.mask_value
    }

    /// A checked config: every size at least 1.
    pub fn new(
        steps: usize,
        features: usize,
        units: usize,
        classes: usize,
        topology: Topology,
    ) -> Result<Self> {
        for (name, v) in [
            ("steps", steps),
            ("features", features),
            ("units", units),
            ("classes", classes),
        ] {
            if v == 0 {
                return Err(Error::invalid(name, "must be at least 1"));
            }
        }
        if let Topology::EncoderDecoder { out_steps: 0 } | Topology::VectorOutput { out_steps: 0 } = topology
        {
            return Err(Error::invalid(
                "out_steps",
                "the model must output at least one step",
            ));
        }
        Ok(Self {
            steps,
            features,
            units,
            classes,
            topology,
            output: Output::Softmax,
            mask_value: None,
        })
    }

    /// The same model with another head (default [`Output::Softmax`]).
    pub fn with_output(mut self, output: Output) -> Result<Self> {
        check_head(output, self.classes)?;
        self.output = output;
        Ok(self)
    }

    /// The same model behind Keras's `Masking(mask_value)` (default: no masking). A time step
    /// whose features all equal `mask_value` leaves the LSTM's state unchanged, repeats the
    /// previous output, and is left out of the loss and the accuracy.
    pub fn with_masking(mut self, mask_value: f32) -> Self {
        self.mask_value = Some(mask_value);
        self
    }

    /// Output steps per sample: 1 for many-to-one.
    pub fn out_steps(&self) -> usize {
        match self.topology {
            Topology::ManyToOne => 1,
            Topology::Seq2Seq => self.steps,
            Topology::EncoderDecoder { out_steps } | Topology::VectorOutput { out_steps } => out_steps,
        }
    }

    /// A model with Keras's initialisers, drawn from `rng`.
    pub fn init<R: Rng>(&self, rng: &mut R, device: &Device) -> Result<LstmModel> {
        check_head(self.output, self.classes)?;
        let encoder = LstmConfig::new(self.features, self.units)?.init(rng, device);
        let decoder = match self.topology {
            Topology::EncoderDecoder { .. } => {
                Some(LstmConfig::new(self.units, self.units)?.init(rng, device))
            }
            _ => None,
        };
        let head_width = match self.topology {
            Topology::VectorOutput { out_steps } => out_steps * self.classes,
            _ => self.classes,
        };
        let head = Dense::init(rng, self.units, head_width, device)?;
        Ok(LstmModel {
            encoder,
            decoder,
            head,
            topology: self.topology,
            output: self.output,
            mask_value: self.mask_value,
        })
    }
}

/// The recurrent state of every LSTM layer of a model, in layer order.
pub type ModelState = Vec<LstmState>;

/// LSTM layer(s) plus a softmax Dense head, wired by a [`Topology`].
#[derive(Module, Debug)]
pub struct LstmModel {
    // Private: built only by `ModelConfig::init` and `from_layers`, which check that the layers
    // fit together and that an encoder-decoder has its decoder.
    encoder: Lstm,
    decoder: Option<Lstm>,
    head: Dense,
    // The wiring, the head's kind and the masking: read by the crate's training code here, and
    // by a user through `config(steps)`, so that they are spelled once, on `ModelConfig`.
    #[module(skip)]
    pub(crate) topology: Topology,
    #[module(skip)]
    pub(crate) output: Output,
    #[module(skip)]
    pub(crate) mask_value: Option<f32>,
}

/// A model's head must have something to learn: a softmax over at least 2 classes, a linear
/// output of integers over at least 2 levels.
pub(crate) fn check_head(output: Output, classes: usize) -> Result<()> {
    match output {
        Output::Softmax if classes < 2 => Err(Error::invalid(
            "classes",
            format!(
                "{classes}: a softmax needs at least 2 classes (over 1 it is always 1, with nothing to learn)"
            ),
        )),
        Output::Linear { levels } if levels < 2 => Err(Error::invalid(
            "levels",
            format!("{levels}: a scaled integer target needs at least 2 levels"),
        )),
        _ => Ok(()),
    }
}

impl LstmModel {
    /// Assembles a model from its layers (for loading weights).
    pub fn from_layers(
        encoder: Lstm,
        decoder: Option<Lstm>,
        head: Dense,
        topology: Topology,
    ) -> Result<Self> {
        let want_decoder = matches!(topology, Topology::EncoderDecoder { .. });
        if want_decoder != decoder.is_some() {
            return Err(Error::invalid(
                "layers",
                format!(
                    "{topology:?} takes {} decoder",
                    if want_decoder { "a" } else { "no" }
                ),
            ));
        }
        let last_units = decoder.as_ref().unwrap_or(&encoder).units();
        if let Topology::VectorOutput { out_steps } = topology
            && (out_steps == 0 || !head.dims()[1].is_multiple_of(out_steps))
        {
            return Err(Error::invalid(
                "out_steps",
                format!(
                    "a Dense of {} outputs cannot be split into {out_steps} steps",
                    head.dims()[1]
                ),
            ));
        }
        if let Some(dec) = &decoder
            && dec.d_input() != encoder.units()
        {
            return Err(Error::Shape {
                context: "decoder input vs encoder units",
                expected: vec![encoder.units()],
                actual: vec![dec.d_input()],
            });
        }
        if head.dims()[0] != last_units {
            return Err(Error::Shape {
                context: "Dense input vs LSTM units",
                expected: vec![last_units],
                actual: vec![head.dims()[0]],
            });
        }
        Ok(Self {
            encoder,
            decoder,
            head,
            topology,
            output: Output::Softmax,
            mask_value: None,
        })
    }

    /// The same model with another head kind (see [`ModelConfig::with_output`]).
    pub fn with_output(mut self, output: Output) -> Result<Self> {
        check_head(output, self.classes())?;
        self.output = output;
        Ok(self)
    }

    /// The same model behind Keras's `Masking(mask_value)` (see [`ModelConfig::with_masking`]).
    pub fn with_masking(mut self, mask_value: f32) -> Self {
        self.mask_value = Some(mask_value);
        self
    }

    /// The same model with the encoder's forget-gate biases set to `value` (Keras: 1.0).
    pub fn with_forget_bias(mut self, value: f32) -> Self {
        self.encoder = self.encoder.with_forget_bias(value);
        self
    }

    /// The first (or only) LSTM layer.
    pub fn encoder(&self) -> &Lstm {
        &self.encoder
    }

    /// The decoder LSTM of an encoder-decoder.
    pub fn decoder(&self) -> Option<&Lstm> {
        self.decoder.as_ref()
    }

    /// The output layer (time-distributed where the topology returns sequences).
    pub fn head(&self) -> &Dense {
        &self.head
    }

    /// Output classes (values per output step).
    pub fn classes(&self) -> usize {
        match self.topology {
            Topology::VectorOutput { out_steps } => self.head.dims()[1] / out_steps,
            _ => self.head.dims()[1],
        }
    }

    /// Input features per step.
    pub fn features(&self) -> usize {
        self.encoder.d_input()
    }

    /// Its sizes, wiring, head and masking, for inputs of `steps` time steps:
    /// `model.config(steps).topology()`.
    pub fn config(&self, steps: usize) -> ModelConfig {
        ModelConfig {
            steps,
            features: self.features(),
            units: self.encoder.units(),
            classes: self.classes(),
            topology: self.topology,
            output: self.output,
            mask_value: self.mask_value,
        }
    }

    /// The LSTM layers in order.
    pub fn lstm_layers(&self) -> impl Iterator<Item = &Lstm> {
        std::iter::once(&self.encoder).chain(self.decoder.as_ref())
    }

    /// Forward pass to the logits (the softmax's input).
    ///
    /// - x: `[batch, steps, features]`
    /// - state: one [`LstmState`] per LSTM layer (zeros when `None`)
    /// - returns logits `[batch, out_steps, classes]` (`out_steps` = 1 for many-to-one) and the
    ///   final state of every LSTM layer.
    pub fn forward(&self, x: Tensor<3>, state: Option<ModelState>) -> (Tensor<3>, ModelState) {
        let mut state = state.map(|s| s.into_iter());
        let mut next = || state.as_mut().and_then(|s| s.next());
        let (sequence, enc_state) = match self.step_mask(&x) {
            Some(mask) => self.encoder.forward_masked(x, mask, next()),
            None => self.encoder.forward(x, next()),
        };
        match (self.topology, &self.decoder) {
            (Topology::ManyToOne, _) => {
                let logits = self.head.forward(enc_state.h.clone()).unsqueeze_dim(1);
                (logits, vec![enc_state])
            }
            (Topology::VectorOutput { out_steps }, _) => {
                let [batch, _] = enc_state.h.dims();
                let flat = self.head.forward(enc_state.h.clone()); // [batch, out_steps * classes]
                let logits = flat.reshape([batch, out_steps, self.classes()]);
                (logits, vec![enc_state])
            }
            (Topology::Seq2Seq, _) => (self.head.forward(sequence), vec![enc_state]),
            (Topology::EncoderDecoder { out_steps }, Some(decoder)) => {
                let repeated = repeat_vector(enc_state.h.clone(), out_steps);
                let (decoded, dec_state) = decoder.forward(repeated, next());
                (self.head.forward(decoded), vec![enc_state, dec_state])
            }
            (Topology::EncoderDecoder { .. }, None) => {
                unreachable!("from_layers and init guarantee a decoder")
            }
        }
    }

    /// Keras's `Masking` of the input: 1 where a step has a feature other than the mask value,
    /// 0 where every feature equals it; `None` without masking.
    ///
    /// - x: `[batch, steps, features]`
    /// - returns `[batch, steps]`
    pub fn step_mask(&self, x: &Tensor<3>) -> Option<Tensor<2>> {
        let value = self.mask_value?;
        let [batch, steps, _] = x.dims();
        let differs = x.clone().not_equal_elem(value).float(); // [batch, steps, features]
        Some(differs.max_dim(2).reshape([batch, steps]))
    }

    /// The mask Keras passes on to the loss: the input's step mask where the output has one row
    /// per input step (seq2seq); `None` otherwise (an LSTM without `return_sequences` drops it).
    ///
    /// - x: `[batch, steps, features]`
    /// - returns `[batch, out_steps]`
    pub fn output_mask(&self, x: &Tensor<3>) -> Option<Tensor<2>> {
        match self.topology {
            Topology::Seq2Seq => self.step_mask(x),
            _ => None,
        }
    }

    /// The loss Keras computes for this model's output (see [`Loss`]).
    pub fn loss_kind(&self) -> Loss {
        match (self.output, self.topology) {
            (Output::Linear { .. }, _) => Loss::MeanSquaredError,
            (_, Topology::ManyToOne | Topology::VectorOutput { .. }) => Loss::FromLogits,
            _ => Loss::ClippedProbabilities,
        }
    }

    /// What `predict` returns from the logits: softmax probabilities, or the linear head's
    /// values as they are.
    ///
    /// - logits: `[batch, out_steps, classes]`
    pub fn output_values(&self, logits: Tensor<3>) -> Tensor<3> {
        match self.output {
            Output::Softmax => probabilities(logits),
            Output::Linear { .. } => logits,
        }
    }

    /// How many output rows are right, as a `[1]` tensor: the largest logit is the target's
    /// class ([`Output::Softmax`]), or the value rounds back to the target's integer
    /// ([`Output::Linear`]). Rows where `mask` is 0 are not counted.
    ///
    /// - logits, targets: `[batch, out_steps, classes]`; mask: `[batch, out_steps]`
    pub fn correct(&self, logits: Tensor<3>, targets: Tensor<3>, mask: Option<Tensor<2>>) -> Tensor<1> {
        let [batch, steps, _] = logits.dims();
        let right = match self.output {
            Output::Softmax => logits.argmax(2).equal(targets.argmax(2)).float(),
            Output::Linear { levels } => {
                let scale = (levels - 1) as f32;
                let wrong = (logits * scale)
                    .round()
                    .not_equal((targets * scale).round())
                    .float()
                    .max_dim(2);
                wrong.neg() + 1.0
            }
        }; // [batch, steps, 1]
        match mask {
            Some(mask) => (right.reshape([batch, steps]) * mask).sum(),
            None => right.sum(),
        }
    }
}
