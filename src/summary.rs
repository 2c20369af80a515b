//! A Keras-style `model.summary()`: layer, output shape, parameter count.

use crate::models::{LstmModel, Topology};
use serde::Serialize;
use std::fmt;

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
        let units = model.encoder.units();
        let classes = model.classes();
        let lstm_params =
            |l: &crate::layers::Lstm| 4 * (l.d_input() * l.units() + l.units() * l.units() + l.units());
        let row = |layer: &str, shape: &[usize], params| LayerSummary {
            layer: layer.to_string(),
            output_shape: std::iter::once(batch)
                .chain(shape.iter().map(|&d| Some(d)))
                .collect(),
            params,
        };
        let mut layers = Vec::new();
        match (model.topology, &model.decoder) {
            (Topology::ManyToOne, _) => {
                layers.push(row("lstm (LSTM)", &[units], lstm_params(&model.encoder)));
                layers.push(row("dense (Dense)", &[classes], model.head.num_params()));
            }
            (Topology::Seq2Seq, _) => {
                layers.push(row("lstm (LSTM)", &[steps, units], lstm_params(&model.encoder)));
                layers.push(row(
                    "time_distributed (TimeDistributed)",
                    &[steps, classes],
                    model.head.num_params(),
                ));
            }
            (Topology::EncoderDecoder { out_steps }, decoder) => {
                layers.push(row("lstm (LSTM)", &[units], lstm_params(&model.encoder)));
                layers.push(row("repeat_vector (RepeatVector)", &[out_steps, units], 0));
                if let Some(dec) = decoder {
                    layers.push(row("lstm_1 (LSTM)", &[out_steps, dec.units()], lstm_params(dec)));
                }
                layers.push(row(
                    "time_distributed (TimeDistributed)",
                    &[out_steps, classes],
                    model.head.num_params(),
                ));
            }
        }
        Self { layers }
    }

    /// Sum of all parameters.
    pub fn total_params(&self) -> usize {
        self.layers.iter().map(|l| l.params).sum()
    }
}

fn shape_str(shape: &[Option<usize>]) -> String {
    let parts: Vec<String> = shape
        .iter()
        .map(|d| d.map_or("None".to_string(), |d| d.to_string()))
        .collect();
    format!("({})", parts.join(", "))
}

fn thousands(n: usize) -> String {
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
