//! The losses Keras computes for the tutorials' heads, and the softmax a prediction returns.

use burn::tensor::Tensor;
use burn::tensor::activation::{log_softmax, softmax};

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
    /// Keras's `mean_squared_error` on a linear output: `mean((z - y)^2)` over the last axis.
    MeanSquaredError,
}

/// Keras's `backend.epsilon()`.
const EPSILON: f32 = 1e-7;

impl Loss {
    /// Mean categorical cross-entropy over every `[batch, step]` row.
    ///
    /// - logits: `[batch, steps, classes]`
    /// - targets: one-hot `[batch, steps, classes]`
    /// - returns `[1]`
    pub fn forward(self, logits: Tensor<3>, targets: Tensor<3>) -> Tensor<1> {
        self.per_row(logits, targets).mean()
    }

    /// The loss with Keras's mask: the mean over the rows where `mask` is 1 (Keras weights the
    /// valid rows by `total / valid`, so masked rows neither add to the sum nor to the count).
    ///
    /// - logits, targets: `[batch, steps, classes]`; mask: `[batch, steps]`
    /// - returns `[1]`
    pub fn forward_masked(self, logits: Tensor<3>, targets: Tensor<3>, mask: Option<Tensor<2>>) -> Tensor<1> {
        match mask {
            None => self.forward(logits, targets),
            Some(mask) => {
                let [batch, steps, _] = logits.dims();
                let rows = self.per_row(logits, targets).reshape([batch, steps]);
                (rows * mask.clone()).sum() / mask.sum()
            }
        }
    }

    /// The loss of every row: `[batch, steps, 1]`.
    fn per_row(self, logits: Tensor<3>, targets: Tensor<3>) -> Tensor<3> {
        if self == Loss::MeanSquaredError {
            let d = logits - targets;
            return (d.clone() * d).mean_dim(2);
        }
        let log_p = match self {
            Loss::MeanSquaredError => unreachable!("handled above"),
            Loss::FromLogits => log_softmax(logits, 2),
            Loss::ClippedProbabilities => {
                let p = softmax(logits, 2);
                let p = p.clone() / p.sum_dim(2);
                p.clamp(EPSILON, 1.0 - EPSILON).log()
            }
        };
        (targets * log_p).sum_dim(2).neg()
    }
}

/// Softmax probabilities from logits: `[batch, steps, classes]`.
pub fn probabilities(logits: Tensor<3>) -> Tensor<3> {
    softmax(logits, 2)
}
