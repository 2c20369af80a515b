//! A whole training step on the CPU in one call, for the models of one LSTM layer and a softmax
//! Dense head (many-to-one, or seq2seq through `TimeDistributed`) and for Keras's encoder-decoder
//! (encoder LSTM, `RepeatVector`, decoder LSTM, the head on every decoder step): the LSTM
//! forwards, the head, Keras's categorical cross-entropy and its gradient, the head's backward
//! and the backward through time (the decoder's input gradient, summed over the repeated steps,
//! is the gradient of the encoder's last `h`), then Keras's Adam on every parameter, on plain
//! `f32` buffers.
//!
//! It is the arithmetic of `Learner::train_step` without the autodiff graph, the op dispatch and
//! the per-op tensors: the same kernels for the LSTM ([`cpu::forward_into`],
//! [`cpu::backward_into`]) and for Adam ([`adam`]), and hand-written head and loss gradients
//! (derived in `softmax.rs`). Its bits are not the reference step's (the head's products and the softmax
//! are summed in another order), so it is compared with it within a tolerance
//! (`tests/fused_step.rs`).
//!
use super::Needs;
use super::adam::adam;
use super::cpu::{self, BackwardWork, Dims, Grads, Saved, Trace, Weights, sized, zeroed};
use super::math::{Mat, gemm};
pub(crate) use super::softmax::SoftmaxLoss;
use super::softmax::{first_max, softmax_loss};

/// The model a [`FusedStep`] trains: one LSTM layer, then a softmax Dense head on the last step
/// (`every_step: false`) or on every step (`true`); or, with a `decoder`, Keras's
/// encoder-decoder: the encoder's last `h` repeated `out_steps` times (`RepeatVector`) into a
/// second LSTM, whose every step the head reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StepModel {
    /// Input features per step.
    pub d_input: usize,
    /// LSTM units (the encoder's, with a decoder).
    pub units: usize,
    /// Softmax classes.
    pub classes: usize,
    /// The head on every step (seq2seq) rather than the last (many-to-one); ignored with a
    /// decoder, whose every step the head reads.
    pub every_step: bool,
    /// The decoder of an encoder-decoder.
    pub decoder: Option<Decoder>,
    /// The loss.
    pub loss: SoftmaxLoss,
}

/// The second LSTM of an encoder-decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decoder {
    /// Output steps (`RepeatVector`'s count).
    pub out_steps: usize,
    /// Its units (its input is the encoder's `h`).
    pub units: usize,
}

impl StepModel {
    /// `(d_input, units)` of each LSTM layer, in order.
    fn layers(&self) -> impl Iterator<Item = (usize, usize)> {
        let encoder = (self.d_input, self.units);
        let decoder = self.decoder.map(|d| (self.units, d.units));
        std::iter::once(encoder).chain(decoder)
    }

    /// How many parameters: three per LSTM layer, then the head's kernel and bias.
    pub fn param_count(&self) -> usize {
        3 * self.layers().count() + 2
    }
}

/// Keras's Adam hyper-parameters: learning rate, beta_1, beta_2, epsilon.
pub(crate) type AdamHyper = [f32; 4];

/// The parameters, always in this order: each LSTM layer's kernel `[d, 4u]`, recurrent kernel
/// `[u, 4u]` and bias `[4u]` (the encoder's, then the decoder's), then the head's kernel
/// `[u, classes]` and bias `[classes]`.
pub(crate) type Params = Vec<Vec<f32>>;

/// The carried `(h, c)` of each LSTM layer, `[batch, units]` each.
pub(crate) type State = Vec<(Vec<f32>, Vec<f32>)>;

/// One LSTM layer's buffers: its forward trace, the gradient of its output, and its backward's
/// work and weight gradients.
#[derive(Clone, Default)]
struct LayerWork {
    trace: Trace,
    /// `[batch, steps + 1, units]`: the gradient of the layer's packed output.
    grad_output: Vec<f32>,
    work: BackwardWork,
    grads: Grads,
}

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
    /// The final `(h, c)` of every layer after the last batch, when state is carried.
    pub state: Option<State>,
    /// `[rows, units]`: the hidden states the head reads.
    head_in: Vec<f32>,
    /// `[rows, classes]`: logits, then their gradient.
    logits: Vec<f32>,
    /// `[rows, units]`: the gradient of `head_in`.
    d_head_in: Vec<f32>,
    /// The head's kernel and bias gradients.
    d_head: [Vec<f32>; 2],
    /// `[batch, out_steps, units]`: the decoder's input, the encoder's last `h` repeated.
    repeated: Vec<f32>,
    /// Zeros `[batch, units]`: the initial state of a layer with none carried.
    zeros: Vec<f32>,
    /// `[classes]`: one row's softmax.
    probs: Vec<f32>,
    /// Each LSTM layer's buffers.
    layers: Vec<LayerWork>,
    /// Each batch's loss in the epoch under way (what a divergence error reports), kept here so
    /// that an epoch allocates nothing once the first has run.
    pub batch_losses: Vec<f32>,
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
        state: Option<State>,
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
            d_head: [Vec::new(), Vec::new()],
            repeated: Vec::new(),
            zeros: Vec::new(),
            probs: Vec::new(),
            layers: vec![LayerWork::default(); model.layers().count()],
            batch_losses: Vec::new(),
        }
    }

    /// One Adam step on one batch; returns the batch's mean loss and its correct rows, both
    /// computed before the update (as Keras reports them). With `carry`, the batch starts from
    /// the carried state and leaves its own final state carried.
    ///
    /// - x: `[batch, steps, d_input]` (any steps), y: `[batch, out_steps, classes]` (`out_steps`
    ///   is the decoder's, `steps`, or 1), both row-major
    pub fn step(&mut self, x: &[f32], y: &[f32], batch: usize, carry: bool) -> (f32, f32) {
        let model = self.model;
        let b = batch;
        let t = x.len() / (b * model.d_input);
        // The head reads the last layer: every step of the decoder, or of the one layer
        // (seq2seq), or its last step (many-to-one).
        let (every, head_steps) = match model.decoder {
            Some(d) => (true, d.out_steps),
            None => (model.every_step, t),
        };
        let rows = if every { b * head_steps } else { b };
        let u = model.layers().last().map_or(model.units, |(_, units)| units);
        // `Learner::fit` checked the data before any step; these restate what the step relies on.
        debug_assert_eq!(x.len(), b * t * model.d_input, "x is [batch, steps, d_input]");
        debug_assert_eq!(y.len(), rows * model.classes, "y is [batch, out_steps, classes]");
        debug_assert!(
            !carry
                || self.state.as_ref().is_none_or(|s| s
                    .iter()
                    .zip(model.layers())
                    .all(|((h, _), (_, u))| h.len() == b * u)),
            "a carried state is [batch, units] per layer"
        );
        self.forward(x, b, carry);
        let (loss_sum, correct) = self.head_forward_backward(y, (b, head_steps, u), every);
        self.backward(x, b, every);
        if carry {
            self.keep_state(b);
        }
        self.adam_update();
        // The mean as the reference step takes it: times the reciprocal of the rows.
        (loss_sum * (1.0 / rows as f32), correct)
    }

    /// Forward through each LSTM layer from zeros or, with `carry`, the carried state; the
    /// decoder reads the encoder's last `h`, repeated.
    fn forward(&mut self, x: &[f32], b: usize, carry: bool) {
        let widest = self.model.layers().map(|(_, units)| units).max().unwrap_or(0);
        zeroed(&mut self.zeros, b * widest);
        let carried = self.state.as_ref().filter(|_| carry);
        for (i, (d, units)) in self.model.layers().enumerate() {
            let (done, rest) = self.layers.split_at_mut(i);
            let layer = &mut rest[0];
            let input: &[f32] = match (done.last(), self.model.decoder) {
                (Some(encoder), Some(decoder)) => {
                    let (out, t) = (decoder.out_steps, encoder.trace.steps(b, d));
                    sized(&mut self.repeated, b * out * d); // every row copied below
                    for s in 0..b {
                        let h_t = &encoder.trace.output[(s * (t + 1) + t - 1) * d..][..d];
                        for j in 0..out {
                            self.repeated[(s * out + j) * d..][..d].copy_from_slice(h_t);
                        }
                    }
                    &self.repeated
                }
                _ => x,
            };
            let dims = Dims {
                batch: b,
                steps: input.len() / (b * d),
                d_input: d,
                units,
            };
            let (h0, c0) = match carried {
                Some(s) => (s[i].0.as_slice(), s[i].1.as_slice()),
                None => (&self.zeros[..b * units], &self.zeros[..b * units]),
            };
            let w = weights(&self.params, i);
            cpu::forward_into(dims, input, w, h0, c0, &mut layer.trace); // [b, steps + 1, units]
        }
    }

    /// Backward through the LSTM layers, last first: the last layer's output gradient is the
    /// head's (`d_head_in`, where the head read it); the encoder's last `h` gets the decoder's
    /// input gradient summed over the repeated steps.
    fn backward(&mut self, x: &[f32], b: usize, every: bool) {
        for i in (0..self.layers.len()).rev() {
            let (d, units) = self.model.layers().nth(i).expect("a layer per LayerWork");
            let (before, after) = self.layers.split_at_mut(i + 1);
            let layer = &mut before[i];
            let steps = layer.trace.steps(b, units);
            zeroed(&mut layer.grad_output, b * (steps + 1) * units);
            match after.first() {
                None => {
                    for s in 0..b {
                        let (from, to, n) = if every {
                            (s * steps * units, s * (steps + 1) * units, steps * units)
                        } else {
                            (s * units, (s * (steps + 1) + steps - 1) * units, units)
                        };
                        layer.grad_output[to..][..n].copy_from_slice(&self.d_head_in[from..][..n]);
                    }
                }
                Some(decoder) => {
                    let out = decoder.grads.x.len() / (b * units); // its input is [b, out, units]
                    for s in 0..b {
                        let at = (s * (steps + 1) + steps - 1) * units;
                        let dh = &mut layer.grad_output[at..][..units];
                        for j in 0..out {
                            let dx = &decoder.grads.x[(s * out + j) * units..][..units];
                            for (acc, &g) in dh.iter_mut().zip(dx) {
                                *acc += g;
                            }
                        }
                    }
                }
            }
            let input: &[f32] = if i == 0 { x } else { &self.repeated };
            let needs = Needs {
                x: i > 0,
                weights: true,
                state: false,
            };
            let saved = Saved {
                gates: &layer.trace.gates,
                cells: &layer.trace.cells,
                h_prev: &layer.trace.h_prev,
            };
            let dims = Dims {
                batch: b,
                steps,
                d_input: d,
                units,
            };
            let (grad_output, w) = (&layer.grad_output, weights(&self.params, i));
            cpu::backward_into(
                dims,
                (grad_output, input),
                w,
                saved,
                needs,
                &mut layer.work,
                &mut layer.grads,
            );
        }
    }

    /// Keeps every layer's final `(h, c)` as the next batch's starting state.
    fn keep_state(&mut self, b: usize) {
        let mut kept = self.state.take().unwrap_or_default();
        kept.resize_with(self.layers.len(), Default::default);
        for ((h, c), (layer, (_, units))) in kept.iter_mut().zip(self.layers.iter().zip(self.model.layers()))
        {
            let steps = layer.trace.steps(b, units);
            sized(h, b * units); // every row copied below
            sized(c, b * units);
            for s in 0..b {
                let at = |step: usize| &layer.trace.output[(s * (steps + 1) + step) * units..][..units];
                h[s * units..][..units].copy_from_slice(at(steps - 1));
                c[s * units..][..units].copy_from_slice(at(steps));
            }
        }
        self.state = Some(kept);
    }

    /// Keras's Adam on every parameter, the bias correction folded into the step size.
    fn adam_update(&mut self) {
        self.iterations += 1;
        let [lr, beta_1, beta_2, epsilon] = self.adam;
        let n = self.iterations as f32;
        let alpha = lr * (1.0 - beta_2.powf(n)).sqrt() / (1.0 - beta_1.powf(n));
        let lstm_grads = self
            .layers
            .iter()
            .flat_map(|l| [&l.grads.kernel, &l.grads.recurrent, &l.grads.bias]);
        let grads = lstm_grads.chain(&self.d_head);
        for (((p, m), v), g) in self
            .params
            .iter_mut()
            .zip(&mut self.m)
            .zip(&mut self.v)
            .zip(grads)
        {
            adam(p, m, v, g, [alpha, beta_1, beta_2, epsilon]);
        }
    }

    /// The head forward from the last LSTM layer's output `[b, steps + 1, u]`, the loss and the
    /// correct rows, then the head's backward: its kernel and bias gradients and `d_head_in`.
    /// Returns the loss summed over rows and the correct rows.
    fn head_forward_backward(
        &mut self,
        y: &[f32],
        (b, t, u): (usize, usize, usize),
        every: bool,
    ) -> (f32, f32) {
        let (k, loss) = (self.model.classes, self.model.loss);
        let rows = if every { b * t } else { b };
        let n = self.params.len();
        let (head_kernel, head_bias) = (&self.params[n - 2], &self.params[n - 1]);
        let output = &self.layers.last().expect("at least one LSTM layer").trace.output;
        // The head reads h_T (many-to-one) or every h_t: [rows, u].
        sized(&mut self.head_in, rows * u); // every row copied below
        let read = |s: usize, step: usize| &output[(s * (t + 1) + step) * u..][..u];
        for s in 0..b {
            if every {
                for step in 0..t {
                    self.head_in[(s * t + step) * u..][..u].copy_from_slice(read(s, step));
                }
            } else {
                self.head_in[s * u..][..u].copy_from_slice(read(s, t - 1));
            }
        }
        // logits = bias + head_in W   [rows, u] x [u, k]
        sized(&mut self.logits, rows * k); // every row set to the bias
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
        zeroed(&mut self.probs, 2 * k); // softmax_loss's scratch
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
        sized(d_kernel, u * k); // overwritten by the product
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
        sized(&mut self.d_head_in, rows * u); // overwritten by the product
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
        (loss_sum, correct)
    }
}

/// LSTM layer `i`'s weights in `params`.
fn weights(params: &Params, i: usize) -> Weights<'_> {
    Weights {
        kernel: &params[3 * i],
        recurrent: &params[3 * i + 1],
        bias: &params[3 * i + 2],
    }
}
