//! A Keras-style `model.summary()`: layer, output shape, parameter count.

use crate::models::{LstmModel, ModelConfig, Topology};
use serde::Serialize;
use std::fmt;

impl ModelConfig {
    /// Keras's `model.summary()` of this model; `batch` is the fixed batch size of a stateful
    /// model (`None` prints as Keras's `None`).
    pub fn summary(&self, batch: Option<usize>) -> Summary {
        Summary::of_config(self, batch)
    }
}

/// One row of the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayerSummary {
    /// Keras's name and type, e.g. `lstm (LSTM)`.
    pub layer: String,
    /// Output shape with the batch axis first (`None` when not fixed), e.g. `(None, 25)`.
    pub output_shape: Vec<Option<usize>>,
    /// Trainable parameters.
    pub params: usize,
}

/// The whole summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The layers in order.
    pub layers: Vec<LayerSummary>,
}

impl Summary {
    /// Summarises `model`; `batch` is the fixed batch size of a stateful model (`None` shows as
    /// Keras's `None`).
    pub fn of(model: &LstmModel, steps: usize, batch: Option<usize>) -> Self {
        Self::of_config(&model.config(steps), batch)
    }

    /// Summarises the model `config` describes, without building it.
    pub fn of_config(config: &ModelConfig, batch: Option<usize>) -> Self {
        let (units, classes) = (config.units(), config.classes());
        let lstm_params = |d_input: usize| 4 * (d_input * units + units * units + units);
        let dense_params = units * classes + classes;
        let out_steps = config.out_steps();
        let row = |layer: &str, shape: &[usize], params| LayerSummary {
            layer: layer.to_string(),
            output_shape: std::iter::once(batch)
                .chain(shape.iter().map(|&d| Some(d)))
                .collect(),
            params,
        };
        let layers = match config.topology() {
            Topology::ManyToOne => vec![
                row("lstm (LSTM)", &[units], lstm_params(config.features())),
                row("dense (Dense)", &[classes], dense_params),
            ],
            Topology::Seq2Seq => vec![
                row(
                    "lstm (LSTM)",
                    &[config.steps(), units],
                    lstm_params(config.features()),
                ),
                row(
                    "time_distributed (TimeDistributed)",
                    &[config.steps(), classes],
                    dense_params,
                ),
            ],
            Topology::VectorOutput { .. } => vec![
                row("lstm (LSTM)", &[units], lstm_params(config.features())),
                row(
                    "dense (Dense)",
                    &[out_steps * classes],
                    (units + 1) * out_steps * classes,
                ),
                row("reshape (Reshape)", &[out_steps, classes], 0),
            ],
            Topology::EncoderDecoder { out_steps } => vec![
                row("lstm (LSTM)", &[units], lstm_params(config.features())),
                row("repeat_vector (RepeatVector)", &[out_steps, units], 0),
                row("lstm_1 (LSTM)", &[out_steps, units], lstm_params(units)),
                row(
                    "time_distributed (TimeDistributed)",
                    &[out_steps, classes],
                    dense_params,
                ),
            ],
        };
        let masking = config
            .mask_value()
            .map(|_| row("masking (Masking)", &[config.steps(), config.features()], 0));
        Self {
            layers: masking.into_iter().chain(layers).collect(),
        }
    }

    /// Sum of all parameters.
    pub fn total_params(&self) -> usize {
        self.layers.iter().map(|l| l.params).sum()
    }
}

pub(crate) fn shape_str(shape: &[Option<usize>]) -> String {
    let parts: Vec<String> = shape
        .iter()
        .map(|d| d.map_or("None".to_string(), |d| d.to_string()))
        .collect();
    format!("({})", parts.join(", "))
}

pub(crate) fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = "=".repeat(72);
        writeln!(f, "{:<36}{:<24}{:>12}", "Layer (type)", "Output Shape", "Param #")?;
        writeln!(f, "{rule}")?;
        for l in &self.layers {
            writeln!(
                f,
                "{:<36}{:<24}{:>12}",
                l.layer,
                shape_str(&l.output_shape),
                l.params
            )?;
        }
        writeln!(f, "{rule}")?;
        writeln!(f, "Total params: {}", thousands(self.total_params()))?;
        writeln!(f, "Trainable params: {}", thousands(self.total_params()))?;
        write!(f, "Non-trainable params: 0")
    }
}
