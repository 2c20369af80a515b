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

use super::math::simd;

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
/// rows). `scratch` is at least twice the row's length.
///
/// Compiled for the CPU's SIMD by [`simd`]: the element-wise loops (the divides above all) run
/// a vector at a time, the sums one term at a time in the order of the row, so the vector width
/// changes no bit.
pub(crate) fn softmax_loss(loss: SoftmaxLoss, z: &mut [f32], y: &[f32], scratch: &mut [f32]) -> f32 {
    let (probs, q) = scratch[..2 * z.len()].split_at_mut(z.len());
    simd(Row { loss, z, y, probs, q })
}

/// [`softmax_loss`]'s arguments, for the SIMD dispatch.
struct Row<'a> {
    loss: SoftmaxLoss,
    z: &'a mut [f32],
    y: &'a [f32],
    probs: &'a mut [f32],
    q: &'a mut [f32],
}

impl pulp::WithSimd for Row<'_> {
    type Output = f32;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> f32 {
        let Self { loss, z, y, probs, q } = self;
        row_loss(loss, z, y, probs, q)
    }
}

#[inline(always)]
fn row_loss(loss: SoftmaxLoss, z: &mut [f32], y: &[f32], probs: &mut [f32], q: &mut [f32]) -> f32 {
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
            for (&zi, &yi) in z.iter().zip(y) {
                row -= yi * (zi - max - log_sum);
            }
            for ((g, &yi), &p) in z.iter_mut().zip(y).zip(probs.iter()) {
                *g = p * y_sum - yi;
            }
            row
        }
        SoftmaxLoss::ClippedProbabilities => {
            let total: f32 = probs.iter().sum();
            // z holds g_j = dL/dq_j for now: `-y_j / q_j` inside the clip, else 0.
            for (((g, q), &yi), &p) in z.iter_mut().zip(q.iter_mut()).zip(y).zip(probs.iter()) {
                *q = p / total;
                let inside = (EPSILON..=1.0 - EPSILON).contains(q);
                *g = if inside { -yi / *q } else { 0.0 };
            }
            let (mut row, mut g_dot_q) = (0.0, 0.0);
            for ((&g, &q), &yi) in z.iter().zip(q.iter()).zip(y) {
                // A zero target (all but one of a one-hot row) adds `-0 * ln(..)`, which leaves
                // `row` as it is (it starts at +0 and is never -0): the same bits without the
                // log. A NaN `q` still reaches `row` through the row's non-zero target.
                if yi != 0.0 {
                    row -= yi * q.clamp(EPSILON, 1.0 - EPSILON).ln();
                }
                g_dot_q += g * q;
            }
            // dL/dp_j, then dL/dz_i = p_i (dL/dp_i - sum_j p_j dL/dp_j).
            for g in z.iter_mut() {
                *g = (*g - g_dot_q) / total;
            }
            let mut p_dot_dp = 0.0;
            for (&g, &p) in z.iter().zip(probs.iter()) {
                p_dot_dp += p * g;
            }
            for (g, &p) in z.iter_mut().zip(probs.iter()) {
                *g = p * (*g - p_dot_dp);
            }
            row
        }
    }
}
