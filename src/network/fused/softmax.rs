//! The softmax head's loss for the fused training step ([`super::step`]): Keras's two
//! categorical cross-entropies, each row's loss and its gradient with respect to the logits.
//!
//! The loss gradients, per output row `z` (logits), one-hot or soft target `y`, `p = softmax(z)`:
//!
//! ```text
//! from logits:           L = -sum_j y_j log p_j                 dL/dz = p * sum(y) - y
//! clipped probabilities: q = p / sum(p), L = -sum_j y_j log clip(q_j, eps, 1 - eps)
//!                        g_j = -y_j / q_j where q_j is inside the clip, else 0
//!                        dL/dp_j = (g_j - sum_i g_i q_i) / sum(p)
//!                        dL/dz_i = p_i (dL/dp_i - sum_j p_j dL/dp_j)
//! ```
//!
//! and the batch loss is the mean over rows, so each row's gradient is divided by the rows.

/// Which of Keras's two cross-entropies the head's softmax feeds (see `models::Loss`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SoftmaxLoss {
    /// `-sum(y * log_softmax(z))`.
    FromLogits,
    /// `-sum(y * log(clip(p / sum(p), 1e-7, 1 - 1e-7)))`.
    ClippedProbabilities,
}

/// The index of the first largest value.
pub(crate) fn first_max(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// One row's loss; replaces the logits `z` by the loss's gradient (not yet divided by the
/// rows). `probs` is scratch of the row's length.
pub(crate) fn softmax_loss(loss: SoftmaxLoss, z: &mut [f32], y: &[f32], probs: &mut [f32]) -> f32 {
    const EPSILON: f32 = 1e-7;
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for (p, &zi) in probs.iter_mut().zip(z.iter()) {
        *p = (zi - max).exp();
        sum += *p;
    }
    for p in probs.iter_mut() {
        *p /= sum;
    }
    match loss {
        SoftmaxLoss::FromLogits => {
            let log_sum = sum.ln();
            let y_sum: f32 = y.iter().sum();
            let mut row = 0.0;
            for ((g, &yi), &p) in z.iter_mut().zip(y).zip(probs.iter()) {
                row -= yi * (*g - max - log_sum);
                *g = p * y_sum - yi;
            }
            row
        }
        SoftmaxLoss::ClippedProbabilities => {
            let total: f32 = probs.iter().sum();
            let (mut row, mut g_dot_q) = (0.0, 0.0);
            // z holds g_j = dL/dq_j for now.
            for ((g, &yi), &p) in z.iter_mut().zip(y).zip(probs.iter()) {
                let q = p / total;
                let inside = (EPSILON..=1.0 - EPSILON).contains(&q);
                row -= yi * q.clamp(EPSILON, 1.0 - EPSILON).ln();
                *g = if inside { -yi / q } else { 0.0 };
                g_dot_q += *g * q;
            }
            // dL/dp_j, then dL/dz_i = p_i (dL/dp_i - sum_j p_j dL/dp_j).
            let mut p_dot_dp = 0.0;
            for (g, &p) in z.iter_mut().zip(probs.iter()) {
                *g = (*g - g_dot_q) / total;
                p_dot_dp += p * *g;
            }
            for (g, &p) in z.iter_mut().zip(probs.iter()) {
                *g = p * (*g - p_dot_dp);
            }
            row
        }
    }
}
