//! The three model families of the tutorials, as one Keras-`Sequential`-like module.
//!
//! - many-to-one: `LSTM -> Dense(softmax)` (seeds 000, 001, 003, 004);
//! - seq2seq: `LSTM(return_sequences) -> TimeDistributed(Dense(softmax))` (seed 002a);
//! - encoder-decoder: `LSTM -> RepeatVector(n) -> LSTM(return_sequences) ->
//!   TimeDistributed(Dense(softmax))` (seed 002b).

use crate::error::{Error, Result};
use crate::layers::{Dense, Lstm, LstmConfig, LstmState, repeat_vector};
use burn::module::Module;
use burn::tensor::Device;
use burn::tensor::Tensor;
use burn::tensor::activation::{log_softmax, softmax};
use rand::Rng;

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
}

/// Sizes of an [`LstmModel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelConfig {
    /// Input time steps (needed for the summary and for checks; the LSTM itself takes any).
    pub steps: usize,
    /// Input features per step.
    pub features: usize,
    /// Memory units of each LSTM layer.
    pub units: usize,
    /// Output classes of the softmax layer.
    pub classes: usize,
    /// The wiring.
    pub topology: Topology,
}

impl ModelConfig {
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
        if let Topology::EncoderDecoder { out_steps: 0 } = topology {
            return Err(Error::invalid(
                "out_steps",
                "an encoder-decoder must output at least one step",
            ));
        }
        Ok(Self {
            steps,
            features,
            units,
            classes,
            topology,
        })
    }

    /// Output steps per sample: 1 for many-to-one.
    pub fn out_steps(&self) -> usize {
        match self.topology {
            Topology::ManyToOne => 1,
            Topology::Seq2Seq => self.steps,
            Topology::EncoderDecoder { out_steps } => out_steps,
        }
    }

    /// Keras's `model.summary()` of this model; `batch` is the fixed batch size of a stateful
    /// model (`None` prints as Keras's `None`).
    pub fn summary(&self, batch: Option<usize>) -> crate::summary::Summary {
        crate::summary::Summary::of_config(self, batch)
    }

    /// A model with Keras's initialisers, drawn from `rng`.
    pub fn init<R: Rng>(&self, rng: &mut R, device: &Device) -> Result<LstmModel> {
        let encoder = LstmConfig::new(self.features, self.units)?.init(rng, device);
        let decoder = match self.topology {
            Topology::EncoderDecoder { .. } => {
                Some(LstmConfig::new(self.units, self.units)?.init(rng, device))
            }
            _ => None,
        };
        let head = Dense::init(rng, self.units, self.classes, device)?;
        Ok(LstmModel {
            encoder,
            decoder,
            head,
            topology: self.topology,
        })
    }
}

/// The recurrent state of every LSTM layer of a model, in layer order.
pub type ModelState = Vec<LstmState>;

/// LSTM layer(s) plus a softmax Dense head, wired by a [`Topology`].
#[derive(Module, Debug)]
pub struct LstmModel {
    /// The first (or only) LSTM layer.
    pub encoder: Lstm,
    /// The decoder LSTM of an encoder-decoder.
    pub decoder: Option<Lstm>,
    /// The softmax output layer (time-distributed where the topology returns sequences).
    pub head: Dense,
    /// The wiring.
    #[module(skip)]
    pub topology: Topology,
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
        })
    }

    /// Output classes.
    pub fn classes(&self) -> usize {
        self.head.dims()[1]
    }

    /// Input features per step.
    pub fn features(&self) -> usize {
        self.encoder.d_input()
    }

    /// Its sizes, for inputs of `steps` time steps.
    pub fn config(&self, steps: usize) -> ModelConfig {
        ModelConfig {
            steps,
            features: self.features(),
            units: self.encoder.units(),
            classes: self.classes(),
            topology: self.topology,
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
        let (sequence, enc_state) = self.encoder.forward(x, next());
        match (self.topology, &self.decoder) {
            (Topology::ManyToOne, _) => {
                let logits = self.head.forward(enc_state.h.clone()).unsqueeze_dim(1);
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

    /// The loss Keras computes for this model's softmax output (see [`Loss`]).
    pub fn loss_kind(&self) -> Loss {
        match self.topology {
            Topology::ManyToOne => Loss::FromLogits,
            _ => Loss::ClippedProbabilities,
        }
    }
}

/// Keras's `categorical_crossentropy` on a softmax output, in the two forms Keras 3 (TensorFlow)
/// actually computes.
///
/// When the model's output tensor is the softmax op itself (`Dense(activation="softmax")`), Keras
/// recovers the logits and uses `softmax_cross_entropy_with_logits`. Behind `TimeDistributed` the
/// output is a stack of per-step softmaxes, so Keras takes the probabilities, renormalises them,
/// clips them to `[1e-7, 1 - 1e-7]` and takes `-sum(y * log(p))`. The two agree except where a
/// probability saturates, where the clipped form stops the gradient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// `-sum(y * log_softmax(z))`.
    FromLogits,
    /// `-sum(y * log(clip(p / sum(p), eps, 1 - eps)))`, `p = softmax(z)`.
    ClippedProbabilities,
}

/// Keras's `backend.epsilon()`.
pub const EPSILON: f32 = 1e-7;

impl Loss {
    /// Mean categorical cross-entropy over every `[batch, step]` row.
    ///
    /// - logits: `[batch, steps, classes]`
    /// - targets: one-hot `[batch, steps, classes]`
    /// - returns `[1]`
    pub fn forward(self, logits: Tensor<3>, targets: Tensor<3>) -> Tensor<1> {
        let log_p = match self {
            Loss::FromLogits => log_softmax(logits, 2),
            Loss::ClippedProbabilities => {
                let p = softmax(logits, 2);
                let p = p.clone() / p.sum_dim(2);
                p.clamp(EPSILON, 1.0 - EPSILON).log()
            }
        };
        (targets * log_p).sum_dim(2).mean().neg()
    }
}

/// The fraction of `[batch, step]` rows whose largest logit is the target's class, as a count.
///
/// - logits, targets: `[batch, steps, classes]`
/// - returns the number of correct rows `[1]` (a float tensor, so it can be summed on the device)
pub fn correct_count(logits: Tensor<3>, targets: Tensor<3>) -> Tensor<1> {
    logits.argmax(2).equal(targets.argmax(2)).float().sum()
}

/// Softmax probabilities from logits: `[batch, steps, classes]`.
pub fn probabilities(logits: Tensor<3>) -> Tensor<3> {
    softmax(logits, 2)
}
