//! A whole training step on the CPU in one call, for the models of one LSTM layer and a softmax
//! Dense head (many-to-one, or seq2seq through `TimeDistributed`): the LSTM forward, the head,
//! Keras's categorical cross-entropy and its gradient, the head's backward and the backward
//! through time, then Keras's Adam on all five parameters, on plain `f32` buffers.
//!
//! It is the arithmetic of `Learner::train_step` without the autodiff graph, the op dispatch and
//! the per-op tensors: the same kernels for the LSTM ([`cpu::forward_into`],
//! [`cpu::backward_into`]) and for Adam ([`adam`]), and hand-written head and loss gradients
//! (derived below). Its bits are not the reference step's (the head's products and the softmax
//! are summed in another order), so it is compared with it within a tolerance
//! (`tests/fused_step.rs`).
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

use super::Needs;
use super::cpu::{self, BackwardWork, Dims, Grads, Saved, Trace, Weights, zeroed};
use super::math::{Mat, adam, gemm};

/// Which of Keras's two cross-entropies the head's softmax feeds (see `models::Loss`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SoftmaxLoss {
    /// `-sum(y * log_softmax(z))`.
    FromLogits,
    /// `-sum(y * log(clip(p / sum(p), 1e-7, 1 - 1e-7)))`.
    ClippedProbabilities,
}

/// The model a [`FusedStep`] trains: one LSTM layer, then a softmax Dense head on the last step
/// (`every_step: false`) or on every step (`true`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StepModel {
    /// Input features per step.
    pub d_input: usize,
    /// LSTM units.
    pub units: usize,
    /// Softmax classes.
    pub classes: usize,
    /// The head on every step (seq2seq) rather than the last (many-to-one).
    pub every_step: bool,
    /// The loss.
    pub loss: SoftmaxLoss,
}

/// Keras's Adam hyper-parameters: learning rate, beta_1, beta_2, epsilon.
pub(crate) type AdamHyper = [f32; 4];

/// The five parameters, always in this order: LSTM kernel `[d, 4u]`, recurrent kernel `[u, 4u]`,
/// bias `[4u]`, head kernel `[u, classes]`, head bias `[classes]`.
pub(crate) type Params = [Vec<f32>; 5];

/// Parameters, Adam's moments and step count, the carried state, and the buffers one step needs,
/// allocated once and reused by every step.
#[derive(Clone)]
pub(crate) struct FusedStep {
    model: StepModel,
    adam: AdamHyper,
    /// The parameters, updated in place by every step.
    pub params: Params,
    /// Adam's first moments, one per parameter.
    pub m: Params,
    /// Adam's second moments.
    pub v: Params,
    /// Adam steps taken (Keras's `optimizer.iterations`).
    pub iterations: u64,
    /// The final `(h, c)` of the last batch, `[batch, units]` each, when state is carried.
    pub state: Option<(Vec<f32>, Vec<f32>)>,
    /// `[rows, units]`: the hidden states the head reads.
    head_in: Vec<f32>,
    /// `[rows, classes]`: logits, then their gradient.
    logits: Vec<f32>,
    /// `[rows, units]`: the gradient of `head_in`.
    d_head_in: Vec<f32>,
    /// `[batch, steps + 1, units]`: the gradient of the LSTM's packed output.
    grad_output: Vec<f32>,
    /// The head's kernel and bias gradients.
    d_head: [Vec<f32>; 2],
    /// Zeros `[batch, units]`: the initial state of a batch with none carried.
    zeros: Vec<f32>,
    /// `[classes]`: one row's softmax.
    probs: Vec<f32>,
    /// The LSTM forward's output and what its backward reads.
    trace: Trace,
    /// The LSTM backward's buffers and its weight gradients.
    work: BackwardWork,
    lstm_grads: Grads,
}

/// The model and the step count, not the buffers.
impl std::fmt::Debug for FusedStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FusedStep")
            .field("model", &self.model)
            .field("iterations", &self.iterations)
            .field("carries_state", &self.state.is_some())
            .finish_non_exhaustive()
    }
}

impl FusedStep {
    /// A step for `model` starting from `params`, Adam's moments `m`, `v` after `iterations`
    /// steps, and the carried `state`.
    pub fn new(
        model: StepModel,
        adam: AdamHyper,
        params: Params,
        (m, v, iterations): (Params, Params, u64),
        state: Option<(Vec<f32>, Vec<f32>)>,
    ) -> Self {
        Self {
            model,
            adam,
            params,
            m,
            v,
            iterations,
            state,
            head_in: Vec::new(),
            logits: Vec::new(),
            d_head_in: Vec::new(),
            grad_output: Vec::new(),
            d_head: [Vec::new(), Vec::new()],
            zeros: Vec::new(),
            probs: Vec::new(),
            trace: Trace::default(),
            work: BackwardWork::default(),
            lstm_grads: Grads::default(),
        }
    }

    /// One Adam step on one batch; returns the batch's mean loss and its correct rows, both
    /// computed before the update (as Keras reports them). With `carry`, the batch starts from
    /// the carried state and leaves its own final state carried.
    ///
    /// - x: `[batch, steps, d_input]` (any steps), y: `[batch, out_steps, classes]` (`out_steps`
    ///   is `steps` or 1), both row-major
    pub fn step(&mut self, x: &[f32], y: &[f32], batch: usize, carry: bool) -> (f32, f32) {
        let StepModel {
            d_input,
            units: u,
            classes: k,
            every_step,
            loss,
        } = self.model;
        let b = batch;
        let t = x.len() / (b * d_input);
        let rows = if every_step { b * t } else { b };
        // `Learner::fit` checked the data before any step; these restate what the step relies on.
        debug_assert_eq!(x.len(), b * t * d_input, "x is [batch, steps, d_input]");
        debug_assert_eq!(y.len(), rows * k, "y is [batch, out_steps, classes]");
        debug_assert!(
            !carry || self.state.as_ref().is_none_or(|(h, _)| h.len() == b * u),
            "a carried state is [batch, units]"
        );
        let dims = Dims {
            batch: b,
            steps: t,
            d_input,
            units: u,
        };
        zeroed(&mut self.zeros, b * u);
        let (h0, c0) = match (&self.state, carry) {
            (Some((h, c)), true) => (h.as_slice(), c.as_slice()),
            _ => (self.zeros.as_slice(), self.zeros.as_slice()),
        };
        let [kernel, recurrent, bias, head_kernel, head_bias] = &self.params;
        let w = Weights {
            kernel,
            recurrent,
            bias,
        };
        cpu::forward_into(dims, x, w, h0, c0, &mut self.trace); // output [b, t + 1, u]
        let trace = &self.trace;

        // The head reads h_T (many-to-one) or every h_t (seq2seq): [rows, u].
        zeroed(&mut self.head_in, rows * u);
        let read = |s: usize, step: usize| &trace.output[(s * (t + 1) + step) * u..][..u];
        for s in 0..b {
            if every_step {
                for step in 0..t {
                    self.head_in[(s * t + step) * u..][..u].copy_from_slice(read(s, step));
                }
            } else {
                self.head_in[s * u..][..u].copy_from_slice(read(s, t - 1));
            }
        }
        // logits = bias + head_in W   [rows, u] x [u, k]
        zeroed(&mut self.logits, rows * k);
        for row in self.logits.chunks_exact_mut(k) {
            row.copy_from_slice(head_bias);
        }
        gemm(
            rows,
            k,
            u,
            &mut self.logits,
            k,
            true,
            Mat::rows(&self.head_in, u),
            Mat::rows(head_kernel, k),
        );

        // The loss, the correct rows, and the logits' gradient in place of the logits.
        zeroed(&mut self.probs, k);
        let (mut loss_sum, mut correct) = (0.0f32, 0.0f32);
        for (z, y) in self.logits.chunks_exact_mut(k).zip(y.chunks_exact(k)) {
            correct += f32::from(u8::from(first_max(z) == first_max(y)));
            loss_sum += softmax_loss(loss, z, y, &mut self.probs);
        }
        let scale = 1.0 / rows as f32;
        for g in &mut self.logits {
            *g *= scale;
        }

        // The head's gradients: dW = head_in^T dz, db = sum of dz's rows, d_head_in = dz W^T.
        let [d_kernel, d_bias] = &mut self.d_head;
        zeroed(d_kernel, u * k);
        gemm(
            u,
            k,
            rows,
            d_kernel,
            k,
            false,
            Mat::transposed(&self.head_in, u),
            Mat::rows(&self.logits, k),
        );
        zeroed(d_bias, k);
        for row in self.logits.chunks_exact(k) {
            for (acc, &g) in d_bias.iter_mut().zip(row) {
                *acc += g;
            }
        }
        zeroed(&mut self.d_head_in, rows * u);
        gemm(
            rows,
            u,
            k,
            &mut self.d_head_in,
            u,
            false,
            Mat::rows(&self.logits, k),
            Mat::transposed(head_kernel, k),
        );
        // ... placed where the head read them in the LSTM's packed output [b, t + 1, u].
        zeroed(&mut self.grad_output, b * (t + 1) * u);
        for s in 0..b {
            let (from, to, n) = if every_step {
                (s * t * u, s * (t + 1) * u, t * u)
            } else {
                (s * u, (s * (t + 1) + t - 1) * u, u)
            };
            self.grad_output[to..][..n].copy_from_slice(&self.d_head_in[from..][..n]);
        }
        let needs = Needs {
            x: false,
            weights: true,
            state: false,
        };
        let saved = Saved {
            gates: &trace.gates,
            cells: &trace.cells,
            h_prev: &trace.h_prev,
        };
        let lstm = &mut self.lstm_grads;
        cpu::backward_into(
            dims,
            (&self.grad_output, x),
            w,
            saved,
            needs,
            &mut self.work,
            lstm,
        );

        if carry {
            let (mut h, mut c) = self.state.take().unwrap_or_default();
            zeroed(&mut h, b * u);
            zeroed(&mut c, b * u);
            for s in 0..b {
                h[s * u..][..u].copy_from_slice(read(s, t - 1));
                c[s * u..][..u].copy_from_slice(read(s, t));
            }
            self.state = Some((h, c));
        }

        // Keras's Adam: the bias correction folded into the step size.
        self.iterations += 1;
        let [lr, beta_1, beta_2, epsilon] = self.adam;
        let n = self.iterations as f32;
        let alpha = lr * (1.0 - beta_2.powf(n)).sqrt() / (1.0 - beta_1.powf(n));
        let grads = [
            &lstm.kernel,
            &lstm.recurrent,
            &lstm.bias,
            &self.d_head[0],
            &self.d_head[1],
        ];
        for (((p, m), v), g) in self
            .params
            .iter_mut()
            .zip(&mut self.m)
            .zip(&mut self.v)
            .zip(grads)
        {
            adam(p, m, v, g, [alpha, beta_1, beta_2, epsilon]);
        }
        (loss_sum * scale, correct)
    }
}

/// The index of the first largest value.
fn first_max(v: &[f32]) -> usize {
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
fn softmax_loss(loss: SoftmaxLoss, z: &mut [f32], y: &[f32], probs: &mut [f32]) -> f32 {
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
